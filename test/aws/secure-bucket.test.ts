import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { SecureBucket, type SecureBucketProps } from '../../lib/aws/secure-bucket';
import { getAtt, idSource, ref, resourceOf, resourcesOfType, testStack } from './support';

const stack = testStack();
const key = new kms.Key(stack, 'Key');
const accessLogs = new SecureBucket(stack, 'AccessLogs', { noncurrentVersionRetentionDays: 30, expirationDays: 90 });
const data = new SecureBucket(stack, 'Data', {
  encryptionKey: key,
  serverAccessLogsBucket: accessLogs.resource,
  noncurrentVersionRetentionDays: 90,
});
const prefixed = new SecureBucket(stack, 'Prefixed', {
  encryptionKey: key,
  serverAccessLogsBucket: accessLogs.resource,
  serverAccessLogsPrefix: 'custom/',
  noncurrentVersionRetentionDays: 90,
});
const locked = new SecureBucket(stack, 'Locked', {
  encryptionKey: key,
  serverAccessLogsBucket: accessLogs.resource,
  noncurrentVersionRetentionDays: 180,
  expirationDays: 180,
  objectLockRetention: s3.ObjectLockRetention.compliance(Duration.days(180)),
});
const acls = new SecureBucket(stack, 'CdnLogs', {
  encryptionKey: key,
  noncurrentVersionRetentionDays: 30,
  objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
});
const template = Template.fromStack(stack);
const ALL = [accessLogs, data, prefixed, locked, acls];

const bucketOf = (b: SecureBucket) => resourceOf(template, b.resource);
const policyOf = (b: SecureBucket): any[] => {
  const policies = resourcesOfType(template, 'AWS::S3::BucketPolicy').filter(([, p]) => p.Properties.Bucket.Ref === ref(b.resource).Ref);
  expect(policies).toHaveLength(1);
  return policies[0][1].Properties.PolicyDocument.Statement;
};

describe('SecureBucket', () => {
  it.each(ALL.map((b) => [b.node.id, b] as const))('blocks every kind of public access on %s', (_name, b) => {
    expect(bucketOf(b).Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
  });

  it('disables ACLs (bucket owner enforced) by default', () => {
    for (const b of [accessLogs, data, prefixed, locked]) {
      expect(bucketOf(b).Properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    }
  });

  it('keeps ACLs only when asked for (CloudFront standard logs), still blocking public access', () => {
    expect(bucketOf(acls).Properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] });
  });

  it('encrypts with the KMS key and an S3 bucket key when a key is given', () => {
    expect(bucketOf(data).Properties.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [
        { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: getAtt(key, 'Arn') } },
      ],
    });
  });

  it('falls back to SSE-S3 (AES-256) without a key', () => {
    expect(bucketOf(accessLogs).Properties.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
  });

  it.each(ALL.map((b) => [b.node.id, b] as const))('versions %s', (_name, b) => {
    expect(bucketOf(b).Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
  });

  it('expires noncurrent versions after the given days and current objects only when asked', () => {
    expect(bucketOf(data).Properties.LifecycleConfiguration).toEqual({
      Rules: [
        {
          Id: 'noncurrent-versions',
          Status: 'Enabled',
          NoncurrentVersionExpiration: { NoncurrentDays: 90 },
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
        },
      ],
    });
    expect(bucketOf(accessLogs).Properties.LifecycleConfiguration.Rules[0]).toMatchObject({
      NoncurrentVersionExpiration: { NoncurrentDays: 30 },
      ExpirationInDays: 90,
    });
  });

  it.each(ALL.map((b) => [b.node.id, b] as const))('denies non-TLS and pre-1.2 TLS requests on %s', (_name, b) => {
    const resources = [getAtt(b.resource, 'Arn'), { 'Fn::Join': ['', [getAtt(b.resource, 'Arn'), '/*']] }];
    const statements = policyOf(b);
    expect(statements).toContainEqual({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:*',
      Resource: resources,
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
    expect(statements).toContainEqual({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:*',
      Resource: resources,
      Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
    });
  });

  it.each(ALL.map((b) => [b.node.id, b] as const))('retains %s when the stack is deleted', (_name, b) => {
    expect(bucketOf(b).DeletionPolicy).toBe('Retain');
    expect(bucketOf(b).UpdateReplacePolicy).toBe('Retain');
  });

  it.each(ALL.map((b) => [b.node.id, b] as const))('sends the object events of %s to EventBridge', (_name, b) => {
    expect(bucketOf(b).Properties.NotificationConfiguration).toEqual({ EventBridgeConfiguration: { EventBridgeEnabled: true } });
  });

  it('logs server access to the log bucket, under the construct path by default', () => {
    expect(bucketOf(data).Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: ref(accessLogs.resource),
      LogFilePrefix: 'Test/Data/',
    });
    expect(bucketOf(prefixed).Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: ref(accessLogs.resource),
      LogFilePrefix: 'custom/',
    });
    expect(bucketOf(accessLogs).Properties.LoggingConfiguration).toBeUndefined();
  });

  it('locks objects in compliance mode for the retention days when asked', () => {
    expect(bucketOf(locked).Properties).toMatchObject({
      ObjectLockEnabled: true,
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 180 } } },
    });
    expect(bucketOf(data).Properties.ObjectLockEnabled).toBeUndefined();
    expect(bucketOf(data).Properties.ObjectLockConfiguration).toBeUndefined();
  });

  describe('errors', () => {
    const scratch = testStack('Scratch');
    const id = idSource();
    const make = (props: SecureBucketProps) => () => new SecureBucket(scratch, id(), props);

    it.each([0, -1, 1.5])('fails when noncurrentVersionRetentionDays is %p', (days) => {
      expect(make({ noncurrentVersionRetentionDays: days })).toThrow(
        new RegExp(`SecureBucket\\.noncurrentVersionRetentionDays: received ${days}; expected a positive number of days`),
      );
    });

    it('fails when objects would expire before their Object Lock retention ends', () => {
      expect(
        make({
          noncurrentVersionRetentionDays: 30,
          expirationDays: 29,
          objectLockRetention: s3.ObjectLockRetention.compliance(Duration.days(30)),
        }),
      ).toThrow(/SecureBucket\.expirationDays: received 29; expected at least the Object Lock retention \(30 days\)/);
    });
  });
});
