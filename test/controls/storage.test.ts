import { checkBackup, checkStoragePrivate } from '../../lib/controls/aws/storage';
import { edgeTemplate, primaryTemplate } from './fixtures/aws-templates';
import { expectFinding, expectNotApplicable, expectPass, props, weakened } from './support';

const publicRead = (condition?: unknown) => ({
  Action: 's3:GetObject',
  Effect: 'Allow',
  Principal: '*',
  Resource: 'arn:aws:s3:::assets/*',
  ...(condition ? { Condition: condition } : {}),
});

describe('STORAGE-PRIVATE (AWS)', () => {
  it('passes buckets that block public access, are versioned and have ACLs disabled', () => {
    const result = checkStoragePrivate(primaryTemplate());
    expectPass(result);
    expect(result.evidence).toEqual(expect.arrayContaining(['DataBucket', 'AssetsBucket', 'AssetsBucketPolicy', 'CdnLogs']));
  });

  it('is not applicable without buckets', () => {
    expectNotApplicable(checkStoragePrivate({ Resources: { LogsKey: edgeTemplate().Resources.LogsKey } }));
  });

  it("passes the edge stack's Object-Locked log archive bucket", () => {
    expectPass(checkStoragePrivate(edgeTemplate()));
  });

  it('fails everyone conditioned on every CloudFront distribution of the account', () => {
    const t = weakened((t) =>
      props(t, 'AssetsBucketPolicy').PolicyDocument.Statement.push(
        publicRead({ ArnLike: { 'AWS:SourceArn': 'arn:aws:cloudfront::111111111111:distribution/*' } }),
      ),
    );
    expectFinding(checkStoragePrivate(t), 'AssetsBucketPolicy', /to everyone \("\*"\)/);
  });

  it('accepts everyone conditioned on one CloudFront distribution (origin access control)', () => {
    const t = weakened((t) =>
      props(t, 'AssetsBucketPolicy').PolicyDocument.Statement.push(
        publicRead({ StringEquals: { 'AWS:SourceArn': 'arn:aws:cloudfront::111111111111:distribution/E123' } }),
      ),
    );
    expectPass(checkStoragePrivate(t));
  });

  it.each<[string, (t: any) => void, string, RegExp]>([
    [
      'public ACLs allowed',
      (t) => (props(t, 'DataBucket').PublicAccessBlockConfiguration.BlockPublicAcls = false),
      'DataBucket',
      /BlockPublicAcls not true; expected all four flags true/,
    ],
    [
      'no public access block',
      (t) => delete props(t, 'DataBucket').PublicAccessBlockConfiguration,
      'DataBucket',
      /BlockPublicAcls, BlockPublicPolicy, IgnorePublicAcls, RestrictPublicBuckets not true/,
    ],
    [
      'versioning suspended',
      (t) => (props(t, 'DataBucket').VersioningConfiguration.Status = 'Suspended'),
      'DataBucket',
      /Status is "Suspended"; expected "Enabled"/,
    ],
    ['no versioning', (t) => delete props(t, 'AccessLogs').VersioningConfiguration, 'AccessLogs', /Status is absent; expected "Enabled"/],
    [
      'a public-read ACL',
      (t) => (props(t, 'CdnLogs').AccessControl = 'PublicRead'),
      'CdnLogs',
      /AccessControl is "PublicRead"; expected no ACL/,
    ],
    [
      'an authenticated-read ACL with ACLs enabled',
      (t) => (props(t, 'CdnLogs').AccessControl = 'AuthenticatedRead'),
      'CdnLogs',
      /AccessControl is "AuthenticatedRead"/,
    ],
    [
      'a public read statement',
      (t) => props(t, 'DataBucketPolicy').PolicyDocument.Statement.push(publicRead()),
      'DataBucketPolicy',
      /Statement\[1\] allows "s3:GetObject" to everyone/,
    ],
    [
      'public read for {AWS: "*"}',
      (t) => props(t, 'DataBucketPolicy').PolicyDocument.Statement.push({ ...publicRead(), Principal: { AWS: '*' } }),
      'DataBucketPolicy',
      /to everyone/,
    ],
    [
      'public read conditioned on any distribution',
      (t) =>
        props(t, 'AssetsBucketPolicy').PolicyDocument.Statement.push(
          publicRead({ StringLike: { 'aws:SourceArn': 'arn:aws:cloudfront::*:distribution/*' } }),
        ),
      'AssetsBucketPolicy',
      /to everyone/,
    ],
    [
      'public read conditioned on something else',
      (t) => props(t, 'AssetsBucketPolicy').PolicyDocument.Statement.push(publicRead({ StringEquals: { 'aws:UserAgent': 'x' } })),
      'AssetsBucketPolicy',
      /to everyone/,
    ],
    [
      'an allow with NotPrincipal',
      (t) =>
        props(t, 'DataBucketPolicy').PolicyDocument.Statement.push({
          Action: 's3:*',
          Effect: 'Allow',
          NotPrincipal: { AWS: 'arn:aws:iam::111111111111:root' },
          Resource: '*',
        }),
      'DataBucketPolicy',
      /NotPrincipal/,
    ],
  ])('fails with %s', (_name, edit, resource, message) => {
    expectFinding(checkStoragePrivate(weakened(edit)), resource, message);
  });
});

