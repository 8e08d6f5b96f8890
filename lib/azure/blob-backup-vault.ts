import { DataProtectionBackupInstanceBlobStorage } from '@cdktf/provider-azurerm/lib/data-protection-backup-instance-blob-storage';
import { DataProtectionBackupPolicyBlobStorage } from '@cdktf/provider-azurerm/lib/data-protection-backup-policy-blob-storage';
import { DataProtectionBackupVault } from '@cdktf/provider-azurerm/lib/data-protection-backup-vault';
import { DataProtectionBackupVaultCustomerManagedKey } from '@cdktf/provider-azurerm/lib/data-protection-backup-vault-customer-managed-key';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { type ITerraformDependable, Token } from 'cdktf';
import { Construct } from 'constructs';
import { POLICY_FLOORS } from '../config/floors';

/** Immutability states the construct accepts ("Disabled" would let backups be deleted early). */
export const BACKUP_VAULT_IMMUTABILITY = ['Locked', 'Unlocked'] as const;
/** Soft-delete states the construct accepts ("Off" would purge deleted backups at once). */
export const BACKUP_VAULT_SOFT_DELETE = ['AlwaysOn', 'On'] as const;
/** The role the vault's identity needs on a storage account to back its blobs up. */
export const STORAGE_BACKUP_ROLE = 'Storage Account Backup Contributor';
/** Name of the blob backup policy inside the vault. */
export const BLOB_BACKUP_POLICY_NAME = 'blob-daily';
/** Operational (in-account) retention Azure Backup accepts for blobs, in days. */
export const BLOB_OPERATIONAL_RETENTION = { min: 1, max: 360 } as const;
/** Vaulted retention Azure Backup accepts for blobs, in days (10 years). */
export const BLOB_VAULTED_RETENTION = { min: 7, max: 3650 } as const;

/** Properties of {@link BlobBackupVault}. */
export interface BlobBackupVaultProps {
  /** Resource group of the vault. */
  readonly resourceGroupName: string;
  /** Azure location of the vault: the storage account's (Azure Backup protects blobs in-region). */
  readonly location: string;
  /** Vault name: 2-50 letters, digits and dashes, starting with a letter. */
  readonly name: string;
  /** Resource id of the storage account whose blobs are backed up (the customer files). */
  readonly storageAccountId: string;
  /**
   * Containers copied into the vault every day. Vaulted backup protects only the containers it
   * names: list every container the application writes (control BACKUP); at most 100.
   */
  readonly containerNames: readonly string[];
  /**
   * Resources the backup instance must wait for, such as the containers' own resources when
   * they are created in the same apply (the instance names them as plain strings).
   * @default - nothing
   */
  readonly containersDependOn?: readonly ITerraformDependable[];
  /**
   * Days each daily vaulted copy is kept (claim B10: 90 days of file backups), 7-3650.
   * @default 90 (POLICY_FLOORS.retention.fileBackupDays)
   */
  readonly vaultedRetentionDays?: number;
  /**
   * Days of operational (in-account, point-in-time) backup, 1-360. Azure Backup then manages the
   * account's point-in-time restore: keep it equal to the account's own restore window, or the
   * two settings fight (SecureStorageAccount: 30 days by default).
   * @default 30
   */
  readonly operationalRetentionDays?: number;
  /**
   * Time of the daily vaulted backup, `HH:MM` in UTC.
   * @default '02:00'
   */
  readonly backupTimeUtc?: string;
  /**
   * Immutability of the vault. "Locked" (the default) is irreversible: nobody, a subscription
   * Owner included, can turn it off, shorten the retention of existing recovery points or delete
   * them before they expire, so a rogue administrator or ransomware cannot destroy the file
   * backups (control BACKUP). "Unlocked" enforces the same rules but an Owner can switch it off:
   * only while a new environment's retention settles (the BACKUP check fails it).
   * @default 'Locked'
   */
  readonly immutability?: string;
  /**
   * Soft delete of backup data. "AlwaysOn" (the default) cannot be turned off again; "On" can.
   * @default 'AlwaysOn'
   */
  readonly softDelete?: string;
  /**
   * Days soft-deleted backup data is kept, 14-180 (14 is free of charge).
   * @default 14
   */
  readonly softDeleteRetentionDays?: number;
  /**
   * Versionless Key Vault key id encrypting the vault's data (control ENC-REST), such as
   * `https://kv-acme.vault.azure.net/keys/backup`. The vault reads it with its system-assigned
   * identity, which this construct grants "Key Vault Crypto Service Encryption User" on
   * `keyResourceId` (wrap and unwrap with that one key, nothing else). Give both or neither.
   * @default - Microsoft-managed keys (the ENC-REST check fails the vault)
   */
  readonly keyVaultKeyId?: string;
  /**
   * Azure resource id of the same key (`KeyVaultKey.resourceVersionlessId`), the scope of the
   * identity's key role. Give it with `keyVaultKeyId`.
   * @default - none
   */
  readonly keyResourceId?: string;
  /**
   * Tags of the vault.
   * @default - none
   */
  readonly tags?: Record<string, string>;
}

