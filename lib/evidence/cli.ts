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
import { CLOUDS, evaluate, hasCheck as catalogueHasCheck, type CellStatus, type Evaluation, type MatrixCell } from './evaluate';
import { writeFileAtomic } from './atomic-write';
import { buildSarif } from './sarif';
import { readSynthOutput, SynthOutputError, type SynthesizedStack } from './synth-output';
import { parseAllowance, REQUIREMENTS, verdictOf, type Requirement, type UncheckedAllowance } from './verdict';

/** Where the CLI writes: `process`, or a capturing stub in tests. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

/** Exit codes, stable for CI scripts. */
export const EXIT = {
  /**
   * Nothing fails under the requirement: no failing cell (`--require checked`: and no unchecked
   * cell beyond the `--allow-unchecked` ones; `--strict`: every checkable control proven).
   */
  PASS: 0,
  /** A cell fails, or (`--require checked`) a cell is unchecked, or an allowance is stale. */
  FAIL: 1,
  /** Usage or input error: no directory, unreadable or unsynthesized directory, invalid config. */
  USAGE: 2,
} as const;

export const USAGE =
  'usage: baseline-check [--json | --format text|json|sarif] [--output FILE] [--config FILE] [--require passing|checked] ' +
  '[--allow-unchecked CONTROL:cloud]... [--strict] <cdk.out|cdktf.out>...';

const HELP = `${USAGE}

Runs the security baseline's control checks over synthesized output: CloudFormation templates of a
CDK cloud assembly (cdk.out) and Terraform JSON of CDK for Terraform (cdktf.out, azurerm and
cloudflare stacks). Stacks are grouped by environment by their stack marker (Metadata.baseline of
a template, //.baseline of Terraform JSON: environment, role, production, residency); a stack
without one is its own environment.

Each cell (control x environment x cloud) is pass, FAIL, n/a (nothing it concerns), config
(enforced by the config loader, not read from the output) or unchecked (it applies and nothing
verifies it). The headline is PASS only when no cell fails or is unchecked.

Options:
  --config FILE  a baseline config (config/baseline.json format); validated, and its environments
                 set the check options (retention, backups, DR region, RPO, origin lock, account
                 services managed elsewhere). Without it the claim floors apply.
  --require passing|checked
                 what the exit code demands: passing (the default) fails on a failing cell;
                 checked (for CI) also fails on an unchecked cell.
  --allow-unchecked CONTROL:cloud
                 under --require checked, accept the unchecked cells of CONTROL on cloud (e.g.
                 ADMIN-MFA:azure); repeatable; one that matches no unchecked cell fails the run.
  --strict       also fail a control that has a check for a cloud an environment uses but is not
                 proven there: n/a (no stack holds what the control concerns) or unchecked.
  --format F     text (default): a table per environment, a summary line and the headline;
                 json: one JSON document (version 2) and nothing else;
                 sarif: SARIF 2.1.0 for code scanning (one rule per control check, one result
                 per finding, at the synthesized file and resource).
  --json         the same as --format json.
  --output FILE  write the output to FILE instead of stdout (written whole or not at all).
  -h, --help     print this help.

Exit codes: 0 nothing fails under the requirement; 1 a cell fails (or, with --require checked, a
cell is unchecked without an allowance, or an allowance is stale); 2 usage or input error.
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
  readonly require: Requirement;
  readonly allowUnchecked: readonly UncheckedAllowance[];
  readonly config?: string;
  readonly dirs: readonly string[];
  readonly help: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  let format: OutputFormat | undefined;
  let output: string | undefined;
  const setFormat = (value: string | undefined, given: string) => {
    if (!value || !(FORMATS as readonly string[]).includes(value))
      throw new InputError(
        `${given} needs one of ${FORMATS.join(', ')}${value ? ` (received ${JSON.stringify(value)})` : ''}; e.g. --format sarif`,
      );
    if (format !== undefined && format !== value) throw new InputError(`two output formats given (${format}, ${value}); pass one --format`);
    format = value as OutputFormat;
  };
  let strict = false;
  let help = false;
  let require: Requirement | undefined;
  const allowUnchecked: UncheckedAllowance[] = [];
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
    } else if (arg === '--require' || arg.startsWith('--require=')) {
      const value = arg === '--require' ? argv[++i] : arg.slice('--require='.length);
      if (!REQUIREMENTS.includes(value as Requirement))
        throw new InputError(
          `--require needs one of ${REQUIREMENTS.join(', ')} (received ${JSON.stringify(value ?? '')}); pass --require checked in CI`,
        );
      if (require !== undefined && require !== value) throw new InputError(`--require given twice (${require}, ${value}); pass one`);
      require = value as Requirement;
    } else if (arg === '--allow-unchecked' || arg.startsWith('--allow-unchecked=')) {
      const value = arg === '--allow-unchecked' ? argv[++i] : arg.slice('--allow-unchecked='.length);
      try {
        allowUnchecked.push(
          parseAllowance(
            value ?? '',
            CONTROLS.map((c) => c.id),
          ),
        );
      } catch (err) {
        throw new InputError((err as Error).message);
      }
    } else if (arg === '--config' || arg.startsWith('--config=')) {
      const value = arg === '--config' ? argv[++i] : arg.slice('--config='.length);
      if (!value)
        throw new InputError(
          '--config needs a file; pass --config config/baseline.json (or drop --config to check against the claim floors)',
        );
      if (config !== undefined) throw new InputError(`--config given twice (${config}, ${value}); pass one config file`);
      config = value;
    } else {
      throw new InputError(`unknown option ${arg}; run baseline-check --help for the options`);
    }
  }
  if (allowUnchecked.length > 0 && require !== 'checked')
    throw new InputError('--allow-unchecked applies under --require checked; add --require checked or drop it');
  return {
    format: format ?? 'text',
    ...(output !== undefined ? { output } : {}),
    strict,
    require: require ?? 'passing',
    allowUnchecked,
    config,
    dirs,
    help,
  };
}

function readDir(dir: string): SynthesizedStack[] {
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new InputError(
      `${dir}: no such directory; run \`cdk synth\` / \`cdktf synth\` first, or pass the directory they wrote (cdk.out, cdktf.out)`,
    );
  }
  if (!isDir)
    throw new InputError(`${dir}: not a directory; pass the output directory of \`cdk synth\` (cdk.out) or \`cdktf synth\` (cdktf.out)`);
  let stacks: SynthesizedStack[];
  try {
    stacks = readSynthOutput(dir);
  } catch (err) {
    if (err instanceof SynthOutputError) throw new InputError(`${err.message}; run the synth and pass the directory it wrote`);
    throw new InputError(
      `${dir}: cannot read the synthesized output (${(err as Error).message.split('\n')[0]}); re-run the synth that wrote it`,
    );
  }
  if (stacks.length === 0) {
    throw new InputError(
      `${dir}: holds no stack this tool checks (CloudFormation, or Terraform JSON with azurerm or cloudflare resources); pass ` +
        `the output of a synth of such stacks`,
    );
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
      `invalid config ${err.file} (${n} problem${n === 1 ? '' : 's'}); fix ${n === 1 ? 'it' : 'them'} (see ` +
        `config/baseline.schema.json) or drop --config:\n` +
        err.problems.map((p) => `  - ${p.path}: received ${p.received}: ${p.message}`).join('\n'),
    );
  }
}

