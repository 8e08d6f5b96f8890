/**
 * Cloudflare rate limiting rule limits per plan: the one source of truth shared by the
 * `EdgeRateLimits` construct and the config validator. Plain TypeScript on purpose (no cdktf or
 * provider import): it lives with the config, which validates against it without loading the
 * Terraform bindings, and lib/cloudflare imports it from here.
 *
 * Source: Cloudflare's rate limiting availability table, developers.cloudflare.com/waf/
 * rate-limiting-rules/#availability (cloudflare-docs `src/content/partials/waf/
 * rate-limiting-availability-by-plan.mdx` at commit 07acbb66, read when this file was written).
 * Cloudflare changes these limits without notice (a 1 h Enterprise counting period was added to
 * the table in March 2025; it says 65,535 s now). The provider does not check them, so a limit
 * that tightens makes `terraform apply` fail loudly; it never weakens a rule. Re-check the table
 * when an apply is refused.
 */

/** The Cloudflare plans a zone can be on. */
export type CloudflarePlan = 'free' | 'pro' | 'business' | 'enterprise';

/** The plans, cheapest first. */
export const CLOUDFLARE_PLANS: readonly CloudflarePlan[] = ['free', 'pro', 'business', 'enterprise'];

/**
 * Every counting period (and mitigation timeout) value Cloudflare supports, in seconds (footnote 3
 * of the availability table: "Not all values are available on all plans"). The parameters page
 * lists a shorter set of API values (10, 60, 120, 300, 600, 3600 for the period): the values in
 * both lists are the safest choice.
 */
export const CLOUDFLARE_RATE_LIMIT_PERIODS = [
  10, 15, 20, 30, 40, 45, 60, 90, 120, 180, 240, 300, 480, 600, 900, 1200, 1800, 2400, 3600, 65535, 86400,
] as const;

/** A value of {@link CLOUDFLARE_RATE_LIMIT_PERIODS}. */
export type CloudflareRateLimitPeriod = (typeof CLOUDFLARE_RATE_LIMIT_PERIODS)[number];

/** What one plan allows in rate limiting rules. */
export interface CloudflarePlanLimits {
  /** Rate limiting rules the zone may hold (all of them live in the zone's one `http_ratelimit` ruleset). */
  readonly maxRules: number;
  /** Longest counting period, in seconds. */
  readonly maxPeriodSeconds: number;
  /** The counting periods the plan accepts: the supported values up to `maxPeriodSeconds`. */
  readonly periodsSeconds: readonly number[];
  /** Longest mitigation timeout (how long a client stays blocked once over the limit), in seconds. */
  readonly maxMitigationTimeoutSeconds: number;
  /**
   * The mitigation timeouts the plan accepts. With `customMitigationTimeout` any whole number of
   * seconds from 1 to `maxMitigationTimeoutSeconds` is accepted as well.
   */
  readonly mitigationTimeoutsSeconds: readonly number[];
  /** Whether the API accepts a custom mitigation timeout (footnote 4: Enterprise only). */
  readonly customMitigationTimeout: boolean;
}

function upTo(maxSeconds: number): readonly number[] {
  return CLOUDFLARE_RATE_LIMIT_PERIODS.filter((p) => p <= maxSeconds);
}

/**
 * Rate limiting limits per plan, from the availability table (see the file comment):
 *
 * | plan       | rules | counting period        | mitigation timeout                 |
 * |------------|-------|------------------------|------------------------------------|
 * | free       | 1     | 10 s only              | 10 s only                          |
 * | pro        | 2     | supported values <= 60 s  | supported values <= 1 h         |
 * | business   | 5     | supported values <= 600 s | supported values <= 1 day       |
 * | enterprise | 100   | supported values <= 65,535 s | <= 1 day, custom values via API |
 *
 * Enterprise: 100 rules is the table's figure; footnote 5 says the number depends on the contract
 * (and rate limiting needs application security on the contract), so a smaller contract makes the
 * apply fail. The table gives "up to 65,535 s" to both Enterprise columns (with application
 * security, and with Advanced Rate Limiting), so 65535 is accepted on any Enterprise zone; 86400 is
 * never a counting period (no plan goes past 65,535 s), only a mitigation timeout.
 */
