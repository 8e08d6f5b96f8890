import type { CheckResult } from '../types';
import { meetsTlsFloor, POLICY_FLOORS } from '../../config/floors';
import { Outcome } from '../core/outcome';
import { attribute, list, ofType, refTarget, refTo, type CfnTemplate, type Res, show } from './template';

/**
 * ALB TLS policies that accept TLS 1.2 and 1.3 only with forward-secret AEAD ciphers (claims A7,
 * A14 "strong ciphers"): the restricted ("Res") TLS 1.2 policies offer only ECDHE with AES-GCM,
 * and TLS 1.3 suites are all AEAD. `ELBSecurityPolicy-TLS13-1-2-2021-06` and its PQ variant still
 * offer ECDHE-*-AES-CBC-SHA256/384, CBC suites with a record of padding-oracle attacks (Lucky
 * Thirteen), so they are not accepted.
 */
export const ALB_TLS_POLICIES: readonly string[] = [
  'ELBSecurityPolicy-TLS13-1-2-Res-2021-06',
  'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04',
  'ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-3-2021-06',
  'ELBSecurityPolicy-TLS13-1-3-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04',
  'ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09',
].filter((policy) => meetsTlsFloor(`1.${/TLS13-1-(\d)/.exec(policy)![1]}`));

/** CloudFront viewer security policies whose oldest version meets the TLS floor. */
export const CLOUDFRONT_TLS_VERSIONS: readonly string[] = ['TLSv1.2_2021', 'TLSv1.2_2025', 'TLSv1.3_2025'].filter((policy) =>
  meetsTlsFloor(policy.slice(4, 7)),
);

const DESYNC_MODES = ['defensive', 'strictest'];

/** True for an application load balancer (the default type). */
export function isApplicationLoadBalancer(lb: Res): boolean {
  return lb.props.Type === undefined || lb.props.Type === 'application';
}

/**
 * Control EDGE-TLS: HTTPS listeners use a TLS 1.2+/1.3 policy with AEAD (GCM) ciphers only, HTTP listeners only redirect to
 * HTTPS, ALBs drop invalid headers and mitigate desync; CloudFront uses TLS 1.2+, SNI, HTTPS-only
 * viewers and an HSTS response-headers policy.
 */
