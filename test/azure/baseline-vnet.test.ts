import { BaselineVnet, carve, DENY_ALL_PRIORITY, type BaselineVnetProps } from '../../lib/azure/baseline-vnet';
import { LOCATION, RG, resourcesOf, synthAzure, type TfJson } from './support';

const props: BaselineVnetProps = {
  resourceGroupName: RG,
  location: LOCATION,
  name: 'vnet-acme',
  addressSpace: '10.30.0.0/16',
  bastionAllowedCidrs: ['198.51.100.0/28', '2001:db8:1234::/48'],
};
const json = synthAzure((s) => new BaselineVnet(s, 'Network', props));
const nsgs = resourcesOf(json, 'azurerm_network_security_group');
// Inline rules are an attribute list: Terraform receives every unset argument as null.
const rulesOf = (n: any) => n.security_rule.map((r: any) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== null)));
const nsg = (tier: string) => ({ security_rule: rulesOf(Object.values(nsgs).find((n) => n.name === `nsg-vnet-acme-${tier}`)!) });
const subnets = resourcesOf(json, 'azurerm_subnet');
const subnet = (tier: string) => Object.values(subnets).find((n) => n.name === `snet-${tier}`)!;
const DENY_ALL = {
  name: 'deny-all-inbound',
  priority: DENY_ALL_PRIORITY,
  direction: 'Inbound',
  access: 'Deny',
  protocol: '*',
  source_port_range: '*',
  destination_port_range: '*',
  source_address_prefix: '*',
  destination_address_prefix: '*',
  description: 'Deny everything not allowed above, including the default AllowVnetInBound',
};
const allow = (name: string, priority: number, port: string, source: string | string[], protocol = 'Tcp') => ({
  name,
  priority,
  direction: 'Inbound',
  access: 'Allow',
  protocol,
  source_port_range: '*',
  destination_port_range: port,
  ...(Array.isArray(source) ? { source_address_prefixes: source } : { source_address_prefix: source }),
  destination_address_prefix: '*',
});

const allowOut = (name: string, priority: number, port: string | string[], destination: string | string[]) => ({
  name,
  priority,
  direction: 'Outbound',
  access: 'Allow',
  protocol: 'Tcp',
  source_port_range: '*',
  ...(Array.isArray(port) ? { destination_port_ranges: port } : { destination_port_range: port }),
  source_address_prefix: '*',
  ...(Array.isArray(destination) ? { destination_address_prefixes: destination } : { destination_address_prefix: destination }),
});
const DENY_ALL_OUT = {
  name: 'deny-all-outbound',
  priority: DENY_ALL_PRIORITY,
  direction: 'Outbound',
  access: 'Deny',
  protocol: '*',
  source_port_range: '*',
  destination_port_range: '*',
  source_address_prefix: '*',
  destination_address_prefix: '*',
  description: 'Deny every destination not allowed above, the Internet and the default AllowVnetOutBound included',
};

