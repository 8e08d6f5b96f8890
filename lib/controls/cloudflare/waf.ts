import { Outcome } from '../core/outcome';
import { block, blocks, isFalse, ofType, show, TEMPLATE, type TfJson, type TfRes } from '../core/terraform';
import type { CheckResult } from '../types';
import { CLOUDFLARE_FREE_RATE_PLANS, CLOUDFLARE_MANAGED_RULESET_IDS, OWASP_ANOMALY_RULE_ID } from './ids';
import {
  isEnabled,
  matchesEverything,
  PHASES,
  requireZoneSettings,
  ruleName,
  rulesOf,
  zoneIds,
  zoneKey,
  zoneRulesets,
  type RequiredZoneSetting,
} from './zone';

/**
 * The zone settings WAF-REPUTATION requires (the same as `ZONE_HARDENING_SETTINGS` of
 * lib/cloudflare/zone-hardening.ts; a test asserts it). `off`, `essentially_off` and `low` are not
 * accepted security levels.
 */
export const WAF_REPUTATION_ZONE_SETTINGS: Readonly<Record<string, RequiredZoneSetting>> = {
  browser_check: { accepted: ['on'], why: 'Browser Integrity Check challenges requests with abusive-bot headers' },
  security_level: {
    accepted: ['medium', 'high', 'under_attack'],
    why: 'off, essentially_off and low challenge fewer bad-reputation visitors',
  },
};

/** Rule actions that leave a request unblocked however it scores. */
const NON_BLOCKING_OVERRIDE_ACTIONS = new Set(['log', 'skip']);

/** `not http.host in {"a.example.com" ...}`, optionally parenthesised. */
const UNEXPECTED_HOST = /^\s*not\s*\(?\s*http\.host\s+in\s+\{[^}]+\}\s*\)?\s*$/;
/** Managed IP Lists of anonymizers and threats, and Tor (the pseudo-continent T1). */
const REPUTATION_SOURCE = /\$cf\.(anonymizer|open_proxies|vpn|malware|botnetcc)\b|\bip\.(src|geoip)\.continent\s+(eq|==)\s+"T1"/;

/**
 * Zones the stack shows on the Free plan: a `cloudflare_zone_subscription` whose `rate_plan.id` is
 * `free` (or `partners_free`), or a provider 4.x `cloudflare_zone` with `plan = "free"` (its
 * zone is named by references to it).
 */
export function freeZones(tf: TfJson): Set<string> {
  const free = new Set<string>();
  for (const sub of ofType(tf, 'cloudflare_zone_subscription')) {
    if (sub.args.zone_id !== undefined && CLOUDFLARE_FREE_RATE_PLANS.includes(block(sub.args.rate_plan)?.id))
      free.add(zoneKey(sub.args.zone_id));
  }
  for (const zone of ofType(tf, 'cloudflare_zone')) {
    if (zone.args.plan === 'free') free.add(`\${${zone.address}.id}`);
  }
  return free;
}

function executing(ruleset: TfRes, rulesetId: string): any[] {
  return rulesOf(ruleset).filter((r) => r?.action === 'execute' && block(r.action_parameters)?.id === rulesetId);
}

/** Findings unless the ruleset executes `rulesetId` on every request, enabled, without disabling overrides. */
function requireExecuted(out: Outcome, ruleset: TfRes, rulesetId: string, label: string, hint = ''): any[] {
  const rules = executing(ruleset, rulesetId);
  if (rules.length === 0) {
    out.fail(
      ruleset.address,
      `executes no rule with action_parameters.id ${show(rulesetId)} (${label}); expected an enabled "execute" rule on ` +
        `expression "true"${hint}`,
    );
  }
  for (const rule of rules) {
    const name = `${ruleName(ruleset, rule)} executing the ${label}`;
    if (!isEnabled(rule.enabled)) out.fail(ruleset.address, `${name} has enabled ${show(rule.enabled)}; expected true`);
    if (!matchesEverything(rule.expression))
      out.fail(ruleset.address, `${name} has expression ${show(rule.expression)}; expected "true" (every request)`);
    const overrides = block(block(rule.action_parameters)?.overrides);
    if (isFalse(overrides?.enabled))
      out.fail(ruleset.address, `${name} has overrides.enabled false (every rule of the ruleset off); expected the rules enabled`);
    if (NON_BLOCKING_OVERRIDE_ACTIONS.has(overrides?.action))
      out.fail(ruleset.address, `${name} has overrides.action ${show(overrides.action)}; expected the rules' own actions (block)`);
  }
  return rules;
}

