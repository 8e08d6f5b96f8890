import { ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DEFAULT_APP_OBJECT_PREFIX, objectPrefixProblem } from '../config/least-privilege';

/**
 * Object actions the app may perform under its prefix. Deleting an object of a versioned bucket
 * only adds a delete marker, so every version stays recoverable for the backup retention.
 * Deliberately absent (controls STORAGE-PRIVATE and BACKUP): `s3:DeleteObjectVersion` (a
 * permanent purge), `s3:PutObjectRetention`, `s3:PutObjectLegalHold` and
 * `s3:BypassGovernanceRetention` (lifting a lock), ACL and bucket-configuration changes.
 */
export const APP_OBJECT_ACTIONS = [
  's3:GetObject',
  's3:GetObjectVersion',
  's3:PutObject',
  's3:DeleteObject',
  's3:AbortMultipartUpload',
  's3:ListMultipartUploadParts',
] as const;
/** Bucket actions the app may perform: listing, limited to its prefix. */
export const APP_BUCKET_ACTIONS = ['s3:ListBucket'] as const;
/** Key actions the app needs for SSE-KMS objects, and nothing else (no ReEncrypt, no grants). */
export const APP_KEY_ACTIONS = ['kms:Decrypt', 'kms:GenerateDataKey'] as const;
/** The database action of IAM authentication. */
export const APP_DATABASE_ACTIONS = ['rds-db:connect'] as const;

/** A database the app connects to with IAM authentication. */
export interface AppDatabaseAccess {
  /** The instance's resource id (`DbiResourceId`, `db-...`), not its identifier. */
  readonly resourceId: string;
  /** The database user the app connects as. */
  readonly user: string;
}

/** Props of {@link AppDataAccess}. */
export interface AppDataAccessProps {
  /** The role of the app instances. */
  readonly role: iam.IRole;
  /**
   * The data bucket (the primary bucket, or its replica in the DR region), with the key that
   * encrypts it. Omit for a grant that only connects to a database (the DR replica lives in
   * a stack of its own).
   * @default - no bucket access
   */
  readonly bucket?: { readonly bucket: s3.IBucket; readonly key: kms.IKey };
  /**
   * The key prefix the app reads and writes under: no wildcards, ending in `/`.
   * @default 'app/'
   */
  readonly objectPrefix?: string;
  /**
   * The database the app connects to as `user` with IAM authentication.
   * @default - no database access
   */
  readonly database?: AppDatabaseAccess;
}

/**
 * What the app instances may do with customer data (controls STORAGE-PRIVATE, BACKUP, ENC-REST,
 * DR-REGION; claims A6, A16): read, write and delete objects under one prefix of the data bucket
 * (a delete is a delete marker: no version purge, no retention or legal-hold change), use the data
 * key only through S3 for that bucket (`kms:ViaService`, encryption context), and connect to the
 * database as one user. The primary and DR app roles both get their permissions from this one
 * definition, so the standby can read the replicas after a failover and the two cannot drift.
 *
 * A compromised app host can therefore overwrite or delete current objects, which versioning
 * keeps, but cannot destroy the versions, unlock objects or decrypt anything outside the bucket.
 */
export class AppDataAccess extends Construct {
  /** The policy attached to the role. */
  readonly resource: iam.Policy;

  constructor(scope: Construct, id: string, props: AppDataAccessProps) {
    super(scope, id);
    const prefix = props.objectPrefix ?? DEFAULT_APP_OBJECT_PREFIX;
    const problem = objectPrefixProblem(prefix);
    if (problem) throw new Error(`AppDataAccess.objectPrefix: received "${prefix}"; ${problem}`);
    if (!props.bucket && !props.database) {
      throw new Error('AppDataAccess: received neither bucket nor database; expected at least one, or the grant is empty');
    }
    if (props.database && !Token.isUnresolved(props.database.user) && !/^[a-z_][a-z0-9_]{0,62}$/.test(props.database.user)) {
      throw new Error(
        `AppDataAccess.database.user: received "${props.database.user}"; expected a PostgreSQL role name (lower case letters, ` +
          `digits and _)`,
      );
    }
    this.resource = new iam.Policy(this, 'Resource', { statements: appDataStatements(Stack.of(this), { ...props, objectPrefix: prefix }) });
    this.resource.attachToRole(props.role);
  }
}

/** The statements of {@link AppDataAccess}, for one bucket, key and database. */
function appDataStatements(stack: Stack, props: AppDataAccessProps & { readonly objectPrefix: string }): iam.PolicyStatement[] {
  const statements: iam.PolicyStatement[] = [];
  const prefix = props.objectPrefix;
  if (props.bucket) {
    const { bucket, key } = props.bucket;
    statements.push(
      new iam.PolicyStatement({
        sid: 'AppObjects',
        actions: [...APP_OBJECT_ACTIONS],
        resources: [bucket.arnForObjects(`${prefix}*`)],
      }),
      new iam.PolicyStatement({
        sid: 'AppBucketListing',
        actions: [...APP_BUCKET_ACTIONS],
        resources: [bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } },
      }),
      // The key encrypts the database, volumes and backups too: the app may use it only as S3
      // does for this bucket (bucket keys make the bucket ARN the encryption context).
      new iam.PolicyStatement({
        sid: 'AppDataKeyThroughS3',
        actions: [...APP_KEY_ACTIONS],
        resources: [key.keyArn],
        conditions: {
          StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` },
          StringLike: { 'kms:EncryptionContext:aws:s3:arn': [bucket.bucketArn, bucket.arnForObjects(`${prefix}*`)] },
        },
      }),
    );
  }
  if (props.database) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'AppDatabaseIamAuth',
        actions: [...APP_DATABASE_ACTIONS],
        resources: [
          stack.formatArn({
            service: 'rds-db',
            resource: 'dbuser',
            resourceName: `${props.database.resourceId}/${props.database.user}`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );
  }
  return statements;
}
