import { App } from 'cdktf';
import { ConfigError } from '../lib/config/load';
import type { BaselineConfig } from '../lib/config/schema';
import { addAzureStacks } from './azure-stacks';
import type { CloudflareOrigins } from './cloudflare-origins';
import { addCloudflareStacks, resolveAllCloudflareOrigins } from './cloudflare-stacks';
import { loadBaselineConfig, type AppIo } from './config-file';

/**
 * The CDK for Terraform app (cdktf.json): the Azure stacks and the Cloudflare edge stack of every
 * environment. It validates the same config file, so both apps accept and reject the same input;
 * Cloudflare origins read from an outputs file are resolved before any stack is built, so a
 * missing file fails with nothing written. Synthesizes into CDKTF_OUTDIR (default cdktf.out) and
 * returns 0, or returns 1 with every problem of an invalid config written to `io.stderr`, having
 * created nothing (the entry point exits with it; the tests call it in-process).
 */
export function runTfApp(io: AppIo = { stderr: process.stderr, env: process.env }): number {
  let config: BaselineConfig;
  let origins: Record<string, CloudflareOrigins>;
  try {
    config = loadBaselineConfig(io.env);
    origins = resolveAllCloudflareOrigins(config, io.env.BASELINE_CONFIG || 'config/baseline.json');
  } catch (err) {
    if (err instanceof ConfigError) {
      io.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const app = new App({ outdir: io.env.CDKTF_OUTDIR ?? 'cdktf.out', skipValidation: false });
  addAzureStacks(app, config);
  addCloudflareStacks(app, config, origins);
  app.synth();
  return 0;
}

if (require.main === module) {
  const code = runTfApp();
  if (code !== 0) process.exit(code);
}
