import { checkAppFromGateway, checkBastionSsh, checkDbFromApp, checkNetTiers } from '../../../lib/controls/azure/network';
import { dr, expectFinding, expectNotApplicable, expectPass, named, only, primary, weakened } from './support';

const NSG = 'azurerm_network_security_group';
const nsg = (tier: string) => named(primary(), NSG, new RegExp(`-${tier}$`)).address;
const rules = (t: any, tier: string) => named(t, NSG, new RegExp(`-${tier}$`)).args.security_rule;
const ruleNamed = (t: any, tier: string, name: string) => rules(t, tier).find((r: any) => r.name === name);
const allow = (name: string, port: string, source: string, extra: Record<string, unknown> = {}) => ({
  name,
  priority: 200,
  direction: 'Inbound',
  access: 'Allow',
  protocol: 'Tcp',
  source_port_range: '*',
  destination_port_range: port,
  source_address_prefix: source,
  destination_address_prefix: '*',
  ...extra,
});
const vmss = (t: any) => only(t, 'azurerm_linux_virtual_machine_scale_set').args;
const server = (t: any) => only(t, 'azurerm_postgresql_flexible_server').args;
const VMSS = only(primary(), 'azurerm_linux_virtual_machine_scale_set').address;
const DB = only(primary(), 'azurerm_postgresql_flexible_server').address;
const BASTION = only(primary(), 'azurerm_linux_virtual_machine').address;
const GW = only(primary(), 'azurerm_application_gateway').address;
const empty = { resource: { azurerm_key_vault: { kv: {} } } };

describe('NET-TIERS (Azure)', () => {
  it('passes four tiers, each NSG ending in a deny-all, only the gateway and bastion public', () => {
    const result = checkNetTiers(primary());
    expectPass(result);
    expect(result.evidence).toEqual(expect.arrayContaining([nsg('app'), nsg('data'), VMSS, DB]));
  });

  it('passes the DR network', () => {
    expectPass(checkNetTiers(dr()));
  });

  it('is not applicable without network resources', () => {
    expectNotApplicable(checkNetTiers(empty));
  });

  it.each<[string, (t: any) => void, string, RegExp]>([
    [
      'an app subnet without NSG',
      (t) =>
        delete t.resource.azurerm_subnet_network_security_group_association[
          named(t, 'azurerm_subnet_network_security_group_association', /AppNsg/).address.split('.')[1]
        ],
      named(primary(), 'azurerm_subnet', /snet-app/).address,
      /subnet "snet-app" has no network security group association/,
    ],
    ['the final deny-all removed', (t) => rules(t, 'data').pop(), nsg('data'), /no inbound Deny of all protocols, ports and sources/],
    [
      'the deny-all narrowed to one source',
      (t) => (ruleNamed(t, 'app', 'deny-all-inbound').source_address_prefix = 'Internet'),
      nsg('app'),
      /no inbound Deny/,
    ],
    [
      'the app tier open to the internet',
      (t) => rules(t, 'app').unshift(allow('open', '8443', 'Internet')),
      nsg('app'),
      /admits Allow Inbound "open" \(Tcp 8443 from Internet\) from the internet/,
    ],
    ['the data tier open to *', (t) => rules(t, 'data').unshift(allow('open', '5432', '*')), nsg('data'), /from the internet/],
    [
      'the gateway open to the internet on SSH',
      (t) => rules(t, 'gateway').unshift(allow('ssh', '22', '0.0.0.0/0')),
      nsg('gateway'),
      /"ssh" \(Tcp 22 from 0.0.0.0\/0\) from the internet; expected public sources only on 80\/443/,
    ],
    [
      'the bastion open to Any',
      (t) => (ruleNamed(t, 'bastion', 'allow-ssh-allowlist').source_address_prefix = 'Any'),
      nsg('bastion'),
      /from the internet/,
    ],
    [
      'a public IP on the scale set',
      (t) => (vmss(t).network_interface[0].ip_configuration[0].public_ip_address = { name: 'pip' }),
      VMSS,
      /has a public_ip_address block/,
    ],
    [
      'PostgreSQL public access',
      (t) => (server(t).public_network_access_enabled = true),
      DB,
      /public_network_access_enabled is true; expected false/,
    ],
    [
      'PostgreSQL public access left to the default',
      (t) => delete server(t).public_network_access_enabled,
      DB,
      /public_network_access_enabled is absent/,
    ],
    [
      'a public IP on a non-bastion NIC',
      (t) => {
        t.resource.azurerm_network_interface.Worker = {
          name: 'worker',
          ip_configuration: [{ name: 'primary', public_ip_address_id: '${azurerm_public_ip.Bastion_PublicIp_98061092.id}' }],
        };
      },
      'azurerm_network_interface.Worker',
      /public_ip_address_id .* on a NIC of no bastion VM/,
    ],
    [
      'a stray public IP',
      (t) => (t.resource.azurerm_public_ip.Stray = { name: 'stray', sku: 'Standard' }),
      'azurerm_public_ip.Stray',
      /attached to neither an application gateway frontend nor a bastion NIC/,
    ],
  ])('fails with %s', (_name, edit, resource, message) => {
    expectFinding(checkNetTiers(weakened(edit)), resource, message);
  });
});