describe('BaselineVnet', () => {
  it("marks each tier's NSG with its tier (subnets carry no tags): the checks find the bastion tier by it, never by name", () => {
    expect(
      Object.values<any>(nsgs)
        .map((n) => [n.name, n.tags?.['baseline:tier']])
        .sort(),
    ).toEqual([
      ['nsg-vnet-acme-app', 'app'],
      ['nsg-vnet-acme-bastion', 'bastion'],
      ['nsg-vnet-acme-data', 'data'],
      ['nsg-vnet-acme-gateway', 'gateway'],
    ]);
  });

  it('carves four disjoint tiers from a /16 and from a /18', () => {
    expect(carve('10.30.0.0/16')).toEqual({ gateway: '10.30.0.0/24', bastion: '10.30.1.0/26', data: '10.30.2.0/24', app: '10.30.64.0/18' });
    expect(carve('172.16.0.0/18')).toEqual({
      gateway: '172.16.0.0/26',
      bastion: '172.16.0.64/28',
      data: '172.16.0.128/26',
      app: '172.16.16.0/20',
    });
    expect(subnet('gateway').address_prefixes).toEqual(['10.30.0.0/24']);
    expect(subnet('app').address_prefixes).toEqual(['10.30.64.0/18']);
  });

  it('delegates the data subnet to PostgreSQL and cuts implicit egress from app and data', () => {
    expect(subnet('data').delegation).toEqual([
      {
        name: 'postgresql-flexible-server',
        service_delegation: {
          name: 'Microsoft.DBforPostgreSQL/flexibleServers',
          actions: ['Microsoft.Network/virtualNetworks/subnets/join/action'],
        },
      },
    ]);
    expect(subnet('data').default_outbound_access_enabled).toBe(false);
    expect(subnet('app').default_outbound_access_enabled).toBe(false);
    expect(subnet('app').service_endpoints).toEqual(['Microsoft.KeyVault', 'Microsoft.Storage']);
  });

  it('admits only HTTPS, the redirect port and Azure infrastructure to the gateway tier', () => {
    expect(nsg('gateway').security_rule).toEqual([
      allow('allow-https', 100, '443', 'Internet'),
      allow('allow-http-redirect', 110, '80', 'Internet'),
      allow('allow-gateway-manager', 120, '65200-65535', 'GatewayManager', '*'),
      allow('allow-azure-load-balancer', 130, '*', 'AzureLoadBalancer', '*'),
      DENY_ALL,
    ]);
  });

  it('admits SSH to the bastion tier from the allowlist only, and lets it out only to the app tier and Azure Monitor', () => {
    expect(nsg('bastion').security_rule).toEqual([
      allow('allow-ssh-allowlist', 100, '22', ['198.51.100.0/28', '2001:db8:1234::/48']),
      DENY_ALL,
      allowOut('allow-ssh-to-app-outbound', 100, '22', '10.30.64.0/18'),
      allowOut('allow-azure-monitor-outbound', 110, '443', 'AzureMonitor'),
      DENY_ALL_OUT,
    ]);
  });

  it('admits the app port from the gateway subnet and SSH from the bastion subnet only, and lets the app out only to what it uses', () => {
    expect(nsg('app').security_rule).toEqual([
      allow('allow-app-from-gateway', 100, '8443', '10.30.0.0/24'),
      allow('allow-ssh-from-bastion', 110, '22', '10.30.1.0/26'),
      allow('allow-azure-load-balancer', 120, '*', 'AzureLoadBalancer', '*'),
      DENY_ALL,
      allowOut('allow-postgres-to-data-outbound', 100, '5432', '10.30.2.0/24'),
      allowOut('allow-private-endpoints-outbound', 105, '443', '10.30.64.0/18'),
      allowOut('allow-azure-monitor-outbound', 110, '443', 'AzureMonitor'),
      allowOut('allow-storage-outbound', 120, '443', `Storage.${LOCATION}`),
      allowOut('allow-key-vault-outbound', 130, '443', `AzureKeyVault.${LOCATION}`),
      DENY_ALL_OUT,
    ]);
  });

  it('opens the package mirrors given, on 80 and 443, before the final deny', () => {
    const mirrored = synthAzure(
      (s) => new BaselineVnet(s, 'Network', { ...props, packageMirrorCidrs: ['203.0.113.0/24', '198.51.100.16/28'] }),
    );
    for (const tier of ['app', 'bastion']) {
      const rules = rulesOf(
        Object.values(resourcesOf(mirrored, 'azurerm_network_security_group')).find((n) => n.name === `nsg-vnet-acme-${tier}`)!,
      );
      expect(rules).toContainEqual(allowOut('allow-package-mirrors-outbound', 140, ['80', '443'], ['203.0.113.0/24', '198.51.100.16/28']));
      expect(rules[rules.length - 1]).toEqual(DENY_ALL_OUT);
    }
  });

  it('admits PostgreSQL from the app subnet only and denies internet egress from the data tier', () => {
    expect(nsg('data').security_rule).toEqual([
      allow('allow-postgres-from-app', 100, '5432', '10.30.64.0/18'),
      {
        name: 'deny-internet-outbound',
        priority: DENY_ALL_PRIORITY,
        direction: 'Outbound',
        access: 'Deny',
        protocol: '*',
        source_port_range: '*',
        destination_port_range: '*',
        source_address_prefix: '*',
        destination_address_prefix: 'Internet',
        description: 'No internet egress from the data tier',
      },
      DENY_ALL,
    ]);
  });

  it('associates each NSG with its own subnet', () => {
    const associations = Object.values(resourcesOf(json, 'azurerm_subnet_network_security_group_association'));
    expect(associations).toHaveLength(4);
    for (const tier of ['Gateway', 'Bastion', 'App', 'Data']) {
      expect(associations).toContainEqual(
        expect.objectContaining({
          subnet_id: expect.stringMatching(new RegExp(`^\\$\\{azurerm_subnet\\.Network_${tier}Subnet_[0-9A-F]+\\.id\\}$`)),
          network_security_group_id: expect.stringMatching(
            new RegExp(`^\\$\\{azurerm_network_security_group\\.Network_${tier}Nsg_[0-9A-F]+\\.id\\}$`),
          ),
        }),
      );
    }
  });

  it('locks the gateway to the given edge ranges when asked (ORIGIN-LOCK)', () => {
    const locked: TfJson = synthAzure(
      (s) => new BaselineVnet(s, 'Network', { ...props, gatewaySourceAddressPrefixes: ['173.245.48.0/20', '103.21.244.0/22'] }),
    );
    const gw = Object.values(resourcesOf(locked, 'azurerm_network_security_group')).find((n) => n.name.endsWith('-gateway'))!;
    expect(rulesOf(gw)[0]).toEqual(allow('allow-https', 100, '443', ['173.245.48.0/20', '103.21.244.0/22']));
  });

  it.each([
    ['a public address space', { addressSpace: '8.8.0.0/16' }, /addressSpace "8.8.0.0\/16" is not usable/],
    ['a too small address space', { addressSpace: '10.30.0.0/20' }, /expected an RFC 1918 IPv4 block from \/16 to \/18/],
    ['an empty allowlist', { bastionAllowedCidrs: [] }, /bastionAllowedCidrs is empty/],
    ['0.0.0.0/0 in the allowlist', { bastionAllowedCidrs: ['0.0.0.0/0'] }, /opens SSH to the whole internet/],
    ['a malformed allowlist entry', { bastionAllowedCidrs: ['203.0.113.300/32'] }, /bastionAllowedCidrs entry "203.0.113.300\/32"/],
    ['a bad app port', { appPort: 70000 }, /appPort 70000 is not a TCP port/],
    ['no gateway sources', { gatewaySourceAddressPrefixes: [] }, /gatewaySourceAddressPrefixes is empty/],
    [
      'a package mirror of the whole internet',
      { packageMirrorCidrs: ['0.0.0.0/0'] },
      /packageMirrorCidrs\[0\] "0.0.0.0\/0" is broader than IPv4 \/16/,
    ],
    [
      'a package mirror that is not a range',
      { packageMirrorCidrs: ['mirror.example.com'] },
      /packageMirrorCidrs\[0\] "mirror.example.com" is not in CIDR notation/,
    ],
  ])('fails on %s', (_name, over, message) => {
    expect(() => synthAzure((s) => new BaselineVnet(s, 'Network', { ...props, ...over }))).toThrow(message);
  });
});
