import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { allowConfigDelivery, ConfigRecorder, type ConfigRecorderProps } from '../../lib/aws/config-recorder';

const KEY = 'arn:aws:kms:eu-central-1:111111111111:key/00000000-0000-0000-0000-000000000000';
const env = { account: '111111111111', region: 'eu-west-1' };

// No built-in CloudFormation schema validation (as test/aws/support.ts): the stack tests run it on the real stacks.
const app = () => new App({ builtinCloudFormationValidation: false });

function synth(props: Partial<ConfigRecorderProps> = {}): Template {
  const stack = new Stack(app(), 'Test', { env });
  new ConfigRecorder(stack, 'ConfigRecorder', { deliveryBucketName: 'acme-prod-config-111111111111', deliveryKeyArn: KEY, ...props });
  return Template.fromStack(stack);
}

describe('ConfigRecorder', () => {
  it('records every supported resource type, global IAM included, with the service-linked role', () => {
    synth().hasResourceProperties('AWS::Config::ConfigurationRecorder', {
      Name: 'default',
      RoleARN: {
        'Fn::Join': [
          '',
          ['arn:', { Ref: 'AWS::Partition' }, ':iam::111111111111:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig'],
        ],
      },
      RecordingGroup: { AllSupported: true, IncludeGlobalResourceTypes: true },
    });
  });

  it('delivers daily snapshots and history, encrypted under the given key, once the recorder exists', () => {
    const template = synth();
    template.hasResource('AWS::Config::DeliveryChannel', {
      Properties: {
        Name: 'default',
        S3BucketName: 'acme-prod-config-111111111111',
        S3KmsKeyArn: KEY,
        ConfigSnapshotDeliveryProperties: { DeliveryFrequency: 'TwentyFour_Hours' },
      },
      DependsOn: [Match.stringLikeRegexp('^ConfigRecorder')],
    });
  });

  it('leaves global IAM resources to another region and takes another role and frequency', () => {
    const template = synth({
      includeGlobalResourceTypes: false,
      roleArn: 'arn:aws:iam::111111111111:role/config',
      snapshotFrequency: 'Six_Hours',
    });
    template.hasResourceProperties('AWS::Config::ConfigurationRecorder', {
      RoleARN: 'arn:aws:iam::111111111111:role/config',
      RecordingGroup: { AllSupported: true, IncludeGlobalResourceTypes: false },
    });
    template.hasResourceProperties('AWS::Config::DeliveryChannel', {
      ConfigSnapshotDeliveryProperties: { DeliveryFrequency: 'Six_Hours' },
    });
  });

  it.each<[string, Partial<ConfigRecorderProps>, RegExp]>([
    [
      'a bucket ARN instead of a name',
      { deliveryBucketName: 'arn:aws:s3:::bucket' },
      /deliveryBucketName: received "arn:aws:s3:::bucket"; expected an S3 bucket name/,
    ],
    ['a key alias', { deliveryKeyArn: 'alias/logs' }, /deliveryKeyArn: received "alias\/logs"; expected a KMS key ARN/],
    ['an unknown frequency', { snapshotFrequency: 'Daily' as never }, /snapshotFrequency: received "Daily"/],
  ])('rejects %s', (_what, props, message) => {
    expect(() => synth(props)).toThrow(message);
  });
});

describe('allowConfigDelivery', () => {
  const stack = new Stack(app(), 'Test', { env });
  const key = new kms.Key(stack, 'Key');
  const bucket = new s3.Bucket(stack, 'Bucket', { encryptionKey: key });
  allowConfigDelivery(bucket, key);
  const template = Template.fromStack(stack);

  it('lets AWS Config of this account check the bucket and write its own prefix with the owner in control', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AWSConfigBucketCheck',
            Principal: { Service: 'config.amazonaws.com' },
            Action: ['s3:GetBucketAcl', 's3:ListBucket'],
            Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } },
          }),
          Match.objectLike({
            Sid: 'AWSConfigBucketDelivery',
            Principal: { Service: 'config.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: {
              'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Bucket'), 'Arn'] }, '/AWSLogs/111111111111/Config/*']],
            },
            Condition: { StringEquals: { 'aws:SourceAccount': '111111111111', 's3:x-amz-acl': 'bucket-owner-full-control' } },
          }),
        ]),
      },
    });
  });

  it('lets AWS Config of this account use the key for its deliveries only', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowConfigDelivery',
            Principal: { Service: 'config.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } },
          }),
        ]),
      },
    });
  });
});
