import { NetworkSecurityGroup, type NetworkSecurityGroupSecurityRule } from '@cdktf/provider-azurerm/lib/network-security-group';
import { Subnet } from '@cdktf/provider-azurerm/lib/subnet';
import { SubnetNetworkSecurityGroupAssociation } from '@cdktf/provider-azurerm/lib/subnet-network-security-group-association';
import { VirtualNetwork } from '@cdktf/provider-azurerm/lib/virtual-network';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import * as ipaddr from 'ipaddr.js';
import { isPrivateIpv4Cidr, parseCidr } from '../config/cidr';
import { TIER_MARKER } from '../controls/markers';

/** Properties of {@link BaselineVnet}. */
export interface BaselineVnetProps {
  /** Resource group of the VNet, its subnets and NSGs. */
  readonly resourceGroupName: string;
  /** Azure location (region), such as `westeurope`. */
  readonly location: string;
  /** VNet name; subnets and NSGs are named after it. */
  readonly name: string;
  /** Address space: one RFC 1918 IPv4 block from /16 to /18, carved into the four tiers. */
  readonly addressSpace: string;
  /**
   * HTTPS port of the app tier, admitted from the gateway subnet only.
   * @default 8443
   */
  readonly appPort?: number;
  /** Source ranges (IPv4 or IPv6) allowed to reach the bastion on 22; never /0. */
  readonly bastionAllowedCidrs: readonly string[];
  /**
   * Sources admitted to the gateway on 80/443. The Cloudflare issue sets Cloudflare's published
   * ranges here so the origin accepts only the edge (control ORIGIN-LOCK).
   * @default ["Internet"]
   */
  readonly gatewaySourceAddressPrefixes?: readonly string[];
  /**
   * Package mirrors the app and bastion hosts may reach on 80/443, as CIDRs (host names cannot be
   * NSG destinations). Everything else outbound is denied, beside the Azure services the tiers
   * use (Azure Monitor, Storage and Key Vault of this region) (control NET-TIERS).
   * @default - none: no internet egress from the hosts
   */
  readonly packageMirrorCidrs?: readonly string[];
  /**
   * Tags applied to every resource.
   * @default - none
   */
  readonly tags?: Record<string, string>;
}

/** The NSG priority of the final deny rule of every tier. */
export const DENY_ALL_PRIORITY = 4096;

/** Prefix lengths added to the address space's per tier (a /16 gives gateway /24, bastion /26, data /24, app /18). */
const LAYOUT = { gateway: 8, bastion: 10, data: 8, app: 2 } as const;

/**
 * The tiered network of one region (controls NET-TIERS, APP-FROM-GATEWAY, DB-FROM-APP,
 * BASTION-SSH): gateway, bastion, app and data subnets, each with its own NSG that admits only
 * what the tier needs and ends with an explicit inbound deny, so Azure's default
 * `AllowVnetInBound` rule can never let one tier reach another sideways.
 *
 * - gateway: 80/443 from `gatewaySourceAddressPrefixes`, 65200-65535 from `GatewayManager`
 *   (Application Gateway v2 infrastructure traffic), the Azure load balancer;
 * - bastion: 22 from the allowlist only;
 * - app: the app port from the gateway subnet, 22 from the bastion subnet, the load balancer;
 * - data (delegated to PostgreSQL Flexible Server): 5432 from the app subnet only, and no
 *   outbound internet.
 *
 * Outbound, the app and bastion tiers reach only what they use (app: PostgreSQL, its private
 * endpoints, Azure Monitor, Storage and Key Vault of the region; bastion: SSH to the app tier and
 * Azure Monitor), plus the package mirrors given, and end with a deny of everything else. The
 * gateway tier keeps Azure's default outbound: Application Gateway v2 does not support an NSG
 * that blocks its outbound internet access.
 *
 * App and data subnets have default outbound access off: no implicit internet egress address.
 */
