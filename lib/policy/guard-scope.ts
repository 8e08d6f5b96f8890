/*
 * Why the Control Tower Guard rules are slow, and what can be cut without changing a finding.
 *
 * cfn-guard 3.1 deep-copies the template's whole `Resources` map for every query that starts at
 * it (`Resources.*[ Type == ... ]`, `Resources exists`, and every `%doc.Resources[ keys == ... ]`
 * reference lookup), once per rule file and template. Its cost is therefore (queries) x (size of
 * Resources), and almost none of it is the rules' own logic: the 99 rule files the default config
 * runs on its 8 templates take 875k page faults (21-30 s of CPU on the 2-CPU machine), and the
 * same 99 files on empty templates 47k.
 *
 * A Control Tower rule file only reads the resources of the types it names, and the resources
 * those reference. `ruleScope` proves that for one rule file from its text (any construct it does
 * not recognise makes the file need whole templates), and `ScopableTemplate.scoped` hides every
 * other resource. The hidden resources become blanks, so every kept value keeps its line and
 * column: cfn-guard's output on the scoped template is its output on the whole one.
 */

/** The resource types a rule file can see, or `undefined` if it must be given whole templates. */
export interface RuleScope {
  /** Every `AWS::Service::Resource` named in the file. */
  readonly types?: ReadonlySet<string>;
  /** The file looks resources up by logical id (`Resources[ keys == %id ]`). */
  readonly followsReferences: boolean;
  /** Why the file needs whole templates (when `types` is undefined). */
  readonly unscopedBecause?: string;
}

const TYPE_NAME = /^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$/;
const TYPE_NAMES = /AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/g;
const KEYWORDS = new Set([
  'rule',
  'let',
  'when',
  'or',
  'and',
  'not',
  'exists',
  'empty',
  'some',
  'in',
  'this',
  'keys',
  'true',
  'false',
  'null',
  'is_string',
  'is_list',
  'is_struct',
  'is_bool',
  'is_int',
  'is_float',
  'is_null',
  'is_regex',
  'is_char',
  'is_range',
]);
const isKeyword = (id: string) => KEYWORDS.has(id.toLowerCase());

interface Token {
  readonly kind: 'id' | 'var' | 'str' | 're' | 'num' | 'punct';
  readonly text: string;
}

/** The significant tokens of a Guard rule file: comments, whitespace and `<< messages >>` dropped. */
function guardTokens(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = source.length;
  const word = /[A-Za-z0-9_]/;
  while (i < n) {
    const c = source[i];
    if (c === '#') {
      const eol = source.indexOf('\n', i);
      i = eol < 0 ? n : eol;
    } else if (/\s/.test(c)) {
      i++;
    } else if (c === '<' && source[i + 1] === '<') {
      const end = source.indexOf('>>', i + 2);
      if (end < 0) throw new Error('unterminated << message');
      i = end + 2;
    } else if (c === '"' || c === "'" || c === '/') {
      let j = i + 1;
      while (j < n && source[j] !== c) {
        if (source[j] === '\\') j++;
        else if (c === '/' && source[j] === '\n') throw new Error('line break in a regex');
        j++;
      }
      if (j >= n) throw new Error(`unterminated ${c === '/' ? 'regex' : 'string'}`);
      tokens.push({ kind: c === '/' ? 're' : 'str', text: source.slice(i + 1, j) });
      i = j + 1;
    } else if (c === '%' && /[A-Za-z_]/.test(source[i + 1] ?? '')) {
      let j = i + 1;
      while (j < n && word.test(source[j])) j++;
      tokens.push({ kind: 'var', text: source.slice(i + 1, j) });
      i = j;
    } else if (word.test(c)) {
      let j = i;
      while (j < n && (word.test(source[j]) || (/[0-9]/.test(c) && source[j] === '.'))) j++;
      tokens.push({ kind: /[0-9]/.test(c) ? 'num' : 'id', text: source.slice(i, j) });
      i = j;
    } else {
      tokens.push({ kind: 'punct', text: c });
      i++;
    }
  }
  return tokens;
}

