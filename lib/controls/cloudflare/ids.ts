// Cloudflare's fixed ids the checks look for. They are restated here rather than imported from
// lib/cloudflare/edge-waf.ts (CLOUDFLARE_MANAGED_RULESETS, OWASP_ANOMALY_SCORE_RULE_ID),
// because that file loads the cdktf provider bindings at module level and the checks must not;
// test/controls/cloudflare/ids.test.ts asserts both copies are equal.

/**
 * Ids of Cloudflare's WAF managed rulesets, the same in every account (lib/cloudflare/edge-waf.ts
 * `CLOUDFLARE_MANAGED_RULESETS`): the Cloudflare Managed Ruleset and the Cloudflare OWASP Core
 * Ruleset (Pro and above), and the Cloudflare Free Managed Ruleset (the only one on a Free zone).
 */
export const CLOUDFLARE_MANAGED_RULESET_IDS = {
  managed: 'efb7b8c949ac4650a09736fc376e9aee',
  owasp: '4814384a9e5d4991b9815dcfc25d2f1f',
  free: '77454fe2d30c4220b5701f6fdfb893ba',
} as const;

/**
 * The OWASP Core Ruleset's "Inbound Anomaly Score Exceeded" rule (949110), the one rule that acts on
 * the summed score (lib/cloudflare/edge-waf.ts `OWASP_ANOMALY_SCORE_RULE_ID`).
 */
export const OWASP_ANOMALY_RULE_ID = '6179ae15870a4bb7b2d480d4843b323c';

/** `cloudflare_zone_subscription` `rate_plan.id` values of a Free zone. */
export const CLOUDFLARE_FREE_RATE_PLANS: readonly string[] = ['free', 'partners_free'];

/**
 * The notification `alert_type`s the DETECT-THREATS check reads (lib/cloudflare/edge-alerts.ts
 * `CLOUDFLARE_ALERT_TYPES`): the HTTP DDoS Attack Alert (every plan) and its Advanced variant, the
 * Security Events Alert (Business and Enterprise) and its Advanced variant (Enterprise), and the
 * Load Balancing health and pool enablement alerts (Load Balancing add-on).
 */
export const CLOUDFLARE_ALERT_TYPE_IDS = {
  httpDdos: 'dos_attack_l7',
  advancedHttpDdos: 'advanced_ddos_attack_l7_alert',
  securityEvents: 'clickhouse_alert_fw_anomaly',
  advancedSecurityEvents: 'clickhouse_alert_fw_ent_anomaly',
  loadBalancingHealth: 'load_balancing_health_alert',
  poolEnablement: 'load_balancing_pool_enablement_alert',
} as const;

/** The plans Cloudflare offers the Security Events Alert on (lib/cloudflare/edge-alerts.ts `SECURITY_EVENTS_ALERT_PLANS`). */
export const SECURITY_EVENTS_ALERT_PLAN_IDS: readonly string[] = ['business', 'enterprise'];
