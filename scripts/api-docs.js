#!/usr/bin/env node
'use strict';
// `npm run docs:api`: the API reference of the package's public entry points, as HTML in docs/api/
// (git-ignored, not committed), with TypeDoc. TypeDoc needs the TypeScript compiler API, which
// TypeScript 7 (this repository's compiler) does not offer, so TypeDoc runs on its own TypeScript 6
// from scripts/typedoc/ (a package of its own, installed by the root `npm ci`). Offline: TypeDoc
// reads the sources and writes files, nothing else. Exits non-zero when TypeDoc reports an error
// (a missing entry point, an unreadable source), which fails CI (.ci/run); its warnings (a type
// the public API references but does not export, a doc link to such a symbol) are printed for
// the reviewer. Pass --treatWarningsAsErrors to make them fail too.
//
// Entry points: the lib/<subpath>/index.ts behind each dist/<subpath>/index.js of package.json
// `exports`, or, while the package has no exports, the index files that exist today.
const { spawnSync } = require('node:child_process');
const { existsSync, readFileSync } = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const TOOL = path.join(__dirname, 'typedoc');

/** The TypeScript entry point of each `exports` target (`./dist/aws/index.js` -> `lib/aws/index.ts`). */
function entryPoints() {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const targets = [];
  const collect = (value) => {
    if (typeof value === 'string') targets.push(value);
    else if (value && typeof value === 'object') for (const v of Object.values(value)) collect(v);
  };
  collect(pkg.exports);
  const sources = targets.filter((t) => /^\.\/dist\/.*\.js$/.test(t)).map((t) => t.replace(/^\.\/dist\//, 'lib/').replace(/\.js$/, '.ts'));
  const fromExports = [...new Set(sources)];
  const today = ['lib/index.ts', 'lib/azure/index.ts', 'lib/cloudflare/index.ts', 'lib/controls/index.ts'];
  const points = fromExports.length > 0 ? fromExports : today;
  const missing = points.filter((p) => !existsSync(path.join(ROOT, p)));
  if (missing.length > 0) {
    console.error(`docs:api: entry points missing: ${missing.join(', ')} (from package.json exports); add them or fix the exports`);
    process.exit(2);
  }
  return points;
}

let typedoc;
try {
  typedoc = path.join(path.dirname(require.resolve('typedoc/package.json', { paths: [TOOL] })), 'bin', 'typedoc');
} catch {
  console.error('docs:api: TypeDoc is not installed; run `npm ci` (it installs scripts/typedoc, the baseline-api-docs dev dependency)');
  process.exit(2);
}
const out = path.join(ROOT, 'docs', 'api');
const args = [
  typedoc,
  ...entryPoints().flatMap((p) => ['--entryPoints', p]),
  '--tsconfig',
  path.join(TOOL, 'tsconfig.json'),
  '--out',
  out,
  '--name',
  'saas-security-baseline',
  '--readme',
  'none',
  // npm test type-checks with the repository's own compiler; TypeDoc's older one only documents.
  '--skipErrorChecking',
  '--excludePrivate',
  '--excludeInternal',
  '--disableSources',
  ...process.argv.slice(2),
];
const run = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
process.exit(run.status ?? 1);