/**
 * What a rule file can read of a template. The file is *scoped* (it sees only the resources of the
 * types it names, plus what they reference) when every way it reaches into the template is one of:
 *   - `Resources.*[ Type == %T ]` / `Resources[ Type == %T or Type == %U ]` / `Type in %LIST`, with
 *     each type a string constant of the file;
 *   - `Resources[ keys == %id ]` (a reference lookup: the referenced resources are kept too);
 *   - `Resources exists`, `AWSTemplateFormatVersion`, and top-level keys named after a resource
 *     type (the Guard-hook input form);
 * where "the template" is reached from the file's top level, from `this` outside any block, or from
 * a variable or parameter that holds the whole document. Anything else (another top-level
 * section, a wildcard or `keys` over the document, a built-in function, an unknown construct)
 * makes the file unscoped.
 */
export function ruleScope(source: string): RuleScope {
  const unscoped = (because: string): RuleScope => ({ followsReferences: true, unscopedBecause: because });
  const types = new Set(source.match(TYPE_NAMES) ?? []);
  if (types.size === 0) return unscoped('it names no resource type');
  let tokens: Token[];
  try {
    tokens = guardTokens(source);
  } catch (err) {
    return unscoped(`its text could not be read (${(err as Error).message})`);
  }
  let analysis: ScopeAnalysis;
  try {
    analysis = new ScopeAnalysis(tokens);
    analysis.check();
  } catch (err) {
    if (err instanceof Unscoped) return unscoped(err.message);
    throw err;
  }
  return { types, followsReferences: analysis.followsReferences };
}

class Unscoped extends Error {}

type Context = 'root' | 'value';

class ScopeAnalysis {
  /** Whether the file looks resources up by logical id. */
  followsReferences = false;
  /** Parameterized rules: name -> parameter names. */
  private readonly paramRules = new Map<string, string[]>();
  private readonly namedRules = new Set<string>();
  /** Variables (by name, across scopes) that may hold the whole document. */
  private readonly documentVars = new Set<string>();
  /** Variables whose every value is a resource-type name, or a list of them. */
  private readonly typeVars = new Set<string>();
  private readonly typeListVars = new Set<string>();
  /** Parameterized rules called from a clause that reads the whole document. */
  private readonly paramRulesReadingDocument = new Set<string>();

