import { type CfnResource, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { allowCloudWatchLogs, denyGrantsToNonServices } from '../lib/aws/baseline-keys';
import { BaselineWebAcl } from '../lib/aws/baseline-web-acl';
import { ImmutableLogArchive } from '../lib/aws/immutable-log-archive';
import { SecureBucket } from '../lib/aws/secure-bucket';
import type { AwsEnvironmentConfig } from '../lib/config/schema';
import { POLICY_FLOORS } from '../lib/config/floors';
import { RESIDENCY_EXCEPTION_MARKER } from '../lib/controls/markers';
import { acknowledgeGeneratedResources, acknowledgeLockedLogBucket, acknowledgeLogSink } from '../lib/policy/stack-acknowledgements';

/** Props of {@link AwsEdgeStack}. */
export interface AwsEdgeStackProps extends StackProps {
  /** Name prefix, `<project>-<environment>`. */
  readonly prefix: string;
  /** The environment's validated config. */
  readonly config: AwsEnvironmentConfig;
}

/**
 * The us-east-1 part of an environment: the CLOUDFRONT-scope web ACL that CloudFront requires to
 * live in us-east-1, with its own log key. The primary stack reads the ACL's ARN through CDK's
 * cross-region references (no hand-copied ARNs).
 */
export class AwsEdgeStack extends Stack {
  /** The CloudFront web ACL. */
  readonly webAcl: BaselineWebAcl;

  constructor(scope: Construct, id: string, props: AwsEdgeStackProps) {
    super(scope, id, props);
    const { config } = props;
    const logsKey = new kms.Key(this, 'LogsKey', {
      alias: `alias/${props.prefix}/edge-logs`,
      description: 'CloudFront web ACL logs',
      enableKeyRotation: true,
      pendingWindow: Duration.days(30),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    allowCloudWatchLogs(logsKey);
    denyGrantsToNonServices(logsKey);
    // The CDN serves static files only: no login paths here, so only the global rate limit.
    this.webAcl = new BaselineWebAcl(this, 'CdnWebAcl', {
      name: `${props.prefix}-cdn`,
      scope: 'CLOUDFRONT',
      globalRateLimit: config.waf.globalRateLimit,
      logsKey,
      logRetention: config.logging.retentionDays as logs.RetentionDays,
    });
    // LOG-RETENTION: the CloudFront web ACL's logs get the same tamper-proof copy as the regions'.
    const accessLogs = new SecureBucket(this, 'AccessLogs', {
      noncurrentVersionRetentionDays: POLICY_FLOORS.retention.logDays,
      expirationDays: config.logging.retentionDays,
    }).resource;
    acknowledgeLogSink(accessLogs);
    const logBucket = new SecureBucket(this, 'LogArchiveBucket', {
      encryptionKey: logsKey,
      serverAccessLogsBucket: accessLogs,
      objectLockRetention: s3.ObjectLockRetention.compliance(Duration.days(config.logging.retentionDays)),
      noncurrentVersionRetentionDays: config.logging.retentionDays,
      expirationDays: config.logging.retentionDays,
    }).resource;
    acknowledgeLockedLogBucket(logBucket);
    const archive = new ImmutableLogArchive(this, 'LogArchive', { bucket: logBucket, key: logsKey });
    // DATA-RESIDENCY: the copies hold the same request logs as the web ACL's log group, which AWS
    // delivers in us-east-1 only; declared, so every report names them instead of hiding them.
    const why =
      "Immutable copy (and its access log) of the CloudFront web ACL's request logs, which AWS WAF delivers in us-east-1 " +
      'only; request logs of the static-asset CDN, not service data';
    for (const resource of [accessLogs.node.defaultChild, logBucket.node.defaultChild, archive.resource]) {
      (resource as CfnResource).addMetadata(RESIDENCY_EXCEPTION_MARKER, why);
    }
    acknowledgeGeneratedResources(this, config.logging.retentionDays);
  }
}
