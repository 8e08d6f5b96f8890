/*
 * The plan's retentions decide its vaults' lock (a lock minimum above the shortest retention makes
 * the vault fail that plan's jobs), and the DR-region vault must carry the same lock: the lock
 * arithmetic lives here, in one place, so the primary vault, the DR vault and the copy actions
 * agree. `LockedBackupVault` (locked-backup-vault.ts) is the building block.
 */
import { Duration, Names, Stack, Token } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as rds from 'aws-cdk-lib/aws-rds';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { POLICY_FLOORS } from '../config/floors';
import { acknowledgeDecision } from '../policy/acknowledge';
import { LOCK_MIN_CHANGEABLE_DAYS, LockedBackupVault, RETENTION_MAX_DAYS } from './locked-backup-vault';

/** Claim floors of claim B10 (docs/claims.md): database backups kept 30 days, file backups at least 90. */
const { databaseBackupDays: DATABASE_FLOOR_DAYS, fileBackupDays: FILE_FLOOR_DAYS } = POLICY_FLOORS.retention;
/** AWS Backup limit: continuous backups 1-35 days. */
const CONTINUOUS_MAX_DAYS = 35;

/** Retentions and lock settings shared by {@link BaselineBackupPlan} and its DR-region vault. */
export interface BackupRetentionProps {
  /**
   * Days the daily database snapshots are kept, here and in the DR vault. At least 30 (claim B10:
   * database backups kept 30 days).
   */
  readonly databaseRetentionDays: number;
  /**
   * Days the daily bucket and volume backups are kept, here and in the DR vault. At least 90
   * (claim B10: file backups kept at least 90 days).
   */
  readonly fileRetentionDays: number;
  /**
   * Days of continuous backup (point-in-time recovery) for the database and buckets, 30 to 35:
   * claim B10 keeps database PITR 30 days and AWS Backup keeps continuous backups at most 35.
   * AWS Backup's continuous RDS backups are the instance's automated backups, so a value equal to
   * the instance's own `backupRetentionDays` keeps the two from fighting over that setting.
   * @default - `databaseRetentionDays`, capped at 35
   */
  readonly continuousBackupDays?: number;
  /**
   * Vault Lock minimum retention of both vaults. It must not exceed the shortest retention of a
   * job writing to the vault, or the vault fails that job.
   * @default - the shortest of the database, file and continuous retentions
   */
  readonly vaultLockMinRetentionDays?: number;
  /**
   * Days before each vault's lock becomes immutable (compliance mode); after it the lock cannot be
   * changed or removed by anyone and backups cannot be deleted before they expire. At least 3.
   * @default 3
   */
  readonly vaultLockChangeableForDays?: number;
}

/** Props of {@link BaselineBackupPlan}. */
export interface BaselineBackupPlanProps extends BackupRetentionProps {
  /** This region's backup key (`BaselineKeys.backup`): encrypts the vault (control ENC-REST). */
  readonly vaultKey: kms.IKey;
  /**
   * ARN of the locked vault in the DR region (`BaselineBackupPlan.drVault` in the DR stack). A
   * string so it can come from a cross-region reference, an SSM parameter or a known name. When
   * given, every daily backup is copied there and kept for the same days (controls DR-REGION,
   * BACKUP; claim B12).
   * @default - no cross-region copies
   */
  readonly drVaultArn?: string;
  /**
   * Database instances: daily snapshots for `databaseRetentionDays` and continuous backup.
   * @default - none
   */
  readonly databaseInstances?: readonly rds.IDatabaseInstance[];
  /**
   * Aurora clusters: daily snapshots for `databaseRetentionDays` and continuous backup.
   * @default - none
   */
  readonly databaseClusters?: readonly rds.IDatabaseCluster[];
  /**
   * Versioned buckets (AWS Backup requires versioning): daily backups for `fileRetentionDays` and
   * continuous backup.
   * @default - none
   */
  readonly buckets?: readonly s3.IBucket[];
  /**
   * EBS volumes: daily snapshots for `fileRetentionDays` (EBS has no continuous backup).
   * @default - none
   */
  readonly volumes?: readonly ec2.IVolume[];
  /**
   * EC2 instances, backed up as AMIs with their volumes, daily for `fileRetentionDays`.
   * @default - none
   */
  readonly instances?: readonly ec2.IInstance[];
  /**
   * When the daily backups start. It must run every day (claim B10: full backups every 24 hours).
   * @default - 03:00 UTC every day, after the database's 02:00-03:00 automated backup window
   */
  readonly scheduleExpression?: events.Schedule;
}