  constructor(private readonly t: readonly Token[]) {
    const lets = new Map<string, Token[][]>();
    for (let i = 0; i < t.length; i++) {
      if (this.is(i, 'id', 'rule') && t[i + 1]?.kind === 'id') {
        if (this.is(i + 2, 'punct', '(')) {
          const params: string[] = [];
          for (let j = i + 3; !this.is(j, 'punct', ')'); j++) {
            if (j >= t.length) throw new Unscoped('unbalanced parameter list');
            if (t[j].kind === 'id') params.push(t[j].text);
          }
          this.paramRules.set(t[i + 1].text, params);
        } else {
          this.namedRules.add(t[i + 1].text);
        }
      }
      if (this.is(i, 'id', 'let') && t[i + 1]?.kind === 'id' && this.is(i + 2, 'punct', '=')) {
        const name = t[i + 1].text;
        lets.set(name, [...(lets.get(name) ?? []), this.letValue(i + 3)]);
      }
    }
    // Document variables (`let D = this` outside any block, and rule parameters passed one) and
    // the parameterized rules called outside any block; iterate until nothing changes (rules pass
    // the document on). Names are tracked across scopes, which can only make the check stricter.
    for (let changed = true; changed; ) {
      changed = false;
      this.walk((i, ctx) => {
        if (this.is(i, 'id', 'let') && t[i + 1]?.kind === 'id' && this.is(i + 2, 'punct', '=')) {
          const first = t[i + 3];
          const isPath = ['.', '['].includes(t[i + 4]?.text ?? '');
          if (first && this.holdsDocument(first, ctx) && !isPath && !this.documentVars.has(t[i + 1].text)) {
            this.documentVars.add(t[i + 1].text);
            changed = true;
          }
        }
        const params = t[i].kind === 'id' && !this.is(i - 1, 'id', 'rule') ? this.paramRules.get(t[i].text) : undefined;
        if (params && this.is(i + 1, 'punct', '(')) {
          if (ctx === 'root' && !this.paramRulesReadingDocument.has(t[i].text)) {
            this.paramRulesReadingDocument.add(t[i].text);
            changed = true;
          }
          this.callArguments(i + 1).forEach((arg, k) => {
            const param = params[k];
            if (param !== undefined && arg.length === 1 && this.holdsDocument(arg[0], ctx) && !this.documentVars.has(param)) {
              this.documentVars.add(param);
              changed = true;
            }
          });
        }
      });
    }
    // Resource-type constants: names whose every definition is a resource-type string (`let`)
    // or that every call passes one (rule parameters).
    const isTypeString = (v: Token) => v.kind === 'str' && TYPE_NAME.test(v.text);
    const paramArgs = new Map<string, Token[][]>();
    for (const [rule, params] of this.paramRules) {
      const calls = this.callsOf(rule);
      params.forEach((param, k) => {
        paramArgs.set(param, [...(paramArgs.get(param) ?? []), ...calls.map((call) => call[k] ?? [])]);
      });
    }
    const constants = new Set([...lets.keys(), ...paramArgs.keys()]);
    for (const name of constants) {
      const letsOk = (lets.get(name) ?? []).every((value) => value.length === 1 && isTypeString(value[0]));
      const calledOk = !paramArgs.has(name) || paramArgs.get(name)!.length > 0;
      if (!letsOk || !calledOk) constants.delete(name);
    }
    for (let changed = true; changed; ) {
      changed = false;
      for (const name of constants) {
        const argsOk = (paramArgs.get(name) ?? []).every(
          (arg) => arg.length === 1 && (isTypeString(arg[0]) || (arg[0].kind === 'var' && constants.has(arg[0].text))),
        );
        if (!argsOk) {
          constants.delete(name);
          changed = true;
        }
      }
    }
    for (const name of constants) this.typeVars.add(name);
    for (const [name, values] of lets) {
      const isTypeList = (value: Token[]) =>
        value.length >= 3 &&
        value[0].text === '[' &&
        value[value.length - 1].text === ']' &&
        value.slice(1, -1).every((v) => v.text === ',' || isTypeString(v));
      if (!paramArgs.has(name) && values.every(isTypeList)) this.typeListVars.add(name);
    }
  }

  check(): void {
    const t = this.t;
    const valueBefore = new Set(['=', '<', '>', ',', '[', '(']);
    this.walk((i, ctx) => {
      const tok = t[i];
      const prev = t[i - 1];
      const afterDot = prev?.text === '.';
      const isCall = tok.kind === 'id' && this.is(i + 1, 'punct', '(') && !isKeyword(tok.text) && !this.isDeclaration(i);
      if (isCall && !this.paramRules.has(tok.text)) throw new Unscoped(`it calls ${tok.text}(), which is not one of its rules`);
      if (tok.kind === 'var' && this.documentVars.has(tok.text)) {
        this.checkDocumentUse(i + 1, `%${tok.text}`, i);
      }
      if (ctx !== 'root' || afterDot || isCall) return;
      // Below: what a clause outside any block reads of the whole document.
      if (tok.kind === 'id' && tok.text === 'this') {
        this.checkDocumentUse(i + 1, 'this', i);
      } else if (tok.kind === 'id' && tok.text === 'Resources') {
        this.checkResourcesAccess(i);
      } else if (tok.kind === 'id' && tok.text.toLowerCase() === 'keys') {
        throw new Unscoped('it reads the keys of the whole document');
      } else if (
        tok.kind === 'id' &&
        !isKeyword(tok.text) &&
        !this.isDeclaration(i) &&
        !this.namedRules.has(tok.text) &&
        tok.text !== 'AWSTemplateFormatVersion'
      ) {
        throw new Unscoped(`it reads the top-level key ${tok.text}`);
      } else if (
        tok.kind === 'str' &&
        !valueBefore.has(prev?.text ?? '') &&
        !(prev?.kind === 'id' && ['in', 'not'].includes(prev.text.toLowerCase()))
      ) {
        throw new Unscoped(`it reads the top-level key '${tok.text}'`);
      } else if (tok.text === '*' && prev?.text !== '[') {
        throw new Unscoped('it applies a wildcard to the whole document');
      }
    });
  }

