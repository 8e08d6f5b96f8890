import { createHash } from 'node:crypto';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { POLICY_FLOORS } from '../config/floors';
import { checkOriginPullCa, checkRevocationList } from '../config/origin-pull';
import { acknowledgeAwsCallProvider, acknowledgeDecision } from '../policy/acknowledge';
import { SecureBucket } from './secure-bucket';

/** Props of {@link OriginTrustStore}. */
export interface OriginTrustStoreProps {
  /**
   * The CA certificates (PEM, one per entry) whose client certificates the load balancer accepts:
   * the CA of the edge zone's origin-pull certificate and, only while rotating, the next one.
   * Never Cloudflare's shared origin-pull CA, which every Cloudflare zone's requests present.
   */
  readonly caCertificates: readonly string[];
  /**
   * A certificate revocation list of the CA (PEM, `openssl ca -gencrl`): client certificates it
   * lists are refused.
   * @default - no revocation list
   */
  readonly revocationList?: string;
  /** Key encrypting the bundle bucket (the CA certificates are public, but the bucket is not). */
  readonly encryptionKey: kms.IKey;
  /** Key encrypting the deployment-time writer's log group, when this construct creates it. */
  readonly logsKey: kms.IKey;
  /** Bucket receiving the bundle bucket's server access logs. */
  readonly serverAccessLogsBucket: s3.IBucket;
  /**
   * Days each written bundle is locked (S3 Object Lock, compliance mode): the version the trust
   * store was created from cannot be overwritten or deleted, even by an administrator.
   * @default 30
   */
  readonly bundleRetentionDays?: number;
  /**
   * Days an overwritten bundle version is kept (the BACKUP control's file retention), at least
   * `bundleRetentionDays`.
   * @default 90
   */
  readonly noncurrentVersionRetentionDays?: number;
  /**
   * Days the deployment-time writer's log group keeps events, when this construct is the first
   * user of the stack's AWS API call handler.
   * @default 90
   */
  readonly logRetention?: logs.RetentionDays;
}

/** Id of the stack-wide handler of CDK's AwsCustomResource (AwsCustomResource.PROVIDER_FUNCTION_UUID). */
const SDK_CALL_HANDLER_ID = `AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`;

/**
 * The trust anchor of the load balancers' mutual TLS (control ORIGIN-LOCK; claims A2, A10, A12):
 * an `AWS::ElasticLoadBalancingV2::TrustStore` holding only the edge zone's origin-pull CA(s), and
 * optionally their revocation list. The CA bundle lives in a bucket this stack owns (versioned,
 * KMS-encrypted, Object-Locked, access-logged), is written at deployment by CDK's AWS API call
 * handler (there is no CloudFormation resource for an S3 object; the stack already runs that
 * handler for Inspector, so no new function), under a content-hashed key, and the trust store is
 * pinned to the exact object version written. A listener in `verify` mode against it accepts only
 * connections presenting a certificate this CA issued: another Cloudflare zone, which presents
 * Cloudflare's shared certificate or its own, cannot reach the origin.
 */
export class OriginTrustStore extends Construct {
  /** The trust store, for the listeners' mutual authentication. */
  readonly resource: elbv2.TrustStore;
  /** The bucket holding the CA bundle (and revocation list). */
  readonly bucket: s3.Bucket;
  /** S3 key of the CA bundle written at deployment. */
  readonly bundleKey: string;

