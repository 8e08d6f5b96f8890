import { checkDetectThreats, checkEncRest, checkStoragePrivate, unboundServiceGrant } from '../../lib/controls/aws';

const ACCOUNT = '123456789012';
const template = { Resources: { LogBucket: { Type: 'AWS::S3::Bucket', Properties: {} } } };
const grant = (service: string, condition?: any) => ({
  Effect: 'Allow',
  Principal: { Service: service },
  Action: 's3:PutObject',
  Resource: '*',
  ...(condition ? { Condition: condition } : {}),
});

describe('unboundServiceGrant (the confused-deputy rule)', () => {
  it.each<[string, any, 'key' | 'bucket' | 'topic']>([
    [
      'a trail grant with source account and trail ARN',
      grant('cloudtrail.amazonaws.com', {
        StringEquals: { 'aws:SourceAccount': ACCOUNT },
        ArnLike: { 'aws:SourceArn': `arn:aws:cloudtrail:*:${ACCOUNT}:trail/*` },
      }),
      'bucket',
    ],
    [
      'an OAC grant whose source ARN names the account (AWS: prefix, Fn::Join)',
      grant('cloudfront.amazonaws.com', {
        StringEquals: {
          'AWS:SourceArn': {
            'Fn::Join': [
              '',
              ['arn:', { Ref: 'AWS::Partition' }, ':cloudfront::', { Ref: 'AWS::AccountId' }, ':distribution/', { Ref: 'Cdn' }],
            ],
          },
        },
      }),
      'bucket',
    ],
    [
      'CloudWatch Logs bound by its log-group encryption context',
      grant('logs.eu-west-1.amazonaws.com', {
        ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:*` },
      }),
      'key',
    ],
    [
      'alarms on a key, bound to the account (no source ARN documented)',
      grant('cloudwatch.amazonaws.com', { StringEquals: { 'aws:SourceAccount': ACCOUNT } }),
      'key',
    ],
    [
      'log delivery bound to a bucket of the template through S3',
      grant('delivery.logs.amazonaws.com', {
        StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' },
        ArnLike: { 'kms:EncryptionContext:aws:s3:arn': [{ 'Fn::GetAtt': ['LogBucket', 'Arn'] }] },
      }),
      'key',
    ],
    [
      'CloudFront log delivery on a key, limited to S3 (its documented model has no source keys)',
      grant('delivery.logs.amazonaws.com', { StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } }),
      'key',
    ],
    [
      'a grant to an account principal (not a service)',
      { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' },
      'key',
    ],
  ])('accepts %s', (_name, statement, kind) => {
    expect(unboundServiceGrant(template, statement, kind)).toBeUndefined();
  });

  it.each<[string, any, 'key' | 'bucket' | 'topic', RegExp]>([
    [
      'an unconditioned EventBridge grant on a topic',
      { ...grant('events.amazonaws.com'), Action: 'sns:Publish' },
      'topic',
      /grants events.amazonaws.com "sns:Publish" without binding it to this account/,
    ],
    ['an unconditioned CloudTrail bucket grant', grant('cloudtrail.amazonaws.com'), 'bucket', /without binding it to this account/],
    [
      'a source account of "*"',
      grant('cloudtrail.amazonaws.com', { StringEquals: { 'aws:SourceAccount': '*' } }),
      'bucket',
      /without binding it to this account/,
    ],
    [
      'a source ARN with a wildcard account',
      grant('cloudfront.amazonaws.com', { ArnLike: { 'aws:SourceArn': 'arn:aws:cloudfront::*:distribution/*' } }),
      'bucket',
      /without binding it to this account/,
    ],
    [
      'a trail grant bound to the account but to no trail',
      grant('cloudtrail.amazonaws.com', { StringEquals: { 'aws:SourceAccount': ACCOUNT } }),
      'bucket',
      /bound to the account only; expected Condition aws:SourceArn/,
    ],
    [
      'alarms on a topic bound to the account only (the topic policy takes a source ARN)',
      { ...grant('cloudwatch.amazonaws.com', { StringEquals: { 'aws:SourceAccount': ACCOUNT } }), Action: 'sns:Publish' },
      'topic',
      /bound to the account only/,
    ],
    ['log delivery on a key with no condition at all', grant('delivery.logs.amazonaws.com'), 'key', /without binding it to this account/],
    [
      'log delivery on a bucket bound by kms:ViaService alone (only keys are exempt)',
      grant('delivery.logs.amazonaws.com', { StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } }),
      'bucket',
      /without binding it to this account/,
    ],
  ])('rejects %s', (_name, statement, kind, message) => {
    expect(unboundServiceGrant(template, statement, kind)).toMatch(message);
  });
});

describe('the checks that apply it', () => {
  it('ENC-REST fails on a key policy granting a service without source conditions', () => {
    const t = {
      Resources: {
        Key: {
          Type: 'AWS::KMS::Key',
          Properties: { EnableKeyRotation: true, KeyPolicy: { Statement: [{ ...grant('events.amazonaws.com'), Action: 'kms:Decrypt' }] } },
        },
      },
    };
    const result = checkEncRest(t);
    expect(result.status).toBe('fail');
    expect(result.findings[0].message).toMatch(/KeyPolicy Statement\[0\] grants events.amazonaws.com "kms:Decrypt" without binding it/);
  });

  it('STORAGE-PRIVATE fails on a bucket policy granting a service without source conditions', () => {
    const t = {
      Resources: {
        ...template.Resources,
        Policy: {
          Type: 'AWS::S3::BucketPolicy',
          Properties: { Bucket: { Ref: 'LogBucket' }, PolicyDocument: { Statement: [grant('cloudtrail.amazonaws.com')] } },
        },
      },
    };
    expect(
      checkStoragePrivate(t)
        .findings.filter((f) => f.resource === 'Policy')
        .map((f) => f.message),
    ).toEqual([expect.stringMatching(/^Statement\[0\] grants cloudtrail.amazonaws.com/)]);
  });

  it("DETECT-THREATS fails on a topic policy letting any account's rules publish", () => {
    const t = {
      Resources: {
        Policy: {
          Type: 'AWS::SNS::TopicPolicy',
          Properties: { Topics: [], PolicyDocument: { Statement: [{ ...grant('events.amazonaws.com'), Action: 'sns:Publish' }] } },
        },
      },
    };
    expect(checkDetectThreats(t).findings.map((f) => f.message)).toEqual([
      expect.stringMatching(/^Statement\[0\] grants events.amazonaws.com "sns:Publish" without binding it/),
    ]);
  });
});
