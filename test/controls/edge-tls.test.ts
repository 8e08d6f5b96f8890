import { checkEdgeTls } from '../../lib/controls/aws/edge-tls';
import { edgeTemplate, primaryTemplate } from './fixtures/aws-templates';
import { expectFinding, expectNotApplicable, expectPass, props, weakened } from './support';

const attr = (t: any, key: string) => props(t, 'Gateway').LoadBalancerAttributes.find((a: any) => a.Key === key);
const distribution = (t: any) => props(t, 'Cdn').DistributionConfig;
const hsts = (t: any) => props(t, 'CdnSecurityHeaders').ResponseHeadersPolicyConfig.SecurityHeadersConfig.StrictTransportSecurity;

describe('EDGE-TLS (AWS)', () => {
  it('passes HTTPS with a TLS 1.3 policy, HTTP redirects, hardened ALB and CloudFront with HSTS', () => {
    const result = checkEdgeTls(primaryTemplate());
    expectPass(result);
    expect(result.evidence).toEqual(expect.arrayContaining(['GatewayHttps', 'GatewayHttp', 'Gateway', 'Cdn', 'CdnSecurityHeaders']));
  });

  it('accepts every listed TLS 1.2+/1.3 policy and each CloudFront TLS 1.2+ version', () => {
    for (const policy of ['ELBSecurityPolicy-TLS13-1-3-2021-06', 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09']) {
      expectPass(checkEdgeTls(weakened((t) => (props(t, 'GatewayHttps').SslPolicy = policy))));
    }
    for (const version of ['TLSv1.2_2025', 'TLSv1.3_2025']) {
      expectPass(checkEdgeTls(weakened((t) => (distribution(t).ViewerCertificate.MinimumProtocolVersion = version))));
    }
  });

  it('is not applicable without listeners, load balancers or distributions', () => {
    expectNotApplicable(checkEdgeTls(edgeTemplate()));
  });

  it.each<[string, (t: any) => void, string, RegExp]>([
    [
      'an older TLS policy',
      (t) => (props(t, 'GatewayHttps').SslPolicy = 'ELBSecurityPolicy-2016-08'),
      'GatewayHttps',
      /SslPolicy is "ELBSecurityPolicy-2016-08"; expected one of ELBSecurityPolicy-TLS13-1-2-Res-2021-06/,
    ],
    [
      'a TLS 1.3/1.2 policy that still offers CBC suites',
      (t) => (props(t, 'GatewayHttps').SslPolicy = 'ELBSecurityPolicy-TLS13-1-2-2021-06'),
      'GatewayHttps',
      /SslPolicy is "ELBSecurityPolicy-TLS13-1-2-2021-06"; expected one of ELBSecurityPolicy-TLS13-1-2-Res-2021-06/,
    ],
    ['no TLS policy (the ELB default)', (t) => delete props(t, 'GatewayHttps').SslPolicy, 'GatewayHttps', /SslPolicy is absent/],
    [
      'HTTP forwarding to the targets',
      (t) => (props(t, 'GatewayHttp').DefaultActions = [{ Type: 'forward', TargetGroupArn: { Ref: 'GatewayTargets' } }]),
      'GatewayHttp',
      /action is of Type "forward"; expected only a redirect to Protocol "HTTPS"/,
    ],
    [
      'a redirect to HTTP',
      (t) => (props(t, 'GatewayHttp').DefaultActions[0].RedirectConfig.Protocol = 'HTTP'),
      'GatewayHttp',
      /redirect to Protocol "HTTP" .*expected only a redirect to Protocol "HTTPS"/,
    ],
    [
      'a temporary redirect',
      (t) => (props(t, 'GatewayHttp').DefaultActions[0].RedirectConfig.StatusCode = 'HTTP_302'),
      'GatewayHttp',
      /StatusCode "HTTP_302"; expected .*"HTTP_301"/,
    ],
    ['a TCP listener', (t) => (props(t, 'GatewayHttp').Protocol = 'TCP'), 'GatewayHttp', /Protocol is "TCP"; expected HTTPS/],
    [
      'a listener rule forwarding plain HTTP',
      (t) =>
        (t.Resources.HttpRule = {
          Type: 'AWS::ElasticLoadBalancingV2::ListenerRule',
          Properties: {
            ListenerArn: { Ref: 'GatewayHttp' },
            Priority: 1,
            Actions: [{ Type: 'forward', TargetGroupArn: { Ref: 'GatewayTargets' } }],
            Conditions: [],
          },
        }),
      'HttpRule',
      /of Type "forward"; expected only a redirect/,
    ],
    [
      'no HSTS from the load balancer',
      (t) => delete props(t, 'GatewayHttps').ListenerAttributes,
      'GatewayHttps',
      /strict_transport_security.header_value is absent; expected "max-age=31536000 or more; includeSubDomains"/,
    ],
    [
      'a short load-balancer HSTS max-age',
      (t) => (props(t, 'GatewayHttps').ListenerAttributes[0].Value = 'max-age=86400; includeSubDomains'),
      'GatewayHttps',
      /strict_transport_security.header_value is "max-age=86400; includeSubDomains"/,
    ],
    [
      'load-balancer HSTS without subdomains',
      (t) => (props(t, 'GatewayHttps').ListenerAttributes[0].Value = 'max-age=63072000'),
      'GatewayHttps',
      /strict_transport_security.header_value is "max-age=63072000"/,
    ],
    [
      'invalid headers kept',
      (t) => (attr(t, 'routing.http.drop_invalid_header_fields.enabled').Value = 'false'),
      'Gateway',
      /drop_invalid_header_fields.enabled is "false"; expected "true"/,
    ],
    [
      'desync monitor mode',
      (t) => (attr(t, 'routing.http.desync_mitigation_mode').Value = 'monitor'),
      'Gateway',
      /desync_mitigation_mode is "monitor"; expected "defensive" or "strictest"/,
    ],
    [
      'CloudFront allowing TLS 1.0',
      (t) => (distribution(t).ViewerCertificate.MinimumProtocolVersion = 'TLSv1'),
      'Cdn',
      /MinimumProtocolVersion is "TLSv1"; expected one of TLSv1.2_2021/,
    ],
    [
      'CloudFront allowing TLS 1.1',
      (t) => (distribution(t).ViewerCertificate.MinimumProtocolVersion = 'TLSv1.1_2016'),
      'Cdn',
      /MinimumProtocolVersion is "TLSv1.1_2016"/,
    ],
    [
      'CloudFront dedicated-IP SSL',
      (t) => (distribution(t).ViewerCertificate.SslSupportMethod = 'vip'),
      'Cdn',
      /SslSupportMethod is "vip"; expected "sni-only"/,
    ],
    [
      'the default CloudFront certificate',
      (t) => (distribution(t).ViewerCertificate = { CloudFrontDefaultCertificate: true }),
      'Cdn',
      /no AcmCertificateArn/,
    ],
    [
      'CloudFront serving plain HTTP',
      (t) => (distribution(t).DefaultCacheBehavior.ViewerProtocolPolicy = 'allow-all'),
      'Cdn',
      /DefaultCacheBehavior.ViewerProtocolPolicy is "allow-all"; expected "redirect-to-https" or "https-only"/,
    ],
    [
      'a cache behaviour serving plain HTTP',
      (t) =>
        (distribution(t).CacheBehaviors = [
          {
            PathPattern: '/img/*',
            TargetOriginId: 'assets',
            ViewerProtocolPolicy: 'allow-all',
            ResponseHeadersPolicyId: { Ref: 'CdnSecurityHeaders' },
          },
        ]),
      'Cdn',
      /CacheBehaviors\[0\] \(\/img\/\*\).ViewerProtocolPolicy is "allow-all"/,
    ],
    [
      'no response headers policy',
      (t) => delete distribution(t).DefaultCacheBehavior.ResponseHeadersPolicyId,
      'Cdn',
      /ResponseHeadersPolicyId is absent; expected a reference to an AWS::CloudFront::ResponseHeadersPolicy/,
    ],
    [
      'no HSTS',
      (t) => delete props(t, 'CdnSecurityHeaders').ResponseHeadersPolicyConfig.SecurityHeadersConfig.StrictTransportSecurity,
      'CdnSecurityHeaders',
      /StrictTransportSecurity is absent/,
    ],
    [
      'a short HSTS max-age',
      (t) => (hsts(t).AccessControlMaxAgeSec = 86400),
      'CdnSecurityHeaders',
      /AccessControlMaxAgeSec is 86400; expected at least 31536000/,
    ],
    [
      'HSTS without subdomains',
      (t) => (hsts(t).IncludeSubdomains = false),
      'CdnSecurityHeaders',
      /IncludeSubdomains is false; expected true/,
    ],
    ['HSTS the origin can override', (t) => (hsts(t).Override = false), 'CdnSecurityHeaders', /Override is false; expected true/],
  ])('fails with %s', (_name, edit, resource, message) => {
    expectFinding(checkEdgeTls(weakened(edit)), resource, message);
  });
});
