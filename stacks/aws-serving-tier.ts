import { Duration, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { acknowledgeDecision } from '../lib/policy/acknowledge';
import { AppGateway } from '../lib/aws/app-gateway';
import { AppTier } from '../lib/aws/app-tier';
import type { BaselineKeys } from '../lib/aws/baseline-keys';
import { BaselineNetwork } from '../lib/aws/baseline-network';
import { BaselineWebAcl } from '../lib/aws/baseline-web-acl';
import { OriginTrustStore } from '../lib/aws/origin-trust-store';
import { ConfigRecorder } from '../lib/aws/config-recorder';
import { ImmutableLogArchive, markLogClass } from '../lib/aws/immutable-log-archive';
import { SecureBucket } from '../lib/aws/secure-bucket';
import { bindServicePrincipals, sourceConditions } from '../lib/aws/service-principal-binding';
import { SecurityAlerts } from '../lib/aws/security-alerts';
import { ThreatDetection } from '../lib/aws/threat-detection';
import { CLOUDFLARE_IPV4_RANGES, CLOUDFLARE_IPV6_RANGES } from '../lib/config/cloudflare-ranges';
import { CLOUDFLARE_CLIENT_IP_HEADER } from '../lib/config/origin-pull';
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
  /** Smallest RSA key accepted on the hosts (guardrails.minRsaBits). */
  readonly minRsaBits: number;
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
  /** The origin-pull trust store, when the environment is locked to its Cloudflare zone. */
  readonly originTrust?: OriginTrustStore;
  /** The region's log group of SSH authentication logs (marked `host-auth` with markLogClass). */
  readonly hostAuthLogs: logs.LogGroup;
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
  // Locked to the Cloudflare zone (ORIGIN-LOCK): only its ranges, its client certificate and its
  // hostnames reach the load balancer, which is what makes CF-Connecting-IP trustworthy.
  const cf = config.cloudflare;
  const lock = cf?.originLock ? cf : undefined;
  const alerts = new SecurityAlerts(stack, 'Alerts', { key: keys.logs, emails: config.alerts.emails, smsNumbers: config.alerts.smsNumbers });
  const network = new BaselineNetwork(stack, 'Network', {
    cidr: options.vpcCidr,
    availabilityZones: [...options.availabilityZones],
    interfaceEndpoints: config.aws.endpoints,
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
    // Behind the locked edge, count the client Cloudflare saw, not the edge node's address.
    clientIpHeader: lock ? CLOUDFLARE_CLIENT_IP_HEADER : undefined,
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
    allowedSources: lock
      ? [...CLOUDFLARE_IPV4_RANGES.map((cidr) => ec2.Peer.ipv4(cidr)), ...CLOUDFLARE_IPV6_RANGES.map((cidr) => ec2.Peer.ipv6(cidr))]
      : undefined,
    hostnames: lock ? [lock.hostname, ...lock.additionalHostnames] : undefined,
  });
  webAcl.associate(gateway.loadBalancer.loadBalancerArn);
  // ALB access logs: CDK also grants the vended-log delivery service, without source
  // conditions; bound here to this account's log deliveries (ELB's own account principal writes
  // only under AWSLogs/<this account>/).
  bindServicePrincipals(albLogs.policy!, {
    'delivery.logs.amazonaws.com': sourceConditions(stack, `arn:${stack.partition}:logs:${stack.region}:${stack.account}:*`),
  });
  // Every SSH login to the region's hosts (bastion and app tier) lands here, one stream per
  // instance (controls BASTION-SSH, LOG-CENTRAL). The tag marks it for forwarding and checks.
  const hostAuthLogs = new logs.LogGroup(stack, 'HostAuthLogs', {
    logGroupName: `/${prefix}/hosts/auth`,
    encryptionKey: keys.logs,
    retention,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  markLogClass(hostAuthLogs, 'host-auth');
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
    hostAccess: { users: config.bastion.users, authLogGroup: hostAuthLogs, minRsaBits: options.minRsaBits },
  });
  allowHostEgress(network, appTier.securityGroup, config.egress.packageMirrors);

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
    alertTopicKey: keys.logs,
    guardDuty: config.aws.accountServices.guardDuty,
    securityHub: config.aws.accountServices.securityHub,
    inspector: config.aws.accountServices.inspector,
    logsKey: keys.logs,
    logRetention: retention,
  });
  // The zones the config pins (HA-MULTIZONE, DATA-RESIDENCY), on the resources that name them:
  // every subnet, and the app group (which Control Tower requires to list them, CT.AUTOSCALING.PR.1).
  for (const subnet of [...network.vpc.publicSubnets, ...network.vpc.privateSubnets, ...network.vpc.isolatedSubnets]) {
    acknowledgeDecision(subnet.node.defaultChild!, 'pinned-availability-zones');
  }
  acknowledgeDecision(appTier.autoScalingGroup.node.defaultChild!, 'pinned-availability-zones');
  // Mutual TLS against the zone's own CA (ORIGIN-LOCK). Its bundle writer shares the stack's AWS
  // API call handler (acknowledgeAwsCallProvider applies the handler's decisions once).
  let originTrust: OriginTrustStore | undefined;
  if (lock?.originPull) {
    originTrust = new OriginTrustStore(stack, 'OriginTrust', {
      caCertificates: lock.originPull.caCertificates,
      revocationList: lock.originPull.revocationList,
      encryptionKey: keys.data,
      logsKey: keys.logs,
      serverAccessLogsBucket: options.accessLogs,
      noncurrentVersionRetentionDays: config.backup.fileRetentionDays,
      logRetention: retention,
    });
    gateway.verifyClientCertificates(originTrust.trustStore);
  }
  // Security Hub's controls read AWS Config: every region that runs the hub records here, the
  // global IAM resources in the primary region only (control DETECT-THREATS).
  if (options.configDelivery) {
    new ConfigRecorder(stack, 'ConfigRecorder', {
      deliveryBucketName: options.configDelivery.bucketName,
      deliveryKeyArn: options.configDelivery.keyArn,
      includeGlobalResourceTypes: !options.standby,
    });
  }
  return { alerts, network, albLogs, webAcl, gateway, appTier, hostAuthLogs, originTrust, logArchive };
}

/**
 * What a host may reach (control NET-TIERS): the AWS services through the VPC's endpoints, and
 * the configured package mirrors' ranges on 80/443 (host names need no rule on AWS: Amazon
 * Linux's repositories are in S3, reached through the gateway endpoint).
 */
export function allowHostEgress(network: BaselineNetwork, securityGroup: ec2.SecurityGroup, packageMirrors: readonly string[]): void {
  network.allowAwsServiceEgress(securityGroup);
  for (const mirror of packageMirrors.filter((m) => m.includes('/'))) {
    const peer = mirror.includes(':') ? ec2.Peer.ipv6(mirror) : ec2.Peer.ipv4(mirror);
    securityGroup.addEgressRule(peer, ec2.Port.tcp(443), `HTTPS to the package mirror ${mirror}`);
    securityGroup.addEgressRule(peer, ec2.Port.tcp(80), `HTTP (signed packages) to the package mirror ${mirror}`);
  }
}
