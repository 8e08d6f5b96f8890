import { checkOriginLock } from '../../../lib/controls/cloudflare/origin-lock';
import { CA_A, CA_B, CLIENT_B, SHARED_CLIENT } from '../../fixtures/origin-pull';
import { edge, expectFinding, expectNotApplicable, expectPass, only, weakened, ZONE_ID } from './support';

const PULLS = 'cloudflare_authenticated_origin_pulls_settings';
const CERT = 'cloudflare_authenticated_origin_pulls_certificate';
const LB = 'cloudflare_load_balancer';
const pullsAt = only(edge(), PULLS).address;
const certAt = only(edge(), CERT).address;
const lbAt = only(edge(), LB).address;

describe('ORIGIN-LOCK (Cloudflare)', () => {
  it("passes authenticated origin pulls with the zone's own certificate and a proxied load balancer", () => {
    const result = checkOriginLock(edge());
    expectPass(result);
    expect(result.evidence).toEqual([pullsAt, certAt, lbAt]);
  });

  it('passes when the uploaded certificate is issued by a configured CA (one of two while rotating)', () => {
    expectPass(checkOriginLock(edge(), { originPullCaCertificates: [CA_A] }));
    expectPass(checkOriginLock(edge(), { originPullCaCertificates: [CA_B, CA_A] }));
  });

  it('fails when the uploaded certificate is not issued by the CA the origins trust', () => {
    expectFinding(
      checkOriginLock(edge(), { originPullCaCertificates: [CA_B] }),
      certAt,
      /is not issued by any CA of cloudflare.originPull.caCertificates .*the origins would refuse it/,
    );
  });

  it('is not applicable to an empty stack', () => {
    expectNotApplicable(checkOriginLock({}));
  });

  it.each<[string, (t: any) => void, string, RegExp]>([
    [
      'no authenticated origin pulls',
      (t) => delete t.resource[PULLS],
      '(template)',
      new RegExp(`zone "${ZONE_ID}" has no ${PULLS}; expected enabled true`),
    ],
    [
      'authenticated origin pulls disabled',
      (t) => (only(t, PULLS).args.enabled = false),
      pullsAt,
      /enabled is false; expected true \(authenticated origin pulls\)/,
    ],
    // The attack: with the shared certificate, any Cloudflare customer's zone pointed at the
    // origins presents the same certificate and passes.
    [
      'the shared certificate (no zone certificate uploaded)',
      (t) => delete t.resource[CERT],
      '(template)',
      new RegExp(`zone "${ZONE_ID}" has no ${CERT}, so it presents Cloudflare's shared client certificate.*an attacker's zone`),
    ],
    [
      "a certificate issued by Cloudflare's shared CA",
      (t) => (only(t, CERT).args.certificate = SHARED_CLIENT),
      certAt,
      /issued by Cloudflare's shared origin-pull CA/,
    ],
    [
      "a CA uploaded instead of the zone's leaf certificate",
      (t) => (only(t, CERT).args.certificate = CA_A),
      certAt,
      /is a CA certificate; expected the leaf certificate/,
    ],
    [
      'a certificate that is not literal PEM',
      (t) => (only(t, CERT).args.certificate = '${var.cert}'),
      certAt,
      /holds 0 readable certificates/,
    ],
    [
      "another zone's certificate pasted in (checked against the CA)",
      (t) => (only(t, CERT).args.certificate = CLIENT_B),
      certAt,
      /not issued by any CA/,
    ],
    [
      'a DNS-only (grey-clouded) load balancer',
      (t) => (only(t, LB).args.proxied = false),
      lbAt,
      /proxied is false; expected true \(DNS answers Cloudflare's addresses/,
    ],
    [
      'a load balancer without proxied (Cloudflare defaults to DNS-only)',
      (t) => delete only(t, LB).args.proxied,
      lbAt,
      /proxied is absent; expected true/,
    ],
  ])('fails with %s', (_name, edit, resource, message) => {
    expectFinding(checkOriginLock(weakened(edit), { originPullCaCertificates: [CA_A] }), resource, message);
  });
});