/** Props of {@link BaselineBackupPlan.drVault}. */
export interface BackupDrVaultProps extends BackupRetentionProps {
  /** The DR region's backup key. */
  readonly vaultKey: kms.IKey;
  /**
   * Vault name; a fixed name lets the primary stack build the ARN without a cross-region reference.
   * @default - a name generated from the construct path
   */
  readonly backupVaultName?: string;
}

interface ResolvedRetention {
  readonly databaseDays: number;
  readonly fileDays: number;
  readonly continuousDays: number;
  readonly lockMinDays: number;
  readonly lockChangeableForDays: number;
}

/** Validates the retentions against the claim floors and AWS limits and derives the lock. */
function resolveRetention(props: BackupRetentionProps): ResolvedRetention {
  const owner = 'BaselineBackupPlan';
  const isInt = (n: number) => Number.isInteger(n);
  const db = props.databaseRetentionDays;
  if (!isInt(db) || db < DATABASE_FLOOR_DAYS || db > RETENTION_MAX_DAYS) {
    throw new Error(
      `${owner}.databaseRetentionDays: received ${db}; expected an integer from ${DATABASE_FLOOR_DAYS} to ` +
        `${RETENTION_MAX_DAYS} (claim B10 keeps database backups ${DATABASE_FLOOR_DAYS} days); set backup.databaseRetentionDays ` +
        `to at least ${DATABASE_FLOOR_DAYS}`,
    );
  }
  const files = props.fileRetentionDays;
  if (!isInt(files) || files < FILE_FLOOR_DAYS || files > RETENTION_MAX_DAYS) {
    throw new Error(
      `${owner}.fileRetentionDays: received ${files}; expected an integer from ${FILE_FLOOR_DAYS} to ${RETENTION_MAX_DAYS} ` +
        `(claim B10 keeps file backups at least ${FILE_FLOOR_DAYS} days); set backup.fileRetentionDays to at least ` +
        `${FILE_FLOOR_DAYS}`,
    );
  }
  const continuous = props.continuousBackupDays ?? Math.min(db, CONTINUOUS_MAX_DAYS);
  if (!isInt(continuous) || continuous < DATABASE_FLOOR_DAYS || continuous > CONTINUOUS_MAX_DAYS) {
    throw new Error(
      `${owner}.continuousBackupDays: received ${continuous}; expected an integer from ${DATABASE_FLOOR_DAYS} to ` +
        `${CONTINUOUS_MAX_DAYS} (claim B10 keeps database point-in-time recovery ${DATABASE_FLOOR_DAYS} days; AWS Backup keeps ` +
        `continuous backups at most ${CONTINUOUS_MAX_DAYS}); omit it to follow databaseRetentionDays`,
    );
  }
  const shortest = [
    { prop: 'databaseRetentionDays', days: db },
    { prop: 'fileRetentionDays', days: files },
    { prop: 'continuousBackupDays', days: continuous },
  ].reduce((a, b) => (b.days < a.days ? b : a));
  const lockMin = props.vaultLockMinRetentionDays ?? shortest.days;
  if (!isInt(lockMin) || lockMin < 1 || lockMin > shortest.days) {
    throw new Error(
      `${owner}.vaultLockMinRetentionDays: received ${lockMin}; expected an integer from 1 to ${shortest.days}, the shortest ` +
        `retention of a job writing to the vault (${shortest.prop}), or the vault fails that job; lower it or omit it to use ` +
        `${shortest.days}`,
    );
  }
  const changeable = props.vaultLockChangeableForDays ?? LOCK_MIN_CHANGEABLE_DAYS;
  if (!isInt(changeable) || changeable < LOCK_MIN_CHANGEABLE_DAYS) {
    throw new Error(
      `${owner}.vaultLockChangeableForDays: received ${changeable}; expected an integer of at least ` +
        `${LOCK_MIN_CHANGEABLE_DAYS} (AWS Backup's 72-hour cooling-off period before the lock is immutable); omit it for the ` +
        `default of 3`,
    );
  }
  return { databaseDays: db, fileDays: files, continuousDays: continuous, lockMinDays: lockMin, lockChangeableForDays: changeable };
}

