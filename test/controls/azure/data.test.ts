import { checkHaMultizone } from '../../../lib/controls/azure/availability';
import { checkDetectThreats } from '../../../lib/controls/azure/detection';
import { checkDrRegion } from '../../../lib/controls/azure/dr';
import { checkEncRest, checkEncTransit } from '../../../lib/controls/azure/encryption';
import { checkLogCentral, checkLogRetention } from '../../../lib/controls/azure/logging';
import { checkSecrets } from '../../../lib/controls/azure/secrets';
import { checkBackup, checkStoragePrivate } from '../../../lib/controls/azure/storage';
import type { Check } from '../../../lib/controls/types';
import { dr, every, expectFinding, expectNotApplicable, expectPass, named, only, primary, weakened } from './support';

const p = primary();
const SA = named(p, 'azurerm_storage_account', /stacmedata/).address;
const sa = (t: any) => named(t, 'azurerm_storage_account', /stacmedata/).args;
const FLOW_SA = named(p, 'azurerm_storage_account', /stfl/).address;
const flowLogSa = (t: any) => named(t, 'azurerm_storage_account', /stfl/).args;
const DB = only(p, 'azurerm_postgresql_flexible_server').address;
const db = (t: any) => only(t, 'azurerm_postgresql_flexible_server').args;
const KEY = named(p, 'azurerm_key_vault_key', /KeyDatabase/).address;
const key = (t: any) => named(t, 'azurerm_key_vault_key', /KeyDatabase/).args;
const KV = only(p, 'azurerm_key_vault').address;
const kv = (t: any) => only(t, 'azurerm_key_vault').args;
const VM = only(p, 'azurerm_linux_virtual_machine').address;
const vm = (t: any) => only(t, 'azurerm_linux_virtual_machine').args;
const VMSS = only(p, 'azurerm_linux_virtual_machine_scale_set').address;
const vmss = (t: any) => only(t, 'azurerm_linux_virtual_machine_scale_set').args;
const RSV = only(p, 'azurerm_recovery_services_vault').address;
const rsv = (t: any) => only(t, 'azurerm_recovery_services_vault').args;
const GW = only(p, 'azurerm_application_gateway').address;
const gw = (t: any) => only(t, 'azurerm_application_gateway').args;
const WS = only(p, 'azurerm_log_analytics_workspace').address;
const ws = (t: any) => only(t, 'azurerm_log_analytics_workspace').args;
const FL = only(p, 'azurerm_network_watcher_flow_log').address;
const fl = (t: any) => only(t, 'azurerm_network_watcher_flow_log').args;
const DES = only(p, 'azurerm_disk_encryption_set').address;
const AUTOSCALE = only(p, 'azurerm_monitor_autoscale_setting').address;
const BV = only(p, 'azurerm_data_protection_backup_vault').address;
const bv = (t: any) => only(t, 'azurerm_data_protection_backup_vault').args;
const BLOB_POLICY = only(p, 'azurerm_data_protection_backup_policy_blob_storage').address;
const blobPolicy = (t: any) => only(t, 'azurerm_data_protection_backup_policy_blob_storage').args;
const INSTANCE = only(p, 'azurerm_data_protection_backup_instance_blob_storage').address;
const instance = (t: any) => only(t, 'azurerm_data_protection_backup_instance_blob_storage').args;
const EXPORTS = named(p, 'azurerm_storage_container', /exports/).address;
const dropWhere = (t: any, type: string, match: (args: any) => boolean) => {
  for (const [name, args] of Object.entries<any>(t.resource[type] ?? {})) if (match(args)) delete t.resource[type][name];
};
const config = (t: any, name: string) =>
  Object.values<any>(t.resource.azurerm_postgresql_flexible_server_configuration).find((c) => c.name === name);
