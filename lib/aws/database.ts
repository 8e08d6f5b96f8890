import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { POLICY_FLOORS } from '../config/floors';
import { acknowledgeDecision } from '../policy/acknowledge';
import { allowTraffic } from './allow-traffic';

/** Props of {@link Database}. */
export interface DatabaseProps {
  /** VPC of the database. */
  readonly vpc: ec2.IVpc;
  /** Isolated data subnets (no route to the internet), in at least two zones. */
  readonly subnets: ec2.SubnetSelection;
  /** The app tier (its security groups): the only source admitted on 5432 (control DB-FROM-APP). */
  readonly appTier: ec2.IConnectable;
  /** Key encrypting storage, snapshots, Performance Insights, logs and the master secret. */
  readonly dataKey: kms.IKey;
  /** Key encrypting the exported PostgreSQL log groups. */
  readonly logsKey: kms.IKey;
  /** Instance identifier; fixed so the log groups can be created (and retained) up front. */
  readonly instanceIdentifier: string;
  /** Days of point-in-time recovery, 30 to 35 (claim B10). */
  readonly backupRetentionDays: number;
  /** Days the exported database logs are kept. */
  readonly logRetention: logs.RetentionDays;
  /** @default t4g.medium */
  readonly instanceType?: ec2.InstanceType;
  /** @default 50 */
  readonly allocatedStorageGiB?: number;
  /** Storage autoscaling ceiling. @default 200 */
  readonly maxAllocatedStorageGiB?: number;
  /** @default PostgreSQL 17.6 */
  readonly engineVersion?: rds.PostgresEngineVersion;
  /**
   * Standby in a second zone with automatic failover (control HA-MULTIZONE).
   * @default true
   */
  readonly multiAz?: boolean;
  /**
   * Replicates the automated backups and transaction logs to another region (control
   * DR-REGION), so point-in-time recovery stays possible after a data-corruption event even
   * when this region is lost. The copies are kept for `backupRetentionDays`, encrypted under
   * `kmsKeyArn`, a key of that region.
   * @default - automated backups stay in this region
   */
  readonly backupReplication?: DatabaseBackupReplication;
}

/** Cross-region replication of a database's automated backups. */
export interface DatabaseBackupReplication {
  /** Region receiving the backups; must differ from the database's region. */
  readonly region: string;
  /** ARN of the KMS key, in `region`, encrypting the replicated backups. */
  readonly kmsKeyArn: string;
}

/** Log types PostgreSQL exports to CloudWatch Logs. */
export const EXPORTED_LOGS = ['postgresql', 'upgrade'] as const;

/**
 * Server parameters of the primary and of its replicas: TLS 1.2+ forced on every connection
 * (ENC-TRANSIT) and connections logged (LOG-CENTRAL). A promoted replica keeps them.
 */
export const DATABASE_PARAMETERS: Readonly<Record<string, string>> = {
  'rds.force_ssl': '1',
  'ssl_min_protocol_version': `TLSv${POLICY_FLOORS.tls.minVersion}`,
  'log_connections': '1',
  'log_disconnections': '1',
};

/**
 * The PostgreSQL database (controls DB-FROM-APP, ENC-REST, ENC-TRANSIT, BACKUP, SECRETS; claims
 * A8, A10, A12, B3, B10): RDS Multi-AZ in the isolated subnets, never publicly accessible,
 * admitting 5432 only from the app tier's security group, TLS forced (`rds.force_ssl`),
 * IAM authentication, encrypted under the data key, point-in-time recovery for the configured
 * days, deletion protection and a final snapshot. The master password is generated and rotated
 * by RDS in Secrets Manager under the data key, so no secret appears in source or synth output.
 */
