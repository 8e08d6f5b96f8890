import { cidrPrefix, DEFAULT_DATABASE_PORT, SSH_PORT } from '../core/network';
import { POLICY_FLOORS } from '../../config/floors';
import { Outcome } from '../core/outcome';
import type { CheckOptions, CheckResult } from '../types';
import { applicationGateways } from './edge';
import { postgresTlsProblems } from './encryption';
import {
  asNumber,
  block,
  blocks,
  decodedText,
  isFalse,
  isTrue,
  ofType,
  refTarget,
  refTo,
  show,
  tagsOf,
  type TfJson,
  type TfRes,
} from '../core/terraform';
import { postgresServers, scaleSets, virtualMachines } from './azurerm';
import { ROLE_MARKER, TIER_MARKER } from '../markers';

const NSG = 'azurerm_network_security_group';
const SUBNET = 'azurerm_subnet';
const NIC = 'azurerm_network_interface';

/** Sources that mean "anyone on the internet" in an NSG rule. */
const PUBLIC_SOURCES = new Set(['*', 'internet', 'any', '0.0.0.0/0', '0.0.0.0', '::/0']);
/** Subnet names Azure reserves for services that refuse or ignore subnet NSGs. */
const NSG_EXEMPT_SUBNET_NAMES = new Set(['GatewaySubnet', 'AzureFirewallSubnet', 'AzureFirewallManagementSubnet', 'RouteServerSubnet']);

/** One NSG rule, inline or a separate azurerm_network_security_rule, normalised. */
export interface NsgRule {
  /** The resource that declares the rule (the NSG, or the rule resource). */
  readonly declaredBy: string;
  /** Address of the NSG the rule belongs to (or a rendering of its name when not in the stack). */
  readonly nsg: string;
  readonly name: string;
  readonly priority?: number;
  readonly direction: string;
  readonly access: string;
  readonly protocol: string;
  /** Destination port ranges as written (`*`, `22`, `65200-65535`). */
  readonly ports: string[];
  /** Source prefixes as written (CIDRs, service tags, `*`), ASG ids included. */
  readonly sources: string[];
  /** Destination prefixes as written (CIDRs, service tags, `*`), ASG ids included. */
  readonly destinations: string[];
}

/** Every NSG rule of the stack. */
export function nsgRules(tf: TfJson): NsgRule[] {
  const make = (declaredBy: string, nsg: string, r: any): NsgRule => ({
    declaredBy,
    nsg,
    name: String(r?.name ?? ''),
    priority: asNumber(r?.priority),
    direction: String(r?.direction ?? ''),
    access: String(r?.access ?? ''),
    protocol: String(r?.protocol ?? '*'),
    ports: [...blocks(r?.destination_port_range), ...blocks(r?.destination_port_ranges)].map(String),
    sources: [
      ...blocks(r?.source_address_prefix),
      ...blocks(r?.source_address_prefixes),
      ...blocks(r?.source_application_security_group_ids),
    ].map(String),
    destinations: [
      ...blocks(r?.destination_address_prefix),
      ...blocks(r?.destination_address_prefixes),
      ...blocks(r?.destination_application_security_group_ids),
    ].map(String),
  });
  const rules: NsgRule[] = [];
  for (const nsg of ofType(tf, NSG)) for (const r of blocks(nsg.args.security_rule)) rules.push(make(nsg.address, nsg.address, r));
  for (const r of ofType(tf, 'azurerm_network_security_rule')) {
    const group = refTarget(r.args.network_security_group_name);
    rules.push(make(r.address, group?.address ?? show(r.args.network_security_group_name), r.args));
  }
  return rules;
}

/** True when the rule's destination ports include `port` (TCP or any protocol). */
export function admitsPort(rule: NsgRule, port: number): boolean {
  if (!['*', 'tcp'].includes(rule.protocol.toLowerCase())) return false;
  return rule.ports.some((range) => {
    if (range === '*') return true;
    const [from, to] = range.split('-').map((x) => Number(x.trim()));
    return Number.isFinite(from) && from <= port && port <= (Number.isFinite(to) ? to : from);
  });
}

