import { CLOUDFLARE_ALERT_TYPES, SECURITY_EVENTS_ALERT_PLANS } from '../../../lib/cloudflare/edge-alerts';
import { CLOUDFLARE_MANAGED_RULESETS, OWASP_ANOMALY_SCORE_RULE_ID } from '../../../lib/cloudflare/edge-waf';
import { ZONE_HARDENING_SETTINGS, ZONE_HSTS_MAX_AGE_SECONDS } from '../../../lib/cloudflare/zone-hardening';
import { POLICY_FLOORS } from '../../../lib/config/floors';
import { EDGE_TLS_ZONE_SETTINGS } from '../../../lib/controls/cloudflare/edge-tls';
import {
  CLOUDFLARE_ALERT_TYPE_IDS,
  CLOUDFLARE_MANAGED_RULESET_IDS,
  OWASP_ANOMALY_RULE_ID,
  SECURITY_EVENTS_ALERT_PLAN_IDS,
} from '../../../lib/controls/cloudflare/ids';
import { WAF_REPUTATION_ZONE_SETTINGS } from '../../../lib/controls/cloudflare/waf';

// The checks restate a few constants of the constructs (whose files load the cdktf bindings);
// these tests keep the two copies equal.
describe('Cloudflare check constants', () => {
  it('name the managed rulesets and the OWASP anomaly rule EdgeWaf deploys', () => {
    expect(CLOUDFLARE_MANAGED_RULESET_IDS).toEqual(CLOUDFLARE_MANAGED_RULESETS);
    expect(OWASP_ANOMALY_RULE_ID).toBe(OWASP_ANOMALY_SCORE_RULE_ID);
  });

  it('require exactly the zone settings and values ZoneHardening writes', () => {
    const required = { ...EDGE_TLS_ZONE_SETTINGS, ...WAF_REPUTATION_ZONE_SETTINGS };
    const written = ZONE_HARDENING_SETTINGS.filter((s) => 'accepted' in s);
    expect(Object.fromEntries(Object.entries(required).map(([id, s]) => [id, [...s.accepted]]))).toEqual(
      Object.fromEntries(written.map((s) => [s.settingId, [...s.accepted]])),
    );
    for (const s of written)
      expect(s.settingId in (s.control === 'EDGE-TLS' ? EDGE_TLS_ZONE_SETTINGS : WAF_REPUTATION_ZONE_SETTINGS)).toBe(true);
    expect(ZONE_HSTS_MAX_AGE_SECONDS.min).toBe(POLICY_FLOORS.tls.hstsMaxAgeSeconds);
  });

  it('name the notification alert types EdgeAlerts creates, and the plans offering the Security Events Alert', () => {
    expect(CLOUDFLARE_ALERT_TYPE_IDS).toEqual(CLOUDFLARE_ALERT_TYPES);
    expect(SECURITY_EVENTS_ALERT_PLAN_IDS).toEqual(SECURITY_EVENTS_ALERT_PLANS);
  });
});
