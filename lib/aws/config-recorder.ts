import { Stack, Token } from 'aws-cdk-lib';
import * as config from 'aws-cdk-lib/aws-config';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** How often AWS Config delivers a snapshot of every recorded resource. */
export type ConfigSnapshotFrequency = 'One_Hour' | 'Three_Hours' | 'Six_Hours' | 'Twelve_Hours' | 'TwentyFour_Hours';
const FREQUENCIES: readonly string[] = ['One_Hour', 'Three_Hours', 'Six_Hours', 'Twelve_Hours', 'TwentyFour_Hours'];

/** Props of {@link ConfigRecorder}. */
export interface ConfigRecorderProps {
  /**
   * Bucket receiving configuration history and snapshots. AWS Config delivers across regions, so
   * every region of an environment can write to one bucket (give its name, it may live in another
   * stack); AWS Config refuses buckets with Object Lock. Let Config write into it with
   * {@link allowConfigDelivery}.
   */
  readonly deliveryBucketName: string;
  /**
   * ARN of the KMS key (in the bucket's region) that encrypts every delivered file (control
   * ENC-REST); its policy must let AWS Config use it ({@link allowConfigDelivery}).
   */
  readonly deliveryKeyArn: string;
  /**
   * Record the global IAM resources (users, roles, policies) too. Set it in one region only,
   * or every region records the same IAM items (and bills them).
   * @default true
   */
  readonly includeGlobalResourceTypes?: boolean;
  /**
   * How often a full snapshot is delivered.
   * @default 'TwentyFour_Hours'
   */
  readonly snapshotFrequency?: ConfigSnapshotFrequency;
  /**
   * ARN of the role AWS Config records with.
   * @default - the account's AWS Config service-linked role (AWSServiceRoleForConfig), which
   *   must exist before deployment (`aws iam create-service-linked-role --aws-service-name
   *   config.amazonaws.com`); AWS maintains its permissions
   */
  readonly roleArn?: string;
}

/**
 * The AWS Config recorder of a region (control DETECT-THREATS; claims A2, A4): records every
 * supported resource type (current and future) and delivers history and daily snapshots,
 * encrypted under a customer-managed key, to an S3 bucket. Security Hub's FSBP and CIS controls
 * evaluate these configuration items: without a recorder in the region most of them report no
 * data, so a misconfigured bucket or security group raises no finding at all.
 *
 * One recorder and one delivery channel may exist per account and region: where the organization
 * already records centrally, do not create this (config `aws.accountServices.config` "managed").
 * CloudFormation starts the recorder once the delivery channel exists.
 */
export class ConfigRecorder extends Construct {
  /** The configuration recorder. */
  readonly resource: config.CfnConfigurationRecorder;
  /** The delivery channel. */
  readonly deliveryChannel: config.CfnDeliveryChannel;

  constructor(scope: Construct, id: string, props: ConfigRecorderProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const frequency = props.snapshotFrequency ?? 'TwentyFour_Hours';
    if (!FREQUENCIES.includes(frequency)) {
      throw new Error(`ConfigRecorder.snapshotFrequency: received "${frequency}"; expected one of ${FREQUENCIES.join(', ')}`);
    }
    if (!Token.isUnresolved(props.deliveryBucketName) && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(props.deliveryBucketName)) {
      throw new Error(
        `ConfigRecorder.deliveryBucketName: received "${props.deliveryBucketName}"; expected an S3 bucket name (3-63 ` +
          `lower-case letters, digits, dots and dashes), not an ARN`,
      );
    }
    if (
      !Token.isUnresolved(props.deliveryKeyArn) &&
      !/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/.test(props.deliveryKeyArn)
    ) {
      throw new Error(
        `ConfigRecorder.deliveryKeyArn: received "${props.deliveryKeyArn}"; expected a KMS key ARN ` +
          `(arn:aws:kms:<region>:<account>:key/<id>), not an alias`,
      );
    }
    this.resource = new config.CfnConfigurationRecorder(this, 'Resource', {
      name: 'default',
      roleArn:
        props.roleArn ?? `arn:${stack.partition}:iam::${stack.account}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`,
      recordingGroup: { allSupported: true, includeGlobalResourceTypes: props.includeGlobalResourceTypes ?? true },
    });
    this.deliveryChannel = new config.CfnDeliveryChannel(this, 'DeliveryChannel', {
      name: 'default',
      s3BucketName: props.deliveryBucketName,
      s3KmsKeyArn: props.deliveryKeyArn,
      configSnapshotDeliveryProperties: { deliveryFrequency: frequency },
    });
    this.deliveryChannel.addResourceDependency(this.resource);
  }
}

/**
 * Lets AWS Config (acting for this account only, from any region) deliver into `bucket` under
 * `AWSLogs/<account>/Config/`, encrypted with `key`: the bucket and key policy statements of the
 * AWS Config developer guide for the service-linked role.
 */
export function allowConfigDelivery(bucket: s3.IBucket, key: kms.IKey): void {
  const stack = Stack.of(bucket);
  const service = new iam.ServicePrincipal('config.amazonaws.com');
  const thisAccount = { StringEquals: { 'aws:SourceAccount': stack.account } };
  bucket.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AWSConfigBucketCheck',
      principals: [service],
      actions: ['s3:GetBucketAcl', 's3:ListBucket'],
      resources: [bucket.bucketArn],
      conditions: thisAccount,
    }),
  );
  bucket.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AWSConfigBucketDelivery',
      principals: [service],
      actions: ['s3:PutObject'],
      resources: [bucket.arnForObjects(`AWSLogs/${stack.account}/Config/*`)],
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account, 's3:x-amz-acl': 'bucket-owner-full-control' } },
    }),
  );
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowConfigDelivery',
      principals: [service],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: ['*'],
      conditions: thisAccount,
    }),
  );
}
