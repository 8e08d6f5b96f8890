import { PostgresqlFlexibleServer } from '@cdktf/provider-azurerm/lib/postgresql-flexible-server';
// biome-ignore format: the module path alone nearly fills a line; Biome keeps a one-name import on one line.
import {
  PostgresqlFlexibleServerActiveDirectoryAdministrator,
} from '@cdktf/provider-azurerm/lib/postgresql-flexible-server-active-directory-administrator';
import { PostgresqlFlexibleServerConfiguration } from '@cdktf/provider-azurerm/lib/postgresql-flexible-server-configuration';
import { PrivateDnsZone } from '@cdktf/provider-azurerm/lib/private-dns-zone';
import { PrivateDnsZoneVirtualNetworkLink } from '@cdktf/provider-azurerm/lib/private-dns-zone-virtual-network-link';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { POLICY_FLOORS } from '../config/floors';

/** PostgreSQL major versions the constructs accept (azurerm 4.55 accepts 11-18; 11-13 are out of Azure support). */
export const POSTGRES_VERSIONS = ['14', '15', '16', '17', '18'] as const;

/** Storage sizes (MiB) Flexible Server accepts for `storage_mb` (azurerm 4.55 validation). */
export const POSTGRES_STORAGE_MB = [
  32768, 65536, 131072, 262144, 524288, 1048576, 2097152, 4193280, 4194304, 8388608, 16777216, 33553408,
] as const;

/** Days of point-in-time recovery Flexible Server accepts. */
export const POSTGRES_BACKUP_RETENTION = { min: 7, max: POLICY_FLOORS.retention.databaseBackupMaxDays } as const;

/** Entra principal types that can be the server's administrator. */
export const POSTGRES_ADMIN_PRINCIPAL_TYPES = ['Group', 'User', 'ServicePrincipal'] as const;

/**
 * Server parameters set on the primary and on its replicas (each server keeps its own
 * parameters, so a promoted replica keeps them too). Keyed by the stable construct id of the
 * configuration resource.
 *
 * - TLS is required on every connection, 1.2 at least (ENC-TRANSIT, DB-FROM-APP).
 * - Connections, disconnections and checkpoints are logged (LOG-CENTRAL; CIS Azure 4.3.x and the
 *   built-in "PostgreSQL flexible servers should log ..." policies check these exact names).
 * - `connection_throttle.enable` throttles a client IP after repeated failed logins (brute force).
 */
export const POSTGRES_SERVER_PARAMETERS: Readonly<Record<string, { readonly name: string; readonly value: string }>> = {
  RequireSecureTransport: { name: 'require_secure_transport', value: 'on' },
  SslMinProtocolVersion: { name: 'ssl_min_protocol_version', value: `TLSv${POLICY_FLOORS.tls.minVersion}` },
  LogConnections: { name: 'log_connections', value: 'on' },
  LogDisconnections: { name: 'log_disconnections', value: 'on' },
  LogCheckpoints: { name: 'log_checkpoints', value: 'on' },
  ConnectionThrottle: { name: 'connection_throttle.enable', value: 'on' },
};

/** Properties of {@link createPostgresPrivateDns}. */
export interface PostgresPrivateDnsProps {
  /** Resource group of the zone and its link. */
  readonly resourceGroupName: string;
  /** Name of the server the zone serves; the zone is `<serverName>.private.postgres.database.azure.com`. */
  readonly serverName: string;
  /** Virtual network whose clients resolve the server through the zone. */
  readonly vnetId: string;
  /** Tags of the zone and link. */
  readonly tags?: Record<string, string>;
}

/** The private DNS zone of a Flexible Server and its link to the clients' virtual network. */
export interface PostgresPrivateDns {
  readonly zone: PrivateDnsZone;
  readonly link: PrivateDnsZoneVirtualNetworkLink;
}

/**
 * Creates the private DNS zone a VNet-integrated Flexible Server registers its address in, and
 * links it to the virtual network (control DB-FROM-APP: the name resolves to a private address,
 * only inside that network). The zone name must end with `.postgres.database.azure.com`
 * (azurerm documents this); a zone per server keeps the primary and its replica independent.
 * Auto-registration is off: only the server service writes records.
 * Children: `PrivateDnsZone` and `PrivateDnsZoneLink` under `scope`.
 */
