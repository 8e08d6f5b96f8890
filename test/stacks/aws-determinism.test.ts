import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { sharedOutput } from '../synth-cache';
import { synthAws } from './support';

// Two synths of the same commit must be byte-identical. The policy gates are left out here: they
// add only acknowledgement metadata and the validation report, and CI (.ci/run) compares two full
// `cdk synth` runs with every gate; repeating the Control Tower Guard run twice more in jest would
// cost the suite most of its time (BENCHMARKS.md).
//
// In a full jest run the second synth is the run's shared output of the default config
// (test/global-setup.ts synthesizes it in another process): one fresh synth compared with it
// proves determinism across processes, and that the shared output is what a synth in the test
// process returns, for the price of one synth. Run alone, the file compares two fresh synths.
//
// An end-to-end check of a whole synth (several seconds of CPU), so it runs in CI (.ci/run, with
// SYNTH_DETERMINISM=1, next to the two `cdk synth` runs it compares byte for byte) rather than in
// every `npm test`; run it with SYNTH_DETERMINISM=1 after changing the synth or test/synth-cache.ts.
describe('AWS synth output', () => {
  (process.env.SYNTH_DETERMINISM ? it : it.skip)(
    'is byte-identical across two synths of the same commit (templates, asset manifests, assembly manifest)',
    () => {
      // Fresh: never the run's shared output (test/synth-cache.ts).
      const first = synthAws(undefined, { policy: false, fresh: true });
      const shared = process.env.BASELINE_TEST_CDK_OUT !== undefined;
      const second = shared ? synthAws(undefined, { policy: false }) : synthAws(undefined, { policy: false, fresh: true });
      if (shared) expect(second.outdir).toBe(sharedOutput('aws'));
      expect(Object.keys(second.templates)).toEqual(Object.keys(first.templates));
      expect(second.templates).toEqual(first.templates);
      // *.metadata.json and tree.json carry construction stack traces, which name the process that
      // synthesized; everything that deploys is compared byte for byte.
      const files = (dir: string) =>
        readdirSync(dir)
          .filter((f) => /\.(template|assets)\.json$|^manifest\.json$/.test(f))
          .sort();
      expect(files(second.outdir)).toEqual(files(first.outdir));
      expect(files(first.outdir).length).toBe(17);
      for (const file of files(first.outdir)) {
        expect({ file, text: readFileSync(path.join(second.outdir, file), 'utf8') }).toEqual({
          file,
          text: readFileSync(path.join(first.outdir, file), 'utf8'),
        });
      }
    },
  );
});
