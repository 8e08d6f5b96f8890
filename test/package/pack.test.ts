import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

// What `npm pack` puts in the tarball, from package.json "files" (`npm pack --dry-run --json`), on a
// copy of the repository whose dist/ holds an empty .js and .d.ts per lib/ source (what the build
// writes, without building). A broken "files" field, entry point or bin fails here, in npm test;
// scripts/check-package.js packs the real build, installs it and synthesizes the examples (CI).
const ROOT = path.join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

/** The .ts files below `dir`, relative to it (with `/`). */
function sources(dir: string, rel = ''): string[] {
  return readdirSync(path.join(dir, rel)).flatMap((name) => {
    const r = rel ? `${rel}/${name}` : name;
    return statSync(path.join(dir, r)).isDirectory() ? sources(dir, r) : name.endsWith('.ts') ? [r] : [];
  });
}

const LIB = sources(path.join(ROOT, 'lib'));
let packed: string[];
beforeAll(() => {
  const copy = mkdtempSync(path.join(tmpdir(), 'baseline-pack-'));
  try {
    const skip = new Set(['node_modules', '.git', 'dist', 'cdk.out', 'cdktf.out', 'reports', '.baseline-base']);
    for (const name of readdirSync(ROOT)) if (!skip.has(name)) cpSync(path.join(ROOT, name), path.join(copy, name), { recursive: true });
    for (const file of LIB) {
      const base = path.join(copy, 'dist', file.replace(/\.ts$/, ''));
      mkdirSync(path.dirname(base), { recursive: true });
      writeFileSync(`${base}.js`, '');
      writeFileSync(`${base}.d.ts`, '');
    }
    const run = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: copy,
      encoding: 'utf8',
      env: { ...process.env, npm_config_update_notifier: 'false' },
    });
    expect({ status: run.status, stderr: run.status === 0 ? '' : run.stderr }).toEqual({ status: 0, stderr: '' });
    packed = JSON.parse(run.stdout)[0]
      .files.map((f: { path: string }) => f.path)
      .sort();
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}, 60_000);

describe('npm pack', () => {
  it('ships the compiled JavaScript and declarations of every lib/ file', () => {
    const missing = LIB.flatMap((f) => ['.js', '.d.ts'].map((ext) => `dist/${f.replace(/\.ts$/, ext)}`)).filter((f) => !packed.includes(f));
    expect(missing).toEqual([]);
  });

  it('ships every target of "exports", "main", "types" and "bin"', () => {
    const targets = [
      pkg.main,
      pkg.types,
      ...Object.values<any>(pkg.exports).flatMap((t) => (typeof t === 'string' ? [t] : Object.values<string>(t))),
      ...Object.values<string>(pkg.bin),
    ].map((t) => t.replace(/^\.\//, ''));
    expect(targets.filter((t) => !packed.includes(t))).toEqual([]);
  });

  it(
    'maps every subpath in "typesVersions" to the declarations of "exports" (for TypeScript without exports support, ' +
      'moduleResolution node10)',
    () => {
      const subpaths = Object.entries<any>(pkg.exports).filter(([sub, t]) => sub !== '.' && typeof t === 'object');
      expect(pkg.typesVersions['*']).toEqual(Object.fromEntries(subpaths.map(([sub, t]) => [sub.slice(2), [t.types.slice(2)]])));
    },
  );

  it('ships the data files lib/ reads at run time (required as ../../<file> from lib/<dir>/ and dist/<dir>/)', () => {
    const required = new Set(
      LIB.flatMap((f) =>
        [...readFileSync(path.join(ROOT, 'lib', f), 'utf8').matchAll(/from '((?:\.\.\/)+[^']+\.json)'/g)].map((m) =>
          path.posix.join('lib', path.posix.dirname(f), m[1]),
        ),
      ),
    );
    expect(required.size).toBeGreaterThan(0);
    expect([...required].filter((f) => !packed.includes(f))).toEqual([]);
  });

  it('ships nothing else: no TypeScript sources, tests, stacks, scripts, examples, fixtures or example config', () => {
    const allowed = new RegExp(
      '^(dist\\/.+\\.(js|d\\.ts)|bin\\/baseline-check\\.js|data\\/cloudflare-ip-ranges\\.json|data\\/frameworks\\/nist-sp800-5' +
        '3r5\\.json|config\\/baseline\\.schema\\.json|package\\.json|README\\.md|LICENSE)$',
    );
    expect(packed.filter((f) => !allowed.test(f))).toEqual([]);
    expect(
      packed.filter((f) =>
        /^(lib|test|stacks|scripts|examples|docs)\/|fixtures|\.test\.|^config\/baseline\.json$|^dist\/.*\.ts$(?<!\.d\.ts)/.test(f),
      ),
    ).toEqual([]);
  });
});

describe('examples/', () => {
  const examples = ['aws-consumer', 'tf-consumer'];
  const manifest = (name: string) => JSON.parse(readFileSync(path.join(ROOT, 'examples', name, 'package.json'), 'utf8'));

  it.each(examples)('%s depends on the packed version, and on the exact versions of every package we test with', (name) => {
    const m = manifest(name);
    expect(m.dependencies[pkg.name]).toBe(pkg.version);
    for (const [dep, version] of Object.entries({ ...m.dependencies, ...m.devDependencies })) {
      if (dep !== pkg.name) expect({ dep, version }).toEqual({ dep, version: pkg.devDependencies[dep] });
    }
  });

  it.each(examples)('%s imports the package by name and entry point only: no path into this repository', (name) => {
    const dir = path.join(ROOT, 'examples', name, 'src');
    const imports = readdirSync(dir).flatMap((f) =>
      [...readFileSync(path.join(dir, f), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]),
    );
    const ours = imports.filter((i) => i.startsWith(pkg.name));
    expect(ours.length).toBeGreaterThan(0);
    for (const i of ours) expect(Object.keys(pkg.exports)).toContain(`.${i.slice(pkg.name.length)}`);
    expect(imports.filter((i) => i.startsWith('.'))).toEqual([]);
  });

  it('aws-consumer synthesizes with the feature flags the constructs are tested with (cdk.json)', () => {
    const flags = (file: string) =>
      Object.fromEntries(Object.entries(JSON.parse(readFileSync(file, 'utf8')).context).filter(([k]) => k.startsWith('@')));
    expect(flags(path.join(ROOT, 'examples', 'aws-consumer', 'cdk.json'))).toEqual(flags(path.join(ROOT, 'cdk.json')));
  });
});
