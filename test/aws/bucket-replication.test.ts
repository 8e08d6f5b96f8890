import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { BucketReplication, type BucketReplicationProps, type ReplicaStorageClass } from '../../lib/aws/bucket-replication';
import { ReplicaBucket } from '../../lib/aws/replica-bucket';
import { SecureBucket } from '../../lib/aws/secure-bucket';
import { ENV, acknowledgements, getAtt, idSource, logicalId, ref, resourceOf, resourcesOfType, testStack } from './support';

const DR_REGION = 'eu-central-1';
const DR_BUCKET_ARN = 'arn:aws:s3:::acme-prod-data-dr';
const DR_KEY_ARN = `arn:aws:kms:${DR_REGION}:${ENV.account}:key/0123abcd-0123-4567-89ab-0123456789ab`;
const ROLE_NAME = 'acme-prod-data-replication';
const ROLE_ARN = `arn:aws:iam::${ENV.account}:role/${ROLE_NAME}`;
const REPLICATE = ['s3:ReplicateDelete', 's3:ReplicateObject', 's3:ReplicateTags'];

// Primary region: one replication per configuration, each on its own source bucket.
const stack = testStack();
const key = new kms.Key(stack, 'DataKey');
const accessLogs = new SecureBucket(stack, 'AccessLogs', { noncurrentVersionRetentionDays: 30, expirationDays: 90 }).resource;
const sourceBucket = (id: string) =>
  new SecureBucket(stack, id, { encryptionKey: key, serverAccessLogsBucket: accessLogs, noncurrentVersionRetentionDays: 90 }).resource;
const destination = { sourceKey: key, destinationBucketArn: DR_BUCKET_ARN, destinationKeyArn: DR_KEY_ARN, destinationRegion: DR_REGION };
const data = sourceBucket('Data');
const replication = new BucketReplication(stack, 'Replication', { source: data, ...destination, roleName: ROLE_NAME });
const noRtcData = sourceBucket('NoRtcData');
const noRtc = new BucketReplication(stack, 'NoRtc', { source: noRtcData, ...destination, replicationTimeControl: false });
const keepDeletedData = sourceBucket('KeepDeletedData');
const keepDeleted = new BucketReplication(stack, 'KeepDeleted', {
  source: keepDeletedData,
  ...destination,
  deleteMarkerReplication: false,
});
const infrequentData = sourceBucket('InfrequentData');
const infrequent = new BucketReplication(stack, 'Infrequent', { source: infrequentData, ...destination, storageClass: 'STANDARD_IA' });
// Destination values from SSM parameters: unresolved tokens, so validation skips them.
const parameterData = sourceBucket('ParameterData');
const bucketArnParameter = ssm.StringParameter.valueForStringParameter(stack, '/acme/dr-bucket-arn');
const keyArnParameter = ssm.StringParameter.valueForStringParameter(stack, '/acme/dr-key-arn');
const fromParameters = new BucketReplication(stack, 'FromParameters', {
  source: parameterData,
  sourceKey: key,
  destinationBucketArn: bucketArnParameter,
  destinationKeyArn: keyArnParameter,
  destinationRegion: DR_REGION,
});
const template = Template.fromStack(stack);

const configOf = (bucket: s3.Bucket) => resourceOf(template, bucket).Properties.ReplicationConfiguration;
const policyOf = (r: BucketReplication) => r.role.node.findChild('DefaultPolicy');
const statementsOf = (r: BucketReplication): any[] => resourceOf(template, policyOf(r)).Properties.PolicyDocument.Statement;
const objects = (bucket: s3.IBucket) => ({ 'Fn::Join': ['', [getAtt(bucket, 'Arn'), '/*']] });

/**
 * The replication configuration of `r` with every default; `rule` and `destinationFields` replace
 * fields of the rule and its Destination.
 */
