// The security diff of a pull request: every stack of the base and the head compared
// (lib/evidence/diff-cloudformation.ts, lib/evidence/diff-terraform.ts) and every control result
// of the evaluation matrix compared (lib/evidence/evaluate.ts), rendered as one Markdown comment
// for reviewers: verdict first, then stateful resources replaced or removed, then control results
// that changed (worst first), then each stack's changes by security concern, then the rest.
// Deterministic: the same inputs give the same text, byte for byte.
import { CONTROLS } from '../controls/catalogue';
import type { Cloud, ControlId, Finding } from '../controls/types';
import { diffCloudFormation } from './diff-cloudformation';
import {
  brief,
  CATEGORIES,
  CATEGORY_TITLES,
  isLoud,
  WEAKENING_RULES,
  weakeningsOf,
  type AttributeChange,
  type Category,
  type ResourceDiff,
  type StackDiff,
  type Weakening,
} from './diff-model';
import { diffTerraform } from './diff-terraform';
import type { CellStatus, Evaluation, MatrixCell } from './evaluate';
import type { SynthesizedStack } from './synth-output';
import { verdictOf } from './verdict';

/** GitHub's limit on a pull-request comment body. */
export const GITHUB_COMMENT_LIMIT = 65536;

/** A control cell whose result differs between base and head. */
export interface ControlChange {
  readonly control: ControlId;
  readonly environment: string;
  readonly cloud: Cloud;
  /** `absent`: the environment had no stack on that cloud on that side. */
  readonly before: CellStatus | 'absent';
  readonly after: CellStatus | 'absent';
  /** Findings of the head that the base did not have. */
  readonly newFindings: readonly (Finding & { readonly stack: string })[];
  /**
   * 0 now failing, 1 still failing with new findings, 2 a satisfied cell (pass or config-enforced)
   * no longer satisfied (unchecked, n/a, absent), 3 other, 4 fixed.
   */
  readonly rank: number;
}

/** An app (AWS, Terraform) that could not be compared, and why. */
export interface Uncompared {
  /** e.g. "AWS app (cdk.json)". */
  readonly app: string;
  /** Which side failed to synthesize it. */
  readonly side: 'base' | 'head' | 'both';
  /** What went wrong, e.g. the synth's first error line. */
  readonly reason: string;
}

/** Everything the Markdown shows. */
export interface SecurityDiff {
  /** Stacks on either side, by name; unchanged ones included (change `unchanged`). */
  readonly stacks: readonly StackDiff[];
  /** Control cells whose status or findings changed, worst first. */
  readonly controls: readonly ControlChange[];
  /** The head's report fails (any cell fails), whatever the base did. */
  readonly headFailing: boolean;
  /** Number of failing cells of the head. */
  readonly headFailingCells: number;
  /**
   * The head report's headline (lib/evidence/verdict.ts): `PASS`, `PASS with N unchecked cells: ...`
   * or `FAIL: ...`.
   * @default - not known: the line says only whether the head fails
   */
  readonly headHeadline?: string;
  /** The head's cells by status, whatever status strings the evaluation emits (`pass`, `fail`, `not-applicable`...). */
  readonly headCells?: Readonly<Record<string, number>>;
  /** Every weakening, stack by stack (the headline counts these). */
  readonly weakenings?: readonly Weakening[];
  /** Stateful replacements and removals the head's report (compared with this base) fails on unless accepted. */
  readonly headStateful?: { readonly unaccepted: number; readonly accepted: number; readonly source: string };
  /** Apps that could not be compared: the headline starts with them, and nothing about them shows ✅. */
  readonly uncompared?: readonly Uncompared[];
  /** What could not be compared, and other caveats (one line each). */
  readonly notes: readonly string[];
}

/** One side of the comparison. */
export interface DiffSide {
  readonly stacks: readonly SynthesizedStack[];
  readonly evaluation: Evaluation;
}

