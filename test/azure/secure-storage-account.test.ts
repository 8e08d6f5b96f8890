import { TerraformOutput, TerraformVariable } from 'cdktf';
import { SecureStorageAccount, type SecureStorageAccountProps } from '../../lib/azure/secure-storage-account';
import { LOCATION, onlyResource, resourcesOf, RG, synthAzure, type TfJson } from './support';

const SUB = '/subscriptions/00000000-0000-0000-0000-000000000000';
const IDENTITY = `${SUB}/resourceGroups/rg-test/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-storage`;
const KEY = 'https://kv-acme-weu.vault.azure.net/keys/storage';
const APP_SUBNET = `${SUB}/resourceGroups/rg-test/providers/Microsoft.Network/virtualNetworks/vnet/subnets/app`;
const PE_SUBNET = `${SUB}/resourceGroups/rg-test/providers/Microsoft.Network/virtualNetworks/vnet/subnets/endpoints`;
const BLOB_ZONE = `${SUB}/resourceGroups/rg-test/providers/Microsoft.Network/privateDnsZones/privatelink.blob.core.windows.net`;

const props: SecureStorageAccountProps = {
  resourceGroupName: RG,
  location: LOCATION,
  name: 'stacmestagingdata',
  keyVaultKeyId: KEY,
  identityId: IDENTITY,
};

function synth(p: SecureStorageAccountProps): TfJson {
  return synthAzure((s) => {
    const st = new SecureStorageAccount(s, 'Storage', p);
    new TerraformOutput(s, 'AccountId', { value: st.accountId });
    new TerraformOutput(s, 'BlobEndpoint', { value: st.primaryBlobEndpoint });
  });
}
const accountOf = (p: SecureStorageAccountProps) => onlyResource(synth(p), 'azurerm_storage_account');

