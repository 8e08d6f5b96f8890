// Fixtures for the Azure control checks: the real constructs synthesized into one Terraform JSON
// stack (as the primary and DR region stacks wire them), so the checks are proven against what
// the constructs actually emit, and weakenings are edits of a deep copy of that JSON.
import { PrivateDnsZone } from '@cdktf/provider-azurerm/lib/private-dns-zone';
import type { Construct } from 'constructs';
import { ActivityLogArchive } from '../../../lib/azure/activity-log-archive';
import { AppGateway } from '../../../lib/azure/app-gateway';
import { AppScaleSet } from '../../../lib/azure/app-scale-set';
import { BaselineKeyVault } from '../../../lib/azure/baseline-key-vault';
import { BaselineVnet } from '../../../lib/azure/baseline-vnet';
import { BastionVm } from '../../../lib/azure/bastion-vm';
import { BlobBackupVault } from '../../../lib/azure/blob-backup-vault';
import { lockStatefulResources } from '../../../lib/azure/delete-lock';
import { DefenderPlans } from '../../../lib/azure/defender-plans';
import { DiagnosticSettings } from '../../../lib/azure/diagnostic-settings';
import { BaselineDiskEncryptionSet } from '../../../lib/azure/baseline-disk-encryption-set';
import { LogWorkspace } from '../../../lib/azure/log-workspace';
import { PostgresReplica } from '../../../lib/azure/postgres-replica';
import { PostgresServer } from '../../../lib/azure/postgres-server';
import { RecoveryVault } from '../../../lib/azure/recovery-vault';
import { SecureStorageAccount } from '../../../lib/azure/secure-storage-account';
import { SecurityAlerts } from '../../../lib/azure/security-alerts';
import { VnetFlowLog } from '../../../lib/azure/vnet-flow-log';
import { BaselineWafPolicy } from '../../../lib/azure/baseline-waf-policy';
import { WorkloadIdentity } from '../../../lib/azure/workload-identity';
import { synthAzure } from '../../azure/support';
import { CLOUDFLARE_IPV4_RANGES } from '../../../lib/config/cloudflare-ranges';
import { CA_A } from '../../fixtures/origin-pull';
import { KEYS as SSH_KEYS } from '../../fixtures/ssh-keys';

/** The hostname a locked fixture serves. */
export const LOCKED_HOSTNAME = 'app.example.com';

export { expectFinding, expectNotApplicable, expectPass } from '../support';

