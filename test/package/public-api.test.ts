import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { declarationFiles, readDeclarationFile, referencedNames, resolveModule as resolveIn, type DeclarationFile } from './declarations';

// The public surface of the package: the entry points of package.json "exports", from the
// declarations the package build emits (tsconfig.build.json, into a temporary directory). A type a
// public declaration names must itself be exported by an entry point, or consumers cannot name it
// (to type a variable, extend props, write a wrapper); and the declarations must not point at
// files the package does not ship.
const ROOT = path.join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const ENTRY_POINTS: Record<string, string> = Object.fromEntries(
  Object.entries<any>(pkg.exports)
    .filter(([, target]) => typeof target === 'object')
    .map(([subpath, target]) => [subpath, String(target.types).replace(/^\.\/dist\//, '')]),
);

let out: string;
let files: Map<string, DeclarationFile>;
const resolveModule = (from: string, specifier: string) => resolveIn(from, specifier, (f) => files.has(f));
beforeAll(() => {
  out = mkdtempSync(path.join(tmpdir(), 'baseline-declarations-'));
  const tsc = path.join(path.dirname(require.resolve('typescript/package.json', { paths: [ROOT] })), 'bin', 'tsc');
  // --noCheck: the declarations are the same bytes, and declaration-emit errors (a public type
  // that cannot be written out) are still reported; the type errors it skips are reported over
  // the same files by the type check of npm test (tsc --noEmit) and by the build in .ci/run.
  // About 40% less CPU than a checked emit. --singleThreaded: the jest workers keep the cores
  // busy, so the compiler's own threads only add their coordination (3.6 -> 2.6 s of CPU).
  const args = ['-p', 'tsconfig.build.json', '--emitDeclarationOnly', '--noCheck', '--singleThreaded', '--outDir', out];
  const run = spawnSync(process.execPath, [tsc, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  expect({ status: run.status, output: run.stdout + run.stderr }).toEqual({ status: 0, output: '' });
  files = new Map(declarationFiles(out).map((f) => [f, readDeclarationFile(out, f)]));
}, 120_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

type Ref = `${string}#${string}`;
const ref = (file: string, name: string): Ref => `${file}#${name}`;

/** Every name `file` exports, with the file and name of its declaration (re-exports followed). */
function exportsOf(file: string, seen = new Set<string>()): Map<string, Ref> {
  const result = new Map<string, Ref>();
  const decl = files.get(file);
  if (!decl || seen.has(file)) return result;
  seen.add(file);
  for (const s of decl.statements) if (s.exported) for (const n of s.declares) result.set(n, ref(file, n));
  for (const r of decl.reexports) {
    const target = resolveModule(file, r.from);
    if (!target) continue;
    const targetExports = exportsOf(target, new Set(seen));
    if (r.exported === '*') for (const [n, at] of targetExports) result.set(n, at);
    else if (targetExports.has(r.name)) result.set(r.exported, targetExports.get(r.name)!);
    else if (target === file) result.set(r.exported, ref(file, r.name));
  }
  return result;
}

/** What `name` in `file` stands for, when it is one of our declarations. */
function resolveName(file: string, name: string): Ref | undefined {
  const decl = files.get(file)!;
  if (decl.statements.some((s) => s.declares.includes(name))) return ref(file, name);
  const imported = decl.imports.get(name);
  if (!imported || imported.name === '*' || imported.name === 'default') return undefined;
  const target = resolveModule(file, imported.from);
  return target ? exportsOf(target).get(imported.name) : undefined;
}

describe('package entry points', () => {
  it('has one declaration file per entry point of package.json, and the subpaths the design names', () => {
    expect(Object.keys(ENTRY_POINTS)).toEqual([
      '.',
      './aws',
      './azure',
      './cloudflare',
      './config',
      './controls',
      './evidence',
      './policy',
    ]);
    for (const [subpath, types] of Object.entries(ENTRY_POINTS))
      expect({ subpath, types, emitted: files.has(types) }).toEqual({ subpath, types, emitted: true });
  });

  it('exports every type a public declaration names (no forgotten export)', () => {
    const publicRefs = new Set<Ref>(Object.values(ENTRY_POINTS).flatMap((f) => [...exportsOf(f).values()]));
    const problems: string[] = [];
    for (const at of publicRefs) {
      const [file, name] = at.split('#');
      for (const statement of files.get(file)!.statements.filter((s) => s.declares.includes(name))) {
        const { names, inline } = referencedNames(statement);
        const targets = [
          ...names.filter((n) => n !== name).map((n) => resolveName(file, n)),
          ...inline
            .map((i) => resolveModule(file, i.from))
            .map((target, k) => (target ? exportsOf(target).get(inline[k].name) : undefined)),
        ];
        for (const target of targets)
          if (target && !publicRefs.has(target)) problems.push(`${at} names ${target}, which no entry point exports`);
      }
    }
    expect([...new Set(problems)].sort()).toEqual([]);
  });

  it('points only at declaration files the package ships (no JSON or source outside dist)', () => {
    const dangling = [...files.values()].flatMap((decl) =>
      [
        ...[...decl.imports.values()].map((i) => i.from),
        ...decl.reexports.map((r) => r.from),
        ...decl.statements.flatMap((s) => referencedNames(s).inline.map((i) => i.from)),
      ]
        .map((from) => resolveModule(decl.file, from))
        .filter((target): target is string => target !== undefined && !existsSync(path.join(out, target)))
        .map((target) => `${decl.file} -> ${target}`),
    );
    expect(dangling).toEqual([]);
  });

  it('is all the reference apps use: stacks/ import from lib/ only what an entry point exports', () => {
    const publicRefs = new Set<Ref>(Object.values(ENTRY_POINTS).flatMap((f) => [...exportsOf(f).values()]));
    const stacks = path.join(ROOT, 'stacks');
    const internal = readdirSync(stacks)
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) => {
        const text = readFileSync(path.join(stacks, f), 'utf8');
        return [...text.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+'\.\.\/lib\/([^']+)'/g)].flatMap(([, list, module]) => {
          const declarations = existsSync(path.join(out, `${module}.d.ts`)) ? `${module}.d.ts` : `${module}/index.d.ts`;
          return list
            .split(',')
            .map(
              (n) =>
                n
                  .trim()
                  .replace(/^type\s+/, '')
                  .split(/\s+as\s+/)[0],
            )
            .filter(Boolean)
            .filter((name) => {
              const at = exportsOf(declarations).get(name);
              return !at || !publicRefs.has(at);
            })
            .map((name) => `stacks/${f}: ${name} from lib/${module}`);
        });
      });
    expect(internal).toEqual([]);
  });

  it(
    'keeps CDK for Terraform out of the AWS entry points: `.`, ./aws, ./config, ./policy, ./controls and ./evidence load no ' +
      'cdktf module',
    () => {
      const reaches = (file: string, seen = new Set<string>()): Set<string> => {
        if (seen.has(file) || !files.has(file)) return seen;
        seen.add(file);
        const decl = files.get(file)!;
        for (const from of [...[...decl.imports.values()].map((i) => i.from), ...decl.reexports.map((r) => r.from)]) {
          const target = resolveModule(file, from);
          if (target) reaches(target, seen);
          else seen.add(`package:${from}`);
        }
        return seen;
      };
      for (const subpath of ['.', './aws', './config', './policy', './controls', './evidence']) {
        const packages = [...reaches(ENTRY_POINTS[subpath])].filter((f) => f.startsWith('package:'));
        expect({ subpath, cdktf: packages.filter((p) => /cdktf/.test(p)) }).toEqual({ subpath, cdktf: [] });
      }
    },
  );
});
