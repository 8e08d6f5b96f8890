import { App, TerraformStack, Testing } from 'cdktf';
import { markTerraformStack } from '../../lib/azure/stack-marker';
import { stackMarkerOf } from '../../lib/controls/markers';

describe('markTerraformStack', () => {
  it('writes the stack marker under the "//" comment key Terraform ignores, where the evidence tools read it back', () => {
    const stack = new TerraformStack(Testing.app(), 'anything');
    markTerraformStack(stack, { environment: 'staging', role: 'edge', production: false, residency: 'eu' });
    const json = stack.toTerraform();
    expect(json['//'].baseline).toEqual({ environment: 'staging', role: 'edge', production: false, residency: 'eu' });
    expect(stackMarkerOf(json)).toEqual({ environment: 'staging', role: 'edge', production: false, residency: 'eu' });
  });

  it('rejects a marker the tools would not read, naming the field', () => {
    const stack = new TerraformStack(new App(), 'tf');
    expect(() => markTerraformStack(stack, { environment: 'my env', role: 'primary' })).toThrow(
      /markTerraformStack\(tf\): environment "my env" is not a lower-case name/,
    );
  });
});
