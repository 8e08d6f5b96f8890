import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import claimsJson from '../../data/claims.json';
import { CONTROLS } from '../../lib/controls';
import { evaluate, type Evaluation, type MatrixCell } from '../../lib/evidence/evaluate';
import { buildReport, renderJson } from '../../lib/evidence/report';
import { readSynthOutput } from '../../lib/evidence/synth-output';
import {
  judgeClaims,
  parseClaims,
  renderTrustHtml,
  renderTrustMarkdown,
  renderTrustPage,
  renderTrustReview,
  TrustPageInputError,
  type TrustReport,
} from '../../lib/evidence/trust-page';
import { runReport } from '../../scripts/report';
import { runTrustPage } from '../../scripts/trust-page';
import { synthTerraformApp } from '../stacks/azure-support';
import { defaultConfig, synthAws } from '../stacks/support';
import { smallEvaluation } from './small-evaluation';
import { weakenStacks } from './support';

// The trust page published from evidence: on the default config it publishes every claim whose
// controls are all proven and withholds the others with the reason; opening the database to the
// world withholds the claims DB-FROM-APP makes true.
const ROOT = path.join(__dirname, '..', '..');
const config = defaultConfig();
const cdkOut = synthAws(config, { policy: false }).outdir;
const cdktfOut = synthTerraformApp(config);
const stacks = [...readSynthOutput(cdkOut), ...readSynthOutput(cdktfOut)];
const configFor = (env: string) => config.environments[env];
const claims = parseClaims(claimsJson, 'data/claims.json');
/** The report JSON (as npm run report writes it) of an evaluation. */
const reportOf = (evaluation: Evaluation): TrustReport => JSON.parse(renderJson(buildReport({ evaluation })));
const verdicts = judgeClaims(claims, reportOf(evaluate(stacks, configFor)));
const ids = (vs: readonly { claim: { id: string }; published: boolean }[], published: boolean) =>
  vs.filter((v) => v.published === published).map((v) => v.claim.id);

/** The prod database opened to the world: public, and 5432 admitted from 0.0.0.0/0. */
const openDb = (t: any) => {
  const [, db] = Object.entries<any>(t.Resources).find(([, r]) => r.Type === 'AWS::RDS::DBInstance')!;
  db.Properties.PubliclyAccessible = true;
  const sg = t.Resources[db.Properties.VPCSecurityGroups[0]['Fn::GetAtt'][0]];
  sg.Properties.SecurityGroupIngress = [
    ...(sg.Properties.SecurityGroupIngress ?? []),
    { CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432 },
  ];
};