const ACCOUNT_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Storage\/storageAccounts\/[a-z0-9]{3,24}$/i;
const KEY_ID = /^https:\/\/[a-z0-9-]+\.(vault|managedhsm)\.[a-z0-9.]+\/keys\/[A-Za-z0-9-]+(\/[0-9a-f]{32})?\/?$/i;
const CONTAINER = /^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/;
const known = (v: string | number | undefined): v is string | number => v !== undefined && !Token.isUnresolved(v);

/**
 * Backups of customer files that survive a malicious administrator (controls BACKUP, DR-REGION,
 * ENC-REST; claims B2, B10): soft delete, versioning and point-in-time restore all live inside
 * the storage account, where an Owner or Storage Account Contributor can switch them off and
 * purge, and geo-replication copies the deletions. This Backup vault (Azure Backup, Data
 * Protection) keeps a daily copy of the named containers outside the account:
 *
 * - immutable and locked by default (no early deletion or retention cut, by anyone), soft delete
 *   always on, geo-redundant with cross-region restore (a copy in the paired region);
 * - a blob policy with operational backup (point-in-time restore inside the account) and a daily
 *   vaulted copy kept `vaultedRetentionDays`;
 * - the vault's identity gets "Storage Account Backup Contributor" on the account (without it
 *   every backup job fails), and the backup instance waits for that assignment;
 * - an optional customer-managed key; `prevent_destroy`.
 */
export class BlobBackupVault extends Construct {
  /** The Backup vault. */
  public readonly resource: DataProtectionBackupVault;
  /** The vault's resource id. */
  public readonly vaultId: string;
  /** Principal id of the vault's system-assigned identity. */
  public readonly principalId: string;
  /** The daily blob backup policy. */
  public readonly policy: DataProtectionBackupPolicyBlobStorage;
  /** The backup role of the vault on the storage account. */
  public readonly storageRole: RoleAssignment;
  /** The backup instance protecting the storage account. */
  public readonly instance: DataProtectionBackupInstanceBlobStorage;
  /** The customer-managed key setting, when `keyVaultKeyId` was given. */
  public readonly customerManagedKey?: DataProtectionBackupVaultCustomerManagedKey;
  /** The vault identity's role on the key, when `keyVaultKeyId` was given. */
  public readonly keyRole?: RoleAssignment;

  constructor(scope: Construct, id: string, props: BlobBackupVaultProps) {
    super(scope, id);
    const what = `BlobBackupVault ${this.node.path}:`;
    const immutability = props.immutability ?? 'Locked';
    const softDelete = props.softDelete ?? 'AlwaysOn';
    const softDeleteRetentionDays = props.softDeleteRetentionDays ?? 14;
    const vaultedRetentionDays = props.vaultedRetentionDays ?? POLICY_FLOORS.retention.fileBackupDays;
    const operationalRetentionDays = props.operationalRetentionDays ?? 30;
    const backupTimeUtc = props.backupTimeUtc ?? '02:00';

    if (known(props.name) && !/^[A-Za-z][A-Za-z0-9-]{1,49}$/.test(props.name)) {
      throw new Error(`${what} name "${props.name}" is invalid; expected 2-50 letters, digits and dashes, starting with a letter`);
    }
    if (known(immutability) && !(BACKUP_VAULT_IMMUTABILITY as readonly string[]).includes(immutability)) {
      throw new Error(
        `${what} immutability "${immutability}" is not accepted; expected "Locked" (irreversible) or "Unlocked" (enforced but ` +
          `reversible); "Disabled" would let an administrator delete backups early`,
      );
    }
    if (known(softDelete) && !(BACKUP_VAULT_SOFT_DELETE as readonly string[]).includes(softDelete)) {
      throw new Error(
        `${what} softDelete "${softDelete}" is not accepted; expected "AlwaysOn" (irreversible) or "On"; "Off" would purge ` +
          `deleted backups at once`,
      );
    }
    checkDays(what, 'softDeleteRetentionDays', softDeleteRetentionDays, 14, 180);
    checkDays(what, 'vaultedRetentionDays', vaultedRetentionDays, BLOB_VAULTED_RETENTION.min, BLOB_VAULTED_RETENTION.max);
    checkDays(what, 'operationalRetentionDays', operationalRetentionDays, BLOB_OPERATIONAL_RETENTION.min, BLOB_OPERATIONAL_RETENTION.max);
    if (known(backupTimeUtc) && !/^([01]\d|2[0-3]):[0-5]\d$/.test(backupTimeUtc)) {
      throw new Error(`${what} backupTimeUtc "${backupTimeUtc}" is invalid; expected HH:MM in UTC such as 02:00`);
    }
    if (known(props.storageAccountId) && !ACCOUNT_ID.test(props.storageAccountId)) {
      throw new Error(
        `${what} storageAccountId "${props.storageAccountId}" is not a storage account id; expected ` +
          `/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Storage/storageAccounts/<name>`,
      );
    }
    if (props.containerNames.length === 0 || props.containerNames.length > 100) {
      throw new Error(
        `${what} containerNames lists ${props.containerNames.length} containers; expected 1-100 (vaulted backup copies only ` +
          `the containers it names)`,
      );
    }
    const seen = new Set<string>();
    props.containerNames.forEach((name, i) => {
      if (known(name) && !CONTAINER.test(name)) {
        throw new Error(
          `${what} containerNames[${i}] "${name}" is not a container name; expected 3-63 lower-case letters, digits and single dashes`,
        );
      }
      if (seen.has(name)) throw new Error(`${what} containerNames[${i}] "${name}" is listed twice; list each container once`);
      seen.add(name);
    });
    if ((props.keyVaultKeyId === undefined) !== (props.keyResourceId === undefined)) {
      throw new Error(
        `${what} keyVaultKeyId and keyResourceId go together (the vault's identity needs a role on the key it uses); received ` +
          `only ${props.keyVaultKeyId === undefined ? 'keyResourceId' : 'keyVaultKeyId'}`,
      );
    }
    if (known(props.keyVaultKeyId) && !KEY_ID.test(props.keyVaultKeyId)) {
      throw new Error(
        `${what} keyVaultKeyId "${props.keyVaultKeyId}" is not a Key Vault key id; expected ` +
          `https://<vault>.vault.azure.net/keys/<name> (versionless, so the vault follows key rotation)`,
      );
    }

    this.resource = new DataProtectionBackupVault(this, 'Resource', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      datastoreType: 'VaultStore',
      // DR-REGION: the vaulted copies live in the paired region too, restorable there.
      redundancy: 'GeoRedundant',
      crossRegionRestoreEnabled: true,
      // BACKUP: no early deletion or retention cut by anyone; deleted backup data kept on.
      immutability,
      softDelete,
      retentionDurationInDays: softDeleteRetentionDays,
      identity: { type: 'SystemAssigned' },
      tags: props.tags,
      lifecycle: { preventDestroy: true },
    });
    this.vaultId = this.resource.id;
    this.principalId = this.resource.identity.principalId;

