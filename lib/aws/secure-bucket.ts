import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { POLICY_FLOORS } from '../config/floors';
import { namePath } from './name-path';

/** Props of {@link SecureBucket}. */
export interface SecureBucketProps {
  /**
   * KMS key for SSE-KMS (control ENC-REST). Omit only for log sinks of services that cannot write
   * to KMS-encrypted buckets (ALB and S3 server access logs), which then use SSE-S3 (AES-256).
   * @default - SSE-S3 (AES-256), for log sinks only
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Bucket receiving this bucket's server access logs.
   * @default - no access logging (only for the access-log sink itself)
   */
  readonly serverAccessLogsBucket?: s3.IBucket;
  /** Prefix of the access logs in the log bucket. @default - the construct path, without `Default` ids (namePath) */
  readonly serverAccessLogsPrefix?: string;
  /** Days a noncurrent object version is kept before it expires (control BACKUP). */
  readonly noncurrentVersionRetentionDays: number;
  /**
   * Days after which current objects expire; for log buckets.
   * @default - objects never expire
   */
  readonly expirationDays?: number;
  /**
   * Object ownership. Only CloudFront's standard-logging bucket needs ACLs
   * (`BUCKET_OWNER_PREFERRED`); every other bucket keeps ACLs disabled.
   * @default BUCKET_OWNER_ENFORCED
   */
  readonly objectOwnership?: s3.ObjectOwnership;
  /**
   * Object Lock default retention (tamper-evident logs, control LOG-RETENTION).
   * @default - no Object Lock
   */
  readonly objectLockRetention?: s3.ObjectLockRetention;
}

/**
 * An S3 bucket that cannot be made public by mistake (controls STORAGE-PRIVATE, ENC-REST,
 * ENC-TRANSIT, BACKUP; claims A8, B2, B3): all public access blocked, ACLs disabled, TLS 1.2+
 * required by bucket policy, versioned with noncurrent versions kept for the backup window,
 * server access logs, and retained when the stack is deleted.
 */
export class SecureBucket extends Construct {
  /** The bucket. */
  readonly resource: s3.Bucket;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    if (!Number.isInteger(props.noncurrentVersionRetentionDays) || props.noncurrentVersionRetentionDays < 1) {
      throw new Error(
        `SecureBucket.noncurrentVersionRetentionDays: received ${props.noncurrentVersionRetentionDays}; expected a positive number of days`,
      );
    }
    if (
      props.expirationDays !== undefined &&
      props.objectLockRetention !== undefined &&
      props.expirationDays < props.objectLockRetention.duration.toDays()
    ) {
      throw new Error(
        `SecureBucket.expirationDays: received ${props.expirationDays}; expected at least the Object Lock retention ` +
          `(${props.objectLockRetention.duration.toDays()} days)`,
      );
    }
    this.resource = new s3.Bucket(this, 'Resource', {
      encryption: props.encryptionKey ? s3.BucketEncryption.KMS : s3.BucketEncryption.S3_MANAGED,
      encryptionKey: props.encryptionKey,
      bucketKeyEnabled: props.encryptionKey ? true : undefined,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: props.objectOwnership ?? s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: Number(POLICY_FLOORS.tls.minVersion),
      versioned: true,
      serverAccessLogsBucket: props.serverAccessLogsBucket,
      serverAccessLogsPrefix: props.serverAccessLogsBucket ? (props.serverAccessLogsPrefix ?? `${namePath(this)}/`) : undefined,
      objectLockEnabled: props.objectLockRetention ? true : undefined,
      objectLockDefaultRetention: props.objectLockRetention,
      lifecycleRules: [
        {
          id: 'noncurrent-versions',
          noncurrentVersionExpiration: Duration.days(props.noncurrentVersionRetentionDays),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
          expiration: props.expirationDays ? Duration.days(props.expirationDays) : undefined,
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Object-level events go to EventBridge (CT.S3.PR.4), so deletions and overwrites can be
    // detected and alerted on without a notification Lambda.
    (this.resource.node.defaultChild as s3.CfnBucket).notificationConfiguration = {
      eventBridgeConfiguration: { eventBridgeEnabled: true },
    };
  }
}
