import type { Stack } from 'aws-cdk-lib';
import { STACK_MARKER, validateStackMarker, type StackMarker } from '../controls/markers';

/**
 * Marks a CloudFormation stack for the baseline's evidence tools (report, baseline-check): the
 * template's top-level `Metadata.baseline` says which environment the stack belongs to, its role
 * there, whether the environment is production and which jurisdiction its data must stay in. The
 * tools group stacks by this marker, never by their names, and the cross-environment checks
 * (ENV-SEPARATION, DATA-RESIDENCY) read production and residency from it when no config is given.
 * Merges with any other template metadata the stack sets.
 */
export function markAwsStack(stack: Stack, marker: StackMarker): void {
  validateStackMarker(`markAwsStack(${stack.node.path})`, marker);
  stack.templateOptions.metadata = { ...(stack.templateOptions.metadata ?? {}), [STACK_MARKER]: { ...marker } };
}
