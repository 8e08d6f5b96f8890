import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CONTROLS } from '../../lib/controls';
import { acknowledgements } from '../../lib/evidence/acknowledgements';
import { evaluate, type Evaluation } from '../../lib/evidence/evaluate';
import { buildReport, escapeHtml, escapeMarkdown, markdownMatrix, REPORT_VERSION, renderHtml, renderJson, renderMarkdown, stackTopology, summaryText, type ControlsReport } from '../../lib/evidence/report';
import { readSynthOutput, type SynthesizedStack } from '../../lib/evidence/synth-output';
import { parseArgs, UsageError } from '../../scripts/report';
import { synthTerraformApp } from '../stacks/azure-support';
import { defaultConfig, synthAws } from '../stacks/support';

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

const weakened = (name: string, weaken: (template: any) => void): SynthesizedStack[] =>
  stacks.map((s) => {
    if (s.name !== name) return s;
    const template = JSON.parse(JSON.stringify(s.template));
    weaken(template);
    return { ...s, template };
  });
const resourcesOf = (t: any, type: string): [string, any][] => Object.entries<any>(t.Resources).filter(([, r]) => r.Type === type);

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

  it('still evaluates every control when a database\'s construct id is renamed (removed under one logical id, added under another)', () => {
    // A rename replaces the database: the security diff (npm run diff) flags that. The report's
    // part is that the controls keep evaluating the database under its new id, not lose it.
    const renamed = weakened('prod-aws-primary', (t) => {
      const [oldId] = resourcesOf(t, 'AWS::RDS::DBInstance')[0];
      const text = JSON.stringify(t).split(`"${oldId}"`).join('"DbRenamed0A1B2C3D"');
      Object.assign(t, JSON.parse(text));
      expect(t.Resources[oldId]).toBeUndefined();
    });
    const r = reportOf(renamed);
    expect(r.summary.result).toBe('pass');
    const db = r.matrix.filter((c) => c.environment === 'prod' && c.cloud === 'aws' && c.evidence.some((e) => e.endsWith('/DbRenamed0A1B2C3D')));
    expect(db.map((c) => c.control)).toEqual(expect.arrayContaining(['DB-FROM-APP', 'ENC-REST', 'ENC-TRANSIT', 'BACKUP', 'HA-MULTIZONE', 'DR-REGION']));
    expect(renderMarkdown(r)).toContain('`prod-aws-primary/DbRenamed0A1B2C3D`');
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

describe('report modules', () => {
  it('are pure: no aws-cdk-lib, cdktf, file system, clock or randomness', () => {
    for (const file of ['lib/evidence/report.ts', 'lib/evidence/report-topology.ts']) {
      const source = readFileSync(path.join(ROOT, file), 'utf8');
      expect({ file, impure: source.match(/from '(aws-cdk-lib|cdktf|constructs|node:fs|fs|node:child_process)[^']*'|Date\.now|new Date|Math\.random|process\./g) }).toEqual({ file, impure: null });
    }
  });
});

describe('npm run report (scripts/report.ts)', () => {
  const script = (args: string[]) => spawnSync(process.execPath, ['-r', './scripts/register.js', 'scripts/report.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, BASELINE_CONFIG: '', CHECKPOINT_DISABLE: '1' },
  });
  const files = (dir: string) => Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]));

  it('writes the three files from existing output, byte-identical across runs, and exits 0 when nothing fails', () => {
    const [a, b] = [mkdtempSync(path.join(tmpdir(), 'report-a-')), mkdtempSync(path.join(tmpdir(), 'report-b-'))];
    const first = script(['--cdk-out', cdkOut, '--cdktf-out', cdktfOut, '--out', a]);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^Result: PASS\. 100 pass \/ 0 fail .*\nWrote .*controls\.md, .*controls\.json, .*controls\.html\.\n$/);
    expect(script(['--cdk-out', cdkOut, '--cdktf-out', cdktfOut, '--out', b]).status).toBe(0);
    expect(Object.keys(files(a))).toEqual(['controls.html', 'controls.json', 'controls.md']);
    expect(files(b)).toEqual(files(a));
    expect(JSON.parse(files(a)['controls.json']).stacks.find((s: any) => s.name === 'staging-aws-dr').region).toBe('eu-central-1');
  });

  it('exits 1 when a control fails, naming it', () => {
    const weak = mkdtempSync(path.join(tmpdir(), 'report-weak-'));
    cpSync(cdkOut, weak, { recursive: true });
    const file = path.join(weak, 'prod-aws-primary.template.json');
    const t = JSON.parse(readFileSync(file, 'utf8'));
    const [, db] = resourcesOf(t, 'AWS::RDS::DBInstance')[0];
    db.Properties.StorageEncrypted = false;
    writeFileSync(file, JSON.stringify(t));
    const out = mkdtempSync(path.join(tmpdir(), 'report-out-'));
    const run = script(['--cdk-out', weak, '--cdktf-out', cdktfOut, '--out', out]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('Result: FAIL.');
    expect(run.stdout).toContain('Failing: ENC-REST (prod AWS, 1 finding).');
    expect(readFileSync(path.join(out, 'controls.md'), 'utf8')).toContain('### ENC-REST in prod AWS');
  });

  it('exits 2 on usage and input errors with a message saying what to do', () => {
    const unknown = script(['--nope']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('report: unknown option "--nope"');
    expect(unknown.stderr).toContain('usage: npm run report');
    const empty = mkdtempSync(path.join(tmpdir(), 'report-empty-'));
    const notSynth = script(['--cdk-out', empty, '--cdktf-out', cdktfOut, '--out', empty]);
    expect(notSynth.status).toBe(2);
    expect(notSynth.stderr).toMatch(/no manifest\.json; expected a cdk\.out \(cdk synth\) or cdktf\.out/);
    const badConfig = spawnSync(process.execPath, ['-r', './scripts/register.js', 'scripts/report.ts', '--cdk-out', cdkOut, '--cdktf-out', cdktfOut, '--out', empty], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, BASELINE_CONFIG: path.join(empty, 'missing.json') } });
    expect(badConfig.status).toBe(2);
    expect(badConfig.stderr).toContain('missing.json');
  });

  it('parses its options, naming the fix for a missing value', () => {
    expect(parseArgs([])).toEqual({ synth: false, help: false, cdkOut: 'cdk.out', cdktfOut: 'cdktf.out', out: 'reports' });
    expect(parseArgs(['--synth', '--cdk-out', 'a', '--cdktf-out', 'b', '--out', 'c'])).toEqual({ synth: true, help: false, cdkOut: 'a', cdktfOut: 'b', out: 'c' });
    expect(() => parseArgs(['--out'])).toThrow(UsageError);
    expect(() => parseArgs(['--cdk-out', '--synth'])).toThrow(/--cdk-out needs a directory, e.g. --cdk-out cdk.out/);
    expect(() => parseArgs(['extra'])).toThrow(/unknown argument "extra"/);
  });
});
