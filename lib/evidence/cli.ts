// `baseline-check`: the control checks as a policy gate over any project's synthesized output
// (cdk.out, cdktf.out), so a platform team with its own CDK / CDK for Terraform code can assert the
// baseline in CI. Pure apart from reading the given directories and config file: it writes to the
// streams it is handed and returns the exit code, so tests call it without spawning a process.
import { readFileSync, statSync } from 'node:fs';
import pkg from '../../package.json';
import { ConfigError, loadConfig } from '../config/load';
import type { BaselineConfig } from '../config/schema';
import { CONTROLS } from '../controls/catalogue';
import type { Cloud, ControlId } from '../controls/types';
import { CLOUDS, evaluate, type CellStatus, type Evaluation, type MatrixCell } from './evaluate';
import { writeFileAtomic } from './atomic-write';
import { buildSarif } from './sarif';
import { readSynthOutput, SynthOutputError, type SynthesizedStack } from './synth-output';

/** Where the CLI writes: `process`, or a capturing stub in tests. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

/** Exit codes, stable for CI scripts. */
export const EXIT = {
  /** Every checked control passes (under `--strict`: every checkable control is proven). */
  PASS: 0,
  /** At least one control fails. */
  FAIL: 1,
  /** Usage or input error: no directory, unreadable or unsynthesized directory, invalid config. */
  USAGE: 2,
} as const;

export const USAGE = 'usage: baseline-check [--json | --format text|json|sarif] [--output FILE] [--config FILE] [--strict] <cdk.out|cdktf.out>...';

const HELP = `${USAGE}

Runs the security baseline's control checks over synthesized output: CloudFormation templates of a
CDK cloud assembly (cdk.out) and Terraform JSON of CDK for Terraform (cdktf.out, azurerm and
cloudflare stacks). Stacks named <env>-<cloud>[-<role>] (role: primary, dr, dr-database, edge) are
grouped by environment; any other stack is its own environment.

Options:
  --config FILE  a baseline config (config/baseline.json format); validated, and its environments
                 set the check options (retention, backups, DR region, RPO, origin lock, account
                 services managed elsewhere). Without it the claim floors apply.
  --strict       also fail a control that has a check for a cloud an environment uses but is not
                 proven there: "not applicable" (no stack holds what the control concerns) or
                 "not checked" (its cross-stack check needs <env>-<cloud>-primary naming).
  --format F     text (default): a table per environment and a summary line;
                 json: one JSON document (version 1) and nothing else;
                 sarif: SARIF 2.1.0 for code scanning (one rule per control check, one result
                 per finding, at the synthesized file and resource).
  --json         the same as --format json.
  --output FILE  write the output to FILE instead of stdout (written whole or not at all).
  -h, --help     print this help.

Exit codes: 0 every checked control passes; 1 at least one control fails; 2 usage or input error.
`;

/** The output formats. */
export const FORMATS = ['text', 'json', 'sarif'] as const;
export type OutputFormat = (typeof FORMATS)[number];

/** The tool version SARIF reports (package.json). */
const VERSION: string = pkg.version;

/** A usage or input problem: one line naming the problem and the fix. */
class InputError extends Error {}

