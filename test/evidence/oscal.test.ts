import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CONTROLS } from '../../lib/controls';
import { NIST_OSCAL_IDS } from '../../lib/controls/frameworks';
import { evaluate, type Evaluation, type MatrixCell } from '../../lib/evidence/evaluate';
import {
  buildAssessmentResults,
  buildComponentDefinition,
  OSCAL_UUID_NAMESPACE,
  OscalInputError,
  resourcePointer,
  uuidV5,
} from '../../lib/evidence/oscal';
import { readSynthOutput } from '../../lib/evidence/synth-output';
import { evidenceTimestamp, runReport } from '../../scripts/report';
import { synthTerraformApp } from '../stacks/azure-support';
import { defaultConfig, synthAws } from '../stacks/support';
import { schemaValidator } from './schema-validation';
import { smallEvaluation } from './small-evaluation';
import { weakenStacks } from './support';

// The OSCAL 1.1.2 documents of the default config's real synthesized output validate against
// NIST's schemas (vendored), say satisfied only where a check proved the control, and turn the
// database's finding to not-satisfied once it is opened to the world.
const ROOT = path.join(__dirname, '..', '..');
const config = defaultConfig();
const cdkOut = synthAws(config, { policy: false }).outdir;
const cdktfOut = synthTerraformApp(config);
const stacks = [...readSynthOutput(cdkOut), ...readSynthOutput(cdktfOut)];
const configFor = (env: string) => config.environments[env];
const T = '2026-11-30T08:26:13Z';
const validateAr = schemaValidator('oscal_assessment-results_schema.json');
const validateCd = schemaValidator('oscal_component_schema.json');
const ar = (evaluation: Evaluation) =>
  buildAssessmentResults({
    evaluation,
    timestamp: T,
    version: '0.1.0',
    commit: 'ee49bdb0000000000000000000000000000000000',
    inputs: { config: 'config/baseline.json' },
  }) as any;
const result = (doc: any) => doc['assessment-results'].results[0];
const finding = (doc: any, control: string, env: string, cloud: string) =>
  result(doc).findings.find(
    (f: any) => f.title === `${control} in ${env} on ${{ aws: 'AWS', azure: 'Azure', cloudflare: 'Cloudflare' }[cloud]}`,
  );
const defaultDoc = ar(evaluate(stacks, configFor));

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

/** Every string value of a document that looks like a date-time. */
function timestamps(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) out.push(value);
  else if (Array.isArray(value)) for (const v of value) timestamps(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) timestamps(v, out);
  return out;
}

/** Every `uuid` field of a document. */
function uuids(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) uuids(v, out);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) k === 'uuid' ? out.push(v as string) : uuids(v, out);
  return out;
}

describe('uuidV5', () => {
  it('computes RFC 4122 name-based (SHA-1) UUIDs: the DNS example, and a stable project namespace', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
    expect(OSCAL_UUID_NAMESPACE).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(() => uuidV5('x', 'nope')).toThrow(/is not a UUID/);
  });
});

