import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { ReplicaBucket, type ReplicaBucketProps } from '../../lib/aws/replica-bucket';
import { SecureBucket } from '../../lib/aws/secure-bucket';
import { ENV, acknowledgements, getAtt, idSource, ref, resourceOf, resourcesOfType, testStack } from './support';

const ROLE_NAME = 'acme-prod-data-replication';
const ROLE_ARN = `arn:aws:iam::${ENV.account}:role/${ROLE_NAME}`;
const REPLICATE = ['s3:ReplicateDelete', 's3:ReplicateObject', 's3:ReplicateTags'];
const objects = (bucket: s3.IBucket) => ({ 'Fn::Join': ['', [getAtt(bucket, 'Arn'), '/*']] });

// DR region: the replica and its own access-log sink.
const drStack = testStack('Dr');
const drKey = new kms.Key(drStack, 'DataKey');
const drAccessLogs = new SecureBucket(drStack, 'AccessLogs', { noncurrentVersionRetentionDays: 30, expirationDays: 90 }).resource;
const replica = new ReplicaBucket(drStack, 'DataReplica', {
  encryptionKey: drKey,
  replicationRoleArn: ROLE_ARN,
  noncurrentVersionRetentionDays: 90,
  serverAccessLogsBucket: drAccessLogs,
  bucketName: 'acme-prod-data-dr',
});
const unnamed = new ReplicaBucket(drStack, 'Unnamed', {
  encryptionKey: drKey,
  replicationRoleArn: ROLE_ARN,
  noncurrentVersionRetentionDays: 120,
  serverAccessLogsBucket: drAccessLogs,
});
const drTemplate = Template.fromStack(drStack);