describe('APP-FROM-GATEWAY (Azure)', () => {
  it('passes the app port from the gateway subnet, SSH from the bastion subnet, HTTPS to the app', () => {
    const result = checkAppFromGateway(primary());
    expectPass(result);
    expect(result.evidence).toEqual(expect.arrayContaining([VMSS, nsg('app'), GW]));
  });

  it('is not applicable without a scale set', () => {
    expectNotApplicable(checkAppFromGateway(empty));
  });

  it('reads separate azurerm_network_security_rule resources too', () => {
    const t = weakened((t) => {
      t.resource.azurerm_network_security_rule = {
        Open: { ...allow('open', '8443', '10.0.0.0/8'), network_security_group_name: `\${${nsg('app')}.name}` },
      };
    });
    expectFinding(
      checkAppFromGateway(t),
      'azurerm_network_security_rule.Open',
      /admits Allow Inbound "open" \(Tcp 8443 from 10.0.0.0\/8\)/,
    );
  });

  it.each<[string, (t: any) => void, string, RegExp]>([
    [
      'the app port open to the VNet',
      (t) => (ruleNamed(t, 'app', 'allow-app-from-gateway').source_address_prefix = 'VirtualNetwork'),
      nsg('app'),
      new RegExp(
        'Tcp 8443 from VirtualNetwork\\); expected only tcp 8443 from the gateway subnet \\(10.30.0.0\\/24\\), 22 from the ' +
          'bastion subnet \\(10.30.1.0\\/26\\)',
      ),
    ],
    [
      'the gateway reaching every port',
      (t) => (ruleNamed(t, 'app', 'allow-app-from-gateway').destination_port_range = '*'),
      nsg('app'),
      /Tcp \* from 10.30.0.0\/24/,
    ],
    [
      'the bastion reaching the app port',
      (t) => (ruleNamed(t, 'app', 'allow-ssh-from-bastion').destination_port_range = '8443'),
      nsg('app'),
      /Tcp 8443 from 10.30.1.0\/26/,
    ],
    ['the data subnet admitted', (t) => rules(t, 'app').unshift(allow('from-data', '8443', '10.30.2.0/24')), nsg('app'), /"from-data"/],
    [
      'the scale set outside the gateway pool',
      (t) => (vmss(t).network_interface[0].ip_configuration[0].application_gateway_backend_address_pool_ids = []),
      VMSS,
      /application_gateway_backend_address_pool_ids is \[\]; expected a backend pool/,
    ],
    [
      'plain HTTP to the app',
      (t) => (only(t, 'azurerm_application_gateway').args.backend_http_settings[0].protocol = 'Http'),
      GW,
      /backend_http_settings "app-https" protocol is "Http"; expected "Https"/,
    ],
    [
      'the app subnet without NSG',
      (t) => (t.resource.azurerm_subnet_network_security_group_association = {}),
      VMSS,
      /app subnet .* has no network security group/,
    ],
  ])('fails with %s', (_name, edit, resource, message) => {
    expectFinding(checkAppFromGateway(weakened(edit)), resource, message);
  });
});