describe('OSCAL assessment results', () => {
  it('validates against the NIST OSCAL 1.1.2 assessment-results schema on the default config', () => {
    expect(validateAr(defaultDoc)).toEqual([]);
    const doc = defaultDoc['assessment-results'];
    expect(doc.metadata).toMatchObject({ 'oscal-version': '1.1.2', 'last-modified': T, version: '0.1.0' });
    expect(doc['import-ap'].href).toBe(`#${doc['back-matter'].resources[0].uuid}`);
    expect(doc.results).toHaveLength(1);
  });

  it(
    'has a finding per control x environment x cloud that applies: satisfied where a check passed, not-satisfied (reason other) ' +
      'where none proved it',
    () => {
      const r = result(defaultDoc);
      const applicable = CONTROLS.length * 2 * 3 - 22; // 22 cells are not applicable (no finding)
      expect(r.findings).toHaveLength(applicable);
      const states = r.findings.map((f: any) => `${f.target.status.state}/${f.target.status.reason}`);
      expect(states.filter((s: string) => s === 'satisfied/pass')).toHaveLength(114);
      expect(states.filter((s: string) => s === 'not-satisfied/other')).toHaveLength(8);
      const db = finding(defaultDoc, 'DB-FROM-APP', 'prod', 'aws');
      expect(db.target).toMatchObject({ type: 'objective-id', 'target-id': 'DB-FROM-APP', status: { state: 'satisfied', reason: 'pass' } });
      expect(db.props).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: 'framework-control', value: 'SC-7', class: 'nist-800-53' }),
          expect.objectContaining({ name: 'framework-control', value: 'CC6.6', class: 'soc2' }),
        ]),
      );
      expect(finding(defaultDoc, 'DATA-RESIDENCY', 'prod', 'aws').target.status).toMatchObject({ state: 'satisfied', reason: 'pass' });
      const residency = finding(defaultDoc, 'DATA-RESIDENCY', 'prod', 'cloudflare');
      expect(residency.target.status).toMatchObject({
        state: 'not-satisfied',
        reason: 'other',
        remarks: expect.stringContaining('Not proven: the cell is "unchecked"'),
      });
    },
  );

  it('reviews the NIST SP 800-53 controls the catalogue maps to, by their OSCAL catalogue ids', () => {
    const reviewed = result(defaultDoc)['reviewed-controls']['control-selections'][0]['include-controls'].map((c: any) => c['control-id']);
    expect(reviewed).toEqual(expect.arrayContaining(['sc-7', 'sc-8.1', 'ia-2.1', 'au-11', 'cp-9', 'ac-17.3']));
    expect(reviewed).toEqual([...reviewed].sort());
    for (const id of reviewed) expect([...NIST_OSCAL_IDS.values()]).toContain(id);
  });

  it('observes each check with its stacks and resources as subjects and the synthesized file and resource as evidence', () => {
    const r = result(defaultDoc);
    const db = finding(defaultDoc, 'DB-FROM-APP', 'prod', 'aws');
    const observations = db['related-observations'].map((o: any) => r.observations.find((x: any) => x.uuid === o['observation-uuid']));
    const primary = observations.find((o: any) => o.title === 'DB-FROM-APP checked on prod-aws-primary');
    expect(primary).toMatchObject({ methods: ['TEST'], types: ['control-objective'], collected: T });
    expect(primary.subjects[0]).toMatchObject({ type: 'component', title: 'prod-aws-primary' });
    const rds = stacks.find((s) => s.name === 'prod-aws-primary')!;
    const rdsId = Object.entries<any>(rds.template.Resources).find(([, x]) => x.Type === 'AWS::RDS::DBInstance')![0];
    expect(primary.subjects).toContainEqual(expect.objectContaining({ type: 'inventory-item', title: `prod-aws-primary/${rdsId}` }));
    expect(primary['relevant-evidence']).toContainEqual({
      href: `${rds.file}#/Resources/${rdsId}`,
      description: `prod-aws-primary/${rdsId}: found compliant by the AWS check of DB-FROM-APP`,
      props: [expect.objectContaining({ name: 'result', value: 'pass' })],
    });
    // Components and inventory items the subjects point at exist in the result.
    const defined = new Set([...r['local-definitions'].components, ...r['local-definitions']['inventory-items']].map((x: any) => x.uuid));
    for (const o of r.observations) for (const s of o.subjects) expect(defined.has(s['subject-uuid'])).toBe(true);
    // Every finding's related observations exist.
    const observed = new Set(r.observations.map((o: any) => o.uuid));
    for (const f of r.findings) for (const o of f['related-observations'] ?? []) expect(observed.has(o['observation-uuid'])).toBe(true);
  });

  it(
    'carries a timestamp only where the schema requires one, all equal to the one given; UUIDs are unique and derived ' + 'from content',
    () => {
      const all = timestamps(defaultDoc);
      expect(new Set(all)).toEqual(new Set([T]));
      const r = result(defaultDoc);
      expect(all).toHaveLength(2 + r.observations.length); // last-modified, start, one collected per observation
      const ids = uuids(defaultDoc);
      expect(new Set(ids).size).toBe(ids.length);
      const again = ar(evaluate(stacks, configFor));
      expect(JSON.stringify(again)).toBe(JSON.stringify(defaultDoc));
      const later = buildAssessmentResults({
        evaluation: evaluate(stacks, configFor),
        timestamp: '2026-12-01T00:00:00Z',
        version: '0.1.0',
      }) as any;
      expect(later['assessment-results'].uuid).not.toBe(defaultDoc['assessment-results'].uuid);
      // A subject keeps its UUID from one run to the next.
      expect(result(later)['local-definitions'].components.map((c: any) => c.uuid)).toEqual(
        result(defaultDoc)['local-definitions'].components.map((c: any) => c.uuid),
      );
      expect(() =>
        buildAssessmentResults({ evaluation: evaluate(stacks, configFor), timestamp: '2026-11-30 08:26', version: '0' }),
      ).toThrow(OscalInputError);
    },
  );

  it('turns the finding to not-satisfied when the database is opened to the world, with the finding as evidence at the resource', () => {
    const weak = weakenStacks(stacks, { 'prod-aws-primary': openDb });
    const doc = ar(evaluate(weak, configFor));
    expect(validateAr(doc)).toEqual([]);
    const db = finding(doc, 'DB-FROM-APP', 'prod', 'aws');
    expect(db.target.status).toEqual({ state: 'not-satisfied', reason: 'fail' });
    expect(db.description).toMatch(/^Not met: prod-aws-primary\//);
    const r = result(doc);
    const obs = db['related-observations']
      .map((o: any) => r.observations.find((x: any) => x.uuid === o['observation-uuid']))
      .find((o: any) => o.title === 'DB-FROM-APP checked on prod-aws-primary');
    expect(obs.types).toEqual(['finding']);
    const failed = obs['relevant-evidence'].filter((e: any) => e.props[0].value === 'fail');
    expect(failed.length).toBeGreaterThan(0);
    for (const e of failed) expect(e.href).toMatch(/prod-aws-primary\.template\.json#\/Resources\/[A-Za-z0-9]+$/);
    // The other environment is untouched.
    expect(finding(doc, 'DB-FROM-APP', 'staging', 'aws').target.status.state).toBe('satisfied');
  });

  it(
    'counts only pass and config-enforced as satisfied; not-applicable gets no finding; fail, unchecked and unknown statuses ' +
      'are not-satisfied',
    () => {
      const base = smallEvaluation();
      const set = (control: string, env: string, cloud: string, status: string): MatrixCell[] =>
        base.matrix.map((c) =>
          c.control === control && c.environment === env && c.cloud === cloud ? { ...c, status: status as MatrixCell['status'] } : c,
        );
      let matrix = set('ENV-SEPARATION', 'prod', 'aws', 'config-enforced');
      matrix = matrix.map((c) =>
        c.control === 'BACKUP' && c.environment === 'prod' && c.cloud === 'aws' ? { ...c, status: 'unchecked' as any } : c,
      );
      matrix = matrix.map((c) =>
        c.control === 'BACKUP' && c.environment === 'prod' && c.cloud === 'azure' ? { ...c, status: 'someday-maybe' as any } : c,
      );
      matrix = matrix.map((c) =>
        c.control === 'CDN-ASSETS' && c.environment === 'prod' && c.cloud === 'aws' ? { ...c, status: 'not-applicable' } : c,
      );
      const doc = ar({ ...base, matrix });
      expect(validateAr(doc)).toEqual([]);
      expect(finding(doc, 'ENV-SEPARATION', 'prod', 'aws').target.status).toEqual({ state: 'satisfied', reason: 'pass' });
      expect(finding(doc, 'BACKUP', 'prod', 'aws').target.status).toMatchObject({ state: 'not-satisfied', reason: 'other' });
      expect(finding(doc, 'BACKUP', 'prod', 'azure').target.status).toMatchObject({ state: 'not-satisfied', reason: 'other' });
      expect(finding(doc, 'CDN-ASSETS', 'prod', 'aws')).toBeUndefined();
      expect(result(doc).remarks).toContain('CDN-ASSETS in prod on AWS');
    },
  );

  it('points evidence at the resource in the file: a JSON Pointer for CloudFormation and Terraform', () => {
    expect(resourcePointer('aws', 'DatabaseF44359DD')).toBe('#/Resources/DatabaseF44359DD');
    expect(resourcePointer('azure', 'azurerm_postgresql_flexible_server.Database_B269D8BB')).toBe(
      '#/resource/azurerm_postgresql_flexible_server/Database_B269D8BB',
    );
    expect(resourcePointer('aws', '(template)')).toBe('');
  });
});