export class Database extends Construct implements ec2.IConnectable {
  /** The database instance. */
  readonly resource: rds.DatabaseInstance;
  /** Security group of the database. */
  readonly securityGroup: ec2.SecurityGroup;
  /** The database's security group, with PostgreSQL's port as default port. */
  readonly connections: ec2.Connections;
  /** Log groups of the exported database logs, by log type. */
  readonly logGroups: Record<string, logs.LogGroup> = {};

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    const { databaseBackupDays: floor, databaseBackupMaxDays: ceiling } = POLICY_FLOORS.retention;
    if (!Number.isInteger(props.backupRetentionDays) || props.backupRetentionDays < floor || props.backupRetentionDays > ceiling) {
      throw new Error(
        `Database.backupRetentionDays: received ${props.backupRetentionDays}; expected ${floor} to ${ceiling} (claim B10 ` +
          `keeps ${floor} days of PITR; RDS keeps at most ${ceiling})`,
      );
    }
    if (
      !/^[a-z][a-z0-9-]{0,62}$/.test(props.instanceIdentifier) ||
      props.instanceIdentifier.endsWith('-') ||
      props.instanceIdentifier.includes('--')
    ) {
      throw new Error(
        `Database.instanceIdentifier: received "${props.instanceIdentifier}"; expected 1-63 lower-case letters, digits and ` +
          `single dashes, starting with a letter`,
      );
    }
    const zones = new Set(props.vpc.selectSubnets(props.subnets).availabilityZones);
    if (zones.size < POLICY_FLOORS.availability.minZones) {
      throw new Error(
        `Database.subnets: received subnets in ${zones.size} availability zone(s); expected at least ` +
          `${POLICY_FLOORS.availability.minZones} for the Multi-AZ standby (control HA-MULTIZONE)`,
      );
    }
    const allocated = props.allocatedStorageGiB ?? 50;
    const maxAllocated = props.maxAllocatedStorageGiB ?? 200;
    if (maxAllocated < allocated) {
      throw new Error(`Database.maxAllocatedStorageGiB: received ${maxAllocated}; expected at least allocatedStorageGiB (${allocated})`);
    }
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Database: PostgreSQL from the app tier only',
      allowAllOutbound: false,
    });
    this.connections = new ec2.Connections({ securityGroups: [this.securityGroup], defaultPort: ec2.Port.tcp(5432) });
    allowTraffic(props.appTier, this, ec2.Port.tcp(5432), {
      ingress: 'PostgreSQL from the app tier only',
      egress: 'App tier to the database',
    });

    // Created up front so they are encrypted, retained and expire on our schedule rather than
    // RDS's (which would create them unencrypted and never expiring).
    for (const type of EXPORTED_LOGS) {
      this.logGroups[type] = new logs.LogGroup(this, `Logs-${type}`, {
        logGroupName: `/aws/rds/instance/${props.instanceIdentifier}/${type}`,
        encryptionKey: props.logsKey,
        retention: props.logRetention,
        removalPolicy: RemovalPolicy.RETAIN,
      });
    }

    const engine = rds.DatabaseInstanceEngine.postgres({ version: props.engineVersion ?? rds.PostgresEngineVersion.VER_17_6 });
    this.resource = new rds.DatabaseInstance(this, 'Resource', {
      engine,
      instanceIdentifier: props.instanceIdentifier,
      instanceType: props.instanceType ?? new ec2.InstanceType('t4g.medium'),
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      securityGroups: [this.securityGroup],
      publiclyAccessible: false,
      multiAz: props.multiAz ?? true,
      storageType: rds.StorageType.GP3,
      allocatedStorage: allocated,
      maxAllocatedStorage: maxAllocated,
      storageEncrypted: true,
      storageEncryptionKey: props.dataKey,
      manageMasterUserPassword: true,
      credentials: rds.Credentials.fromUsername('dbadmin', { encryptionKey: props.dataKey }),
      iamAuthentication: true,
      parameters: { ...DATABASE_PARAMETERS },
      backupRetention: Duration.days(props.backupRetentionDays),
      preferredBackupWindow: '02:00-03:00',
      preferredMaintenanceWindow: 'sun:04:00-sun:05:00',
      copyTagsToSnapshot: true,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.SNAPSHOT,
      autoMinorVersionUpgrade: true,
      cloudwatchLogsExports: [...EXPORTED_LOGS],
      enablePerformanceInsights: true,
      performanceInsightEncryptionKey: props.dataKey,
      monitoringInterval: Duration.seconds(60),
    });
    for (const group of Object.values(this.logGroups)) this.resource.node.addDependency(group);
    if (props.backupReplication) {
      const { region, kmsKeyArn } = props.backupReplication;
      const here = Stack.of(this).region;
      if (!Token.isUnresolved(region) && !Token.isUnresolved(here) && region === here) {
        throw new Error(
          `Database.backupReplication.region: received ${region}, the database's own region; expected the DR region, so the ` +
            `backups survive the loss of this one`,
        );
      }
      if (!Token.isUnresolved(region) && !Token.isUnresolved(kmsKeyArn) && kmsKeyArn.split(':')[3] !== region) {
        throw new Error(
          `Database.backupReplication.kmsKeyArn: received ${kmsKeyArn}; expected a KMS key ARN in ${region} (RDS encrypts the ` +
            `replicated backups with a key of the destination region)`,
        );
      }
      const cfn = this.resource.node.defaultChild as rds.CfnDBInstance;
      cfn.automaticBackupReplicationRegion = region;
      cfn.automaticBackupReplicationKmsKeyId = kmsKeyArn;
      cfn.automaticBackupReplicationRetentionPeriod = props.backupRetentionDays;
    }
    acknowledgeDecision(this.resource.node.defaultChild!, 'postgres-standard-port');
    const monitoringRole = this.resource.node.tryFindChild('MonitoringRole');
    if (monitoringRole) acknowledgeDecision(monitoringRole.node.defaultChild!, 'rds-enhanced-monitoring-policy');
  }
}
