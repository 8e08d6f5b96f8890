import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CONTROLS } from '../../lib/controls';
import type { AcknowledgementEntry } from '../../lib/policy/acknowledgement-register';
import { auditAcknowledgements, type AcknowledgementAudit } from '../../lib/evidence/acknowledgement-audit';
import { evaluate, type Evaluation } from '../../lib/evidence/evaluate';
import { diffStacks } from '../../lib/evidence/diff-report';
import { applyAcceptances, statefulChanges, type Acceptance } from '../../lib/evidence/stateful-changes';
import {
  buildReport,
  escapeHtml,
  escapeMarkdown,
  markdownMatrix,
  REPORT_VERSION,
  renderHtml,
  renderJson,
  renderMarkdown,
  stackTopology,
  summaryText,
  type ControlsReport,
} from '../../lib/evidence/report';
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
  buildReport({ evaluation: ev, topology: stackTopology(s) });
const report = buildReport({ evaluation: evaluate(stacks, configFor), topology });
// The test synthesizes without the policy gates (fast), so there is no validation report to audit.
const NO_ACKS = 'no policy-gate report in the AWS assembly (synthesized without the gates), so no acknowledged finding is listed';
const markdown = renderMarkdown(report);
// The default config's verdict: nothing fails; these cells apply and nothing verifies them (each
// with the catalogue's reason), so the headline says PASS with them, never a bare PASS.
const UNCHECKED =
  'ADMIN-MFA on Azure (prod, staging), LOG-CENTRAL on Cloudflare (prod, staging), LOG-RETENTION on Cloudflare (prod, ' +
  'staging), DATA-RESIDENCY on Cloudflare (prod, staging)';
