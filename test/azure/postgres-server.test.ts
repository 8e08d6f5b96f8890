import { TerraformOutput, TerraformVariable } from 'cdktf';
import { POSTGRES_SERVER_PARAMETERS, PostgresServer, type PostgresServerProps } from '../../lib/azure/postgres-server';
import { LOCATION, onlyResource, resourcesOf, RG, synthAzure, type TfJson } from './support';

const SUB = '/subscriptions/00000000-0000-0000-0000-000000000000';
const SUBNET = `${SUB}/resourceGroups/rg-test/providers/Microsoft.Network/virtualNetworks/vnet/subnets/data`;
const VNET = `${SUB}/resourceGroups/rg-test/providers/Microsoft.Network/virtualNetworks/vnet`;
const IDENTITY = `${SUB}/resourceGroups/rg-test/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-database`;
const DR_IDENTITY = `${SUB}/resourceGroups/rg-dr/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-database-dr`;
const KEY = 'https://kv-acme-weu.vault.azure.net/keys/database';
const DR_KEY = 'https://kv-acme-neu.vault.azure.net/keys/database';
const TENANT = '11111111-2222-3333-4444-555555555555';
const ADMIN = '66666666-7777-8888-9999-000000000000';

const props: PostgresServerProps = {
  resourceGroupName: RG,
  location: LOCATION,
  name: 'psql-acme-staging',
  delegatedSubnetId: SUBNET,
  vnetId: VNET,
  tenantId: TENANT,
  adminObjectId: ADMIN,
  adminPrincipalName: 'db-admins',
  keyVaultKeyId: KEY,
  identityId: IDENTITY,
  geoBackupKeyId: DR_KEY,
  geoBackupIdentityId: DR_IDENTITY,
};

function synth(p: PostgresServerProps): TfJson {
  return synthAzure((s) => {
    const db = new PostgresServer(s, 'Database', p);
    new TerraformOutput(s, 'ServerId', { value: db.serverId });
    new TerraformOutput(s, 'Fqdn', { value: db.fqdn });
  });
}
const serverOf = (p: PostgresServerProps) => onlyResource(synth(p), 'azurerm_postgresql_flexible_server');

