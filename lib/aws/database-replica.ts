import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { POLICY_FLOORS } from '../config/floors';
import { acknowledgeDecision } from '../policy/acknowledge';
import { allowTraffic } from './allow-traffic';
import { DATABASE_PARAMETERS, EXPORTED_LOGS } from './database';

/** Props of {@link DatabaseReplica}. */
export interface DatabaseReplicaProps {
  /** VPC of the replica, in the DR region. */
  readonly vpc: ec2.IVpc;
  /** Isolated data subnets of the DR region (no route to the internet). */
  readonly subnets: ec2.SubnetSelection;
  /**
   * The DR app tier (its security groups): the only source admitted on 5432 (control
   * DB-FROM-APP). Its egress is the DR stack's to open: the tier lives in another stack.
   */
  readonly appTier: ec2.IConnectable;
  /** ARN of the source instance in the primary region (`arn:aws:rds:<region>:<account>:db:<id>`). */
  readonly sourceInstanceArn: string;
  /** Key of the DR region encrypting the replica; never the primary region's key. */
  readonly replicaKey: kms.IKey;
  /** Key encrypting the exported PostgreSQL log groups. */
  readonly logsKey: kms.IKey;
  /** Identifier of the replica; fixed so its log groups can be created up front. */
  readonly instanceIdentifier: string;
  /** Days of automated backups once promoted (30 to 35, claim B10). */
  readonly backupRetentionDays: number;
  /** Days the exported database logs are kept. */
  readonly logRetention: logs.RetentionDays;
  /** @default t4g.medium */
  readonly instanceType?: ec2.InstanceType;
  /**
   * Run the replica Multi-AZ. Off by default: the replica serves no traffic until promoted, and
   * the failover runbook turns Multi-AZ on right after promotion; on doubles the standby cost.
   * @default false
   */
  readonly multiAz?: boolean;
  /**
   * Topic notified when the replica falls behind.
   * @default - the alarm has no action
   */
  readonly alertTopic?: sns.ITopic;
  /**
   * Replica lag, in seconds, above which the alarm fires: derived from the RPO, so on-call
   * learns before the objective is breached.
   * @default 900
   */
  readonly maxReplicaLagSeconds?: number;
}

const SOURCE_ARN = /^arn:aws[a-z-]*:rds:([a-z]{2}(-gov)?-[a-z]+-\d):(\d{12}):db:([a-z][a-z0-9-]{0,62})$/;

/**
 * The cross-region read replica of the primary database (control DR-REGION; also DB-FROM-APP,
 * ENC-REST, ENC-TRANSIT): asynchronous replication into the DR region's isolated subnets,
 * encrypted under the DR region's data key, never publicly accessible, admitting 5432 only from
 * the DR app tier, with the primary's TLS parameters, IAM authentication and deletion
 * protection, and a `ReplicaLag` alarm at the RPO-derived threshold. Promoting it (the
 * failover runbook) makes it a standalone instance with the configured backup retention.
 *
 * Built on the L1 `CfnDBInstance`: the L2 read replica computes its source ARN in the current
 * region, which is wrong for a cross-region source.
 */
export class DatabaseReplica extends Construct implements ec2.IConnectable {
  /** The replica instance. */
  readonly resource: rds.CfnDBInstance;
  /** Security group of the replica. */
  readonly securityGroup: ec2.SecurityGroup;
  /** The replica's security group, with PostgreSQL's port as default port. */
  readonly connections: ec2.Connections;
  /** Alarm on the replica's lag behind the source. */
  readonly lagAlarm: cloudwatch.Alarm;
  /** Host name of the replica (the application's database host after failover). */
  readonly endpointAddress: string;
  /** ARN of the replica. */
  readonly instanceArn: string;

