import { checkOriginLock } from '../../../lib/controls/cloudflare/origin-lock';
import { edge, expectFinding, expectNotApplicable, expectPass, only, weakened, ZONE_ID } from './support';

const PULLS = 'cloudflare_authenticated_origin_pulls_settings';
const LB = 'cloudflare_load_balancer';
const pullsAt = only(edge(), PULLS).address;
const lbAt = only(edge(), LB).address;

describe('ORIGIN-LOCK (Cloudflare)', () => {
  it('passes authenticated origin pulls on the zone and a proxied load balancer', () => {
    const result = checkOriginLock(edge());
    expectPass(result);
    expect(result.evidence).toEqual([pullsAt, lbAt]);
  });

  it('is not applicable to an empty stack', () => {
    expectNotApplicable(checkOriginLock({}));
  });

  it.each<[string, (t: any) => void, string, RegExp]>([
    ['no authenticated origin pulls', (t) => delete t.resource[PULLS], '(template)', new RegExp(`zone "${ZONE_ID}" has no ${PULLS}; expected enabled true`)],
    ['authenticated origin pulls disabled', (t) => (only(t, PULLS).args.enabled = false), pullsAt, /enabled is false; expected true \(authenticated origin pulls\)/],
    ['a DNS-only (grey-clouded) load balancer', (t) => (only(t, LB).args.proxied = false), lbAt, /proxied is false; expected true \(DNS answers Cloudflare's addresses/],
    ['a load balancer without proxied (Cloudflare defaults to DNS-only)', (t) => delete only(t, LB).args.proxied, lbAt, /proxied is absent; expected true/],
  ])('fails with %s', (_name, edit, resource, message) => {
    expectFinding(checkOriginLock(weakened(edit)), resource, message);
  });
});
