import { Outcome } from '../core/outcome';
import { POLICY_FLOORS, tlsVersionsFrom } from '../../config/floors';
import type { CheckResult } from '../types';
import { block, blocks, ofType, show, type TfJson, type TfRes } from '../core/terraform';

/** Predefined Application Gateway TLS policies with TLS 1.2 as the floor (and TLS 1.3 offered). */
export const AZURE_TLS12_PREDEFINED_POLICIES = ['AppGwSslPolicy20220101S', 'AppGwSslPolicy20220101'] as const;
/** Minimum protocol versions a custom gateway TLS policy may name: the TLS floor and newer. */
export const AZURE_TLS12_MIN_PROTOCOLS: readonly string[] = tlsVersionsFrom().map((v) => `TLSv${v.replace('.', '_')}`);

/** Application gateways of the stack. */
export function applicationGateways(tf: TfJson): TfRes[] {
  return ofType(tf, 'azurerm_application_gateway');
}

/**
 * Control EDGE-TLS (Azure): every `azurerm_application_gateway`
 * - has `ssl_policy` Predefined `AppGwSslPolicy20220101S` (or `AppGwSslPolicy20220101`), or a
 *   Custom/CustomV2 policy whose `min_protocol_version` is TLSv1_2 or TLSv1_3;
 * - routes every `Http` listener only through rules whose `redirect_configuration_name` names a
 *   redirect to an `Https` listener (or to an `https://` URL);
 * - adds `Strict-Transport-Security` (max-age of a year or more, includeSubDomains) through a
 *   rewrite rule set attached to every rule that serves an `Https` listener.
 */
export function checkEdgeTls(tf: TfJson): CheckResult {
  const out = new Outcome('EDGE-TLS');
  const gateways = applicationGateways(tf);
  for (const gw of gateways) {
    out.within(gw.address, () => {
      checkSslPolicy(out, gw);
      const listeners = blocks(gw.args.http_listener);
      const protocolOf = (name: unknown) => listeners.find((l) => l?.name === name)?.protocol;
      const redirects = blocks(gw.args.redirect_configuration);
      const rules = blocks(gw.args.request_routing_rule);
      const rewriteSets = blocks(gw.args.rewrite_rule_set);

      for (const listener of listeners.filter((l) => l?.protocol === 'Http')) {
        for (const rule of rules.filter((r) => r?.http_listener_name === listener.name)) {
          const redirect = redirects.find((r) => r?.name === rule.redirect_configuration_name);
          const where = `request_routing_rule ${show(rule.name)} on Http listener ${show(listener.name)}`;
          if (!redirect) {
            out.fail(
              gw.address,
              `${where} has redirect_configuration_name ${show(rule.redirect_configuration_name)}; expected a redirect ` +
                `configuration to an Https listener`,
            );
          } else if (
            !(
              protocolOf(redirect.target_listener_name) === 'Https' ||
              (typeof redirect.target_url === 'string' && /^https:\/\//i.test(redirect.target_url))
            )
          ) {
            out.fail(
              gw.address,
              `${where} redirects to ` +
                (redirect.target_listener_name !== undefined
                  ? `listener ${show(redirect.target_listener_name)} (${show(protocolOf(redirect.target_listener_name))})`
                  : `URL ${show(redirect.target_url)}`) +
                '; expected an Https listener',
            );
          }
        }
      }

      const httpsRules = rules.filter((r) => protocolOf(r?.http_listener_name) === 'Https' && r?.redirect_configuration_name === undefined);
      if (listeners.some((l) => l?.protocol === 'Https') && httpsRules.length === 0) {
        out.fail(gw.address, 'no request_routing_rule serves an Https listener; expected HTTPS rules carrying the HSTS rewrite set');
      }
      for (const rule of httpsRules) {
        const set = rewriteSets.find((s) => s?.name === rule.rewrite_rule_set_name);
        const hsts = set ? hstsValue(set) : undefined;
        if (!set) {
          out.fail(
            gw.address,
            `request_routing_rule ${show(rule.name)} has rewrite_rule_set_name ${show(rule.rewrite_rule_set_name)}; expected ` +
              `a rewrite rule set adding Strict-Transport-Security`,
          );
        } else if (hsts === undefined) {
          out.fail(
            gw.address,
            `rewrite_rule_set ${show(set.name)} (used by ${show(rule.name)}) sets no Strict-Transport-Security response ` +
              `header; expected "max-age=${POLICY_FLOORS.tls.hstsMaxAgeSeconds}; includeSubDomains" or longer`,
          );
        } else {
          const maxAge = Number(/max-age=(\d+)/i.exec(hsts)?.[1] ?? NaN);
          if (!(maxAge >= POLICY_FLOORS.tls.hstsMaxAgeSeconds) || !/includeSubDomains/i.test(hsts)) {
            out.fail(
              gw.address,
              `rewrite_rule_set ${show(set.name)} Strict-Transport-Security is ${show(hsts)}; expected max-age of ` +
                `${POLICY_FLOORS.tls.hstsMaxAgeSeconds} or more and includeSubDomains`,
            );
          }
        }
      }
    });
  }
  return out.result(gateways.length > 0);
}

function checkSslPolicy(out: Outcome, gw: TfRes): void {
  const policy = block(gw.args.ssl_policy);
  if (!policy) {
    out.fail(
      gw.address,
      `ssl_policy is absent (the service default may allow TLS 1.0/1.1); expected policy_type "Predefined" with policy_name ` +
        `${show(AZURE_TLS12_PREDEFINED_POLICIES[0])}`,
    );
    return;
  }
  const type = policy.policy_type ?? (policy.policy_name !== undefined ? 'Predefined' : undefined);
  if (type === 'Predefined') {
    if (!(AZURE_TLS12_PREDEFINED_POLICIES as readonly string[]).includes(policy.policy_name)) {
      out.fail(
        gw.address,
        `ssl_policy.policy_name is ${show(policy.policy_name)}; expected one of ${AZURE_TLS12_PREDEFINED_POLICIES.join(', ')} (TLS 1.2+)`,
      );
    }
  } else if (type === 'Custom' || type === 'CustomV2') {
    if (!(AZURE_TLS12_MIN_PROTOCOLS as readonly string[]).includes(policy.min_protocol_version)) {
      out.fail(gw.address, `ssl_policy.min_protocol_version is ${show(policy.min_protocol_version)}; expected "TLSv1_2" or "TLSv1_3"`);
    }
  } else {
    out.fail(
      gw.address,
      `ssl_policy.policy_type is ${show(policy.policy_type)}; expected "Predefined" ` +
        `${show(AZURE_TLS12_PREDEFINED_POLICIES[0])} or a custom policy with min_protocol_version TLSv1_2`,
    );
  }
  if (blocks(policy.disabled_protocols).length > 0 && type === undefined) {
    out.fail(gw.address, `ssl_policy sets only disabled_protocols ${show(policy.disabled_protocols)}; expected a TLS 1.2+ policy`);
  }
}

function hstsValue(set: any): string | undefined {
  for (const rule of blocks(set.rewrite_rule)) {
    for (const header of blocks(rule?.response_header_configuration)) {
      if (typeof header?.header_name === 'string' && header.header_name.toLowerCase() === 'strict-transport-security')
        return String(header.header_value ?? '');
    }
  }
  return undefined;
}
