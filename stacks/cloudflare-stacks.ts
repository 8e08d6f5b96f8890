import type { App } from 'cdktf';
import { markTerraformStack } from '../lib/azure/stack-marker';
import type { BaselineConfig } from '../lib/config/schema';
import { resolveCloudflareOrigins, type CloudflareOrigins } from './cloudflare-origins';
import { CloudflareStack } from './cloudflare-stack';

/**
 * The origins of every environment with a `cloudflare` section. The app calls this before it
 * builds any stack, so a missing outputs file fails with nothing synthesized.
 */
export function resolveAllCloudflareOrigins(config: BaselineConfig, configFile?: string): Record<string, CloudflareOrigins> {
  return Object.fromEntries(
    Object.entries(config.environments)
      .filter(([, env]) => env.cloudflare)
      .map(([name, env]) => [name, resolveCloudflareOrigins(config.project, name, env, configFile)]),
  );
}

/**
 * Adds `<env>-cloudflare` for every environment with a `cloudflare` section (deployed after the
 * clouds' stacks, whose gateways are its origins). Used by the app and the tests, so both
 * synthesize the same thing.
 */
export function addCloudflareStacks(
  app: App,
  config: BaselineConfig,
  origins: Record<string, CloudflareOrigins> = resolveAllCloudflareOrigins(config),
): Record<string, CloudflareStack> {
  const result: Record<string, CloudflareStack> = {};
  for (const [name, env] of Object.entries(config.environments)) {
    if (!env.cloudflare) continue;
    result[name] = new CloudflareStack(app, `${name}-cloudflare`, {
      project: config.project,
      environment: name,
      config: env,
      origins: origins[name],
    });
    // The stack marker the evidence tools group stacks by (never their names).
    markTerraformStack(result[name], { environment: name, role: 'edge', production: env.production, residency: env.residency });
  }
  return result;
}
