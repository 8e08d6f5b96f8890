import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { meetsTlsFloor, POLICY_FLOORS } from '../config/floors';
import { acknowledgeDecision } from '../policy/acknowledge';

/**
 * TLS policies accepted on the HTTPS listener (control EDGE-TLS, claim A14): TLS 1.2 minimum with
 * TLS 1.3, and only AEAD ciphers: the restricted ("Res") TLS 1.2 policies offer ECDHE with AES-GCM
 * only, while `RECOMMENDED_TLS` (ELBSecurityPolicy-TLS13-1-2-2021-06) still offers AES-CBC suites.
 */
export const ACCEPTED_TLS_POLICIES: readonly elbv2.SslPolicy[] = [
  elbv2.SslPolicy.TLS13_12_RES_PQ,
  elbv2.SslPolicy.TLS13_RES,
  elbv2.SslPolicy.FIPS_TLS13_12_RES,
  elbv2.SslPolicy.FIPS_TLS13_12_RES_PQ,
  elbv2.SslPolicy.TLS13_13,
  elbv2.SslPolicy.TLS13_13_PQ,
  elbv2.SslPolicy.FIPS_TLS13_13,
  elbv2.SslPolicy.FIPS_TLS13_13_PQ,
].filter((policy) => meetsTlsFloor(`1.${/TLS13-1-(\d)/.exec(policy)![1]}`));

/** Props of {@link AppGateway}. */
export interface AppGatewayProps {
  /** VPC of the load balancer. */
  readonly vpc: ec2.IVpc;
  /** Public subnets, one per zone (at least 2). */
  readonly subnets: ec2.SubnetSelection;
  /** ARN of the ACM certificate of the HTTPS listener (same account and region). */
  readonly certificateArn: string;
  /** Bucket receiving access logs; must use SSE-S3, since ALB log delivery cannot use KMS. */
  readonly accessLogsBucket: s3.IBucket;
  /**
   * TLS policy of the HTTPS listener; must be one of {@link ACCEPTED_TLS_POLICIES}.
   * @default ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09 (TLS 1.3 and 1.2, AES-GCM only, hybrid post-quantum key exchange where the client
   * offers it)
   */
  readonly sslPolicy?: elbv2.SslPolicy;
  /**
   * Source ranges allowed to reach ports 80/443, e.g. the edge network's ranges when fronted by a
   * CDN (control ORIGIN-LOCK).
   * @default - any IPv4 and IPv6 address (a public entry point, protected by the web ACL)
   */
  readonly allowedSources?: readonly ec2.IPeer[];
  /** Port the app instances serve HTTPS on. */
  readonly targetPort: number;
  /** Path of the app's health check. */
  readonly healthCheckPath: string;
  /**
   * HSTS max-age sent on every HTTPS response; at least one year (control EDGE-TLS, claim A14).
   * @default 2 years
   */
  readonly hstsMaxAge?: Duration;
  /**
   * Adds `preload` to HSTS. Only once every subdomain serves HTTPS: preload lists are slow to leave.
   * @default false
   */
  readonly hstsPreload?: boolean;
  /**
   * Deletion protection of the load balancer.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * Host names the HTTPS listener serves (host binding, control ORIGIN-LOCK): requests whose Host
   * is one of these go to the app; any other Host gets a fixed 403 from the load balancer, so a
   * request routed here under a name this deployment does not own (another zone pointing at the
   * origin, a scanner using the address) never reaches the app. Lowercase DNS names, no
   * wildcards, at most 5 (a host-header condition's limit).
   * @default - every Host goes to the app
   */
  readonly hostnames?: readonly string[];
}

/** The fixed answer to a request for a host the listener does not serve. */
export const UNSERVED_HOST_STATUS = '403';

/**
 * The only public entry point of the app (controls EDGE-TLS and NET-TIERS; claims A7, A12, B3,
 * B8): an internet-facing ALB with an HTTPS listener on a TLS 1.2+/1.3 policy with GCM ciphers only, an HTTP listener
 * that only redirects, invalid headers dropped and HTTP desync mitigated, access logs, and
 * deletion protection. Targets are reached over HTTPS too (control ENC-TRANSIT). Locked to an
 * edge (control ORIGIN-LOCK): `allowedSources`, `hostnames` (a fixed 403 for any other Host) and
 * {@link AppGateway.verifyClientCertificates} (mutual TLS against the edge zone's CA).
 */
