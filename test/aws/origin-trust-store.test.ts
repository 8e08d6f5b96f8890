import { Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cr from 'aws-cdk-lib/custom-resources';
import { acknowledgeAwsCallProvider } from '../../lib/policy/acknowledge';
import { OriginTrustStore, type OriginTrustStoreProps } from '../../lib/aws/origin-trust-store';
import { CA_A, CA_B, CLIENT_A, CRL_A, FAKE_PRIVATE_KEY, SHARED_CA, WEAK_CA } from '../fixtures/origin-pull';
import { acknowledgements, getAtt, logicalId, ref, resourceOf, resourcesOfType, testStack } from './support';

function build(extra: Partial<OriginTrustStoreProps> = {}, stack = testStack()) {
  const props: OriginTrustStoreProps = {
    caCertificates: [CA_A],
    encryptionKey: new kms.Key(stack, 'DataKey'),
    logsKey: new kms.Key(stack, 'LogsKey'),
    serverAccessLogsBucket: new s3.Bucket(stack, 'AccessLogs'),
    ...extra,
  };
  const trust = new OriginTrustStore(stack, 'OriginTrust', props);
  return { stack, trust, template: Template.fromStack(stack), props };
}

/** The putObject call a writer makes, with the bucket reference rendered as `${LogicalId}`. */
function callOf(resource: any): any {
  const create = resource.Properties.Create;
  const text =
    typeof create === 'string' ? create : create['Fn::Join'][1].map((p: any) => (typeof p === 'string' ? p : `\${${p.Ref}}`)).join('');
  return JSON.parse(text);
}

describe('OriginTrustStore', () => {
  const { trust, template, props } = build({ revocationList: CRL_A });
  const writers = resourcesOfType(template, 'Custom::AWS').map(([id, r]) => ({ id, call: callOf(r), update: r.Properties.Update }));
  const bucketId = logicalId(trust.bucket);

  it('writes the CA bundle into its own bucket at deployment, under a content-hashed key', () => {
    const bundle = writers.find((w) => w.call.parameters.Key === trust.bundleKey)!;
    expect(trust.bundleKey).toMatch(/^origin-pull\/ca-bundle-[0-9a-f]{16}\.pem$/);
    expect(bundle.call).toMatchObject({
      service: 'S3',
      action: 'putObject',
      parameters: {
        Bucket: `\${${bucketId}}`,
        Key: trust.bundleKey,
        Body: CA_A,
        ContentType: 'application/x-pem-file',
        ChecksumAlgorithm: 'SHA256',
      },
      physicalResourceId: { id: trust.bundleKey },
    });
    expect(bundle.update).toBeDefined();
  });

  it('pins the trust store to the exact object version written', () => {
    const store = resourceOf(template, trust.resource).Properties;
    const bundle = writers.find((w) => w.call.parameters.Key === trust.bundleKey)!;
    expect(store).toMatchObject({
      CaCertificatesBundleS3Bucket: ref(trust.bucket),
      CaCertificatesBundleS3Key: trust.bundleKey,
      CaCertificatesBundleS3ObjectVersion: { 'Fn::GetAtt': [bundle.id, 'VersionId'] },
    });
  });

  it('loads the revocation list, pinned likewise, into the trust store', () => {
    const crl = writers.find((w) => w.call.parameters.Key !== trust.bundleKey)!;
    expect(crl.call.parameters).toMatchObject({ Bucket: `\${${bucketId}}`, Body: CRL_A });
    expect(crl.call.parameters.Key).toMatch(/^origin-pull\/revocation-[0-9a-f]{16}\.pem$/);
    const [[, revocation]] = resourcesOfType(template, 'AWS::ElasticLoadBalancingV2::TrustStoreRevocation');
    expect(revocation.Properties).toEqual({
      TrustStoreArn: getAtt(trust.resource, 'TrustStoreArn'),
      RevocationContents: [
        {
          RevocationType: 'CRL',
          S3Bucket: ref(trust.bucket),
          S3Key: crl.call.parameters.Key,
          S3ObjectVersion: { 'Fn::GetAtt': [crl.id, 'VersionId'] },
        },
      ],
    });
  });

  it(
    'keeps the bundle in a private, versioned, KMS-encrypted, access-logged bucket whose objects are locked (compliance ' +
      'mode, 30 days)',
    () => {
      const bucket = resourceOf(template, trust.bucket);
      expect(bucket.Properties).toMatchObject({
        VersioningConfiguration: { Status: 'Enabled' },
        ObjectLockEnabled: true,
        ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 30 } } },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        LoggingConfiguration: { DestinationBucketName: ref(props.serverAccessLogsBucket) },
      });
      expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault).toEqual({
        SSEAlgorithm: 'aws:kms',
        KMSMasterKeyID: getAtt(props.encryptionKey, 'Arn'),
      });
      expect(bucket.DeletionPolicy).toBe('Retain');
    },
  );

  it('lets the deployment-time writer put only the bundle objects, and use the key only through S3 for this bucket', () => {
    const policies = resourcesOfType(template, 'AWS::IAM::Policy')
      .map(([, p]) => p.Properties.PolicyDocument.Statement)
      .filter((s) => JSON.stringify(s).includes('s3:PutObject'));
    expect(policies).toHaveLength(2);
    for (const statements of policies) {
      expect(statements[0]).toMatchObject({ Action: 's3:PutObject', Effect: 'Allow' });
      expect(JSON.stringify(statements[0].Resource)).toMatch(/origin-pull\/(ca-bundle|revocation)-[0-9a-f]{16}\.pem/);
      expect(statements[1]).toMatchObject({
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: getAtt(props.encryptionKey, 'Arn'),
        Condition: {
          StringEquals: { 'kms:ViaService': expect.anything(), 'kms:EncryptionContext:aws:s3:arn': getAtt(trust.bucket, 'Arn') },
        },
      });
    }
  });

  it('acknowledges replication on the bucket only, with its reason', () => {
    expect(Object.keys(acknowledgements(trust.bucket.node.defaultChild!)).sort()).toEqual(
      ['HIPAA.Security', 'NIST.800.53.R4', 'NIST.800.53.R5', 'PCI.DSS.321'].map((p) => `${p}::${p}-S3BucketReplicationEnabled`).sort(),
    );
  });

  it('creates the AWS API call handler with a log group and its acknowledgements when it is the first to need it', () => {
    const handler = Stack.of(trust).node.findChild(`AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`);
    // Decisions cdk-api-call-handler (on the function) and cdk-api-call-handler-logs-policy (on its role).
    expect(Object.keys(acknowledgements(handler))).toEqual(
      expect.arrayContaining(['Serverless::Serverless-LambdaTracing', 'HIPAA.Security::HIPAA.Security-LambdaInsideVPC']),
    );
    expect(Object.keys(acknowledgements(handler.node.findChild('ServiceRole')))).toEqual([
      'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    ]);
    expect(resourcesOfType(template, 'AWS::Logs::LogGroup').map(([, g]) => g.Properties.KmsKeyId)).toEqual([getAtt(props.logsKey, 'Arn')]);
  });

  it('reuses a handler the stack already has, acknowledging it once (acknowledgeAwsCallProvider)', () => {
    const stack = testStack('Shared');
    const existing = new cr.AwsCustomResource(stack, 'Other', {
      onCreate: { service: 'STS', action: 'getCallerIdentity', physicalResourceId: cr.PhysicalResourceId.of('x') },
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: ['*'] }),
      installLatestAwsSdk: false,
      logGroup: new logs.LogGroup(stack, 'L'),
    });
    const { template: shared } = build({}, stack);
    expect(resourcesOfType(shared, 'AWS::Lambda::Function')).toHaveLength(1);
    const handler = stack.node.findChild(`AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`);
    // The construct that created the handler did not acknowledge it: the trust store applies the
    // handler's decisions, once (a second user adds nothing).
    const once = Object.keys(acknowledgements(handler));
    expect(once).toEqual(expect.arrayContaining(['Serverless::Serverless-LambdaTracing']));
    const stamps = () =>
      handler.node.defaultChild!.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).length;
    const before = stamps();
    acknowledgeAwsCallProvider(handler);
    expect(Object.keys(acknowledgements(handler))).toEqual(once);
    expect(stamps()).toBe(before);
    expect(existing).toBeDefined();
  });

  it('writes two CAs into one bundle during a rotation', () => {
    const { trust: rotating, template: t } = build({ caCertificates: [CA_A, CA_B] });
    const bundle = resourcesOfType(t, 'Custom::AWS')
      .map(([, r]) => callOf(r))
      .find((c) => c.parameters.Key === rotating.bundleKey);
    expect(bundle.parameters.Body).toBe(CA_A + CA_B);
    expect(rotating.bundleKey).not.toBe(trust.bundleKey);
  });

  it.each<[string, Partial<OriginTrustStoreProps>, RegExp]>([
    ['no CA', { caCertificates: [] }, /caCertificates has 0 entries; expected the zone's CA and, while rotating, the next one/],
    ['three CAs', { caCertificates: [CA_A, CA_B, CA_A] }, /caCertificates has 3 entries/],
    ["Cloudflare's shared origin-pull CA", { caCertificates: [SHARED_CA] }, /caCertificates\[0\] is Cloudflare's shared origin-pull CA/],
    ['a leaf certificate', { caCertificates: [CLIENT_A] }, /caCertificates\[0\] is not a CA certificate/],
    ['a 1024-bit RSA CA', { caCertificates: [WEAK_CA] }, /caCertificates\[0\] has an RSA key of 1024 bits; expected at least 2048/],
    ['a CA with its private key', { caCertificates: [CA_A + FAKE_PRIVATE_KEY] }, /caCertificates\[0\] holds a private key/],
    ['a certificate as revocation list', { revocationList: CA_A }, /revocationList is not one PEM certificate revocation list/],
    ['a lock shorter than a day', { bundleRetentionDays: 0 }, /bundleRetentionDays 0 is out of range/],
    [
      'old versions kept shorter than the lock',
      { bundleRetentionDays: 60, noncurrentVersionRetentionDays: 30 },
      /noncurrentVersionRetentionDays 30 is invalid; expected a whole number of days of at least bundleRetentionDays \(60\)/,
    ],
  ])('rejects %s', (_what, extra, message) => {
    expect(() => build(extra)).toThrow(message);
  });
});
