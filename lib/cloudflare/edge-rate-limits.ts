import { Ruleset, type RulesetRules } from '@cdktf/provider-cloudflare/lib/ruleset';
import { UrlNormalizationSettings } from '@cdktf/provider-cloudflare/lib/url-normalization-settings';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { checkCloudflareId } from './ids';
import {
  checkCloudflarePlan,
  defaultMitigationTimeoutSeconds,
  rateLimitProblems,
  type CloudflarePlan,
  type RateLimitRuleTerms,
} from '../config/cloudflare-plan-limits';

/** A per-client-IP request limit, in Cloudflare's terms. */
export interface EdgeRateLimit {
  /** Requests one client IP may send within the period (a whole number of at least 1). */
  readonly requestsPerPeriod: number;
  /**
   * Counting period in seconds: one of `CLOUDFLARE_RATE_LIMIT_PERIODS` that the plan allows
   * (free: 10; pro: up to 60; business: up to 600; enterprise: up to 65535).
   */
  readonly periodSeconds: number;
}

/** A stricter limit on one critical endpoint (login, password reset, sign-up, token). */
export interface EdgeCriticalPathLimit extends EdgeRateLimit {
  /** Short kebab-case name of the endpoint, such as `login` or `password-reset`; used in the rule's `ref`. */
  readonly name: string;
  /**
   * URL path prefix the rule counts, such as `/login`, matched case-insensitively. Letters, digits
   * and `/ . _ ~ -` only (no quotes, spaces, backslashes or percent signs: the value is written into
   * a rule expression), starting with `/`, without empty (`//`), `.` or `..` segments.
   */
  readonly pathPrefix: string;
}

/** Properties of {@link EdgeRateLimits}. */
export interface EdgeRateLimitsProps {
  /** Id of the zone the limits apply to (32 lowercase hex digits). */
  readonly zoneId: string;
  /**
   * The zone's Cloudflare plan; it bounds the number of rules, the periods and the mitigation
   * timeout (see `CLOUDFLARE_PLAN_LIMITS`). The free plan's single rule cannot hold both a critical
   * and the global limit, so it is refused.
   */
  readonly plan: CloudflarePlan;
  /** Per-IP limit on all traffic (control WAF-RATE-GLOBAL), evaluated after the critical ones. */
  readonly global: EdgeRateLimit;
  /**
   * Stricter per-IP limits on critical endpoints (control WAF-RATE-CRITICAL), one rule each, in
   * this order and before the global rule. Each must allow fewer requests per second than
   * `global`. At least one; with the global rule at most the plan's `maxRules`.
   */
  readonly critical: readonly EdgeCriticalPathLimit[];
  /**
   * How long a client over a limit stays blocked, in seconds; the same for every rule. A value the
   * plan accepts: free 10; pro up to 3600; business and enterprise up to 86400.
   * @default - the longest value the plan allows, capped at 600 s (free: 10 s; others: 600 s): long
   *   enough to make password guessing slow, short enough that a shared (NAT) address wrongly
   *   blocked recovers within minutes
   */
  readonly mitigationTimeoutSeconds?: number;
  /**
   * Where the zone normalizes URLs (Cloudflare's normalization: percent-decoding, `\` to `/`,
   * merged slashes, dot segments removed) before the path rules run: `both` also forwards the
   * normalized URL to the origins, so the origins' own path rules see the path the edge counted;
   * `incoming` normalizes for the edge's rules only. Never off: `//login` or `/./login` would then
   * escape the critical-path limits (control WAF-RATE-CRITICAL).
   * @default 'both'
   */
  readonly urlNormalization?: 'both' | 'incoming';
}

/** Cloudflare's URL normalization, the type every path rule here relies on. */
export const EDGE_URL_NORMALIZATION_TYPE = 'cloudflare';

/**
 * The characteristics every rule counts by: the client IP, within one Cloudflare data centre.
 * `cf.colo.id` is mandatory on every plan, and the IP is the only other characteristic the free
 * and pro plans offer. Counters are per data centre, so a client whose requests reach several
 * data centres gets one allowance in each (Cloudflare's documented behaviour).
 */
export const EDGE_RATE_LIMIT_CHARACTERISTICS = ['ip.src', 'cf.colo.id'] as const;

/**
 * Name of the zone's rate limiting ruleset. The provider replaces the ruleset when its name
 * changes, leaving the zone briefly without rate limits: never change it.
 */
export const EDGE_RATE_LIMITS_RULESET_NAME = 'Baseline edge rate limits';

/** Description of the zone's rate limiting ruleset (updated in place if it ever changes). */
export const EDGE_RATE_LIMITS_RULESET_DESCRIPTION =
  'Per-IP rate limits (WAF-RATE-CRITICAL, WAF-RATE-GLOBAL), managed by the security baseline';

/** `ref` of the global rule; a critical rule's is `rate-limit-critical-<name>`. */
export const EDGE_RATE_LIMIT_GLOBAL_REF = 'rate-limit-global';

