#!/usr/bin/env node
'use strict';
// `npm run check:package`: proof that the package installs and works outside this repository.
//   1. build (tsconfig.build.json) and `npm pack` into a temporary directory;
//   2. the tarball holds dist JS + .d.ts for every entry point and lib/ file, the bin and the data
//      lib/ reads, and nothing else (no sources, tests, stacks, scripts, examples or fixtures);
//   3. each example (examples/aws-consumer, examples/tf-consumer) is copied to a temporary
//      directory, depends on the tarball (not on a path into this repository) and installs it with
//      its peers from the npm registry (the cache first: --prefer-offline);
//   4. `npm ls` is clean and shows one aws-cdk-lib and one constructs; the AWS consumer has no CDK
//      for Terraform and loads every entry point but ./azure and ./cloudflare without it;
//   5. both compile against the packed declarations, synthesize offline (the AWS one through the
//      CDK CLI with every policy gate), and the packed baseline-check reads their output.
// Plain JavaScript: it runs before anything is compiled. Exits 1 with the reason on any failure.
const { spawn, spawnSync } = require('node:child_process');
const { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const ENV = {
  ...process.env,
  CI: 'true',
  CHECKPOINT_DISABLE: '1',
  CDK_DISABLE_CLI_TELEMETRY: 'true',
  CDK_DISABLE_VERSION_CHECK: 'true',
  FORCE_COLOR: '0',
  npm_config_update_notifier: 'false',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
};
// Synthesis reads no config of this repository and writes where the example says.
delete ENV.BASELINE_CONFIG;
delete ENV.CDK_OUTDIR;
delete ENV.CDKTF_OUTDIR;
delete ENV.CDK_CONTEXT_JSON;

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const log = (message) => process.stdout.write(`check-package: ${message} (${elapsed()})\n`);

class CheckError extends Error {}
const fail = (message) => {
  throw new CheckError(message);
};

/** Runs a command to completion; fails with its output unless its exit code is in `ok`. */
function run(cmd, args, cwd, ok = [0]) {
  const result = spawnSync(cmd, args, { cwd, env: ENV, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) fail(`${cmd} ${args.join(' ')} (in ${cwd}) could not start: ${result.error.message}`);
  if (!ok.includes(result.status)) fail(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${result.status}:\n${result.stdout}${result.stderr}`);
  return result;
}

/** The same, without blocking: the two examples install and synthesize at once. */
function runAsync(cmd, args, cwd) {
  return new Promise((resolve, reject) => {
    const output = [];
    const child = spawn(cmd, args, { cwd, env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d) => output.push(d));
    child.stderr.on('data', (d) => output.push(d));
    child.on('error', (err) => reject(new CheckError(`${cmd} ${args.join(' ')} (in ${cwd}) could not start: ${err.message}`)));
    child.on('close', (code) =>
      code === 0
        ? resolve(Buffer.concat(output).toString('utf8'))
        : reject(new CheckError(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${code}:\n${Buffer.concat(output)}`)),
    );
  });
}

/** The .ts files below lib/, relative to it. */
function libSources(rel = '') {
  return readdirSync(path.join(ROOT, 'lib', rel), { withFileTypes: true }).flatMap((e) => {
    const r = rel ? `${rel}/${e.name}` : e.name;
    return e.isDirectory() ? libSources(r) : e.name.endsWith('.ts') ? [r] : [];
  });
}

/** Packs the built package into `dir`; returns the tarball's path and its file list. */
function pack(dir) {
  run('npm', ['run', '-s', 'build'], ROOT);
  // --ignore-scripts: prepack would build a second time.
  const result = run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], ROOT);
  const [info] = JSON.parse(result.stdout);
  return { tarball: path.join(dir, info.filename), files: info.files.map((f) => f.path).sort(), size: info.size };
}

