import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { synthAws } from './support';

describe('AWS synth output', () => {
  it('is byte-identical across two synths of the same commit', () => {
    const first = synthAws(undefined, { policy: true });
    const second = synthAws(undefined, { policy: true });
    const files = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.template.json') || f.endsWith('.assets.json')).sort();
    expect(files(second.outdir)).toEqual(files(first.outdir));
    expect(files(first.outdir).length).toBe(16);
    for (const file of files(first.outdir)) {
      expect({ file, text: readFileSync(path.join(second.outdir, file), 'utf8') }).toEqual({ file, text: readFileSync(path.join(first.outdir, file), 'utf8') });
    }
  });
});
