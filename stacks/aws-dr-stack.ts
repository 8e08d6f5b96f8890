import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import { AppDataAccess } from '../lib/aws/app-data-access';
import { BaselineBackupPlan } from '../lib/aws/baseline-backup-plan';
import type { LockedBackupVault } from '../lib/aws/locked-backup-vault';
import { BaselineKeys } from '../lib/aws/baseline-keys';
import { Bastion } from '../lib/aws/bastion';
import { acknowledgeDecision } from '../lib/policy/acknowledge';
import { allowConfigDelivery } from '../lib/aws/config-recorder';
import { ReplicaBucket } from '../lib/aws/replica-bucket';
import { SecureBucket } from '../lib/aws/secure-bucket';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { AwsEnvironmentConfig, BaselineConfig } from '../lib/config/schema';
import { POLICY_FLOORS } from '../lib/config/floors';
import { RECOVERY_MECHANISMS } from '../lib/config/schema';
import {
  acknowledgeAppObjectPrefix,
  acknowledgeGeneratedResources,
  acknowledgeLogSink,
  acknowledgeSseS3Sink,
} from '../lib/policy/stack-acknowledgements';
import { ServingTier } from '../lib/aws/serving-tier';
import { servingTierProps } from './aws-serving-tier-props';

/** Props of {@link AwsDrStack}. */
export interface AwsDrStackProps extends StackProps {
  /** Name prefix, `<project>-<environment>`. */
  readonly prefix: string;
  /** The environment's validated config. */
  readonly config: AwsEnvironmentConfig;
  /** File-wide guardrails (allowlist breadth, RSA size) the DR bastion enforces like the primary's. */
  readonly guardrails: BaselineConfig['guardrails'];
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

/**
 * Name of an environment's AWS Config bucket (in the DR region, receiving both regions'
 * configuration history); fixed so the primary stack's delivery channel can name it.
 */
export function configBucketName(prefix: string, account: string): string {
  return `${prefix}-config-${account}`;
}

/** Name of an environment's DR backup vault; fixed so the primary stack can address it. */
export function drVaultName(prefix: string): string {
  return `${prefix}-dr`;
}

/** Output keys of the DR stack, read by the failover runbook (docs/failover.md). */
export const DR_OUTPUTS = {
  recoveryObjectives: 'RecoveryObjectives',
  objectReplication: 'ObjectReplicationGuarantee',
  backupCopies: 'BackupCopyGuarantee',
  standbyGroup: 'StandbyAutoScalingGroupName',
  standbyMaxCapacity: 'StandbyMaxCapacity',
  standbyLoadBalancer: 'StandbyLoadBalancerDnsName',
  backupVault: 'BackupVaultName',
  dataReplicaBucket: 'DataReplicaBucketName',
  assetsReplicaBucket: 'AssetsReplicaBucketName',
  bastionAddress: 'BastionPublicIp',
} as const;

/**
 * The disaster-recovery region of one environment (`aws.drRegion`, control DR-REGION): its own
 * customer-managed keys, so copies are encrypted under DR-region keys and survive the loss of
 * the primary region; a locked backup vault receiving the primary's daily copies; replicas of
 * the primary's buckets; and a warm standby (network, web ACL with the same rules, load
 * balancer, app tier at 0-1 instances, alarms, regional threat detection), so failover is
 * scaling out and promoting the database replica, not building infrastructure. Its outputs
 * state what each mechanism guarantees; the runbook reads them.
 */
export class AwsDrStack extends Stack {
  /** Keys of the DR region; replicas and copies are encrypted under these, not primary keys. */
  readonly keys: BaselineKeys;
  /** The locked vault receiving copies of the primary's backups. */
  readonly backupVault: LockedBackupVault;
  /** The replica of each replicated primary bucket. */
  readonly replicas: Record<ReplicatedBucket, s3.Bucket>;
  /** The warm standby's network, web ACL, load balancer, app tier and alerts. */
  readonly standby: ServingTier;
  /** What the standby app instances may do with the data replica and its key. */
  readonly appDataAccess: AppDataAccess;
  /** The DR region's bastion: the same allowlist and per-person keys as the primary's. */
  readonly bastion: Bastion;
  /** The environment's AWS Config bucket, when this stack records Config. */
  readonly configBucket?: s3.Bucket;
  private readonly zones: readonly string[];

