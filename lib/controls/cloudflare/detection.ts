import { Outcome } from '../core/outcome';
import { block, blocks, byAddress, isFalse, ofType, refTarget, show, TEMPLATE, type TfJson, type TfRes } from '../core/terraform';
import type { CheckOptions, CheckResult } from '../types';
import { CLOUDFLARE_ALERT_TYPE_IDS as TYPES, SECURITY_EVENTS_ALERT_PLAN_IDS } from './ids';
import { cloudflareResources, zoneIds } from './zone';

const POLICY = 'cloudflare_notification_policy';
const WEBHOOK = 'cloudflare_notification_policy_webhooks';
const POOL = 'cloudflare_load_balancer_pool';

/** What a notification policy reports, for the alert types this control relies on. */
type Kind = 'ddos' | 'security-events' | 'pool-health' | 'pool-enablement';

const KIND_OF: Readonly<Record<string, Kind>> = {
  [TYPES.httpDdos]: 'ddos',
  [TYPES.advancedHttpDdos]: 'ddos',
  [TYPES.securityEvents]: 'security-events',
  [TYPES.advancedSecurityEvents]: 'security-events',
  [TYPES.loadBalancingHealth]: 'pool-health',
  [TYPES.poolEnablement]: 'pool-enablement',
};

/**
 * The filters each alert type may carry without narrowing what this control needs from it; any
 * other filter (a hostname, a rate threshold, a targeted action...) drops events and fails.
 */
const ALLOWED_FILTERS: Readonly<Record<string, readonly string[]>> = {
  [TYPES.httpDdos]: ['zones'],
  [TYPES.advancedHttpDdos]: ['zones'],
  [TYPES.securityEvents]: ['zones'],
  [TYPES.advancedSecurityEvents]: ['zones', 'services'],
  [TYPES.loadBalancingHealth]: ['pool_id', 'new_health', 'event_source'],
  [TYPES.poolEnablement]: ['pool_id', 'enabled'],
};

/**
 * The services an Advanced Security Events Alert must watch (its mandatory `services` filter, by
 * the Security Events source names): the managed WAF rules, the custom rules and the rate limiting
 * rules, the defences the edge stack deploys. Compared case-insensitively.
 */
export const ADVANCED_SECURITY_EVENTS_SERVICES: readonly string[] = ['firewallManaged', 'firewallCustom', 'ratelimit'];

/** The alert types that satisfy each requirement, for messages. */
const REQUIRED: Readonly<Record<Kind, string>> = {
  ddos: `HTTP DDoS attacks (alert_type "${TYPES.httpDdos}", every plan)`,
  'security-events': `security event spikes (alert_type "${TYPES.securityEvents}", Business and Enterprise)`,
  'pool-health': `pool and origin health changes (alert_type "${TYPES.loadBalancingHealth}")`,
  'pool-enablement': `pools being disabled (alert_type "${TYPES.poolEnablement}")`,
};

const EMAIL = /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/;

/**
 * The on-call destinations a policy's `mechanisms` reach: literal e-mail addresses, webhooks of
 * this stack with an https URL (or literal ids of destinations created elsewhere), and PagerDuty
 * services (literal ids: they are connected in the dashboard). Also the reasons other entries count
 * for nothing.
 */
function destinations(tf: TfJson, policy: TfRes): { reached: string[]; webhooks: string[]; ignored: string[] } {
  const mechanisms = block(policy.args.mechanisms) ?? {};
  const reached: string[] = [];
  const webhooks: string[] = [];
  const ignored: string[] = [];
  for (const entry of blocks(mechanisms.email)) {
    if (typeof entry?.id === 'string' && EMAIL.test(entry.id)) reached.push(entry.id);
    else ignored.push(`email id ${show(entry?.id)} is not an e-mail address`);
  }
  for (const entry of blocks(mechanisms.webhooks)) {
    const id = entry?.id;
    const target = refTarget(id);
    if (target) {
      const webhook = target.type === WEBHOOK ? byAddress(tf, target.address) : undefined;
      if (!webhook) ignored.push(`webhooks id ${show(id)} is not a ${WEBHOOK} of this stack`);
      else if (typeof webhook.args.url !== 'string' || !webhook.args.url.startsWith('https://'))
        ignored.push(`webhook ${webhook.address} has url ${show(webhook.args.url)}, not https`);
      else {
        reached.push(webhook.address);
        webhooks.push(webhook.address);
      }
    } else if (typeof id === 'string' && /^[A-Za-z0-9-]{8,}$/.test(id)) reached.push(`webhook ${id}`);
    else ignored.push(`webhooks id ${show(id)} names no destination`);
  }
  for (const entry of blocks(mechanisms.pagerduty)) {
    if (typeof entry?.id === 'string' && /^[A-Za-z0-9-]{8,}$/.test(entry.id)) reached.push(`pagerduty ${entry.id}`);
    else ignored.push(`pagerduty id ${show(entry?.id)} names no service`);
  }
  return { reached, webhooks, ignored };
}