const expectedConfig = (r: BucketReplication, rule: object = {}, destinationFields: object = {}) => ({
  Role: getAtt(r.role, 'Arn'),
  Rules: [
    {
      Id: 'dr-region',
      Priority: 1,
      Status: 'Enabled',
      Filter: { Prefix: '' },
      DeleteMarkerReplication: { Status: 'Enabled' },
      SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
      Destination: {
        Bucket: DR_BUCKET_ARN,
        EncryptionConfiguration: { ReplicaKmsKeyID: DR_KEY_ARN },
        StorageClass: 'STANDARD',
        ReplicationTime: { Status: 'Enabled', Time: { Minutes: 15 } },
        Metrics: { Status: 'Enabled', EventThreshold: { Minutes: 15 } },
        ...destinationFields,
      },
      ...rule,
    },
  ],
});

/** The replication role's policy, exactly, for `source` replicating into `bucketArn`/`keyArn`. */
const expectedStatements = (source: s3.IBucket, bucketArn: unknown, keyArn: unknown) => {
  const replicaObjects = typeof bucketArn === 'string' ? `${bucketArn}/*` : { 'Fn::Join': ['', [bucketArn, '/*']] };
  return [
    {
      Sid: 'ReadSourceReplicationConfiguration',
      Effect: 'Allow',
      Action: ['s3:GetReplicationConfiguration', 's3:ListBucket'],
      Resource: getAtt(source, 'Arn'),
    },
    {
      Sid: 'ReadSourceObjectVersions',
      Effect: 'Allow',
      Action: ['s3:GetObjectVersionAcl', 's3:GetObjectVersionForReplication', 's3:GetObjectVersionTagging'],
      Resource: objects(source),
    },
    { Sid: 'WriteReplicas', Effect: 'Allow', Action: REPLICATE, Resource: replicaObjects },
    {
      Sid: 'DecryptSourceObjects',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: getAtt(key, 'Arn'),
      Condition: {
        StringEquals: { 'kms:ViaService': `s3.${ENV.region}.amazonaws.com` },
        StringLike: { 'kms:EncryptionContext:aws:s3:arn': [getAtt(source, 'Arn'), objects(source)] },
      },
    },
    {
      Sid: 'EncryptReplicas',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
      Resource: keyArn,
      Condition: {
        StringEquals: { 'kms:ViaService': `s3.${DR_REGION}.amazonaws.com` },
        StringLike: { 'kms:EncryptionContext:aws:s3:arn': [bucketArn, replicaObjects] },
      },
    },
  ];
};

const IAM5_REASON = /S3 names objects only as <bucket-arn>\/\*, and no other bucket is reachable/;

