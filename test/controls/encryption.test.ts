import { checkEncRest, checkEncTransit, isCustomerManagedKey } from '../../lib/controls/aws/encryption';
import { edgeTemplate, primaryTemplate } from './fixtures/aws-templates';
import { expectFinding, expectNotApplicable, expectPass, props, weakened } from './support';

const sse = (t: any, bucket: string) => props(t, bucket).BucketEncryption.ServerSideEncryptionConfiguration[0];

describe('ENC-REST (AWS)', () => {
  it('passes rotated AES-256 customer keys on buckets, database, logs, topic, trail and volumes', () => {
    const result = checkEncRest(primaryTemplate());
    expectPass(result);
    expect(result.evidence).toEqual(
      expect.arrayContaining(['DataKey', 'DataBucket', 'Database', 'FlowLogs', 'Alerts', 'Trail', 'AppLaunchTemplate', 'Bastion']),
    );
    expectPass(checkEncRest(edgeTemplate()));
  });

  it('accepts SSE-S3 (AES256) only on ALB and S3 access-log sinks, which cannot write to SSE-KMS buckets', () => {
    expectPass(checkEncRest(primaryTemplate()));
    expectFinding(
      checkEncRest(weakened((t) => (sse(t, 'DataBucket').ServerSideEncryptionByDefault = { SSEAlgorithm: 'AES256' }))),
      'DataBucket',
      /SSEAlgorithm is "AES256"; expected "aws:kms"$/,
    );
  });

  it('is not applicable without encryptable resources', () => {
    expectNotApplicable(checkEncRest({ Resources: { Vpc: { Type: 'AWS::EC2::VPC', Properties: {} } } }));
  });

  it(
    'accepts a read replica encrypted through its KmsKeyId (CloudFormation forbids StorageEncrypted on it), and fails one ' +
      'without a key',
    () => {
      const replica = (p: Record<string, unknown>) => ({
        Resources: {
          Replica: {
            Type: 'AWS::RDS::DBInstance',
            Properties: { SourceDBInstanceIdentifier: 'arn:aws:rds:eu-west-1:222222222222:db:acme-prod-db', ...p },
          },
        },
      });
      expectPass(checkEncRest(replica({ KmsKeyId: 'arn:aws:kms:eu-central-1:222222222222:key/00000000-0000-4000-8000-000000000001' })));
      expectFinding(checkEncRest(replica({})), 'Replica', /KmsKeyId is absent; expected a customer-managed KMS key/);
      expectFinding(
        checkEncRest(
          replica({ StorageEncrypted: false, KmsKeyId: 'arn:aws:kms:eu-central-1:222222222222:key/00000000-0000-4000-8000-000000000001' }),
        ),
        'Replica',
        /StorageEncrypted is false; expected true/,
      );
    },
  );

  it.each<[string, (t: any) => void, string, RegExp]>([
    ['key rotation off', (t) => (props(t, 'DataKey').EnableKeyRotation = false), 'DataKey', /EnableKeyRotation is false; expected true/],
    [
      'an asymmetric key',
      (t) => (props(t, 'DataKey').KeySpec = 'RSA_2048'),
      'DataKey',
      /KeySpec is "RSA_2048"; expected SYMMETRIC_DEFAULT/,
    ],
    ['a bucket without encryption', (t) => delete props(t, 'DataBucket').BucketEncryption, 'DataBucket', /BucketEncryption is absent/],
    [
      'the AWS-managed S3 key',
      (t) => (sse(t, 'DataBucket').ServerSideEncryptionByDefault.KMSMasterKeyID = 'alias/aws/s3'),
      'DataBucket',
      /KMSMasterKeyID is "alias\/aws\/s3"; expected a customer-managed KMS key/,
    ],
    ['no bucket key', (t) => (sse(t, 'DataBucket').BucketKeyEnabled = false), 'DataBucket', /BucketKeyEnabled is false; expected true/],
    ['an unencrypted log sink', (t) => delete props(t, 'AlbLogs').BucketEncryption, 'AlbLogs', /BucketEncryption is absent/],
    [
      'unencrypted database storage',
      (t) => (props(t, 'Database').StorageEncrypted = false),
      'Database',
      /StorageEncrypted is false; expected true/,
    ],
    [
      'the database on the AWS-managed key',
      (t) => delete props(t, 'Database').KmsKeyId,
      'Database',
      /KmsKeyId is absent; expected a customer-managed KMS key/,
    ],
    [
      'the master secret on the AWS-managed key',
      (t) => delete props(t, 'Database').MasterUserSecret,
      'Database',
      /MasterUserSecret.KmsKeyId is absent/,
    ],
    ['an unencrypted log group', (t) => delete props(t, 'FlowLogs').KmsKeyId, 'FlowLogs', /KmsKeyId is absent/],
    [
      'the AWS-managed SNS key',
      (t) => (props(t, 'Alerts').KmsMasterKeyId = 'alias/aws/sns'),
      'Alerts',
      /KmsMasterKeyId is "alias\/aws\/sns"/,
    ],
    ['an unencrypted trail', (t) => delete props(t, 'Trail').KMSKeyId, 'Trail', /KMSKeyId is absent/],
    [
      'an unencrypted app volume',
      (t) => (props(t, 'AppLaunchTemplate').LaunchTemplateData.BlockDeviceMappings[0].Ebs.Encrypted = false),
      'AppLaunchTemplate',
      /BlockDeviceMappings\[0\].Ebs.Encrypted is false; expected true/,
    ],
    [
      'an app volume on the AWS-managed key',
      (t) => delete props(t, 'AppLaunchTemplate').LaunchTemplateData.BlockDeviceMappings[0].Ebs.KmsKeyId,
      'AppLaunchTemplate',
      /Ebs.KmsKeyId is absent/,
    ],
    [
      'the app root volume left to the AMI',
      (t) => delete props(t, 'AppLaunchTemplate').LaunchTemplateData.BlockDeviceMappings,
      'AppLaunchTemplate',
      /BlockDeviceMappings is absent/,
    ],
    [
      'an unencrypted bastion volume',
      (t) => (props(t, 'Bastion').BlockDeviceMappings[0].Ebs.Encrypted = false),
      'Bastion',
      /BlockDeviceMappings\[0\].Ebs.Encrypted is false/,
    ],
    [
      'the bastion root volume left to the AMI',
      (t) => {
        delete props(t, 'Bastion').BlockDeviceMappings;
        delete props(t, 'BastionLaunchTemplate').LaunchTemplateData.BlockDeviceMappings;
      },
      'BastionLaunchTemplate',
      /BlockDeviceMappings is absent/,
    ],
    [
      'a bastion launch template that would launch an unencrypted copy',
      (t) => delete props(t, 'BastionLaunchTemplate').LaunchTemplateData.BlockDeviceMappings,
      'BastionLaunchTemplate',
      /BlockDeviceMappings is absent/,
    ],
    [
      'an unencrypted volume',
      (t) => (t.Resources.Vol = { Type: 'AWS::EC2::Volume', Properties: { Size: 10 } }),
      'Vol',
      /volume.Encrypted is absent/,
    ],
    [
      'a secret on the AWS-managed key',
      (t) => (t.Resources.S = { Type: 'AWS::SecretsManager::Secret', Properties: { GenerateSecretString: {} } }),
      'S',
      /KmsKeyId is absent/,
    ],
  ])('fails with %s', (_name, edit, resource, message) => {
    expectFinding(checkEncRest(weakened(edit)), resource, message);
  });
});

