import { isCloudflareRange } from '../../config/cloudflare-ranges';
import { Outcome, notApplicable } from '../core/outcome';
import { trustedCaProblems } from '../core/origin-pull';
import type { CheckOptions, CheckResult } from '../types';
import { applicationGateways } from './edge';
import { nsgRules, tiers } from './network';
import { blocks, isFalse, isTrue, refTo, show, type TfJson, type TfRes } from '../core/terraform';

/** The WAF rule that answers requests for other hosts with a 403 (host binding). */
function hostRuleBlocks(tf: TfJson, gw: TfRes, hosts: readonly string[]): boolean {
  const policy = refTo(tf, gw.args.firewall_policy_id, 'azurerm_web_application_firewall_policy');
  return blocks(policy?.args.custom_rules).some((rule) => {
    if (!rule || isFalse(rule.enabled) || rule.rule_type !== 'MatchRule' || rule.action !== 'Block') return false;
    const conditions = blocks(rule.match_conditions);
    if (conditions.length !== 1) return false;
    const c = conditions[0];
    const onHost =
      blocks(c?.match_variables).length > 0 &&
      blocks(c.match_variables).every((v) => v?.variable_name === 'RequestHeaders' && String(v?.selector).toLowerCase() === 'host');
    const values = blocks(c?.match_values).map((v) => String(v).toLowerCase());
    return (
      onHost &&
      isTrue(c.negation_condition) &&
      c.operator === 'Equal' &&
      values.length === hosts.length &&
      hosts.every((h) => values.includes(h.toLowerCase()))
    );
  });
}

/**
 * ORIGIN-LOCK findings of one gateway's listeners: every HTTPS listener requires a client
 * certificate of the zone's CA (SSL profile with trusted client certificates), and only
 * host-bound listeners route to the app, the rest only redirect, with the WAF refusing their hosts.
 */
function checkListeners(out: Outcome, tf: TfJson, gw: TfRes, options: CheckOptions): void {
  const listeners = blocks(gw.args.http_listener);
  const rules = blocks(gw.args.request_routing_rule);
  const profiles = blocks(gw.args.ssl_profile);
  const trusted = blocks(gw.args.trusted_client_certificate);
  const bound = new Set<string>();
  for (const listener of listeners.filter((l) => l?.protocol === 'Https')) {
    const where = `HTTPS listener ${show(listener.name)}`;
    const profile = profiles.find((p) => p?.name === listener.ssl_profile_name);
    if (!profile) {
      out.fail(
        gw.address,
        `${where} has ssl_profile_name ${show(listener.ssl_profile_name)}; expected an SSL profile requiring a client ` +
          `certificate of this zone's CA: without it any Cloudflare customer's zone (or anyone inside Cloudflare's ranges) ` +
          `reaches the origin and skips this zone's WAF and rate limits`,
      );
    } else {
      const names = blocks(profile.trusted_client_certificate_names);
      const missing = names.filter((n) => !trusted.some((t) => t?.name === n));
      if (names.length === 0 || missing.length > 0) {
        out.fail(
          gw.address,
          `${where} uses ssl_profile ${show(profile.name)} whose trusted_client_certificate_names are ${show(names)}; ` +
            `expected the zone's CA among the gateway's trusted_client_certificate blocks`,
        );
      } else {
        const pems = names.map((n) => {
          const data = trusted.find((t) => t?.name === n)?.data;
          return typeof data === 'string' ? Buffer.from(data, 'base64').toString('utf8') : '';
        });
        for (const problem of trustedCaProblems(pems, options.originPullCaCertificates))
          out.fail(gw.address, `${where} (ssl_profile ${show(profile.name)}) ${problem}`);
      }
    }
    const hostNames = [...blocks(listener.host_names), ...(typeof listener.host_name === 'string' ? [listener.host_name] : [])];
    const routes = rules.filter((r) => r?.http_listener_name === listener.name);
    const toApp = routes.some((r) => r?.backend_address_pool_name !== undefined || r?.url_path_map_name !== undefined);
    if (hostNames.length === 0) {
      if (toApp)
        out.fail(
          gw.address,
          `${where} answers every host name and routes to a backend pool; expected host_names (the zone's hostnames), with ` +
            `other names only redirected and refused by the WAF`,
        );
      continue;
    }
    for (const host of hostNames) {
      if (typeof host !== 'string' || host.includes('*'))
        out.fail(gw.address, `${where} answers host ${show(host)}; expected literal hostnames without wildcards`);
      else if (options.originHostnames && !options.originHostnames.includes(host.toLowerCase()))
        out.fail(
          gw.address,
          `${where} answers host ${show(host)}, which is not a hostname of the zone (${options.originHostnames.join(', ')}); ` +
            `expected only those`,
        );
      else bound.add(host.toLowerCase());
    }
  }
  if (bound.size > 0 && !hostRuleBlocks(tf, gw, [...bound])) {
    out.fail(
      gw.address,
      `its WAF policy has no enabled Block rule for a Host other than ${show([...bound])} (RequestHeaders Host, negated ` +
        `Equal); expected one, so a request for any other name gets a fixed 403`,
    );
  }
}