export function checkEdgeTls(template: CfnTemplate): CheckResult {
  const out = new Outcome('EDGE-TLS');
  const listeners = ofType(template, 'AWS::ElasticLoadBalancingV2::Listener');
  const lbs = ofType(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
  const distributions = ofType(template, 'AWS::CloudFront::Distribution');

  const rules = ofType(template, 'AWS::ElasticLoadBalancingV2::ListenerRule');
  for (const listener of listeners) {
    out.within(listener.id, () => {
      const p = listener.props;
      if (p.Protocol === 'HTTPS') {
        if (!ALB_TLS_POLICIES.includes(p.SslPolicy)) {
          out.fail(listener.id, `SslPolicy is ${show(p.SslPolicy)}; expected one of ${ALB_TLS_POLICIES.join(', ')}`);
        }
        checkListenerHsts(
          out,
          listener.id,
          attribute(p.ListenerAttributes, 'routing.http.response.strict_transport_security.header_value'),
        );
      } else if (p.Protocol === 'HTTP') {
        const actions = list(p.DefaultActions);
        if (actions.length === 0) out.fail(listener.id, 'HTTP listener has no default action; expected a redirect to HTTPS');
        for (const action of actions) checkRedirect(out, listener.id, action);
        for (const rule of rules.filter((r) => refTarget(r.props.ListenerArn) === listener.id)) {
          for (const action of list(rule.props.Actions)) checkRedirect(out, rule.id, action);
        }
      } else {
        out.fail(listener.id, `Protocol is ${show(p.Protocol)}; expected HTTPS, or HTTP that only redirects to HTTPS`);
      }
    });
  }

  for (const lb of lbs.filter(isApplicationLoadBalancer)) {
    out.within(lb.id, () => {
      const attrs = lb.props.LoadBalancerAttributes;
      const drop = attribute(attrs, 'routing.http.drop_invalid_header_fields.enabled');
      if (drop !== 'true' && drop !== true) {
        out.fail(lb.id, `attribute routing.http.drop_invalid_header_fields.enabled is ${show(drop)}; expected "true"`);
      }
      const desync = attribute(attrs, 'routing.http.desync_mitigation_mode');
      if (typeof desync !== 'string' || !DESYNC_MODES.includes(desync)) {
        out.fail(lb.id, `attribute routing.http.desync_mitigation_mode is ${show(desync)}; expected "defensive" or "strictest"`);
      }
    });
  }

  for (const d of distributions) out.within(d.id, () => checkViewerTls(out, template, d));

  return out.result(listeners.length + lbs.length + distributions.length > 0);
}

/** HSTS sent by the load balancer itself: max-age of a year or more, and includeSubDomains. */
function checkListenerHsts(out: Outcome, id: string, value: unknown): void {
  const text = typeof value === 'string' ? value : '';
  const maxAge = Number(/max-age=(\d+)/i.exec(text)?.[1] ?? NaN);
  if (!(maxAge >= POLICY_FLOORS.tls.hstsMaxAgeSeconds) || !/includeSubDomains/i.test(text)) {
    out.fail(
      id,
      `listener attribute routing.http.response.strict_transport_security.header_value is ${show(value)}; expected ` +
        `"max-age=${POLICY_FLOORS.tls.hstsMaxAgeSeconds} or more; includeSubDomains"`,
    );
  }
}

function checkRedirect(out: Outcome, id: string, action: any): void {
  const type = action?.Type;
  const redirect = action?.RedirectConfig;
  if (type !== 'redirect' || redirect?.Protocol !== 'HTTPS' || redirect?.StatusCode !== 'HTTP_301') {
    const found =
      type === 'redirect'
        ? `a redirect to Protocol ${show(redirect?.Protocol)} with StatusCode ${show(redirect?.StatusCode)}`
        : `of Type ${show(type)}`;
    out.fail(id, `HTTP listener action is ${found}; expected only a redirect to Protocol "HTTPS" with StatusCode "HTTP_301"`);
  }
}

/**
 * The viewer side of a CloudFront distribution (shared with CDN-ASSETS): TLS 1.2+ with an ACM or
 * IAM certificate over SNI, HTTPS-only behaviours, and an HSTS response-headers policy on each.
 */
export function checkViewerTls(out: Outcome, template: CfnTemplate, d: Res): void {
  const config = d.props.DistributionConfig ?? {};
  const cert = config.ViewerCertificate ?? {};
  if (!CLOUDFRONT_TLS_VERSIONS.includes(cert.MinimumProtocolVersion)) {
    out.fail(
      d.id,
      `ViewerCertificate.MinimumProtocolVersion is ${show(cert.MinimumProtocolVersion)}; expected one of ` +
        `${CLOUDFRONT_TLS_VERSIONS.join(', ')}`,
    );
  }
  if (cert.SslSupportMethod !== 'sni-only') {
    out.fail(d.id, `ViewerCertificate.SslSupportMethod is ${show(cert.SslSupportMethod)}; expected "sni-only"`);
  }
  if (cert.CloudFrontDefaultCertificate === true || (cert.AcmCertificateArn === undefined && cert.IamCertificateId === undefined)) {
    out.fail(
      d.id,
      'ViewerCertificate has no AcmCertificateArn; expected an ACM certificate (the default *.cloudfront.net certificate allows TLS 1.0)',
    );
  }
  const behaviours: Array<[string, any]> = [['DefaultCacheBehavior', config.DefaultCacheBehavior ?? {}]];
  list(config.CacheBehaviors).forEach((b, i) => {
    behaviours.push([`CacheBehaviors[${i}] (${b?.PathPattern ?? '?'})`, b ?? {}]);
  });
  for (const [where, b] of behaviours) {
    if (b.ViewerProtocolPolicy !== 'redirect-to-https' && b.ViewerProtocolPolicy !== 'https-only') {
      out.fail(d.id, `${where}.ViewerProtocolPolicy is ${show(b.ViewerProtocolPolicy)}; expected "redirect-to-https" or "https-only"`);
    }
    const policy = refTo(template, b.ResponseHeadersPolicyId, 'AWS::CloudFront::ResponseHeadersPolicy');
    if (!policy) {
      out.fail(
        d.id,
        `${where}.ResponseHeadersPolicyId is ${show(b.ResponseHeadersPolicyId)}; expected a reference to an ` +
          `AWS::CloudFront::ResponseHeadersPolicy in this template that sends HSTS`,
      );
      continue;
    }
    out.within(policy.id, () => checkHsts(out, policy));
  }
}

function checkHsts(out: Outcome, policy: Res): void {
  const hsts = policy.props.ResponseHeadersPolicyConfig?.SecurityHeadersConfig?.StrictTransportSecurity;
  if (!hsts) {
    out.fail(
      policy.id,
      `SecurityHeadersConfig.StrictTransportSecurity is absent; expected max-age >= ${POLICY_FLOORS.tls.hstsMaxAgeSeconds}, ` +
        `IncludeSubdomains and Override true`,
    );
    return;
  }
  const maxAge = typeof hsts.AccessControlMaxAgeSec === 'number' ? hsts.AccessControlMaxAgeSec : Number(hsts.AccessControlMaxAgeSec);
  if (!(maxAge >= POLICY_FLOORS.tls.hstsMaxAgeSeconds)) {
    out.fail(
      policy.id,
      `StrictTransportSecurity.AccessControlMaxAgeSec is ${show(hsts.AccessControlMaxAgeSec)}; expected at least ` +
        `${POLICY_FLOORS.tls.hstsMaxAgeSeconds} (one year)`,
    );
  }
  if (hsts.IncludeSubdomains !== true)
    out.fail(policy.id, `StrictTransportSecurity.IncludeSubdomains is ${show(hsts.IncludeSubdomains)}; expected true`);
  if (hsts.Override !== true)
    out.fail(policy.id, `StrictTransportSecurity.Override is ${show(hsts.Override)}; expected true (the origin must not weaken HSTS)`);
}
