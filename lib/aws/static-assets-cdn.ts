import { Duration, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { POLICY_FLOORS } from '../config/floors';
import { acknowledgeDecision } from '../policy/acknowledge';
import { SecureBucket } from './secure-bucket';

/** Props of {@link StaticAssetsCdn}. */
export interface StaticAssetsCdnProps {
  /** Private bucket holding the static assets; reached only through origin access control. */
  readonly assetsBucket: s3.IBucket;
  /** ARN of an ACM certificate in us-east-1 covering {@link domainNames}. */
  readonly certificateArn: string;
  /** Domain names the distribution serves. */
  readonly domainNames: readonly string[];
  /** ARN of a CLOUDFRONT-scope web ACL (created in us-east-1). */
  readonly webAclArn: string;
  /** Key encrypting the access logs; log delivery is allowed to use it. */
  readonly logsKey: kms.IKey;
  /** Bucket receiving the log bucket's own server access logs. */
  readonly serverAccessLogsBucket: s3.IBucket;
  /** Days access logs are kept. */
  readonly logRetentionDays: number;
  /**
   * HSTS max-age; at least one year (control EDGE-TLS).
   * @default 2 years
   */
  readonly hstsMaxAge?: Duration;
  /**
   * Adds `preload` to HSTS. Only once every subdomain serves HTTPS: preload lists are slow to leave.
   * @default false
   */
  readonly hstsPreload?: boolean;
  /**
   * The DR-region replica of the assets bucket (a {@link ReplicaBucket} of another stack, by name
   * and region): CloudFront serves from it, through origin access control, whenever the primary
   * bucket answers 403, 404 or 5xx (control DR-REGION). Its own policy must admit this
   * distribution (ReplicaBucket `cloudFrontSourceArn`), as CloudFront cannot edit a bucket of
   * another stack.
   * @default - no failover: a regional S3 outage serves cached objects only
   */
  readonly failoverOrigin?: { readonly bucketName: string; readonly region: string };
}

/** Primary-origin responses that send CloudFront to the failover origin. */
export const CDN_FAILOVER_STATUS_CODES = [403, 404, 500, 502, 503, 504] as const;

/**
 * The CDN for static assets (controls CDN-ASSETS and EDGE-TLS; claims A7, B1, B3): a CloudFront
 * distribution whose only origin is the private assets bucket, read through origin access
 * control (the bucket stays blocked to the public), viewers on TLS 1.2+ with SNI and HTTP
 * redirected, HSTS and other security headers on every response, a web ACL, and access logs.
 */
export class StaticAssetsCdn extends Construct {
  /** The distribution. */
  readonly resource: cloudfront.Distribution;
  /** The access-log bucket of the distribution. */
  readonly logBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: StaticAssetsCdnProps) {
    super(scope, id);
    const hstsMaxAge = props.hstsMaxAge ?? Duration.days(730);
    if (hstsMaxAge.toSeconds() < POLICY_FLOORS.tls.hstsMaxAgeSeconds) {
      throw new Error(
        `StaticAssetsCdn.hstsMaxAge: received ${hstsMaxAge.toSeconds()} s; expected at least ` +
          `${POLICY_FLOORS.tls.hstsMaxAgeSeconds} s (the HSTS floor: one year, claim A7)`,
      );
    }
    if (!Number.isInteger(props.logRetentionDays) || props.logRetentionDays < 1) {
      throw new Error(
        `StaticAssetsCdn.logRetentionDays: received ${props.logRetentionDays}; expected a positive number of days (it sets ` +
          `the log Object Lock and expiry)`,
      );
    }
    if (props.domainNames.length === 0) {
      throw new Error(
        'StaticAssetsCdn.domainNames: received an empty list; expected the names the certificate covers (the default ' +
          'cloudfront.net name cannot enforce TLS 1.2)',
      );
    }
    if (!props.certificateArn.startsWith('arn:aws:acm:us-east-1:') && !props.certificateArn.startsWith('${Token')) {
      throw new Error(
        `StaticAssetsCdn.certificateArn: received "${props.certificateArn}"; expected a certificate in us-east-1, the only ` +
          `region CloudFront reads`,
      );
    }
    // CloudFront standard logging writes with ACLs, so this one bucket keeps ACLs enabled for the
    // log-delivery account only (it still blocks all public access), and Object Lock keeps the
    // logs unchanged for their retention.
    this.logBucket = new SecureBucket(this, 'Logs', {
      encryptionKey: props.logsKey,
      objectLockRetention: s3.ObjectLockRetention.compliance(Duration.days(props.logRetentionDays)),
      serverAccessLogsBucket: props.serverAccessLogsBucket,
      noncurrentVersionRetentionDays: props.logRetentionDays,
      expirationDays: props.logRetentionDays,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
    }).resource;
    // CloudFront standard logging writes through the log-delivery service, whose key use carries
    // no source account or ARN in CloudFront's documented permission model. The grant is limited
    // to use through S3 of this region; naming the log bucket in the encryption context would make
    // a cycle (the bucket is encrypted under this key). Only distributions whose owner may change
    // this bucket's ACL can log into it. Gap: CloudFront standard logging v2 (vended logs) would
    // carry aws:SourceAccount and aws:SourceArn.
    const region = Stack.of(this).region;
    props.logsKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudFrontLogDelivery',
        principals: [new iam.ServicePrincipal('delivery.logs.amazonaws.com')],
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${region}.amazonaws.com` } },
      }),
    );
    const headers = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'HSTS and browser hardening for static assets',
      securityHeadersBehavior: {
        strictTransportSecurity: {
          accessControlMaxAge: hstsMaxAge,
          includeSubdomains: true,
          preload: props.hstsPreload ?? false,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
        xssProtection: { protection: true, modeBlock: true, override: true },
      },
    });
    let origin: cloudfront.IOrigin = origins.S3BucketOrigin.withOriginAccessControl(props.assetsBucket);
    if (props.failoverOrigin) {
      const replica = s3.Bucket.fromBucketAttributes(this, 'FailoverBucket', {
        bucketName: props.failoverOrigin.bucketName,
        region: props.failoverOrigin.region,
      });
      const replicaAccess = new cloudfront.S3OriginAccessControl(this, 'FailoverOriginAccessControl', {
        description: 'Failover origin: the DR-region assets replica',
        signing: cloudfront.Signing.SIGV4_ALWAYS,
      });
      origin = new origins.OriginGroup({
        primaryOrigin: origin,
        fallbackOrigin: origins.S3BucketOrigin.withOriginAccessControl(replica, { originAccessControl: replicaAccess }),
        fallbackStatusCodes: [...CDN_FAILOVER_STATUS_CODES],
      });
    }
    this.resource = new cloudfront.Distribution(this, 'Resource', {
      comment: 'Static assets',
      defaultBehavior: {
        origin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        compress: true,
      },
      certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn),
      domainNames: [...props.domainNames],
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      sslSupportMethod: cloudfront.SSLMethod.SNI,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      defaultRootObject: 'index.html',
      webAclId: props.webAclArn,
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
    });
    acknowledgeDecision(this.resource.node.defaultChild!, 'cdn-assets-served-worldwide');
    // Without a failover origin Control Tower's origin-failover rule reports the distribution (a
    // regional S3 outage would serve cached objects only): no acknowledgement hides that.
    if (props.failoverOrigin) acknowledgeDecision(this.resource, 'cdn-failover-origin-policy-in-dr-stack');
  }
}
