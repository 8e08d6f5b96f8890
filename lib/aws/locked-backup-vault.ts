import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/** AWS Backup limit: recovery points are kept at most 100 years. */
export const RETENTION_MAX_DAYS = 36500;
/** AWS Backup's 72-hour cooling-off before a Vault Lock becomes immutable. */
export const LOCK_MIN_CHANGEABLE_DAYS = 3;

/** Props of {@link LockedBackupVault}. */
export interface LockedBackupVaultProps {
  /** The region's backup key (control ENC-REST); recovery points and copies are encrypted under it. */
  readonly encryptionKey: kms.IKey;
  /**
   * Vault Lock minimum retention: a backup or copy job into this vault with a shorter lifecycle
   * fails, so nothing lands here that could expire early.
   */
  readonly minRetentionDays: number;
  /**
   * Days before the lock becomes immutable (compliance mode). Until then the lock can be changed
   * or removed; after it nobody, the account root included, can remove the lock, shorten a
   * recovery point's retention or delete one early, and the vault cannot be deleted while it holds
   * recovery points. At least 3 (AWS Backup's cooling-off period).
   * @default 3
   */
  readonly changeableForDays?: number;
  /**
   * Vault name, unique in the account and region; set it when another stack must know the ARN
   * without a cross-region reference.
   * @default - a name generated from the construct path
   */
  readonly backupVaultName?: string;
}

/**
 * An AWS Backup vault that keeps recovery points for their full retention (controls BACKUP,
 * DR-REGION, ENC-REST; claims B10, B12): encrypted under the region's backup key, Vault Lock with
 * a minimum retention that becomes immutable after the grace period, an access policy that denies
 * deleting recovery points or shortening their lifecycle to everyone (it covers the grace period,
 * before the lock is immutable), and retained when the stack is deleted.
 */
export class LockedBackupVault extends Construct {
  /** The vault. */
  readonly resource: backup.BackupVault;

  constructor(scope: Construct, id: string, props: LockedBackupVaultProps) {
    super(scope, id);
    const changeableForDays = props.changeableForDays ?? LOCK_MIN_CHANGEABLE_DAYS;
    if (
      !Token.isUnresolved(props.minRetentionDays) &&
      (!Number.isInteger(props.minRetentionDays) || props.minRetentionDays < 1 || props.minRetentionDays > RETENTION_MAX_DAYS)
    ) {
      throw new Error(
        `LockedBackupVault.minRetentionDays: received ${props.minRetentionDays}; expected an integer from 1 to ` +
          `${RETENTION_MAX_DAYS} days (the Vault Lock limits); set it to the shortest retention of the jobs writing to ` +
          `this vault`,
      );
    }
    if (!Token.isUnresolved(changeableForDays) && (!Number.isInteger(changeableForDays) || changeableForDays < LOCK_MIN_CHANGEABLE_DAYS)) {
      throw new Error(
        `LockedBackupVault.changeableForDays: received ${changeableForDays}; expected an integer of at least ` +
          `${LOCK_MIN_CHANGEABLE_DAYS} (AWS Backup's 72-hour cooling-off period); omit it for the default of 3`,
      );
    }
    if (
      props.backupVaultName !== undefined &&
      !Token.isUnresolved(props.backupVaultName) &&
      !/^[A-Za-z0-9_-]{2,50}$/.test(props.backupVaultName)
    ) {
      throw new Error(
        `LockedBackupVault.backupVaultName: received "${props.backupVaultName}"; expected 2-50 letters, digits, dashes or ` +
          `underscores (the AWS Backup vault name pattern)`,
      );
    }
    this.resource = new backup.BackupVault(this, 'Resource', {
      backupVaultName: props.backupVaultName,
      encryptionKey: props.encryptionKey,
      lockConfiguration: {
        minRetention: Duration.days(props.minRetentionDays),
        changeableFor: Duration.days(changeableForDays),
      },
      blockRecoveryPointDeletion: true,
      // A vault holding recovery points cannot be deleted anyway; retaining it keeps a stack
      // deletion from failing halfway and never orphans the lock.
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
