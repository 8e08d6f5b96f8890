import { ACKNOWLEDGED_WARNING_METADATA } from '../../lib/policy/acknowledge';
import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { SecureBucket } from '../../lib/aws/secure-bucket';
import { StaticAssetsCdn, type StaticAssetsCdnProps } from '../../lib/aws/static-assets-cdn';
import { ENV, acknowledgements, getAtt, idSource, ref, resourceOf, resourcesOfType, testStack } from './support';

const CERT = `arn:aws:acm:us-east-1:${ENV.account}:certificate/00000000-0000-0000-0000-000000000000`;
const WEB_ACL = `arn:aws:wafv2:us-east-1:${ENV.account}:global/webacl/acme-prod-cdn/11111111-2222-3333-4444-555555555555`;

const stack = testStack();
const assetsKey = new kms.Key(stack, 'AssetsKey');
const logsKey = new kms.Key(stack, 'LogsKey');
const accessLogs = new s3.Bucket(stack, 'AccessLogs');
const assets = new SecureBucket(stack, 'Assets', { encryptionKey: assetsKey, noncurrentVersionRetentionDays: 90 }).resource;
const cdn = new StaticAssetsCdn(stack, 'Cdn', {
  assetsBucket: assets,
  certificateArn: CERT,
  domainNames: ['static.example.com', 'assets.example.com'],
  webAclArn: WEB_ACL,
  logsKey,
  serverAccessLogsBucket: accessLogs,
  logRetentionDays: 90,
});
const template = Template.fromStack(stack);
const config = resourceOf(template, cdn.resource).Properties.DistributionConfig;

