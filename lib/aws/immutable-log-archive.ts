import { LOG_CLASS_MARKER } from '../controls/markers';
import { Aspects, Duration, type IAspect, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, type IConstruct } from 'constructs';
import { nagFindingId } from './nag-finding-id';
import { acknowledgeDecision } from '../policy/acknowledge';

/** Tag marking a log group whose events must also land in tamper-proof storage (control LOG-RETENTION). */
export const LOG_CLASS_TAG = LOG_CLASS_MARKER;
/** The log classes the claims name: network flows, WAF decisions, host logins (A4, A11, B6). */
export const LOG_CLASSES = ['network-flow', 'waf', 'host-auth'] as const;
/** A log class of {@link LOG_CLASSES}. */
export type LogClass = (typeof LOG_CLASSES)[number];

/**
 * Marks a log group (of this app) as holding `logClass` events: every {@link ImmutableLogArchive}
 * of its stack copies it to Object-Locked storage, and the LOG-RETENTION check requires that copy.
 * The marker is the tag `baseline:log-class`, written on the CloudFormation resource.
 */
export function markLogClass(group: logs.ILogGroup | logs.CfnLogGroup, logClass: LogClass): void {
  const cfn = group instanceof logs.CfnLogGroup ? group : group.node.defaultChild;
  if (!(cfn instanceof logs.CfnLogGroup)) {
    throw new Error(
      `markLogClass: received ${group.node.path}, which is not a log group created in this app; expected a logs.LogGroup or ` +
        `CfnLogGroup (an imported group has no tags to mark)`,
    );
  }
  if (!(LOG_CLASSES as readonly string[]).includes(logClass)) {
    throw new Error(`markLogClass: received log class "${logClass}"; expected one of ${LOG_CLASSES.join(', ')}`);
  }
  cfn.tags.setTag(LOG_CLASS_TAG, logClass);
}

/** The log class a log group is marked with, if any. */
export function logClassOf(group: logs.CfnLogGroup): string | undefined {
  return group.tags.tagValues()[LOG_CLASS_TAG];
}

/** Props of {@link ImmutableLogArchive}. */
export interface ImmutableLogArchiveProps {
  /**
   * Bucket receiving the copies: Object Lock on, with a COMPLIANCE default retention of at least
   * the log retention (nobody, the root user included, can delete or overwrite a copy before it
   * expires). A bucket of this stack is checked for Object Lock.
   */
  readonly bucket: s3.IBucket;
  /**
   * Key encrypting the stream's buffer and every delivered object (control ENC-REST), whatever
   * the bucket's default encryption.
   */
  readonly key: kms.IKey;
  /**
   * Key prefix of the copies in the bucket.
   * @default 'cloudwatch-logs/'
   */
  readonly prefix?: string;
  /**
   * Seconds the stream buffers before writing an object, 60-900.
   * @default 300
   */
  readonly bufferingIntervalSeconds?: number;
}

/**
 * A tamper-proof copy of the marked CloudWatch log groups of a stack (control LOG-RETENTION; claims
 * B6, A4, A11): log groups can be deleted, and their retention shortened, by any administrator
 * with `logs:*`, taking the evidence of an intrusion with them. Every log group marked with
 * {@link markLogClass} (flow logs, WAF logs, host authentication logs), whenever it is created in
 * the stack, gets a subscription filter of all events to a Firehose stream that writes them,
 * encrypted under `key`, into the Object-Locked `bucket`. The CloudWatch groups stay for
 * queries and alarms; the copy is the record that survives a malicious admin.
 *
 * Records arrive as CloudWatch Logs sends them: gzip-compressed JSON batches with the log group,
 * stream and events (read with `zcat`). Watch {@link freshness}: if the stream cannot write (for
 * example a bucket policy change), its oldest record ages past the buffer interval.
 */
export class ImmutableLogArchive extends Construct {
  /** The Firehose stream. */
  readonly resource: firehose.CfnDeliveryStream;
  /** The role CloudWatch Logs uses to put events into the stream. */
  readonly subscriptionRole: iam.Role;
  /** The subscription filters created so far, by log group path. */
  readonly subscriptions = new Map<string, logs.CfnSubscriptionFilter>();
  private readonly bufferingIntervalSeconds: number;

