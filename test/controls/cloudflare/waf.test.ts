import { checkWafManaged, checkWafReputation } from '../../../lib/controls/cloudflare/waf';
import {
  edge,
  edgeStack,
  expectFinding,
  expectNotApplicable,
  expectPass,
  freeWafStack,
  rule,
  ruleset,
  setting,
  weakened,
  ZONE_ID,
} from './support';

const MANAGED = 'http_request_firewall_managed';
const CUSTOM = 'http_request_firewall_custom';
const managedAt = ruleset(edge(), MANAGED).address;
const customAt = ruleset(edge(), CUSTOM).address;
const owasp = (t: any) => rule(t, MANAGED, 'edge_waf_owasp_core');
const anomaly = (t: any) => owasp(t).action_parameters.overrides.rules[0];
const managed = (t: any) => rule(t, MANAGED, 'edge_waf_cloudflare_managed');
const host = (t: any) => rule(t, CUSTOM, 'edge_waf_unexpected_host');
const anonymizers = (t: any) => rule(t, CUSTOM, 'edge_waf_anonymizers');

describe('WAF-MANAGED (Cloudflare)', () => {
  it('passes the Cloudflare Managed and OWASP Core rulesets, the anomaly rule blocking', () => {
    const result = checkWafManaged(edge());
    expectPass(result);
    expect(result.evidence).toEqual([managedAt]);
  });

  it('passes the Enterprise variant', () => {
    expectPass(checkWafManaged(edgeStack('enterprise')));
  });

  it('is not applicable to an empty stack', () => {
    expectNotApplicable(checkWafManaged({}));
    expectNotApplicable(checkWafManaged({ resource: {} }));
  });

  it('accepts the Free Managed Ruleset when the stack shows the zone on the Free plan', () => {
    expectPass(checkWafManaged(freeWafStack(true)));
  });

  it('fails the Free Managed Ruleset when nothing in the stack shows a Free plan', () => {
    const tf = freeWafStack(false);
    const at = ruleset(tf, MANAGED).address;
    expectFinding(
      checkWafManaged(tf),
      at,
      new RegExp(
        'executes no rule with action_parameters.id "efb7b8c949ac4650a09736fc376e9aee" \\(Cloudflare Managed ' +
          'Ruleset\\).*accepted only when the stack shows the zone on the Free plan',
      ),
    );
    expectFinding(
      checkWafManaged(tf),
      at,
      /executes no rule with action_parameters.id "4814384a9e5d4991b9815dcfc25d2f1f" \(Cloudflare OWASP Core Ruleset\)/,
    );
  });

  it('fails a Free zone whose Free Managed Ruleset rule is disabled', () => {
    const tf = freeWafStack(true);
    ruleset(tf, MANAGED).args.rules[0].enabled = false;
    expectFinding(
      checkWafManaged(tf),
      ruleset(tf, MANAGED).address,
      /executing the Cloudflare Free Managed Ruleset.* has enabled false; expected true/,
    );
  });

  it.each<[string, (t: any) => void, string, RegExp]>([
    [
      'no managed ruleset',
      (t) => delete t.resource.cloudflare_ruleset[managedAt.split('.')[1]],
      '(template)',
      new RegExp(`zone "${ZONE_ID}" has no http_request_firewall_managed zone ruleset`),
    ],
    [
      'the Cloudflare Managed Ruleset not executed',
      (t) => ruleset(t, MANAGED).args.rules.splice(0, 1),
      managedAt,
      /executes no rule with action_parameters.id "efb7b8c949ac4650a09736fc376e9aee" \(Cloudflare Managed Ruleset\)/,
    ],
    [
      'the OWASP Core Ruleset not executed',
      (t) => ruleset(t, MANAGED).args.rules.splice(1, 1),
      managedAt,
      /executes no rule with action_parameters.id "4814384a9e5d4991b9815dcfc25d2f1f" \(Cloudflare OWASP Core Ruleset\)/,
    ],
    [
      'the Cloudflare Managed Ruleset disabled',
      (t) => (managed(t).enabled = false),
      managedAt,
      /rules\[0\] \(ref "edge_waf_cloudflare_managed"\) executing the Cloudflare Managed Ruleset has enabled false; expected true/,
    ],
    [
      'the OWASP Core Ruleset disabled',
      (t) => (owasp(t).enabled = false),
      managedAt,
      /executing the Cloudflare OWASP Core Ruleset has enabled false; expected true/,
    ],
    [
      'the managed rules scoped to one path',
      (t) => (managed(t).expression = 'http.request.uri.path eq "/"'),
      managedAt,
      /executing the Cloudflare Managed Ruleset has expression "http.request.uri.path eq \\"\/\\""; expected "true"/,
    ],
    [
      'every OWASP rule switched off',
      (t) => (owasp(t).action_parameters.overrides.enabled = false),
      managedAt,
      /has overrides.enabled false \(every rule of the ruleset off\)/,
    ],
    [
      'the managed rules in log mode',
      (t) => (managed(t).action_parameters.overrides = { action: 'log' }),
      managedAt,
      /Cloudflare Managed Ruleset has overrides.action "log"; expected the rules' own actions/,
    ],
    [
      'the anomaly rule not overridden',
      (t) => (owasp(t).action_parameters.overrides.rules = []),
      managedAt,
      /overrides no rule "6179ae15870a4bb7b2d480d4843b323c" \(Inbound Anomaly Score Exceeded\); expected that rule's action set to "block"/,
    ],
    [
      'the anomaly rule logging',
      (t) => (anomaly(t).action = 'log'),
      managedAt,
      /sets the anomaly score rule "6179ae15870a4bb7b2d480d4843b323c" to action "log"; expected "block"/,
    ],
    [
      'the anomaly rule disabled',
      (t) => (anomaly(t).enabled = false),
      managedAt,
      /disables the anomaly score rule "6179ae15870a4bb7b2d480d4843b323c"/,
    ],
    [
      'a blanket skip before the managed rules',
      (t) => ruleset(t, MANAGED).args.rules.unshift({ action: 'skip', expression: 'true', action_parameters: { ruleset: 'current' } }),
      managedAt,
      /rules\[0\] skips \{"ruleset":"current"\} on every request \(expression "true"\); expected no blanket skip/,
    ],
  ])('fails with %s', (_name, edit, resource, message) => {
    expectFinding(checkWafManaged(weakened(edit)), resource, message);
  });
});