export const CLOUDFLARE_PLAN_LIMITS: Readonly<Record<CloudflarePlan, CloudflarePlanLimits>> = {
  free: {
    maxRules: 1,
    maxPeriodSeconds: 10,
    periodsSeconds: [10],
    maxMitigationTimeoutSeconds: 10,
    mitigationTimeoutsSeconds: [10],
    customMitigationTimeout: false,
  },
  pro: {
    maxRules: 2,
    maxPeriodSeconds: 60,
    periodsSeconds: upTo(60),
    maxMitigationTimeoutSeconds: 3600,
    mitigationTimeoutsSeconds: upTo(3600),
    customMitigationTimeout: false,
  },
  business: {
    maxRules: 5,
    maxPeriodSeconds: 600,
    periodsSeconds: upTo(600),
    maxMitigationTimeoutSeconds: 86400,
    mitigationTimeoutsSeconds: upTo(86400),
    customMitigationTimeout: false,
  },
  enterprise: {
    maxRules: 100,
    maxPeriodSeconds: 65535,
    periodsSeconds: upTo(65535),
    maxMitigationTimeoutSeconds: 86400,
    mitigationTimeoutsSeconds: upTo(86400),
    customMitigationTimeout: true,
  },
};

/**
 * The mitigation timeout `EdgeRateLimits` uses when none is given: the longest the plan allows,
 * capped at 600 s. Ten minutes makes password guessing and credential stuffing slow (a blocked
 * client waits 10 min per burst instead of one window), while a false positive, such as an office
 * or carrier-grade NAT sharing one IP address, clears itself within minutes rather than hours.
 * 600 s is also the longest window the config accepts for the AWS and Azure limits. Free: 10 s.
 */
export function defaultMitigationTimeoutSeconds(plan: CloudflarePlan): number {
  return Math.min(600, CLOUDFLARE_PLAN_LIMITS[plan].maxMitigationTimeoutSeconds);
}

/** One rate limiting rule, in the terms {@link rateLimitProblems} checks. */
export interface RateLimitRuleTerms {
  /** The rule's name, copied into the problems it causes (any string: a name, or a config path). */
  readonly name: string;
  /** Counting period, in seconds. */
  readonly periodSeconds: number;
  /** Requests one client may send within the period. */
  readonly requestsPerPeriod: number;
  /**
   * How long a client stays blocked once over the limit, in seconds.
   * @default - {@link defaultMitigationTimeoutSeconds} of the plan (always within the plan's limits)
   */
  readonly mitigationTimeoutSeconds?: number;
}

/**
 * Fails unless `plan` is one of CLOUDFLARE_PLANS (inherited names such as `toString` are not).
 * One check for every construct and helper that takes a plan, so the message is the same everywhere.
 */
export function checkCloudflarePlan(where: string, plan: string): asserts plan is CloudflarePlan {
  if (!(CLOUDFLARE_PLANS as readonly string[]).includes(plan)) {
    throw new Error(
      `${where}: plan "${String(plan)}" is not a Cloudflare plan; expected one of ${CLOUDFLARE_PLANS.join(', ')} (the zone's ` +
        `plan, shown on its Overview page in the Cloudflare dashboard)`,
    );
  }
}

/** One way a set of rate limiting rules breaks a plan's limits. */
export interface RateLimitProblem {
  /** The `name` of the rule at fault; absent for the rule count. */
  readonly rule?: string;
  /** Which value is at fault (`count`: the number of rules). */
  readonly field: 'count' | 'periodSeconds' | 'mitigationTimeoutSeconds' | 'requestsPerPeriod';
  /** What is wrong, the value received, what the plan allows and how to fix it. */
  readonly message: string;
}

