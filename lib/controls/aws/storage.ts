import type { CheckOptions, CheckResult } from '../types';
import { POLICY_FLOORS } from '../../config/floors';
import { logBuckets } from './buckets';
import { allowedActions, isServiceRole, resourcesOf, roleGrants } from './iam';
import { unboundServiceGrant } from './service-principals';
import { Outcome } from '../core/outcome';
import {
  asNumber,
  conditionValue,
  isPublicPrincipal,
  isTrue,
  list,
  ofType,
  renderText,
  show,
  statements,
  type CfnTemplate,
  type Res,
} from './template';

const PUBLIC_ACCESS_FLAGS = ['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets'] as const;
/** Condition keys that restrict a `"*"` principal to one caller (a CloudFront distribution, an account). */
const RESTRICTING_KEYS = ['aws:SourceArn', 'aws:PrincipalOrgID', 'aws:PrincipalAccount'];

/**
 * Control STORAGE-PRIVATE: every bucket blocks all public access, is versioned, has ACLs disabled
 * (or no ACL), and no bucket policy grants everyone access unless bound to one source ARN; no
 * workload role may purge versions, lift retention or legal holds, or change bucket protection.
 */
export function checkStoragePrivate(template: CfnTemplate): CheckResult {
  const out = new Outcome('STORAGE-PRIVATE');
  const buckets = ofType(template, 'AWS::S3::Bucket');
  for (const bucket of buckets) {
    out.within(bucket.id, () => {
      const p = bucket.props;
      const pab = p.PublicAccessBlockConfiguration ?? {};
      const open = PUBLIC_ACCESS_FLAGS.filter((f) => !isTrue(pab[f]));
      if (open.length > 0) out.fail(bucket.id, `PublicAccessBlockConfiguration ${open.join(', ')} not true; expected all four flags true`);
      if (p.VersioningConfiguration?.Status !== 'Enabled') {
        out.fail(bucket.id, `VersioningConfiguration.Status is ${show(p.VersioningConfiguration?.Status)}; expected "Enabled"`);
      }
      const ownership = list(p.OwnershipControls?.Rules).map((r) => r?.ObjectOwnership);
      const enforced = ownership.length > 0 && ownership.every((o) => o === 'BucketOwnerEnforced');
      if (p.AccessControl !== undefined && p.AccessControl !== 'Private' && !(p.AccessControl === 'LogDeliveryWrite' && !enforced)) {
        out.fail(bucket.id, `AccessControl is ${show(p.AccessControl)}; expected no ACL (ObjectOwnership BucketOwnerEnforced)`);
      }
    });
  }
  const policies = ofType(template, 'AWS::S3::BucketPolicy');
  for (const policy of policies) {
    out.within(policy.id, () => {
      statements(policy.props.PolicyDocument).forEach((s, i) => {
        if (s.Effect !== 'Allow') return;
        const unbound = unboundServiceGrant(template, s, 'bucket');
        if (unbound) out.fail(policy.id, `Statement[${i}] ${unbound}`);
        if (s.NotPrincipal !== undefined) {
          out.fail(policy.id, `Statement[${i}] allows with NotPrincipal; expected named principals`);
          return;
        }
        if (!isPublicPrincipal(s.Principal)) return;
        const bound = RESTRICTING_KEYS.some((key) =>
          Object.keys(s.Condition ?? {}).some((op) => {
            const v = conditionValue(s, op, key);
            return v !== undefined && list(v).every((x) => isSpecificArn(x));
          }),
        );
        if (!bound) {
          out.fail(
            policy.id,
            `Statement[${i}] allows ${show(s.Action)} to everyone ("*"); expected a named principal, or a Condition on ` +
              `aws:SourceArn (CloudFront origin access control)`,
          );
        }
      });
    });
  }
  // Workload roles (assumed by a service: app instances, functions) never destroy versions or
  // lift locks: a stolen instance credential must not be able to purge the backups.
  for (const role of ofType(template, 'AWS::IAM::Role').filter(isServiceRole)) {
    out.within(role.id, () => {
      for (const { declaredBy, statement } of roleGrants(template, role).grants) {
        const purge = allowedActions(statement, OBJECT_PURGE_ACTIONS);
        if (purge.length > 0) {
          out.fail(
            declaredBy,
            `grants ${role.id} ${purge.join(', ')} on ${resourcesOf(statement).join(', ')}; expected workload roles to write ` +
              `and delete objects only (a delete marker), never to purge versions, lift retention or legal holds, or change ` +
              `bucket protection`,
          );
        }
      }
    });
  }
  return out.result(buckets.length + policies.length > 0);
}