  constructor(scope: Construct, id: string, props: ImmutableLogArchiveProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const prefix = props.prefix ?? 'cloudwatch-logs/';
    this.bufferingIntervalSeconds = props.bufferingIntervalSeconds ?? 300;
    if (!Number.isInteger(this.bufferingIntervalSeconds) || this.bufferingIntervalSeconds < 60 || this.bufferingIntervalSeconds > 900) {
      throw new Error(
        `ImmutableLogArchive.bufferingIntervalSeconds: received ${this.bufferingIntervalSeconds}; expected 60 to 900 (the Firehose limits)`,
      );
    }
    if (!Token.isUnresolved(prefix) && !/^[A-Za-z0-9!_.*'()/-]*\/$/.test(prefix)) {
      throw new Error(
        `ImmutableLogArchive.prefix: received "${prefix}"; expected an S3 key prefix ending with "/" such as cloudwatch-logs/`,
      );
    }
    const bucketResource = props.bucket.node.defaultChild;
    if (bucketResource instanceof s3.CfnBucket && Stack.of(bucketResource) === stack) {
      const lock = bucketResource.objectLockConfiguration as s3.CfnBucket.ObjectLockConfigurationProperty | undefined;
      const retention = (lock?.rule as s3.CfnBucket.ObjectLockRuleProperty | undefined)?.defaultRetention as
        | s3.CfnBucket.DefaultRetentionProperty
        | undefined;
      if (bucketResource.objectLockEnabled !== true || retention?.mode !== 'COMPLIANCE') {
        throw new Error(
          `ImmutableLogArchive.bucket: received ${props.bucket.node.path} without a COMPLIANCE Object Lock default retention; ` +
            `expected a bucket nobody can delete copies from (SecureBucket objectLockRetention: ` +
            `ObjectLockRetention.compliance(...))`,
        );
      }
    }

    // Firehose writes the bucket (and only it) and encrypts each object under the logs key.
    const deliveryRole = new iam.Role(this, 'DeliveryRole', {
      assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com', { conditions: { StringEquals: { 'sts:ExternalId': stack.account } } }),
      description: 'Firehose: writes the immutable copy of the marked log groups into the Object-Locked log bucket',
    });
    const objects = props.bucket.arnForObjects(`${prefix}*`);
    const errors = props.bucket.arnForObjects(`${prefix.replace(/\/$/, '')}-errors/*`);
    deliveryRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadBucket',
        actions: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
        resources: [props.bucket.bucketArn],
      }),
    );
    deliveryRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'WriteCopies',
        actions: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload'],
        resources: [objects, errors],
      }),
    );
    deliveryRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'EncryptCopies',
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [props.key.keyArn],
        conditions: {
          StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` },
          StringLike: { 'kms:EncryptionContext:aws:s3:arn': [objects, errors] },
        },
      }),
    );
    const deliveryPolicy = deliveryRole.node.findChild('DefaultPolicy');
    acknowledgeDecision(deliveryPolicy.node.defaultChild!, 'log-copies-object-arns', {
      params: { objectArn: [objects, errors].map((arn) => nagFindingId(deliveryPolicy, arn)) },
    });

    this.resource = new firehose.CfnDeliveryStream(this, 'Resource', {
      deliveryStreamType: 'DirectPut',
      // ENC-REST: records waiting in the stream are encrypted under the customer-managed key too.
      deliveryStreamEncryptionConfigurationInput: { keyType: 'CUSTOMER_MANAGED_CMK', keyArn: props.key.keyArn },
      extendedS3DestinationConfiguration: {
        bucketArn: props.bucket.bucketArn,
        roleArn: deliveryRole.roleArn,
        prefix: `${prefix}!{timestamp:yyyy/MM/dd}/`,
        errorOutputPrefix: `${prefix.replace(/\/$/, '')}-errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/`,
        bufferingHints: { intervalInSeconds: this.bufferingIntervalSeconds, sizeInMBs: 5 },
        // CloudWatch Logs already gzips each batch.
        compressionFormat: 'UNCOMPRESSED',
        encryptionConfiguration: { kmsEncryptionConfig: { awskmsKeyArn: props.key.keyArn } },
      },
    });
    this.resource.node.addDependency(deliveryPolicy);

    // CloudWatch Logs of this account and region puts the subscribed events into the stream.
    this.subscriptionRole = new iam.Role(this, 'SubscriptionRole', {
      assumedBy: new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`, {
        conditions: { StringLike: { 'aws:SourceArn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:*` } },
      }),
      description: "CloudWatch Logs: puts the marked log groups' events into the immutable-copy stream",
    });
    this.subscriptionRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'PutRecords',
        actions: ['firehose:PutRecord', 'firehose:PutRecordBatch'],
        resources: [this.resource.attrArn],
      }),
    );
    this.subscriptionRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'UseStreamKey',
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [props.key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `firehose.${stack.region}.amazonaws.com` } },
      }),
    );

    // Every marked log group of the stack, wherever and whenever it is created.
    Aspects.of(stack).add(new ArchiveMarkedLogGroups(this));
  }

  /** Copies one log group (of this stack) to the archive; idempotent. */
  archive(group: logs.ILogGroup | logs.CfnLogGroup): logs.CfnSubscriptionFilter {
    const cfn = group instanceof logs.CfnLogGroup ? group : group.node.defaultChild;
    if (!(cfn instanceof logs.CfnLogGroup) || Stack.of(cfn) !== Stack.of(this)) {
      throw new Error(
        `ImmutableLogArchive.archive: received ${group.node.path}; expected a log group created in the archive's stack ` +
          `${Stack.of(this).node.path} (subscription filters deliver within one region)`,
      );
    }
    const existing = this.subscriptions.get(cfn.node.path);
    if (existing) return existing;
    const owner = cfn.node.id === 'Resource' ? cfn.node.scope! : cfn;
    const filter = new logs.CfnSubscriptionFilter(owner, 'ImmutableCopy', {
      logGroupName: cfn.ref,
      // Every event: a filter pattern would let an attacker's lines skip the copy.
      filterPattern: '',
      destinationArn: this.resource.attrArn,
      roleArn: this.subscriptionRole.roleArn,
    });
    // CloudWatch Logs test-puts a record when the filter is created: the role must already work.
    filter.node.addDependency(this.subscriptionRole);
    this.subscriptions.set(cfn.node.path, filter);
    return filter;
  }

  /** Age of the oldest record not yet written to the bucket (alarm on it: the copy stalls). */
  freshness(): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/Firehose',
      metricName: 'DeliveryToS3.DataFreshness',
      dimensionsMap: { DeliveryStreamName: this.resource.ref },
      statistic: 'Maximum',
      period: Duration.minutes(5),
    });
  }

  /** The alarm threshold for {@link freshness}: three buffer intervals, in seconds. */
  get freshnessThresholdSeconds(): number {
    return this.bufferingIntervalSeconds * 3;
  }
}

class ArchiveMarkedLogGroups implements IAspect {
  constructor(private readonly archive: ImmutableLogArchive) {}

  visit(node: IConstruct): void {
    if (node instanceof logs.CfnLogGroup && Stack.of(node) === Stack.of(this.archive) && logClassOf(node) !== undefined)
      this.archive.archive(node);
  }
}