describe('DB-FROM-APP (Azure)', () => {
  it('passes a private server admitting only the app subnet over forced TLS', () => {
    const result = checkDbFromApp(primary());
    expectPass(result);
    expect(result.evidence).toEqual(expect.arrayContaining([DB, nsg('data')]));
  });

  it('passes the DR replica', () => {
    expectPass(checkDbFromApp(dr()));
  });

  it('is not applicable without a database', () => {
    expectNotApplicable(checkDbFromApp(empty));
  });

  const config = (t: any, name: string) =>
    Object.values<any>(t.resource.azurerm_postgresql_flexible_server_configuration).find((c) => c.name === name);
  it.each<[string, (t: any) => void, string, RegExp]>([
    ['public access', (t) => (server(t).public_network_access_enabled = true), DB, /public_network_access_enabled is true; expected false/],
    [
      'a firewall rule',
      (t) =>
        (t.resource.azurerm_postgresql_flexible_server_firewall_rule = {
          All: { server_id: `\${${DB}.id}`, start_ip_address: '0.0.0.0', end_ip_address: '255.255.255.255' },
        }),
      'azurerm_postgresql_flexible_server_firewall_rule.All',
      /firewall rule admits "0.0.0.0"-"255.255.255.255"/,
    ],
    [
      'no delegated subnet',
      (t) => delete server(t).delegated_subnet_id,
      DB,
      /delegated_subnet_id is absent; expected a delegated data subnet/,
    ],
    [
      'the bastion reaching the database',
      (t) => rules(t, 'data').unshift(allow('from-bastion', '5432', '10.30.1.0/26')),
      nsg('data'),
      /admits Allow Inbound "from-bastion" \(Tcp 5432 from 10.30.1.0\/26\); expected only tcp 5432 from the app subnet \(10.30.64.0\/18\)/,
    ],
    [
      'the app reaching every port',
      (t) => (ruleNamed(t, 'data', 'allow-postgres-from-app').destination_port_range = '*'),
      nsg('data'),
      /Tcp \* from 10.30.64.0\/18/,
    ],
    [
      'the data subnet without NSG',
      (t) =>
        delete t.resource.azurerm_subnet_network_security_group_association[
          named(t, 'azurerm_subnet_network_security_group_association', /DataNsg/).address.split('.')[1]
        ],
      DB,
      /data subnet .* has no network security group/,
    ],
    [
      'TLS not required',
      (t) => (config(t, 'require_secure_transport').value = 'off'),
      DB,
      /require_secure_transport is "off"; expected "on"/,
    ],
    [
      'the TLS floor lowered',
      (t) => (config(t, 'ssl_min_protocol_version').value = 'TLSv1.1'),
      DB,
      /ssl_min_protocol_version is "TLSv1.1"/,
    ],
    [
      'TLS parameters missing',
      (t) => delete t.resource.azurerm_postgresql_flexible_server_configuration,
      DB,
      /require_secure_transport is absent/,
    ],
    ['no app tier to admit', (t) => delete t.resource.azurerm_linux_virtual_machine_scale_set, DB, /no app tier/],
  ])('fails with %s', (_name, edit, resource, message) => {
    expectFinding(checkDbFromApp(weakened(edit)), resource, message);
  });
});

