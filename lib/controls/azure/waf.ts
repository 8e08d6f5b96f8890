import { AZURE_PER_EDGE_RATE_LIMIT_KEY, AZURE_RATE_LIMIT_KEY_TAG } from '../../config/origin-pull';
import { Outcome } from '../core/outcome';
import type { CheckOptions, CheckResult } from '../types';
import { applicationGateways } from './edge';
import { isGatewayLockedToEdge } from './origin-lock';
import { asNumber, block, blocks, isFalse, isTrue, ofType, refTarget, refTo, show, type TfJson, type TfRes } from '../core/terraform';

const POLICY = 'azurerm_web_application_firewall_policy';

/** Lowest versions of the managed rule sets that cover OWASP-class attacks (WAF-MANAGED). */
export const AZURE_WAF_MIN_CORE_RULE_SETS: Readonly<Record<string, string>> = { Microsoft_DefaultRuleSet: '2.1', OWASP: '3.2' };
/** The managed rule set that blocks bad bots and Microsoft Threat Intelligence's malicious IPs. */
export const AZURE_BOT_MANAGER_RULE_SET = 'Microsoft_BotManagerRuleSet';

/** Application Gateway rate-limit windows in seconds. */
const DURATION_SECONDS: Record<string, number> = { OneMin: 60, FiveMins: 300 };

/** One rate-limit custom rule, normalised. */
interface RateRule {
  readonly rule: any;
  readonly name: string;
  readonly priority?: number;
  /** Requests per second the rule admits per client (threshold / window), when known. */
  readonly perSecond?: number;
}

/** WAF policies of the stack. */
export function wafPolicies(tf: TfJson): TfRes[] {
  return ofType(tf, POLICY);
}

/**
 * Findings for gateways that enforce no WAF policy of this stack: WAF_v2 tier,
 * `firewall_policy_id` referencing a policy (or a literal policy id from elsewhere), and
 * `force_firewall_policy_association` true.
 */
function checkGatewayPolicies(out: Outcome, tf: TfJson): void {
  for (const gw of applicationGateways(tf)) {
    out.within(gw.address, () => {
      const tier = block(gw.args.sku)?.tier;
      if (tier !== 'WAF_v2')
        out.fail(gw.address, `sku.tier is ${show(tier)}; expected "WAF_v2" (only WAF_v2 gateways enforce a WAF policy)`);
      const id = gw.args.firewall_policy_id;
      const local = refTo(tf, id, POLICY);
      const external =
        refTarget(id) === undefined && typeof id === 'string' && /\/ApplicationGatewayWebApplicationFirewallPolicies\//i.test(id);
      if (!local && !external) out.fail(gw.address, `firewall_policy_id is ${show(id)}; expected a reference to an ${POLICY}`);
      if (!isTrue(gw.args.force_firewall_policy_association)) {
        out.fail(gw.address, `force_firewall_policy_association is ${show(gw.args.force_firewall_policy_association)}; expected true`);
      }
    });
  }
}

function managedSets(policy: TfRes): any[] {
  return blocks(block(policy.args.managed_rules)?.managed_rule_set);
}

/** Compares dotted versions numerically: negative when a < b. */
function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (Number.isNaN(d)) return -1;
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Control WAF-MANAGED (Azure): each `azurerm_web_application_firewall_policy` has
 * `policy_settings` enabled true, mode "Prevention" and request_body_check true, and runs
 * Microsoft_DefaultRuleSet 2.1+ or OWASP 3.2+; each application gateway is WAF_v2 with
 * `firewall_policy_id` referencing a policy and `force_firewall_policy_association` true.
 */
export function checkWafManaged(tf: TfJson): CheckResult {
  const out = new Outcome('WAF-MANAGED');
  const policies = wafPolicies(tf);
  for (const policy of policies) {
    out.within(policy.address, () => {
      const s = block(policy.args.policy_settings);
      if (!s) {
        out.fail(policy.address, 'policy_settings is absent; expected enabled true, mode "Prevention", request_body_check true');
      } else {
        if (!isTrue(s.enabled)) out.fail(policy.address, `policy_settings.enabled is ${show(s.enabled)}; expected true`);
        if (s.mode !== 'Prevention')
          out.fail(policy.address, `policy_settings.mode is ${show(s.mode)}; expected "Prevention" (Detection only logs attacks)`);
        if (!isTrue(s.request_body_check))
          out.fail(
            policy.address,
            `policy_settings.request_body_check is ${show(s.request_body_check)}; expected true (bodies inspected for injection)`,
          );
      }
      const sets = managedSets(policy);
      const core = sets.find((set) => {
        const min = AZURE_WAF_MIN_CORE_RULE_SETS[set?.type];
        return min !== undefined && typeof set.version === 'string' && compareVersions(set.version, min) >= 0;
      });
      if (!core) {
        out.fail(
          policy.address,
          `managed_rules.managed_rule_set is ${show(sets.map((x) => `${x?.type} ${x?.version}`))}; expected ` +
            `Microsoft_DefaultRuleSet 2.1 or later (or OWASP 3.2 or later)`,
        );
      }
    });
  }
  checkGatewayPolicies(out, tf);
  return out.result(policies.length + applicationGateways(tf).length > 0);
}