/** True when the rule admits exactly TCP `port` and nothing else. */
export function onlyPort(rule: NsgRule, port: number): boolean {
  return (
    rule.protocol.toLowerCase() === 'tcp' && rule.ports.length > 0 && rule.ports.every((p) => p === String(port) || p === `${port}-${port}`)
  );
}

function isPublicSource(source: string): boolean {
  return PUBLIC_SOURCES.has(source.trim().toLowerCase());
}

function describe(rule: NsgRule): string {
  return (
    `${rule.access} ${rule.direction} ${show(rule.name)} (${rule.protocol} ${rule.ports.join(',') || '?'} from ` +
    `${rule.sources.join(', ') || 'no source'})`
  );
}

/** Inbound Allow rules. */
function inboundAllows(rules: NsgRule[], nsg: string): NsgRule[] {
  return rules.filter((r) => r.nsg === nsg && r.direction === 'Inbound' && r.access === 'Allow');
}

/** The tiers of the stack: which subnets the gateway, app, bastion and database use. */
export interface Tiers {
  readonly subnets: TfRes[];
  /** Subnet address -> NSG address, from azurerm_subnet_network_security_group_association. */
  readonly nsgOf: Map<string, string>;
  readonly gateway: Set<string>;
  readonly app: Set<string>;
  readonly bastion: Set<string>;
  readonly data: Set<string>;
  /** Subnet address -> its literal address prefixes. */
  readonly prefixes: Map<string, string[]>;
  /** Addresses of the bastion VMs and of their network interfaces. */
  readonly bastionVms: Set<string>;
  readonly bastionNics: Set<string>;
}

/**
 * A bastion: a standalone VM the BastionVm construct tags `baseline:role` "bastion"
 * (lib/controls/markers.ts). Bastions are the only VMs that may have a public IP (NET-TIERS);
 * BASTION-SSH checks their NSG strictly. Never by name: a VM called "bastion-..." without the
 * marker gets no exemption.
 */
export function isBastionVm(vm: TfRes): boolean {
  return tagsOf(vm)[ROLE_MARKER] === 'bastion';
}

function nicsOf(tf: TfJson, vm: TfRes): TfRes[] {
  return blocks(vm.args.network_interface_ids)
    .map((id) => refTo(tf, id, NIC))
    .filter((n): n is TfRes => n !== undefined);
}

/** Reads the tier layout from the resources that use each subnet. */
export function tiers(tf: TfJson): Tiers {
  const subnets = ofType(tf, SUBNET);
  const nsgOf = new Map<string, string>();
  for (const assoc of ofType(tf, 'azurerm_subnet_network_security_group_association')) {
    const subnet = refTarget(assoc.args.subnet_id);
    const nsg = refTarget(assoc.args.network_security_group_id);
    if (subnet && nsg) nsgOf.set(subnet.address, nsg.address);
  }
  const subnetOf = (value: unknown) => refTo(tf, value, SUBNET)?.address;
  const collect = (values: unknown[]) => new Set(values.map(subnetOf).filter((s): s is string => s !== undefined));
  const gateway = collect(applicationGateways(tf).flatMap((g) => blocks(g.args.gateway_ip_configuration).map((c) => c?.subnet_id)));
  const app = collect(
    scaleSets(tf).flatMap((s) => blocks(s.args.network_interface).flatMap((ni) => blocks(ni?.ip_configuration).map((c) => c?.subnet_id))),
  );
  const bastionVms = new Set<string>();
  const bastionNics = new Set<string>();
  for (const vm of virtualMachines(tf).filter(isBastionVm)) {
    bastionVms.add(vm.address);
    for (const nic of nicsOf(tf, vm)) bastionNics.add(nic.address);
  }
  // The bastion tier: subnets of bastion VMs' NICs, and subnets whose NSG is marked as the bastion
  // tier's (`baseline:tier` "bastion"; a DR network keeps the tier without a VM in it). Never a
  // subnet's name.
  const bastion = collect(
    ofType(tf, NIC)
      .filter((n) => bastionNics.has(n.address))
      .flatMap((n) => blocks(n.args.ip_configuration).map((c) => c?.subnet_id)),
  );
  const bastionNsgs = new Set(
    ofType(tf, NSG)
      .filter((n) => tagsOf(n)[TIER_MARKER] === 'bastion')
      .map((n) => n.address),
  );
  for (const [subnet, nsg] of nsgOf) if (bastionNsgs.has(nsg)) bastion.add(subnet);
  const data = collect(postgresServers(tf).map((s) => s.args.delegated_subnet_id));
  const prefixes = new Map(
    subnets.map((s) => [s.address, [...blocks(s.args.address_prefixes), ...blocks(s.args.address_prefix)].map(String)]),
  );
  return { subnets, nsgOf, gateway, app, bastion, data, prefixes, bastionVms, bastionNics };
}

