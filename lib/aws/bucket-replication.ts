/*
 * One end of a replication: `BucketReplication` lives in the primary stack (role and rule on the
 * source bucket); the other end, `ReplicaBucket` (replica-bucket.ts), in the DR stack, the hardened
 * destination whose policy lets only that role replicate into it. Both use REPLICATE_ACTIONS.
 */
import { Duration, Fn, Reference, Stack, Token, Tokenization } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, type IConstruct } from 'constructs';
import { nagFindingId } from './nag-finding-id';
import { acknowledgeDecision } from '../policy/acknowledge';
import { SecureBucket } from './secure-bucket';

/** The S3 actions that write replicas; the role may use them, and nobody else may on a replica bucket. */
export const REPLICATE_ACTIONS = ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'];
/** S3 Replication Time Control's only threshold: 99.99% of objects within 15 minutes. */
const RTC_MINUTES = 15;

/**
 * Storage classes a DR replica may use: all are multi-zone and readable at once, so a failover
 * can serve the replicas within the recovery-time objective. GLACIER and DEEP_ARCHIVE need hours
 * of restore first, ONEZONE_IA keeps a single zone, REDUCED_REDUNDANCY is deprecated.
 */
export type ReplicaStorageClass = 'STANDARD' | 'STANDARD_IA' | 'INTELLIGENT_TIERING' | 'GLACIER_IR';
const REPLICA_STORAGE_CLASSES: readonly string[] = ['STANDARD', 'STANDARD_IA', 'INTELLIGENT_TIERING', 'GLACIER_IR'];

/** Props of {@link BucketReplication}. */
export interface BucketReplicationProps {
  /**
   * The primary bucket to replicate: versioned and SSE-KMS, as {@link SecureBucket} makes it, in
   * this construct's stack. It must not have a replication configuration yet.
   */
  readonly source: s3.Bucket;
  /** The source bucket's encryption key; the role may decrypt with it only through S3 in this region. */
  readonly sourceKey: kms.IKey;
  /**
   * ARN of the DR bucket (`arn:aws:s3:::<name>`, a {@link ReplicaBucket}); a plain value: an ARN
   * built from the replica's fixed `bucketName`, an SSM parameter or a cross-region reference. The
   * policy acknowledgement of its `<arn>/*` can name only a value known in this stack; with a
   * cross-region reference, the stack acknowledges AwsSolutions-IAM5 for it.
   */
  readonly destinationBucketArn: string;
  /**
   * ARN of the DR region's key (`arn:aws:kms:<region>:<account>:key/<id>`, not an alias) that
   * encrypts the replicas; the DR bucket's default key.
   */
  readonly destinationKeyArn: string;
  /** Region of the DR bucket and key; must differ from this stack's region (control DR-REGION). */
  readonly destinationRegion: string;
  /**
   * S3 Replication Time Control: replicates 99.99% of objects within 15 minutes, with replication
   * metrics and an `OperationMissedThreshold` event for each late object, so the recovery point
   * (claim B10: RPO 1 hour) is bounded and late replication is visible. Turning it off weakens the
   * recovery point: S3 then replicates most objects in seconds but guarantees no time at all, and
   * only replication metrics without a threshold remain. Turn it off only where RTC's per-GB charge
   * outweighs a bounded RPO for this bucket.
   * @default true
   */
  readonly replicationTimeControl?: boolean;
  /**
   * Replicate delete markers, so an object deleted in the primary is deleted (hidden behind a delete
   * marker, versions kept for the noncurrent retention) in the DR copy too, and does not reappear
   * after a failover (customer erasure requests). Turning it off keeps deleted objects visible in
   * the DR region; versioning already keeps the versions of a mistaken delete in both regions.
   * @default true
   */
  readonly deleteMarkerReplication?: boolean;
  /**
   * Storage class of the replicas. Only classes a failover can read at once are allowed.
   * @default 'STANDARD'
   */
  readonly storageClass?: ReplicaStorageClass;
  /**
   * Name of the replication role. Set it when the DR stack must name the role in its
   * {@link ReplicaBucket} policy before this stack exists: the DR stack deploys first (it exports
   * the bucket and key ARNs this construct takes), so it cannot take the role ARN as a reference.
   * @default - a name generated from the construct path
   */
  readonly roleName?: string;
}