const dropDiagnostics = (t: any, target: RegExp) => {
  for (const [name, s] of Object.entries<any>(t.resource.azurerm_monitor_diagnostic_setting))
    if (target.test(s.target_resource_id)) delete t.resource.azurerm_monitor_diagnostic_setting[name];
};
const TEMPLATE = '(template)';
const ACTIVITY = named(p, 'azurerm_monitor_diagnostic_setting', /^ActivityLog_Subscription/).address;
const activity = (t: any) => named(t, 'azurerm_monitor_diagnostic_setting', /^ActivityLog_Subscription/).args;
const ACTIVITY_POLICY = named(p, 'azurerm_storage_container_immutability_policy', /insights-activity-logs/).address;
const activityPolicy = (t: any) => named(t, 'azurerm_storage_container_immutability_policy', /insights-activity-logs/).args;
const ENTRA = only(p, 'azurerm_monitor_aad_diagnostic_setting').address;
const empty = { resource: { azurerm_resource_group: { rg: { name: 'rg' } } } };

type Case = [string, (t: any) => void, string, RegExp];
function suite(title: string, check: Check, cases: Case[], extra?: () => void, none: any = empty): void {
  describe(title, () => {
    it('passes the primary region stack', () => expectPass(check(primary())));
    it('passes the DR region stack', () => {
      const r = check(dr());
      if (r.status !== 'not-applicable') expectPass(r);
    });
    it('is not applicable to a stack without the resources it concerns', () => expectNotApplicable(check(none)));
    it.each<Case>(cases)('fails with %s', (_name, edit, resource, message) => expectFinding(check(weakened(edit)), resource, message));
    extra?.();
  });
}

suite('ENC-REST (Azure)', checkEncRest, [
  [
    'no infrastructure encryption',
    (t) => (sa(t).infrastructure_encryption_enabled = false),
    SA,
    /infrastructure_encryption_enabled is false; expected true/,
  ],
  [
    'Microsoft-managed storage keys',
    (t) => delete sa(t).customer_managed_key,
    SA,
    /customer_managed_key is absent; expected a Key Vault key/,
  ],
  [
    'queues under Microsoft keys',
    (t) => delete sa(t).queue_encryption_key_type,
    SA,
    /queue_encryption_key_type is absent; expected "Account"/,
  ],
  [
    'file backups under Microsoft-managed keys',
    (t) => delete t.resource.azurerm_data_protection_backup_vault_customer_managed_key,
    BV,
    /no azurerm_data_protection_backup_vault_customer_managed_key .* for this Backup vault/,
  ],
  ['a server without CMK', (t) => delete db(t).customer_managed_key, DB, /customer_managed_key.key_vault_key_id is absent/],
  ['a 2048-bit key', (t) => (key(t).key_size = 2048), KEY, /key_size is 2048; expected 3072 or more/],
  ['an oct key', (t) => (key(t).key_type = 'oct-HSM'), KEY, /key_type is "oct-HSM"/],
  ['no rotation', (t) => delete key(t).rotation_policy, KEY, /rotation_policy.automatic is absent; expected automatic rotation/],
  ['no purge protection', (t) => (kv(t).purge_protection_enabled = false), KV, /purge_protection_enabled is false; expected true/],
  [
    'no encryption at host on the bastion',
    (t) => delete vm(t).encryption_at_host_enabled,
    VM,
    /encryption_at_host_enabled is absent; expected true/,
  ],
  [
    'no encryption at host on the scale set',
    (t) => (vmss(t).encryption_at_host_enabled = false),
    VMSS,
    /encryption_at_host_enabled is false/,
  ],
  [
    'an OS disk under platform keys',
    (t) => delete vmss(t).os_disk.disk_encryption_set_id,
    VMSS,
    /os_disk.disk_encryption_set_id is absent/,
  ],
  [
    'a disk encryption set not following rotations',
    (t) => (only(t, 'azurerm_disk_encryption_set').args.auto_key_rotation_enabled = false),
    DES,
    /auto_key_rotation_enabled is false/,
  ],
  ['a backup vault under Microsoft keys', (t) => delete rsv(t).encryption, RSV, /encryption.key_id is absent/],
  [
    'a backup vault without infrastructure encryption',
    (t) => (rsv(t).encryption.infrastructure_encryption_enabled = false),
    RSV,
    /infrastructure_encryption_enabled is false/,
  ],
]);