describe('SecureStorageAccount', () => {
  const json = synth(props);
  const account = onlyResource(json, 'azurerm_storage_account');

  it('is a zone- and geo-redundant StorageV2 account that cannot be destroyed', () => {
    expect([account.account_kind, account.account_tier, account.account_replication_type]).toEqual(['StorageV2', 'Standard', 'GZRS']);
    expect(account.lifecycle).toEqual({ prevent_destroy: true });
  });

  it('encrypts twice, under the customer-managed key for every service', () => {
    expect(account.infrastructure_encryption_enabled).toBe(true);
    expect(account.queue_encryption_key_type).toBe('Account');
    expect(account.table_encryption_key_type).toBe('Account');
    expect(account.customer_managed_key).toEqual({ key_vault_key_id: KEY, user_assigned_identity_id: IDENTITY });
    expect(account.identity).toEqual({ type: 'UserAssigned', identity_ids: [IDENTITY] });
  });

  it('accepts HTTPS with TLS 1.2+ only', () => {
    expect(account.https_traffic_only_enabled).toBe(true);
    expect(account.min_tls_version).toBe('TLS1_2');
  });

  it('admits Entra identities only: no anonymous access, shared keys, local users or cross-tenant copies', () => {
    expect(account.allow_nested_items_to_be_public).toBe(false);
    expect(account.shared_access_key_enabled).toBe(false);
    expect(account.local_user_enabled).toBe(false);
    expect(account.sftp_enabled).toBe(false);
    expect(account.default_to_oauth_authentication).toBe(true);
    expect(account.cross_tenant_replication_enabled).toBe(false);
    expect(account.allowed_copy_scope).toBe('AAD');
    expect(account.sas_policy).toEqual({ expiration_period: '0.01:00:00', expiration_action: 'Block' });
  });

  it('disables public network access and denies every network by default', () => {
    expect(account.public_network_access_enabled).toBe(false);
    expect(account.network_rules).toEqual({
      default_action: 'Deny',
      bypass: ['AzureServices'],
      ip_rules: [],
      virtual_network_subnet_ids: [],
    });
  });

  it('keeps versions, a change feed and 90 days of soft delete, with 30 days of point-in-time restore', () => {
    expect(account.blob_properties).toEqual({
      versioning_enabled: true,
      change_feed_enabled: true,
      change_feed_retention_in_days: 90,
      delete_retention_policy: { days: 90, permanent_delete_enabled: false },
      container_delete_retention_policy: { days: 90 },
      restore_policy: { days: 30 },
    });
  });

  it('creates no private endpoint unless asked', () => {
    expect(resourcesOf(json, 'azurerm_private_endpoint')).toEqual({});
  });

  it('exposes the account id and blob endpoint', () => {
    expect(json.output).toEqual({
      AccountId: { value: expect.stringMatching(/azurerm_storage_account\..*\.id/) },
      BlobEndpoint: { value: expect.stringMatching(/azurerm_storage_account\..*\.primary_blob_endpoint/) },
    });
  });

  it('reaches the blob service through a private endpoint registered in the privatelink zone', () => {
    const j = synth({ ...props, privateEndpointSubnetId: PE_SUBNET, blobPrivateDnsZoneId: BLOB_ZONE });
    expect(onlyResource(j, 'azurerm_private_endpoint')).toEqual({
      name: 'stacmestagingdata-blob-pe',
      resource_group_name: RG,
      location: LOCATION,
      subnet_id: PE_SUBNET,
      private_service_connection: {
        name: 'stacmestagingdata-blob',
        is_manual_connection: false,
        private_connection_resource_id: expect.stringMatching(/azurerm_storage_account\..*\.id/),
        subresource_names: ['blob'],
      },
      private_dns_zone_group: { name: 'blob', private_dns_zone_ids: [BLOB_ZONE] },
    });
    expect(onlyResource(j, 'azurerm_storage_account').public_network_access_enabled).toBe(false);
  });

  it('opens the public endpoint to trusted Azure services and allowed subnets only when opted in', () => {
    const a = accountOf({ ...props, trustedServicesOnly: true, allowedSubnetIds: [APP_SUBNET] });
    expect(a.public_network_access_enabled).toBe(true);
    expect(a.network_rules).toEqual({
      default_action: 'Deny',
      bypass: ['AzureServices'],
      ip_rules: [],
      virtual_network_subnet_ids: [APP_SUBNET],
    });
    expect(a.shared_access_key_enabled).toBe(false);
  });

  it('takes RAGZRS, and GRS/RAGRS with allowNonZoneRedundant', () => {
    expect(accountOf({ ...props, replicationType: 'RAGZRS' }).account_replication_type).toBe('RAGZRS');
    expect(accountOf({ ...props, replicationType: 'GRS', allowNonZoneRedundant: true }).account_replication_type).toBe('GRS');
    expect(accountOf({ ...props, replicationType: 'RAGRS', allowNonZoneRedundant: true }).account_replication_type).toBe('RAGRS');
  });

  it('takes the configured retention and restore window', () => {
    const a = accountOf({
      ...props,
      deleteRetentionDays: 365,
      containerDeleteRetentionDays: 30,
      pointInTimeRestoreDays: 364,
      sasExpirationPeriod: '1.00:00:00',
    });
    expect(a.blob_properties.delete_retention_policy.days).toBe(365);
    expect(a.blob_properties.change_feed_retention_in_days).toBe(365);
    expect(a.blob_properties.container_delete_retention_policy.days).toBe(30);
    expect(a.blob_properties.restore_policy.days).toBe(364);
    expect(a.sas_policy.expiration_period).toBe('1.00:00:00');
  });

  it('shortens the default restore window below a short soft-delete retention', () => {
    const a = accountOf({ ...props, deleteRetentionDays: 14 });
    expect(a.blob_properties.restore_policy.days).toBe(13);
    expect(a.blob_properties.container_delete_retention_policy.days).toBe(14);
  });

  it.each(['GRS', 'RAGRS'])('rejects %s without allowNonZoneRedundant', (replicationType) => {
    expect(() => synth({ ...props, replicationType })).toThrow(
      new RegExp(`replicationType "${replicationType}" keeps one zone .* allowNonZoneRedundant`),
    );
  });

  it.each(['LRS', 'ZRS', 'Premium_LRS'])('rejects %s, which keeps no copy in another region', (replicationType) => {
    expect(() => synth({ ...props, replicationType, allowNonZoneRedundant: true })).toThrow(
      new RegExp(`replicationType "${replicationType}" keeps no copy in another region`),
    );
  });

  it.each([
    ['deleteRetentionDays', 6],
    ['deleteRetentionDays', 366],
    ['containerDeleteRetentionDays', 3],
    ['deleteRetentionDays', 30.5],
  ])('rejects %s %p', (prop, value) => {
    expect(() => synth({ ...props, [prop]: value })).toThrow(new RegExp(`${prop} ${value} is out of range`));
  });

  it.each([0, 90, 120])('rejects pointInTimeRestoreDays %p, which must be shorter than soft delete', (pointInTimeRestoreDays) => {
    expect(() => synth({ ...props, pointInTimeRestoreDays })).toThrow(
      new RegExp(
        `pointInTimeRestoreDays ${pointInTimeRestoreDays} is out of range; expected .* from 1 to 89; Azure requires it to be ` +
          `shorter than deleteRetentionDays`,
      ),
    );
  });

  it.each(['st', 'st-acme', 'StAcme', 'stacmestagingdata0123456789'])('rejects the name %p', (name) => {
    expect(() => synth({ ...props, name })).toThrow(new RegExp(`name "${name}" is invalid`));
  });

  it('creates no container unless asked, and private, undestroyable containers through ARM when asked', () => {
    expect(resourcesOf(json, 'azurerm_storage_container')).toEqual({});
    const containers = Object.values(resourcesOf(synth({ ...props, containerNames: ['files', 'exports'] }), 'azurerm_storage_container'));
    expect(containers.sort((a, b) => a.name.localeCompare(b.name))).toEqual(
      ['exports', 'files'].map((name) => ({
        name,
        storage_account_id: expect.stringMatching(/^\$\{azurerm_storage_account\.Storage_[A-F0-9]+\.id\}$/),
        container_access_type: 'private',
        lifecycle: { prevent_destroy: true },
      })),
    );
  });

  it.each([
    ['Files', /containerNames\[0\] "Files" is not a container name/],
    ['a--b', /is not a container name/],
  ])('rejects the container name %p', (name, message) => {
    expect(() => synth({ ...props, containerNames: [name] })).toThrow(message);
  });

  it('rejects a container listed twice', () => {
    expect(() => synth({ ...props, containerNames: ['files', 'files'] })).toThrow(/containerNames\[1\] "files" is listed twice/);
  });

  it('adds private endpoints in another network, to the primary or the read-only secondary endpoint', () => {
    const DR_SUBNET = `${SUB}/resourceGroups/rg-dr/providers/Microsoft.Network/virtualNetworks/vnet-dr/subnets/snet-app`;
    const DR_ZONE = `${SUB}/resourceGroups/rg-dr/providers/Microsoft.Network/privateDnsZones/privatelink.blob.core.windows.net`;
    const json = synthAzure((s) => {
      const st = new SecureStorageAccount(s, 'Storage', { ...props, replicationType: 'RAGZRS' });
      st.addBlobPrivateEndpoint('Dr', {
        name: 'stacme-blob-dr-pe',
        resourceGroupName: 'rg-dr',
        location: 'northeurope',
        subnetId: DR_SUBNET,
        privateDnsZoneId: DR_ZONE,
      });
      st.addBlobPrivateEndpoint('DrSecondary', {
        name: 'stacme-blob-secondary-dr-pe',
        resourceGroupName: 'rg-dr',
        location: 'northeurope',
        subnetId: DR_SUBNET,
        privateDnsZoneId: DR_ZONE,
        subresource: 'blob_secondary',
      });
    });
    const endpoints = Object.values<any>(resourcesOf(json, 'azurerm_private_endpoint')).sort((a, b) => a.name.length - b.name.length);
    expect(endpoints.map((e) => ({ ...e, '//': undefined }))).toEqual([
      {
        '//': undefined,
        name: 'stacme-blob-dr-pe',
        resource_group_name: 'rg-dr',
        location: 'northeurope',
        subnet_id: DR_SUBNET,
        private_service_connection: {
          name: 'stacme-blob-dr',
          is_manual_connection: false,
          private_connection_resource_id: expect.stringContaining('azurerm_storage_account.Storage'),
          subresource_names: ['blob'],
        },
        private_dns_zone_group: { name: 'blob', private_dns_zone_ids: [DR_ZONE] },
      },
      {
        '//': undefined,
        name: 'stacme-blob-secondary-dr-pe',
        resource_group_name: 'rg-dr',
        location: 'northeurope',
        subnet_id: DR_SUBNET,
        private_service_connection: {
          name: 'stacme-blob-secondary-dr',
          is_manual_connection: false,
          private_connection_resource_id: expect.stringContaining('azurerm_storage_account.Storage'),
          subresource_names: ['blob_secondary'],
        },
        private_dns_zone_group: { name: 'blob-secondary', private_dns_zone_ids: [DR_ZONE] },
      },
    ]);
  });

  it('refuses a secondary endpoint on an account without read access to its secondary, and a zone that is not privatelink.blob', () => {
    expect(() =>
      synthAzure((s) => {
        new SecureStorageAccount(s, 'Storage', props).addBlobPrivateEndpoint('X', {
          name: 'x-pe',
          resourceGroupName: 'rg',
          location: 'northeurope',
          subnetId: APP_SUBNET,
          privateDnsZoneId: BLOB_ZONE,
          subresource: 'blob_secondary',
        });
      }),
    ).toThrow(/subresource "blob_secondary" needs a read-access geo-replicated account .*received replication GZRS/);
    expect(() =>
      synthAzure((s) => {
        new SecureStorageAccount(s, 'Storage', props).addBlobPrivateEndpoint('X', {
          name: 'x-pe',
          resourceGroupName: 'rg',
          location: 'northeurope',
          subnetId: APP_SUBNET,
          privateDnsZoneId: BLOB_ZONE.replace('blob', 'file'),
        });
      }),
    ).toThrow(/is not a privatelink.blob private DNS zone id/);
  });

  it('rejects allowed subnets while public network access is disabled', () => {
    expect(() => synth({ ...props, allowedSubnetIds: [APP_SUBNET] })).toThrow(
      /allowedSubnetIds has no effect while public network access is disabled/,
    );
  });

  it.each([
    ['privateEndpointSubnetId', { privateEndpointSubnetId: PE_SUBNET }],
    ['blobPrivateDnsZoneId', { blobPrivateDnsZoneId: BLOB_ZONE }],
  ])('rejects %s alone', (prop, extra) => {
    expect(() => synth({ ...props, ...extra })).toThrow(
      new RegExp(`privateEndpointSubnetId and blobPrivateDnsZoneId go together .*; received only ${prop}`),
    );
  });

  it('rejects a DNS zone other than privatelink.blob', () => {
    const zone = BLOB_ZONE.replace('privatelink.blob', 'privatelink.file');
    expect(() => synth({ ...props, privateEndpointSubnetId: PE_SUBNET, blobPrivateDnsZoneId: zone })).toThrow(
      /blobPrivateDnsZoneId ".*privatelink.file.*" is not a privatelink.blob private DNS zone id/,
    );
  });

  it.each([
    ['keyVaultKeyId', 'storage'],
    ['identityId', 'id-storage'],
    ['sasExpirationPeriod', '1h'],
  ])('rejects a malformed %s', (prop, value) => {
    expect(() => synth({ ...props, [prop]: value })).toThrow(new RegExp(`${prop} "${value}"`));
  });

  it('skips validation of unresolved tokens', () => {
    expect(() =>
      synthAzure((s) => {
        const v = (name: string) => new TerraformVariable(s, name, { type: 'string' }).stringValue;
        new SecureStorageAccount(s, 'Storage', {
          ...props,
          name: v('name'),
          keyVaultKeyId: v('key'),
          identityId: v('identity'),
          privateEndpointSubnetId: v('subnet'),
          blobPrivateDnsZoneId: v('zone'),
        });
      }),
    ).not.toThrow();
  });
});
