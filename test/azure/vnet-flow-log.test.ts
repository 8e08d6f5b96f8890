import { VnetFlowLog, type VnetFlowLogProps } from '../../lib/azure/vnet-flow-log';
import { LOCATION, onlyResource, synthAzure } from './support';

describe('VnetFlowLog', () => {
  const props: VnetFlowLogProps = {
    name: 'fl',
    location: LOCATION,
    vnetId: '/x/vnet',
    storageAccountId: '/x/st',
    retentionDays: 90,
    workspaceGuid: 'guid',
    workspaceRegion: LOCATION,
    workspaceResourceId: '/x/ws',
  };

  it('logs the whole VNet (v2) for the retention, with traffic analytics every 10 minutes', () => {
    const log = onlyResource(
      synthAzure((s) => new VnetFlowLog(s, 'FlowLog', props)),
      'azurerm_network_watcher_flow_log',
    );
    expect(log).toEqual({
      name: 'fl',
      network_watcher_name: `NetworkWatcher_${LOCATION}`,
      resource_group_name: 'NetworkWatcherRG',
      location: LOCATION,
      target_resource_id: '/x/vnet',
      storage_account_id: '/x/st',
      enabled: true,
      version: 2,
      retention_policy: { enabled: true, days: 90 },
      traffic_analytics: {
        enabled: true,
        workspace_id: 'guid',
        workspace_region: LOCATION,
        workspace_resource_id: '/x/ws',
        interval_in_minutes: 10,
      },
    });
  });

  it.each([0, 366, 1.5])('fails on retentionDays %p', (retentionDays) => {
    expect(() => synthAzure((s) => new VnetFlowLog(s, 'FlowLog', { ...props, retentionDays }))).toThrow(
      /retentionDays .* is out of range; expected 1-365/,
    );
  });
});