// The CloudFront web ACL's request logs stay in us-east-1 (AWS requires it): declared by the
// construct, shown in the headline, never counted as evidence.
const HEADLINE = `PASS with 8 unchecked cells: ${UNCHECKED}; 8 declared exceptions in DATA-RESIDENCY on AWS (prod, staging)`;
const COUNTS = '114 pass / 0 fail / 22 not applicable / 0 config-enforced / 8 unchecked';
const CELLS = { pass: 114, fail: 0, 'not-applicable': 22, 'config-enforced': 0, unchecked: 8, total: 144 };

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
    expect(report.summary).toMatchObject({
      result: 'pass-with-unchecked',
      headline: HEADLINE,
      controls: CONTROLS.length,
      environments: ['prod', 'staging'],
      clouds: ['aws', 'azure', 'cloudflare'],
      stacks: 14,
      failing: [],
    });
    expect(report.summary.cells).toEqual(CELLS);
    expect(report.summary.policy).toEqual({ require: 'passing', allowUnchecked: [], problems: [] });
    expect(report.summary.unchecked).toContainEqual({
      control: 'ADMIN-MFA',
      environment: 'prod',
      cloud: 'azure',
      reason: expect.stringMatching(/Conditional Access/),
    });
    expect(markdown).toContain(
      `**Result: ${HEADLINE}. ${COUNTS} (144 cells: 24 controls in prod and staging on AWS, Azure and Cloudflare, from 14 ` +
        `stacks); ${NO_ACKS}.**`,
    );
    const matrix = markdownMatrix(report);
    expect(matrix.slice(0, 2)).toEqual([
      '| Control | prod AWS | prod Azure | prod Cloudflare | staging AWS | staging Azure | staging Cloudflare |',
      '|---|:-:|:-:|:-:|:-:|:-:|:-:|',
    ]);
    expect(matrix).toEqual(
      expect.arrayContaining([
        '| [EDGE-TLS](#edge-tls) | ✅ pass | ✅ pass | ✅ pass | ✅ pass | ✅ pass | ✅ pass |',
        '| [DB-FROM-APP](#db-from-app) | ✅ pass | ✅ pass | – n/a | ✅ pass | ✅ pass | – n/a |',
        '| [ADMIN-MFA](#admin-mfa) | ✅ pass | ❔ unchecked | – n/a | ✅ pass | ❔ unchecked | – n/a |',
        '| [DATA-RESIDENCY](#data-residency) | ✅ pass | ✅ pass | ❔ unchecked | ✅ pass | ✅ pass | ❔ unchecked |',
        '| [ENV-SEPARATION](#env-separation) | ✅ pass | ✅ pass | ✅ pass | ✅ pass | ✅ pass | ✅ pass |',
      ]),
    );
    expect(matrix).toHaveLength(2 + CONTROLS.length);
    for (const line of matrix) expect(markdown).toContain(line);
    const headings = markdown.split('\n').filter((l) => /^##? /.test(l));
    expect(headings).toEqual(['# Controls report', '## Matrix', '## Controls', '## Acknowledged policy findings']);
    for (const c of CONTROLS) expect(markdown).toContain(`\n### ${c.id}\n\n${c.claim}\n`);
  });

  it('shows per control its claims, the tests that prove it, the note and the resources that carry it', () => {
    const section = markdown.split('\n### DB-FROM-APP\n')[1].split('\n### ')[0];
    expect(section).toContain('- Claims: A10, A12, B3 (docs/claims.md)');
    expect(section).toContain('  - AWS: `test/aws/database.test.ts`, `test/stacks/aws-controls.test.ts`');
    expect(section).toContain(
      '  - Azure: `test/azure/baseline-vnet.test.ts`, `test/azure/postgres-server.test.ts`, ' +
        '`test/controls/azure/network.test.ts`, `test/stacks/azure-controls.test.ts`',
    );
    expect(section).toMatch(
      new RegExp(
        '- \\*\\*prod AWS\\*\\* ✅ pass: \\d+ resources carry it: ' +
          '.*`prod-aws-dr-database\\/DatabaseReplica[A-F0-9]+`.*`prod-aws-primary\\/Database[A-F0-9]+`',
      ),
    );
    expect(section).toContain(
      '- **prod Cloudflare** – n/a: the Cloudflare stacks hold zone settings, rulesets, a load balancer with its pools and ' +
        'monitors, notification policies and (Enterprise) Logpush jobs: no database',
    );
    expect(markdown.split('\n### ADMIN-MFA\n')[1].split('\n### ')[0]).toMatch(
      /- \*\*prod Azure\*\* ❔ unchecked: nothing verifies it: Entra ID Conditional Access/,
    );
    // Evidence is truncated with a count; controls.json keeps every resource.
    const edge = markdown.split('\n### EDGE-TLS\n')[1].split('\n### ')[0];
    expect(edge).toMatch(
      /- \*\*prod AWS\*\* ✅ pass: (\d+) resources carry it: (`[^`]+`, ){5}`[^`]+` and \d+ more resources \(see controls.json\)/,
    );
    const residency = markdown.split('\n### DATA-RESIDENCY\n')[1].split('\n### ')[0];
    expect(residency).toContain('- Checked on: AWS, Azure');
    expect(residency).toMatch(
      new RegExp(
        '- \\*\\*prod AWS\\*\\* ✅ pass: \\d+ resources carry it: .*\\n {2}- 4 declared exceptions \\(not failing, declared by ' +
          'the code or its config\\):\\n {4}- `prod-aws-edge\\/AccessLogs\\w+`: AWS::S3::Bucket in us-east-1, outside residency ' +
          '"eu": Immutable copy .*\\n {4}- `prod-aws-edge\\/CdnWebAclLogs\\w+`: AWS::Logs::LogGroup in us-east-1, outside ' +
          'residency "eu": AWS WAF delivers',
      ),
    );
  });

  it('shows a config-enforced cell with the loader rule, counted as meeting the claim', () => {
    const ev = evaluate(stacks, configFor);
    const rule = 'lib/config/schema.ts: no two environments share a subscription';
    const enforced = {
      ...ev,
      matrix: ev.matrix.map((c) =>
        c.control === 'ENV-SEPARATION' && c.cloud === 'azure'
          ? {
              ...c,
              status: 'config-enforced' as const,
              evidence: [],
              reason: 'each environment deploys to its configured subscription',
              enforcedBy: rule,
            }
          : c,
      ),
    };
    const r = buildReport({ evaluation: enforced });
    expect(r.summary.cells['config-enforced']).toBe(2);
    expect(r.summary.headline).toBe(HEADLINE);
    const md = renderMarkdown(r);
    expect(md.split('\n### ENV-SEPARATION\n')[1]).toContain(
      `- **prod Azure** ⚙️ config: enforced by the config loader (${rule}): each environment deploys to its configured subscription`,
    );
    expect(markdownMatrix(r)).toContain(
      '| [ENV-SEPARATION](#env-separation) | ✅ pass | ⚙️ config | ✅ pass | ✅ pass | ⚙️ config | ✅ pass |',
    );
    expect(renderHtml(r)).toMatch(/data-status="config-enforced" class="status-config-enforced"[^>]*>⚙ config<\/td>/);
  });

  it(
    'lists the acknowledged findings by decision of the register, counting findings and resources, not stamps, and fails on ' +
      'audit problems',
    () => {
      expect(markdown).toContain('## Acknowledged policy findings\n\nNone listed: the AWS cloud assembly has no validation report');
      const entry: AcknowledgementEntry = {
        id: 'bastion-public-address',
        reason: 'Only the allowlisted admin ranges | reach <SSH>; BASTION-SSH checks it.',
        rules: ['A::A-R1', 'B::B-R1'],
        resources: 'The bastion',
        resourceTypes: ['AWS::EC2::Instance'],
        claim: { protects: ['BASTION-SSH'], conflictsWith: ['NET-TIERS'] },
        appliedIn: ['lib/aws/bastion.ts'],
      };
      const at = 'prod-aws-primary/Bastion/Resource/Resource';
      const audit = (findings: number): AcknowledgementAudit =>
        auditAcknowledgements(
          {
            placements: entry.rules.map((rule) => ({ stack: 'prod-aws-primary', path: at, rule, reason: entry.reason })),
            findings: entry.rules
              .slice(0, findings)
              .map((rule) => ({ plugin: 'x', ruleName: rule, rule, acknowledgedAt: at, resource: at })),
            resources: { [at]: { stack: 'prod-aws-primary', logicalId: 'B', type: 'AWS::EC2::Instance' } },
            validated: true,
          },
          [entry, { ...entry, id: 'alb-open-to-clients', appliesWhen: 'no origin lock' }],
        );
      const good = buildReport({ evaluation: evaluate(stacks, configFor), acknowledgementAudit: audit(2) });
      expect(good.summary).toMatchObject({
        acknowledgedFindings: 2,
        acknowledgementDecisions: 1,
        acknowledgementsAudited: true,
        policy: { problems: [] },
      });
      expect(summaryText(good)).toContain('; 2 acknowledged policy findings under 1 decision of the register.');
      const section = renderMarkdown(good).split('## Acknowledged policy findings\n')[1];
      expect(section).toContain(
        '2 findings under 1 decision. Each decision of the register (lib/policy/acknowledgement-register.ts) is applied in code ' +
          'on the resource that carries the finding',
      );
      expect(section).toContain(
        '| `bastion-public-address` | protects BASTION-SSH; conflicts with NET-TIERS | 2 | 1 | 2 | Only the allowlisted admin ' +
          'ranges \\| reach &lt;SSH>; BASTION-SSH checks it. |',
      );
      expect(section).toContain('Not applied in this synth (conditional): `alb-open-to-clients`.');
      expect(renderHtml(good)).toContain(
        '<tr data-decision="bastion-public-address"><td><code>bastion-public-address</code></td><td>protects BASTION-SSH; ' +
          'conflicts with NET-TIERS</td>',
      );
      // A stale acknowledgement fails the report, which names it.
      const stale = buildReport({ evaluation: evaluate(stacks, configFor), acknowledgementAudit: audit(1) });
      expect(stale.summary.policy.problems).toEqual([
        `acknowledgement audit: ${at}: decision bastion-public-address acknowledges B::B-R1, which finds nothing there; remove ` +
          `the acknowledgement (or that rule of it)`,
      ]);
      expect(renderMarkdown(stale)).toContain('### ❌ 1 acknowledgement problem\n\n- stale: ');
    },
  );

  it.each<[string, string, string, string, RegExp, (t: any) => void]>([
    [
      'a loosened login rate limit (AWS WAF)',
      'prod-aws-primary',
      'WAF-RATE-CRITICAL',
      'prod AWS',
      /WebAcl[A-F0-9]+`: rule "rate-login": allows 10000000 per 300 s .*expected fewer requests per second than the global rule/,
      (t) => {
        const [, acl] = resourcesOf(t, 'AWS::WAFv2::WebACL')[0];
        acl.Properties.Rules.find((r: any) => r.Name === 'rate-login').Statement.RateBasedStatement.Limit = 10_000_000;
      },
    ],
    [
      'a loosened login rate limit (Cloudflare)',
      'staging-cloudflare',
      'WAF-RATE-CRITICAL',
      'staging Cloudflare',
      /staging-cloudflare\/cloudflare_ruleset\.[^`]+`: .*1000000/,
      (t) => {
        const rl = Object.values<any>(t.resource.cloudflare_ruleset).find((r) => r.phase === 'http_ratelimit');
        rl.rules[0].ratelimit.requests_per_period = 1_000_000;
      },
    ],
    [
      'port 22 open to the world on the bastion',
      'prod-aws-primary',
      'BASTION-SSH',
      'prod AWS',
      /BastionSecurityGroup[A-F0-9]+`: .*0\.0\.0\.0\/0/,
      (t) => {
        const [, sg] = resourcesOf(t, 'AWS::EC2::SecurityGroup').find(([, r]) =>
          (r.Properties.SecurityGroupIngress ?? []).some((i: any) => i.FromPort === 22),
        )!;
        sg.Properties.SecurityGroupIngress.push({ CidrIp: '0.0.0.0/0', FromPort: 22, ToPort: 22, IpProtocol: 'tcp' });
      },
    ],
    [
      'database encryption disabled',
      'prod-aws-primary',
      'ENC-REST',
      'prod AWS',
      /Database[A-F0-9]+`: StorageEncrypted is false; expected true/,
      (t) => {
        const [, db] = resourcesOf(t, 'AWS::RDS::DBInstance')[0];
        db.Properties.StorageEncrypted = false;
      },
    ],
  ])('flips to failing on %s and shows the finding', (_what, stackName, control, column, finding, weaken) => {
    const r = reportOf(weakened(stackName, weaken));
    expect(r.summary.result).toBe('fail');
    expect(r.summary.failing).toEqual([expect.objectContaining({ control, environment: column.split(' ')[0] })]);
    const md = renderMarkdown(r);
    expect(md).toMatch(/^\*\*Result: FAIL\. \d+ pass \/ 1 fail \//m);
    const row = markdownMatrix(r).find((l) => l.startsWith(`| [${control}]`))!;
    const columnIndex = r.columns.findIndex(
      (c) => `${c.environment} ${{ aws: 'AWS', azure: 'Azure', cloudflare: 'Cloudflare' }[c.cloud]}` === column,
    );
    expect(row.split(' | ').slice(1)[columnIndex].replace(/ \|$/, '')).toBe('❌ fail');
    expect(md).toContain(`\n## Failing\n\n### ${control} in ${column}\n`);
    expect(md.split('\n## Failing\n')[1].split('\n## Controls\n')[0]).toMatch(finding);
    expect(md.split(`\n### ${control}\n`)[1].split('\n### ')[0]).toMatch(finding);
    const json = JSON.parse(renderJson(r));
    expect(json.summary).toMatchObject({ result: 'fail', cells: expect.objectContaining({ fail: 1 }) });
    expect(json.stacks.find((s: any) => s.name === stackName).results.find((x: any) => x.control === control).status).toBe('fail');
    const html = renderHtml(r);
    expect(html).toMatch(
      new RegExp(
        `<td data-environment="${column.split(' ')[0]}" data-cloud="[a-z]+" data-status="fail" class="status-fail"[^>]*>✖ fail</td>`,
      ),
    );
    expect(html).toContain(`<g class="node" data-stack="${stackName}" data-status="fail" data-failing="${control}">`);
  });

  it('still evaluates every control under a renamed database construct id (the comparison with a base is what fails it)', () => {
    const r = reportOf(renamed);
    expect(r.summary.result).toBe('pass-with-unchecked');
    const db = r.matrix.filter((c) => c.environment === 'prod' && c.cloud === 'aws' && c.evidence.some((e) => e.endsWith(`/${newRdsId}`)));
    expect(db.map((c) => c.control)).toEqual(
      expect.arrayContaining(['DB-FROM-APP', 'ENC-REST', 'ENC-TRANSIT', 'BACKUP', 'HA-MULTIZONE', 'DR-REGION']),
    );
    expect(renderMarkdown(r)).toContain(`\`prod-aws-primary/${newRdsId}\``);
    // ... and a rename that loses a property the controls need fails like any weakening.
    const broken = reportOf(
      weakened('prod-aws-primary', (t) => {
        const [oldId, resource] = resourcesOf(t, 'AWS::RDS::DBInstance')[0];
        delete t.Resources[oldId];
        t.Resources.DbRenamed0A1B2C3D = {
          ...resource,
          Properties: { ...resource.Properties, DeletionProtection: false, PubliclyAccessible: true },
        };
      }),
    );
    expect(broken.summary.result).toBe('fail');
    expect(renderMarkdown(broken)).toMatch(/`prod-aws-primary\/DbRenamed0A1B2C3D`: /);
  });

  it('writes JSON for machines: versioned, with summary, matrix, stacks with per-control results and acknowledgements', () => {
    const json = JSON.parse(renderJson(report));
    expect(Object.keys(json)).toEqual([
      'version',
      'summary',
      'columns',
      'controls',
      'matrix',
      'stacks',
      'environmentResults',
      'acknowledgements',
    ]);
    expect(json.version).toBe(REPORT_VERSION);
    expect(json.summary).toMatchObject({ result: 'pass-with-unchecked', headline: HEADLINE, cells: CELLS });
    expect(json.matrix.find((c: any) => c.control === 'NET-TIERS' && c.environment === 'prod' && c.cloud === 'cloudflare')).toMatchObject({
      status: 'not-applicable',
      reason: expect.stringMatching(/no network/),
    });
    expect(json.matrix.find((c: any) => c.control === 'DATA-RESIDENCY' && c.environment === 'prod' && c.cloud === 'aws')).toMatchObject({
      status: 'pass',
      exceptions: expect.arrayContaining([
        expect.objectContaining({ stack: 'prod (aws stacks)', resource: expect.stringMatching(/^prod-aws-edge\/CdnWebAclLogs/) }),
      ]),
    });
    expect(json.matrix).toHaveLength(144);
    expect(json.stacks.map((s: any) => s.name)).toEqual([...json.stacks.map((s: any) => s.name)].sort());
    expect(json.stacks.find((s: any) => s.name === 'prod-aws-primary')).toMatchObject({
      region: 'eu-west-1',
      results: expect.arrayContaining([expect.objectContaining({ control: 'BASTION-SSH', status: 'pass' })]),
    });
    expect(json.stacks.find((s: any) => s.name === 'prod-azure-dr').region).toBe('northeurope');
    expect(json.stacks.find((s: any) => s.name === 'prod-cloudflare')).toMatchObject({
      hosts: ['app.example.com'],
      origins: ['prod-aws-dr', 'prod-aws-primary'],
    });
    expect(json.controls.find((c: any) => c.id === 'DR-REGION').checkedOn).toEqual(['aws', 'azure', 'cloudflare']);
    expect(json.acknowledgements).toEqual({ audited: false, findings: 0, decisions: [], notApplied: [], problems: [] });
  });

  it('renders the same bytes for the same input, with no timestamp unless given one', () => {
    const again = buildReport({ evaluation: evaluate([...stacks].reverse(), configFor), topology });
    expect(renderMarkdown(again)).toBe(markdown);
    expect(renderJson(again)).toBe(renderJson(report));
    expect(renderHtml(again)).toBe(renderHtml(report));
    expect(renderJson(report)).not.toMatch(/generatedAt|20\d\d-\d\d-\d\dT/);
    const stamped = buildReport({ evaluation: evaluate(stacks, configFor), generatedAt: '2026-01-02T03:04:05Z' });
    expect(renderMarkdown(stamped)).toContain('generated 2026-01-02T03:04:05Z');
  });

  it('escapes every string it puts into HTML and Markdown', () => {
    const ev = evaluate(stacks, configFor);
    const evil = {
      ...ev,
      matrix: ev.matrix.map((c) =>
        c.control === 'SECRETS' && c.environment === 'prod' && c.cloud === 'aws'
          ? {
              ...c,
              status: 'fail' as const,
              findings: [
                {
                  control: 'SECRETS' as const,
                  stack: 'prod-aws-primary',
                  resource: 'Evil"><img src=x onerror=alert(1)>',
                  message: 'found <script>alert("pwned")</script> & \'quotes\' | pipe',
                },
              ],
            }
          : c,
      ),
    };
    const evilAudit: AcknowledgementAudit = {
      validated: true,
      findings: 1,
      problems: [],
      decisions: [
        {
          id: '<b>rule</b>',
          reason: '</script><script>alert(2)</script>',
          resources: 'R',
          claim: { protects: ['SECRETS'] },
          appliedBy: 'baseline',
          placements: ['p'],
          rules: ['<b>r</b>'],
          findingResources: ['<img src=x>'],
          findings: 1,
        },
      ],
    };
    const r = buildReport({ evaluation: evil, acknowledgementAudit: evilAudit, inputs: { config: '<i>x</i>' } });
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
    expect(md).toContain('| &lt;/script>&lt;script>alert(2)&lt;/script> |');
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
    expect(summaryText(report)).toMatch(/^Result: PASS with 8 unchecked cells: /);
    expect(html).toContain('<p id="summary" class="summary result-pass-with-unchecked" data-result="pass-with-unchecked">');
    expect(html).toMatch(
      /<td data-environment="prod" data-cloud="azure" data-status="unchecked" class="status-unchecked"[^>]*>\? unchecked<\/td>/,
    );
    expect(html).toContain(
      '<span class="badge status-not-applicable">– n/a</span> <strong>prod Cloudflare</strong> <span class="muted">the ' +
        'Cloudflare stacks hold',
    );
  });
});

