import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { AdminRole } from '../lib/aws/admin-role';
import { AppDataAccess } from '../lib/aws/app-data-access';
import type { AppGateway } from '../lib/aws/app-gateway';
import type { AppTier } from '../lib/aws/app-tier';
import { AuditTrail } from '../lib/aws/audit-trail';
import { BaselineBackupPlan } from '../lib/aws/baseline-backup-plan';
import { BucketReplication } from '../lib/aws/bucket-replication';
import { BaselineKeys } from '../lib/aws/baseline-keys';
import type { BaselineNetwork } from '../lib/aws/baseline-network';
import type { BaselineWebAcl } from '../lib/aws/baseline-web-acl';
import { Bastion } from '../lib/aws/bastion';
import { Database } from '../lib/aws/database';
import { SecureBucket } from '../lib/aws/secure-bucket';
import type { SecurityAlerts } from '../lib/aws/security-alerts';
import { StaticAssetsCdn } from '../lib/aws/static-assets-cdn';
import { acknowledgeDecision } from '../lib/policy/acknowledge';
import { acknowledgeAppObjectPrefix, acknowledgeStackFindings } from '../lib/policy/stack-acknowledgements';
import { ServingTier } from '../lib/aws/serving-tier';
import { servingTierProps } from './aws-serving-tier-props';
import { configBucketName, drVaultName, replicaBucketName, replicationRoleName, type ReplicatedBucket } from './aws-dr-stack';
import { RECOVERY_MECHANISMS, type AwsEnvironmentConfig, type BaselineConfig } from '../lib/config/schema';
import { POLICY_FLOORS } from '../lib/config/floors';

/** Output keys of the primary stack, read by the failover runbook (docs/failover.md). */
export const PRIMARY_OUTPUTS = {
  databaseIdentifier: 'DatabaseInstanceIdentifier',
  databaseBackupReplication: 'DatabaseBackupReplicationGuarantee',
  appGroup: 'AppAutoScalingGroupName',
  loadBalancer: 'LoadBalancerDnsName',
  cdnDistributionId: 'CdnDistributionId',
} as const;

/** Identifier of an environment's primary database; fixed so the DR replica can name its source. */
export function databaseIdentifier(prefix: string): string {
  return `${prefix}-db`;
}

/** The database user the app connects as (IAM authentication), in the primary and on the replica. */
export const APP_DATABASE_USER = 'app';

/** Props of {@link AwsPrimaryStack}. */
export interface AwsPrimaryStackProps extends StackProps {
  /** Name prefix, `<project>-<environment>`. */
  readonly prefix: string;
  /** The environment's validated config. */
  readonly config: AwsEnvironmentConfig;
  /** File-wide guardrails (allowlist breadth, RSA size). */
  readonly guardrails: BaselineConfig['guardrails'];
  /** ARN of the CLOUDFRONT web ACL from the edge stack (a cross-region reference). */
  readonly cdnWebAclArn: string;
  /** ARNs of the DR-region keys encrypting each replica (cross-region references). */
  readonly replicaKeyArns: Record<ReplicatedBucket, string>;
  /** ARN of the DR-region key encrypting the replicated automated database backups. */
  readonly backupReplicationKeyArn: string;
  /**
   * ARN of the DR-region key of the environment's AWS Config bucket, when this environment
   * records Config (`aws.accountServices.config` "create").
   */
  readonly configDeliveryKeyArn?: string;
}

/**
 * The primary region of one environment: every control of the AWS topology (docs/design.md "Topology"), wired from
 * the validated config. Constructs carry the controls; this stack only connects them.
 */
export class AwsPrimaryStack extends Stack {
  readonly keys: BaselineKeys;
  readonly network: BaselineNetwork;
  readonly webAcl: BaselineWebAcl;
  readonly gateway: AppGateway;
  readonly appTier: AppTier;
  readonly database: Database;
  readonly bastion: Bastion;
  readonly alerts: SecurityAlerts;
  readonly dataBucket: s3.Bucket;
  readonly assetsBucket: s3.Bucket;
  readonly auditTrail?: AuditTrail;
  readonly backupPlan: BaselineBackupPlan;
  /** What the app instances may do with the data bucket, its key and the database. */
  readonly appDataAccess: AppDataAccess;
  private readonly props: AwsPrimaryStackProps;

