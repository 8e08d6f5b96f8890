import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

// A small reader of the declaration files the package build emits (dist/**/*.d.ts): which names each
// file declares and exports, what it re-exports, and which of our declarations a declaration's type
// text refers to. Enough to find a public declaration whose props or return type name a type that
// no entry point exports (a consumer could not name it), without a TypeScript API (TypeScript 7
// ships none).

/** One top-level statement of a declaration file. */
export interface Statement {
  /** The code, comments and string contents blanked. */
  readonly text: string;
  /** The same statement as written (for module specifiers of inline `import("...")` types). */
  readonly raw: string;
  /** The names it declares (two for `declare class A` + `interface A`, never more in practice). */
  readonly declares: readonly string[];
  readonly exported: boolean;
}

/** A declaration file: its statements, imports (local name -> module and name) and re-exports. */
export interface DeclarationFile {
  readonly file: string;
  readonly statements: readonly Statement[];
  readonly imports: ReadonlyMap<string, { readonly from: string; readonly name: string }>;
  /** `export { a as b } from './x'`: exported name -> module and name; `export * from` as name '*'. */
  readonly reexports: readonly { readonly exported: string; readonly from: string; readonly name: string }[];
}

/** Every `.d.ts` file below `dir`, by path relative to it (with `/`). */
export function declarationFiles(dir: string, rel = ''): string[] {
  return readdirSync(path.join(dir, rel)).flatMap((name) => {
    const r = rel ? `${rel}/${name}` : name;
    return statSync(path.join(dir, r)).isDirectory() ? declarationFiles(dir, r) : name.endsWith('.d.ts') ? [r] : [];
  });
}

/** The text with comments and string contents blanked (quotes and offsets kept). */
function code(text: string): string {
  const blank = (s: string) => s.replace(/[^\n]/g, ' ');
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i) === -1 ? text.length : text.indexOf('\n', i);
      out += blank(text.slice(i, end));
      i = end - 1;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2) + 2;
      out += blank(text.slice(i, end));
      i = end - 1;
    } else if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
      out += c + text.slice(i + 1, j).replace(/[^\n]/g, ' ') + c;
      i = j;
    } else out += c;
  }
  return out;
}

/** Splits declaration-file code into top-level statements (at `;` or at the `}` closing a body, depth 0). */
function statements(source: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '{' || c === '(' || c === '[') depth++;
    else if (c === '}' || c === ')' || c === ']') {
      depth--;
      if (
        depth === 0 &&
        c === '}' &&
        /^\s*(export\s+)?(declare\s+)?(abstract\s+)?(interface|class|enum|namespace|module)\b/.test(source.slice(start, i))
      ) {
        out.push(source.slice(start, i + 1).trim());
        start = i + 1;
      }
    } else if (c === ';' && depth === 0) {
      out.push(source.slice(start, i + 1).trim());
      start = i + 1;
    }
  }
  if (source.slice(start).trim()) out.push(source.slice(start).trim());
  return out.filter((s) => s !== ';' && s !== '');
}

/** Reads one declaration file (its module specifiers are kept; everything else is code). */
export function readDeclarationFile(dir: string, file: string): DeclarationFile {
  const raw = readFileSync(path.join(dir, file), 'utf8');
  const stripped = code(raw);
  const imports = new Map<string, { from: string; name: string }>();
  const reexports: { exported: string; from: string; name: string }[] = [];
  const parsed: Statement[] = [];
  let offset = 0;
  for (const stmt of statements(stripped)) {
    offset = stripped.indexOf(stmt, offset);
    // Module specifiers are blanked in the code: read them from the text at the same offsets.
    const original = raw.slice(offset, offset + stmt.length);
    offset += stmt.length;
    const from = /(['"])([^'"]*)\1\s*;?\s*$/.exec(original)?.[2];
    const names = (list: string) =>
      list
        .split(',')
        .map((s) => s.trim().replace(/^type\s+/, ''))
        .filter(Boolean)
        .map((s) => {
          const [name, alias] = s.split(/\s+as\s+/);
          return { name: name.trim(), local: (alias ?? name).trim() };
        });
    const importNamed = /^import\s+(?:type\s+)?\{([^}]*)\}\s+from/.exec(stmt);
    const importStar = /^import\s+(?:type\s+)?\*\s+as\s+(\w+)\s+from/.exec(stmt);
    const importDefault = /^import\s+(?:type\s+)?(\w+)\s+from/.exec(stmt);
    const exportFrom = /^export\s+(?:type\s+)?\{([^}]*)\}\s+from/.exec(stmt);
    const exportLocal = /^export\s+(?:type\s+)?\{([^}]*)\}\s*;?$/.exec(stmt);
    if (importNamed && from) {
      for (const n of names(importNamed[1])) imports.set(n.local, { from, name: n.name });
    } else if (importStar && from) {
      imports.set(importStar[1], { from, name: '*' });
    } else if (importDefault && from) {
      imports.set(importDefault[1], { from, name: 'default' });
    } else if (exportFrom && from) {
      for (const n of names(exportFrom[1])) reexports.push({ exported: n.local, from, name: n.name });
    } else if (/^export\s+\*\s+from/.test(stmt) && from) {
      reexports.push({ exported: '*', from, name: '*' });
    } else if (exportLocal) {
      // `export { a, b };` of local declarations
      for (const n of names(exportLocal[1])) reexports.push({ exported: n.local, from: `./${path.basename(file, '.d.ts')}`, name: n.name });
    } else {
      const d = new RegExp(
        '^(export\\s+)?(?:default\\s+)?(?:declare\\s+)?(?:abstract\\s+)?(?:function|class|interface|type|const|let|var|enum|na' +
          'mespace)\\s+(\\w+)',
      ).exec(stmt);
      if (d) parsed.push({ text: stmt, raw: original, declares: [d[2]], exported: Boolean(d[1]) });
    }
  }
  return { file, statements: parsed, imports, reexports };
}

/**
 * The declaration file a relative module specifier of `from` names (`./x` is x.d.ts, or x/index.d.ts
 * when only that exists), or undefined for a package.
 */
export function resolveModule(from: string, specifier: string, exists: (file: string) => boolean): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = path.posix.join(path.posix.dirname(from), specifier).replace(/\.js$/, '');
  if (base.endsWith('.json')) return base;
  return !exists(`${base}.d.ts`) && exists(`${base}/index.d.ts`) ? `${base}/index.d.ts` : `${base}.d.ts`;
}

/**
 * What a statement's text refers to: identifiers (not after `.`, not property names before `:`)
 * and inline `import("./x").Name` types as `{ from, name }`.
 */
export function referencedNames(statement: Statement): { names: string[]; inline: { from: string; name: string }[] } {
  const names = new Set<string>();
  for (const m of statement.text.matchAll(/(?<![.\w$])([A-Za-z_$][\w$]*)(?![\w$])(?!\s*\??\s*:)/g)) names.add(m[1]);
  const inline = [...statement.raw.matchAll(/import\("([^"]+)"\)\.(\w+)/g)].map((m) => ({ from: m[1], name: m[2] }));
  return { names: [...names], inline };
}
