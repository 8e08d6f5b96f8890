import { Outcome } from '../aws/result';
import type { CheckOptions, CheckResult } from '../types';
import { asNumber, block, isFalse, isReplica, isTrue, ofType, postgresServers, preventsDestroy, refTarget, show, type TfJson } from './terraform';

/**
 * Lowest blob soft-delete retention (days) the BACKUP check accepts on a log storage account (one
 * that flow logs or diagnostic settings write to); data accounts need `minFileRetentionDays`.
 */
export const AZURE_MIN_BLOB_DELETE_RETENTION_DAYS = 7;

/**
 * Storage accounts that hold logs: the targets of VNet/NSG flow logs and diagnostic settings.
 * Their retention is a log-retention matter (LOG-RETENTION); every other account holds data.
 */
export function logStorageAccounts(tf: TfJson): Set<string> {
  const targets = ofType(tf, 'azurerm_network_watcher_flow_log', 'azurerm_monitor_diagnostic_setting').map((r) => refTarget(r.args.storage_account_id)?.address);
  return new Set(targets.filter((a): a is string => a !== undefined));
}
/** Lowest daily retention (days) of a VM backup policy. */
export const AZURE_MIN_VM_BACKUP_DAILY_RETENTION = 7;
/** Stateful resource types that must carry lifecycle.prevent_destroy (control BACKUP). */
export const AZURE_STATEFUL_TYPES = [
  'azurerm_key_vault',
  'azurerm_key_vault_key',
  'azurerm_storage_account',
  'azurerm_postgresql_flexible_server',
  'azurerm_recovery_services_vault',
  'azurerm_log_analytics_workspace',
] as const;

/**
 * Control STORAGE-PRIVATE (Azure): each storage account has allow_nested_items_to_be_public
 * false, shared_access_key_enabled false, public_network_access_enabled false or network rules
 * (inline or azurerm_storage_account_network_rules) with default_action Deny, and blob
 * versioning on; no azurerm_storage_container has an access type other than private.
 */
export function checkStoragePrivate(tf: TfJson): CheckResult {
  const out = new Outcome('STORAGE-PRIVATE');
  const accounts = ofType(tf, 'azurerm_storage_account');
  const separateRules = ofType(tf, 'azurerm_storage_account_network_rules');
  for (const sa of accounts) {
    out.within(sa.address, () => {
      const a = sa.args;
      if (!isFalse(a.allow_nested_items_to_be_public)) out.fail(sa.address, `allow_nested_items_to_be_public is ${show(a.allow_nested_items_to_be_public)}; expected false (no anonymous blob access)`);
      if (!isFalse(a.shared_access_key_enabled)) out.fail(sa.address, `shared_access_key_enabled is ${show(a.shared_access_key_enabled)}; expected false (Entra authorization only)`);
      const rules = block(a.network_rules) ?? separateRules.map((r) => r.args).find((r) => refTarget(r.storage_account_id)?.address === sa.address);
      if (!isFalse(a.public_network_access_enabled) && rules?.default_action !== 'Deny') {
        out.fail(sa.address, `public_network_access_enabled is ${show(a.public_network_access_enabled)} and network_rules.default_action is ${show(rules?.default_action)}; expected public access off or a deny-by-default firewall`);
      }
      const versioning = block(a.blob_properties)?.versioning_enabled;
      if (!isTrue(versioning)) out.fail(sa.address, `blob_properties.versioning_enabled is ${show(versioning)}; expected true`);
    });
  }
  const containers = ofType(tf, 'azurerm_storage_container');
  for (const c of containers) {
    out.within(c.address, () => {
      const access = c.args.container_access_type ?? 'private';
      if (access !== 'private') out.fail(c.address, `container_access_type is ${show(access)}; expected "private"`);
    });
  }
  return out.result(accounts.length + containers.length > 0);
}

/**
 * Control BACKUP (Azure): non-replica PostgreSQL servers keep backup_retention_days of at least
 * `minDatabaseBackupDays` (default 30) with geo_redundant_backup_enabled; data storage accounts
 * keep deleted blobs and containers `minFileRetentionDays` (default 90) and log storage accounts
 * 7+ days, and all version blobs; Recovery Services vaults have soft_delete_enabled
 * true, immutability Unlocked or Locked, and an azurerm_backup_policy_vm with a Daily (or Hourly)
 * schedule and retention_daily 7+; key vaults, keys, storage accounts, PostgreSQL servers,
 * recovery vaults and Log Analytics workspaces have lifecycle.prevent_destroy true.
 */
