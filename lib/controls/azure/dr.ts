import { Outcome } from '../core/outcome';
import type { CheckOptions, CheckResult } from '../types';
import { block, isTrue, ofType, show, type TfJson } from '../core/terraform';
import { isReplica, postgresServers } from './azurerm';

/** Storage replication types that keep a copy in the paired region. */
export const AZURE_GEO_REPLICATION = ['GZRS', 'RAGZRS', 'GRS', 'RAGRS'] as const;

/**
 * Control DR-REGION (Azure, one stack at a time): non-replica PostgreSQL servers have
 * geo_redundant_backup_enabled and a customer_managed_key with geo_backup_key_vault_key_id and
 * geo_backup_user_assigned_identity_id (geo-backups readable in the paired region); replicas
 * (create_mode Replica) have a source_server_id, a customer_managed_key and, when `drRegion` is
 * set, that location; storage accounts replicate GZRS, RAGZRS, GRS or RAGRS; Recovery Services
 * vaults have storage_mode_type GeoRedundant and cross_region_restore_enabled true; Backup vaults
 * redundancy GeoRedundant and cross_region_restore_enabled true.
 */
export function checkDrRegion(tf: TfJson, options: CheckOptions = {}): CheckResult {
  const out = new Outcome('DR-REGION');
  let count = 0;
  for (const server of postgresServers(tf)) {
    count++;
    out.within(server.address, () => {
      const cmk = block(server.args.customer_managed_key);
      if (isReplica(server)) {
        if (typeof server.args.source_server_id !== 'string' || server.args.source_server_id === '')
          out.fail(server.address, `source_server_id is ${show(server.args.source_server_id)}; expected the primary server's id`);
        if (!cmk?.key_vault_key_id)
          out.fail(server.address, `customer_managed_key.key_vault_key_id is ${show(cmk?.key_vault_key_id)}; expected the DR region's key`);
        if (options.drRegion !== undefined && server.args.location !== options.drRegion)
          out.fail(server.address, `location is ${show(server.args.location)}; expected the DR region ${show(options.drRegion)}`);
      } else {
        if (!isTrue(server.args.geo_redundant_backup_enabled))
          out.fail(
            server.address,
            `geo_redundant_backup_enabled is ${show(server.args.geo_redundant_backup_enabled)}; expected true (backups copied ` +
              `to the paired region)`,
          );
        if (!cmk?.geo_backup_key_vault_key_id || !cmk?.geo_backup_user_assigned_identity_id) {
          out.fail(
            server.address,
            `customer_managed_key geo_backup_key_vault_key_id is ${show(cmk?.geo_backup_key_vault_key_id)} and ` +
              `geo_backup_user_assigned_identity_id ${show(cmk?.geo_backup_user_assigned_identity_id)}; expected the paired ` +
              `region's key and identity`,
          );
        }
      }
    });
  }
  for (const sa of ofType(tf, 'azurerm_storage_account')) {
    count++;
    out.within(sa.address, () => {
      if (!(AZURE_GEO_REPLICATION as readonly string[]).includes(sa.args.account_replication_type)) {
        out.fail(
          sa.address,
          `account_replication_type is ${show(sa.args.account_replication_type)}; expected one of ` +
            `${AZURE_GEO_REPLICATION.join(', ')} (a copy in the paired region)`,
        );
      }
    });
  }
  for (const vault of ofType(tf, 'azurerm_data_protection_backup_vault')) {
    count++;
    out.within(vault.address, () => {
      if (vault.args.redundancy !== 'GeoRedundant')
        out.fail(
          vault.address,
          `redundancy is ${show(vault.args.redundancy)}; expected "GeoRedundant" (file backups readable in the paired region)`,
        );
      if (!isTrue(vault.args.cross_region_restore_enabled))
        out.fail(vault.address, `cross_region_restore_enabled is ${show(vault.args.cross_region_restore_enabled)}; expected true`);
    });
  }
  for (const vault of ofType(tf, 'azurerm_recovery_services_vault')) {
    count++;
    out.within(vault.address, () => {
      if (vault.args.storage_mode_type !== 'GeoRedundant')
        out.fail(vault.address, `storage_mode_type is ${show(vault.args.storage_mode_type)}; expected "GeoRedundant"`);
      if (!isTrue(vault.args.cross_region_restore_enabled))
        out.fail(vault.address, `cross_region_restore_enabled is ${show(vault.args.cross_region_restore_enabled)}; expected true`);
    });
  }
  return out.result(count > 0);
}