/**
 * Azure platform sources a gateway subnet must admit for the service to work (health probes,
 * gateway management on 65200-65535); they carry no client traffic.
 */
export const AZURE_GATEWAY_PLATFORM_SOURCES: readonly string[] = ['AzureLoadBalancer', 'GatewayManager'];

function fromEdgeOrPlatform(source: string): boolean {
  return (
    AZURE_GATEWAY_PLATFORM_SOURCES.some((tag) => tag.toLowerCase() === source.trim().toLowerCase()) || isCloudflareRange(source.trim())
  );
}

/**
 * Whether the stack itself shows `gw` locked to the edge: its subnet's NSG admits only Cloudflare's
 * ranges (and the platform tags) and every HTTPS listener requires a client certificate. The
 * WAF-RATE checks use it when no config says the environment is fronted.
 */
export function isGatewayLockedToEdge(tf: TfJson, gw: TfRes): boolean {
  const t = tiers(tf);
  const rules = nsgRules(tf);
  const configs = blocks(gw.args.gateway_ip_configuration);
  const nsgs = configs.map((c) => {
    const subnet = refTo(tf, c?.subnet_id, 'azurerm_subnet');
    return subnet ? t.nsgOf.get(subnet.address) : undefined;
  });
  if (nsgs.length === 0 || nsgs.some((n) => n === undefined)) return false;
  const inbound = rules.filter((r) => nsgs.includes(r.nsg) && r.direction === 'Inbound' && r.access === 'Allow');
  const edgeOnly = inbound.every((r) => r.sources.length > 0 && r.sources.every(fromEdgeOrPlatform));
  const https = blocks(gw.args.http_listener).filter((l) => l?.protocol === 'Https');
  const profiles = blocks(gw.args.ssl_profile);
  const mtls =
    https.length > 0 &&
    https.every((l) => blocks(profiles.find((p) => p?.name === l.ssl_profile_name)?.trusted_client_certificate_names).length > 0);
  return edgeOnly && mtls;
}

/**
 * Control ORIGIN-LOCK (Azure), when the environment is fronted by Cloudflare with origin lock
 * (`originLocked`; otherwise not applicable). For every `azurerm_application_gateway`:
 * - the NSG of its subnet admits inbound (Allow rules, inline or separate, any port) only from
 *   ranges inside Cloudflare's published ranges (lib/config/cloudflare-ranges.ts), apart from the
 *   platform tags AzureLoadBalancer and GatewayManager: never `Internet`, `*`, `Any`, a /0, another
 *   CIDR or tag; a gateway subnet without an NSG, or not in the stack, fails;
 * - every HTTPS listener has an SSL profile whose trusted client certificates are CAs, none of
 *   them Cloudflare's shared origin-pull CA (which every Cloudflare zone presents) and, with
 *   `originPullCaCertificates`, exactly those CAs;
 * - host binding: an HTTPS listener routing to a backend pool names its hosts (literal names;
 *   with `originHostnames`, only those), one without host names only redirects, and the gateway's
 *   WAF policy blocks every other Host with a 403.
 */
export function checkOriginLock(tf: TfJson, options: CheckOptions = {}): CheckResult {
  if (!options.originLocked) return notApplicable('ORIGIN-LOCK');
  const out = new Outcome('ORIGIN-LOCK');
  const gateways = applicationGateways(tf);
  const t = tiers(tf);
  const rules = nsgRules(tf);
  for (const gw of gateways) {
    out.within(gw.address, () => {
      checkListeners(out, tf, gw, options);
      for (const config of blocks(gw.args.gateway_ip_configuration)) {
        const subnet = refTo(tf, config?.subnet_id, 'azurerm_subnet');
        if (!subnet) {
          out.fail(
            gw.address,
            `gateway_ip_configuration ${show(config?.name)} has subnet_id ${show(config?.subnet_id)}; expected a subnet of ` +
              `this stack, whose NSG can be checked`,
          );
          continue;
        }
        const nsg = t.nsgOf.get(subnet.address);
        if (!nsg) {
          out.fail(
            gw.address,
            `subnet ${show(subnet.args.name)} of the gateway has no network security group association; expected an NSG ` +
              `admitting only Cloudflare's ranges`,
          );
          continue;
        }
        out.within(nsg, () => {
          for (const rule of rules.filter((r) => r.nsg === nsg && r.direction === 'Inbound' && r.access === 'Allow')) {
            const others = rule.sources.filter((s) => !fromEdgeOrPlatform(s));
            if (others.length > 0 || rule.sources.length === 0) {
              out.fail(
                rule.declaredBy,
                `${nsg} (of gateway ${gw.address}) admits ${show(rule.name)} (${rule.protocol} ` +
                  `${rule.ports.join(',') || '?'}) from ${others.join(', ') || 'no source'}; expected only Cloudflare's ` +
                  `published ranges (lib/config/cloudflare-ranges.ts) and the AzureLoadBalancer/GatewayManager tags, so nobody ` +
                  `bypasses the edge's WAF and rate limits`,
              );
            }
          }
        });
      }
    });
  }
  return out.result(gateways.length > 0);
}
