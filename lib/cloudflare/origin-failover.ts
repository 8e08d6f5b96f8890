import { LoadBalancer } from '@cdktf/provider-cloudflare/lib/load-balancer';
import { LoadBalancerMonitor } from '@cdktf/provider-cloudflare/lib/load-balancer-monitor';
import { LoadBalancerPool } from '@cdktf/provider-cloudflare/lib/load-balancer-pool';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { checkCloudflareId } from './ids';
import * as ipaddr from 'ipaddr.js';

/** One region's entry point: the origin a pool sends traffic to. */
export interface FailoverOrigin {
  /**
   * Name of the pool and of its single origin, such as `acme-prod-eu-west-1`: letters, digits,
   * `-` and `_` (Cloudflare's rule for pool names). Pools are account-level, so make it unique
   * in the account.
   */
  readonly name: string;
  /**
   * The region gateway's public DNS name or IP address (IPv4 or IPv6), such as
   * `agw-eu.example.net` or `203.0.113.10`: no scheme, port or path. A DNS name must resolve
   * straight to the gateway, not to a name Cloudflare proxies. Monitored over HTTPS on port 443.
   */
  readonly address: string;
}

/** Properties of {@link OriginFailover}. */
export interface OriginFailoverProps {
  /** Cloudflare account id (32 lowercase hex digits); monitors and pools are account-level. */
  readonly accountId: string;
  /** Id of the zone the load balancer hostname is in (32 lowercase hex digits). */
  readonly zoneId: string;
  /**
   * Public DNS name the load balancer answers, such as `www.example.com` (lowercase, no
   * wildcard). It takes precedence over a DNS record of the same name in the zone. It is also the
   * Host header of health checks and of proxied requests, so the origin's host-based routing and
   * the WAF's host rules see the public name.
   */
  readonly hostname: string;
  /** The primary region's gateway: it takes all traffic while it is healthy. */
  readonly primary: FailoverOrigin;
  /**
   * The DR region's gateway: it takes traffic when the primary pool is unhealthy (control
   * DR-REGION), and it is the fallback pool used when every pool is unhealthy.
   */
  readonly dr: FailoverOrigin;
  /**
   * Path of the origins' health endpoint, requested with GET over HTTPS; it must start with `/`.
   * @default '/healthz'
   */
  readonly healthCheckPath?: string;
  /**
   * HTTP status an origin must answer the health check with to be healthy, as Cloudflare writes
   * it: one code from 200 to 399 (`'200'`) or a class (`'2xx'`, `'3xx'`). 4xx and 5xx are
   * refused: a check that accepts errors never fails over.
   * @default '200'
   */
  readonly expectedCodes?: string;
  /**
   * Seconds between health checks, 10 to 3600. Shorter intervals fail over sooner but add load,
   * as every region probes. Cloudflare documents the plan minimum as 60 s on Pro, 15 s on
   * Business and 10 s on Enterprise; below the account's minimum the API refuses the monitor at
   * apply time. Must be greater than `(monitorRetries + 1) * monitorTimeoutSeconds`.
   * @default 60
   */
  readonly monitorIntervalSeconds?: number;
  /**
   * Immediate retries after a timed-out check before the origin is marked unhealthy (1-5).
   * @default 2
   */
  readonly monitorRetries?: number;
  /**
   * Seconds a health check waits for an answer before it fails (1-10).
   * @default 5
   */
  readonly monitorTimeoutSeconds?: number;
  /**
   * Address(es) Cloudflare mails when a pool or origin changes health (several as a
   * comma-separated list), so a failover is noticed. Cloudflare has deprecated this pool field
   * in favour of its Notifications service; prefer a Load Balancing health alert there.
   * @default - no mail from the pools
   */
  readonly notificationEmail?: string;
  /**
   * Whether the hostname is proxied (orange-clouded). Proxied, every request passes the zone's
   * WAF and rate limits and clients see Cloudflare's addresses, never the gateways' (control
   * ORIGIN-LOCK). `false` is an opt-out that weakens ORIGIN-LOCK: DNS answers reveal the gateway
   * addresses, and clients reach them directly, bypassing the WAF and rate limits; the gateways
   * must then accept traffic from everywhere, not only Cloudflare.
   * @default true
   */
  readonly proxied?: boolean;
  /**
   * Name of the zone the monitor emulates while probing (Cloudflare's "Simulate Zone"), such as
   * `example.com`: the health checks then pass through the zone like a visitor's request and
   * present the zone's authenticated-origin-pulls client certificate, which origins that require
   * it (control ORIGIN-LOCK) need; without it every probe is refused and both pools look down.
   * @default - no zone: probes present no client certificate
   */
  readonly probeZone?: string;
}

