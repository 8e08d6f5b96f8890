import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CONTROLS } from '../../lib/controls';
import { runBaselineCheck } from '../../lib/evidence/cli';
import { artifactUri, buildSarif, resourceLine, ruleId, SARIF_SCHEMA_URI } from '../../lib/evidence/sarif';
import { synthTerraformApp } from '../stacks/azure-support';
import { defaultConfig, synthAws } from '../stacks/support';
import { schemaValidator } from './schema-validation';
import { smallEvaluation } from './small-evaluation';

// `baseline-check --format sarif` on the real synthesized output of both apps: valid SARIF 2.1.0
// (the OASIS schema, vendored), one rule per control check, no result while everything passes,
// and a result at the synthesized file and line of the resource once the database is opened to
// the world.
const ROOT = path.join(__dirname, '..', '..');
const CONFIG = path.join(ROOT, 'config', 'baseline.json');
const config = defaultConfig();
const awsOut = synthAws(config, { policy: false }).outdir;
const tfOut = synthTerraformApp(config);
const validate = schemaValidator('sarif-schema-2.1.0.json');
const tmp = () => mkdtempSync(path.join(tmpdir(), 'baseline-sarif-'));

function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = runBaselineCheck(argv, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
  return { code, stdout, stderr };
}

/** Rule ids the catalogue has checks for: control x cloud. */
const RULES = CONTROLS.flatMap((c) =>
  (['aws', 'azure', 'cloudflare'] as const)
    .filter((cloud) => c.checks[cloud] || c.environmentChecks?.[cloud])
    .map((cloud) => ruleId(c.id, cloud)),
);

/** A copy of the AWS output with the prod database opened to the world: public, and 5432 from 0.0.0.0/0. */
const dbOpen = (() => {
  const out = path.join(tmp(), 'cdk.out');
  cpSync(awsOut, out, { recursive: true });
  const file = path.join(out, 'prod-aws-primary.template.json');
  const template = JSON.parse(readFileSync(file, 'utf8'));
  const [dbId, db] = Object.entries<any>(template.Resources).find(([, r]) => r.Type === 'AWS::RDS::DBInstance')!;
  db.Properties.PubliclyAccessible = true;
  const sgRef = db.Properties.VPCSecurityGroups[0]['Fn::GetAtt'][0];
  template.Resources[sgRef].Properties.SecurityGroupIngress = [
    ...(template.Resources[sgRef].Properties.SecurityGroupIngress ?? []),
    { CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, Description: 'the world' },
  ];
  writeFileSync(file, JSON.stringify(template, null, 1));
  return { out, file, dbId, sgRef };
})();

