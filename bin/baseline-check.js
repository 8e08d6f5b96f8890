#!/usr/bin/env node
// baseline-check: the control checks as a policy gate over synthesized output (lib/evidence/cli.ts).
// Runs the TypeScript source through @swc/core (scripts/register.js): no build step, no type check.
'use strict';
require('../scripts/register.js');
const { runBaselineCheck } = require('../lib/evidence/cli.ts');

try {
  process.exitCode = runBaselineCheck(process.argv.slice(2), process);
} catch (err) {
  // Never exit 1 on a crash: 1 means "a control fails" to the CI scripts that call this.
  process.stderr.write(`baseline-check: internal error: ${err && err.stack ? err.stack : err}\n`);
  process.exitCode = 2;
}