suite('ENC-TRANSIT (Azure)', checkEncTransit, [
  ['TLS 1.0 on storage', (t) => (sa(t).min_tls_version = 'TLS1_0'), SA, /min_tls_version is "TLS1_0"; expected "TLS1_2"/],
  ['HTTP on storage', (t) => (sa(t).https_traffic_only_enabled = false), SA, /https_traffic_only_enabled is false; expected true/],
  ['TLS not required by PostgreSQL', (t) => (config(t, 'require_secure_transport').value = 'off'), DB, /require_secure_transport is "off"/],
  [
    'a TLS 1.1 floor on PostgreSQL',
    (t) => (config(t, 'ssl_min_protocol_version').value = 'TLSv1.1'),
    DB,
    /ssl_min_protocol_version is "TLSv1.1"/,
  ],
  [
    'HTTP to the backend',
    (t) => (gw(t).backend_http_settings[0].protocol = 'Http'),
    GW,
    /backend_http_settings "app-https" protocol is "Http"; expected "Https"/,
  ],
  ['HTTP health probes', (t) => (gw(t).probe[0].protocol = 'Http'), GW, /probe "app-health" protocol is "Http"/],
]);

suite('STORAGE-PRIVATE (Azure)', checkStoragePrivate, [
  [
    'anonymous blob access allowed',
    (t) => (sa(t).allow_nested_items_to_be_public = true),
    SA,
    /allow_nested_items_to_be_public is true; expected false/,
  ],
  [
    'anonymous access left to the default',
    (t) => delete sa(t).allow_nested_items_to_be_public,
    SA,
    /allow_nested_items_to_be_public is absent/,
  ],
  ['shared keys on', (t) => (sa(t).shared_access_key_enabled = true), SA, /shared_access_key_enabled is true; expected false/],
  [
    'a public endpoint without a firewall',
    (t) => {
      sa(t).public_network_access_enabled = true;
      sa(t).network_rules.default_action = 'Allow';
    },
    SA,
    /public_network_access_enabled is true and network_rules.default_action is "Allow"/,
  ],
  [
    'no versioning',
    (t) => (sa(t).blob_properties.versioning_enabled = false),
    SA,
    /blob_properties.versioning_enabled is false; expected true/,
  ],
  [
    'a public container',
    (t) => (t.resource.azurerm_storage_container = { Web: { name: 'web', container_access_type: 'blob' } }),
    'azurerm_storage_container.Web',
    /container_access_type is "blob"; expected "private"/,
  ],
]);

suite(
  'SECRETS (Azure)',
  checkSecrets,
  [
    ['an admin password on the scale set', (t) => (vmss(t).admin_password = 'hunter2'), VMSS, /admin_password is set/],
    ['a PostgreSQL administrator password', (t) => (db(t).administrator_password = 'hunter2'), DB, /administrator_password is set/],
    [
      'PostgreSQL password authentication',
      (t) => (db(t).authentication.password_auth_enabled = true),
      DB,
      /password_auth_enabled is true; expected false/,
    ],
    ['password authentication left to the default', (t) => delete db(t).authentication, DB, /password_auth_enabled is absent/],
    [
      'a password in cloud-init',
      (t) => (vm(t).custom_data = Buffer.from('#cloud-config\nchpasswd:\n  list: |\n    alice:secret\n').toString('base64')),
      VM,
      /custom_data sets a password/,
    ],
    ['a password in plain user data', (t) => (vmss(t).user_data = 'DB_PASSWORD=secret'), VMSS, /user_data sets a password/],
    [
      'a Key Vault secret value in the stack',
      (t) => (t.resource.azurerm_key_vault_secret = { Db: { name: 'db', value: 's3cret', key_vault_id: 'x' } }),
      'azurerm_key_vault_secret.Db',
      /value is set in the stack/,
    ],
    [
      'access policies instead of RBAC',
      (t) => (kv(t).rbac_authorization_enabled = false),
      KV,
      /rbac_authorization_enabled is false; expected true/,
    ],
  ],
  () => {
    it('accepts the bastion cloud-init that hardens sshd (PasswordAuthentication no, lock_passwd)', () => {
      const init = Buffer.from(vm(primary()).custom_data, 'base64').toString();
      expect(init).toMatch(/PasswordAuthentication no/);
      expect(init).toMatch(/lock_passwd: true/);
      expectPass(checkSecrets(primary()));
    });
  },
  {},
);

