import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CONTROLS } from '../../lib/controls';
import { acknowledgements } from '../../lib/evidence/acknowledgements';
import { evaluate, type Evaluation } from '../../lib/evidence/evaluate';
import { diffStacks } from '../../lib/evidence/diff-report';
import { applyAcceptances, statefulChanges, type Acceptance } from '../../lib/evidence/stateful-changes';
import { buildReport, escapeHtml, escapeMarkdown, markdownMatrix, REPORT_VERSION, renderHtml, renderJson, renderMarkdown, stackTopology, summaryText, type ControlsReport } from '../../lib/evidence/report';
import { readSynthOutput, type SynthesizedStack } from '../../lib/evidence/synth-output';
import { parseArgs, runReport, UsageError } from '../../scripts/report';
import { synthTerraformApp } from '../stacks/azure-support';
import { defaultConfig, synthAws } from '../stacks/support';
import { rdsIdOf, renamePostgres, renameRds, weakenStacks } from './support';

// The controls report rendered from the real synthesized output of both apps: the default config
// passes everywhere, and each weakening a reviewer must not miss flips the report to failing and
// shows the finding where it sits.
const ROOT = path.join(__dirname, '..', '..');
const config = defaultConfig();
const cdkOut = synthAws(config, { policy: false }).outdir;
const cdktfOut = synthTerraformApp(config);
const stacks = [...readSynthOutput(cdkOut), ...readSynthOutput(cdktfOut)];
const configFor = (env: string) => config.environments[env];
const topology = stackTopology(stacks, { 'prod-aws-primary': 'eu-west-1', 'prod-aws-dr': 'eu-central-1' });
const reportOf = (s: readonly SynthesizedStack[], ev: Evaluation = evaluate(s, configFor)): ControlsReport =>
  buildReport({ evaluation: ev, acknowledgements: acknowledgements(s), topology: stackTopology(s) });
const report = buildReport({ evaluation: evaluate(stacks, configFor), acknowledgements: acknowledgements(stacks), topology });
const markdown = renderMarkdown(report);

// The weakening edits the copy in place (whatever its arrow returns is ignored).
const weakened = (name: string, weaken: (template: any) => unknown): SynthesizedStack[] =>
  weakenStacks(stacks, {
    [name]: (t) => {
      weaken(t);
    },
  });
const resourcesOf = (t: any, type: string): [string, any][] => Object.entries<any>(t.Resources).filter(([, r]) => r.Type === type);
// A construct id change (Database -> PrimaryDb): the RDS instance's logical id (prod AWS) and the
// PostgreSQL server's Terraform name (prod Azure) renamed everywhere they are referenced.
const rdsId = rdsIdOf(stacks.find((s) => s.name === 'prod-aws-primary')!.template);
const newRdsId = rdsId.replace(/^Database/, 'PrimaryDb');
const pgName = Object.keys(stacks.find((s) => s.name === 'prod-azure-primary')!.template.resource.azurerm_postgresql_flexible_server)[0];
const renamed = weakenStacks(stacks, { 'prod-aws-primary': renameRds });
const renamedBoth = weakenStacks(stacks, { 'prod-aws-primary': renameRds, 'prod-azure-primary': renamePostgres });