export function checkBackup(tf: TfJson, options: CheckOptions = {}): CheckResult {
  const out = new Outcome('BACKUP');
  const minDbDays = options.minDatabaseBackupDays ?? 30;
  let count = 0;

  for (const server of postgresServers(tf).filter((s) => !isReplica(s))) {
    count++;
    out.within(server.address, () => {
      const days = asNumber(server.args.backup_retention_days);
      if (days === undefined || days < minDbDays) out.fail(server.address, `backup_retention_days is ${show(server.args.backup_retention_days)}; expected at least ${minDbDays} (point-in-time recovery window)`);
      if (!isTrue(server.args.geo_redundant_backup_enabled)) out.fail(server.address, `geo_redundant_backup_enabled is ${show(server.args.geo_redundant_backup_enabled)}; expected true`);
    });
  }

  const logAccounts = logStorageAccounts(tf);
  for (const sa of ofType(tf, 'azurerm_storage_account')) {
    count++;
    out.within(sa.address, () => {
      const props = block(sa.args.blob_properties);
      // Claim B10: deleted files stay recoverable for the file retention; log accounts only need
      // a short undo window (their retention is the log workspace's and the flow log's).
      const isLog = logAccounts.has(sa.address);
      const min = isLog ? AZURE_MIN_BLOB_DELETE_RETENTION_DAYS : (options.minFileRetentionDays ?? 90);
      const why = isLog ? 'log storage' : 'deleted files recoverable for the file retention';
      for (const policy of ['delete_retention_policy', 'container_delete_retention_policy']) {
        const value = block(props?.[policy])?.days;
        const days = asNumber(value);
        if (days === undefined || days < min) out.fail(sa.address, `blob_properties.${policy}.days is ${show(value)}; expected at least ${min} (${why})`);
      }
      if (!isTrue(props?.versioning_enabled)) out.fail(sa.address, `blob_properties.versioning_enabled is ${show(props?.versioning_enabled)}; expected true`);
    });
  }

  const policies = ofType(tf, 'azurerm_backup_policy_vm');
  for (const vault of ofType(tf, 'azurerm_recovery_services_vault')) {
    count++;
    out.within(vault.address, () => {
      if (!isTrue(vault.args.soft_delete_enabled)) out.fail(vault.address, `soft_delete_enabled is ${show(vault.args.soft_delete_enabled)}; expected true`);
      if (vault.args.immutability !== 'Locked' && vault.args.immutability !== 'Unlocked') out.fail(vault.address, `immutability is ${show(vault.args.immutability)}; expected "Locked" (or "Unlocked")`);
      const own = policies.filter((p) => refTarget(p.args.recovery_vault_name)?.address === vault.address || p.args.recovery_vault_name === vault.args.name);
      const daily = own.find((p) => {
        const frequency = block(p.args.backup)?.frequency;
        const retention = asNumber(block(p.args.retention_daily)?.count);
        return (frequency === 'Daily' || frequency === 'Hourly') && retention !== undefined && retention >= AZURE_MIN_VM_BACKUP_DAILY_RETENTION;
      });
      if (daily) out.carry(daily.address);
      else {
        out.fail(vault.address, `VM backup policies ${show(own.map((p) => ({ frequency: block(p.args.backup)?.frequency, retention_daily: block(p.args.retention_daily)?.count })))}; expected an azurerm_backup_policy_vm backing up Daily with retention_daily.count of at least ${AZURE_MIN_VM_BACKUP_DAILY_RETENTION}`);
      }
    });
  }

  for (const res of ofType(tf, ...AZURE_STATEFUL_TYPES)) {
    count++;
    out.within(res.address, () => {
      if (!preventsDestroy(res)) out.fail(res.address, `lifecycle.prevent_destroy is ${show(block(res.args.lifecycle)?.prevent_destroy)}; expected true (stateful: a destroy loses data or keys)`);
    });
  }

  return out.result(count > 0);
}