suite('LOG-CENTRAL (Azure)', checkLogCentral, [
  ['no workspace', (t) => delete t.resource.azurerm_log_analytics_workspace, TEMPLATE, /no azurerm_log_analytics_workspace/],
  [
    'no flow log',
    (t) => delete t.resource.azurerm_network_watcher_flow_log,
    only(p, 'azurerm_virtual_network').address,
    /no azurerm_network_watcher_flow_log targets this virtual network/,
  ],
  ['the flow log off', (t) => (fl(t).enabled = false), FL, /enabled is false; expected true/],
  ['no gateway diagnostics', (t) => dropDiagnostics(t, /application_gateway/), GW, /no azurerm_monitor_diagnostic_setting targets it/],
  ['no Key Vault diagnostics', (t) => dropDiagnostics(t, /azurerm_key_vault\./), KV, /no azurerm_monitor_diagnostic_setting targets it/],
  ['no database diagnostics', (t) => dropDiagnostics(t, /postgresql/), DB, /no azurerm_monitor_diagnostic_setting/],
  [
    'an Activity Log left in the platform (no subscription export)',
    (t) => delete t.resource.azurerm_monitor_diagnostic_setting[ACTIVITY.split('.')[1]],
    TEMPLATE,
    new RegExp(
      'no azurerm_monitor_diagnostic_setting of the subscription .* sends the Activity Log categories Administrative, Security, ' +
        'Policy to a Log Analytics workspace',
    ),
  ],
  [
    'an Activity Log export without the Security category',
    (t) => (activity(t).enabled_log = activity(t).enabled_log.filter((l: any) => l.category !== 'Security')),
    TEMPLATE,
    /sends the Activity Log categories/,
  ],
  [
    'an Activity Log exported to storage only',
    (t) => delete activity(t).log_analytics_workspace_id,
    TEMPLATE,
    /to a Log Analytics workspace/,
  ],
  [
    'only audit logs from the gateway',
    (t) => {
      for (const s of Object.values<any>(t.resource.azurerm_monitor_diagnostic_setting))
        if (/application_gateway/.test(s.target_resource_id)) s.enabled_log = [{ category_group: 'audit' }];
    },
    GW,
    /send enabled_log \[\{"category_group":"audit"\}\].*expected category_group "allLogs"/,
  ],
  [
    'gateway logs sent to a storage account only',
    (t) => {
      for (const s of Object.values<any>(t.resource.azurerm_monitor_diagnostic_setting))
        if (/application_gateway/.test(s.target_resource_id)) s.log_analytics_workspace_id = '${azurerm_storage_account.x.id}';
    },
    GW,
    /expected category_group "allLogs" to a Log Analytics workspace/,
  ],
]);

suite(
  'LOG-RETENTION (Azure)',
  checkLogRetention,
  [
    ['a 7-day workspace', (t) => (ws(t).retention_in_days = 7), WS, /retention_in_days is 7; expected at least 30/],
    ['workspace retention left to the default', (t) => delete ws(t).retention_in_days, WS, /retention_in_days is absent/],
    [
      'flow logs kept 7 days',
      (t) => (fl(t).retention_policy.days = 7),
      FL,
      /retention_policy is \{"days":7,"enabled":true\}; expected enabled true with days of at least 30/,
    ],
    ['flow log retention off', (t) => (fl(t).retention_policy.enabled = false), FL, /expected enabled true/],
    // A malicious admin erases the record of what they did.
    [
      'an Activity Log exported to the workspace only',
      (t) => delete activity(t).storage_account_id,
      TEMPLATE,
      /the Activity Log has no copy in immutable storage .*storage_account_id is absent/,
    ],
    [
      'an unlocked immutability policy an Owner can delete',
      (t) => (activityPolicy(t).locked = false),
      TEMPLATE,
      /has locked false; expected true/,
    ],
    [
      'Activity Log blobs immutable 7 days',
      (t) => (activityPolicy(t).immutability_period_in_days = 7),
      TEMPLATE,
      /keeps blobs immutable 7 days; expected at least 30/,
    ],
    [
      "an immutability policy that blocks Azure Monitor's appends",
      (t) => (activityPolicy(t).protected_append_writes_enabled = false),
      TEMPLATE,
      /protected_append_writes_enabled false; expected true/,
    ],
    [
      'no immutability policy on the Activity Log container',
      (t) => delete t.resource.azurerm_storage_container_immutability_policy[ACTIVITY_POLICY.split('.')[1]],
      TEMPLATE,
      /has no azurerm_storage_container_immutability_policy/,
    ],
    [
      'Entra sign-ins written into a mutable container',
      (t) => (named(t, 'azurerm_storage_container_immutability_policy', /-insights-logs-signinlogs_/).args.locked = false),
      ENTRA,
      /Entra ID "SignInLogs" logs: .*has locked false/,
    ],
  ],
  () => {
    it('requires the Activity Log export only of the stack that manages the subscription', () => {
      const r = checkLogRetention(dr());
      expectPass(r);
      expect(r.evidence.some((e) => e.startsWith('azurerm_monitor_diagnostic_setting.ActivityLog'))).toBe(false);
    });

    it('honours maxLogRetentionDays and minLogRetentionDays', () => {
      expectFinding(checkLogRetention(primary(), { maxLogRetentionDays: 60 }), WS, /retention_in_days is 90; expected 30 to 60/);
      expectFinding(checkLogRetention(primary(), { minLogRetentionDays: 120 }), FL, /days of at least 120/);
    });
  },
);

