import { Outcome } from '../core/outcome';
import { asNumber, block, blocks, show, TEMPLATE, type TfJson, type TfRes } from '../core/terraform';
import type { CheckResult } from '../types';
import { inZone, isEnabled, matchesEverything, PHASES, ruleName, rulesOf, zoneIds, zoneRulesets } from './zone';

/** The zone's URL normalization setting. */
export const URL_NORMALIZATION = 'cloudflare_url_normalization_settings';
/** Scopes that normalize URLs before the zone's rules run. */
export const NORMALIZING_SCOPES = ['incoming', 'both'] as const;

/** The characteristic that counts requests per client IP. */
export const CLIENT_IP_CHARACTERISTIC = 'ip.src';

/** A rate limiting rule's allowance, when both numbers are literal. */
interface Rate {
  readonly requests: number;
  readonly periodSeconds: number;
}

function rateOf(rule: any): Rate | undefined {
  const limit = block(rule?.ratelimit);
  const requests = asNumber(limit?.requests_per_period);
  const periodSeconds = asNumber(limit?.period);
  return requests !== undefined && periodSeconds !== undefined && periodSeconds > 0 ? { requests, periodSeconds } : undefined;
}

/** `a` allows fewer requests per second than `b` (compared exactly, without division). */
function stricter(a: Rate, b: Rate): boolean {
  return a.requests * b.periodSeconds < b.requests * a.periodSeconds;
}

/** Findings for one rule that must block per client IP above a numeric limit. */
function checkPerIpBlock(out: Outcome, ruleset: TfRes, rule: any, what: string): void {
  const name = `${ruleName(ruleset, rule)} (${what})`;
  const limit = block(rule.ratelimit);
  if (!isEnabled(rule.enabled)) out.fail(ruleset.address, `${name} has enabled ${show(rule.enabled)}; expected true`);
  if (rule.action !== 'block') out.fail(ruleset.address, `${name} has action ${show(rule.action)}; expected "block"`);
  if (!blocks(limit?.characteristics).includes(CLIENT_IP_CHARACTERISTIC)) {
    out.fail(
      ruleset.address,
      `${name} has ratelimit.characteristics ${show(limit?.characteristics)}; expected "${CLIENT_IP_CHARACTERISTIC}" among ` +
        `them (counted per client IP)`,
    );
  }
  if (asNumber(limit?.requests_per_period) === undefined)
    out.fail(
      ruleset.address,
      `${name} has ratelimit.requests_per_period ${show(limit?.requests_per_period)}; expected a number of requests`,
    );
  const period = asNumber(limit?.period);
  if (period === undefined || period <= 0)
    out.fail(ruleset.address, `${name} has ratelimit.period ${show(limit?.period)}; expected a number of seconds`);
  const timeout = asNumber(limit?.mitigation_timeout);
  if (timeout === undefined || timeout <= 0) {
    out.fail(
      ruleset.address,
      `${name} has ratelimit.mitigation_timeout ${show(limit?.mitigation_timeout)}; expected more than 0 seconds (0 only ` +
        `throttles the excess instead of blocking the client)`,
    );
  }
}

/** The zone's rate limiting rulesets, or a finding that it has none. */
function rateLimitRulesets(out: Outcome, tf: TfJson, zone: string, expected: string): TfRes[] {
  const rulesets = zoneRulesets(tf, zone, PHASES.rateLimit);
  if (rulesets.length === 0) out.fail(TEMPLATE, `zone ${show(zone)} has no ${PHASES.rateLimit} zone ruleset; expected ${expected}`);
  return rulesets;
}

/**
 * Control WAF-RATE-GLOBAL (Cloudflare): every zone the stack configures has an `http_ratelimit`
 * zone ruleset with a rule on all traffic (expression "true"); each such rule is enabled, has
 * action "block", counts by `ip.src` (among its characteristics), has numeric
 * `requests_per_period` and `period`, and a `mitigation_timeout` above 0.
 */
export function checkWafRateGlobal(tf: TfJson): CheckResult {
  const out = new Outcome('WAF-RATE-GLOBAL');
  const zones = zoneIds(tf);
  for (const zone of zones) {
    for (const ruleset of rateLimitRulesets(out, tf, zone, 'a per-IP "block" rule on all traffic (expression "true")')) {
      out.within(ruleset.address, () => {
        const global = rulesOf(ruleset).filter((r) => matchesEverything(r.expression));
        if (global.length === 0)
          out.fail(
            ruleset.address,
            'has no rule on all traffic (expression "true"); expected a per-IP "block" rule counting every request',
          );
        for (const rule of global) checkPerIpBlock(out, ruleset, rule, 'all traffic');
      });
    }
  }
  return out.result(zones.length > 0);
}

