import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { BaselineBackupPlan, type LockedBackupVault } from '../lib/aws/backup-plan';
import { BaselineKeys } from '../lib/aws/baseline-keys';
import type { EnvironmentConfig } from '../lib/config/schema';
import { acknowledgeGeneratedResources } from './aws-acknowledgements';

/** Props of {@link AwsDrStack}. */
export interface AwsDrStackProps extends StackProps {
  /** Name prefix, `<project>-<environment>`. */
  readonly prefix: string;
  /** The environment's validated config. */
  readonly config: EnvironmentConfig;
}

/** Name of an environment's DR backup vault; fixed so the primary stack can address it. */
export function drVaultName(prefix: string): string {
  return `${prefix}-dr`;
}

/**
 * The disaster-recovery region of one environment (`aws.drRegion`, control DR-REGION): its own
 * customer-managed keys, so copies are encrypted under DR-region keys and survive the loss of
 * the primary region, and a locked backup vault that receives the primary's daily copies.
 * Replica buckets, the database replica and the warm standby build on this stack (issue 3).
 */
export class AwsDrStack extends Stack {
  /** Keys of the DR region. */
  readonly keys: BaselineKeys;
  /** The locked vault receiving copies of the primary's backups. */
  readonly backupVault: LockedBackupVault;

  constructor(scope: Construct, id: string, props: AwsDrStackProps) {
    super(scope, id, props);
    const { config, prefix } = props;
    this.keys = new BaselineKeys(this, 'Keys', { aliasPrefix: prefix });
    this.backupVault = BaselineBackupPlan.drVault(this, 'BackupVault', {
      vaultKey: this.keys.backup,
      backupVaultName: drVaultName(prefix),
      databaseRetentionDays: config.backup.databaseRetentionDays,
      fileRetentionDays: config.backup.fileRetentionDays,
    });
    acknowledgeGeneratedResources(this, config.logging.retentionDays);
  }
}
