import { DiagnosticSettings } from '../../lib/azure/diagnostic-settings';
import { onlyResource, synthAzure } from './support';

describe('DiagnosticSettings', () => {
  it('sends every log category and all metrics to the workspace', () => {
    const setting = onlyResource(
      synthAzure((s) => new DiagnosticSettings(s, 'Diag', { targetResourceId: '/x/gateway', workspaceId: '/x/workspace' })),
      'azurerm_monitor_diagnostic_setting',
    );
    expect(setting).toEqual({
      name: 'to-log-workspace',
      target_resource_id: '/x/gateway',
      log_analytics_workspace_id: '/x/workspace',
      enabled_log: [{ category_group: 'allLogs' }],
      enabled_metric: [{ category: 'AllMetrics' }],
    });
  });

  it('leaves metrics out for resources without any (NSGs)', () => {
    const setting = onlyResource(
      synthAzure(
        (s) => new DiagnosticSettings(s, 'Diag', { targetResourceId: '/x/nsg', workspaceId: '/x/workspace', includeMetrics: false }),
      ),
      'azurerm_monitor_diagnostic_setting',
    );
    expect(setting.enabled_metric).toBeUndefined();
    expect(setting.enabled_log).toEqual([{ category_group: 'allLogs' }]);
  });
});
