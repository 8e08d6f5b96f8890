import { checkSeparation } from '../core/deployment';
import { Outcome } from '../core/outcome';
import type { CheckResult, Deployment } from '../types';
import { zoneIds } from './zone';

/**
 * Control ENV-SEPARATION (Cloudflare), over every environment's edge stacks (environments from the
 * stack markers): a production environment's Cloudflare account is used by no other environment
 * (the account ids its resources name), and no two environments configure the same zone. Attack:
 * staging and production on one zone share its TLS, WAF and rate-limit settings, so a change made
 * for staging (or by someone with staging access) weakens production's edge. Unchecked when a
 * stack carries no marker or names no account.
 */
export function checkCloudflareSeparation(deployment: Deployment, environment: string): CheckResult {
  const accounts = checkSeparation(deployment, environment, 'cloudflare', 'ENV-SEPARATION', { sameRegionOnly: true });
  if (accounts.status !== 'pass' && accounts.status !== 'fail') return accounts;
  const out = new Outcome('ENV-SEPARATION');
  for (const f of accounts.findings) out.fail(f.resource, f.message);
  out.carry(...accounts.evidence);
  const own = deployment.stacks.filter((s) => s.environment === environment && s.cloud === 'cloudflare');
  for (const stack of own) {
    for (const zone of zoneIds(stack.template)) {
      if (zone.includes('${')) {
        out.fail(
          `${stack.name}/(stack)`,
          `zone ${zone} is not a literal zone id; whether another environment shares it cannot be verified`,
        );
        continue;
      }
      const sharing = deployment.stacks.filter(
        (o) => o.cloud === 'cloudflare' && o.environment !== environment && zoneIds(o.template).includes(zone),
      );
      for (const other of sharing)
        out.fail(
          `${stack.name}/(stack)`,
          `zone ${zone} is also configured by environment ${other.environment} (${other.name}); give each environment its own ` +
            `zone, so one environment's edge settings never change another's`,
        );
      if (sharing.length === 0) out.carry(`${stack.name}/(zone ${zone})`);
    }
  }
  return out.result(true);
}
