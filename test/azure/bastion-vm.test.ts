import { TerraformOutput } from 'cdktf';
import { BastionVm, cloudConfig, type BastionVmProps } from '../../lib/azure/bastion-vm';
import { KEYS } from '../fixtures/ssh-keys';
import { LOCATION, onlyResource, RG, synthAzure, type TfJson } from './support';

const SUBNET =
  '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-test/providers/Microsoft.Network/virtualNetworks/vnet' +
  '/subnets/bastion';
const WORKSPACE =
  '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-test/providers/Microsoft.OperationalInsights/workspaces/log-acme';
const DES =
  '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-test/providers/Microsoft.Compute/diskEncryptionSets/des-bastion';
const ECDSA =
  'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBLjAI7G2jZ4/NmgI6Ax9/OWF2HqZhu8nuW6A+Jur9o6uNJ7UONe' +
  'ykIx9pQ57UgFquoz6Geij/crteO7x2jz/n2w= dave@example.com';

const props: BastionVmProps = {
  resourceGroupName: RG,
  location: LOCATION,
  name: 'vm-bastion',
  subnetId: SUBNET,
  workspaceId: WORKSPACE,
  breakGlassPublicKey: KEYS.breakGlass,
  users: [
    { name: 'alice', publicKeys: [ECDSA.replace('dave', 'alice'), KEYS.ed25519] },
    { name: 'bob', publicKeys: [KEYS.rsa4096] },
  ],
};

function synth(p: BastionVmProps): TfJson {
  return synthAzure((s) => {
    const bastion = new BastionVm(s, 'Bastion', p);
    new TerraformOutput(s, 'VmId', { value: bastion.vmId });
    new TerraformOutput(s, 'PublicIpAddress', { value: bastion.publicIpAddress });
  });
}
const vmOf = (p: BastionVmProps) => onlyResource(synth(p), 'azurerm_linux_virtual_machine');
const cloudInitOf = (p: BastionVmProps) => Buffer.from(vmOf(p).custom_data, 'base64').toString('utf8');

