import { Outcome } from '../core/outcome';
import { POLICY_FLOORS } from '../../config/floors';
import type { CheckOptions, CheckResult } from '../types';
import {
  asNumber,
  block,
  blocks,
  isFalse,
  isoDurationDays,
  isTrue,
  ofType,
  preventsDestroy,
  refTarget,
  refTo,
  show,
  tagsOf,
  type TfJson,
  type TfRes,
} from '../core/terraform';
import { isReplica, postgresServers } from './azurerm';

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
  const targets = ofType(tf, 'azurerm_network_watcher_flow_log', 'azurerm_monitor_diagnostic_setting').map(
    (r) => refTarget(r.args.storage_account_id)?.address,
  );
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
  'azurerm_data_protection_backup_vault',
  'azurerm_log_analytics_workspace',
] as const;
/**
 * Stateful types that must be the scope of a CanNotDelete (or ReadOnly) management lock
 * (control BACKUP): `prevent_destroy` guards one Terraform configuration, the lock guards the
 * resource against every caller.
 */
export const AZURE_DELETE_LOCK_TYPES = [
  'azurerm_storage_account',
  'azurerm_postgresql_flexible_server',
  'azurerm_key_vault',
  'azurerm_recovery_services_vault',
  'azurerm_data_protection_backup_vault',
  'azurerm_log_analytics_workspace',
] as const;
/** Tag on stateful resources whose delete locks the organization applies (config azure.deleteLocks "managed"). */
export const AZURE_DELETE_LOCK_TAG = 'baseline:delete-lock';
/** The role a Backup vault's identity needs on a storage account to back it up. */
export const AZURE_STORAGE_BACKUP_ROLE = 'Storage Account Backup Contributor';
/** Shortest soft-delete retention (days) of a Backup vault: the Azure minimum. */
export const AZURE_MIN_BACKUP_VAULT_SOFT_DELETE_DAYS = 14;

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
      if (!isFalse(a.allow_nested_items_to_be_public))
        out.fail(
          sa.address,
          `allow_nested_items_to_be_public is ${show(a.allow_nested_items_to_be_public)}; expected false (no anonymous blob access)`,
        );
      if (!isFalse(a.shared_access_key_enabled))
        out.fail(
          sa.address,
          `shared_access_key_enabled is ${show(a.shared_access_key_enabled)}; expected false (Entra authorization only)`,
        );
      const rules =
        block(a.network_rules) ?? separateRules.map((r) => r.args).find((r) => refTarget(r.storage_account_id)?.address === sa.address);
      if (!isFalse(a.public_network_access_enabled) && rules?.default_action !== 'Deny') {
        out.fail(
          sa.address,
          `public_network_access_enabled is ${show(a.public_network_access_enabled)} and network_rules.default_action is ` +
            `${show(rules?.default_action)}; expected public access off or a deny-by-default firewall`,
        );
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
 * recovery vaults, backup vaults and Log Analytics workspaces have lifecycle.prevent_destroy true.
 *
 * Backups that survive a malicious administrator: soft delete, versioning and point-in-time
 * restore live inside the account, where an Owner can switch them off and purge, so every data
 * storage account must also be protected by an azurerm_data_protection_backup_instance_blob_storage
 * in a Backup vault with immutability "Locked" (an Owner can switch "Unlocked" off) and soft delete
 * On or AlwaysOn (14+ days), under a policy with a daily schedule (P1D or shorter) and a vaulted
 * retention of at least `minFileRetentionDays`, naming every azurerm_storage_container of the
 * account, with the vault's identity holding "Storage Account Backup Contributor" on the account
 * (otherwise every job fails). Every storage account, PostgreSQL server, key vault, vault and
 * workspace is the scope of a CanNotDelete (or ReadOnly) azurerm_management_lock, unless
 * `deleteLocksManaged` says the organization applies the locks.
 */
export function checkBackup(tf: TfJson, options: CheckOptions = {}): CheckResult {
  const out = new Outcome('BACKUP');
  const minDbDays = options.minDatabaseBackupDays ?? POLICY_FLOORS.retention.databaseBackupDays;
  let count = 0;

  for (const server of postgresServers(tf).filter((s) => !isReplica(s))) {
    count++;
    out.within(server.address, () => {
      const days = asNumber(server.args.backup_retention_days);
      if (days === undefined || days < minDbDays)
        out.fail(
          server.address,
          `backup_retention_days is ${show(server.args.backup_retention_days)}; expected at least ${minDbDays} (point-in-time ` +
            `recovery window)`,
        );
      if (!isTrue(server.args.geo_redundant_backup_enabled))
        out.fail(server.address, `geo_redundant_backup_enabled is ${show(server.args.geo_redundant_backup_enabled)}; expected true`);
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
      const min = isLog ? AZURE_MIN_BLOB_DELETE_RETENTION_DAYS : (options.minFileRetentionDays ?? POLICY_FLOORS.retention.fileBackupDays);
      const why = isLog ? 'log storage' : 'deleted files recoverable for the file retention';
      for (const policy of ['delete_retention_policy', 'container_delete_retention_policy']) {
        const value = block(props?.[policy])?.days;
        const days = asNumber(value);
        if (days === undefined || days < min)
          out.fail(sa.address, `blob_properties.${policy}.days is ${show(value)}; expected at least ${min} (${why})`);
      }
      if (!isTrue(props?.versioning_enabled))
        out.fail(sa.address, `blob_properties.versioning_enabled is ${show(props?.versioning_enabled)}; expected true`);
    });
  }

  const policies = ofType(tf, 'azurerm_backup_policy_vm');
  for (const vault of ofType(tf, 'azurerm_recovery_services_vault')) {
    count++;
    out.within(vault.address, () => {
      if (!isTrue(vault.args.soft_delete_enabled))
        out.fail(vault.address, `soft_delete_enabled is ${show(vault.args.soft_delete_enabled)}; expected true`);
      if (vault.args.immutability !== 'Locked' && vault.args.immutability !== 'Unlocked')
        out.fail(vault.address, `immutability is ${show(vault.args.immutability)}; expected "Locked" (or "Unlocked")`);
      const own = policies.filter(
        (p) => refTarget(p.args.recovery_vault_name)?.address === vault.address || p.args.recovery_vault_name === vault.args.name,
      );
      const daily = own.find((p) => {
        const frequency = block(p.args.backup)?.frequency;
        const retention = asNumber(block(p.args.retention_daily)?.count);
        return (
          (frequency === 'Daily' || frequency === 'Hourly') && retention !== undefined && retention >= AZURE_MIN_VM_BACKUP_DAILY_RETENTION
        );
      });
      if (daily) out.carry(daily.address);
      else {
        out.fail(
          vault.address,
          `VM backup policies ` +
            show(own.map((p) => ({ frequency: block(p.args.backup)?.frequency, retention_daily: block(p.args.retention_daily)?.count }))) +
            `; expected an azurerm_backup_policy_vm backing up Daily with retention_daily.count of at least ` +
            `${AZURE_MIN_VM_BACKUP_DAILY_RETENTION}`,
        );
      }
    });
  }

  // Vaulted, immutable copies of the customer files, outside the account an Owner controls.
  const instances = ofType(tf, 'azurerm_data_protection_backup_instance_blob_storage');
  for (const sa of ofType(tf, 'azurerm_storage_account').filter((a) => !logAccounts.has(a.address))) {
    out.within(sa.address, () => {
      const own = instances.filter((i) => refTarget(i.args.storage_account_id)?.address === sa.address);
      if (own.length === 0) {
        out.fail(
          sa.address,
          'no azurerm_data_protection_backup_instance_blob_storage protects this data account; soft delete and versioning ' +
            'live inside the account, where an Owner can switch them off and purge (expected a daily vaulted backup in a locked ' +
            'Backup vault)',
        );
        return;
      }
      for (const instance of own)
        vaultedBackupProblems(out, tf, sa, instance, options.minFileRetentionDays ?? POLICY_FLOORS.retention.fileBackupDays);
    });
  }
  for (const vault of ofType(tf, 'azurerm_data_protection_backup_vault')) {
    count++;
    out.within(vault.address, () => backupVaultProblems(out, vault));
  }

  for (const res of ofType(tf, ...AZURE_STATEFUL_TYPES)) {
    count++;
    out.within(res.address, () => {
      if (!preventsDestroy(res))
        out.fail(
          res.address,
          `lifecycle.prevent_destroy is ${show(block(res.args.lifecycle)?.prevent_destroy)}; expected true (stateful: a ` +
            `destroy loses data or keys)`,
        );
    });
  }

  const locks = ofType(tf, 'azurerm_management_lock').filter(
    (l) => l.args.lock_level === 'CanNotDelete' || l.args.lock_level === 'ReadOnly',
  );
  for (const res of ofType(tf, ...AZURE_DELETE_LOCK_TYPES)) {
    out.within(res.address, () => {
      if (options.deleteLocksManaged === true) return;
      const lock = locks.find((l) => refTarget(l.args.scope)?.address === res.address);
      if (lock) out.carry(lock.address);
      else {
        const managed =
          tagsOf(res)[AZURE_DELETE_LOCK_TAG] === 'managed'
            ? ' (tagged baseline:delete-lock=managed, but the deleteLocksManaged option is not set)'
            : '';
        out.fail(
          res.address,
          `no azurerm_management_lock with lock_level CanNotDelete has this resource as scope${managed}; expected one, so ` +
            `deleting it needs a separate, logged removal of the lock (or the deleteLocksManaged option when the organization ` +
            `applies the locks)`,
        );
      }
    });
  }

  return out.result(count > 0);
}

/** A Backup vault that an administrator cannot empty: locked immutability and soft delete kept. */
function backupVaultProblems(out: Outcome, vault: TfRes): void {
  const a = vault.args;
  if (a.immutability !== 'Locked')
    out.fail(
      vault.address,
      `immutability is ${show(a.immutability)}; expected "Locked" (an Owner can switch "Unlocked" off, then delete the backups)`,
    );
  if (a.soft_delete !== 'On' && a.soft_delete !== 'AlwaysOn')
    out.fail(vault.address, `soft_delete is ${show(a.soft_delete)}; expected "AlwaysOn" (or "On")`);
  const days = asNumber(a.retention_duration_in_days) ?? AZURE_MIN_BACKUP_VAULT_SOFT_DELETE_DAYS;
  if (days < AZURE_MIN_BACKUP_VAULT_SOFT_DELETE_DAYS)
    out.fail(
      vault.address,
      `retention_duration_in_days is ${show(a.retention_duration_in_days)}; expected at least ${AZURE_MIN_BACKUP_VAULT_SOFT_DELETE_DAYS}`,
    );
}

/** One backup instance of a data account: a locked vault, a daily policy, every container, the role. */
function vaultedBackupProblems(out: Outcome, tf: TfJson, sa: TfRes, instance: TfRes, minDays: number): void {
  const vault = refTo(tf, instance.args.vault_id, 'azurerm_data_protection_backup_vault');
  if (!vault) {
    out.fail(
      instance.address,
      `vault_id is ${show(instance.args.vault_id)}; expected a Backup vault of this stack whose immutability can be verified`,
    );
  } else {
    const before = out.count;
    backupVaultProblems(out, vault);
    if (out.count === before) out.carry(vault.address);
  }
  const policy = refTo(tf, instance.args.backup_policy_id, 'azurerm_data_protection_backup_policy_blob_storage');
  if (!policy) {
    out.fail(instance.address, `backup_policy_id is ${show(instance.args.backup_policy_id)}; expected a blob backup policy of this stack`);
  } else {
    const vaulted = isoDurationDays(policy.args.vault_default_retention_duration);
    if (vaulted === undefined || vaulted < minDays)
      out.fail(
        policy.address,
        `vault_default_retention_duration is ${show(policy.args.vault_default_retention_duration)}; expected at least ` +
          `P${minDays}D (claim B10: file backups kept ${minDays} days outside the account)`,
      );
    const intervals = blocks(policy.args.backup_repeating_time_intervals).map(String);
    const daily = intervals.length > 0 && intervals.every((i) => /\/(P1D|PT([1-9]|1\d|2[0-4])H)$/.test(i));
    if (!daily)
      out.fail(
        policy.address,
        `backup_repeating_time_intervals is ${show(policy.args.backup_repeating_time_intervals)}; expected a daily (P1D) or ` +
          `more frequent schedule`,
      );
    else out.carry(policy.address);
  }
  const named = blocks(instance.args.storage_account_container_names).map(String);
  if (named.length === 0)
    out.fail(instance.address, 'storage_account_container_names is empty; vaulted backup copies only the containers it names');
  for (const container of ofType(tf, 'azurerm_storage_container').filter(
    (c) => refTarget(c.args.storage_account_id)?.address === sa.address || refTarget(c.args.storage_account_name)?.address === sa.address,
  )) {
    if (!named.includes(String(container.args.name)))
      out.fail(
        container.address,
        `container ${show(container.args.name)} is not in ${instance.address}'s storage_account_container_names ` +
          `${show(named)}; expected every container of the data account in the vaulted backup`,
      );
  }
  const role =
    vault &&
    ofType(tf, 'azurerm_role_assignment').find(
      (r) =>
        refTarget(r.args.scope)?.address === sa.address &&
        r.args.role_definition_name === AZURE_STORAGE_BACKUP_ROLE &&
        refTarget(r.args.principal_id)?.address === vault.address,
    );
  if (vault && !role)
    out.fail(
      sa.address,
      `no azurerm_role_assignment gives ${vault.address}'s identity "${AZURE_STORAGE_BACKUP_ROLE}" on this account; expected ` +
        `one (without it every backup job fails)`,
    );
  else if (role) out.carry(role.address, instance.address);
}