describe('OSCAL component definition', () => {
  const doc = buildComponentDefinition({ timestamp: T, version: '0.1.0' }) as any;

  it('validates against the NIST OSCAL 1.1.2 component-definition schema', () => {
    expect(validateCd(doc)).toEqual([]);
    expect(doc['component-definition'].metadata).toMatchObject({ 'oscal-version': '1.1.2', 'last-modified': T });
    expect(new Set(timestamps(doc))).toEqual(new Set([T]));
    expect(JSON.stringify(buildComponentDefinition({ timestamp: T, version: '0.1.0' }))).toBe(JSON.stringify(doc));
  });

  it('describes which source files implement which controls, as NIST SP 800-53 requirements naming the baseline controls', () => {
    const components = doc['component-definition'].components;
    const database = components.find((c: any) => c.title === 'Database (lib/aws/database.ts)');
    expect(database.type).toBe('software');
    expect(database.props).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'baseline-control', value: 'DB-FROM-APP' }),
        expect.objectContaining({ name: 'baseline-control', value: 'ENC-REST' }),
      ]),
    );
    const reqs = database['control-implementations'][0]['implemented-requirements'];
    const sc7 = reqs.find((r: any) => r['control-id'] === 'sc-7');
    expect(sc7.description).toMatch(/^DB-FROM-APP on AWS: The database is reachable only from the app tier/);
    expect(reqs.find((r: any) => r['control-id'] === 'sc-28.1').props).toContainEqual(expect.objectContaining({ value: 'ENC-REST' }));
    expect(components.find((c: any) => c.title === 'OriginFailover (lib/cloudflare/origin-failover.ts)')).toBeDefined();
  });
});

