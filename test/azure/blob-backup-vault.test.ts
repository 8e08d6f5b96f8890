import { BlobBackupVault, type BlobBackupVaultProps } from '../../lib/azure/blob-backup-vault';
import { LOCATION, onlyResource, resourcesOf, RG, synthAzure, type TfJson } from './support';

const SUB = '/subscriptions/00000000-0000-0000-0000-000000000000';
const ACCOUNT = `${SUB}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stacmedata`;
const KEY = 'https://kv-acme-weu.vault.azure.net/keys/backup';
const KEY_RESOURCE = `${SUB}/resourceGroups/rg-security/providers/Microsoft.KeyVault/vaults/kv-acme-weu/keys/backup`;

const props: BlobBackupVaultProps = {
  resourceGroupName: RG,
  location: LOCATION,
  name: 'bvault-acme-prod',
  storageAccountId: ACCOUNT,
  containerNames: ['files', 'exports'],
};

function synth(p: Partial<BlobBackupVaultProps> = {}): TfJson {
  return synthAzure((s) => void new BlobBackupVault(s, 'FileBackup', { ...props, ...p }));
}

describe('BlobBackupVault', () => {
  const json = synth({ keyVaultKeyId: KEY, keyResourceId: KEY_RESOURCE });
  const vault = onlyResource(json, 'azurerm_data_protection_backup_vault');
  const vaultRef = (attr: string) =>
    expect.stringMatching(
      new RegExp(`^\\$\\{azurerm_data_protection_backup_vault\\.FileBackup_[A-F0-9]+\\.${attr.replace(/[.[\]]/g, '\\$&')}\\}$`),
    );

  it('keeps locked, immutable, geo-redundant copies with soft delete always on, and refuses destruction', () => {
    expect(vault).toMatchObject({
      name: 'bvault-acme-prod',
      datastore_type: 'VaultStore',
      redundancy: 'GeoRedundant',
      cross_region_restore_enabled: true,
      immutability: 'Locked',
      soft_delete: 'AlwaysOn',
      retention_duration_in_days: 14,
      identity: { type: 'SystemAssigned' },
      lifecycle: { prevent_destroy: true },
    });
  });

  it('backs the containers up daily at 02:00 UTC: 30 days operational, 90 days vaulted', () => {
    expect(onlyResource(json, 'azurerm_data_protection_backup_policy_blob_storage')).toMatchObject({
      name: 'blob-daily',
      vault_id: vaultRef('id'),
      operational_default_retention_duration: 'P30D',
      vault_default_retention_duration: 'P90D',
      backup_repeating_time_intervals: ['R/2024-01-01T02:00:00+00:00/P1D'],
    });
  });

  it('protects the named containers of the account, after the vault may back it up and uses the key', () => {
    const instance = onlyResource(json, 'azurerm_data_protection_backup_instance_blob_storage');
    expect(instance).toMatchObject({
      name: 'customer-files',
      location: LOCATION,
      vault_id: vaultRef('id'),
      storage_account_id: ACCOUNT,
      storage_account_container_names: ['files', 'exports'],
    });
    expect(instance.depends_on).toEqual([
      expect.stringMatching(/^azurerm_data_protection_backup_vault_customer_managed_key\./),
      expect.stringMatching(/^azurerm_role_assignment\.FileBackup_StorageBackupRole_/),
    ]);
  });

  it('gives the vault identity the backup role on the account and the crypto role on its key only', () => {
    const roles = Object.values(resourcesOf(json, 'azurerm_role_assignment'));
    expect(roles).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          scope: ACCOUNT,
          role_definition_name: 'Storage Account Backup Contributor',
          principal_id: vaultRef('identity[0].principal_id'),
          principal_type: 'ServicePrincipal',
        }),
        expect.objectContaining({
          scope: KEY_RESOURCE,
          role_definition_name: 'Key Vault Crypto Service Encryption User',
          principal_id: vaultRef('identity[0].principal_id'),
        }),
      ]),
    );
    expect(roles).toHaveLength(2);
    expect(onlyResource(json, 'azurerm_data_protection_backup_vault_customer_managed_key')).toMatchObject({
      data_protection_backup_vault_id: vaultRef('id'),
      key_vault_key_id: KEY,
      depends_on: [expect.stringMatching(/^azurerm_role_assignment\.FileBackup_KeyRole_/)],
    });
  });

  it('takes the configured retention, time, soft delete and an Unlocked opt-in', () => {
    const custom = synth({
      vaultedRetentionDays: 180,
      operationalRetentionDays: 14,
      backupTimeUtc: '23:30',
      softDelete: 'On',
      softDeleteRetentionDays: 30,
      immutability: 'Unlocked',
    });
    expect(onlyResource(custom, 'azurerm_data_protection_backup_policy_blob_storage')).toMatchObject({
      operational_default_retention_duration: 'P14D',
      vault_default_retention_duration: 'P180D',
      backup_repeating_time_intervals: ['R/2024-01-01T23:30:00+00:00/P1D'],
    });
    expect(onlyResource(custom, 'azurerm_data_protection_backup_vault')).toMatchObject({
      immutability: 'Unlocked',
      soft_delete: 'On',
      retention_duration_in_days: 30,
    });
    expect(resourcesOf(custom, 'azurerm_data_protection_backup_vault_customer_managed_key')).toEqual({});
  });

  it.each<[string, Partial<BlobBackupVaultProps>, RegExp]>([
    ['disabled immutability', { immutability: 'Disabled' }, /immutability "Disabled" is not accepted.*"Locked"/],
    ['soft delete off', { softDelete: 'Off' }, /softDelete "Off" is not accepted/],
    [
      'a 7-day soft delete',
      { softDeleteRetentionDays: 7 },
      /softDeleteRetentionDays 7 is out of range; expected a whole number of days from 14 to 180/,
    ],
    ['a 3-day vaulted retention', { vaultedRetentionDays: 3 }, /vaultedRetentionDays 3 is out of range; expected .* from 7 to 3650/],
    [
      'a 400-day operational retention',
      { operationalRetentionDays: 400 },
      /operationalRetentionDays 400 is out of range; expected .* from 1 to 360/,
    ],
    ['a malformed time', { backupTimeUtc: '2am' }, /backupTimeUtc "2am" is invalid/],
    [
      'a non-account id',
      { storageAccountId: `${SUB}/resourceGroups/rg/providers/Microsoft.Compute/disks/d` },
      /storageAccountId .* is not a storage account id/,
    ],
    ['no containers', { containerNames: [] }, /containerNames lists 0 containers; expected 1-100/],
    ['a container name with capitals', { containerNames: ['Files'] }, /containerNames\[0\] "Files" is not a container name/],
    ['a container twice', { containerNames: ['files', 'files'] }, /containerNames\[1\] "files" is listed twice/],
    ['a key without its resource id', { keyVaultKeyId: KEY }, /keyVaultKeyId and keyResourceId go together .*received only keyVaultKeyId/],
    [
      'a key URL that is not a key',
      { keyVaultKeyId: 'https://kv.vault.azure.net/secrets/x', keyResourceId: KEY_RESOURCE },
      /keyVaultKeyId .* is not a Key Vault key id/,
    ],
    ['a bad vault name', { name: '1vault' }, /name "1vault" is invalid/],
  ])('rejects %s', (_what, p, message) => {
    expect(() => synth(p)).toThrow(message);
  });
});