/** A filter's values as strings (absent: undefined; a reference or other value: one rendering). */
function filterValues(filters: any, key: string): string[] | undefined {
  const value = filters?.[key];
  if (value === undefined || value === null) return undefined;
  return (Array.isArray(value) ? value : [value]).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
}

/**
 * Every reason one notification policy of this control's alert types does not page on-call for
 * the stack's zones and pools: disabled, no destination, another account, or a filter that drops
 * the stack's zone, pools or the events that matter.
 */
function problemsOf(tf: TfJson, policy: TfRes, zones: readonly string[], pools: readonly TfRes[], accounts: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const type = policy.args.alert_type as string;
  if (isFalse(policy.args.enabled)) problems.push('enabled is false; expected true (a disabled policy pages nobody)');
  const { reached, ignored } = destinations(tf, policy);
  if (reached.length === 0) {
    problems.push(
      `mechanisms ${show(policy.args.mechanisms)} reach no on-call ` +
        `destination${ignored.length > 0 ? ` (${ignored.join('; ')})` : ''}; expected an on-call e-mail address, a webhook of ` +
        `this stack with an https URL, or a PagerDuty service`,
    );
  }
  const account = policy.args.account_id;
  if (typeof account === 'string' && !account.startsWith('${') && accounts.size > 0 && !accounts.has(account)) {
    problems.push(
      `account_id ${show(account)} is not the account of this stack's resources ` +
        `(${[...accounts].map((a) => JSON.stringify(a)).join(', ')}); expected the account that holds the zone: another ` +
        `account's notifications never see its events`,
    );
  }
  const filters = block(policy.args.filters);
  for (const key of Object.keys(filters ?? {})) {
    if (filters[key] === undefined || filters[key] === null) continue;
    if (!ALLOWED_FILTERS[type].includes(key))
      problems.push(
        `filters.${key} is ${show(filters[key])}; expected no ${key} filter (it narrows the alert, dropping events on-call must see)`,
      );
  }
  const zoneFilter = filterValues(filters, 'zones');
  if (zoneFilter === undefined) {
    if (type === TYPES.securityEvents || type === TYPES.advancedSecurityEvents) {
      problems.push(
        `filters.zones is absent; expected the stack's zone${zones.length === 1 ? '' : 's'} ` +
          `${zones.map((z) => JSON.stringify(z)).join(', ')} (Cloudflare requires the zones this alert watches)`,
      );
    }
  } else {
    const missing = zones.filter((z) => !zoneFilter.includes(z));
    if (missing.length > 0) {
      problems.push(
        `filters.zones is ${show(filters.zones)}, which leaves out ${missing.map((z) => JSON.stringify(z)).join(', ')}; ` +
          `expected every zone of this stack (events of a zone filtered out page nobody)`,
      );
    }
  }
  if (type === TYPES.advancedSecurityEvents) {
    const services = (filterValues(filters, 'services') ?? []).map((s) => s.toLowerCase());
    const missing = ADVANCED_SECURITY_EVENTS_SERVICES.filter((s) => !services.includes(s.toLowerCase()));
    if (missing.length > 0)
      problems.push(
        `filters.services is ${show(filters?.services)}; expected at least ` +
          `${ADVANCED_SECURITY_EVENTS_SERVICES.map((s) => JSON.stringify(s)).join(', ')} (the managed WAF, custom rules and rate ` +
          `limits the edge runs)`,
      );
  }
  if (type === TYPES.loadBalancingHealth || type === TYPES.poolEnablement) {
    const poolFilter = filterValues(filters, 'pool_id');
    if (poolFilter !== undefined) {
      const covered = new Set(poolFilter.map((v) => refTarget(v)?.address).filter((a): a is string => a !== undefined));
      const missing = pools.filter((p) => !covered.has(p.address));
      if (missing.length > 0)
        problems.push(
          `filters.pool_id is ${show(filters.pool_id)}, which leaves out ${missing.map((p) => p.address).join(', ')}; ` +
            `expected a reference to every pool of this stack`,
        );
    }
    const [key, needed, why] =
      type === TYPES.loadBalancingHealth
        ? (['new_health', 'Unhealthy', 'a pool going down'] as const)
        : (['enabled', 'false', 'a pool being switched off'] as const);
    const values = filterValues(filters, key);
    if (values !== undefined && !values.includes(needed))
      problems.push(`filters.${key} is ${show(filters[key])}; expected it to include "${needed}" (${why})`);
    const sources = type === TYPES.loadBalancingHealth ? filterValues(filters, 'event_source') : undefined;
    if (sources !== undefined && !sources.includes('pool'))
      problems.push(`filters.event_source is ${show(filters.event_source)}; expected it to include "pool" (a whole region failing over)`);
  }
  return problems;
}

