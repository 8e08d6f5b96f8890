import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CACHE_ENV, type CacheKind } from './synth-cache';

const ROOT = path.join(__dirname, '..');

/** The system's temporary directory, for what outlives a run (test/browser.ts keeps the unpacked Chromium there). */
export const SYSTEM_TMPDIR_ENV = 'BASELINE_TEST_SYSTEM_TMPDIR';

/** The synths started here, for test/global-teardown.ts (both hooks run in jest's main process). */
export const RUNNING = Symbol.for('baseline-test-synth-cache');
/**
 * The shared synths the selected test files use, set by test/sequencer.js (jest sorts the files
 * before it runs this hook, in the same process); all of them when it is not set.
 */
export const NEEDED = Symbol.for('baseline-test-synth-needed');
export interface RunningSynths {
  /** This run's temporary directory (TMPDIR of the workers), removed by test/global-teardown.ts. */
  readonly tmp: string;
  /** TMPDIR as it was before the run (undefined: unset), restored by the teardown. */
  readonly tmpdirBefore: string | undefined;
  readonly dir: string;
  readonly children: ChildProcess[];
}

/**
 * Starts the shared synths of the default config (test/synth-cache.ts) that the selected test
 * files use (the AWS app with and without the policy gates, the Terraform app), each as a child
 * process, and returns without waiting: the tests that need no synth run meanwhile, and a test
 * file asking for an output waits until it is written. The workers inherit the directories
 * through the environment; a synth not started leaves its variable unset, and a file asking for
 * it then synthesizes itself.
 */
export default function globalSetup(): void {
  // One temporary directory per run, removed at its end: the tests (and the processes they start)
  // create their scratch directories under os.tmpdir(), which reads TMPDIR, and the workers
  // inherit it. Without it every run left ~150 MB of synth output behind in the system's /tmp.
  const systemTmp = tmpdir();
  const tmpdirBefore = process.env.TMPDIR;
  const tmp = mkdtempSync(path.join(systemTmp, 'baseline-test-run-'));
  process.env[SYSTEM_TMPDIR_ENV] = systemTmp;
  process.env.TMPDIR = tmp;
  const dir = mkdtempSync(path.join(tmp, 'baseline-test-cache-'));
  const children: ChildProcess[] = [];
  const needed: ReadonlySet<CacheKind> | undefined = (globalThis as any)[NEEDED];
  for (const kind of Object.keys(CACHE_ENV) as CacheKind[]) {
    if (needed && !needed.has(kind)) continue;
    const outdir = path.join(dir, kind);
    const log = `${outdir}.log`;
    const fd = openSync(log, 'w');
    const child = spawn(process.execPath, ['-r', './scripts/register.js', 'test/synth-cache-child.ts', kind, outdir], {
      cwd: ROOT,
      stdio: ['ignore', fd, fd],
      env: { ...process.env, CHECKPOINT_DISABLE: '1', ...Object.fromEntries(Object.values(CACHE_ENV).map((name) => [name, ''])) },
    });
    closeSync(fd);
    writeFileSync(`${outdir}.pid`, String(child.pid));
    // Not waited for here; a crash (e.g. out of memory) still tells the waiting workers why.
    child.unref();
    child.on('error', (err) => writeFileSync(`${outdir}.failed`, String(err.stack ?? err)));
    child.on('exit', (code, signal) => {
      if (existsSync(`${outdir}.done`) || existsSync(`${outdir}.failed`)) return;
      writeFileSync(`${outdir}.failed`, `exit ${code ?? signal}; the end of ${log}:\n${readFileSync(log, 'utf8').slice(-4000)}`);
    });
    children.push(child);
    process.env[CACHE_ENV[kind]] = outdir;
  }
  (globalThis as any)[RUNNING] = { tmp, tmpdirBefore, dir, children } satisfies RunningSynths;
}
