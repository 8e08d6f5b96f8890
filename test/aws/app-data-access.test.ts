import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { APP_KEY_ACTIONS, APP_OBJECT_ACTIONS, AppDataAccess } from '../../lib/aws/app-data-access';
import { OBJECT_PURGE_ACTIONS } from '../../lib/controls/aws/storage';
import { actionMatches } from '../../lib/controls/aws/iam';
import { ENV, getAtt, idSource, ref, resourceOf, testStack } from './support';

const stack = testStack();
const role = new iam.Role(stack, 'AppRole', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
const key = new kms.Key(stack, 'DataKey');
const bucket = new s3.Bucket(stack, 'Data', { encryptionKey: key, bucketKeyEnabled: true, versioned: true });
const access = new AppDataAccess(stack, 'Access', {
  role,
  bucket: { bucket, key },
  database: { resourceId: 'db-ABCDEFGHIJKLMNOPQRSTUVWXY', user: 'app' },
});
const scoped = new AppDataAccess(stack, 'Scoped', { role, bucket: { bucket, key }, objectPrefix: 'tenants/eu/' });
const template = Template.fromStack(stack);
const statementsOf = (a: AppDataAccess) => resourceOf(template, a.resource).Properties.PolicyDocument.Statement;
const bySid = (a: AppDataAccess, sid: string) => statementsOf(a).find((s: any) => s.Sid === sid);
const objects = (prefix: string) => ({ 'Fn::Join': ['', [getAtt(bucket, 'Arn'), `/${prefix}*`]] });

describe('AppDataAccess', () => {
  it('attaches one policy to the role', () => {
    expect(resourceOf(template, access.resource).Properties.Roles).toEqual([ref(role)]);
  });

  it('lists object actions one by one on the app prefix only, with no version purge, retention or legal-hold change', () => {
    expect(bySid(access, 'AppObjects')).toEqual({
      Sid: 'AppObjects',
      Effect: 'Allow',
      Action: [...APP_OBJECT_ACTIONS].sort(),
      Resource: objects('app/'),
    });
    const granted = statementsOf(access).flatMap((s: any) => [s.Action].flat());
    for (const purge of OBJECT_PURGE_ACTIONS)
      expect({ purge, granted: granted.some((a: string) => actionMatches(a, purge)) }).toEqual({ purge, granted: false });
    expect(granted.every((a: string) => !a.includes('*'))).toBe(true);
  });

  it('lists the bucket only under the prefix', () => {
    expect(bySid(access, 'AppBucketListing')).toEqual({
      Sid: 'AppBucketListing',
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: getAtt(bucket, 'Arn'),
      Condition: { StringLike: { 's3:prefix': ['app/*'] } },
    });
  });

  it('uses the data key only for Decrypt and GenerateDataKey, only through S3 of its region for this bucket', () => {
    expect(bySid(access, 'AppDataKeyThroughS3')).toEqual({
      Sid: 'AppDataKeyThroughS3',
      Effect: 'Allow',
      Action: [...APP_KEY_ACTIONS],
      Resource: getAtt(key, 'Arn'),
      Condition: {
        StringEquals: { 'kms:ViaService': `s3.${ENV.region}.amazonaws.com` },
        StringLike: { 'kms:EncryptionContext:aws:s3:arn': [getAtt(bucket, 'Arn'), objects('app/')] },
      },
    });
  });

  it('connects to the database as one user through IAM authentication', () => {
    expect(bySid(access, 'AppDatabaseIamAuth')).toEqual({
      Sid: 'AppDatabaseIamAuth',
      Effect: 'Allow',
      Action: 'rds-db:connect',
      Resource: `arn:aws:rds-db:${ENV.region}:${ENV.account}:dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWXY/app`,
    });
  });

  it('honours another prefix everywhere it appears', () => {
    expect(bySid(scoped, 'AppObjects').Resource).toEqual(objects('tenants/eu/'));
    expect(bySid(scoped, 'AppBucketListing').Condition.StringLike['s3:prefix']).toEqual(['tenants/eu/*']);
    expect(bySid(scoped, 'AppDatabaseIamAuth')).toBeUndefined();
  });

  describe('rejects', () => {
    const scratch = testStack('Scratch');
    const next = idSource();
    const r = new iam.Role(scratch, 'R', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    const k = new kms.Key(scratch, 'K');
    const b = new s3.Bucket(scratch, 'B', { encryptionKey: k });
    it.each(['*', 'app/*', 'app', '/app/', '../app/', 'app//', ''])('the object prefix %p', (objectPrefix) => {
      expect(() => new AppDataAccess(scratch, next(), { role: r, bucket: { bucket: b, key: k }, objectPrefix })).toThrow(
        /AppDataAccess.objectPrefix: received .*ending in "\/"/,
      );
    });
    it('an empty grant', () => {
      expect(() => new AppDataAccess(scratch, next(), { role: r })).toThrow(/received neither bucket nor database/);
    });
    it('a database user that is not a role name', () => {
      expect(() => new AppDataAccess(scratch, next(), { role: r, database: { resourceId: 'db-X', user: 'App User' } })).toThrow(
        /AppDataAccess.database.user: received "App User"/,
      );
    });
  });
});