interface Args {
  readonly format: OutputFormat;
  readonly output?: string;
  readonly strict: boolean;
  readonly config?: string;
  readonly dirs: readonly string[];
  readonly help: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  let format: OutputFormat | undefined;
  let output: string | undefined;
  const setFormat = (value: string | undefined, given: string) => {
    if (!value || !(FORMATS as readonly string[]).includes(value)) throw new InputError(`${given} needs one of ${FORMATS.join(', ')}${value ? ` (received ${JSON.stringify(value)})` : ''}; e.g. --format sarif`);
    if (format !== undefined && format !== value) throw new InputError(`two output formats given (${format}, ${value}); pass one --format`);
    format = value as OutputFormat;
  };
  let strict = false;
  let help = false;
  let config: string | undefined;
  const dirs: string[] = [];
  let options = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!options || !arg.startsWith('-') || arg === '-') {
      dirs.push(arg);
    } else if (arg === '--') {
      options = false;
    } else if (arg === '--json') {
      setFormat('json', '--json');
    } else if (arg === '--format' || arg.startsWith('--format=')) {
      setFormat(arg === '--format' ? argv[++i] : arg.slice('--format='.length), '--format');
    } else if (arg === '--output' || arg.startsWith('--output=')) {
      const value = arg === '--output' ? argv[++i] : arg.slice('--output='.length);
      if (!value || value.startsWith('-')) throw new InputError('--output needs a file; e.g. --output reports/baseline.sarif');
      if (output !== undefined) throw new InputError(`--output given twice (${output}, ${value}); pass one file`);
      output = value;
    } else if (arg === '--strict') {
      strict = true;
    } else if (arg === '-h' || arg === '--help') {
      help = true;
    } else if (arg === '--config' || arg.startsWith('--config=')) {
      const value = arg === '--config' ? argv[++i] : arg.slice('--config='.length);
      if (!value) throw new InputError('--config needs a file; pass --config config/baseline.json (or drop --config to check against the claim floors)');
      if (config !== undefined) throw new InputError(`--config given twice (${config}, ${value}); pass one config file`);
      config = value;
    } else {
      throw new InputError(`unknown option ${arg}; run baseline-check --help for the options`);
    }
  }
  return { format: format ?? 'text', ...(output !== undefined ? { output } : {}), strict, config, dirs, help };
}

function readDir(dir: string): SynthesizedStack[] {
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new InputError(`${dir}: no such directory; run \`cdk synth\` / \`cdktf synth\` first, or pass the directory they wrote (cdk.out, cdktf.out)`);
  }
  if (!isDir) throw new InputError(`${dir}: not a directory; pass the output directory of \`cdk synth\` (cdk.out) or \`cdktf synth\` (cdktf.out)`);
  let stacks: SynthesizedStack[];
  try {
    stacks = readSynthOutput(dir);
  } catch (err) {
    if (err instanceof SynthOutputError) throw new InputError(`${err.message}; run the synth and pass the directory it wrote`);
    throw new InputError(`${dir}: cannot read the synthesized output (${(err as Error).message.split('\n')[0]}); re-run the synth that wrote it`);
  }
  if (stacks.length === 0) {
    throw new InputError(`${dir}: holds no stack this tool checks (CloudFormation, or Terraform JSON with azurerm or cloudflare resources); pass the output of a synth of such stacks`);
  }
  return stacks;
}

function readConfig(file: string): BaselineConfig {
  try {
    return loadConfig(file);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const n = err.problems.length;
    // The one multi-line error: every problem of the file at once, as the synth reports them.
    throw new InputError(
      `invalid config ${err.file} (${n} problem${n === 1 ? '' : 's'}); fix ${n === 1 ? 'it' : 'them'} (see config/baseline.schema.json) or drop --config:\n` +
        err.problems.map((p) => `  - ${p.path}: received ${p.received}: ${p.message}`).join('\n'),
    );
  }
}

/** Whether the catalogue has a check of `control` for `cloud` (per stack or across an environment's stacks). */
function hasCheck(control: ControlId, cloud: Cloud): boolean {
  const c = CONTROLS.find((x) => x.id === control)!;
  return Boolean(c.checks[cloud] || c.environmentChecks?.[cloud]);
}

/**
 * `--strict`: a cell whose control has a check for its cloud but that is not proven (not
 * applicable, or its environment check did not run) fails, with a finding saying why.
 */
function strictCell(cell: MatrixCell, configured: boolean): MatrixCell {
  if (cell.status === 'pass' || cell.status === 'fail' || !hasCheck(cell.control, cell.cloud)) return cell;
  // Without a config the check options are the claim floors: origin lock, for one, is off.
  const options = configured ? '' : ' (without --config for this environment, options such as origin lock are off)';
  const message =
    cell.status === 'not-applicable'
      ? `strict: not proven: the ${cell.cloud} stacks of ${cell.environment} hold nothing this control applies to${options}; add the resources that carry it, or drop --strict`
      : `strict: not checked: the ${cell.cloud} check of this control reads an environment's stacks together and needs a stack named ${cell.environment}-${cell.cloud}-primary; follow the <env>-<cloud>-<role> naming, or drop --strict`;
  return { ...cell, status: 'fail', findings: [{ control: cell.control, stack: `${cell.environment} (${cell.cloud} stacks)`, resource: '(template)', message }] };
}

