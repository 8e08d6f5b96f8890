import { Testing, TerraformStack, TerraformVariable, Token } from 'cdktf';
import {
  criticalPathExpression,
  EdgeRateLimits,
  type EdgeCriticalPathLimit,
  type EdgeRateLimitsProps,
} from '../../lib/cloudflare/edge-rate-limits';
import { onlyResource, synthCloudflare, withoutNulls, ZONE_ID } from './support';

const login: EdgeCriticalPathLimit = { name: 'login', pathPrefix: '/login', requestsPerPeriod: 20, periodSeconds: 60 };
const reset: EdgeCriticalPathLimit = {
  name: 'password-reset',
  pathPrefix: '/Account/Password-Reset',
  requestsPerPeriod: 5,
  periodSeconds: 300,
};

const props: EdgeRateLimitsProps = {
  zoneId: ZONE_ID,
  plan: 'business',
  global: { requestsPerPeriod: 2000, periodSeconds: 300 },
  critical: [login, reset],
};

const CHARACTERISTICS = ['ip.src', 'cf.colo.id'];

function rulesetOf(p: EdgeRateLimitsProps): Record<string, any> {
  return withoutNulls(
    onlyResource(
      synthCloudflare((s) => new EdgeRateLimits(s, 'RateLimits', p)),
      'cloudflare_ruleset',
    ),
  );
}

/** Builds the construct in a fresh stack without synthesizing (validation runs in the constructor). */
function build(p: EdgeRateLimitsProps): EdgeRateLimits {
  return new EdgeRateLimits(new TerraformStack(Testing.app(), 'Test'), 'RateLimits', p);
}

/** `n` distinct critical paths that are all stricter than `props.global`. */
function paths(n: number): EdgeCriticalPathLimit[] {
  return Array.from({ length: n }, (_, i) => ({ name: `p${i}`, pathPrefix: `/p${i}`, requestsPerPeriod: 10, periodSeconds: 60 }));
}

