'use strict';
// The order jest runs the test files in, and which shared default-config synths the run needs
// (plain JavaScript: jest loads a sequencer without transforming it).
//
// jest's own order (files that failed last time first, then the longest first, else the largest)
// with one change: files that use the gated synth (every policy gate, the longest synth of the
// suite, started in the background by test/global-setup.ts) run last, so no worker sits waiting
// for it while other files could run. It also tells test/global-setup.ts (jest sorts before it
// runs the global setup, in the same process) which shared synths the selected files use, so
// `npx jest test/aws/bastion.test.ts` starts none.
const { readFileSync } = require('node:fs');
const Sequencer = require('@jest/test-sequencer').default;

/** Set for test/global-setup.ts: the shared synths (test/synth-cache.ts CACHE_ENV keys) to start. */
const NEEDED = Symbol.for('baseline-test-synth-needed');

/** The argument text of every call `name(...)` in `text` (balanced parentheses). */
function callArguments(text, name) {
  const out = [];
  const re = new RegExp(`\\b${name}\\(`, 'g');
  for (let m = re.exec(text); m; m = re.exec(text)) {
    let depth = 1;
    let i = re.lastIndex;
    for (; i < text.length && depth > 0; i++) {
      if (text[i] === '(') depth++;
      else if (text[i] === ')') depth--;
    }
    out.push(text.slice(re.lastIndex, i - 1));
  }
  return out;
}

/**
 * The shared synths a test file may read, from its source: `synthAws(...)` with `policy: false`
 * reads the ungated AWS output, without it the gated one; the Terraform helpers read the Terraform
 * output. A guess only decides what starts early: a file whose synth was not started synthesizes
 * it itself (test/stacks/support.ts), so a miss costs time, never correctness.
 */
function sharedSynthsOf(file) {
  const text = readFileSync(file, 'utf8');
  const kinds = new Set();
  for (const args of callArguments(text, 'synthAws')) kinds.add(/\bpolicy:\s*false\b/.test(args) ? 'aws' : 'awsGated');
  if (/\bsynth(TerraformApp|AzureApp|CloudflareApp)\(/.test(text)) kinds.add('terraform');
  return kinds;
}

class BaselineSequencer extends Sequencer {
  async sort(tests) {
    const sorted = await super.sort(tests);
    const uses = new Map(sorted.map((t) => [t.path, sharedSynthsOf(t.path)]));
    globalThis[NEEDED] = new Set([...uses.values()].flatMap((kinds) => [...kinds]));
    const gated = (t) => uses.get(t.path).has('awsGated');
    return [...sorted.filter((t) => !gated(t)), ...sorted.filter(gated)];
  }
}

module.exports = BaselineSequencer;
