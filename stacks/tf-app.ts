import { App } from 'cdktf';
import { ConfigError } from '../lib/config/load';
import type { BaselineConfig } from '../lib/config/schema';
import { addAzureStacks } from './azure-stacks';
import type { CloudflareOrigins } from './cloudflare-origins';
import { addCloudflareStacks, resolveAllCloudflareOrigins } from './cloudflare-stacks';
import { loadBaselineConfig } from './config-file';

/*
 * The CDK for Terraform app (cdktf.json): the Azure stacks and the Cloudflare edge stack of every
 * environment. It validates the same config file, so both apps accept and reject the same input;
 * Cloudflare origins read from an outputs file are resolved before any stack is built, so a
 * missing file fails with nothing written.
 */
function main(): void {
  let config: BaselineConfig;
  let origins: Record<string, CloudflareOrigins>;
  try {
    config = loadBaselineConfig();
    origins = resolveAllCloudflareOrigins(config, process.env.BASELINE_CONFIG || 'config/baseline.json');
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const app = new App({ outdir: process.env.CDKTF_OUTDIR ?? 'cdktf.out', skipValidation: false });
  addAzureStacks(app, config);
  addCloudflareStacks(app, config, origins);
  app.synth();
}

main();
