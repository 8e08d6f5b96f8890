import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { markAwsStack } from '../../lib/aws/stack-marker';
import { stackMarkerOf } from '../../lib/controls/markers';

describe('markAwsStack', () => {
  it('writes the stack marker into the template metadata, where the evidence tools read it back', () => {
    // No built-in CloudFormation schema validation (test/aws/support.ts): the stack tests run it on the real stacks.
    const stack = new Stack(new App({ builtinCloudFormationValidation: false }), 'AnyName');
    stack.templateOptions.metadata = { owner: 'platform' };
    markAwsStack(stack, { environment: 'prod', role: 'dr', production: true, residency: 'eu' });
    const template = Template.fromStack(stack).toJSON();
    expect(template.Metadata).toEqual({
      owner: 'platform',
      baseline: { environment: 'prod', role: 'dr', production: true, residency: 'eu' },
    });
    expect(stackMarkerOf(template)).toEqual({ environment: 'prod', role: 'dr', production: true, residency: 'eu' });
  });

  it('rejects a marker the tools would not read, naming the field', () => {
    const stack = new Stack(new App(), 'S');
    expect(() => markAwsStack(stack, { environment: 'Prod', role: 'primary' })).toThrow(
      /markAwsStack\(S\): environment "Prod" is not a lower-case name/,
    );
    expect(() => markAwsStack(stack, { environment: 'prod', role: 'main' as never })).toThrow(
      /role "main" is not one of primary, dr, dr-database, edge/,
    );
  });
});