function prefixesOf(t: Tiers, subnets: Set<string>): string[] {
  return [...subnets].flatMap((s) => t.prefixes.get(s) ?? []);
}

/**
 * Control NET-TIERS (Azure): every subnet except the gateway's (and Azure's reserved
 * GatewaySubnet/AzureFirewallSubnet) has an NSG; every NSG has an inbound Deny of all protocols,
 * ports and sources (overriding Azure's default AllowVnetInBound); no inbound Allow takes `*`,
 * `Internet`, `Any` or a /0 as source except 80/443 on the gateway subnet's NSG (platform tags
 * GatewayManager and AzureLoadBalancer are not public); scale-set NICs have no public_ip_address
 * block; only bastion VMs have a NIC with a public IP; PostgreSQL has
 * `public_network_access_enabled` false; every `azurerm_public_ip` fronts a gateway or a bastion.
 */
export function checkNetTiers(tf: TfJson): CheckResult {
  const out = new Outcome('NET-TIERS');
  const t = tiers(tf);
  const rules = nsgRules(tf);
  const nsgs = ofType(tf, NSG);
  const gatewayNsgs = new Set([...t.gateway].map((s) => t.nsgOf.get(s)).filter((n): n is string => n !== undefined));

  for (const subnet of t.subnets) {
    if (t.gateway.has(subnet.address) || NSG_EXEMPT_SUBNET_NAMES.has(String(subnet.args.name))) continue;
    out.within(subnet.address, () => {
      if (!t.nsgOf.has(subnet.address))
        out.fail(
          subnet.address,
          `subnet ${show(subnet.args.name)} has no network security group association; expected an NSG ending in an inbound deny-all`,
        );
    });
  }

  for (const nsg of nsgs) {
    out.within(nsg.address, () => {
      const own = rules.filter((r) => r.nsg === nsg.address);
      const denyAll = own.find(
        (r) =>
          r.direction === 'Inbound' &&
          r.access === 'Deny' &&
          r.protocol === '*' &&
          r.ports.includes('*') &&
          r.sources.some((s) => s === '*' || s === '0.0.0.0/0' || s.toLowerCase() === 'any'),
      );
      if (!denyAll)
        out.fail(
          nsg.address,
          `no inbound Deny of all protocols, ports and sources among ${show(own.map((r) => r.name))}; expected a final ` +
            `deny-all (priority 4096) so AllowVnetInBound cannot let tiers reach each other`,
        );
      for (const rule of inboundAllows(rules, nsg.address)) {
        if (!rule.sources.some(isPublicSource)) continue;
        const webOnGateway =
          gatewayNsgs.has(nsg.address) &&
          rule.protocol.toLowerCase() === 'tcp' &&
          rule.ports.length > 0 &&
          rule.ports.every((p) => p === '80' || p === '443');
        if (!webOnGateway) {
          out.fail(
            rule.declaredBy,
            `${nsg.address} admits ${describe(rule)} from the internet; expected public sources only on 80/443 of the gateway subnet's NSG`,
          );
        }
      }
    });
  }

  for (const vmss of scaleSets(tf)) {
    out.within(vmss.address, () => {
      blocks(vmss.args.network_interface).forEach((ni) => {
        blocks(ni?.ip_configuration).forEach((c) => {
          if (block(c?.public_ip_address))
            out.fail(
              vmss.address,
              `network_interface ${show(ni?.name)} ip_configuration ${show(c?.name)} has a public_ip_address block; expected ` +
                `private addresses only (the gateway is the entry)`,
            );
        });
      });
    });
  }

  const publicIpUsers = new Set<string>();
  for (const gw of applicationGateways(tf))
    for (const f of blocks(gw.args.frontend_ip_configuration))
      if (refTarget(f?.public_ip_address_id)) publicIpUsers.add(refTarget(f.public_ip_address_id)!.address);
  for (const nic of ofType(tf, NIC)) {
    for (const c of blocks(nic.args.ip_configuration)) {
      const ip = refTarget(c?.public_ip_address_id);
      if (c?.public_ip_address_id === undefined || c?.public_ip_address_id === null) continue;
      if (t.bastionNics.has(nic.address)) {
        if (ip) publicIpUsers.add(ip.address);
      } else {
        out.fail(
          nic.address,
          `ip_configuration ${show(c?.name)} has public_ip_address_id ${show(c.public_ip_address_id)} on a NIC of no bastion ` +
            `VM; expected only gateways and bastions to be public`,
        );
      }
    }
  }
  for (const ip of ofType(tf, 'azurerm_public_ip')) {
    if (publicIpUsers.has(ip.address)) out.carry(ip.address);
    else
      out.fail(
        ip.address,
        'public IP is attached to neither an application gateway frontend nor a bastion NIC; expected only gateways and ' +
          'bastions to be public',
      );
  }

  for (const server of postgresServers(tf)) {
    out.within(server.address, () => {
      if (!isFalse(server.args.public_network_access_enabled))
        out.fail(server.address, `public_network_access_enabled is ${show(server.args.public_network_access_enabled)}; expected false`);
    });
  }

  // Egress of the host tiers (app, bastion): explicit allows to what they use, then a deny of
  // everything else; no allow to the internet or to a range broader than /16 (a compromised
  // host's path out). The gateway tier keeps Azure's default outbound (Application Gateway v2
  // requires it); the data tier denies the internet.
  const hostNsgs = new Set([...t.app, ...t.bastion].map((s) => t.nsgOf.get(s)).filter((n): n is string => n !== undefined));
  for (const nsg of hostNsgs) {
    out.within(nsg, () => {
      const outbound = rules.filter((r) => r.nsg === nsg && r.direction === 'Outbound');
      const finalDeny = outbound.find(
        (r) =>
          r.access === 'Deny' &&
          r.protocol === '*' &&
          r.ports.includes('*') &&
          r.destinations.some((d) => d === '*' || d.toLowerCase() === 'internet'),
      );
      if (!finalDeny)
        out.fail(
          nsg,
          'has no outbound Deny of all protocols and ports to "*" or "Internet"; expected explicit outbound allows and a ' +
            'final deny, so hosts cannot reach the internet',
        );
      for (const rule of outbound.filter((r) => r.access === 'Allow')) {
        const open = rule.destinations.filter((d) => {
          if (PUBLIC_SOURCES.has(d.trim().toLowerCase())) return true;
          const parsed = cidrPrefix(d);
          return parsed !== undefined && parsed.prefix < (parsed.family === 'ipv4' ? 16 : 32);
        });
        if (open.length > 0)
          out.fail(
            rule.declaredBy,
            `${nsg} allows outbound ${show(rule.name)} to ${open.join(', ')}; expected only the Azure services the tier uses ` +
              `(service tags), its peers and package mirrors of /16 or narrower`,
          );
      }
    });
  }

  return out.result(t.subnets.length + nsgs.length + scaleSets(tf).length + postgresServers(tf).length + virtualMachines(tf).length > 0);
}