describe('ReplicaBucket', () => {
  const bucketOf = (r: ReplicaBucket) => resourceOf(drTemplate, r.resource);
  const policyOf = (r: ReplicaBucket): any[] => {
    const policies = resourcesOfType(drTemplate, 'AWS::S3::BucketPolicy').filter(
      ([, p]) => p.Properties.Bucket.Ref === ref(r.resource).Ref,
    );
    expect(policies).toHaveLength(1);
    return policies[0][1].Properties.PolicyDocument.Statement;
  };
  const both = (r: ReplicaBucket) => [getAtt(r.resource, 'Arn'), objects(r.resource)];

  it('encrypts with the DR key and an S3 bucket key', () => {
    for (const r of [replica, unnamed]) {
      expect(bucketOf(r).Properties.BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [
          { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: getAtt(drKey, 'Arn') } },
        ],
      });
    }
  });

  it('blocks every kind of public access and disables ACLs', () => {
    expect(bucketOf(replica).Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucketOf(replica).Properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
  });

  it('is versioned and keeps noncurrent versions for the given days', () => {
    expect(bucketOf(replica).Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucketOf(replica).Properties.LifecycleConfiguration.Rules[0].NoncurrentVersionExpiration).toEqual({ NoncurrentDays: 90 });
    expect(bucketOf(unnamed).Properties.LifecycleConfiguration.Rules[0].NoncurrentVersionExpiration).toEqual({ NoncurrentDays: 120 });
  });

  it('is retained when the stack is deleted', () => {
    expect(bucketOf(replica).DeletionPolicy).toBe('Retain');
    expect(bucketOf(replica).UpdateReplacePolicy).toBe('Retain');
  });

  it('logs server access to the DR log bucket', () => {
    expect(bucketOf(replica).Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: ref(drAccessLogs),
      LogFilePrefix: 'Dr/DataReplica/Resource/',
    });
  });

  it('takes the given name so the primary stack can address it, and a generated one otherwise', () => {
    expect(bucketOf(replica).Properties.BucketName).toBe('acme-prod-data-dr');
    expect(bucketOf(unnamed).Properties.BucketName).toBeUndefined();
  });

  it('denies non-TLS and pre-1.2 TLS requests, and lets only the replication role write replicas', () => {
    expect(policyOf(replica)).toEqual([
      {
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 's3:*',
        Resource: both(replica),
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
      {
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 's3:*',
        Resource: both(replica),
        Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
      },
      {
        Sid: 'AllowReplicationRole',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${ENV.account}:root` },
        Action: REPLICATE,
        Resource: objects(replica.resource),
        Condition: { ArnEquals: { 'aws:PrincipalArn': ROLE_ARN } },
      },
      {
        Sid: 'DenyReplicationByOthers',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: REPLICATE,
        Resource: objects(replica.resource),
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': ROLE_ARN } },
      },
    ]);
  });

  it('acknowledges that the replica neither replicates again nor locks objects, with reasons', () => {
    const acks = acknowledgements(replica.resource.node.defaultChild!);
    expect(Object.keys(acks).sort()).toEqual(
      [
        'HIPAA.Security::HIPAA.Security-S3BucketReplicationEnabled',
        'NIST.800.53.R4::NIST.800.53.R4-S3BucketReplicationEnabled',
        'NIST.800.53.R5::NIST.800.53.R5-S3BucketReplicationEnabled',
        'PCI.DSS.321::PCI.DSS.321-S3BucketReplicationEnabled',
        'NIST.800.53.R4::NIST.800.53.R4-S3BucketDefaultLockEnabled',
        'cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check',
      ].sort(),
    );
    expect(acks['PCI.DSS.321::PCI.DSS.321-S3BucketReplicationEnabled']).toMatch(/DR-region replica .*DATA-RESIDENCY/);
    expect(acks['cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check']).toMatch(
      /and their DR replicas, must stay deletable \(erasure requests under privacy law\)/,
    );
  });

  describe('as a CDN failover origin', () => {
    const cdnStack = testStack('CdnReplica');
    const cdnKey = new kms.Key(cdnStack, 'AssetsKey');
    const logs = new s3.Bucket(cdnStack, 'Logs');
    const DISTRIBUTION = `arn:aws:cloudfront::${ENV.account}:distribution/E2QWRUHAPOMQZL`;
    const named = new ReplicaBucket(cdnStack, 'Named', {
      encryptionKey: cdnKey,
      replicationRoleArn: ROLE_ARN,
      noncurrentVersionRetentionDays: 90,
      serverAccessLogsBucket: logs,
      cloudFrontSourceArn: DISTRIBUTION,
    });
    const t = Template.fromStack(cdnStack);
    const statement = (sid: string, resource: any) =>
      (resource.Properties.PolicyDocument ?? resource.Properties.KeyPolicy).Statement.find((st: any) => st.Sid === sid);

    it('lets that one distribution read objects and decrypt them, nothing else', () => {
      const policy = resourcesOfType(t, 'AWS::S3::BucketPolicy').find(([, p]) => p.Properties.Bucket.Ref === ref(named.resource).Ref)![1];
      expect(statement('AllowCloudFrontFailoverRead', policy)).toEqual({
        Sid: 'AllowCloudFrontFailoverRead',
        Effect: 'Allow',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Action: 's3:GetObject',
        Resource: objects(named.resource),
        Condition: { StringEquals: { 'aws:SourceArn': DISTRIBUTION } },
      });
      expect(statement('AllowCloudFrontFailoverDecrypt', resourceOf(t, cdnKey))).toEqual({
        Sid: 'AllowCloudFrontFailoverDecrypt',
        Effect: 'Allow',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Action: 'kms:Decrypt',
        Resource: '*',
        Condition: { StringEquals: { 'aws:SourceArn': DISTRIBUTION } },
      });
    });

    it('admits distributions of the account only while none is named (first deploy), bound to the account', () => {
      const first = testStack('CdnReplicaFirst');
      const k = new kms.Key(first, 'AssetsKey');
      const r = new ReplicaBucket(first, 'Any', {
        encryptionKey: k,
        replicationRoleArn: ROLE_ARN,
        noncurrentVersionRetentionDays: 90,
        serverAccessLogsBucket: new s3.Bucket(first, 'Logs'),
        cloudFrontSourceArn: `arn:aws:cloudfront::${ENV.account}:distribution/*`,
      });
      const ft = Template.fromStack(first);
      const policy = resourcesOfType(ft, 'AWS::S3::BucketPolicy').find(([, p]) => p.Properties.Bucket.Ref === ref(r.resource).Ref)![1];
      expect(statement('AllowCloudFrontFailoverRead', policy).Condition).toEqual({
        StringEquals: { 'aws:SourceAccount': ENV.account },
        ArnLike: { 'aws:SourceArn': `arn:aws:cloudfront::${ENV.account}:distribution/*` },
      });
    });

    it('grants CloudFront nothing unless asked', () => {
      expect(JSON.stringify(drTemplate.toJSON())).not.toContain('cloudfront.amazonaws.com');
    });
  });

  describe('errors', () => {
    const scratch = testStack('ScratchReplica');
    const scratchKey = new kms.Key(scratch, 'Key');
    const logs = new s3.Bucket(scratch, 'Logs');
    const id = idSource();
    const make = (props: Partial<ReplicaBucketProps>) => () =>
      new ReplicaBucket(scratch, id(), {
        encryptionKey: scratchKey,
        replicationRoleArn: ROLE_ARN,
        noncurrentVersionRetentionDays: 90,
        serverAccessLogsBucket: logs,
        ...props,
      });

    it.each([
      ROLE_NAME,
      `arn:aws:iam::${ENV.account}:user/${ROLE_NAME}`,
      `arn:aws:iam::${ENV.account}:role/`,
      `arn:aws:sts::${ENV.account}:assumed-role/${ROLE_NAME}/s3`,
    ])('fails when replicationRoleArn is %p', (arn) => {
      expect(make({ replicationRoleArn: arn })).toThrow(
        new RegExp(
          `ReplicaBucket\\.replicationRoleArn: received "${literal(arn)}"; expected an IAM role ARN ` +
            `\\(arn:aws:iam::<account>:role/<name>\\)`,
        ),
      );
    });

    it('fails when the role is in another account', () => {
      expect(make({ replicationRoleArn: ROLE_ARN.replace(ENV.account, '222222222222') })).toThrow(
        new RegExp(
          "ReplicaBucket\\.replicationRoleArn: received a role of account 222222222222; expected a role of this stack's " +
            'account 111111111111; cross-account replication is not supported',
        ),
      );
    });

    it.each(['ab', 'Acme-Data', 'acme..data', '-acme', 'x'.repeat(64)])('fails when bucketName is %p', (name) => {
      expect(make({ bucketName: name })).toThrow(
        new RegExp(`ReplicaBucket\\.bucketName: received "${literal(name)}"; expected 3-63 lowercase letters, digits, dots or dashes`),
      );
    });

    it('fails with the SecureBucket message when noncurrentVersionRetentionDays is not positive', () => {
      expect(make({ noncurrentVersionRetentionDays: 0 })).toThrow(
        /SecureBucket\.noncurrentVersionRetentionDays: received 0; expected a positive number of days/,
      );
    });

    it.each(['arn:aws:cloudfront::111111111111:distribution', 'arn:aws:s3:::bucket', 'arn:aws:cloudfront::111111111111:distribution/e123'])(
      'fails when cloudFrontSourceArn is %p',
      (arn) => {
        expect(make({ cloudFrontSourceArn: arn })).toThrow(
          new RegExp(`ReplicaBucket\\.cloudFrontSourceArn: received "${literal(arn)}"; expected a distribution ARN`),
        );
      },
    );

    it('accepts a role with a path and a token', () => {
      expect(make({ replicationRoleArn: `arn:aws:iam::${ENV.account}:role/service/${ROLE_NAME}` })).not.toThrow();
      expect(
        make({ replicationRoleArn: ssm.StringParameter.valueForStringParameter(scratch, '/acme/replication-role-arn') }),
      ).not.toThrow();
    });
  });
});

/** `text` with its regular-expression characters escaped. */
function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