function checkTarballFiles(files) {
  const expected = [
    ...libSources().flatMap((f) => ['.js', '.d.ts'].map((ext) => `dist/${f.replace(/\.ts$/, ext)}`)),
    ...Object.values(pkg.exports)
      .flatMap((t) => (typeof t === 'string' ? [t] : Object.values(t)))
      .map((t) => t.replace(/^\.\//, '')),
    ...Object.values(pkg.bin),
    'data/cloudflare-ip-ranges.json',
    'data/frameworks/nist-sp800-53r5.json',
  ];
  const missing = [...new Set(expected)].filter((f) => !files.includes(f));
  if (missing.length) fail(`the tarball lacks ${missing.join(', ')}`);
  const allowed = new RegExp(
    '^(dist\\/.+\\.(js|d\\.ts)|bin\\/baseline-check\\.js|data\\/cloudflare-ip-ranges\\.json|data\\/frameworks\\/nist-sp800-53r' +
      '5\\.json|config\\/baseline\\.schema\\.json|package\\.json|README\\.md|LICENSE)$',
  );
  const extra = files.filter((f) => !allowed.test(f) || /(^|\/)(test|tests|stacks|scripts|examples|fixtures)\//.test(f));
  if (extra.length) fail(`the tarball holds files a consumer must not get: ${extra.join(', ')}`);
}

/** Copies an example without its build output or installed modules, and points it at the tarball. */
function prepareExample(name, work, tarball) {
  const dir = path.join(work, name);
  const skip = new Set(['node_modules', 'dist', 'cdk.out', 'cdktf.out', 'package-lock.json']);
  cpSync(path.join(ROOT, 'examples', name), dir, { recursive: true, filter: (src) => !skip.has(path.basename(src)) });
  const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  if (manifest.dependencies?.[pkg.name] !== pkg.version)
    fail(
      `examples/${name}/package.json must depend on ${pkg.name} ${pkg.version} (the version packed), not ` +
        `${manifest.dependencies?.[pkg.name]}`,
    );
  manifest.dependencies[pkg.name] = `file:${tarball}`;
  writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return dir;
}

async function install(dir) {
  await runAsync('npm', ['install', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], dir);
  // A clean tree (no missing or invalid peer), and one copy of each: two copies of aws-cdk-lib or
  // constructs break instanceof and Stack.of between the app's constructs and the package's.
  run('npm', ['ls', 'aws-cdk-lib', 'constructs'], dir);
  const nodes = JSON.parse(run('npm', ['query', '#aws-cdk-lib, #constructs, #cdktf'], dir).stdout);
  const copies = (name) => new Set(nodes.filter((n) => n.name === name).map((n) => n.location));
  for (const name of ['aws-cdk-lib', 'constructs']) {
    if (copies(name).size !== 1)
      fail(`${path.basename(dir)} has ${copies(name).size} copies of ${name} (${[...copies(name)].join(', ')}); expected exactly one`);
  }
  return { cdktf: copies('cdktf').size };
}

/** The packed baseline-check over `output`, as JSON; exit 0 or 1 (a failing control), never 2. */
function baselineCheck(dir, output) {
  const result = run(path.join(dir, 'node_modules', '.bin', 'baseline-check'), ['--json', output], dir, [0, 1]);
  const report = JSON.parse(result.stdout);
  const cell = (control, cloud) => report.matrix.find((c) => c.control === control && c.cloud === cloud)?.status;
  return { status: result.status, report, cell };
}

async function checkAwsConsumer(dir) {
  const { cdktf } = await install(dir);
  log('examples/aws-consumer installed');
  if (cdktf !== 0) fail('the AWS consumer got CDK for Terraform installed: cdktf and the providers must stay optional peers');
  // Every entry point an aws-cdk-lib app may use loads without CDK for Terraform.
  run(
    process.execPath,
    ['-e', `for (const s of ['', '/aws', '/config', '/controls', '/evidence', '/policy']) require('${pkg.name}' + s);`],
    dir,
  );
  await runAsync(path.join(dir, 'node_modules', '.bin', 'tsc'), ['-p', '.'], dir);
  log('examples/aws-consumer compiled');
  // Through the CDK CLI, as a user runs it: cdk.json's app and context, every policy gate.
  await runAsync(path.join(dir, 'node_modules', '.bin', 'cdk'), ['synth', '--quiet', '--no-notices'], dir);
  const out = path.join(dir, 'cdk.out');
  const templates = readdirSync(out).filter((f) => f.endsWith('.template.json'));
  if (templates.length === 0) fail('the AWS consumer synthesized no template');
  const report = JSON.parse(readFileSync(path.join(out, 'validation-report.json'), 'utf8'));
  const ran = report.pluginReports.map((p) => p.pluginName);
  for (const plugin of [
    'AwsSolutions',
    'HIPAA.Security',
    'NIST.800.53.R4',
    'NIST.800.53.R5',
    'PCI.DSS.321',
    'Serverless',
    'cdk-validator-cfnguard',
  ]) {
    if (!ran.includes(plugin)) fail(`the AWS consumer's synth did not run the ${plugin} gate (ran: ${ran.join(', ')})`);
  }
  const failed = report.pluginReports.filter((p) => p.conclusion !== 'success');
  if (failed.length) fail(`the AWS consumer's policy gates failed: ${failed.map((p) => p.pluginName).join(', ')}`);
  const acknowledged = report.pluginReports.reduce((n, p) => n + (p.suppressedViolations ?? []).length, 0);
  const check = baselineCheck(dir, out);
  if (check.cell('ENC-REST', 'aws') !== 'pass')
    fail(`baseline-check over the AWS consumer: ENC-REST is ${check.cell('ENC-REST', 'aws')}, expected pass (its keys and buckets)`);
  return (
    `${templates.length} template(s), ${ran.length} gates passed (${acknowledged} findings acknowledged), baseline-check: ` +
    `${check.report.headline}`
  );
}

async function checkTfConsumer(dir) {
  await install(dir);
  log('examples/tf-consumer installed');
  await runAsync(path.join(dir, 'node_modules', '.bin', 'tsc'), ['-p', '.'], dir);
  log('examples/tf-consumer compiled');
  await runAsync(process.execPath, ['dist/main.js'], dir);
  const out = path.join(dir, 'cdktf.out');
  const stacks = existsSync(path.join(out, 'stacks')) ? readdirSync(path.join(out, 'stacks')) : [];
  if (stacks.length !== 2) fail(`the Terraform consumer synthesized ${stacks.length} stacks (${stacks.join(', ')}); expected 2`);
  const check = baselineCheck(dir, out);
  const expect = {
    'ENC-REST azure': 'pass',
    'LOG-CENTRAL azure': 'pass',
    'WAF-RATE-GLOBAL cloudflare': 'pass',
    'EDGE-TLS cloudflare': 'pass',
    'ORIGIN-LOCK cloudflare': 'fail',
  };
  for (const [key, status] of Object.entries(expect)) {
    const [control, cloud] = key.split(' ');
    if (check.cell(control, cloud) !== status)
      fail(`baseline-check over the Terraform consumer: ${key} is ${check.cell(control, cloud)}, expected ${status}`);
  }
  // The example has no authenticated origin pulls: the gate must fail it (exit 1) and say why.
  if (check.status !== 1)
    fail(
      `baseline-check over the Terraform consumer exited ${check.status}; expected 1 (ORIGIN-LOCK fails: no authenticated origin pulls)`,
    );
  return `${stacks.length} stacks, baseline-check: ${check.report.headline}`;
}

async function main() {
  const work = mkdtempSync(path.join(tmpdir(), 'baseline-package-'));
  try {
    const { tarball, files, size } = pack(work);
    checkTarballFiles(files);
    log(`packed ${path.basename(tarball)}: ${files.length} files, ${(size / 1024).toFixed(0)} KiB; contents as expected`);
    const aws = prepareExample('aws-consumer', work, tarball);
    const tf = prepareExample('tf-consumer', work, tarball);
    const [awsResult, tfResult] = await Promise.all([checkAwsConsumer(aws), checkTfConsumer(tf)]);
    log(`examples/aws-consumer: ${awsResult}`);
    log(`examples/tf-consumer: ${tfResult}`);
    log('the package installs from its tarball and both examples synthesize');
  } finally {
    // Removed in the background: deleting the two installs (~35k files) takes longer than the
    // checks on a slow disk, and nothing waits for it.
    spawn('rm', ['-rf', work], { detached: true, stdio: 'ignore' }).unref();
  }
}

main().catch((err) => {
  process.stderr.write(`check-package: FAILED after ${elapsed()}: ${err instanceof CheckError ? err.message : err.stack}\n`);
  process.exit(1);
});
