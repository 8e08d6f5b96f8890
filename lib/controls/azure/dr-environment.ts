import { Outcome } from '../core/outcome';
import type { AzureEnvironmentStacks, CheckOptions, CheckResult } from '../types';
import { applicationGateways } from './edge';
import { isBastionVm } from './network';
import { logStorageAccounts } from './storage';
import { block, blocks, isFalse, ofType, refTarget, refTo, show, TEMPLATE, type TfJson, type TfRes } from '../core/terraform';
import { isReplica, postgresServers, scaleSets, virtualMachines } from './azurerm';

const PRIMARY = 'primary';
const DR = 'dr';

/** `<stack>/<address>`, so a finding names the stack it is in. */
const at = (stack: string, address: string) => `${stack}/${address}`;

/**
 * Control DR-REGION across one environment's Azure stacks (primary and DR), what the
 * single-stack check cannot see:
 * - the DR stack's resource groups sit in another location than the primary's (and in
 *   `drRegion` when given);
 * - every primary PostgreSQL server has a read replica in the DR stack whose `source_server_id`
 *   is that server's id (unless `databaseReplica` is false), and its geo-backup key and identity
 *   are a key and an identity the DR stack creates (so geo-restore in the paired region can
 *   unwrap the backups even when the primary region is down);
 * - the DR stack holds a warm standby: an application gateway with a WAF policy in front of a
 *   scale set;
 * - it can serve: every primary data account with its public endpoint off has a private endpoint
 *   (blob) in the DR network, registered in a privatelink.blob zone the DR stack links to that
 *   network; and when the primary has a bastion, so does the DR stack.
 */
export function checkAzureDrEnvironment(stacks: AzureEnvironmentStacks, options: CheckOptions = {}): CheckResult {
  const out = new Outcome('DR-REGION');
  const primary = stacks.primary;
  const dr = stacks.dr;
  if (!dr) {
    out.fail(TEMPLATE, "no DR-region stack; expected the environment's <env>-azure-dr stack next to its primary stack");
    return out.result();
  }

  const primaryLocations = locations(primary);
  const drLocations = locations(dr);
  const findingsBefore = out.count;
  if (drLocations.length === 0)
    out.fail(at(DR, TEMPLATE), 'the DR stack has no resource group with a literal location; expected its resource groups in the DR region');
  for (const location of drLocations) {
    if (primaryLocations.includes(location))
      out.fail(
        at(DR, 'azurerm_resource_group'),
        `location ${show(location)} is also a primary location; expected the DR stack in another (paired) region`,
      );
    if (options.drRegion !== undefined && location !== options.drRegion)
      out.fail(at(DR, 'azurerm_resource_group'), `location is ${show(location)}; expected the DR region ${show(options.drRegion)}`);
  }
  if (out.count === findingsBefore) out.carry(...ofType(dr, 'azurerm_resource_group').map((rg) => at(DR, rg.address)));

  const replicas = postgresServers(dr).filter(isReplica);
  for (const server of postgresServers(primary).filter((s) => !isReplica(s))) {
    out.within(at(PRIMARY, server.address), () => {
      const where = at(PRIMARY, server.address);
      if (options.databaseReplica !== false) {
        const id = serverId(primary, server);
        const replica = replicas.find((r) => typeof r.args.source_server_id === 'string' && sameId(r.args.source_server_id, id));
        if (!replica) {
          out.fail(
            where,
            `no replica in the DR stack has source_server_id ${show(id.full ?? `.../flexibleServers/${id.name}`)}; expected a ` +
              `cross-region read replica of this server (or the databaseReplica option false when the objectives allow a ` +
              `geo-restore)`,
          );
        } else {
          out.carry(at(DR, replica.address));
        }
      }
      const cmk = block(server.args.customer_managed_key);
      const key = typeof cmk?.geo_backup_key_vault_key_id === 'string' ? drKey(dr, cmk.geo_backup_key_vault_key_id) : undefined;
      if (!key)
        out.fail(
          where,
          `customer_managed_key.geo_backup_key_vault_key_id is ${show(cmk?.geo_backup_key_vault_key_id)}; expected a key of a ` +
            `Key Vault the DR stack creates`,
        );
      const identity =
        typeof cmk?.geo_backup_user_assigned_identity_id === 'string'
          ? drIdentity(dr, cmk.geo_backup_user_assigned_identity_id)
          : undefined;
      if (!identity)
        out.fail(
          where,
          `customer_managed_key.geo_backup_user_assigned_identity_id is ${show(cmk?.geo_backup_user_assigned_identity_id)}; ` +
            `expected a user-assigned identity the DR stack creates`,
        );
    });
  }

  // Can the DR region serve? Its app tier reaches the data privately (the accounts' public
  // endpoints are off), and admins can reach its hosts.
  const logAccounts = logStorageAccounts(primary);
  for (const sa of ofType(primary, 'azurerm_storage_account').filter(
    (a) => !logAccounts.has(a.address) && isFalse(a.args.public_network_access_enabled),
  )) {
    out.within(at(PRIMARY, sa.address), () => drPrivateAccessProblems(out, primary, dr, sa));
  }
  if (virtualMachines(primary).some(isBastionVm)) {
    const bastions = virtualMachines(dr).filter(isBastionVm);
    if (bastions.length === 0)
      out.fail(
        at(DR, TEMPLATE),
        'no bastion VM in the DR stack; expected one behind the same allowlist, or after a failover admins reach the standby ' +
          'only by opening new paths',
      );
    else out.carry(...bastions.map((b) => at(DR, b.address)));
  }

  // The warm standby: a WAF-guarded gateway in front of a scale set, ready to take traffic.
  const guarded = applicationGateways(dr).filter((gw) => refTo(dr, gw.args.firewall_policy_id, 'azurerm_web_application_firewall_policy'));
  if (guarded.length === 0)
    out.fail(
      at(DR, TEMPLATE),
      'no application gateway with a WAF policy (firewall_policy_id) in the DR stack; expected a warm standby edge',
    );
  if (scaleSets(dr).length === 0) out.fail(at(DR, TEMPLATE), 'no scale set in the DR stack; expected a warm standby app tier');
  else if (guarded.length > 0) out.carry(...guarded.map((gw) => at(DR, gw.address)), ...scaleSets(dr).map((s) => at(DR, s.address)));
  return out.result();
}

