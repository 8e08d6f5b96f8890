import { Outcome } from '../core/outcome';
import { ofType, show, type TfJson } from '../core/terraform';
import type { CheckResult } from '../types';
import { EDGE_TLS_ZONE_SETTINGS } from './edge-tls';
import { requireZoneSettings, zoneIds } from './zone';

/** The zone settings that carry ENC-TRANSIT at the edge: TLS 1.2+ from clients, validated TLS to the origins. */
export const ENC_TRANSIT_ZONE_SETTINGS = {
  ssl: EDGE_TLS_ZONE_SETTINGS.ssl,
  min_tls_version: EDGE_TLS_ZONE_SETTINGS.min_tls_version,
} as const;

/**
 * Control ENC-TRANSIT (Cloudflare): the edge decrypts every request, so the hop from the edge to
 * the origin is where a plaintext or unauthenticated connection would hide. Attack: with SSL mode
 * "flexible" (or "full" without certificate validation) the edge talks HTTP (or TLS to any
 * certificate) to the origin, and anyone on the path reads or impersonates it. Every zone the
 * stack configures needs `ssl` "strict" and `min_tls_version` "1.2" or "1.3"; every load-balancer
 * monitor probes over HTTPS (a plain-HTTP health check would need the origin to answer HTTP).
 * Not applicable to a stack without zone-scoped resources or monitors.
 */
export function checkEncTransit(tf: TfJson): CheckResult {
  const out = new Outcome('ENC-TRANSIT');
  const zones = zoneIds(tf);
  for (const zone of zones) requireZoneSettings(out, tf, zone, ENC_TRANSIT_ZONE_SETTINGS);
  const monitors = ofType(tf, 'cloudflare_load_balancer_monitor');
  for (const monitor of monitors) {
    out.within(monitor.address, () => {
      if (monitor.args.type !== 'https')
        out.fail(
          monitor.address,
          `type is ${show(monitor.args.type)}; expected "https" (the health check reaches the origin over TLS like the ` +
            `traffic it stands for)`,
        );
    });
  }
  return out.result(zones.length > 0 || monitors.length > 0);
}