export function createPostgresPrivateDns(scope: Construct, props: PostgresPrivateDnsProps): PostgresPrivateDns {
  const zone = new PrivateDnsZone(scope, 'PrivateDnsZone', {
    name: `${props.serverName}.private.postgres.database.azure.com`,
    resourceGroupName: props.resourceGroupName,
    tags: props.tags,
  });
  const link = new PrivateDnsZoneVirtualNetworkLink(scope, 'PrivateDnsZoneLink', {
    name: `${props.serverName}-vnet`,
    resourceGroupName: props.resourceGroupName,
    privateDnsZoneName: zone.name,
    virtualNetworkId: props.vnetId,
    registrationEnabled: false,
  });
  return { zone, link };
}

/** Sets {@link POSTGRES_SERVER_PARAMETERS} on a server; returns the configuration resources by id. */
export function applyPostgresServerParameters(scope: Construct, serverId: string): Record<string, PostgresqlFlexibleServerConfiguration> {
  // The provider serialises changes to one server's parameters itself (a lock per server), so
  // no depends_on chain is needed between them.
  return Object.fromEntries(
    Object.entries(POSTGRES_SERVER_PARAMETERS).map(([id, p]) => [
      id,
      new PostgresqlFlexibleServerConfiguration(scope, id, { serverId, name: p.name, value: p.value }),
    ]),
  );
}

/** The settings a primary and its replica share, validated the same way. */
export interface PostgresCommonProps {
  readonly name: string;
  readonly version?: string;
  readonly skuName?: string;
  readonly storageMb?: number;
  readonly zone?: string;
  readonly keyVaultKeyId: string;
  readonly identityId: string;
  readonly tenantId: string;
}

const KEY_ID = /^https:\/\/[a-z0-9-]+\.(vault|managedhsm)\.[a-z0-9.]+\/keys\/[A-Za-z0-9-]+(\/[0-9a-f]{32})?\/?$/i;
const IDENTITY_ID =
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/[^/]+$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const known = (v: string | number | undefined): boolean => v !== undefined && !Token.isUnresolved(v);

/**
 * Validates the settings a primary and a replica share; `what` starts each message
 * (`PostgresServer <path>:`). Returns the settings with defaults applied.
 */
export function checkPostgresCommon(what: string, props: PostgresCommonProps): { version: string; skuName: string; storageMb: number } {
  const version = props.version ?? '17';
  const skuName = props.skuName ?? 'GP_Standard_D2ds_v5';
  const storageMb = props.storageMb ?? 65536;
  if (known(props.name) && !/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(props.name)) {
    throw new Error(
      `${what} name "${props.name}" is invalid; expected 3-63 lower-case letters, digits and dashes, starting and ending with ` +
        `a letter or digit (it becomes <name>.postgres.database.azure.com)`,
    );
  }
  if (known(version) && !(POSTGRES_VERSIONS as readonly string[]).includes(version)) {
    throw new Error(`${what} version "${version}" is not supported; expected one of ${POSTGRES_VERSIONS.join(', ')}`);
  }
  // Burstable (B_) servers support neither zone-redundant HA nor read replicas (HA-MULTIZONE,
  // DR-REGION), so only General Purpose and Memory Optimized tiers are accepted.
  if (known(skuName) && !/^(GP|MO)_Standard_[A-Za-z0-9_]+$/.test(skuName)) {
    throw new Error(
      `${what} skuName "${skuName}" is not accepted; expected a General Purpose or Memory Optimized SKU such as ` +
        `GP_Standard_D2ds_v5 (Burstable supports neither zone-redundant HA nor read replicas)`,
    );
  }
  if (known(storageMb) && !(POSTGRES_STORAGE_MB as readonly number[]).includes(storageMb)) {
    throw new Error(
      `${what} storageMb ${storageMb} is not a size Flexible Server offers; expected one of ${POSTGRES_STORAGE_MB.join(', ')}`,
    );
  }
  if (props.zone !== undefined && known(props.zone) && !['1', '2', '3'].includes(props.zone)) {
    throw new Error(`${what} zone "${props.zone}" is invalid; expected "1", "2" or "3"`);
  }
  if (known(props.keyVaultKeyId) && !KEY_ID.test(props.keyVaultKeyId)) {
    throw new Error(
      `${what} keyVaultKeyId "${props.keyVaultKeyId}" is not a Key Vault key id; expected ` +
        `https://<vault>.vault.azure.net/keys/<name> (versionless, so the server follows key rotation)`,
    );
  }
  if (known(props.identityId) && !IDENTITY_ID.test(props.identityId)) {
    throw new Error(
      `${what} identityId "${props.identityId}" is not a user-assigned identity id; expected ` +
        `/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>`,
    );
  }
  if (known(props.tenantId) && !UUID.test(props.tenantId)) {
    throw new Error(`${what} tenantId "${props.tenantId}" is not a GUID; expected the Entra tenant id`);
  }
  return { version, skuName, storageMb };
}