/** The literal locations of a stack's resource groups. */
function locations(tf: TfJson): string[] {
  return [
    ...new Set(
      ofType(tf, 'azurerm_resource_group')
        .map((rg) => rg.args.location)
        .filter((l): l is string => typeof l === 'string' && !l.includes('${')),
    ),
  ];
}

/** A literal value, or the literal `name` of the resource it references. */
function literalName(tf: TfJson, value: unknown): string | undefined {
  if (typeof value === 'string' && !value.includes('${')) return value;
  const target = refTo(tf, value);
  const name = target?.args.name;
  return typeof name === 'string' && !name.includes('${') ? name : undefined;
}

interface ServerId {
  readonly name?: string;
  /** The full resource id when subscription, resource group and name are all literal. */
  readonly full?: string;
}

/** A server's Azure resource id from its name, resource group and the stack's provider subscription. */
function serverId(tf: TfJson, server: TfRes): ServerId {
  const name = literalName(tf, server.args.name);
  const rg = literalName(tf, server.args.resource_group_name);
  const subscription = blocks((tf as any).provider?.azurerm)
    .map((p) => p?.subscription_id)
    .find((s) => typeof s === 'string');
  const full =
    name && rg && subscription
      ? `/subscriptions/${subscription}/resourceGroups/${rg}/providers/Microsoft.DBforPostgreSQL/flexibleServers/${name}`
      : undefined;
  return { name, full };
}

/** Azure ids compare case-insensitively; without a full id, the server name must match. */
function sameId(candidate: string, id: ServerId): boolean {
  if (id.full) return candidate.toLowerCase() === id.full.toLowerCase();
  return id.name !== undefined && candidate.toLowerCase().endsWith(`/flexibleservers/${id.name.toLowerCase()}`);
}

/** The DR stack's key a `https://<vault>.vault.azure.net/keys/<key>[/<version>]` id names. */
function drKey(dr: TfJson, keyId: string): TfRes | undefined {
  const m = /^https:\/\/([a-z0-9-]+)\.vault\.azure\.net\/keys\/([A-Za-z0-9-]+)(?:\/[A-Za-z0-9]*)?$/i.exec(keyId);
  if (!m) return undefined;
  const vault = ofType(dr, 'azurerm_key_vault').find((v) => String(v.args.name).toLowerCase() === m[1].toLowerCase());
  if (!vault) return undefined;
  return ofType(dr, 'azurerm_key_vault_key').find((k) => k.args.name === m[2] && refTo(dr, k.args.key_vault_id)?.address === vault.address);
}