describe('BASTION-SSH (Azure)', () => {
  it('passes keys-only hosts, an allowlisted bastion and SSH to the app only from the bastion', () => {
    const result = checkBastionSsh(primary());
    expectPass(result);
    expect(result.evidence).toEqual(expect.arrayContaining([BASTION, VMSS, nsg('bastion')]));
  });

  it('passes the DR network without a bastion VM', () => {
    expectPass(checkBastionSsh(dr()));
  });

  it('gives no bastion exemption by name: a VM named "bastion..." without the marker may not have a public IP', () => {
    // The real bastion VM and its subnet keep their names; only the marker tag is removed.
    const t = weakened((t) => delete only(t, 'azurerm_linux_virtual_machine').args.tags['baseline:role']);
    expect(only(t, 'azurerm_linux_virtual_machine').args.name).toMatch(/bastion/);
    expectFinding(
      checkNetTiers(t),
      named(t, 'azurerm_network_interface', /Bastion/).address,
      /on a NIC of no bastion VM; expected only gateways and bastions to be public/,
    );
  });

  it('takes the bastion tier from the NSG marker, not the subnet name: a subnet named "bastion" gets no SSH path to the app', () => {
    // The DR network keeps a bastion tier without a VM: unmarked, its subnet "snet-bastion" is just
    // a subnet, so the app NSG's SSH rule from it is SSH from elsewhere.
    const t = weakened((t) => delete named(t, NSG, /-bastion$/).args.tags['baseline:tier'], dr);
    expect(Object.values<any>(t.resource.azurerm_subnet).map((s) => s.name)).toContain('snet-bastion');
    expectFinding(
      checkBastionSsh(t),
      named(dr(), NSG, /-app$/).address,
      /admits SSH: .*expected SSH only from the bastion subnet \(none found\)/,
    );
  });

  it('is not applicable without hosts or NSGs', () => {
    expectNotApplicable(checkBastionSsh(empty));
  });

  it('honours a narrower allowlist option', () => {
    expectFinding(
      checkBastionSsh(primary(), { maxAllowlistPrefix: { ipv4: 29, ipv6: 64 } }),
      nsg('bastion'),
      /admits SSH from "198.51.100.0\/28"; expected ipv4 prefixes of \/29 or narrower/,
    );
  });

  it.each<[string, (t: any) => void, string, RegExp]>([
    [
      'password logins on the bastion',
      (t) => (only(t, 'azurerm_linux_virtual_machine').args.disable_password_authentication = false),
      BASTION,
      /disable_password_authentication is false; expected true/,
    ],
    [
      'password logins on the scale set by default',
      (t) => delete vmss(t).disable_password_authentication,
      VMSS,
      /disable_password_authentication is absent/,
    ],
    ['an admin password', (t) => (vmss(t).admin_password = 'hunter2'), VMSS, /admin_password is set/],
    [
      'sshd passwords re-enabled by cloud-init',
      (t) =>
        (only(t, 'azurerm_linux_virtual_machine').args.custom_data = Buffer.from('#cloud-config\nssh_pwauth: true\n').toString('base64')),
      BASTION,
      /custom_data turns SSH password authentication on/,
    ],
    [
      'SSH from anywhere',
      (t) => (ruleNamed(t, 'bastion', 'allow-ssh-allowlist').source_address_prefix = '0.0.0.0/0'),
      nsg('bastion'),
      /admits SSH from "0.0.0.0\/0"; expected ipv4 prefixes of \/24 or narrower, never the whole internet/,
    ],
    [
      'SSH from the Internet tag',
      (t) => (ruleNamed(t, 'bastion', 'allow-ssh-allowlist').source_address_prefix = 'Internet'),
      nsg('bastion'),
      /admits SSH from "Internet"; expected literal allowlisted CIDRs/,
    ],
    [
      'a /16 allowlist entry',
      (t) => (ruleNamed(t, 'bastion', 'allow-ssh-allowlist').source_address_prefix = '198.51.0.0/16'),
      nsg('bastion'),
      /"198.51.0.0\/16"; expected ipv4 prefixes of \/24 or narrower/,
    ],
    [
      'the bastion open on another port',
      (t) => rules(t, 'bastion').unshift(allow('rdp', '3389', '198.51.100.0/28')),
      nsg('bastion'),
      /admits Allow Inbound "rdp" \(Tcp 3389 .*; expected only tcp 22/,
    ],
    [
      'SSH to the app from the gateway subnet',
      (t) => (ruleNamed(t, 'app', 'allow-ssh-from-bastion').source_address_prefix = '10.30.0.0/24'),
      nsg('app'),
      /admits SSH: .*from 10.30.0.0\/24\); expected SSH only from the bastion subnet \(10.30.1.0\/26\)/,
    ],
    [
      'SSH to the data tier through a port range',
      (t) => rules(t, 'data').unshift(allow('range', '20-30', '10.30.64.0/18')),
      nsg('data'),
      /admits SSH: Allow Inbound "range"/,
    ],
  ])('fails with %s', (_name, edit, resource, message) => {
    expectFinding(checkBastionSsh(weakened(edit)), resource, message);
  });
});