describe('StaticAssetsCdn', () => {
  it('serves the configured names on TLS 1.2+ with SNI and the us-east-1 certificate', () => {
    expect(config.Aliases).toEqual(['static.example.com', 'assets.example.com']);
    expect(config.ViewerCertificate).toEqual({
      AcmCertificateArn: CERT,
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
  });

  it('redirects HTTP to HTTPS and allows only GET and HEAD', () => {
    expect(config.DefaultCacheBehavior).toMatchObject({
      ViewerProtocolPolicy: 'redirect-to-https',
      AllowedMethods: ['GET', 'HEAD'],
      Compress: true,
    });
    expect(config.CacheBehaviors).toBeUndefined();
  });

  it('is protected by the CLOUDFRONT web ACL', () => {
    expect(config.WebACLId).toBe(WEB_ACL);
  });

  it('reads its only origin, the assets bucket, through origin access control', () => {
    expect(config.Origins).toHaveLength(1);
    const [origin] = config.Origins;
    expect(origin).toMatchObject({ DomainName: getAtt(assets, 'RegionalDomainName'), S3OriginConfig: { OriginAccessIdentity: '' } });
    const oacId = origin.OriginAccessControlId['Fn::GetAtt'][0];
    expect(template.toJSON().Resources[oacId].Properties.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    template.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 0);
  });

  it('lets only this distribution read the assets bucket, through the CloudFront service principal', () => {
    const policies = resourcesOfType(template, 'AWS::S3::BucketPolicy').filter(([, p]) => p.Properties.Bucket.Ref === ref(assets).Ref);
    expect(policies).toHaveLength(1);
    const allows = policies[0][1].Properties.PolicyDocument.Statement.filter((s: any) => s.Effect === 'Allow');
    expect(allows).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Action: 's3:GetObject',
        Resource: { 'Fn::Join': ['', [getAtt(assets, 'Arn'), '/*']] },
        Condition: {
          StringEquals: {
            'AWS:SourceArn': {
              'Fn::Join': [
                '',
                ['arn:', { Ref: 'AWS::Partition' }, ':cloudfront::', { Ref: 'AWS::AccountId' }, ':distribution/', ref(cdn.resource)],
              ],
            },
          },
        },
      },
    ]);
    expect(resourceOf(template, assets).Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
  });

  it('adds HSTS of two years with subdomains, and browser hardening headers, to every response', () => {
    const policy = resourceOf(template, cdn.node.findChild('SecurityHeaders')).Properties.ResponseHeadersPolicyConfig;
    expect(config.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual(ref(cdn.node.findChild('SecurityHeaders')));
    expect(policy.SecurityHeadersConfig).toEqual({
      StrictTransportSecurity: { AccessControlMaxAgeSec: 63072000, IncludeSubdomains: true, Preload: false, Override: true },
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'strict-origin-when-cross-origin', Override: true },
      XSSProtection: { Protection: true, ModeBlock: true, Override: true },
    });
    expect(policy.SecurityHeadersConfig.StrictTransportSecurity.AccessControlMaxAgeSec).toBeGreaterThanOrEqual(31536000);
  });

  it('logs to its own Object-Locked, KMS-encrypted, private log bucket', () => {
    expect(config.Logging).toEqual({ Bucket: getAtt(cdn.logBucket, 'RegionalDomainName'), Prefix: 'cloudfront/' });
    const bucket = resourceOf(template, cdn.logBucket);
    expect(bucket.Properties).toMatchObject({
      ObjectLockEnabled: true,
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 90 } } },
      // CloudFront standard logging writes with ACLs; public access stays blocked.
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: getAtt(logsKey, 'Arn') } },
        ],
      },
      LoggingConfiguration: { DestinationBucketName: ref(accessLogs) },
    });
    expect(bucket.Properties.LifecycleConfiguration.Rules[0]).toMatchObject({ ExpirationInDays: 90 });
    expect(bucket.DeletionPolicy).toBe('Retain');
  });

  it('lets CloudFront log delivery use the logs key only through S3 of the region', () => {
    expect(resourceOf(template, logsKey).Properties.KeyPolicy.Statement).toContainEqual({
      Sid: 'AllowCloudFrontLogDelivery',
      Effect: 'Allow',
      Principal: { Service: 'delivery.logs.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: '*',
      Condition: { StringEquals: { 'kms:ViaService': `s3.${ENV.region}.amazonaws.com` } },
    });
  });

  it('acknowledges the worldwide edge, and never a missing origin failover (Control Tower reports it)', () => {
    const acks = acknowledgements(cdn.resource);
    expect(acks['AwsSolutions::AwsSolutions-CFR1']).toMatch(/DATA-RESIDENCY/);
    expect(acks['cdk-validator-cfnguard::cloudfront_origin_failover_enabled_check']).toBeUndefined();
  });

  describe('with the DR replica as failover origin', () => {
    const drStack = testStack('WithFailover');
    const key = new kms.Key(drStack, 'AssetsKey');
    const bucket = new SecureBucket(drStack, 'Assets', { encryptionKey: key, noncurrentVersionRetentionDays: 90 }).resource;
    const withFailover = new StaticAssetsCdn(drStack, 'Cdn', {
      assetsBucket: bucket,
      certificateArn: CERT,
      domainNames: ['static.example.com'],
      webAclArn: WEB_ACL,
      logsKey: new kms.Key(drStack, 'LogsKey'),
      serverAccessLogsBucket: new s3.Bucket(drStack, 'AccessLogs'),
      logRetentionDays: 90,
      failoverOrigin: { bucketName: 'acme-prod-assets-dr-111111111111', region: 'eu-central-1' },
    });
    const t = Template.fromStack(drStack);
    const dc = resourceOf(t, withFailover.resource).Properties.DistributionConfig;

    it('fails over from the primary bucket to the replica on 403, 404 and 5xx', () => {
      expect(dc.OriginGroups.Quantity).toBe(1);
      const group = dc.OriginGroups.Items[0];
      expect(group.FailoverCriteria.StatusCodes).toEqual({ Items: [403, 404, 500, 502, 503, 504], Quantity: 6 });
      expect(group.Members.Items.map((m: any) => m.OriginId)).toEqual(dc.Origins.map((o: any) => o.Id));
      expect(dc.DefaultCacheBehavior.TargetOriginId).toBe(group.Id);
    });

    it('reads the replica in its own region through its own origin access control', () => {
      const [oacId, oac] = resourcesOfType(t, 'AWS::CloudFront::OriginAccessControl').find(([id]) =>
        /FailoverOriginAccessControl/.test(id),
      )!;
      expect(dc.Origins[1]).toEqual({
        Id: expect.any(String),
        DomainName: 'acme-prod-assets-dr-111111111111.s3.eu-central-1.amazonaws.com',
        S3OriginConfig: { OriginAccessIdentity: '' },
        OriginAccessControlId: { 'Fn::GetAtt': [oacId, 'Id'] },
      });
      expect(oac.Properties.OriginAccessControlConfig).toMatchObject({
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
        SigningProtocol: 'sigv4',
        Description: 'Failover origin: the DR-region assets replica',
      });
    });

    it("acknowledges only that the replica's policy lives in the DR stack, no missing failover", () => {
      const acks = acknowledgements(withFailover.resource);
      expect(acks['cdk-validator-cfnguard::cloudfront_origin_failover_enabled_check']).toBeUndefined();
      // Decision cdn-failover-origin-policy-in-dr-stack: a warning acknowledgement on the construct.
      const warnings = withFailover.resource.node.metadata.filter((m) => m.type === ACKNOWLEDGED_WARNING_METADATA).map((m) => m.data);
      expect(warnings).toEqual([
        {
          'Annotation::@aws-cdk/aws-cloudfront-origins:updateImportedBucketPolicyOac':
            expect.stringMatching(/ReplicaBucket cloudFrontSourceArn/),
        },
      ]);
    });
  });

  describe('errors', () => {
    const scratch = testStack('Scratch');
    const key = new kms.Key(scratch, 'Key');
    const bucket = new s3.Bucket(scratch, 'Assets');
    const logBucket = new s3.Bucket(scratch, 'Logs');
    const id = idSource();
    const make = (over: Partial<StaticAssetsCdnProps>) => () =>
      new StaticAssetsCdn(scratch, id(), {
        assetsBucket: bucket,
        certificateArn: CERT,
        domainNames: ['static.example.com'],
        webAclArn: WEB_ACL,
        logsKey: key,
        serverAccessLogsBucket: logBucket,
        logRetentionDays: 30,
        ...over,
      });

    it('fails when HSTS max-age is under one year', () => {
      expect(make({ hstsMaxAge: Duration.days(364) })).toThrow(
        /StaticAssetsCdn\.hstsMaxAge: received 31449600 s; expected at least 31536000 s \(the HSTS floor: one year, claim A7\)/,
      );
    });

    it('accepts exactly one year of HSTS', () => {
      expect(make({ hstsMaxAge: Duration.days(365) })).not.toThrow();
    });

    it('fails on empty domain names', () => {
      expect(make({ logRetentionDays: 0 })).toThrow(/StaticAssetsCdn\.logRetentionDays: received 0; expected a positive number of days/);
      expect(make({ domainNames: [] })).toThrow(
        /StaticAssetsCdn\.domainNames: received an empty list; expected the names the certificate covers/,
      );
    });

    it.each([
      `arn:aws:acm:eu-west-1:${ENV.account}:certificate/00000000-0000-0000-0000-000000000000`,
      `arn:aws:acm:us-east-2:${ENV.account}:certificate/00000000-0000-0000-0000-000000000000`,
      'not-an-arn',
    ])('fails on the certificate %s, outside us-east-1', (certificateArn) => {
      expect(make({ certificateArn })).toThrow(
        /StaticAssetsCdn\.certificateArn: received ".*"; expected a certificate in us-east-1, the only region CloudFront reads/,
      );
    });
  });
});
