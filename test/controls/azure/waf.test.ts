import { checkWafManaged, checkWafRateCritical, checkWafRateGlobal, checkWafReputation } from '../../../lib/controls/azure/waf';
import { expectFinding, expectNotApplicable, expectPass, locked as lockedFixture, only, primary, weakened } from './support';

const POLICY = 'azurerm_web_application_firewall_policy';
const GW = 'azurerm_application_gateway';
const policy = (t: any) => only(t, POLICY).args;
const gw = (t: any) => only(t, GW).args;
const rule = (t: any, name: string) => policy(t).custom_rules.find((r: any) => r.name === name);
const P = only(primary(), POLICY).address;
const G = only(primary(), GW).address;
const empty = { resource: { azurerm_storage_account: { a: {} } } };

describe('WAF-MANAGED (Azure)', () => {
  it('passes a Prevention-mode policy with DRS 2.1 forced onto the WAF_v2 gateway', () => {
    const result = checkWafManaged(primary());
    expectPass(result);
    expect(result.evidence).toEqual(expect.arrayContaining([P, G]));
  });

  it('accepts OWASP 3.2 and a later DRS', () => {
    expectPass(checkWafManaged(weakened((t) => (policy(t).managed_rules.managed_rule_set[0] = { type: 'OWASP', version: '3.2' }))));
    expectPass(checkWafManaged(weakened((t) => (policy(t).managed_rules.managed_rule_set[0].version = '2.10'))));
  });

  it('is not applicable without a policy or gateway', () => {
    expectNotApplicable(checkWafManaged(empty));
  });

  it.each<[string, (t: any) => void, string, RegExp]>([
    ['Detection mode', (t) => (policy(t).policy_settings.mode = 'Detection'), P, /mode is "Detection"; expected "Prevention"/],
    ['the policy disabled', (t) => (policy(t).policy_settings.enabled = false), P, /enabled is false; expected true/],
    [
      'bodies not inspected',
      (t) => (policy(t).policy_settings.request_body_check = false),
      P,
      /request_body_check is false; expected true/,
    ],
    ['no policy settings', (t) => delete policy(t).policy_settings, P, /policy_settings is absent/],
    ['DRS 2.0', (t) => (policy(t).managed_rules.managed_rule_set[0].version = '2.0'), P, /expected Microsoft_DefaultRuleSet 2.1 or later/],
    ['OWASP 3.1', (t) => (policy(t).managed_rules.managed_rule_set[0] = { type: 'OWASP', version: '3.1' }), P, /"OWASP 3.1"/],
    ['no core rule set', (t) => policy(t).managed_rules.managed_rule_set.shift(), P, /expected Microsoft_DefaultRuleSet/],
    ['no policy on the gateway', (t) => delete gw(t).firewall_policy_id, G, /firewall_policy_id is absent/],
    [
      'the association not forced',
      (t) => (gw(t).force_firewall_policy_association = false),
      G,
      /force_firewall_policy_association is false; expected true/,
    ],
    [
      'a Standard_v2 gateway',
      (t) => (gw(t).sku = { name: 'Standard_v2', tier: 'Standard_v2' }),
      G,
      /sku.tier is "Standard_v2"; expected "WAF_v2"/,
    ],
  ])('fails with %s', (_name, edit, resource, message) => {
    expectFinding(checkWafManaged(weakened(edit)), resource, message);
  });
});

describe('WAF-REPUTATION (Azure)', () => {
  it('passes with the Bot Manager rule set', () => {
    expectPass(checkWafReputation(primary()));
  });

  it('is not applicable without a policy or gateway', () => {
    expectNotApplicable(checkWafReputation(empty));
  });

  it('fails without the Bot Manager rule set', () => {
    expectFinding(
      checkWafReputation(weakened((t) => policy(t).managed_rules.managed_rule_set.pop())),
      P,
      /expected Microsoft_BotManagerRuleSet/,
    );
  });

  it('fails when the gateway enforces no policy', () => {
    expectFinding(checkWafReputation(weakened((t) => (gw(t).firewall_policy_id = 'none'))), G, /firewall_policy_id is "none"/);
  });
});