export class BaselineVnet extends Construct {
  /** The virtual network. */
  public readonly resource: VirtualNetwork;
  /** The VNet's resource id. */
  public readonly vnetId: string;
  public readonly gatewaySubnet: Subnet;
  public readonly bastionSubnet: Subnet;
  public readonly appSubnet: Subnet;
  public readonly dataSubnet: Subnet;
  public readonly gatewaySubnetId: string;
  public readonly bastionSubnetId: string;
  public readonly appSubnetId: string;
  public readonly dataSubnetId: string;
  public readonly gatewaySubnetPrefix: string;
  public readonly bastionSubnetPrefix: string;
  public readonly appSubnetPrefix: string;
  public readonly dataSubnetPrefix: string;
  public readonly gatewayNsg: NetworkSecurityGroup;
  public readonly bastionNsg: NetworkSecurityGroup;
  public readonly appNsg: NetworkSecurityGroup;
  public readonly dataNsg: NetworkSecurityGroup;
  /** Ids of the four NSGs, for diagnostic settings. */
  public readonly nsgIds: string[];

  constructor(scope: Construct, id: string, props: BaselineVnetProps) {
    super(scope, id);
    const where = `BaselineVnet ${this.node.path}`;
    const parsed = parseCidr(props.addressSpace);
    if (
      'error' in parsed ||
      parsed.family !== 'ipv4' ||
      !isPrivateIpv4Cidr(props.addressSpace) ||
      parsed.prefix < 16 ||
      parsed.prefix > 18
    ) {
      throw new Error(
        `${where}: addressSpace "${props.addressSpace}" is not usable; expected an RFC 1918 IPv4 block from /16 to /18 (e.g. ` +
          `10.30.0.0/16), large enough for a /26 gateway subnet and a /28 bastion subnet`,
      );
    }
    const appPort = props.appPort ?? 8443;
    if (!Number.isInteger(appPort) || appPort < 1 || appPort > 65535) {
      throw new Error(`${where}: appPort ${appPort} is not a TCP port; expected 1-65535`);
    }
    if (props.bastionAllowedCidrs.length === 0) {
      throw new Error(
        `${where}: bastionAllowedCidrs is empty; expected at least one office or VPN range (the bastion is unreachable otherwise)`,
      );
    }
    for (const cidr of props.bastionAllowedCidrs) {
      const p = parseCidr(cidr);
      if ('error' in p) throw new Error(`${where}: bastionAllowedCidrs entry "${cidr}" ${p.error}`);
      if (p.prefix === 0)
        throw new Error(
          `${where}: bastionAllowedCidrs entry "${cidr}" opens SSH to the whole internet; list your office or VPN ranges instead`,
        );
    }
    const gatewaySources = props.gatewaySourceAddressPrefixes ?? ['Internet'];
    if (gatewaySources.length === 0) {
      throw new Error(`${where}: gatewaySourceAddressPrefixes is empty; expected "Internet" or the edge's ranges`);
    }

    const prefixes = carve(parsed.canonical);
    this.gatewaySubnetPrefix = prefixes.gateway;
    this.bastionSubnetPrefix = prefixes.bastion;
    this.appSubnetPrefix = prefixes.app;
    this.dataSubnetPrefix = prefixes.data;
    const base = { resourceGroupName: props.resourceGroupName, location: props.location, tags: props.tags };

    this.resource = new VirtualNetwork(this, 'Resource', { ...base, name: props.name, addressSpace: [parsed.canonical] });
    this.vnetId = this.resource.id;
    const subnet = (tier: string, prefix: string, extra: Partial<ConstructorParameters<typeof Subnet>[2]>) =>
      new Subnet(this, `${tier}Subnet`, {
        name: `snet-${tier.toLowerCase()}`,
        resourceGroupName: props.resourceGroupName,
        virtualNetworkName: this.resource.name,
        addressPrefixes: [prefix],
        ...extra,
      });
    this.gatewaySubnet = subnet('Gateway', prefixes.gateway, {});
    this.bastionSubnet = subnet('Bastion', prefixes.bastion, {});
    this.appSubnet = subnet('App', prefixes.app, {
      defaultOutboundAccessEnabled: false,
      // Storage and Key Vault firewalls admit this subnet; its private endpoints keep policies on.
      serviceEndpoints: ['Microsoft.KeyVault', 'Microsoft.Storage'],
      privateEndpointNetworkPolicies: 'Enabled',
    });
    this.dataSubnet = subnet('Data', prefixes.data, {
      defaultOutboundAccessEnabled: false,
      delegation: [
        {
          name: 'postgresql-flexible-server',
          serviceDelegation: {
            name: 'Microsoft.DBforPostgreSQL/flexibleServers',
            actions: ['Microsoft.Network/virtualNetworks/subnets/join/action'],
          },
        },
      ],
    });
    this.gatewaySubnetId = this.gatewaySubnet.id;
    this.bastionSubnetId = this.bastionSubnet.id;
    this.appSubnetId = this.appSubnet.id;
    this.dataSubnetId = this.dataSubnet.id;

    const mirrors = props.packageMirrorCidrs ?? [];
    mirrors.forEach((cidr, i) => {
      const p = parseCidr(cidr);
      if ('error' in p)
        throw new Error(
          `${where}: packageMirrorCidrs[${i}] "${cidr}" ${p.error}; expected the package mirror's range such as 203.0.113.0/24`,
        );
      if (p.prefix < (p.family === 'ipv4' ? 16 : 32))
        throw new Error(
          `${where}: packageMirrorCidrs[${i}] "${cidr}" is broader than IPv4 /16 or IPv6 /32; a package mirror is one ` +
            `service, list its own range`,
        );
    });
    // Outbound (NET-TIERS): the Azure services a host uses, the mirrors, then a final deny, so a
    // compromised host cannot reach the internet (exfiltration, command and control).
    const location = props.location;
    const hostEgress = (first: number): NetworkSecurityGroupSecurityRule[] => [
      allowOut('allow-azure-monitor-outbound', first, '443', 'AzureMonitor'),
      ...(mirrors.length > 0 ? [allowOut('allow-package-mirrors-outbound', first + 30, '80,443', mirrors)] : []),
    ];
    const nsg = (
      tier: string,
      subnetOf: Subnet,
      rules: NetworkSecurityGroupSecurityRule[],
      egress?: NetworkSecurityGroupSecurityRule[],
    ) => {
      // The tier marker the checks read (Azure subnets carry no tags): which NSG guards the
      // bastion tier decides where SSH may come from (BASTION-SSH), never the subnet's name.
      const group = new NetworkSecurityGroup(this, `${tier}Nsg`, {
        ...base,
        name: `nsg-${props.name}-${tier.toLowerCase()}`,
        securityRule: [...rules, denyAllInbound(), ...(egress ? [...egress, denyAllOutbound()] : [])],
        tags: { ...props.tags, [TIER_MARKER]: tier.toLowerCase() },
      });
      new SubnetNetworkSecurityGroupAssociation(this, `${tier}NsgAssociation`, { subnetId: subnetOf.id, networkSecurityGroupId: group.id });
      return group;
    };
    this.gatewayNsg = nsg('Gateway', this.gatewaySubnet, [
      allow('allow-https', 100, '443', gatewaySources),
      allow('allow-http-redirect', 110, '80', gatewaySources),
      allow('allow-gateway-manager', 120, '65200-65535', ['GatewayManager'], '*'),
      allow('allow-azure-load-balancer', 130, '*', ['AzureLoadBalancer'], '*'),
    ]);
    this.bastionNsg = nsg(
      'Bastion',
      this.bastionSubnet,
      [allow('allow-ssh-allowlist', 100, '22', props.bastionAllowedCidrs)],
      [allowOut('allow-ssh-to-app-outbound', 100, '22', [prefixes.app]), ...hostEgress(110)],
    );
    this.appNsg = nsg(
      'App',
      this.appSubnet,
      [
        allow('allow-app-from-gateway', 100, String(appPort), [prefixes.gateway]),
        allow('allow-ssh-from-bastion', 110, '22', [prefixes.bastion]),
        allow('allow-azure-load-balancer', 120, '*', ['AzureLoadBalancer'], '*'),
      ],
      [
        allowOut('allow-postgres-to-data-outbound', 100, '5432', [prefixes.data]),
        // The storage account's private endpoint lives in this subnet.
        allowOut('allow-private-endpoints-outbound', 105, '443', [prefixes.app]),
        ...hostEgress(110),
        allowOut('allow-storage-outbound', 120, '443', `Storage.${location}`),
        allowOut('allow-key-vault-outbound', 130, '443', `AzureKeyVault.${location}`),
      ],
    );
    this.dataNsg = nsg('Data', this.dataSubnet, [
      allow('allow-postgres-from-app', 100, '5432', [prefixes.app]),
      // The database never calls out to the internet; Azure management traffic uses service tags
      // outside this rule's scope.
      denyOutbound('deny-internet-outbound', 'Internet', 'No internet egress from the data tier'),
    ]);
    this.nsgIds = [this.gatewayNsg.id, this.bastionNsg.id, this.appNsg.id, this.dataNsg.id];
  }
}