/**
 * Control WAF-REPUTATION (Azure): each WAF policy runs Microsoft_BotManagerRuleSet (bad bots and
 * IP addresses Microsoft Threat Intelligence rates malicious), and each gateway enforces a policy.
 * Browser integrity checks are a Cloudflare feature.
 */
export function checkWafReputation(tf: TfJson): CheckResult {
  const out = new Outcome('WAF-REPUTATION');
  const policies = wafPolicies(tf);
  for (const policy of policies) {
    out.within(policy.address, () => {
      const sets = managedSets(policy);
      if (!sets.some((s) => s?.type === AZURE_BOT_MANAGER_RULE_SET)) {
        out.fail(
          policy.address,
          `managed_rules.managed_rule_set is ${show(sets.map((x) => `${x?.type} ${x?.version}`))}; expected ` +
            `${AZURE_BOT_MANAGER_RULE_SET} (bad bots and malicious IPs blocked)`,
        );
      }
    });
  }
  checkGatewayPolicies(out, tf);
  return out.result(policies.length + applicationGateways(tf).length > 0);
}

function enabledCustomRules(policy: TfRes): any[] {
  return blocks(policy.args.custom_rules).filter((r) => r && !isFalse(r.enabled));
}

/** A blocking per-client-IP rate-limit rule; undefined for anything else. */
function asRateRule(rule: any): RateRule | undefined {
  if (rule?.rule_type !== 'RateLimitRule' || rule.action !== 'Block' || rule.group_rate_limit_by !== 'ClientAddr') return undefined;
  const threshold = asNumber(rule.rate_limit_threshold);
  const window = DURATION_SECONDS[rule.rate_limit_duration];
  return {
    rule,
    name: String(rule.name),
    priority: asNumber(rule.priority),
    perSecond: threshold !== undefined && window ? threshold / window : undefined,
  };
}

/**
 * A match condition that every client satisfies: "RemoteAddr not IPMatch 255.255.255.255/32"
 * (Microsoft's documented match-all for rate-limit rules; no client has the broadcast address).
 */
function matchesEveryClient(condition: any): boolean {
  const variables = blocks(condition?.match_variables);
  const values = blocks(condition?.match_values);
  return (
    isTrue(condition?.negation_condition) &&
    condition.operator === 'IPMatch' &&
    variables.length > 0 &&
    variables.every((v) => v?.variable_name === 'RemoteAddr') &&
    values.length > 0 &&
    values.every((v) => v === '255.255.255.255/32' || v === '255.255.255.255')
  );
}

/** The policy's global limit: a blocking per-IP rate rule whose every condition matches all clients. */
function globalRule(policy: TfRes): RateRule | undefined {
  return enabledCustomRules(policy)
    .map(asRateRule)
    .find((r): r is RateRule => r !== undefined && blocks(r.rule.match_conditions).every(matchesEveryClient));
}

/**
 * Findings on what a policy's rate rules count: never the X-Forwarded-For address (its first
 * entry is written by the client; Cloudflare appends to it), and per Cloudflare edge address only
 * behind the locked edge, where the policy must say so (tag) and the thresholds are a safety net.
 */