  /** `%doc` / `this` (the whole document): passed to a rule, opened as a block, or read through one of the allowed paths. */
  private checkDocumentUse(j: number, what: string, at: number): void {
    const t = this.t;
    const next = t[j];
    const isPath = next?.text === '.' || next?.text === '[';
    if (this.is(at - 1, 'punct', '=') && this.is(at - 3, 'id', 'let') && !isPath) return; // let D = this: D is a document variable
    if (next?.text === '{') return;
    if (next?.text === ',' || next?.text === ')') {
      if (this.isRuleArgument(at)) return;
      throw new Unscoped(`it passes ${what} to something other than one of its rules`);
    }
    if (next?.text === '.' && t[j + 1]?.kind === 'id' && t[j + 1].text === 'Resources') {
      this.checkResourcesAccess(j + 1);
      return;
    }
    if (next?.text === '.' && t[j + 1]?.kind === 'var' && this.typeVars.has(t[j + 1].text)) return; // hook input: %doc.%TYPE
    throw new Unscoped(`it reads ${what}${next?.text ?? ''}${t[j + 1]?.text ?? ''} of the whole document`);
  }

  /** `Resources` read from the document: only type filters, reference lookups and `exists`. */
  private checkResourcesAccess(i: number): void {
    const t = this.t;
    if (this.is(i + 1, 'id', 'exists')) return;
    let j = i + 1;
    if (this.is(j, 'punct', '.') && this.is(j + 1, 'punct', '*')) j += 2;
    if (!this.is(j, 'punct', '[')) throw new Unscoped('it reads Resources other than through a Type filter, a reference lookup or exists');
    const close = this.closing(j);
    const filter = t.slice(j + 1, close);
    if (
      j === i + 1 &&
      filter.length === 4 &&
      filter[0].text === 'keys' &&
      filter[1].text === '=' &&
      filter[2].text === '=' &&
      filter[3].kind === 'var'
    ) {
      this.followsReferences = true;
      return;
    }
    // Type == %T [or Type == ...], Type in %LIST, Type in [ "AWS::..." ]
    let k = 0;
    for (;;) {
      if (filter[k]?.text !== 'Type') throw new Unscoped('it filters Resources by something other than Type');
      k++;
      if (filter[k]?.text === '=' && filter[k + 1]?.text === '=') {
        const v = filter[k + 2];
        if (!v || !((v.kind === 'var' && this.typeVars.has(v.text)) || (v.kind === 'str' && TYPE_NAME.test(v.text))))
          throw new Unscoped('it compares Type with a value that is not a resource type constant');
        k += 3;
      } else if (filter[k]?.text.toLowerCase() === 'in') {
        const v = filter[k + 1];
        if (v?.kind === 'var' && this.typeListVars.has(v.text)) {
          k += 2;
        } else if (v?.text === '[') {
          let m = k + 2;
          while (filter[m] && filter[m].text !== ']') {
            if (!(filter[m].text === ',' || (filter[m].kind === 'str' && TYPE_NAME.test(filter[m].text))))
              throw new Unscoped('it compares Type with a list that is not resource type constants');
            m++;
          }
          if (!filter[m]) throw new Unscoped('unbalanced type list');
          k = m + 1;
        } else {
          throw new Unscoped('it compares Type with a value that is not a resource type constant');
        }
      } else {
        throw new Unscoped('it compares Type other than by == or in');
      }
      if (k === filter.length) return;
      if (filter[k].text.toLowerCase() === 'or') k++;
      else if (filter[k].text === '|' && filter[k + 1]?.text === '|') k += 2;
      else throw new Unscoped('it combines Type filters other than with or');
    }
  }