/**
 * Health-check regions of both pools. `ALL_REGIONS` (3 probes from each of Cloudflare's 13
 * regions) is offered on every plan with Load Balancing; leaving `check_regions` unset means
 * "every data center", which Cloudflare documents as Enterprise-only. An origin is healthy when
 * most regions see it healthy, so one region's network trouble does not trigger a failover.
 */
export const ORIGIN_FAILOVER_CHECK_REGIONS = ['ALL_REGIONS'] as const;

/**
 * Regional failover at the edge (control DR-REGION, claims A15/B12: traffic fails over to the
 * secondary region): a Cloudflare load balancer on `hostname` whose pools are, in order, the
 * primary region's gateway and the DR region's gateway (`steering_policy = "off"`, so the order
 * of `default_pools` is the failover order). An HTTPS monitor probes both from every Cloudflare
 * region; when the primary pool is unhealthy, traffic goes to the DR pool, which is also the
 * fallback pool. The load balancer is proxied by default, so the WAF, rate limits and origin
 * hiding (control ORIGIN-LOCK) apply to both regions.
 *
 * Requires the Load Balancing add-on on the account.
 */
export class OriginFailover extends Construct {
  /** The HTTPS health monitor shared by both pools. */
  public readonly monitor: LoadBalancerMonitor;
  /** The primary region's pool (first in the failover order). */
  public readonly primaryPool: LoadBalancerPool;
  /** The DR region's pool (second in the failover order, and the fallback pool). */
  public readonly drPool: LoadBalancerPool;
  /** The load balancer answering `hostname`. */
  public readonly resource: LoadBalancer;

