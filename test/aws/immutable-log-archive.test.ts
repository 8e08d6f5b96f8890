import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ImmutableLogArchive, LOG_CLASS_TAG, markLogClass } from '../../lib/aws/immutable-log-archive';
import { LOG_CLASS_TAG as CHECKED_TAG } from '../../lib/controls/aws/logging';

const env = { account: '111111111111', region: 'eu-west-1' };

function build(edit?: (stack: Stack, key: kms.Key, bucket: s3.Bucket) => void) {
  // No built-in CloudFormation schema validation (as test/aws/support.ts): the stack tests run it on the real stacks.
  const stack = new Stack(new App({ builtinCloudFormationValidation: false }), 'Test', { env });
  const key = new kms.Key(stack, 'Key');
  const bucket = new s3.Bucket(stack, 'Bucket', {
    objectLockEnabled: true,
    objectLockDefaultRetention: s3.ObjectLockRetention.compliance(Duration.days(90)),
    versioned: true,
  });
  const archive = new ImmutableLogArchive(stack, 'LogArchive', { bucket, key });
  // Created after the archive: the archive still copies it (it collects marked groups at synth).
  const flows = new logs.LogGroup(stack, 'FlowLogs', { removalPolicy: RemovalPolicy.RETAIN });
  markLogClass(flows, 'network-flow');
  new logs.LogGroup(stack, 'Unmarked', { removalPolicy: RemovalPolicy.RETAIN });
  edit?.(stack, key, bucket);
  return { template: Template.fromStack(stack), archive };
}

describe('markLogClass', () => {
  it('tags the log group with its class, under the tag the LOG-RETENTION check reads', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::Logs::LogGroup', { Tags: [{ Key: 'baseline:log-class', Value: 'network-flow' }] });
    expect(LOG_CLASS_TAG).toBe(CHECKED_TAG);
  });

  it('refuses an imported group and an unknown class', () => {
    const stack = new Stack(new App(), 'Test', { env });
    expect(() => markLogClass(logs.LogGroup.fromLogGroupName(stack, 'Imported', 'x'), 'waf')).toThrow(
      /not a log group created in this app/,
    );
    expect(() => markLogClass(new logs.LogGroup(stack, 'G'), 'app' as never)).toThrow(
      /log class "app"; expected one of network-flow, waf, host-auth/,
    );
  });
});

describe('ImmutableLogArchive', () => {
  const { template } = build();

  it('copies every event of each marked group, and only marked groups, into the stream', () => {
    template.resourceCountIs('AWS::Logs::SubscriptionFilter', 1);
    template.hasResource('AWS::Logs::SubscriptionFilter', {
      Properties: {
        LogGroupName: { Ref: Match.stringLikeRegexp('^FlowLogs') },
        FilterPattern: '',
        DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LogArchive'), 'Arn'] },
        RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LogArchiveSubscriptionRole'), 'Arn'] },
      },
      DependsOn: Match.arrayWith([
        Match.stringLikeRegexp('^LogArchiveSubscriptionRoleDefaultPolicy'),
        Match.stringLikeRegexp('^LogArchiveSubscriptionRole[0-9A-F]+$'),
      ]),
    });
  });

  it('writes into the Object-Locked bucket, every object and the buffer under the key', () => {
    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamType: 'DirectPut',
      DeliveryStreamEncryptionConfigurationInput: {
        KeyType: 'CUSTOMER_MANAGED_CMK',
        KeyARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] },
      },
      ExtendedS3DestinationConfiguration: Match.objectLike({
        BucketARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Bucket'), 'Arn'] },
        Prefix: 'cloudwatch-logs/!{timestamp:yyyy/MM/dd}/',
        ErrorOutputPrefix: 'cloudwatch-logs-errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/',
        BufferingHints: { IntervalInSeconds: 300, SizeInMBs: 5 },
        EncryptionConfiguration: { KMSEncryptionConfig: { AWSKMSKeyARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } } },
      }),
    });
  });

  it('lets only Firehose of this account write, and only the copies prefixes of the bucket', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'firehose.amazonaws.com' },
            Condition: { StringEquals: { 'sts:ExternalId': '111111111111' } },
          }),
        ],
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyName: Match.stringLikeRegexp('^LogArchiveDeliveryRole'),
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'WriteCopies',
            Action: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload'],
            Resource: [
              Match.objectLike({ 'Fn::Join': ['', [Match.anyValue(), '/cloudwatch-logs/*']] }),
              Match.objectLike({ 'Fn::Join': ['', [Match.anyValue(), '/cloudwatch-logs-errors/*']] }),
            ],
          }),
          Match.objectLike({
            Sid: 'EncryptCopies',
            Condition: Match.objectLike({ StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } }),
          }),
        ]),
      },
    });
  });

  it('lets only CloudWatch Logs of this account and region put records into the stream', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'logs.eu-west-1.amazonaws.com' },
            Condition: {
              StringLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:eu-west-1:111111111111:*']] } },
            },
          }),
        ],
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyName: Match.stringLikeRegexp('^LogArchiveSubscriptionRole'),
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Sid: 'PutRecords', Action: ['firehose:PutRecord', 'firehose:PutRecordBatch'] })]),
      },
    });
  });

  it('measures how stale the copy gets, alarming past three buffer intervals', () => {
    const { archive } = build();
    expect(archive.freshness().metricName).toBe('DeliveryToS3.DataFreshness');
    expect(archive.freshnessThresholdSeconds).toBe(900);
  });

  it('rejects a bucket without a COMPLIANCE Object Lock', () => {
    const stack = new Stack(new App(), 'Test', { env });
    const key = new kms.Key(stack, 'Key');
    const governance = new s3.Bucket(stack, 'Governance', {
      objectLockEnabled: true,
      objectLockDefaultRetention: s3.ObjectLockRetention.governance(Duration.days(90)),
    });
    expect(() => new ImmutableLogArchive(stack, 'A', { bucket: new s3.Bucket(stack, 'Plain'), key })).toThrow(
      /without a COMPLIANCE Object Lock default retention/,
    );
    expect(() => new ImmutableLogArchive(stack, 'B', { bucket: governance, key })).toThrow(/without a COMPLIANCE Object Lock/);
  });

  it.each([
    [30, /bufferingIntervalSeconds: received 30; expected 60 to 900/],
    [1000, /received 1000/],
  ])('rejects a buffer interval of %p s', (seconds, message) => {
    expect(() =>
      build((stack, key, bucket) => new ImmutableLogArchive(stack, 'Other', { bucket, key, bufferingIntervalSeconds: seconds })),
    ).toThrow(message);
  });

  it('refuses to archive a log group of another stack', () => {
    const app = new App();
    const a = new Stack(app, 'A', { env });
    const b = new Stack(app, 'B', { env });
    const archive = new ImmutableLogArchive(a, 'LogArchive', {
      bucket: new s3.Bucket(a, 'Bucket', {
        objectLockEnabled: true,
        objectLockDefaultRetention: s3.ObjectLockRetention.compliance(Duration.days(30)),
      }),
      key: new kms.Key(a, 'Key'),
    });
    expect(() => archive.archive(new logs.LogGroup(b, 'Elsewhere'))).toThrow(/expected a log group created in the archive's stack/);
  });
});