/** Exported for the replica: the same identity-id check. */
export function checkIdentityId(what: string, prop: string, value: string): void {
  if (known(value) && !IDENTITY_ID.test(value)) {
    throw new Error(
      `${what} ${prop} "${value}" is not a user-assigned identity id; expected ` +
        `/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>`,
    );
  }
}

/** Properties of {@link PostgresServer}. */
export interface PostgresServerProps {
  /** Resource group of the server, its private DNS zone and link. */
  readonly resourceGroupName: string;
  /** Azure location (region) of the server, such as `westeurope`. */
  readonly location: string;
  /** Server name (3-63 lower-case letters, digits and dashes), globally unique: it becomes `<name>.postgres.database.azure.com`. */
  readonly name: string;
  /**
   * Subnet delegated to `Microsoft.DBforPostgreSQL/flexibleServers`, holding nothing else. Its
   * network security group admits 5432 from the app subnet only (control DB-FROM-APP).
   */
  readonly delegatedSubnetId: string;
  /** Virtual network of the app tier, linked to the server's private DNS zone so the app resolves it. */
  readonly vnetId: string;
  /** Entra tenant id; the only identities that can log in are this tenant's (control SECRETS). */
  readonly tenantId: string;
  /** Object id of the Entra group, user or service principal made server administrator. */
  readonly adminObjectId: string;
  /** Display name of that principal (for a group, its name; it is the PostgreSQL role name). */
  readonly adminPrincipalName: string;
  /**
   * Type of the administrator principal: "Group", "User" or "ServicePrincipal". A group lets
   * people join and leave administration without touching the server.
   * @default 'Group'
   */
  readonly adminPrincipalType?: string;
  /**
   * Versionless Key Vault key id encrypting data, WAL and backups in this region (control
   * ENC-REST), such as `https://kv-acme.vault.azure.net/keys/database`. Versionless, so the
   * server re-wraps its data key when Key Vault rotates the key. The vault must be in the
   * server's region and allow `identityId` to wrap and unwrap (Key Vault Crypto Service
   * Encryption User).
   */
  readonly keyVaultKeyId: string;
  /** User-assigned identity of the server's region that reads `keyVaultKeyId`. */
  readonly identityId: string;
  /**
   * Versionless key id in a Key Vault of the DR (paired) region encrypting the geo-redundant
   * backups (Azure requires the geo-backup key in the backup's region).
   */
  readonly geoBackupKeyId: string;
  /**
   * User-assigned identity created in the DR (paired) region that reads `geoBackupKeyId`; it must
   * differ from `identityId` (Azure rule).
   */
  readonly geoBackupIdentityId: string;
  /**
   * PostgreSQL major version.
   * @default '17'
   */
  readonly version?: string;
  /**
   * Compute SKU, `<tier>_<size>`; General Purpose (`GP_`) or Memory Optimized (`MO_`) only.
   * @default 'GP_Standard_D2ds_v5'
   */
  readonly skuName?: string;
  /**
   * Storage size in MiB, one of {@link POSTGRES_STORAGE_MB}. It can only grow: a smaller value
   * replaces the server (which `prevent_destroy` refuses). The replica needs the same size.
   * @default 65536
   */
  readonly storageMb?: number;
  /**
   * Days of point-in-time recovery, 7-35 (control BACKUP, claim B10: 30 days).
   * @default 30 (POLICY_FLOORS.retention.databaseBackupDays)
   */
  readonly backupRetentionDays?: number;
  /**
   * Availability zone of the primary ("1", "2" or "3").
   * @default '1'
   */
  readonly zone?: string;
  /**
   * Availability zone of the synchronous standby; must differ from `zone` (control HA-MULTIZONE).
   * @default '2'
   */
  readonly standbyZone?: string;
  /**
   * Tags of the server, zone and link.
   * @default - none
   */
  readonly tags?: Record<string, string>;
}

