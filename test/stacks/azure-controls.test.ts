import { SHARED_CA } from '../fixtures/origin-pull';
import {
  CONTROLS,
  checkAzure,
  checkAzureEnvironment,
  failures,
  formatFindings,
  type CheckOptions,
  type CheckResult,
  type ControlId,
} from '../../lib/controls';
import { synthAzureApp } from './azure-support';
import { defaultConfig } from './support';

// The control checks of lib/controls run over the real synthesized Terraform stacks: every
// control the Azure stacks carry must pass, and each weakening below (an edit a reviewer could
// miss in a snapshot diff) must flip exactly the control it breaks.
const config = defaultConfig();
const stacks = synthAzureApp(config);
const AZURE_CHECKED = CONTROLS.filter((c) => c.checks.azure).map((c) => c.id);

type Tf = { resource: Record<string, Record<string, any>> };
const copy = (tf: Tf): Tf => JSON.parse(JSON.stringify(tf));
const byControl = (results: CheckResult[]) => Object.fromEntries(results.map((r) => [r.control, r])) as Record<ControlId, CheckResult>;
/** The only resource of a type in a stack. */
const only = (tf: Tf, type: string) => {
  const all = Object.values(tf.resource[type] ?? {});
  if (all.length !== 1) throw new Error(`expected one ${type}, found ${all.length}`);
  return all[0];
};
/** The resource of a type whose construct path ends in `suffix`. */
const named = (tf: Tf, type: string, suffix: string) => {
  const found = Object.entries(tf.resource[type] ?? {}).find(([name]) => name.startsWith(suffix));
  if (!found) throw new Error(`no ${type} ${suffix}*`);
  return found[1];
};
const nsgRule = (tf: Tf, nsg: string, rule: string) => {
  const found = named(tf, 'azurerm_network_security_group', nsg).security_rule.find((r: any) => r.name === rule);
  if (!found) throw new Error(`no rule ${rule} on ${nsg}`);
  return found;
};

