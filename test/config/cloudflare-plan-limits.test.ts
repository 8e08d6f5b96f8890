import {
  CLOUDFLARE_PLAN_LIMITS,
  CLOUDFLARE_PLANS,
  CLOUDFLARE_RATE_LIMIT_PERIODS,
  defaultMitigationTimeoutSeconds,
  rateLimitProblems,
  type CloudflarePlan,
  type RateLimitRuleTerms,
} from '../../lib/config/cloudflare-plan-limits';

/** A rule that fits every plan: 10 requests per 10 s, blocked for 10 s. */
const ok = (name: string, over: Partial<RateLimitRuleTerms> = {}): RateLimitRuleTerms => ({
  name,
  periodSeconds: 10,
  requestsPerPeriod: 10,
  mitigationTimeoutSeconds: 10,
  ...over,
});
const rules = (n: number) => Array.from({ length: n }, (_, i) => ok(`r${i}`));
const one = (plan: CloudflarePlan, over: Partial<RateLimitRuleTerms>) => rateLimitProblems(plan, [ok('login', over)]);

describe('CLOUDFLARE_RATE_LIMIT_PERIODS', () => {
  it('lists every period value Cloudflare documents, in order', () => {
    expect(CLOUDFLARE_RATE_LIMIT_PERIODS).toEqual([
      10, 15, 20, 30, 40, 45, 60, 90, 120, 180, 240, 300, 480, 600, 900, 1200, 1800, 2400, 3600, 65535, 86400,
    ]);
  });
});

describe('CLOUDFLARE_PLAN_LIMITS', () => {
  it('lists the four plans, cheapest first', () => {
    expect(CLOUDFLARE_PLANS).toEqual(['free', 'pro', 'business', 'enterprise']);
    expect(Object.keys(CLOUDFLARE_PLAN_LIMITS).sort()).toEqual([...CLOUDFLARE_PLANS].sort());
  });

  it('free: 1 rule, 10 s period and 10 s timeout only', () => {
    expect(CLOUDFLARE_PLAN_LIMITS.free).toEqual({
      maxRules: 1,
      maxPeriodSeconds: 10,
      periodsSeconds: [10],
      maxMitigationTimeoutSeconds: 10,
      mitigationTimeoutsSeconds: [10],
      customMitigationTimeout: false,
    });
  });

  it('pro: 2 rules, periods up to 60 s, timeouts up to 1 h', () => {
    expect(CLOUDFLARE_PLAN_LIMITS.pro).toEqual({
      maxRules: 2,
      maxPeriodSeconds: 60,
      periodsSeconds: [10, 15, 20, 30, 40, 45, 60],
      maxMitigationTimeoutSeconds: 3600,
      mitigationTimeoutsSeconds: [10, 15, 20, 30, 40, 45, 60, 90, 120, 180, 240, 300, 480, 600, 900, 1200, 1800, 2400, 3600],
      customMitigationTimeout: false,
    });
  });

  it('business: 5 rules, periods up to 10 min, timeouts up to 1 day', () => {
    expect(CLOUDFLARE_PLAN_LIMITS.business).toEqual({
      maxRules: 5,
      maxPeriodSeconds: 600,
      periodsSeconds: [10, 15, 20, 30, 40, 45, 60, 90, 120, 180, 240, 300, 480, 600],
      maxMitigationTimeoutSeconds: 86400,
      mitigationTimeoutsSeconds: [...CLOUDFLARE_RATE_LIMIT_PERIODS],
      customMitigationTimeout: false,
    });
  });

  it('enterprise: 100 rules, periods up to 65535 s, timeouts up to 1 day including custom values', () => {
    expect(CLOUDFLARE_PLAN_LIMITS.enterprise).toEqual({
      maxRules: 100,
      maxPeriodSeconds: 65535,
      periodsSeconds: CLOUDFLARE_RATE_LIMIT_PERIODS.filter((p) => p !== 86400),
      maxMitigationTimeoutSeconds: 86400,
      mitigationTimeoutsSeconds: [...CLOUDFLARE_RATE_LIMIT_PERIODS],
      customMitigationTimeout: true,
    });
  });
});