/** Ports the gateways forward to: every backend_http_settings port. */
function appPorts(tf: TfJson): number[] {
  return [
    ...new Set(
      applicationGateways(tf).flatMap((g) =>
        blocks(g.args.backend_http_settings)
          .map((s) => asNumber(s?.port))
          .filter((p): p is number => p !== undefined),
      ),
    ),
  ];
}

/**
 * Control APP-FROM-GATEWAY (Azure): every scale set joins an application gateway backend pool
 * (application_gateway_backend_address_pool_ids referencing a gateway), the gateway reaches it
 * over HTTPS (backend_http_settings protocol Https), and the NSG of each of its subnets admits
 * inbound only the gateway's backend port(s) from the gateway subnet's prefixes, 22 from the
 * bastion subnet's prefixes, and the AzureLoadBalancer tag.
 */
export function checkAppFromGateway(tf: TfJson): CheckResult {
  const out = new Outcome('APP-FROM-GATEWAY');
  const sets = scaleSets(tf);
  const t = tiers(tf);
  const rules = nsgRules(tf);
  const ports = appPorts(tf);
  const gatewayPrefixes = new Set(prefixesOf(t, t.gateway));
  const bastionPrefixes = new Set(prefixesOf(t, t.bastion));
  const expected =
    `expected only tcp ${ports.join('/') || '(the gateway backend port)'} from the gateway subnet ` +
    `(${[...gatewayPrefixes].join(', ') || 'none found'}), 22 from the bastion subnet ` +
    `(${[...bastionPrefixes].join(', ') || 'none found'}) and AzureLoadBalancer`;

  for (const vmss of sets) {
    out.within(vmss.address, () => {
      const configs = blocks(vmss.args.network_interface).flatMap((ni) => blocks(ni?.ip_configuration));
      const pools = configs.flatMap((c) => blocks(c?.application_gateway_backend_address_pool_ids));
      const gateways = pools.map((p) => refTo(tf, p, 'azurerm_application_gateway')).filter((g): g is TfRes => g !== undefined);
      if (gateways.length === 0)
        out.fail(
          vmss.address,
          `application_gateway_backend_address_pool_ids is ${show(pools)}; expected a backend pool of an application gateway of this stack`,
        );
      for (const gw of gateways) {
        out.within(gw.address, () => {
          for (const s of blocks(gw.args.backend_http_settings)) {
            if (s?.protocol !== 'Https')
              out.fail(
                gw.address,
                `backend_http_settings ${show(s?.name)} protocol is ${show(s?.protocol)}; expected "Https" (TLS from the ` +
                  `gateway to the app)`,
              );
          }
        });
      }
      const subnets = [...new Set(configs.map((c) => refTo(tf, c?.subnet_id, SUBNET)?.address ?? show(c?.subnet_id)))];
      for (const subnet of subnets) {
        const nsg = t.nsgOf.get(subnet);
        if (!nsg) {
          out.fail(vmss.address, `app subnet ${subnet} has no network security group in this stack; ${expected}`);
          continue;
        }
        out.within(nsg, () => {
          for (const rule of inboundAllows(rules, nsg)) {
            const fromPlatform = rule.sources.length > 0 && rule.sources.every((s) => s.toLowerCase() === 'azureloadbalancer');
            const fromGateway =
              rule.sources.length > 0 && rule.sources.every((s) => gatewayPrefixes.has(s)) && ports.some((p) => onlyPort(rule, p));
            const fromBastion = rule.sources.length > 0 && rule.sources.every((s) => bastionPrefixes.has(s)) && onlyPort(rule, SSH_PORT);
            if (!(fromPlatform || fromGateway || fromBastion)) out.fail(rule.declaredBy, `${nsg} admits ${describe(rule)}; ${expected}`);
          }
        });
      }
    });
  }
  return out.result(sets.length > 0);
}