  constructor(scope: Construct, id: string, props: AwsDrStackProps) {
    super(scope, id, props);
    const { config, prefix } = props;
    this.zones = config.aws.dr.availabilityZones;
    this.keys = new BaselineKeys(this, 'Keys', { aliasPrefix: prefix });
    this.backupVault = BaselineBackupPlan.drVault(this, 'BackupVault', {
      vaultKey: this.keys.backup,
      backupVaultName: drVaultName(prefix),
      databaseRetentionDays: config.backup.databaseRetentionDays,
      fileRetentionDays: config.backup.fileRetentionDays,
    });
    // Replicas hold customer data, so they are logged like the primary buckets.
    const accessLogs = new SecureBucket(this, 'AccessLogs', {
      noncurrentVersionRetentionDays: POLICY_FLOORS.retention.logDays,
      expirationDays: config.logging.retentionDays,
    }).resource;
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
          // DR-REGION: the assets replica is the CDN's failover origin, read by that one distribution.
          cloudFrontSourceArn:
            purpose === 'assets'
              ? `arn:${this.partition}:cloudfront::${config.aws.account}:distribution/${config.aws.cdn.distributionId ?? '*'}`
              : undefined,
        }).resource,
      ]),
    ) as Record<ReplicatedBucket, s3.Bucket>;

    // DETECT-THREATS: both regions' AWS Config recorders deliver here (Config delivers across
    // regions), so the primary region's history also survives its loss.
    if (config.aws.accountServices.config === 'create') {
      this.configBucket = new SecureBucket(this, 'ConfigHistory', {
        encryptionKey: this.keys.logs,
        serverAccessLogsBucket: accessLogs,
        noncurrentVersionRetentionDays: config.logging.auditRetentionDays,
        expirationDays: config.logging.auditRetentionDays,
      }).resource;
      const resource = this.configBucket.node.defaultChild as s3.CfnBucket;
      resource.bucketName = configBucketName(prefix, config.aws.account);
      allowConfigDelivery(this.configBucket, this.keys.logs);
      acknowledgeDecision(resource, 'config-history-without-object-lock');
      acknowledgeDecision(resource, 'config-history-not-replicated');
    }

    // The id `Default` keeps the tier's resources at the logical ids they had as the stack's own
    // children (CDK leaves `Default` out of logical ids): see ServingTier.
    this.standby = new ServingTier(this, 'Default', {
      ...servingTierProps(prefix, config, props.guardrails),
      logsKey: this.keys.logs,
      dataKey: this.keys.data,
      serverAccessLogsBucket: accessLogs,
      vpcCidr: config.aws.dr.vpcCidr,
      availabilityZones: config.aws.dr.availabilityZones,
      certificateArn: config.aws.dr.certificateArn,
      minCapacity: config.aws.dr.app.minCapacity,
      maxCapacity: config.aws.dr.app.maxCapacity,
      standby: true,
      configDelivery: this.configBucket
        ? { bucketName: configBucketName(prefix, config.aws.account), keyArn: this.keys.logs.keyArn }
        : undefined,
    });
    acknowledgeSseS3Sink(this.standby.albLogs);
    // After a failover the standby reads and writes the replicas exactly as the primary app did
    // its buckets: the same definition, on the DR bucket and the DR key (control DR-REGION).
    this.appDataAccess = new AppDataAccess(this, 'AppDataAccess', {
      role: this.standby.appTier.role,
      bucket: { bucket: this.replicas.data, key: this.keys.data },
      objectPrefix: config.aws.app.dataPrefix,
    });
    acknowledgeAppObjectPrefix(this.appDataAccess, this.replicas.data, config.aws.app.dataPrefix);

    // BASTION-SSH, DR-REGION: after a failover, admins reach the standby hosts through a bastion
    // of this region, behind the same allowlist with the same per-person keys; its logins are
    // archived like the primary's (LOG-RETENTION).
    this.bastion = new Bastion(this, 'Bastion', {
      vpc: this.standby.network.resource,
      subnets: this.standby.network.publicSubnets,
      allowedCidrs: config.bastion.allowedCidrs,
      users: config.bastion.users,
      volumeKey: this.keys.data,
      authLogGroup: this.standby.hostAuthLogs,
      maxAllowlistPrefix: props.guardrails.maxAllowlistPrefix,
      minRsaBits: props.guardrails.minRsaBits,
      instanceType: new ec2.InstanceType(config.bastion.instanceType),
    });
    this.standby.appTier.allowSshFrom(this.bastion);
    this.standby.allowHostEgress(this.bastion);

    // What each mechanism guarantees (control DR-REGION), as outputs the runbook reads.
    const output = (id: string, value: string, description: string) => new CfnOutput(this, id, { value, description });
    output(
      DR_OUTPUTS.recoveryObjectives,
      `RPO ${config.recovery.rpoMinutes} min, RTO ${config.recovery.rtoMinutes} min`,
      'Recovery objectives of this environment (config recovery), checked at synth against the mechanisms below',
    );
    output(
      DR_OUTPUTS.objectReplication,
      `S3 Replication Time Control: objects and delete markers in ${config.aws.drRegion} within ` +
        `${RECOVERY_MECHANISMS.objectReplicationMinutes} min`,
      'Worst-case object loss on a region failure',
    );
    output(
      DR_OUTPUTS.backupCopies,
      `Daily AWS Backup copies into vault ${drVaultName(prefix)} (locked): database ${config.backup.databaseRetentionDays} d, ` +
        `files ${config.backup.fileRetentionDays} d`,
      'Recovery from data corruption or deletion',
    );
    output(
      DR_OUTPUTS.standbyGroup,
      this.standby.appTier.resource.autoScalingGroupName,
      'Warm-standby Auto Scaling group: scale it out at failover',
    );
    output(
      DR_OUTPUTS.standbyMaxCapacity,
      String(config.aws.dr.app.maxCapacity),
      'Largest size of the standby app tier (aws.dr.app.maxCapacity)',
    );
    output(
      DR_OUTPUTS.standbyLoadBalancer,
      this.standby.gateway.resource.loadBalancerDnsName,
      'Standby load balancer: point DNS (or the Cloudflare DR pool) here at failover',
    );
    output(DR_OUTPUTS.backupVault, this.backupVault.resource.backupVaultName, "Locked vault holding the primary region's backup copies");
    output(DR_OUTPUTS.dataReplicaBucket, this.replicas.data.bucketName, 'Replica of the data bucket');
    output(DR_OUTPUTS.assetsReplicaBucket, this.replicas.assets.bucketName, 'Replica of the static-assets bucket');
    output(
      DR_OUTPUTS.bastionAddress,
      this.bastion.resource.instancePublicIp,
      'Bastion of the DR region: SSH to the standby hosts through it after a failover',
    );
    acknowledgeGeneratedResources(this, config.logging.retentionDays);
  }

  /** The configured DR zones, so nothing in this stack asks AWS for them at synth. */
  override get availabilityZones(): string[] {
    return [...this.zones];
  }
}