/** Whether the catalogue has a check of `control` for `cloud` (per stack, across an environment's stacks, or of the deployment). */
function hasCheck(control: ControlId, cloud: Cloud): boolean {
  return catalogueHasCheck(CONTROLS.find((x) => x.id === control)!, cloud);
}

/**
 * `--strict`: a cell whose control has a check for its cloud but that is not proven (not
 * applicable, or unchecked) fails, with a finding saying why.
 */
function strictCell(cell: MatrixCell, configured: boolean): MatrixCell {
  if (cell.status === 'pass' || cell.status === 'fail' || cell.status === 'config-enforced' || !hasCheck(cell.control, cell.cloud))
    return cell;
  // Without a config the check options are the claim floors: origin lock, for one, is off.
  const options = configured ? '' : ' (without --config for this environment, options such as origin lock are off)';
  const message =
    cell.status === 'not-applicable'
      ? `strict: not proven: the ${cell.cloud} stacks of ${cell.environment} hold nothing this control applies to${options}; ` +
        `add the resources that carry it, or drop --strict`
      : `strict: not proven: ${cell.reason ?? 'the check could not judge'}; give the check what it needs (stack markers, ` +
        `--config), or drop --strict`;
  return {
    ...cell,
    status: 'fail',
    findings: [{ control: cell.control, stack: `${cell.environment} (${cell.cloud} stacks)`, resource: '(template)', message }],
  };
}

type Counts = { pass: number; fail: number; notApplicable: number; configEnforced: number; unchecked: number };
const countKey: Record<CellStatus, keyof Counts> = {
  pass: 'pass',
  fail: 'fail',
  'not-applicable': 'notApplicable',
  'config-enforced': 'configEnforced',
  unchecked: 'unchecked',
};
const emptyCounts = (): Counts => ({ pass: 0, fail: 0, notApplicable: 0, configEnforced: 0, unchecked: 0 });

/**
 * Each control once, by its worst cell: fail, then unchecked, then pass, then config-enforced,
 * then not applicable.
 */
function controlCounts(matrix: readonly MatrixCell[]): Counts {
  const counts = emptyCounts();
  const order: CellStatus[] = ['fail', 'unchecked', 'pass', 'config-enforced', 'not-applicable'];
  for (const control of CONTROLS) {
    const statuses = new Set(matrix.filter((c) => c.control === control.id).map((c) => c.status));
    const status = order.find((st) => statuses.has(st));
    if (status) counts[countKey[status]]++;
  }
  return counts;
}

