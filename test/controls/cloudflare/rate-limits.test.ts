import { checkWafRateCritical, checkWafRateGlobal } from '../../../lib/controls/cloudflare/rate-limits';
import { edge, expectFinding, expectNotApplicable, expectPass, only, rule, ruleset, weakened, ZONE_ID } from './support';

const PHASE = 'http_ratelimit';
const at = ruleset(edge(), PHASE).address;
const normalizationAt = only(edge(), 'cloudflare_url_normalization_settings').address;
const global = (t: any) => rule(t, PHASE, 'rate-limit-global');
const login = (t: any) => rule(t, PHASE, 'rate-limit-critical-login');
const rules = (t: any) => ruleset(t, PHASE).args.rules as any[];
const dropRuleset = (t: any) => delete t.resource.cloudflare_ruleset[at.split('.')[1]];

describe('WAF-RATE-GLOBAL (Cloudflare)', () => {
  it('passes a per-IP block rule on all traffic', () => {
    const result = checkWafRateGlobal(edge());
    expectPass(result);
    expect(result.evidence).toEqual([at]);
  });

  it('is not applicable to an empty stack', () => {
    expectNotApplicable(checkWafRateGlobal({}));
  });

  it.each<[string, (t: any) => void, string, RegExp]>([
    [
      'no rate limiting ruleset',
      dropRuleset,
      '(template)',
      new RegExp(`zone "${ZONE_ID}" has no http_ratelimit zone ruleset; expected a per-IP "block" rule on all traffic`),
    ],
    [
      'no rule on all traffic',
      (t) => (global(t).expression = 'http.request.method eq "POST"'),
      at,
      /has no rule on all traffic \(expression "true"\)/,
    ],
    [
      'the global rule disabled',
      (t) => (global(t).enabled = false),
      at,
      /\(ref "rate-limit-global"\) \(all traffic\) has enabled false; expected true/,
    ],
    ['the global rule only logging', (t) => (global(t).action = 'log'), at, /\(all traffic\) has action "log"; expected "block"/],
    [
      'counted per data centre, not per IP',
      (t) => (global(t).ratelimit.characteristics = ['cf.colo.id']),
      at,
      /has ratelimit.characteristics \["cf.colo.id"\]; expected "ip.src" among them/,
    ],
    [
      'no request count',
      (t) => delete global(t).ratelimit.requests_per_period,
      at,
      /has ratelimit.requests_per_period absent; expected a number of requests/,
    ],
    [
      'a period that is a reference',
      (t) => (global(t).ratelimit.period = '${var.period}'),
      at,
      /has ratelimit.period "\$\{var.period\}"; expected a number of seconds/,
    ],
    [
      'a mitigation timeout of 0 (throttle only)',
      (t) => (global(t).ratelimit.mitigation_timeout = 0),
      at,
      /has ratelimit.mitigation_timeout 0; expected more than 0 seconds/,
    ],
    [
      'no mitigation timeout',
      (t) => delete global(t).ratelimit.mitigation_timeout,
      at,
      /has ratelimit.mitigation_timeout absent; expected more than 0/,
    ],
  ])('fails with %s', (_name, edit, resource, message) => {
    expectFinding(checkWafRateGlobal(weakened(edit)), resource, message);
  });
});

describe('WAF-RATE-CRITICAL (Cloudflare)', () => {
  it('passes per-IP limits on login and password reset tighter than the global one', () => {
    const result = checkWafRateCritical(edge());
    expectPass(result);
    expect(result.evidence).toEqual([normalizationAt, at]);
  });

  it('compares rates per second, not raw counts over different periods', () => {
    // 60 per 10 s (6/s) is tighter than 2000 per 300 s (6.67/s); 70 per 10 s (7/s) is not.
    expectPass(checkWafRateCritical(weakened((t) => Object.assign(login(t).ratelimit, { requests_per_period: 60, period: 10 }))));
    expectFinding(
      checkWafRateCritical(weakened((t) => Object.assign(login(t).ratelimit, { requests_per_period: 70, period: 10 }))),
      at,
      /allows 70 requests per 10 s, not fewer per second than the global rule \(2000 per 300 s\)/,
    );
  });

  it('is not applicable to an empty stack', () => {
    expectNotApplicable(checkWafRateCritical({}));
  });

  it.each<[string, (t: any) => void, string, RegExp]>([
    [
      'no rate limiting ruleset',
      dropRuleset,
      '(template)',
      /has no http_ratelimit zone ruleset; expected tighter per-IP "block" rules on critical paths/,
    ],
    [
      'no path-scoped rule',
      (t) => (ruleset(t, PHASE).args.rules = rules(t).filter((r) => r.ref === 'rate-limit-global')),
      at,
      /has no rate limiting rule scoped to a path \(expression on http.request.uri.path\)/,
    ],
    [
      'a critical limit as loose as the global one',
      (t) => (login(t).ratelimit.requests_per_period = 2000),
      at,
      /\(ref "rate-limit-critical-login"\) allows 2000 requests per 300 s, not fewer per second than the global rule \(2000 per 300 s\)/,
    ],
    [
      'the critical rule only logging',
      (t) => (login(t).action = 'log'),
      at,
      /rate-limit-critical-login.* has action "log"; expected "block"/,
    ],
    ['the critical rule disabled', (t) => (login(t).enabled = false), at, /rate-limit-critical-login.* has enabled false; expected true/],
    [
      'the critical rule not counted per IP',
      (t) => (login(t).ratelimit.characteristics = ['cf.colo.id', 'http.request.headers["x-api-key"]']),
      at,
      /rate-limit-critical-login.* has ratelimit.characteristics .*; expected "ip.src" among them/,
    ],
    [
      'the critical rule with a mitigation timeout of 0',
      (t) => (login(t).ratelimit.mitigation_timeout = 0),
      at,
      /rate-limit-critical-login.* has ratelimit.mitigation_timeout 0/,
    ],
    [
      'no global rule to compare with',
      (t) => (ruleset(t, PHASE).args.rules = rules(t).filter((r) => r.ref !== 'rate-limit-global')),
      at,
      /has no enabled rule on all traffic \(expression "true"\) with numeric requests_per_period and period/,
    ],
    // The attacks: /Login, //login or /./login counted as another path, so the tighter limit is dodged.
    [
      'the path compared as sent (no lower())',
      (t) => (login(t).expression = 'starts_with(http.request.uri.path, "/login")'),
      at,
      /compares http.request.uri.path as sent .*expected lower\(http.request.uri.path\), so \/Login/,
    ],
    [
      'URL normalization not stated',
      (t) => delete t.resource.cloudflare_url_normalization_settings,
      '(template)',
      /has no cloudflare_url_normalization_settings; expected type "cloudflare" with scope "incoming" or "both".*\/\/login/,
    ],
    [
      'URL normalization turned off',
      (t) => (only(t, 'cloudflare_url_normalization_settings').args.scope = 'none'),
      normalizationAt,
      /scope is "none"; expected "incoming" or "both"/,
    ],
    [
      'RFC 3986 normalization, which keeps //',
      (t) => (only(t, 'cloudflare_url_normalization_settings').args.type = 'rfc3986'),
      normalizationAt,
      /type is "rfc3986"; expected "cloudflare"/,
    ],
  ])('fails with %s', (_name, edit, resource, message) => {
    expectFinding(checkWafRateCritical(weakened(edit)), resource, message);
  });
});
