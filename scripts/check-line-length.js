#!/usr/bin/env node
'use strict';
// `npm run lint` (after `biome ci`): no line of the source over 140 characters. Biome's formatter
// wraps code at 140 (biome.jsonc lineWidth) but leaves long string literals and comments as they
// are; this fails listing file:line:length for each one. Same file set as biome.jsonc: the
// TypeScript and JavaScript under lib, stacks, test, scripts, examples and bin, and the top-level
// *.js, without dependencies, build output, snapshots and generated files. JSON data and
// snapshots are exempt. Plain Node, no dependency.
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const MAX = 140;
const DIRS = ['lib', 'stacks', 'test', 'scripts', 'examples', 'bin'];
const EXTENSIONS = new Set(['.ts', '.js', '.mjs', '.cjs']);
// Directory names skipped at any depth (dependencies, build and synth output, jest snapshots).
const SKIP_DIRS = new Set(['node_modules', 'dist', 'coverage', '__snapshots__', 'cdk.out', 'cdktf.out']);
// Generated files (their generator owns the layout; a drift test or the generator's header says so).
const GENERATED = new Set(['lib/evidence/diff-force-new.ts']);

function* walk(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name, 'en'))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name) && !entry.name.startsWith('cdk.out') && !entry.name.startsWith('.')) yield* walk(full);
    } else if (entry.isFile() && EXTENSIONS.has(path.extname(entry.name))) {
      yield full;
    }
  }
}

const files = [];
for (const dir of DIRS) {
  const full = path.join(ROOT, dir);
  if (fs.existsSync(full)) files.push(...walk(full));
}
for (const entry of fs.readdirSync(ROOT, { withFileTypes: true })) {
  if (entry.isFile() && EXTENSIONS.has(path.extname(entry.name))) files.push(path.join(ROOT, entry.name));
}

const long = [];
for (const file of files) {
  const rel = path.relative(ROOT, file).split(path.sep).join('/');
  if (GENERATED.has(rel)) continue;
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  lines.forEach((line, i) => {
    // Characters as an editor counts them (code points), without a Windows line end.
    const length = [...line.replace(/\r$/, '')].length;
    if (length > MAX) long.push(`${rel}:${i + 1}: ${length} characters`);
  });
}

if (long.length > 0) {
  process.stderr.write(`${long.join('\n')}\n\n${long.length} line(s) over ${MAX} characters in ${files.length} files.\n`);
  process.stderr.write(
    'Biome cannot wrap strings and comments: split a long string literal (the value must stay the same) and reflow the comment.\n',
  );
  process.exitCode = 1;
} else {
  console.log(`Line length: no line over ${MAX} characters in ${files.length} files.`);
}