/**
 * Control WAF-MANAGED (Cloudflare): every zone the stack configures has an
 * `http_request_firewall_managed` zone ruleset that executes, on expression "true" and enabled
 * (absent `enabled` is Cloudflare's default, true), without `overrides.enabled` false or an
 * `overrides.action` of log/skip,
 * - the Cloudflare Managed Ruleset, and
 * - the Cloudflare OWASP Core Ruleset with an override of its anomaly score rule
 *   (`6179ae15...`, 949110) setting action "block" (and not disabling it);
 * and no enabled rule of that ruleset skips on expression "true".
 *
 * Free zones cannot deploy either ruleset; `EdgeWaf` gives them the Cloudflare Free Managed
 * Ruleset instead. That reduced form is accepted only when the stack itself shows the zone is on
 * the Free plan (a `cloudflare_zone_subscription` with `rate_plan.id` "free"); otherwise a Free
 * Managed Ruleset in place of the other two fails, since nothing in the JSON tells a Free zone from
 * a paid one whose WAF was weakened.
 */
export function checkWafManaged(tf: TfJson): CheckResult {
  const out = new Outcome('WAF-MANAGED');
  const zones = zoneIds(tf);
  const free = freeZones(tf);
  for (const zone of zones) {
    const rulesets = zoneRulesets(tf, zone, PHASES.managed);
    if (rulesets.length === 0) {
      out.fail(
        TEMPLATE,
        `zone ${show(zone)} has no ${PHASES.managed} zone ruleset; expected one executing the Cloudflare Managed Ruleset and ` +
          `the Cloudflare OWASP Core Ruleset`,
      );
    }
    for (const ruleset of rulesets) {
      out.within(ruleset.address, () => {
        for (const rule of rulesOf(ruleset)) {
          if (rule?.action === 'skip' && isEnabled(rule.enabled) && matchesEverything(rule.expression)) {
            out.fail(
              ruleset.address,
              `${ruleName(ruleset, rule)} skips ${show(rule.action_parameters)} on every request (expression "true"); ` +
                `expected no blanket skip of the managed rules`,
            );
          }
        }
        const paid =
          executing(ruleset, CLOUDFLARE_MANAGED_RULESET_IDS.managed).length +
            executing(ruleset, CLOUDFLARE_MANAGED_RULESET_IDS.owasp).length >
          0;
        if (free.has(zone) && !paid) {
          requireExecuted(out, ruleset, CLOUDFLARE_MANAGED_RULESET_IDS.free, "Cloudflare Free Managed Ruleset, the Free plan's only one");
          return;
        }
        const hint =
          executing(ruleset, CLOUDFLARE_MANAGED_RULESET_IDS.free).length > 0
            ? ' (the Cloudflare Free Managed Ruleset alone is accepted only when the stack shows the zone on the Free plan: a ' +
              'cloudflare_zone_subscription with rate_plan.id "free")'
            : '';
        requireExecuted(out, ruleset, CLOUDFLARE_MANAGED_RULESET_IDS.managed, 'Cloudflare Managed Ruleset', hint);
        for (const rule of requireExecuted(out, ruleset, CLOUDFLARE_MANAGED_RULESET_IDS.owasp, 'Cloudflare OWASP Core Ruleset', hint)) {
          const name = `${ruleName(ruleset, rule)} executing the Cloudflare OWASP Core Ruleset`;
          const anomaly = blocks(block(block(rule.action_parameters)?.overrides)?.rules).find((r) => r?.id === OWASP_ANOMALY_RULE_ID);
          if (!anomaly) {
            out.fail(
              ruleset.address,
              `${name} overrides no rule ${show(OWASP_ANOMALY_RULE_ID)} (Inbound Anomaly Score Exceeded); expected that ` +
                `rule's action set to "block" (the OWASP rules only score, that rule acts)`,
            );
          } else {
            if (anomaly.action !== 'block')
              out.fail(
                ruleset.address,
                `${name} sets the anomaly score rule ${show(OWASP_ANOMALY_RULE_ID)} to action ${show(anomaly.action)}; expected "block"`,
              );
            if (isFalse(anomaly.enabled))
              out.fail(ruleset.address, `${name} disables the anomaly score rule ${show(OWASP_ANOMALY_RULE_ID)}; expected it enabled`);
          }
        }
      });
    }
  }
  return out.result(zones.length > 0);
}

