// The control catalogue and its checks over synthesized output (CloudFormation templates,
// Terraform JSON), with the markers checks recognise resources by. Re-exports by name, plus the
// entry points that run every check; what is not listed here is internal (the per-control check
// functions, the shared check helpers: this repository's tests may still import them by file).
import { CONTROLS } from './catalogue';
import { duringChecks } from './core/check-run';
import type { AwsEnvironmentTemplates, AzureEnvironmentStacks, CheckOptions, CheckResult, Finding } from './types';

export type {
  AwsEnvironmentTemplates,
  AzureEnvironmentStacks,
  Check,
  CheckOptions,
  CheckResult,
  Cloud,
  Control,
  ControlId,
  Coverage,
  DeployedStack,
  Deployment,
  DeploymentCheck,
  EnvironmentCheck,
  EnvironmentFacts,
  Finding,
} from './types';
export { CONTROLS, control } from './catalogue';
export {
  CONTROL_FRAMEWORKS,
  type ControlFrameworkMapping,
  type Framework,
  FRAMEWORK_IDS,
  type FrameworkId,
  frameworkReferences,
  FRAMEWORKS,
  MAPPING_SOURCES,
  type MappingSource,
  type MappingSourceId,
} from './frameworks';
export {
  LOG_CLASS_MARKER,
  MARKED_STACK_ROLES,
  type MarkedStackRole,
  RESIDENCY_EXCEPTION_MARKER,
  type ResourceRole,
  ROLE_MARKER,
  STACK_MARKER,
  type StackMarker,
  stackMarkerOf,
  TIER_MARKER,
} from './markers';

/** Runs every control's AWS check on one synthesized CloudFormation template, in catalogue order. */
export function checkAws(template: any, options: CheckOptions = {}): CheckResult[] {
  return duringChecks(() => CONTROLS.flatMap((c) => (c.checks.aws ? [c.checks.aws(template, options)] : [])));
}

/**
 * Runs every control's Azure check on one synthesized Terraform JSON stack (cdk.tf.json), in
 * catalogue order.
 */
export function checkAzure(tfJson: any, options: CheckOptions = {}): CheckResult[] {
  return duringChecks(() => CONTROLS.flatMap((c) => (c.checks.azure ? [c.checks.azure(tfJson, options)] : [])));
}

/**
 * Runs every control's Cloudflare check on one synthesized Terraform JSON stack
 * (`<env>-cloudflare`), in catalogue order.
 */
export function checkCloudflare(tfJson: any, options: CheckOptions = {}): CheckResult[] {
  return duringChecks(() => CONTROLS.flatMap((c) => (c.checks.cloudflare ? [c.checks.cloudflare(tfJson, options)] : [])));
}

/** Runs every control's environment-wide AWS check (DR-REGION) on one environment's templates. */
export function checkAwsEnvironment(templates: AwsEnvironmentTemplates, options: CheckOptions = {}): CheckResult[] {
  return duringChecks(() => CONTROLS.flatMap((c) => (c.environmentChecks?.aws ? [c.environmentChecks.aws(templates, options)] : [])));
}

/** Runs every control's environment-wide Azure check (DR-REGION) on one environment's stacks. */
export function checkAzureEnvironment(stacks: AzureEnvironmentStacks, options: CheckOptions = {}): CheckResult[] {
  return duringChecks(() => CONTROLS.flatMap((c) => (c.environmentChecks?.azure ? [c.environmentChecks.azure(stacks, options)] : [])));
}

/** Every finding of the failed results (empty when all passed or were not applicable). */
export function failures(results: readonly CheckResult[]): Finding[] {
  return results.filter((r) => r.status === 'fail').flatMap((r) => [...r.findings]);
}

/** Findings as one line each, `CONTROL resource: message`, for test output and reports. */
export function formatFindings(findings: readonly Finding[]): string {
  return findings.map((f) => `${f.control} ${f.resource}: ${f.message}`).join('\n');
}