function checkRateKey(out: Outcome, tf: TfJson, policy: TfRes, options: CheckOptions): void {
  for (const rule of enabledCustomRules(policy).filter((r) => r?.rule_type === 'RateLimitRule')) {
    const by = String(rule.group_rate_limit_by ?? '');
    if (/XFF/i.test(by)) {
      out.fail(
        policy.address,
        `custom rule ${show(rule.name)} has group_rate_limit_by ${show(by)}; expected "ClientAddr": the X-Forwarded-For ` +
          `address is written by the client (Cloudflare appends to the header it receives), so a fresh value per request ` +
          `escapes the limit`,
      );
    }
  }
  const key = policy.args.tags?.[AZURE_RATE_LIMIT_KEY_TAG];
  // Fronted: the config says so, or a gateway enforcing this policy is locked to the edge.
  const gateways = applicationGateways(tf).filter((gw) => refTo(tf, gw.args.firewall_policy_id, POLICY)?.address === policy.address);
  const fronted = options.originLocked === true || (gateways.length > 0 && gateways.every((gw) => isGatewayLockedToEdge(tf, gw)));
  if (fronted && key !== AZURE_PER_EDGE_RATE_LIMIT_KEY) {
    out.fail(
      policy.address,
      `tag ${AZURE_RATE_LIMIT_KEY_TAG} is ${show(key)}; expected "${AZURE_PER_EDGE_RATE_LIMIT_KEY}": behind Cloudflare the ` +
        `gateway counts the edge node's address, shared by many clients, so per-client thresholds would block everyone behind ` +
        `one busy node; the thresholds must be a per-edge safety net (cloudflare.azurePerEdgeRateFactor) while the edge counts ` +
        `real clients`,
    );
  }
  if (!fronted && key === AZURE_PER_EDGE_RATE_LIMIT_KEY) {
    out.fail(
      policy.address,
      `tag ${AZURE_RATE_LIMIT_KEY_TAG} is "${AZURE_PER_EDGE_RATE_LIMIT_KEY}" on a gateway clients reach directly; expected ` +
        `per-client thresholds, since per-edge ones are a multiple of them`,
    );
  }
}

/** Paths that must not slip past a prefix match, and one that must pass (path normalisation). */
const NON_NORMALIZED_SAMPLES = ['//login', '/./login', '/x/../login', '\\login', '/%2F/login'];

/** An enabled blocking rule that refuses every non-normalized path (after URL decoding). */
function hasNormalizationGuard(policy: TfRes): boolean {
  return enabledCustomRules(policy).some((rule) => {
    if (rule?.rule_type !== 'MatchRule' || rule.action !== 'Block') return false;
    const conditions = blocks(rule.match_conditions);
    if (conditions.length !== 1) return false;
    const c = conditions[0];
    if (isTrue(c?.negation_condition) || c?.operator !== 'Regex' || !blocks(c.transforms).includes('UrlDecode')) return false;
    if (!blocks(c.match_variables).every((v) => v?.variable_name === 'RequestUri')) return false;
    const patterns = blocks(c.match_values).flatMap((v) => {
      try {
        return [new RegExp(String(v))];
      } catch {
        return [];
      }
    });
    const matches = (path: string) => patterns.some((p) => p.test(decodeURIComponent(path)));
    return NON_NORMALIZED_SAMPLES.every(matches) && !matches('/login');
  });
}

function describeRate(r: RateRule): string {
  return `${show(r.rule.rate_limit_threshold)} per ${show(r.rule.rate_limit_duration)}`;
}

/**
 * Control WAF-RATE-GLOBAL (Azure): each WAF policy has an enabled custom rule with rule_type
 * RateLimitRule, action Block, group_rate_limit_by ClientAddr, a numeric threshold and a window,
 * whose match conditions match every request (none, or the negated RemoteAddr IPMatch
 * 255.255.255.255/32 of lib/azure/baseline-waf-policy.ts); and no enabled Allow custom rule is evaluated
 * before it (an Allow ends evaluation, so the traffic it matches would never be counted).
 */
export function checkWafRateGlobal(tf: TfJson, options: CheckOptions = {}): CheckResult {
  const out = new Outcome('WAF-RATE-GLOBAL');
  const policies = wafPolicies(tf);
  for (const policy of policies) {
    out.within(policy.address, () => {
      checkRateKey(out, tf, policy, options);
      const global = globalRule(policy);
      if (!global) {
        out.fail(
          policy.address,
          `no custom rule limits all traffic per client IP (rules: ` +
            `${show(blocks(policy.args.custom_rules).map((r) => r?.name))}); expected a RateLimitRule with action Block, ` +
            `group_rate_limit_by ClientAddr and the match-all condition (RemoteAddr not IPMatch 255.255.255.255/32)`,
        );
        return;
      }
      if (global.perSecond === undefined) {
        out.fail(
          policy.address,
          `custom rule ${show(global.name)} has rate_limit_threshold ${show(global.rule.rate_limit_threshold)} per ` +
            `${show(global.rule.rate_limit_duration)}; expected a number per "OneMin" or "FiveMins"`,
        );
      }
      for (const allow of enabledCustomRules(policy).filter((r) => r.action === 'Allow')) {
        const p = asNumber(allow.priority);
        if (p === undefined || global.priority === undefined || p < global.priority) {
          out.fail(
            policy.address,
            `custom rule ${show(allow.name)} (Allow, priority ${show(allow.priority)}) is evaluated before the global limit ` +
              `${show(global.name)} (priority ${show(global.rule.priority)}); expected no Allow rule ahead of it, so every ` +
              `client is counted`,
          );
        }
      }
    });
  }
  return out.result(policies.length > 0);
}