describe('BastionVm', () => {
  it('tags the VM, and only the VM, as the bastion: the marker the checks recognise it by', () => {
    const json = synth({ ...props, tags: { team: 'platform' } });
    expect(onlyResource(json, 'azurerm_linux_virtual_machine').tags).toEqual({ team: 'platform', 'baseline:role': 'bastion' });
    expect(onlyResource(json, 'azurerm_network_interface').tags).toEqual({ team: 'platform' });
  });

  it("logs in with keys only: the admin account holds only the break-glass key, no person's", () => {
    const vm = vmOf(props);
    expect(vm.admin_username).toBe('azureops');
    expect(vm.disable_password_authentication).toBe(true);
    expect(vm.admin_password).toBeUndefined();
    expect(vm.admin_ssh_key).toEqual([{ username: 'azureops', public_key: KEYS.breakGlass }]);
  });

  it('admits the admin account in sshd only with the break-glass opt-in', () => {
    expect(cloudInitOf(props)).toContain('AllowUsers alice bob\n');
    expect(cloudInitOf({ ...props, breakGlassLogin: true })).toContain('AllowUsers alice bob azureops\n');
  });

  it('creates one locked-password account per person with only their keys', () => {
    expect(cloudConfig(props.users)).toBe(
      [
        '#cloud-config',
        'ssh_pwauth: false',
        'disable_root: true',
        'users:',
        '  - default',
        '  - name: "alice"',
        '    shell: /bin/bash',
        '    lock_passwd: true',
        '    ssh_authorized_keys:',
        `      - "${ECDSA.replace('dave', 'alice')}"`,
        `      - "${KEYS.ed25519}"`,
        '  - name: "bob"',
        '    shell: /bin/bash',
        '    lock_passwd: true',
        '    ssh_authorized_keys:',
        `      - "${KEYS.rsa4096}"`,
        'write_files:',
        '  - path: /etc/ssh/sshd_config.d/00-baseline.conf',
        '    owner: root:root',
        "    permissions: '0600'",
        '    content: |',
        '      PasswordAuthentication no',
        '      KbdInteractiveAuthentication no',
        '      PermitRootLogin no',
        '      PubkeyAuthentication yes',
        '      AuthenticationMethods publickey',
        '      PermitEmptyPasswords no',
        '      MaxAuthTries 3',
        '      LoginGraceTime 30',
        '      LogLevel VERBOSE',
        '      X11Forwarding no',
        '      AllowAgentForwarding no',
        '      PermitTunnel no',
        '      AllowUsers alice bob',
        'runcmd:',
        '  - [systemctl, restart, ssh]',
        '',
      ].join('\n'),
    );
  });

  it('passes that document base64-encoded as custom_data, so a user change replaces the VM', () => {
    expect(cloudInitOf(props)).toBe(cloudConfig(props.users));
    const other = cloudInitOf({ ...props, users: [props.users[0]] });
    expect(other).toContain('AllowUsers alice\n');
    expect(other).not.toContain('bob');
  });

  it('runs Trusted Launch with encryption at host, in zone 1, from Ubuntu 24.04', () => {
    const vm = vmOf(props);
    expect(vm.size).toBe('Standard_D2as_v5');
    expect(vm.zone).toBe('1');
    expect(vm.encryption_at_host_enabled).toBe(true);
    expect(vm.secure_boot_enabled).toBe(true);
    expect(vm.vtpm_enabled).toBe(true);
    expect(vm.os_disk).toEqual({ caching: 'ReadWrite', storage_account_type: 'Premium_LRS' });
    expect(vm.source_image_reference).toEqual({ publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server', version: 'latest' });
    expect(vm.boot_diagnostics).toEqual({});
    expect(vm.identity).toEqual({ type: 'SystemAssigned' });
    expect(vm.allow_extension_operations).toBe(true);
    expect(vm.network_interface_ids).toEqual([expect.stringMatching(/^\$\{azurerm_network_interface\..*\.id\}$/)]);
  });

  it('sits behind a static Standard public IP on its own interface', () => {
    const json = synth(props);
    expect(onlyResource(json, 'azurerm_public_ip')).toEqual({
      name: 'vm-bastion-pip',
      resource_group_name: RG,
      location: LOCATION,
      sku: 'Standard',
      sku_tier: 'Regional',
      allocation_method: 'Static',
      ip_version: 'IPv4',
      zones: ['1'],
    });
    const nic = onlyResource(json, 'azurerm_network_interface');
    expect(nic.ip_forwarding_enabled).toBe(false);
    expect(nic.ip_configuration).toEqual([
      {
        name: 'primary',
        primary: true,
        subnet_id: SUBNET,
        private_ip_address_allocation: 'Dynamic',
        private_ip_address_version: 'IPv4',
        public_ip_address_id: expect.stringMatching(/^\$\{azurerm_public_ip\..*\.id\}$/),
      },
    ]);
    const out = json.output as any;
    expect(out.VmId.value).toMatch(/^\$\{azurerm_linux_virtual_machine\.Bastion_[A-Z0-9]+\.id\}$/);
    expect(out.PublicIpAddress.value).toMatch(/^\$\{azurerm_public_ip\..*\.ip_address\}$/);
  });

  it('ships the auth and authpriv syslog to the workspace through the Azure Monitor Agent', () => {
    const json = synth(props);
    expect(onlyResource(json, 'azurerm_virtual_machine_extension')).toEqual({
      name: 'AzureMonitorLinuxAgent',
      virtual_machine_id: expect.stringMatching(/^\$\{azurerm_linux_virtual_machine\..*\.id\}$/),
      publisher: 'Microsoft.Azure.Monitor',
      type: 'AzureMonitorLinuxAgent',
      type_handler_version: '1.0',
      auto_upgrade_minor_version: true,
      automatic_upgrade_enabled: true,
    });
    const rule = onlyResource(json, 'azurerm_monitor_data_collection_rule');
    expect(rule.kind).toBe('Linux');
    expect(rule.data_sources).toEqual({
      syslog: [{ name: 'auth', facility_names: ['auth', 'authpriv'], log_levels: ['*'], streams: ['Microsoft-Syslog'] }],
    });
    expect(rule.destinations).toEqual({ log_analytics: [{ name: 'workspace', workspace_resource_id: WORKSPACE }] });
    expect(rule.data_flow).toEqual([{ streams: ['Microsoft-Syslog'], destinations: ['workspace'] }]);
    const association = onlyResource(json, 'azurerm_monitor_data_collection_rule_association');
    expect(association.target_resource_id).toMatch(/^\$\{azurerm_linux_virtual_machine\..*\.id\}$/);
    expect(association.data_collection_rule_id).toMatch(/^\$\{azurerm_monitor_data_collection_rule\..*\.id\}$/);
  });

  it('takes a customer-managed disk key, zone, size and admin name', () => {
    const json = synth({ ...props, diskEncryptionSetId: DES, zone: '3', vmSize: 'Standard_D2ads_v5', adminUsername: 'breakglass' });
    const vm = onlyResource(json, 'azurerm_linux_virtual_machine');
    expect(vm.os_disk.disk_encryption_set_id).toBe(DES);
    expect(vm.zone).toBe('3');
    expect(vm.size).toBe('Standard_D2ads_v5');
    expect(vm.admin_ssh_key[0].username).toBe('breakglass');
    expect(onlyResource(json, 'azurerm_public_ip').zones).toEqual(['3']);
  });

  describe('rejects', () => {
    const fails = (p: Partial<BastionVmProps>) => () => synth({ ...props, ...p });
    const alice = props.users[0];
    it('a malformed name', () => {
      expect(fails({ name: 'vm_bastion' })).toThrow(/name "vm_bastion" is invalid/);
    });
    it('a malformed vmSize', () => {
      expect(fails({ vmSize: 'large' })).toThrow(/vmSize "large" is invalid/);
    });
    it('a zone outside 1-3', () => {
      expect(fails({ zone: '4' })).toThrow(/zone "4" is invalid/);
    });
    it('a workspace id that is not a Log Analytics workspace', () => {
      expect(fails({ workspaceId: 'log-acme' })).toThrow(/workspaceId "log-acme" is invalid/);
    });
    it('a minRsaBits below 2048', () => {
      expect(fails({ minRsaBits: 1024 })).toThrow(/minRsaBits 1024 is invalid/);
    });
    it.each(['root', 'Admin', 'admin'])('adminUsername %p', (adminUsername) => {
      expect(fails({ adminUsername })).toThrow(/adminUsername .* is invalid/);
    });
    it('no users', () => {
      expect(fails({ users: [] })).toThrow(/users is empty/);
    });
    it.each(['root', 'ubuntu', 'Alice', 'a b'])('user name %p', (name) => {
      expect(fails({ users: [{ ...alice, name }] })).toThrow(/users\[0\]\.name .* is invalid/);
    });
    it('a user named like the admin account', () => {
      expect(fails({ users: [{ ...alice, name: 'azureops' }] })).toThrow(/users\[0\]\.name "azureops" is the adminUsername/);
    });
    it('a duplicate user', () => {
      expect(fails({ users: [alice, { name: 'alice', publicKeys: [KEYS.otherEd25519] }] })).toThrow(
        /users\[1\]\.name "alice" duplicates users\[0\]/,
      );
    });
    it('a user without keys', () => {
      expect(fails({ users: [{ name: 'alice', publicKeys: [] }] })).toThrow(/users\[0\]\.publicKeys is empty/);
    });
    it('an RSA key below minRsaBits', () => {
      expect(fails({ users: [{ name: 'alice', publicKeys: [KEYS.rsa2048] }] })).toThrow(
        /users\[0\]\.publicKeys\[0\] is an RSA key of 2048 bits/,
      );
    });
    it('a DSA key', () => {
      expect(fails({ users: [{ name: 'alice', publicKeys: [KEYS.dsa] }] })).toThrow(/users\[0\]\.publicKeys\[0\] is a DSA key/);
    });
    it('text that is not a public key', () => {
      expect(fails({ users: [{ name: 'alice', publicKeys: ['ssh-ed25519 notbase64'] }] })).toThrow(
        /users\[0\]\.publicKeys\[0\] is not an OpenSSH public key/,
      );
    });
    it('one key shared by two people', () => {
      expect(fails({ users: [alice, { name: 'bob', publicKeys: [KEYS.ed25519] }] })).toThrow(
        /users\[1\]\.publicKeys\[0\] is the same key as users\[0\]\.publicKeys\[1\]/,
      );
    });
    it("a break-glass key that is a person's key (a shared account in disguise)", () => {
      expect(fails({ breakGlassPublicKey: KEYS.rsa4096 })).toThrow(
        /breakGlassPublicKey is the key of users\[1\]\.publicKeys\[0\] .*no person uses/,
      );
    });
    it('an ECDSA break-glass key (Azure refuses them for the admin account)', () => {
      expect(fails({ breakGlassPublicKey: ECDSA })).toThrow(
        /breakGlassPublicKey is an ECDSA key .* Azure accepts only ssh-ed25519 and ssh-rsa/,
      );
    });
    it("users whose cloud-init document exceeds Azure's 64 KB", () => {
      const many = Array.from({ length: 25 }, (_, u) => ({
        name: `user${u}`,
        publicKeys: Array.from({ length: 25 }, (_, k) => ed25519Key(u * 100 + k)),
      }));
      expect(fails({ users: many })).toThrow(/cloud-init document of \d+ base64 bytes; Azure accepts at most 65535/);
    });
  });
});

/** A distinct, well-formed Ed25519 public key for each seed (test data only, no private half). */
function ed25519Key(seed: number): string {
  const field = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  const point = Buffer.alloc(32, 7);
  point.writeUInt32BE(seed, 0);
  return `ssh-ed25519 ${Buffer.concat([field(Buffer.from('ssh-ed25519')), field(point)]).toString('base64')}`;
}
