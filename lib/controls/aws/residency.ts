import { AWS_JURISDICTIONS, awsRegionInJurisdiction } from '../../config/jurisdictions';
import { checkSeparation, noResidency, residencyOf } from '../core/deployment';
import { RESIDENCY_EXCEPTION_MARKER } from '../markers';
import type { CheckResult, DeployedStack, Deployment } from '../types';
import { Outcome, unchecked } from '../core/outcome';
import { allResources, list, ofType, renderText, show, type CfnTemplate, type Res } from './template';

/**
 * Resource types that store data (customer data, its copies, or logs about its users): where they
 * live is where the data lives. Compute that decrypts and processes the data in memory (instances,
 * groups, load balancers terminating TLS, functions) counts too: data outside the jurisdiction for
 * the length of a request is still outside it.
 */
export const AWS_DATA_TYPES: ReadonlySet<string> = new Set([
  'AWS::S3::Bucket',
  'AWS::RDS::DBInstance',
  'AWS::RDS::DBCluster',
  'AWS::Logs::LogGroup',
  'AWS::Backup::BackupVault',
  'AWS::DynamoDB::Table',
  'AWS::DynamoDB::GlobalTable',
  'AWS::EFS::FileSystem',
  'AWS::EC2::Volume',
  'AWS::ElastiCache::CacheCluster',
  'AWS::ElastiCache::ReplicationGroup',
  'AWS::OpenSearchService::Domain',
  'AWS::Kinesis::Stream',
  'AWS::KinesisFirehose::DeliveryStream',
  'AWS::SQS::Queue',
  'AWS::SNS::Topic',
  'AWS::SecretsManager::Secret',
  'AWS::Redshift::Cluster',
  'AWS::DocDB::DBCluster',
  'AWS::Neptune::DBCluster',
  'AWS::MSK::Cluster',
  'AWS::EC2::Instance',
  'AWS::AutoScaling::AutoScalingGroup',
  'AWS::ElasticLoadBalancingV2::LoadBalancer',
  'AWS::ECS::Service',
  'AWS::EKS::Cluster',
  'AWS::Lambda::Function',
]);

/** A bucket name from `arn:aws:s3:::name` (a literal, or a join that renders to one). */
function bucketNameOf(value: unknown): string | undefined {
  const m = /^arn:[^:]+:s3:::([^/]+)$/.exec(renderText(value));
  return m && !m[1].includes('${') ? m[1] : undefined;
}

/** The region of an ARN (`arn:aws:backup:eu-central-1:...`), when it is literal. */
function arnRegion(value: unknown): string | undefined {
  const m = /^arn:[^:]+:[^:]+:([a-z0-9-]+):/.exec(renderText(value));
  return m?.[1];
}

/** The residency exception a construct declares on a resource (CloudFormation Metadata), if any. */
function exceptionOf(res: Res): string | undefined {
  const reason = res.resource?.Metadata?.[RESIDENCY_EXCEPTION_MARKER];
  return typeof reason === 'string' && reason.trim().length >= 40 ? reason.trim() : undefined;
}

/**
 * Control DATA-RESIDENCY (AWS), over the environment's stacks as deployed (their regions come from
 * the cloud assembly, `aws://account/region`, not from names):
 * - every stack is pinned to a region (an environment-agnostic stack could deploy anywhere);
 * - every resource that stores or processes data (S3, RDS, log groups, backup vaults, instances,
 *   load balancers... see {@link AWS_DATA_TYPES}) is in a stack whose region lies in the
 *   environment's residency (lib/config/jurisdictions.ts). A stack outside the residency may hold
 *   only resources that hold no data (keys, web ACLs, alarms); a data store a construct marks with
 *   a residency exception (`baseline:residency-exception` metadata, with its reason) does not
 *   fail, and is listed as an exception in every report;
 * - every copy goes to the residency: S3 replication destinations (the destination bucket is found
 *   by name among the synthesized stacks, and its stack's region is checked; a destination that is
 *   not there cannot be verified and fails), AWS Backup copy destinations (the vault ARN's region),
 *   RDS automated-backup replication regions, the source region of a cross-region read replica,
 *   and DynamoDB global-table replica regions.
 * Attack: a replica bucket, backup copy or read replica in a third region (a typo, or a "cheaper
 * region" change) moves customer data out of the jurisdiction without any single stack looking
 * wrong; this check reads every stack of the environment at once.
 * Not checked: CloudFront distributions are global by design (they serve only the public
 * static-assets bucket, CDN-ASSETS); what a distribution serves is not followed.
 */
