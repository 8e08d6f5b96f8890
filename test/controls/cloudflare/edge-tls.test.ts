import { checkEdgeTls } from '../../../lib/controls/cloudflare/edge-tls';
import { edge, every, expectFinding, expectNotApplicable, expectPass, setting, weakened, ZONE_ID } from './support';

const hsts = (t: any) => setting(t, 'security_header').args.value.strict_transport_security;
const HEADER = setting(edge(), 'security_header').address;
const at = (id: string) => setting(edge(), id).address;

describe('EDGE-TLS (Cloudflare)', () => {
  it('passes the hardened zone: Full (strict), TLS 1.2+, TLS 1.3, HTTPS redirects and rewrites, HSTS', () => {
    const result = checkEdgeTls(edge());
    expectPass(result);
    expect(result.evidence).toEqual(
      expect.arrayContaining([
        at('ssl'),
        at('min_tls_version'),
        at('tls_1_3'),
        at('always_use_https'),
        at('automatic_https_rewrites'),
        HEADER,
      ]),
    );
  });

  it('accepts TLS 1.3 as the minimum', () => {
    expectPass(checkEdgeTls(weakened((t) => (setting(t, 'min_tls_version').args.value = '1.3'))));
  });

  it('is not applicable to an empty stack or one without zone-scoped resources', () => {
    expectNotApplicable(checkEdgeTls({}));
    expectNotApplicable(checkEdgeTls({ resource: { cloudflare_load_balancer_monitor: { m: { type: 'https' } } } }));
  });

  it('fails when a setting is missing, since the zone would keep whatever the dashboard last set', () => {
    const t = weakened((t) => delete t.resource.cloudflare_zone_setting[setting(t, 'ssl').address.split('.')[1]]);
    expectFinding(
      checkEdgeTls(t),
      '(template)',
      new RegExp(`zone "${ZONE_ID}" has no cloudflare_zone_setting "ssl"; expected value "strict"`),
    );
  });

  it('fails every zone of the stack, not only the first', () => {
    const other = 'ffffffffffffffffffffffffffffffff';
    const t = weakened((t) => (t.resource.cloudflare_authenticated_origin_pulls_settings.Other = { zone_id: other, enabled: true }));
    expectFinding(checkEdgeTls(t), '(template)', new RegExp(`zone "${other}" has no cloudflare_zone_setting "security_header"`));
    expect(every(t, 'cloudflare_zone_setting')).toHaveLength(8);
  });

  it.each<[string, (t: any) => void, string, RegExp]>([
    [
      'SSL mode Full (not strict)',
      (t) => (setting(t, 'ssl').args.value = 'full'),
      at('ssl'),
      /ssl is "full"; expected "strict" \(Full \(strict\)/,
    ],
    [
      'TLS 1.0 accepted',
      (t) => (setting(t, 'min_tls_version').args.value = '1.0'),
      at('min_tls_version'),
      /min_tls_version is "1.0"; expected "1.2" or "1.3"/,
    ],
    ['TLS 1.3 off', (t) => (setting(t, 'tls_1_3').args.value = 'off'), at('tls_1_3'), /tls_1_3 is "off"; expected "on"/],
    ['TLS 1.3 with 0-RTT', (t) => (setting(t, 'tls_1_3').args.value = 'zrt'), at('tls_1_3'), /tls_1_3 is "zrt"; expected "on"/],
    [
      'no HTTPS redirect',
      (t) => (setting(t, 'always_use_https').args.value = 'off'),
      at('always_use_https'),
      /always_use_https is "off"; expected "on"/,
    ],
    [
      'no HTTPS rewrites',
      (t) => (setting(t, 'automatic_https_rewrites').args.value = 'off'),
      at('automatic_https_rewrites'),
      /automatic_https_rewrites is "off"; expected "on"/,
    ],
    [
      'no security header setting',
      (t) => delete t.resource.cloudflare_zone_setting[HEADER.split('.')[1]],
      '(template)',
      /has no cloudflare_zone_setting "security_header"; expected HSTS enabled with max_age 31536000 or more/,
    ],
    [
      'a security header without HSTS',
      (t) => (setting(t, 'security_header').args.value = {}),
      HEADER,
      /security_header value is \{\}; expected strict_transport_security/,
    ],
    ['HSTS disabled', (t) => (hsts(t).enabled = false), HEADER, /strict_transport_security.enabled is false; expected true/],
    [
      'a short HSTS max-age',
      (t) => (hsts(t).max_age = 86400),
      HEADER,
      /strict_transport_security.max_age is 86400; expected 31536000 \(one year\) or more/,
    ],
    [
      'HSTS without includeSubDomains',
      (t) => (hsts(t).include_subdomains = false),
      HEADER,
      /strict_transport_security.include_subdomains is false; expected true/,
    ],
    ['no nosniff', (t) => (hsts(t).nosniff = false), HEADER, /strict_transport_security.nosniff is false; expected true/],
  ])('fails with %s', (_name, edit, resource, message) => {
    expectFinding(checkEdgeTls(weakened(edit)), resource, message);
  });
});