  constructor(scope: Construct, id: string, props: OriginTrustStoreProps) {
    super(scope, id);
    const where = `OriginTrustStore ${this.node.path}`;
    if (props.caCertificates.length === 0 || props.caCertificates.length > 2) {
      throw new Error(
        `${where}: caCertificates has ${props.caCertificates.length} entries; expected the zone's CA and, while rotating, the ` +
          `next one (1 or 2)`,
      );
    }
    const pems = props.caCertificates.map((text, i) => {
      const checked = checkOriginPullCa(text);
      if ('error' in checked) throw new Error(`${where}: caCertificates[${i}] ${checked.error}`);
      return checked.pem;
    });
    let crl: string | undefined;
    if (props.revocationList !== undefined) {
      const checked = checkRevocationList(props.revocationList);
      if ('error' in checked) throw new Error(`${where}: revocationList ${checked.error}`);
      crl = checked.pem;
    }
    const retentionDays = props.bundleRetentionDays ?? 30;
    if (!Number.isInteger(retentionDays) || retentionDays < 1 || retentionDays > 3650) {
      throw new Error(`${where}: bundleRetentionDays ${retentionDays} is out of range; expected a whole number of days from 1 to 3650`);
    }

    const noncurrentDays = props.noncurrentVersionRetentionDays ?? POLICY_FLOORS.retention.fileBackupDays;
    if (!Number.isInteger(noncurrentDays) || noncurrentDays < retentionDays) {
      throw new Error(
        `${where}: noncurrentVersionRetentionDays ${noncurrentDays} is invalid; expected a whole number of days of at least ` +
          `bundleRetentionDays (${retentionDays})`,
      );
    }
    this.bucket = new SecureBucket(this, 'Bucket', {
      encryptionKey: props.encryptionKey,
      serverAccessLogsBucket: props.serverAccessLogsBucket,
      noncurrentVersionRetentionDays: noncurrentDays,
      objectLockRetention: s3.ObjectLockRetention.compliance(Duration.days(retentionDays)),
    }).resource;
    acknowledgeDecision(this.bucket.node.defaultChild!, 'trust-store-bundle-not-replicated');

    const bundle = pems.join('');
    this.bundleKey = `origin-pull/ca-bundle-${sha256(bundle).slice(0, 16)}.pem`;
    const firstHandlerUser = Stack.of(this).node.tryFindChild(SDK_CALL_HANDLER_ID) === undefined;
    const bundleWriter = this.write('CaBundle', this.bundleKey, bundle, props, firstHandlerUser);
    this.resource = new elbv2.TrustStore(this, 'Resource', {
      bucket: this.bucket,
      key: this.bundleKey,
      // The exact version written above, Object-Locked: the trust anchor cannot be swapped under it.
      version: bundleWriter.getResponseField('VersionId'),
    });
    if (crl !== undefined) {
      const crlKey = `origin-pull/revocation-${sha256(crl).slice(0, 16)}.pem`;
      const crlWriter = this.write('RevocationList', crlKey, crl, props, false);
      new elbv2.TrustStoreRevocation(this, 'Revocation', {
        trustStore: this.resource,
        revocationContents: [
          { revocationType: elbv2.RevocationType.CRL, bucket: this.bucket, key: crlKey, version: crlWriter.getResponseField('VersionId') },
        ],
      });
    }
    acknowledgeAwsCallProvider((bundleWriter.grantPrincipal as iam.Role).node.scope!);
  }

  /** Writes one object at deployment (create and update; never deleted: it is Object-Locked). */
  private write(id: string, key: string, body: string, props: OriginTrustStoreProps, withLogGroup: boolean): cr.AwsCustomResource {
    const stack = Stack.of(this);
    const call: cr.AwsSdkCall = {
      service: 'S3',
      action: 'putObject',
      // The checksum satisfies Object Lock's integrity requirement on writes.
      parameters: {
        Bucket: this.bucket.bucketName,
        Key: key,
        Body: body,
        ContentType: 'application/x-pem-file',
        ChecksumAlgorithm: 'SHA256',
      },
      physicalResourceId: cr.PhysicalResourceId.of(key),
    };
    // Through S3 only, and only for this bucket's objects (the handler is shared by the stack).
    const viaThisBucket = {
      StringEquals: {
        'kms:ViaService': `s3.${stack.region}.${stack.urlSuffix}`,
        'kms:EncryptionContext:aws:s3:arn': this.bucket.bucketArn,
      },
    };
    return new cr.AwsCustomResource(this, id, {
      onCreate: call,
      onUpdate: call,
      installLatestAwsSdk: false,
      ...(withLogGroup
        ? {
            logGroup: new logs.LogGroup(this, 'WriterLogs', {
              encryptionKey: props.logsKey,
              retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
              removalPolicy: RemovalPolicy.RETAIN,
            }),
          }
        : {}),
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [this.bucket.arnForObjects(key)] }),
        new iam.PolicyStatement({
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [props.encryptionKey.keyArn],
          conditions: viaThisBucket,
        }),
      ]),
    });
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
