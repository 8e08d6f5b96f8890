import { writeFileSync } from 'node:fs';
import { defaultConfig, synthAws } from './stacks/support';
import { synthTerraformApp } from './stacks/azure-support';
import { digestDir } from './synth-cache';

// `node -r ./scripts/register.js test/synth-cache-child.ts <aws|terraform> <outdir>`: one shared
// synth of the default config (test/synth-cache.ts), started by test/global-setup.ts.
const [kind, outdir] = process.argv.slice(2);
try {
  if (kind === 'aws') synthAws(defaultConfig(), { policy: false, outdir });
  else if (kind === 'terraform') synthTerraformApp(defaultConfig(), { outdir });
  else throw new Error(`unknown kind ${kind}; expected aws or terraform`);
  writeFileSync(`${outdir}.done`, digestDir(outdir));
} catch (err) {
  writeFileSync(`${outdir}.failed`, String((err as Error)?.stack ?? err));
  process.exitCode = 1;
}
