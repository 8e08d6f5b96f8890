import { Outcome } from '../core/outcome';
import { POLICY_FLOORS, tlsVersionsFrom } from '../../config/floors';
import { asNumber, block, isTrue, show, TEMPLATE, type TfJson } from '../core/terraform';
import type { CheckResult } from '../types';
import { inZone, requireZoneSettings, ZONE_SETTING, zoneIds, type RequiredZoneSetting } from './zone';

/**
 * The string zone settings EDGE-TLS requires and the values it accepts (the same as
 * `ZONE_HARDENING_SETTINGS` of lib/cloudflare/zone-hardening.ts; a test asserts it).
 */
export const EDGE_TLS_ZONE_SETTINGS: Readonly<Record<string, RequiredZoneSetting>> = {
  ssl: { accepted: ['strict'], why: 'Full (strict): the edge validates the origin certificate' },
  min_tls_version: { accepted: tlsVersionsFrom(), why: `TLS below ${POLICY_FLOORS.tls.minVersion} refused` },
  tls_1_3: { accepted: ['on'], why: 'TLS 1.3 offered, without 0-RTT' },
  always_use_https: { accepted: ['on'], why: 'plain HTTP redirected to HTTPS' },
  automatic_https_rewrites: { accepted: ['on'], why: 'http:// links rewritten to https://' },
};

/**
 * Control EDGE-TLS (Cloudflare): for every zone the stack configures (every `zone_id` of its
 * Cloudflare resources), a `cloudflare_zone_setting` each of
 * - `ssl` "strict", `min_tls_version` "1.2" or "1.3", `tls_1_3` "on", `always_use_https` "on",
 *   `automatic_https_rewrites` "on";
 * - `security_header` with `strict_transport_security` `enabled` true, `max_age` of at least
 *   31536000 (one year), `include_subdomains` true and `nosniff` true.
 * A missing setting fails: the zone would keep whatever the dashboard last set. Not applicable to
 * a stack without zone-scoped Cloudflare resources.
 */
export function checkEdgeTls(tf: TfJson): CheckResult {
  const out = new Outcome('EDGE-TLS');
  const zones = zoneIds(tf);
  for (const zone of zones) {
    requireZoneSettings(out, tf, zone, EDGE_TLS_ZONE_SETTINGS);
    const headers = inZone(tf, zone, ZONE_SETTING).filter((s) => s.args.setting_id === 'security_header');
    const expected = `HSTS enabled with max_age ${POLICY_FLOORS.tls.hstsMaxAgeSeconds} or more, include_subdomains and nosniff`;
    if (headers.length === 0)
      out.fail(TEMPLATE, `zone ${show(zone)} has no cloudflare_zone_setting "security_header"; expected ${expected}`);
    for (const header of headers) {
      out.within(header.address, () => {
        const hsts = block(block(header.args.value)?.strict_transport_security);
        if (!hsts) {
          out.fail(
            header.address,
            `security_header value is ${show(header.args.value)}; expected strict_transport_security with ${expected}`,
          );
          return;
        }
        if (!isTrue(hsts.enabled)) out.fail(header.address, `strict_transport_security.enabled is ${show(hsts.enabled)}; expected true`);
        const maxAge = asNumber(hsts.max_age);
        if (maxAge === undefined || maxAge < POLICY_FLOORS.tls.hstsMaxAgeSeconds) {
          out.fail(
            header.address,
            `strict_transport_security.max_age is ${show(hsts.max_age)}; expected ${POLICY_FLOORS.tls.hstsMaxAgeSeconds} (one ` +
              `year) or more`,
          );
        }
        if (!isTrue(hsts.include_subdomains))
          out.fail(header.address, `strict_transport_security.include_subdomains is ${show(hsts.include_subdomains)}; expected true`);
        if (!isTrue(hsts.nosniff))
          out.fail(
            header.address,
            `strict_transport_security.nosniff is ${show(hsts.nosniff)}; expected true (X-Content-Type-Options: nosniff)`,
          );
      });
    }
  }
  return out.result(zones.length > 0);
}