/**
 * Control DB-FROM-APP (Azure): every PostgreSQL Flexible Server (replicas too) has
 * `public_network_access_enabled` false, a `delegated_subnet_id` in this stack (private access)
 * whose NSG admits inbound only tcp 5432 from the app (scale set) subnets' prefixes, no
 * `azurerm_postgresql_flexible_server_firewall_rule`, and forces TLS 1.2+ through its server
 * parameters (require_secure_transport on, ssl_min_protocol_version TLSv1.2 or TLSv1.3).
 */
export function checkDbFromApp(tf: TfJson): CheckResult {
  const out = new Outcome('DB-FROM-APP');
  const servers = postgresServers(tf);
  const t = tiers(tf);
  const rules = nsgRules(tf);
  const appPrefixes = new Set(prefixesOf(t, t.app));
  const port = DEFAULT_DATABASE_PORT;
  const firewallRules = ofType(tf, 'azurerm_postgresql_flexible_server_firewall_rule');

  for (const server of servers) {
    out.within(server.address, () => {
      if (!isFalse(server.args.public_network_access_enabled))
        out.fail(server.address, `public_network_access_enabled is ${show(server.args.public_network_access_enabled)}; expected false`);
      for (const fw of firewallRules.filter((r) => refTarget(r.args.server_id)?.address === server.address)) {
        out.fail(
          fw.address,
          `firewall rule admits ${show(fw.args.start_ip_address)}-${show(fw.args.end_ip_address)} to ${server.address}; ` +
            `expected no firewall rules (private access only)`,
        );
      }
      const subnet = refTo(tf, server.args.delegated_subnet_id, SUBNET);
      if (!subnet) {
        out.fail(
          server.address,
          `delegated_subnet_id is ${show(server.args.delegated_subnet_id)}; expected a delegated data subnet of this stack ` +
            `(private access)`,
        );
      } else {
        const nsg = t.nsgOf.get(subnet.address);
        if (appPrefixes.size === 0)
          out.fail(server.address, 'no app tier (scale set) in this stack to admit; expected the data subnet to admit only the app subnet');
        if (!nsg) {
          out.fail(
            server.address,
            `data subnet ${subnet.address} has no network security group; expected one admitting only tcp ${port} from the app subnet`,
          );
        } else {
          out.within(nsg, () => {
            for (const rule of inboundAllows(rules, nsg)) {
              const fromApp = rule.sources.length > 0 && rule.sources.every((s) => appPrefixes.has(s));
              if (!fromApp || !onlyPort(rule, port)) {
                out.fail(
                  rule.declaredBy,
                  `${nsg} admits ${describe(rule)}; expected only tcp ${port} from the app subnet ` +
                    `(${[...appPrefixes].join(', ') || 'none found'})`,
                );
              }
            }
          });
        }
      }
      for (const p of postgresTlsProblems(tf, server).problems) out.fail(server.address, p);
    });
  }
  return out.result(servers.length > 0);
}

