import { Outcome } from '../aws/result';
import { isTrue, ofType, show, TEMPLATE, type TfJson } from '../azure/terraform';
import type { CheckResult } from '../types';
import { inZone, zoneIds } from './zone';

const ORIGIN_PULLS = 'cloudflare_authenticated_origin_pulls_settings';
export const LOAD_BALANCER = 'cloudflare_load_balancer';

/**
 * Control ORIGIN-LOCK (Cloudflare side): every zone the stack configures has a
 * `cloudflare_authenticated_origin_pulls_settings` with `enabled` true (Cloudflare presents its
 * client certificate to the origins), and every `cloudflare_load_balancer` has `proxied` true
 * (absent is false: DNS would answer the origins' addresses and clients could bypass the edge).
 * The origins' side (admitting only Cloudflare's ranges, requiring the client certificate) is
 * checked on the AWS and Azure stacks with the `originLocked` option, or not at all (mTLS).
 */
export function checkOriginLock(tf: TfJson): CheckResult {
  const out = new Outcome('ORIGIN-LOCK');
  const zones = zoneIds(tf);
  for (const zone of zones) {
    const settings = inZone(tf, zone, ORIGIN_PULLS);
    if (settings.length === 0) {
      out.fail(TEMPLATE, `zone ${show(zone)} has no ${ORIGIN_PULLS}; expected enabled true (Cloudflare presents its client certificate to the origins)`);
    }
    for (const setting of settings) {
      out.within(setting.address, () => {
        if (!isTrue(setting.args.enabled)) out.fail(setting.address, `enabled is ${show(setting.args.enabled)}; expected true (authenticated origin pulls)`);
      });
    }
  }
  const balancers = ofType(tf, LOAD_BALANCER);
  for (const lb of balancers) {
    out.within(lb.address, () => {
      if (!isTrue(lb.args.proxied)) {
        out.fail(lb.address, `proxied is ${show(lb.args.proxied)}; expected true (DNS answers Cloudflare's addresses, so every request passes the edge and the origins stay hidden)`);
      }
    });
  }
  return out.result(zones.length + balancers.length > 0);
}
