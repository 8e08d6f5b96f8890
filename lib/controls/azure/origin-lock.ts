import { isCloudflareRange } from '../../config/cloudflare-ranges';
import { Outcome, notApplicable } from '../aws/result';
import type { CheckOptions, CheckResult } from '../types';
import { applicationGateways } from './edge';
import { nsgRules, tiers } from './network';
import { blocks, refTo, show, type TfJson } from './terraform';

/**
 * Azure platform sources a gateway subnet must admit for the service to work (health probes,
 * gateway management on 65200-65535); they carry no client traffic.
 */
export const AZURE_GATEWAY_PLATFORM_SOURCES: readonly string[] = ['AzureLoadBalancer', 'GatewayManager'];

function fromEdgeOrPlatform(source: string): boolean {
  return AZURE_GATEWAY_PLATFORM_SOURCES.some((tag) => tag.toLowerCase() === source.trim().toLowerCase()) || isCloudflareRange(source.trim());
}

/**
 * Control ORIGIN-LOCK (Azure), when the environment is fronted by Cloudflare with origin lock
 * (`originLocked`; otherwise not applicable): the NSG of every subnet holding an
 * `azurerm_application_gateway` admits inbound (Allow rules, inline or separate, any port) only
 * from ranges inside Cloudflare's published ranges (lib/config/cloudflare-ranges.ts), apart from
 * the platform tags AzureLoadBalancer and GatewayManager: never `Internet`, `*`, `Any`, a /0,
 * another CIDR or tag. A gateway subnet without an NSG, or not in the stack, fails.
 */
export function checkOriginLock(tf: TfJson, options: CheckOptions = {}): CheckResult {
  if (!options.originLocked) return notApplicable('ORIGIN-LOCK');
  const out = new Outcome('ORIGIN-LOCK');
  const gateways = applicationGateways(tf);
  const t = tiers(tf);
  const rules = nsgRules(tf);
  for (const gw of gateways) {
    out.within(gw.address, () => {
      for (const config of blocks(gw.args.gateway_ip_configuration)) {
        const subnet = refTo(tf, config?.subnet_id, 'azurerm_subnet');
        if (!subnet) {
          out.fail(gw.address, `gateway_ip_configuration ${show(config?.name)} has subnet_id ${show(config?.subnet_id)}; expected a subnet of this stack, whose NSG can be checked`);
          continue;
        }
        const nsg = t.nsgOf.get(subnet.address);
        if (!nsg) {
          out.fail(gw.address, `subnet ${show(subnet.args.name)} of the gateway has no network security group association; expected an NSG admitting only Cloudflare's ranges`);
          continue;
        }
        out.within(nsg, () => {
          for (const rule of rules.filter((r) => r.nsg === nsg && r.direction === 'Inbound' && r.access === 'Allow')) {
            const others = rule.sources.filter((s) => !fromEdgeOrPlatform(s));
            if (others.length > 0 || rule.sources.length === 0) {
              out.fail(
                rule.declaredBy,
                `${nsg} (of gateway ${gw.address}) admits ${show(rule.name)} (${rule.protocol} ${rule.ports.join(',') || '?'}) from ${others.join(', ') || 'no source'}; expected only Cloudflare's published ranges (lib/config/cloudflare-ranges.ts) and the AzureLoadBalancer/GatewayManager tags, so nobody bypasses the edge's WAF and rate limits`,
              );
            }
          }
        });
      }
    });
  }
  return out.result(gateways.length > 0);
}
