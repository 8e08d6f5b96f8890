import { App } from 'aws-cdk-lib';
import { ConfigError } from '../lib/config/load';
import { addAwsStacks } from './aws-stacks';
import { loadBaselineConfig, type AppIo } from './config-file';
import { applyBaselinePolicy } from '../lib/policy/baseline-policy';

/**
 * The CDK app (cdk.json). The config file (BASELINE_CONFIG or config/baseline.json) is validated
 * before any construct exists, so an invalid file writes no template. Synthesizes into CDK_OUTDIR
 * (set by the CDK CLI) and returns 0, or returns 1 with every problem of an invalid config written
 * to `io.stderr`, having created nothing (the entry point exits with it; the tests call it in-process).
 */
export function runAwsApp(io: AppIo = { stderr: process.stderr, env: process.env }): number {
  let config: ReturnType<typeof loadBaselineConfig>;
  try {
    config = loadBaselineConfig(io.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      io.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const app = new App({ outdir: io.env.CDK_OUTDIR });
  addAwsStacks(app, config);
  applyBaselinePolicy(app);
  app.synth();
  return 0;
}

if (require.main === module) {
  const code = runAwsApp();
  if (code !== 0) process.exit(code);
}
