import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { CLOUDFLARE_IPV4_RANGES, CLOUDFLARE_IPV6_RANGES } from '../config/cloudflare-ranges';
import { POLICY_FLOORS } from '../config/floors';
import type { AwsInterfaceEndpoint } from '../config/least-privilege';
import { CLOUDFLARE_CLIENT_IP_HEADER } from '../config/origin-pull';
import { acknowledgeDecision } from '../policy/acknowledge';
import { AppGateway } from './app-gateway';
import { AppTier } from './app-tier';
import { BaselineNetwork } from './baseline-network';
import { BaselineWebAcl, type CriticalPathLimit, type RateLimit } from './baseline-web-acl';
import { ConfigRecorder } from './config-recorder';
import { ImmutableLogArchive, markLogClass } from './immutable-log-archive';
import type { HostUser } from './linux-host-access';
import { OriginTrustStore } from './origin-trust-store';
import { SecureBucket } from './secure-bucket';
import { SecurityAlerts } from './security-alerts';
import { bindServicePrincipals, sourceConditions } from './service-principal-binding';
import { ThreatDetection } from './threat-detection';

/** The Cloudflare zone a serving tier is locked to (control ORIGIN-LOCK). */
export interface CloudflareOriginLock {
  /** The names the load balancer answers (the zone's hostname and its additional names); every other Host gets 403. */
  readonly hostnames: readonly string[];
  /**
   * The CAs of the zone's own client certificate, which the load balancer verifies (mutual TLS).
   * @default - no client certificate is required: any Cloudflare zone could reach the origin
   */
  readonly originPull?: {
    /** CA certificates (PEM) the load balancer trusts for client certificates. */
    readonly caCertificates: readonly string[];
    /** @default - nothing revoked */
    readonly revocationList?: string;
  };
}

/** Where a region's AWS Config recorder delivers (the environment's one Config bucket). */
export interface ConfigDelivery {
  /** Name of the Config bucket (it lives in the DR region). */
  readonly bucketName: string;
  /** ARN of the key encrypting that bucket. */
  readonly keyArn: string;
}

