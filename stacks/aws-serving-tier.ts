import { Duration, type Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AppGateway } from '../lib/aws/app-gateway';
import { AppTier } from '../lib/aws/app-tier';
import type { BaselineKeys } from '../lib/aws/baseline-keys';
import { BaselineNetwork } from '../lib/aws/baseline-network';
import { BaselineWebAcl } from '../lib/aws/baseline-web-acl';
import { ConfigRecorder } from '../lib/aws/config-recorder';
import { ImmutableLogArchive } from '../lib/aws/immutable-log-archive';
import { SecureBucket } from '../lib/aws/secure-bucket';
import { SecurityAlerts } from '../lib/aws/security-alerts';
import { ThreatDetection } from '../lib/aws/threat-detection';
import { CLOUDFLARE_IPV4_RANGES, CLOUDFLARE_IPV6_RANGES } from '../lib/config/cloudflare-ranges';
import type { AwsEnvironmentConfig } from '../lib/config/schema';

/** Where the serving tier runs: the primary region, or the DR region's warm standby. */
export interface ServingTierOptions {
  readonly prefix: string;
  readonly config: AwsEnvironmentConfig;
  readonly keys: BaselineKeys;
  /** The stack's S3 server-access-log sink. */
  readonly accessLogs: s3.IBucket;
  readonly vpcCidr: string;
  readonly availabilityZones: readonly string[];
  readonly certificateArn: string;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  /** The DR region's warm standby: app tier may idle at 0-1 instances (control DR-REGION). */
  readonly standby: boolean;
  /**
   * Where this region's AWS Config recorder delivers (the environment's one Config bucket and its
   * key); absent when the organization records centrally (`aws.accountServices.config` "managed").
   */
  readonly configDelivery?: { readonly bucketName: string; readonly keyArn: string };
}

/** What {@link addServingTier} builds. */
export interface ServingTier {
  readonly alerts: SecurityAlerts;
  readonly network: BaselineNetwork;
  readonly albLogs: s3.Bucket;
  readonly webAcl: BaselineWebAcl;
  readonly gateway: AppGateway;
  readonly appTier: AppTier;
  readonly logArchive: ImmutableLogArchive;
}

/**
 * The request path of one region, built the same way in the primary region and in the DR
 * region's warm standby, so failover runs on identical controls: tiered network with flow logs,
 * the same web ACL (same rules and rate limits), the HTTPS-only load balancer, the app tier
 * admitting only the load balancer, the alert topic and the regional alarms. Construct ids are
 * the stack's own (`Network`, `Gateway`, `App`...), unchanged from before this was shared.
 */
