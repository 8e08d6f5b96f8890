import { LogWorkspace } from '../../lib/azure/log-workspace';
import { LOCATION, onlyResource, RG, synthAzure } from './support';

describe('LogWorkspace', () => {
  const props = { resourceGroupName: RG, location: LOCATION, name: 'log-acme-staging' };

  it('keeps logs 90 days by default, with shared-key access off and destroy refused', () => {
    const ws = onlyResource(
      synthAzure((s) => new LogWorkspace(s, 'Logs', props)),
      'azurerm_log_analytics_workspace',
    );
    expect(ws).toEqual({
      name: 'log-acme-staging',
      resource_group_name: RG,
      location: LOCATION,
      sku: 'PerGB2018',
      retention_in_days: 90,
      local_authentication_enabled: false,
      lifecycle: { prevent_destroy: true },
    });
  });

  it('takes the configured retention', () => {
    const ws = onlyResource(
      synthAzure((s) => new LogWorkspace(s, 'Logs', { ...props, retentionDays: 180 })),
      'azurerm_log_analytics_workspace',
    );
    expect(ws.retention_in_days).toBe(180);
  });

  it.each([29, 731, 90.5])('rejects retentionDays %p', (retentionDays) => {
    expect(() => synthAzure((s) => new LogWorkspace(s, 'Logs', { ...props, retentionDays }))).toThrow(/retentionDays .* out of range/);
  });

  it('rejects a malformed name', () => {
    expect(() => synthAzure((s) => new LogWorkspace(s, 'Logs', { ...props, name: 'a_b' }))).toThrow(/name "a_b" is invalid/);
  });
});
