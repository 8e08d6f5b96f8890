import { PrivateEndpoint } from '@cdktf/provider-azurerm/lib/private-endpoint';
import { StorageAccount } from '@cdktf/provider-azurerm/lib/storage-account';
import { StorageContainer } from '@cdktf/provider-azurerm/lib/storage-container';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { POLICY_FLOORS } from '../config/floors';

/**
 * Replication types accepted by default: zone-redundant in the primary region and geo-replicated
 * to the paired region (controls HA-MULTIZONE, DR-REGION). `RAGZRS` also lets clients read the
 * secondary copy while the primary region is down.
 */
export const STORAGE_ZONE_REDUNDANT_GEO = ['GZRS', 'RAGZRS'] as const;
/** Geo-replicated without zones in the primary region; only with `allowNonZoneRedundant`. */
export const STORAGE_NON_ZONE_GEO = ['GRS', 'RAGRS'] as const;

/** Properties of {@link SecureStorageAccount}. */
export interface SecureStorageAccountProps {
  /** Resource group of the account (and of its private endpoint). */
  readonly resourceGroupName: string;
  /** Azure location (region) of the account, such as `westeurope`. */
  readonly location: string;
  /** Account name, globally unique: 3-24 lower-case letters and digits. */
  readonly name: string;
  /**
   * Versionless Key Vault key id encrypting blobs, files, queues and tables (control ENC-REST),
   * such as `https://kv-acme.vault.azure.net/keys/storage`; versionless so the account follows
   * key rotation. `identityId` needs Key Vault Crypto Service Encryption User on it.
   */
  readonly keyVaultKeyId: string;
  /** User-assigned identity of the account's region that reads `keyVaultKeyId`. */
  readonly identityId: string;
  /**
   * Replication: "GZRS" or "RAGZRS" (three zones here, plus the paired region; control
   * DR-REGION). "GRS"/"RAGRS" need `allowNonZoneRedundant`; local-only types (LRS, ZRS) are
   * refused, since they keep no copy outside the region.
   * @default 'GZRS'
   */
  readonly replicationType?: string;
  /**
   * Accepts "GRS"/"RAGRS" (a single zone in the primary region) for regions without
   * availability zones. Risk: a zone failure in the primary region makes the data unavailable
   * until Microsoft or you fail the account over to the secondary region (control HA-MULTIZONE).
   * @default false
   */
  readonly allowNonZoneRedundant?: boolean;
  /**
   * Days a deleted or overwritten blob (soft delete) is kept, 7-365 (control BACKUP, claim: 90
   * days of file retention). Versions are kept alongside.
   * @default 90 (POLICY_FLOORS.retention.fileBackupDays)
   */
  readonly deleteRetentionDays?: number;
  /**
   * Days a deleted container is kept, 7-365.
   * @default - the same as `deleteRetentionDays`
   */
  readonly containerDeleteRetentionDays?: number;
  /**
   * Days back to which blobs can be restored to a point in time, 1 to `deleteRetentionDays` - 1
   * (Azure requires it to be shorter than soft delete).
   * @default - 30, or `deleteRetentionDays` - 1 when that is shorter
   */
  readonly pointInTimeRestoreDays?: number;
  /**
   * Opens the public endpoint to trusted Azure services and `allowedSubnetIds` only: public
   * network access becomes "enabled from selected networks" with every other source denied.
   *
   * Needed for VNet flow logs: Network Watcher writes to the account over its public endpoint as
   * a trusted service and cannot use a private endpoint, and with public network access
   * disabled Azure Storage refuses trusted services too. Trade-off: the endpoint is reachable
   * from the internet at the network layer (every request is still refused unless it comes from
   * a trusted Azure service of this tenant's subscriptions or an allowed subnet, and carries an
   * Entra token: shared keys stay disabled). Prefer a private endpoint for everything else.
   * @default false (public network access disabled; private endpoint only)
   */
  readonly trustedServicesOnly?: boolean;
  /**
   * Subnets (with the `Microsoft.Storage` service endpoint) admitted on the public endpoint.
   * Effective only with `trustedServicesOnly` (service endpoints use the public endpoint), so
   * giving them without it is an error.
   * @default - none
   */
  readonly allowedSubnetIds?: readonly string[];
  /**
   * Subnet receiving a private endpoint for the blob service, so workloads reach the account
   * privately (control STORAGE-PRIVATE). Requires `blobPrivateDnsZoneId`.
   * @default - no private endpoint
   */
  readonly privateEndpointSubnetId?: string;
  /**
   * Id of the `privatelink.blob.core.windows.net` private DNS zone (linked to the clients'
   * networks) the private endpoint registers in. Requires `privateEndpointSubnetId`.
   * @default - no private endpoint
   */
  readonly blobPrivateDnsZoneId?: string;
  /**
   * Longest validity a SAS may ask for, `D.HH:MM:SS`; longer ones are blocked. Account and
   * service SAS cannot be signed at all (shared keys are off), so this bounds user-delegation SAS.
   * @default '0.01:00:00' (one hour)
   */
  readonly sasExpirationPeriod?: string;
  /**
   * Private blob containers created through Azure Resource Manager (no data-plane call), such as
   * the containers a Backup vault protects (control BACKUP): 3-63 lower-case letters, digits and
   * single dashes each.
   * @default - none
   */
  readonly containerNames?: readonly string[];
  /**
   * Tags of the account and private endpoint.
   * @default - none
   */
  readonly tags?: Record<string, string>;
}

