import { Outcome } from '../core/outcome';
import { isTrue, ofType, show, TEMPLATE, type TfJson } from '../core/terraform';
import { clientCertificateProblems } from '../core/origin-pull';
import type { CheckOptions, CheckResult } from '../types';
import { inZone, zoneIds } from './zone';

const ORIGIN_PULLS = 'cloudflare_authenticated_origin_pulls_settings';
/** The zone-level certificate Cloudflare presents instead of its shared one. */
export const ORIGIN_PULL_CERTIFICATE = 'cloudflare_authenticated_origin_pulls_certificate';
export const LOAD_BALANCER = 'cloudflare_load_balancer';

/**
 * Control ORIGIN-LOCK (Cloudflare side): every zone the stack configures has a
 * `cloudflare_authenticated_origin_pulls_settings` with `enabled` true (Cloudflare presents a
 * client certificate to the origins) and a `cloudflare_authenticated_origin_pulls_certificate`
 * of its own: without one the zone presents Cloudflare's shared certificate, which every
 * Cloudflare customer's zone presents too, so an attacker's zone pointed at the origins would pass.
 * Each uploaded certificate is one literal PEM leaf (not a CA, not issued by Cloudflare's shared
 * CA) and, with the `originPullCaCertificates` option, issued by one of those CAs. Every
 * `cloudflare_load_balancer` has `proxied` true (absent is false: DNS would answer the origins'
 * addresses and clients could bypass the edge). The origins' side (Cloudflare's ranges only, the
 * client certificate verified against this CA, host binding) is checked on the AWS and Azure stacks
 * with the `originLocked` option.
 */
export function checkOriginLock(tf: TfJson, options: CheckOptions = {}): CheckResult {
  const out = new Outcome('ORIGIN-LOCK');
  const zones = zoneIds(tf);
  for (const zone of zones) {
    const settings = inZone(tf, zone, ORIGIN_PULLS);
    if (settings.length === 0) {
      out.fail(
        TEMPLATE,
        `zone ${show(zone)} has no ${ORIGIN_PULLS}; expected enabled true (Cloudflare presents its client certificate to the origins)`,
      );
    }
    for (const setting of settings) {
      out.within(setting.address, () => {
        if (!isTrue(setting.args.enabled))
          out.fail(setting.address, `enabled is ${show(setting.args.enabled)}; expected true (authenticated origin pulls)`);
      });
    }
    const certificates = inZone(tf, zone, ORIGIN_PULL_CERTIFICATE);
    if (settings.length > 0 && certificates.length === 0) {
      out.fail(
        TEMPLATE,
        `zone ${show(zone)} has no ${ORIGIN_PULL_CERTIFICATE}, so it presents Cloudflare's shared client certificate, which ` +
          `every Cloudflare zone presents: an attacker's zone pointed at the origins passes authenticated origin pulls; expected ` +
          `the zone's own certificate (cloudflare.originPull)`,
      );
    }
    for (const certificate of certificates) {
      out.within(certificate.address, () => {
        for (const problem of clientCertificateProblems(certificate.args.certificate, options.originPullCaCertificates))
          out.fail(certificate.address, problem);
      });
    }
  }
  const balancers = ofType(tf, LOAD_BALANCER);
  for (const lb of balancers) {
    out.within(lb.address, () => {
      if (!isTrue(lb.args.proxied)) {
        out.fail(
          lb.address,
          `proxied is ${show(lb.args.proxied)}; expected true (DNS answers Cloudflare's addresses, so every request passes ` +
            `the edge and the origins stay hidden)`,
        );
      }
    });
  }
  return out.result(zones.length + balancers.length > 0);
}