export class AppGateway extends Construct implements ec2.IConnectable {
  /** The load balancer. */
  readonly resource: elbv2.ApplicationLoadBalancer;
  /** The HTTPS listener; the app tier adds its targets here. */
  readonly httpsListener: elbv2.ApplicationListener;
  /** Target group the app tier registers in (HTTPS to the targets). */
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  /** Security group of the load balancer, the only source the app tier admits. */
  readonly securityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: AppGatewayProps) {
    super(scope, id);
    const sslPolicy = props.sslPolicy ?? ACCEPTED_TLS_POLICIES[0];
    if (!ACCEPTED_TLS_POLICIES.includes(sslPolicy)) {
      throw new Error(
        `AppGateway.sslPolicy: received "${sslPolicy}"; expected a TLS ${POLICY_FLOORS.tls.minVersion}+ policy with TLS 1.3 ` +
          `and AES-GCM ciphers only (no CBC): ${ACCEPTED_TLS_POLICIES.join(', ')}`,
      );
    }
    const hstsMaxAge = props.hstsMaxAge ?? Duration.days(730);
    if (hstsMaxAge.toSeconds() < POLICY_FLOORS.tls.hstsMaxAgeSeconds) {
      throw new Error(
        `AppGateway.hstsMaxAge: received ${hstsMaxAge.toSeconds()} s; expected at least ` +
          `${POLICY_FLOORS.tls.hstsMaxAgeSeconds} s (the HSTS floor: one year, claim A7)`,
      );
    }
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Public entry point: HTTPS, and HTTP that only redirects',
      allowAllOutbound: false,
    });
    for (const peer of props.allowedSources ?? [ec2.Peer.anyIpv4(), ec2.Peer.anyIpv6()]) {
      this.securityGroup.addIngressRule(peer, ec2.Port.tcp(443), 'HTTPS from clients');
      this.securityGroup.addIngressRule(peer, ec2.Port.tcp(80), 'HTTP, redirected to HTTPS');
    }
    this.resource = new elbv2.ApplicationLoadBalancer(this, 'Resource', {
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      internetFacing: true,
      securityGroup: this.securityGroup,
      dropInvalidHeaderFields: true,
      desyncMitigationMode: elbv2.DesyncMitigationMode.STRICTEST,
      deletionProtection: props.deletionProtection ?? true,
      http2Enabled: true,
      idleTimeout: Duration.seconds(60),
    });
    this.resource.logAccessLogs(props.accessLogsBucket, 'alb');
    this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'Targets', {
      vpc: props.vpc,
      port: props.targetPort,
      // TLS all the way to the instance (control ENC-TRANSIT): the VPC is not a trust boundary.
      protocol: elbv2.ApplicationProtocol.HTTPS,
      targetType: elbv2.TargetType.INSTANCE,
      deregistrationDelay: Duration.seconds(30),
      healthCheck: {
        protocol: elbv2.Protocol.HTTPS,
        path: props.healthCheckPath,
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
        interval: Duration.seconds(15),
      },
    });
    const hostnames = props.hostnames ? [...props.hostnames] : undefined;
    if (hostnames) {
      if (hostnames.length === 0 || hostnames.length > 5) {
        throw new Error(
          `AppGateway.hostnames: received ${hostnames.length} names; expected 1 to 5 (a host-header condition's limit), or ` +
            `leave it unset to serve every Host`,
        );
      }
      hostnames.forEach((name, i) => {
        if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(name)) {
          throw new Error(
            `AppGateway.hostnames[${i}]: received "${name}"; expected a lowercase DNS name such as app.example.com (no ` +
              `wildcard, port or scheme)`,
          );
        }
      });
    }
    this.httpsListener = this.resource.addListener('Https', {
      port: 443,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      sslPolicy,
      certificates: [elbv2.ListenerCertificate.fromArn(props.certificateArn)],
      open: false,
      // Host binding (ORIGIN-LOCK): only the served names reach the app, anything else a fixed 403.
      ...(hostnames
        ? {
            defaultAction: elbv2.ListenerAction.fixedResponse(Number(UNSERVED_HOST_STATUS), {
              contentType: 'text/plain',
              messageBody: 'Forbidden',
            }),
          }
        : { defaultTargetGroups: [this.targetGroup] }),
    });
    if (hostnames) {
      new elbv2.ApplicationListenerRule(this, 'ServedHosts', {
        listener: this.httpsListener,
        priority: 1,
        conditions: [elbv2.ListenerCondition.hostHeaders(hostnames)],
        action: elbv2.ListenerAction.forward([this.targetGroup]),
      });
    }
    // The ALB adds HSTS and browser-hardening headers to every HTTPS response itself, so the claim
    // holds whatever the app behind it sends (control EDGE-TLS).
    (this.httpsListener.node.defaultChild as elbv2.CfnListener).listenerAttributes = [
      {
        key: 'routing.http.response.strict_transport_security.header_value',
        value: `max-age=${hstsMaxAge.toSeconds()}; includeSubDomains${props.hstsPreload ? '; preload' : ''}`,
      },
      { key: 'routing.http.response.x_content_type_options.header_value', value: 'nosniff' },
      { key: 'routing.http.response.x_frame_options.header_value', value: 'DENY' },
      { key: 'routing.http.response.server.enabled', value: 'false' },
    ];
    const http = this.resource.addListener('Http', {
      port: 80,
      protocol: elbv2.ApplicationProtocol.HTTP,
      open: false,
      defaultAction: elbv2.ListenerAction.redirect({ protocol: 'HTTPS', port: '443', permanent: true }),
    });
    acknowledgeDecision(http.node.defaultChild!, 'alb-http-redirect-without-certificate');
    if (!props.allowedSources) acknowledgeDecision(this.securityGroup.node.defaultChild!, 'alb-open-to-clients');
  }

  /** The load balancer's security group (aws-cdk-lib IConnectable): what the app tier admits. */
  get connections(): ec2.Connections {
    return this.resource.connections;
  }

  /**
   * Requires a client certificate issued by a CA of `trustStore` on every HTTPS connection
   * (mutual TLS in `verify` mode, expired certificates refused; control ORIGIN-LOCK): with the
   * edge zone's origin-pull CA, only that zone's requests complete the handshake, so another
   * Cloudflare zone (or anyone else inside Cloudflare's ranges) cannot reach the app.
   */
  verifyClientCertificates(trustStore: elbv2.ITrustStore): void {
    (this.httpsListener.node.defaultChild as elbv2.CfnListener).mutualAuthentication = {
      mode: elbv2.MutualAuthenticationMode.VERIFY,
      trustStoreArn: trustStore.trustStoreArn,
      ignoreClientCertificateExpiry: false,
    };
  }
}
