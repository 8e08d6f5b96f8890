import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

// The surface every construct of lib/aws, lib/azure and lib/cloudflare shares (the layout rules
// of issue 18): one construct per file, named after its class, and the primary child, the one with
// the construct id `Resource`, exposed as `resource` on every cloud.

const ROOT = path.join(__dirname, '..');
const FOLDERS = ['lib/aws', 'lib/azure', 'lib/cloudflare'];
const files = FOLDERS.flatMap((folder) =>
  readdirSync(path.join(ROOT, folder))
    .filter((name) => name.endsWith('.ts'))
    .map((name) => ({ file: `${folder}/${name}`, text: readFileSync(path.join(ROOT, folder, name), 'utf8') })),
);
const kebab = (name: string) =>
  name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
const constructsOf = (text: string) => [...text.matchAll(/^export class (\w+) extends Construct\b/gm)].map((m) => m[1]);

describe('construct surface', () => {
  it('puts each construct in its own file, named after its class', () => {
    const misplaced = files.flatMap(({ file, text }) =>
      constructsOf(text)
        .filter((name) => `${kebab(name)}.ts` !== path.basename(file))
        .map((name) => `${file}: ${name}`),
    );
    expect(misplaced).toEqual([]);
    expect(files.filter(({ text }) => constructsOf(text).length > 0).length).toBeGreaterThan(40);
  });

  it('exposes the primary child (construct id Resource) as `resource`', () => {
    const children = files.flatMap(({ file, text }) =>
      [...text.matchAll(/^(.*)\(this, 'Resource'/gm)].map((m) => ({ file, line: m[1].trim() })),
    );
    expect(children.length).toBeGreaterThan(25);
    expect(children.filter((c) => !/^this\.resource = new [\w.]+$/.test(c.line))).toEqual([]);
    for (const { file, text } of files.filter((f) => f.text.includes("(this, 'Resource'"))) {
      expect({ file, declared: /^ {2}(public )?readonly resource: /m.test(text) }).toEqual({ file, declared: true });
    }
  });
});