/**
 * The primary PostgreSQL database of an Azure environment (controls DB-FROM-APP, ENC-REST,
 * ENC-TRANSIT, BACKUP, HA-MULTIZONE, SECRETS; with the replica DR-REGION): a Flexible Server
 * injected into a delegated subnet, with no public endpoint, resolving through its own private
 * DNS zone linked to the app's virtual network.
 *
 * - Zone-redundant HA: a synchronous standby in a second zone with automatic failover.
 * - 7-35 days of point-in-time recovery, geo-redundant backups in the paired region.
 * - Customer-managed keys: data under a key of this region; geo-backups under a key of the DR
 *   region, each read by its own user-assigned identity.
 * - Microsoft Entra authentication only: password authentication is off and no administrator
 *   login or password exists anywhere (source, state or synth output); the Entra administrator
 *   (`adminObjectId`) creates the app's roles for its managed identities.
 * - TLS 1.2+ required, connection logging and login throttling ({@link POSTGRES_SERVER_PARAMETERS}).
 * - `prevent_destroy`: Terraform refuses any plan that would delete or replace the server.
 *
 * Diagnostic settings (shipping the PostgreSQL logs to the workspace) are a separate construct.
 */
export class PostgresServer extends Construct {
  /** The server. */
  public readonly resource: PostgresqlFlexibleServer;
  /** The server's resource id. */
  public readonly serverId: string;
  /** The server's host name (`<name>.postgres.database.azure.com`, resolving privately in the linked network). */
  public readonly fqdn: string;
  /** The server's private DNS zone. */
  public readonly privateDnsZone: PrivateDnsZone;
  /** The zone's link to the app's virtual network. */
  public readonly privateDnsZoneLink: PrivateDnsZoneVirtualNetworkLink;
  /** The Entra administrator. */
  public readonly administrator: PostgresqlFlexibleServerActiveDirectoryAdministrator;
  /** The server parameters, by construct id (see {@link POSTGRES_SERVER_PARAMETERS}). */
  public readonly parameters: Record<string, PostgresqlFlexibleServerConfiguration>;