describe('WAF-RATE-GLOBAL (Azure)', () => {
  it('passes the per-IP match-all rate limit', () => {
    expectPass(checkWafRateGlobal(primary()));
  });

  it('is not applicable without a policy', () => {
    expectNotApplicable(checkWafRateGlobal(empty));
  });

  it.each<[string, (t: any) => void, RegExp]>([
    [
      'no global rule',
      (t) => (policy(t).custom_rules = policy(t).custom_rules.filter((r: any) => r.name !== 'RateLimitAllTraffic')),
      /no custom rule limits all traffic per client IP/,
    ],
    ['the global rule disabled', (t) => (rule(t, 'RateLimitAllTraffic').enabled = false), /no custom rule limits all traffic/],
    ['the global rule only logging', (t) => (rule(t, 'RateLimitAllTraffic').action = 'Log'), /no custom rule limits all traffic/],
    [
      'the global rule counting per socket address',
      (t) => (rule(t, 'RateLimitAllTraffic').group_rate_limit_by = 'None'),
      /no custom rule limits all traffic/,
    ],
    [
      'the global rule narrowed to one network',
      (t) => (rule(t, 'RateLimitAllTraffic').match_conditions[0].negation_condition = false),
      /no custom rule limits all traffic/,
    ],
    [
      'the global rule narrowed by a path',
      (t) =>
        rule(t, 'RateLimitAllTraffic').match_conditions.push({
          match_variables: [{ variable_name: 'RequestUri' }],
          operator: 'BeginsWith',
          match_values: ['/api'],
        }),
      /no custom rule limits all traffic/,
    ],
    [
      'no threshold',
      (t) => delete rule(t, 'RateLimitAllTraffic').rate_limit_threshold,
      /rate_limit_threshold absent per "FiveMins"; expected a number/,
    ],
    [
      'an Allow rule ahead of the limit',
      (t) =>
        policy(t).custom_rules.unshift({
          name: 'AllowPartners',
          priority: 0,
          rule_type: 'MatchRule',
          action: 'Allow',
          match_conditions: [{ match_variables: [{ variable_name: 'RemoteAddr' }], operator: 'IPMatch', match_values: ['203.0.113.0/24'] }],
        }),
      /"AllowPartners" \(Allow, priority 0\) is evaluated before the global limit/,
    ],
  ])('fails with %s', (_name, edit, message) => {
    expectFinding(checkWafRateGlobal(weakened(edit)), P, message);
  });
});

describe('WAF-RATE-CRITICAL (Azure)', () => {
  it('passes stricter limits on /login and /password-reset evaluated first', () => {
    expectPass(checkWafRateCritical(primary()));
  });

  it('is not applicable without a policy', () => {
    expectNotApplicable(checkWafRateCritical(empty));
  });

  it.each<[string, (t: any) => void, RegExp]>([
    [
      'no critical-path rule',
      (t) => (policy(t).custom_rules = [rule(t, 'RateLimitAllTraffic')]),
      /no rate-limit rule matches a critical path/,
    ],
    [
      'a looser login limit',
      (t) => (rule(t, 'RateLimitLogin').rate_limit_threshold = 5000),
      new RegExp(
        '"RateLimitLogin" admits 5000 per "FiveMins"; expected fewer requests per second than the global limit ' +
          '"RateLimitAllTraffic" \\(2000 per "FiveMins"\\)',
      ),
    ],
    [
      'an equal rate over a shorter window',
      (t) => Object.assign(rule(t, 'RateLimitLogin'), { rate_limit_threshold: 400, rate_limit_duration: 'OneMin' }),
      /"RateLimitLogin" admits 400 per "OneMin"/,
    ],
    [
      'the login rule after the global one',
      (t) => (rule(t, 'RateLimitLogin').priority = 50),
      /"RateLimitLogin" has priority 50; expected a lower number than the global limit/,
    ],
    [
      'no Lowercase transform',
      (t) => (rule(t, 'RateLimitLogin').match_conditions[0].transforms = ['UrlDecode']),
      /"RateLimitLogin" matches \["\/login"\] with transforms \["UrlDecode"\]; expected lower-case paths and the Lowercase transform/,
    ],
    [
      'no global limit to compare with',
      (t) => (policy(t).custom_rules = policy(t).custom_rules.filter((r: any) => r.name !== 'RateLimitAllTraffic')),
      /no global per-IP rate limit/,
    ],
  ])('fails with %s', (_name, edit, message) => {
    expectFinding(checkWafRateCritical(weakened(edit)), P, message);
  });
});

