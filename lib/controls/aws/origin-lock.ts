import { isCloudflareRange } from '../../config/cloudflare-ranges';
import { trustedCaProblems } from '../core/origin-pull';
import type { CheckOptions, CheckResult } from '../types';
import { Outcome, notApplicable } from '../core/outcome';
import {
  describeRule,
  ingressRules,
  list,
  ofType,
  refTarget,
  refTo,
  renderText,
  show,
  type CfnTemplate,
  type IngressRule,
  type Res,
} from './template';

const LISTENER = 'AWS::ElasticLoadBalancingV2::Listener';
const LISTENER_RULE = 'AWS::ElasticLoadBalancingV2::ListenerRule';
const TRUST_STORE = 'AWS::ElasticLoadBalancingV2::TrustStore';

/**
 * The content a custom resource of this template writes to `bucket`/`key` with S3 putObject (how
 * OriginTrustStore fills the trust store's bucket), or undefined when none does.
 */
function objectWritten(template: CfnTemplate, bucketId: string, key: unknown): string | undefined {
  for (const res of Object.entries(template.Resources ?? {})) {
    const [, body] = res;
    if (!(typeof body?.Type === 'string' && (body.Type.startsWith('Custom::') || body.Type === 'AWS::CloudFormation::CustomResource')))
      continue;
    for (const phase of ['Create', 'Update']) {
      let call: any;
      try {
        call = JSON.parse(renderText(body.Properties?.[phase]));
      } catch {
        continue;
      }
      const params = call?.parameters;
      if (
        String(call?.service).toLowerCase() === 's3' &&
        /^putobject$/i.test(String(call?.action)) &&
        params?.Bucket === `\${${bucketId}}` &&
        params?.Key === key &&
        typeof params?.Body === 'string'
      ) {
        return params.Body;
      }
    }
  }
  return undefined;
}

/** ORIGIN-LOCK findings of one HTTPS listener: mutual TLS against the zone's CA, and host binding. */
function checkHttpsListener(out: Outcome, template: CfnTemplate, lb: Res, listener: Res, options: CheckOptions): void {
  const where = `HTTPS listener ${listener.id} (of internet-facing ${lb.id})`;
  const mtls = listener.props.MutualAuthentication;
  if (mtls?.Mode !== 'verify') {
    out.fail(
      listener.id,
      `${where} has MutualAuthentication.Mode ${show(mtls?.Mode)}; expected "verify": without a client certificate from this ` +
        `zone's CA, any Cloudflare customer's zone (or anyone inside Cloudflare's ranges) reaches the origin and skips this ` +
        `zone's WAF and rate limits`,
    );
  } else {
    if (mtls.IgnoreClientCertificateExpiry === true || mtls.IgnoreClientCertificateExpiry === 'true')
      out.fail(listener.id, `${where} ignores client certificate expiry; expected IgnoreClientCertificateExpiry false`);
    const store = refTo(template, mtls.TrustStoreArn, TRUST_STORE);
    if (!store) {
      out.fail(
        listener.id,
        `${where} verifies against TrustStoreArn ${show(mtls.TrustStoreArn)}; expected a ${TRUST_STORE} of this template, ` +
          `whose CA bundle can be checked`,
      );
    } else {
      out.within(store.id, () => {
        const bucket = refTarget(store.props.CaCertificatesBundleS3Bucket);
        const bundle = bucket ? objectWritten(template, bucket, store.props.CaCertificatesBundleS3Key) : undefined;
        if (bundle === undefined) {
          out.fail(
            store.id,
            `reads its CA bundle from ${show(store.props.CaCertificatesBundleS3Bucket)}/` +
              `${show(store.props.CaCertificatesBundleS3Key)}, which no resource of this template writes; expected a bucket of ` +
              `this stack holding the zone's CA, written by the stack`,
          );
        } else {
          for (const problem of trustedCaProblems([bundle], options.originPullCaCertificates)) out.fail(store.id, `${problem}`);
        }
      });
    }
  }
  // Host binding: the default answers every unserved Host with a fixed 403, and whatever forwards
  // is bound to named hosts.
  const defaults = list(listener.props.DefaultActions);
  const fixed403 =
    defaults.length > 0 && defaults.every((a) => a?.Type === 'fixed-response' && String(a?.FixedResponseConfig?.StatusCode) === '403');
  if (!fixed403) {
    out.fail(
      listener.id,
      `${where} answers an unmatched Host with ${show(defaults.map((a) => a?.Type))}; expected a fixed-response 403, so ` +
        `requests for names this deployment does not serve never reach the app`,
    );
  }
  for (const rule of ofType(template, LISTENER_RULE).filter((r) => refTarget(r.props.ListenerArn) === listener.id)) {
    out.within(rule.id, () => {
      const forwards = list(rule.props.Actions).some(
        (a) => a?.Type === 'forward' || a?.Type === 'authenticate-oidc' || a?.Type === 'authenticate-cognito',
      );
      if (!forwards) return;
      const hosts = list(rule.props.Conditions)
        .filter((c) => c?.Field === 'host-header')
        .flatMap((c) => [...list(c?.HostHeaderConfig?.Values), ...list(c?.Values)]);
      if (hosts.length === 0) {
        out.fail(rule.id, `forwards to the app without a host-header condition; expected the served hostnames only (host binding)`);
        return;
      }
      for (const host of hosts) {
        if (typeof host !== 'string' || /[*?]/.test(host))
          out.fail(rule.id, `forwards Host ${show(host)}; expected literal hostnames without wildcards`);
        else if (options.originHostnames && !options.originHostnames.includes(host.toLowerCase())) {
          out.fail(
            rule.id,
            `forwards Host ${show(host)}, which is not a hostname of the zone (${options.originHostnames.join(', ')}); expected only those`,
          );
        }
      }
    });
  }
}

