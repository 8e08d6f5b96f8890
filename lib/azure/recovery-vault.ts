import { BackupPolicyVm } from '@cdktf/provider-azurerm/lib/backup-policy-vm';
import { BackupProtectedVm } from '@cdktf/provider-azurerm/lib/backup-protected-vm';
import { RecoveryServicesVault } from '@cdktf/provider-azurerm/lib/recovery-services-vault';
import { Token } from 'cdktf';
import { Construct } from 'constructs';

/** Immutability states the construct accepts. */
export const RECOVERY_VAULT_IMMUTABILITY = ['Locked', 'Unlocked'] as const;
/** Name of the VM backup policy inside the vault. */
export const RECOVERY_VAULT_VM_POLICY_NAME = 'vm-daily';

/** Properties of {@link RecoveryVault}. */
export interface RecoveryVaultProps {
  /** Resource group of the vault. */
  readonly resourceGroupName: string;
  /** Azure location (region) of the vault; the VMs it protects must be in the same region. */
  readonly location: string;
  /** Vault name: 2-50 letters, digits and dashes, starting with a letter. */
  readonly name: string;
  /**
   * Versionless Key Vault key id encrypting the backup data (control ENC-REST), in a Key Vault
   * of the vault's region that lets `identityId` wrap and unwrap (Key Vault Crypto Service
   * Encryption User). Versionless, so the vault follows key rotation.
   */
  readonly keyVaultKeyId: string;
  /** User-assigned identity that reads `keyVaultKeyId`. */
  readonly identityId: string;
  /**
   * Immutability of the vault. "Locked" (the default) is irreversible: nobody, the subscription
   * owner included, can turn immutability off again, shorten the retention of existing recovery
   * points or delete them before they expire, so ransomware or a rogue administrator cannot
   * destroy the backups (control BACKUP). It also means mistakes in retention cost storage until
   * they expire. "Unlocked" enforces the same rules but can still be switched off (or locked
   * later): use it while a new environment's retention settles.
   * @default 'Locked'
   */
  readonly immutability?: string;
  /**
   * Days each daily VM backup is kept, 7-9999 (control BACKUP).
   * @default 30
   */
  readonly dailyRetentionDays?: number;
  /**
   * Weeks the Sunday backup is kept, 1-5163.
   * @default - no weekly retention
   */
  readonly weeklyRetentionWeeks?: number;
  /**
   * Months the first Sunday's backup is kept, 1-1188.
   * @default - no monthly retention
   */
  readonly monthlyRetentionMonths?: number;
  /**
   * Time of the daily backup, `HH:MM` in UTC on the hour or half hour.
   * @default '01:00'
   */
  readonly backupTimeUtc?: string;
  /**
   * Days the snapshots for instant (fast) restore are kept, 1-30 and at most `dailyRetentionDays`.
   * @default 7
   */
  readonly instantRestoreRetentionDays?: number;
  /**
   * Virtual machines (resource ids, in the vault's region) backed up daily under the policy.
   * @default - none; VMs can be added later
   */
  readonly protectedVmIds?: readonly string[];
  /**
   * Tags of the vault.
   * @default - none
   */
  readonly tags?: Record<string, string>;
}

const IDENTITY_ID =
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/[^/]+$/i;
const KEY_ID = /^https:\/\/[a-z0-9-]+\.(vault|managedhsm)\.[a-z0-9.]+\/keys\/[A-Za-z0-9-]+(\/[0-9a-f]{32})?\/?$/i;
const VM_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Compute\/virtualMachines\/([^/]+)$/i;
const known = (v: string | number | undefined): v is string | number => v !== undefined && !Token.isUnresolved(v);

/**
 * The backup vault of a region (controls BACKUP, DR-REGION): a Recovery Services vault whose
 * backups are geo-redundant and restorable in the paired region (cross-region restore),
 * immutable (locked by default), soft-deleted rather than deleted, encrypted under a
 * customer-managed key with infrastructure (double) encryption, closed to public networks, with
 * Azure Monitor alerts for failed jobs, and `prevent_destroy`.
 *
 * It holds one enhanced (V2) VM policy: a daily backup at a fixed UTC time, kept
 * `dailyRetentionDays` (optionally weekly and monthly points too), with instant-restore
 * snapshots; `protectedVmIds` are enrolled in it. Azure VM backups are taken by the platform
 * (disk snapshots), so they need no network path to the vault; agent-based workloads (MARS,
 * SQL in VM) would need a private endpoint.
 */
export class RecoveryVault extends Construct {
  /** The vault. */
  public readonly resource: RecoveryServicesVault;
  /** The vault's resource id. */
  public readonly vaultId: string;
  /** The daily VM backup policy. */
  public readonly vmPolicy: BackupPolicyVm;
  /** The VM policy's id, for enrolling more VMs. */
  public readonly vmPolicyId: string;
  /** The protected VMs, in `protectedVmIds` order. */
  public readonly protectedVms: BackupProtectedVm[] = [];

