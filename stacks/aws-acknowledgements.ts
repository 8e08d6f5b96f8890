import { CfnResource, type Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { acknowledge, guardRule, nagRule } from '../lib/aws/acknowledge';

/** Buckets and settings the stack-wide acknowledgements refer to. */
export interface StackFindingsProps {
  readonly accessLogs: s3.IBucket;
  readonly albLogs: s3.IBucket;
  readonly dataBucket: s3.IBucket;
  readonly assetsBucket: s3.IBucket;
  /** Other log buckets (trail files, CDN logs): Object-Locked in this region. */
  readonly lockedLogBuckets: readonly s3.IBucket[];
  readonly logRetentionDays: number;
}

const COMPLIANCE_PACKS = ['HIPAA.Security', 'NIST.800.53.R4', 'NIST.800.53.R5', 'PCI.DSS.321'] as const;

/**
 * Acknowledges, resource by resource, the findings that conflict with a stated claim or with how
 * AWS services work. Each reason names the compensating control; reviewers see them in the
 * template metadata (`cdk_nag.rules_to_suppress`).
 */
export function acknowledgeStackFindings(stack: Stack, props: StackFindingsProps): void {
  acknowledgeGeneratedResources(stack, props.logRetentionDays);
  acknowledgeLogSink(props.accessLogs);
  acknowledgeSseS3Sink(props.albLogs);
  for (const locked of props.lockedLogBuckets) acknowledgeLockedLogBucket(locked);
  for (const data of [props.dataBucket, props.assetsBucket]) {
    acknowledge(bucket(data), 'Customer and asset objects must stay deletable (erasure requests under privacy law); versioning keeps every overwritten or deleted version for the backup retention instead.', [...nagRule('S3BucketDefaultLockEnabled', ['NIST.800.53.R4']), guardRule('s3_bucket_object_lock_enabled_check')]);
  }
}

const bucket = (b: s3.IBucket) => b.node.defaultChild as CfnResource;

/** A log bucket under Object Lock in its region (trail files, CDN logs, the immutable log copies). */
export function acknowledgeLockedLogBucket(locked: s3.IBucket): void {
  acknowledge(bucket(locked), 'Log files held under Object Lock (compliance mode) in this region for the log retention, so they cannot be altered or deleted; they are evidence, not customer data, and are outside the recovery-point claim.', nagRule('S3BucketReplicationEnabled', COMPLIANCE_PACKS));
}

/** A bucket written by an AWS log-delivery service that only accepts SSE-S3 targets. */
export function acknowledgeSseS3Sink(sink: s3.IBucket): void {
  acknowledge(bucket(sink), 'Log sink written by an AWS service that only supports SSE-S3 (AES-256) targets: S3 server access logging and ALB access logs cannot use KMS keys.', [...nagRule('S3DefaultEncryptionKMS', ['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321']), guardRule('s3_bucket_default_encryption_kms_check')]);
  acknowledge(bucket(sink), 'Access logs describe requests, not customer data; they are kept in this region under the logging retention and are not part of the recovery-point claim.', nagRule('S3BucketReplicationEnabled', COMPLIANCE_PACKS));
}

/** The S3 server-access-log sink of a stack. */
export function acknowledgeLogSink(sink: s3.IBucket): void {
  acknowledgeSseS3Sink(sink);
  acknowledge(bucket(sink), 'This is the server-access-log sink itself: logging it would log into itself in a loop.', [guardRule('s3_bucket_logging_enabled_check')]);
  acknowledge(bucket(sink), 'S3 server access logging refuses target buckets with an Object Lock default retention; the sink is versioned and its objects expire only after the log retention.', [...nagRule('S3BucketDefaultLockEnabled', ['NIST.800.53.R4']), guardRule('s3_bucket_object_lock_enabled_check')]);
}

/**
 * Findings on resources CDK or this baseline generates in every stack: log groups kept for the
 * claimed retention, CDK grant policies, public-subnet routes and CDK's deployment-time handlers.
 */
export function acknowledgeGeneratedResources(stack: Stack, logRetentionDays: number): void {
  for (const node of stack.node.findAll()) {
    if (node instanceof logs.CfnLogGroup && logRetentionDays < 365) {
      acknowledge(node, `Retention follows the logging claim (B6, LOG-RETENTION: 30-180 days, configured ${logRetentionDays}); keeping logs a year would contradict the published retention. CloudTrail files are kept separately under Object Lock.`, [guardRule('cloudwatch_log_group_retention_period_check')]);
    }
    if (node instanceof iam.CfnPolicy) {
      acknowledge(node, 'CDK grant policy scoped to the named resources of this stack and attached to one role; a customer-managed policy would carry the same statements with no extra control.', nagRule('IAMNoInlinePolicy', COMPLIANCE_PACKS));
    }
    if (node instanceof ec2.CfnRoute && node.gatewayId !== undefined && node.destinationCidrBlock === '0.0.0.0/0') {
      acknowledge(node, 'Default route of a public subnet, which holds only the load balancer and the bastion (NET-TIERS); app and data subnets have no route to the internet gateway.', nagRule('VPCNoUnrestrictedRouteToIGW', ['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321']));
    }
    if (node instanceof CfnResource && node.cfnResourceType === 'AWS::Lambda::Function') {
      acknowledge(node, 'CDK-provided custom-resource handler that runs only during deployment and calls AWS APIs; it holds no data and serves no traffic, so a VPC attachment would add NAT dependency without protection.', [guardRule('lambda_inside_vpc_check')]);
    }
  }
}