  /** Walks the tokens with the context each one is read in: the whole document, or a value below it. */
  private walk(visit: (i: number, ctx: Context) => void): void {
    const t = this.t;
    const stack: { ctx: Context; close: string }[] = [];
    let pending: 'rule' | 'when' | undefined;
    let ruleName = '';
    const ctx = (): Context => stack[stack.length - 1]?.ctx ?? 'root';
    for (let i = 0; i < t.length; i++) {
      const tok = t[i];
      visit(i, ctx());
      if (tok.kind === 'id' && tok.text === 'rule') {
        pending = 'rule';
        ruleName = t[i + 1]?.text ?? '';
      } else if (tok.kind === 'id' && tok.text.toLowerCase() === 'when' && pending !== 'rule') {
        pending = 'when';
      }
      if (tok.kind !== 'punct') continue;
      if (tok.text === '{') {
        const prev = t[i - 1];
        // Named rules read the document; a parameterized rule reads what its callers' clauses
        // read (the document if any call is made outside a block); `when` blocks keep their
        // context, and so does a block over a document variable. Any other block is over a
        // value below the document.
        const overDocument = (prev?.kind === 'var' && this.documentVars.has(prev.text)) || (prev?.text === 'this' && ctx() === 'root');
        const ruleContext: Context = this.paramRules.has(ruleName)
          ? this.paramRulesReadingDocument.has(ruleName)
            ? 'root'
            : 'value'
          : 'root';
        const c: Context = overDocument ? 'root' : pending === 'rule' ? ruleContext : pending === 'when' ? ctx() : 'value';
        stack.push({ ctx: c, close: '}' });
        pending = undefined;
      } else if (tok.text === '[') {
        stack.push({ ctx: 'value', close: ']' });
      } else if (tok.text === '(') {
        stack.push({ ctx: ctx(), close: ')' });
      } else if (tok.text === '}' || tok.text === ']' || tok.text === ')') {
        if (stack.pop()?.close !== tok.text) throw new Unscoped(`unbalanced ${tok.text}`);
      }
    }
    if (stack.length > 0) throw new Unscoped('unbalanced brackets');
  }

  private is(i: number, kind: Token['kind'], text: string): boolean {
    const tok = this.t[i];
    return tok !== undefined && tok.kind === kind && (kind === 'id' ? tok.text.toLowerCase() === text.toLowerCase() : tok.text === text);
  }

  private holdsDocument(tok: Token, ctx: Context): boolean {
    return (tok.kind === 'id' && tok.text === 'this' && ctx === 'root') || (tok.kind === 'var' && this.documentVars.has(tok.text));
  }

  /** `rule NAME`, `rule NAME(params)` and `let NAME` name things; they read nothing. */
  private isDeclaration(i: number): boolean {
    if (this.is(i - 1, 'id', 'rule') || this.is(i - 1, 'id', 'let')) return true;
    // a parameter in `rule NAME(a, b)`
    let j = i - 1;
    while (j >= 0 && (this.t[j].kind === 'id' || this.t[j].text === ',')) j--;
    return this.is(j, 'punct', '(') && this.t[j - 1]?.kind === 'id' && this.is(j - 2, 'id', 'rule');
  }

  /** Whether the token at `at` is a whole argument of a call to one of the file's rules. */
  private isRuleArgument(at: number): boolean {
    let depth = 0;
    for (let j = at - 1; j >= 0; j--) {
      const text = this.t[j].text;
      if (text === ')' || text === ']' || text === '}') depth++;
      else if (text === '[' || text === '{') {
        if (depth === 0) return false;
        depth--;
      } else if (text === '(') {
        if (depth === 0) {
          const callee = this.t[j - 1];
          return (
            callee?.kind === 'id' &&
            this.paramRules.has(callee.text) &&
            !this.is(j - 2, 'id', 'rule') &&
            (this.t[at - 1].text === '(' || this.t[at - 1].text === ',')
          );
        }
        depth--;
      }
    }
    return false;
  }

  /** The index of the bracket closing the one at `open`. */
  private closing(open: number): number {
    let depth = 0;
    for (let j = open; j < this.t.length; j++) {
      const text = this.t[j].text;
      if (text === '(' || text === '[' || text === '{') depth++;
      else if (text === ')' || text === ']' || text === '}') {
        depth--;
        if (depth === 0) return j;
      }
    }
    throw new Unscoped('unbalanced brackets');
  }

