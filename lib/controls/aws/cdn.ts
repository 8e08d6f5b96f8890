import type { CheckResult } from '../types';
import { checkViewerTls } from './edge-tls';
import { Outcome } from '../core/outcome';
import { list, ofType, refTarget, refTo, renderText, show, type CfnTemplate, type Res } from './template';

/**
 * Control CDN-ASSETS: each CloudFront distribution serves from S3 through origin access control
 * (signed requests, no legacy identity), with a web ACL, access logs and the viewer TLS of
 * EDGE-TLS.
 */
export function checkCdnAssets(template: CfnTemplate): CheckResult {
  const out = new Outcome('CDN-ASSETS');
  const distributions = ofType(template, 'AWS::CloudFront::Distribution');
  const deliverySources = ofType(template, 'AWS::Logs::DeliverySource');
  for (const d of distributions) {
    out.within(d.id, () => {
      const config = d.props.DistributionConfig ?? {};
      const s3Origins = list(config.Origins).filter((o) => isS3Origin(template, o));
      if (s3Origins.length === 0) out.fail(d.id, 'no S3 origin; expected the static assets bucket as a private origin');
      for (const origin of s3Origins) checkS3Origin(out, template, d, origin);
      if (config.WebACLId === undefined || config.WebACLId === '')
        out.fail(d.id, 'DistributionConfig.WebACLId is absent; expected a CLOUDFRONT web ACL');
      const logged = config.Logging?.Bucket !== undefined || deliverySources.some((s) => refTarget(s.props.ResourceArn) === d.id);
      if (!logged) out.fail(d.id, 'DistributionConfig.Logging is absent; expected access logs to a log bucket');
      checkViewerTls(out, template, d);
    });
  }
  return out.result(distributions.length > 0);
}

function isS3Origin(template: CfnTemplate, origin: any): boolean {
  if (origin?.S3OriginConfig !== undefined) return true;
  if (refTo(template, origin?.DomainName, 'AWS::S3::Bucket')) return true;
  return /\.s3[.-]/.test(renderText(origin?.DomainName));
}

function checkS3Origin(out: Outcome, template: CfnTemplate, d: Res, origin: any): void {
  const label = `origin ${show(origin.Id)}`;
  if (origin.CustomOriginConfig !== undefined) {
    out.fail(d.id, `${label} reaches S3 as a custom (website) origin; expected an S3 REST origin with origin access control`);
    return;
  }
  const oac = refTo(template, origin.OriginAccessControlId, 'AWS::CloudFront::OriginAccessControl');
  if (!oac) {
    out.fail(
      d.id,
      `${label} OriginAccessControlId is ${show(origin.OriginAccessControlId)}; expected an ` +
        `AWS::CloudFront::OriginAccessControl of this template`,
    );
  } else {
    out.within(oac.id, () => {
      const c = oac.props.OriginAccessControlConfig ?? {};
      if (c.SigningBehavior !== 'always') out.fail(oac.id, `SigningBehavior is ${show(c.SigningBehavior)}; expected "always"`);
      if (c.SigningProtocol !== 'sigv4') out.fail(oac.id, `SigningProtocol is ${show(c.SigningProtocol)}; expected "sigv4"`);
      if (c.OriginAccessControlOriginType !== 's3')
        out.fail(oac.id, `OriginAccessControlOriginType is ${show(c.OriginAccessControlOriginType)}; expected "s3"`);
    });
  }
  const identity = origin.S3OriginConfig?.OriginAccessIdentity;
  if (identity !== '') {
    out.fail(
      d.id,
      `${label} S3OriginConfig.OriginAccessIdentity is ${show(identity)}; expected "" (origin access control replaces the legacy identity)`,
    );
  }
  const bucket = refTo(template, origin.DomainName, 'AWS::S3::Bucket');
  if (bucket) out.carry(bucket.id);
}