export function checkAwsResidency(deployment: Deployment, environment: string): CheckResult {
  const residency = residencyOf(deployment, environment);
  if (!residency) return unchecked('DATA-RESIDENCY', noResidency(deployment, environment));
  const out = new Outcome('DATA-RESIDENCY');
  const allowed = AWS_JURISDICTIONS[residency].join(', ');
  const own = deployment.stacks.filter((s) => s.environment === environment && s.cloud === 'aws');
  if (own.length === 0) return out.result(false);
  const at = (stack: DeployedStack, id: string) => `${stack.name}/${id}`;
  const inResidency = (region: string | undefined) => region !== undefined && awsRegionInJurisdiction(region, residency);

  // Buckets by name across every AWS stack of the deployment: replication may target any of them.
  const bucketRegion = new Map<string, { stack: DeployedStack; id: string }>();
  for (const stack of deployment.stacks.filter((s) => s.cloud === 'aws')) {
    for (const b of ofType(stack.template as CfnTemplate, 'AWS::S3::Bucket'))
      if (typeof b.props.BucketName === 'string') bucketRegion.set(b.props.BucketName, { stack, id: b.id });
  }

  for (const stack of own) {
    const template = stack.template as CfnTemplate;
    if (stack.region === undefined) {
      out.fail(
        at(stack, '(template)'),
        `stack ${stack.name} is not pinned to a region (environment-agnostic); pin env.region so its data's location is known ` +
          `and can be checked against residency "${residency}"`,
      );
      continue;
    }
    const regionOk = inResidency(stack.region);
    for (const res of allResources(template).filter((r) => AWS_DATA_TYPES.has(r.type))) {
      if (regionOk) {
        out.carry(at(stack, res.id));
        continue;
      }
      const exception = exceptionOf(res);
      if (exception) out.except(at(stack, res.id), `${res.type} in ${stack.region}, outside residency "${residency}": ${exception}`);
      else
        out.fail(
          at(stack, res.id),
          `${res.type} is in ${stack.region} (stack ${stack.name}), outside residency "${residency}"; keep data stores and ` +
            `the compute that handles data in ${allowed}`,
        );
    }

    // Copies to other regions.
    for (const bucket of ofType(template, 'AWS::S3::Bucket')) {
      for (const rule of list(bucket.props.ReplicationConfiguration?.Rules)) {
        const name = bucketNameOf(rule?.Destination?.Bucket);
        const dest = name !== undefined ? bucketRegion.get(name) : undefined;
        if (!dest) {
          out.fail(
            at(stack, bucket.id),
            `replicates to ${show(rule?.Destination?.Bucket)}, which is not a bucket of the synthesized stacks; its region ` +
              `cannot be verified against residency "${residency}"`,
          );
        } else if (!inResidency(dest.stack.region)) {
          out.fail(
            at(stack, bucket.id),
            `replicates to bucket ${name} in ${dest.stack.region ?? 'an unpinned region'} (stack ${dest.stack.name}), outside ` +
              `residency "${residency}"; replicate to ${allowed}`,
          );
        } else out.carry(at(dest.stack, dest.id));
      }
    }
    for (const plan of ofType(template, 'AWS::Backup::BackupPlan')) {
      for (const rule of list(plan.props.BackupPlan?.BackupPlanRule)) {
        for (const copy of list(rule?.CopyActions)) {
          const region = arnRegion(copy?.DestinationBackupVaultArn);
          if (region === undefined)
            out.fail(
              at(stack, plan.id),
              `rule ${show(rule?.RuleName)} copies to ${show(copy?.DestinationBackupVaultArn)}, whose region cannot be read; ` +
                `name the vault by a literal ARN in ${allowed}`,
            );
          else if (!inResidency(region))
            out.fail(
              at(stack, plan.id),
              `rule ${show(rule?.RuleName)} copies backups to ${region}, outside residency "${residency}"; copy to a vault in ${allowed}`,
            );
        }
      }
    }
    for (const db of ofType(template, 'AWS::RDS::DBInstance', 'AWS::RDS::DBCluster')) {
      const replication = db.props.AutomaticBackupReplicationRegion;
      if (replication !== undefined && !inResidency(typeof replication === 'string' ? replication : undefined)) {
        out.fail(
          at(stack, db.id),
          `AutomaticBackupReplicationRegion is ${show(replication)}, outside residency "${residency}"; replicate backups to ${allowed}`,
        );
      }
      const source =
        db.props.SourceRegion ??
        (db.props.SourceDBInstanceIdentifier !== undefined ? arnRegion(db.props.SourceDBInstanceIdentifier) : undefined);
      if (source !== undefined && !inResidency(typeof source === 'string' ? source : undefined)) {
        out.fail(at(stack, db.id), `replicates from ${show(source)}, outside residency "${residency}"`);
      }
    }
    for (const table of ofType(template, 'AWS::DynamoDB::GlobalTable')) {
      for (const replica of list(table.props.Replicas)) {
        if (!inResidency(typeof replica?.Region === 'string' ? replica.Region : undefined))
          out.fail(at(stack, table.id), `has a replica in ${show(replica?.Region)}, outside residency "${residency}"`);
      }
    }
  }
  return out.result(true);
}

/**
 * Control ENV-SEPARATION (AWS), over every environment's stacks as deployed (accounts and regions
 * from the cloud assembly, environments from the stack markers, never from names): a production
 * environment shares its account with no other environment, and no two environments share an
 * account in one region (the edge stacks of every environment are in us-east-1, so in practice
 * every environment needs an account of its own). An environment whose production flag is unknown
 * is taken as production. Attack: staging and production in one account let anyone with staging
 * access (or a staging workload's role) reach production data through account-wide permissions.
 * Unchecked when a stack carries no stack marker (its environment would be a guess) or names no
 * account (environment-agnostic).
 */
export function checkAwsSeparation(deployment: Deployment, environment: string): CheckResult {
  return checkSeparation(deployment, environment, 'aws', 'ENV-SEPARATION', { sameRegionOnly: true });
}