describe.each(['staging', 'prod'])('Azure control checks on %s', (env) => {
  const cfg = config.environments[env];
  const options: CheckOptions = {
    minDatabaseBackupDays: cfg.backup.databaseRetentionDays,
    minFileRetentionDays: cfg.backup.fileRetentionDays,
    minLogRetentionDays: cfg.logging.retentionDays,
    originLocked: cfg.cloudflare?.originLock,
    originPullCaCertificates: cfg.cloudflare?.originPull?.caCertificates,
    originHostnames: cfg.cloudflare ? [cfg.cloudflare.hostname, ...cfg.cloudflare.additionalHostnames] : undefined,
  };
  const primary = stacks[`${env}-azure-primary`] as Tf;
  const dr = stacks[`${env}-azure-dr`] as Tf;

  it('pass on the primary stack, every Azure-checked control applying', () => {
    const results = checkAzure(primary, options);
    expect(formatFindings(failures(results))).toBe('');
    const status = byControl(results);
    for (const id of AZURE_CHECKED) expect({ id, status: status[id].status }).toEqual({ id, status: 'pass' });
  });

  it('pass on the DR stack; subscription-wide detection lives in the primary stack only', () => {
    const results = byControl(checkAzure(dr, { ...options, drRegion: cfg.azure!.drLocation }));
    expect(formatFindings(failures(Object.values(results)))).toBe('');
    for (const id of AZURE_CHECKED.filter((c) => c !== 'DETECT-THREATS'))
      expect({ id, status: results[id].status }).toEqual({ id, status: 'pass' });
    expect(results['DETECT-THREATS'].status).toBe('not-applicable');
  });

  it(
    'pass DR-REGION across the two stacks: paired location, replica of the primary server, geo-backup key and identity, ' + 'warm standby',
    () => {
      const [result] = checkAzureEnvironment({ primary, dr }, { drRegion: cfg.azure!.drLocation });
      expect(formatFindings(result.findings)).toBe('');
      expect(result.status).toBe('pass');
      expect(result.evidence).toEqual(
        expect.arrayContaining([
          'dr/azurerm_postgresql_flexible_server.DatabaseReplica_FD06AB0D',
          'primary/azurerm_postgresql_flexible_server.Database_B269D8BB',
          'dr/azurerm_application_gateway.Gateway_43CB3636',
          'dr/azurerm_linux_virtual_machine_scale_set.App_F1B96344',
          'dr/azurerm_linux_virtual_machine.Bastion_2B4CEC30',
          expect.stringMatching(/^primary\/azurerm_private_endpoint\.DataStorage_DrBlob/),
        ]),
      );
    },
  );

  /** Each weakening of the primary stack a reviewer must never miss, and the control that must then fail. */
  const WEAKENINGS: [string, ControlId, (t: Tf) => void][] = [
    [
      "the gateway admitting the whole Internet behind the edge's back",
      'ORIGIN-LOCK',
      (t) => {
        const rule = nsgRule(t, 'Network_GatewayNsg', 'allow-https');
        delete rule.source_address_prefixes;
        rule.source_address_prefix = 'Internet';
      },
    ],
    // Origin trust: another Cloudflare zone, or a request under another Host, reaching the app.
    [
      'the SSL profile removed from the HTTPS listener (any Cloudflare zone gets through)',
      'ORIGIN-LOCK',
      (t) => {
        delete only(t, 'azurerm_application_gateway').http_listener.find((l: any) => l.name === 'https').ssl_profile_name;
      },
    ],
    [
      "Cloudflare's shared origin-pull CA trusted (the shared certificate)",
      'ORIGIN-LOCK',
      (t) => {
        only(t, 'azurerm_application_gateway').trusted_client_certificate[0].data = Buffer.from(SHARED_CA).toString('base64');
      },
    ],
    [
      'the HTTPS listener answering every host (host not bound)',
      'ORIGIN-LOCK',
      (t) => {
        delete only(t, 'azurerm_application_gateway').http_listener.find((l: any) => l.name === 'https').host_names;
      },
    ],
    // Origin rate limits: a spoofable key, per-client thresholds on the edge address, unnormalized paths.
    [
      'the global limit keyed on X-Forwarded-For (written by the client)',
      'WAF-RATE-GLOBAL',
      (t) => {
        only(t, 'azurerm_web_application_firewall_policy').custom_rules.find(
          (r: any) => r.name === 'RateLimitAllTraffic',
        ).group_rate_limit_by = 'ClientAddrXFFHeader';
      },
    ],
    [
      'per-client thresholds counting the edge address (per-edge net dropped)',
      'WAF-RATE-GLOBAL',
      (t) => {
        delete only(t, 'azurerm_web_application_firewall_policy').tags['baseline-rate-limit-key'];
      },
    ],
    [
      'the path-normalization guard removed (//login escapes)',
      'WAF-RATE-CRITICAL',
      (t) => {
        const policy = only(t, 'azurerm_web_application_firewall_policy');
        policy.custom_rules = policy.custom_rules.filter((r: any) => r.name !== 'PathNotNormalized');
      },
    ],
    [
      'the gateway on an old TLS policy',
      'EDGE-TLS',
      (t) => (only(t, 'azurerm_application_gateway').ssl_policy.policy_name = 'AppGwSslPolicy20170401'),
    ],
    [
      'the HTTP listener serving instead of redirecting',
      'EDGE-TLS',
      (t) => {
        const rule = only(t, 'azurerm_application_gateway').request_routing_rule.find((r: any) => r.http_listener_name === 'http');
        delete rule.redirect_configuration_name;
        rule.backend_address_pool_name = 'app';
      },
    ],
    [
      'the WAF in Detection mode',
      'WAF-MANAGED',
      (t) => (only(t, 'azurerm_web_application_firewall_policy').policy_settings.mode = 'Detection'),
    ],
    [
      'the bot manager rule set dropped',
      'WAF-REPUTATION',
      (t) => {
        const policy = only(t, 'azurerm_web_application_firewall_policy');
        policy.managed_rules.managed_rule_set = policy.managed_rules.managed_rule_set.filter(
          (s: any) => s.type !== 'Microsoft_BotManagerRuleSet',
        );
      },
    ],
    [
      'the per-client rate rule on all traffic removed',
      'WAF-RATE-GLOBAL',
      (t) => {
        const policy = only(t, 'azurerm_web_application_firewall_policy');
        policy.custom_rules = policy.custom_rules.filter(
          (r: any) => r.rule_type !== 'RateLimitRule' || r.match_conditions.some((c: any) => c.operator === 'BeginsWith'),
        );
      },
    ],
    [
      'the login rate limit loosened above the global one',
      'WAF-RATE-CRITICAL',
      (t) => {
        only(t, 'azurerm_web_application_firewall_policy').custom_rules.find((r: any) => r.name === 'RateLimitLogin').rate_limit_threshold =
          100000;
      },
    ],
    [
      'the app port admitted from the Internet',
      'APP-FROM-GATEWAY',
      (t) => (nsgRule(t, 'Network_AppNsg', 'allow-app-from-gateway').source_address_prefix = 'Internet'),
    ],
    [
      'PostgreSQL admitted from any address',
      'DB-FROM-APP',
      (t) => (nsgRule(t, 'Network_DataNsg', 'allow-postgres-from-app').source_address_prefix = '*'),
    ],
    [
      'SSH to the bastion opened to the world',
      'BASTION-SSH',
      (t) => {
        const rule = nsgRule(t, 'Network_BastionNsg', 'allow-ssh-allowlist');
        delete rule.source_address_prefixes;
        rule.source_address_prefix = '0.0.0.0/0';
      },
    ],
    [
      'password login on the bastion',
      'BASTION-SSH',
      (t) => (only(t, 'azurerm_linux_virtual_machine').disable_password_authentication = false),
    ],
    [
      "a person's key on the scale set's shared admin account",
      'BASTION-SSH',
      (t) => {
        only(t, 'azurerm_linux_virtual_machine_scale_set').admin_ssh_key = [
          { username: 'azureops', public_key: cfg.bastion.users[0].publicKeys[0] },
        ];
      },
    ],
    [
      "a person's key on the bastion's shared admin account",
      'BASTION-SSH',
      (t) => {
        only(t, 'azurerm_linux_virtual_machine').admin_ssh_key = [{ username: 'azureops', public_key: cfg.bastion.users[0].publicKeys[0] }];
      },
    ],
    [
      'app hosts admitting any account (AllowUsers dropped)',
      'BASTION-SSH',
      (t) => {
        const vmss = only(t, 'azurerm_linux_virtual_machine_scale_set');
        vmss.custom_data = Buffer.from(
          Buffer.from(vmss.custom_data, 'base64')
            .toString('utf8')
            .replace(/\n\s*AllowUsers [^\n]*/, ''),
        ).toString('base64');
      },
    ],
    [
      'the shared admin account admitted in sshd (break-glass left on)',
      'BASTION-SSH',
      (t) => {
        const vmss = only(t, 'azurerm_linux_virtual_machine_scale_set');
        vmss.custom_data = Buffer.from(
          Buffer.from(vmss.custom_data, 'base64')
            .toString('utf8')
            .replace(/(AllowUsers [^\n]*)/, '$1 azureops'),
        ).toString('base64');
      },
    ],
    [
      'a VMAccess extension that can reset keys on the bastion',
      'BASTION-SSH',
      (t) => {
        const vm = Object.keys(t.resource.azurerm_linux_virtual_machine)[0];
        t.resource.azurerm_virtual_machine_extension.Reset = {
          name: 'reset',
          virtual_machine_id: `\${azurerm_linux_virtual_machine.${vm}.id}`,
          publisher: 'Microsoft.OSTCExtensions',
          type: 'VMAccessForLinux',
          type_handler_version: '1.5',
        };
      },
    ],
    [
      'a CustomScript extension in the scale set model',
      'BASTION-SSH',
      (t) => {
        only(t, 'azurerm_linux_virtual_machine_scale_set').extension.push({
          name: 'script',
          publisher: 'Microsoft.Azure.Extensions',
          type: 'CustomScript',
          type_handler_version: '2.1',
        });
      },
    ],
    [
      'extension operations on the bastion with no approved extension left',
      'BASTION-SSH',
      (t) => {
        delete t.resource.azurerm_virtual_machine_extension;
      },
    ],
    [
      "the app hosts' SSH log no longer collected",
      'LOG-CENTRAL',
      (t) => {
        const associations = t.resource.azurerm_monitor_data_collection_rule_association;
        for (const [name, a] of Object.entries<any>(associations))
          if (String(a.target_resource_id).includes('azurerm_linux_virtual_machine_scale_set')) delete associations[name];
      },
    ],
    [
      "the tiers' final deny removed",
      'NET-TIERS',
      (t) => {
        const nsg = named(t, 'azurerm_network_security_group', 'Network_AppNsg');
        nsg.security_rule = nsg.security_rule.filter((r: any) => r.name !== 'deny-all-inbound');
      },
    ],
    [
      "the app tier's outbound deny removed (every destination reachable)",
      'NET-TIERS',
      (t) => {
        const nsg = named(t, 'azurerm_network_security_group', 'Network_AppNsg');
        nsg.security_rule = nsg.security_rule.filter((r: any) => r.name !== 'deny-all-outbound');
      },
    ],
    [
      'HTTPS from the bastion opened to the Internet',
      'NET-TIERS',
      (t) => {
        named(t, 'azurerm_network_security_group', 'Network_BastionNsg').security_rule.push({
          name: 'allow-web',
          priority: 200,
          direction: 'Outbound',
          access: 'Allow',
          protocol: 'Tcp',
          source_port_range: '*',
          destination_port_range: '443',
          source_address_prefix: '*',
          destination_address_prefix: 'Internet',
        });
      },
    ],
    [
      'storage without infrastructure encryption',
      'ENC-REST',
      (t) => (named(t, 'azurerm_storage_account', 'DataStorage').infrastructure_encryption_enabled = false),
    ],
    [
      'encryption at host off on the app tier',
      'ENC-REST',
      (t) => (only(t, 'azurerm_linux_virtual_machine_scale_set').encryption_at_host_enabled = false),
    ],
    [
      'PostgreSQL accepting plaintext',
      'ENC-TRANSIT',
      (t) => (named(t, 'azurerm_postgresql_flexible_server_configuration', 'Database_RequireSecureTransport').value = 'off'),
    ],
    ['storage accepting TLS 1.0', 'ENC-TRANSIT', (t) => (named(t, 'azurerm_storage_account', 'DataStorage').min_tls_version = 'TLS1_0')],
    [
      'storage shared keys re-enabled',
      'STORAGE-PRIVATE',
      (t) => (named(t, 'azurerm_storage_account', 'DataStorage').shared_access_key_enabled = true),
    ],
    [
      'Key Vault diagnostics removed',
      'LOG-CENTRAL',
      (t) =>
        delete t.resource.azurerm_monitor_diagnostic_setting[
          Object.keys(t.resource.azurerm_monitor_diagnostic_setting).find((k) => k.startsWith('KeyVaultDiagnostics'))!
        ],
    ],
    ['the workspace kept 7 days', 'LOG-RETENTION', (t) => (only(t, 'azurerm_log_analytics_workspace').retention_in_days = 7)],
    [
      'Defender for servers on the Free tier',
      'DETECT-THREATS',
      (t) => (named(t, 'azurerm_security_center_subscription_pricing', 'Defender_VirtualMachines').tier = 'Free'),
    ],
    ['the scale set in one zone', 'HA-MULTIZONE', (t) => (only(t, 'azurerm_linux_virtual_machine_scale_set').zones = ['1'])],
    ['database backups kept 7 days', 'BACKUP', (t) => (only(t, 'azurerm_postgresql_flexible_server').backup_retention_days = 7)],
    ['a destroyable data storage account', 'BACKUP', (t) => delete named(t, 'azurerm_storage_account', 'DataStorage').lifecycle],
    [
      'locally redundant data storage',
      'DR-REGION',
      (t) => (named(t, 'azurerm_storage_account', 'DataStorage').account_replication_type = 'ZRS'),
    ],
    // A malicious admin: with only soft delete, an Owner switches it off and purges the files.
    [
      'customer files kept only by soft delete (no vaulted backup)',
      'BACKUP',
      (t) => delete t.resource.azurerm_data_protection_backup_instance_blob_storage,
    ],
    [
      'the Backup vault left unlocked, so an Owner can switch immutability off',
      'BACKUP',
      (t) => (only(t, 'azurerm_data_protection_backup_vault').immutability = 'Unlocked'),
    ],
    [
      'vaulted file copies kept 7 days',
      'BACKUP',
      (t) => (only(t, 'azurerm_data_protection_backup_policy_blob_storage').vault_default_retention_duration = 'P7D'),
    ],
    [
      'the delete lock lifted from the data storage account',
      'BACKUP',
      (t) => {
        const locks = t.resource.azurerm_management_lock;
        delete locks[Object.keys(locks).find((k) => k.startsWith('DataStorage_DeleteLock'))!];
      },
    ],
    [
      'file backups under Microsoft-managed keys',
      'ENC-REST',
      (t) => delete t.resource.azurerm_data_protection_backup_vault_customer_managed_key,
    ],
    [
      'file backups kept in one region',
      'DR-REGION',
      (t) => (only(t, 'azurerm_data_protection_backup_vault').redundancy = 'LocallyRedundant'),
    ],
    // A malicious admin erases the record of what they did: the Activity Log must be central and immutable.
    [
      'the Activity Log left in the platform (no subscription export)',
      'LOG-CENTRAL',
      (t) => {
        const settings = t.resource.azurerm_monitor_diagnostic_setting;
        delete settings[Object.keys(settings).find((k) => k.startsWith('ActivityLog_Subscription'))!];
      },
    ],
    [
      "the Activity Log archive's immutability policy left unlocked",
      'LOG-RETENTION',
      (t) => (only(t, 'azurerm_storage_container_immutability_policy').locked = false),
    ],
  ];

  it('covers every Azure-checked control with a weakening of the real stacks', () => {
    const covered = new Set([...WEAKENINGS.map(([, id]) => id), ...(['SECRETS'] as ControlId[])]);
    expect(AZURE_CHECKED.filter((id) => !covered.has(id))).toEqual([]);
  });

  it.each(WEAKENINGS)('fail %s (%s)', (_what, control, weaken) => {
    const weakened = copy(primary);
    weaken(weakened);
    const results = byControl(checkAzure(weakened, options));
    expect(results[control].status).toBe('fail');
    expect(results[control].findings.every((f) => f.control === control)).toBe(true);
  });

  it("fail SECRETS when a password is written into the scale set's custom data", () => {
    const weakened = copy(primary);
    only(weakened, 'azurerm_linux_virtual_machine_scale_set').custom_data = Buffer.from('#!/bin/sh\nexport DB_PASSWORD=hunter2\n').toString(
      'base64',
    );
    expect(byControl(checkAzure(weakened, options)).SECRETS.status).toBe('fail');
  });

  it('pass BACKUP without locks in the stacks only when the config declares them managed', () => {
    const unlocked = copy(primary);
    delete (unlocked.resource as any).azurerm_management_lock;
    expect(byControl(checkAzure(unlocked, options)).BACKUP.status).toBe('fail');
    expect(byControl(checkAzure(unlocked, { ...options, deleteLocksManaged: true })).BACKUP.status).toBe('pass');
  });

  it('fail BACKUP when data storage keeps deleted files less than the configured file retention', () => {
    const weakened = copy(primary);
    named(weakened, 'azurerm_storage_account', 'DataStorage').blob_properties.delete_retention_policy.days =
      cfg.backup.fileRetentionDays - 1;
    const result = byControl(checkAzure(weakened, options)).BACKUP;
    expect(formatFindings(result.findings)).toMatch(
      new RegExp(`delete_retention_policy.days is ${cfg.backup.fileRetentionDays - 1}; expected at least ${cfg.backup.fileRetentionDays}`),
    );
  });

  /** Weakenings only the environment-wide DR-REGION check can see. */
  const DR_WEAKENINGS: [string, (p: Tf, d: Tf) => void, RegExp][] = [
    [
      'the DR stack in the primary location',
      (_p, d) => {
        for (const rg of Object.values(d.resource.azurerm_resource_group)) rg.location = cfg.azure!.location;
      },
      /is also a primary location/,
    ],
    [
      'the replica following another server',
      (_p, d) => {
        const replica = only(d, 'azurerm_postgresql_flexible_server');
        replica.source_server_id = replica.source_server_id.replace(/flexibleServers\/.*$/, 'flexibleServers/psql-elsewhere');
      },
      /no replica in the DR stack has source_server_id/,
    ],
    ['no replica at all', (_p, d) => delete d.resource.azurerm_postgresql_flexible_server, /no replica in the DR stack/],
    [
      'a geo-backup key the DR stack does not hold',
      (p) => {
        only(p, 'azurerm_postgresql_flexible_server').customer_managed_key.geo_backup_key_vault_key_id =
          'https://kvsomewhereelse.vault.azure.net/keys/database';
      },
      /geo_backup_key_vault_key_id is "https:\/\/kvsomewhereelse.*expected a key of a Key Vault the DR stack creates/,
    ],
    [
      'a geo-backup identity the DR stack does not hold',
      (p) => {
        const cmk = only(p, 'azurerm_postgresql_flexible_server').customer_managed_key;
        cmk.geo_backup_user_assigned_identity_id = cmk.geo_backup_user_assigned_identity_id.replace(/[^/]+$/, 'id-unknown');
      },
      /geo_backup_user_assigned_identity_id .*expected a user-assigned identity the DR stack creates/,
    ],
    [
      'no WAF on the standby gateway',
      (_p, d) => delete only(d, 'azurerm_application_gateway').firewall_policy_id,
      /no application gateway with a WAF policy/,
    ],
    ['no standby app tier', (_p, d) => delete d.resource.azurerm_linux_virtual_machine_scale_set, /no scale set in the DR stack/],
    // Can the DR region serve? Files reachable privately from its network, a bastion to reach its hosts.
    [
      'no private path from the DR network to the customer files',
      (p) => {
        const endpoints = p.resource.azurerm_private_endpoint;
        for (const k of Object.keys(endpoints)) if (k.startsWith('DataStorage_Dr')) delete endpoints[k];
      },
      /public network access is off and no private endpoint \(subresource blob\) of this account is in the DR network/,
    ],
    [
      'DR endpoints registered in a zone the DR network does not resolve',
      (_p, d) =>
        delete d.resource.azurerm_private_dns_zone_virtual_network_link[
          Object.keys(d.resource.azurerm_private_dns_zone_virtual_network_link).find((k) => k.startsWith('BlobPrivateDnsLink'))!
        ],
      /register in no privatelink.blob zone of the DR stack linked to the DR network/,
    ],
    ['no bastion in the DR region', (_p, d) => delete d.resource.azurerm_linux_virtual_machine, /no bastion VM in the DR stack/],
  ];

  it.each(DR_WEAKENINGS)('fail DR-REGION across stacks with %s', (_what, weaken, message) => {
    const p = copy(primary);
    const d = copy(dr);
    weaken(p, d);
    const [result] = checkAzureEnvironment({ primary: p, dr: d }, { drRegion: cfg.azure!.drLocation });
    expect(result.status).toBe('fail');
    expect(formatFindings(result.findings)).toMatch(message);
  });

  it('fail DR-REGION when the DR stack is missing, and accept no replica when the objectives allow a restore', () => {
    expect(formatFindings(checkAzureEnvironment({ primary })[0].findings)).toMatch(/no DR-region stack/);
    const d = copy(dr);
    delete (d.resource as any).azurerm_postgresql_flexible_server;
    expect(checkAzureEnvironment({ primary, dr: d }, { databaseReplica: false })[0].status).toBe('pass');
  });
});
