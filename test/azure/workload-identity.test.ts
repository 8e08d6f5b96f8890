import { TerraformOutput } from 'cdktf';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { WorkloadIdentity, type WorkloadIdentityProps } from '../../lib/azure/workload-identity';
import { LOCATION, onlyResource, RG, synthAzure } from './support';

const props: WorkloadIdentityProps = {
  resourceGroupName: RG,
  location: LOCATION,
  name: 'id-acme-prod-primary-storage',
  tags: { env: 'prod' },
};
let built: WorkloadIdentity | undefined;
// The exposed ids are written to outputs so the test reads the references Terraform receives.
const json = synthAzure((s) => {
  const identity = new WorkloadIdentity(s, 'Identity', props);
  built = identity;
  new TerraformOutput(s, 'IdentityId', { value: identity.identityId });
  new TerraformOutput(s, 'PrincipalId', { value: identity.principalId });
  new TerraformOutput(s, 'ClientId', { value: identity.clientId });
});
const identity = onlyResource(json, 'azurerm_user_assigned_identity');
const outputs = json.output as Record<string, { value: string }>;
const ref = (attribute: string) => new RegExp(`^\\$\\{azurerm_user_assigned_identity\\.Identity_[0-9A-F]+\\.${attribute}\\}$`);

describe('WorkloadIdentity', () => {
  it('creates one user-assigned identity with the given name, location, group and tags', () => {
    expect(identity).toEqual({ name: 'id-acme-prod-primary-storage', resource_group_name: RG, location: LOCATION, tags: { env: 'prod' } });
    expect(built?.resource).toBeInstanceOf(UserAssignedIdentity);
  });

  it('exposes the resource id, principal id and client id of that identity', () => {
    expect(outputs.IdentityId.value).toMatch(ref('id'));
    expect(outputs.PrincipalId.value).toMatch(ref('principal_id'));
    expect(outputs.ClientId.value).toMatch(ref('client_id'));
  });

  it('sets no tags by default', () => {
    const bare = onlyResource(
      synthAzure((s) => new WorkloadIdentity(s, 'Identity', { ...props, tags: undefined })),
      'azurerm_user_assigned_identity',
    );
    expect(bare).toEqual({ name: 'id-acme-prod-primary-storage', resource_group_name: RG, location: LOCATION });
  });

  it.each(['id', '-id-acme', 'id.acme', 'id acme', `i${'d'.repeat(128)}`])('fails on name %p', (name) => {
    expect(() => synthAzure((s) => new WorkloadIdentity(s, 'Identity', { ...props, name }))).toThrow(
      new RegExp(`name "${name.replace(/\./g, '\\.')}" is invalid; expected 3-128 letters, digits, dashes and underscores`),
    );
  });

  it('accepts the 3- and 128-character bounds and underscores', () => {
    for (const name of ['id1', `i${'d'.repeat(127)}`, 'id_acme-1']) {
      expect(() => synthAzure((s) => new WorkloadIdentity(s, 'Identity', { ...props, name }))).not.toThrow();
    }
  });
});
