import { TerraformOutput, TerraformVariable } from 'cdktf';
import { RecoveryVault, type RecoveryVaultProps } from '../../lib/azure/recovery-vault';
import { LOCATION, onlyResource, resourcesOf, RG, synthAzure, type TfJson } from './support';

const SUB = '/subscriptions/00000000-0000-0000-0000-000000000000';
const IDENTITY = `${SUB}/resourceGroups/rg-test/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-backup`;
const KEY = 'https://kv-acme-weu.vault.azure.net/keys/backup';
const VM_A = `${SUB}/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm-bastion`;
const VM_B = `${SUB}/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm-tools`;

const props: RecoveryVaultProps = {
  resourceGroupName: RG,
  location: LOCATION,
  name: 'rsv-acme-staging',
  keyVaultKeyId: KEY,
  identityId: IDENTITY,
};

function synth(p: RecoveryVaultProps): TfJson {
  return synthAzure((s) => {
    const v = new RecoveryVault(s, 'Backup', p);
    new TerraformOutput(s, 'VaultId', { value: v.vaultId });
    new TerraformOutput(s, 'VmPolicyId', { value: v.vmPolicyId });
  });
}

describe('RecoveryVault', () => {
  const json = synth(props);
  const vault = onlyResource(json, 'azurerm_recovery_services_vault');

  it('stores backups geo-redundantly, restorable in the paired region', () => {
    expect(vault.sku).toBe('Standard');
    expect(vault.storage_mode_type).toBe('GeoRedundant');
    expect(vault.cross_region_restore_enabled).toBe(true);
  });

  it('locks immutability, keeps soft delete on and refuses destruction', () => {
    expect(vault.immutability).toBe('Locked');
    expect(vault.soft_delete_enabled).toBe(true);
    expect(vault.lifecycle).toEqual({ prevent_destroy: true });
  });

  it('is closed to public networks and alerts on failed jobs', () => {
    expect(vault.public_network_access_enabled).toBe(false);
    expect(vault.monitoring).toEqual({ alerts_for_all_job_failures_enabled: true, alerts_for_critical_operation_failures_enabled: true });
  });

  it('encrypts under the customer-managed key, read by the user-assigned identity, with double encryption', () => {
    expect(vault.encryption).toEqual({
      key_id: KEY,
      infrastructure_encryption_enabled: true,
      user_assigned_identity_id: IDENTITY,
      use_system_assigned_identity: false,
    });
    expect(vault.identity).toEqual({ type: 'UserAssigned', identity_ids: [IDENTITY] });
  });

  it('backs VMs up daily at 01:00 UTC under an enhanced policy, kept 30 days', () => {
    expect(onlyResource(json, 'azurerm_backup_policy_vm')).toEqual({
      name: 'vm-daily',
      resource_group_name: RG,
      recovery_vault_name: expect.stringMatching(/azurerm_recovery_services_vault\..*\.name/),
      policy_type: 'V2',
      timezone: 'UTC',
      backup: { frequency: 'Daily', time: '01:00' },
      instant_restore_retention_days: 7,
      retention_daily: { count: 30 },
    });
  });

  it('protects no VM unless given', () => {
    expect(resourcesOf(json, 'azurerm_backup_protected_vm')).toEqual({});
  });

  it('exposes the vault and policy ids', () => {
    expect(json.output).toEqual({
      VaultId: { value: expect.stringMatching(/azurerm_recovery_services_vault\..*\.id/) },
      VmPolicyId: { value: expect.stringMatching(/azurerm_backup_policy_vm\..*\.id/) },
    });
  });

  it('enrols each protected VM in the daily policy', () => {
    const items = Object.values(resourcesOf(synth({ ...props, protectedVmIds: [VM_A, VM_B] }), 'azurerm_backup_protected_vm'));
    expect(items).toEqual(
      [VM_A, VM_B].map((vm) => ({
        resource_group_name: RG,
        recovery_vault_name: expect.stringMatching(/azurerm_recovery_services_vault\..*\.name/),
        source_vm_id: vm,
        backup_policy_id: expect.stringMatching(/azurerm_backup_policy_vm\..*\.id/),
      })),
    );
  });

  it('names protected items after their VMs, so reordering the list replaces nothing', () => {
    const names = (ids: string[]) =>
      Object.entries(resourcesOf(synth({ ...props, protectedVmIds: ids }), 'azurerm_backup_protected_vm'))
        .map(([n, r]) => `${n}=${r.source_vm_id}`)
        .sort();
    expect(names([VM_A, VM_B])).toEqual(names([VM_B, VM_A]));
  });

  it('protects a VM given as a token', () => {
    const j = synthAzure((s) => {
      new RecoveryVault(s, 'Backup', { ...props, protectedVmIds: [new TerraformVariable(s, 'vm', { type: 'string' }).stringValue] });
    });
    expect(onlyResource(j, 'azurerm_backup_protected_vm').source_vm_id).toBe('${var.vm}');
  });

  it('takes the configured retention, time, snapshots and an Unlocked vault', () => {
    const j = synth({
      ...props,
      dailyRetentionDays: 90,
      weeklyRetentionWeeks: 12,
      monthlyRetentionMonths: 12,
      backupTimeUtc: '23:30',
      instantRestoreRetentionDays: 30,
      immutability: 'Unlocked',
    });
    const policy = onlyResource(j, 'azurerm_backup_policy_vm');
    expect(policy.retention_daily).toEqual({ count: 90 });
    expect(policy.retention_weekly).toEqual({ count: 12, weekdays: ['Sunday'] });
    expect(policy.retention_monthly).toEqual({ count: 12, weekdays: ['Sunday'], weeks: ['First'] });
    expect(policy.backup).toEqual({ frequency: 'Daily', time: '23:30' });
    expect(policy.instant_restore_retention_days).toBe(30);
    expect(onlyResource(j, 'azurerm_recovery_services_vault').immutability).toBe('Unlocked');
  });

  it.each([6, 10000, 30.5])('rejects dailyRetentionDays %p', (dailyRetentionDays) => {
    expect(() => synth({ ...props, dailyRetentionDays })).toThrow(
      new RegExp(`dailyRetentionDays ${dailyRetentionDays} is out of range; expected a whole number from 7 to 9999`),
    );
  });

  it.each([
    ['weeklyRetentionWeeks', 0],
    ['weeklyRetentionWeeks', 5164],
    ['monthlyRetentionMonths', 0],
    ['monthlyRetentionMonths', 1189],
  ])('rejects %s %p', (prop, value) => {
    expect(() => synth({ ...props, [prop]: value })).toThrow(new RegExp(`${prop} ${value} is out of range`));
  });

  it.each([0, 31])('rejects instantRestoreRetentionDays %p', (instantRestoreRetentionDays) => {
    expect(() => synth({ ...props, dailyRetentionDays: 90, instantRestoreRetentionDays })).toThrow(
      new RegExp(`instantRestoreRetentionDays ${instantRestoreRetentionDays} is out of range; expected a whole number from 1 to 30`),
    );
  });

  it('rejects instant-restore snapshots kept longer than the daily backups', () => {
    expect(() => synth({ ...props, dailyRetentionDays: 7, instantRestoreRetentionDays: 8 })).toThrow(
      /instantRestoreRetentionDays 8 is out of range; expected a whole number from 1 to 7/,
    );
  });

  it.each(['Disabled', 'locked'])('rejects immutability %p', (immutability) => {
    expect(() => synth({ ...props, immutability })).toThrow(new RegExp(`immutability "${immutability}" is not accepted`));
  });

  it.each(['1:00', '01:15', '24:00'])('rejects backupTimeUtc %p', (backupTimeUtc) => {
    expect(() => synth({ ...props, backupTimeUtc })).toThrow(new RegExp(`backupTimeUtc "${backupTimeUtc}" is invalid`));
  });

  it.each(['1vault', 'v', 'rsv_acme'])('rejects the name %p', (name) => {
    expect(() => synth({ ...props, name })).toThrow(new RegExp(`name "${name}" is invalid`));
  });

  it.each([
    ['keyVaultKeyId', 'backup'],
    ['identityId', 'id-backup'],
  ])('rejects a malformed %s', (prop, value) => {
    expect(() => synth({ ...props, [prop]: value })).toThrow(new RegExp(`${prop} "${value}"`));
  });

  it('rejects a protected id that is not a VM', () => {
    expect(() => synth({ ...props, protectedVmIds: [VM_A, 'vm-tools'] })).toThrow(
      /protectedVmIds\[1\] "vm-tools" is not a virtual machine id/,
    );
  });

  it('rejects the same VM twice', () => {
    expect(() => synth({ ...props, protectedVmIds: [VM_A, VM_A] })).toThrow(/protectedVmIds\[1\] ".*vm-bastion" repeats a VM name/);
  });

  it('skips validation of unresolved tokens', () => {
    expect(() =>
      synthAzure((s) => {
        const v = (name: string) => new TerraformVariable(s, name, { type: 'string' }).stringValue;
        new RecoveryVault(s, 'Backup', {
          ...props,
          name: v('name'),
          keyVaultKeyId: v('key'),
          identityId: v('identity'),
          immutability: v('immutability'),
        });
      }),
    ).not.toThrow();
  });
});