  constructor(scope: Construct, id: string, props: PostgresServerProps) {
    super(scope, id);
    const what = `PostgresServer ${this.node.path}:`;
    const { version, skuName, storageMb } = checkPostgresCommon(what, props);
    const backupRetentionDays = props.backupRetentionDays ?? POLICY_FLOORS.retention.databaseBackupDays;
    const zone = props.zone ?? '1';
    const standbyZone = props.standbyZone ?? '2';
    const adminPrincipalType = props.adminPrincipalType ?? 'Group';
    if (
      known(backupRetentionDays) &&
      (!Number.isInteger(backupRetentionDays) ||
        backupRetentionDays < POSTGRES_BACKUP_RETENTION.min ||
        backupRetentionDays > POSTGRES_BACKUP_RETENTION.max)
    ) {
      throw new Error(
        `${what} backupRetentionDays ${backupRetentionDays} is out of range; expected a whole number of days from ` +
          `${POSTGRES_BACKUP_RETENTION.min} to ${POSTGRES_BACKUP_RETENTION.max} (claim B10 keeps ` +
          `${POLICY_FLOORS.retention.databaseBackupDays})`,
      );
    }
    if (known(standbyZone) && !['1', '2', '3'].includes(standbyZone)) {
      throw new Error(`${what} standbyZone "${standbyZone}" is invalid; expected "1", "2" or "3"`);
    }
    if (known(zone) && known(standbyZone) && zone === standbyZone) {
      throw new Error(
        `${what} standbyZone "${standbyZone}" equals zone; expected another zone, so a zone failure leaves the standby ` +
          `running (control HA-MULTIZONE)`,
      );
    }
    checkIdentityId(what, 'geoBackupIdentityId', props.geoBackupIdentityId);
    if (
      known(props.geoBackupIdentityId) &&
      known(props.identityId) &&
      props.geoBackupIdentityId.toLowerCase() === props.identityId.toLowerCase()
    ) {
      throw new Error(
        `${what} geoBackupIdentityId equals identityId; expected a separate identity created in the DR region (Azure requires ` +
          `it to differ and to live in the geo-backup's region)`,
      );
    }
    if (known(props.geoBackupKeyId) && !KEY_ID.test(props.geoBackupKeyId)) {
      throw new Error(
        `${what} geoBackupKeyId "${props.geoBackupKeyId}" is not a Key Vault key id; expected https://<DR-region ` +
          `vault>.vault.azure.net/keys/<name>`,
      );
    }
    if (known(props.geoBackupKeyId) && known(props.keyVaultKeyId) && props.geoBackupKeyId === props.keyVaultKeyId) {
      throw new Error(
        `${what} geoBackupKeyId equals keyVaultKeyId; expected a key in a Key Vault of the DR region (Azure requires the ` +
          `geo-backup key in the backup's region)`,
      );
    }
    if (known(adminPrincipalType) && !(POSTGRES_ADMIN_PRINCIPAL_TYPES as readonly string[]).includes(adminPrincipalType)) {
      throw new Error(
        `${what} adminPrincipalType "${adminPrincipalType}" is invalid; expected one of ${POSTGRES_ADMIN_PRINCIPAL_TYPES.join(', ')}`,
      );
    }
    if (known(props.adminObjectId) && !UUID.test(props.adminObjectId)) {
      throw new Error(
        `${what} adminObjectId "${props.adminObjectId}" is not a GUID; expected the object id of the Entra ${adminPrincipalType}`,
      );
    }

    const dns = createPostgresPrivateDns(this, {
      resourceGroupName: props.resourceGroupName,
      serverName: props.name,
      vnetId: props.vnetId,
      tags: props.tags,
    });
    this.privateDnsZone = dns.zone;
    this.privateDnsZoneLink = dns.link;

    this.resource = new PostgresqlFlexibleServer(this, 'Resource', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      version,
      skuName,
      storageMb,
      // Growth would make storage_mb drift above the configured size, and Terraform replaces a
      // server whose storage_mb shrinks; size changes go through storageMb instead.
      autoGrowEnabled: false,
      // DB-FROM-APP: only the delegated subnet's network reaches the server; no public endpoint,
      // no firewall rules to drift.
      delegatedSubnetId: props.delegatedSubnetId,
      privateDnsZoneId: dns.zone.id,
      publicNetworkAccessEnabled: false,
      zone,
      // HA-MULTIZONE: synchronous standby in another zone, automatic failover.
      highAvailability: { mode: 'ZoneRedundant', standbyAvailabilityZone: standbyZone },
      // BACKUP, DR-REGION: PITR for the configured days, backups copied to the paired region.
      backupRetentionDays,
      geoRedundantBackupEnabled: true,
      // SECRETS: Entra tokens only; with password authentication off no administrator password
      // is ever created, so none can leak from source, state or synth output.
      authentication: { activeDirectoryAuthEnabled: true, passwordAuthEnabled: false, tenantId: props.tenantId },
      // ENC-REST: data and geo-backups under customer-managed keys, each in its own region.
      customerManagedKey: {
        keyVaultKeyId: props.keyVaultKeyId,
        primaryUserAssignedIdentityId: props.identityId,
        geoBackupKeyVaultKeyId: props.geoBackupKeyId,
        geoBackupUserAssignedIdentityId: props.geoBackupIdentityId,
      },
      identity: { type: 'UserAssigned', identityIds: [props.identityId, props.geoBackupIdentityId] },
      // Patching Sunday 04:00 UTC, outside business hours; HA fails over during it.
      maintenanceWindow: { dayOfWeek: 0, startHour: 4, startMinute: 0 },
      tags: props.tags,
      dependsOn: [dns.link],
      lifecycle: {
        preventDestroy: true,
        // After an HA failover Azure swaps the primary and standby zones; without this, the next
        // plan would try to swap them back (a second failover). Both zones stay distinct either way.
        ignoreChanges: ['zone', 'high_availability[0].standby_availability_zone'],
      },
    });
    this.serverId = this.resource.id;
    this.fqdn = this.resource.fqdn;

    // With password authentication off, this administrator is the only way in.
    this.administrator = new PostgresqlFlexibleServerActiveDirectoryAdministrator(this, 'Administrator', {
      serverName: this.resource.name,
      resourceGroupName: props.resourceGroupName,
      tenantId: props.tenantId,
      objectId: props.adminObjectId,
      principalName: props.adminPrincipalName,
      principalType: adminPrincipalType,
    });
    this.parameters = applyPostgresServerParameters(this, this.serverId);
  }
}