/**
 * Control DETECT-THREATS (Cloudflare: attacks on the edge page on-call). The attack it stops: an
 * attack on the edge that nobody is paged for, blocked and counted in Cloudflare's dashboard while
 * it runs (credential stuffing, an injection campaign, a flood) until it succeeds or takes the
 * service down. For every zone of the stack the check requires an enabled
 * `cloudflare_notification_policy` alerting on HTTP DDoS attacks (`dos_attack_l7`, every plan; or
 * `advanced_ddos_attack_l7_alert`) and one alerting on security event spikes
 * (`clickhouse_alert_fw_anomaly`, or `clickhouse_alert_fw_ent_anomaly` watching the managed WAF,
 * custom rules and rate limits) — on a zone the `cloudflarePlan` option shows on Free or Pro, where
 * Cloudflare offers no Security Events Alert, the missing alert is an exception of the result, not
 * a failure; with load balancer pools, enabled `load_balancing_health_alert` and
 * `load_balancing_pool_enablement_alert` policies covering every pool. Every notification policy of
 * these alert types must be enabled, reach an on-call destination (an e-mail address, a webhook of
 * this stack with an https URL, or a PagerDuty service), belong to the account of the stack's
 * resources, and filter out none of the stack's zones or pools nor the events that matter (no
 * hostname, rate, action or other narrowing filter). Not applicable to a stack without zones,
 * pools or notification policies. Not seen in the output: whether the addresses are read, and
 * Cloudflare's thresholds (a spike, not every event, raises the Security Events Alert).
 */
export function checkDetectThreats(tf: TfJson, options: CheckOptions = {}): CheckResult {
  const out = new Outcome('DETECT-THREATS');
  const zones = zoneIds(tf);
  const pools = ofType(tf, POOL);
  const accounts = new Set(
    cloudflareResources(tf)
      .filter(
        (r) => r.type !== POLICY && r.type !== WEBHOOK && typeof r.args.account_id === 'string' && !r.args.account_id.startsWith('${'),
      )
      .map((r) => r.args.account_id as string),
  );
  const policies = ofType(tf, POLICY).filter((p) => typeof p.args.alert_type === 'string' && KIND_OF[p.args.alert_type] !== undefined);
  const clean = new Map<Kind, TfRes[]>();
  for (const policy of policies) {
    const problems = problemsOf(tf, policy, zones, pools, accounts);
    for (const problem of problems) out.fail(policy.address, `${policy.args.alert_type} policy: ${problem}`);
    if (problems.length === 0) {
      const kind = KIND_OF[policy.args.alert_type];
      clean.set(kind, [...(clean.get(kind) ?? []), policy]);
    }
  }
  const covered = (kind: Kind): boolean => {
    const found = clean.get(kind) ?? [];
    if (found.length === 0) return false;
    for (const policy of found) out.carry(policy.address, ...destinations(tf, policy).webhooks);
    return true;
  };
  const plan = options.cloudflarePlan;
  for (const zone of zones) {
    const where = `zone ${JSON.stringify(zone)}`;
    if (!covered('ddos')) {
      out.fail(
        TEMPLATE,
        `${where} has no enabled ${POLICY} alerting on-call on ${REQUIRED.ddos}; expected one reaching an on-call ` +
          `destination: an attack on the edge that nobody is paged for`,
      );
    }
    if (!covered('security-events')) {
      if (plan !== undefined && !SECURITY_EVENTS_ALERT_PLAN_IDS.includes(plan)) {
        out.except(
          TEMPLATE,
          `${where} is on the ${plan} plan: Cloudflare offers the Security Events Alert on Business and Enterprise only, so ` +
            `WAF blocks, challenges and rate-limit actions page nobody; only HTTP DDoS attacks (and pool health) alert on-call`,
        );
      } else {
        out.fail(
          TEMPLATE,
          `${where} has no enabled ${POLICY} alerting on-call on ${REQUIRED['security-events']}; expected one filtered to the ` +
            `zone and reaching an on-call destination: WAF blocks and rate-limit actions page nobody without ` +
            'it' +
            (plan === undefined
              ? ' (a Free or Pro zone cannot have it: give the plan, config cloudflare.plan, and the check reports the gap as an exception)'
              : ''),
        );
      }
    }
  }
  if (pools.length > 0) {
    for (const kind of ['pool-health', 'pool-enablement'] as const) {
      if (!covered(kind)) {
        out.fail(
          TEMPLATE,
          `the stack's ${pools.length} ${POOL} have no enabled ${POLICY} alerting on-call on ${REQUIRED[kind]}; expected one ` +
            `covering every pool and reaching an on-call destination`,
        );
      }
    }
  }
  return out.result(zones.length + pools.length + policies.length > 0);
}