describe('baseline-check --format sarif', () => {
  const ok = run('--format', 'sarif', awsOut, tfOut, '--config', CONFIG);
  const log = JSON.parse(ok.stdout);

  it(
    'writes SARIF 2.1.0 that validates against the vendored OASIS schema, with one rule per control check and no result on the ' +
      'default config',
    () => {
      expect(ok.code).toBe(0);
      expect(ok.stderr).toBe('');
      expect(validate(log)).toEqual([]);
      expect(log.$schema).toBe(SARIF_SCHEMA_URI);
      expect(log.version).toBe('2.1.0');
      expect(log.runs).toHaveLength(1);
      const driver = log.runs[0].tool.driver;
      expect(driver.name).toBe('baseline-check');
      expect(driver.rules.map((r: any) => r.id)).toEqual(RULES);
      expect(RULES).toContain('DB-FROM-APP/aws');
      expect(RULES).toContain('DR-REGION/aws');
      expect(RULES).not.toContain('DB-FROM-APP/cloudflare');
      const rule = driver.rules.find((r: any) => r.id === 'DB-FROM-APP/aws');
      expect(rule).toMatchObject({
        name: 'DbFromAppAws',
        shortDescription: { text: 'DB-FROM-APP (AWS): The database is reachable only from the app tier, never publicly, over TLS' },
        defaultConfiguration: { level: 'error' },
        properties: { 'security-severity': '8.0', precision: 'high' },
      });
      expect(rule.properties.tags).toEqual(
        expect.arrayContaining([
          'security',
          'control:DB-FROM-APP',
          'cloud:aws',
          'claim:A12',
          'nist-800-53:SC-7',
          'iso27001:8.22',
          'soc2:CC6.6',
        ]),
      );
      expect(rule.help.markdown).toContain('Proved by: `test/aws/database.test.ts`.');
      expect(log.runs[0].results).toEqual([]);
    },
  );

  it('is deterministic and --output writes the same bytes whole, printing the summary line', () => {
    expect(run('--format', 'sarif', tfOut, awsOut, '--config', CONFIG).stdout).toBe(ok.stdout);
    const dir = tmp();
    const file = path.join(dir, 'reports', 'baseline.sarif');
    const written = run('--format=sarif', '--output', file, awsOut, tfOut, '--config', CONFIG);
    expect(written.code).toBe(0);
    expect(written.stdout).toMatch(
      /^baseline-check: \d+ controls pass, 0 fail, .*; wrote .*baseline\.sarif \(sarif\)\nbaseline-check: PASS[^\n]*\n$/,
    );
    expect(readFileSync(file, 'utf8')).toBe(ok.stdout);
    expect(readdirSync(path.dirname(file))).toEqual(['baseline.sarif']);
  });

  it('adds a result at the synthesized file and resource line when the database is opened to the world, and exits 1', () => {
    const bad = run('--format', 'sarif', dbOpen.out, tfOut, '--config', CONFIG);
    expect(bad.code).toBe(1);
    const doc = JSON.parse(bad.stdout);
    expect(validate(doc)).toEqual([]);
    const results = doc.runs[0].results.filter((r: any) => r.ruleId === 'DB-FROM-APP/aws');
    expect(results.length).toBeGreaterThan(0);
    const text = readFileSync(dbOpen.file, 'utf8').split('\n');
    for (const r of results) {
      expect(r.level).toBe('error');
      expect(r.ruleIndex).toBe(RULES.indexOf('DB-FROM-APP/aws'));
      expect(r.properties).toMatchObject({ control: 'DB-FROM-APP', environment: 'prod', cloud: 'aws', stack: 'prod-aws-primary' });
      const loc = r.locations[0];
      expect(loc.physicalLocation.artifactLocation.uri).toBe(artifactUri(dbOpen.file, process.cwd()));
      // The region's line is where the template declares the resource.
      expect(text[loc.physicalLocation.region.startLine - 1]).toBe(`  ${JSON.stringify(r.properties.resource)}: {`);
      expect(loc.logicalLocations[0]).toEqual({
        name: r.properties.resource,
        fullyQualifiedName: `prod-aws-primary/${r.properties.resource}`,
        kind: 'resource',
      });
      expect(r.partialFingerprints['baselineFinding/v1']).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(results.map((r: any) => r.properties.resource)).toEqual(expect.arrayContaining([dbOpen.dbId]));
    expect(results.map((r: any) => r.message.text).join('\n')).toMatch(/^DB-FROM-APP fails in prod on AWS: prod-aws-primary\//m);
    // Nothing else failed: a public database also breaks the tiering (NET-TIERS), nothing more.
    expect(new Set(doc.runs[0].results.map((r: any) => r.ruleId))).toEqual(new Set(['DB-FROM-APP/aws', 'NET-TIERS/aws']));
  });

  it('exits 2 and writes nothing on a missing synth output or a bad --format / --output', () => {
    const dir = tmp();
    const file = path.join(dir, 'out.sarif');
    const missing = run('--format', 'sarif', '--output', file, path.join(dir, 'cdk.out'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no such directory; run `cdk synth`/);
    expect(existsSync(file)).toBe(false);
    expect(run('--format', 'xml', awsOut)).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--format needs one of text, json, sarif \(received "xml"\)/),
    });
    expect(run('--format', 'sarif', '--json', awsOut)).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/two output formats given \(sarif, json\)/),
    });
    expect(run('--output', awsOut)).toMatchObject({ code: 2 });
    // A directory where the file should go: the write fails, no temporary file is left.
    const blocked = run('--format', 'sarif', '--output', dir, awsOut, tfOut);
    expect(blocked).toMatchObject({ code: 2, stderr: expect.stringMatching(/cannot write .*; pass a writable --output path/) });
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('SARIF helpers', () => {
  it('finds the line of a CloudFormation logical id and of a Terraform address, else line 1', () => {
    const cfn = '{\n "Resources": {\n  "A": {\n   "Type": "X"\n  },\n  "B": {}\n }\n}';
    expect(resourceLine(cfn, 'B')).toBe(6);
    expect(resourceLine(cfn, '(template)')).toBe(1);
    const tf =
      '{\n  "data": {\n    "azurerm_x": {\n      "n": {}\n    }\n  },\n  "resource": {\n    "azurerm_x": {\n      "n": ' +
      '{\n      }\n    }\n  }\n}';
    expect(resourceLine(tf, 'azurerm_x.n')).toBe(9);
    expect(resourceLine(undefined, 'B')).toBe(1);
  });

  it('makes paths inside the working directory relative URIs, others file: URIs', () => {
    expect(artifactUri('cdk.out/prod aws.template.json', '/repo')).toBe('cdk.out/prod%20aws.template.json');
    expect(artifactUri('/elsewhere/cdk.out/t.json', '/repo')).toBe('file:///elsewhere/cdk.out/t.json');
  });

  it('puts an environment-wide finding at the stack of the environment that declares the resource', () => {
    const evaluation = smallEvaluation([{ control: 'DR-REGION', environment: 'prod', cloud: 'aws', resource: 'Replica1' }]);
    const matrix = evaluation.matrix.map((c) =>
      c.status === 'fail' ? { ...c, findings: c.findings.map((f) => ({ ...f, stack: 'prod (aws stacks)' })) } : c,
    );
    const stacks = [
      { name: 'prod-aws-primary', cloud: 'aws' as const, environment: 'prod', file: 'cdk.out/prod-aws-primary.template.json' },
      { name: 'prod-aws-dr', cloud: 'aws' as const, environment: 'prod', file: 'cdk.out/prod-aws-dr.template.json' },
    ];
    const texts: Record<string, string> = {
      'cdk.out/prod-aws-primary.template.json': '{\n "Resources": {}\n}',
      'cdk.out/prod-aws-dr.template.json': '{\n "Resources": {\n  "Replica1": {}\n }\n}',
    };
    const log: any = buildSarif({ matrix, stacks, readText: (f) => texts[f], version: '0.0.0', root: '/repo' });
    expect(validate(log)).toEqual([]);
    expect(log.runs[0].results[0].locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'cdk.out/prod-aws-dr.template.json', uriBaseId: '%SRCROOT%' },
      region: { startLine: 3 },
    });
  });
});