describe('controls report against a base (stateful replacements and removals)', () => {
  const REASON = 'restored from snapshot rds:prod-2026-11-30 into the renamed instance';
  const against = (head: readonly SynthesizedStack[], accepted: Acceptance[] = []): ControlsReport => {
    const { changes, unused } = applyAcceptances(statefulChanges(diffStacks(stacks, head)), accepted);
    return buildReport({ evaluation: evaluate(head, configFor), statefulChanges: { base: 'base', changes, unusedAcceptances: unused } });
  };
  const renamedReport = against(renamedBoth);

  it('passes and says so when nothing stateful is replaced or removed', () => {
    const r = against(stacks);
    expect(r.summary).toMatchObject({ result: 'pass-with-unchecked', statefulChanges: { base: 'base', total: 0, unaccepted: 0 } });
    expect(summaryText(r)).toMatch(/ Against base: no stateful resource replaced or removed\.$/);
    expect(renderMarkdown(r)).toContain('## Stateful resources replaced or removed against base\n\nNone: no database');
  });

  it(
    "fails when a database's construct id is renamed, on AWS (RDS) and Azure (PostgreSQL), naming each removal and what happens " +
      'to the data',
    () => {
      expect(renamedReport.summary.failing).toEqual([]);
      expect(renamedReport.summary).toMatchObject({ result: 'fail', statefulChanges: { total: 2, unaccepted: 2 } });
      expect(renamedReport.statefulChanges!.changes.map((c) => [c.stack, c.resource, c.action, c.renamedTo])).toEqual([
        ['prod-aws-primary', rdsId, 'remove', newRdsId],
        [
          'prod-azure-primary',
          `azurerm_postgresql_flexible_server.${pgName}`,
          'remove',
          `azurerm_postgresql_flexible_server.PrimaryDb_${pgName}`,
        ],
      ]);
      expect(renamedReport.summary.statefulChanges?.acceptancesFile).toBe('config/accepted-stateful-changes.json');
      expect(summaryText(renamedReport)).toMatch(
        new RegExp(
          '^Result: FAIL\\. 114 pass \\/ 0 fail .* Against base: 2 stateful resources replaced or removed, 2 not accepted ' +
            '\\(config\\/accepted-stateful-changes\\.json\\)\\.$',
        ),
      );
      const md = renderMarkdown(renamedReport);
      const section = md.split('\n## Stateful resources replaced or removed against base\n\n')[1].split('\n## Controls\n')[0];
      expect(section).toMatch(
        new RegExp(
          `^- \`prod-aws-primary/${rdsId}\` \\(AWS::RDS::DBInstance\\) removed, probably renamed to ${newRdsId} \\(construct id ` +
            `changed\\) — ❌ \\*\\*not accepted\\*\\*\\. \\*\\*deleted\\*\\* after a final snapshot .*overrideLogicalId\`$`,
          'm',
        ),
      );
      expect(section).toMatch(
        new RegExp(
          '^- `prod-azure-primary\\/azurerm_postgresql_flexible_server\\.Database_[0-9A-F]+` ' +
            '\\(azurerm_postgresql_flexible_server.*\\) removed, probably renamed to .* — ❌ \\*\\*not accepted\\*\\*\\. ' +
            '\\*\\*destroyed with its data\\*\\*; `lifecycle\\.prevent_destroy` makes `terraform apply` refuse this plan',
          'm',
        ),
      );
      expect(section).toContain('accept the change in `config/accepted-stateful-changes.json` with the reason');
      const html = renderHtml(renamedReport);
      expect(html).toContain('<a href="#stateful">Stateful changes</a>');
      expect(html).toContain(
        `<tr data-stack="prod-aws-primary"><td>prod-aws-primary</td><td><code>${rdsId}</code></td><td>AWS::RDS::DBInstance</td><` +
          `td>removed, probably renamed to ${newRdsId} (construct id changed)</td>`,
      );
      expect(JSON.parse(renderJson(renamedReport)).summary.statefulChanges).toEqual({
        base: 'base',
        total: 2,
        unaccepted: 2,
        acceptancesFile: 'config/accepted-stateful-changes.json',
      });
    },
  );

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
    expect(accepted.summary).toMatchObject({ result: 'pass-with-unchecked', statefulChanges: { total: 2, unaccepted: 0 } });
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
      expect({
        file,
        impure: source.match(
          /from '(aws-cdk-lib|cdktf|constructs|node:fs|fs|node:child_process)[^']*'|Date\.now|new Date|Math\.random|process\./g,
        ),
      }).toEqual({ file, impure: null });
    }
  });
});

