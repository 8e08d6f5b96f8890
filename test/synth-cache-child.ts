import { writeFileSync } from 'node:fs';
import { defaultConfig, synthAws } from './stacks/support';
import { synthTerraformApp } from './stacks/azure-support';
import { digestDir } from './synth-cache';

// `node -r ./scripts/register.js test/synth-cache-child.ts <awsGated|aws|terraform> <outdir>`: one
// shared synth of the default config (test/synth-cache.ts), started by test/global-setup.ts.
const [kind, outdir] = process.argv.slice(2);
try {
  // The gated synth throws on any unacknowledged policy finding; the error, with the report, is
  // what test/stacks/aws-policy.test.ts then fails with.
  if (kind === 'awsGated') synthAws(defaultConfig(), { outdir, cfnValidation: false });
  else if (kind === 'aws') synthAws(defaultConfig(), { policy: false, outdir });
  else if (kind === 'terraform') synthTerraformApp(defaultConfig(), { outdir });
  else throw new Error(`unknown kind ${kind}; expected awsGated, aws or terraform`);
  writeFileSync(`${outdir}.done`, digestDir(outdir));
} catch (err) {
  writeFileSync(`${outdir}.failed`, String((err as Error)?.stack ?? err));
  process.exitCode = 1;
}
