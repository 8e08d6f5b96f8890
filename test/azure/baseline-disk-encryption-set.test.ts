import { TerraformOutput } from 'cdktf';
import { BaselineDiskEncryptionSet, type BaselineDiskEncryptionSetProps } from '../../lib/azure/baseline-disk-encryption-set';
import { LOCATION, onlyResource, RG, synthAzure } from './support';

const KEY = 'https://kvacmeprod1a2b3c.vault.azure.net/keys/disks';
const IDENTITY = '/subscriptions/x/resourceGroups/rg-test/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-disks';
const props: BaselineDiskEncryptionSetProps = {
  resourceGroupName: RG,
  location: LOCATION,
  name: 'des-acme-prod',
  keyVaultKeyId: KEY,
  identityId: IDENTITY,
  tags: { env: 'prod' },
};
const json = synthAzure(
  (s) => new TerraformOutput(s, 'SetId', { value: new BaselineDiskEncryptionSet(s, 'Disks', props).diskEncryptionSetId }),
);
const set = onlyResource(json, 'azurerm_disk_encryption_set');

describe('BaselineDiskEncryptionSet', () => {
  it('double-encrypts with the platform key and the customer key, rotating to its newest version', () => {
    expect(set).toEqual({
      name: 'des-acme-prod',
      resource_group_name: RG,
      location: LOCATION,
      key_vault_key_id: KEY,
      auto_key_rotation_enabled: true,
      encryption_type: 'EncryptionAtRestWithPlatformAndCustomerKeys',
      identity: { type: 'UserAssigned', identity_ids: [IDENTITY] },
      tags: { env: 'prod' },
    });
  });

  it('exposes the set id for OS disks', () => {
    expect((json.output as Record<string, { value: string }>).SetId.value).toMatch(
      /^\$\{azurerm_disk_encryption_set\.Disks_[0-9A-F]+\.id\}$/,
    );
  });

  it('sets no tags by default', () => {
    const bare = onlyResource(
      synthAzure((s) => new BaselineDiskEncryptionSet(s, 'Disks', { ...props, tags: undefined })),
      'azurerm_disk_encryption_set',
    );
    expect(bare.tags).toBeUndefined();
    expect(bare).toMatchObject({ auto_key_rotation_enabled: true, encryption_type: 'EncryptionAtRestWithPlatformAndCustomerKeys' });
  });
});