/**
 * Actions that destroy object versions or the protection of a bucket: a workload holding any of
 * them can make versioning (the file backups) and Object Lock worthless (STORAGE-PRIVATE, BACKUP).
 */
export const OBJECT_PURGE_ACTIONS = [
  's3:DeleteObjectVersion',
  's3:PutObjectRetention',
  's3:PutObjectLegalHold',
  's3:BypassGovernanceRetention',
  's3:PutBucketVersioning',
  's3:PutLifecycleConfiguration',
  's3:PutBucketObjectLockConfiguration',
  's3:PutBucketPolicy',
  's3:DeleteBucketPolicy',
  's3:PutBucketPublicAccessBlock',
  's3:PutObjectAcl',
  's3:PutObjectVersionAcl',
  's3:DeleteBucket',
] as const;

/**
 * A condition value that names one source: no wildcard at all, since `distribution/*` admits
 * every distribution of the account (any of them could then serve the bucket's objects).
 */
function isSpecificArn(value: unknown): boolean {
  const text = renderText(value);
  return text !== '' && !text.includes('*') && !text.includes('?');
}

/**
 * Control BACKUP: databases keep point-in-time recovery for the backup window, are deletion
 * protected and snapshotted on delete; data buckets keep old versions for the file backup window;
 * buckets and keys survive stack deletion.
 */
export function checkBackup(template: CfnTemplate, options: CheckOptions = {}): CheckResult {
  const out = new Outcome('BACKUP');
  const minDb = options.minDatabaseBackupDays ?? POLICY_FLOORS.retention.databaseBackupDays;
  const minFiles = options.minFileRetentionDays ?? POLICY_FLOORS.retention.fileBackupDays;
  const dbs: Res[] = [
    ...ofType(template, 'AWS::RDS::DBCluster'),
    ...ofType(template, 'AWS::RDS::DBInstance').filter((d) => d.props.DBClusterIdentifier === undefined),
  ];
  for (const db of dbs) {
    out.within(db.id, () => {
      const days = asNumber(db.props.BackupRetentionPeriod);
      if (days === undefined || days < minDb) {
        out.fail(
          db.id,
          `BackupRetentionPeriod is ${show(db.props.BackupRetentionPeriod)}; expected at least ${minDb} days of point-in-time recovery`,
        );
      }
      if (!isTrue(db.props.DeletionProtection))
        out.fail(db.id, `DeletionProtection is ${show(db.props.DeletionProtection)}; expected true`);
      retained(out, db, ['Snapshot', 'Retain']);
    });
  }

  const logs = logBuckets(template);
  const buckets = ofType(template, 'AWS::S3::Bucket');
  for (const bucket of buckets) {
    out.within(bucket.id, () => {
      retained(out, bucket, ['Retain']);
      if (logs.has(bucket.id)) return; // log sinks: retention is LOG-RETENTION's concern
      if (bucket.props.VersioningConfiguration?.Status !== 'Enabled') {
        out.fail(
          bucket.id,
          `VersioningConfiguration.Status is ${show(bucket.props.VersioningConfiguration?.Status)}; expected "Enabled" (old ` +
            `versions are the file backups)`,
        );
      }
      const rules = list(bucket.props.LifecycleConfiguration?.Rules).filter((r) => r?.Status === 'Enabled');
      for (const rule of rules) {
        const nve =
          rule.NoncurrentVersionExpiration ??
          (rule.NoncurrentVersionExpirationInDays !== undefined ? { NoncurrentDays: rule.NoncurrentVersionExpirationInDays } : undefined);
        if (nve === undefined) continue;
        const days = asNumber(nve.NoncurrentDays);
        if (days === undefined || days < minFiles) {
          out.fail(
            bucket.id,
            `lifecycle rule ${show(rule.Id)} expires noncurrent versions after ${show(nve.NoncurrentDays)} days; expected at ` +
              `least ${minFiles}`,
          );
        }
      }
    });
  }

  const keys = ofType(template, 'AWS::KMS::Key');
  for (const key of keys) out.within(key.id, () => retained(out, key, ['Retain']));

  return out.result(dbs.length + buckets.length + keys.length > 0);
}

function retained(out: Outcome, res: Res, allowed: string[]): void {
  const expected = allowed.map((a) => `"${a}"`).join(' or ');
  if (!allowed.includes(res.resource.DeletionPolicy ?? 'Delete'))
    out.fail(res.id, `DeletionPolicy is ${show(res.resource.DeletionPolicy)}; expected ${expected}`);
  if (!allowed.includes(res.resource.UpdateReplacePolicy ?? 'Delete'))
    out.fail(res.id, `UpdateReplacePolicy is ${show(res.resource.UpdateReplacePolicy)}; expected ${expected}`);
}
