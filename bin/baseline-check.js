#!/usr/bin/env node
// baseline-check: the control checks as a policy gate over synthesized output (lib/evidence/cli.ts),
// run from the compiled package (dist/). In a source checkout without dist/ (this repository before
// `npm run build`), it runs the TypeScript sources through scripts/register.js instead, so
// `npm ci && npm test` needs no build; the packed package (npm run check:package) runs dist/.
'use strict';
const { existsSync } = require('node:fs');
const path = require('node:path');
let cli;
try {
  cli = require('../dist/evidence/cli.js');
} catch (err) {
  const source = path.join(__dirname, '..', 'lib', 'evidence', 'cli.ts');
  const register = path.join(__dirname, '..', 'scripts', 'register.js');
  if (
    err &&
    err.code === 'MODULE_NOT_FOUND' &&
    String(err.message).includes('dist/evidence/cli.js') &&
    existsSync(source) &&
    existsSync(register)
  ) {
    require(register);
    cli = require(source);
  } else if (err && err.code === 'MODULE_NOT_FOUND' && String(err.message).includes('dist/evidence/cli.js')) {
    // Exit 2 (usage or input error), never 1: 1 means "a control fails" to the CI scripts that call this.
    process.stderr.write(
      'baseline-check: dist/evidence/cli.js is missing; run `npm run build` in this repository first (an installed package ships it)\n',
    );
    process.exit(2);
  } else {
    throw err;
  }
}

try {
  process.exitCode = cli.runBaselineCheck(process.argv.slice(2), process);
} catch (err) {
  // Never exit 1 on a crash: 1 means "a control fails" to the CI scripts that call this.
  process.stderr.write(`baseline-check: internal error: ${err?.stack ? err.stack : err}\n`);
  process.exitCode = 2;
}