/**
 * The rule expression that counts requests to `pathPrefix` (already validated): the path is
 * lower-cased and compared with the lower-cased prefix, so `/LOGIN` or `/Login` cannot dodge the
 * tighter limit. `lower()`, `starts_with()` and the URI path field are available in rate limiting
 * rules on every plan (only the `matches` operator needs Business). The zone normalizes URLs
 * (percent-encoded letters decoded, `//` and dot segments removed; {@link EdgeRateLimits} sets it)
 * before rules run, which is why a prefix with such segments is refused: it would never match.
 */
export function criticalPathExpression(pathPrefix: string): string {
  return `starts_with(lower(http.request.uri.path), "${pathPrefix.toLowerCase()}")`;
}

/**
 * The zone's rate limiting rules at the Cloudflare edge (controls WAF-RATE-GLOBAL and
 * WAF-RATE-CRITICAL; claims A10, A14): the zone's one `http_ratelimit` ruleset holding
 *
 * - one rule per critical path, in the order given: requests whose path starts with the prefix
 *   (case-insensitively), counted per client IP, blocked above the path's stricter limit;
 * - then one rule on all traffic, counted per client IP, blocked above the global limit.
 *
 * Every rule blocks the client for `mitigationTimeoutSeconds` once over its limit, and counts
 * cached responses too (a brute-force run against a cached login page still counts). A zone has
 * one ruleset per phase, so this construct owns all of the zone's rate limiting rules.
 */
export class EdgeRateLimits extends Construct {
  /** The zone's `http_ratelimit` ruleset. */
  public readonly resource: Ruleset;
  /** The mitigation timeout every rule uses, in seconds (the default resolved). */
  public readonly mitigationTimeoutSeconds: number;
  /** The zone's URL normalization setting, which the path rules rely on. */
  public readonly urlNormalization: UrlNormalizationSettings;

  constructor(scope: Construct, id: string, props: EdgeRateLimitsProps) {
    super(scope, id);
    const where = `EdgeRateLimits ${this.node.path}`;
    checkCloudflareId(where, 'zoneId', props.zoneId);
    checkCloudflarePlan(where, props.plan);
    const plan = props.plan;
    if (props.critical.length === 0) {
      throw new Error(
        `${where}: critical is empty; list at least one critical endpoint (login) with a stricter limit (control WAF-RATE-CRITICAL)`,
      );
    }
    this.mitigationTimeoutSeconds = props.mitigationTimeoutSeconds ?? defaultMitigationTimeoutSeconds(plan);

    const names = new Map<string, number>();
    const prefixes = new Map<string, number>();
    props.critical.forEach((path, i) => {
      const at = `critical[${i}]`;
      if (!/^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/.test(path.name) || path.name.length > 40) {
        throw new Error(
          `${where}: ${at}.name "${path.name}" is invalid; expected kebab-case of at most 40 characters (lowercase letters, ` +
            `digits and single dashes, starting with a letter), such as password-reset`,
        );
      }
      if (names.has(path.name)) {
        throw new Error(
          `${where}: ${at}.name "${path.name}" duplicates critical[${names.get(path.name)}]; names must be unique (they make ` +
            `the rules' refs)`,
        );
      }
      names.set(path.name, i);
      checkPathPrefix(where, at, path.pathPrefix);
      const prefix = path.pathPrefix.toLowerCase();
      if (prefixes.has(prefix)) {
        throw new Error(
          `${where}: ${at}.pathPrefix "${path.pathPrefix}" duplicates critical[${prefixes.get(prefix)}] (prefixes match ` +
            `case-insensitively); merge the two`,
        );
      }
      prefixes.set(prefix, i);
    });

    // Plan limits and values no plan accepts, from the table shared with the config validator.
    // Rule names are the props' paths, so each problem names the prop at fault. A value that is
    // an unresolved token cannot be checked at synth time and is left to the API.
    const timeout = this.mitigationTimeoutSeconds;
    const terms: RateLimitRuleTerms[] = [
      ...props.critical.map((path, i) => ruleTerms(`critical[${i}]`, path, timeout)),
      ruleTerms('global', props.global, timeout),
    ];
    const byName = new Map(terms.map((t) => [t.name, t]));
    const problem = rateLimitProblems(plan, terms).find(
      (p) => p.field === 'count' || !Token.isUnresolved(byName.get(p.rule as string)![p.field]),
    );
    if (problem?.field === 'count') {
      const n = props.critical.length;
      throw new Error(
        `${where}: critical: ${problem.message} (${n} critical ${n === 1 ? 'rule' : 'rules'} plus the global one` +
          (plan === 'free' ? '; the free plan cannot hold both a critical and the global limit)' : ')'),
      );
    }
    if (problem) {
      // The timeout is one prop shared by every rule: report it under its own name.
      const prop = problem.field === 'mitigationTimeoutSeconds' ? 'mitigationTimeoutSeconds' : `${problem.rule}.${problem.field}`;
      throw new Error(`${where}: ${prop}: ${problem.message}`);
    }

    // WAF-RATE-CRITICAL means tighter: fewer requests per second than the global limit, compared
    // as c.requests * g.period < g.requests * c.period (exact in integers).
    const global = props.global;
    props.critical.forEach((path, i) => {
      const values = [path.requestsPerPeriod, path.periodSeconds, global.requestsPerPeriod, global.periodSeconds];
      if (values.some((v) => Token.isUnresolved(v))) return;
      if (path.requestsPerPeriod * global.periodSeconds >= global.requestsPerPeriod * path.periodSeconds) {
        const most = Math.ceil((global.requestsPerPeriod * path.periodSeconds) / global.periodSeconds) - 1;
        const fix =
          most >= 1
            ? `lower critical[${i}].requestsPerPeriod to at most ${most}`
            : `lengthen critical[${i}].periodSeconds or raise global.requestsPerPeriod`;
        throw new Error(
          `${where}: critical[${i}] allows ${path.requestsPerPeriod} requests per ${path.periodSeconds} s, not stricter than ` +
            `global (${global.requestsPerPeriod} per ${global.periodSeconds} s); ${fix} (control WAF-RATE-CRITICAL)`,
        );
      }
    });

    const rules: RulesetRules[] = props.critical.map((path) =>
      blockRule(
        `rate-limit-critical-${path.name}`,
        `WAF-RATE-CRITICAL: per-IP limit on ${path.pathPrefix.toLowerCase()}* (${path.name})`,
        criticalPathExpression(path.pathPrefix),
        path,
        this.mitigationTimeoutSeconds,
      ),
    );
    // After the critical rules: a client blocked on a critical path is stopped there (block ends
    // rule evaluation), and every request, critical or not, also counts towards the global limit.
    rules.push(
      blockRule(EDGE_RATE_LIMIT_GLOBAL_REF, 'WAF-RATE-GLOBAL: per-IP limit on all traffic', 'true', global, this.mitigationTimeoutSeconds),
    );

    this.resource = new Ruleset(this, 'Resource', {
      zoneId: props.zoneId,
      kind: 'zone',
      phase: 'http_ratelimit',
      name: EDGE_RATE_LIMITS_RULESET_NAME,
      description: EDGE_RATE_LIMITS_RULESET_DESCRIPTION,
      rules,
    });
    const normalizationScope = props.urlNormalization ?? 'both';
    if (!['both', 'incoming'].includes(normalizationScope)) {
      throw new Error(
        `${where}: urlNormalization "${normalizationScope}" is invalid; expected "both" or "incoming" (never off: //login ` +
          `would escape the critical-path limits)`,
      );
    }
    // Stated explicitly rather than left to the zone default, so a change shows in the synth and
    // the WAF-RATE-CRITICAL check can see it.
    this.urlNormalization = new UrlNormalizationSettings(this, 'UrlNormalization', {
      zoneId: props.zoneId,
      type: EDGE_URL_NORMALIZATION_TYPE,
      scope: normalizationScope,
    });
  }
}