describe('EdgeRateLimits', () => {
  describe('on a business zone with two critical paths', () => {
    const ruleset = rulesetOf(props);

    it('is the zone http_ratelimit entry-point ruleset', () => {
      expect(ruleset).toEqual({
        zone_id: ZONE_ID,
        kind: 'zone',
        phase: 'http_ratelimit',
        name: 'Baseline edge rate limits',
        description: 'Per-IP rate limits (WAF-RATE-CRITICAL, WAF-RATE-GLOBAL), managed by the security baseline',
        rules: expect.any(Array),
      });
      expect(ruleset.account_id).toBeUndefined();
    });

    it('blocks each critical path per client IP, in the order given, before the global rule', () => {
      expect(ruleset.rules.map((r: any) => r.ref)).toEqual([
        'rate-limit-critical-login',
        'rate-limit-critical-password-reset',
        'rate-limit-global',
      ]);
      expect(ruleset.rules[0]).toEqual({
        ref: 'rate-limit-critical-login',
        description: 'WAF-RATE-CRITICAL: per-IP limit on /login* (login)',
        expression: 'starts_with(lower(http.request.uri.path), "/login")',
        action: 'block',
        enabled: true,
        ratelimit: {
          characteristics: CHARACTERISTICS,
          period: 60,
          requests_per_period: 20,
          mitigation_timeout: 600,
          requests_to_origin: false,
        },
      });
    });

    it('matches a mixed-case prefix case-insensitively (path and prefix lower-cased)', () => {
      expect(ruleset.rules[1]).toEqual({
        ref: 'rate-limit-critical-password-reset',
        description: 'WAF-RATE-CRITICAL: per-IP limit on /account/password-reset* (password-reset)',
        expression: 'starts_with(lower(http.request.uri.path), "/account/password-reset")',
        action: 'block',
        enabled: true,
        ratelimit: {
          characteristics: CHARACTERISTICS,
          period: 300,
          requests_per_period: 5,
          mitigation_timeout: 600,
          requests_to_origin: false,
        },
      });
    });

    it('blocks all traffic per client IP above the global limit, last', () => {
      expect(ruleset.rules).toHaveLength(3);
      expect(ruleset.rules[2]).toEqual({
        ref: 'rate-limit-global',
        description: 'WAF-RATE-GLOBAL: per-IP limit on all traffic',
        expression: 'true',
        action: 'block',
        enabled: true,
        ratelimit: {
          characteristics: CHARACTERISTICS,
          period: 300,
          requests_per_period: 2000,
          mitigation_timeout: 600,
          requests_to_origin: false,
        },
      });
    });
  });

  describe('mitigation timeout', () => {
    it.each(['pro', 'business', 'enterprise'] as const)('defaults to 600 s on %s', (plan) => {
      const critical = plan === 'pro' ? [login] : [login, reset];
      const global = { requestsPerPeriod: 200, periodSeconds: 60 };
      expect(build({ ...props, plan, critical, global }).mitigationTimeoutSeconds).toBe(600);
    });

    it('takes the configured value on every rule', () => {
      const rules = rulesetOf({ ...props, mitigationTimeoutSeconds: 86400 }).rules;
      expect(rules.map((r: any) => r.ratelimit.mitigation_timeout)).toEqual([86400, 86400, 86400]);
    });
  });

  it('names its ruleset Resource and exposes it', () => {
    const limits = build(props);
    expect(limits.resource.node.id).toBe('Resource');
    expect(limits.node.children.map((c) => c.node.id)).toEqual(['Resource', 'UrlNormalization']);
  });

  it("states the zone's URL normalization: Cloudflare's, for the rules and the origins, so //login is counted as /login", () => {
    const synth = (p: EdgeRateLimitsProps) =>
      onlyResource(
        synthCloudflare((s) => new EdgeRateLimits(s, 'RateLimits', p)),
        'cloudflare_url_normalization_settings',
      );
    expect(synth(props)).toEqual({ zone_id: ZONE_ID, type: 'cloudflare', scope: 'both' });
    expect(synth({ ...props, urlNormalization: 'incoming' }).scope).toBe('incoming');
  });

  it('refuses a URL normalization scope that leaves paths as sent', () => {
    expect(() => build({ ...props, urlNormalization: 'none' as any })).toThrow(
      /urlNormalization "none" is invalid; expected "both" or "incoming"/,
    );
  });

  it('accepts a zone id that is a token', () => {
    const json = synthCloudflare((s) => {
      const zone = new TerraformVariable(s, 'zone', { type: 'string' });
      new EdgeRateLimits(s, 'RateLimits', { ...props, zoneId: zone.stringValue });
    });
    expect(onlyResource(json, 'cloudflare_ruleset').zone_id).toBe('${var.zone}');
  });

  it('builds the critical expression from the lower-cased prefix', () => {
    expect(criticalPathExpression('/API/v1/Token')).toBe('starts_with(lower(http.request.uri.path), "/api/v1/token")');
  });

  describe('plan limits', () => {
    it('refuses the free plan: its one rule cannot hold a critical and the global limit', () => {
      expect(() =>
        build({
          ...props,
          plan: 'free',
          critical: [{ ...login, periodSeconds: 10, requestsPerPeriod: 1 }],
          global: { requestsPerPeriod: 100, periodSeconds: 10 },
        }),
      ).toThrow(
        new RegExp(
          '^EdgeRateLimits Test\\/RateLimits: critical: 2 rate limiting rules are more than the free plan allows \\(at most ' +
            '1\\); merge rules or raise the plan \\(1 critical rule plus the global one; the free plan cannot hold both a critical ' +
            'and the global limit\\)$',
        ),
      );
    });

    it.each([
      ['pro', 1],
      ['business', 4],
      ['enterprise', 99],
    ] as const)('%s: %p critical paths (with the global rule, the plan maximum) pass, one more fails', (plan, n) => {
      const global = { requestsPerPeriod: 200, periodSeconds: 60 };
      const limits = build({ ...props, plan, global, critical: paths(n) });
      expect(limits.resource).toBeDefined();
      expect(() => build({ ...props, plan, global, critical: paths(n + 1) })).toThrow(
        new RegExp(
          `: critical: ${n + 2} rate limiting rules are more than the ${plan} plan allows \\(at most ${n + 1}\\); merge rules ` +
            `or raise the plan \\(${n + 1} critical rules plus the global one\\)$`,
        ),
      );
    });

    it.each([
      ['pro', 60, 90],
      ['business', 600, 900],
      ['enterprise', 65535, 86400],
    ] as const)('%s: a global period of %p s passes, %p s fails naming global.periodSeconds and the plan', (plan, max, next) => {
      const critical = [{ ...login, requestsPerPeriod: 1, periodSeconds: 60 }];
      expect(build({ ...props, plan, critical, global: { requestsPerPeriod: 100000, periodSeconds: max } }).resource).toBeDefined();
      expect(() => build({ ...props, plan, critical, global: { requestsPerPeriod: 100000, periodSeconds: next } })).toThrow(
        new RegExp(
          `: global\\.periodSeconds: period ${next} s is longer than the ${plan} plan allows \\(at most ${max} s\\); shorten ` +
            `the window or raise the plan$`,
        ),
      );
    });

    it('renders the longest pro period and timeout', () => {
      const rules = rulesetOf({
        ...props,
        plan: 'pro',
        critical: [{ ...login, periodSeconds: 60 }],
        global: { requestsPerPeriod: 400, periodSeconds: 60 },
        mitigationTimeoutSeconds: 3600,
      }).rules;
      expect(rules.map((r: any) => [r.ratelimit.period, r.ratelimit.mitigation_timeout])).toEqual([
        [60, 3600],
        [60, 3600],
      ]);
    });

    it('names the critical path whose period the plan does not allow', () => {
      expect(() =>
        build({
          ...props,
          plan: 'pro',
          critical: [{ ...login, periodSeconds: 300 }],
          global: { requestsPerPeriod: 400, periodSeconds: 60 },
        }),
      ).toThrow(
        new RegExp(
          '^EdgeRateLimits Test\\/RateLimits: critical\\[0\\]\\.periodSeconds: period 300 s is longer than the pro plan allows ' +
            '\\(at most 60 s\\); shorten the window or raise the plan$',
        ),
      );
    });

    it.each([
      ['pro', 3600, 65535],
      ['business', 86400, 86401],
      ['enterprise', 86400, 86401],
    ] as const)('%s: a mitigation timeout of %p s passes, %p s fails naming mitigationTimeoutSeconds and the plan', (plan, max, over) => {
      const p = { ...props, plan, critical: [login], global: { requestsPerPeriod: 200, periodSeconds: 60 } };
      expect(build({ ...p, mitigationTimeoutSeconds: max }).mitigationTimeoutSeconds).toBe(max);
      expect(() => build({ ...p, mitigationTimeoutSeconds: over })).toThrow(
        new RegExp(
          `^EdgeRateLimits Test/RateLimits: mitigationTimeoutSeconds: mitigation timeout ${over} s is longer than the ${plan} ` +
            `plan allows \\(at most ${max} s\\); shorten it or raise the plan$`,
        ),
      );
    });

    it('refuses a mitigation timeout outside the supported list below Enterprise', () => {
      expect(() => build({ ...props, mitigationTimeoutSeconds: 700 })).toThrow(
        new RegExp(
          ': mitigationTimeoutSeconds: mitigation timeout 700 s is not a value the business plan accepts; use one of 10, 15, .* ' +
            '\\(custom values need Enterprise\\)$',
        ),
      );
    });

    it('refuses a mitigation timeout of 0 (throttling instead of blocking)', () => {
      expect(() => build({ ...props, mitigationTimeoutSeconds: 0 })).toThrow(
        /: mitigationTimeoutSeconds: mitigation timeout 0 s would only throttle requests over the rate instead of blocking the client/,
      );
    });

    it.each([25, 3601])('refuses a period Cloudflare does not support (%p s)', (periodSeconds) => {
      expect(() => build({ ...props, critical: [login, { ...reset, periodSeconds }] })).toThrow(
        new RegExp(
          `: critical\\[1\\]\\.periodSeconds: period ${periodSeconds} s is not a period Cloudflare supports; use one of 10, ` +
            `15, .*, 600 \\(the business plan's values\\)$`,
        ),
      );
    });
  });

  describe('rejects', () => {
    const fails = (p: Partial<EdgeRateLimitsProps>) => () => build({ ...props, ...p });
    const withPath = (over: Partial<EdgeCriticalPathLimit>) => fails({ critical: [{ ...login, ...over }] });

    it('a zone id that is not 32 lowercase hex digits', () => {
      expect(fails({ zoneId: 'example.com' })).toThrow(
        new RegExp(
          '^EdgeRateLimits Test\\/RateLimits: zoneId "example\\.com" is invalid; expected the zone\'s id, 32 lowercase hex ' +
            "digits \\(shown on the zone's Overview page in the Cloudflare dashboard\\)$",
        ),
      );
      expect(fails({ zoneId: ZONE_ID.toUpperCase() })).toThrow(/zoneId "0123456789ABCDEF0123456789ABCDEF" is invalid/);
    });

    it('a plan that does not exist', () => {
      expect(fails({ plan: 'team' as any })).toThrow(
        new RegExp(
          ': plan "team" is not a Cloudflare plan; expected one of free, pro, business, enterprise \\(the zone\'s plan, shown ' +
            'on its Overview page in the Cloudflare dashboard\\)$',
        ),
      );
    });

    it('no critical path', () => {
      expect(fails({ critical: [] })).toThrow(
        /: critical is empty; list at least one critical endpoint \(login\) with a stricter limit \(control WAF-RATE-CRITICAL\)$/,
      );
    });

    it.each(['Login', 'log in', 'log_in', '-login', 'login-', 'log--in', '1login', '', 'a'.repeat(41)])(
      'the critical name %p (not kebab-case, or too long)',
      (name) => {
        expect(withPath({ name })).toThrow(
          new RegExp(`: critical\\[0\\]\\.name "${name}" is invalid; expected kebab-case of at most 40 characters`),
        );
      },
    );

    it('a 40-character kebab-case name passes', () => {
      expect(build({ ...props, critical: [{ ...login, name: 'a'.repeat(40) }] }).resource).toBeDefined();
    });

    it('duplicate critical names', () => {
      expect(fails({ critical: [login, { ...reset, name: 'login' }] })).toThrow(
        /: critical\[1\]\.name "login" duplicates critical\[0\]; names must be unique/,
      );
    });

    it.each([
      'login',
      '/',
      '',
      'https://example.com/login',
      '/log in',
      '/login%2F',
      '/ログイン',
      '/login?x=1',
      '/login#a',
      '/x'.repeat(101),
    ])('the path prefix %p (not a plain URL path)', (pathPrefix) => {
      expect(withPath({ pathPrefix })).toThrow(
        new RegExp(
          ': critical\\[0\\]\\.pathPrefix .* is invalid; expected a URL path of 2-200 characters starting with "\\/", such as ' +
            '\\/login, using only letters, digits and \\/ \\. _ ~ - \\(no quotes, spaces, backslashes or percent-encoding\\)$',
        ),
      );
    });

    it('a 200-character path prefix passes', () => {
      expect(build({ ...props, critical: [{ ...login, pathPrefix: '/' + 'a'.repeat(199) }] }).resource).toBeDefined();
    });

    it.each([
      '/login") or (true',
      '/login" or http.request.uri.path ne "',
      "/login' or true",
      '/login\\',
      '/login\\" or true or \\"',
      '/login\n',
      '/login)',
      '/login"',
      '/${var.x}',
    ])('an expression injection attempt in the path prefix: %p', (pathPrefix) => {
      expect(withPath({ pathPrefix })).toThrow(
        `: critical[0].pathPrefix ${JSON.stringify(pathPrefix)} is invalid; expected a URL path of 2-200 characters starting with "/"`,
      );
    });

    it('a path prefix that is a token (it could hold anything)', () => {
      expect(withPath({ pathPrefix: Token.asString({ Ref: 'x' }) })).toThrow(
        /: critical\[0\]\.pathPrefix is an unresolved token; it is written into a rule expression, so it must be a literal/,
      );
    });

    it.each(['//login', '/a//login', '/./login', '/a/../login', '/a/..', '/.'])(
      'the path prefix %p, which URL normalization rewrites',
      (pathPrefix) => {
        expect(withPath({ pathPrefix })).toThrow(
          new RegExp(
            `: critical\\[0\\]\\.pathPrefix "${pathPrefix.replace(/\./g, '\\.')}" has an empty, "\\." or "\\.\\." segment, ` +
              `which URL normalization removes before rules run, so it would never match`,
          ),
        );
      },
    );

    it('a trailing slash and dots inside a segment pass', () => {
      const rules = rulesetOf({ ...props, critical: [{ ...login, pathPrefix: '/.well-known/x..y/' }] }).rules;
      expect(rules[0].expression).toBe('starts_with(lower(http.request.uri.path), "/.well-known/x..y/")');
    });

    it('path prefixes that differ only in case', () => {
      expect(fails({ critical: [login, { ...reset, pathPrefix: '/LOGIN' }] })).toThrow(
        /: critical\[1\]\.pathPrefix "\/LOGIN" duplicates critical\[0\] \(prefixes match case-insensitively\); merge the two$/,
      );
    });

    it.each([0, -5, 1.5])('a critical request count of %p', (requestsPerPeriod) => {
      expect(withPath({ requestsPerPeriod })).toThrow(
        new RegExp(
          `: critical\\[0\\]\\.requestsPerPeriod: requests per period ${requestsPerPeriod} is invalid; expected a whole ` +
            `number of at least 1$`,
        ),
      );
    });

    it.each([0, 2.5])('a global request count of %p', (requestsPerPeriod) => {
      expect(fails({ global: { requestsPerPeriod, periodSeconds: 300 } })).toThrow(
        new RegExp(`: global\\.requestsPerPeriod: requests per period ${requestsPerPeriod} is invalid`),
      );
    });

    it('a critical limit as loose as the global one (same rate), and passes one request below', () => {
      // global: 2000 per 300 s = 400 per 60 s.
      expect(withPath({ requestsPerPeriod: 400, periodSeconds: 60 })).toThrow(
        new RegExp(
          '^EdgeRateLimits Test\\/RateLimits: critical\\[0\\] allows 400 requests per 60 s, not stricter than global \\(2000 ' +
            'per 300 s\\); lower critical\\[0\\]\\.requestsPerPeriod to at most 399 \\(control WAF-RATE-CRITICAL\\)$',
        ),
      );
      expect(build({ ...props, critical: [{ ...login, requestsPerPeriod: 399, periodSeconds: 60 }] }).resource).toBeDefined();
    });

    it('a critical limit looser than the global one on a longer period', () => {
      expect(withPath({ requestsPerPeriod: 5000, periodSeconds: 600 })).toThrow(
        new RegExp(
          'critical\\[0\\] allows 5000 requests per 600 s, not stricter than global \\(2000 per 300 s\\); lower ' +
            'critical\\[0\\]\\.requestsPerPeriod to at most 3999',
        ),
      );
    });

    it('a critical limit that no request count on its period can make stricter', () => {
      expect(
        fails({ global: { requestsPerPeriod: 1, periodSeconds: 60 }, critical: [{ ...login, requestsPerPeriod: 1, periodSeconds: 10 }] }),
      ).toThrow(
        new RegExp(
          'critical\\[0\\] allows 1 requests per 10 s, not stricter than global \\(1 per 60 s\\); lengthen ' +
            'critical\\[0\\]\\.periodSeconds or raise global\\.requestsPerPeriod',
        ),
      );
    });

    it('a later critical path that is not stricter, naming its index', () => {
      expect(fails({ critical: [login, { ...reset, requestsPerPeriod: 2000, periodSeconds: 300 }] })).toThrow(
        /: critical\[1\] allows 2000 requests per 300 s, not stricter than global/,
      );
    });
  });
});