  constructor(scope: Construct, id: string, props: DatabaseReplicaProps) {
    super(scope, id);
    const here = Stack.of(this).region;
    if (!Token.isUnresolved(props.sourceInstanceArn)) {
      const match = SOURCE_ARN.exec(props.sourceInstanceArn);
      if (!match) {
        throw new Error(
          `DatabaseReplica.sourceInstanceArn: received "${props.sourceInstanceArn}"; expected the ARN of an RDS instance, ` +
            `arn:aws:rds:<region>:<account>:db:<identifier>`,
        );
      }
      if (!Token.isUnresolved(here) && match[1] === here) {
        throw new Error(
          `DatabaseReplica.sourceInstanceArn: received a source in ${here}, the replica's own region; expected the primary ` +
            `region's instance, so the replica survives the loss of that region`,
        );
      }
    }
    const { databaseBackupDays: floor, databaseBackupMaxDays: ceiling } = POLICY_FLOORS.retention;
    if (!Number.isInteger(props.backupRetentionDays) || props.backupRetentionDays < floor || props.backupRetentionDays > ceiling) {
      throw new Error(
        `DatabaseReplica.backupRetentionDays: received ${props.backupRetentionDays}; expected ${floor} to ${ceiling} (claim ` +
          `B10 keeps ${floor} days of PITR; RDS keeps at most ${ceiling})`,
      );
    }
    if (
      !/^[a-z][a-z0-9-]{0,62}$/.test(props.instanceIdentifier) ||
      props.instanceIdentifier.endsWith('-') ||
      props.instanceIdentifier.includes('--')
    ) {
      throw new Error(
        `DatabaseReplica.instanceIdentifier: received "${props.instanceIdentifier}"; expected 1-63 lower-case letters, digits ` +
          `and single dashes, starting with a letter`,
      );
    }
    const maxLag = props.maxReplicaLagSeconds ?? 900;
    if (!Number.isFinite(maxLag) || maxLag <= 0) {
      throw new Error(
        `DatabaseReplica.maxReplicaLagSeconds: received ${maxLag}; expected a positive number of seconds (derive it from the RPO)`,
      );
    }

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Database replica: PostgreSQL from the DR app tier only',
      allowAllOutbound: false,
    });
    this.connections = new ec2.Connections({ securityGroups: [this.securityGroup], defaultPort: ec2.Port.tcp(5432) });
    allowTraffic(props.appTier, this, ec2.Port.tcp(5432), { ingress: 'PostgreSQL from the DR app tier only' });

    const subnetGroup = new rds.SubnetGroup(this, 'SubnetGroup', {
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      description: `Subnets of the ${props.instanceIdentifier} replica`,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // The same TLS and logging parameters as the primary: replicas do not inherit the source's
    // parameter group, and a promoted replica must still refuse plaintext (ENC-TRANSIT).
    const parameterGroup = new rds.ParameterGroup(this, 'Parameters', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_17_6 }),
      description: `TLS 1.2+ and connection logging for ${props.instanceIdentifier}`,
      parameters: { ...DATABASE_PARAMETERS },
    });
    const logGroups = EXPORTED_LOGS.map(
      (type) =>
        new logs.LogGroup(this, `Logs-${type}`, {
          logGroupName: `/aws/rds/instance/${props.instanceIdentifier}/${type}`,
          encryptionKey: props.logsKey,
          retention: props.logRetention,
          removalPolicy: RemovalPolicy.RETAIN,
        }),
    );

    const monitoringRole = new iam.Role(this, 'MonitoringRole', {
      assumedBy: new iam.ServicePrincipal('monitoring.rds.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonRDSEnhancedMonitoringRole')],
    });
    acknowledgeDecision(monitoringRole.node.defaultChild!, 'rds-enhanced-monitoring-policy');
    const sourceRegion = Token.isUnresolved(props.sourceInstanceArn) ? undefined : props.sourceInstanceArn.split(':')[3];
    this.resource = new rds.CfnDBInstance(this, 'Resource', {
      dbInstanceIdentifier: props.instanceIdentifier,
      sourceDbInstanceIdentifier: props.sourceInstanceArn,
      sourceRegion,
      dbInstanceClass: `db.${(props.instanceType ?? new ec2.InstanceType('t4g.medium')).toString()}`,
      dbSubnetGroupName: subnetGroup.subnetGroupName,
      vpcSecurityGroups: [this.securityGroup.securityGroupId],
      dbParameterGroupName: parameterGroup.bindToInstance({}).parameterGroupName,
      // Encrypted by KmsKeyId: CloudFormation rejects StorageEncrypted on a replica (it follows
      // the source), and a cross-region replica must name a key of its own region.
      kmsKeyId: props.replicaKey.keyArn,
      publiclyAccessible: false,
      multiAz: props.multiAz ?? false,
      deletionProtection: true,
      enableIamDatabaseAuthentication: true,
      copyTagsToSnapshot: true,
      autoMinorVersionUpgrade: true,
      backupRetentionPeriod: props.backupRetentionDays,
      enableCloudwatchLogsExports: [...EXPORTED_LOGS],
      enablePerformanceInsights: true,
      performanceInsightsKmsKeyId: props.replicaKey.keyArn,
      monitoringInterval: 60,
      monitoringRoleArn: monitoringRole.roleArn,
    });
    this.resource.applyRemovalPolicy(RemovalPolicy.SNAPSHOT);
    for (const group of logGroups) this.resource.node.addDependency(group);
    this.endpointAddress = this.resource.attrEndpointAddress;
    this.instanceArn = this.resource.attrDbInstanceArn;

    // Treat missing data as breaching: a replica that stopped reporting lag is not replicating.
    this.lagAlarm = new cloudwatch.Alarm(this, 'LagAlarm', {
      alarmDescription:
        `The DR database replica ${props.instanceIdentifier} is more than ${maxLag} s behind its source: the recovery point ` +
        `objective is at risk.`,
      metric: new cloudwatch.Metric({
        namespace: 'AWS/RDS',
        metricName: 'ReplicaLag',
        dimensionsMap: { DBInstanceIdentifier: props.instanceIdentifier },
        statistic: 'Maximum',
        period: Duration.minutes(5),
      }),
      threshold: maxLag,
      evaluationPeriods: 2,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    this.lagAlarm.node.addDependency(this.resource);
    if (props.alertTopic) this.lagAlarm.addAlarmAction(new cwActions.SnsAction(props.alertTopic));

    // Control Tower's default-port rule does not report read replicas; only cdk-nag's does.
    acknowledgeDecision(this.resource, 'postgres-standard-port', { rules: ['AwsSolutions::AwsSolutions-RDS11'] });
    if (!(props.multiAz ?? false)) {
      acknowledgeDecision(this.resource, 'replica-standby-single-az');
    }
    acknowledgeDecision(this.resource, 'replica-encrypted-through-key-id');
    acknowledgeDecision(this.resource, 'replica-is-the-backup-copy');
    for (const group of logGroups) acknowledgeDecision(group.node.defaultChild!, 'replica-log-groups-key-from-dr-stack');
  }
}
