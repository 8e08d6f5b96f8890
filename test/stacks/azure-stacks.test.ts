import { parseConfig } from '../../lib/config/load';
import { toAzureRateLimit } from '../../lib/azure/baseline-waf-policy';
import { azureNames } from '../../stacks/azure-naming';
import { checkAzure, checkAzureEnvironment, formatFindings } from '../../lib/controls';
import { synthAzureApp, tfOnly, tfResources } from './azure-support';
import { defaultConfig, rawDefaultConfig } from './support';

// The Azure stacks wire config values into constructs; these tests prove each value arrives
// intact, snapshot every stack for review, and check that synth is deterministic.
const config = defaultConfig();
const stacks = synthAzureApp(config);
const STACKS = ['staging', 'prod'].flatMap((env) => [`${env}-azure-dr`, `${env}-azure-primary`]);

/** Drops the one volatile value (the cdktf version in the metadata). */
function sanitize(stack: any): any {
  const copy = JSON.parse(JSON.stringify(stack));
  if (copy['//']?.metadata) copy['//'].metadata.version = '<cdktf version>';
  return copy;
}

describe('Azure app with the default config', () => {
  it('synthesizes a DR and a primary stack for every environment, offline', () => {
    expect(Object.keys(stacks).sort()).toEqual([...STACKS].sort());
  });

  it.each(STACKS)('matches the reviewed snapshot of %s', (name) => {
    expect(sanitize(stacks[name])).toMatchSnapshot();
  });

  it('is byte-identical across two synths', () => {
    expect(JSON.stringify(synthAzureApp(config, { fresh: true }))).toBe(JSON.stringify(stacks));
  });

  it('pins the azurerm provider and keeps state local by default', () => {
    for (const name of STACKS) {
      expect(stacks[name].terraform.required_providers.azurerm).toEqual({ source: 'azurerm', version: '4.55.0' });
      expect(stacks[name].terraform.backend).toEqual({ local: { path: `terraform.${name}.tfstate` } });
    }
  });
});

