import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { App, TerraformStack } from 'cdktf';
import { BaselineKeyVault, SecureStorageAccount, WorkloadIdentity, markTerraformStack } from '../../lib/azure/index';

const app = new App();
const stack = new TerraformStack(app, 'prod-storefront-azure');
new AzurermProvider(stack, 'azurerm', {
  subscriptionId: '00000000-0000-0000-0000-000000000000',
  storageUseAzuread: true,
  // The accounts below have no public endpoint: manage them through ARM only.
  features: [{ storage: [{ dataPlaneAvailable: false }] }],
});
markTerraformStack(stack, { environment: 'prod', role: 'primary', production: true, residency: 'eu' });
const group = new ResourceGroup(stack, 'Data', { name: 'rg-storefront-prod-data', location: 'westeurope' });

// Premium Key Vault, RBAC only, purge protection, HSM keys that rotate (ENC-REST); admits the deployers' range.
const vault = new BaselineKeyVault(stack, 'Keys', {
  resourceGroupName: group.name,
  location: group.location,
  name: 'kv-storefront-prod',
  tenantId: '00000000-0000-0000-0000-000000000000',
  allowedIpRanges: ['203.0.113.0/28'],
});
// One identity per key consumer, granted wrap/unwrap on its own key only.
const identity = new WorkloadIdentity(stack, 'StorageIdentity', {
  resourceGroupName: group.name,
  location: group.location,
  name: 'id-storefront-prod-storage',
});
vault.grantCryptoUser('StorageKeyUser', identity.principalId, 'storage');
// No public endpoint, no shared keys, CMK plus infrastructure encryption, versioning and restore points.
new SecureStorageAccount(stack, 'Files', {
  resourceGroupName: group.name,
  location: group.location,
  name: 'ststorefrontprodfiles',
  keyVaultKeyId: vault.versionlessKeyIds.storage,
  identityId: identity.identityId,
  containerNames: ['files'],
});
app.synth();