/** A cron expression's fields run every day when no day of month, month, weekday or year is pinned. */
function runsDaily(expression: string): boolean {
  const cron = /^cron\((\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\)$/.exec(expression);
  if (!cron) return false;
  const [, , , dayOfMonth, month, dayOfWeek, year] = cron;
  return ['*', '?'].includes(dayOfMonth) && month === '*' && ['*', '?'].includes(dayOfWeek) && year === '*';
}

/**
 * The AWS Backup plan of one region (controls BACKUP, DR-REGION, ENC-REST; claims B10, B12):
 * daily full backups of the database (kept `databaseRetentionDays`) and of buckets, volumes and
 * instances (kept `fileRetentionDays`), continuous backup with point-in-time recovery of the
 * database and buckets, and a copy of every daily backup in the DR-region vault for the same days.
 * Backups land in a {@link LockedBackupVault} under the region's backup key, so they cannot be
 * deleted before they expire.
 *
 * AWS Backup applies every rule of a plan to every resource the plan selects, so each retention
 * gets its own plan: `DatabasePlan`, `FilePlan` and `PointInTimePlan`. No rule moves recovery
 * points to cold storage: a copy must then be kept 90 days past the move, RDS snapshots cannot be
 * moved, and the retentions here are short enough that warm storage costs little.
 */
export class BaselineBackupPlan extends Construct {
  /**
   * Creates the DR region's vault: the same lock as the primary vault (derived from the same
   * retentions, so copies are never rejected) under the DR region's backup key. Call it in the DR
   * stack and hand its ARN to the primary stack's plan as `drVaultArn`.
   */
  static drVault(scope: Construct, id: string, props: BackupDrVaultProps): LockedBackupVault {
    const retention = resolveRetention(props);
    return new LockedBackupVault(scope, id, {
      encryptionKey: props.vaultKey,
      minRetentionDays: retention.lockMinDays,
      changeableForDays: retention.lockChangeableForDays,
      backupVaultName: props.backupVaultName,
    });
  }

  /** The locked vault every rule writes to. */
  readonly vault: LockedBackupVault;
  /** The role AWS Backup assumes to back up the selected resources. */
  readonly role: iam.Role;
  /** Daily database snapshots; present when databases are selected. */
  readonly databasePlan?: backup.BackupPlan;
  /** Daily bucket, volume and instance backups; present when any of them is selected. */
  readonly filePlan?: backup.BackupPlan;
  /** Continuous backup (PITR) of databases and buckets; present when any of them is selected. */
  readonly pointInTimePlan?: backup.BackupPlan;
  /** Vault Lock minimum retention in days, for the DR vault and for evidence. */
  readonly vaultLockMinRetentionDays: number;

  constructor(scope: Construct, id: string, props: BaselineBackupPlanProps) {
    super(scope, id);
    const retention = resolveRetention(props);
    const schedule = props.scheduleExpression ?? events.Schedule.cron({ minute: '0', hour: '3' });
    if (!Token.isUnresolved(schedule.expressionString) && !runsDaily(schedule.expressionString)) {
      throw new Error(
        `BaselineBackupPlan.scheduleExpression: received ${schedule.expressionString}; expected a cron expression that runs ` +
          `every day (claim B10: full backups every 24 hours), such as cron(0 3 * * ? *); leave day of month, month, weekday and ` +
          `year unpinned`,
      );
    }
    const stack = Stack.of(this);
    if (props.drVaultArn !== undefined && !Token.isUnresolved(props.drVaultArn)) {
      const arn = /^arn:aws[a-z-]*:backup:([a-z0-9-]+):\d{12}:backup-vault:[A-Za-z0-9_-]{2,50}$/.exec(props.drVaultArn);
      if (!arn) {
        throw new Error(
          `BaselineBackupPlan.drVaultArn: received "${props.drVaultArn}"; expected a backup vault ARN ` +
            `(arn:aws:backup:<dr-region>:<account>:backup-vault:<name>); pass the DR stack's vault ARN`,
        );
      }
      if (!Token.isUnresolved(stack.region) && arn[1] === stack.region) {
        throw new Error(
          `BaselineBackupPlan.drVaultArn: received a vault in ${arn[1]}, this stack's own region; expected a vault in the DR ` +
            `region (control DR-REGION), so a regional outage cannot take the copies too`,
        );
      }
    }
    const databases = [
      ...(props.databaseInstances ?? []).map((db) => backup.BackupResource.fromRdsDatabaseInstance(db)),
      ...(props.databaseClusters ?? []).map((db) => backup.BackupResource.fromRdsDatabaseCluster(db)),
    ];
    const buckets = (props.buckets ?? []).map((b) => backup.BackupResource.fromArn(b.bucketArn));
    const files = [
      ...buckets,
      ...(props.volumes ?? []).map((v) =>
        backup.BackupResource.fromArn(Stack.of(v).formatArn({ service: 'ec2', resource: 'volume', resourceName: v.volumeId })),
      ),
      ...(props.instances ?? []).map((i) => backup.BackupResource.fromEc2Instance(i)),
    ];
    if (databases.length === 0 && files.length === 0) {
      throw new Error(
        'BaselineBackupPlan.databaseInstances/databaseClusters/buckets/volumes/instances: received none; expected at least ' +
          'one resource to back up (control BACKUP); pass the database, buckets or volumes of this region',
      );
    }

    this.vaultLockMinRetentionDays = retention.lockMinDays;
    this.vault = new LockedBackupVault(this, 'Vault', {
      encryptionKey: props.vaultKey,
      minRetentionDays: retention.lockMinDays,
      changeableForDays: retention.lockChangeableForDays,
    });
    const managedPolicies = [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSBackupServiceRolePolicyForBackup')];
    if (buckets.length > 0) managedPolicies.push(iam.ManagedPolicy.fromAwsManagedPolicyName('AWSBackupServiceRolePolicyForS3Backup'));
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
      description: 'AWS Backup: takes the baseline backups and copies them to the DR vault',
      managedPolicies,
    });
    acknowledgeDecision(this.role.node.defaultChild!, 'backup-service-role-policies', {
      rules: [
        'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
        ...(buckets.length > 0
          ? ['AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup]']
          : []),
      ],
    });

    const drVault = props.drVaultArn === undefined ? undefined : backup.BackupVault.fromBackupVaultArn(this, 'DrVault', props.drVaultArn);
    const planName = (suffix: string) => `${Names.uniqueResourceName(this, { maxLength: 40 })}-${suffix}`;
    const dailyRule = (ruleName: string, days: number) =>
      new backup.BackupPlanRule({
        ruleName,
        scheduleExpression: schedule,
        deleteAfter: Duration.days(days),
        copyActions: drVault ? [{ destinationBackupVault: drVault, deleteAfter: Duration.days(days) }] : undefined,
      });
    const plan = (planId: string, name: string, rule: backup.BackupPlanRule, resources: backup.BackupResource[]) => {
      const p = new backup.BackupPlan(this, planId, {
        backupPlanName: planName(name),
        backupVault: this.vault.resource,
        backupPlanRules: [rule],
      });
      p.addSelection('Selection', { backupSelectionName: name, resources, role: this.role, disableDefaultBackupPolicy: true });
      return p;
    };
    if (databases.length > 0) {
      this.databasePlan = plan('DatabasePlan', 'database', dailyRule('DailyDatabase', retention.databaseDays), databases);
    }
    if (files.length > 0) {
      this.filePlan = plan('FilePlan', 'files', dailyRule('DailyFiles', retention.fileDays), files);
    }
    // Continuous backup gives the 5-minute recovery point of claim B10; only RDS, Aurora and S3
    // support it (other types would silently fall back to snapshots kept too briefly). The DR copies
    // come from the daily rules: a copied continuous backup is a snapshot anyway.
    const pointInTime = [...databases, ...buckets];
    if (pointInTime.length > 0) {
      this.pointInTimePlan = plan(
        'PointInTimePlan',
        'point-in-time',
        new backup.BackupPlanRule({
          ruleName: 'Continuous',
          scheduleExpression: schedule,
          enableContinuousBackup: true,
          deleteAfter: Duration.days(retention.continuousDays),
        }),
        pointInTime,
      );
    }
  }
}