describe('claims list (data/claims.json)', () => {
  it('holds every claim A1..A16 and B1..B13 once, with its statement, and every claim a control cites', () => {
    expect(claims.map((c) => c.id)).toEqual([
      ...Array.from({ length: 16 }, (_, i) => `A${i + 1}`),
      ...Array.from({ length: 13 }, (_, i) => `B${i + 1}`),
    ]);
    for (const c of claims) expect(c.statement.length).toBeGreaterThan(30);
    for (const control of CONTROLS) for (const s of control.sources) expect(claims.map((c) => c.id)).toContain(s);
  });

  it('rejects a missing claim, a duplicate, a wrong page, an unknown field, naming each', () => {
    const bad = JSON.parse(JSON.stringify(claimsJson));
    bad.claims = bad.claims.filter((c: any) => c.id !== 'B13');
    bad.claims.push({ ...bad.claims[0] });
    bad.claims[1].page = 'B';
    bad.claims[2].published = true;
    expect(() => parseClaims(bad, 'claims.json')).toThrow(TrustPageInputError);
    expect(() => parseClaims(bad, 'claims.json')).toThrow(
      new RegExp(
        '^claims\\.json has 4 problems:\\n {2}- claims\\.json: claims\\[1\\]\\.page: "B" does not match the id ' +
          'A2\\n {2}- claims\\.json: claims\\[2\\]: unknown field published\\n',
      ),
    );
    let message = '';
    try {
      parseClaims(bad, 'claims.json');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('claims[28].id: A1 is listed twice');
    expect(message).toContain('claims.json: claim B13, which DETECT-THREATS cites, is missing');
    expect(() => parseClaims({}, 'x.json')).toThrow(/x\.json: expected \{"claims": \[/);
  });
});

describe('trust page', () => {
  it('publishes on the default config exactly the claims whose controls are all proven, and withholds the others with the reason', () => {
    // Unchecked cells withhold like failing ones: ADMIN-MFA on Azure (A6, A16); the edge's logs and
    // their retention (A4, A11, B6); residency at the edge (B9, B12). The edge's alerting is checked
    // (DETECT-THREATS on Cloudflare), so A2, A3, A5, B7 and B13 publish.
    expect(ids(verdicts, false)).toEqual(['A1', 'A4', 'A6', 'A11', 'A13', 'A16', 'B6', 'B9', 'B12']);
    expect(ids(verdicts, true)).toEqual([
      'A2',
      'A3',
      'A5',
      'A7',
      'A8',
      'A9',
      'A10',
      'A12',
      'A14',
      'A15',
      'B1',
      'B2',
      'B3',
      'B4',
      'B5',
      'B7',
      'B8',
      'B10',
      'B11',
      'B13',
    ]);
    const byId = new Map(verdicts.map((v) => [v.claim.id, v]));
    expect(byId.get('A1')!.reasons).toEqual([
      'no control of the catalogue makes this claim true (it is not covered by infrastructure code)',
    ]);
    expect(byId.get('A6')!.reasons).toEqual([
      'ADMIN-MFA is not proven in prod on Azure (status "unchecked"): no check of the synthesized output proves it there',
      'ADMIN-MFA is not proven in staging on Azure (status "unchecked"): no check of the synthesized output proves it there',
    ]);
    expect(byId.get('A9')!.published).toBe(true);
    expect(byId.get('A4')!.reasons).toEqual([
      'LOG-CENTRAL is not proven in prod on Cloudflare (status "unchecked"): no check of the synthesized output proves it there',
      'LOG-CENTRAL is not proven in staging on Cloudflare (status "unchecked"): no check of the synthesized output proves it there',
    ]);
    expect(byId.get('B7')!.controls.map((c) => [c.id, c.provenOn])).toEqual([['DETECT-THREATS', ['AWS', 'Azure', 'Cloudflare']]]);
    expect(byId.get('B9')!.reasons).toEqual([
      'DATA-RESIDENCY is not proven in prod on Cloudflare (status "unchecked"): no check of the synthesized output proves it there',
      'DATA-RESIDENCY is not proven in staging on Cloudflare (status "unchecked"): no check of the synthesized output proves it there',
    ]);
    expect(byId.get('A12')!.controls.map((c) => [c.id, c.provenOn])).toEqual([
      ['ORIGIN-LOCK', ['AWS', 'Azure', 'Cloudflare']],
      ['NET-TIERS', ['AWS', 'Azure']],
      ['APP-FROM-GATEWAY', ['AWS', 'Azure']],
      ['DB-FROM-APP', ['AWS', 'Azure']],
    ]);
  });

  it('renders the public page (Markdown, HTML) with published claims only and the reviewer notes with every withheld claim and why', () => {
    const files = renderTrustPage(verdicts, { environments: ['prod', 'staging'] });
    const a12 = claims.find((c) => c.id === 'A12')!.statement;
    const a6 = claims.find((c) => c.id === 'A6')!.statement;
    expect(files['trust.md']).toContain(
      `## ${a12}\n\n- Origins accept traffic only from the edge (ORIGIN-LOCK, checked on AWS, Azure and Cloudflare)\n`,
    );
    expect(files['trust.md']).toContain('checked on every change in prod and staging: 20 of 29 claims are proven today.');
    expect(files['trust.md']).not.toContain(a6);
    expect(files['trust.html']).toContain('<article id="claim-A12" data-claim="A12">');
    expect(files['trust.html']).not.toContain('claim-A6"');
    expect(files['trust.html']).not.toMatch(/<script|https?:\/\//);
    expect(files['trust-review.md']).toContain(`### A6: ${a6}`);
    expect(files['trust-review.md']).toContain('- ADMIN-MFA is not proven in prod on Azure (status "unchecked")');
    expect(files['trust-review.md']).toContain('- And the claim goes beyond the code: Need-to-know reviews');
    expect(files['trust-review.md']).toMatch(
      /### A12: [^\n]+\n\nClaim: [^\n]+\n\n- ORIGIN-LOCK: proven on AWS, Azure and Cloudflare\n[\s\S]*?- Frameworks: SOC 2: CC6\.6, CC6\.1/,
    );
    // Deterministic: the same input gives the same bytes.
    expect(renderTrustPage(judgeClaims(claims, reportOf(evaluate(stacks, configFor))), { environments: ['prod', 'staging'] })).toEqual(
      files,
    );
  });

  it('withholds the claims DB-FROM-APP makes true when the database is opened to the world, naming the finding', () => {
    const weak = judgeClaims(claims, reportOf(evaluate(weakenStacks(stacks, { 'prod-aws-primary': openDb }), configFor)));
    // DB-FROM-APP (A10, A12, B3) and NET-TIERS (A10, A12, B8) fail.
    expect(ids(weak, false)).toEqual(['A1', 'A4', 'A6', 'A10', 'A11', 'A12', 'A13', 'A16', 'B3', 'B6', 'B8', 'B9', 'B12']);
    const a12 = weak.find((v) => v.claim.id === 'A12')!;
    expect(a12.reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^DB-FROM-APP fails in prod on AWS: prod-aws-primary\/\w+: /),
        expect.stringMatching(/^NET-TIERS fails in prod on AWS: /),
      ]),
    );
    const md = renderTrustMarkdown(weak);
    const html = renderTrustHtml(weak);
    for (const id of ['A10', 'A12', 'B3', 'B8']) {
      const statement = claims.find((c) => c.id === id)!.statement;
      expect(md).not.toContain(statement);
      expect(html).not.toContain(`claim-${id}"`);
      expect(renderTrustReview(weak)).toContain(`### ${id}: ${statement}`);
    }
  });

  it(
    'withholds the claims of edge alerting when an attack on the edge would page nobody (the DDoS alert removed), naming ' + 'the finding',
    () => {
      const noDdosAlert = (t: any) => {
        const policies = t.resource.cloudflare_notification_policy;
        delete policies[Object.keys(policies).find((name) => policies[name].alert_type === 'dos_attack_l7')!];
      };
      const weak = judgeClaims(claims, reportOf(evaluate(weakenStacks(stacks, { 'prod-cloudflare': noDdosAlert }), configFor)));
      expect(ids(weak, false)).toEqual(['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A11', 'A13', 'A16', 'B6', 'B7', 'B9', 'B12', 'B13']);
      expect(weak.find((v) => v.claim.id === 'B7')!.reasons).toEqual([
        expect.stringMatching(
          new RegExp(
            '^DETECT-THREATS fails in prod on Cloudflare: prod-cloudflare\\/\\(template\\): zone "[0-9a-f]{32}" has ' +
              'no enabled cloudflare_notification_policy alerting on-call on HTTP DDoS attacks',
          ),
        ),
      ]);
    },
  );

  it(
    'counts only pass and config-enforced as proven: fail, unchecked, unknown withhold; not-applicable everywhere proves ' +
      'nothing; not-applicable cells on a cloud are ignored',
    () => {
      const base = smallEvaluation();
      const withStatus = (control: string, status: string, cloud?: string) =>
        base.matrix.map(
          (c): MatrixCell =>
            c.control === control && (!cloud || c.cloud === cloud) ? { ...c, status: status as MatrixCell['status'] } : c,
        );
      const judge = (matrix: readonly MatrixCell[]) => judgeClaims(claims, { matrix, summary: { environments: ['prod', 'staging'] } });
      // ENV-SEPARATION config-enforced everywhere: A9 published (no check reads it; config validation does).
      expect(judge(withStatus('ENV-SEPARATION', 'config-enforced')).find((v) => v.claim.id === 'A9')!.published).toBe(true);
      expect(judge(withStatus('ENV-SEPARATION', 'unchecked')).find((v) => v.claim.id === 'A9')!.published).toBe(false);
      expect(judge(withStatus('LOG-RETENTION', 'mystery')).find((v) => v.claim.id === 'B6')!.reasons[0]).toMatch(
        /^LOG-RETENTION is not proven in prod on AWS \(status "mystery"\)/,
      );
      const na = judge(withStatus('LOG-RETENTION', 'not-applicable')).find((v) => v.claim.id === 'B6')!;
      expect(na.reasons).toEqual([
        'LOG-RETENTION is not applicable wherever it was checked (no stack holds what it concerns), so nothing proves it',
      ]);
      // Not applicable on one cloud, proven on the other: published.
      expect(judge(withStatus('LOG-RETENTION', 'not-applicable', 'azure')).find((v) => v.claim.id === 'B6')!.published).toBe(true);
      // CDN-ASSETS is carried by AWS only: its not-applicable Azure cells do not withhold B1, an
      // unchecked one does.
      expect(judge(base.matrix).find((v) => v.claim.id === 'B1')!.published).toBe(true);
      expect(judge(withStatus('CDN-ASSETS', 'unchecked', 'azure')).find((v) => v.claim.id === 'B1')!.published).toBe(false);
    },
  );

  it('escapes what it puts into HTML and Markdown', () => {
    const evil = claims.map((c) => (c.id === 'B6' ? { ...c, statement: '<script>alert(1)</script> & *logs*' } : c));
    const v = judgeClaims(evil, reportOf(smallEvaluation()));
    expect(renderTrustHtml(v)).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; *logs*');
    expect(renderTrustMarkdown(v)).toContain('## &lt;script>alert(1)&lt;/script> & \\*logs\\*');
  });
});

describe('npm run trust-page (scripts/trust-page.ts)', () => {
  // In-process (runTrustPage and runReport, what the scripts' entry points call), with the
  // environment and output of a command-line run. One run goes through the real script (node with
  // the TypeScript register hook) to prove its exit code reaches the process; .ci/run runs
  // `npm run trust-page` twice on the real report and compares the bytes.
  const io = () => {
    const out = { stdout: '', stderr: '' };
    return { out, stdout: { write: (t: string) => (out.stdout += t) }, stderr: { write: (t: string) => (out.stderr += t) } };
  };
  const trustPage = (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const { out, ...streams } = io();
    const status = runTrustPage(args, { ...streams, env: { ...process.env, BASELINE_CONFIG: '', CHECKPOINT_DISABLE: '1', ...env } });
    return { status, ...out };
  };
  const reports = mkdtempSync(path.join(tmpdir(), 'trust-report-'));
  const report = (() => {
    const { out, ...streams } = io();
    return runReport(['--cdk-out', cdkOut, '--cdktf-out', cdktfOut, '--out', reports], {
      ...streams,
      env: { ...process.env, BASELINE_CONFIG: '', CHECKPOINT_DISABLE: '1' },
    }).then((status) => ({ status, ...out }));
  })();
  const files = (dir: string) =>
    Object.fromEntries(
      readdirSync(dir)
        .sort()
        .map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]),
    );

  it('writes trust.html, trust.md and trust-review.md from the report, byte-identical across runs', async () => {
    expect((await report).status).toBe(0);
    const [a, b] = [mkdtempSync(path.join(tmpdir(), 'trust-a-')), mkdtempSync(path.join(tmpdir(), 'trust-b-'))];
    const first = trustPage(['--report', path.join(reports, 'controls.json'), '--out', a]);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^Trust page: 20 claims published, 9 withheld \(reasons in the reviewer notes\)\. Wrote /);
    expect(trustPage(['--report', path.join(reports, 'controls.json'), '--out', b]).status).toBe(0);
    expect(Object.keys(files(a))).toEqual(['trust-review.md', 'trust.html', 'trust.md']);
    expect(files(b)).toEqual(files(a));
  });

  it('exits 2 and writes nothing on a report of another config, a missing report, a bad claims file', async () => {
    expect((await report).status).toBe(0);
    const out = mkdtempSync(path.join(tmpdir(), 'trust-bad-'));
    const other = path.join(out, 'other-baseline.json');
    const raw = JSON.parse(readFileSync(path.join(ROOT, 'config', 'baseline.json'), 'utf8'));
    raw.environments.prod.logging.retentionDays = 180;
    writeFileSync(other, JSON.stringify(raw, null, 2));
    const wrongConfig = trustPage(['--report', path.join(reports, 'controls.json'), '--out', path.join(out, 'a')], {
      BASELINE_CONFIG: other,
    });
    expect(wrongConfig.status).toBe(2);
    expect(wrongConfig.stderr).toMatch(
      new RegExp(
        'controls\\.json was produced from config\\/baseline\\.json \\(sha256 [0-9a-f]{12}…\\), not from the ' +
          'config named, .*other-baseline\\.json \\(sha256 [0-9a-f]{12}…\\): its results may not hold for this ' +
          'config; rerun npm run report with the same BASELINE_CONFIG, then npm run trust-page',
      ),
    );
    const missing = trustPage(['--report', path.join(out, 'nope.json'), '--out', path.join(out, 'b')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('nope.json: no such file (the controls report); run npm run report first');
    const claimsFile = path.join(out, 'claims.json');
    writeFileSync(claimsFile, JSON.stringify({ claims: claimsJson.claims.slice(1) }));
    const badClaims = trustPage(['--report', path.join(reports, 'controls.json'), '--claims', claimsFile, '--out', path.join(out, 'c')]);
    expect(badClaims.status).toBe(2);
    expect(badClaims.stderr).toContain('claim A1 is missing');
    const notReport = path.join(out, 'x.json');
    cpSync(path.join(ROOT, 'package.json'), notReport);
    expect(trustPage(['--report', notReport, '--out', path.join(out, 'd')]).stderr).toContain('not a controls report of version 2');
    for (const d of ['a', 'b', 'c', 'd']) expect(existsSync(path.join(out, d))).toBe(false);
    expect(trustPage(['--nope']).status).toBe(2);
  });

  it('runs as the script: node -r ./scripts/register.js scripts/trust-page.ts exits 2 on bad usage, saying what to do', () => {
    const run = spawnSync(process.execPath, ['-r', './scripts/register.js', 'scripts/trust-page.ts', '--nope'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, BASELINE_CONFIG: '', CHECKPOINT_DISABLE: '1' },
    });
    expect({ status: run.status, stdout: run.stdout }).toEqual({ status: 2, stdout: '' });
    expect(run.stderr).toBe(trustPage(['--nope']).stderr);
    expect(run.stderr).toMatch(/^trust-page: unknown option "--nope"\nusage: npm run trust-page/);
  });
});