  /** The arguments of the call whose `(` is at `open`, split at top-level commas. */
  private callArguments(open: number): Token[][] {
    const close = this.closing(open);
    const args: Token[][] = [[]];
    let depth = 0;
    for (let j = open + 1; j < close; j++) {
      const text = this.t[j].text;
      if (text === '(' || text === '[' || text === '{') depth++;
      else if (text === ')' || text === ']' || text === '}') depth--;
      if (text === ',' && depth === 0) args.push([]);
      else args[args.length - 1].push(this.t[j]);
    }
    return args;
  }

  private callsOf(name: string): Token[][][] {
    const calls: Token[][][] = [];
    for (let i = 0; i < this.t.length; i++) {
      if (this.t[i].kind === 'id' && this.t[i].text === name && this.is(i + 1, 'punct', '(') && !this.is(i - 1, 'id', 'rule'))
        calls.push(this.callArguments(i + 1));
    }
    return calls;
  }

  /**
   * The tokens of a `let` value, as far as the constants need: a list literal up to its `]`, or
   * one token, or (when the value goes on: a path, an operator) its first two tokens.
   */
  private letValue(start: number): Token[] {
    const t = this.t;
    if (t[start]?.text === '[') return t.slice(start, this.closing(start) + 1);
    const next = t[start + 1];
    const goesOn =
      next !== undefined &&
      (['.', '[', '=', '!', '<', '>', '|', '&', ','].includes(next.text) ||
        ['or', 'and', 'in', 'not', 'exists', 'empty'].includes(next.text.toLowerCase()));
    return t.slice(start, start + (goesOn ? 2 : 1));
  }
}

// ---------------------------------------------------------------------------------------------
// Templates

interface Member {
  readonly key: string;
  /** [start, end) of `"key": value` in the template text. */
  readonly start: number;
  readonly end: number;
  /** Index of the comma after the member, if any. */
  readonly comma?: number;
}

/** A synthesized template, parsed once for scoping. */
export class ScopableTemplate {
  readonly top: readonly Member[];
  readonly resources: readonly Member[];
  private readonly types: readonly string[];
  /** For each resource, the other resources whose logical id its text contains. */
  private readonly mentions: readonly number[][];
  private readonly cache = new Map<string, { text: string; size: number }>();
  /** The text with every character but line breaks replaced by a space. */
  private readonly blank: string;

  constructor(readonly text: string) {
    this.blank = text.replace(/[^\r\n]/g, ' ');
    const scanner = new JsonScanner(text);
    this.top = scanner.objectMembers(scanner.skipWhitespace(0));
    const resources = this.top.find((m) => m.key === 'Resources');
    this.resources = resources ? scanner.objectMembers(scanner.valueStart(resources)) : [];
    const parsed = JSON.parse(text) as { Resources?: Record<string, { Type?: unknown }> };
    this.types = this.resources.map((m) => String(parsed.Resources?.[m.key]?.Type ?? ''));
    this.mentions = this.resources.map((m) => {
      const own = text.slice(m.start, m.end);
      return this.resources.flatMap((other, k) => (other !== m && own.includes(other.key) ? [k] : []));
    });
  }

