import { TerraformOutput } from 'cdktf';
import { DELETE_LOCK_TAG, DeleteLock, LOCKED_RESOURCE_TYPES, lockStatefulResources } from '../../lib/azure/delete-lock';
import { LogWorkspace } from '../../lib/azure/log-workspace';
import { WorkloadIdentity } from '../../lib/azure/workload-identity';
import { AZURE_DELETE_LOCK_TAG, AZURE_DELETE_LOCK_TYPES } from '../../lib/controls/azure/storage';
import { LOCATION, onlyResource, resourcesOf, RG, synthAzure } from './support';

describe('DeleteLock', () => {
  it('puts a CanNotDelete lock with a note on the resource', () => {
    const json = synthAzure(
      (s) => void new DeleteLock(s, 'Lock', { resourceId: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv' }),
    );
    expect(onlyResource(json, 'azurerm_management_lock')).toMatchObject({
      name: 'baseline-cannot-delete',
      scope: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv',
      lock_level: 'CanNotDelete',
      notes: expect.stringMatching(/Control BACKUP.*azure\.deleteLocks/),
    });
  });

  it('rejects a name Azure refuses', () => {
    expect(() => synthAzure((s) => void new DeleteLock(s, 'Lock', { resourceId: 'x', name: '-bad/' }))).toThrow(/name "-bad\/" is invalid/);
  });
});

describe('lockStatefulResources', () => {
  const build = (mode?: 'create' | 'managed') =>
    synthAzure((s) => {
      const ws = new LogWorkspace(s, 'Logs', { resourceGroupName: RG, location: LOCATION, name: 'log-test', tags: { project: 'acme' } });
      new WorkloadIdentity(s, 'Identity', { resourceGroupName: RG, location: LOCATION, name: 'id-test' });
      new TerraformOutput(s, 'Ws', { value: ws.workspaceId });
      lockStatefulResources(s, { mode });
    });

  it('locks each stateful resource beside it, and nothing else', () => {
    const json = build();
    const locks = resourcesOf(json, 'azurerm_management_lock');
    expect(Object.keys(locks)).toEqual([expect.stringMatching(/^Logs_DeleteLock_/)]);
    expect(Object.values(locks)[0]).toMatchObject({
      scope: expect.stringMatching(/^\$\{azurerm_log_analytics_workspace\.Logs_[A-F0-9]+\.id\}$/),
      lock_level: 'CanNotDelete',
    });
  });

  it('with "managed", adds no lock and tags the resource instead (a visible opt-out)', () => {
    const json = build('managed');
    expect(resourcesOf(json, 'azurerm_management_lock')).toEqual({});
    expect(onlyResource(json, 'azurerm_log_analytics_workspace').tags).toEqual({ project: 'acme', [DELETE_LOCK_TAG]: 'managed' });
  });

  it('locks the types the BACKUP check requires locks on, under the tag it reads', () => {
    expect([...LOCKED_RESOURCE_TYPES].sort()).toEqual([...AZURE_DELETE_LOCK_TYPES].sort());
    expect(DELETE_LOCK_TAG).toBe(AZURE_DELETE_LOCK_TAG);
  });
});
