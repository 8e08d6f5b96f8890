import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { BaselineConfig } from '../../lib/config/schema';
import { sharedOutput } from '../synth-cache';
import { defaultConfig } from './support';

// cdktf, the providers and the stacks are loaded only by a file that synthesizes (see support.ts).
const cdktf = () => require('cdktf') as typeof import('cdktf');
const azureStacks = () => require('../../stacks/azure-stacks') as typeof import('../../stacks/azure-stacks');
const cloudflareStacks = () => require('../../stacks/cloudflare-stacks') as typeof import('../../stacks/cloudflare-stacks');

/**
 * The stacks `names` of the run's shared Terraform output (test/synth-cache.ts), in that order,
 * when `config` is the default one and the output has them all; else undefined (synthesize).
 */
function sharedStacks(
  config: BaselineConfig,
  names: (env: string, settings: BaselineConfig['environments'][string]) => string[],
): Record<string, any> | undefined {
  if (!isDeepStrictEqual(config, defaultConfig())) return undefined;
  const shared = sharedOutput('terraform');
  if (!shared) return undefined;
  const files = Object.entries(config.environments)
    .flatMap(([env, settings]) => names(env, settings))
    .map((name) => [name, path.join(shared, 'stacks', name, 'cdk.tf.json')]);
  if (!files.every(([, file]) => existsSync(file))) return undefined;
  return Object.fromEntries(files.map(([name, file]) => [name, JSON.parse(readFileSync(file, 'utf8'))]));
}

/**
 * The synthesized Terraform JSON of every Azure stack, by stack name. For the default config,
 * the stacks of the run's shared Terraform synth (the whole app: the same JSON) unless `fresh`.
 */
export function synthAzureApp(config: BaselineConfig, options: { fresh?: boolean } = {}): Record<string, any> {
  const shared = options.fresh
    ? undefined
    : sharedStacks(config, (env, settings) => (settings.azure ? [`${env}-azure-dr`, `${env}-azure-primary`] : []));
  if (shared) return shared;
  const outdir = mkdtempSync(path.join(tmpdir(), 'baseline-tf-'));
  const app = new (cdktf().App)({ outdir, skipValidation: false });
  const stacks = azureStacks().addAzureStacks(app, config);
  app.synth();
  const out: Record<string, any> = {};
  for (const envStacks of Object.values(stacks)) {
    for (const stack of [envStacks.dr, envStacks.primary]) {
      const name = stack.node.id;
      out[name] = JSON.parse(readFileSync(path.join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8'));
    }
  }
  return out;
}

/** The resources of one type in a stack, by name. */
export function tfResources(stack: any, type: string): Record<string, any> {
  return stack.resource?.[type] ?? {};
}

/** The only resource of `type` in a stack. */
export function tfOnly(stack: any, type: string): any {
  const all = Object.values(tfResources(stack, type));
  if (all.length !== 1) throw new Error(`expected one ${type}, found ${all.length}`);
  return all[0];
}

/**
 * The synthesized Terraform JSON of every Cloudflare stack, by stack name. For the default
 * config, the stacks of the run's shared Terraform synth unless `fresh`.
 */
export function synthCloudflareApp(config: BaselineConfig, options: { fresh?: boolean } = {}): Record<string, any> {
  const shared = options.fresh ? undefined : sharedStacks(config, (env, settings) => (settings.cloudflare ? [`${env}-cloudflare`] : []));
  if (shared) return shared;
  const outdir = mkdtempSync(path.join(tmpdir(), 'baseline-cf-'));
  const app = new (cdktf().App)({ outdir, skipValidation: false });
  const stacks = cloudflareStacks().addCloudflareStacks(app, config);
  app.synth();
  return Object.fromEntries(
    Object.values(stacks).map((stack) => [
      stack.node.id,
      JSON.parse(readFileSync(path.join(outdir, 'stacks', stack.node.id, 'cdk.tf.json'), 'utf8')),
    ]),
  );
}

/**
 * Synthesizes the whole Terraform app (Azure and Cloudflare stacks) as `npm run synth:tf` does;
 * returns its output directory. The default config is synthesized once per jest run
 * (test/synth-cache.ts) and its shared directory returned unless `outdir` or `fresh` is given:
 * copy it before writing into it.
 */
export function synthTerraformApp(config: BaselineConfig, options: { outdir?: string; fresh?: boolean } = {}): string {
  if (!options.outdir && !options.fresh && isDeepStrictEqual(config, defaultConfig())) {
    const shared = sharedOutput('terraform');
    if (shared) return shared;
  }
  const outdir = options.outdir ?? mkdtempSync(path.join(tmpdir(), 'baseline-tfapp-'));
  const app = new (cdktf().App)({ outdir, skipValidation: false });
  azureStacks().addAzureStacks(app, config);
  cloudflareStacks().addCloudflareStacks(app, config);
  app.synth();
  return outdir;
}
