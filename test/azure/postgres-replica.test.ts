import { TerraformOutput, TerraformVariable } from 'cdktf';
import { PostgresReplica, type PostgresReplicaProps } from '../../lib/azure/postgres-replica';
import { DR_LOCATION, onlyResource, resourcesOf, synthAzure, type TfJson } from './support';

const SUB = '/subscriptions/00000000-0000-0000-0000-000000000000';
const RG_DR = 'rg-test-dr';
const SOURCE = `${SUB}/resourceGroups/rg-test/providers/Microsoft.DBforPostgreSQL/flexibleServers/psql-acme-staging`;
const SUBNET = `${SUB}/resourceGroups/${RG_DR}/providers/Microsoft.Network/virtualNetworks/vnet-dr/subnets/data`;
const VNET = `${SUB}/resourceGroups/${RG_DR}/providers/Microsoft.Network/virtualNetworks/vnet-dr`;
const ZONE = `${SUB}/resourceGroups/${RG_DR}/providers/Microsoft.Network/privateDnsZones/shared.private.postgres.database.azure.com`;
const IDENTITY = `${SUB}/resourceGroups/${RG_DR}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-database-dr`;
const KEY = 'https://kv-acme-neu.vault.azure.net/keys/database';
const TENANT = '11111111-2222-3333-4444-555555555555';

const props: PostgresReplicaProps = {
  resourceGroupName: RG_DR,
  location: DR_LOCATION,
  name: 'psql-acme-staging-dr',
  sourceServerId: SOURCE,
  delegatedSubnetId: SUBNET,
  vnetId: VNET,
  tenantId: TENANT,
  keyVaultKeyId: KEY,
  identityId: IDENTITY,
};

function synth(p: PostgresReplicaProps): TfJson {
  return synthAzure((s) => {
    const replica = new PostgresReplica(s, 'Replica', p);
    new TerraformOutput(s, 'ServerId', { value: replica.serverId });
    new TerraformOutput(s, 'Fqdn', { value: replica.fqdn });
  });
}
const replicaOf = (p: PostgresReplicaProps) => onlyResource(synth(p), 'azurerm_postgresql_flexible_server');

