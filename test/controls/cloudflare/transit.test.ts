import { checkEncTransit } from '../../../lib/controls/cloudflare/transit';
import { edge, every, expectFinding, expectNotApplicable, expectPass, setting, weakened, ZONE_ID } from './support';

const at = (id: string) => setting(edge(), id).address;
const MONITOR = every(edge(), 'cloudflare_load_balancer_monitor')[0].address;

describe('ENC-TRANSIT (Cloudflare)', () => {
  it('passes the hardened edge: Full (strict) to the origins, TLS 1.2+ from clients, HTTPS monitors', () => {
    const result = checkEncTransit(edge());
    expectPass(result);
    expect(result.evidence).toEqual(
      expect.arrayContaining([
        at('ssl'),
        at('min_tls_version'),
        ...every(edge(), 'cloudflare_load_balancer_monitor').map((m) => m.address),
      ]),
    );
  });

  it('is not applicable to a stack without zone-scoped resources or monitors', () => {
    expectNotApplicable(checkEncTransit({}));
  });

  it.each<[string, (t: any) => void, string, RegExp]>([
    // The attack: "flexible" makes the edge speak plain HTTP to the origin, where anyone on the path reads it.
    [
      'SSL mode flexible (plain HTTP to the origin)',
      (t) => (setting(t, 'ssl').args.value = 'flexible'),
      at('ssl'),
      /ssl is "flexible"; expected "strict"/,
    ],
    [
      'SSL mode full (any origin certificate accepted)',
      (t) => (setting(t, 'ssl').args.value = 'full'),
      at('ssl'),
      /ssl is "full"; expected "strict"/,
    ],
    [
      'TLS 1.0 accepted from clients',
      (t) => (setting(t, 'min_tls_version').args.value = '1.0'),
      at('min_tls_version'),
      /min_tls_version is "1.0"; expected "1.2" or "1.3"/,
    ],
    [
      'no ssl setting',
      (t) => delete t.resource.cloudflare_zone_setting[setting(t, 'ssl').address.split('.')[1]],
      '(template)',
      new RegExp(`zone "${ZONE_ID}" has no cloudflare_zone_setting "ssl"`),
    ],
    [
      'a plain-HTTP health monitor',
      (t) => (every(t, 'cloudflare_load_balancer_monitor')[0].args.type = 'http'),
      MONITOR,
      /type is "http"; expected "https"/,
    ],
  ])('fails with %s', (_name, edit, resource, message) => {
    expectFinding(checkEncTransit(weakened(edit)), resource, message);
  });
});