describe('DETECT-THREATS (Azure)', () => {
  const GROUP = only(p, 'azurerm_monitor_action_group').address;
  it('passes Defender plans, the security contact and alerts routed to on-call', () => {
    const result = checkDetectThreats(primary());
    expectPass(result);
    expect(result.evidence).toEqual(expect.arrayContaining([GROUP, only(p, 'azurerm_security_center_contact').address]));
  });

  it('is not applicable to the DR stack (no primary database, no detection resources)', () => {
    expectNotApplicable(checkDetectThreats(dr()));
  });

  it('with defenderManaged, requires no plans but still checks the alert routing', () => {
    const t = weakened((t) => {
      delete t.resource.azurerm_security_center_subscription_pricing;
      delete t.resource.azurerm_security_center_contact;
    });
    expectPass(checkDetectThreats(t, { defenderManaged: true }));
    expectFinding(checkDetectThreats(t), TEMPLATE, /no azurerm_security_center_subscription_pricing for "VirtualMachines"/);
  });

  it('with defenderManaged, is not applicable to a stack without detection resources', () => {
    const t = weakened((t) => {
      for (const type of [
        'azurerm_security_center_subscription_pricing',
        'azurerm_security_center_contact',
        'azurerm_monitor_action_group',
        'azurerm_monitor_activity_log_alert',
      ])
        delete t.resource[type];
    });
    expectNotApplicable(checkDetectThreats(t, { defenderManaged: true }));
    expectFinding(checkDetectThreats(t), TEMPLATE, /no azurerm_monitor_action_group/);
  });

  const pricing = (t: any, type: string) =>
    every(t, 'azurerm_security_center_subscription_pricing').find((x) => x.args.resource_type === type)!;
  it.each<Case>([
    [
      'the Free tier for VMs',
      (t) => (pricing(t, 'VirtualMachines').args.tier = 'Free'),
      pricing(p, 'VirtualMachines').address,
      /"VirtualMachines" tier is "Free"; expected "Standard"/,
    ],
    [
      'VM plan P1 (no vulnerability assessment)',
      (t) => (pricing(t, 'VirtualMachines').args.subplan = 'P1'),
      pricing(p, 'VirtualMachines').address,
      /subplan is "P1"; expected "P2"/,
    ],
    [
      'no database plan',
      (t) =>
        delete t.resource.azurerm_security_center_subscription_pricing[pricing(t, 'OpenSourceRelationalDatabases').address.split('.')[1]],
      TEMPLATE,
      /for "OpenSourceRelationalDatabases"/,
    ],
    [
      'alert notifications off',
      (t) => (only(t, 'azurerm_security_center_contact').args.alert_notifications = false),
      TEMPLATE,
      /expected an azurerm_security_center_contact with an email and alert_notifications true/,
    ],
    [
      'an action group without email',
      (t) => (only(t, 'azurerm_monitor_action_group').args.email_receiver = []),
      GROUP,
      /expected an enabled action group with at least one email receiver/,
    ],
    [
      'no Security alert',
      (t) => {
        for (const [n, a] of Object.entries<any>(t.resource.azurerm_monitor_activity_log_alert))
          if (a.criteria.category === 'Security') delete t.resource.azurerm_monitor_activity_log_alert[n];
      },
      TEMPLATE,
      /expected an enabled alert on category "Security"/,
    ],
    [
      'alerts disabled',
      (t) => {
        for (const a of Object.values<any>(t.resource.azurerm_monitor_activity_log_alert)) a.enabled = false;
      },
      TEMPLATE,
      /expected an enabled alert on category "Security"/,
    ],
  ])('fails with %s', (_name, edit, resource, message) => expectFinding(checkDetectThreats(weakened(edit)), resource, message));
});