  constructor(scope: Construct, id: string, props: AwsPrimaryStackProps) {
    super(scope, id, props);
    this.props = props;
    const { config, prefix } = props;
    const retention = config.logging.retentionDays as logs.RetentionDays;

    this.keys = new BaselineKeys(this, 'Keys', { aliasPrefix: prefix });
    // Log sinks of services that cannot write to KMS-encrypted buckets use SSE-S3 (AES-256).
    const accessLogs = new SecureBucket(this, 'AccessLogs', {
      noncurrentVersionRetentionDays: POLICY_FLOORS.retention.logDays,
      expirationDays: config.logging.retentionDays,
    }).resource;
    // The id `Default` keeps the tier's resources at the logical ids they had as the stack's own
    // children (CDK leaves `Default` out of logical ids): see ServingTier.
    const serving = new ServingTier(this, 'Default', {
      ...servingTierProps(prefix, config, props.guardrails),
      logsKey: this.keys.logs,
      dataKey: this.keys.data,
      serverAccessLogsBucket: accessLogs,
      vpcCidr: config.aws.vpcCidr,
      availabilityZones: config.aws.availabilityZones,
      certificateArn: config.aws.certificateArn,
      minCapacity: config.aws.app.minCapacity,
      maxCapacity: config.aws.app.maxCapacity,
      configDelivery: props.configDeliveryKeyArn
        ? { bucketName: configBucketName(prefix, config.aws.account), keyArn: props.configDeliveryKeyArn }
        : undefined,
    });
    ({ alerts: this.alerts, network: this.network, webAcl: this.webAcl, gateway: this.gateway, appTier: this.appTier } = serving);
    const { albLogs } = serving;
    const vpc = this.network.resource;

    this.dataBucket = new SecureBucket(this, 'DataBucket', {
      encryptionKey: this.keys.data,
      serverAccessLogsBucket: accessLogs,
      noncurrentVersionRetentionDays: config.backup.fileRetentionDays,
    }).resource;
    this.assetsBucket = new SecureBucket(this, 'AssetsBucket', {
      encryptionKey: this.keys.assets,
      serverAccessLogsBucket: accessLogs,
      noncurrentVersionRetentionDays: config.backup.fileRetentionDays,
    }).resource;

    this.database = new Database(this, 'Database', {
      vpc,
      subnets: this.network.dataSubnets,
      appTier: this.appTier,
      dataKey: this.keys.data,
      logsKey: this.keys.logs,
      instanceIdentifier: databaseIdentifier(prefix),
      backupRetentionDays: config.backup.databaseRetentionDays,
      logRetention: retention,
      instanceType: new ec2.InstanceType(config.aws.database.instanceType),
      allocatedStorageGiB: config.aws.database.allocatedStorageGiB,
      maxAllocatedStorageGiB: config.aws.database.maxAllocatedStorageGiB,
      // Point-in-time recovery survives the loss of the region (control DR-REGION).
      backupReplication: { region: config.aws.drRegion, kmsKeyArn: props.backupReplicationKeyArn },
    });
    // The app's access to customer data, from the one definition the DR app role shares.
    this.appDataAccess = new AppDataAccess(this, 'AppDataAccess', {
      role: this.appTier.role,
      bucket: { bucket: this.dataBucket, key: this.keys.data },
      objectPrefix: config.aws.app.dataPrefix,
      database: { resourceId: this.database.resource.instanceResourceId!, user: APP_DATABASE_USER },
    });

    // Every object of the data and assets buckets is copied to the DR region within 15 minutes
    // (Replication Time Control), deletions included, under DR-region keys (control DR-REGION).
    const sources: Record<ReplicatedBucket, [s3.Bucket, typeof this.keys.data]> = {
      data: [this.dataBucket, this.keys.data],
      assets: [this.assetsBucket, this.keys.assets],
    };
    // Lag past the RTC guarantee (or half the RPO, if shorter) pages on-call, as do failed objects:
    // either means a region loss now would lose writes beyond the recovery point.
    const maxReplicationLatencySeconds = Math.min(RECOVERY_MECHANISMS.objectReplicationMinutes * 60, (config.recovery.rpoMinutes * 60) / 2);
    for (const [purpose, [source, sourceKey]] of Object.entries(sources) as [ReplicatedBucket, [s3.Bucket, typeof this.keys.data]][]) {
      const name = purpose === 'data' ? 'Data' : 'Assets';
      const replication = new BucketReplication(this, `${name}Replication`, {
        source,
        sourceKey,
        destinationBucketArn: `arn:${this.partition}:s3:::${replicaBucketName(prefix, purpose, config.aws.account)}`,
        destinationKeyArn: props.replicaKeyArns[purpose],
        destinationRegion: config.aws.drRegion,
        roleName: replicationRoleName(prefix, purpose),
      });
      this.alerts.alarm(`${name}ReplicationLatency`, {
        alarmDescription:
          `Objects of the ${purpose} bucket take longer than ${maxReplicationLatencySeconds} s to reach the DR region: a region ` +
          `loss now would lose writes beyond the recovery point (DR-REGION).`,
        metric: replication.latencyMetric(),
        threshold: maxReplicationLatencySeconds,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      });
      this.alerts.alarm(`${name}ReplicationFailures`, {
        alarmDescription:
          `Objects of the ${purpose} bucket failed to replicate to the DR region: they are missing from the DR copy until ` +
          `re-replicated (DR-REGION).`,
        metric: replication.failedOperationsMetric(),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      });
    }

    // Daily backups of the database and buckets, point-in-time recovery, and copies into the
    // locked vault of the DR region (controls BACKUP and DR-REGION, claims B2 and B10).
    this.backupPlan = new BaselineBackupPlan(this, 'Backup', {
      vaultKey: this.keys.backup,
      databaseRetentionDays: config.backup.databaseRetentionDays,
      fileRetentionDays: config.backup.fileRetentionDays,
      continuousBackupDays: config.backup.databaseRetentionDays,
      drVaultArn: `arn:${this.partition}:backup:${config.aws.drRegion}:${config.aws.account}:backup-vault:${drVaultName(prefix)}`,
      databaseInstances: [this.database.resource],
      buckets: [this.dataBucket, this.assetsBucket],
    });

    this.bastion = new Bastion(this, 'Bastion', {
      vpc,
      subnets: this.network.publicSubnets,
      allowedCidrs: config.bastion.allowedCidrs,
      users: config.bastion.users,
      volumeKey: this.keys.data,
      authLogGroup: serving.hostAuthLogs,
      maxAllowlistPrefix: props.guardrails.maxAllowlistPrefix,
      minRsaBits: props.guardrails.minRsaBits,
      instanceType: new ec2.InstanceType(config.bastion.instanceType),
    });
    this.appTier.allowSshFrom(this.bastion);
    serving.allowHostEgress(this.bastion);

    if (config.aws.accountServices.cloudTrail === 'create') {
      this.auditTrail = new AuditTrail(this, 'AuditTrail', {
        logsKey: this.keys.logs,
        retentionDays: config.logging.auditRetentionDays,
        logGroupRetention: retention,
        serverAccessLogsBucket: accessLogs,
      });
      this.alerts.alarmOnRootUse(this.auditTrail.logGroup);
    }
    new AdminRole(this, 'AdminRole');

    const cdn = new StaticAssetsCdn(this, 'Cdn', {
      assetsBucket: this.assetsBucket,
      certificateArn: config.aws.cdn.certificateArn,
      domainNames: config.aws.cdn.domainNames,
      webAclArn: props.cdnWebAclArn,
      logsKey: this.keys.logs,
      serverAccessLogsBucket: accessLogs,
      logRetentionDays: config.logging.retentionDays,
      // DR-REGION: the assets replica of the DR stack serves when this region's bucket cannot.
      failoverOrigin: { bucketName: replicaBucketName(prefix, 'assets', config.aws.account), region: config.aws.drRegion },
    });
    new CfnOutput(this, PRIMARY_OUTPUTS.cdnDistributionId, {
      value: cdn.resource.distributionId,
      description: 'CloudFront distribution of the static assets: set it as aws.cdn.distributionId so the DR assets replica admits only it',
    });
    new CfnOutput(this, PRIMARY_OUTPUTS.databaseIdentifier, {
      value: databaseIdentifier(prefix),
      description: 'Primary database instance (source of the DR replica)',
    });
    new CfnOutput(this, PRIMARY_OUTPUTS.databaseBackupReplication, {
      value:
        `Automated backups and transaction logs replicated to ${config.aws.drRegion}, ${config.backup.databaseRetentionDays} d ` +
        `of point-in-time recovery there`,
      description: 'Recovery from data corruption even when this region is lost',
    });
    new CfnOutput(this, PRIMARY_OUTPUTS.appGroup, {
      value: this.appTier.resource.autoScalingGroupName,
      description: 'App tier Auto Scaling group',
    });
    new CfnOutput(this, PRIMARY_OUTPUTS.loadBalancer, {
      value: this.gateway.resource.loadBalancerDnsName,
      description: 'Primary load balancer (origin of the primary pool)',
    });
    acknowledgeStackFindings(this, {
      accessLogs,
      albLogs,
      dataBucket: this.dataBucket,
      assetsBucket: this.assetsBucket,
      lockedLogBuckets: [cdn.logBucket, ...(this.auditTrail ? [this.auditTrail.bucket] : [])],
      logRetentionDays: config.logging.retentionDays,
    });
    acknowledgeAppObjectPrefix(this.appDataAccess, this.dataBucket, config.aws.app.dataPrefix);
    // aws-cdk-lib raises the OAC warning on the construct holding the assets key (Keys), so it is
    // acknowledged there; as a warning acknowledgement it stamps nothing onto the data, logs and
    // backup keys, whose policies never name CloudFront (test/stacks/aws-primary-stack.test.ts).
    acknowledgeDecision(this.keys, 'oac-key-policy-wildcard');
  }

  /** The configured zones, so nothing in this stack asks AWS for them at synth. */
  override get availabilityZones(): string[] {
    return [...this.props.config.aws.availabilityZones];
  }
}