/** The diff of every stack, paired by name; a stack on one side only is all added or all removed. */
export function diffStacks(before: readonly SynthesizedStack[], after: readonly SynthesizedStack[]): StackDiff[] {
  const names = [...new Set([...before.map((s) => s.name), ...after.map((s) => s.name)])].sort();
  return names.flatMap((name) => {
    const b = before.find((s) => s.name === name);
    const a = after.find((s) => s.name === name);
    const pair = (x: SynthesizedStack | undefined, y: SynthesizedStack | undefined, cloud: Cloud) =>
      cloud === 'aws' ? diffCloudFormation(name, x?.template, y?.template) : diffTerraform(name, cloud, x?.template, y?.template);
    if (b && a && b.cloud !== a.cloud) return [pair(b, undefined, b.cloud), pair(undefined, a, a.cloud)];
    return [pair(b, a, (a ?? b)!.cloud)];
  });
}

const RANK_FAIL = (s: string) => s === 'fail';
const SATISFIED = (s: string) => s === 'pass' || s === 'config-enforced';
const findingKey = (f: Finding & { stack: string }) => `${f.stack}|${f.resource}|${f.message}`;

/** Every matrix cell whose status or findings changed, worst first, then catalogue order. */
export function compareEvaluations(before: Evaluation, after: Evaluation): ControlChange[] {
  const key = (c: MatrixCell) => `${c.control}|${c.environment}|${c.cloud}`;
  const b = new Map(before.matrix.map((c) => [key(c), c]));
  const a = new Map(after.matrix.map((c) => [key(c), c]));
  const order = new Map(CONTROLS.map((c, i) => [c.id, i]));
  const out: ControlChange[] = [];
  for (const k of [...new Set([...b.keys(), ...a.keys()])]) {
    const [x, y] = [b.get(k), a.get(k)];
    const cell = (y ?? x)!;
    const bs: ControlChange['before'] = x?.status ?? 'absent';
    const as: ControlChange['after'] = y?.status ?? 'absent';
    const old = new Set((x?.findings ?? []).map(findingKey));
    const newFindings = (y?.findings ?? []).filter((f) => !old.has(findingKey(f)));
    if (bs === as && newFindings.length === 0) continue;
    const rank = RANK_FAIL(as) && !RANK_FAIL(bs) ? 0 : RANK_FAIL(as) ? 1 : SATISFIED(bs) && !SATISFIED(as) ? 2 : RANK_FAIL(bs) ? 4 : 3;
    out.push({ control: cell.control, environment: cell.environment, cloud: cell.cloud, before: bs, after: as, newFindings, rank });
  }
  return out.sort(
    (p, q) =>
      p.rank - q.rank ||
      (order.get(p.control) ?? 99) - (order.get(q.control) ?? 99) ||
      (p.environment < q.environment ? -1 : p.environment > q.environment ? 1 : 0) ||
      (p.cloud < q.cloud ? -1 : p.cloud > q.cloud ? 1 : 0),
  );
}

/** The head's cells by status string. */
function countCells(evaluation: Evaluation): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of evaluation.matrix) out[String(c.status)] = (out[String(c.status)] ?? 0) + 1;
  return out;
}

/**
 * The security diff of two sides (each synthesized and evaluated with its own config). `uncompared`
 * names the apps a side failed to synthesize: their stacks are left out of both sides.
 */
export function securityDiff(
  before: DiffSide,
  after: DiffSide,
  notes: readonly string[] = [],
  uncompared: readonly Uncompared[] = [],
): SecurityDiff {
  const failing = after.evaluation.matrix.filter((c) => c.status === 'fail').length;
  const stacks = diffStacks(before.stacks, after.stacks);
  return {
    stacks,
    controls: compareEvaluations(before.evaluation, after.evaluation),
    headFailing: after.evaluation.failed || failing > 0,
    headFailingCells: failing,
    headHeadline: verdictOf(after.evaluation.matrix).headline,
    headCells: countCells(after.evaluation),
    weakenings: stacks.flatMap(weakeningsOf),
    uncompared,
    notes,
  };
}

/** The weakenings of a diff (computed from its stacks when it was built by hand). */
export function weakeningsOfDiff(diff: SecurityDiff): readonly Weakening[] {
  return diff.weakenings ?? diff.stacks.flatMap(weakeningsOf);
}

// ---------------------------------------------------------------------------------------------
// Markdown

/** Labels of the two sides for the header. */
export interface DiffLabels {
  /** e.g. "`abc1234` (merge base with main)". */
  readonly base: string;
  /** e.g. "working tree (`def5678` + uncommitted changes)". */
  readonly head: string;
}