suite(
  'HA-MULTIZONE (Azure)',
  checkHaMultizone,
  [
    ['a one-zone gateway', (t) => (gw(t).zones = ['1']), GW, /zones is \["1"\]; expected at least two zones/],
    [
      'a gateway floor of 1',
      (t) => (gw(t).autoscale_configuration.min_capacity = 1),
      GW,
      /autoscale_configuration.min_capacity is 1; expected at least 2/,
    ],
    [
      'a backend without health probe',
      (t) => delete gw(t).backend_http_settings[0].probe_name,
      GW,
      /probe_name is absent; expected a health probe/,
    ],
    ['a one-zone scale set', (t) => (vmss(t).zones = ['2', '2']), VMSS, /zones is \["2","2"\]; expected at least two zones/],
    ['no zone balance', (t) => (vmss(t).zone_balance = false), VMSS, /zone_balance is false; expected true/],
    [
      'an autoscale floor of 1',
      (t) => (only(t, 'azurerm_monitor_autoscale_setting').args.profile[0].capacity.minimum = 1),
      AUTOSCALE,
      /capacity.minimum of .* is 1; expected at least 2/,
    ],
    ['no high availability', (t) => delete db(t).high_availability, DB, /high_availability.mode is absent; expected "ZoneRedundant"/],
    ['same-zone high availability', (t) => (db(t).high_availability.mode = 'SameZone'), DB, /"SameZone"/],
    ['locally redundant storage', (t) => (sa(t).account_replication_type = 'LRS'), SA, /account_replication_type is "LRS"/],
  ],
  () => {
    it('accepts a warm standby with a floor of 0 and room for two zones, and fails one capped at 1', () => {
      const AS = only(dr(), 'azurerm_monitor_autoscale_setting').address;
      expectPass(checkHaMultizone(dr()));
      expectFinding(
        checkHaMultizone(weakened((t) => (only(t, 'azurerm_monitor_autoscale_setting').args.profile[0].capacity.maximum = 1), dr)),
        AS,
        /standby scale set .* capacity.maximum is 1; expected at least 2/,
      );
      expectFinding(
        checkHaMultizone(weakened((t) => delete only(t, 'azurerm_linux_virtual_machine_scale_set').args.tags, dr)),
        AS,
        /capacity.minimum of .* is 0; expected at least 2/,
      );
    });
  },
);