/**
 * Control WAF-RATE-CRITICAL (Cloudflare): every zone the stack configures has an `http_ratelimit`
 * zone ruleset with at least one rule scoped to a path (its expression reads
 * `http.request.uri.path`); each such rule is enabled, has action "block", counts by `ip.src`, has
 * a mitigation timeout above 0, compares the path lower-cased (`lower(http.request.uri.path)`, or
 * `/Login` escapes), and allows strictly fewer requests per second
 * (`requests_per_period / period`) than the global rule (expression "true") of the same ruleset,
 * which must exist with literal numbers to compare with. The zone states its URL normalization
 * (`cloudflare_url_normalization_settings` of type "cloudflare", scope "incoming" or "both"), so
 * `//login`, `/./login` and `/%6Cogin` reach the rules as `/login`.
 */
export function checkWafRateCritical(tf: TfJson): CheckResult {
  const out = new Outcome('WAF-RATE-CRITICAL');
  const zones = zoneIds(tf);
  for (const zone of zones) {
    const normalization = inZone(tf, zone, URL_NORMALIZATION);
    if (normalization.length === 0) {
      out.fail(
        TEMPLATE,
        `zone ${show(zone)} has no ${URL_NORMALIZATION}; expected type "cloudflare" with scope "incoming" or "both", stated ` +
          `in the stack, so //login or /./login cannot escape the critical-path limits`,
      );
    }
    for (const setting of normalization) {
      out.within(setting.address, () => {
        if (setting.args.type !== 'cloudflare')
          out.fail(
            setting.address,
            `type is ${show(setting.args.type)}; expected "cloudflare" (it also merges slashes and turns \\ into /, which RFC ` +
              `3986 normalization leaves, so //login would escape)`,
          );
        if (!(NORMALIZING_SCOPES as readonly string[]).includes(setting.args.scope))
          out.fail(
            setting.address,
            `scope is ${show(setting.args.scope)}; expected "incoming" or "both" (URLs normalized before the rules run)`,
          );
      });
    }
    for (const ruleset of rateLimitRulesets(out, tf, zone, 'tighter per-IP "block" rules on critical paths (http.request.uri.path)')) {
      out.within(ruleset.address, () => {
        const rules = rulesOf(ruleset);
        const critical = rules.filter((r) => typeof r?.expression === 'string' && /\bhttp\.request\.uri\.path\b/.test(r.expression));
        if (critical.length === 0) {
          out.fail(
            ruleset.address,
            'has no rate limiting rule scoped to a path (expression on http.request.uri.path); expected tighter per-IP limits ' +
              'on login, password reset and other critical endpoints',
          );
          return;
        }
        const globalRule = rules.find((r) => matchesEverything(r.expression) && isEnabled(r.enabled) && rateOf(r) !== undefined);
        const global = globalRule ? rateOf(globalRule) : undefined;
        if (!global)
          out.fail(
            ruleset.address,
            'has no enabled rule on all traffic (expression "true") with numeric requests_per_period and period; expected one ' +
              'to compare the critical limits with (WAF-RATE-GLOBAL)',
          );
        for (const rule of critical) {
          checkPerIpBlock(out, ruleset, rule, show(rule.expression));
          if (/\bhttp\.request\.uri\.path\b/.test(rule.expression.replace(/lower\(\s*http\.request\.uri\.path\s*\)/g, ''))) {
            out.fail(
              ruleset.address,
              `${ruleName(ruleset, rule)} compares http.request.uri.path as sent (${show(rule.expression)}); expected ` +
                `lower(http.request.uri.path), so /Login or /LOGIN cannot escape the limit`,
            );
          }
          const rate = rateOf(rule);
          if (global && rate && !stricter(rate, global)) {
            out.fail(
              ruleset.address,
              `${ruleName(ruleset, rule)} allows ${rate.requests} requests per ${rate.periodSeconds} s, not fewer per second ` +
                `than the global rule (${global.requests} per ${global.periodSeconds} s); expected a tighter limit on the ` +
                `critical path`,
            );
          }
        }
      });
    }
  }
  return out.result(zones.length > 0);
}
