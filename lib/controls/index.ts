// The control catalogue and its checks (docs/design.md "The control catalogue"): re-exports, plus the
// two entry points tests and the evidence report use.
import { CONTROLS } from './catalogue';
import type { AwsEnvironmentTemplates, AzureEnvironmentStacks, CheckOptions, CheckResult, Finding } from './types';

export * from './types';
export * from './catalogue';
export * from './frameworks';
export * from './implementations';
export * as aws from './aws';
export * as azure from './azure';
export * as cloudflare from './cloudflare';

/** Runs every control's AWS check on one synthesized CloudFormation template, in catalogue order. */
export function checkAws(template: any, options: CheckOptions = {}): CheckResult[] {
  return CONTROLS.flatMap((c) => (c.checks.aws ? [c.checks.aws(template, options)] : []));
}

/**
 * Runs every control's Azure check on one synthesized Terraform JSON stack (cdk.tf.json), in
 * catalogue order.
 */
export function checkAzure(tfJson: any, options: CheckOptions = {}): CheckResult[] {
  return CONTROLS.flatMap((c) => (c.checks.azure ? [c.checks.azure(tfJson, options)] : []));
}

/**
 * Runs every control's Cloudflare check on one synthesized Terraform JSON stack
 * (`<env>-cloudflare`), in catalogue order.
 */
export function checkCloudflare(tfJson: any, options: CheckOptions = {}): CheckResult[] {
  return CONTROLS.flatMap((c) => (c.checks.cloudflare ? [c.checks.cloudflare(tfJson, options)] : []));
}

/** Runs every control's environment-wide AWS check (DR-REGION) on one environment's templates. */
export function checkAwsEnvironment(templates: AwsEnvironmentTemplates, options: CheckOptions = {}): CheckResult[] {
  return CONTROLS.flatMap((c) => (c.environmentChecks?.aws ? [c.environmentChecks.aws(templates, options)] : []));
}

/** Runs every control's environment-wide Azure check (DR-REGION) on one environment's stacks. */
export function checkAzureEnvironment(stacks: AzureEnvironmentStacks, options: CheckOptions = {}): CheckResult[] {
  return CONTROLS.flatMap((c) => (c.environmentChecks?.azure ? [c.environmentChecks.azure(stacks, options)] : []));
}

/** Every finding of the failed results (empty when all passed or were not applicable). */
export function failures(results: readonly CheckResult[]): Finding[] {
  return results.filter((r) => r.status === 'fail').flatMap((r) => [...r.findings]);
}

/** Findings as one line each, `CONTROL resource: message`, for test output and reports. */
export function formatFindings(findings: readonly Finding[]): string {
  return findings.map((f) => `${f.control} ${f.resource}: ${f.message}`).join('\n');
}