describe('npm run report (scripts/report.ts)', () => {
  // In-process (runReport, what the script's entry point calls), with the environment and output
  // of a command-line run; the first test also runs the script as a real process and compares.
  const script = async (args: string[], env: NodeJS.ProcessEnv = { BASELINE_CONFIG: '' }) => {
    let stdout = '';
    let stderr = '';
    const status = await runReport(args, {
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: (t: string) => (stderr += t) },
      env: { ...process.env, CHECKPOINT_DISABLE: '1', ...env },
    });
    return { status, stdout, stderr };
  };
  const spawned = (args: string[]) =>
    spawnSync(process.execPath, ['-r', './scripts/register.js', 'scripts/report.ts', ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, BASELINE_CONFIG: '', CHECKPOINT_DISABLE: '1' },
    });
  const files = (dir: string) =>
    Object.fromEntries(
      readdirSync(dir)
        .sort()
        .map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]),
    );

  it('writes the three files from existing output, byte-identical across runs, and exits 0 when nothing fails', async () => {
    const [a, b] = [mkdtempSync(path.join(tmpdir(), 'report-a-')), mkdtempSync(path.join(tmpdir(), 'report-b-'))];
    const first = spawned(['--cdk-out', cdkOut, '--cdktf-out', cdktfOut, '--out', a]);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toBe(
      `Result: ${HEADLINE}. ${COUNTS} (144 cells: 24 controls in prod and staging on AWS, Azure and Cloudflare, from 14 ` +
        `stacks); ${NO_ACKS}.\nWrote ${path.relative(ROOT, a)}/controls.md, ${path.relative(ROOT, a)}/controls.json, ` +
        `${path.relative(ROOT, a)}/controls.html.\n`,
    );
    const second = await script(['--cdk-out', cdkOut, '--cdktf-out', cdktfOut, '--out', b]);
    expect(second.status).toBe(0);
    expect(second.stdout.split(path.basename(b)).join(path.basename(a))).toBe(first.stdout);
    expect(Object.keys(files(a))).toEqual(['controls.html', 'controls.json', 'controls.md']);
    expect(files(b)).toEqual(files(a));
    expect(JSON.parse(files(a)['controls.json']).stacks.find((s: any) => s.name === 'staging-aws-dr').region).toBe('eu-central-1');
  });

  it(
    'exits by the documented policy: --require checked fails on unchecked cells unless each is allowed, and on a ' + 'stale allowance',
    async () => {
      const out = mkdtempSync(path.join(tmpdir(), 'report-policy-'));
      const base = ['--cdk-out', cdkOut, '--cdktf-out', cdktfOut, '--out', out, '--require', 'checked'];
      const strict = await script(base);
      expect(strict.status).toBe(1);
      expect(strict.stdout).toContain(
        `report: exit 1: --require checked: 8 cells unchecked: ${UNCHECKED}; add a check, or accept each with --allow-unchecked ` +
          `CONTROL:cloud`,
      );
      const allowances = ['ADMIN-MFA:azure', 'LOG-CENTRAL:cloudflare', 'LOG-RETENTION:cloudflare', 'DATA-RESIDENCY:cloudflare'];
      const allowed = await script([...base, ...allowances.flatMap((a) => ['--allow-unchecked', a])]);
      expect(allowed.stdout).not.toContain('exit 1');
      expect(allowed.status).toBe(0);
      // The headline still names every unchecked cell: an allowance changes the exit code, not the verdict.
      expect(allowed.stdout).toContain(`Result: ${HEADLINE}.`);
      expect(JSON.parse(readFileSync(path.join(out, 'controls.json'), 'utf8')).summary.policy).toEqual({
        require: 'checked',
        allowUnchecked: allowances,
        problems: [],
      });
      const stale = await script([...base, ...allowances.flatMap((a) => ['--allow-unchecked', a]), '--allow-unchecked', 'BACKUP:aws']);
      expect(stale.status).toBe(1);
      expect(stale.stdout).toContain(
        'report: exit 1: --allow-unchecked BACKUP:aws matches no unchecked cell (the control is checked there now, or the name ' +
          'is wrong); remove it',
      );
    },
  );

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
    const badConfig = await script(['--cdk-out', cdkOut, '--cdktf-out', cdktfOut, '--out', empty], {
      BASELINE_CONFIG: path.join(empty, 'missing.json'),
    });
    expect(badConfig.status).toBe(2);
    expect(badConfig.stderr).toContain('missing.json');
  });

  it(
    'compared with a base, exits 1 on a renamed database until a reviewer accepts it in the acceptances file, and 2 on ' + 'a bad file',
    async () => {
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
      expect(failing.stdout).toMatch(
        new RegExp(
          '^Result: FAIL\\. 114 pass \\/ 0 fail .* Against .+ and .+: 1 stateful resource replaced or removed, 1 not accepted ' +
            '\\(.*none\\.json\\)\\.\\n',
        ),
      );
      expect(readFileSync(path.join(out, 'controls.md'), 'utf8')).toContain(
        `- \`prod-aws-primary/${rdsId}\` (AWS::RDS::DBInstance) removed, probably renamed to ${newRdsId} (construct id changed) ` +
          `— ❌ **not accepted**`,
      );
      const acceptances = path.join(out, 'accepted.json');
      writeFileSync(
        acceptances,
        JSON.stringify({
          accepted: [
            { stack: 'prod-aws-primary', resource: rdsId, reason: 'restored from snapshot rds:prod-2026-11-30 into the renamed instance' },
          ],
        }),
      );
      const accepted = await script([...args, '--accepted', acceptances]);
      expect(accepted.status).toBe(0);
      expect(accepted.stdout).toContain('1 stateful resource replaced or removed, all accepted.');
      // Without a base the same head passes: one synth cannot show the rename.
      expect((await script(['--cdk-out', head, '--cdktf-out', cdktfOut, '--out', out])).status).toBe(0);
      writeFileSync(acceptances, JSON.stringify({ accepted: [{ stack: 'prod-aws-primary', resource: rdsId, reason: 'fine' }] }));
      const bad = await script([...args, '--accepted', acceptances]);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toMatch(/accepted\.json is invalid .*\n {2}- accepted\[0\]\.reason: received "fine": write why the data may go/);
      const missing = await script([...args, '--accepted', path.join(out, 'nope.json')]);
      expect(missing.status).toBe(2);
      expect(missing.stderr).toContain('nope.json: no such file; create it ({"accepted": []}) or drop the option');
    },
  );

  it('parses its options, naming the fix for a missing value', () => {
    expect(parseArgs(['--base', 'origin/main', '--accepted', 'a.json'])).toMatchObject({ base: 'origin/main', accepted: 'a.json' });
    expect(parseArgs(['--base-cdk-out', 'b/cdk.out', '--base-cdktf-out', 'b/cdktf.out'])).toMatchObject({
      baseCdkOut: 'b/cdk.out',
      baseCdktfOut: 'b/cdktf.out',
    });
    expect(() => parseArgs(['--base'])).toThrow(/--base needs a value, e.g. --base origin\/main/);
    expect(() => parseArgs(['--accepted', 'a.json'])).toThrow(/--accepted a\.json applies to a comparison with a base; add --base REF/);
    expect(() => parseArgs(['--base', 'main', '--base-cdk-out', 'x'])).toThrow(
      /--base main synthesizes the base itself; drop --base-cdk-out/,
    );
    expect(parseArgs([])).toEqual({
      synth: false,
      help: false,
      cdkOut: 'cdk.out',
      cdktfOut: 'cdktf.out',
      out: 'reports',
      require: 'passing',
      allowUnchecked: [],
    });
    expect(parseArgs(['--synth', '--cdk-out', 'a', '--cdktf-out', 'b', '--out', 'c'])).toEqual({
      synth: true,
      help: false,
      cdkOut: 'a',
      cdktfOut: 'b',
      out: 'c',
      require: 'passing',
      allowUnchecked: [],
    });
    expect(parseArgs(['--require', 'checked', '--allow-unchecked', 'ADMIN-MFA:azure'])).toMatchObject({
      require: 'checked',
      allowUnchecked: [{ control: 'ADMIN-MFA', cloud: 'azure' }],
    });
    expect(() => parseArgs(['--require', 'all'])).toThrow(/--require needs one of passing, checked \(received "all"\)/);
    expect(() => parseArgs(['--require', 'checked', '--allow-unchecked', 'ADMIN-MFA'])).toThrow(
      /expected CONTROL:cloud, e\.g\. ADMIN-MFA:azure/,
    );
    expect(() => parseArgs(['--require', 'checked', '--allow-unchecked', 'NOPE:aws'])).toThrow(/NOPE is not a control of the catalogue/);
    expect(() => parseArgs(['--allow-unchecked', 'ADMIN-MFA:azure'])).toThrow(/--allow-unchecked applies under --require checked/);
    expect(() => parseArgs(['--out'])).toThrow(UsageError);
    expect(() => parseArgs(['--cdk-out', '--synth'])).toThrow(/--cdk-out needs a directory, e.g. --cdk-out cdk.out/);
    expect(() => parseArgs(['extra'])).toThrow(/unknown argument "extra"/);
  });
});
