import { TerraformOutput } from 'cdktf';
import { AppScaleSet, type AppScaleSetProps } from '../../lib/azure/app-scale-set';
import { APPROVED_VM_EXTENSIONS, hostCloudConfig } from '../../lib/azure/host-cloud-init';
import { KEYS } from '../fixtures/ssh-keys';
import { LOCATION, onlyResource, RG, synthAzure, type TfJson } from './support';

const SUBNET =
  '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-test/providers/Microsoft.Network/virtualNetworks/vnet/subnets/app';
const POOL =
  '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-test/providers/Microsoft.Network/applicationGateways/' +
  'agw/backendAddressPools/app';
const DES =
  '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-test/providers/Microsoft.Compute/diskEncryptionSets/des-app';
const IDENTITY =
  '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-test/providers/Microsoft.ManagedIdentity/userAssigned' +
  'Identities/id-app';
const WORKSPACE =
  '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-test/providers/Microsoft.OperationalInsights/workspaces/log-acme';
const ECDSA =
  'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBLjAI7G2jZ4/NmgI6Ax9/OWF2HqZhu8nuW6A+Jur9o6uNJ7UONe' +
  'ykIx9pQ57UgFquoz6Geij/crteO7x2jz/n2w= dave@example.com';

const props: AppScaleSetProps = {
  resourceGroupName: RG,
  location: LOCATION,
  name: 'vmss-app',
  subnetId: SUBNET,
  backendPoolId: POOL,
  users: [
    { name: 'alice', publicKeys: [KEYS.ed25519] },
    { name: 'bob', publicKeys: [KEYS.rsa4096] },
  ],
  breakGlassPublicKey: KEYS.breakGlass,
  authLogWorkspaceId: WORKSPACE,
};

function synth(p: AppScaleSetProps): TfJson {
  return synthAzure((s) => {
    new TerraformOutput(s, 'ScaleSetId', { value: new AppScaleSet(s, 'App', p).scaleSetId });
  });
}
const vmssOf = (p: AppScaleSetProps) => onlyResource(synth(p), 'azurerm_linux_virtual_machine_scale_set');
const autoscaleOf = (p: AppScaleSetProps) => onlyResource(synth(p), 'azurerm_monitor_autoscale_setting');

