import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { PrivateDnsZone } from '@cdktf/provider-azurerm/lib/private-dns-zone';
import { PrivateDnsZoneVirtualNetworkLink } from '@cdktf/provider-azurerm/lib/private-dns-zone-virtual-network-link';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { AzurermBackend, LocalBackend, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { ActivityLogArchive } from '../lib/azure/activity-log-archive';
import { AppGateway } from '../lib/azure/app-gateway';
import { CLOUDFLARE_IPV4_RANGES } from '../lib/config/cloudflare-ranges';
import { AppScaleSet } from '../lib/azure/app-scale-set';
import { BaselineDiskEncryptionSet } from '../lib/azure/baseline-disk-encryption-set';
import { BaselineKeyVault } from '../lib/azure/baseline-key-vault';
import { BaselineVnet } from '../lib/azure/baseline-vnet';
import { BaselineWafPolicy } from '../lib/azure/baseline-waf-policy';
import { BastionVm } from '../lib/azure/bastion-vm';
import { BlobBackupVault } from '../lib/azure/blob-backup-vault';
import { lockStatefulResources } from '../lib/azure/delete-lock';
import { DefenderPlans } from '../lib/azure/defender-plans';
import { DiagnosticSettings } from '../lib/azure/diagnostic-settings';
import { LogWorkspace } from '../lib/azure/log-workspace';
import { PostgresReplica } from '../lib/azure/postgres-replica';
import { PostgresServer } from '../lib/azure/postgres-server';
import { RecoveryVault } from '../lib/azure/recovery-vault';
import { SecureStorageAccount } from '../lib/azure/secure-storage-account';
import { SecurityAlerts } from '../lib/azure/security-alerts';
import { VnetFlowLog } from '../lib/azure/vnet-flow-log';
import { WorkloadIdentity } from '../lib/azure/workload-identity';
import type { AzureEnvironmentConfig, BaselineConfig } from '../lib/config/schema';
import {
  APP_SUBNET_NAME,
  azureNames,
  BLOB_PRIVATE_DNS_ZONE,
  identityResourceId,
  postgresServerId,
  privateDnsZoneResourceId,
  subnetResourceId,
  versionlessKeyId,
  type AzureRegionRole,
} from './azure-naming';

/** Output names of the Azure stacks (for the Cloudflare pools and the failover steps). */
export const AZURE_OUTPUTS = {
  gatewayPublicIp: 'gateway_public_ip',
  scaleSetId: 'scale_set_id',
  postgresServerId: 'postgres_server_id',
  keyVaultUri: 'key_vault_uri',
} as const;

/** Props of {@link AzureRegionStack}. */
export interface AzureRegionStackProps {
  readonly project: string;
  readonly environment: string;
  readonly config: AzureEnvironmentConfig;
  readonly guardrails: BaselineConfig['guardrails'];
  /** Primary region (the full baseline) or the DR region (warm standby and replicas). */
  readonly role: AzureRegionRole;
}

/** Keys created in every region's vault, by purpose. */
const KEY_NAMES = ['storage', 'database', 'backup', 'disks'];

/**
 * One region of an environment on Azure (CDK for Terraform). The primary region holds the full
 * baseline; the DR region (the pair of the primary location) holds the same network, WAF,
 * gateway and app scale set as a warm standby, its own keys (the primary's geo-backup key lives
 * here), the cross-region PostgreSQL read replica and its own backup vault. Constructs carry the
 * controls; this stack only connects them from the validated config.
 *
 * Cross-region ids (geo-backup key and identity, replica source) are derived from the shared
 * naming scheme (stacks/azure-naming.ts), never copied by hand; the DR stack deploys first.
 */
export class AzureRegionStack extends TerraformStack {
  readonly vnet: BaselineVnet;
  readonly gateway: AppGateway;
  readonly scaleSet: AppScaleSet;
  readonly keyVault: BaselineKeyVault;
  readonly workspace: LogWorkspace;

  constructor(scope: Construct, id: string, props: AzureRegionStackProps) {
    super(scope, id);
    const { config, role } = props;
    const azure = config.azure;
    const primary = role === 'primary';
    const location = primary ? azure.location : azure.drLocation;
    const names = azureNames(props.project, props.environment, azure.subscriptionId, location, role);
    const drNames = azureNames(props.project, props.environment, azure.subscriptionId, azure.drLocation, 'dr');
    const primaryNames = azureNames(props.project, props.environment, azure.subscriptionId, azure.location, 'primary');
    const tags = { project: props.project, environment: props.environment, ...config.tags };

    new AzurermProvider(this, 'azurerm', {
      subscriptionId: azure.subscriptionId,
      tenantId: azure.tenantId,
      // Storage data-plane calls with Entra tokens: shared keys are disabled on every account.
      storageUseAzuread: true,
      features: [
        {
          // Never purge soft-deleted vaults or keys on destroy: a purged key makes every
          // ciphertext under it unreadable (ENC-REST, BACKUP).
          keyVault: [
            {
              purgeSoftDeleteOnDestroy: false,
              purgeSoftDeletedKeysOnDestroy: false,
              recoverSoftDeletedKeyVaults: true,
              recoverSoftDeletedKeys: true,
            },
          ],
          logAnalyticsWorkspace: [{ permanentlyDeleteOnDestroy: false }],
          recoveryService: [{ purgeProtectedItemsFromVaultOnDestroy: false, vmBackupStopProtectionAndRetainDataOnDestroy: true }],
          resourceGroup: [{ preventDeletionIfContainsResources: true }],
          // Storage accounts have public network access off: the deploying machine cannot reach
          // their data plane, so the provider must manage them through ARM only.
          storage: [{ dataPlaneAvailable: false }],
        },
      ],
    });
    if (azure.backend.type === 'azurerm') {
      new AzurermBackend(this, {
        resourceGroupName: azure.backend.resourceGroupName,
        storageAccountName: azure.backend.storageAccountName,
        containerName: azure.backend.containerName,
        key: `${id}.tfstate`,
        useAzureadAuth: true,
      });
    } else {
      new LocalBackend(this, { path: `terraform.${id}.tfstate` });
    }

    const groups = Object.fromEntries(
      Object.entries(names.resourceGroups).map(([tier, name]) => [
        tier,
        new ResourceGroup(this, `Rg${tier[0].toUpperCase()}${tier.slice(1)}`, {
          name,
          location,
          tags,
          lifecycle: { preventDestroy: tier === 'data' || tier === 'security' },
        }).name,
      ]),
    ) as Record<keyof typeof names.resourceGroups, string>;

    // Logging (LOG-CENTRAL, LOG-RETENTION).
    this.workspace = new LogWorkspace(this, 'Logs', {
      resourceGroupName: groups.security,
      location,
      name: names.logWorkspace,
      retentionDays: config.logging.retentionDays,
      tags,
    });

    // Keys (ENC-REST): HSM-backed RSA 3072 keys with rotation, one identity per consumer.
    this.vnet = new BaselineVnet(this, 'Network', {
      resourceGroupName: groups.network,
      location,
      name: names.vnet,
      addressSpace: primary ? azure.vnetCidr : azure.drVnetCidr,
      appPort: azure.app.port,
      bastionAllowedCidrs: config.bastion.allowedCidrs,
      // ORIGIN-LOCK: fronted by Cloudflare, the gateway admits 80/443 only from the edge (IPv4:
      // the gateway's public address is IPv4), so the edge's WAF and rate limits cannot be bypassed.
      gatewaySourceAddressPrefixes: config.cloudflare?.originLock ? [...CLOUDFLARE_IPV4_RANGES] : undefined,
      // IPv4 ranges only: the hosts' NSG rules and addresses are IPv4.
      packageMirrorCidrs: config.egress.packageMirrors.filter((m) => /^[0-9.]+\/\d+$/.test(m)),
      tags,
    });
    this.keyVault = new BaselineKeyVault(this, 'KeyVault', {
      resourceGroupName: groups.security,
      location,
      name: names.keyVault,
      tenantId: azure.tenantId,
      allowedIpRanges: azure.deployerCidrs,
      allowedSubnetIds: [this.vnet.appSubnetId],
      keyNames: KEY_NAMES,
      tags,
    });
    const identity = (purpose: string) => {
      const created = new WorkloadIdentity(this, `Identity${purpose[0].toUpperCase()}${purpose.slice(1)}`, {
        resourceGroupName: groups.security,
        location,
        name: names.identity(purpose),
        tags,
      });
      return created;
    };
    const storageId = identity('storage');
    const databaseId = identity('database');
    const disksId = identity('disks');
    const backupId = identity('backup');
    const gatewayId = identity('gateway');
    this.keyVault.grantCryptoUser('StorageKeyUser', storageId.principalId, 'storage');
    this.keyVault.grantCryptoUser('DatabaseKeyUser', databaseId.principalId, 'database');
    this.keyVault.grantCryptoUser('DisksKeyUser', disksId.principalId, 'disks');
    this.keyVault.grantCryptoUser('BackupKeyUser', backupId.principalId, 'backup');
    const diskEncryption = new BaselineDiskEncryptionSet(this, 'DiskEncryption', {
      resourceGroupName: groups.security,
      location,
      name: names.diskEncryptionSet,
      keyVaultKeyId: this.keyVault.versionlessKeyIds.disks,
      identityId: disksId.identityId,
      tags,
    });

    // Network flow logs to a storage account of the region, analysed in the workspace.
    const flowLogStorage = new SecureStorageAccount(this, 'FlowLogStorage', {
      resourceGroupName: groups.security,
      location,
      name: names.flowLogStorage,
      keyVaultKeyId: this.keyVault.versionlessKeyIds.storage,
      identityId: storageId.identityId,
      trustedServicesOnly: true,
      tags,
    });
    new VnetFlowLog(this, 'FlowLog', {
      name: `${names.vnet}-flowlog`,
      location,
      vnetId: this.vnet.vnetId,
      storageAccountId: flowLogStorage.accountId,
      retentionDays: config.logging.retentionDays,
      workspaceGuid: this.workspace.resource.workspaceId,
      workspaceRegion: location,
      workspaceResourceId: this.workspace.workspaceId,
      tags,
    });

    // Edge: WAF policy + gateway (EDGE-TLS, WAF-*), the same rules in both regions. Locked to the
    // Cloudflare zone (ORIGIN-LOCK): its client certificate, its hostnames only, and rate limits
    // that count per edge address as a safety net (the edge counts the real clients).
    const lock = config.cloudflare?.originLock ? config.cloudflare : undefined;
    const servedHosts = lock ? [lock.hostname, ...lock.additionalHostnames] : undefined;
    const waf = new BaselineWafPolicy(this, 'Waf', {
      resourceGroupName: groups.network,
      location,
      name: names.wafPolicy,
      globalRateLimit: config.waf.globalRateLimit,
      criticalPaths: config.waf.criticalPaths,
      allowedHosts: servedHosts,
      perEdgeFactor: lock?.azurePerEdgeRateFactor,
      tags,
    });
    this.gateway = new AppGateway(this, 'Gateway', {
      resourceGroupName: groups.network,
      location,
      name: names.gateway,
      subnetId: this.vnet.gatewaySubnetId,
      firewallPolicyId: waf.policyId,
      certificateSecretId: azure.certificateSecretId,
      identityId: gatewayId.identityId,
      appPort: azure.app.port,
      healthCheckPath: azure.app.healthCheckPath,
      hostNames: servedHosts,
      clientCertificateAuthorities: lock?.originPull?.caCertificates,
      tags,
    });

    // App tier (APP-FROM-GATEWAY, HA-MULTIZONE): a warm standby in the DR region.
    const capacity = primary ? azure.app.capacity : azure.app.drCapacity;
    this.scaleSet = new AppScaleSet(this, 'App', {
      resourceGroupName: groups.app,
      location,
      name: names.scaleSet,
      subnetId: this.vnet.appSubnetId,
      backendPoolId: this.gateway.backendPoolId,
      // One account per person (the bastion's people), the admin account holding only the
      // break-glass key, and the SSH log shipped to the workspace (BASTION-SSH, LOG-CENTRAL).
      users: config.bastion.users,
      breakGlassPublicKey: azure.breakGlass.publicKey,
      breakGlassLogin: azure.breakGlass.loginEnabled,
      aptMirror: aptMirror(config.egress.packageMirrors),
      authLogWorkspaceId: this.workspace.workspaceId,
      minRsaBits: props.guardrails.minRsaBits,
      vmSize: azure.app.vmSize,
      minCapacity: capacity.minCapacity,
      maxCapacity: capacity.maxCapacity,
      instances: capacity.minCapacity,
      standby: !primary,
      diskEncryptionSetId: diskEncryption.diskEncryptionSetId,
      appPort: azure.app.port,
      healthCheckPath: azure.app.healthCheckPath,
      tags,
    });

    // Each region's network resolves the storage accounts' private endpoints in a zone of its own
    // (one zone per network, or the regions' records would overwrite each other).
    const blobZone = new PrivateDnsZone(this, 'BlobPrivateDns', { name: BLOB_PRIVATE_DNS_ZONE, resourceGroupName: groups.network, tags });
    new PrivateDnsZoneVirtualNetworkLink(this, 'BlobPrivateDnsLink', {
      name: `${names.vnet}-blob`,
      resourceGroupName: groups.network,
      privateDnsZoneName: blobZone.name,
      virtualNetworkId: this.vnet.vnetId,
      registrationEnabled: false,
      tags,
    });

    // Data (DB-FROM-APP, ENC-REST, BACKUP, DR-REGION): the primary server with geo-backups
    // encrypted under the DR region's key; the DR region holds its read replica.
    let postgresId: string;
    // The region's bastion (BASTION-SSH): the same allowlist (its NSG), per-person accounts and
    // break-glass key in both regions, so admins reach the standby after a failover too.
    const addBastion = (): BastionVm =>
      new BastionVm(this, 'Bastion', {
        resourceGroupName: groups.app,
        location,
        name: names.bastion,
        subnetId: this.vnet.bastionSubnetId,
        users: config.bastion.users,
        breakGlassPublicKey: azure.breakGlass.publicKey,
        breakGlassLogin: azure.breakGlass.loginEnabled,
        aptMirror: aptMirror(config.egress.packageMirrors),
        workspaceId: this.workspace.workspaceId,
        minRsaBits: props.guardrails.minRsaBits,
        diskEncryptionSetId: diskEncryption.diskEncryptionSetId,
        tags,
      });

    if (primary) {
      const server = new PostgresServer(this, 'Database', {
        resourceGroupName: groups.data,
        location,
        name: names.postgres,
        vnetId: this.vnet.vnetId,
        delegatedSubnetId: this.vnet.dataSubnetId,
        skuName: azure.database.skuName,
        storageMb: azure.database.storageMb,
        backupRetentionDays: config.backup.databaseRetentionDays,
        tenantId: azure.tenantId,
        keyVaultKeyId: this.keyVault.versionlessKeyIds.database,
        identityId: databaseId.identityId,
        geoBackupKeyId: versionlessKeyId(drNames.keyVault, 'database'),
        geoBackupIdentityId: identityResourceId(azure.subscriptionId, drNames.resourceGroups.security, drNames.identity('database')),
        adminObjectId: azure.database.entraAdmin.objectId,
        adminPrincipalName: azure.database.entraAdmin.principalName,
        adminPrincipalType: azure.database.entraAdmin.principalType,
        tags,
      });
      postgresId = server.serverId;
      new DiagnosticSettings(this, 'DatabaseDiagnostics', { targetResourceId: server.serverId, workspaceId: this.workspace.workspaceId });

      // The app reaches its storage through a private endpoint in the app subnet; the account's
      // public endpoint stays off (STORAGE-PRIVATE). RA-GZRS keeps a readable copy in the pair.
      const dataStorage = new SecureStorageAccount(this, 'DataStorage', {
        resourceGroupName: groups.data,
        location,
        name: names.dataStorage,
        replicationType: 'RAGZRS',
        keyVaultKeyId: this.keyVault.versionlessKeyIds.storage,
        identityId: storageId.identityId,
        privateEndpointSubnetId: this.vnet.appSubnetId,
        blobPrivateDnsZoneId: blobZone.id,
        deleteRetentionDays: Math.min(config.backup.fileRetentionDays, 365),
        containerNames: azure.dataContainers,
        tags,
      });
      new DiagnosticSettings(this, 'DataStorageDiagnostics', {
        targetResourceId: `${dataStorage.accountId}/blobServices/default`,
        workspaceId: this.workspace.workspaceId,
      });
      // DR-REGION: the standby app tier in the paired region reaches the same account privately,
      // the read-only secondary (RA-GZRS) at once and the primary endpoint after an account
      // failover, through endpoints in the DR app subnet registered in the DR network's zone (the
      // DR stack deploys first and creates both; this account exists only from this stack on).
      const drSubnet = subnetResourceId(azure.subscriptionId, drNames.resourceGroups.network, drNames.vnet, APP_SUBNET_NAME);
      const drZone = privateDnsZoneResourceId(azure.subscriptionId, drNames.resourceGroups.network, BLOB_PRIVATE_DNS_ZONE);
      for (const subresource of ['blob', 'blob_secondary'] as const) {
        dataStorage.addBlobPrivateEndpoint(subresource === 'blob' ? 'DrBlobPrivateEndpoint' : 'DrBlobSecondaryPrivateEndpoint', {
          name: `${names.dataStorage}-${subresource.replace('_', '-')}-dr-pe`,
          resourceGroupName: drNames.resourceGroups.network,
          location: azure.drLocation,
          subnetId: drSubnet,
          privateDnsZoneId: drZone,
          subresource,
          tags,
        });
      }
      // BACKUP: soft delete and versioning live inside the account, where an Owner can turn them
      // off and purge; the locked Backup vault keeps daily copies outside it (claims B2, B10).
      new BlobBackupVault(this, 'FileBackup', {
        resourceGroupName: groups.data,
        location,
        name: names.backupVault,
        storageAccountId: dataStorage.accountId,
        containerNames: azure.dataContainers,
        vaultedRetentionDays: config.backup.fileRetentionDays,
        // The account's own point-in-time restore window (SecureStorageAccount's default).
        operationalRetentionDays: Math.min(30, Math.min(config.backup.fileRetentionDays, 365) - 1),
        keyVaultKeyId: this.keyVault.versionlessKeyIds.backup,
        keyResourceId: this.keyVault.keys.backup.resourceVersionlessId,
        containersDependOn: Object.values(dataStorage.containers),
        tags,
      });

      const bastion = addBastion();
      new RecoveryVault(this, 'Backup', {
        resourceGroupName: groups.data,
        location,
        name: names.recoveryVault,
        keyVaultKeyId: this.keyVault.versionlessKeyIds.backup,
        identityId: backupId.identityId,
        dailyRetentionDays: config.backup.fileRetentionDays,
        protectedVmIds: [bastion.vmId],
        tags,
      });

      // The subscription's Activity Log, once per environment: central and immutable (LOG-CENTRAL,
      // LOG-RETENTION), so no administrator can erase the record of what they did.
      new ActivityLogArchive(this, 'ActivityLog', {
        resourceGroupName: groups.security,
        location,
        storageAccountName: names.auditStorage,
        keyVaultKeyId: this.keyVault.versionlessKeyIds.storage,
        identityId: storageId.identityId,
        subscriptionId: azure.subscriptionId,
        workspaceId: this.workspace.workspaceId,
        retentionDays: config.logging.auditRetentionDays,
        entraLogs: azure.entraLogs,
        settingName: `baseline-${names.prefix}`,
        tags,
      });

      // Subscription-wide detection, once per environment (DETECT-THREATS).
      if (azure.accountServices.defender === 'create') {
        new DefenderPlans(this, 'Defender', { securityContactEmail: config.alerts.emails[0], phone: config.alerts.smsNumbers[0] });
      }
      new SecurityAlerts(this, 'Alerts', {
        namePrefix: names.prefix,
        resourceGroupName: groups.security,
        emails: config.alerts.emails,
        smsNumbers: config.alerts.smsNumbers,
        subscriptionId: azure.subscriptionId,
      });
    } else {
      const replica = new PostgresReplica(this, 'DatabaseReplica', {
        resourceGroupName: groups.data,
        location,
        name: names.postgres,
        vnetId: this.vnet.vnetId,
        delegatedSubnetId: this.vnet.dataSubnetId,
        sourceServerId: postgresServerId(azure.subscriptionId, primaryNames.resourceGroups.data, primaryNames.postgres),
        tenantId: azure.tenantId,
        skuName: azure.database.skuName,
        storageMb: azure.database.storageMb,
        keyVaultKeyId: this.keyVault.versionlessKeyIds.database,
        identityId: databaseId.identityId,
        // Failover (DR-REGION): promotion makes it the read-write server, with the primary's
        // point-in-time window and zone-redundant HA (BACKUP, HA-MULTIZONE).
        promote: azure.promoteReplica,
        backupRetentionDays: config.backup.databaseRetentionDays,
        tags,
      });
      postgresId = replica.serverId;
      new DiagnosticSettings(this, 'DatabaseDiagnostics', { targetResourceId: replica.serverId, workspaceId: this.workspace.workspaceId });
      // BASTION-SSH, DR-REGION: after a failover, admins reach the standby through a bastion of
      // this region, behind the same allowlist (the NSG) with the same per-person accounts.
      const bastion = addBastion();
      new RecoveryVault(this, 'Backup', {
        resourceGroupName: groups.data,
        location,
        name: names.recoveryVault,
        keyVaultKeyId: this.keyVault.versionlessKeyIds.backup,
        identityId: backupId.identityId,
        dailyRetentionDays: config.backup.fileRetentionDays,
        protectedVmIds: [bastion.vmId],
        tags,
      });
    }

    // Diagnostics of the gateway (access, performance and WAF firewall logs), Key Vault and NSGs.
    new DiagnosticSettings(this, 'GatewayDiagnostics', {
      targetResourceId: this.gateway.gatewayId,
      workspaceId: this.workspace.workspaceId,
    });
    new DiagnosticSettings(this, 'KeyVaultDiagnostics', {
      targetResourceId: this.keyVault.vaultId,
      workspaceId: this.workspace.workspaceId,
    });
    this.vnet.nsgIds.forEach((nsgId, i) => {
      new DiagnosticSettings(this, `NsgDiagnostics${i}`, {
        targetResourceId: nsgId,
        workspaceId: this.workspace.workspaceId,
        includeMetrics: false,
      });
    });

    // BACKUP: nobody deletes data, keys or evidence without first lifting a lock, a logged act.
    lockStatefulResources(this, { mode: azure.deleteLocks });

    new TerraformOutput(this, AZURE_OUTPUTS.gatewayPublicIp, {
      value: this.gateway.publicIpAddress,
      description: 'Public address of the application gateway (origin of the Cloudflare pool)',
    });
    new TerraformOutput(this, AZURE_OUTPUTS.scaleSetId, {
      value: this.scaleSet.scaleSetId,
      description: primary ? 'App scale set' : 'Warm-standby scale set: scale it out at failover',
    });
    new TerraformOutput(this, AZURE_OUTPUTS.postgresServerId, {
      value: postgresId,
      description: primary ? 'Primary PostgreSQL server' : 'Read replica: promote it at failover',
    });
    new TerraformOutput(this, AZURE_OUTPUTS.keyVaultUri, { value: this.keyVault.vaultUri, description: 'Key Vault of this region' });
  }
}

/** The first package mirror given by host name: the Ubuntu hosts' apt mirror. */
function aptMirror(packageMirrors: readonly string[]): string | undefined {
  return packageMirrors.find((m) => !m.includes('/'));
}