/** Props of {@link ServingTier}. */
export interface ServingTierProps {
  /** Name prefix, `<project>-<environment>`: names the web ACL (`<prefix>-app`) and the host login log group (`/<prefix>/hosts/auth`). */
  readonly namePrefix: string;
  /** The region's logs key: alert topic, flow, WAF and host-login logs, the immutable log copy. */
  readonly logsKey: kms.IKey;
  /** The region's data key: app volumes and the origin trust store's bundle. */
  readonly dataKey: kms.IKey;
  /** Bucket receiving the server access logs of the tier's buckets. */
  readonly serverAccessLogsBucket: s3.IBucket;
  /**
   * Days every log of the tier is kept, a value CloudWatch Logs accepts (control LOG-RETENTION);
   * the load balancer's log bucket locks its objects as long.
   */
  readonly logRetentionDays: number;
  /** On-call addresses subscribed to the alert topic (control DETECT-THREATS). */
  readonly alertEmails: readonly string[];
  /**
   * Phone numbers subscribed to the alert topic by SMS.
   * @default - none
   */
  readonly alertSmsNumbers?: readonly string[];
  /** Address space of the tier's VPC (RFC 1918, /16 to /20). */
  readonly vpcCidr: string;
  /** The zones the tier spans, explicit so nothing asks AWS at synth (control HA-MULTIZONE). */
  readonly availabilityZones: readonly string[];
  /**
   * Interface VPC endpoints of the AWS APIs the hosts call without the internet.
   * @default - BaselineNetwork's default (logs, kms, secretsmanager, sts)
   */
  readonly interfaceEndpoints?: readonly AwsInterfaceEndpoint[];
  /** Per-client limit on all traffic (control WAF-RATE-GLOBAL). */
  readonly globalRateLimit: RateLimit;
  /**
   * Stricter per-client limits on the critical endpoints (control WAF-RATE-CRITICAL).
   * @default - none
   */
  readonly criticalPaths?: readonly CriticalPathLimit[];
  /**
   * AWS managed rule groups added to the always-on groups.
   * @default - none
   */
  readonly extraManagedRuleGroups?: readonly string[];
  /** ACM certificate of the HTTPS listener, in this account and region. */
  readonly certificateArn: string;
  /** Port the app serves HTTPS on. */
  readonly appPort: number;
  /** Path the load balancer's health check requests. */
  readonly healthCheckPath: string;
  /**
   * Instance types of the app tier, in order of preference (at least two).
   * @default - AppTier's default (m7i.large, m7a.large)
   */
  readonly instanceTypes?: readonly ec2.InstanceType[];
  /**
   * App instances kept running.
   * @default - AppTier's default: 2 (POLICY_FLOORS.availability.minAppInstances), 0 for a standby
   */
  readonly minCapacity?: number;
  /**
   * Largest size of the app tier.
   * @default - AppTier's default (6)
   */
  readonly maxCapacity?: number;
  /**
   * The tier is the warm standby of a DR region (control DR-REGION): the app tier may idle at 0-1
   * instances, and AWS Config records no global resources here (the primary region does).
   * @default false
   */
  readonly standby?: boolean;
  /** The people who may log in to the app hosts, one OS account each (control BASTION-SSH). */
  readonly hostUsers: readonly HostUser[];
  /**
   * Smallest RSA key accepted on the hosts.
   * @default 3072 (POLICY_FLOORS.access.minRsaBits)
   */
  readonly minRsaBits?: number;
  /**
   * Package mirrors the hosts may reach on 80/443, as CIDRs (control NET-TIERS); entries without
   * a `/` (host names, for the Azure hosts) are skipped.
   * @default - none: no internet egress at all
   */
  readonly packageMirrors?: readonly string[];
  /**
   * Locks the load balancer to a Cloudflare zone (control ORIGIN-LOCK): only Cloudflare's ranges
   * reach it, it verifies the zone's client certificate, answers only the zone's names, and the
   * web ACL counts the client behind Cloudflare (CF-Connecting-IP).
   * @default - not locked: the load balancer is the public entry point
   */
  readonly originLock?: CloudflareOriginLock;
  /**
   * Days an overwritten origin trust bundle version is kept (the BACKUP control's file retention).
   * @default 90 (POLICY_FLOORS.retention.fileBackupDays)
   */
  readonly fileRetentionDays?: number;
  /**
   * GuardDuty in this region: `create` here, or `managed` by a delegated administrator.
   * @default 'create'
   */
  readonly guardDuty?: 'create' | 'managed';
  /**
   * Security Hub in this region: `create` here, or `managed` by the organization.
   * @default 'create'
   */
  readonly securityHub?: 'create' | 'managed';
  /**
   * Amazon Inspector in this region: `create` here, or `managed` by a delegated administrator.
   * @default 'create'
   */
  readonly inspector?: 'create' | 'managed';
  /**
   * Where this region's AWS Config recorder delivers (Security Hub's controls read Config).
   * @default - no recorder: the organization records the account centrally
   */
  readonly configDelivery?: ConfigDelivery;
}

/**
 * The request path of one region, built the same way in the primary region and in the DR
 * region's warm standby, so failover runs on identical controls: tiered network with flow logs,
 * the same web ACL (same rules and rate limits), the HTTPS-only load balancer, the app tier
 * admitting only the load balancer, the alert topic and the regional alarms, threat detection,
 * and the immutable copy of the region's logs.
 *
 * Construct ids: the reference stacks create it with the id `Default`, which CDK leaves out of
 * logical ids, so the tier's resources kept the logical ids they had when the stacks built them
 * directly (`Network`, `Gateway`, `App`...): a new id would replace the load balancer, the log
 * bucket and the log groups.
 */
export class ServingTier extends Construct {
  /** The region's alert topic and alarms. */
  readonly alerts: SecurityAlerts;
  /** The tiered VPC. */
  readonly network: BaselineNetwork;
  /** The Object-Locked bucket of the load balancer's access logs and the immutable log copy. */
  readonly albLogs: s3.Bucket;
  /** The load balancer's web ACL. */
  readonly webAcl: BaselineWebAcl;
  /** The HTTPS-only load balancer. */
  readonly gateway: AppGateway;
  /** The app servers. */
  readonly appTier: AppTier;
  /** The origin-pull trust store, when the tier is locked to a Cloudflare zone with a client certificate. */
  readonly originTrust?: OriginTrustStore;
  /** The log group of SSH logins to the region's hosts (marked `host-auth`). */
  readonly hostAuthLogs: logs.LogGroup;
  /** The immutable copy of the region's flow, WAF and host-login logs. */
  readonly logArchive: ImmutableLogArchive;
  private readonly packageMirrors: readonly string[];

