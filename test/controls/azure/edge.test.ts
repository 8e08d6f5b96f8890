import { checkEdgeTls } from '../../../lib/controls/azure/edge';
import { expectFinding, expectNotApplicable, expectPass, only, primary, weakened } from './support';

const GW = 'azurerm_application_gateway';
const gw = (tf: any) => only(tf, GW).args;
const address = only(primary(), GW).address;

describe('EDGE-TLS (Azure)', () => {
  it('passes the gateway with the TLS 1.2+ policy, HTTP redirect and HSTS rewrite', () => {
    const result = checkEdgeTls(primary());
    expectPass(result);
    expect(result.evidence).toEqual([address]);
  });

  it('accepts a CustomV2 policy with TLS 1.2 as the floor', () => {
    expectPass(
      checkEdgeTls(weakened((t) => (gw(t).ssl_policy = { policy_type: 'CustomV2', min_protocol_version: 'TLSv1_2', cipher_suites: [] }))),
    );
  });

  it('is not applicable without a gateway', () => {
    expectNotApplicable(checkEdgeTls({ resource: { azurerm_storage_account: { a: {} } } }));
  });

  it.each<[string, (t: any) => void, RegExp]>([
    ['no ssl_policy', (t) => delete gw(t).ssl_policy, /ssl_policy is absent/],
    [
      'an old predefined policy',
      (t) => (gw(t).ssl_policy.policy_name = 'AppGwSslPolicy20150501'),
      /policy_name is "AppGwSslPolicy20150501"; expected one of AppGwSslPolicy20220101S/,
    ],
    [
      'a custom policy allowing TLS 1.1',
      (t) => (gw(t).ssl_policy = { policy_type: 'Custom', min_protocol_version: 'TLSv1_1' }),
      /min_protocol_version is "TLSv1_1"; expected "TLSv1_2"/,
    ],
    [
      'port 80 served instead of redirected',
      (t) =>
        Object.assign(gw(t).request_routing_rule[1], {
          redirect_configuration_name: undefined,
          backend_address_pool_name: 'app',
          backend_http_settings_name: 'app-https',
        }),
      /"http-redirect" on Http listener "http" has redirect_configuration_name absent/,
    ],
    [
      'a redirect to the HTTP listener',
      (t) => (gw(t).redirect_configuration[0].target_listener_name = 'http'),
      /redirects to listener "http" \("Http"\); expected an Https listener/,
    ],
    [
      'a redirect to an http:// URL',
      (t) => (gw(t).redirect_configuration[0] = { name: 'http-to-https', redirect_type: 'Permanent', target_url: 'http://example.com' }),
      /redirects to URL "http:\/\/example.com"/,
    ],
    [
      'the HSTS rewrite detached from the HTTPS rule',
      (t) => delete gw(t).request_routing_rule[0].rewrite_rule_set_name,
      /"https-to-app" has rewrite_rule_set_name absent; expected a rewrite rule set adding Strict-Transport-Security/,
    ],
    [
      'no HSTS header in the rewrite set',
      (t) => gw(t).rewrite_rule_set[0].rewrite_rule[0].response_header_configuration.shift(),
      /sets no Strict-Transport-Security/,
    ],
    [
      'a short HSTS max-age',
      (t) => (gw(t).rewrite_rule_set[0].rewrite_rule[0].response_header_configuration[0].header_value = 'max-age=300; includeSubDomains'),
      /Strict-Transport-Security is "max-age=300; includeSubDomains"; expected max-age of 31536000 or more/,
    ],
    [
      'HSTS without includeSubDomains',
      (t) => (gw(t).rewrite_rule_set[0].rewrite_rule[0].response_header_configuration[0].header_value = 'max-age=31536000'),
      /expected max-age of 31536000 or more and includeSubDomains/,
    ],
  ])('fails with %s', (_name, edit, message) => {
    expectFinding(checkEdgeTls(weakened(edit)), address, message);
  });
});
