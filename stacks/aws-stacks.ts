import { type App, Tags } from 'aws-cdk-lib';
import { markAwsStack } from '../lib/aws/stack-marker';
import type { AwsEnvironmentConfig, BaselineConfig } from '../lib/config/schema';
import { AwsDrDatabaseStack } from './aws-dr-database-stack';
import { AwsDrStack } from './aws-dr-stack';
import { AwsEdgeStack } from './aws-edge-stack';
import { AwsPrimaryStack } from './aws-primary-stack';

/** The AWS stacks of one environment. */
export interface AwsEnvironmentStacks {
  readonly edge: AwsEdgeStack;
  readonly dr: AwsDrStack;
  readonly primary: AwsPrimaryStack;
  /** The database replica's stack; absent when `aws.dr.databaseReplica` is false. */
  readonly drDatabase?: AwsDrDatabaseStack;
}

/**
 * Adds every environment's AWS stacks to `app`, in deployment order: `<env>-aws-edge`
 * (us-east-1) and `<env>-aws-dr` (the DR region), then `<env>-aws-primary` (the configured
 * region), then `<env>-aws-dr-database` (the replica of the primary database, in the DR region).
 * Used by the CDK app and by the tests, so both synthesize exactly the same thing.
 */
export function addAwsStacks(app: App, config: BaselineConfig): Record<string, AwsEnvironmentStacks> {
  const result: Record<string, AwsEnvironmentStacks> = {};
  for (const [name, environment] of Object.entries(config.environments)) {
    // An Azure-only environment has no AWS stacks.
    if (!environment.aws) continue;
    const env = environment as AwsEnvironmentConfig;
    const prefix = `${config.project}-${name}`;
    const common = {
      prefix,
      config: env,
      terminationProtection: env.production,
      crossRegionReferences: true,
    };
    const edge = new AwsEdgeStack(app, `${name}-aws-edge`, {
      ...common,
      stackName: `${prefix}-aws-edge`,
      description: `${config.project} ${name}: CloudFront web ACL (us-east-1)`,
      env: { account: env.aws.account, region: 'us-east-1' },
    });
    const dr = new AwsDrStack(app, `${name}-aws-dr`, {
      ...common,
      stackName: `${prefix}-aws-dr`,
      description: `${config.project} ${name}: disaster-recovery region (${env.aws.drRegion})`,
      env: { account: env.aws.account, region: env.aws.drRegion },
      guardrails: config.guardrails,
    });
    const primary = new AwsPrimaryStack(app, `${name}-aws-primary`, {
      ...common,
      stackName: `${prefix}-aws-primary`,
      description: `${config.project} ${name}: primary region security baseline`,
      env: { account: env.aws.account, region: env.aws.region },
      guardrails: config.guardrails,
      cdnWebAclArn: edge.webAcl.webAclArn,
      replicaKeyArns: { data: dr.keys.data.keyArn, assets: dr.keys.assets.keyArn },
      backupReplicationKeyArn: dr.keys.data.keyArn,
      configDeliveryKeyArn: dr.configBucket ? dr.keys.logs.keyArn : undefined,
    });
    primary.addStackDependency(edge);
    primary.addStackDependency(dr);
    // The replica needs its source: it deploys after the primary database exists.
    const drDatabase = env.aws.dr.databaseReplica
      ? new AwsDrDatabaseStack(app, `${name}-aws-dr-database`, {
          ...common,
          stackName: `${prefix}-aws-dr-database`,
          description: `${config.project} ${name}: cross-region database replica (${env.aws.drRegion})`,
          env: { account: env.aws.account, region: env.aws.drRegion },
          dr,
        })
      : undefined;
    drDatabase?.addStackDependency(primary);
    // The stack marker: the evidence tools group stacks by it, never by their names, and read the
    // environment's production flag and residency from it (ENV-SEPARATION, DATA-RESIDENCY).
    const marker = { environment: name, production: env.production, residency: env.residency };
    markAwsStack(edge, { ...marker, role: 'edge' });
    markAwsStack(dr, { ...marker, role: 'dr' });
    markAwsStack(primary, { ...marker, role: 'primary' });
    if (drDatabase) markAwsStack(drDatabase, { ...marker, role: 'dr-database' });
    for (const stack of [edge, dr, primary, ...(drDatabase ? [drDatabase] : [])]) {
      Tags.of(stack).add('project', config.project);
      Tags.of(stack).add('environment', name);
      for (const [key, value] of Object.entries(env.tags)) Tags.of(stack).add(key, value);
    }
    result[name] = { edge, dr, primary, drDatabase };
  }
  return result;
}