    const instanceDependsOn: ITerraformDependable[] = [];
    if (props.keyVaultKeyId !== undefined && props.keyResourceId !== undefined) {
      this.keyRole = new RoleAssignment(this, 'KeyRole', {
        scope: props.keyResourceId,
        roleDefinitionName: 'Key Vault Crypto Service Encryption User',
        principalId: this.principalId,
        principalType: 'ServicePrincipal',
      });
      // ENC-REST: the vaulted copies under the customer-managed key, like their source; set only
      // once the identity can use the key.
      this.customerManagedKey = new DataProtectionBackupVaultCustomerManagedKey(this, 'CustomerManagedKey', {
        dataProtectionBackupVaultId: this.resource.id,
        keyVaultKeyId: props.keyVaultKeyId,
        dependsOn: [this.keyRole],
      });
      instanceDependsOn.push(this.customerManagedKey);
    }

    this.storageRole = new RoleAssignment(this, 'StorageBackupRole', {
      scope: props.storageAccountId,
      roleDefinitionName: STORAGE_BACKUP_ROLE,
      principalId: this.principalId,
      principalType: 'ServicePrincipal',
      description: 'Azure Backup vault: operational and vaulted backup of the customer files (control BACKUP)',
    });
    instanceDependsOn.push(this.storageRole, ...(props.containersDependOn ?? []));

    this.policy = new DataProtectionBackupPolicyBlobStorage(this, 'BlobPolicy', {
      name: BLOB_BACKUP_POLICY_NAME,
      vaultId: this.resource.id,
      operationalDefaultRetentionDuration: `P${operationalRetentionDays}D`,
      vaultDefaultRetentionDuration: `P${vaultedRetentionDays}D`,
      // A fixed anchor date keeps the synth deterministic; P1D repeats it every day.
      backupRepeatingTimeIntervals: [`R/2024-01-01T${backupTimeUtc}:00+00:00/P1D`],
    });

    this.instance = new DataProtectionBackupInstanceBlobStorage(this, 'Instance', {
      name: 'customer-files',
      location: props.location,
      vaultId: this.resource.id,
      storageAccountId: props.storageAccountId,
      backupPolicyId: this.policy.id,
      storageAccountContainerNames: [...props.containerNames],
      dependsOn: instanceDependsOn,
    });
  }
}

function checkDays(what: string, prop: string, value: number, min: number, max: number): void {
  if (known(value) && (!Number.isInteger(value) || value < min || value > max)) {
    throw new Error(`${what} ${prop} ${value} is out of range; expected a whole number of days from ${min} to ${max}`);
  }
}