function ruleTerms(name: string, rate: EdgeRateLimit, mitigationTimeoutSeconds: number): RateLimitRuleTerms {
  return { name, periodSeconds: rate.periodSeconds, requestsPerPeriod: rate.requestsPerPeriod, mitigationTimeoutSeconds };
}

function blockRule(
  ref: string,
  description: string,
  expression: string,
  rate: EdgeRateLimit,
  mitigationTimeoutSeconds: number,
): RulesetRules {
  return {
    ref,
    description,
    expression,
    action: 'block',
    enabled: true,
    ratelimit: {
      characteristics: [...EDGE_RATE_LIMIT_CHARACTERISTICS],
      period: rate.periodSeconds,
      requestsPerPeriod: rate.requestsPerPeriod,
      mitigationTimeout: mitigationTimeoutSeconds,
      // Count cached responses too: a cached login or sign-up page must not let a client past the limit.
      requestsToOrigin: false,
    },
  };
}

function checkPathPrefix(where: string, at: string, prefix: string): void {
  // The prefix is written into a rule expression between double quotes: only URL-path characters
  // that need no escaping are accepted, so no value can close the string and add conditions. A
  // token could hold anything, so it is refused rather than skipped.
  if (Token.isUnresolved(prefix)) {
    throw new Error(
      `${where}: ${at}.pathPrefix is an unresolved token; it is written into a rule expression, so it must be a literal that ` +
        `can be checked at synth time`,
    );
  }
  if (typeof prefix !== 'string' || !/^\/[A-Za-z0-9._~/-]{1,199}$/.test(prefix)) {
    throw new Error(
      `${where}: ${at}.pathPrefix ${JSON.stringify(prefix)} is invalid; expected a URL path of 2-200 characters starting with ` +
        `"/", such as /login, using only letters, digits and / . _ ~ - (no quotes, spaces, backslashes or percent-encoding)`,
    );
  }
  // URL normalization removes empty and dot segments before rules run: such a prefix never matches.
  const segments = prefix.slice(1).split('/');
  if (segments.slice(0, -1).some((s) => s === '' || s === '.' || s === '..') || ['.', '..'].includes(segments[segments.length - 1])) {
    throw new Error(
      `${where}: ${at}.pathPrefix "${prefix}" has an empty, "." or ".." segment, which URL normalization removes before rules ` +
        `run, so it would never match; write the normalized path`,
    );
  }
}