/**
 * VM extensions a host may carry while extension operations are on, each justified in
 * lib/azure/host-cloud-init.ts (APPROVED_VM_EXTENSIONS): anything else (VMAccess resets keys,
 * CustomScript and RunCommand run code as root) is a way onto the host around SSH.
 */
export const APPROVED_EXTENSION_TYPES: ReadonlyArray<{ readonly publisher: string; readonly type: string }> = [
  { publisher: 'Microsoft.Azure.Monitor', type: 'AzureMonitorLinuxAgent' },
  { publisher: 'Microsoft.ManagedServices', type: 'ApplicationHealthLinux' },
];

/**
 * Every login is a person's own account: custom_data creates the people's accounts and sshd
 * admits only them (`AllowUsers` without the admin account), and Azure's admin account holds no
 * key that a person also holds (a person holding the shared admin key can log in unnamed).
 */
function checkPersonalLogins(out: Outcome, host: TfRes, init: string): void {
  const admin = String(host.args.admin_username ?? '');
  if (init.trim() === '') {
    out.fail(
      host.address,
      'has no custom_data; expected cloud-init creating one account per person and an sshd AllowUsers of those people',
    );
    return;
  }
  const allow = /^\s*AllowUsers\s+(.+)$/im.exec(init)?.[1].trim().split(/\s+/) ?? [];
  if (allow.length === 0) out.fail(host.address, "custom_data sets no sshd AllowUsers; expected only the people's accounts admitted");
  else if (admin && allow.includes(admin))
    out.fail(
      host.address,
      `custom_data admits the shared admin account ${admin} in sshd (AllowUsers); expected only personal accounts ` +
        `(break-glass login is on)`,
    );
  const personal = new Set([...init.matchAll(/^\s*-\s*"?(ssh-[a-z0-9-]+\s+[A-Za-z0-9+/=]+)/gim)].map((m) => m[1].replace(/\s+/, ' ')));
  for (const key of blocks(host.args.admin_ssh_key)) {
    const text = String(key?.public_key ?? '')
      .trim()
      .split(/\s+/)
      .slice(0, 2)
      .join(' ');
    if (personal.has(text))
      out.fail(
        host.address,
        `admin_ssh_key of ${admin || 'the admin account'} is also a person's key in custom_data; expected a break-glass key ` +
          `no person uses, or that person logs in to a shared account`,
      );
  }
}

/** Extension operations on only for approved, justified extensions. */
function checkExtensions(out: Outcome, tf: TfJson, host: TfRes): void {
  const isScaleSet = host.type.endsWith('_scale_set');
  const enabled = isScaleSet
    ? isTrue(host.args.extension_operations_enabled ?? true)
    : host.args.allow_extension_operations === undefined || isTrue(host.args.allow_extension_operations);
  const attached = isScaleSet
    ? blocks(host.args.extension).map((e) => ({ where: host.address, publisher: String(e?.publisher), type: String(e?.type) }))
    : ofType(tf, 'azurerm_virtual_machine_extension')
        .filter((e) => refTarget(e.args.virtual_machine_id)?.address === host.address)
        .map((e) => ({ where: e.address, publisher: String(e.args.publisher), type: String(e.args.type) }));
  if (!enabled) return;
  const approved = (e: { publisher: string; type: string }) =>
    APPROVED_EXTENSION_TYPES.some((a) => a.publisher === e.publisher && a.type === e.type);
  for (const e of attached.filter((x) => !approved(x))) {
    out.fail(
      e.where,
      `installs the VM extension ${e.publisher}/${e.type} on ${host.address}; expected only approved extensions ` +
        `(${APPROVED_EXTENSION_TYPES.map((a) => a.type).join(', ')}): others can reset keys or run code as root around SSH`,
    );
  }
  if (!attached.some(approved)) {
    out.fail(
      host.address,
      `${isScaleSet ? 'extension_operations_enabled' : 'allow_extension_operations'} is on with no approved extension to ` +
        `justify it; expected it off (RunCommand and VMAccess reach the host around SSH)`,
    );
  }
}

/**
 * Control BASTION-SSH (Azure): every VM and scale set has `disable_password_authentication` true
 * and no `admin_password`; custom_data creates personal accounts and sshd admits only them, and
 * the admin account holds no person's key; extension operations are on only for approved
 * extensions; custom_data does not turn password logins back on; the
 * bastion subnet's NSG admits inbound only tcp 22, from literal CIDRs no broader than
 * `maxAllowlistPrefix` (default IPv4 /24, IPv6 /48), never a /0 or a tag; every other NSG admits
 * 22 only from the bastion subnet's prefixes (AzureLoadBalancer probes aside).
 */
export function checkBastionSsh(tf: TfJson, options: CheckOptions = {}): CheckResult {
  const out = new Outcome('BASTION-SSH');
  const maxPrefix = options.maxAllowlistPrefix ?? POLICY_FLOORS.access.maxAllowlistPrefix;
  const t = tiers(tf);
  const rules = nsgRules(tf);
  const hosts = [...virtualMachines(tf), ...scaleSets(tf)];
  const bastionNsgs = new Set([...t.bastion].map((s) => t.nsgOf.get(s)).filter((n): n is string => n !== undefined));
  const bastionPrefixes = new Set(prefixesOf(t, t.bastion));

  for (const host of hosts) {
    out.within(host.address, () => {
      if (!isTrue(host.args.disable_password_authentication)) {
        out.fail(
          host.address,
          `disable_password_authentication is ${show(host.args.disable_password_authentication)}; expected true (SSH keys only)`,
        );
      }
      if (host.args.admin_password !== undefined) out.fail(host.address, 'admin_password is set; expected none (SSH keys only)');
      const init = decodedText(host.args.custom_data);
      if (/^\s*ssh_pwauth:\s*(true|yes)\b/im.test(init) || /^\s*PasswordAuthentication\s+yes\b/im.test(init)) {
        out.fail(
          host.address,
          'custom_data turns SSH password authentication on; expected "ssh_pwauth: false" and "PasswordAuthentication no"',
        );
      }
      checkPersonalLogins(out, host, init);
      checkExtensions(out, tf, host);
    });
  }

  for (const subnet of t.bastion) {
    if (!t.nsgOf.has(subnet))
      out.fail(subnet, 'bastion subnet has no network security group; expected one admitting tcp 22 from the allowlist only');
  }
  for (const nsg of bastionNsgs) {
    out.within(nsg, () => {
      for (const rule of inboundAllows(rules, nsg)) {
        if (!onlyPort(rule, SSH_PORT)) {
          out.fail(rule.declaredBy, `bastion NSG ${nsg} admits ${describe(rule)}; expected only tcp ${SSH_PORT}`);
          continue;
        }
        for (const source of rule.sources) {
          const parsed = cidrPrefix(source);
          if (!parsed) {
            out.fail(
              rule.declaredBy,
              `bastion NSG ${nsg} admits SSH from ${show(source)}; expected literal allowlisted CIDRs (IPv4 ` +
                `/${maxPrefix.ipv4} or narrower, IPv6 /${maxPrefix.ipv6} or narrower)`,
            );
          } else if (parsed.prefix === 0 || parsed.prefix < maxPrefix[parsed.family]) {
            out.fail(
              rule.declaredBy,
              `bastion NSG ${nsg} admits SSH from ${show(source)}; expected ${parsed.family} prefixes of ` +
                `/${maxPrefix[parsed.family]} or narrower, never the whole internet`,
            );
          }
        }
      }
    });
  }

  for (const rule of rules.filter(
    (r) => !bastionNsgs.has(r.nsg) && r.direction === 'Inbound' && r.access === 'Allow' && admitsPort(r, SSH_PORT),
  )) {
    if (rule.sources.every((s) => s.toLowerCase() === 'azureloadbalancer')) continue;
    if (rule.sources.length === 0 || !rule.sources.every((s) => bastionPrefixes.has(s))) {
      out.fail(
        rule.declaredBy,
        `${rule.nsg} admits SSH: ${describe(rule)}; expected SSH only from the bastion subnet ` +
          `(${[...bastionPrefixes].join(', ') || 'none found'})`,
      );
    }
  }

  return out.result(hosts.length + ofType(tf, NSG).length > 0);
}
