import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

/*
 * The default-config synth, once per jest run. Several test files read the output of the shipped
 * config (config/baseline.json): the AWS app without the policy gates, the AWS app with every
 * policy gate (the slowest synth of the suite: cdk-nag and Control Tower Guard; CDK's built-in
 * CloudFormation validation is left to CI's `npm run synth`, see SynthAwsOptions.cfnValidation;
 * test/stacks/aws-policy.test.ts) and the Terraform app.
 * test/global-setup.ts starts the three synths as child processes (test/synth-cache-child.ts)
 * when jest starts, the gated one first, and names their output directories in the environment
 * the workers inherit; test/stacks/support.ts and test/stacks/azure-support.ts then hand that
 * output to every caller asking for the default config, and synthesize as before when the
 * variables are absent (a file run by another runner) or another config is asked for.
 *
 * A directory is ready once `<dir>.done` exists (it holds a digest of the directory, which
 * test/global-teardown.ts checks again: a test that writes into the shared output instead of a
 * copy fails the run); `<dir>.failed` holds the reason a synth did not finish, `<dir>.pid` the
 * synthesizing process and `<dir>.log` its output.
 */

/** The environment variables naming the shared output directories, in the order the synths start (longest first). */
export const CACHE_ENV = {
  awsGated: 'BASELINE_TEST_CDK_OUT_GATED',
  aws: 'BASELINE_TEST_CDK_OUT',
  terraform: 'BASELINE_TEST_CDKTF_OUT',
} as const;
export type CacheKind = keyof typeof CACHE_ENV;

/** How long a worker waits for a synth still under way before failing. */
const WAIT_MS = 10 * 60 * 1000;

/** A digest of every file under `dir` (relative path and content), to detect writes. */
export function digestDir(dir: string): string {
  const hash = createHash('sha256');
  const walk = (rel: string): void => {
    for (const name of readdirSync(path.join(dir, rel)).sort()) {
      const file = path.join(rel, name);
      if (statSync(path.join(dir, file)).isDirectory()) walk(file);
      else
        hash
          .update(`${file}\0`)
          .update(readFileSync(path.join(dir, file)))
          .update('\0');
    }
  };
  walk('.');
  return hash.digest('hex');
}

/**
 * Every stack template of a cloud assembly by stack id, in the order `app.synth()` lists them
 * (CDK's cloud assembly reader only: the rest of aws-cdk-lib is not loaded).
 */
export function readTemplates(dir: string): Record<string, any> {
  const { CloudAssembly } = require('aws-cdk-lib/cx-api') as typeof import('aws-cdk-lib/cx-api');
  const templates: Record<string, any> = {};
  for (const stack of new CloudAssembly(dir).stacks) templates[stack.id] = stack.template;
  return templates;
}

/**
 * The shared output directory of `kind`, once its synth has finished; undefined when this run
 * has none (the variable is unset). Blocks while the synth is still running; throws if it failed.
 */
export function sharedOutput(kind: CacheKind): string | undefined {
  const dir = process.env[CACHE_ENV[kind]];
  if (!dir) return undefined;
  const deadline = Date.now() + WAIT_MS;
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  const failed = (why: string) => new Error(`the shared ${kind} synth of the default config (test/global-setup.ts) ${why}`);
  for (;;) {
    if (existsSync(`${dir}.done`)) return dir;
    if (existsSync(`${dir}.failed`)) throw failed(`failed:\n${readFileSync(`${dir}.failed`, 'utf8')}`);
    // Killed without a word (e.g. out of memory); checked here too because a file run in band
    // blocks jest's own process, whose exit handler would otherwise say so.
    if (hasExited(Number(readFileSync(`${dir}.pid`, 'utf8'))) && !existsSync(`${dir}.done`)) {
      throw failed(`exited without finishing; the end of ${dir}.log:\n${readFileSync(`${dir}.log`, 'utf8').slice(-4000)}`);
    }
    if (Date.now() > deadline) throw failed(`did not finish in ${WAIT_MS / 60000} min (${dir})`);
    Atomics.wait(sleeper, 0, 0, 100);
  }
}

/** Whether a process has ended (a zombie not yet reaped by its parent included). */
function hasExited(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
