// Writes lib/evidence/diff-force-new.ts: which attributes of a Terraform resource force its
// replacement (a destroy and a create), for the security diff (lib/evidence/diff-terraform.ts).
//
// The cdktf bindings carry no ForceNew / RequiresReplace knowledge (their JSDoc only links the
// registry docs), so this reads it from the providers' own sources at the exact versions the
// bindings were generated from:
//   - azurerm (SDKv2): the argument reference of website/docs/r/<name>.html.markdown, where every
//     ForceNew argument says "Changing this forces a new ... to be created" (conditional wording,
//     "when ..." / "Once ..." / "removing ...", is recorded as conditional);
//   - cloudflare (plugin framework): internal/services/<name>/schema.go, where an attribute with a
//     RequiresReplace() plan modifier always replaces and RequiresReplaceIf...() may.
// The types covered are every resource type lib/ and stacks/ import from the bindings, plus the
// stateful types the diff flags (STATEFUL_TERRAFORM_TYPES). test/evidence/diff.test.ts fails when
// the table misses a synthesized type or was written for other provider versions.
//
// Usage (needs clones of both provider repositories with their release tags; no network here):
//   git clone https://github.com/hashicorp/terraform-provider-azurerm /src/azurerm
//   git clone https://github.com/cloudflare/terraform-provider-cloudflare /src/cloudflare
//   node -r ./scripts/register.js scripts/write-force-new.ts --azurerm /src/azurerm --cloudflare /src/cloudflare
// Review the diff of the table like code: a lost entry is a replacement the diff stops flagging.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { STATEFUL_TERRAFORM_TYPES } from '../lib/evidence/diff-model';

const ROOT = path.join(__dirname, '..');
const TARGET = path.join(ROOT, 'lib', 'evidence', 'diff-force-new.ts');

/** Force-new knowledge of one resource type: attribute paths (`block.attribute`, no indices). */
export interface ForceNewAttributes {
  /** Changing any of these (or anything beneath them) replaces the resource. */
  readonly always: string[];
  /** Changing these replaces the resource in some cases only (the docs or plan modifier say when). */
  readonly conditional: string[];
}

const FORCES = /\b(forces?|will force) (a new|the creation of a new|new)\b|\brecreat(e|ed|es|ion)\b/i;
const CONDITION = /\b(when|if|once|unless|only|removing|scaling down|downgrad|from\b.*\bto\b|and vice versa)/i;

/**
 * The force-new arguments of an azurerm resource doc page (its "Arguments Reference" section):
 * top-level arguments by name, arguments of nested blocks as `block.argument` (the block's path
 * found from the argument that declares it), notes (`-> **Note:** ...`) applying to the argument
 * they name.
 */
export function parseAzurermDoc(markdown: string): ForceNewAttributes {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => /^## Arguments? Reference/.test(l));
  const end = lines.findIndex((l, i) => i > start && /^## (Attributes Reference|Timeouts|Import)/.test(l));
  const body = lines.slice(start + 1, end < 0 ? undefined : end);
  const parentOf = new Map<string, string>(); // block name -> path of the context declaring it
  const always = new Set<string>();
  const conditional = new Set<string>();
  let context = '';
  let current: string | undefined; // path of the argument being described
  let currentArgs: string[] = [];
  const mark = (target: string, text: string) => {
    if (!FORCES.test(text)) return;
    const sentence = text.split(/(?<=\.)\s+/).find((s) => FORCES.test(s)) ?? text;
    if (CONDITION.test(sentence) || /^\W*(~|-)>/.test(text)) conditional.add(target);
    else always.add(target);
  };
  for (const line of body) {
    const block = /^(?:An?|The|Each) `([a-z0-9_]+)` (?:block|object)[^.]*?(?:supports|exports|contains|accepts)/.exec(line);
    if (block) {
      const name = block[1];
      const parent = parentOf.get(name);
      context = parent === undefined ? name : parent ? `${parent}.${name}` : name;
      current = undefined;
      currentArgs = [];
      continue;
    }
    if (/^---\s*$/.test(line)) {
      current = undefined;
      continue;
    }
    const arg = /^\s*\* `([a-z0-9_]+)` - (.*)$/.exec(line);
    if (arg) {
      const name = arg[1];
      current = context ? `${context}.${name}` : name;
      currentArgs.push(name);
      if (/`[a-z0-9_]+` block|blocks? as defined below|block as documented below/i.test(arg[2]) && !parentOf.has(name))
        parentOf.set(name, context);
      mark(current, arg[2]);
      continue;
    }
    const note = /^\s*(?:->|~>|!>)\s*\*\*Note:?\*\*:?\s*(.*)$/i.exec(line);
    if (note && FORCES.test(note[1])) {
      // A note names the argument it concerns; else it concerns the one just described.
      const named = [...note[1].matchAll(/`([a-z0-9_.]+)`/g)].map((m) => m[1].split('.').pop()!).find((n) => currentArgs.includes(n));
      const target = named ? (context ? `${context}.${named}` : named) : current;
      if (target) conditional.add(target);
      continue;
    }
    if (current && line.trim() && !/^\s*\*/.test(line)) mark(current, line);
  }
  for (const a of always) conditional.delete(a);
  return { always: [...always].sort(), conditional: [...conditional].sort() };
}

/** Index just past the brace matching the one at `open`, skipping Go string and rune literals. */
function matchBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'") {
      for (i++; i < text.length && text[i] !== c; i++) if (text[i] === '\\') i++;
    } else if (c === '`') {
      i = text.indexOf('`', i + 1);
    } else if (c === '/' && text[i + 1] === '/') {
      i = text.indexOf('\n', i);
    } else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i + 1;
  }
  return text.length;
}