/**
 * Cross-region replication of one primary bucket into its DR-region copy (control DR-REGION,
 * claims A15, B2, B10, B12; STORAGE-PRIVATE and ENC-REST hold on the copy): one rule over the
 * whole bucket, SSE-KMS objects re-encrypted under the DR region's key, delete markers replicated
 * and S3 Replication Time Control (15-minute SLA, with metrics) on by default. The role S3 assumes
 * may only read this bucket's object versions, decrypt them through S3 in this region, write
 * replicas into the one DR bucket and encrypt them through S3 in the DR region.
 */
export class BucketReplication extends Construct {
  /** The role S3 assumes to replicate. */
  readonly role: iam.Role;
  /** Id of the one replication rule (a dimension of its metrics). */
  readonly ruleId = 'dr-region';
  private readonly sourceBucketName: string;
  private readonly destinationBucketName: string;

  constructor(scope: Construct, id: string, props: BucketReplicationProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { source } = props;
    const sourceResource = source.node.defaultChild as s3.CfnBucket;
    if (Stack.of(source) !== stack) {
      throw new Error(
        `BucketReplication.source: received a bucket of stack ${Stack.of(source).node.path}; expected a bucket of this ` +
          `construct's stack ${stack.node.path}; create the BucketReplication in the source bucket's stack`,
      );
    }
    const versioning = sourceResource.versioningConfiguration as s3.CfnBucket.VersioningConfigurationProperty | undefined;
    if (!Token.isUnresolved(versioning) && !Token.isUnresolved(versioning?.status) && versioning?.status !== 'Enabled') {
      throw new Error(
        `BucketReplication.source: received bucket ${source.node.path} without versioning; expected a versioned bucket (S3 ` +
          `replication needs versioning on both sides); make it with SecureBucket`,
      );
    }
    if (sourceResource.replicationConfiguration !== undefined) {
      throw new Error(
        `BucketReplication.source: received bucket ${source.node.path}, which already has a replication configuration; ` +
          `expected a bucket without one (S3 keeps one configuration per bucket); replicate each bucket with one ` +
          `BucketReplication`,
      );
    }
    if (source.encryptionKey === undefined) {
      throw new Error(
        `BucketReplication.source: received bucket ${source.node.path} without a KMS key (SSE-S3); expected an SSE-KMS bucket ` +
          `(control ENC-REST); give its SecureBucket an encryptionKey`,
      );
    }
    if (JSON.stringify(stack.resolve(props.sourceKey.keyArn)) !== JSON.stringify(stack.resolve(source.encryptionKey.keyArn))) {
      throw new Error(
        `BucketReplication.sourceKey: received key ${props.sourceKey.node.path}; expected the source bucket's encryption key ` +
          `${source.encryptionKey.node.path}; pass the key the bucket was made with`,
      );
    }
    validateRegion(stack, props.destinationRegion);
    validateBucketArn(props.destinationBucketArn);
    validateKeyArn(stack, props.destinationKeyArn, props.destinationRegion);
    const storageClass = props.storageClass ?? 'STANDARD';
    if (!REPLICA_STORAGE_CLASSES.includes(storageClass)) {
      throw new Error(
        `BucketReplication.storageClass: received "${storageClass}"; expected one of ${REPLICA_STORAGE_CLASSES.join(', ')}: a ` +
          `DR copy must be readable at once from several zones (GLACIER and DEEP_ARCHIVE need hours of restore, ONEZONE_IA ` +
          `keeps one zone)`,
      );
    }
    if (props.roleName !== undefined && !Token.isUnresolved(props.roleName) && !/^[\w+=,.@-]{1,64}$/.test(props.roleName)) {
      throw new Error(
        `BucketReplication.roleName: received "${props.roleName}"; expected 1-64 letters, digits or +=,.@_- (the IAM role name pattern)`,
      );
    }
    const replicationTimeControl = props.replicationTimeControl ?? true;
    const deleteMarkerReplication = props.deleteMarkerReplication ?? true;

    // Only S3 acting for this account may assume the role (confused deputy). aws:SourceArn cannot
    // name the bucket: the bucket's configuration names the role, so the role cannot name the bucket.
    this.role = new iam.Role(this, 'Role', {
      roleName: props.roleName,
      assumedBy: new iam.ServicePrincipal('s3.amazonaws.com').withConditions({ StringEquals: { 'aws:SourceAccount': stack.account } }),
      description: `S3 replication of ${source.node.path} into the DR region (${props.destinationRegion})`,
    });
    const destinationObjects = `${props.destinationBucketArn}/*`;
    const sourceObjects = source.arnForObjects('*');
    const statements = [
      new iam.PolicyStatement({
        sid: 'ReadSourceReplicationConfiguration',
        actions: ['s3:GetReplicationConfiguration', 's3:ListBucket'],
        resources: [source.bucketArn],
      }),
      new iam.PolicyStatement({
        sid: 'ReadSourceObjectVersions',
        actions: ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'],
        resources: [sourceObjects],
      }),
      new iam.PolicyStatement({ sid: 'WriteReplicas', actions: REPLICATE_ACTIONS, resources: [destinationObjects] }),
      // With S3 Bucket Keys (SecureBucket turns them on) the encryption context is the bucket ARN,
      // without them the object ARN; both stay inside the one bucket.
      new iam.PolicyStatement({
        sid: 'DecryptSourceObjects',
        actions: ['kms:Decrypt'],
        resources: [props.sourceKey.keyArn],
        conditions: {
          StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` },
          StringLike: { 'kms:EncryptionContext:aws:s3:arn': [source.bucketArn, sourceObjects] },
        },
      }),
      // kms:Decrypt on the destination key too: S3 verifies a destination Bucket Key by decrypting it.
      new iam.PolicyStatement({
        sid: 'EncryptReplicas',
        actions: ['kms:Encrypt', 'kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [props.destinationKeyArn],
        conditions: {
          StringEquals: { 'kms:ViaService': `s3.${props.destinationRegion}.amazonaws.com` },
          StringLike: { 'kms:EncryptionContext:aws:s3:arn': [props.destinationBucketArn, destinationObjects] },
        },
      }),
    ];
    for (const statement of statements) this.role.addToPrincipalPolicy(statement);
    // A reference to another stack resolves to its import only at synth, so cdk-nag's finding id
    // for it cannot be known here.
    acknowledgeObjectWildcards(
      this.role.node.findChild('DefaultPolicy').node.defaultChild!,
      [sourceObjects, destinationObjects].filter((arn) => !referencesOtherStack(stack, arn)),
    );

    this.sourceBucketName = source.bucketName;
    this.destinationBucketName = Fn.select(5, Fn.split(':', props.destinationBucketArn));
    sourceResource.replicationConfiguration = {
      role: this.role.roleArn,
      rules: [
        {
          id: this.ruleId,
          priority: 1,
          status: 'Enabled',
          filter: { prefix: '' },
          deleteMarkerReplication: { status: deleteMarkerReplication ? 'Enabled' : 'Disabled' },
          sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: 'Enabled' } },
          destination: {
            bucket: props.destinationBucketArn,
            encryptionConfiguration: { replicaKmsKeyId: props.destinationKeyArn },
            storageClass,
            replicationTime: replicationTimeControl ? { status: 'Enabled', time: { minutes: RTC_MINUTES } } : undefined,
            // Metrics stay on without RTC, so replication lag is still visible; the threshold event needs RTC.
            metrics: replicationTimeControl ? { status: 'Enabled', eventThreshold: { minutes: RTC_MINUTES } } : { status: 'Enabled' },
          },
        },
      ],
    };
  }

  /**
   * Seconds the oldest pending object has waited (maximum per 5 minutes), from S3 replication
   * metrics (published in the source region): alarm on it, or objects written before a region
   * loss may be missing from the DR copy beyond the RPO.
   */
  latencyMetric(): cloudwatch.Metric {
    return this.metric('ReplicationLatency', 'Maximum');
  }

  /** Objects that failed to replicate (sum per 5 minutes): each one is missing in the DR copy. */
  failedOperationsMetric(): cloudwatch.Metric {
    return this.metric('OperationsFailedReplication', 'Sum');
  }

  private metric(metricName: string, statistic: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/S3',
      metricName,
      dimensionsMap: { SourceBucket: this.sourceBucketName, DestinationBucket: this.destinationBucketName, RuleId: this.ruleId },
      statistic,
      period: Duration.minutes(5),
    });
  }
}

/** Whether `value` holds a reference to a resource of a stack other than `stack`. */
function referencesOtherStack(stack: Stack, value: string): boolean {
  return Tokenization.reverseString(value).tokens.some((token) => Reference.isReference(token) && Stack.of(token.target) !== stack);
}

function validateRegion(stack: Stack, region: string): void {
  if (Token.isUnresolved(region)) return;
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
    throw new Error(
      `BucketReplication.destinationRegion: received "${region}"; expected an AWS region code such as eu-central-1; pass the ` +
        `DR stack's region`,
    );
  }
  if (!Token.isUnresolved(stack.region) && region === stack.region) {
    throw new Error(
      `BucketReplication.destinationRegion: received "${region}", the source bucket's own region; expected another region ` +
        `(control DR-REGION), so a regional outage cannot take both copies; pass the DR stack's region`,
    );
  }
}

function validateBucketArn(arn: string): void {
  if (Token.isUnresolved(arn)) return;
  if (!/^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(arn)) {
    throw new Error(
      `BucketReplication.destinationBucketArn: received "${arn}"; expected an S3 bucket ARN (arn:aws:s3:::<bucket-name>, no ` +
        `object path); pass the DR stack's ReplicaBucket bucketArn`,
    );
  }
}

function validateKeyArn(stack: Stack, arn: string, region: string): void {
  if (Token.isUnresolved(arn)) return;
  const match = new RegExp(
    '^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\\d{12}):key\\/(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9' +
      'a-f]{32})$',
  ).exec(arn);
  if (!match) {
    throw new Error(
      `BucketReplication.destinationKeyArn: received "${arn}"; expected a KMS key ARN ` +
        `(arn:aws:kms:<region>:<account>:key/<key-id>), not an alias: the role's policy must name the key itself; pass the DR ` +
        `key's keyArn`,
    );
  }
  if (!Token.isUnresolved(region) && match[1] !== region) {
    throw new Error(
      `BucketReplication.destinationKeyArn: received a key in ${match[1]}; expected a key in destinationRegion ${region} (S3 ` +
        `encrypts replicas with a key of the destination's region); pass the DR stack's key`,
    );
  }
  if (!Token.isUnresolved(stack.account) && match[2] !== stack.account) {
    throw new Error(
      `BucketReplication.destinationKeyArn: received a key of account ${match[2]}; expected a key of this stack's account ` +
        `${stack.account}; cross-account replication is not supported (the DR key policy would have to trust this account)`,
    );
  }
}

/**
 * Acknowledges AwsSolutions-IAM5 for the object ARNs (`<bucket>/*`) of the replication policy,
 * named as cdk-nag renders them. S3 names objects only by a pattern, so replication of a whole
 * bucket cannot be granted without `/*`.
 */
function acknowledgeObjectWildcards(policy: IConstruct, objectArns: string[]): void {
  if (objectArns.length === 0) return;
  acknowledgeDecision(policy, 'replication-object-arns', { params: { objectArn: objectArns.map((arn) => nagFindingId(policy, arn)) } });
}
