import { App, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { namePath } from '../../lib/aws/name-path';

describe('namePath', () => {
  it('is the construct path without the Default ids CDK leaves out of logical ids', () => {
    const stack = new Stack(new App(), 'prod-aws-primary');
    const wrapped = new Construct(new Construct(new Construct(stack, 'Default'), 'App'), 'LaunchTemplate');
    expect(wrapped.node.path).toBe('prod-aws-primary/Default/App/LaunchTemplate');
    expect(namePath(wrapped)).toBe('prod-aws-primary/App/LaunchTemplate');
  });

  it('is the construct path itself when no Default id is on it', () => {
    const stack = new Stack(new App(), 'Test');
    const bucket = new Construct(new Construct(stack, 'AlbLogs'), 'Resource');
    expect(namePath(bucket)).toBe(bucket.node.path);
  });
});