describe('controls report', () => {
  it('renders the default config as passing: summary, exact matrix rows, every section', () => {
    expect(report.summary).toMatchObject({ result: 'pass', controls: CONTROLS.length, environments: ['prod', 'staging'], clouds: ['aws', 'azure', 'cloudflare'], stacks: 14, failing: [] });
    expect(report.summary.cells).toEqual({ pass: 100, fail: 0, 'not-applicable': 0, 'not-checked': 44, total: 144 });
    expect(markdown).toContain('**Result: PASS. 100 pass / 0 fail / 0 not applicable / 44 not checked (144 cells: 24 controls in prod and staging on AWS, Azure and Cloudflare, from 14 stacks); 0 acknowledged policy findings under 0 rules.**');
    const matrix = markdownMatrix(report);
    expect(matrix.slice(0, 2)).toEqual(['| Control | prod AWS | prod Azure | prod Cloudflare | staging AWS | staging Azure | staging Cloudflare |', '|---|:-:|:-:|:-:|:-:|:-:|:-:|']);
    expect(matrix).toEqual(expect.arrayContaining([
      '| [EDGE-TLS](#edge-tls) | ✅ pass | ✅ pass | ✅ pass | ✅ pass | ✅ pass | ✅ pass |',
      '| [DB-FROM-APP](#db-from-app) | ✅ pass | ✅ pass | not checked | ✅ pass | ✅ pass | not checked |',
      '| [ADMIN-MFA](#admin-mfa) | ✅ pass | not checked | not checked | ✅ pass | not checked | not checked |',
      '| [ENV-SEPARATION](#env-separation) | not checked | not checked | not checked | not checked | not checked | not checked |',
    ]));
    expect(matrix).toHaveLength(2 + CONTROLS.length);
    for (const line of matrix) expect(markdown).toContain(line);
    const headings = markdown.split('\n').filter((l) => /^##? /.test(l));
    expect(headings).toEqual(['# Controls report', '## Matrix', '## Controls', '## Acknowledged policy findings']);
    for (const c of CONTROLS) expect(markdown).toContain(`\n### ${c.id}\n\n${c.claim}\n`);
  });

  it('shows per control its claims, the tests that prove it, the note and the resources that carry it', () => {
    const section = markdown.split('\n### DB-FROM-APP\n')[1].split('\n### ')[0];
    expect(section).toContain('- Claims: A10, A12, B3 (CLAIMS.md)');
    expect(section).toContain('  - AWS: `test/aws/database.test.ts`, `test/stacks/aws-controls.test.ts`');
    expect(section).toContain('  - Azure: `test/azure/baseline-vnet.test.ts`, `test/azure/postgres-server.test.ts`, `test/controls/azure/network.test.ts`, `test/stacks/azure-controls.test.ts`');
    expect(section).toMatch(/- \*\*prod AWS\*\* ✅ pass: \d+ resources carry it: .*`prod-aws-dr-database\/DatabaseReplica[A-F0-9]+`.*`prod-aws-primary\/Database[A-F0-9]+`/);
    expect(section).toContain('- **prod Cloudflare** not checked: not carried by the Cloudflare stacks');
    // Evidence is truncated with a count; controls.json keeps every resource.
    const edge = markdown.split('\n### EDGE-TLS\n')[1].split('\n### ')[0];
    expect(edge).toMatch(/- \*\*prod AWS\*\* ✅ pass: (\d+) resources carry it: (`[^`]+`, ){5}`[^`]+` and \d+ more resources \(see controls.json\)/);
    expect(markdown.split('\n### DATA-RESIDENCY\n')[1]).toMatch(/^[\s\S]*?- Note: Checked at config level[\s\S]*?- \*\*prod AWS\*\* not checked: no check reads this cloud's output; proved by the tests listed/);
  });

  it('lists the acknowledgements the assembly carries, grouped by rule with stack, resource, path and reason', () => {
    // The test synthesizes without the policy gates (fast), so the templates carry none; cdk synth's do.
    expect(acknowledgements(stacks)).toEqual([]);
    expect(markdown).toContain('## Acknowledged policy findings\n\nNone: ');
    const withAcks = weakened('prod-aws-primary', (t) => {
      const [id] = resourcesOf(t, 'AWS::EC2::SecurityGroup').find(([, r]) => (r.Properties.SecurityGroupIngress ?? []).some((i: any) => i.FromPort === 22))!;
      t.Resources[id].Metadata = { 'aws:cdk:path': 'prod-aws-primary/Bastion/SecurityGroup/Resource', cdk_nag: { rules_to_suppress: [{ id: 'AwsSolutions-EC23', reason: 'Only the allowlisted admin ranges reach SSH; BASTION-SSH checks it.' }, { id: 'CT.EC2.PR.7', reason: 'Encrypted | piped <reason>' }] } };
    });
    const md = renderMarkdown(reportOf(withAcks));
    const section = md.split('## Acknowledged policy findings\n')[1];
    expect(section).toContain('2 findings under 2 rules are acknowledged in code');
    expect(section).toMatch(/### `AwsSolutions-EC23` \(1\)\n\nReason: Only the allowlisted admin ranges reach SSH; BASTION-SSH checks it\.\n\n- `prod-aws-primary\/BastionSecurityGroup[A-F0-9]+` at `prod-aws-primary\/Bastion\/SecurityGroup\/Resource`/);
    expect(section).toContain('Reason: Encrypted \\| piped &lt;reason>');
    expect(section.indexOf('AwsSolutions-EC23')).toBeLessThan(section.indexOf('CT.EC2.PR.7'));
    const html = renderHtml(reportOf(withAcks));
    expect(html).toContain('<details class="ack" data-rule="CT.EC2.PR.7"><summary><code>CT.EC2.PR.7</code> (1)</summary>');
    expect(html).toContain('Encrypted | piped &lt;reason&gt;');
  });

  it.each<[string, string, string, string, RegExp, (t: any) => void]>([
    ['a loosened login rate limit (AWS WAF)', 'prod-aws-primary', 'WAF-RATE-CRITICAL', 'prod AWS', /WebAcl[A-F0-9]+`: rule "rate-login": allows 10000000 per 300 s .*expected fewer requests per second than the global rule/, (t) => {
      const [, acl] = resourcesOf(t, 'AWS::WAFv2::WebACL')[0];
      acl.Properties.Rules.find((r: any) => r.Name === 'rate-login').Statement.RateBasedStatement.Limit = 10_000_000;
    }],
    ['a loosened login rate limit (Cloudflare)', 'staging-cloudflare', 'WAF-RATE-CRITICAL', 'staging Cloudflare', /staging-cloudflare\/cloudflare_ruleset\.[^`]+`: .*1000000/, (t) => {
      const rl = Object.values<any>(t.resource.cloudflare_ruleset).find((r) => r.phase === 'http_ratelimit');
      rl.rules[0].ratelimit.requests_per_period = 1_000_000;
    }],
    ['port 22 open to the world on the bastion', 'prod-aws-primary', 'BASTION-SSH', 'prod AWS', /BastionSecurityGroup[A-F0-9]+`: .*0\.0\.0\.0\/0/, (t) => {
      const [, sg] = resourcesOf(t, 'AWS::EC2::SecurityGroup').find(([, r]) => (r.Properties.SecurityGroupIngress ?? []).some((i: any) => i.FromPort === 22))!;
      sg.Properties.SecurityGroupIngress.push({ CidrIp: '0.0.0.0/0', FromPort: 22, ToPort: 22, IpProtocol: 'tcp' });
    }],
    ['database encryption disabled', 'prod-aws-primary', 'ENC-REST', 'prod AWS', /Database[A-F0-9]+`: StorageEncrypted is false; expected true/, (t) => {
      const [, db] = resourcesOf(t, 'AWS::RDS::DBInstance')[0];
      db.Properties.StorageEncrypted = false;
    }],
  ])('flips to failing on %s and shows the finding', (_what, stackName, control, column, finding, weaken) => {
    const r = reportOf(weakened(stackName, weaken));
    expect(r.summary.result).toBe('fail');
    expect(r.summary.failing).toEqual([expect.objectContaining({ control, environment: column.split(' ')[0] })]);
    const md = renderMarkdown(r);
    expect(md).toMatch(/^\*\*Result: FAIL\. \d+ pass \/ 1 fail \//m);
    const row = markdownMatrix(r).find((l) => l.startsWith(`| [${control}]`))!;
    const columnIndex = r.columns.findIndex((c) => `${c.environment} ${{ aws: 'AWS', azure: 'Azure', cloudflare: 'Cloudflare' }[c.cloud]}` === column);
    expect(row.split(' | ').slice(1)[columnIndex].replace(/ \|$/, '')).toBe('❌ fail');
    expect(md).toContain(`\n## Failing\n\n### ${control} in ${column}\n`);
    expect(md.split('\n## Failing\n')[1].split('\n## Controls\n')[0]).toMatch(finding);
    expect(md.split(`\n### ${control}\n`)[1].split('\n### ')[0]).toMatch(finding);
    const json = JSON.parse(renderJson(r));
    expect(json.summary).toMatchObject({ result: 'fail', cells: expect.objectContaining({ fail: 1 }) });
    expect(json.stacks.find((s: any) => s.name === stackName).results.find((x: any) => x.control === control).status).toBe('fail');
    const html = renderHtml(r);
    expect(html).toMatch(new RegExp(`<td data-environment="${column.split(' ')[0]}" data-cloud="[a-z]+" data-status="fail" class="status-fail"[^>]*>✖ fail</td>`));
    expect(html).toContain(`<g class="node" data-stack="${stackName}" data-status="fail" data-failing="${control}">`);
  });

  it('still evaluates every control under a renamed database construct id (the comparison with a base is what fails it)', () => {
    const r = reportOf(renamed);
    expect(r.summary.result).toBe('pass');
    const db = r.matrix.filter((c) => c.environment === 'prod' && c.cloud === 'aws' && c.evidence.some((e) => e.endsWith(`/${newRdsId}`)));
    expect(db.map((c) => c.control)).toEqual(expect.arrayContaining(['DB-FROM-APP', 'ENC-REST', 'ENC-TRANSIT', 'BACKUP', 'HA-MULTIZONE', 'DR-REGION']));
    expect(renderMarkdown(r)).toContain(`\`prod-aws-primary/${newRdsId}\``);
    // ... and a rename that loses a property the controls need fails like any weakening.
    const broken = reportOf(weakened('prod-aws-primary', (t) => {
      const [oldId, resource] = resourcesOf(t, 'AWS::RDS::DBInstance')[0];
      delete t.Resources[oldId];
      t.Resources.DbRenamed0A1B2C3D = { ...resource, Properties: { ...resource.Properties, DeletionProtection: false, PubliclyAccessible: true } };
    }));
    expect(broken.summary.result).toBe('fail');
    expect(renderMarkdown(broken)).toMatch(/`prod-aws-primary\/DbRenamed0A1B2C3D`: /);
  });

  it('writes JSON for machines: versioned, with summary, matrix, stacks with per-control results and acknowledgements', () => {
    const json = JSON.parse(renderJson(report));
    expect(Object.keys(json)).toEqual(['version', 'summary', 'columns', 'controls', 'matrix', 'stacks', 'environmentResults', 'acknowledgements']);
    expect(json.version).toBe(REPORT_VERSION);
    expect(json.summary).toMatchObject({ result: 'pass', cells: { pass: 100, fail: 0, total: 144 } });
    expect(json.matrix).toHaveLength(144);
    expect(json.stacks.map((s: any) => s.name)).toEqual([...json.stacks.map((s: any) => s.name)].sort());
    expect(json.stacks.find((s: any) => s.name === 'prod-aws-primary')).toMatchObject({ region: 'eu-west-1', results: expect.arrayContaining([expect.objectContaining({ control: 'BASTION-SSH', status: 'pass' })]) });
    expect(json.stacks.find((s: any) => s.name === 'prod-azure-dr').region).toBe('northeurope');
    expect(json.stacks.find((s: any) => s.name === 'prod-cloudflare')).toMatchObject({ hosts: ['app.example.com'], origins: ['prod-aws-dr', 'prod-aws-primary'] });
    expect(json.controls.find((c: any) => c.id === 'DR-REGION').checkedOn).toEqual(['aws', 'azure', 'cloudflare']);
    expect(json.acknowledgements).toEqual([]);
  });

  it('renders the same bytes for the same input, with no timestamp unless given one', () => {
    const again = buildReport({ evaluation: evaluate([...stacks].reverse(), configFor), acknowledgements: acknowledgements(stacks), topology });
    expect(renderMarkdown(again)).toBe(markdown);
    expect(renderJson(again)).toBe(renderJson(report));
    expect(renderHtml(again)).toBe(renderHtml(report));
    expect(renderJson(report)).not.toMatch(/generatedAt|20\d\d-\d\d-\d\dT/);
    const stamped = buildReport({ evaluation: evaluate(stacks, configFor), acknowledgements: [], generatedAt: '2026-01-02T03:04:05Z' });
    expect(renderMarkdown(stamped)).toContain('generated 2026-01-02T03:04:05Z');
  });

  it('escapes every string it puts into HTML and Markdown', () => {
    const ev = evaluate(stacks, configFor);
    const evil = {
      ...ev,
      matrix: ev.matrix.map((c) => (c.control === 'SECRETS' && c.environment === 'prod' && c.cloud === 'aws'
        ? { ...c, status: 'fail' as const, findings: [{ control: 'SECRETS' as const, stack: 'prod-aws-primary', resource: 'Evil"><img src=x onerror=alert(1)>', message: 'found <script>alert("pwned")</script> & \'quotes\' | pipe' }] }
        : c)),
    };
    const r = buildReport({ evaluation: evil, acknowledgements: [{ stack: 'prod-aws-primary', resource: 'R', rule: '<b>rule</b>', reason: '</script><script>alert(2)</script>' }], inputs: { config: '<i>x</i>' } });
    const html = renderHtml(r);
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>rule');
    expect(html.match(/<script>/g)).toHaveLength(1);
    expect(html).toContain('found &lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; &amp; &#39;quotes&#39; | pipe');
    expect(html).toContain('Evil&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    const md = renderMarkdown(r);
    // Code spans show their content literally (no HTML) on every Markdown renderer; prose is escaped.
    expect(md.replace(/^<!-- Generated .* -->$/m, '').replace(/`[^`]*`/g, '')).not.toMatch(/<[A-Za-z/!?]/);
    expect(md).toContain('found &lt;script>alert("pwned")&lt;/script> & \'quotes\' \\| pipe');
    expect(md).toContain('Reason: &lt;/script>&lt;script>alert(2)&lt;/script>');
    expect(escapeMarkdown('a|b\nc `d` [e](f) *g* x_y')).toBe('a\\|b c \\`d\\` \\[e\\](f) \\*g\\* x_y');
    expect(escapeHtml('<a href="x">\'&\'</a>')).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('is one self-contained HTML page: inline CSS, JS and SVG, nothing fetched', () => {
    const html = renderHtml(report);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<(link|img|iframe|object|embed)\b|<script [^>]*src=|@import|url\((?!#)/);
    expect(html).toContain('<table id="matrix">');
    expect(html).toContain('<svg id="topology-svg"');
    for (const env of ['prod', 'staging']) expect(html).toContain(`<g class="environment" data-environment="${env}"`);
    expect(html).toContain('<g class="node" data-stack="prod-cloudflare" data-status="pass">');
    expect(html).toMatch(/<line class="link link-traffic"[^>]*><title>prod-cloudflare → prod-aws-primary \(traffic\)<\/title>/);
    expect(html).toMatch(/<line class="link link-failover"[^>]*><title>prod-cloudflare → prod-aws-dr \(failover\)<\/title>/);
    expect(html).toContain('<select name="status">');
    expect(summaryText(report)).toMatch(/^Result: PASS\. /);
  });
});

describe('controls report against a base (stateful replacements and removals)', () => {
  const REASON = 'restored from snapshot rds:prod-2026-11-30 into the renamed instance';
  const against = (head: readonly SynthesizedStack[], accepted: Acceptance[] = []): ControlsReport => {
    const { changes, unused } = applyAcceptances(statefulChanges(diffStacks(stacks, head)), accepted);
    return buildReport({ evaluation: evaluate(head, configFor), acknowledgements: acknowledgements(head), statefulChanges: { base: 'base', changes, unusedAcceptances: unused } });
  };
  const renamedReport = against(renamedBoth);

  it('passes and says so when nothing stateful is replaced or removed', () => {
    const r = against(stacks);
    expect(r.summary).toMatchObject({ result: 'pass', statefulChanges: { base: 'base', total: 0, unaccepted: 0 } });
    expect(summaryText(r)).toMatch(/ Against base: no stateful resource replaced or removed\.$/);
    expect(renderMarkdown(r)).toContain('## Stateful resources replaced or removed against base\n\nNone: no database');
  });

  it('fails when a database\'s construct id is renamed, on AWS (RDS) and Azure (PostgreSQL), naming each removal and what happens to the data', () => {
    expect(renamedReport.summary.failing).toEqual([]);
    expect(renamedReport.summary).toMatchObject({ result: 'fail', statefulChanges: { total: 2, unaccepted: 2 } });
    expect(renamedReport.statefulChanges!.changes.map((c) => [c.stack, c.resource, c.action, c.renamedTo])).toEqual([
      ['prod-aws-primary', rdsId, 'remove', newRdsId],
      ['prod-azure-primary', `azurerm_postgresql_flexible_server.${pgName}`, 'remove', `azurerm_postgresql_flexible_server.PrimaryDb_${pgName}`],
    ]);
    expect(renamedReport.summary.statefulChanges?.acceptancesFile).toBe('config/accepted-stateful-changes.json');
    expect(summaryText(renamedReport)).toMatch(/^Result: FAIL\. 100 pass \/ 0 fail .* Against base: 2 stateful resources replaced or removed, 2 not accepted \(config\/accepted-stateful-changes\.json\)\.$/);
    const md = renderMarkdown(renamedReport);
    const section = md.split('\n## Stateful resources replaced or removed against base\n\n')[1].split('\n## Controls\n')[0];
    expect(section).toMatch(new RegExp(`^- \`prod-aws-primary/${rdsId}\` \\(AWS::RDS::DBInstance\\) removed, probably renamed to ${newRdsId} \\(construct id changed\\) — ❌ \\*\\*not accepted\\*\\*\\. \\*\\*deleted\\*\\* after a final snapshot .*overrideLogicalId\`$`, 'm'));
    expect(section).toMatch(/^- `prod-azure-primary\/azurerm_postgresql_flexible_server\.Database_[0-9A-F]+` \(azurerm_postgresql_flexible_server.*\) removed, probably renamed to .* — ❌ \*\*not accepted\*\*\. \*\*destroyed with its data\*\*; `lifecycle\.prevent_destroy` makes `terraform apply` refuse this plan/m);
    expect(section).toContain('accept the change in `config/accepted-stateful-changes.json` with the reason');
    const html = renderHtml(renamedReport);
    expect(html).toContain('<a href="#stateful">Stateful changes</a>');
    expect(html).toContain(`<tr data-stack="prod-aws-primary"><td>prod-aws-primary</td><td><code>${rdsId}</code></td><td>AWS::RDS::DBInstance</td><td>removed, probably renamed to ${newRdsId} (construct id changed)</td>`);
    expect(JSON.parse(renderJson(renamedReport)).summary.statefulChanges).toEqual({ base: 'base', total: 2, unaccepted: 2, acceptancesFile: 'config/accepted-stateful-changes.json' });
  });

  it('passes once a reviewer accepts each removal in writing, shows the reason, and flags acceptances that match nothing', () => {
    const pg = `azurerm_postgresql_flexible_server.${pgName}`;
    const partly = against(renamedBoth, [{ stack: 'prod-aws-primary', resource: rdsId, reason: REASON }]);
    expect(partly.summary).toMatchObject({ result: 'fail', statefulChanges: { total: 2, unaccepted: 1 } });
    expect(summaryText(partly)).toContain('2 stateful resources replaced or removed, 1 accepted, 1 not accepted');
    const accepted = against(renamedBoth, [
      { stack: 'prod-aws-primary', resource: rdsId, reason: REASON },
      { stack: 'prod-azure-primary', resource: pg, reason: REASON },
      { stack: 'prod-aws-dr', resource: 'NotThere', reason: REASON },
    ]);
    expect(accepted.summary).toMatchObject({ result: 'pass', statefulChanges: { total: 2, unaccepted: 0 } });
    expect(summaryText(accepted)).toContain('Against base: 2 stateful resources replaced or removed, all accepted.');
    const md = renderMarkdown(accepted);
    expect(md).toContain(`(construct id changed) — ✅ accepted: ${REASON}. `);
    expect(md).toContain('- ⚠️ Accepted but not replaced or removed: `prod-aws-dr/NotThere`; remove it');
  });
});

describe('report modules', () => {
  it('are pure: no aws-cdk-lib, cdktf, file system, clock or randomness', () => {
    for (const file of ['lib/evidence/report.ts', 'lib/evidence/report-topology.ts', 'lib/evidence/stateful-changes.ts']) {
      const source = readFileSync(path.join(ROOT, file), 'utf8');
      expect({ file, impure: source.match(/from '(aws-cdk-lib|cdktf|constructs|node:fs|fs|node:child_process)[^']*'|Date\.now|new Date|Math\.random|process\./g) }).toEqual({ file, impure: null });
    }
  });
});

describe('npm run report (scripts/report.ts)', () => {
  // In-process (runReport, what the script's entry point calls), with the environment and output
  // of a command-line run; the first test also runs the script as a real process and compares.
  const script = async (args: string[], env: NodeJS.ProcessEnv = { BASELINE_CONFIG: '' }) => {
    let stdout = '';
    let stderr = '';
    const status = await runReport(args, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env: { ...process.env, CHECKPOINT_DISABLE: '1', ...env } });
    return { status, stdout, stderr };
  };
  const spawned = (args: string[]) => spawnSync(process.execPath, ['-r', './scripts/register.js', 'scripts/report.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, BASELINE_CONFIG: '', CHECKPOINT_DISABLE: '1' },
  });
  const files = (dir: string) => Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]));

  it('writes the three files from existing output, byte-identical across runs, and exits 0 when nothing fails', async () => {
    const [a, b] = [mkdtempSync(path.join(tmpdir(), 'report-a-')), mkdtempSync(path.join(tmpdir(), 'report-b-'))];
    const first = spawned(['--cdk-out', cdkOut, '--cdktf-out', cdktfOut, '--out', a]);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^Result: PASS\. 100 pass \/ 0 fail .*\nWrote .*controls\.md, .*controls\.json, .*controls\.html\.\n$/);
    const second = await script(['--cdk-out', cdkOut, '--cdktf-out', cdktfOut, '--out', b]);
    expect(second.status).toBe(0);
    expect(second.stdout.split(path.basename(b)).join(path.basename(a))).toBe(first.stdout);
    expect(Object.keys(files(a))).toEqual(['controls.html', 'controls.json', 'controls.md']);
    expect(files(b)).toEqual(files(a));
    expect(JSON.parse(files(a)['controls.json']).stacks.find((s: any) => s.name === 'staging-aws-dr').region).toBe('eu-central-1');
  });

  it('exits 1 when a control fails, naming it', async () => {
    const weak = mkdtempSync(path.join(tmpdir(), 'report-weak-'));
    cpSync(cdkOut, weak, { recursive: true });
    const file = path.join(weak, 'prod-aws-primary.template.json');
    const t = JSON.parse(readFileSync(file, 'utf8'));
    const [, db] = resourcesOf(t, 'AWS::RDS::DBInstance')[0];
    db.Properties.StorageEncrypted = false;
    writeFileSync(file, JSON.stringify(t));
    const out = mkdtempSync(path.join(tmpdir(), 'report-out-'));
    const run = await script(['--cdk-out', weak, '--cdktf-out', cdktfOut, '--out', out]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('Result: FAIL.');
    expect(run.stdout).toContain('Failing: ENC-REST (prod AWS, 1 finding).');
    expect(readFileSync(path.join(out, 'controls.md'), 'utf8')).toContain('### ENC-REST in prod AWS');
  });

  it('exits 2 on usage and input errors with a message saying what to do', async () => {
    const unknown = await script(['--nope']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('report: unknown option "--nope"');
    expect(unknown.stderr).toContain('usage: npm run report');
    const empty = mkdtempSync(path.join(tmpdir(), 'report-empty-'));
    const notSynth = await script(['--cdk-out', empty, '--cdktf-out', cdktfOut, '--out', empty]);
    expect(notSynth.status).toBe(2);
    expect(notSynth.stderr).toMatch(/no manifest\.json; expected a cdk\.out \(cdk synth\) or cdktf\.out/);
    const badConfig = await script(['--cdk-out', cdkOut, '--cdktf-out', cdktfOut, '--out', empty], { BASELINE_CONFIG: path.join(empty, 'missing.json') });
    expect(badConfig.status).toBe(2);
    expect(badConfig.stderr).toContain('missing.json');
  });

  it('compared with a base, exits 1 on a renamed database until a reviewer accepts it in the acceptances file, and 2 on a bad file', async () => {
    // The head: the cloud assembly with the RDS instance's construct id renamed (its logical id changes everywhere).
    const head = mkdtempSync(path.join(tmpdir(), 'report-renamed-'));
    cpSync(cdkOut, head, { recursive: true });
    const file = path.join(head, 'prod-aws-primary.template.json');
    writeFileSync(file, JSON.stringify(renameRds(JSON.parse(readFileSync(file, 'utf8')))));
    const out = mkdtempSync(path.join(tmpdir(), 'report-base-out-'));
    const args = ['--cdk-out', head, '--cdktf-out', cdktfOut, '--base-cdk-out', cdkOut, '--base-cdktf-out', cdktfOut, '--out', out];
    const empty = path.join(out, 'none.json');
    writeFileSync(empty, '{"accepted": []}');
    const failing = await script([...args, '--accepted', empty]);
    expect(failing.stderr).toBe('');
    expect(failing.status).toBe(1);
    expect(failing.stdout).toMatch(/^Result: FAIL\. 100 pass \/ 0 fail .* Against .+ and .+: 1 stateful resource replaced or removed, 1 not accepted \(.*none\.json\)\.\n/);
    expect(readFileSync(path.join(out, 'controls.md'), 'utf8')).toContain(`- \`prod-aws-primary/${rdsId}\` (AWS::RDS::DBInstance) removed, probably renamed to ${newRdsId} (construct id changed) — ❌ **not accepted**`);
    const acceptances = path.join(out, 'accepted.json');
    writeFileSync(acceptances, JSON.stringify({ accepted: [{ stack: 'prod-aws-primary', resource: rdsId, reason: 'restored from snapshot rds:prod-2026-11-30 into the renamed instance' }] }));
    const accepted = await script([...args, '--accepted', acceptances]);
    expect(accepted.status).toBe(0);
    expect(accepted.stdout).toContain('1 stateful resource replaced or removed, all accepted.');
    // Without a base the same head passes: one synth cannot show the rename.
    expect((await script(['--cdk-out', head, '--cdktf-out', cdktfOut, '--out', out])).status).toBe(0);
    writeFileSync(acceptances, JSON.stringify({ accepted: [{ stack: 'prod-aws-primary', resource: rdsId, reason: 'fine' }] }));
    const bad = await script([...args, '--accepted', acceptances]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/accepted\.json is invalid .*\n  - accepted\[0\]\.reason: received "fine": write why the data may go/);
    const missing = await script([...args, '--accepted', path.join(out, 'nope.json')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('nope.json: no such file; create it ({"accepted": []}) or drop the option');
  });

  it('parses its options, naming the fix for a missing value', () => {
    expect(parseArgs(['--base', 'origin/main', '--accepted', 'a.json'])).toMatchObject({ base: 'origin/main', accepted: 'a.json' });
    expect(parseArgs(['--base-cdk-out', 'b/cdk.out', '--base-cdktf-out', 'b/cdktf.out'])).toMatchObject({ baseCdkOut: 'b/cdk.out', baseCdktfOut: 'b/cdktf.out' });
    expect(() => parseArgs(['--base'])).toThrow(/--base needs a value, e.g. --base origin\/main/);
    expect(() => parseArgs(['--accepted', 'a.json'])).toThrow(/--accepted a\.json applies to a comparison with a base; add --base REF/);
    expect(() => parseArgs(['--base', 'main', '--base-cdk-out', 'x'])).toThrow(/--base main synthesizes the base itself; drop --base-cdk-out/);
    expect(parseArgs([])).toEqual({ synth: false, help: false, cdkOut: 'cdk.out', cdktfOut: 'cdktf.out', out: 'reports' });
    expect(parseArgs(['--synth', '--cdk-out', 'a', '--cdktf-out', 'b', '--out', 'c'])).toEqual({ synth: true, help: false, cdkOut: 'a', cdktfOut: 'b', out: 'c' });
    expect(() => parseArgs(['--out'])).toThrow(UsageError);
    expect(() => parseArgs(['--cdk-out', '--synth'])).toThrow(/--cdk-out needs a directory, e.g. --cdk-out cdk.out/);
    expect(() => parseArgs(['extra'])).toThrow(/unknown argument "extra"/);
  });
});
