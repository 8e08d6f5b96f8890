import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ruleScope, ScopableTemplate } from '../../lib/policy/guard-scope';
import { CONTROL_TOWER_RULES_DIR, guardRuleFiles } from '../../lib/policy/baseline-policy';

const files = guardRuleFiles;

describe('ruleScope', () => {
  it('scopes every shipped Control Tower rule file (an unscoped file gets whole templates: same findings, slower)', () => {
    const unscoped = files(CONTROL_TOWER_RULES_DIR).flatMap((f) => {
      const scope = ruleScope(readFileSync(f, 'utf8'));
      return scope.types ? [] : [`${path.relative(CONTROL_TOWER_RULES_DIR, f)}: ${scope.unscopedBecause}`];
    });
    expect(unscoped).toEqual([]);
  });

  it('finds the types of a Control Tower rule file and whether it follows references', () => {
    const lambda = ruleScope(readFileSync(path.join(CONTROL_TOWER_RULES_DIR, 'lambda', 'ct-lambda-pr-3.guard'), 'utf8'));
    expect([...(lambda.types ?? [])].sort()).toEqual(['AWS::EC2::SecurityGroup', 'AWS::EC2::Subnet', 'AWS::Lambda::Function']);
    expect(lambda.followsReferences).toBe(true);
    const s3 = ruleScope(readFileSync(path.join(CONTROL_TOWER_RULES_DIR, 's3', 'ct-s3-pr-1.guard'), 'utf8'));
    expect([...(s3.types ?? [])]).toEqual(['AWS::S3::Bucket']);
    expect(s3.followsReferences).toBe(false);
  });

  const HEADER = `let BUCKET = "AWS::S3::Bucket"\nlet INPUT_DOCUMENT = this\nlet buckets = Resources.*[ Type == %BUCKET ]\n`;
  it.each([
    ['all resources', 'rule r { Resources.* { Type exists } }'],
    ['resources of other types', "rule r { Resources.*[ Type != 'AWS::S3::Bucket' ] not empty }"],
    ['resources by something other than their type', 'rule r { Resources.*[ Properties exists ] not empty }'],
    ['the Resources map through a variable', 'let all = Resources\nrule r { %all.* not empty }'],
    ['another top-level section', 'rule r { Outputs exists }'],
    ['a quoted top-level key', "rule r { 'Resources'.* not empty }"],
    ['a wildcard over the document variable', 'rule r { %INPUT_DOCUMENT.* not empty }'],
    ['a wildcard over this', 'rule r { this[*] exists }'],
    ['the keys of the document', 'rule r { keys exists }'],
    ['the document passed to a rule that wildcards it', 'rule p(doc) { %doc.* not empty }\nrule r { p(%INPUT_DOCUMENT) }'],
    ['top-level keys in a rule called outside any block', 'rule p(x) { Outputs exists }\nrule r { p(%buckets) }'],
    ['a built-in function', 'rule r { count(%buckets) == 1 }'],
    ['Resources looked up by a variable key', 'rule r { Resources.%BUCKET exists }'],
  ])('leaves a rule file that reads %s unscoped', (_what, rule) => {
    const scope = ruleScope(`${HEADER}${rule}\n`);
    expect(scope.types).toBeUndefined();
    expect(scope.unscopedBecause).toEqual(expect.any(String));
  });

  it.each([
    [
      'type filters and a reference lookup',
      'rule p(doc, id) { let ref = %doc.Resources[ keys == %id ]\n %ref not empty }\nrule r when %buckets not empty { ' +
        '%buckets.Properties { p(%INPUT_DOCUMENT, LoggingConfiguration.DestinationBucketName.Ref) } }',
    ],
    [
      'the hook input form',
      'rule r when %INPUT_DOCUMENT.%BUCKET.resourceProperties exists { %INPUT_DOCUMENT.%BUCKET.resourceProperties.Foo exists }',
    ],
    [
      'a rule called inside a block that reads its own keys',
      'rule p(x) { Resources exists\n Foo exists }\nrule r { %buckets.Properties { p(this) } }',
    ],
    ['Type in a list', 'let TYPES = ["AWS::S3::Bucket", "AWS::SQS::Queue"]\nrule r { Resources.*[ Type in %TYPES ] not empty }'],
  ])('scopes a rule file that reads %s', (_what, rule) => {
    const scope = ruleScope(`${HEADER}${rule}\n`);
    expect(scope.unscopedBecause).toBeUndefined();
    expect(scope.types).toBeDefined();
  });

  it('leaves a rule file that names no resource type unscoped', () => {
    expect(ruleScope('rule r { Resources exists }').types).toBeUndefined();
  });
});

describe('ScopableTemplate', () => {
  const template = {
    Resources: {
      Fn: { Type: 'AWS::Lambda::Function', Properties: { Role: { 'Fn::GetAtt': ['Role', 'Arn'] } } },
      Bucket: { Type: 'AWS::S3::Bucket', Properties: {} },
      Role: { Type: 'AWS::IAM::Role', Properties: { ManagedPolicyArns: [{ Ref: 'Policy' }] } },
      Policy: { Type: 'AWS::IAM::ManagedPolicy', Properties: {} },
      Queue: { Type: 'AWS::SQS::Queue', Properties: {} },
    },
    Outputs: { Name: { Value: { Ref: 'Bucket' } } },
  };
  const text = JSON.stringify(template, undefined, 1);
  const scoped = (types: string[], follow = false) => new ScopableTemplate(text).scoped(new Set(types), follow).text;
  const kept = (out: string) => Object.keys(JSON.parse(out).Resources);

  it('keeps the resources of the given types and the rest of the template', () => {
    const out = scoped(['AWS::S3::Bucket', 'AWS::SQS::Queue']);
    expect(kept(out)).toEqual(['Bucket', 'Queue']);
    expect(JSON.parse(out).Outputs).toEqual(template.Outputs);
  });

  it('keeps every kept value at its line and column: hidden resources become blanks', () => {
    for (const types of [
      ['AWS::Lambda::Function'],
      ['AWS::SQS::Queue'],
      ['AWS::S3::Bucket'],
      [],
      ['AWS::Lambda::Function', 'AWS::IAM::ManagedPolicy', 'AWS::SQS::Queue'],
    ]) {
      const out = scoped(types);
      expect(out.length).toBe(text.length);
      expect(out.split('\n').length).toBe(text.split('\n').length);
      for (const id of kept(out)) {
        const at = text.indexOf(`"${id}": {`);
        const end = text.indexOf('\n  }', at);
        expect(out.slice(at, end)).toBe(text.slice(at, end));
      }
      expect(JSON.parse(out).Resources).toEqual(
        Object.fromEntries(Object.entries(template.Resources).filter(([, r]) => types.includes(r.Type))),
      );
    }
  });

  it('follows references transitively when the rules look resources up', () => {
    expect(kept(scoped(['AWS::Lambda::Function'], true))).toEqual(['Fn', 'Role', 'Policy']);
    expect(kept(scoped(['AWS::Lambda::Function'], false))).toEqual(['Fn']);
  });
});