suite(
  'BACKUP (Azure)',
  checkBackup,
  [
    ['7-day PITR', (t) => (db(t).backup_retention_days = 7), DB, /backup_retention_days is 7; expected at least 30/],
    ['no geo-redundant backups', (t) => (db(t).geo_redundant_backup_enabled = false), DB, /geo_redundant_backup_enabled is false/],
    [
      '1-day blob soft delete',
      (t) => (sa(t).blob_properties.delete_retention_policy.days = 1),
      SA,
      /delete_retention_policy.days is 1; expected at least 90 \(deleted files recoverable/,
    ],
    [
      '30-day container soft delete on data storage',
      (t) => (sa(t).blob_properties.container_delete_retention_policy.days = 30),
      SA,
      /container_delete_retention_policy.days is 30; expected at least 90/,
    ],
    [
      '1-day soft delete on log storage',
      (t) => (flowLogSa(t).blob_properties.delete_retention_policy.days = 1),
      FLOW_SA,
      /delete_retention_policy.days is 1; expected at least 7 \(log storage\)/,
    ],
    ['no blob versioning', (t) => delete sa(t).blob_properties.versioning_enabled, SA, /versioning_enabled is absent/],
    ['vault soft delete off', (t) => (rsv(t).soft_delete_enabled = false), RSV, /soft_delete_enabled is false/],
    ['vault immutability disabled', (t) => (rsv(t).immutability = 'Disabled'), RSV, /immutability is "Disabled"; expected "Locked"/],
    ['no VM policy', (t) => delete t.resource.azurerm_backup_policy_vm, RSV, /expected an azurerm_backup_policy_vm backing up Daily/],
    ['a weekly VM policy', (t) => (only(t, 'azurerm_backup_policy_vm').args.backup.frequency = 'Weekly'), RSV, /"frequency":"Weekly"/],
    ['3-day VM retention', (t) => (only(t, 'azurerm_backup_policy_vm').args.retention_daily.count = 3), RSV, /"retention_daily":3/],
    ['a destroyable key', (t) => delete key(t).lifecycle, KEY, /lifecycle.prevent_destroy is absent; expected true/],
    ['a destroyable workspace', (t) => (ws(t).lifecycle.prevent_destroy = false), WS, /prevent_destroy is false/],
    ['a destroyable server', (t) => delete db(t).lifecycle.prevent_destroy, DB, /prevent_destroy is absent/],
    // A malicious admin: soft delete alone is not a backup.
    [
      'customer files kept only by soft delete (no vaulted backup)',
      (t) => delete t.resource.azurerm_data_protection_backup_instance_blob_storage,
      SA,
      new RegExp(
        'no azurerm_data_protection_backup_instance_blob_storage protects this data account; soft delete and versioning live ' +
          'inside the account',
      ),
    ],
    ['a Backup vault an Owner can unlock', (t) => (bv(t).immutability = 'Unlocked'), BV, /immutability is "Unlocked"; expected "Locked"/],
    ['a Backup vault without immutability', (t) => delete bv(t).immutability, BV, /immutability is absent; expected "Locked"/],
    ['a Backup vault with soft delete off', (t) => (bv(t).soft_delete = 'Off'), BV, /soft_delete is "Off"; expected "AlwaysOn"/],
    [
      'vaulted copies kept 30 days',
      (t) => (blobPolicy(t).vault_default_retention_duration = 'P30D'),
      BLOB_POLICY,
      /vault_default_retention_duration is "P30D"; expected at least P90D/,
    ],
    [
      'operational backup only (no vaulted copy)',
      (t) => delete blobPolicy(t).vault_default_retention_duration,
      BLOB_POLICY,
      /vault_default_retention_duration is absent; expected at least P90D/,
    ],
    [
      'a weekly vaulted backup',
      (t) => (blobPolicy(t).backup_repeating_time_intervals = ['R/2024-01-01T02:00:00+00:00/P1W']),
      BLOB_POLICY,
      /expected a daily \(P1D\) or more frequent schedule/,
    ],
    [
      'a container left out of the vaulted backup',
      (t) => (instance(t).storage_account_container_names = ['files']),
      EXPORTS,
      /container "exports" is not in .*storage_account_container_names \["files"\]/,
    ],
    [
      'a vault without the backup role on the account',
      (t) => dropWhere(t, 'azurerm_role_assignment', (r) => r.role_definition_name === 'Storage Account Backup Contributor'),
      SA,
      /no azurerm_role_assignment gives .* "Storage Account Backup Contributor" on this account/,
    ],
    [
      'a backup instance in a vault of another stack',
      (t) => (instance(t).vault_id = '/subscriptions/x/resourceGroups/rg/providers/Microsoft.DataProtection/backupVaults/other'),
      INSTANCE,
      /vault_id is .*expected a Backup vault of this stack/,
    ],
    [
      'a data account without a delete lock',
      (t) => dropWhere(t, 'azurerm_management_lock', (l) => l.scope.includes(SA)),
      SA,
      /no azurerm_management_lock with lock_level CanNotDelete has this resource as scope/,
    ],
    [
      'a Key Vault without a delete lock',
      (t) => dropWhere(t, 'azurerm_management_lock', (l) => l.scope.includes(KV)),
      KV,
      /no azurerm_management_lock/,
    ],
    [
      'a Backup vault whose lock is only a note',
      (t) => dropWhere(t, 'azurerm_management_lock', (l) => l.scope.includes(BV)),
      BV,
      /no azurerm_management_lock/,
    ],
    ['a destroyable Backup vault', (t) => delete bv(t).lifecycle, BV, /lifecycle.prevent_destroy is absent/],
  ],
  () => {
    it('accepts no locks in the stack when the organization applies them (deleteLocksManaged)', () => {
      const unlocked = weakened((t) => delete t.resource.azurerm_management_lock);
      expectFinding(checkBackup(unlocked), DB, /no azurerm_management_lock/);
      expectPass(checkBackup(unlocked, { deleteLocksManaged: true }));
    });

    it('holds the vaulted retention to minFileRetentionDays', () => {
      expectFinding(
        checkBackup(primary(), { minFileRetentionDays: 120 }),
        BLOB_POLICY,
        /vault_default_retention_duration is "P90D"; expected at least P120D/,
      );
    });

    it('honours minDatabaseBackupDays', () => {
      expectFinding(checkBackup(primary(), { minDatabaseBackupDays: 35 }), DB, /backup_retention_days is 30; expected at least 35/);
    });

    it('holds data storage to minFileRetentionDays and log storage to the 7-day floor', () => {
      const result = checkBackup(primary(), { minFileRetentionDays: 180 });
      expectFinding(result, SA, /blob_properties.delete_retention_policy.days is 90; expected at least 180/);
      expect(result.findings.filter((f) => f.resource === FLOW_SA)).toEqual([]);
      expectPass(checkBackup(weakened((t) => (flowLogSa(t).blob_properties.delete_retention_policy.days = 7), primary)));
    });
  },
);

suite(
  'DR-REGION (Azure)',
  checkDrRegion,
  [
    ['no geo-backups', (t) => delete db(t).geo_redundant_backup_enabled, DB, /geo_redundant_backup_enabled is absent; expected true/],
    [
      'no geo-backup key',
      (t) => delete db(t).customer_managed_key.geo_backup_key_vault_key_id,
      DB,
      /geo_backup_key_vault_key_id is absent/,
    ],
    [
      'zone-only storage',
      (t) => (sa(t).account_replication_type = 'ZRS'),
      SA,
      /account_replication_type is "ZRS"; expected one of GZRS, RAGZRS, GRS, RAGRS/,
    ],
    [
      'a locally redundant vault',
      (t) => (rsv(t).storage_mode_type = 'ZoneRedundant'),
      RSV,
      /storage_mode_type is "ZoneRedundant"; expected "GeoRedundant"/,
    ],
    ['no cross-region restore', (t) => (rsv(t).cross_region_restore_enabled = false), RSV, /cross_region_restore_enabled is false/],
    [
      'file backups kept in one region',
      (t) => (bv(t).redundancy = 'LocallyRedundant'),
      BV,
      /redundancy is "LocallyRedundant"; expected "GeoRedundant"/,
    ],
    [
      'file backups not restorable in the pair',
      (t) => delete bv(t).cross_region_restore_enabled,
      BV,
      /cross_region_restore_enabled is absent; expected true/,
    ],
  ],
  () => {
    const R = only(dr(), 'azurerm_postgresql_flexible_server').address;
    it.each<Case>([
      [
        'a replica without source',
        (t) => delete only(t, 'azurerm_postgresql_flexible_server').args.source_server_id,
        R,
        /source_server_id is absent/,
      ],
      [
        'a replica without CMK',
        (t) => delete only(t, 'azurerm_postgresql_flexible_server').args.customer_managed_key,
        R,
        /customer_managed_key.key_vault_key_id is absent/,
      ],
    ])('fails the DR stack with %s', (_name, edit, resource, message) =>
      expectFinding(checkDrRegion(weakened(edit, dr)), resource, message),
    );
    it('checks the replica location against drRegion', () => {
      expectPass(checkDrRegion(dr(), { drRegion: 'northeurope' }));
      expectFinding(
        checkDrRegion(dr(), { drRegion: 'francecentral' }),
        R,
        /location is "northeurope"; expected the DR region "francecentral"/,
      );
    });
  },
);
