import type { TerraformStack } from 'cdktf';
import { STACK_MARKER, validateStackMarker, type StackMarker } from '../controls/markers';

/**
 * Marks a CDK for Terraform stack for the baseline's evidence tools (report, baseline-check): the
 * synthesized JSON's `//.baseline` (a comment key Terraform ignores) says which environment the
 * stack belongs to, its role there, whether the environment is production and which jurisdiction
 * its data must stay in. The tools group stacks by this marker, never by their names. Used for the
 * Azure and the Cloudflare stacks alike.
 */
export function markTerraformStack(stack: TerraformStack, marker: StackMarker): void {
  validateStackMarker(`markTerraformStack(${stack.node.path})`, marker);
  stack.addOverride(`//.${STACK_MARKER}`, { ...marker });
}
