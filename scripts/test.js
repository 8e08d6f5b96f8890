#!/usr/bin/env node
'use strict';
// `npm test [-- <jest options>]`: the type check (tsc --noEmit) and jest at the same time instead
// of one after the other. The type check runs at low priority: it fills the moments jest leaves a
// core idle (worker start-up, the last files) instead of slowing the test files down. Its output
// is printed after jest's; the run fails when either fails (a type error fails `npm test` as
// before). The lint (scripts/lint.js: Biome and the line-length check, about 1.5 s of CPU) runs
// the same way. Plain JavaScript: it must run even when the TypeScript does not compile.
const { spawn } = require('node:child_process');
const { setPriority } = require('node:os');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
// package.json "bin" entries, resolved from here so the run needs no shell or npx.
const bin = (pkg, file) => path.join(path.dirname(require.resolve(`${pkg}/package.json`, { paths: [ROOT] })), file);

const tscOutput = [];
// Incremental: the type check remembers what it proved per file (TypeScript's own .tsbuildinfo,
// kept with the other tool caches in node_modules/.cache) and re-checks what a change can affect;
// a warm run takes about half the CPU of a cold one (7.4 -> 3.6 s here). Errors are reported
// every run all the same, those of unchanged files included.
const TSC_CACHE = path.join(ROOT, 'node_modules', '.cache', 'saas-security-baseline', 'tsc.tsbuildinfo');
// --singleThreaded: the native compiler otherwise checks on several threads, which on a machine
// whose cores jest already keeps busy only adds their coordination (here 3.8 -> 3.0 s of CPU warm,
// 7.8 -> 4.3 s cold, for the same errors).
const tscArgs = ['--noEmit', '--incremental', '--tsBuildInfoFile', TSC_CACHE, '--singleThreaded'];
const tsc = spawn(process.execPath, [bin('typescript', 'bin/tsc'), ...tscArgs], {
  cwd: ROOT,
  stdio: ['ignore', 'pipe', 'pipe'],
});
tsc.stdout.on('data', (d) => tscOutput.push(d));
tsc.stderr.on('data', (d) => tscOutput.push(d));
try {
  setPriority(tsc.pid, 10);
} catch {
  // Not permitted here: it then runs at normal priority, which only costs time.
}
const tscDone = new Promise((resolve) => {
  tsc.on('error', (err) => resolve({ code: 1, error: err }));
  tsc.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0) }));
});

const lintOutput = [];
const lint = spawn(process.execPath, [path.join(__dirname, 'lint.js')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
lint.stdout.on('data', (d) => lintOutput.push(d));
lint.stderr.on('data', (d) => lintOutput.push(d));
try {
  setPriority(lint.pid, 10);
} catch {
  // As for the type check.
}
const lintDone = new Promise((resolve) => {
  lint.on('error', (err) => resolve({ code: 1, error: err }));
  lint.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0) }));
});

const jest = spawn(process.execPath, [bin('jest', 'bin/jest.js'), ...process.argv.slice(2)], { cwd: ROOT, stdio: 'inherit' });
const jestDone = new Promise((resolve) => {
  jest.on('error', (err) => resolve({ code: 1, error: err }));
  jest.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0) }));
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    tsc.kill(signal);
    lint.kill(signal);
    jest.kill(signal);
  });
}

Promise.all([jestDone, tscDone, lintDone]).then(([j, t, l]) => {
  if (j.error) process.stderr.write(`npm test: could not start jest: ${j.error.message}\n`);
  const output = Buffer.concat(tscOutput).toString('utf8').trimEnd();
  if (t.error) process.stderr.write(`npm test: could not start the type check: ${t.error.message}\n`);
  else if (t.code !== 0) process.stderr.write(`\nType check (tsc --noEmit) failed, exit ${t.code}:\n${output}\n`);
  else process.stderr.write(`Type check (tsc --noEmit): no errors.${output ? `\n${output}` : ''}\n`);
  const lintText = Buffer.concat(lintOutput).toString('utf8').trimEnd();
  if (l.error) process.stderr.write(`npm test: could not start the lint: ${l.error.message}\n`);
  else if (l.code !== 0) process.stderr.write(`\nLint (npm run lint) failed, exit ${l.code}:\n${lintText}\n`);
  else process.stderr.write('Lint (npm run lint): no findings.\n');
  process.exitCode = j.code !== 0 ? j.code : t.code !== 0 ? t.code : l.code;
});
