import { App } from 'cdktf';
import { ConfigError, loadConfig } from '../lib/config/load';

/*
 * The CDK for Terraform app (cdktf.json): Azure and Cloudflare stacks are added by their issues.
 * It validates the same config file, so both apps accept and reject the same input.
 */
function main(): void {
  try {
    loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const app = new App({ outdir: process.env.CDKTF_OUTDIR ?? 'cdktf.out', skipValidation: false });
  app.synth();
}

main();
