import { PostgresqlFlexibleServer, type PostgresqlFlexibleServerConfig } from '@cdktf/provider-azurerm/lib/postgresql-flexible-server';
import type { PostgresqlFlexibleServerConfiguration } from '@cdktf/provider-azurerm/lib/postgresql-flexible-server-configuration';
import type { PrivateDnsZone } from '@cdktf/provider-azurerm/lib/private-dns-zone';
import type { PrivateDnsZoneVirtualNetworkLink } from '@cdktf/provider-azurerm/lib/private-dns-zone-virtual-network-link';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { POLICY_FLOORS } from '../config/floors';
import { applyPostgresServerParameters, checkPostgresCommon, createPostgresPrivateDns, POSTGRES_BACKUP_RETENTION } from './postgres-server';

/** Properties of {@link PostgresReplica}. */
export interface PostgresReplicaProps {
  /** Resource group of the replica (and of its private DNS zone and link, when created). */
  readonly resourceGroupName: string;
  /** Azure location of the replica: the DR (paired) region, such as `northeurope`. */
  readonly location: string;
  /** Replica name (3-63 lower-case letters, digits and dashes), globally unique. */
  readonly name: string;
  /** Resource id of the primary Flexible Server it replicates (such as `PostgresServer.serverId`). */
  readonly sourceServerId: string;
  /**
   * Subnet of the DR network delegated to `Microsoft.DBforPostgreSQL/flexibleServers`, holding
   * nothing else; its NSG admits 5432 from the DR app subnet only (control DB-FROM-APP).
   */
  readonly delegatedSubnetId: string;
  /**
   * DR virtual network to link a new private DNS zone (`<name>.private.postgres.database.azure.com`)
   * to. Give this or `privateDnsZoneId`.
   * @default - none; `privateDnsZoneId` is then required
   */
  readonly vnetId?: string;
  /**
   * Existing private DNS zone (ending `.postgres.database.azure.com`, already linked to the DR
   * network) to register the replica in, instead of creating one. Give this or `vnetId`.
   * @default - a zone is created and linked to `vnetId`
   */
  readonly privateDnsZoneId?: string;
  /** Entra tenant id; the replica (and the server it becomes when promoted) accepts Entra tokens only. */
  readonly tenantId: string;
  /**
   * Versionless key id in a Key Vault of the DR region encrypting the replica (control
   * ENC-REST). A replica's key must be in its own region, so this is not the primary's key.
   */
  readonly keyVaultKeyId: string;
  /** User-assigned identity of the DR region that reads `keyVaultKeyId`. */
  readonly identityId: string;
  /**
   * PostgreSQL major version; must equal the primary's.
   * @default '17'
   */
  readonly version?: string;
  /**
   * Compute SKU; the same as the primary, so the promoted server carries the production load.
   * @default 'GP_Standard_D2ds_v5'
   */
  readonly skuName?: string;
  /**
   * Storage size in MiB; the same as the primary (Azure requires it for promotion to primary).
   * @default 65536
   */
  readonly storageMb?: number;
  /**
   * Availability zone of the replica ("1", "2" or "3").
   * @default '1'
   */
  readonly zone?: string;
  /**
   * Promotes the replica to a standalone read-write server (the failover step of control
   * DR-REGION): sets `replication_role = "None"`, which stops replication for good. Only for an
   * existing replica: Azure refuses the role at creation. Promotion also turns on
   * zone-redundant HA and `backupRetentionDays` of point-in-time recovery, which replicas lack.
   * @default false
   */
  readonly promote?: boolean;
  /**
   * Days of point-in-time recovery once promoted, 7-35 (replicas keep no backups).
   * @default 30 (POLICY_FLOORS.retention.databaseBackupDays)
   */
  readonly backupRetentionDays?: number;
  /**
   * Standby zone once promoted; must differ from `zone`.
   * @default '2'
   */
  readonly standbyZone?: string;
  /**
   * Tags of the replica, zone and link.
   * @default - none
   */
  readonly tags?: Record<string, string>;
}

const SERVER_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.DBforPostgreSQL\/flexibleServers\/[^/]+$/i;
const ZONE_ID =
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/privateDnsZones\/[^/]+\.postgres\.database\.azure\.com$/i;
const known = (v: string | number | undefined): v is string | number => v !== undefined && !Token.isUnresolved(v);

/**
 * The cross-region read replica of the primary PostgreSQL server (control DR-REGION, with
 * DB-FROM-APP, ENC-REST, ENC-TRANSIT, SECRETS): an asynchronous physical replica in the DR
 * region, injected into the DR network's delegated subnet with no public endpoint, encrypted
 * under a key and identity of the DR region, Entra-only, with the same server parameters as the
 * primary (TLS 1.2+ required, connection logging), and `prevent_destroy`.
 *
 * Replicas support neither HA nor backups (geo-backups included): those belong to the primary.
 * The replica inherits the primary's Entra administrator and roles; there is no administrator
 * resource here (Azure manages administrators on the primary only while replicating).
 *
 * Failover (RPO = replication lag, typically seconds): set `promote: true` and apply. Terraform
 * updates `replication_role` to `None`, which promotes the replica to an independent read-write
 * server and ends replication (irreversible: a new replica must be built from it afterwards).
 * The same apply adds zone-redundant HA and point-in-time recovery. Geo-redundant backup
 * cannot be added in place (Azure fixes it at creation), so the promoted server's backups stay
 * in the DR region until a new primary with geo-backups is restored from it.
 */
