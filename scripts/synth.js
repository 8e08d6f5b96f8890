#!/usr/bin/env node
'use strict';
// `npm run synth`: both apps at once, each one Node process: the AWS app with every policy gate
// (stacks/aws-app.ts) into cdk.out, the Terraform app (stacks/tf-app.ts) into cdktf.out.
//
// The AWS app is started the way the CDK CLI starts it (`cdk synth` runs the command in cdk.json
// with the context below in CDK_CONTEXT_JSON and the output directory in CDK_OUTDIR), without
// loading the CLI itself (about 2 s of the synth) when all it would add is that context: no
// context lookups (the baseline synthesizes offline), no deployment. `cdk synth` and
// `npm run synth:aws` keep going through the CLI; CI (.ci/run) compares this output with a
// `cdk synth` of the same commit byte for byte.
//
// Each app's output is printed when it ends (AWS first), so the two never interleave; the exit
// code is the first failing app's.
const { spawn } = require('node:child_process');
const { existsSync, readFileSync } = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');

/** The context `cdk synth` gives the app: cdk.json's, cdk.context.json's, and the CLI's defaults. */
function cliContext() {
  const cdkJson = JSON.parse(readFileSync(path.join(ROOT, 'cdk.json'), 'utf8'));
  const saved = path.join(ROOT, 'cdk.context.json');
  return {
    ...cdkJson.context,
    ...(existsSync(saved) ? JSON.parse(readFileSync(saved, 'utf8')) : {}),
    // What the CLI adds for `cdk synth` with its default options.
    'aws:cdk:enable-path-metadata': true,
    'aws:cdk:enable-asset-metadata': true,
    ...(cdkJson.versionReporting === false ? { 'aws:cdk:disable-version-reporting': true } : {}),
    'aws:cdk:bundling-stacks': ['**'],
  };
}

/** Runs a command in the repository root; resolves to its exit code and everything it printed. */
function run(args, env) {
  return new Promise((resolve) => {
    const output = [];
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d) => output.push(d));
    child.stderr.on('data', (d) => output.push(d));
    child.on('error', (err) => resolve({ code: 1, output: Buffer.from(`${err.message}\n`) }));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output: Buffer.concat(output) }));
  });
}

/** The app command of cdk.json (`node -r ./scripts/register.js stacks/aws-app.ts`), as node arguments. */
function awsAppArgs() {
  const app = JSON.parse(readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')).app;
  const words = app.split(/\s+/);
  if (words[0] !== 'node') throw new Error(`cdk.json's app "${app}" is not a node command; run npx cdk synth instead`);
  return words.slice(1);
}

async function main() {
  const outdir = path.resolve(ROOT, process.env.CDK_OUTDIR || 'cdk.out');
  const apps = [
    { name: 'AWS app', done: run(awsAppArgs(), { CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify(cliContext()) }) },
    { name: 'Terraform app', done: run(['-r', './scripts/register.js', 'stacks/tf-app.ts'], {}) },
  ];
  let exitCode = 0;
  for (const app of apps) {
    const { code, output } = await app.done;
    process.stderr.write(output);
    if (code !== 0) {
      process.stderr.write(`npm run synth: the ${app.name} failed (exit ${code})\n`);
      exitCode ||= code;
    }
  }
  return exitCode;
}

main().then((code) => {
  process.exitCode = code;
});
