import type { App } from 'cdktf';
import { markTerraformStack } from '../lib/azure/stack-marker';
import type { AzureEnvironmentConfig, BaselineConfig } from '../lib/config/schema';
import { AzureRegionStack } from './azure-region-stack';

/** The Azure stacks of one environment. */
export interface AzureEnvironmentStacks {
  readonly dr: AzureRegionStack;
  readonly primary: AzureRegionStack;
}

/**
 * Adds every Azure environment's stacks to the Terraform app, in deployment order:
 * `<env>-azure-dr` (the paired region: keys the primary's geo-backups use, warm standby) and
 * `<env>-azure-primary`. Used by the app and the tests, so both synthesize the same thing.
 */
export function addAzureStacks(app: App, config: BaselineConfig): Record<string, AzureEnvironmentStacks> {
  const result: Record<string, AzureEnvironmentStacks> = {};
  for (const [name, environment] of Object.entries(config.environments)) {
    if (!environment.azure) continue;
    const env = environment as AzureEnvironmentConfig;
    const common = { project: config.project, environment: name, config: env, guardrails: config.guardrails };
    const dr = new AzureRegionStack(app, `${name}-azure-dr`, { ...common, role: 'dr' });
    const primary = new AzureRegionStack(app, `${name}-azure-primary`, { ...common, role: 'primary' });
    primary.addDependency(dr);
    // The stack marker the evidence tools group stacks by (never their names).
    const marker = { environment: name, production: env.production, residency: env.residency };
    markTerraformStack(dr, { ...marker, role: 'dr' });
    markTerraformStack(primary, { ...marker, role: 'primary' });
    result[name] = { dr, primary };
  }
  return result;
}