/** An inbound TCP allow rule (or any protocol, for service tags) from the given sources. */
function allow(
  name: string,
  priority: number,
  port: string,
  sources: readonly string[],
  protocol = 'Tcp',
): NetworkSecurityGroupSecurityRule {
  return {
    name,
    priority,
    direction: 'Inbound',
    access: 'Allow',
    protocol,
    sourcePortRange: '*',
    destinationPortRange: port,
    // The API refuses a rule that sets both the single and the list form.
    ...(sources.length === 1 ? { sourceAddressPrefix: sources[0] } : { sourceAddressPrefixes: [...sources] }),
    destinationAddressPrefix: '*',
  };
}

/** An outbound TCP allow rule to the given destinations (CIDRs, or one service tag). */
function allowOut(
  name: string,
  priority: number,
  ports: string,
  destinations: readonly string[] | string,
): NetworkSecurityGroupSecurityRule {
  const list = typeof destinations === 'string' ? [destinations] : destinations;
  const portList = ports.split(',');
  return {
    name,
    priority,
    direction: 'Outbound',
    access: 'Allow',
    protocol: 'Tcp',
    sourcePortRange: '*',
    ...(portList.length === 1 ? { destinationPortRange: portList[0] } : { destinationPortRanges: portList }),
    sourceAddressPrefix: '*',
    // The API refuses a rule that sets both the single and the list form.
    ...(list.length === 1 ? { destinationAddressPrefix: list[0] } : { destinationAddressPrefixes: [...list] }),
  };
}

