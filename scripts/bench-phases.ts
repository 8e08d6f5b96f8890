// One app's synth split into its phases, for `npm run bench` (issue 7: "within 1.5x the import
// floor plus the CDK/CDKTF work that cannot be avoided"). Usage:
//   node -r ./scripts/register.js scripts/bench-phases.ts <aws-bare|aws-gated|tf> <outdir>
// Times, in this one process: loading the modules the app loads, constructing every stack of the
// default config (or BASELINE_CONFIG), and app.synth(). `aws-bare` synthesizes without any gate
// (the CDK work alone); `aws-gated` with every gate the CLI synth runs (cdk-nag packs, Control
// Tower Guard, CDK's built-in CloudFormation validation). The AWS app gets cdk.json's context, as
// the CLI passes it. Writes `<outdir>.phases.json`: { importSeconds, constructSeconds, synthSeconds }.
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const [mode, outdir] = process.argv.slice(2);
if (!['aws-bare', 'aws-gated', 'tf'].includes(mode ?? '') || !outdir) {
  process.stderr.write('usage: bench-phases.ts <aws-bare|aws-gated|tf> <outdir>\n');
  process.exit(2);
}
const seconds = (from: number) => (performance.now() - from) / 1000;
let t = performance.now();
const phases: Record<string, number> = {};
const { loadBaselineConfig: loadConfig } = require('../stacks/config-file');
if (mode === 'tf') {
  const { App } = require('cdktf');
  const { addAzureStacks } = require('../stacks/azure-stacks');
  const { addCloudflareStacks } = require('../stacks/cloudflare-stacks');
  phases.importSeconds = seconds(t);
  t = performance.now();
  const config = loadConfig();
  const app = new App({ outdir, skipValidation: false });
  addAzureStacks(app, config);
  addCloudflareStacks(app, config);
  phases.constructSeconds = seconds(t);
  t = performance.now();
  app.synth();
  phases.synthSeconds = seconds(t);
} else {
  const { App } = require('aws-cdk-lib');
  const { addAwsStacks } = require('../stacks/aws-stacks');
  const { applyBaselinePolicy } = require('../lib/policy/baseline-policy');
  phases.importSeconds = seconds(t);
  t = performance.now();
  const config = loadConfig();
  const context = JSON.parse(readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8')).context;
  const gated = mode === 'aws-gated';
  const app = new App({ context, outdir, ...(gated ? {} : { builtinCloudFormationValidation: false }) });
  addAwsStacks(app, config);
  if (gated) applyBaselinePolicy(app);
  phases.constructSeconds = seconds(t);
  t = performance.now();
  app.synth();
  phases.synthSeconds = seconds(t);
}
writeFileSync(`${outdir}.phases.json`, `${JSON.stringify(phases)}\n`);