describe('AppScaleSet', () => {
  it("logs in with SSH keys only: the admin account holds only the break-glass key, no person's", () => {
    const vmss = vmssOf(props);
    expect(vmss.admin_username).toBe('azureops');
    expect(vmss.disable_password_authentication).toBe(true);
    expect(vmss.admin_password).toBeUndefined();
    expect(vmss.admin_ssh_key).toEqual([{ username: 'azureops', public_key: KEYS.breakGlass }]);
  });

  it('creates one account per person with only their keys, sshd admitting only them and forwarding nothing', () => {
    const init = Buffer.from(vmssOf(props).custom_data, 'base64').toString('utf8');
    expect(init).toBe(hostCloudConfig(props.users, { role: 'app', adminUsername: 'azureops' }));
    expect(init).toContain(
      `  - name: "alice"\n    shell: /bin/bash\n    lock_passwd: true\n    ssh_authorized_keys:\n      - "${KEYS.ed25519}"\n`,
    );
    expect(init).toContain('      AllowUsers alice bob\n');
    for (const line of ['PasswordAuthentication no', 'PermitRootLogin no', 'AllowTcpForwarding no', 'LogLevel VERBOSE'])
      expect(init).toContain(`      ${line}\n`);
    expect(init).not.toContain(KEYS.breakGlass);
    expect(Buffer.from(vmssOf({ ...props, breakGlassLogin: true }).custom_data, 'base64').toString('utf8')).toContain(
      'AllowUsers alice bob azureops\n',
    );
  });

  it('points apt at the package mirror given by host name', () => {
    const init = Buffer.from(vmssOf({ ...props, aptMirror: 'mirror.example.com' }).custom_data, 'base64').toString('utf8');
    expect(init).toContain(
      'apt:\n  primary:\n    - arches: [default]\n      uri: "http://mirror.example.com/ubuntu/"\n  security:\n    - arches: ' +
        '[default]\n      uri: "http://mirror.example.com/ubuntu/"\n',
    );
    expect(() => vmssOf({ ...props, aptMirror: 'http://mirror' })).toThrow(/aptMirror "http:\/\/mirror" is invalid/);
  });

  it('ships the SSH authentication log to the workspace through the Azure Monitor Agent, marked as host auth logs', () => {
    const json = synth(props);
    const rule = onlyResource(json, 'azurerm_monitor_data_collection_rule');
    expect(rule.data_sources).toEqual({
      syslog: [{ name: 'auth', facility_names: ['auth', 'authpriv'], log_levels: ['*'], streams: ['Microsoft-Syslog'] }],
    });
    expect(rule.destinations).toEqual({ log_analytics: [{ name: 'workspace', workspace_resource_id: WORKSPACE }] });
    expect(rule.tags).toEqual({ 'baseline:log-class': 'host-auth' });
    const association = onlyResource(json, 'azurerm_monitor_data_collection_rule_association');
    expect(association.target_resource_id).toMatch(/^\$\{azurerm_linux_virtual_machine_scale_set\..*\.id\}$/);
    expect(vmssOf(props).identity).toEqual({ type: 'SystemAssigned' });
  });

  it('runs Trusted Launch with encryption at host, and only the approved Azure Monitor Agent extension', () => {
    const vmss = vmssOf(props);
    expect(vmss.encryption_at_host_enabled).toBe(true);
    expect(vmss.secure_boot_enabled).toBe(true);
    expect(vmss.vtpm_enabled).toBe(true);
    expect(vmss.extension_operations_enabled).toBe(true);
    expect(vmss.extension).toEqual([
      {
        name: 'AzureMonitorLinuxAgent',
        publisher: 'Microsoft.Azure.Monitor',
        type: 'AzureMonitorLinuxAgent',
        type_handler_version: '1.0',
        auto_upgrade_minor_version: true,
        automatic_upgrade_enabled: true,
      },
    ]);
    for (const ext of vmss.extension)
      expect(APPROVED_VM_EXTENSIONS.some((a) => a.publisher === ext.publisher && a.type === ext.type)).toBe(true);
    expect(vmss.automatic_instance_repair).toBeUndefined();
    expect(vmss.os_disk).toEqual({ caching: 'ReadWrite', storage_account_type: 'Premium_LRS' });
    expect(vmss.source_image_reference).toEqual({ publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server', version: 'latest' });
    expect(vmss.boot_diagnostics).toEqual({});
  });

  it('spreads 2 instances evenly over three zones, upgraded by Terraform', () => {
    const vmss = vmssOf(props);
    expect(vmss.sku).toBe('Standard_D2as_v5');
    expect(vmss.instances).toBe(2);
    expect(vmss.zones).toEqual(['1', '2', '3']);
    expect(vmss.zone_balance).toBe(true);
    expect(vmss.overprovision).toBe(false);
    expect(vmss.upgrade_mode).toBe('Manual');
    expect(vmss.lifecycle).toEqual({ ignore_changes: ['instances'] });
    expect(vmss.tags).toBeUndefined();
  });

  it('joins the gateway backend pool with a private address only', () => {
    expect(vmssOf(props).network_interface).toEqual([
      {
        name: 'app',
        primary: true,
        enable_ip_forwarding: false,
        ip_configuration: [
          { name: 'app', primary: true, version: 'IPv4', subnet_id: SUBNET, application_gateway_backend_address_pool_ids: [POOL] },
        ],
      },
    ]);
  });

  it('autoscales on CPU between 2 and 6 instances', () => {
    const autoscale = autoscaleOf(props);
    expect(autoscale).toMatchObject({
      name: 'vmss-app-autoscale',
      enabled: true,
      target_resource_id: expect.stringMatching(/^\$\{azurerm_linux_virtual_machine_scale_set\..*\.id\}$/),
    });
    expect(autoscale.profile).toHaveLength(1);
    expect(autoscale.profile[0].capacity).toEqual({ default: 2, minimum: 2, maximum: 6 });
    const [out, inn] = autoscale.profile[0].rule;
    expect(out.metric_trigger).toMatchObject({
      metric_name: 'Percentage CPU',
      operator: 'GreaterThan',
      threshold: 70,
      time_window: 'PT10M',
    });
    expect(out.scale_action).toEqual({ direction: 'Increase', type: 'ChangeCount', value: 1, cooldown: 'PT5M' });
    expect(inn.metric_trigger).toMatchObject({ metric_name: 'Percentage CPU', operator: 'LessThan', threshold: 30 });
    expect(inn.scale_action).toEqual({ direction: 'Decrease', type: 'ChangeCount', value: 1, cooldown: 'PT10M' });
  });

  it('takes a customer-managed disk key, identities, image, size, admin and capacity', () => {
    const p = {
      ...props,
      diskEncryptionSetId: DES,
      identityIds: [IDENTITY],
      sourceImageId: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/app/versions/1.0.0',
      vmSize: 'Standard_D4as_v5',
      adminUsername: 'ops',
      minCapacity: 3,
      instances: 4,
      maxCapacity: 9,
      zones: ['1', '2'],
    };
    const vmss = vmssOf(p);
    expect(vmss.os_disk).toEqual({ caching: 'ReadWrite', storage_account_type: 'Premium_LRS', disk_encryption_set_id: DES });
    expect(vmss.identity).toEqual({ type: 'SystemAssigned, UserAssigned', identity_ids: [IDENTITY] });
    expect(vmss.source_image_id).toBe(p.sourceImageId);
    expect(vmss.source_image_reference).toBeUndefined();
    expect(vmss.sku).toBe('Standard_D4as_v5');
    expect(vmss.admin_ssh_key).toEqual([{ username: 'ops', public_key: KEYS.breakGlass }]);
    expect(vmss.instances).toBe(4);
    expect(vmss.zones).toEqual(['1', '2']);
    expect(autoscaleOf(p).profile[0].capacity).toEqual({ default: 4, minimum: 3, maximum: 9 });
  });

  it('runs a warm standby at 0 instances, tagged as such', () => {
    const p = { ...props, standby: true, tags: { env: 'dr' } };
    const vmss = vmssOf(p);
    expect(vmss.instances).toBe(0);
    expect(vmss.tags).toEqual({ env: 'dr', 'baseline:standby': 'warm-standby' });
    expect(autoscaleOf(p).profile[0].capacity).toEqual({ default: 0, minimum: 0, maximum: 6 });
  });

  it('with allowExtensions, adds the health extension and replaces unhealthy instances', () => {
    const vmss = vmssOf({ ...props, allowExtensions: true, appPort: 9443, healthCheckPath: '/ready' });
    expect(vmss.extension_operations_enabled).toBe(true);
    expect(vmss.extension).toEqual([
      {
        name: 'AzureMonitorLinuxAgent',
        publisher: 'Microsoft.Azure.Monitor',
        type: 'AzureMonitorLinuxAgent',
        type_handler_version: '1.0',
        auto_upgrade_minor_version: true,
        automatic_upgrade_enabled: true,
      },
      {
        name: 'health',
        publisher: 'Microsoft.ManagedServices',
        type: 'ApplicationHealthLinux',
        type_handler_version: '1.0',
        auto_upgrade_minor_version: true,
        automatic_upgrade_enabled: true,
        settings: JSON.stringify({ protocol: 'https', port: 9443, requestPath: '/ready' }),
      },
    ]);
    expect(vmss.automatic_instance_repair).toEqual({ enabled: true, grace_period: 'PT10M', action: 'Replace' });
  });

  it('exposes the scale set id', () => {
    expect((synth(props).output as any).ScaleSetId.value).toMatch(/^\$\{azurerm_linux_virtual_machine_scale_set\.App_[A-Z0-9]+\.id\}$/);
  });

  describe('rejects', () => {
    const fails = (p: Partial<AppScaleSetProps>) => () => synth({ ...props, ...p });
    it('a malformed name', () => {
      expect(fails({ name: 'vmss_app' })).toThrow(/name "vmss_app" is invalid/);
    });
    it('a malformed vmSize', () => {
      expect(fails({ vmSize: 'D2as_v5' })).toThrow(/vmSize "D2as_v5" is invalid/);
    });
    it.each(['root', 'admin', 'Ops', '1ops'])('adminUsername %p', (adminUsername) => {
      expect(fails({ adminUsername })).toThrow(/adminUsername .* is invalid/);
    });
    it("a minRsaBits below Azure's floor", () => {
      expect(fails({ minRsaBits: 1024 })).toThrow(/minRsaBits 1024 is invalid/);
    });
    it('no person', () => {
      expect(fails({ users: [] })).toThrow(/users is empty/);
    });
    it('a person without a key', () => {
      expect(fails({ users: [{ name: 'alice', publicKeys: [] }] })).toThrow(/users\[0\]\.publicKeys is empty/);
    });
    it('a shared account name', () => {
      expect(fails({ users: [{ name: 'ubuntu', publicKeys: [KEYS.ed25519] }] })).toThrow(/users\[0\]\.name "ubuntu" is invalid/);
    });
    it('one key shared by two people', () => {
      expect(
        fails({
          users: [
            { name: 'alice', publicKeys: [KEYS.ed25519] },
            { name: 'bob', publicKeys: [KEYS.ed25519] },
          ],
        }),
      ).toThrow(/users\[1\]\.publicKeys\[0\] is the same key as users\[0\]\.publicKeys\[0\]/);
    });
    it("a break-glass key that is a person's key (the shared admin account)", () => {
      expect(fails({ breakGlassPublicKey: KEYS.ed25519 })).toThrow(/breakGlassPublicKey is the key of users\[0\]\.publicKeys\[0\]/);
    });
    it('an ECDSA break-glass key, which Azure refuses for admin accounts', () => {
      expect(fails({ breakGlassPublicKey: ECDSA })).toThrow(
        /breakGlassPublicKey is an ECDSA key .* Azure accepts only ssh-ed25519 and ssh-rsa/,
      );
    });
    it('an RSA break-glass key below minRsaBits', () => {
      expect(fails({ breakGlassPublicKey: KEYS.rsa2048 })).toThrow(/breakGlassPublicKey is an RSA key of 2048 bits/);
    });
    it('a break-glass DSA key', () => {
      expect(fails({ breakGlassPublicKey: KEYS.dsa })).toThrow(/breakGlassPublicKey is a DSA key/);
    });
    it('a break-glass text that is not a public key', () => {
      expect(fails({ breakGlassPublicKey: 'ssh-ed25519 notbase64' })).toThrow(/breakGlassPublicKey is not an OpenSSH public key/);
    });
    it('a workspace id that is not a Log Analytics workspace', () => {
      expect(fails({ authLogWorkspaceId: 'log-acme' })).toThrow(/authLogWorkspaceId "log-acme" is invalid/);
    });
    it('a minCapacity below 2 without standby', () => {
      expect(fails({ minCapacity: 1 })).toThrow(/minCapacity 1 is out of range; expected 2 to 100 .* standby: true/);
    });
    it('a negative minCapacity on a standby', () => {
      expect(fails({ standby: true, minCapacity: -1 })).toThrow(
        /minCapacity -1 is out of range; expected a whole number of instances from 0/,
      );
    });
    it.each([1, 101])('maxCapacity %p', (maxCapacity) => {
      expect(fails({ maxCapacity })).toThrow(/maxCapacity .* out of range/);
    });
    it('a maxCapacity below minCapacity', () => {
      expect(fails({ minCapacity: 4, maxCapacity: 3 })).toThrow(/maxCapacity 3 is out of range; expected a whole number from 4/);
    });
    it.each([1, 7, 2.5])('instances %p outside min..max', (instances) => {
      expect(fails({ instances })).toThrow(/instances .* out of range/);
    });
    it.each([[['2']], [['2', '2']], [['0', '1']]])('zones %j', (zones) => {
      expect(fails({ zones })).toThrow(/zones .* is invalid/);
    });
    it('an appPort outside 1-65535', () => {
      expect(fails({ appPort: 0 })).toThrow(/appPort 0 is out of range/);
    });
    it('a health check path without a leading slash', () => {
      expect(fails({ healthCheckPath: 'healthz' })).toThrow(/healthCheckPath "healthz" is invalid/);
    });
    it('an empty identity list', () => {
      expect(fails({ identityIds: [] })).toThrow(/identityIds is empty/);
    });
  });
});
