import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { synthAws } from './support';

// Two in-process synths of the same commit must be byte-identical. The policy gates are left out
// here: they add only acknowledgement metadata and the validation report, and CI (.ci/run)
// compares two full `cdk synth` runs with every gate; repeating the ~2-minute Control Tower Guard
// run twice more in jest would cost the suite most of its time (BENCHMARKS.md).
describe('AWS synth output', () => {
  it('is byte-identical across two synths of the same commit', () => {
    const first = synthAws(undefined, { policy: false });
    const second = synthAws(undefined, { policy: false });
    const files = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.template.json') || f.endsWith('.assets.json')).sort();
    expect(files(second.outdir)).toEqual(files(first.outdir));
    expect(files(first.outdir).length).toBe(16);
    for (const file of files(first.outdir)) {
      expect({ file, text: readFileSync(path.join(second.outdir, file), 'utf8') }).toEqual({ file, text: readFileSync(path.join(first.outdir, file), 'utf8') });
    }
  });
});