describe.each(['staging', 'prod'])('%s Azure stacks', (env) => {
  const cfg = config.environments[env];
  const azure = cfg.azure!;
  const primary = stacks[`${env}-azure-primary`];
  const dr = stacks[`${env}-azure-dr`];
  const drNames = azureNames(config.project, env, azure.subscriptionId, azure.drLocation, 'dr');
  const primaryNames = azureNames(config.project, env, azure.subscriptionId, azure.location, 'primary');

  it('places each stack in its configured location, with its own resource groups', () => {
    for (const rg of Object.values(tfResources(primary, 'azurerm_resource_group'))) expect(rg.location).toBe(azure.location);
    for (const rg of Object.values(tfResources(dr, 'azurerm_resource_group'))) expect(rg.location).toBe(azure.drLocation);
    expect(
      Object.values(tfResources(primary, 'azurerm_resource_group'))
        .map((r: any) => r.name)
        .sort(),
    ).toEqual(Object.values(primaryNames.resourceGroups).sort());
    expect(primary.provider.azurerm[0]).toMatchObject({
      subscription_id: azure.subscriptionId,
      tenant_id: azure.tenantId,
      storage_use_azuread: true,
    });
  });

  it('applies the configured WAF limits, the same in both regions', () => {
    for (const stack of [primary, dr]) {
      const rules = tfOnly(stack, 'azurerm_web_application_firewall_policy').custom_rules;
      // Behind the locked zone the gateway counts edge addresses: a per-edge safety net.
      const factor = cfg.cloudflare?.originLock ? cfg.cloudflare.azurePerEdgeRateFactor : 1;
      const global = toAzureRateLimit(cfg.waf.globalRateLimit.limit * factor, cfg.waf.globalRateLimit.windowSeconds);
      expect(rules.find((r: any) => r.name === 'RateLimitAllTraffic')).toMatchObject({
        rule_type: 'RateLimitRule',
        action: 'Block',
        rate_limit_threshold: global.threshold,
        rate_limit_duration: global.duration,
        group_rate_limit_by: 'ClientAddr',
      });
      cfg.waf.criticalPaths.forEach((p, i) => {
        const terms = toAzureRateLimit(p.limit * factor, p.windowSeconds);
        expect(rules[i]).toMatchObject({ rate_limit_threshold: terms.threshold, rate_limit_duration: terms.duration });
        expect(JSON.stringify(rules[i].match_conditions)).toContain(p.pathPrefix.toLowerCase());
      });
    }
  });

  it('admits SSH to the bastion subnet from exactly the configured allowlist', () => {
    const nsg = Object.values(tfResources(primary, 'azurerm_network_security_group')).find((n: any) => n.name.endsWith('-bastion')) as any;
    const rule = nsg.security_rule.find((r: any) => r.name === 'allow-ssh-allowlist');
    expect(rule.source_address_prefixes).toEqual(cfg.bastion.allowedCidrs);
    expect(rule.destination_port_range).toBe('22');
  });

  it('uses the configured address spaces', () => {
    expect(tfOnly(primary, 'azurerm_virtual_network').address_space).toEqual([azure.vnetCidr]);
    expect(tfOnly(dr, 'azurerm_virtual_network').address_space).toEqual([azure.drVnetCidr]);
  });

  it('sizes the primary app tier and the warm standby from config, tagging the standby', () => {
    const app = tfOnly(primary, 'azurerm_monitor_autoscale_setting').profile;
    const standby = tfOnly(dr, 'azurerm_monitor_autoscale_setting').profile;
    expect(JSON.stringify(app)).toContain(`"minimum":${azure.app.capacity.minCapacity}`);
    expect(JSON.stringify(standby)).toContain(`"minimum":${azure.app.drCapacity.minCapacity}`);
    expect(tfOnly(dr, 'azurerm_linux_virtual_machine_scale_set').tags).toMatchObject({ 'baseline:standby': 'warm-standby' });
    expect(tfOnly(primary, 'azurerm_linux_virtual_machine_scale_set').tags['baseline:standby']).toBeUndefined();
  });

  it("keeps database PITR for the configured days, geo-backups under the DR region's key", () => {
    const server = tfOnly(primary, 'azurerm_postgresql_flexible_server');
    expect(server).toMatchObject({
      backup_retention_days: cfg.backup.databaseRetentionDays,
      geo_redundant_backup_enabled: true,
      sku_name: azure.database.skuName,
      storage_mb: azure.database.storageMb,
      public_network_access_enabled: false,
    });
    expect(server.customer_managed_key.geo_backup_key_vault_key_id).toBe(`https://${drNames.keyVault}.vault.azure.net/keys/database`);
    expect(server.customer_managed_key.geo_backup_user_assigned_identity_id).toMatch(
      new RegExp(
        `/resourceGroups/${drNames.resourceGroups.security}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/` +
          `${drNames.identity('database')}$`,
      ),
    );
    // The DR stack creates exactly that vault, key and identity.
    expect(tfOnly(dr, 'azurerm_key_vault').name).toBe(drNames.keyVault);
    expect(Object.values(tfResources(dr, 'azurerm_key_vault_key')).map((k: any) => k.name)).toContain('database');
    expect(Object.values(tfResources(dr, 'azurerm_user_assigned_identity')).map((i: any) => i.name)).toContain(
      drNames.identity('database'),
    );
  });

  it('replicates the primary database into the DR region', () => {
    const replica = tfOnly(dr, 'azurerm_postgresql_flexible_server');
    expect(replica.create_mode).toBe('Replica');
    expect(replica.source_server_id).toBe(
      `/subscriptions/${azure.subscriptionId}/resourceGroups/${primaryNames.resourceGroups.data}/providers/Microsoft.DBforPost` +
        `greSQL/flexibleServers/${primaryNames.postgres}`,
    );
    expect(tfOnly(primary, 'azurerm_postgresql_flexible_server').name).toBe(primaryNames.postgres);
    expect(replica.location).toBe(azure.drLocation);
  });

  it('keeps logs for the configured retention and the Entra admin from config', () => {
    expect(tfOnly(primary, 'azurerm_log_analytics_workspace').retention_in_days).toBe(cfg.logging.retentionDays);
    expect(tfOnly(primary, 'azurerm_network_watcher_flow_log').retention_policy).toEqual({
      enabled: true,
      days: cfg.logging.retentionDays,
    });
    expect(tfOnly(primary, 'azurerm_postgresql_flexible_server_active_directory_administrator')).toMatchObject({
      object_id: azure.database.entraAdmin.objectId,
      principal_name: azure.database.entraAdmin.principalName,
      principal_type: azure.database.entraAdmin.principalType,
    });
  });

  it('alerts the configured on-call, and enables Defender once per subscription (primary only)', () => {
    const group = tfOnly(primary, 'azurerm_monitor_action_group');
    expect(group.email_receiver.map((r: any) => r.email_address)).toEqual(cfg.alerts.emails);
    expect(Object.keys(tfResources(primary, 'azurerm_security_center_subscription_pricing'))).toHaveLength(5);
    expect(tfResources(dr, 'azurerm_security_center_subscription_pricing')).toEqual({});
  });
});