describe('npm run report -- --format oscal', () => {
  // In-process (runReport, what the script's entry point calls), with the environment and output
  // of a command-line run; test/evidence/report.test.ts runs scripts/report.ts as a real process
  // once, and .ci/run runs `npm run report -- --format oscal` twice on the real output and compares.
  const script = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
    let stdout = '';
    let stderr = '';
    const status = await runReport(args, {
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: (t: string) => (stderr += t) },
      env: { ...process.env, BASELINE_CONFIG: '', CHECKPOINT_DISABLE: '1', SOURCE_DATE_EPOCH: '1764491173', ...env },
    });
    return { status, stdout, stderr };
  };

  it('writes the two documents, valid, with the SOURCE_DATE_EPOCH time', async () => {
    const a = mkdtempSync(path.join(tmpdir(), 'oscal-a-'));
    const first = await script(['--cdk-out', cdkOut, '--cdktf-out', cdktfOut, '--out', a, '--format', 'oscal']);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^OSCAL 1\.1\.2 documents as of 2025-11-30T08:26:13Z: 144 cells, 0 failing\. Wrote /);
    expect(readdirSync(a).sort()).toEqual(['oscal-assessment-results.json', 'oscal-component-definition.json']);
    // Two runs of the script giving the same bytes: .ci/run compares them (the documents are built
    // deterministically in process above).
    const doc = JSON.parse(readFileSync(path.join(a, 'oscal-assessment-results.json'), 'utf8'));
    expect(validateAr(doc)).toEqual([]);
    expect(doc['assessment-results'].metadata['last-modified']).toBe('2025-11-30T08:26:13Z');
    expect(doc['assessment-results'].metadata.props).toContainEqual(
      expect.objectContaining({ name: 'input', class: 'config-sha256', value: expect.stringMatching(/^[0-9a-f]{64}$/) }),
    );
    expect(validateCd(JSON.parse(readFileSync(path.join(a, 'oscal-component-definition.json'), 'utf8')))).toEqual([]);
  });

  it('exits 1 when a control fails, 2 on a missing synth output or a bad timestamp, writing nothing then', async () => {
    const weak = mkdtempSync(path.join(tmpdir(), 'oscal-weak-'));
    cpSync(cdkOut, weak, { recursive: true });
    const file = path.join(weak, 'prod-aws-primary.template.json');
    const t = JSON.parse(readFileSync(file, 'utf8'));
    openDb(t);
    writeFileSync(file, JSON.stringify(t));
    const out = mkdtempSync(path.join(tmpdir(), 'oscal-out-'));
    expect((await script(['--cdk-out', weak, '--cdktf-out', cdktfOut, '--out', out, '--format', 'oscal'])).status).toBe(1);
    const doc = JSON.parse(readFileSync(path.join(out, 'oscal-assessment-results.json'), 'utf8'));
    expect(finding(doc, 'DB-FROM-APP', 'prod', 'aws').target.status.state).toBe('not-satisfied');

    const empty = mkdtempSync(path.join(tmpdir(), 'oscal-empty-'));
    const missing = await script(['--cdk-out', empty, '--cdktf-out', cdktfOut, '--out', path.join(empty, 'out'), '--format', 'oscal']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/no manifest\.json; expected a cdk\.out/);
    expect(existsSync(path.join(empty, 'out'))).toBe(false);
    const badTime = await script(['--cdk-out', cdkOut, '--cdktf-out', cdktfOut, '--out', path.join(empty, 'out2'), '--format', 'oscal'], {
      SOURCE_DATE_EPOCH: 'yesterday',
    });
    expect(badTime.status).toBe(2);
    expect(badTime.stderr).toContain('SOURCE_DATE_EPOCH="yesterday" is not a number of seconds');
    expect(existsSync(path.join(empty, 'out2'))).toBe(false);
    expect((await script(['--format', 'pdf'])).stderr).toContain('--format needs report or oscal (received "pdf")');
  });

  it('takes its time from SOURCE_DATE_EPOCH, else the HEAD commit date, never the clock', () => {
    expect(evidenceTimestamp({ SOURCE_DATE_EPOCH: '0' })).toBe('1970-01-01T00:00:00Z');
    const head = spawnSync('git', ['log', '-1', '--format=%cI'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
    expect(evidenceTimestamp({}, ROOT)).toBe(new Date(head).toISOString().replace(/\.000Z$/, 'Z'));
    expect(() => evidenceTimestamp({}, tmpdir())).toThrow(/run from a git clone .* or set SOURCE_DATE_EPOCH/);
  });
});