const SUB = '00000000-0000-0000-0000-000000000000';
const TENANT = '11111111-2222-3333-4444-555555555555';
const RG = 'rg-test';
const identityId = (name: string) =>
  `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;

/** The serving tier and logging both regions share (network, keys, WAF, gateway, scale set). */
function region(s: Construct, role: 'primary' | 'dr', locked = false) {
  const location = role === 'primary' ? 'westeurope' : 'northeurope';
  const base = { resourceGroupName: RG, location };
  const workspace = new LogWorkspace(s, 'Logs', { ...base, name: `log-${role}`, retentionDays: 90 });
  const vnet = new BaselineVnet(s, 'Network', {
    ...base,
    name: `vnet-${role}`,
    addressSpace: role === 'primary' ? '10.30.0.0/16' : '10.40.0.0/16',
    bastionAllowedCidrs: ['198.51.100.0/28'],
    ...(locked ? { gatewaySourceAddressPrefixes: [...CLOUDFLARE_IPV4_RANGES] } : {}),
  });
  const keyVault = new BaselineKeyVault(s, 'KeyVault', {
    ...base,
    name: `kvacme${role}`,
    tenantId: TENANT,
    allowedSubnetIds: [vnet.appSubnetId],
  });
  const identity = (purpose: string) => new WorkloadIdentity(s, `Identity-${purpose}`, { ...base, name: `id-${role}-${purpose}` });
  const storageId = identity('storage');
  const disksId = identity('disks');
  const gatewayId = identity('gateway');
  const disks = new BaselineDiskEncryptionSet(s, 'DiskEncryption', {
    ...base,
    name: `des-${role}`,
    keyVaultKeyId: keyVault.versionlessKeyIds.disks,
    identityId: disksId.identityId,
  });
  const flowLogStorage = new SecureStorageAccount(s, 'FlowLogStorage', {
    ...base,
    name: `stfl${role}`,
    keyVaultKeyId: keyVault.versionlessKeyIds.storage,
    identityId: storageId.identityId,
    trustedServicesOnly: true,
  });
  new VnetFlowLog(s, 'FlowLog', {
    name: `vnet-${role}-flowlog`,
    location,
    vnetId: vnet.vnetId,
    storageAccountId: flowLogStorage.accountId,
    retentionDays: 90,
    workspaceGuid: workspace.resource.workspaceId,
    workspaceRegion: location,
    workspaceResourceId: workspace.workspaceId,
  });
  const waf = new BaselineWafPolicy(s, 'Waf', {
    ...base,
    name: `waf-${role}`,
    globalRateLimit: { limit: 2000, windowSeconds: 300 },
    criticalPaths: [
      { name: 'login', pathPrefix: '/login', limit: 100, windowSeconds: 300 },
      { name: 'password-reset', pathPrefix: '/password-reset', limit: 20, windowSeconds: 300 },
    ],
    ...(locked ? { allowedHosts: [LOCKED_HOSTNAME], perEdgeFactor: 25 } : {}),
  });
  const gateway = new AppGateway(s, 'Gateway', {
    ...base,
    name: `agw-${role}`,
    subnetId: vnet.gatewaySubnetId,
    firewallPolicyId: waf.policyId,
    certificateSecretId: 'https://kv-certs.vault.azure.net/secrets/www',
    identityId: gatewayId.identityId,
    ...(locked ? { hostNames: [LOCKED_HOSTNAME], clientCertificateAuthorities: [CA_A] } : {}),
  });
  new AppScaleSet(s, 'App', {
    ...base,
    name: `vmss-${role}`,
    subnetId: vnet.appSubnetId,
    backendPoolId: gateway.backendPoolId,
    users: [{ name: 'alice', publicKeys: [SSH_KEYS.ed25519] }],
    breakGlassPublicKey: SSH_KEYS.breakGlass,
    authLogWorkspaceId: workspace.workspaceId,
    standby: role === 'dr',
    minCapacity: role === 'dr' ? 0 : 2,
    maxCapacity: 6,
    diskEncryptionSetId: disks.diskEncryptionSetId,
  });
  new DiagnosticSettings(s, 'GatewayDiagnostics', { targetResourceId: gateway.gatewayId, workspaceId: workspace.workspaceId });
  new DiagnosticSettings(s, 'KeyVaultDiagnostics', { targetResourceId: keyVault.vaultId, workspaceId: workspace.workspaceId });
  return { base, workspace, vnet, keyVault, identity, disks, storageId };
}

/**
 * The primary region: the full baseline (serving tier, PostgreSQL with HA and geo-backups, data
 * storage, bastion, recovery vault, Defender plans and alerts). A fresh object on every call.
 */
export function primaryStack(): any {
  return synthAzure((s) => {
    const r = region(s, 'primary');
    const databaseId = r.identity('database');
    const backupId = r.identity('backup');
    const server = new PostgresServer(s, 'Database', {
      ...r.base,
      name: 'psql-acme-primary',
      vnetId: r.vnet.vnetId,
      delegatedSubnetId: r.vnet.dataSubnetId,
      tenantId: TENANT,
      keyVaultKeyId: r.keyVault.versionlessKeyIds.database,
      identityId: databaseId.identityId,
      geoBackupKeyId: 'https://kvacmedr.vault.azure.net/keys/database',
      geoBackupIdentityId: identityId('id-dr-database'),
      adminObjectId: '66666666-7777-8888-9999-000000000000',
      adminPrincipalName: 'db-admins',
    });
    new DiagnosticSettings(s, 'DatabaseDiagnostics', { targetResourceId: server.serverId, workspaceId: r.workspace.workspaceId });
    const blobZone = new PrivateDnsZone(s, 'BlobPrivateDns', { name: 'privatelink.blob.core.windows.net', resourceGroupName: RG });
    const data = new SecureStorageAccount(s, 'DataStorage', {
      ...r.base,
      name: 'stacmedata',
      replicationType: 'RAGZRS',
      keyVaultKeyId: r.keyVault.versionlessKeyIds.storage,
      identityId: r.storageId.identityId,
      privateEndpointSubnetId: r.vnet.appSubnetId,
      blobPrivateDnsZoneId: blobZone.id,
      containerNames: ['files', 'exports'],
    });
    new BlobBackupVault(s, 'FileBackup', {
      ...r.base,
      name: 'bvault-primary',
      storageAccountId: data.accountId,
      containerNames: ['files', 'exports'],
      keyVaultKeyId: r.keyVault.versionlessKeyIds.backup,
      keyResourceId: r.keyVault.keys.backup.resourceVersionlessId,
      containersDependOn: Object.values(data.containers),
    });
    const bastion = new BastionVm(s, 'Bastion', {
      ...r.base,
      name: 'vm-primary-bastion',
      subnetId: r.vnet.bastionSubnetId,
      users: [{ name: 'alice', publicKeys: [SSH_KEYS.ed25519] }],
      breakGlassPublicKey: SSH_KEYS.breakGlass,
      workspaceId: r.workspace.workspaceId,
      diskEncryptionSetId: r.disks.diskEncryptionSetId,
    });
    new RecoveryVault(s, 'Backup', {
      ...r.base,
      name: 'rsv-primary',
      keyVaultKeyId: r.keyVault.versionlessKeyIds.backup,
      identityId: backupId.identityId,
      protectedVmIds: [bastion.vmId],
    });
    new ActivityLogArchive(s, 'ActivityLog', {
      ...r.base,
      storageAccountName: 'stacmeaudit',
      keyVaultKeyId: r.keyVault.versionlessKeyIds.storage,
      identityId: r.storageId.identityId,
      subscriptionId: SUB,
      workspaceId: r.workspace.workspaceId,
      retentionDays: 180,
      entraLogs: true,
    });
    new DefenderPlans(s, 'Defender', { securityContactEmail: 'security@example.com' });
    new SecurityAlerts(s, 'Alerts', {
      namePrefix: 'acme-prod',
      resourceGroupName: RG,
      emails: ['oncall@example.com'],
      subscriptionId: SUB,
    });
    lockStatefulResources(s);
  });
}

/** The DR region: the warm-standby serving tier and the cross-region read replica. */
export function drStack(): any {
  return synthAzure((s) => {
    const r = region(s, 'dr');
    const databaseId = r.identity('database');
    const backupId = r.identity('backup');
    const replica = new PostgresReplica(s, 'DatabaseReplica', {
      ...r.base,
      name: 'psql-acme-dr',
      vnetId: r.vnet.vnetId,
      delegatedSubnetId: r.vnet.dataSubnetId,
      sourceServerId: `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.DBforPostgreSQL/flexibleServers/psql-acme-primary`,
      tenantId: TENANT,
      keyVaultKeyId: r.keyVault.versionlessKeyIds.database,
      identityId: databaseId.identityId,
    });
    new DiagnosticSettings(s, 'DatabaseDiagnostics', { targetResourceId: replica.serverId, workspaceId: r.workspace.workspaceId });
    new RecoveryVault(s, 'Backup', {
      ...r.base,
      name: 'rsv-dr',
      keyVaultKeyId: r.keyVault.versionlessKeyIds.backup,
      identityId: backupId.identityId,
    });
    lockStatefulResources(s);
  });
}

/**
 * The DR region locked to a Cloudflare zone, as the region stacks build it with origin lock:
 * gateway NSG open to Cloudflare's ranges only, the zone's CA (CA_A) required on every HTTPS
 * listener, LOCKED_HOSTNAME bound (other hosts redirected and refused by the WAF) and per-edge
 * rate limits. A fresh object on every call.
 */
export function lockedStack(): any {
  return synthAzure((s) => {
    region(s, 'dr', true);
  });
}

let cachedLocked: string | undefined;

/** A deep copy of the locked fixture (synthesized once per test file). */
export function locked(): any {
  cachedLocked ??= JSON.stringify(lockedStack());
  return JSON.parse(cachedLocked);
}

let cachedPrimary: string | undefined;
let cachedDr: string | undefined;

/** A deep copy of the primary fixture (synthesized once per test file). */
export function primary(): any {
  cachedPrimary ??= JSON.stringify(primaryStack());
  return JSON.parse(cachedPrimary);
}

/** A deep copy of the DR fixture (synthesized once per test file). */
export function dr(): any {
  cachedDr ??= JSON.stringify(drStack());
  return JSON.parse(cachedDr);
}

/** A fresh copy of the primary (or given) fixture after `edit` weakened it. */
export function weakened(edit: (tf: any) => void, base: () => any = primary): any {
  const tf = base();
  edit(tf);
  return tf;
}

/** The only resource of `type` in a fixture, as `{ address, args }` (throws unless exactly one). */
export function only(tf: any, type: string): { address: string; args: any } {
  const all = Object.entries(tf.resource?.[type] ?? {});
  if (all.length !== 1) throw new Error(`fixture has ${all.length} ${type}; expected exactly one`);
  const [name, args] = all[0];
  return { address: `${type}.${name}`, args };
}

/** The resource of `type` whose `name` argument (or Terraform name) matches `pattern`. */
export function named(tf: any, type: string, pattern: RegExp): { address: string; args: any } {
  const all = Object.entries<any>(tf.resource?.[type] ?? {}).filter(
    ([name, args]) => pattern.test(String(args?.name ?? '')) || pattern.test(name),
  );
  if (all.length !== 1) throw new Error(`fixture has ${all.length} ${type} matching ${pattern}; expected exactly one`);
  const [name, args] = all[0];
  return { address: `${type}.${name}`, args };
}

/** Every resource of `type` in a fixture. */
export function every(tf: any, type: string): Array<{ address: string; args: any }> {
  return Object.entries<any>(tf.resource?.[type] ?? {}).map(([name, args]) => ({ address: `${type}.${name}`, args }));
}
