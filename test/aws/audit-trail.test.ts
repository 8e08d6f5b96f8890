import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AuditTrail, type AuditTrailProps } from '../../lib/aws/audit-trail';
import { ENV, getAtt, idSource, ref, resourceOf, testStack } from './support';

const stack = testStack();
const logsKey = new kms.Key(stack, 'LogsKey');
const accessLogs = new s3.Bucket(stack, 'AccessLogs');
const audit = new AuditTrail(stack, 'AuditTrail', {
  logsKey,
  retentionDays: 400,
  logGroupRetention: logs.RetentionDays.THREE_MONTHS,
  serverAccessLogsBucket: accessLogs,
});
const template = Template.fromStack(stack);
const trail = resourceOf(template, audit.resource).Properties;
const bucket = resourceOf(template, audit.bucket);

describe('AuditTrail', () => {
  it('records every region, global service events and all management events', () => {
    expect(trail).toMatchObject({ IsMultiRegionTrail: true, IncludeGlobalServiceEvents: true, IsLogging: true });
    expect(trail.EventSelectors).toEqual([{ IncludeManagementEvents: true, ReadWriteType: 'All' }]);
  });

  it('validates log files (digest files prove nothing was changed or removed)', () => {
    expect(trail.EnableLogFileValidation).toBe(true);
  });

  it('encrypts the trail files under the logs key', () => {
    expect(trail.KMSKeyId).toEqual(getAtt(logsKey, 'Arn'));
  });

  it('lets CloudTrail of this account, and only it, use the logs key for trail files', () => {
    const statements: any[] = resourceOf(template, logsKey).Properties.KeyPolicy.Statement;
    expect(statements).toContainEqual({
      Sid: 'AllowCloudTrailToEncryptTrailFiles',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 'kms:GenerateDataKey*',
      Resource: '*',
      Condition: {
        StringEquals: { 'aws:SourceAccount': ENV.account },
        StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': `arn:aws:cloudtrail:*:${ENV.account}:trail/*` },
        ArnLike: { 'aws:SourceArn': `arn:aws:cloudtrail:*:${ENV.account}:trail/*` },
      },
    });
    expect(statements).toContainEqual({
      Sid: 'AllowCloudTrailToDescribeKey',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 'kms:DescribeKey',
      Resource: '*',
      Condition: {
        StringEquals: { 'aws:SourceAccount': ENV.account },
        ArnLike: { 'aws:SourceArn': `arn:aws:cloudtrail:*:${ENV.account}:trail/*` },
      },
    });
  });

  it('binds the bucket statements CloudTrail writes to the trails of this account', () => {
    const policy = Object.values<any>(template.toJSON().Resources).find(
      (r) => r.Type === 'AWS::S3::BucketPolicy' && r.Properties.Bucket.Ref === ref(audit.bucket).Ref,
    );
    const grants = policy.Properties.PolicyDocument.Statement.filter((s: any) => s.Principal?.Service === 'cloudtrail.amazonaws.com');
    expect(grants.map((s: any) => s.Action).sort()).toEqual(['s3:GetBucketAcl', 's3:PutObject']);
    for (const grant of grants) {
      expect(grant.Condition).toMatchObject({
        StringEquals: { 'aws:SourceAccount': ENV.account },
        ArnLike: { 'aws:SourceArn': `arn:aws:cloudtrail:*:${ENV.account}:trail/*` },
      });
    }
  });

  it('copies the trail to an encrypted, retained CloudWatch log group', () => {
    expect(trail.CloudWatchLogsLogGroupArn).toEqual(getAtt(audit.logGroup, 'Arn'));
    expect(trail.CloudWatchLogsRoleArn).toBeDefined();
    const group = resourceOf(template, audit.logGroup);
    expect(group.Properties).toEqual({ KmsKeyId: getAtt(logsKey, 'Arn'), RetentionInDays: 90 });
    expect(group.DeletionPolicy).toBe('Retain');
  });

  it('writes to its own bucket', () => {
    expect(trail.S3BucketName).toEqual(ref(audit.bucket));
  });

  it('locks every trail file in compliance mode for the retention days', () => {
    expect(bucket.Properties).toMatchObject({
      ObjectLockEnabled: true,
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 400 } } },
    });
  });

  it('keeps the bucket private, versioned, KMS-encrypted, logged and retained', () => {
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: getAtt(logsKey, 'Arn') } },
        ],
      },
      LoggingConfiguration: { DestinationBucketName: ref(accessLogs) },
    });
    expect(bucket.DeletionPolicy).toBe('Retain');
  });

  it('expires trail files and their old versions only once the lock ends', () => {
    expect(bucket.Properties.LifecycleConfiguration.Rules).toEqual([
      expect.objectContaining({ ExpirationInDays: 400, NoncurrentVersionExpiration: { NoncurrentDays: 400 } }),
    ]);
  });

  describe('errors', () => {
    const scratch = testStack('Scratch');
    const key = new kms.Key(scratch, 'Key');
    const logBucket = new s3.Bucket(scratch, 'Logs');
    const id = idSource();
    const make = (over: Partial<AuditTrailProps>) => () =>
      new AuditTrail(scratch, id(), {
        logsKey: key,
        retentionDays: 90,
        logGroupRetention: logs.RetentionDays.ONE_MONTH,
        serverAccessLogsBucket: logBucket,
        ...over,
      });

    it.each([29, 0, 30.5])('fails when retentionDays is %p', (retentionDays) => {
      expect(make({ retentionDays })).toThrow(
        new RegExp(`AuditTrail\\.retentionDays: received ${retentionDays}; expected at least 30 days`),
      );
    });

    it('accepts 30 days', () => {
      expect(make({ retentionDays: 30 })).not.toThrow();
    });
  });
});