function cellCounts(matrix: readonly MatrixCell[]): Counts {
  const counts = emptyCounts();
  for (const c of matrix) counts[countKey[c.status]]++;
  return counts;
}

const LABEL: Record<CellStatus, string> = {
  pass: 'pass',
  fail: 'FAIL',
  'not-applicable': 'n/a',
  'config-enforced': 'config',
  unchecked: 'unchecked',
};
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
    const widths = clouds.map((cloud) => Math.max(cloud.length, 9) + 2);
    lines.push(`${environment}: ${own.length} stack${own.length === 1 ? '' : 's'} (${own.map((s) => s.name).join(', ')})`);
    lines.push(`  ${'control'.padEnd(controlWidth)}${clouds.map((cloud, i) => cloud.padEnd(widths[i])).join('')}`.trimEnd());
    for (const control of CONTROLS) {
      const cells = clouds.map(
        (cloud) => matrix.find((c) => c.control === control.id && c.environment === environment && c.cloud === cloud)!,
      );
      lines.push(`  ${control.id.padEnd(controlWidth)}${cells.map((c, i) => LABEL[c.status].padEnd(widths[i])).join('')}`.trimEnd());
      const finding = firstFinding(cells);
      if (finding) lines.push(`      ${finding}`);
    }
    lines.push('');
  }
  lines.push(
    `pass: checked and compliant; FAIL: a finding${strict ? ', or (--strict) not proven' : ''}; n/a: no stack holds what the ` +
      `control concerns; config: enforced by the config loader, not read from the output; unchecked: applies, and nothing ` +
      `verifies it (--json says why)`,
  );
  return `${lines.join('\n')}\n`;
}

function summaryLine(counts: Counts, stacks: number, environments: number, strict: boolean): string {
  return (
    `baseline-check: ${counts.pass} controls pass, ${counts.fail} fail, ${counts.unchecked} unchecked, ` +
    `${counts.configEnforced} config-enforced, ${counts.notApplicable} not applicable` +
    ` (${stacks} stack${stacks === 1 ? '' : 's'} in ${environments} environment${environments === 1 ? '' : 's'}${strict ? ', strict' : ''})`
  );
}

/**
 * Runs `baseline-check` with `argv` (the arguments after the program name) and returns the exit
 * code: 0 nothing fails under the requirement, 1 something does, 2 usage or input error.
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
      throw new InputError(
        'no output directory given; pass one or more cdk.out / cdktf.out directories (e.g. baseline-check cdk.out cdktf.out), or --help',
      );
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
      if (!config.environments[env])
        notes.push(`environment ${env} is not in ${args.config}; its stacks are checked against the claim floors`);
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
    io.stderr.write(
      `baseline-check: a control check could not read the output (${(err as Error).message.split('\n')[0]}); check the ` +
        `directories hold unmodified synth output, and report the template if they do\n`,
    );
    return EXIT.USAGE;
  }
  const matrix = args.strict
    ? evaluation.matrix.map((c) => strictCell(c, Boolean(config?.environments[c.environment])))
    : evaluation.matrix;
  const verdict = verdictOf(matrix, { require: args.require, allowUnchecked: args.allowUnchecked });
  const failed = verdict.exitCode !== 0;
  const counts = controlCounts(matrix);

  for (const note of notes) io.stderr.write(`baseline-check: note: ${note}\n`);
  let out: string;
  if (args.format === 'json') {
    const doc = {
      version: 2,
      failed,
      headline: verdict.headline,
      require: args.require,
      allowUnchecked: args.allowUnchecked.map((a) => `${a.control}:${a.cloud}`),
      problems: verdict.problems,
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
        ...(c.reason !== undefined ? { reason: c.reason } : {}),
        ...(c.enforcedBy !== undefined ? { enforcedBy: c.enforcedBy } : {}),
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
    const problems = verdict.problems.map((problem) => `baseline-check: exit 1: ${problem}\n`).join('');
    out =
      `${textReport(evaluation, matrix, stacks, args.strict)}` +
      `${summaryLine(counts, stacks.length, evaluation.environments.length, args.strict)}\nbaseline-check: ` +
      `${verdict.headline}\n${problems}`;
  }
  if (args.output === undefined) {
    io.stdout.write(out);
  } else {
    try {
      writeFileAtomic(args.output, out);
    } catch (err) {
      io.stderr.write(
        `baseline-check: cannot write ${args.output} (${(err as Error).message.split('\n')[0]}); pass a writable --output path\n`,
      );
      return EXIT.USAGE;
    }
    io.stdout.write(
      `${summaryLine(counts, stacks.length, evaluation.environments.length, args.strict)}; wrote ${args.output} (${args.format})\n`,
    );
    io.stdout.write(`baseline-check: ${verdict.headline}\n`);
  }
  return failed ? EXIT.FAIL : EXIT.PASS;
}
