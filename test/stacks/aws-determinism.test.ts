import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { sharedOutput } from '../synth-cache';
import { synthAws, type SynthResult } from './support';

// Two in-process synths of the same commit must be byte-identical. The policy gates are left out
// here: they add only acknowledgement metadata and the validation report, and CI (.ci/run)
// compares two full `cdk synth` runs with every gate; repeating the ~2-minute Control Tower Guard
// run twice more in jest would cost the suite most of its time (BENCHMARKS.md).
describe('AWS synth output', () => {
  let first: SynthResult;

  it('is byte-identical across two synths of the same commit', () => {
    // Fresh synths, never the run's shared output of the default config (test/synth-cache.ts).
    first = synthAws(undefined, { policy: false, fresh: true });
    const second = synthAws(undefined, { policy: false, fresh: true });
    const files = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.template.json') || f.endsWith('.assets.json')).sort();
    expect(files(second.outdir)).toEqual(files(first.outdir));
    expect(files(first.outdir).length).toBe(16);
    for (const file of files(first.outdir)) {
      expect({ file, text: readFileSync(path.join(second.outdir, file), 'utf8') }).toEqual({ file, text: readFileSync(path.join(first.outdir, file), 'utf8') });
    }
  });

  // The other test files read the default config's output synthesized once per jest run by
  // test/global-setup.ts; it must be what a synth in the test process returns.
  (process.env.BASELINE_TEST_CDK_OUT ? it : it.skip)('is what the shared output of the default config holds, templates and files', () => {
    const cached = synthAws(undefined, { policy: false });
    expect(cached.outdir).toBe(sharedOutput('aws'));
    expect(Object.keys(cached.templates)).toEqual(Object.keys(first.templates));
    expect(cached.templates).toEqual(first.templates);
    // The templates, asset manifests and the assembly manifest; *.metadata.json and tree.json
    // carry construction stack traces, which name the process that synthesized.
    const files = (dir: string) => readdirSync(dir).filter((f) => /\.(template|assets)\.json$|^manifest\.json$/.test(f)).sort();
    expect(files(cached.outdir)).toEqual(files(first.outdir));
    expect(files(first.outdir).length).toBe(17);
    for (const file of files(first.outdir)) {
      expect({ file, text: readFileSync(path.join(cached.outdir, file), 'utf8') }).toEqual({ file, text: readFileSync(path.join(first.outdir, file), 'utf8') });
    }
  });
});