type Counts = { pass: number; fail: number; notApplicable: number; notChecked: number };
const countKey: Record<CellStatus, keyof Counts> = { pass: 'pass', fail: 'fail', 'not-applicable': 'notApplicable', 'not-checked': 'notChecked' };

/** Each control once: fail when any cell fails, else pass when any passes, else not applicable when any is, else not checked. */
function controlCounts(matrix: readonly MatrixCell[]): Counts {
  const counts: Counts = { pass: 0, fail: 0, notApplicable: 0, notChecked: 0 };
  for (const control of CONTROLS) {
    const statuses = new Set(matrix.filter((c) => c.control === control.id).map((c) => c.status));
    const status: CellStatus = statuses.has('fail') ? 'fail' : statuses.has('pass') ? 'pass' : statuses.has('not-applicable') ? 'not-applicable' : 'not-checked';
    counts[countKey[status]]++;
  }
  return counts;
}

function cellCounts(matrix: readonly MatrixCell[]): Counts {
  const counts: Counts = { pass: 0, fail: 0, notApplicable: 0, notChecked: 0 };
  for (const c of matrix) counts[countKey[c.status]]++;
  return counts;
}

const LABEL: Record<CellStatus, string> = { pass: 'pass', fail: 'FAIL', 'not-applicable': 'n/a', 'not-checked': '-' };
const MAX_FINDING = 400;

/** The first finding of a control's row, on its own line under it; --json has them all. */
function firstFinding(cells: readonly MatrixCell[]): string | undefined {
  const findings = cells.flatMap((c) => c.findings.map((f) => ({ cloud: c.cloud, ...f })));
  if (findings.length === 0) return undefined;
  const f = findings[0];
  let text = `${f.cloud} ${f.stack}/${f.resource}: ${f.message}`;
  if (text.length > MAX_FINDING) text = `${text.slice(0, MAX_FINDING - 3)}...`;
  return findings.length > 1 ? `${text} (+${findings.length - 1} more, see --json)` : text;
}

function textReport(evaluation: Evaluation, matrix: readonly MatrixCell[], stacks: readonly SynthesizedStack[], strict: boolean): string {
  const lines: string[] = [];
  const controlWidth = Math.max(...CONTROLS.map((c) => c.id.length)) + 2;
  for (const environment of evaluation.environments) {
    const own = stacks.filter((s) => s.environment === environment);
    const clouds = CLOUDS.filter((cloud) => own.some((s) => s.cloud === cloud));
    const widths = clouds.map((cloud) => Math.max(cloud.length, 4) + 2);
    lines.push(`${environment}: ${own.length} stack${own.length === 1 ? '' : 's'} (${own.map((s) => s.name).join(', ')})`);
    lines.push(`  ${'control'.padEnd(controlWidth)}${clouds.map((cloud, i) => cloud.padEnd(widths[i])).join('')}`.trimEnd());
    for (const control of CONTROLS) {
      const cells = clouds.map((cloud) => matrix.find((c) => c.control === control.id && c.environment === environment && c.cloud === cloud)!);
      lines.push(`  ${control.id.padEnd(controlWidth)}${cells.map((c, i) => LABEL[c.status].padEnd(widths[i])).join('')}`.trimEnd());
      const finding = firstFinding(cells);
      if (finding) lines.push(`      ${finding}`);
    }
    lines.push('');
  }
  lines.push(
    strict
      ? 'pass: checked and compliant; FAIL: a finding, or (--strict) not proven; n/a: no stack holds what the control concerns; -: no check for this cloud'
      : 'pass: checked and compliant; FAIL: a finding; n/a: no stack holds what the control concerns; -: no check for this cloud',
  );
  return `${lines.join('\n')}\n`;
}

function summaryLine(counts: Counts, stacks: number, environments: number, strict: boolean): string {
  return (
    `baseline-check: ${counts.pass} controls pass, ${counts.fail} fail, ${counts.notApplicable} not applicable, ${counts.notChecked} not checked` +
    ` (${stacks} stack${stacks === 1 ? '' : 's'} in ${environments} environment${environments === 1 ? '' : 's'}${strict ? ', strict' : ''})`
  );
}

/**
 * Runs `baseline-check` with `argv` (the arguments after the program name) and returns the exit
 * code: 0 every checked control passes, 1 at least one fails, 2 usage or input error.
 */
