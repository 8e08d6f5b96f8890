import { BaselineKeyVault, type BaselineKeyVaultProps } from '../../lib/azure/baseline-key-vault';
import { LOCATION, onlyResource, RG, resourcesOf, synthAzure } from './support';

const TENANT = '00000000-0000-4000-8000-00000000f001';
const props: BaselineKeyVaultProps = {
  resourceGroupName: RG,
  location: LOCATION,
  name: 'kvacmeprod1a2b3c',
  tenantId: TENANT,
  allowedIpRanges: ['203.0.113.0/28'],
  allowedSubnetIds: ['/subscriptions/x/subnets/app'],
};
const json = synthAzure((s) => new BaselineKeyVault(s, 'KeyVault', props).grantCryptoUser('StorageUser', 'principal-1', 'storage'));
const vault = onlyResource(json, 'azurerm_key_vault');
const keys = Object.values(resourcesOf(json, 'azurerm_key_vault_key'));
const roles = Object.values(resourcesOf(json, 'azurerm_role_assignment'));

describe('BaselineKeyVault', () => {
  it('authorizes with RBAC, protects keys from purge for 90 days and is never destroyed', () => {
    expect(vault).toMatchObject({
      sku_name: 'premium',
      tenant_id: TENANT,
      rbac_authorization_enabled: true,
      purge_protection_enabled: true,
      soft_delete_retention_days: 90,
      enabled_for_deployment: false,
      enabled_for_template_deployment: false,
      lifecycle: { prevent_destroy: true },
    });
  });

  it('denies the data plane by default, admitting only the deployers and the app subnet', () => {
    expect(vault.network_acls).toEqual({
      default_action: 'Deny',
      bypass: 'AzureServices',
      ip_rules: ['203.0.113.0/28'],
      virtual_network_subnet_ids: ['/subscriptions/x/subnets/app'],
    });
  });

  it('creates one HSM-backed RSA 3072 wrap/unwrap key per consumer, rotating yearly, never destroyed', () => {
    expect(keys.map((k) => k.name).sort()).toEqual(['backup', 'database', 'disks', 'storage']);
    for (const key of keys) {
      expect(key).toMatchObject({
        key_type: 'RSA-HSM',
        key_size: 3072,
        key_opts: ['unwrapKey', 'wrapKey'],
        rotation_policy: { automatic: { time_before_expiry: 'P30D' }, expire_after: 'P1Y', notify_before_expiry: 'P29D' },
        lifecycle: { prevent_destroy: true },
      });
      expect(key.key_vault_id).toMatch(/^\$\{azurerm_key_vault\.KeyVault_[0-9A-F]+\.id\}$/);
      expect(key.depends_on).toEqual([expect.stringMatching(/^azurerm_role_assignment\.KeyVault_DeployerCryptoOfficer_[0-9A-F]+$/)]);
    }
  });

  it('lets the deployer manage keys and a consumer only wrap and unwrap with its own key', () => {
    expect(roles).toContainEqual(
      expect.objectContaining({
        role_definition_name: 'Key Vault Crypto Officer',
        principal_id: expect.stringMatching(/data\.azurerm_client_config\..*\.object_id/),
      }),
    );
    expect(roles).toContainEqual(
      expect.objectContaining({
        role_definition_name: 'Key Vault Crypto Service Encryption User',
        principal_id: 'principal-1',
        scope: expect.stringMatching(/^\$\{azurerm_key_vault_key\.KeyVault_KeyStorage_[0-9A-F]+\.resource_versionless_id\}$/),
      }),
    );
  });

  it('leaves the deployer grant out when asked', () => {
    const bare = synthAzure((s) => new BaselineKeyVault(s, 'KeyVault', { ...props, grantDeployerCryptoOfficer: false }));
    expect(resourcesOf(bare, 'azurerm_role_assignment')).toEqual({});
  });

  it.each([
    ['a malformed name', { name: '1-vault' }, /name "1-vault" is invalid/],
    ['a 2048-bit key size', { keySize: 2048 }, /keySize 2048 is not accepted/],
    ['an IPv6 deployer range', { allowedIpRanges: ['2001:db8::/48'] }, /allowedIpRanges entry "2001:db8::\/48" is not usable/],
    ['0.0.0.0/0 as a deployer range', { allowedIpRanges: ['0.0.0.0/0'] }, /allowedIpRanges entry "0.0.0.0\/0" is not usable/],
    ['duplicate key names', { keyNames: ['data', 'data'] }, /keyNames .* is invalid/],
  ])('fails on %s', (_name, over, message) => {
    expect(() => synthAzure((s) => new BaselineKeyVault(s, 'KeyVault', { ...props, ...over }))).toThrow(message);
  });

  it('fails to grant a key it does not hold', () => {
    expect(() => synthAzure((s) => new BaselineKeyVault(s, 'KeyVault', props).grantCryptoUser('X', 'p', 'nope'))).toThrow(
      /keyName "nope" is not a key of this vault/,
    );
  });
});
