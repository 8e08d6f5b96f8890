import { createHash } from 'node:crypto';

/** The role of a region in an environment. */
export type AzureRegionRole = 'primary' | 'dr';

/**
 * Names of one environment's Azure resources in one region. Globally unique names (Key Vault,
 * storage accounts, PostgreSQL servers) carry a short hash of the subscription, environment and
 * location, so two environments or two regions never collide and a synth is deterministic.
 * The primary stack derives the DR region's key and identity ids from these names (the geo-backup
 * key of PostgreSQL must live in the paired region), so no id is copied by hand.
 */
export function azureNames(project: string, environment: string, subscriptionId: string, location: string, role: AzureRegionRole) {
  const prefix = `${project}-${environment}`;
  const suffix = createHash('sha256').update(`${subscriptionId}/${prefix}/${location}`).digest('hex').slice(0, 6);
  const compact = `${project.replace(/-/g, '').slice(0, 8)}${environment.slice(0, 4)}`;
  const rg = (tier: string) => `rg-${prefix}-${role}-${tier}`;
  return {
    prefix,
    role,
    resourceGroups: { security: rg('security'), network: rg('network'), app: rg('app'), data: rg('data') },
    logWorkspace: `log-${prefix}-${role}`,
    keyVault: `kv${compact}${suffix}`.slice(0, 24),
    flowLogStorage: `stfl${compact}${suffix}`.slice(0, 24),
    dataStorage: `st${compact}${suffix}`.slice(0, 24),
    auditStorage: `staud${compact}${suffix}`.slice(0, 24),
    vnet: `vnet-${prefix}-${role}`,
    wafPolicy: `waf-${prefix}-${role}`,
    gateway: `agw-${prefix}-${role}`,
    scaleSet: `vmss-${prefix}-${role}`,
    bastion: `vm-${prefix}-${role}-bastion`,
    postgres: `psql-${prefix}-${role}-${suffix}`,
    recoveryVault: `rsv-${prefix}-${role}`,
    backupVault: `bvault-${prefix}-${role}`,
    diskEncryptionSet: `des-${prefix}-${role}`,
    identity: (purpose: string) => `id-${prefix}-${role}-${purpose}`,
  };
}

/** The resource id of a user-assigned identity, from its subscription, group and name. */
export function identityResourceId(subscriptionId: string, resourceGroup: string, name: string): string {
  return (
    `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentiti` +
    `es/${name}`
  );
}

/** The versionless id of a Key Vault key (CMK settings follow its rotations). */
export function versionlessKeyId(vaultName: string, keyName: string): string {
  return `https://${vaultName}.vault.azure.net/keys/${keyName}`;
}

/** The resource id of a PostgreSQL Flexible Server. */
export function postgresServerId(subscriptionId: string, resourceGroup: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.DBforPostgreSQL/flexibleServers/${name}`;
}

/** The resource id of a subnet, from its subscription, group, network and name. */
export function subnetResourceId(subscriptionId: string, resourceGroup: string, vnet: string, subnet: string): string {
  return (
    `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Network/virtualNetworks/${vnet}/subnet` +
    `s/${subnet}`
  );
}

/** The resource id of a private DNS zone, from its subscription, group and name. */
export function privateDnsZoneResourceId(subscriptionId: string, resourceGroup: string, zone: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Network/privateDnsZones/${zone}`;
}

/** The private DNS zone of blob private endpoints (one per region's network). */
export const BLOB_PRIVATE_DNS_ZONE = 'privatelink.blob.core.windows.net';

/** Name of the app subnet of a BaselineVnet. */
export const APP_SUBNET_NAME = 'snet-app';