describe.each(['staging', 'prod'])('%s Azure DR parity', (env) => {
  const cfg = config.environments[env];
  const azure = cfg.azure!;
  const primary = stacks[`${env}-azure-primary`];
  const dr = stacks[`${env}-azure-dr`];
  const drNames = azureNames(config.project, env, azure.subscriptionId, azure.drLocation, 'dr');
  const primaryNames = azureNames(config.project, env, azure.subscriptionId, azure.location, 'primary');

  it("reaches the customer files from the DR app subnet privately: primary and read-only secondary, in the DR network's own zone", () => {
    const endpoints = Object.values<any>(tfResources(primary, 'azurerm_private_endpoint')).filter((e) => e.location === azure.drLocation);
    const drSubnet =
      `/subscriptions/${azure.subscriptionId}/resourceGroups/${drNames.resourceGroups.network}/providers/Microsoft.Network/virtu` +
      `alNetworks/${drNames.vnet}/subnets/snet-app`;
    const drZone =
      `/subscriptions/${azure.subscriptionId}/resourceGroups/${drNames.resourceGroups.network}/providers/Microsoft.Network/priva` +
      `teDnsZones/privatelink.blob.core.windows.net`;
    expect(
      endpoints.map((e) => [
        e.name,
        e.subnet_id,
        e.resource_group_name,
        e.private_service_connection.subresource_names,
        e.private_dns_zone_group.private_dns_zone_ids,
      ]),
    ).toEqual([
      [`${primaryNames.dataStorage}-blob-dr-pe`, drSubnet, drNames.resourceGroups.network, ['blob'], [drZone]],
      [`${primaryNames.dataStorage}-blob-secondary-dr-pe`, drSubnet, drNames.resourceGroups.network, ['blob_secondary'], [drZone]],
    ]);
    expect(tfResources(dr, 'azurerm_private_dns_zone_virtual_network_link').BlobPrivateDnsLink).toMatchObject({
      private_dns_zone_name: '${azurerm_private_dns_zone.BlobPrivateDns.name}',
      virtual_network_id: expect.stringContaining('azurerm_virtual_network.Network'),
      registration_enabled: false,
    });
    expect(Object.values<any>(tfResources(dr, 'azurerm_private_dns_zone')).map((z) => z.name)).toContain(
      'privatelink.blob.core.windows.net',
    );
  });

  it('runs a bastion in the DR region with the same people, backed up there', () => {
    const vm = tfOnly(dr, 'azurerm_linux_virtual_machine');
    expect(vm.name).toBe(drNames.bastion);
    const users = Buffer.from(vm.custom_data, 'base64').toString('utf8');
    for (const user of cfg.bastion.users) expect(users).toContain(user.name);
    expect(Object.keys(tfResources(dr, 'azurerm_backup_protected_vm'))).toHaveLength(1);
  });

  it('leaves the replica a replica until the config promotes it', () => {
    expect(tfOnly(dr, 'azurerm_postgresql_flexible_server').replication_role).toBeUndefined();
  });
});

