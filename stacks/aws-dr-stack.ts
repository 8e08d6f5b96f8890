import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { BaselineBackupPlan, type LockedBackupVault } from '../lib/aws/backup-plan';
import { BaselineKeys } from '../lib/aws/baseline-keys';
import { ReplicaBucket } from '../lib/aws/bucket-replication';
import { SecureBucket } from '../lib/aws/secure-bucket';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { AwsEnvironmentConfig } from '../lib/config/schema';
import { acknowledgeGeneratedResources, acknowledgeLogSink } from './aws-acknowledgements';

/** Props of {@link AwsDrStack}. */
export interface AwsDrStackProps extends StackProps {
  /** Name prefix, `<project>-<environment>`. */
  readonly prefix: string;
  /** The environment's validated config. */
  readonly config: AwsEnvironmentConfig;
}

/** The buckets replicated to the DR region, by purpose. */
export const REPLICATED_BUCKETS = ['data', 'assets'] as const;
/** The purpose of a replicated bucket. */
export type ReplicatedBucket = (typeof REPLICATED_BUCKETS)[number];

/**
 * Names fixed so each side can address the other without a reference cycle: the DR bucket's
 * policy names the primary's replication role, and the primary's rule names the DR bucket.
 */
export function replicaBucketName(prefix: string, purpose: ReplicatedBucket, account: string): string {
  return `${prefix}-${purpose}-dr-${account}`;
}
/** Name of the replication role of one primary bucket. */
export function replicationRoleName(prefix: string, purpose: ReplicatedBucket): string {
  return `${prefix}-${purpose}-replication`;
}

/** Name of an environment's DR backup vault; fixed so the primary stack can address it. */
export function drVaultName(prefix: string): string {
  return `${prefix}-dr`;
}

/**
 * The disaster-recovery region of one environment (`aws.drRegion`, control DR-REGION): its own
 * customer-managed keys, so copies are encrypted under DR-region keys and survive the loss of
 * the primary region, and a locked backup vault that receives the primary's daily copies.
 * Replica buckets, the database replica and the warm standby build on this stack (issue 3).
 */
export class AwsDrStack extends Stack {
  /** Keys of the DR region; replicas and copies are encrypted under these, not primary keys. */
  readonly keys: BaselineKeys;
  /** The locked vault receiving copies of the primary's backups. */
  readonly backupVault: LockedBackupVault;
  /** The replica of each replicated primary bucket. */
  readonly replicas: Record<ReplicatedBucket, s3.Bucket>;

  constructor(scope: Construct, id: string, props: AwsDrStackProps) {
    super(scope, id, props);
    const { config, prefix } = props;
    this.keys = new BaselineKeys(this, 'Keys', { aliasPrefix: prefix });
    this.backupVault = BaselineBackupPlan.drVault(this, 'BackupVault', {
      vaultKey: this.keys.backup,
      backupVaultName: drVaultName(prefix),
      databaseRetentionDays: config.backup.databaseRetentionDays,
      fileRetentionDays: config.backup.fileRetentionDays,
    });
    // Replicas hold customer data, so they are logged like the primary buckets.
    const accessLogs = new SecureBucket(this, 'AccessLogs', {
      noncurrentVersionRetentionDays: 30,
      expirationDays: config.logging.retentionDays,
    }).bucket;
    acknowledgeLogSink(accessLogs);
    const keyOf: Record<ReplicatedBucket, typeof this.keys.data> = { data: this.keys.data, assets: this.keys.assets };
    this.replicas = Object.fromEntries(
      REPLICATED_BUCKETS.map((purpose) => [
        purpose,
        new ReplicaBucket(this, purpose === 'data' ? 'DataReplica' : 'AssetsReplica', {
          encryptionKey: keyOf[purpose],
          bucketName: replicaBucketName(prefix, purpose, config.aws.account),
          replicationRoleArn: `arn:${this.partition}:iam::${config.aws.account}:role/${replicationRoleName(prefix, purpose)}`,
          noncurrentVersionRetentionDays: config.backup.fileRetentionDays,
          serverAccessLogsBucket: accessLogs,
        }).bucket,
      ]),
    ) as Record<ReplicatedBucket, s3.Bucket>;
    acknowledgeGeneratedResources(this, config.logging.retentionDays);
  }
}