  constructor(scope: Construct, id: string, props: OriginFailoverProps) {
    super(scope, id);
    const where = `OriginFailover ${this.node.path}`;
    const known = (v: string | undefined): v is string => v !== undefined && !Token.isUnresolved(v);

    checkCloudflareId(where, 'accountId', props.accountId);
    checkCloudflareId(where, 'zoneId', props.zoneId);
    if (known(props.hostname) && !isDnsName(props.hostname)) {
      throw new Error(
        `${where}: hostname "${props.hostname}" is invalid; expected a lowercase DNS name without wildcard, scheme or path, ` +
          `such as www.example.com`,
      );
    }
    for (const [prop, origin] of [
      ['primary', props.primary],
      ['dr', props.dr],
    ] as const) {
      if (known(origin.name) && !/^[A-Za-z0-9_-]+$/.test(origin.name)) {
        throw new Error(
          `${where}: ${prop}.name "${origin.name}" is invalid; expected letters, digits, '-' and '_' only (Cloudflare's rule ` +
            `for pool names), such as acme-prod-eu-west-1`,
        );
      }
      if (known(origin.address)) {
        const problem = addressProblem(origin.address);
        if (problem) {
          throw new Error(`${where}: ${prop}.address "${origin.address}" ${problem}`);
        }
        // A load balancer whose origin is its own proxied name would send traffic back to itself.
        if (known(props.hostname) && origin.address.toLowerCase() === props.hostname) {
          throw new Error(
            `${where}: ${prop}.address "${origin.address}" is the load balancer's own hostname; expected the region gateway's ` +
              `own DNS name or IP address`,
          );
        }
      }
    }
    if (known(props.primary.name) && known(props.dr.name) && props.primary.name === props.dr.name) {
      throw new Error(
        `${where}: primary.name and dr.name are both "${props.primary.name}"; expected distinct names so the two pools can be told apart`,
      );
    }
    // Failing over to the same gateway is no failover (control DR-REGION).
    if (known(props.primary.address) && known(props.dr.address) && props.primary.address.toLowerCase() === props.dr.address.toLowerCase()) {
      throw new Error(
        `${where}: primary.address and dr.address are both "${props.primary.address}"; expected the DR region's own gateway, ` +
          `so traffic can fail over to another region`,
      );
    }
    const healthCheckPath = props.healthCheckPath ?? '/healthz';
    if (known(healthCheckPath) && !/^\/[^\s?#]*(\?[^\s#]*)?$/.test(healthCheckPath)) {
      throw new Error(
        `${where}: healthCheckPath "${healthCheckPath}" is invalid; expected a path starting with "/" and without spaces or ` +
          `fragment, such as /healthz`,
      );
    }
    const expectedCodes = props.expectedCodes ?? '200';
    if (known(expectedCodes) && !/^(?:[23]xx|2\d\d|3\d\d)$/.test(expectedCodes)) {
      throw new Error(
        `${where}: expectedCodes "${expectedCodes}" is invalid; expected one status code from 200 to 399 (such as '200') or ` +
          `the class '2xx' or '3xx' — a health check that accepts 4xx or 5xx answers never fails over`,
      );
    }
    const interval = props.monitorIntervalSeconds ?? 60;
    if (!Token.isUnresolved(interval) && (!Number.isInteger(interval) || interval < 10 || interval > 3600)) {
      throw new Error(
        `${where}: monitorIntervalSeconds ${interval} is out of range; expected a whole number of seconds from 10 to 3600 ` +
          `(the plan minimum is 60 on Pro, 15 on Business, 10 on Enterprise)`,
      );
    }
    const retries = props.monitorRetries ?? 2;
    if (!Token.isUnresolved(retries) && (!Number.isInteger(retries) || retries < 1 || retries > 5)) {
      throw new Error(`${where}: monitorRetries ${retries} is out of range; expected a whole number from 1 to 5`);
    }
    const timeout = props.monitorTimeoutSeconds ?? 5;
    if (!Token.isUnresolved(timeout) && (!Number.isInteger(timeout) || timeout < 1 || timeout > 10)) {
      throw new Error(`${where}: monitorTimeoutSeconds ${timeout} is out of range; expected a whole number of seconds from 1 to 10`);
    }
    // A check and its retries must finish before the next one starts (the Cloudflare provider's
    // own rule: interval > (retries + 1) * timeout).
    if (![interval, retries, timeout].some((n) => Token.isUnresolved(n)) && interval <= (retries + 1) * timeout) {
      throw new Error(
        `${where}: monitorIntervalSeconds ${interval} is too short for monitorRetries ${retries} and monitorTimeoutSeconds ` +
          `${timeout}; expected more than (retries + 1) * timeout = ${(retries + 1) * timeout} seconds — raise the interval or ` +
          `lower retries or timeout`,
      );
    }
    if (known(props.notificationEmail)) {
      const addresses = props.notificationEmail.split(',').map((a) => a.trim());
      if (addresses.some((a) => !/^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/.test(a))) {
        throw new Error(
          `${where}: notificationEmail "${props.notificationEmail}" is invalid; expected an email address such as ` +
            `ops@example.com, or several separated by commas`,
        );
      }
    }
    const proxied = props.proxied ?? true;
    if (known(props.probeZone) && !isDnsName(props.probeZone)) {
      throw new Error(`${where}: probeZone "${props.probeZone}" is invalid; expected the zone's name, such as example.com`);
    }
    if (
      known(props.probeZone) &&
      known(props.hostname) &&
      props.hostname !== props.probeZone &&
      !props.hostname.endsWith(`.${props.probeZone}`)
    ) {
      throw new Error(
        `${where}: probeZone "${props.probeZone}" is not the zone of hostname "${props.hostname}"; expected the zone the load ` +
          `balancer is in`,
      );
    }

    // Host = the public name, so the origin's host-based routing and the WAF's host rules see the
    // same name on health checks as on real requests.
    const hostHeader = [props.hostname];
    this.monitor = new LoadBalancerMonitor(this, 'Monitor', {
      accountId: props.accountId,
      description: `HTTPS health of ${props.hostname}${healthCheckPath} for regional failover (DR-REGION)`,
      type: 'https',
      method: 'GET',
      path: healthCheckPath,
      expectedCodes,
      header: { Host: hostHeader },
      // A redirect (to a login or maintenance page) is not a healthy answer.
      followRedirects: false,
      // The gateway's certificate must be valid (control ENC-TRANSIT): a broken chain is unhealthy.
      allowInsecure: false,
      interval,
      retries,
      timeout,
      // Probes travel through the zone and present its client certificate (ORIGIN-LOCK origins
      // refuse connections without it).
      ...(props.probeZone !== undefined ? { probeZone: props.probeZone } : {}),
    });

    const pool = (poolId: string, origin: FailoverOrigin, role: string): LoadBalancerPool =>
      new LoadBalancerPool(this, poolId, {
        accountId: props.accountId,
        name: origin.name,
        description: `${role} region of ${props.hostname}`,
        enabled: true,
        // One gateway per region: the pool is down as soon as its gateway is.
        minimumOrigins: 1,
        monitor: this.monitor.id,
        checkRegions: [...ORIGIN_FAILOVER_CHECK_REGIONS],
        origins: [
          {
            name: origin.name,
            address: origin.address,
            enabled: true,
            weight: 1,
            // The origin-level Host override wins over the monitor's; Cloudflare accepts it
            // because the hostname is in a zone of this account.
            header: { host: hostHeader },
          },
        ],
        ...(props.notificationEmail !== undefined ? { notificationEmail: props.notificationEmail } : {}),
      });
    this.primaryPool = pool('PrimaryPool', props.primary, 'Primary');
    this.drPool = pool('DrPool', props.dr, 'DR');

    this.resource = new LoadBalancer(this, 'Resource', {
      zoneId: props.zoneId,
      name: props.hostname,
      description: `Failover: ${props.primary.name} first, then ${props.dr.name} (DR-REGION)`,
      enabled: true,
      proxied,
      // "off" serves default_pools in order: the first healthy pool gets all traffic.
      steeringPolicy: 'off',
      defaultPools: [this.primaryPool.id, this.drPool.id],
      // Used when every pool is unhealthy: the DR region, which is the most likely to be serving.
      fallbackPool: this.drPool.id,
      // No stickiness: a client pinned to the primary would not follow the failover.
      sessionAffinity: 'none',
    });
  }
}

/** A lowercase DNS name of at least two letter-digit-dash labels, not all-numeric at the top. */
function isDnsName(name: string): boolean {
  const labels = name.split('.');
  return (
    name.length <= 253 &&
    labels.length >= 2 &&
    labels.every((l) => /^(?!-)[a-z0-9-]{1,63}(?<!-)$/.test(l)) &&
    !/^\d+$/.test(labels[labels.length - 1])
  );
}

/** Why an origin address is unusable, or undefined when it is a public DNS name or IP address. */
function addressProblem(address: string): string | undefined {
  const fix = "give only the gateway's DNS name or IP address, such as agw-eu.example.net or 203.0.113.10";
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(address)) return `is a URL; ${fix} (the monitor always uses HTTPS)`;
  if (address.includes('/')) return `has a path; ${fix} (set the health path with healthCheckPath)`;
  if (address.startsWith('[') || /^[^:]+:\d+$/.test(address)) return `has a port; ${fix} (origins are reached on 443)`;
  let ip: ipaddr.IPv4 | ipaddr.IPv6 | undefined;
  if (ipaddr.IPv4.isValidFourPartDecimal(address)) ip = ipaddr.IPv4.parse(address);
  else if (!address.includes('%') && ipaddr.IPv6.isValid(address)) ip = ipaddr.IPv6.parse(address);
  if (ip) {
    const v4 = ip instanceof ipaddr.IPv6 && ip.isIPv4MappedAddress() ? ip.toIPv4Address() : ip;
    const range = v4.range();
    // Cloudflare reaches origins over the internet; an internal address is unreachable from the edge.
    if (['private', 'loopback', 'linkLocal', 'unspecified', 'uniqueLocal', 'carrierGradeNat', 'multicast', 'broadcast'].includes(range)) {
      return `is a ${range} address Cloudflare cannot reach; expected the gateway's public IP address or DNS name`;
    }
    return undefined;
  }
  if (/^[\d.]+$/.test(address)) return `is not a valid IPv4 address; ${fix}`;
  if (!isDnsName(address.toLowerCase())) return `is not a DNS name, IPv4 or IPv6 address; ${fix}`;
  return undefined;
}
