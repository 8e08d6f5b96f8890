#!/usr/bin/env node
// baseline-check: the control checks as a policy gate over synthesized output (lib/evidence/cli.ts),
// run from the compiled package (dist/). Inside this repository, `npm run build` writes dist/.
'use strict';
let cli;
try {
  cli = require('../dist/evidence/cli.js');
} catch (err) {
  if (err && err.code === 'MODULE_NOT_FOUND' && String(err.message).includes('dist/evidence/cli.js')) {
    // Exit 2 (usage or input error), never 1: 1 means "a control fails" to the CI scripts that call this.
    process.stderr.write('baseline-check: dist/evidence/cli.js is missing; run `npm run build` in this repository first (an installed package ships it)\n');
    process.exit(2);
  }
  throw err;
}

try {
  process.exitCode = cli.runBaselineCheck(process.argv.slice(2), process);
} catch (err) {
  // Never exit 1 on a crash: 1 means "a control fails" to the CI scripts that call this.
  process.stderr.write(`baseline-check: internal error: ${err && err.stack ? err.stack : err}\n`);
  process.exitCode = 2;
}