/**
 * Control WAF-RATE-CRITICAL (Azure): each WAF policy has at least one enabled blocking per-IP
 * RateLimitRule matching RequestUri BeginsWith a path (not negated, with the Lowercase transform
 * so case variants count too), and each such rule admits fewer requests per second than the
 * global limit and has a lower priority number (is evaluated before it).
 */
export function checkWafRateCritical(tf: TfJson, options: CheckOptions = {}): CheckResult {
  const out = new Outcome('WAF-RATE-CRITICAL');
  const policies = wafPolicies(tf);
  for (const policy of policies) {
    out.within(policy.address, () => {
      checkRateKey(out, tf, policy, options);
      if (!hasNormalizationGuard(policy)) {
        out.fail(
          policy.address,
          `no enabled Block rule refuses non-normalized paths (RequestUri Regex after UrlDecode matching ` +
            `${NON_NORMALIZED_SAMPLES.map((p) => show(p)).join(', ')}); expected one, since Application Gateway cannot normalize ` +
            `paths and //login or /x/../login would escape the BeginsWith "/login" limits`,
        );
      }
      const global = globalRule(policy);
      const critical = enabledCustomRules(policy)
        .map(asRateRule)
        .filter((r): r is RateRule => r !== undefined && blocks(r.rule.match_conditions).some(isPathCondition));
      if (critical.length === 0) {
        out.fail(
          policy.address,
          `no rate-limit rule matches a critical path (rules: ${show(blocks(policy.args.custom_rules).map((r) => r?.name))}); ` +
            `expected a blocking per-IP RateLimitRule on RequestUri BeginsWith "/login" or similar`,
        );
        return;
      }
      if (!global) out.fail(policy.address, 'no global per-IP rate limit to be stricter than; expected one (control WAF-RATE-GLOBAL)');
      for (const r of critical) {
        const path = blocks(r.rule.match_conditions).find(isPathCondition);
        const values = blocks(path.match_values);
        if (!blocks(path.transforms).includes('Lowercase') || values.some((v) => typeof v !== 'string' || v !== v.toLowerCase())) {
          out.fail(
            policy.address,
            `custom rule ${show(r.name)} matches ${show(values)} with transforms ${show(path.transforms)}; expected ` +
              `lower-case paths and the Lowercase transform, so /LOGIN cannot dodge the limit`,
          );
        }
        if (!blocks(path.transforms).includes('UrlDecode')) {
          out.fail(
            policy.address,
            `custom rule ${show(r.name)} matches with transforms ${show(path.transforms)}; expected UrlDecode among them, so ` +
              `/%6Cogin cannot dodge the limit`,
          );
        }
        if (!global) continue;
        if (r.perSecond === undefined || global.perSecond === undefined || !(r.perSecond < global.perSecond)) {
          out.fail(
            policy.address,
            `custom rule ${show(r.name)} admits ${describeRate(r)}; expected fewer requests per second than the global limit ` +
              `${show(global.name)} (${describeRate(global)})`,
          );
        }
        if (r.priority === undefined || global.priority === undefined || !(r.priority < global.priority)) {
          out.fail(
            policy.address,
            `custom rule ${show(r.name)} has priority ${show(r.rule.priority)}; expected a lower number than the global limit ` +
              `${show(global.name)} (${show(global.rule.priority)}), so it is evaluated first`,
          );
        }
      }
    });
  }
  return out.result(policies.length > 0);
}

function isPathCondition(condition: any): boolean {
  return (
    !isTrue(condition?.negation_condition) &&
    condition?.operator === 'BeginsWith' &&
    blocks(condition.match_variables).some((v) => v?.variable_name === 'RequestUri') &&
    blocks(condition.match_values).some((v) => typeof v === 'string' && v.startsWith('/'))
  );
}