const IDENTITY_ID =
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/[^/]+$/i;
const KEY_ID = /^https:\/\/[a-z0-9-]+\.(vault|managedhsm)\.[a-z0-9.]+\/keys\/[A-Za-z0-9-]+(\/[0-9a-f]{32})?\/?$/i;
const BLOB_ZONE_ID =
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/privateDnsZones\/privatelink\.blob\.[a-z0-9.]+$/i;
const known = (v: string | number | undefined): v is string | number => v !== undefined && !Token.isUnresolved(v);

/**
 * A storage account for files, logs and backups (controls ENC-REST, ENC-TRANSIT,
 * STORAGE-PRIVATE, BACKUP, DR-REGION):
 *
 * - Network: public network access disabled, reached through an optional blob private endpoint;
 *   the network rules still deny by default (`trustedServicesOnly` opens the public endpoint to
 *   trusted Azure services and allowed subnets, for flow logs).
 * - Identity: shared keys (and so account/service SAS), local users and SFTP are off; only Entra
 *   identities with a data role get in, and the portal defaults to Entra too. Copies stay inside
 *   the tenant; no anonymous access; no cross-tenant object replication.
 * - Encryption: customer-managed key (blobs, files, queues and tables) plus infrastructure
 *   (double) encryption; HTTPS only, TLS 1.2+.
 * - Recovery: versioning, change feed, soft delete of blobs and containers, point-in-time
 *   restore; GZRS by default (three zones plus the paired region).
 * - `prevent_destroy`.
 *
 * Deployers: with public network access disabled, the azurerm provider's data-plane calls (it
 * polls the blob service after creation and reads queue properties on refresh) fail from outside
 * the network; the stack's provider needs `features { storage { data_plane_available = false } }`
 * or the plan must run inside the network.
 */
export class SecureStorageAccount extends Construct {
  /** The storage account. */
  public readonly resource: StorageAccount;
  /** The account's resource id. */
  public readonly accountId: string;
  /** The blob endpoint (`https://<name>.blob.core.windows.net/`). */
  public readonly primaryBlobEndpoint: string;
  /** The blob private endpoint, when `privateEndpointSubnetId` was given. */
  public readonly privateEndpoint?: PrivateEndpoint;
  /** The containers of `containerNames`, by name. */
  public readonly containers: Record<string, StorageContainer> = {};
  private readonly replicationType: string;