  constructor(scope: Construct, id: string, props: RecoveryVaultProps) {
    super(scope, id);
    const what = `RecoveryVault ${this.node.path}:`;
    const immutability = props.immutability ?? 'Locked';
    const dailyRetentionDays = props.dailyRetentionDays ?? 30;
    const backupTimeUtc = props.backupTimeUtc ?? '01:00';
    const instantRestoreRetentionDays = props.instantRestoreRetentionDays ?? 7;
    const protectedVmIds = props.protectedVmIds ?? [];

    if (known(props.name) && !/^[A-Za-z][A-Za-z0-9-]{1,49}$/.test(props.name)) {
      throw new Error(`${what} name "${props.name}" is invalid; expected 2-50 letters, digits and dashes, starting with a letter`);
    }
    if (known(immutability) && !(RECOVERY_VAULT_IMMUTABILITY as readonly string[]).includes(immutability)) {
      throw new Error(
        `${what} immutability "${immutability}" is not accepted; expected "Locked" (irreversible) or "Unlocked" (enforced but ` +
          `reversible); "Disabled" would let backups be deleted early`,
      );
    }
    checkCount(what, 'dailyRetentionDays', dailyRetentionDays, 7, 9999);
    if (props.weeklyRetentionWeeks !== undefined) checkCount(what, 'weeklyRetentionWeeks', props.weeklyRetentionWeeks, 1, 5163);
    if (props.monthlyRetentionMonths !== undefined) checkCount(what, 'monthlyRetentionMonths', props.monthlyRetentionMonths, 1, 1188);
    checkCount(
      what,
      'instantRestoreRetentionDays',
      instantRestoreRetentionDays,
      1,
      known(dailyRetentionDays) ? Math.min(30, dailyRetentionDays) : 30,
    );
    if (known(backupTimeUtc) && !/^([01]\d|2[0-3]):(00|30)$/.test(backupTimeUtc)) {
      throw new Error(`${what} backupTimeUtc "${backupTimeUtc}" is invalid; expected HH:MM in UTC on the hour or half hour, such as 01:00`);
    }
    if (known(props.keyVaultKeyId) && !KEY_ID.test(props.keyVaultKeyId)) {
      throw new Error(
        `${what} keyVaultKeyId "${props.keyVaultKeyId}" is not a Key Vault key id; expected ` +
          `https://<vault>.vault.azure.net/keys/<name> (versionless, so the vault follows key rotation)`,
      );
    }
    if (known(props.identityId) && !IDENTITY_ID.test(props.identityId)) {
      throw new Error(
        `${what} identityId "${props.identityId}" is not a user-assigned identity id; expected ` +
          `/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>`,
      );
    }

    this.resource = new RecoveryServicesVault(this, 'Resource', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      sku: 'Standard',
      // DR-REGION: copies in the paired region, restorable there while this region is down.
      storageModeType: 'GeoRedundant',
      crossRegionRestoreEnabled: true,
      // BACKUP: deleted backup data is kept 14 more days; immutability stops early deletion
      // and retention cuts (the provider creates the vault Unlocked, then locks it).
      softDeleteEnabled: true,
      immutability,
      publicNetworkAccessEnabled: false,
      // ENC-REST: backup data under the customer-managed key, plus the infrastructure layer.
      encryption: {
        keyId: props.keyVaultKeyId,
        infrastructureEncryptionEnabled: true,
        userAssignedIdentityId: props.identityId,
        useSystemAssignedIdentity: false,
      },
      identity: { type: 'UserAssigned', identityIds: [props.identityId] },
      monitoring: { alertsForAllJobFailuresEnabled: true, alertsForCriticalOperationFailuresEnabled: true },
      tags: props.tags,
      lifecycle: { preventDestroy: true },
    });
    this.vaultId = this.resource.id;

    this.vmPolicy = new BackupPolicyVm(this, 'VmPolicy', {
      name: RECOVERY_VAULT_VM_POLICY_NAME,
      resourceGroupName: props.resourceGroupName,
      recoveryVaultName: this.resource.name,
      // Enhanced policy: trusted-launch VMs (the baseline's) can only be protected by V2.
      policyType: 'V2',
      timezone: 'UTC',
      backup: { frequency: 'Daily', time: backupTimeUtc },
      instantRestoreRetentionDays,
      retentionDaily: { count: dailyRetentionDays },
      retentionWeekly: props.weeklyRetentionWeeks === undefined ? undefined : { count: props.weeklyRetentionWeeks, weekdays: ['Sunday'] },
      retentionMonthly:
        props.monthlyRetentionMonths === undefined
          ? undefined
          : { count: props.monthlyRetentionMonths, weekdays: ['Sunday'], weeks: ['First'] },
    });
    this.vmPolicyId = this.vmPolicy.id;

    const seen = new Set<string>();
    protectedVmIds.forEach((vmId, i) => {
      // A literal id names the item after its VM, so reordering the list replaces nothing.
      let childId = `ProtectedVm${i}`;
      if (known(vmId)) {
        const match = VM_ID.exec(vmId);
        if (!match) {
          throw new Error(
            `${what} protectedVmIds[${i}] "${vmId}" is not a virtual machine id; expected ` +
              `/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Compute/virtualMachines/<name>`,
          );
        }
        childId = `ProtectedVm-${match[1]}`;
      }
      if (seen.has(childId)) {
        throw new Error(`${what} protectedVmIds[${i}] "${vmId}" repeats a VM name already in the list; each VM can be protected once`);
      }
      seen.add(childId);
      this.protectedVms.push(
        new BackupProtectedVm(this, childId, {
          resourceGroupName: props.resourceGroupName,
          recoveryVaultName: this.resource.name,
          sourceVmId: vmId,
          backupPolicyId: this.vmPolicy.id,
        }),
      );
    });
  }
}

function checkCount(what: string, prop: string, value: number, min: number, max: number): void {
  if (known(value) && (!Number.isInteger(value) || value < min || value > max)) {
    throw new Error(`${what} ${prop} ${value} is out of range; expected a whole number from ${min} to ${max}`);
  }
}