/** Findings unless the ruleset has an enabled "block" rule whose expression matches `pattern`. */
function requireBlockRule(out: Outcome, ruleset: TfRes, pattern: RegExp, what: string, why: string): void {
  const candidates = rulesOf(ruleset).filter((r) => typeof r?.expression === 'string' && pattern.test(r.expression));
  if (candidates.length === 0) {
    out.fail(ruleset.address, `has no rule on ${what}; expected an enabled "block" rule ${why}`);
    return;
  }
  if (candidates.some((r) => isEnabled(r.enabled) && r.action === 'block')) return;
  for (const rule of candidates) {
    const name = `${ruleName(ruleset, rule)} on ${what}`;
    if (!isEnabled(rule.enabled)) out.fail(ruleset.address, `${name} has enabled ${show(rule.enabled)}; expected true`);
    if (rule.action !== 'block') out.fail(ruleset.address, `${name} has action ${show(rule.action)}; expected "block" ${why}`);
  }
}

/**
 * Control WAF-REPUTATION (Cloudflare): every zone the stack configures has
 * - `cloudflare_zone_setting` `browser_check` "on" and `security_level` "medium", "high" or
 *   "under_attack" (not off, essentially_off or low);
 * - an `http_request_firewall_custom` zone ruleset with an enabled "block" rule on
 *   `not http.host in {...}` (hostnames the zone does not serve), and an enabled "block" rule on
 *   anonymizing or threat sources: the Managed IP Lists `$cf.anonymizer`, `$cf.open_proxies`,
 *   `$cf.vpn`, `$cf.malware`, `$cf.botnetcc`, or Tor (`ip.src.continent eq "T1"`).
 * A challenge is not a block: `EdgeWaf`'s `challengeAnonymizers` opt-in fails this check.
 */
export function checkWafReputation(tf: TfJson): CheckResult {
  const out = new Outcome('WAF-REPUTATION');
  const zones = zoneIds(tf);
  for (const zone of zones) {
    requireZoneSettings(out, tf, zone, WAF_REPUTATION_ZONE_SETTINGS);
    const rulesets = zoneRulesets(tf, zone, PHASES.custom);
    if (rulesets.length === 0) {
      out.fail(
        TEMPLATE,
        `zone ${show(zone)} has no ${PHASES.custom} zone ruleset; expected rules blocking unexpected hosts and anonymizing or ` +
          `threat sources`,
      );
    }
    for (const ruleset of rulesets) {
      out.within(ruleset.address, () => {
        requireBlockRule(
          out,
          ruleset,
          UNEXPECTED_HOST,
          'unexpected hosts (not http.host in {...})',
          'for hostnames the zone does not serve',
        );
        requireBlockRule(
          out,
          ruleset,
          REPUTATION_SOURCE,
          'anonymizing or threat sources ($cf.anonymizer, $cf.open_proxies, $cf.vpn, $cf.malware, $cf.botnetcc, Tor "T1")',
          'for bad-reputation and anonymizing sources',
        );
      });
    }
  }
  return out.result(zones.length > 0);
}
