import { existsSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { CACHE_ENV, digestDir, type CacheKind } from './synth-cache';
import { RUNNING, SYSTEM_TMPDIR_ENV, type RunningSynths } from './global-setup';

/**
 * Stops a shared synth no test asked for, checks that no test wrote into the shared output (its
 * digest still matches the one written when the synth finished), and removes it with the rest of
 * the run's temporary directory.
 */
export default async function globalTeardown(): Promise<void> {
  const running: RunningSynths | undefined = (globalThis as any)[RUNNING];
  if (!running) return;
  delete (globalThis as any)[RUNNING];
  for (const child of running.children) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = once(child, 'exit');
    child.ref(); // else jest's process may end before it has waited
    child.kill();
    await exited;
  }
  const changed: string[] = [];
  for (const kind of Object.keys(CACHE_ENV) as CacheKind[]) {
    const outdir = process.env[CACHE_ENV[kind]];
    if (outdir && existsSync(`${outdir}.done`) && digestDir(outdir) !== readFileSync(`${outdir}.done`, 'utf8')) changed.push(outdir);
    delete process.env[CACHE_ENV[kind]];
  }
  rmSync(running.tmp, { recursive: true, force: true });
  if (running.tmpdirBefore === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = running.tmpdirBefore;
  delete process.env[SYSTEM_TMPDIR_ENV];
  if (changed.length > 0) {
    throw new Error(
      `a test wrote into the shared default-config synth output ${changed.join(' and ')} (test/synth-cache.ts); copy it first ` +
        `(cpSync) and write into the copy`,
    );
  }
}