/**
 * Every way `rules` break the limits of `plan`, in rule order (the rule count first); empty when
 * the rules fit. Also reports values Cloudflare accepts on no plan: a period outside
 * {@link CLOUDFLARE_RATE_LIMIT_PERIODS}, a request count that is not a whole number of at least 1,
 * and a mitigation timeout of 0 (with the block action that means "throttle", which only
 * Enterprise offers and which only drops the requests over the rate instead of blocking the
 * client for a while, so the baseline never uses it).
 */
export function rateLimitProblems(plan: CloudflarePlan, rules: readonly RateLimitRuleTerms[]): RateLimitProblem[] {
  checkCloudflarePlan('rateLimitProblems', plan);
  const limits = CLOUDFLARE_PLAN_LIMITS[plan];
  const problems: RateLimitProblem[] = [];
  if (rules.length > limits.maxRules) {
    problems.push({
      field: 'count',
      message:
        `${rules.length} rate limiting rules are more than the ${plan} plan allows (at most ${limits.maxRules}); merge rules or ` +
        `raise the plan`,
    });
  }
  for (const rule of rules) {
    const period = rule.periodSeconds;
    if (!(CLOUDFLARE_RATE_LIMIT_PERIODS as readonly number[]).includes(period)) {
      problems.push({
        rule: rule.name,
        field: 'periodSeconds',
        message:
          `period ${period} s is not a period Cloudflare supports; use one of ${limits.periodsSeconds.join(', ')} (the ${plan} ` +
          `plan's values)`,
      });
    } else if (period > limits.maxPeriodSeconds) {
      problems.push({
        rule: rule.name,
        field: 'periodSeconds',
        message:
          plan === 'free'
            ? `period ${period} s is not allowed on the free plan (only 10 s); use 10 s or raise the plan`
            : `period ${period} s is longer than the ${plan} plan allows (at most ${limits.maxPeriodSeconds} s); shorten the ` +
              `window or raise the plan`,
      });
    }
    if (!Number.isInteger(rule.requestsPerPeriod) || rule.requestsPerPeriod < 1) {
      problems.push({
        rule: rule.name,
        field: 'requestsPerPeriod',
        message: `requests per period ${rule.requestsPerPeriod} is invalid; expected a whole number of at least 1`,
      });
    }
    const problem = mitigationTimeoutProblem(plan, limits, rule.mitigationTimeoutSeconds ?? defaultMitigationTimeoutSeconds(plan));
    if (problem) problems.push({ rule: rule.name, field: 'mitigationTimeoutSeconds', message: problem });
  }
  return problems;
}

function mitigationTimeoutProblem(plan: CloudflarePlan, limits: CloudflarePlanLimits, timeout: number): string | undefined {
  if (timeout === 0) {
    return (
      `mitigation timeout 0 s would only throttle requests over the rate instead of blocking the client; use a timeout of at ` +
      `least 10 s`
    );
  }
  if (!Number.isInteger(timeout) || timeout < 0) {
    return (
      `mitigation timeout ${timeout} s is invalid; expected a whole number of seconds, one of ` +
      `${limits.mitigationTimeoutsSeconds.join(', ')}`
    );
  }
  if (timeout > limits.maxMitigationTimeoutSeconds) {
    return plan === 'free'
      ? `mitigation timeout ${timeout} s is not allowed on the free plan (only 10 s); use 10 s or raise the plan`
      : `mitigation timeout ${timeout} s is longer than the ${plan} plan allows (at most ${limits.maxMitigationTimeoutSeconds} ` +
          `s); shorten it or raise the plan`;
  }
  if (!limits.customMitigationTimeout && !limits.mitigationTimeoutsSeconds.includes(timeout)) {
    return plan === 'free'
      ? `mitigation timeout ${timeout} s is not allowed on the free plan (only 10 s); use 10 s or raise the plan`
      : `mitigation timeout ${timeout} s is not a value the ${plan} plan accepts; use one of ` +
          `${limits.mitigationTimeoutsSeconds.join(', ')} (custom values need Enterprise)`;
  }
  return undefined;
}