  constructor(scope: Construct, id: string, props: SecureStorageAccountProps) {
    super(scope, id);
    const what = `SecureStorageAccount ${this.node.path}:`;
    const replicationType = props.replicationType ?? 'GZRS';
    this.replicationType = replicationType;
    const deleteRetentionDays = props.deleteRetentionDays ?? POLICY_FLOORS.retention.fileBackupDays;
    const containerDeleteRetentionDays = props.containerDeleteRetentionDays ?? deleteRetentionDays;
    const trustedServicesOnly = props.trustedServicesOnly ?? false;
    const allowedSubnetIds = props.allowedSubnetIds ?? [];
    const sasExpirationPeriod = props.sasExpirationPeriod ?? '0.01:00:00';

    if (known(props.name) && !/^[a-z0-9]{3,24}$/.test(props.name)) {
      throw new Error(
        `${what} name "${props.name}" is invalid; expected 3-24 lower-case letters and digits (no dashes), unique across Azure`,
      );
    }
    if (known(replicationType)) {
      const zoneGeo = (STORAGE_ZONE_REDUNDANT_GEO as readonly string[]).includes(replicationType);
      const nonZoneGeo = (STORAGE_NON_ZONE_GEO as readonly string[]).includes(replicationType);
      if (nonZoneGeo && !props.allowNonZoneRedundant) {
        throw new Error(
          `${what} replicationType "${replicationType}" keeps one zone in the primary region; use GZRS or RAGZRS, or set ` +
            `allowNonZoneRedundant for a region without availability zones`,
        );
      }
      if (!zoneGeo && !nonZoneGeo) {
        throw new Error(
          `${what} replicationType "${replicationType}" keeps no copy in another region (control DR-REGION); expected one of ` +
            `${[...STORAGE_ZONE_REDUNDANT_GEO, ...STORAGE_NON_ZONE_GEO].join(', ')}`,
        );
      }
    }
    checkDays(what, 'deleteRetentionDays', deleteRetentionDays, 7, 365);
    checkDays(what, 'containerDeleteRetentionDays', containerDeleteRetentionDays, 7, 365);
    const pointInTimeRestoreDays =
      props.pointInTimeRestoreDays ?? (known(deleteRetentionDays) ? Math.min(30, deleteRetentionDays - 1) : 30);
    if (known(deleteRetentionDays)) {
      checkDays(
        what,
        'pointInTimeRestoreDays',
        pointInTimeRestoreDays,
        1,
        deleteRetentionDays - 1,
        `; Azure requires it to be shorter than deleteRetentionDays (${deleteRetentionDays})`,
      );
    }
    if (allowedSubnetIds.length > 0 && !trustedServicesOnly) {
      throw new Error(
        `${what} allowedSubnetIds has no effect while public network access is disabled (service endpoints use the public ` +
          `endpoint); give workloads a private endpoint (privateEndpointSubnetId) or set trustedServicesOnly to open the public ` +
          `endpoint to these subnets`,
      );
    }
    if ((props.privateEndpointSubnetId === undefined) !== (props.blobPrivateDnsZoneId === undefined)) {
      throw new Error(
        `${what} privateEndpointSubnetId and blobPrivateDnsZoneId go together (the endpoint registers its address in the ` +
          `zone); received only ` +
          `${props.privateEndpointSubnetId === undefined ? 'blobPrivateDnsZoneId' : 'privateEndpointSubnetId'}`,
      );
    }
    if (known(props.blobPrivateDnsZoneId) && !BLOB_ZONE_ID.test(props.blobPrivateDnsZoneId)) {
      throw new Error(
        `${what} blobPrivateDnsZoneId "${props.blobPrivateDnsZoneId}" is not a privatelink.blob private DNS zone id; expected ` +
          `/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Network/privateDnsZones/privatelink.blob.core.windows.net`,
      );
    }
    if (known(props.keyVaultKeyId) && !KEY_ID.test(props.keyVaultKeyId)) {
      throw new Error(
        `${what} keyVaultKeyId "${props.keyVaultKeyId}" is not a Key Vault key id; expected ` +
          `https://<vault>.vault.azure.net/keys/<name> (versionless, so the account follows key rotation)`,
      );
    }
    if (known(props.identityId) && !IDENTITY_ID.test(props.identityId)) {
      throw new Error(
        `${what} identityId "${props.identityId}" is not a user-assigned identity id; expected ` +
          `/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>`,
      );
    }
    const containerNames = props.containerNames ?? [];
    containerNames.forEach((name, i) => {
      if (known(name) && !/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/.test(name)) {
        throw new Error(
          `${what} containerNames[${i}] "${name}" is not a container name; expected 3-63 lower-case letters, digits and single dashes`,
        );
      }
      if (containerNames.indexOf(name) !== i)
        throw new Error(`${what} containerNames[${i}] "${name}" is listed twice; list each container once`);
    });
    if (known(sasExpirationPeriod) && !/^\d{1,5}\.([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/.test(sasExpirationPeriod)) {
      throw new Error(`${what} sasExpirationPeriod "${sasExpirationPeriod}" is invalid; expected D.HH:MM:SS such as 0.01:00:00`);
    }

    this.resource = new StorageAccount(this, 'Resource', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      accountKind: 'StorageV2',
      accountTier: 'Standard',
      accountReplicationType: replicationType,
      // ENC-REST: AES-256 twice (service + infrastructure layer), the service layer under the
      // customer-managed key, queues and tables included (they default to Microsoft keys).
      infrastructureEncryptionEnabled: true,
      queueEncryptionKeyType: 'Account',
      tableEncryptionKeyType: 'Account',
      customerManagedKey: { keyVaultKeyId: props.keyVaultKeyId, userAssignedIdentityId: props.identityId },
      identity: { type: 'UserAssigned', identityIds: [props.identityId] },
      // ENC-TRANSIT.
      httpsTrafficOnlyEnabled: true,
      minTlsVersion: `TLS${POLICY_FLOORS.tls.minVersion.replace('.', '_')}`,
      // STORAGE-PRIVATE, SECRETS: no anonymous reads, no keys or key-signed SAS, no local users,
      // Entra by default; data cannot be copied to or replicated into another tenant.
      allowNestedItemsToBePublic: false,
      sharedAccessKeyEnabled: false,
      localUserEnabled: false,
      sftpEnabled: false,
      defaultToOauthAuthentication: true,
      crossTenantReplicationEnabled: false,
      allowedCopyScope: 'AAD',
      sasPolicy: { expirationPeriod: sasExpirationPeriod, expirationAction: 'Block' },
      publicNetworkAccessEnabled: trustedServicesOnly,
      networkRules: {
        defaultAction: 'Deny',
        bypass: ['AzureServices'],
        ipRules: [],
        virtualNetworkSubnetIds: [...allowedSubnetIds],
      },
      // BACKUP: every overwrite keeps a version, every delete is recoverable for the retention,
      // and the account can be rolled back to a point in time (which needs versioning, the
      // change feed and soft delete, with restore days below soft-delete days).
      blobProperties: {
        versioningEnabled: true,
        changeFeedEnabled: true,
        changeFeedRetentionInDays: deleteRetentionDays,
        deleteRetentionPolicy: { days: deleteRetentionDays, permanentDeleteEnabled: false },
        containerDeleteRetentionPolicy: { days: containerDeleteRetentionDays },
        restorePolicy: { days: pointInTimeRestoreDays },
      },
      tags: props.tags,
      lifecycle: { preventDestroy: true },
    });
    this.accountId = this.resource.id;
    this.primaryBlobEndpoint = this.resource.primaryBlobEndpoint;

    if (props.privateEndpointSubnetId !== undefined && props.blobPrivateDnsZoneId !== undefined) {
      this.privateEndpoint = this.addBlobPrivateEndpoint('BlobPrivateEndpoint', {
        name: `${props.name}-blob-pe`,
        resourceGroupName: props.resourceGroupName,
        location: props.location,
        subnetId: props.privateEndpointSubnetId,
        privateDnsZoneId: props.blobPrivateDnsZoneId,
        tags: props.tags,
      });
    }
    for (const name of containerNames) {
      // Through ARM (storage_account_id), so the account's closed public endpoint is no obstacle.
      this.containers[name] = new StorageContainer(this, `Container-${name}`, {
        name,
        storageAccountId: this.resource.id,
        containerAccessType: 'private',
        // Deleting a container deletes its files (control BACKUP).
        lifecycle: { preventDestroy: true },
      });
    }
  }

  /**
   * Adds a private endpoint to the account's blob service (or, for RA-GRS/RA-GZRS accounts, to its
   * read-only secondary, `blob_secondary`) in another network, such as the DR region's, so
   * workloads there reach the account without its public endpoint (controls STORAGE-PRIVATE,
   * DR-REGION). The endpoint registers in `privateDnsZoneId`, a `privatelink.blob` zone linked to
   * that network (one zone per network, or the networks' records would overwrite each other).
   */
  addBlobPrivateEndpoint(id: string, options: BlobPrivateEndpointOptions): PrivateEndpoint {
    const subresource = options.subresource ?? 'blob';
    if (known(options.privateDnsZoneId) && !BLOB_ZONE_ID.test(options.privateDnsZoneId)) {
      throw new Error(
        `SecureStorageAccount ${this.node.path}: addBlobPrivateEndpoint privateDnsZoneId "${options.privateDnsZoneId}" is not ` +
          `a privatelink.blob private DNS zone id; expected ` +
          `/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Network/privateDnsZones/privatelink.blob.core.windows.net`,
      );
    }
    if (subresource === 'blob_secondary' && known(this.replicationType) && !/^RA/.test(this.replicationType)) {
      throw new Error(
        `SecureStorageAccount ${this.node.path}: addBlobPrivateEndpoint subresource "blob_secondary" needs a read-access ` +
          `geo-replicated account (RAGZRS or RAGRS); received replication ${this.replicationType}`,
      );
    }
    return new PrivateEndpoint(this, id, {
      name: options.name,
      resourceGroupName: options.resourceGroupName,
      location: options.location,
      subnetId: options.subnetId,
      privateServiceConnection: {
        name: options.name.replace(/-pe$/, ''),
        isManualConnection: false,
        privateConnectionResourceId: this.resource.id,
        subresourceNames: [subresource],
      },
      privateDnsZoneGroup: { name: subresource.replace('_', '-'), privateDnsZoneIds: [options.privateDnsZoneId] },
      tags: options.tags,
    });
  }
}

/** Options of {@link SecureStorageAccount.addBlobPrivateEndpoint}. */
export interface BlobPrivateEndpointOptions {
  /** Name of the private endpoint (its connection is named the same without `-pe`). */
  readonly name: string;
  /** Resource group of the endpoint (the network's). */
  readonly resourceGroupName: string;
  /** Azure location of the endpoint: its network's. */
  readonly location: string;
  /** Subnet receiving the endpoint. */
  readonly subnetId: string;
  /** `privatelink.blob` private DNS zone linked to the endpoint's network. */
  readonly privateDnsZoneId: string;
  /**
   * `blob` (the account's primary endpoint, which moves to the pair on an account failover) or
   * `blob_secondary` (the read-only secondary of a RA-GRS/RA-GZRS account).
   * @default 'blob'
   */
  readonly subresource?: 'blob' | 'blob_secondary';
  /**
   * Tags of the endpoint.
   * @default - none
   */
  readonly tags?: Record<string, string>;
}

function checkDays(what: string, prop: string, value: number, min: number, max: number, why = ''): void {
  if (known(value) && (!Number.isInteger(value) || value < min || value > max)) {
    throw new Error(`${what} ${prop} ${value} is out of range; expected a whole number of days from ${min} to ${max}${why}`);
  }
}
