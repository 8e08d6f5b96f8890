import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { EXAMPLE_IMPORTS, EXAMPLES } from './readme-examples/imports';

// The README and the pages of docs/ are what a newcomer reads first: they must stay short (the
// README), and every link and every repository path they quote must lead somewhere, so a moved or
// renamed file shows here instead of in a reader's 404. The README's code examples are the files
// of test/readme-examples/ (type-checked by npm test's tsc, run by test/readme-examples.test.ts).
const ROOT = path.join(__dirname, '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const PAGES = [
  'README.md',
  ...readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** Markdown without its fenced code blocks (links and headings inside them are not the page's). */
const prose = (text: string) => text.replace(/^```[\s\S]*?^```/gm, '');

/** The anchor GitHub gives a heading (github-slugger): lower case, punctuation dropped, spaces to dashes. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor of a Markdown page, with -1, -2... for repeated headings, as GitHub numbers them. */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const [, heading] of prose(text).matchAll(/^#{1,6} (.+)$/gm)) {
    const base = slug(heading);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

describe('README.md', () => {
  const readme = read('README.md');

  it('stays under 10 KB: what it is, set-up, one example per cloud, links', () => {
    expect(Buffer.byteLength(readme)).toBeLessThan(10 * 1024);
    for (const command of ['npm ci', 'npm test', 'npm run synth']) expect(readme).toContain(command);
  });

  it('shows the examples of test/readme-examples, importing the package subpaths', () => {
    const blocks = [...readme.matchAll(/^```ts\n([\s\S]*?)^```/gm)].map((m) => m[1]);
    const files = EXAMPLES.map((name) => {
      let text = read(`test/readme-examples/${name}.ts`);
      for (const [specifier, file] of Object.entries(EXAMPLE_IMPORTS)) text = text.split(`'${file}'`).join(`'${specifier}'`);
      return text;
    });
    expect(blocks).toEqual(files);
  });

  it('links every page of docs/ except the examples', () => {
    const linked = new Set([...prose(readme).matchAll(/\]\((docs\/[^)#]+)/g)].map((m) => m[1]));
    const pages = PAGES.filter((p) => p.startsWith('docs/'));
    expect(pages.filter((p) => !linked.has(p))).toEqual([]);
  });
});

describe.each(PAGES)('%s', (page) => {
  const text = read(page);
  const dir = path.dirname(page);

  it('links only files and headings that exist', () => {
    const broken: string[] = [];
    for (const [, target] of prose(text)
      .replace(/`[^`\n]*`/g, '')
      .matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target)) continue;
      const [file, anchor] = target.split('#');
      const resolved = file === '' ? page : path.normalize(path.join(dir, file));
      if (!existsSync(path.join(ROOT, resolved))) broken.push(`${target}: no file ${resolved}`);
      else if (anchor !== undefined && resolved.endsWith('.md') && !anchors(read(resolved)).has(anchor)) {
        broken.push(`${target}: no heading #${anchor} in ${resolved}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('quotes only repository paths that exist', () => {
    // Paths in code spans (`lib/aws/bastion.ts`), outside code blocks; placeholders (<env>, *) and
    // generated output directories are not paths of the repository.
    const spans = prose(text).matchAll(/`((?:lib|stacks|test|scripts|bin|config|data|docs|\.ci|\.github)\/[^`\s]*)`/g);
    const quoted = [...spans].map((m) => m[1].replace(/[.,:;]$/, ''));
    const missing = quoted.filter((p) => !/[<>*{}]/.test(p) && !p.startsWith('docs/api') && !existsSync(path.join(ROOT, p)));
    expect(missing).toEqual([]);
  });
});

describe('slug', () => {
  it('gives the anchors GitHub gives', () => {
    expect(slug('Security diff (`npm run diff -- <git-ref>`)')).toBe('security-diff-npm-run-diff----git-ref');
    expect(slug('SARIF for code scanning (`baseline-check --format sarif`)')).toBe('sarif-for-code-scanning-baseline-check---format-sarif');
    expect(slug('Logins are personal on every host, and logged')).toBe('logins-are-personal-on-every-host-and-logged');
    expect(slug('EDGE-TLS')).toBe('edge-tls');
  });
});
