import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CONTROL_TOWER_RULES_DIR, controlTowerRulesFor } from '../../lib/policy/baseline-policy';

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
    rule('dynamodb/ct-ddb-1.guard', "# AWS::DynamoDB::Table\nrule b {}");
    rule('mixed/ct-mixed.guard', "# AWS::DynamoDB::Table and AWS::S3::Bucket\nrule c {}");
    rule('general/ct-any.guard', 'rule d {}');
    rule('s3/README.md', '# AWS::S3::Bucket');
    expect(controlTowerRulesFor(app, dir).map((f) => path.relative(dir, f))).toEqual(['general/ct-any.guard', 'mixed/ct-mixed.guard', 's3/ct-s3-1.guard']);
  });

  it('selects from the shipped Control Tower rules: S3 rules in, rules of absent services out', () => {
    const rules = controlTowerRulesFor(app).map((f) => path.relative(CONTROL_TOWER_RULES_DIR, f));
    expect(rules.some((r) => r.startsWith('s3/'))).toBe(true);
    expect(rules.some((r) => r.startsWith('dynamodb/'))).toBe(false);
  });
});