describe('BACKUP (AWS)', () => {
  it('passes 30-day PITR, protected and snapshotted database, 90-day file versions, retained keys', () => {
    const result = checkBackup(primaryTemplate());
    expectPass(result);
    expect(result.evidence).toEqual(expect.arrayContaining(['Database', 'DataBucket', 'AssetsBucket', 'DataKey']));
  });

  it('passes the edge stack (retained key) and is not applicable without stateful resources', () => {
    expectPass(checkBackup(edgeTemplate()));
    expectNotApplicable(checkBackup({ Resources: { Vpc: { Type: 'AWS::EC2::VPC' } } }));
  });

  it('honours stricter options', () => {
    const result = checkBackup(primaryTemplate(), { minDatabaseBackupDays: 35, minFileRetentionDays: 120 });
    expectFinding(result, 'Database', /BackupRetentionPeriod is 30; expected at least 35/);
    expectFinding(result, 'DataBucket', /after 90 days; expected at least 120/);
  });

  it('leaves log sinks to LOG-RETENTION (short noncurrent retention on the access-log bucket)', () => {
    expect(props(primaryTemplate(), 'AccessLogs').LifecycleConfiguration.Rules[0].NoncurrentVersionExpiration.NoncurrentDays).toBe(30);
    expectPass(checkBackup(primaryTemplate()));
  });

  it.each<[string, (t: any) => void, string, RegExp]>([
    ['7-day PITR', (t) => (props(t, 'Database').BackupRetentionPeriod = 7), 'Database', /BackupRetentionPeriod is 7; expected at least 30/],
    [
      'the default backup retention',
      (t) => delete props(t, 'Database').BackupRetentionPeriod,
      'Database',
      /BackupRetentionPeriod is absent/,
    ],
    [
      'no deletion protection',
      (t) => (props(t, 'Database').DeletionProtection = false),
      'Database',
      /DeletionProtection is false; expected true/,
    ],
    [
      'deleted with the stack',
      (t) => (t.Resources.Database.DeletionPolicy = 'Delete'),
      'Database',
      /DeletionPolicy is "Delete"; expected "Snapshot" or "Retain"/,
    ],
    [
      'deleted on replacement',
      (t) => delete t.Resources.Database.UpdateReplacePolicy,
      'Database',
      /UpdateReplacePolicy is absent; expected "Snapshot" or "Retain"/,
    ],
    [
      'noncurrent versions kept 30 days',
      (t) => (props(t, 'DataBucket').LifecycleConfiguration.Rules[0].NoncurrentVersionExpiration.NoncurrentDays = 30),
      'DataBucket',
      /lifecycle rule "noncurrent-versions" expires noncurrent versions after 30 days; expected at least 90/,
    ],
    [
      'an unversioned data bucket',
      (t) => delete props(t, 'AssetsBucket').VersioningConfiguration,
      'AssetsBucket',
      /expected "Enabled" \(old versions are the file backups\)/,
    ],
    [
      'a bucket deleted with the stack',
      (t) => (t.Resources.DataBucket.DeletionPolicy = 'Delete'),
      'DataBucket',
      /DeletionPolicy is "Delete"; expected "Retain"/,
    ],
    [
      'a log bucket deleted with the stack',
      (t) => delete t.Resources.AlbLogs.DeletionPolicy,
      'AlbLogs',
      /DeletionPolicy is absent; expected "Retain"/,
    ],
    [
      'a key deleted with the stack',
      (t) => (t.Resources.DataKey.DeletionPolicy = 'Delete'),
      'DataKey',
      /DeletionPolicy is "Delete"; expected "Retain"/,
    ],
  ])('fails with %s', (_name, edit, resource, message) => {
    expectFinding(checkBackup(weakened(edit)), resource, message);
  });
});