describe('WAF-REPUTATION (Cloudflare)', () => {
  it('passes browser integrity check, security level medium, the unexpected-host and Tor block rules', () => {
    const result = checkWafReputation(edge());
    expectPass(result);
    expect(result.evidence).toEqual(
      expect.arrayContaining([setting(edge(), 'browser_check').address, setting(edge(), 'security_level').address, customAt]),
    );
  });

  it('passes the Enterprise variant with the threat and anonymizer Managed IP Lists', () => {
    expectPass(checkWafReputation(edgeStack('enterprise')));
  });

  it('accepts the threat-intelligence rule alone on Enterprise', () => {
    const tf = edgeStack('enterprise');
    rule(tf, CUSTOM, 'edge_waf_anonymizers').action = 'managed_challenge';
    expectPass(checkWafReputation(tf));
  });

  it('is not applicable to an empty stack', () => {
    expectNotApplicable(checkWafReputation({}));
  });

  it.each<[string, (t: any) => void, string, RegExp]>([
    [
      'browser integrity check off',
      (t) => (setting(t, 'browser_check').args.value = 'off'),
      setting(edge(), 'browser_check').address,
      /browser_check is "off"; expected "on"/,
    ],
    [
      'security level low',
      (t) => (setting(t, 'security_level').args.value = 'low'),
      setting(edge(), 'security_level').address,
      /security_level is "low"; expected one of "medium", "high", "under_attack"/,
    ],
    [
      'security level essentially off',
      (t) => (setting(t, 'security_level').args.value = 'essentially_off'),
      setting(edge(), 'security_level').address,
      /security_level is "essentially_off"/,
    ],
    [
      'security level off',
      (t) => (setting(t, 'security_level').args.value = 'off'),
      setting(edge(), 'security_level').address,
      /security_level is "off"/,
    ],
    [
      'no security level setting',
      (t) => delete t.resource.cloudflare_zone_setting[setting(t, 'security_level').address.split('.')[1]],
      '(template)',
      /has no cloudflare_zone_setting "security_level"/,
    ],
    [
      'no custom ruleset',
      (t) => delete t.resource.cloudflare_ruleset[customAt.split('.')[1]],
      '(template)',
      /has no http_request_firewall_custom zone ruleset; expected rules blocking unexpected hosts/,
    ],
    [
      'no unexpected-host rule',
      (t) => ruleset(t, CUSTOM).args.rules.splice(0, 1),
      customAt,
      /has no rule on unexpected hosts \(not http.host in \{\.\.\.\}\); expected an enabled "block" rule/,
    ],
    [
      'the unexpected-host rule logging',
      (t) => (host(t).action = 'log'),
      customAt,
      /rules\[0\] \(ref "edge_waf_unexpected_host"\) on unexpected hosts .* has action "log"; expected "block"/,
    ],
    [
      'the unexpected-host rule disabled',
      (t) => (host(t).enabled = false),
      customAt,
      /on unexpected hosts .* has enabled false; expected true/,
    ],
    [
      'no anonymizer or threat rule',
      (t) => ruleset(t, CUSTOM).args.rules.splice(1, 1),
      customAt,
      /has no rule on anonymizing or threat sources/,
    ],
    [
      'anonymizers challenged instead of blocked',
      (t) => (anonymizers(t).action = 'managed_challenge'),
      customAt,
      /on anonymizing or threat sources .* has action "managed_challenge"; expected "block"/,
    ],
    [
      'the anonymizer rule disabled',
      (t) => (anonymizers(t).enabled = false),
      customAt,
      /on anonymizing or threat sources .* has enabled false; expected true/,
    ],
  ])('fails with %s', (_name, edit, resource, message) => {
    expectFinding(checkWafReputation(weakened(edit)), resource, message);
  });
});
