import { type CfnElement, CfnResource, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { acknowledgeDecision } from './acknowledge';

// The register's decisions for findings every stack built from these constructs has (log sinks,
// locked log buckets, customer data buckets, resources CDK generates), one helper per kind of
// resource, for the reference stacks and any app that uses the constructs the same way.

/** Buckets and settings the stack-wide acknowledgements refer to. */
export interface StackFindingsProps {
  /** The stack's S3 server-access-log sink (a SecureBucket without a key or access logging of its own). */
  readonly accessLogs: s3.IBucket;
  /** The load balancers' access-log bucket (SSE-S3: the only encryption ELB log delivery accepts). */
  readonly albLogs: s3.IBucket;
  /** The customer data bucket (versioned, replicated, deletable on request: no Object Lock). */
  readonly dataBucket: s3.IBucket;
  /** The static assets bucket (versioned, replicated, deletable: no Object Lock). */
  readonly assetsBucket: s3.IBucket;
  /** Other log buckets (trail files, CDN logs): Object-Locked in this region. */
  readonly lockedLogBuckets: readonly s3.IBucket[];
  /** Retention of the stack's log groups, in days: below 365, their findings are acknowledged. */
  readonly logRetentionDays: number;
}

/**
 * Applies, resource by resource, the register's decisions (lib/policy/acknowledgement-register.ts)
 * for findings that conflict with a stated claim or with how AWS services work. Each reason names
 * the compensating control; reviewers see them in the template metadata
 * (`cdk_nag.rules_to_suppress`) and the controls report lists them.
 */
export function acknowledgeStackFindings(stack: Stack, props: StackFindingsProps): void {
  acknowledgeGeneratedResources(stack, props.logRetentionDays);
  acknowledgeLogSink(props.accessLogs);
  acknowledgeSseS3Sink(props.albLogs);
  for (const locked of props.lockedLogBuckets) acknowledgeLockedLogBucket(locked);
  for (const data of [props.dataBucket, props.assetsBucket]) {
    acknowledgeDecision(bucket(data), 'customer-objects-deletable');
  }
}

const bucket = (b: s3.IBucket) => b.node.defaultChild as CfnResource;

/**
 * The app's object grant names `<bucket>/<prefix>*`: S3 has no other way to name every object
 * under a prefix. One finding, on the one policy of the app's data access.
 */
export function acknowledgeAppObjectPrefix(access: IConstruct, dataBucket: s3.IBucket, prefix: string): void {
  const bucketId = Stack.of(dataBucket).getLogicalId(dataBucket.node.defaultChild as CfnElement);
  acknowledgeDecision(access.node.findChild('Resource').node.defaultChild!, 'app-data-bucket-grant', {
    params: { dataBucket: bucketId, prefix },
  });
}

/** A log bucket under Object Lock in its region (trail files, CDN logs, the immutable log copies). */
export function acknowledgeLockedLogBucket(locked: s3.IBucket): void {
  acknowledgeDecision(bucket(locked), 'locked-logs-not-replicated');
}

/** A bucket written by an AWS log-delivery service that only accepts SSE-S3 targets. */
export function acknowledgeSseS3Sink(sink: s3.IBucket): void {
  acknowledgeDecision(bucket(sink), 'log-sink-sse-s3-only');
  acknowledgeDecision(bucket(sink), 'request-logs-not-replicated');
}

/** The S3 server-access-log sink of a stack. */
export function acknowledgeLogSink(sink: s3.IBucket): void {
  acknowledgeSseS3Sink(sink);
  acknowledgeDecision(bucket(sink), 'access-log-sink-not-logged');
  acknowledgeDecision(bucket(sink), 'access-log-sink-without-object-lock');
}

/**
 * Findings on resources CDK or this baseline generates in every stack: log groups kept for the
 * claimed retention, CDK grant policies, public-subnet routes and CDK's deployment-time handlers.
 */
export function acknowledgeGeneratedResources(stack: Stack, logRetentionDays: number): void {
  for (const node of stack.node.findAll()) {
    if (node instanceof logs.CfnLogGroup && logRetentionDays < 365) {
      acknowledgeDecision(node, 'log-retention-below-a-year');
    }
    if (node instanceof iam.CfnPolicy) {
      acknowledgeDecision(node, 'cdk-inline-grant-policies');
    }
    if (node instanceof ec2.CfnRoute && node.gatewayId !== undefined && node.destinationCidrBlock === '0.0.0.0/0') {
      acknowledgeDecision(node, 'public-subnet-default-route');
    }
    if (node instanceof CfnResource && node.cfnResourceType === 'AWS::Lambda::Function') {
      acknowledgeDecision(node, 'cdk-deployment-handlers-outside-vpc');
    }
  }
}