describe('BucketReplication', () => {
  it('replicates the whole bucket to the DR bucket under the DR key, with delete markers and a 15-minute RTC by default', () => {
    expect(configOf(data)).toEqual(expectedConfig(replication));
  });

  it('drops only Replication Time Control and the metrics threshold when RTC is turned off, keeping the metrics', () => {
    expect(configOf(noRtcData)).toEqual(expectedConfig(noRtc, {}, { ReplicationTime: undefined, Metrics: { Status: 'Enabled' } }));
    expect(configOf(noRtcData).Rules[0].Destination).not.toHaveProperty('ReplicationTime');
  });

  it('disables only delete-marker replication when it is turned off', () => {
    expect(configOf(keepDeletedData)).toEqual(expectedConfig(keepDeleted, { DeleteMarkerReplication: { Status: 'Disabled' } }));
  });

  it('changes only the storage class when one is given', () => {
    expect(configOf(infrequentData)).toEqual(expectedConfig(infrequent, {}, { StorageClass: 'STANDARD_IA' }));
  });

  it('takes the destination as plain values, such as SSM parameters', () => {
    expect(configOf(parameterData).Rules[0].Destination).toMatchObject({
      Bucket: { Ref: expect.stringMatching(/^SsmParameterValueacmedrbucketarn/) },
      EncryptionConfiguration: { ReplicaKmsKeyID: { Ref: expect.stringMatching(/^SsmParameterValueacmedrkeyarn/) } },
    });
  });

  it('keeps the source bucket versioned', () => {
    for (const bucket of [data, noRtcData, keepDeletedData, infrequentData, parameterData]) {
      expect(resourceOf(template, bucket).Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    }
  });

  it('lets only S3 acting for this account assume the role', () => {
    expect(resourceOf(template, replication.role).Properties.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 's3.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:SourceAccount': ENV.account } },
        },
      ],
    });
  });

  it('names the role when asked (so the DR stack can name it) and generates a name otherwise', () => {
    expect(resourceOf(template, replication.role).Properties.RoleName).toBe(ROLE_NAME);
    expect(resourceOf(template, noRtc.role).Properties.RoleName).toBeUndefined();
  });

  it('grants the role exactly the replication actions on the two buckets and the two keys', () => {
    expect(statementsOf(replication)).toEqual(expectedStatements(data, DR_BUCKET_ARN, DR_KEY_ARN));
    expect(statementsOf(fromParameters)).toEqual(
      expectedStatements(parameterData, { Ref: findParameter('acmedrbucketarn') }, { Ref: findParameter('acmedrkeyarn') }),
    );
  });

  it('grants no service-wide or resource-wide wildcard', () => {
    for (const r of [replication, noRtc, keepDeleted, infrequent, fromParameters]) {
      for (const statement of statementsOf(r)) {
        for (const action of [statement.Action].flat()) expect(action).not.toMatch(/\*/);
        expect(statement.Resource).not.toEqual('*');
      }
    }
  });

  it('gives the role no other policy', () => {
    const role = resourceOf(template, replication.role).Properties;
    expect(role.ManagedPolicyArns).toBeUndefined();
    expect(role.Policies).toBeUndefined();
    const attached = resourcesOfType(template, 'AWS::IAM::Policy').filter(([, p]) =>
      p.Properties.Roles.some((r: any) => r.Ref === logicalId(replication.role)),
    );
    expect(attached.map(([id]) => id)).toEqual([logicalId(policyOf(replication))]);
  });

  it('acknowledges exactly the two object wildcards of the policy, with a reason', () => {
    const acks = acknowledgements(policyOf(replication));
    expect(Object.keys(acks)).toEqual([
      `AwsSolutions::AwsSolutions-IAM5[Resource::<${logicalId(data)}.Arn>/*]`,
      `AwsSolutions::AwsSolutions-IAM5[Resource::${DR_BUCKET_ARN}/*]`,
    ]);
    for (const reason of Object.values(acks)) expect(reason).toMatch(IAM5_REASON);
    expect(Object.keys(acknowledgements(policyOf(fromParameters)))).toEqual([
      `AwsSolutions::AwsSolutions-IAM5[Resource::<${logicalId(parameterData)}.Arn>/*]`,
      `AwsSolutions::AwsSolutions-IAM5[Resource::<${findParameter('acmedrbucketarn')}>/*]`,
    ]);
    expect(acknowledgements(replication.role)).toEqual({});
  });

  it('leaves the wildcard of a bucket in another stack to that wiring, since its import is named only at synth', () => {
    const primary = testStack('CrossRegion');
    const dr = new Stack(primary.node.root, 'CrossRegionDr', { env: { account: ENV.account, region: DR_REGION } });
    const drBucket = new ReplicaBucket(dr, 'Replica', {
      encryptionKey: new kms.Key(dr, 'Key'),
      replicationRoleArn: ROLE_ARN,
      noncurrentVersionRetentionDays: 90,
      serverAccessLogsBucket: new s3.Bucket(dr, 'Logs'),
    });
    const sourceKey = new kms.Key(primary, 'Key');
    const source = new SecureBucket(primary, 'Data', { encryptionKey: sourceKey, noncurrentVersionRetentionDays: 90 }).resource;
    const r = new BucketReplication(primary, 'Replication', {
      source,
      sourceKey,
      destinationBucketArn: drBucket.resource.bucketArn,
      destinationKeyArn: DR_KEY_ARN,
      destinationRegion: DR_REGION,
    });
    expect(Object.keys(acknowledgements(policyOf(r)))).toEqual([`AwsSolutions::AwsSolutions-IAM5[Resource::<${logicalId(source)}.Arn>/*]`]);
  });

  describe('errors', () => {
    const scratch = testStack('Scratch');
    const scratchKey = new kms.Key(scratch, 'Key');
    const otherKey = new kms.Key(scratch, 'OtherKey');
    const id = idSource();
    const bucket = () => new SecureBucket(scratch, id(), { encryptionKey: scratchKey, noncurrentVersionRetentionDays: 90 }).resource;
    const make = (props: Partial<BucketReplicationProps>) => () =>
      new BucketReplication(scratch, id(), {
        source: bucket(),
        sourceKey: scratchKey,
        destinationBucketArn: DR_BUCKET_ARN,
        destinationKeyArn: DR_KEY_ARN,
        destinationRegion: DR_REGION,
        ...props,
      });

    it('fails when the destination is in the source region', () => {
      expect(make({ destinationRegion: ENV.region })).toThrow(
        new RegExp(
          'BucketReplication\\.destinationRegion: received "eu-west-1", the source bucket\'s own region; expected another ' +
            'region \\(control DR-REGION\\)',
        ),
      );
    });

    it.each(['EU-central-1', 'eu-central', 'frankfurt'])('fails when destinationRegion is %p', (region) => {
      expect(make({ destinationRegion: region })).toThrow(
        new RegExp(`BucketReplication\\.destinationRegion: received "${region}"; expected an AWS region code such as eu-central-1`),
      );
    });

    it.each([
      'acme-prod-data-dr',
      'arn:aws:s3:::acme-prod-data-dr/*',
      'arn:aws:s3:::acme-prod-data-dr/prefix',
      'arn:aws:s3:eu-central-1::acme-prod-data-dr',
      'arn:aws:s3:::Acme',
    ])('fails when destinationBucketArn is %p', (arn) => {
      expect(make({ destinationBucketArn: arn })).toThrow(
        new RegExp(
          `BucketReplication\\.destinationBucketArn: received "${literal(arn)}"; expected an S3 bucket ARN ` +
            `\\(arn:aws:s3:::<bucket-name>, no object path\\)`,
        ),
      );
    });

    it.each([
      `arn:aws:kms:${DR_REGION}:${ENV.account}:alias/acme-prod/data`,
      '0123abcd-0123-4567-89ab-0123456789ab',
      `arn:aws:kms:${DR_REGION}:${ENV.account}:key/not-a-key-id`,
    ])('fails when destinationKeyArn is %p', (arn) => {
      expect(make({ destinationKeyArn: arn })).toThrow(
        new RegExp(
          `BucketReplication\\.destinationKeyArn: received "${literal(arn)}"; expected a KMS key ARN ` +
            `\\(arn:aws:kms:<region>:<account>:key/<key-id>\\), not an alias`,
        ),
      );
    });

    it('fails when the destination key is in another region than the destination', () => {
      expect(make({ destinationKeyArn: DR_KEY_ARN.replace(DR_REGION, 'eu-west-3') })).toThrow(
        /BucketReplication\.destinationKeyArn: received a key in eu-west-3; expected a key in destinationRegion eu-central-1/,
      );
    });

    it('fails when the destination key is in another account', () => {
      expect(make({ destinationKeyArn: DR_KEY_ARN.replace(ENV.account, '222222222222') })).toThrow(
        new RegExp(
          "BucketReplication\\.destinationKeyArn: received a key of account 222222222222; expected a key of this stack's " +
            'account 111111111111; cross-account replication is not supported',
        ),
      );
    });

    it.each(['GLACIER', 'DEEP_ARCHIVE', 'ONEZONE_IA', 'REDUCED_REDUNDANCY'])(
      'fails when storageClass is %p (not readable at once from several zones)',
      (storageClass) => {
        expect(make({ storageClass: storageClass as ReplicaStorageClass })).toThrow(
          new RegExp(
            `BucketReplication\\.storageClass: received "${storageClass}"; expected one of STANDARD, STANDARD_IA, ` +
              `INTELLIGENT_TIERING, GLACIER_IR`,
          ),
        );
      },
    );

    it.each(['has space', 'x'.repeat(65), ''])('fails when roleName is %p', (name) => {
      expect(make({ roleName: name })).toThrow(
        new RegExp(`BucketReplication\\.roleName: received "${name}"; expected 1-64 letters, digits or \\+=,\\.@_-`),
      );
    });

    it('fails when the source bucket is not versioned', () => {
      const unversioned = new s3.Bucket(scratch, id(), { encryptionKey: scratchKey });
      expect(make({ source: unversioned })).toThrow(
        new RegExp(
          `BucketReplication\\.source: received bucket ${unversioned.node.path} without versioning; expected a versioned ` +
            `bucket \\(S3 replication needs versioning on both sides\\)`,
        ),
      );
    });

    it('fails when the source bucket already replicates', () => {
      const source = bucket();
      make({ source })();
      expect(make({ source })).toThrow(
        new RegExp(
          `BucketReplication\\.source: received bucket ${source.node.path}, which already has a replication configuration; ` +
            `expected a bucket without one`,
        ),
      );
    });

    it('fails when the source bucket has no KMS key', () => {
      const sseS3 = new SecureBucket(scratch, id(), { noncurrentVersionRetentionDays: 90 }).resource;
      expect(make({ source: sseS3 })).toThrow(
        new RegExp(
          `BucketReplication\\.source: received bucket ${sseS3.node.path} without a KMS key \\(SSE-S3\\); expected an SSE-KMS ` +
            `bucket \\(control ENC-REST\\)`,
        ),
      );
    });

    it("fails when sourceKey is not the source bucket's key", () => {
      expect(make({ sourceKey: otherKey })).toThrow(
        /BucketReplication\.sourceKey: received key Scratch\/OtherKey; expected the source bucket's encryption key Scratch\/Key/,
      );
    });

    it('fails when the source bucket is in another stack', () => {
      const other = testStack('OtherScratch');
      const otherBucket = new SecureBucket(other, 'Bucket', {
        encryptionKey: new kms.Key(other, 'Key'),
        noncurrentVersionRetentionDays: 90,
      }).resource;
      expect(make({ source: otherBucket })).toThrow(
        /BucketReplication\.source: received a bucket of stack OtherScratch; expected a bucket of this construct's stack Scratch/,
      );
    });

    it('accepts every allowed storage class', () => {
      for (const storageClass of ['STANDARD', 'STANDARD_IA', 'INTELLIGENT_TIERING', 'GLACIER_IR'] as const)
        expect(make({ storageClass })).not.toThrow();
    });
  });
});

describe('BucketReplication metrics', () => {
  it("measure the rule's latency and failures with the source, destination and rule dimensions", () => {
    const latency = replication.latencyMetric();
    expect(latency).toMatchObject({ namespace: 'AWS/S3', metricName: 'ReplicationLatency', statistic: 'Maximum' });
    expect(latency.period.toMinutes()).toBe(5);
    expect(stack.resolve(latency.dimensions)).toEqual({
      SourceBucket: ref(data),
      DestinationBucket: 'acme-prod-data-dr',
      RuleId: 'dr-region',
    });
    expect(replication.failedOperationsMetric()).toMatchObject({ metricName: 'OperationsFailedReplication', statistic: 'Sum' });
  });
});

/** The logical id of the SSM-parameter CloudFormation parameter whose name contains `fragment`. */
function findParameter(fragment: string): string {
  const ids = Object.keys(template.toJSON().Parameters).filter((p) => p.includes(fragment));
  expect(ids).toHaveLength(1);
  return ids[0];
}

/** `text` with its regular-expression characters escaped. */
function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