/** The DR stack's user-assigned identity an `/subscriptions/.../userAssignedIdentities/<name>` id names. */
function drIdentity(dr: TfJson, identityId: string): TfRes | undefined {
  const m = /\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/([^/]+)$/i.exec(identityId);
  if (!m) return undefined;
  return ofType(dr, 'azurerm_user_assigned_identity').find(
    (i) =>
      String(i.args.name).toLowerCase() === m[2].toLowerCase() &&
      literalName(dr, i.args.resource_group_name)?.toLowerCase() === m[1].toLowerCase(),
  );
}

/**
 * A data account with its public endpoint off is reachable from the DR network only through a
 * private endpoint there (subresource blob), registered in a privatelink.blob zone the DR stack
 * creates and links to its network; otherwise the standby app tier cannot read the files.
 */
function drPrivateAccessProblems(out: Outcome, primary: TfJson, dr: TfJson, sa: TfRes): void {
  const drVnets = ofType(dr, 'azurerm_virtual_network');
  const drVnetNames = drVnets.map((v) => String(v.args.name ?? '').toLowerCase());
  // A reference names a resource of its own stack: only the DR stack's references reach its subnets.
  const inDrNetwork = (subnetId: unknown, tf: TfJson) => {
    if (refTarget(subnetId)) return tf === dr && refTo(dr, subnetId, 'azurerm_subnet') !== undefined;
    const m = typeof subnetId === 'string' ? /\/virtualNetworks\/([^/]+)\/subnets\//i.exec(subnetId) : null;
    return m !== null && drVnetNames.includes(m[1].toLowerCase());
  };
  const endpoints = [
    ...ofType(primary, 'azurerm_private_endpoint').map((e) => ({ e, tf: primary })),
    ...ofType(dr, 'azurerm_private_endpoint').map((e) => ({ e, tf: dr })),
  ].filter(({ e, tf }) => {
    const connection = block(e.args.private_service_connection);
    const resource = connection?.private_connection_resource_id;
    const target =
      tf === primary
        ? refTarget(resource)?.address === sa.address
        : typeof resource === 'string' && resource.toLowerCase().endsWith(`/storageaccounts/${String(sa.args.name).toLowerCase()}`);
    return target && blocks(connection?.subresource_names).includes('blob') && inDrNetwork(e.args.subnet_id, tf);
  });
  if (endpoints.length === 0) {
    out.fail(
      at(PRIMARY, sa.address),
      `public network access is off and no private endpoint (subresource blob) of this account is in the DR network ` +
        `(${drVnetNames.join(', ') || 'none'}); expected one in the DR app subnet, or the standby app tier cannot reach the ` +
        `files after a failover`,
    );
    return;
  }
  const zones = ofType(dr, 'azurerm_private_dns_zone').filter((z) => /^privatelink\.blob\./.test(String(z.args.name)));
  const linked = zones.filter((z) =>
    ofType(dr, 'azurerm_private_dns_zone_virtual_network_link').some(
      (l) =>
        refTarget(l.args.private_dns_zone_name)?.address === z.address &&
        drVnets.some((v) => refTarget(l.args.virtual_network_id)?.address === v.address),
    ),
  );
  const registered = endpoints.find(({ e, tf }) =>
    blocks(block(e.args.private_dns_zone_group)?.private_dns_zone_ids).some((id) => {
      if (refTarget(id)) return tf === dr && linked.some((z) => refTarget(id)?.address === z.address);
      return (
        typeof id === 'string' &&
        linked.some(
          (z) =>
            id.toLowerCase().endsWith(`/privatednszones/${String(z.args.name).toLowerCase()}`) &&
            id.toLowerCase().includes(`/resourcegroups/${String(literalName(dr, z.args.resource_group_name)).toLowerCase()}/`),
        )
      );
    }),
  );
  if (!registered) {
    out.fail(
      at(PRIMARY, sa.address),
      `its DR private endpoints ${endpoints.map(({ e, tf }) => at(tf === primary ? PRIMARY : DR, e.address)).join(', ')} ` +
        `register in no privatelink.blob zone of the DR stack linked to the DR network; expected one, or the DR hosts resolve ` +
        `the account to its closed public endpoint`,
    );
    return;
  }
  out.carry(at(registered.tf === primary ? PRIMARY : DR, registered.e.address));
}
