// The controls report (issue 6): one evaluation of the synthesized stacks rendered three ways, for
// a reviewer (Markdown), for machines (JSON) and for a person with a browser and no network (one
// HTML file). Pure: no file system, no aws-cdk-lib or cdktf, no clock. Everything shown is sorted
// or in catalogue order, so the same input always renders the same bytes and a diff of two
// reports shows only real changes.
import { CONTROLS, STACK_CONTROL_TESTS } from '../controls/catalogue';
import {
  CONTROL_FRAMEWORKS,
  frameworkReferences,
  MAPPING_SOURCES,
  type ControlFrameworkMapping,
  type FrameworkId,
} from '../controls/frameworks';
import type { Cloud, Control, ControlId, Finding } from '../controls/types';
import type { AckProblem, AcknowledgementAudit, DecisionUse } from './acknowledgement-audit';
import { CELL_STATUSES, CLOUDS, hasCheck, type CellStatus, type Evaluation, type MatrixCell, type StackEvaluation } from './evaluate';
import { renderTopologySvg } from './report-topology';
import type { Acceptance, StatefulChange } from './stateful-changes';
import type { SynthesizedStack } from './synth-output';
import { describeCells, verdictOf, type ExitPolicy, type HeadlineResult } from './verdict';

/**
 * Version of the JSON schema of `controls.json`; bumped on any incompatible change. 2: the cell
 * verdicts `config-enforced` and `unchecked` replace `not-checked`, cells carry `reason` and
 * `enforcedBy`, and the summary's `result` may be `pass-with-unchecked`.
 */
export const REPORT_VERSION = 2;

/** The order statuses are counted and offered as filters in. */
export const STATUSES: readonly CellStatus[] = CELL_STATUSES;

/** How many resources a cell lists before "and N more" (controls.json keeps them all). */
export const EVIDENCE_SHOWN = 6;

/** How many findings a cell lists before "and N more" (controls.json keeps them all). */
export const FINDINGS_SHOWN = 50;

const CLOUD_LABEL: Record<Cloud, string> = { aws: 'AWS', azure: 'Azure', cloudflare: 'Cloudflare' };
const STATUS_MARK: Record<CellStatus, string> = {
  pass: '✅ pass',
  fail: '❌ fail',
  'not-applicable': '– n/a',
  'config-enforced': '⚙️ config',
  unchecked: '❔ unchecked',
};
// The page may be opened where no colour-emoji font is installed; these marks are in common text fonts.
const HTML_STATUS_MARK: Record<CellStatus, string> = {
  pass: '✔ pass',
  fail: '✖ fail',
  'not-applicable': '– n/a',
  'config-enforced': '⚙ config',
  unchecked: '? unchecked',
};
/** Words for the counts line. */
const STATUS_WORDS: Record<CellStatus, string> = {
  pass: 'pass',
  fail: 'fail',
  'not-applicable': 'not applicable',
  'config-enforced': 'config-enforced',
  unchecked: 'unchecked',
};

/** What the topology picture knows about a stack beyond its evaluation (from the synthesized output). */
export interface StackFacts {
  /** The region or location the stack deploys to, e.g. `eu-west-1`, `westeurope`. */
  readonly region?: string;
  /** Public hostnames the stack serves (a Cloudflare load balancer's name). */
  readonly hosts?: readonly string[];
  /** Stacks an edge stack sends traffic to (its load-balancer pools), by name. */
  readonly origins?: readonly string[];
}

/** Facts per stack name. */
export type Topology = Readonly<Record<string, StackFacts>>;

/** What the report is rendered from. */
export interface ReportInput {
  readonly evaluation: Evaluation;
  /**
   * The audit of the AWS cloud assembly's acknowledged policy findings against the register
   * (lib/evidence/acknowledgement-audit.ts); its problems fail the report.
   * @default - none: no AWS assembly, or it was not audited
   */
  readonly acknowledgementAudit?: AcknowledgementAudit;
  /** @default CONTROLS (the catalogue) */
  readonly controls?: readonly Control[];
  /** Tests that run every check of a cloud on the real stacks. @default STACK_CONTROL_TESTS */
  readonly stackControlTests?: Readonly<Partial<Record<Cloud, readonly string[]>>>;
  /** Region, hosts and origins per stack for the topology picture. @default - none: stacks only */
  readonly topology?: Topology;
  /**
   * Stateful resources the head would replace or remove compared with a base (npm run report --
   * --base <ref>); any not accepted fails the report.
   * @default - no comparison: the report covers the head's synth only
   */
  readonly statefulChanges?: StatefulComparison;
  /** Where the input came from (e.g. `{ cdkOut: 'cdk.out', config: 'config/baseline.json' }`), shown in the header. */
  readonly inputs?: Readonly<Record<string, string>>;
  /**
   * When the report was generated. Only when given: a report without it is byte-identical for the
   * same synthesized output, which is what CI compares.
   * @default - no timestamp
   */
  readonly generatedAt?: string;
  /**
   * The exit-code policy the run applies (shown in the report, and its problems listed).
   * @default - `require: 'passing'`: only failing cells fail the run
   */
  readonly policy?: ExitPolicy;
}

/** The stateful changes of the head against a base, with the reviewers' acceptances applied. */
export interface StatefulComparison {
  /** The base compared with, as plain text, e.g. "abc1234 (origin/main)". */
  readonly base: string;
  /** Sorted by stack and resource; `acceptedBecause` set on the accepted ones. */
  readonly changes: readonly StatefulChange[];
  /** Acceptances that match no change (already merged, or a typo): to be removed. */
  readonly unusedAcceptances: readonly Acceptance[];
  /** Where reviewers accept changes. @default 'config/accepted-stateful-changes.json' */
  readonly acceptancesFile?: string;
}

const DEFAULT_ACCEPTANCES_FILE = 'config/accepted-stateful-changes.json';

/** One column of the matrix. */
export interface ReportColumn {
  readonly environment: string;
  readonly cloud: Cloud;
}

/** One cell of the matrix, with evidence and findings sorted. */
export type ReportCell = MatrixCell;

/** One control of the catalogue as the report shows it. */
export interface ReportControl {
  readonly id: ControlId;
  readonly claim: string;
  readonly sources: readonly string[];
  readonly note?: string;
  /** The test files that prove the control on each cloud the report covers (the control's own, then the stack-level ones). */
  readonly tests: Readonly<Partial<Record<Cloud, readonly string[]>>>;
  /** The clouds with a check for the control. */
  readonly checkedOn: readonly Cloud[];
  /**
   * The SOC 2, ISO/IEC 27001 and NIST SP 800-53 controls it supports (lib/controls/frameworks.ts),
   * in framework order; absent for a control the mapping does not cover.
   */
  readonly frameworks?: readonly ReportFrameworkReference[];
}

