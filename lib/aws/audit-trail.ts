import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { POLICY_FLOORS } from '../config/floors';
import { bindServicePrincipals, sourceConditions } from './service-principal-binding';
import { SecureBucket } from './secure-bucket';

/** Props of {@link AuditTrail}. */
export interface AuditTrailProps {
  /** Key encrypting the trail's files and log group. */
  readonly logsKey: kms.IKey;
  /** Days trail files are locked (Object Lock, compliance mode) and then kept (at least the log retention floor, 30). */
  readonly retentionDays: number;
  /** Days the CloudWatch copy of the trail is kept. */
  readonly logGroupRetention: logs.RetentionDays;
  /** Bucket receiving the trail bucket's own server access logs. */
  readonly serverAccessLogsBucket: s3.IBucket;
}

/**
 * The tamper-evident audit trail (controls LOG-CENTRAL and LOG-RETENTION; claims A4, A6, A16, B6):
 * a multi-region CloudTrail with global service events and log-file validation (digest files
 * prove no file was altered or removed), encrypted under the logs key, written to a bucket whose
 * Object Lock in compliance mode keeps every file unchangeable for the retention period, and
 * copied to CloudWatch Logs for alarms such as root-account use.
 */
export class AuditTrail extends Construct {
  /** The trail. */
  readonly resource: cloudtrail.Trail;
  /** The CloudWatch copy of the trail. */
  readonly logGroup: logs.LogGroup;
  /** The Object-Locked bucket of trail files. */
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: AuditTrailProps) {
    super(scope, id);
    if (!Number.isInteger(props.retentionDays) || props.retentionDays < POLICY_FLOORS.retention.logDays) {
      throw new Error(
        `AuditTrail.retentionDays: received ${props.retentionDays}; expected at least ${POLICY_FLOORS.retention.logDays} days ` +
          `(claim B6: logs kept at least one month)`,
      );
    }
    // CloudTrail is not a principal of this account, so only the key policy can let it encrypt the
    // trail files; CDK's Trail adds nothing (aws/aws-cdk#3822) and CreateTrail would fail with
    // InsufficientEncryptionPolicyException. Limited to trails of this account.
    const stack = Stack.of(this);
    const cloudTrailService = new iam.ServicePrincipal('cloudtrail.amazonaws.com');
    // The trail's own ARN would make a cycle (the trail waits for these policies), so the
    // binding is every trail of this account: another account's trail cannot use the grants.
    const trailsOfThisAccount = `arn:${stack.partition}:cloudtrail:*:${stack.account}:trail/*`;
    props.logsKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudTrailToEncryptTrailFiles',
        principals: [cloudTrailService],
        actions: ['kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': trailsOfThisAccount },
          ArnLike: { 'aws:SourceArn': trailsOfThisAccount },
        },
      }),
    );
    props.logsKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudTrailToDescribeKey',
        principals: [cloudTrailService],
        actions: ['kms:DescribeKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account }, ArnLike: { 'aws:SourceArn': trailsOfThisAccount } },
      }),
    );
    this.bucket = new SecureBucket(this, 'Bucket', {
      encryptionKey: props.logsKey,
      serverAccessLogsBucket: props.serverAccessLogsBucket,
      noncurrentVersionRetentionDays: props.retentionDays,
      expirationDays: props.retentionDays,
      objectLockRetention: s3.ObjectLockRetention.compliance(Duration.days(props.retentionDays)),
    }).resource;
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      encryptionKey: props.logsKey,
      retention: props.logGroupRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.resource = new cloudtrail.Trail(this, 'Resource', {
      bucket: this.bucket,
      encryptionKey: props.logsKey,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableFileValidation: true,
      sendToCloudWatchLogs: true,
      cloudWatchLogGroup: this.logGroup,
      managementEvents: cloudtrail.ReadWriteType.ALL,
    });
    // cloudtrail.Trail writes its bucket statements without source conditions.
    bindServicePrincipals(this.bucket.policy!, { 'cloudtrail.amazonaws.com': sourceConditions(this, trailsOfThisAccount) });
  }
}