describe('Azure stacks with other settings', () => {
  it("promotes the DR replica with the primary's backup window and zone-redundant HA when azure.promoteReplica is set", () => {
    const raw = rawDefaultConfig();
    delete raw.environments.prod;
    raw.environments.staging.azure.promoteReplica = true;
    const parsed = parseConfig(raw);
    const out = synthAzureApp(parsed);
    const server = tfOnly(out['staging-azure-dr'], 'azurerm_postgresql_flexible_server');
    expect(server).toMatchObject({
      replication_role: 'None',
      backup_retention_days: parsed.environments.staging.backup.databaseRetentionDays,
      high_availability: { mode: 'ZoneRedundant', standby_availability_zone: '2' },
    });
    // A promoted server is held to what a primary is: its backups stay in the DR region (geo-backup
    // cannot be added in place), which BACKUP reports, and the environment has no replica any more.
    const backup = checkAzure(out['staging-azure-dr'], {}).find((r) => r.control === 'BACKUP')!;
    expect(formatFindings(backup.findings)).toMatch(/geo_redundant_backup_enabled is absent; expected true/);
    const [dr] = checkAzureEnvironment({ primary: out['staging-azure-primary'], dr: out['staging-azure-dr'] });
    expect(formatFindings(dr.findings)).toMatch(/no replica in the DR stack has source_server_id/);
  });

  it('creates the Entra ID diagnostic setting only when azure.entraLogs opts in', () => {
    expect(tfResources(stacks['staging-azure-primary'], 'azurerm_monitor_aad_diagnostic_setting')).toEqual({});
    const raw = rawDefaultConfig();
    delete raw.environments.prod;
    raw.environments.staging.azure.entraLogs = true;
    const out = synthAzureApp(parseConfig(raw));
    expect(Object.keys(tfResources(out['staging-azure-primary'], 'azurerm_monitor_aad_diagnostic_setting'))).toHaveLength(1);
    expect(tfResources(out['staging-azure-dr'], 'azurerm_monitor_aad_diagnostic_setting')).toEqual({});
  });

  it('applies no delete locks and tags stateful resources when the organization manages them', () => {
    const raw = rawDefaultConfig();
    delete raw.environments.prod;
    raw.environments.staging.azure.deleteLocks = 'managed';
    const out = synthAzureApp(parseConfig(raw));
    for (const stack of Object.values<any>(out)) {
      expect(tfResources(stack, 'azurerm_management_lock')).toEqual({});
      for (const sa of Object.values<any>(tfResources(stack, 'azurerm_storage_account')))
        expect(sa.tags['baseline:delete-lock']).toBe('managed');
    }
  });

  it('stores state in the configured azurerm backend, one key per stack', () => {
    const raw = rawDefaultConfig();
    delete raw.environments.prod;
    raw.environments.staging.azure.backend = {
      type: 'azurerm',
      resourceGroupName: 'rg-tfstate',
      storageAccountName: 'sttfstateacme',
      containerName: 'tfstate',
    };
    const out = synthAzureApp(parseConfig(raw));
    expect(out['staging-azure-primary'].terraform.backend).toEqual({
      azurerm: {
        resource_group_name: 'rg-tfstate',
        storage_account_name: 'sttfstateacme',
        container_name: 'tfstate',
        key: 'staging-azure-primary.tfstate',
        use_azuread_auth: true,
      },
    });
  });

  it('leaves Defender plans to the organization when managed, and skips AWS-only environments', () => {
    const raw = rawDefaultConfig();
    raw.environments.staging.azure.accountServices = { defender: 'managed' };
    delete raw.environments.prod.azure;
    const out = synthAzureApp(parseConfig(raw));
    expect(Object.keys(out).sort()).toEqual(['staging-azure-dr', 'staging-azure-primary']);
    expect(tfResources(out['staging-azure-primary'], 'azurerm_security_center_subscription_pricing')).toEqual({});
    expect(Object.keys(tfResources(out['staging-azure-primary'], 'azurerm_monitor_activity_log_alert')).length).toBeGreaterThan(0);
  });
});