  /**
   * The template as a rule scoped to `types` sees it: the resources of those types and (when the
   * rules follow references) every resource their text names, transitively, plus whatever any
   * top-level key named after one of the types names. Every other resource is replaced by blanks
   * (line breaks kept), so every kept value stays at its line and column.
   */
  scoped(types: ReadonlySet<string>, followReferences: boolean): { text: string; size: number } {
    const keep = new Set<number>();
    this.types.forEach((type, k) => {
      if (types.has(type)) keep.add(k);
    });
    if (followReferences) {
      const queue = [...keep];
      for (const m of this.top) {
        if (!types.has(m.key)) continue;
        const own = this.text.slice(m.start, m.end);
        this.resources.forEach((r, k) => {
          if (own.includes(r.key) && !keep.has(k)) {
            keep.add(k);
            queue.push(k);
          }
        });
      }
      while (queue.length > 0) {
        for (const k of this.mentions[queue.pop()!]) {
          if (!keep.has(k)) {
            keep.add(k);
            queue.push(k);
          }
        }
      }
    }
    const id = [...keep].sort((a, b) => a - b).join(',');
    const cached = this.cache.get(id);
    if (cached !== undefined) return cached;
    // what cfn-guard copies per query: the kept resources (and the rest of the template)
    let size = this.text.length;
    this.resources.forEach((m, k) => {
      if (!keep.has(k)) size -= m.end - m.start;
    });
    // Spans to blank, in order: hidden resources, and every comma not between two kept ones
    // (the comma after a kept resource that has a kept resource further on lies between them).
    const lastKept = Math.max(-1, ...keep);
    const spans: [number, number][] = [];
    this.resources.forEach((m, k) => {
      if (!keep.has(k)) spans.push([m.start, m.end]);
      if (m.comma !== undefined && !(keep.has(k) && k < lastKept)) spans.push([m.comma, m.comma + 1]);
    });
    const parts: string[] = [];
    let at = 0;
    for (const [from, to] of spans) {
      parts.push(this.text.slice(at, from), this.blank.slice(from, to));
      at = to;
    }
    parts.push(this.text.slice(at));
    const out = { text: parts.join(''), size };
    this.cache.set(id, out);
    return out;
  }
}

/** Just enough JSON scanning to find the members of an object and their text spans. */
class JsonScanner {
  constructor(private readonly s: string) {}

  skipWhitespace(i: number): number {
    while (i < this.s.length && ' \t\r\n'.includes(this.s[i])) i++;
    return i;
  }

  valueStart(member: Member): number {
    let i = this.skipString(this.skipWhitespace(member.start));
    i = this.skipWhitespace(i);
    if (this.s[i] !== ':') throw new Error(`template: expected ':' at ${i}`);
    return this.skipWhitespace(i + 1);
  }

  objectMembers(open: number): Member[] {
    if (this.s[open] !== '{') throw new Error(`template: expected an object at ${open}`);
    const members: Member[] = [];
    let i = this.skipWhitespace(open + 1);
    if (this.s[i] === '}') return members;
    for (;;) {
      const start = i;
      const keyEnd = this.skipString(i);
      const key = JSON.parse(this.s.slice(start, keyEnd)) as string;
      i = this.skipWhitespace(keyEnd);
      if (this.s[i] !== ':') throw new Error(`template: expected ':' at ${i}`);
      const end = this.skipValue(this.skipWhitespace(i + 1));
      i = this.skipWhitespace(end);
      if (this.s[i] === ',') {
        members.push({ key, start, end, comma: i });
        i = this.skipWhitespace(i + 1);
      } else if (this.s[i] === '}') {
        members.push({ key, start, end });
        return members;
      } else {
        throw new Error(`template: expected ',' or '}' at ${i}`);
      }
    }
  }

  private skipString(i: number): number {
    if (this.s[i] !== '"') throw new Error(`template: expected a string at ${i}`);
    for (let j = i + 1; j < this.s.length; j++) {
      if (this.s[j] === '\\') j++;
      else if (this.s[j] === '"') return j + 1;
    }
    throw new Error('template: unterminated string');
  }

  private skipValue(i: number): number {
    const c = this.s[i];
    if (c === '"') return this.skipString(i);
    if (c === '{' || c === '[') {
      let depth = 0;
      for (let j = i; j < this.s.length; j++) {
        const d = this.s[j];
        if (d === '"') j = this.skipString(j) - 1;
        else if (d === '{' || d === '[') depth++;
        else if (d === '}' || d === ']') {
          depth--;
          if (depth === 0) return j + 1;
        }
      }
      throw new Error('template: unbalanced brackets');
    }
    let j = i;
    while (j < this.s.length && !',}] \t\r\n'.includes(this.s[j])) j++;
    if (j === i) throw new Error(`template: expected a value at ${i}`);
    return j;
  }
}