interface Limits {
  /** Lines per category per stack, and per "other changes" list. */
  readonly perList: number;
  /** Whether other (uncategorised) changes are listed line by line. */
  readonly otherDetails: boolean;
}

const STATUS: Record<ControlChange['before'], string> = {
  pass: '✅ pass',
  fail: '❌ fail',
  'not-applicable': '➖ n/a',
  'config-enforced': '⚙️ config',
  unchecked: '❔ unchecked',
  absent: '— (no stack)',
};

function code(text: string): string {
  const t = text.replace(/`/g, 'ˋ').replace(/\s+/g, ' ');
  return `\`${t}\``;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s+/g, ' ');
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function capped(lines: string[], max: number, what: string): string[] {
  if (lines.length <= max) return lines;
  return [...lines.slice(0, max), `- … and ${lines.length - max} more ${what}`];
}

function replacementMark(c: AttributeChange): string {
  if (c.replacement === 'always') return ' **(replaces the resource)**';
  if (c.replacement === 'conditional') return ' (may replace the resource)';
  return '';
}

function changeLine(r: ResourceDiff, c: AttributeChange): string {
  const value = c.before === undefined && c.after === undefined ? '' : `: ${code(brief(c.before))} → ${code(brief(c.after))}`;
  const note = c.note ? ` — ${isLoud(c.note) ? `**${c.note}**` : c.note}` : '';
  return `- ${code(r.address)} ${code(c.path)}${value}${note}${replacementMark(c)}`;
}

const ACTION_WORD: Record<ResourceDiff['action'], string> = {
  add: 'added',
  remove: 'removed',
  replace: '**replaced**',
  'may-replace': 'possibly replaced',
  update: 'updated',
};

function resourceLine(r: ResourceDiff): string {
  const renamed = r.renamedFrom ? ` (renamed from ${code(r.renamedFrom)}?)` : r.renamedTo ? ` (renamed to ${code(r.renamedTo)}?)` : '';
  const consequence = r.consequence && !r.stateful ? ` — ${r.consequence}` : '';
  return `- ${ACTION_WORD[r.action]} ${code(r.address)} (${r.type})${renamed}${consequence}`;
}

function statefulLine(stack: string, r: ResourceDiff): string {
  const where = r.constructPath ? `, ${code(r.constructPath)}` : '';
  const renamed = r.renamedTo ? `, probably renamed to ${code(r.renamedTo)} (construct id changed)` : '';
  const forced = r.changes.filter((c) => c.replacement === 'always' || c.replacement === 'conditional').map((c) => code(c.path));
  const cause = r.action !== 'remove' && forced.length ? ` by ${[...new Set(forced)].slice(0, 5).join(', ')}` : '';
  const verb = r.action === 'remove' ? 'REMOVED' : r.action === 'replace' ? 'REPLACED' : 'POSSIBLY REPLACED';
  return `- ⚠️ **${verb}** ${code(r.address)} in **${stack}** (${r.type}${where})${renamed}${cause}: ${r.consequence ?? ''}`;
}

/** Lines of one category of one stack. */
function categoryLines(d: StackDiff, category: Category): string[] {
  const lines: string[] = [];
  for (const r of d.resources) {
    if ((r.action === 'add' || r.action === 'remove') && r.category === category) lines.push(resourceLine(r));
    // A change without values is summarised by the stack's notes (IAM statements, security group rules).
    for (const c of r.changes)
      if (c.category === category && !(c.before === undefined && c.after === undefined && d.notes.some((n) => n.category === category)))
        lines.push(changeLine(r, c));
  }
  for (const n of d.notes) {
    if (n.category !== category) continue;
    if (n.rule && n.loud && !n.text.includes('⚠️')) {
      const [what, ...meaning] = n.text.split(' — ');
      lines.push(`- ${code(n.resource)}: ⚠️ **${what}**${meaning.length ? ` — ${meaning.join(' — ')}` : ''}`);
    } else lines.push(`- ${code(n.resource)}: ${n.loud ? n.text.replace(/— (⚠️.*)$/, '— **$1**') : n.text}`);
  }
  // Loud lines first, the rest in resource order.
  return [...lines.filter((l) => l.includes('⚠️')), ...lines.filter((l) => !l.includes('⚠️'))];
}

function otherLines(d: StackDiff): string[] {
  const lines: string[] = [];
  for (const r of d.resources) {
    const uncategorised = r.changes.filter((c) => c.category === undefined);
    if ((r.action === 'add' || r.action === 'remove') && r.category === undefined) lines.push(resourceLine(r));
    else if (
      r.action !== 'add' &&
      r.action !== 'remove' &&
      (uncategorised.length > 0 || r.changes.length === 0 || (r.action === 'update' && r.consequence))
    ) {
      const paths = [...new Set(uncategorised.map((c) => c.path))];
      const shown = paths.slice(0, 4).map(code).join(', ');
      const more = paths.length > 4 ? ` and ${paths.length - 4} more` : '';
      const replaced =
        r.action === 'replace' || r.action === 'may-replace'
          ? ` — ${ACTION_WORD[r.action]}${r.consequence && !r.stateful ? `: ${r.consequence}` : ''}`
          : '';
      // Replacement unknown (type not in the force-new table) or moved by a `moved` block.
      const aside = r.action === 'update' && r.consequence ? ` (${r.consequence})` : '';
      lines.push(`- ${code(r.address)} (${r.type})${paths.length ? `: ${shown}${more}` : ''}${replaced}${aside}`);
    }
  }
  for (const o of d.other) lines.push(`- ${o}`);
  return lines;
}

function stackHeading(d: StackDiff): string {
  const count = (a: ResourceDiff['action']) => d.resources.filter((r) => r.action === a).length;
  const parts = [
    count('add') && `${count('add')} added`,
    count('remove') && `${count('remove')} removed`,
    count('replace') && `${count('replace')} replaced`,
    count('may-replace') && `${count('may-replace')} possibly replaced`,
    count('update') && `${count('update')} updated`,
  ].filter(Boolean);
  const state = d.change === 'added' ? 'new stack, ' : d.change === 'removed' ? '**stack removed**, ' : '';
  return `#### ${code(d.stack)} (${d.cloud}) — ${state}${parts.length ? parts.join(', ') : 'no resource changes'}`;
}

/** Status glyphs and words of the head report line; an unknown status shows as itself, never as passing. */
const CELL_WORDS: Readonly<Record<string, string>> = {
  pass: '✅ {n} pass',
  fail: '❌ {n} fail',
  'config-enforced': '⚙️ {n} config-enforced',
  'not-applicable': '➖ {n} not applicable',
  unchecked: '❔ {n} unchecked',
};

function cellCounts(cells: Readonly<Record<string, number>>): string {
  const order = ['fail', 'pass', 'config-enforced', 'not-applicable', 'unchecked'];
  const statuses = [
    ...order.filter((s) => cells[s]),
    ...Object.keys(cells)
      .filter((s) => !order.includes(s) && cells[s])
      .sort(),
  ];
  return statuses.map((s) => (CELL_WORDS[s] ?? `⚪ {n} ${s.replace(/-/g, ' ')}`).replace('{n}', String(cells[s]))).join(' · ');
}

/** The head's real report in one line: not produced, failing, or the count of every status (✅ only on passing cells). */
function headReportLine(diff: SecurityDiff, uncompared: readonly Uncompared[]): string {
  const cells = diff.headCells ?? (diff.headFailing ? { fail: diff.headFailingCells } : {});
  const counts = cellCounts(cells);
  const missing = uncompared.filter((u) => u.side !== 'base').map((u) => u.app);
  if (missing.length)
    return (
      `Head report: ❌ **not produced** for the ${missing.join(' and the ')}: the head does not synthesize, so \`npm run ` +
      `report\` fails too${counts ? ` (the rest: ${counts})` : ''}`
    );
  const stateful = diff.headStateful?.unaccepted
    ? `${plural(diff.headStateful.unaccepted, 'stateful change')} not accepted in \`${diff.headStateful.source}\` (the report ` +
      `compared with this base fails on ${diff.headStateful.unaccepted === 1 ? 'it' : 'them'})`
    : undefined;
  if (diff.headFailing || stateful)
    return (
      `Head report: ❌ **failing**: ` +
      `${[stateful, diff.headFailing ? counts || `❌ ${diff.headFailingCells} fail` : counts].filter(Boolean).join(' · ')} (\`npm ` +
      `run report\` lists them)`
    );
  if (!counts) return 'Head report: no control cell was evaluated';
  // Nothing fails, but PASS is not claimed bare while cells are unchecked (lib/evidence/verdict.ts).
  if ((cells.unchecked ?? 0) > 0 && diff.headHeadline)
    return `Head report: ❔ ${diff.headHeadline} (nothing fails; \`npm run report\` says why each is unchecked): ${counts}`;
  const caveat = diff.headHeadline?.startsWith('PASS with ') ? ` (${diff.headHeadline.slice('PASS with '.length)})` : '';
  return `Head report: no control cell fails: ${counts}${caveat}`;
}

/** One weakening for the top list: the change in bold, where, and what it means. */
function weakeningLine(w: Weakening): string {
  const [what, ...meaning] = w.text.split(' — ');
  return (
    `- **${w.stack}** ${code(w.resource)}: **${cell(what)}**${meaning.length ? ` — ${cell(meaning.join(' — '))}` : ''} ` +
    `_(${WEAKENING_RULES[w.rule].title})_`
  );
}

function render(diff: SecurityDiff, labels: DiffLabels, limits: Limits): string {
  const out: string[] = [];
  const changed = diff.stacks.filter((s) => s.change !== 'unchanged');
  const resources = changed.flatMap((s) => s.resources);
  const stateful = changed.flatMap((s) =>
    s.resources
      .filter((r) => r.stateful && (r.action === 'remove' || r.action === 'replace' || r.action === 'may-replace'))
      .map((r) => ({ stack: s.stack, r })),
  );
  const nowFailing = diff.controls.filter((c) => c.rank === 0);
  const newFindings = diff.controls.filter((c) => c.rank === 1);
  const fixed = diff.controls.filter((c) => c.rank === 4);

  out.push('## 🔒 Security diff', '', `Base ${labels.base} → head ${labels.head}`, '');
  // What was not compared comes first: nothing below may read as a clean result for it.
  const uncompared = diff.uncompared ?? [];
  for (const u of uncompared) {
    const who = u.side === 'both' ? 'neither side' : `the ${u.side}`;
    out.push(`❌ **${u.app} not compared**: ${who} failed to synthesize it — ${cell(u.reason)}`, '');
  }
  const weakenings = weakeningsOfDiff(diff);
  const verdict: string[] = [];
  if (stateful.length) verdict.push(`⚠️ **${plural(stateful.length, 'stateful resource')} replaced or removed**`);
  if (weakenings.length) verdict.push(`⚠️ **${plural(weakenings.length, 'weakening')} flagged**`);
  if (nowFailing.length) verdict.push(`❌ **${plural(nowFailing.length, 'control result')} now failing**`);
  if (newFindings.length) verdict.push(`❌ **${plural(newFindings.length, 'failing control result')} with new findings**`);
  if (fixed.length) verdict.push(`✅ ${plural(fixed.length, 'control result')} fixed`);
  if (resources.length || changed.length) {
    const count = (a: ResourceDiff['action']) => resources.filter((r) => r.action === a).length;
    verdict.push(
      `${plural(changed.length, 'stack')} changed: ` +
        ([
          count('add') && `${count('add')} added`,
          count('remove') && `${count('remove')} removed`,
          count('replace') && `${count('replace')} replaced`,
          count('may-replace') && `${count('may-replace')} possibly replaced`,
          count('update') && `${count('update')} updated`,
        ]
          .filter(Boolean)
          .join(', ') || 'no resource changes'),
    );
  } else if (uncompared.length === 0) verdict.push('✅ **No changes** to the synthesized infrastructure');
  else if (diff.stacks.length) verdict.push('No changes in the apps that were compared');
  else verdict.push('❌ **Nothing was compared**');
  out.push(verdict.join(' · '), '');
  out.push(headReportLine(diff, uncompared), '');
  for (const n of diff.notes) out.push(`> ℹ️ ${n}`);
  if (diff.notes.length) out.push('');

  if (stateful.length) {
    out.push('### ⚠️ Stateful resources replaced or removed', '');
    out.push(
      ...capped(
        stateful.map(({ stack, r }) => statefulLine(stack, r)),
        Math.max(limits.perList, 20),
        'stateful resources',
      ),
      '',
    );
  }

  if (weakenings.length) {
    out.push(`### ⚠️ Weakenings (${weakenings.length})`, '');
    out.push(...capped(weakenings.map(weakeningLine), Math.max(limits.perList, 20), 'weakenings'), '');
  }

  if (diff.controls.length) {
    // Worst first, one row each; transitions that neither fail nor lose a pass (a new stack's cells,
    // n/a -> pass) are folded into one line per transition and cloud.
    const listed = diff.controls.filter((c) => c.rank !== 3);
    const folded = diff.controls.filter((c) => c.rank === 3);
    out.push('### Control results that changed', '');
    if (listed.length) {
      out.push('| Control | Environment | Cloud | Before | After | New findings |', '|---|---|---|---|---|---|');
      const rows = listed.map((c) => {
        const shown = c.newFindings.slice(0, 3).map((f) => `${f.stack}/${f.resource}: ${f.message}`);
        const more = c.newFindings.length > 3 ? ` (+${c.newFindings.length - 3} more)` : '';
        const findings = shown.map((s) => (s.length > 160 ? `${s.slice(0, 159)}…` : s)).join('; ') + more;
        const after = c.rank <= 1 ? `**${STATUS[c.after]}**` : STATUS[c.after];
        return `| ${c.control} | ${c.environment} | ${c.cloud} | ${STATUS[c.before]} | ${after} | ${cell(findings)} |`;
      });
      const max = Math.max(limits.perList * 2, 20);
      out.push(...rows.slice(0, max), ...(rows.length > max ? [`| … and ${rows.length - max} more | | | | | |`] : []), '');
    }
    const groups = new Map<string, ControlChange[]>();
    for (const c of folded)
      groups.set(`${c.before}|${c.after}|${c.cloud}`, [...(groups.get(`${c.before}|${c.after}|${c.cloud}`) ?? []), c]);
    for (const cs of groups.values()) {
      const controls = [...new Set(cs.map((c) => c.control))];
      const envs = [...new Set(cs.map((c) => c.environment))].sort();
      out.push(
        `- ${STATUS[cs[0].before]} → ${STATUS[cs[0].after]} on ${cs[0].cloud} (${plural(cs.length, 'cell')}; ` +
          `${envs.join(', ')}): ${controls.join(', ')}`,
      );
    }
    if (groups.size) out.push('');
  }

  if (changed.length) {
    out.push('### Changes by stack', '');
    for (const d of changed) {
      out.push(stackHeading(d), '');
      for (const category of CATEGORIES) {
        const lines = categoryLines(d, category);
        if (lines.length) out.push(`**${CATEGORY_TITLES[category]}**`, '', ...capped(lines, limits.perList, 'changes'), '');
      }
      const others = otherLines(d);
      if (others.length) {
        if (limits.otherDetails)
          out.push(
            `<details><summary>Other changes (${others.length})</summary>`,
            '',
            ...capped(others, limits.perList, 'changes'),
            '',
            '</details>',
            '',
          );
        else out.push(`Other changes: ${others.length} (not listed to fit the comment)`, '');
      }
    }
  }
  out.push(
    '<sub>`npm run diff` · CloudFormation replacements from @aws-cdk/cloudformation-diff; Terraform replacements from the ' +
      "providers' force-new attributes (a config diff, not a plan: see lib/evidence/diff-terraform.ts for what it cannot " +
      'tell)</sub>',
    '',
  );
  return out.join('\n');
}

/**
 * The Markdown of a security diff, at most `maxChars` long (a GitHub comment holds 65536): long
 * lists are cut with counts, then other changes collapsed to a count, then the text is cut.
 */
export function renderDiffMarkdown(diff: SecurityDiff, labels: DiffLabels, maxChars = GITHUB_COMMENT_LIMIT - 1536): string {
  for (const limits of [
    { perList: 40, otherDetails: true },
    { perList: 15, otherDetails: true },
    { perList: 8, otherDetails: false },
    { perList: 3, otherDetails: false },
  ]) {
    const text = render(diff, labels, limits);
    if (text.length <= maxChars) return text;
  }
  const text = render(diff, labels, { perList: 3, otherDetails: false });
  const note = '\n\n… (cut to fit a pull-request comment; run `npm run diff` locally for the rest)\n';
  return text.slice(0, maxChars - note.length) + note;
}