  constructor(scope: Construct, id: string, props: ServingTierProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const retention = props.logRetentionDays as logs.RetentionDays;
    // Locked to the Cloudflare zone (ORIGIN-LOCK): only its ranges, its client certificate and its
    // hostnames reach the load balancer, which is what makes CF-Connecting-IP trustworthy.
    const lock = props.originLock;
    this.packageMirrors = props.packageMirrors ?? [];
    this.alerts = new SecurityAlerts(this, 'Alerts', { key: props.logsKey, emails: props.alertEmails, smsNumbers: props.alertSmsNumbers });
    this.network = new BaselineNetwork(this, 'Network', {
      cidr: props.vpcCidr,
      availabilityZones: [...props.availabilityZones],
      interfaceEndpoints: props.interfaceEndpoints,
      logsKey: props.logsKey,
      flowLogRetention: retention,
    });
    this.albLogs = new SecureBucket(this, 'AlbLogs', {
      serverAccessLogsBucket: props.serverAccessLogsBucket,
      objectLockRetention: s3.ObjectLockRetention.compliance(Duration.days(props.logRetentionDays)),
      noncurrentVersionRetentionDays: props.logRetentionDays,
      expirationDays: props.logRetentionDays,
    }).resource;
    this.webAcl = new BaselineWebAcl(this, 'WebAcl', {
      name: `${props.namePrefix}-app`,
      globalRateLimit: props.globalRateLimit,
      criticalPaths: props.criticalPaths,
      extraManagedRuleGroups: props.extraManagedRuleGroups,
      // Behind the locked edge, count the client Cloudflare saw, not the edge node's address.
      clientIpHeader: lock ? CLOUDFLARE_CLIENT_IP_HEADER : undefined,
      logsKey: props.logsKey,
      logRetention: retention,
    });
    this.gateway = new AppGateway(this, 'Gateway', {
      vpc: this.network.resource,
      subnets: this.network.publicSubnets,
      certificateArn: props.certificateArn,
      accessLogsBucket: this.albLogs,
      targetPort: props.appPort,
      healthCheckPath: props.healthCheckPath,
      // ORIGIN-LOCK: fronted by Cloudflare, the load balancer admits only the edge's ranges, so the
      // edge's WAF, rate limits and bot checks cannot be bypassed by calling the origin directly.
      allowedSources: lock
        ? [...CLOUDFLARE_IPV4_RANGES.map((cidr) => ec2.Peer.ipv4(cidr)), ...CLOUDFLARE_IPV6_RANGES.map((cidr) => ec2.Peer.ipv6(cidr))]
        : undefined,
      hostnames: lock ? [...lock.hostnames] : undefined,
    });
    this.webAcl.associate(this.gateway.resource.loadBalancerArn);
    // ALB access logs: CDK also grants the vended-log delivery service, without source
    // conditions; bound here to this account's log deliveries (ELB's own account principal writes
    // only under AWSLogs/<this account>/).
    bindServicePrincipals(this.albLogs.policy!, {
      'delivery.logs.amazonaws.com': sourceConditions(stack, `arn:${stack.partition}:logs:${stack.region}:${stack.account}:*`),
    });
    // Every SSH login to the region's hosts (bastion and app tier) lands here, one stream per
    // instance (controls BASTION-SSH, LOG-CENTRAL). The tag marks it for forwarding and checks.
    this.hostAuthLogs = new logs.LogGroup(this, 'HostAuthLogs', {
      logGroupName: `/${props.namePrefix}/hosts/auth`,
      encryptionKey: props.logsKey,
      retention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    markLogClass(this.hostAuthLogs, 'host-auth');
    this.appTier = new AppTier(this, 'App', {
      vpc: this.network.resource,
      subnets: this.network.appSubnets,
      targetGroup: this.gateway.targetGroup,
      gateway: this.gateway,
      port: props.appPort,
      volumeKey: props.dataKey,
      alertTopic: this.alerts.resource,
      instanceTypes: props.instanceTypes,
      minCapacity: props.minCapacity,
      maxCapacity: props.maxCapacity,
      standby: props.standby,
      hostAccess: { users: props.hostUsers, authLogGroup: this.hostAuthLogs, minRsaBits: props.minRsaBits },
    });
    this.allowHostEgress(this.appTier);

    this.alerts.alarm('WafBlockedSpike', {
      alarmDescription: 'WAF is blocking an unusual number of requests: an attack or a false positive after a rule change.',
      metric: new cloudwatch.Metric({
        namespace: 'AWS/WAFV2',
        metricName: 'BlockedRequests',
        dimensionsMap: { WebACL: this.webAcl.webAclName, Region: stack.region, Rule: 'ALL' },
        statistic: 'Sum',
        period: Duration.minutes(5),
      }),
      threshold: 1000,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
    this.alerts.alarm('Gateway5xx', {
      alarmDescription: 'The load balancer returns 5xx errors: no healthy targets or overload.',
      metric: this.gateway.resource.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 50,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
    // A standby with no instances has no healthy or unhealthy hosts; the alarm fires only once
    // failover scales it out and an instance fails.
    this.alerts.alarm('UnhealthyHosts', {
      alarmDescription: 'App instances fail their health checks.',
      metric: this.gateway.targetGroup.metrics.unhealthyHostCount({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: 1,
      evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });

    // LOG-RETENTION: every marked log group of the stack (flow logs, WAF logs, host logins) is
    // copied into the region's Object-Locked log bucket, where no administrator can delete it.
    this.logArchive = new ImmutableLogArchive(this, 'LogArchive', { bucket: this.albLogs, key: props.logsKey });
    this.alerts.alarm('LogArchiveStalled', {
      alarmDescription:
        'The immutable copy of flow, WAF and host logs is not reaching the Object-Locked bucket: the tamper-proof record has a gap.',
      metric: this.logArchive.freshness(),
      threshold: this.logArchive.freshnessThresholdSeconds,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    // GuardDuty, Security Hub and Inspector are regional: each region the environment runs in
    // enables its own, honouring the same create / managed switch (control DETECT-THREATS).
    new ThreatDetection(this, 'ThreatDetection', {
      alertTopic: this.alerts.resource,
      alertTopicKey: props.logsKey,
      guardDuty: props.guardDuty,
      securityHub: props.securityHub,
      inspector: props.inspector,
      logsKey: props.logsKey,
      logRetention: retention,
    });
    // The zones the tier pins (HA-MULTIZONE, DATA-RESIDENCY), on the resources that name them:
    // every subnet, and the app group (which Control Tower requires to list them, CT.AUTOSCALING.PR.1).
    const vpc = this.network.resource;
    for (const subnet of [...vpc.publicSubnets, ...vpc.privateSubnets, ...vpc.isolatedSubnets]) {
      acknowledgeDecision(subnet.node.defaultChild!, 'pinned-availability-zones');
    }
    acknowledgeDecision(this.appTier.resource.node.defaultChild!, 'pinned-availability-zones');
    // Mutual TLS against the zone's own CA (ORIGIN-LOCK). Its bundle writer shares the stack's AWS
    // API call handler (acknowledgeAwsCallProvider applies the handler's decisions once).
    if (lock?.originPull) {
      this.originTrust = new OriginTrustStore(this, 'OriginTrust', {
        caCertificates: lock.originPull.caCertificates,
        revocationList: lock.originPull.revocationList,
        encryptionKey: props.dataKey,
        logsKey: props.logsKey,
        serverAccessLogsBucket: props.serverAccessLogsBucket,
        noncurrentVersionRetentionDays: props.fileRetentionDays ?? POLICY_FLOORS.retention.fileBackupDays,
        logRetention: retention,
      });
      this.gateway.verifyClientCertificates(this.originTrust.resource);
    }
    // Security Hub's controls read AWS Config: every region that runs the hub records here, the
    // global IAM resources in the primary region only (control DETECT-THREATS).
    if (props.configDelivery) {
      new ConfigRecorder(this, 'ConfigRecorder', {
        deliveryBucketName: props.configDelivery.bucketName,
        deliveryKeyArn: props.configDelivery.keyArn,
        includeGlobalResourceTypes: !props.standby,
      });
    }
  }

  /**
   * What a host of this region may reach (control NET-TIERS): the AWS services through the VPC's
   * endpoints, and the package mirrors' ranges on 80/443 (host names need no rule on AWS: Amazon
   * Linux's repositories are in S3, reached through the gateway endpoint).
   */
  allowHostEgress(host: ec2.IConnectable): void {
    this.network.allowAwsServiceEgress(host);
    for (const securityGroup of host.connections.securityGroups) {
      for (const mirror of this.packageMirrors.filter((m) => m.includes('/'))) {
        const peer = mirror.includes(':') ? ec2.Peer.ipv6(mirror) : ec2.Peer.ipv4(mirror);
        securityGroup.addEgressRule(peer, ec2.Port.tcp(443), `HTTPS to the package mirror ${mirror}`);
        securityGroup.addEgressRule(peer, ec2.Port.tcp(80), `HTTP (signed packages) to the package mirror ${mirror}`);
      }
    }
  }
}