describe('defaultMitigationTimeoutSeconds', () => {
  it.each([
    ['free', 10],
    ['pro', 600],
    ['business', 600],
    ['enterprise', 600],
  ] as const)('is %s: %p s (the longest the plan allows, at most 600 s)', (plan, seconds) => {
    expect(defaultMitigationTimeoutSeconds(plan)).toBe(seconds);
  });
});

describe('rateLimitProblems', () => {
  describe('rule count', () => {
    it.each([
      ['free', 1],
      ['pro', 2],
      ['business', 5],
      ['enterprise', 100],
    ] as const)('%s: %p rules pass, one more fails naming the plan and its limit', (plan, max) => {
      expect(rateLimitProblems(plan, rules(max))).toEqual([]);
      expect(rateLimitProblems(plan, rules(max + 1))).toEqual([
        {
          field: 'count',
          message: `${max + 1} rate limiting rules are more than the ${plan} plan allows (at most ${max}); merge rules or raise the plan`,
        },
      ]);
    });

    it('passes an empty rule list', () => {
      expect(rateLimitProblems('free', [])).toEqual([]);
    });
  });

  describe('period', () => {
    it('free: 10 s passes, 15 s fails (only 10 s)', () => {
      expect(one('free', { periodSeconds: 10 })).toEqual([]);
      expect(one('free', { periodSeconds: 15 })).toEqual([
        {
          rule: 'login',
          field: 'periodSeconds',
          message: 'period 15 s is not allowed on the free plan (only 10 s); use 10 s or raise the plan',
        },
      ]);
    });

    it.each([
      ['pro', 60, 90],
      ['business', 600, 900],
      ['enterprise', 65535, 86400],
    ] as const)('%s: %p s passes, the next supported value (%p s) fails', (plan, max, next) => {
      expect(one(plan, { periodSeconds: max })).toEqual([]);
      expect(one(plan, { periodSeconds: next })).toEqual([
        {
          rule: 'login',
          field: 'periodSeconds',
          message: `period ${next} s is longer than the ${plan} plan allows (at most ${max} s); shorten the window or raise the plan`,
        },
      ]);
    });

    it('pro: the example from the brief reads as documented', () => {
      expect(one('pro', { periodSeconds: 300 })[0].message).toBe(
        'period 300 s is longer than the pro plan allows (at most 60 s); shorten the window or raise the plan',
      );
    });

    it.each(CLOUDFLARE_PLANS)('%s: accepts every supported value up to its maximum', (plan) => {
      const limits = CLOUDFLARE_PLAN_LIMITS[plan];
      for (const p of CLOUDFLARE_RATE_LIMIT_PERIODS.filter((v) => v <= limits.maxPeriodSeconds)) {
        expect(one(plan, { periodSeconds: p })).toEqual([]);
      }
    });

    it.each([25, 0, -10, 59.5, 3601, NaN])('rejects %p s, which no plan supports, listing the plan values', (periodSeconds) => {
      expect(one('pro', { periodSeconds })).toEqual([
        {
          rule: 'login',
          field: 'periodSeconds',
          message:
            `period ${periodSeconds} s is not a period Cloudflare supports; use one of 10, 15, 20, 30, 40, 45, 60 (the pro ` +
            `plan's values)`,
        },
      ]);
      expect(one('enterprise', { periodSeconds })[0].message).toMatch(
        /^period .* s is not a period Cloudflare supports; use one of 10, .*, 3600, 65535 \(the enterprise plan's values\)$/,
      );
    });
  });

  describe('requests per period', () => {
    it('passes 1', () => {
      expect(one('free', { requestsPerPeriod: 1 })).toEqual([]);
    });

    it.each([0, -1, 1.5, NaN])('rejects %p', (requestsPerPeriod) => {
      expect(one('business', { requestsPerPeriod })).toEqual([
        {
          rule: 'login',
          field: 'requestsPerPeriod',
          message: `requests per period ${requestsPerPeriod} is invalid; expected a whole number of at least 1`,
        },
      ]);
    });
  });

  describe('mitigation timeout', () => {
    it('free: 10 s passes, 15 s and 600 s fail (only 10 s)', () => {
      expect(one('free', { mitigationTimeoutSeconds: 10 })).toEqual([]);
      for (const t of [15, 600]) {
        expect(one('free', { mitigationTimeoutSeconds: t })).toEqual([
          {
            rule: 'login',
            field: 'mitigationTimeoutSeconds',
            message: `mitigation timeout ${t} s is not allowed on the free plan (only 10 s); use 10 s or raise the plan`,
          },
        ]);
      }
    });

    it.each([
      ['pro', 3600, 65535],
      ['business', 86400, 86401],
      ['enterprise', 86400, 86401],
    ] as const)('%s: %p s passes, %p s fails as longer than the plan allows', (plan, max, over) => {
      expect(one(plan, { mitigationTimeoutSeconds: max })).toEqual([]);
      expect(one(plan, { mitigationTimeoutSeconds: over })).toEqual([
        {
          rule: 'login',
          field: 'mitigationTimeoutSeconds',
          message: `mitigation timeout ${over} s is longer than the ${plan} plan allows (at most ${max} s); shorten it or raise the plan`,
        },
      ]);
    });

    it.each(['pro', 'business'] as const)('%s: rejects a value outside the supported list (custom values need Enterprise)', (plan) => {
      expect(one(plan, { mitigationTimeoutSeconds: 11 })).toEqual([
        {
          rule: 'login',
          field: 'mitigationTimeoutSeconds',
          message: expect.stringMatching(
            new RegExp(
              `^mitigation timeout 11 s is not a value the ${plan} plan accepts; use one of 10, 15, .* \\(custom values need ` +
                `Enterprise\\)$`,
            ),
          ),
        },
      ]);
    });

    it('enterprise: accepts a custom value', () => {
      expect(one('enterprise', { mitigationTimeoutSeconds: 11 })).toEqual([]);
    });

    it.each(CLOUDFLARE_PLANS)('%s: rejects 0, which would only throttle instead of blocking', (plan) => {
      expect(one(plan, { mitigationTimeoutSeconds: 0 })).toEqual([
        {
          rule: 'login',
          field: 'mitigationTimeoutSeconds',
          message:
            'mitigation timeout 0 s would only throttle requests over the rate instead of blocking the client; use a timeout ' +
            'of at least 10 s',
        },
      ]);
    });

    it.each([-10, 10.5, NaN])('rejects %p as not a whole number of seconds', (mitigationTimeoutSeconds) => {
      expect(one('enterprise', { mitigationTimeoutSeconds })).toEqual([
        {
          rule: 'login',
          field: 'mitigationTimeoutSeconds',
          message: expect.stringMatching(/^mitigation timeout .* s is invalid; expected a whole number of seconds, one of 10, 15, /),
        },
      ]);
    });

    it.each(CLOUDFLARE_PLANS)('%s: an omitted timeout takes the default and passes', (plan) => {
      expect(one(plan, { mitigationTimeoutSeconds: undefined })).toEqual([]);
    });
  });

  it('returns every violation, the count first and then rule by rule', () => {
    const problems = rateLimitProblems('pro', [
      ok('login', { periodSeconds: 300, requestsPerPeriod: 0 }),
      ok('reset'),
      ok('global', { periodSeconds: 25, mitigationTimeoutSeconds: 7200 }),
    ]);
    expect(problems.map((p) => [p.rule, p.field])).toEqual([
      [undefined, 'count'],
      ['login', 'periodSeconds'],
      ['login', 'requestsPerPeriod'],
      ['global', 'periodSeconds'],
      ['global', 'mitigationTimeoutSeconds'],
    ]);
    expect(problems.every((p) => /pro plan|Cloudflare supports|whole number/.test(p.message))).toBe(true);
  });

  it('throws on a plan that does not exist (including inherited names)', () => {
    expect(() => rateLimitProblems('team' as CloudflarePlan, [])).toThrow(
      new RegExp(
        '^rateLimitProblems: plan "team" is not a Cloudflare plan; expected one of free, pro, business, enterprise \\(the ' +
          "zone's plan, shown on its Overview page in the Cloudflare dashboard\\)$",
      ),
    );
    expect(() => rateLimitProblems('toString' as CloudflarePlan, [])).toThrow(/plan "toString" is not a Cloudflare plan/);
  });
});