/** A control's references in one framework, as the report shows them. */
export interface ReportFrameworkReference {
  readonly framework: FrameworkId;
  /** e.g. `SOC 2 (AICPA Trust Services Criteria (2017), revised points of focus (2022))`. */
  readonly label: string;
  readonly ids: readonly { readonly id: string; readonly title: string }[];
  /** Where the mapping comes from (MAPPING_SOURCES). */
  readonly source: string;
}

/** The counts a reader sees first. */
export interface ReportSummary {
  /**
   * `fail` when any cell fails, or a stateful resource is replaced or removed without acceptance;
   * `pass-with-unchecked` when nothing fails but some cell is unchecked; `pass` otherwise.
   */
  readonly result: HeadlineResult;
  /** The headline sentence: `PASS`, `PASS with 2 unchecked cells: ADMIN-MFA on Azure (prod, staging)`, `FAIL`. */
  readonly headline: string;
  /** Every unchecked cell, in matrix order, with why. */
  readonly unchecked: readonly {
    readonly control: ControlId;
    readonly environment: string;
    readonly cloud: Cloud;
    readonly reason: string;
  }[];
  /** The exit-code policy applied and what fails under it (empty: exit 0). */
  readonly policy: {
    readonly require: 'passing' | 'checked';
    readonly allowUnchecked: readonly string[];
    readonly problems: readonly string[];
  };
  /** Cells per status, and their total. */
  readonly cells: Readonly<Record<CellStatus | 'total', number>>;
  readonly controls: number;
  readonly environments: readonly string[];
  readonly clouds: readonly Cloud[];
  readonly stacks: number;
  /** Policy findings the gates reported and the register's decisions acknowledged (one per rule and resource, never the stamps). */
  readonly acknowledgedFindings: number;
  /** Decisions of the register applied in the assembly. */
  readonly acknowledgementDecisions: number;
  /** Whether the AWS assembly held a validation report (synthesized with the policy gates). */
  readonly acknowledgementsAudited: boolean;
  /** Stateful replacements and removals against the base, when compared with one. */
  readonly statefulChanges?: {
    readonly base: string;
    readonly total: number;
    readonly unaccepted: number;
    readonly acceptancesFile: string;
  };
  /** Every failing cell, in matrix order. */
  readonly failing: readonly {
    readonly control: ControlId;
    readonly environment: string;
    readonly cloud: Cloud;
    readonly findings: number;
  }[];
}

/** One stack with its per-control results (the JSON's `stacks`). */
export interface ReportStack extends StackEvaluation, StackFacts {}

/** The whole report: the JSON document, and what the Markdown and HTML renderings show. */
export interface ControlsReport {
  readonly version: typeof REPORT_VERSION;
  readonly generatedAt?: string;
  readonly inputs?: Readonly<Record<string, string>>;
  readonly summary: ReportSummary;
  readonly columns: readonly ReportColumn[];
  readonly controls: readonly ReportControl[];
  /** Catalogue order, then environment, then cloud. */
  readonly matrix: readonly ReportCell[];
  readonly stacks: readonly ReportStack[];
  /** Results of the checks that read all of an environment's stacks of one cloud (DR-REGION). */
  readonly environmentResults: Evaluation['environmentResults'];
  /** The comparison with a base, when the report was asked for one. */
  readonly statefulChanges?: StatefulComparison;
  /** Sorted by stack, resource and rule. */
  readonly acknowledgements: ReportAcknowledgements;
}