/**
 * The RequiresReplace attributes of a plugin-framework schema.go (terraform-provider-cloudflare):
 * every `"name": schema.XAttribute{...}` of the resource schema and of nested attribute objects
 * (as `parent.name`), `always` for RequiresReplace(), `conditional` for RequiresReplaceIf...().
 */
export function parseFrameworkSchema(go: string): ForceNewAttributes {
  const always: string[] = [];
  const conditional: string[] = [];
  const walk = (text: string, prefix: string) => {
    const entry = /"([a-z0-9_]+)":\s*schema\.[A-Za-z]+\{/g;
    for (let m = entry.exec(text); m !== null; m = entry.exec(text)) {
      const open = m.index + m[0].length - 1;
      const close = matchBrace(text, open);
      const body = text.slice(open + 1, close - 1);
      const name = prefix ? `${prefix}.${m[1]}` : m[1];
      // The attribute's own plan modifiers: its body without nested attribute maps.
      let own = body;
      const nested = /Attributes:\s*map\[string\]schema\.Attribute\{/g;
      const children: string[] = [];
      for (let n = nested.exec(body); n !== null; n = nested.exec(body)) {
        const nOpen = n.index + n[0].length - 1;
        const nClose = matchBrace(body, nOpen);
        children.push(body.slice(nOpen + 1, nClose - 1));
        nested.lastIndex = nClose;
      }
      for (const child of children) own = own.replace(child, '');
      if (/RequiresReplace\(\)/.test(own)) always.push(name);
      else if (/RequiresReplaceIf[A-Za-z]*\(/.test(own)) conditional.push(name);
      for (const child of children) walk(child, name);
      entry.lastIndex = close;
    }
  };
  const top = /Attributes:\s*map\[string\]schema\.Attribute\{/.exec(go);
  if (top) walk(go.slice(top.index + top[0].length, matchBrace(go, top.index + top[0].length - 1) - 1), '');
  return { always: always.sort(), conditional: conditional.sort() };
}

/** The provider version a binding was generated from (its registry doc links). */
export function bindingProviderVersion(provider: 'azurerm' | 'cloudflare'): string {
  const dir = path.join(ROOT, 'node_modules', '@cdktf', `provider-${provider}`, 'lib', 'provider', 'index.d.ts');
  const m = /registry\.terraform\.io\/providers\/[a-z]+\/[a-z]+\/(\d+\.\d+\.\d+)\//.exec(readFileSync(dir, 'utf8'));
  if (!m) throw new Error(`${dir}: no registry link with a provider version; is @cdktf/provider-${provider} installed (npm ci)?`);
  return m[1];
}

/** Every resource type lib/ and stacks/ import from a binding (`@cdktf/provider-x/lib/<dir>`). */
export function importedResourceTypes(): string[] {
  const types = new Set<string>();
  const visit = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const file = path.join(dir, name);
      if (statSync(file).isDirectory()) visit(file);
      else if (file.endsWith('.ts')) {
        for (const m of readFileSync(file, 'utf8').matchAll(/@cdktf\/provider-(azurerm|cloudflare)\/lib\/([a-z0-9-]+)/g)) {
          const dts = path.join(ROOT, 'node_modules', '@cdktf', `provider-${m[1]}`, 'lib', m[2], 'index.d.ts');
          const type = existsSync(dts) ? /static readonly tfResourceType = "([a-z0-9_]+)"/.exec(readFileSync(dts, 'utf8'))?.[1] : undefined;
          if (type && !m[2].startsWith('data-') && m[2] !== 'provider') types.add(type);
        }
      }
    }
  };
  visit(path.join(ROOT, 'lib'));
  visit(path.join(ROOT, 'stacks'));
  return [...types].sort();
}

function gitShow(repo: string, ref: string, file: string): string | undefined {
  try {
    return execFileSync('git', ['-C', repo, 'show', `${ref}:${file}`], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch {
    return undefined;
  }
}

function tagOf(repo: string, version: string): string {
  for (const tag of [`v${version}`, version]) {
    try {
      execFileSync('git', ['-C', repo, 'rev-parse', '--verify', '--quiet', `${tag}^{commit}`], { stdio: 'ignore' });
      return tag;
    } catch {
      // try the next spelling
    }
  }
  throw new Error(
    `${repo}: no tag v${version}; fetch the provider's tags (git -C ${repo} fetch --tags) so the table matches the binding's ` +
      `provider version ${version}`,
  );
}

function render(versions: Record<string, string>, table: Record<string, ForceNewAttributes>, missing: string[]): string {
  const entries = Object.keys(table)
    .sort()
    .map((type) => {
      const e = table[type];
      const list = (xs: string[]) => (xs.length === 0 ? '[]' : `[${xs.map((x) => `'${x}'`).join(', ')}]`);
      return `  ${type}: { always: ${list(e.always)}, conditional: ${list(e.conditional)} },`;
    });
  return [
    "// GENERATED by scripts/write-force-new.ts from the providers' sources at the versions below; do not",
    '// edit. Which attributes of a Terraform resource force its replacement (destroy + create), read',
    '// from azurerm\'s argument docs ("Changing this forces a new ...") and Cloudflare\'s schema plan',
    '// modifiers (RequiresReplace). Paths are `block.attribute`, without list indices.',
    '',
    '/** Force-new attributes of one resource type. */',
    'export interface ForceNewAttributes {',
    '  /** Changing any of these, or anything beneath them, replaces the resource. */',
    '  readonly always: readonly string[];',
    '  /** Changing these replaces the resource in some cases only (provider docs say when). */',
    '  readonly conditional: readonly string[];',
    '}',
    '',
    "/** The provider versions the table was read from (the bindings' versions). */",
    `export const FORCE_NEW_PROVIDER_VERSIONS = { azurerm: '${versions.azurerm}', cloudflare: '${versions.cloudflare}' } as const;`,
    '',
    missing.length
      ? `// No source found (no replacement knowledge): ${missing.join(', ')}`
      : "// Every listed type was found in its provider's sources.",
    'export const FORCE_NEW: Readonly<Record<string, ForceNewAttributes>> = {',
    ...entries,
    '};',
    '',
  ].join('\n');
}

function main(argv: string[]): void {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const azurermRepo = arg('--azurerm');
  const cloudflareRepo = arg('--cloudflare');
  if (!azurermRepo || !cloudflareRepo) {
    process.stderr.write(
      'usage: write-force-new --azurerm <clone of hashicorp/terraform-provider-azurerm> --cloudflare <clone of ' +
        'cloudflare/terraform-provider-cloudflare>\n',
    );
    process.exit(2);
  }
  const versions = { azurerm: bindingProviderVersion('azurerm'), cloudflare: bindingProviderVersion('cloudflare') };
  const tags = { azurerm: tagOf(azurermRepo, versions.azurerm), cloudflare: tagOf(cloudflareRepo, versions.cloudflare) };
  const types = [...new Set([...importedResourceTypes(), ...STATEFUL_TERRAFORM_TYPES])].sort();
  const table: Record<string, ForceNewAttributes> = {};
  const missing: string[] = [];
  for (const type of types) {
    if (type.startsWith('azurerm_')) {
      const doc = gitShow(azurermRepo, tags.azurerm, `website/docs/r/${type.slice('azurerm_'.length)}.html.markdown`);
      if (doc) table[type] = parseAzurermDoc(doc);
      else missing.push(type);
    } else if (type.startsWith('cloudflare_')) {
      const go = gitShow(cloudflareRepo, tags.cloudflare, `internal/services/${type.slice('cloudflare_'.length)}/schema.go`);
      if (go) table[type] = parseFrameworkSchema(go);
      else missing.push(type);
    }
  }
  writeFileSync(TARGET, render(versions, table, missing));
  process.stdout.write(
    `wrote ${path.relative(process.cwd(), TARGET)}: ${Object.keys(table).length} resource types (azurerm ${versions.azurerm}, ` +
      `cloudflare ${versions.cloudflare})${missing.length ? `; no source for ${missing.join(', ')}` : ''}\n`,
  );
}

if (require.main === module) main(process.argv.slice(2));
