// Fixtures for the Cloudflare control checks: the real constructs synthesized into one Terraform
// JSON stack, composed as stacks/cloudflare-stack.ts composes them (provider without a token, zone
// hardening, WAF rulesets, rate limits, authenticated origin pulls, regional failover), so the
// checks are proven against what the constructs actually emit; weakenings edit a deep copy.
import { CloudflareProvider } from '@cdktf/provider-cloudflare/lib/provider';
import { ZoneSubscription } from '@cdktf/provider-cloudflare/lib/zone-subscription';
import { TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';
import { AuthenticatedOriginPulls } from '../../../lib/cloudflare/authenticated-origin-pulls';
import { EdgeAlerts } from '../../../lib/cloudflare/edge-alerts';
import { EdgeLogpush } from '../../../lib/cloudflare/edge-logpush';
import { OriginFailover } from '../../../lib/cloudflare/origin-failover';
import { EdgeRateLimits } from '../../../lib/cloudflare/edge-rate-limits';
import { EdgeWaf, type CloudflarePlan } from '../../../lib/cloudflare/edge-waf';
import { ZoneHardening } from '../../../lib/cloudflare/zone-hardening';
import { ACCOUNT_ID, synthCloudflare, ZONE_ID } from '../../cloudflare/support';
import { CLIENT_A } from '../../fixtures/origin-pull';

export { expectFinding, expectNotApplicable, expectPass } from '../support';
export { ACCOUNT_ID, ZONE_ID };

const HOSTNAME = 'app.example.com';
/** The on-call address of the edge fixture's notification policies. */
export const ONCALL = 'oncall@example.com';

/**
 * The edge of one environment on a paid plan: the zone hardened, the managed and custom WAF
 * rulesets, per-IP limits (2000 per 300 s on all traffic; login 100 and password reset 20 per
 * 300 s), authenticated origin pulls with the zone's own certificate (CLIENT_A, its key from a
 * sensitive variable) and a load balancer failing over from the primary region's gateway to the DR
 * region's; notification policies e-mail ONCALL on HTTP DDoS attacks, security event spikes (from
 * Business up) and pool health and enablement changes. A fresh object on every call.
 */
export function edgeStack(plan: Exclude<CloudflarePlan, 'free'> = 'business', more?: (scope: Construct) => void): any {
  return synthCloudflare((s) => {
    // No api_token: the provider reads CLOUDFLARE_API_TOKEN (control SECRETS).
    new CloudflareProvider(s, 'cloudflare', {});
    new ZoneHardening(s, 'Zone', { zoneId: ZONE_ID });
    new EdgeWaf(s, 'Waf', { zoneId: ZONE_ID, plan, hostnames: [HOSTNAME] });
    new EdgeRateLimits(s, 'RateLimits', {
      zoneId: ZONE_ID,
      plan,
      global: { requestsPerPeriod: 2000, periodSeconds: 300 },
      critical: [
        { name: 'login', pathPrefix: '/login', requestsPerPeriod: 100, periodSeconds: 300 },
        { name: 'password-reset', pathPrefix: '/password-reset', requestsPerPeriod: 20, periodSeconds: 300 },
      ],
    });
    const key = new TerraformVariable(s, 'origin_pull_private_key', { type: 'string', sensitive: true });
    new AuthenticatedOriginPulls(s, 'OriginPulls', { zoneId: ZONE_ID, certificate: CLIENT_A, privateKey: key.stringValue });
    const failover = new OriginFailover(s, 'Failover', {
      accountId: ACCOUNT_ID,
      zoneId: ZONE_ID,
      hostname: HOSTNAME,
      probeZone: 'example.com',
      primary: { name: 'acme-prod-aws-primary', address: 'alb-primary.example.net' },
      dr: { name: 'acme-prod-aws-dr', address: 'alb-dr.example.net' },
    });
    new EdgeAlerts(s, 'Alerts', {
      accountId: ACCOUNT_ID,
      zoneId: ZONE_ID,
      plan,
      emails: [ONCALL],
      loadBalancerPoolIds: [failover.primaryPool.id, failover.drPool.id],
    });
    more?.(s);
  });
}

/** The Logpush destination of the Enterprise edge fixture. */
export const LOGPUSH_DESTINATION = 's3://acme-edge-logs/prod/{DATE}?region=eu-central-1';

let cachedLogpush: string | undefined;

/**
 * The edge on an Enterprise zone with `EdgeLogpush` pushing its http_requests and firewall_events
 * to LOGPUSH_DESTINATION, the ownership challenge from a sensitive variable. A fresh copy per call.
 */
export function logpushEdge(): any {
  cachedLogpush ??= JSON.stringify(
    edgeStack('enterprise', (s) => {
      const challenge = new TerraformVariable(s, 'logpush_ownership_challenge', { type: 'string', sensitive: true });
      new EdgeLogpush(s, 'Logs', {
        zoneId: ZONE_ID,
        plan: 'enterprise',
        destination: LOGPUSH_DESTINATION,
        ownershipChallenge: challenge.stringValue,
      });
    }),
  );
  return JSON.parse(cachedLogpush);
}

/**
 * A Free zone's WAF as `EdgeWaf` writes it (the Cloudflare Free Managed Ruleset, no OWASP), with
 * or without a `cloudflare_zone_subscription` that shows the Free plan.
 */
export function freeWafStack(withSubscription: boolean): any {
  return synthCloudflare((s) => {
    new CloudflareProvider(s, 'cloudflare', {});
    new EdgeWaf(s, 'Waf', { zoneId: ZONE_ID, plan: 'free', hostnames: [HOSTNAME] });
    if (withSubscription) new ZoneSubscription(s, 'Plan', { zoneId: ZONE_ID, ratePlan: { id: 'free' } });
  });
}

let cached: string | undefined;

/** A deep copy of the business-plan edge fixture (synthesized once per test file). */
export function edge(): any {
  cached ??= JSON.stringify(edgeStack());
  return JSON.parse(cached);
}

/** A fresh copy of the edge (or given) fixture after `edit` weakened it. */
export function weakened(edit: (tf: any) => void, base: () => any = edge): any {
  const tf = base();
  edit(tf);
  return tf;
}

/** Every resource of `type` in a fixture, as `{ address, args }`. */
export function every(tf: any, type: string): Array<{ address: string; args: any }> {
  return Object.entries<any>(tf.resource?.[type] ?? {}).map(([name, args]) => ({ address: `${type}.${name}`, args }));
}

/** The only resource of `type` in a fixture (throws unless exactly one). */
export function only(tf: any, type: string): { address: string; args: any } {
  const all = every(tf, type);
  if (all.length !== 1) throw new Error(`fixture has ${all.length} ${type}; expected exactly one`);
  return all[0];
}

/** The resource of `type` whose Terraform name starts with `prefix` (the construct path). */
export function named(tf: any, type: string, prefix: string): { address: string; args: any } {
  const all = every(tf, type).filter((r) => r.address.split('.')[1].startsWith(prefix));
  if (all.length !== 1) throw new Error(`fixture has ${all.length} ${type} named ${prefix}*; expected exactly one`);
  return all[0];
}

/** The `cloudflare_zone_setting` with this setting id. */
export function setting(tf: any, settingId: string): { address: string; args: any } {
  const all = every(tf, 'cloudflare_zone_setting').filter((r) => r.args.setting_id === settingId);
  if (all.length !== 1) throw new Error(`fixture has ${all.length} zone settings ${settingId}; expected exactly one`);
  return all[0];
}

/** The zone ruleset of one phase. */
export function ruleset(tf: any, phase: string): { address: string; args: any } {
  const all = every(tf, 'cloudflare_ruleset').filter((r) => r.args.phase === phase);
  if (all.length !== 1) throw new Error(`fixture has ${all.length} rulesets in ${phase}; expected exactly one`);
  return all[0];
}

/** The rule of a ruleset with this `ref`. */
export function rule(tf: any, phase: string, ref: string): any {
  const found = ruleset(tf, phase).args.rules.find((r: any) => r.ref === ref);
  if (!found) throw new Error(`no rule ${ref} in ${phase}`);
  return found;
}