/** The acknowledged policy findings, by decision of the register. */
export interface ReportAcknowledgements {
  /** False when the assembly has no validation report (synthesized without the policy gates). */
  readonly audited: boolean;
  /** Distinct acknowledged findings (rule and resource). */
  readonly findings: number;
  /** The decisions applied, register order. */
  readonly decisions: readonly DecisionUse[];
  /** Register decisions not applied in this synth (conditional ones), by id. */
  readonly notApplied: readonly string[];
  /** What the audit found wrong (each fails the report). */
  readonly problems: readonly AckProblem[];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortedUnique(values: readonly string[]): string[] {
  return [...new Set(values)].sort(compare);
}

function findingKey(f: Finding & { stack: string }): string {
  return `${f.stack}\u0000${f.resource}\u0000${f.message}`;
}

/**
 * The report model of an evaluation: what controls.json holds and both renderings show. The
 * catalogue gives claim, sources, note and tests; the evaluation gives the matrix.
 */
export function buildReport(input: ReportInput): ControlsReport {
  const { evaluation } = input;
  const catalogue = input.controls ?? CONTROLS;
  const stackTests = input.stackControlTests ?? STACK_CONTROL_TESTS;
  const topology = input.topology ?? {};
  const clouds = CLOUDS.filter((cloud) => evaluation.matrix.some((c) => c.cloud === cloud));
  const columns: ReportColumn[] = [];
  for (const environment of evaluation.environments) {
    for (const cloud of CLOUDS)
      if (evaluation.matrix.some((c) => c.environment === environment && c.cloud === cloud)) columns.push({ environment, cloud });
  }
  const order = new Map(catalogue.map((c, i) => [c.id, i]));
  const matrix: ReportCell[] = evaluation.matrix
    .filter((c) => order.has(c.control))
    .map((c) => ({
      control: c.control,
      environment: c.environment,
      cloud: c.cloud,
      status: c.status,
      evidence: sortedUnique(c.evidence),
      findings: [...c.findings].sort((a, b) => compare(findingKey(a), findingKey(b))),
      stacks: sortedUnique(c.stacks),
      ...(c.reason !== undefined ? { reason: c.reason } : {}),
      ...(c.enforcedBy !== undefined ? { enforcedBy: c.enforcedBy } : {}),
      ...(c.exceptions?.length ? { exceptions: [...c.exceptions].sort((a, b) => compare(findingKey(a), findingKey(b))) } : {}),
    }));
  const controls: ReportControl[] = catalogue.map((c) => {
    const checkedOn = CLOUDS.filter((cloud) => hasCheck(c, cloud));
    const tests: Partial<Record<Cloud, readonly string[]>> = {};
    for (const cloud of clouds) {
      const files = [...(c.tests?.[cloud] ?? []), ...(checkedOn.includes(cloud) ? (stackTests[cloud] ?? []) : [])];
      if (files.length > 0) tests[cloud] = [...new Set(files)];
    }
    const mapping = (CONTROL_FRAMEWORKS as Partial<Record<ControlId, ControlFrameworkMapping>>)[c.id];
    const frameworks = mapping
      ? frameworkReferences(mapping).map((r) => ({
          framework: r.framework.id,
          label: `${r.framework.name} (${r.framework.edition})`,
          ids: r.ids,
          source: MAPPING_SOURCES[mapping.source].title,
        }))
      : undefined;
    return {
      id: c.id,
      claim: c.claim,
      sources: [...c.sources],
      ...(c.note ? { note: c.note } : {}),
      tests,
      checkedOn,
      ...(frameworks ? { frameworks } : {}),
    };
  });
  const cells = Object.fromEntries([
    ...STATUSES.map((s) => [s, matrix.filter((c) => c.status === s).length]),
    ['total', matrix.length],
  ]) as Record<CellStatus | 'total', number>;
  const failing = matrix
    .filter((c) => c.status === 'fail')
    .map((c) => ({ control: c.control, environment: c.environment, cloud: c.cloud, findings: c.findings.length }));
  const stacks: ReportStack[] = [...evaluation.stacks]
    .sort((a, b) => compare(a.name, b.name))
    .map((s) => ({ ...s, ...(topology[s.name] ?? {}) }));
  const stateful = input.statefulChanges;
  const unaccepted = stateful ? stateful.changes.filter((c) => c.acceptedBecause === undefined).length : 0;
  const verdict = verdictOf(matrix, input.policy);
  const result: HeadlineResult = verdict.result === 'fail' || unaccepted > 0 ? 'fail' : verdict.result;
  const headline = result === 'fail' ? 'FAIL' : verdict.headline;
  const audit = input.acknowledgementAudit;
  const acks: ReportAcknowledgements = {
    audited: audit?.validated ?? false,
    findings: audit?.findings ?? 0,
    decisions: (audit?.decisions ?? []).filter((d) => d.placements.length > 0),
    notApplied: (audit?.decisions ?? []).filter((d) => d.placements.length === 0).map((d) => d.id),
    problems: audit?.problems ?? [],
  };
  const problems = [
    ...verdict.problems,
    ...(unaccepted > 0 ? [`${unaccepted} stateful change${unaccepted === 1 ? '' : 's'} not accepted`] : []),
    ...acks.problems.map((p) => `acknowledgement audit: ${p.message}`),
  ];
  return {
    version: REPORT_VERSION,
    ...(input.generatedAt ? { generatedAt: input.generatedAt } : {}),
    ...(input.inputs ? { inputs: Object.fromEntries(Object.entries(input.inputs).sort(([a], [b]) => compare(a, b))) } : {}),
    summary: {
      result,
      headline,
      unchecked: verdict.unchecked.map((c) => ({ control: c.control, environment: c.environment, cloud: c.cloud, reason: c.reason ?? '' })),
      policy: {
        require: verdict.require,
        allowUnchecked: (input.policy?.allowUnchecked ?? []).map((a) => `${a.control}:${a.cloud}`),
        problems,
      },
      cells,
      controls: controls.length,
      environments: [...evaluation.environments],
      clouds,
      stacks: stacks.length,
      acknowledgedFindings: acks.findings,
      acknowledgementDecisions: acks.decisions.length,
      acknowledgementsAudited: acks.audited,
      ...(stateful
        ? {
            statefulChanges: {
              base: stateful.base,
              total: stateful.changes.length,
              unaccepted,
              acceptancesFile: stateful.acceptancesFile ?? DEFAULT_ACCEPTANCES_FILE,
            },
          }
        : {}),
      failing,
    },
    columns,
    controls,
    matrix,
    stacks,
    environmentResults: evaluation.environmentResults,
    ...(stateful ? { statefulChanges: stateful } : {}),
    acknowledgements: acks,
  };
}

/**
 * Region, served hosts and origins of each synthesized stack, for the topology picture: Azure
 * locations from the resource groups, Cloudflare hostnames from the load balancers and origins
 * from the pools' names (`<project>-<stack name>`). AWS regions are not in a template; pass them
 * from the cloud assembly's manifest (`awsRegions`).
 */
export function stackTopology(stacks: readonly SynthesizedStack[], awsRegions: Readonly<Record<string, string>> = {}): Topology {
  const out: Record<string, StackFacts> = {};
  for (const s of stacks) {
    const facts: { region?: string; hosts?: string[]; origins?: string[] } = {};
    if (s.cloud === 'aws' && awsRegions[s.name]) facts.region = awsRegions[s.name];
    if (s.cloud === 'azure') {
      const locations = sortedUnique(
        Object.values<any>(s.template?.resource?.azurerm_resource_group ?? {})
          .map((g) => g?.location)
          .filter((l): l is string => typeof l === 'string' && !l.includes('${')),
      );
      if (locations.length > 0) facts.region = locations.join(', ');
    }
    if (s.cloud === 'cloudflare') {
      const hosts = sortedUnique(
        Object.values<any>(s.template?.resource?.cloudflare_load_balancer ?? {})
          .map((lb) => lb?.name)
          .filter((n): n is string => typeof n === 'string' && !n.includes('${')),
      );
      if (hosts.length > 0) facts.hosts = hosts;
      const poolNames = Object.values<any>(s.template?.resource?.cloudflare_load_balancer_pool ?? {}).map((p) => String(p?.name ?? ''));
      const origins = stacks
        .filter(
          (o) =>
            o.environment === s.environment && o.cloud !== 'cloudflare' && poolNames.some((n) => n === o.name || n.endsWith(`-${o.name}`)),
        )
        .map((o) => o.name);
      if (origins.length > 0) facts.origins = sortedUnique(origins);
    }
    if (Object.keys(facts).length > 0) out[s.name] = facts;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Text helpers

/** `n thing` / `n things`. */
function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/** `a, b and c`. */
function list(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function columnLabel(c: { environment: string; cloud: Cloud }): string {
  return `${c.environment} ${CLOUD_LABEL[c.cloud]}`;
}

/** The one-paragraph summary the script prints and both renderings open with. */
export function summaryText(report: ControlsReport): string {
  const s = report.summary;
  const counts = STATUSES.map((st) => `${s.cells[st]} ${STATUS_WORDS[st]}`).join(' / ');
  const scope =
    `${count(s.cells.total, 'cell')}: ${count(s.controls, 'control')} in ${list(s.environments)} on ` +
    `${list(s.clouds.map((c) => CLOUD_LABEL[c]))}, from ${count(s.stacks, 'stack')}`;
  const acks = s.acknowledgementsAudited
    ? `${count(s.acknowledgedFindings, 'acknowledged policy finding')} under ${count(s.acknowledgementDecisions, 'decision')} ` +
      `of the register`
    : 'no policy-gate report in the AWS assembly (synthesized without the gates), so no acknowledged finding is listed';
  const failing =
    s.failing.length > 0
      ? ` Failing: ${s.failing.map((f) => `${f.control} (${columnLabel(f)}, ${count(f.findings, 'finding')})`).join(', ')}.`
      : '';
  const unchecked = s.result === 'fail' && s.unchecked.length > 0 ? ` Unchecked: ${describeCells(s.unchecked as MatrixCell[])}.` : '';
  return `Result: ${s.headline}. ${counts} (${scope}); ${acks}.${failing}${unchecked}${statefulText(s)}`;
}

/** The summary's sentence about the comparison with a base, when there is one. */
function statefulText(s: ReportSummary): string {
  const c = s.statefulChanges;
  if (!c) return '';
  if (c.total === 0) return ` Against ${c.base}: no stateful resource replaced or removed.`;
  const accepted = c.total - c.unaccepted;
  const tail = c.unaccepted > 0 ? `${c.unaccepted} not accepted (${c.acceptancesFile})` : 'all accepted';
  return (
    ` Against ${c.base}: ${count(c.total, 'stateful resource')} replaced or removed, ` +
    `${accepted > 0 && c.unaccepted > 0 ? `${accepted} accepted, ` : ''}${tail}.`
  );
}

const STATEFUL_VERB: Record<StatefulChange['action'], string> = {
  remove: 'removed',
  replace: 'replaced',
  'may-replace': 'possibly replaced',
};

/** One stateful change as one line of text (Markdown escaping applied by the caller's `code`). */
function statefulParts(c: StatefulChange): { what: string; why: string } {
  const renamed = c.renamedTo ? `, probably renamed to ${c.renamedTo} (construct id changed)` : '';
  const forced = c.forcedBy.length > 0 ? ` by ${c.forcedBy.slice(0, 5).join(', ')}` : '';
  return { what: `${STATEFUL_VERB[c.action]}${forced}${renamed}`, why: c.consequence ?? '' };
}

/** The claim of a decision in words: `protects DB-FROM-APP; conflicts with LOG-RETENTION`. */
function claimText(d: DecisionUse): string {
  return [
    d.claim.protects?.length ? `protects ${d.claim.protects.join(', ')}` : '',
    d.claim.conflictsWith?.length ? `conflicts with ${d.claim.conflictsWith.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('; ');
}

const ACK_INTRO =
  'Each decision of the register (lib/policy/acknowledgement-register.ts) is applied in code on the resource that carries the ' +
  "finding; counted from the policy gates' validation report (cdk.out/validation-report.json): one finding per rule and " +
  'resource, never the metadata stamps cdk-nag copies onto templates.';

/**
 * What a cell that no check proved means, in one sentence: why it is not applicable, which loader
 * rule enforces it, or why it is unchecked.
 */
function cellExplanation(cell: ReportCell): string {
  if (cell.status === 'config-enforced')
    return `enforced by the config loader (${cell.enforcedBy ?? 'lib/config/schema.ts'})${cell.reason ? `: ${cell.reason}` : ''}`;
  if (cell.status === 'unchecked') return `nothing verifies it: ${cell.reason ?? "no check reads this cloud's output"}`;
  if (cell.status === 'not-applicable') return cell.reason ?? `nothing it concerns in ${list(cell.stacks)}`;
  return '';
}

/** `<stack>/<resource>`; a check across an environment's stacks names the stack in the resource already. */
function located(f: { readonly stack: string; readonly resource: string }): string {
  return f.resource.includes('/') && f.stack.includes(' ') ? f.resource : `${f.stack}/${f.resource}`;
}

function cellOf(report: ControlsReport, control: ControlId, col: ReportColumn): ReportCell | undefined {
  return report.matrix.find((c) => c.control === control && c.environment === col.environment && c.cloud === col.cloud);
}

// ---------------------------------------------------------------------------------------------
// Markdown

/**
 * Text safe inside a Markdown table cell or paragraph: no line breaks, pipes, emphasis, links or
 * raw HTML. Only a `<` that could open a tag, comment or autolink is escaped, so claims such as
 * "RPO <= 1 h" stay readable in the file.
 */
export function escapeMarkdown(text: string): string {
  // Underscores inside words (rate_plan) do not emphasize in GitHub Markdown, so they stay readable.
  return text
    .replace(/\r?\n/g, ' ')
    .replace(/&(?=#?[A-Za-z0-9]+;)/g, '&amp;')
    .replace(/<(?=[A-Za-z/!?])/g, '&lt;')
    .replace(/([\\`*[\]|])/g, '\\$1');
}

/** An inline code span that survives any content (backticks, pipes in tables). */
function code(text: string): string {
  const clean = text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
  const fence = clean.includes('`') ? '``' : '`';
  const pad = clean.startsWith('`') || clean.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${clean}${pad}${fence}`;
}

/** GitHub's anchor of a `### <id>` heading. */
function anchor(id: string): string {
  return id
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .replace(/ /g, '-');
}

function more(total: number, shown: number, what: string): string {
  return total > shown ? ` and ${total - shown} more ${what} (see controls.json)` : '';
}

/** The matrix as Markdown table lines: header, alignment, one row per control. */
export function markdownMatrix(report: ControlsReport): string[] {
  const header = `| Control | ${report.columns.map(columnLabel).join(' | ')} |`;
  const align = `|---|${report.columns.map(() => ':-:|').join('')}`;
  const rows = report.controls.map(
    (c) =>
      `| [${c.id}](#${anchor(c.id)}) | ${report.columns
        .map((col) => {
          const cell = cellOf(report, c.id, col);
          return cell ? STATUS_MARK[cell.status] : '';
        })
        .join(' | ')} |`,
  );
  return [header, align, ...rows];
}

function markdownCell(cell: ReportCell): string[] {
  const head = `- **${columnLabel(cell)}** ${STATUS_MARK[cell.status]}`;
  const evidence =
    cell.evidence.length > 0
      ? `${count(cell.evidence.length, 'resource')} carry it: ` +
        `${cell.evidence.slice(0, EVIDENCE_SHOWN).map(code).join(', ')}` +
        `${more(cell.evidence.length, EVIDENCE_SHOWN, 'resources')}`
      : cell.status === 'not-applicable' && !cell.reason
        ? `nothing it concerns in ${list(cell.stacks.map(code))}`
        : escapeMarkdown(cellExplanation(cell));
  const lines = [`${head}${evidence ? `: ${evidence}` : ''}`];
  if (cell.exceptions?.length) {
    lines.push(`  - ${count(cell.exceptions.length, 'declared exception')} (not failing, declared by the code or its config):`);
    for (const e of cell.exceptions) lines.push(`    - ${code(located(e))}: ${escapeMarkdown(e.message)}`);
  }
  if (cell.findings.length > 0) {
    lines.push(`  - ${count(cell.findings.length, 'finding')}:`);
    for (const f of cell.findings.slice(0, FINDINGS_SHOWN))
      lines.push(`    - ${code(`${f.stack}/${f.resource}`)}: ${escapeMarkdown(f.message)}`);
    if (cell.findings.length > FINDINGS_SHOWN) lines.push(`    - …${more(cell.findings.length, FINDINGS_SHOWN, 'findings')}`);
  }
  return lines;
}

/** `reports/controls.md`: summary, matrix, failing cells, each control in detail, acknowledgements. */
export function renderMarkdown(report: ControlsReport): string {
  const out: string[] = [];
  out.push('# Controls report', '');
  out.push('<!-- Generated by `npm run report` from the synthesized stacks (lib/evidence/report.ts); do not edit. -->', '');
  const inputs = Object.entries(report.inputs ?? {});
  if (inputs.length > 0 || report.generatedAt) {
    const parts = inputs.map(([k, v]) => `${escapeMarkdown(k)} ${code(v)}`);
    if (report.generatedAt) parts.push(`generated ${escapeMarkdown(report.generatedAt)}`);
    out.push(`Input: ${parts.join(', ')}.`, '');
  }
  out.push(`**${escapeMarkdown(summaryText(report))}**`, '');

  out.push('## Matrix', '');
  out.push(...markdownMatrix(report), '');
  out.push(
    '✅ pass: checked on the synthesized output; every stack that holds what the control concerns meets it. ❌ fail: at least ' +
      "one finding. – n/a: the cloud's stacks hold nothing the control concerns. ⚙️ config: no check reads the output, but the " +
      'config loader rejects every config that would break the claim (the cell names the rule). ❔ unchecked: the control applies ' +
      'and nothing verifies it (the cell says why). Only pass and config count as meeting a claim; the result is PASS only when ' +
      'no cell fails or is unchecked.',
    '',
  );

  if (report.summary.failing.length > 0) {
    out.push('## Failing', '');
    for (const cell of report.matrix.filter((c) => c.status === 'fail')) {
      out.push(`### ${cell.control} in ${columnLabel(cell)}`, '');
      for (const f of cell.findings.slice(0, FINDINGS_SHOWN))
        out.push(`- ${code(`${f.stack}/${f.resource}`)}: ${escapeMarkdown(f.message)}`);
      if (cell.findings.length > FINDINGS_SHOWN) out.push(`- …${more(cell.findings.length, FINDINGS_SHOWN, 'findings')}`);
      out.push('');
    }
  }

  const comparison = report.statefulChanges;
  if (comparison) {
    out.push(`## Stateful resources replaced or removed against ${escapeMarkdown(comparison.base)}`, '');
    if (comparison.changes.length === 0)
      out.push('None: no database, bucket, key, vault or storage account of the base is replaced or removed.', '');
    for (const c of comparison.changes) {
      const { what, why } = statefulParts(c);
      const mark = c.acceptedBecause === undefined ? '❌ **not accepted**' : `✅ accepted: ${escapeMarkdown(c.acceptedBecause)}`;
      // The consequence is the security diff's own Markdown (bold, code spans), shown as the diff shows it.
      out.push(
        `- ${code(`${c.stack}/${c.resource}`)} (${escapeMarkdown(c.type)}` +
          `${c.constructPath ? `, ${code(c.constructPath)}` : ''}) ${escapeMarkdown(what)} — ${mark}${why ? `. ${why}` : ''}`,
      );
    }
    if (comparison.changes.some((c) => c.acceptedBecause === undefined)) {
      out.push(
        '',
        `A replaced or removed stateful resource loses its data or the keys to it; no control check sees that in one synth. ` +
          `Keep the construct id (or pin the logical id / add a \`moved\` block), or, when losing or re-creating the data is ` +
          `intended, accept the change in ${code(report.summary.statefulChanges!.acceptancesFile)} with the reason, in the same ` +
          `pull request.`,
      );
    }
    for (const a of comparison.unusedAcceptances)
      out.push(
        '',
        `- ⚠️ Accepted but not replaced or removed: ${code(`${a.stack}/${a.resource}`)}; remove it from ` +
          `${code(report.summary.statefulChanges!.acceptancesFile)} (already merged, or a typo).`,
      );
    out.push('');
  }

  out.push('## Controls', '');
  for (const c of report.controls) {
    out.push(`### ${c.id}`, '');
    out.push(escapeMarkdown(c.claim), '');
    out.push(`- Claims: ${c.sources.map(escapeMarkdown).join(', ')} (docs/claims.md)`);
    if (c.frameworks) {
      out.push(`- Frameworks (${escapeMarkdown(c.frameworks[0]?.source ?? '')}, lib/controls/frameworks.ts):`);
      for (const f of c.frameworks)
        out.push(`  - ${escapeMarkdown(f.label)}: ${f.ids.map((x) => `${escapeMarkdown(x.id)} ${escapeMarkdown(x.title)}`).join('; ')}`);
    }
    const tested = CLOUDS.filter((cloud) => c.tests[cloud]?.length);
    out.push(
      '- Checked on: ' +
        (c.checkedOn.length > 0
          ? c.checkedOn.map((cloud) => CLOUD_LABEL[cloud]).join(', ')
          : "no cloud's synthesized output (see the note)"),
    );
    if (tested.length === 0) out.push('- Proved by: no test listed');
    else {
      out.push('- Proved by:');
      for (const cloud of tested) out.push(`  - ${CLOUD_LABEL[cloud]}: ${c.tests[cloud]!.map(code).join(', ')}`);
    }
    if (c.note) out.push(`- Note: ${escapeMarkdown(c.note)}`);
    out.push('');
    for (const col of report.columns) {
      const cell = cellOf(report, c.id, col);
      if (cell) out.push(...markdownCell(cell));
    }
    out.push('');
  }

  out.push('## Acknowledged policy findings', '');
  const acks = report.acknowledgements;
  if (!acks.audited) {
    out.push(
      'None listed: the AWS cloud assembly has no validation report (it was synthesized without the policy gates; `npm run ' +
        'synth` writes one).',
      '',
    );
  } else {
    out.push(`${count(acks.findings, 'finding')} under ${count(acks.decisions.length, 'decision')}. ${ACK_INTRO}`, '');
    out.push('| Decision | Claim | Rules | Resources | Findings | Reason |', '|---|---|--:|--:|--:|---|');
    for (const d of acks.decisions) {
      const counts =
        d.findings === 0 && d.verifiedBy
          ? `– | ${d.placements.length} placement${d.placements.length === 1 ? '' : 's'} | – (a construct warning, proved by ` +
            `${escapeMarkdown(d.verifiedBy.split(' ')[0])})`
          : `${d.rules.length} | ${d.findingResources.length} | ${d.findings}`;
      out.push(
        `| \`${d.id}\`${d.appliedBy === 'aws-cdk-lib' ? ' (by aws-cdk-lib)' : ''} | ${escapeMarkdown(claimText(d))} | ` +
          `${counts} | ${escapeMarkdown(d.reason)} |`,
      );
    }
    out.push('');
    if (acks.notApplied.length > 0) out.push(`Not applied in this synth (conditional): ${acks.notApplied.map(code).join(', ')}.`, '');
  }
  if (acks.problems.length > 0) {
    out.push(`### ❌ ${count(acks.problems.length, 'acknowledgement problem')}`, '');
    for (const p of acks.problems) out.push(`- ${p.kind}: ${escapeMarkdown(p.message)}`);
    out.push('');
  }
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

// ---------------------------------------------------------------------------------------------
// JSON

/** `reports/controls.json`: the report model, two-space indented, with a trailing newline. */
export function renderJson(report: ControlsReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

// ---------------------------------------------------------------------------------------------
// HTML

/** Text safe as HTML element content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

// A backslash at the end of a line continues that line: the value has no line break there (source lines stay under 140 columns).
const CSS = `
:root { --pass: #1a7f37; --fail: #cf222e; --na: #6e7781; --nc: #9a6700; --line: #d0d7de; --bg-fail: #ffebe9; --bg-pass: #dafbe1; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; max-width: 1400px; padding: 1rem 1.5rem 4rem; \
color: #1f2328; }
h1 { margin: .2rem 0 .5rem; } h2 { border-bottom: 1px solid var(--line); padding-bottom: .2rem; margin-top: 2.2rem; }
code { font: 12px/1.3 ui-monospace, SFMono-Regular, Menlo, monospace; background: #f6f8fa; padding: 0 .25em; border-radius: 3px; \
overflow-wrap: anywhere; }
[hidden] { display: none !important; }
.summary { padding: .6rem .8rem; border-radius: 6px; font-weight: 600; }
.summary.result-pass { background: var(--bg-pass); } .summary.result-fail { background: var(--bg-fail); } \
.summary.result-pass-with-unchecked { background: #fff8c5; }
nav a { margin-right: 1rem; }
#filters { display: flex; flex-wrap: wrap; gap: .8rem; align-items: end; margin: .8rem 0; }
#filters label { display: flex; flex-direction: column; font-size: 12px; color: #59636e; }
#filters select, #filters input { font: inherit; padding: .2rem .3rem; }
table { border-collapse: collapse; }
#matrix th, #matrix td { border: 1px solid var(--line); padding: .25rem .5rem; }
#matrix thead th { background: #f6f8fa; position: sticky; top: 0; font-size: 12px; }
#matrix tbody th { text-align: left; font-weight: normal; max-width: 28rem; }
#matrix tbody th .claim { color: #59636e; font-size: 12px; }
#matrix td { text-align: center; white-space: nowrap; }
td.status-pass { color: var(--pass); } td.status-fail { color: var(--fail); background: var(--bg-fail); font-weight: 600; }
td.status-not-applicable { color: var(--na); } td.status-config-enforced { color: var(--pass); font-size: 12px; } td.status-unchecked { \
color: var(--nc); background: #fff8c5; font-size: 12px; }
td.dim { opacity: .3; }
.topology svg { max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
article.control { border: 1px solid var(--line); border-radius: 6px; padding: .2rem 1rem .8rem; margin: 1rem 0; }
article.control.has-fail { border-color: var(--fail); }
article.control h3 { margin-bottom: .2rem; }
.cells { list-style: none; padding: 0; }
.cells > li { margin: .4rem 0; }
.badge { display: inline-block; min-width: 6.5rem; font-weight: 600; }
.badge.status-pass { color: var(--pass); } .badge.status-fail { color: var(--fail); } .badge.status-not-applicable { color: var(--na); } \
.badge.status-config-enforced { color: var(--pass); } .badge.status-unchecked { color: var(--nc); }
.findings li { color: var(--fail); } .exceptions li { color: var(--nc); }
.muted { color: #59636e; }
details > summary { cursor: pointer; }
table.acks td, table.acks th { border: 1px solid var(--line); padding: .2rem .4rem; text-align: left; vertical-align: top; font-size: \
12px; }
`;

// The filters run on the DOM the page already holds (data attributes), so no report data is
// embedded in the script and nothing inserted into the page can break out of it. Filters are read
// from and written to the URL hash (#status=fail&environment=prod&cloud=azure&q=text) so a link,
// or a headless browser in a test, opens the page pre-filtered.
// A backslash at the end of a line continues that line: the value has no line break there (source lines stay under 140 columns).
const SCRIPT = `
(function () {
  'use strict';
  var form = document.getElementById('filters');
  var names = ['status', 'environment', 'cloud', 'q'];
  var aliases = { env: 'environment', text: 'q' };
  function values() {
    var v = {};
    names.forEach(function (n) { v[n] = form.elements[n].value; });
    return v;
  }
  function fromHash() {
    var hash = location.hash.replace(/^#/, '');
    if (hash.indexOf('=') < 0) return;
    var params = new URLSearchParams(hash);
    params.forEach(function (value, key) {
      var name = aliases[key] || key;
      if (names.indexOf(name) < 0) return;
      var field = form.elements[name];
      if (field.tagName === 'SELECT' && !Array.prototype.some.call(field.options, function (o) { return o.value === value; })) return;
      field.value = value;
    });
  }
  function toHash(v) {
    var params = new URLSearchParams();
    names.forEach(function (n) { if (v[n]) params.set(n, v[n]); });
    var hash = params.toString();
    if ((location.hash.replace(/^#/, '') || '') === hash) return;
    try { history.replaceState(null, '', hash ? '#' + hash : location.pathname + location.search); } catch (e) { /* file: URLs in some \
browsers */ }
  }
  function apply() {
    var v = values();
    var q = v.q.trim().toLowerCase();
    var inScope = function (el) {
      return (!v.environment || el.getAttribute('data-environment') === v.environment) && (!v.cloud || el.getAttribute('data-cloud') === \
v.cloud);
    };
    document.querySelectorAll('#matrix thead th[data-environment]').forEach(function (th) { th.hidden = !inScope(th); });
    var shown = {};
    var rows = document.querySelectorAll('#matrix tbody tr[data-control]');
    var count = 0;
    rows.forEach(function (row) {
      var match = false;
      row.querySelectorAll('td[data-status]').forEach(function (td) {
        td.hidden = !inScope(td);
        var hit = !td.hidden && (!v.status || td.getAttribute('data-status') === v.status);
        td.classList.toggle('dim', !td.hidden && !hit);
        if (hit) match = true;
      });
      if (q && (row.getAttribute('data-search') || '').indexOf(q) < 0) match = false;
      row.hidden = !match;
      if (match) { shown[row.getAttribute('data-control')] = true; count++; }
    });
    document.querySelectorAll('article.control[data-control]').forEach(function (article) {
      article.hidden = !shown[article.getAttribute('data-control')];
      article.querySelectorAll('li[data-status]').forEach(function (li) {
        li.hidden = !inScope(li) || (v.status !== '' && li.getAttribute('data-status') !== v.status);
      });
    });
    var status = document.getElementById('filter-status');
    status.textContent = 'Showing ' + count + ' of ' + rows.length + ' controls' + (count === 0 ? ': no control matches these filters.' : \
'.');
    status.setAttribute('data-shown', String(count));
    toHash(v);
  }
  fromHash();
  form.addEventListener('input', apply);
  form.addEventListener('change', apply);
  form.addEventListener('reset', function () { setTimeout(apply, 0); });
  window.addEventListener('hashchange', function () { fromHash(); apply(); });
  document.documentElement.setAttribute('data-filters', 'ready');
  apply();
})();
`;

function htmlCellItem(cell: ReportCell): string {
  const parts: string[] = [];
  parts.push(
    `<span class="badge status-${cell.status}">${escapeHtml(HTML_STATUS_MARK[cell.status])}</span> ` +
      `<strong>${escapeHtml(columnLabel(cell))}</strong>`,
  );
  if (cell.evidence.length > 0) {
    const shown = cell.evidence
      .slice(0, EVIDENCE_SHOWN)
      .map((e) => `<code>${escapeHtml(e)}</code>`)
      .join(', ');
    const rest = cell.evidence.slice(EVIDENCE_SHOWN);
    parts.push(` <span class="muted">${escapeHtml(count(cell.evidence.length, 'resource'))} carry it:</span> ${shown}`);
    if (rest.length > 0)
      parts.push(
        ` <details><summary>and ${rest.length} more</summary>${rest.map((e) => `<code>${escapeHtml(e)}</code>`).join(', ')}</details>`,
      );
  } else if (cell.status !== 'pass' && cell.status !== 'fail') {
    parts.push(` <span class="muted">${escapeHtml(cellExplanation(cell))}</span>`);
  }
  if (cell.exceptions?.length) {
    const items = cell.exceptions.map((e) => `<li><code>${escapeHtml(located(e))}</code>: ${escapeHtml(e.message)}</li>`);
    parts.push(
      ` <span class="muted">${escapeHtml(count(cell.exceptions.length, 'declared exception'))} (not failing, declared by the ` +
        `code or its config):</span><ul class="exceptions">${items.join('')}</ul>`,
    );
  }
  if (cell.findings.length > 0) {
    const items = cell.findings
      .slice(0, FINDINGS_SHOWN)
      .map((f) => `<li><code>${escapeHtml(`${f.stack}/${f.resource}`)}</code>: ${escapeHtml(f.message)}</li>`);
    if (cell.findings.length > FINDINGS_SHOWN)
      items.push(`<li>…${escapeHtml(more(cell.findings.length, FINDINGS_SHOWN, 'findings'))}</li>`);
    parts.push(`<ul class="findings">${items.join('')}</ul>`);
  }
  return (
    `<li data-environment="${escapeHtml(cell.environment)}" data-cloud="${cell.cloud}" ` +
    `data-status="${cell.status}">${parts.join('')}</li>`
  );
}

function searchText(report: ControlsReport, c: ReportControl): string {
  const cells = report.matrix.filter((m) => m.control === c.id);
  return [
    c.id,
    c.claim,
    ...c.sources,
    c.note ?? '',
    ...cells.flatMap((m) => [...m.evidence, ...m.findings.map((f) => `${f.stack}/${f.resource} ${f.message}`)]),
  ]
    .join(' ')
    .toLowerCase();
}

/** `reports/controls.html`: one self-contained page (inline CSS, JS and SVG; nothing fetched). */
export function renderHtml(report: ControlsReport): string {
  const s = report.summary;
  const h: string[] = [];
  h.push(
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
  );
  h.push(`<title>Controls report: ${escapeHtml(s.result.toUpperCase())}</title>`, `<style>${CSS}</style>`, '</head>', '<body>');
  h.push('<header>', '<h1>Controls report</h1>');
  const inputs = Object.entries(report.inputs ?? {});
  if (inputs.length > 0 || report.generatedAt) {
    const parts = inputs.map(([k, v]) => `${escapeHtml(k)} <code>${escapeHtml(v)}</code>`);
    if (report.generatedAt) parts.push(`generated ${escapeHtml(report.generatedAt)}`);
    h.push(`<p class="muted">Input: ${parts.join(', ')}.</p>`);
  }
  h.push(`<p id="summary" class="summary result-${s.result}" data-result="${s.result}">${escapeHtml(summaryText(report))}</p>`);
  h.push(
    `<nav><a href="#matrix-section">Matrix</a>${report.statefulChanges ? '<a href="#stateful">Stateful changes</a>' : ''}<a ` +
      `href="#topology">Topology</a><a href="#controls">Controls</a><a href="#acknowledgements">Acknowledged policy ` +
      `findings</a></nav>`,
    '</header>',
  );

  // Matrix with filters.
  h.push('<section id="matrix-section">', '<h2>Matrix</h2>');
  const option = (value: string, label: string) => `<option value="${escapeHtml(value)}">${escapeHtml(label)}</option>`;
  h.push('<form id="filters" onsubmit="return false">');
  h.push(
    `<label>Status<select name="status">${option('', 'any')}` +
      `${STATUSES.map((st) => option(st, `${HTML_STATUS_MARK[st]} (${s.cells[st]})`)).join('')}</select></label>`,
  );
  h.push(
    `<label>Environment<select name="environment">${option('', 'any')}${s.environments.map((e) => option(e, e)).join('')}</select></label>`,
  );
  h.push(
    `<label>Cloud<select name="cloud">${option('', 'any')}${s.clouds.map((c) => option(c, CLOUD_LABEL[c])).join('')}</select></label>`,
  );
  h.push('<label>Text<input type="search" name="q" placeholder="control, resource, finding"></label>');
  h.push('<button type="reset">Clear</button>', '</form>');
  h.push(`<p id="filter-status" aria-live="polite">Showing ${report.controls.length} of ${report.controls.length} controls.</p>`);
  h.push('<noscript><p>The filters need JavaScript; every control is shown.</p></noscript>');
  h.push('<table id="matrix">', '<thead><tr><th>Control</th>');
  for (const col of report.columns)
    h.push(
      `<th data-environment="${escapeHtml(col.environment)}" ` +
        `data-cloud="${col.cloud}">${escapeHtml(col.environment)}<br>${escapeHtml(CLOUD_LABEL[col.cloud])}</th>`,
    );
  h.push('</tr></thead>', '<tbody>');
  for (const c of report.controls) {
    const tds = report.columns.map((col) => {
      const cell = cellOf(report, c.id, col);
      if (!cell) return `<td data-environment="${escapeHtml(col.environment)}" data-cloud="${col.cloud}"></td>`;
      const title = cell.findings.length > 0 ? count(cell.findings.length, 'finding') : count(cell.evidence.length, 'resource');
      return (
        `<td data-environment="${escapeHtml(col.environment)}" data-cloud="${col.cloud}" data-status="${cell.status}" ` +
        `class="status-${cell.status}" title="${escapeHtml(`${c.id} ${columnLabel(col)}: ${title}`)}">` +
        `${escapeHtml(HTML_STATUS_MARK[cell.status])}</td>`
      );
    });
    h.push(
      `<tr data-control="${escapeHtml(c.id)}" data-search="${escapeHtml(searchText(report, c))}"><th><a ` +
        `href="#control-${escapeHtml(c.id)}">${escapeHtml(c.id)}</a><div ` +
        `class="claim">${escapeHtml(c.claim)}</div></th>${tds.join('')}</tr>`,
    );
  }
  h.push('</tbody>', '</table>', '</section>');

  const comparison = report.statefulChanges;
  if (comparison) {
    h.push('<section id="stateful">', `<h2>Stateful resources replaced or removed against ${escapeHtml(comparison.base)}</h2>`);
    if (comparison.changes.length === 0)
      h.push('<p>None: no database, bucket, key, vault or storage account of the base is replaced or removed.</p>');
    else {
      h.push(
        '<table class="acks"><thead><tr><th>Stack</th><th>Resource</th><th>Type</th><th>Change</th><th>Data</th><th>Accepted</' +
          'th></tr></thead><tbody>',
      );
      for (const c of comparison.changes) {
        const { what, why } = statefulParts(c);
        const accepted =
          c.acceptedBecause === undefined
            ? '<td class="status-fail" data-status="fail">✖ not accepted</td>'
            : `<td class="status-pass" data-status="pass">✔ ${escapeHtml(c.acceptedBecause)}</td>`;
        h.push(
          `<tr data-stack="${escapeHtml(c.stack)}"><td>${escapeHtml(c.stack)}</td><td><code>${escapeHtml(c.resource)}</code></` +
            `td><td>${escapeHtml(c.type)}</td><td>${escapeHtml(what)}</td><td>${escapeHtml(why.replace(/\*\*|`/g, ''))}</td>` +
            `${accepted}</tr>`,
        );
      }
      h.push('</tbody></table>');
    }
    for (const a of comparison.unusedAcceptances)
      h.push(
        `<p>⚠ Accepted but not replaced or removed: <code>${escapeHtml(`${a.stack}/${a.resource}`)}</code>; remove it from ` +
          `<code>${escapeHtml(report.summary.statefulChanges!.acceptancesFile)}</code>.</p>`,
      );
    h.push('</section>');
  }

  // Topology.
  h.push('<section id="topology" class="topology">', '<h2>Topology</h2>');
  h.push(
    '<p class="muted">Per environment, from the synthesized stacks: the Cloudflare edge in front of each cloud\'s primary and ' +
      'DR regions. A red stack fails at least one control (listed); an environment-wide failure is marked on the cloud.</p>',
  );
  h.push(renderTopologySvg(report, { escape: escapeHtml, cloudLabel: CLOUD_LABEL }));
  h.push('</section>');

  // Controls in detail.
  h.push('<section id="controls">', '<h2>Controls</h2>');
  for (const c of report.controls) {
    const cells = report.columns.map((col) => cellOf(report, c.id, col)).filter((x): x is ReportCell => x !== undefined);
    const failing = cells.some((x) => x.status === 'fail');
    h.push(`<article id="control-${escapeHtml(c.id)}" class="control${failing ? ' has-fail' : ''}" data-control="${escapeHtml(c.id)}">`);
    h.push(`<h3>${escapeHtml(c.id)}</h3>`, `<p>${escapeHtml(c.claim)}</p>`);
    h.push('<dl>');
    h.push(`<dt>Claims</dt><dd>${escapeHtml(c.sources.join(', '))} (docs/claims.md)</dd>`);
    if (c.frameworks) {
      h.push(
        `<dt>Frameworks</dt><dd><ul class="frameworks">` +
          c.frameworks
            .map(
              (f) =>
                `<li data-framework="${escapeHtml(f.framework)}">${escapeHtml(f.label)}: ` +
                f.ids.map((x) => `<abbr title="${escapeHtml(x.title)}">${escapeHtml(x.id)}</abbr>`).join(', ') +
                '</li>',
            )
            .join('') +
          `</ul><span class="muted">${escapeHtml(c.frameworks[0]?.source ?? '')} (lib/controls/frameworks.ts): which ` +
          `framework controls it supports, not that an auditor finds them met.</span></dd>`,
      );
    }
    h.push(
      `<dt>Checked on</dt><dd>` +
        escapeHtml(
          c.checkedOn.length > 0
            ? c.checkedOn.map((cloud) => CLOUD_LABEL[cloud]).join(', ')
            : "no cloud's synthesized output (see the note)",
        ) +
        '</dd>',
    );
    const tested = CLOUDS.filter((cloud) => c.tests[cloud]?.length);
    h.push(
      `<dt>Proved by</dt><dd>` +
        (tested.length === 0
          ? 'no test listed'
          : '<ul>' +
            tested
              .map(
                (cloud) =>
                  `<li>${escapeHtml(CLOUD_LABEL[cloud])}: ` +
                  c.tests[cloud]!.map((t) => `<code>${escapeHtml(t)}</code>`).join(', ') +
                  '</li>',
              )
              .join('') +
            '</ul>') +
        '</dd>',
    );
    if (c.note) h.push(`<dt>Note</dt><dd>${escapeHtml(c.note)}</dd>`);
    h.push('</dl>');
    h.push(`<ul class="cells">${cells.map((cell) => htmlCellItem(cell)).join('')}</ul>`, '</article>');
  }
  h.push('</section>');

  // Acknowledgements.
  h.push('<section id="acknowledgements">', '<h2>Acknowledged policy findings</h2>');
  const acks = report.acknowledgements;
  if (!acks.audited) {
    h.push(
      '<p>None listed: the AWS cloud assembly has no validation report (it was synthesized without the policy gates; ' +
        '<code>npm run synth</code> writes one).</p>',
    );
  } else {
    h.push(`<p>${escapeHtml(`${count(acks.findings, 'finding')} under ${count(acks.decisions.length, 'decision')}. ${ACK_INTRO}`)}</p>`);
    h.push(
      '<table class="acks"><thead><tr><th>Decision</th><th>Claim</th><th>Rules</th><th>Resources</th><th>Findings</th><th>Reas' +
        'on</th></tr></thead><tbody>',
    );
    for (const d of acks.decisions) {
      const resources =
        `<details><summary>${d.findingResources.length}</summary>` +
        `${d.findingResources.map((r) => `<code>${escapeHtml(r)}</code>`).join('<br>')}</details>`;
      h.push(
        `<tr data-decision="${escapeHtml(d.id)}"><td><code>${escapeHtml(d.id)}</code>` +
          `${d.appliedBy === 'aws-cdk-lib' ? ' (by aws-cdk-lib)' : ''}</td><td>${escapeHtml(claimText(d))}</td><td ` +
          `title="${escapeHtml(d.rules.join(' '))}">${d.rules.length}</td><td>${resources}</td><td>${d.findings}</td><td>` +
          `${escapeHtml(d.reason)}</td></tr>`,
      );
    }
    h.push('</tbody></table>');
    if (acks.notApplied.length > 0)
      h.push(
        `<p class="muted">Not applied in this synth (conditional): ` +
          `${acks.notApplied.map((id) => `<code>${escapeHtml(id)}</code>`).join(', ')}.</p>`,
      );
  }
  if (acks.problems.length > 0)
    h.push(`<ul class="findings">${acks.problems.map((p) => `<li>${escapeHtml(`${p.kind}: ${p.message}`)}</li>`).join('')}</ul>`);
  h.push('</section>');
  h.push(`<script>${SCRIPT}</script>`, '</body>', '</html>');
  return `${h.join('\n')}\n`;
}

/** The three renderings of one report, by file name. */
export function renderReportFiles(report: ControlsReport): Record<'controls.md' | 'controls.json' | 'controls.html', string> {
  return { 'controls.md': renderMarkdown(report), 'controls.json': renderJson(report), 'controls.html': renderHtml(report) };
}