describe('isCustomerManagedKey', () => {
  const t = primaryTemplate();
  it('accepts keys and aliases of the template and key ARNs from elsewhere', () => {
    expect(isCustomerManagedKey(t, { 'Fn::GetAtt': ['DataKey', 'Arn'] })).toBe(true);
    expect(isCustomerManagedKey(t, { Ref: 'DataKey' })).toBe(true);
    expect(isCustomerManagedKey(t, 'arn:aws:kms:eu-west-1:111111111111:key/1234')).toBe(true);
    expect(isCustomerManagedKey(t, { 'Fn::ImportValue': 'shared-key' })).toBe(true);
  });
  it('rejects AWS-managed aliases, absent keys and references to non-keys', () => {
    for (const v of [undefined, '', 'alias/aws/s3', 'arn:aws:kms:eu-west-1:111111111111:alias/aws/rds', { Ref: 'DataBucket' }])
      expect(isCustomerManagedKey(t, v)).toBe(false);
  });
});

describe('ENC-TRANSIT (AWS)', () => {
  it('passes TLS-only bucket policies, HTTPS targets, forced database TLS', () => {
    const result = checkEncTransit(primaryTemplate());
    expectPass(result);
    expect(result.evidence).toEqual(expect.arrayContaining(['DataBucketPolicy', 'GatewayTargets', 'DbParams', 'Database', 'AlertsPolicy']));
  });

  it('is not applicable to a stack without buckets, listeners, databases or distributions', () => {
    expectNotApplicable(checkEncTransit({ Resources: { LogsKey: edgeTemplate().Resources.LogsKey } }));
  });

  it('passes the edge stack, whose log archive bucket requires TLS', () => {
    expectPass(checkEncTransit(edgeTemplate()));
  });

  it('accepts an HTTPS-only custom origin with TLS 1.2', () => {
    const t = weakened((t) =>
      props(t, 'Cdn').DistributionConfig.Origins.push({
        Id: 'api',
        DomainName: 'api.example.com',
        CustomOriginConfig: { OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] },
      }),
    );
    expectPass(checkEncTransit(t));
  });

  it.each<[string, (t: any) => void, string, RegExp]>([
    ['a bucket without a policy', (t) => delete t.Resources.DataBucketPolicy, 'DataBucket', /no bucket policy denies requests without TLS/],
    [
      'a policy without the TLS deny',
      (t) => props(t, 'DataBucketPolicy').PolicyDocument.Statement.shift(),
      'DataBucket',
      /no bucket policy denies requests without TLS/,
    ],
    [
      'the TLS deny on SecureTransport true',
      (t) => (props(t, 'DataBucketPolicy').PolicyDocument.Statement[0].Condition.Bool['aws:SecureTransport'] = 'true'),
      'DataBucketPolicy',
      /has no statement denying requests without TLS/,
    ],
    [
      'the TLS deny limited to one action',
      (t) => (props(t, 'DataBucketPolicy').PolicyDocument.Statement[0].Action = 's3:GetObject'),
      'DataBucket',
      /Deny of s3:\*/,
    ],
    [
      'the TLS deny for one principal',
      (t) => (props(t, 'DataBucketPolicy').PolicyDocument.Statement[0].Principal = { AWS: 'arn:aws:iam::111111111111:root' }),
      'DataBucket',
      /no bucket policy denies/,
    ],
    [
      'HTTP to the targets',
      (t) => (props(t, 'GatewayTargets').Protocol = 'HTTP'),
      'GatewayTargets',
      /Protocol is "HTTP"; expected "HTTPS"/,
    ],
    [
      'database TLS not forced',
      (t) => (props(t, 'DbParams').Parameters['rds.force_ssl'] = '0'),
      'Database',
      /rds.force_ssl is "0"; expected "1"/,
    ],
    [
      'a custom origin over HTTP',
      (t) =>
        props(t, 'Cdn').DistributionConfig.Origins.push({
          Id: 'api',
          DomainName: 'api.example.com',
          CustomOriginConfig: { OriginProtocolPolicy: 'match-viewer', OriginSSLProtocols: ['TLSv1.2'] },
        }),
      'Cdn',
      /Origins\[1\] \("api"\) OriginProtocolPolicy is "match-viewer"; expected "https-only"/,
    ],
    [
      'a custom origin allowing TLS 1.0',
      (t) =>
        props(t, 'Cdn').DistributionConfig.Origins.push({
          Id: 'api',
          DomainName: 'api.example.com',
          CustomOriginConfig: { OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1', 'TLSv1.2'] },
        }),
      'Cdn',
      /OriginSSLProtocols is \["TLSv1","TLSv1.2"\]; expected \["TLSv1.2"\]/,
    ],
  ])('fails with %s', (_name, edit, resource, message) => {
    expectFinding(checkEncTransit(weakened(edit)), resource, message);
  });
});