/** The final outbound deny of a host tier: nothing leaves that a rule above did not name. */
function denyAllOutbound(): NetworkSecurityGroupSecurityRule {
  return denyOutbound(
    'deny-all-outbound',
    '*',
    'Deny every destination not allowed above, the Internet and the default AllowVnetOutBound included',
  );
}

/** An outbound deny of every protocol and port to `destination`, at the lowest priority of the group. */
function denyOutbound(name: string, destination: string, description: string): NetworkSecurityGroupSecurityRule {
  return {
    name,
    priority: DENY_ALL_PRIORITY,
    direction: 'Outbound',
    access: 'Deny',
    protocol: '*',
    sourcePortRange: '*',
    destinationPortRange: '*',
    sourceAddressPrefix: '*',
    destinationAddressPrefix: destination,
    description,
  };
}

/** The explicit final deny: nothing reaches the tier that a rule above did not name. */
function denyAllInbound(): NetworkSecurityGroupSecurityRule {
  return {
    name: 'deny-all-inbound',
    priority: DENY_ALL_PRIORITY,
    direction: 'Inbound',
    access: 'Deny',
    protocol: '*',
    sourcePortRange: '*',
    destinationPortRange: '*',
    sourceAddressPrefix: '*',
    destinationAddressPrefix: '*',
    description: 'Deny everything not allowed above, including the default AllowVnetInBound',
  };
}

/** Subnet prefixes of the four tiers, carved from the address space by ipaddr.js arithmetic. */
export function carve(addressSpace: string): Record<keyof typeof LAYOUT, string> {
  if (Token.isUnresolved(addressSpace)) throw new Error('BaselineVnet: addressSpace must be a literal CIDR block');
  const [network, prefix] = ipaddr.IPv4.parseCIDR(addressSpace);
  const start = ipToNumber(network);
  const size = 2 ** (32 - prefix);
  // gateway: the first 1/256 of the space; bastion: the start of the second 1/256; data: the
  // third 1/256; app: the whole second quarter. Disjoint by construction for /16 to /18.
  const block = (index: number, extra: number) => {
    const length = prefix + extra;
    return `${numberToIp(start + index * 2 ** (32 - length))}/${length}`;
  };
  return {
    gateway: block(0, LAYOUT.gateway),
    bastion: `${numberToIp(start + size / 256)}/${prefix + LAYOUT.bastion}`,
    data: block(2, LAYOUT.data),
    app: block(1, LAYOUT.app),
  };
}

function ipToNumber(ip: ipaddr.IPv4): number {
  return ip.octets.reduce((n, o) => n * 256 + o, 0);
}

function numberToIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}