export class PostgresReplica extends Construct {
  /** The replica server. */
  public readonly resource: PostgresqlFlexibleServer;
  /** The replica's resource id. */
  public readonly serverId: string;
  /** The replica's host name (`<name>.postgres.database.azure.com`). */
  public readonly fqdn: string;
  /** The private DNS zone created for the replica, when `vnetId` was given. */
  public readonly privateDnsZone?: PrivateDnsZone;
  /** The zone's link to the DR network, when created. */
  public readonly privateDnsZoneLink?: PrivateDnsZoneVirtualNetworkLink;
  /** The server parameters, by construct id. */
  public readonly parameters: Record<string, PostgresqlFlexibleServerConfiguration>;

  constructor(scope: Construct, id: string, props: PostgresReplicaProps) {
    super(scope, id);
    const what = `PostgresReplica ${this.node.path}:`;
    const { version, skuName, storageMb } = checkPostgresCommon(what, props);
    const zone = props.zone ?? '1';
    const promote = props.promote ?? false;
    const backupRetentionDays = props.backupRetentionDays ?? POLICY_FLOORS.retention.databaseBackupDays;
    const standbyZone = props.standbyZone ?? '2';
    if (known(props.sourceServerId) && !SERVER_ID.test(props.sourceServerId)) {
      throw new Error(
        `${what} sourceServerId "${props.sourceServerId}" is not a Flexible Server id; expected ` +
          `/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.DBforPostgreSQL/flexibleServers/<name>`,
      );
    }
    if ((props.vnetId === undefined) === (props.privateDnsZoneId === undefined)) {
      throw new Error(
        `${what} give exactly one of vnetId (a zone is created and linked to it) and privateDnsZoneId (an existing zone ` +
          `linked to the DR network); received ${props.vnetId === undefined ? 'neither' : 'both'}`,
      );
    }
    if (known(props.privateDnsZoneId) && !ZONE_ID.test(props.privateDnsZoneId)) {
      throw new Error(
        `${what} privateDnsZoneId "${props.privateDnsZoneId}" is not a private DNS zone ending with ` +
          `.postgres.database.azure.com; expected /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Network/privateDnsZ` +
          `ones/<name>.private.postgres.database.azure.com`,
      );
    }
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
        `${what} standbyZone "${standbyZone}" equals zone; expected another zone for the promoted server's standby (control HA-MULTIZONE)`,
      );
    }

    let privateDnsZoneId = props.privateDnsZoneId;
    let dependsOn: PostgresqlFlexibleServerConfig['dependsOn'];
    if (props.vnetId !== undefined) {
      const dns = createPostgresPrivateDns(this, {
        resourceGroupName: props.resourceGroupName,
        serverName: props.name,
        vnetId: props.vnetId,
        tags: props.tags,
      });
      this.privateDnsZone = dns.zone;
      this.privateDnsZoneLink = dns.link;
      privateDnsZoneId = dns.zone.id;
      dependsOn = [dns.link];
    }

    this.resource = new PostgresqlFlexibleServer(this, 'Resource', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      createMode: 'Replica',
      sourceServerId: props.sourceServerId,
      // Azure refuses the role at creation; "None" is the promotion (see the class doc).
      replicationRole: promote ? 'None' : undefined,
      version,
      skuName,
      storageMb,
      autoGrowEnabled: false,
      zone,
      // DB-FROM-APP: reachable only inside the DR network, no public endpoint.
      delegatedSubnetId: props.delegatedSubnetId,
      privateDnsZoneId,
      publicNetworkAccessEnabled: false,
      // SECRETS: Entra tokens only, also after promotion.
      authentication: { activeDirectoryAuthEnabled: true, passwordAuthEnabled: false, tenantId: props.tenantId },
      // ENC-REST: the replica's own region's key and identity.
      customerManagedKey: { keyVaultKeyId: props.keyVaultKeyId, primaryUserAssignedIdentityId: props.identityId },
      identity: { type: 'UserAssigned', identityIds: [props.identityId] },
      // Replicas take neither HA nor backups; the promoted server gets both (HA-MULTIZONE, BACKUP).
      ...(promote ? { highAvailability: { mode: 'ZoneRedundant', standbyAvailabilityZone: standbyZone }, backupRetentionDays } : {}),
      maintenanceWindow: { dayOfWeek: 0, startHour: 4, startMinute: 0 },
      tags: props.tags,
      dependsOn,
      lifecycle: {
        preventDestroy: true,
        // Once promoted with HA, a failover swaps the zones (see PostgresServer).
        ignoreChanges: ['zone', 'high_availability[0].standby_availability_zone'],
      },
    });
    this.serverId = this.resource.id;
    this.fqdn = this.resource.fqdn;
    // Parameters are per server, not replicated: set them here so the promoted server keeps them.
    this.parameters = applyPostgresServerParameters(this, this.serverId);
  }
}