describe('PostgresServer', () => {
  const json = synth(props);
  const server = onlyResource(json, 'azurerm_postgresql_flexible_server');

  it('has no public endpoint: delegated subnet, private DNS zone, public access off', () => {
    expect(server.delegated_subnet_id).toBe(SUBNET);
    expect(server.private_dns_zone_id).toMatch(/^\$\{azurerm_private_dns_zone\..*\.id\}$/);
    expect(server.public_network_access_enabled).toBe(false);
    expect(server.depends_on).toEqual([expect.stringMatching(/^azurerm_private_dns_zone_virtual_network_link\./)]);
  });

  it('resolves through its own private zone linked to the app network, without auto-registration', () => {
    const zone = onlyResource(json, 'azurerm_private_dns_zone');
    expect(zone).toEqual({ name: 'psql-acme-staging.private.postgres.database.azure.com', resource_group_name: RG });
    expect(zone.name.endsWith('.postgres.database.azure.com')).toBe(true);
    const link = onlyResource(json, 'azurerm_private_dns_zone_virtual_network_link');
    expect(link).toEqual({
      name: 'psql-acme-staging-vnet',
      resource_group_name: RG,
      private_dns_zone_name: expect.stringMatching(/azurerm_private_dns_zone\..*\.name/),
      virtual_network_id: VNET,
      registration_enabled: false,
    });
  });

  it('runs PostgreSQL 17 on General Purpose compute with 64 GiB, without auto-grow', () => {
    expect(server.version).toBe('17');
    expect(server.sku_name).toBe('GP_Standard_D2ds_v5');
    expect(server.storage_mb).toBe(65536);
    expect(server.auto_grow_enabled).toBe(false);
  });

  it('keeps a zone-redundant standby and ignores the zone swap a failover causes', () => {
    expect(server.zone).toBe('1');
    expect(server.high_availability).toEqual({ mode: 'ZoneRedundant', standby_availability_zone: '2' });
    expect(server.lifecycle).toEqual({ prevent_destroy: true, ignore_changes: ['zone', 'high_availability[0].standby_availability_zone'] });
  });

  it('keeps 30 days of point-in-time recovery, geo-redundant', () => {
    expect(server.backup_retention_days).toBe(30);
    expect(server.geo_redundant_backup_enabled).toBe(true);
  });

  it('accepts Entra tokens only: no password, no administrator login', () => {
    expect(server.authentication).toEqual({ active_directory_auth_enabled: true, password_auth_enabled: false, tenant_id: TENANT });
    expect(server.administrator_login).toBeUndefined();
    expect(server.administrator_password).toBeUndefined();
    expect(JSON.stringify(json)).not.toMatch(/password"\s*:\s*"/i);
  });

  it('encrypts data and geo-backups under customer-managed keys of their own regions', () => {
    expect(server.customer_managed_key).toEqual({
      key_vault_key_id: KEY,
      primary_user_assigned_identity_id: IDENTITY,
      geo_backup_key_vault_key_id: DR_KEY,
      geo_backup_user_assigned_identity_id: DR_IDENTITY,
    });
    expect(server.identity).toEqual({ type: 'UserAssigned', identity_ids: [IDENTITY, DR_IDENTITY] });
  });

  it('makes the Entra group the administrator', () => {
    expect(onlyResource(json, 'azurerm_postgresql_flexible_server_active_directory_administrator')).toEqual({
      server_name: expect.stringMatching(/azurerm_postgresql_flexible_server\..*\.name/),
      resource_group_name: RG,
      tenant_id: TENANT,
      object_id: ADMIN,
      principal_name: 'db-admins',
      principal_type: 'Group',
    });
  });

  it('requires TLS 1.2+, logs connections and checkpoints, throttles failed logins', () => {
    const configs = Object.values(resourcesOf(json, 'azurerm_postgresql_flexible_server_configuration'));
    expect(configs.map((c) => [c.name, c.value]).sort()).toEqual([
      ['connection_throttle.enable', 'on'],
      ['log_checkpoints', 'on'],
      ['log_connections', 'on'],
      ['log_disconnections', 'on'],
      ['require_secure_transport', 'on'],
      ['ssl_min_protocol_version', 'TLSv1.2'],
    ]);
    for (const c of configs) expect(c.server_id).toMatch(/azurerm_postgresql_flexible_server\..*\.id/);
    expect(Object.keys(POSTGRES_SERVER_PARAMETERS)).toHaveLength(configs.length);
  });

  it('exposes the server id and host name', () => {
    expect(json.output).toEqual({
      ServerId: { value: expect.stringMatching(/azurerm_postgresql_flexible_server\..*\.id/) },
      Fqdn: { value: expect.stringMatching(/azurerm_postgresql_flexible_server\..*\.fqdn/) },
    });
  });

  it('takes the configured version, size, retention, zones and administrator type', () => {
    const s = serverOf({
      ...props,
      version: '16',
      skuName: 'MO_Standard_E4ds_v5',
      storageMb: 131072,
      backupRetentionDays: 35,
      zone: '3',
      standbyZone: '1',
    });
    expect([s.version, s.sku_name, s.storage_mb, s.backup_retention_days, s.zone]).toEqual(['16', 'MO_Standard_E4ds_v5', 131072, 35, '3']);
    expect(s.high_availability.standby_availability_zone).toBe('1');
    const admin = onlyResource(
      synth({ ...props, adminPrincipalType: 'ServicePrincipal' }),
      'azurerm_postgresql_flexible_server_active_directory_administrator',
    );
    expect(admin.principal_type).toBe('ServicePrincipal');
  });

  it.each([6, 36, 30.5])('rejects backupRetentionDays %p', (backupRetentionDays) => {
    expect(() => synth({ ...props, backupRetentionDays })).toThrow(/backupRetentionDays .* out of range/);
  });

  it('rejects a standby in the primary zone', () => {
    expect(() => synth({ ...props, zone: '2', standbyZone: '2' })).toThrow(/standbyZone "2" equals zone/);
  });

  it.each([
    ['zone', '4'],
    ['standbyZone', '0'],
  ])('rejects %s %p', (prop, value) => {
    expect(() => synth({ ...props, [prop]: value })).toThrow(new RegExp(`${prop} "${value}" is invalid`));
  });

  it('rejects a storage size Flexible Server does not offer', () => {
    expect(() => synth({ ...props, storageMb: 50000 })).toThrow(/storageMb 50000 is not a size/);
  });

  it('rejects an unsupported version', () => {
    expect(() => synth({ ...props, version: '12' })).toThrow(/version "12" is not supported/);
  });

  it('rejects Burstable compute, which has neither HA nor replicas', () => {
    expect(() => synth({ ...props, skuName: 'B_Standard_B1ms' })).toThrow(/skuName "B_Standard_B1ms" is not accepted/);
  });

  it('rejects a malformed name', () => {
    expect(() => synth({ ...props, name: 'Psql_Acme' })).toThrow(/name "Psql_Acme" is invalid/);
  });

  it('rejects a geo-backup identity equal to the primary identity', () => {
    expect(() => synth({ ...props, geoBackupIdentityId: IDENTITY })).toThrow(/geoBackupIdentityId equals identityId/);
  });

  it('rejects a geo-backup key equal to the primary key', () => {
    expect(() => synth({ ...props, geoBackupKeyId: KEY })).toThrow(/geoBackupKeyId equals keyVaultKeyId/);
  });

  it.each([
    ['keyVaultKeyId', 'kv-acme/database'],
    ['geoBackupKeyId', 'https://kv-acme.vault.azure.net/secrets/database'],
    ['identityId', '/subscriptions/x/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm'],
    ['geoBackupIdentityId', 'id-database-dr'],
    ['tenantId', 'contoso.onmicrosoft.com'],
    ['adminObjectId', 'db-admins'],
    ['adminPrincipalType', 'Role'],
  ])('rejects a malformed %s', (prop, value) => {
    expect(() => synth({ ...props, [prop]: value })).toThrow(new RegExp(`${prop} "${value.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}"`));
  });

  it('skips validation of unresolved tokens', () => {
    expect(() =>
      synthAzure((s) => {
        const v = (name: string) => new TerraformVariable(s, name, { type: 'string' }).stringValue;
        new PostgresServer(s, 'Database', {
          ...props,
          keyVaultKeyId: v('key'),
          geoBackupKeyId: v('drKey'),
          identityId: v('identity'),
          geoBackupIdentityId: v('drIdentity'),
          tenantId: v('tenant'),
        });
      }),
    ).not.toThrow();
  });
});
