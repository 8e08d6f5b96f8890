import { checkCdnAssets } from '../../lib/controls/aws/cdn';
import { edgeTemplate, primaryTemplate } from './fixtures/aws-templates';
import { expectFinding, expectNotApplicable, expectPass, props, weakened } from './support';

const config = (t: any) => props(t, 'Cdn').DistributionConfig;
const oac = (t: any) => props(t, 'CdnOac').OriginAccessControlConfig;

describe('CDN-ASSETS (AWS)', () => {
  it('passes an S3 origin behind origin access control, with a web ACL, logs and TLS 1.2+', () => {
    const result = checkCdnAssets(primaryTemplate());
    expectPass(result);
    expect(result.evidence).toEqual(expect.arrayContaining(['Cdn', 'CdnOac', 'AssetsBucket', 'CdnSecurityHeaders']));
  });

  it('is not applicable without a distribution', () => {
    expectNotApplicable(checkCdnAssets(edgeTemplate()));
  });

  it.each<[string, (t: any) => void, string, RegExp]>([
    [
      'no origin access control',
      (t) => delete config(t).Origins[0].OriginAccessControlId,
      'Cdn',
      /OriginAccessControlId is absent; expected an AWS::CloudFront::OriginAccessControl/,
    ],
    [
      'a legacy origin access identity',
      (t) => (config(t).Origins[0].S3OriginConfig.OriginAccessIdentity = 'origin-access-identity/cloudfront/E1'),
      'Cdn',
      /OriginAccessIdentity is "origin-access-identity\/cloudfront\/E1"; expected ""/,
    ],
    ['unsigned origin requests', (t) => (oac(t).SigningBehavior = 'never'), 'CdnOac', /SigningBehavior is "never"; expected "always"/],
    ['signing only when the viewer did not', (t) => (oac(t).SigningBehavior = 'no-override'), 'CdnOac', /SigningBehavior is "no-override"/],
    [
      'an origin access control for another origin type',
      (t) => (oac(t).OriginAccessControlOriginType = 'mediastore'),
      'CdnOac',
      /OriginAccessControlOriginType is "mediastore"; expected "s3"/,
    ],
    [
      'the bucket website as a public custom origin',
      (t) =>
        (config(t).Origins = [
          {
            Id: 'site',
            DomainName: 'assets.s3-website-eu-west-1.amazonaws.com',
            CustomOriginConfig: { OriginProtocolPolicy: 'http-only' },
          },
        ]),
      'Cdn',
      /reaches S3 as a custom \(website\) origin/,
    ],
    [
      'no S3 origin',
      (t) =>
        (config(t).Origins = [
          {
            Id: 'api',
            DomainName: 'api.example.com',
            CustomOriginConfig: { OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] },
          },
        ]),
      'Cdn',
      /no S3 origin/,
    ],
    ['no web ACL', (t) => delete config(t).WebACLId, 'Cdn', /WebACLId is absent/],
    ['no access logs', (t) => delete config(t).Logging, 'Cdn', /Logging is absent/],
    ['TLS 1.0 viewers', (t) => (config(t).ViewerCertificate.MinimumProtocolVersion = 'TLSv1'), 'Cdn', /MinimumProtocolVersion is "TLSv1"/],
    ['no ACM certificate', (t) => delete config(t).ViewerCertificate.AcmCertificateArn, 'Cdn', /no AcmCertificateArn/],
    [
      'plain HTTP viewers',
      (t) => (config(t).DefaultCacheBehavior.ViewerProtocolPolicy = 'allow-all'),
      'Cdn',
      /ViewerProtocolPolicy is "allow-all"/,
    ],
  ])('fails with %s', (_name, edit, resource, message) => {
    expectFinding(checkCdnAssets(weakened(edit)), resource, message);
  });
});
