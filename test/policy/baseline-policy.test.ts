import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { applyBaselinePolicy, CONTROL_TOWER_RULES_DIR, controlTowerRulesFor } from '../../lib/policy/baseline-policy';

/** An app with a bucket of S3 defaults only (no KMS key, no versioning, no access logs): several packs must reject it. */
function weakApp(): { app: App; addStack: () => void } {
  // Without CDK's built-in CloudFormation schema validation: these tests are about the gates this
  // package adds (cdk-nag, Control Tower Guard); the stack tests run the built-in one on the real stacks.
  const app = new App({ outdir: mkdtempSync(path.join(tmpdir(), 'gate-')), builtinCloudFormationValidation: false });
  const addStack = () => new s3.Bucket(new Stack(app, 'Weak', { env: { account: '111111111111', region: 'eu-west-1' } }), 'Weak');
  return { app, addStack };
}

/** The failure report of the synth ('' when it passed). */
function synthReport(app: App): string {
  try {
    app.synth();
    return '';
  } catch (err) {
    return (err as Error).message;
  }
}

describe('applyBaselinePolicy', () => {
  it('fails the synth on an unacknowledged violation, in every cdk-nag pack and in the Control Tower rules', () => {
    const { app, addStack } = weakApp();
    addStack();
    applyBaselinePolicy(app);
    const report = synthReport(app);
    // Both engines report: cdk-nag (server access logs) and Control Tower Guard (KMS encryption).
    expect(report).toContain('AwsSolutions::AwsSolutions-S1');
    for (const pack of ['HIPAA.Security', 'NIST.800.53.R4', 'NIST.800.53.R5', 'PCI.DSS.321'])
      expect(report).toContain(`${pack}::${pack}-S3BucketLoggingEnabled`);
    expect(report).toContain('CT.S3.PR.10');
  });

  it('runs the Control Tower rules of resource types added after the call (gates added first still see every stack)', () => {
    // Chosen when the gates were added, the rules would be those of an empty app: the S3 rules would
    // not run and the bucket's missing KMS key would pass unseen.
    const { app, addStack } = weakApp();
    applyBaselinePolicy(app, { nagPacks: ['AwsSolutions'] });
    addStack();
    expect(synthReport(app)).toContain('CT.S3.PR.10');
  });

  it('runs only the packs named, and no Control Tower rule with controlTowerRules: false (both show in the report)', () => {
    const { app, addStack } = weakApp();
    addStack();
    applyBaselinePolicy(app, { nagPacks: ['Serverless', 'AwsSolutions'], controlTowerRules: false });
    const report = synthReport(app);
    expect(report).toContain('AwsSolutions::AwsSolutions-S1');
    expect(report).not.toMatch(/HIPAA\.Security|NIST\.800\.53|PCI\.DSS|CT\.S3\.PR/);
  });

  it('refuses a second call, an empty pack list and an unknown pack', () => {
    const { app } = weakApp();
    applyBaselinePolicy(app);
    expect(() => applyBaselinePolicy(app)).toThrow(/the policy gates were already added to this app; call it once/);
    expect(() => applyBaselinePolicy(new App(), { nagPacks: [] })).toThrow(/nagPacks is empty; give some of AwsSolutions, HIPAA\.Security/);
    expect(() => applyBaselinePolicy(new App(), { nagPacks: ['AwsSolution' as never] })).toThrow(
      /nagPacks names unknown packs \(AwsSolution\)/,
    );
  });
});

describe('controlTowerRulesFor', () => {
  const app = new App();
  new s3.Bucket(new Stack(app, 'S'), 'Bucket');

  it('keeps the rules of resource types the app holds, and rules that name no type', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'guard-'));
    const rule = (rel: string, text: string) => {
      mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      writeFileSync(path.join(dir, rel), text);
    };
    rule('s3/ct-s3-1.guard', "# AWS::S3::Bucket\nrule a when %r !empty { Resources.*[ Type == 'AWS::S3::Bucket' ] }");
    rule('dynamodb/ct-ddb-1.guard', '# AWS::DynamoDB::Table\nrule b {}');
    rule('mixed/ct-mixed.guard', '# AWS::DynamoDB::Table and AWS::S3::Bucket\nrule c {}');
    rule('general/ct-any.guard', 'rule d {}');
    rule('s3/README.md', '# AWS::S3::Bucket');
    expect(controlTowerRulesFor(app, dir).map((f) => path.relative(dir, f))).toEqual([
      'general/ct-any.guard',
      'mixed/ct-mixed.guard',
      's3/ct-s3-1.guard',
    ]);
  });

  it('selects from the shipped Control Tower rules: S3 rules in, rules of absent services out', () => {
    const rules = controlTowerRulesFor(app).map((f) => path.relative(CONTROL_TOWER_RULES_DIR, f));
    expect(rules.some((r) => r.startsWith('s3/'))).toBe(true);
    expect(rules.some((r) => r.startsWith('dynamodb/'))).toBe(false);
  });
});