describe('WAF-RATE-* on what the gateway counts (Azure)', () => {
  const locked = { originLocked: true };
  const L = only(lockedFixture(), POLICY).address;

  it('passes per-edge safety-net limits behind the locked Cloudflare zone, tagged so', () => {
    expectPass(checkWafRateGlobal(lockedFixture(), locked));
    expectPass(checkWafRateCritical(lockedFixture(), locked));
  });

  it('sees from the stack alone that the gateway is locked to the edge (no config, as baseline-check runs)', () => {
    expectPass(checkWafRateGlobal(lockedFixture()));
    expectPass(checkWafRateCritical(lockedFixture()));
  });

  it.each<[string, () => any, object, 'g' | 'c', string, RegExp]>([
    // The outage: per-client thresholds on the edge node's shared address.
    [
      'per-client thresholds behind Cloudflare (no per-edge tag)',
      () => primary(),
      locked,
      'g',
      P,
      new RegExp(
        'tag baseline-rate-limit-key is absent; expected "cloudflare-edge": behind Cloudflare the gateway counts the edge ' +
          "node's address, shared by many clients",
      ),
    ],
    [
      'per-edge thresholds on a gateway clients reach directly',
      () =>
        weakened((t) => {
          const nsg = Object.values<any>(t.resource.azurerm_network_security_group).find((n) => n.name.endsWith('-gateway'));
          const rule = nsg.security_rule.find((r: any) => r.name === 'allow-https');
          delete rule.source_address_prefixes;
          rule.source_address_prefix = 'Internet';
        }, lockedFixture),
      {},
      'c',
      L,
      /tag baseline-rate-limit-key is "cloudflare-edge" on a gateway clients reach directly; expected per-client thresholds/,
    ],
    // The bypass: the first X-Forwarded-For entry is the client's to write.
    [
      'the global limit keyed on X-Forwarded-For',
      () => weakened((t) => (rule(t, 'RateLimitAllTraffic').group_rate_limit_by = 'ClientAddrXFFHeader'), lockedFixture),
      locked,
      'g',
      L,
      new RegExp(
        'custom rule "RateLimitAllTraffic" has group_rate_limit_by "ClientAddrXFFHeader"; expected "ClientAddr": the ' +
          'X-Forwarded-For address is written by the client',
      ),
    ],
    [
      'the login limit keyed on X-Forwarded-For',
      () => weakened((t) => (rule(t, 'RateLimitLogin').group_rate_limit_by = 'ClientAddrXFFHeader'), lockedFixture),
      locked,
      'c',
      L,
      /"RateLimitLogin" has group_rate_limit_by "ClientAddrXFFHeader"/,
    ],
    // Path normalisation: //login and /x/../login must not slip past BeginsWith "/login".
    [
      'the path-normalization guard removed',
      () => weakened((t) => (policy(t).custom_rules = policy(t).custom_rules.filter((r: any) => r.name !== 'PathNotNormalized'))),
      {},
      'c',
      P,
      /no enabled Block rule refuses non-normalized paths .*\/\/login or \/x\/..\/login would escape/,
    ],
    [
      'a guard that only catches //',
      () => weakened((t) => (rule(t, 'PathNotNormalized').match_conditions[0].match_values = ['^[^?]*//'])),
      {},
      'c',
      P,
      /no enabled Block rule refuses non-normalized paths/,
    ],
    [
      'a guard that reads the path before URL decoding',
      () => weakened((t) => (rule(t, 'PathNotNormalized').match_conditions[0].transforms = [])),
      {},
      'c',
      P,
      /no enabled Block rule refuses non-normalized paths/,
    ],
    [
      'a guard only logging',
      () => weakened((t) => (rule(t, 'PathNotNormalized').action = 'Log')),
      {},
      'c',
      P,
      /no enabled Block rule refuses non-normalized paths/,
    ],
    [
      'a critical path compared before URL decoding',
      () => weakened((t) => (rule(t, 'RateLimitLogin').match_conditions[0].transforms = ['Lowercase'])),
      {},
      'c',
      P,
      /custom rule "RateLimitLogin" matches with transforms \["Lowercase"\]; expected UrlDecode among them/,
    ],
  ])('fails with %s', (_what, fixture, options, which, at, message) => {
    expectFinding((which === 'g' ? checkWafRateGlobal : checkWafRateCritical)(fixture(), options), at, message);
  });
});