export function addServingTier(stack: Stack, options: ServingTierOptions): ServingTier {
  const { config, keys, prefix } = options;
  const retention = config.logging.retentionDays as logs.RetentionDays;
  const alerts = new SecurityAlerts(stack, 'Alerts', { key: keys.logs, emails: config.alerts.emails, smsNumbers: config.alerts.smsNumbers });
  const network = new BaselineNetwork(stack, 'Network', {
    cidr: options.vpcCidr,
    availabilityZones: [...options.availabilityZones],
    logsKey: keys.logs,
    flowLogRetention: retention,
  });
  const albLogs = new SecureBucket(stack, 'AlbLogs', {
    serverAccessLogsBucket: options.accessLogs,
    objectLockRetention: s3.ObjectLockRetention.compliance(Duration.days(config.logging.retentionDays)),
    noncurrentVersionRetentionDays: config.logging.retentionDays,
    expirationDays: config.logging.retentionDays,
  }).bucket;
  const webAcl = new BaselineWebAcl(stack, 'WebAcl', {
    name: `${prefix}-app`,
    globalRateLimit: config.waf.globalRateLimit,
    criticalPaths: config.waf.criticalPaths,
    extraManagedRuleGroups: config.waf.extraManagedRuleGroups,
    logsKey: keys.logs,
    logRetention: retention,
  });
  const gateway = new AppGateway(stack, 'Gateway', {
    vpc: network.vpc,
    subnets: network.publicSubnets,
    certificateArn: options.certificateArn,
    accessLogsBucket: albLogs,
    targetPort: config.aws.app.port,
    healthCheckPath: config.aws.app.healthCheckPath,
    // ORIGIN-LOCK: fronted by Cloudflare, the load balancer admits only the edge's ranges, so the
    // edge's WAF, rate limits and bot checks cannot be bypassed by calling the origin directly.
    allowedSources: config.cloudflare?.originLock
      ? [...CLOUDFLARE_IPV4_RANGES.map((cidr) => ec2.Peer.ipv4(cidr)), ...CLOUDFLARE_IPV6_RANGES.map((cidr) => ec2.Peer.ipv6(cidr))]
      : undefined,
  });
  webAcl.associate(gateway.loadBalancer.loadBalancerArn);
  const appTier = new AppTier(stack, 'App', {
    vpc: network.vpc,
    subnets: network.appSubnets,
    targetGroup: gateway.targetGroup,
    gatewaySecurityGroup: gateway.securityGroup,
    port: config.aws.app.port,
    volumeKey: keys.data,
    alertTopic: alerts.topic,
    instanceTypes: config.aws.app.instanceTypes.map((t) => new ec2.InstanceType(t)),
    minCapacity: options.minCapacity,
    maxCapacity: options.maxCapacity,
    standby: options.standby,
  });

  alerts.alarm('WafBlockedSpike', {
    alarmDescription: 'WAF is blocking an unusual number of requests: an attack or a false positive after a rule change.',
    metric: new cloudwatch.Metric({
      namespace: 'AWS/WAFV2',
      metricName: 'BlockedRequests',
      dimensionsMap: { WebACL: webAcl.webAclName, Region: stack.region, Rule: 'ALL' },
      statistic: 'Sum',
      period: Duration.minutes(5),
    }),
    threshold: 1000,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
  });
  alerts.alarm('Gateway5xx', {
    alarmDescription: 'The load balancer returns 5xx errors: no healthy targets or overload.',
    metric: gateway.loadBalancer.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { period: Duration.minutes(5), statistic: 'Sum' }),
    threshold: 50,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
  });
  // A standby with no instances has no healthy or unhealthy hosts; the alarm fires only once
  // failover scales it out and an instance fails.
  alerts.alarm('UnhealthyHosts', {
    alarmDescription: 'App instances fail their health checks.',
    metric: gateway.targetGroup.metrics.unhealthyHostCount({ period: Duration.minutes(1), statistic: 'Maximum' }),
    threshold: 1,
    evaluationPeriods: 3,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
  });

  // LOG-RETENTION: every marked log group of the stack (flow logs, WAF logs, host logins) is
  // copied into the region's Object-Locked log bucket, where no administrator can delete it.
  const logArchive = new ImmutableLogArchive(stack, 'LogArchive', { bucket: albLogs, key: keys.logs });
  alerts.alarm('LogArchiveStalled', {
    alarmDescription: 'The immutable copy of flow, WAF and host logs is not reaching the Object-Locked bucket: the tamper-proof record has a gap.',
    metric: logArchive.freshness(),
    threshold: logArchive.freshnessThresholdSeconds,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });

  // GuardDuty, Security Hub and Inspector are regional: each region the environment runs in
  // enables its own, honouring the same create / managed switch (control DETECT-THREATS).
  new ThreatDetection(stack, 'ThreatDetection', {
    alertTopic: alerts.topic,
    guardDuty: config.aws.accountServices.guardDuty,
    securityHub: config.aws.accountServices.securityHub,
    inspector: config.aws.accountServices.inspector,
    logsKey: keys.logs,
    logRetention: retention,
  });
  // Security Hub's controls read AWS Config: every region that runs the hub records here, the
  // global IAM resources in the primary region only (control DETECT-THREATS).
  if (options.configDelivery) {
    new ConfigRecorder(stack, 'ConfigRecorder', {
      deliveryBucketName: options.configDelivery.bucketName,
      deliveryKeyArn: options.configDelivery.keyArn,
      includeGlobalResourceTypes: !options.standby,
    });
  }
  return { alerts, network, albLogs, webAcl, gateway, appTier, logArchive };
}
