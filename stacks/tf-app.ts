import { App } from 'cdktf';
import { ConfigError, loadConfig } from '../lib/config/load';
import type { BaselineConfig } from '../lib/config/schema';
import { addAzureStacks } from './azure-stacks';

/*
 * The CDK for Terraform app (cdktf.json): the Azure stacks of every environment (Cloudflare is
 * added by its issue).
 * It validates the same config file, so both apps accept and reject the same input.
 */
function main(): void {
  let config: BaselineConfig;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const app = new App({ outdir: process.env.CDKTF_OUTDIR ?? 'cdktf.out', skipValidation: false });
  addAzureStacks(app, config);
  app.synth();
}

main();