export function runBaselineCheck(argv: readonly string[], io: CliIo): number {
  let args: Args;
  let stacks: SynthesizedStack[];
  let config: BaselineConfig | undefined;
  try {
    args = parseArgs(argv);
    if (args.help) {
      io.stdout.write(HELP);
      return EXIT.PASS;
    }
    if (args.dirs.length === 0) {
      throw new InputError('no output directory given; pass one or more cdk.out / cdktf.out directories (e.g. baseline-check cdk.out cdktf.out), or --help');
    }
    stacks = [];
    const from = new Map<string, string>();
    for (const dir of args.dirs) {
      for (const stack of readDir(dir)) {
        const seen = from.get(stack.name);
        if (seen !== undefined) throw new InputError(`stack ${stack.name} is in both ${seen} and ${dir}; pass each output directory once`);
        from.set(stack.name, dir);
        stacks.push(stack);
      }
    }
    stacks.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    config = args.config === undefined ? undefined : readConfig(args.config);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    io.stderr.write(`baseline-check: ${err.message}\n`);
    return EXIT.USAGE;
  }

  const notes: string[] = [];
  if (config) {
    const inOutput = new Set(stacks.map((s) => s.environment));
    for (const env of [...inOutput].sort()) {
      if (!config.environments[env]) notes.push(`environment ${env} is not in ${args.config}; its stacks are checked against the claim floors`);
    }
    for (const env of Object.keys(config.environments).sort()) {
      if (!inOutput.has(env)) notes.push(`environment ${env} of ${args.config} has no stack in the output; nothing of it was checked`);
    }
  }

  let evaluation: Evaluation;
  try {
    evaluation = evaluate(stacks, (env) => config?.environments[env]);
  } catch (err) {
    // A check that cannot read a template it was handed: an input the tool cannot judge.
    io.stderr.write(`baseline-check: a control check could not read the output (${(err as Error).message.split('\n')[0]}); check the directories hold unmodified synth output, and report the template if they do\n`);
    return EXIT.USAGE;
  }
  const matrix = args.strict ? evaluation.matrix.map((c) => strictCell(c, Boolean(config?.environments[c.environment]))) : evaluation.matrix;
  const failed = matrix.some((c) => c.status === 'fail');
  const counts = controlCounts(matrix);

  for (const note of notes) io.stderr.write(`baseline-check: note: ${note}\n`);
  let out: string;
  if (args.format === 'json') {
    const doc = {
      version: 1,
      failed,
      strict: args.strict,
      config: args.config ?? null,
      summary: {
        controls: counts,
        cells: cellCounts(matrix),
        stacks: stacks.length,
        environments: evaluation.environments,
      },
      matrix: matrix.map((c) => ({
        control: c.control,
        environment: c.environment,
        cloud: c.cloud,
        status: c.status,
        findings: c.findings.map((f) => ({ stack: f.stack, resource: f.resource, message: f.message })),
        evidence: c.evidence,
        stacks: c.stacks,
      })),
      stacks: stacks.map((s) => ({ name: s.name, cloud: s.cloud, environment: s.environment, role: s.role })),
      notes,
    };
    out = `${JSON.stringify(doc, null, 2)}\n`;
  } else if (args.format === 'sarif') {
    const texts = new Map<string, string | undefined>();
    const readText = (file: string) => {
      if (!texts.has(file)) {
        try {
          texts.set(file, readFileSync(file, 'utf8'));
        } catch {
          texts.set(file, undefined);
        }
      }
      return texts.get(file);
    };
    out = `${JSON.stringify(buildSarif({ matrix, stacks, readText, version: VERSION }), null, 2)}\n`;
  } else {
    out = `${textReport(evaluation, matrix, stacks, args.strict)}${summaryLine(counts, stacks.length, evaluation.environments.length, args.strict)}\n`;
  }
  if (args.output === undefined) {
    io.stdout.write(out);
  } else {
    try {
      writeFileAtomic(args.output, out);
    } catch (err) {
      io.stderr.write(`baseline-check: cannot write ${args.output} (${(err as Error).message.split('\n')[0]}); pass a writable --output path\n`);
      return EXIT.USAGE;
    }
    io.stdout.write(`${summaryLine(counts, stacks.length, evaluation.environments.length, args.strict)}; wrote ${args.output} (${args.format})\n`);
  }
  return failed ? EXIT.FAIL : EXIT.PASS;
}
