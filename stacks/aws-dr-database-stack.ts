import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { AppDataAccess } from '../lib/aws/app-data-access';
import { DatabaseReplica } from '../lib/aws/database-replica';
import type { AwsEnvironmentConfig } from '../lib/config/schema';
import { acknowledgeGeneratedResources } from '../lib/policy/stack-acknowledgements';
import type { AwsDrStack } from './aws-dr-stack';
import { APP_DATABASE_USER, databaseIdentifier } from './aws-primary-stack';

/** Output keys of the DR database stack, read by the failover runbook (docs/failover.md). */
export const DR_DATABASE_OUTPUTS = {
  replicaIdentifier: 'ReplicaInstanceIdentifier',
  replicaEndpoint: 'ReplicaEndpointAddress',
  replicaGuarantee: 'DatabaseReplicaGuarantee',
} as const;

/** Props of {@link AwsDrDatabaseStack}. */
export interface AwsDrDatabaseStackProps extends StackProps {
  /** Name prefix, `<project>-<environment>`. */
  readonly prefix: string;
  /** The environment's validated config. */
  readonly config: AwsEnvironmentConfig;
  /** The DR stack of the same environment: its network, keys, standby app tier and alert topic. */
  readonly dr: AwsDrStack;
}

/**
 * The cross-region read replica of the primary database (control DR-REGION), in the DR region's
 * isolated subnets, encrypted under the DR data key and reachable only from the standby app
 * tier. It is a stack of its own because it needs the primary database to exist: it deploys
 * after `<env>-aws-primary`, while the rest of the DR region deploys before it.
 */
export class AwsDrDatabaseStack extends Stack {
  readonly replica: DatabaseReplica;
  private readonly zones: readonly string[];

  constructor(scope: Construct, id: string, props: AwsDrDatabaseStackProps) {
    super(scope, id, props);
    const { config, prefix, dr } = props;
    this.zones = config.aws.dr.availabilityZones;
    const sourceInstanceArn = `arn:aws:rds:${config.aws.region}:${config.aws.account}:db:${databaseIdentifier(prefix)}`;
    // The replica's lag alarm fires at half the RPO, leaving the other half to react.
    const maxReplicaLagSeconds = Math.round((config.recovery.rpoMinutes * 60) / 2);
    this.replica = new DatabaseReplica(this, 'DatabaseReplica', {
      vpc: dr.standby.network.resource,
      subnets: dr.standby.network.dataSubnets,
      appTier: dr.standby.appTier,
      sourceInstanceArn,
      replicaKey: dr.keys.data,
      logsKey: dr.keys.logs,
      instanceIdentifier: `${databaseIdentifier(prefix)}-dr`,
      instanceType: new ec2.InstanceType(config.aws.database.instanceType),
      backupRetentionDays: config.backup.databaseRetentionDays,
      logRetention: config.logging.retentionDays as logs.RetentionDays,
      alertTopic: dr.standby.alerts.resource,
      maxReplicaLagSeconds,
    });
    // The app tier's egress to the replica lives here, beside the replica: placed in the DR stack
    // it would make that stack depend on this one, which deploys after it.
    new ec2.CfnSecurityGroupEgress(this, 'StandbyAppToReplica', {
      groupId: dr.standby.appTier.securityGroup.securityGroupId,
      ipProtocol: 'tcp',
      fromPort: 5432,
      toPort: 5432,
      destinationSecurityGroupId: this.replica.securityGroup.securityGroupId,
      description: 'Standby app tier to the database replica',
    });
    // The standby app connects to the replica as the primary app does to its source.
    new AppDataAccess(this, 'StandbyAppDatabaseAccess', {
      role: dr.standby.appTier.role,
      database: { resourceId: this.replica.resource.attrDbiResourceId, user: APP_DATABASE_USER },
    });

    new CfnOutput(this, DR_DATABASE_OUTPUTS.replicaIdentifier, {
      value: `${databaseIdentifier(prefix)}-dr`,
      description: 'Cross-region read replica: promote it at failover',
    });
    new CfnOutput(this, DR_DATABASE_OUTPUTS.replicaEndpoint, {
      value: this.replica.endpointAddress,
      description: 'Database host of the application after failover',
    });
    new CfnOutput(this, DR_DATABASE_OUTPUTS.replicaGuarantee, {
      value:
        `Asynchronous replica of ${databaseIdentifier(prefix)} (${config.aws.region}); ReplicaLag alarm above ` +
        `${maxReplicaLagSeconds} s (half the RPO of ${config.recovery.rpoMinutes} min)`,
      description: 'Worst-case database loss on a region failure',
    });
    acknowledgeGeneratedResources(this, config.logging.retentionDays);
  }

  /** The configured DR zones, so nothing in this stack asks AWS for them at synth. */
  override get availabilityZones(): string[] {
    return [...this.zones];
  }
}