/** True when the rule's source is a literal range inside Cloudflare's published ranges. */
function fromCloudflare(rule: IngressRule): boolean {
  if (rule.prefixList !== undefined || rule.sourceGroup !== undefined) return false;
  if (rule.cidrIp !== undefined) return typeof rule.cidrIp === 'string' && isCloudflareRange(rule.cidrIp);
  return typeof rule.cidrIpv6 === 'string' && isCloudflareRange(rule.cidrIpv6);
}

/**
 * Whether the template itself shows `lb` locked to the edge: its security groups admit only
 * Cloudflare's ranges and every HTTPS listener verifies client certificates. Then a header the
 * edge sets (CF-Connecting-IP) is trustworthy, which the WAF-RATE checks need to know when no
 * config says so (baseline-check without --config).
 */
export function isLockedToEdge(template: CfnTemplate, lbId: string): boolean {
  const lb = template.Resources?.[lbId];
  if (lb?.Type !== 'AWS::ElasticLoadBalancingV2::LoadBalancer') return false;
  const groups = list(lb.Properties?.SecurityGroups).map((s) => refTarget(s) ?? show(s));
  const rules = ingressRules(template).filter((r) => groups.includes(r.group));
  const https = ofType(template, LISTENER).filter((l) => refTarget(l.props.LoadBalancerArn) === lbId && l.props.Protocol === 'HTTPS');
  return (
    groups.length > 0 &&
    rules.length > 0 &&
    rules.every(fromCloudflare) &&
    https.length > 0 &&
    https.every((l) => l.props.MutualAuthentication?.Mode === 'verify')
  );
}

/**
 * Control ORIGIN-LOCK (AWS), when the environment is fronted by Cloudflare with origin lock
 * (`originLocked`; otherwise not applicable). For every internet-facing
 * `AWS::ElasticLoadBalancingV2::LoadBalancer` (Scheme absent or "internet-facing"):
 * - every security group admits traffic, on any port, only from literal CidrIp/CidrIpv6 ranges
 *   inside Cloudflare's published ranges (lib/config/cloudflare-ranges.ts): never 0.0.0.0/0, ::/0,
 *   another CIDR, a prefix list or a security group; no security group at all fails;
 * - every HTTPS listener runs mutual TLS in `verify` mode (client certificate expiry enforced)
 *   against a TrustStore of the template whose CA bundle the template writes into its own bucket:
 *   every certificate in it a CA, none Cloudflare's shared origin-pull CA (which every Cloudflare
 *   zone presents) and, with `originPullCaCertificates`, exactly those CAs;
 * - every HTTPS listener binds hosts: its default action is a fixed 403, and every rule that
 *   forwards has a host-header condition of literal names (with `originHostnames`, only those);
 * - every other listener only redirects (a plain-HTTP listener that forwards skips mutual TLS).
 * Checked from the attacker's side: another zone's requests, direct connections from inside
 * Cloudflare's ranges, and requests under another Host all fail here.
 */
export function checkOriginLock(template: CfnTemplate, options: CheckOptions = {}): CheckResult {
  if (!options.originLocked) return notApplicable('ORIGIN-LOCK');
  const out = new Outcome('ORIGIN-LOCK');
  const lbs = ofType(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer').filter(
    (lb) => (lb.props.Scheme ?? 'internet-facing') === 'internet-facing',
  );
  const rules = ingressRules(template);
  for (const lb of lbs) {
    out.within(lb.id, () => {
      const groups = list(lb.props.SecurityGroups).map((s) => refTarget(s) ?? show(s));
      if (groups.length === 0)
        out.fail(lb.id, "an internet-facing load balancer has no SecurityGroups; expected a group admitting only Cloudflare's ranges");
      for (const group of groups) {
        out.within(group, () => {
          for (const rule of rules.filter((r) => r.group === group)) {
            if (fromCloudflare(rule)) out.carry(rule.declaredBy);
            else
              out.fail(
                rule.declaredBy,
                `${group} (of internet-facing ${lb.id}) admits ${describeRule(rule)}; expected only Cloudflare's published ` +
                  `ranges (lib/config/cloudflare-ranges.ts), so nobody bypasses the edge's WAF and rate limits`,
              );
          }
        });
      }
      const listeners = ofType(template, LISTENER).filter((l) => refTarget(l.props.LoadBalancerArn) === lb.id);
      for (const listener of listeners) {
        out.within(listener.id, () => {
          if (listener.props.Protocol === 'HTTPS') {
            checkHttpsListener(out, template, lb, listener, options);
          } else if (
            !list(listener.props.DefaultActions).every((a) => a?.Type === 'redirect') ||
            ofType(template, LISTENER_RULE).some((r) => refTarget(r.props.ListenerArn) === listener.id)
          ) {
            out.fail(
              listener.id,
              `${show(listener.props.Protocol)} listener ${listener.id} (of internet-facing ${lb.id}) does more than ` +
                `redirect; expected only a redirect to HTTPS, since only the HTTPS listener verifies the zone's client ` +
                `certificate`,
            );
          }
        });
      }
    });
  }
  return out.result(lbs.length > 0);
}
