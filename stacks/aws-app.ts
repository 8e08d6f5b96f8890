import { App } from 'aws-cdk-lib';
import { ConfigError } from '../lib/config/load';
import { addAwsStacks } from './aws-stacks';
import { loadBaselineConfig } from './config-file';
import { applyBaselinePolicy } from '../lib/policy/baseline-policy';

/*
 * The CDK app (cdk.json). The config file (BASELINE_CONFIG or config/baseline.json) is validated
 * before any construct exists, so an invalid file writes no template.
 */
function main(): void {
  let config: ReturnType<typeof loadBaselineConfig>;
  try {
    config = loadBaselineConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const app = new App();
  addAwsStacks(app, config);
  applyBaselinePolicy(app);
  app.synth();
}

main();
