#!/usr/bin/env node
'use strict';
// `npm run lint` (and part of `npm test`, scripts/test.js): Biome's check of the formatting and the
// lint rules of biome.jsonc (`biome ci`; a warning fails too), then scripts/check-line-length.js
// (no line over 140 characters: Biome wraps code, not strings and comments). Both run even when
// the first fails, so one run lists every finding. Plain JavaScript, no shell.
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const biome = path.join(path.dirname(require.resolve('@biomejs/biome/package.json', { paths: [ROOT] })), 'bin', 'biome');
// Plain text when the output is read by a program (npm test collects it, CI logs).
const colors = process.stdout.isTTY ? [] : ['--colors=off'];

const run = (args) => {
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
  if (r.error) process.stderr.write(`npm run lint: could not start ${args[0]}: ${r.error.message}\n`);
  return r.status ?? 1;
};
const biomeStatus = run([biome, 'ci', '--error-on-warnings', ...colors]);
const lengthStatus = run([path.join(__dirname, 'check-line-length.js')]);
if (biomeStatus !== 0) process.stderr.write('\nBiome found problems: `npm run format` (and `npm run lint:fix`) fixes most.\n');
process.exitCode = biomeStatus !== 0 ? biomeStatus : lengthStatus;
