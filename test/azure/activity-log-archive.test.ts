import { ActivityLogArchive, type ActivityLogArchiveProps } from '../../lib/azure/activity-log-archive';
import { LOCATION, onlyResource, resourcesOf, RG, synthAzure, type TfJson } from './support';

const SUB_ID = '00000000-0000-0000-0000-000000000000';
const SUB = `/subscriptions/${SUB_ID}`;
const IDENTITY = `${SUB}/resourceGroups/rg-test/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-storage`;
const KEY = 'https://kv-acme-weu.vault.azure.net/keys/storage';
const WORKSPACE = `${SUB}/resourceGroups/rg-test/providers/Microsoft.OperationalInsights/workspaces/log-acme`;

const props: ActivityLogArchiveProps = {
  resourceGroupName: RG,
  location: LOCATION,
  storageAccountName: 'stacmeaudit',
  keyVaultKeyId: KEY,
  identityId: IDENTITY,
  subscriptionId: SUB_ID,
  workspaceId: WORKSPACE,
  retentionDays: 365,
};
const synth = (p: Partial<ActivityLogArchiveProps> = {}): TfJson =>
  synthAzure((s) => void new ActivityLogArchive(s, 'ActivityLog', { ...props, ...p }));

describe('ActivityLogArchive', () => {
  const json = synth();

  it('exports every Activity Log category of the subscription to the workspace and the archive', () => {
    const setting = onlyResource(json, 'azurerm_monitor_diagnostic_setting');
    expect(setting).toMatchObject({
      name: 'baseline-activity-log',
      target_resource_id: SUB,
      log_analytics_workspace_id: WORKSPACE,
      storage_account_id: expect.stringMatching(/^\$\{azurerm_storage_account\.ActivityLog_Storage_[A-F0-9]+\.id\}$/),
    });
    expect(setting.enabled_log.map((l: any) => l.category)).toEqual([
      'Administrative',
      'Security',
      'ServiceHealth',
      'Alert',
      'Recommendation',
      'Policy',
      'Autoscale',
      'ResourceHealth',
    ]);
    expect(setting.depends_on).toEqual([
      expect.stringMatching(/^azurerm_storage_container_immutability_policy\.ActivityLog_Immutable-insights-activity-logs_/),
    ]);
  });

  it('keeps the Activity Log container immutable for the retention, locked, appends allowed', () => {
    expect(onlyResource(json, 'azurerm_storage_container')).toMatchObject({
      name: 'insights-activity-logs',
      container_access_type: 'private',
      lifecycle: { prevent_destroy: true },
    });
    expect(onlyResource(json, 'azurerm_storage_container_immutability_policy')).toMatchObject({
      storage_container_resource_manager_id: expect.stringMatching(
        /^\$\{azurerm_storage_container\.ActivityLog_Storage_Container-insights-activity-logs_[A-F0-9]+\.resource_manager_id\}$/,
      ),
      immutability_period_in_days: 365,
      locked: true,
      protected_append_writes_enabled: true,
    });
  });

  it('archives into a hardened account open to trusted Azure services only, under the customer key', () => {
    expect(onlyResource(json, 'azurerm_storage_account')).toMatchObject({
      name: 'stacmeaudit',
      shared_access_key_enabled: false,
      public_network_access_enabled: true,
      network_rules: { default_action: 'Deny', bypass: ['AzureServices'] },
      customer_managed_key: { key_vault_key_id: KEY, user_assigned_identity_id: IDENTITY },
    });
  });

  it('exports no Entra ID logs unless asked (a tenant-level setting)', () => {
    expect(resourcesOf(json, 'azurerm_monitor_aad_diagnostic_setting')).toEqual({});
  });

  it('with entraLogs, exports sign-ins and directory audits into locked containers too', () => {
    const entra = synth({ entraLogs: true, settingName: 'baseline-acme-prod' });
    const setting = onlyResource(entra, 'azurerm_monitor_aad_diagnostic_setting');
    expect(setting).toMatchObject({
      name: 'baseline-acme-prod',
      log_analytics_workspace_id: WORKSPACE,
      storage_account_id: expect.stringContaining('azurerm_storage_account.ActivityLog_Storage'),
    });
    expect(setting.enabled_log.map((l: any) => l.category)).toEqual([
      'AuditLogs',
      'SignInLogs',
      'NonInteractiveUserSignInLogs',
      'ServicePrincipalSignInLogs',
      'ManagedIdentitySignInLogs',
    ]);
    const policies = Object.values(resourcesOf(entra, 'azurerm_storage_container_immutability_policy'));
    expect(policies).toHaveLength(6);
    for (const p of policies)
      expect(p).toMatchObject({ locked: true, immutability_period_in_days: 365, protected_append_writes_enabled: true });
    expect(
      Object.values(resourcesOf(entra, 'azurerm_storage_container'))
        .map((c: any) => c.name)
        .sort(),
    ).toEqual([
      'insights-activity-logs',
      'insights-logs-auditlogs',
      'insights-logs-managedidentitysigninlogs',
      'insights-logs-noninteractiveusersigninlogs',
      'insights-logs-serviceprincipalsigninlogs',
      'insights-logs-signinlogs',
    ]);
  });

  it('takes an unlocked policy as an explicit opt-in', () => {
    expect(onlyResource(synth({ locked: false }), 'azurerm_storage_container_immutability_policy').locked).toBe(false);
  });

  it.each<[string, Partial<ActivityLogArchiveProps>, RegExp]>([
    ['a zero-day retention', { retentionDays: 0 }, /retentionDays 0 is out of range; expected a whole number of days from 1 to 146000/],
    ['a subscription that is not a GUID', { subscriptionId: 'prod' }, /subscriptionId "prod" is not a subscription id/],
    ['a setting name with spaces', { settingName: 'activity log' }, /settingName "activity log" is invalid/],
  ])('rejects %s', (_what, p, message) => {
    expect(() => synth(p)).toThrow(message);
  });
});