describe('PostgresReplica', () => {
  const json = synth(props);
  const replica = onlyResource(json, 'azurerm_postgresql_flexible_server');

  it('replicates the primary into the DR region with the same version, size and storage', () => {
    expect(replica.location).toBe(DR_LOCATION);
    expect(replica.create_mode).toBe('Replica');
    expect(replica.source_server_id).toBe(SOURCE);
    expect(replica.replication_role).toBeUndefined();
    expect([replica.version, replica.sku_name, replica.storage_mb, replica.auto_grow_enabled, replica.zone]).toEqual([
      '17',
      'GP_Standard_D2ds_v5',
      65536,
      false,
      '1',
    ]);
  });

  it('has no public endpoint and resolves through its own zone linked to the DR network', () => {
    expect(replica.delegated_subnet_id).toBe(SUBNET);
    expect(replica.public_network_access_enabled).toBe(false);
    expect(replica.private_dns_zone_id).toMatch(/^\$\{azurerm_private_dns_zone\..*\.id\}$/);
    expect(replica.depends_on).toEqual([expect.stringMatching(/^azurerm_private_dns_zone_virtual_network_link\./)]);
    expect(onlyResource(json, 'azurerm_private_dns_zone').name).toBe('psql-acme-staging-dr.private.postgres.database.azure.com');
    const link = onlyResource(json, 'azurerm_private_dns_zone_virtual_network_link');
    expect([link.virtual_network_id, link.registration_enabled]).toEqual([VNET, false]);
  });

  it('is encrypted under the DR region key and identity, Entra-only, and cannot be destroyed', () => {
    expect(replica.customer_managed_key).toEqual({ key_vault_key_id: KEY, primary_user_assigned_identity_id: IDENTITY });
    expect(replica.identity).toEqual({ type: 'UserAssigned', identity_ids: [IDENTITY] });
    expect(replica.authentication).toEqual({ active_directory_auth_enabled: true, password_auth_enabled: false, tenant_id: TENANT });
    expect(replica.administrator_password).toBeUndefined();
    expect(replica.lifecycle).toEqual({
      prevent_destroy: true,
      ignore_changes: ['zone', 'high_availability[0].standby_availability_zone'],
    });
  });

  it('takes neither HA nor backups while it replicates', () => {
    expect(replica.high_availability).toBeUndefined();
    expect(replica.backup_retention_days).toBeUndefined();
    expect(replica.geo_redundant_backup_enabled).toBeUndefined();
  });

  it("carries the primary's server parameters (TLS 1.2+ required, connection logging)", () => {
    const configs = Object.values(resourcesOf(json, 'azurerm_postgresql_flexible_server_configuration'));
    expect(Object.fromEntries(configs.map((c) => [c.name, c.value]))).toEqual({
      require_secure_transport: 'on',
      ssl_min_protocol_version: 'TLSv1.2',
      log_connections: 'on',
      log_disconnections: 'on',
      log_checkpoints: 'on',
      'connection_throttle.enable': 'on',
    });
    for (const c of configs) expect(c.server_id).toMatch(/azurerm_postgresql_flexible_server\..*\.id/);
  });

  it('exposes the server id and host name', () => {
    expect(json.output).toEqual({
      ServerId: { value: expect.stringMatching(/azurerm_postgresql_flexible_server\..*\.id/) },
      Fqdn: { value: expect.stringMatching(/azurerm_postgresql_flexible_server\..*\.fqdn/) },
    });
  });

  it('promotes to a standalone server with zone-redundant HA and 30 days of recovery', () => {
    const promoted = replicaOf({ ...props, promote: true });
    expect(promoted.replication_role).toBe('None');
    expect(promoted.high_availability).toEqual({ mode: 'ZoneRedundant', standby_availability_zone: '2' });
    expect(promoted.backup_retention_days).toBe(30);
    const tuned = replicaOf({ ...props, promote: true, backupRetentionDays: 35, zone: '2', standbyZone: '3' });
    expect([tuned.backup_retention_days, tuned.zone, tuned.high_availability.standby_availability_zone]).toEqual([35, '2', '3']);
  });

  it('registers in an existing zone instead of creating one', () => {
    const j = synth({ ...props, vnetId: undefined, privateDnsZoneId: ZONE });
    expect(onlyResource(j, 'azurerm_postgresql_flexible_server').private_dns_zone_id).toBe(ZONE);
    expect(resourcesOf(j, 'azurerm_private_dns_zone')).toEqual({});
    expect(resourcesOf(j, 'azurerm_private_dns_zone_virtual_network_link')).toEqual({});
  });

  it.each([
    ['neither', { vnetId: undefined }],
    ['both', { privateDnsZoneId: ZONE }],
  ])('rejects %s of vnetId and privateDnsZoneId', (what, extra) => {
    expect(() => synth({ ...props, ...extra })).toThrow(new RegExp(`exactly one of vnetId .* received ${what}`));
  });

  it('rejects a zone that is not a PostgreSQL private zone', () => {
    const zone = `${SUB}/resourceGroups/${RG_DR}/providers/Microsoft.Network/privateDnsZones/privatelink.blob.core.windows.net`;
    expect(() => synth({ ...props, vnetId: undefined, privateDnsZoneId: zone })).toThrow(
      /privateDnsZoneId ".*" is not a private DNS zone ending with .postgres.database.azure.com/,
    );
  });

  it('rejects a source that is not a Flexible Server', () => {
    expect(() => synth({ ...props, sourceServerId: 'psql-acme-staging' })).toThrow(
      /sourceServerId "psql-acme-staging" is not a Flexible Server id/,
    );
  });

  it.each([6, 36])('rejects backupRetentionDays %p', (backupRetentionDays) => {
    expect(() => synth({ ...props, promote: true, backupRetentionDays })).toThrow(/backupRetentionDays .* out of range/);
  });

  it('rejects a standby zone equal to the zone', () => {
    expect(() => synth({ ...props, zone: '2', standbyZone: '2' })).toThrow(/standbyZone "2" equals zone/);
  });

  it('rejects an invalid standby zone', () => {
    expect(() => synth({ ...props, standbyZone: '5' })).toThrow(/standbyZone "5" is invalid/);
  });

  it('validates the settings it shares with the primary', () => {
    expect(() => synth({ ...props, storageMb: 1000 })).toThrow(/PostgresReplica .*Replica: storageMb 1000/);
    expect(() => synth({ ...props, skuName: 'B_Standard_B2s' })).toThrow(/PostgresReplica .*Replica: skuName "B_Standard_B2s"/);
    expect(() => synth({ ...props, keyVaultKeyId: 'database' })).toThrow(/PostgresReplica .*Replica: keyVaultKeyId "database"/);
  });

  it('skips validation of unresolved tokens', () => {
    expect(() =>
      synthAzure((s) => {
        const v = (name: string) => new TerraformVariable(s, name, { type: 'string' }).stringValue;
        new PostgresReplica(s, 'Replica', {
          ...props,
          sourceServerId: v('source'),
          vnetId: undefined,
          privateDnsZoneId: v('zone'),
          keyVaultKeyId: v('key'),
        });
      }),
    ).not.toThrow();
  });
});
