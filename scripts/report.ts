// The controls report (issue 6): `npm run report [-- --synth] [--cdk-out DIR] [--cdktf-out DIR] [--out DIR]
// [--base REF | --base-cdk-out DIR --base-cdktf-out DIR] [--accepted FILE]`.
// Reads the synthesized output of both apps (synthesizing a missing one first), evaluates every
// control with the options of the config (BASELINE_CONFIG or config/baseline.json), and writes
// reports/controls.md, controls.json and controls.html. With a base (a git ref synthesized in a
// temporary worktree, or its existing output), it also lists every stateful resource the head
// replaces or removes and fails on any not accepted in config/accepted-stateful-changes.json: a
// renamed database meets every control in one synth, so only the comparison catches it. The same
// output always gives the same bytes. Exit codes follow lib/evidence/verdict.ts: 0 when nothing
// fails under the requirement, 1 when a cell fails or a stateful change is not accepted (and, with
// --require checked, when a cell is unchecked without --allow-unchecked), 2 on usage or input errors.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ConfigError, loadConfig } from '../lib/config/load';
import type { BaselineConfig } from '../lib/config/schema';
import { assertFrameworkMappings, CONTROL_FRAMEWORKS, FrameworkMappingError } from '../lib/controls/frameworks';
import { auditAcknowledgements, readAssemblyAcknowledgements } from '../lib/evidence/acknowledgement-audit';
import { writeFilesAtomic } from '../lib/evidence/atomic-write';
import { buildAssessmentResults, buildComponentDefinition, OscalInputError } from '../lib/evidence/oscal';
import { evaluate } from '../lib/evidence/evaluate';
import { diffStacks } from '../lib/evidence/diff-report';
import { CONTROLS } from '../lib/controls/catalogue';
import { buildReport, renderReportFiles, stackTopology, summaryText, type StatefulComparison } from '../lib/evidence/report';
import { parseAllowance, REQUIREMENTS, type Requirement, type UncheckedAllowance } from '../lib/evidence/verdict';
import { applyAcceptances, parseAcceptances, statefulChanges, type Acceptance } from '../lib/evidence/stateful-changes';
import { readSynthOutput, SynthOutputError, type SynthesizedStack } from '../lib/evidence/synth-output';
import { git, resolveBaseRef, synthApp, UsageError as DiffUsageError, withWorktree } from './diff';
import { configFile as configFileOf } from '../stacks/config-file';

const ROOT = path.join(__dirname, '..');

/** A mistake in how the script was called or in its input; the message says how to fix it. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const USAGE = `usage: npm run report -- [--synth] [--cdk-out DIR] [--cdktf-out DIR] [--out DIR] [--format report|oscal]
                         [--base REF | --base-cdk-out DIR --base-cdktf-out DIR] [--accepted FILE]
                         [--require passing|checked] [--allow-unchecked CONTROL:cloud]...
  --synth               synthesize both apps first, even when their output directories exist
  --cdk-out DIR         the AWS cloud assembly (default: cdk.out; synthesized when missing)
  --cdktf-out DIR       the CDK for Terraform output (default: cdktf.out; synthesized when missing)
  --out DIR             where controls.md, controls.json and controls.html go (default: reports)
  --format oscal        write NIST OSCAL 1.1.2 instead: oscal-assessment-results.json and
                        oscal-component-definition.json; their timestamps are SOURCE_DATE_EPOCH
                        when set, else the HEAD commit's date (the same commit gives the same bytes)
  --base REF            also compare with git REF (e.g. origin/main; synthesized in a temporary
                        worktree) and fail on a stateful resource replaced or removed without acceptance
  --base-cdk-out DIR    compare with this existing base cloud assembly instead of synthesizing a ref
  --base-cdktf-out DIR  compare with this existing base CDK for Terraform output
  --accepted FILE       the reviewers' acceptances of stateful changes
                        (default: config/accepted-stateful-changes.json when it exists)
  --require REQ         passing (default): exit 1 when a cell fails; checked (CI): also exit 1
                        when a cell is unchecked (applies, and nothing verifies it)
  --allow-unchecked CONTROL:cloud
                        under --require checked, accept the unchecked cells of CONTROL on cloud
                        (e.g. ADMIN-MFA:azure); repeatable; a stale one (matching no unchecked
                        cell) fails the run
The config comes from BASELINE_CONFIG, else config/baseline.json.
The headline is PASS only when no cell fails or is unchecked ("PASS with 2 unchecked cells: ..."
otherwise). Exit codes: 0 nothing fails under the requirement; 1 a control fails in some
environment and cloud, a stateful resource is replaced or removed without acceptance, or (with
--require checked) a cell is unchecked without an allowance; 2 usage or input error.`;

/** The parsed command line. */
export interface ReportArgs {
  readonly synth: boolean;
  readonly cdkOut: string;
  readonly cdktfOut: string;
  readonly out: string;
  readonly help: boolean;
  /** `oscal`: the two OSCAL documents instead of controls.md, .json, .html. @default 'report' */
  readonly format?: 'report' | 'oscal';
  /** The git ref to compare with. */
  readonly base?: string;
  /** Existing base output to compare with (instead of a ref). */
  readonly baseCdkOut?: string;
  readonly baseCdktfOut?: string;
  /** The acceptances file; undefined: the default file, when it exists. */
  readonly accepted?: string;
  /** What the exit code demands (lib/evidence/verdict.ts). */
  readonly require: Requirement;
  /** Unchecked cells accepted under `require: 'checked'`. */
  readonly allowUnchecked: readonly UncheckedAllowance[];
}

/** Where reviewers accept stateful replacements and removals, relative to the repository root. */
export const DEFAULT_ACCEPTED_FILE = path.join('config', 'accepted-stateful-changes.json');

/** Parses the command line; throws UsageError naming the option and the fix. */
export function parseArgs(argv: readonly string[]): ReportArgs {
  let synth = false;
  let help = false;
  let format: 'report' | 'oscal' = 'report';
  let require: Requirement | undefined;
  const allowUnchecked: UncheckedAllowance[] = [];
  const dirs = { '--cdk-out': 'cdk.out', '--cdktf-out': 'cdktf.out', '--out': 'reports' };
  const optional: Record<'--base' | '--base-cdk-out' | '--base-cdktf-out' | '--accepted', string | undefined> = {
    '--base': undefined,
    '--base-cdk-out': undefined,
    '--base-cdktf-out': undefined,
    '--accepted': undefined,
  };
  const example: Record<keyof typeof optional, string> = {
    '--base': 'origin/main',
    '--base-cdk-out': 'base/cdk.out',
    '--base-cdktf-out': 'base/cdktf.out',
    '--accepted': DEFAULT_ACCEPTED_FILE,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--synth') synth = true;
    else if (a === '--help' || a === '-h') help = true;
    else if (a === '--format' || a.startsWith('--format=')) {
      const value = a === '--format' ? argv[++i] : a.slice('--format='.length);
      if (value !== 'report' && value !== 'oscal')
        throw new UsageError(
          `--format needs report or oscal${value ? ` (received ${JSON.stringify(value)})` : ''}, e.g. --format oscal\n${USAGE}`,
        );
      format = value;
    } else if (a === '--require') {
      const value = argv[++i];
      if (!REQUIREMENTS.includes(value as Requirement))
        throw new UsageError(
          `--require needs one of ${REQUIREMENTS.join(', ')} (received ${JSON.stringify(value ?? '')}), e.g. --require checked\n${USAGE}`,
        );
      require = value as Requirement;
    } else if (a === '--allow-unchecked') {
      try {
        allowUnchecked.push(
          parseAllowance(
            argv[++i] ?? '',
            CONTROLS.map((c) => c.id),
          ),
        );
      } catch (err) {
        throw new UsageError(`${(err as Error).message}\n${USAGE}`);
      }
    } else if (a in dirs) {
      const value = argv[++i];
      if (value === undefined || value === '' || value.startsWith('--'))
        throw new UsageError(`${a} needs a directory, e.g. ${a} ${dirs[a as keyof typeof dirs]}\n${USAGE}`);
      dirs[a as keyof typeof dirs] = value;
    } else if (a in optional) {
      const value = argv[++i];
      if (value === undefined || value === '' || value.startsWith('--'))
        throw new UsageError(`${a} needs a value, e.g. ${a} ${example[a as keyof typeof optional]}\n${USAGE}`);
      optional[a as keyof typeof optional] = value;
    } else throw new UsageError(`unknown ${a.startsWith('-') ? 'option' : 'argument'} ${JSON.stringify(a)}\n${USAGE}`);
  }
  const [base, baseCdkOut, baseCdktfOut, accepted] = [
    optional['--base'],
    optional['--base-cdk-out'],
    optional['--base-cdktf-out'],
    optional['--accepted'],
  ];
  if (base !== undefined && (baseCdkOut !== undefined || baseCdktfOut !== undefined)) {
    throw new UsageError(
      `--base ${base} synthesizes the base itself; drop --base-cdk-out/--base-cdktf-out, or drop --base to compare with ` +
        `existing output\n${USAGE}`,
    );
  }
  if (accepted !== undefined && base === undefined && baseCdkOut === undefined && baseCdktfOut === undefined) {
    throw new UsageError(
      `--accepted ${accepted} applies to a comparison with a base; add --base REF (or --base-cdk-out/--base-cdktf-out)\n${USAGE}`,
    );
  }
  if (allowUnchecked.length > 0 && require !== 'checked')
    throw new UsageError(`--allow-unchecked applies under --require checked; add --require checked or drop it\n${USAGE}`);
  return {
    synth,
    help,
    ...(format === 'oscal' ? { format } : {}),
    require: require ?? 'passing',
    allowUnchecked,
    cdkOut: dirs['--cdk-out'],
    cdktfOut: dirs['--cdktf-out'],
    out: dirs['--out'],
    ...(base !== undefined ? { base } : {}),
    ...(baseCdkOut !== undefined ? { baseCdkOut } : {}),
    ...(baseCdktfOut !== undefined ? { baseCdktfOut } : {}),
    ...(accepted !== undefined ? { accepted } : {}),
  };
}

/**
 * The time the OSCAL documents carry (the schema requires one): SOURCE_DATE_EPOCH (seconds since
 * 1970, the reproducible-builds convention) when set, else the committer date of HEAD. Never the
 * clock: two runs on the same commit must give the same bytes, and the evidence describes the
 * commit's synthesized output, not the moment the report ran.
 */
export function evidenceTimestamp(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch !== undefined && epoch !== '') {
    if (!/^\d{1,12}$/.test(epoch))
      throw new UsageError(
        `SOURCE_DATE_EPOCH=${JSON.stringify(epoch)} is not a number of seconds since 1970-01-01; set it to e.g. $(git log -1 ` +
          `--format=%ct) or unset it`,
      );
    return new Date(Number(epoch) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  const git = spawnSync('git', ['log', '-1', '--format=%cI', 'HEAD'], { cwd, encoding: 'utf8' });
  const date = git.status === 0 ? git.stdout.trim() : '';
  if (!date)
    throw new UsageError(
      "the OSCAL documents need a timestamp: run from a git clone (HEAD's commit date is used) or set SOURCE_DATE_EPOCH to " +
        'seconds since 1970',
    );
  return new Date(date).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The SHA-256 of a file, for recording which config a report was produced from. */
export function fileDigest(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** Runs a command in the repository root; resolves to its exit code (stderr passed through). */
function run(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/** Synthesizes the AWS app (as a developer does, with the CDK CLI) into `outdir`. */
async function synthAws(outdir: string, env: NodeJS.ProcessEnv): Promise<void> {
  const code = await run('npx', ['--no-install', 'cdk', 'synth', '--quiet', '--no-notices', '--output', outdir], {
    ...env,
    CHECKPOINT_DISABLE: '1',
  });
  if (code !== 0)
    throw new UsageError(
      `synthesizing the AWS app into ${outdir} failed (cdk synth exited ${code}); fix the error above, or pass --cdk-out with ` +
        `an existing cloud assembly`,
    );
}

/** Synthesizes the CDK for Terraform app (Azure and Cloudflare stacks) into `outdir`. */
async function synthTerraform(outdir: string, env: NodeJS.ProcessEnv): Promise<void> {
  const code = await run(process.execPath, ['-r', './scripts/register.js', 'stacks/tf-app.ts'], {
    ...env,
    CHECKPOINT_DISABLE: '1',
    CDKTF_OUTDIR: outdir,
  });
  if (code !== 0)
    throw new UsageError(
      `synthesizing the Terraform app into ${outdir} failed (exited ${code}); fix the error above, or pass --cdktf-out with ` +
        `an existing cdktf.out`,
    );
}

/**
 * The region of every stack of a cloud assembly, from its manifest (`aws://<account>/<region>`),
 * nested assemblies included; environment-agnostic stacks have none.
 */
export function awsRegions(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const manifest = path.join(dir, 'manifest.json');
  if (!existsSync(manifest)) return out;
  for (const [id, artifact] of Object.entries<any>(JSON.parse(readFileSync(manifest, 'utf8')).artifacts ?? {})) {
    if (artifact.type === 'aws:cloudformation:stack') {
      const region = /^aws:\/\/[^/]*\/(.+)$/.exec(String(artifact.environment ?? ''))?.[1];
      if (region && region !== 'unknown-region') out[id] = region;
    } else if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
      Object.assign(out, awsRegions(path.join(dir, artifact.properties.directoryName)));
    }
  }
  return out;
}

/** A path as the report shows it: relative to the working directory, with forward slashes. */
function shown(p: string): string {
  return (path.relative(process.cwd(), path.resolve(p)) || '.').split(path.sep).join('/');
}

/** The acceptances of `file` (explicit: must exist), else of the default file when it exists. */
export function loadAcceptances(file: string | undefined, root: string = ROOT): { acceptances: Acceptance[]; source?: string } {
  const target = file ?? path.join(root, DEFAULT_ACCEPTED_FILE);
  if (!existsSync(target)) {
    if (file === undefined) return { acceptances: [] };
    throw new UsageError(`--accepted ${file}: no such file; create it ({"accepted": []}) or drop the option`);
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(target, 'utf8'));
  } catch (err) {
    throw new UsageError(
      `${shown(target)} is not valid JSON (${err instanceof Error ? err.message : String(err)}); expected {"accepted": ` +
        `[{"stack": "...", "resource": "...", "reason": "..."}]}`,
    );
  }
  try {
    return { acceptances: parseAcceptances(json, shown(target)), source: shown(target) };
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

/**
 * The base side's stacks: the given existing output, or REF synthesized (both apps, with the CDK
 * CLI and the cdktf app, as npm run diff does) in a temporary worktree. Only the apps the base has
 * output for are compared, so `apps` says which.
 */
async function baseStacks(args: ReportArgs): Promise<{ label: string; stacks: SynthesizedStack[]; apps: Set<'aws' | 'terraform'> }> {
  if (args.base === undefined) {
    const stacks: SynthesizedStack[] = [];
    const apps = new Set<'aws' | 'terraform'>();
    for (const [dir, app] of [
      [args.baseCdkOut, 'aws'],
      [args.baseCdktfOut, 'terraform'],
    ] as const) {
      if (dir === undefined) continue;
      stacks.push(...readSynthOutput(dir));
      apps.add(app);
    }
    return {
      label: [args.baseCdkOut, args.baseCdktfOut]
        .filter((d): d is string => d !== undefined)
        .map(shown)
        .join(' and '),
      stacks,
      apps,
    };
  }
  const root = git(process.cwd(), ['rev-parse', '--show-toplevel']);
  if (!root)
    throw new UsageError(
      `--base ${args.base} needs a git repository: run the report from a clone, or pass --base-cdk-out/--base-cdktf-out`,
    );
  let ref: ReturnType<typeof resolveBaseRef>;
  try {
    ref = resolveBaseRef(root, args.base);
  } catch (err) {
    if (err instanceof DiffUsageError) throw new UsageError(`--base: ${err.message}`);
    throw err;
  }
  const out = mkdtempSync(path.join(tmpdir(), 'baseline-report-base-'));
  try {
    process.stderr.write(`report: synthesizing the base ${ref.sha.slice(0, 7)} in a temporary worktree...\n`);
    const stacks = await withWorktree(root, ref.sha, async (dir) => {
      const all: SynthesizedStack[] = [];
      // One app at a time: each AWS synth keeps both cores busy (see npm run diff --jobs).
      for (const app of ['aws', 'terraform'] as const) {
        const r = await synthApp(app, dir, path.join(out, app), 'base');
        if (r.problem) throw new UsageError(`cannot compare with --base ${args.base}: ${r.problem}`);
        if (r.caveat) process.stderr.write(`report: note: ${r.caveat}\n`);
        all.push(...(r.stacks ?? []));
      }
      return all;
    });
    // The diff's label is Markdown; the report escapes what it shows, so it takes plain text.
    return { label: ref.label.replace(/`/g, ''), stacks, apps: new Set(['aws', 'terraform']) };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function comparing(args: ReportArgs): boolean {
  return args.base !== undefined || args.baseCdkOut !== undefined || args.baseCdktfOut !== undefined;
}

/** The stateful comparison of the head with the base the arguments name, or undefined without one. */
export async function statefulComparison(
  args: ReportArgs,
  head: readonly SynthesizedStack[],
  acceptances: readonly Acceptance[],
  acceptancesFile?: string,
): Promise<StatefulComparison | undefined> {
  if (!comparing(args)) return undefined;
  const base = await baseStacks(args);
  const appOf = (s: SynthesizedStack) => (s.cloud === 'aws' ? 'aws' : 'terraform');
  const compared = head.filter((s) => base.apps.has(appOf(s)));
  const { changes, unused } = applyAcceptances(statefulChanges(diffStacks(base.stacks, compared)), acceptances);
  return { base: base.label, changes, unusedAcceptances: unused, ...(acceptancesFile ? { acceptancesFile } : {}) };
}

/** Where the report writes its messages and which environment it reads (BASELINE_CONFIG). */
export interface ReportIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly env: NodeJS.ProcessEnv;
}

const PROCESS_IO: ReportIo = { stdout: process.stdout, stderr: process.stderr, env: process.env };

async function main(argv: readonly string[], io: ReportIo): Promise<number> {
  const args = parseArgs(argv);
  if (args.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  // The framework mapping the report and the OSCAL documents cite: a typo is an input error.
  assertFrameworkMappings(
    CONTROL_FRAMEWORKS,
    CONTROLS.map((c) => c.id),
  );
  // The OSCAL documents' time, found before any synthesis: a bad SOURCE_DATE_EPOCH is an input error.
  const timestamp = args.format === 'oscal' ? evidenceTimestamp(io.env) : undefined;
  const configFile = configFileOf(io.env);
  // Validated before any synthesis: an invalid config is an input error, not a failing control.
  const config: BaselineConfig = loadConfig(configFile);
  // So is a bad acceptances file: found before minutes of synthesis.
  const { acceptances, source: acceptancesFile } = comparing(args)
    ? loadAcceptances(args.accepted)
    : { acceptances: [], source: undefined };
  const cdkOut = shown(args.cdkOut);
  const cdktfOut = shown(args.cdktfOut);
  const pending: Promise<void>[] = [];
  for (const [dir, synth, what] of [
    [cdkOut, synthAws, 'AWS app'],
    [cdktfOut, synthTerraform, 'Terraform app'],
  ] as const) {
    if (!args.synth && existsSync(dir)) continue;
    io.stderr.write(`report: synthesizing the ${what} into ${dir}${args.synth ? '' : ' (missing)'}...\n`);
    pending.push(synth(path.resolve(dir), io.env));
  }
  // Both apps at once: each is one single-threaded Node process.
  const settled = await Promise.allSettled(pending);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;

  const stacks: SynthesizedStack[] = [...readSynthOutput(cdkOut), ...readSynthOutput(cdktfOut)].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  if (stacks.length === 0) throw new UsageError(`no stacks in ${cdkOut} or ${cdktfOut}; synthesize them (npm run report -- --synth)`);
  const known = new Set(Object.keys(config.environments));
  const strangers = [...new Set(stacks.map((s) => s.environment).filter((e) => !known.has(e)))].sort();
  if (strangers.length > 0) {
    io.stderr.write(
      `report: warning: environment${strangers.length === 1 ? '' : 's'} ${strangers.join(', ')} of the synthesized output ` +
        `${strangers.length === 1 ? 'is' : 'are'} not in ${shown(configFile)}; the claim floors apply there (rerun with --synth ` +
        `if the output is stale)\n`,
    );
  }
  const evaluation = evaluate(stacks, (env) => config.environments[env]);
  if (timestamp !== undefined) {
    const head = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: process.cwd(), encoding: 'utf8' });
    const commit = head.status === 0 ? head.stdout.trim() : undefined;
    const version: string = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
    const inputs = {
      'AWS cloud assembly': cdkOut,
      'Terraform output': cdktfOut,
      config: shown(configFile),
      'config sha256': fileDigest(configFile),
    };
    const outDir = shown(args.out);
    const files = {
      [path.join(outDir, 'oscal-assessment-results.json')]:
        `${JSON.stringify(buildAssessmentResults({ evaluation, timestamp, version, inputs, ...(commit ? { commit } : {}) }), null, 2)}\n`,
      [path.join(outDir, 'oscal-component-definition.json')]:
        `${JSON.stringify(buildComponentDefinition({ timestamp, version }), null, 2)}\n`,
    };
    writeFilesAtomic(files);
    const failing = evaluation.matrix.filter((c) => c.status === 'fail').length;
    io.stdout.write(
      `OSCAL 1.1.2 documents as of ${timestamp}: ${evaluation.matrix.length} cells, ${failing} failing. Wrote ` +
        `${Object.keys(files).join(', ')}.\n`,
    );
    return failing > 0 ? 1 : 0;
  }
  const comparison = await statefulComparison(
    args,
    stacks,
    acceptances,
    acceptancesFile ?? (args.accepted === undefined ? DEFAULT_ACCEPTED_FILE.split(path.sep).join('/') : undefined),
  );
  for (const a of comparison?.unusedAcceptances ?? [])
    io.stderr.write(
      `report: warning: ${a.stack}/${a.resource} is accepted but not replaced or removed; remove it from the acceptances ` +
        `(already merged, or a typo)\n`,
    );
  const report = buildReport({
    evaluation,
    ...(comparison ? { statefulChanges: comparison } : {}),
    acknowledgementAudit: auditAcknowledgements(readAssemblyAcknowledgements(cdkOut)),
    topology: stackTopology(stacks, awsRegions(cdkOut)),
    inputs: {
      'AWS cloud assembly': cdkOut,
      'Terraform output': cdktfOut,
      config: shown(configFile),
      'config sha256': fileDigest(configFile),
    },
    policy: { require: args.require, allowUnchecked: args.allowUnchecked },
  });
  const outDir = shown(args.out);
  mkdirSync(outDir, { recursive: true });
  const files = renderReportFiles(report);
  // All three or none: a trust page built from a half-written controls.json would be wrong.
  writeFilesAtomic(Object.fromEntries(Object.entries(files).map(([name, content]) => [path.join(outDir, name), content])));
  io.stdout.write(
    `${summaryText(report)}\nWrote ${Object.keys(files)
      .map((f) => `${outDir}/${f}`)
      .join(', ')}.\n`,
  );
  for (const problem of report.summary.policy.problems) io.stdout.write(`report: exit 1: ${problem}\n`);
  return report.summary.policy.problems.length > 0 ? 1 : 0;
}

/**
 * The report as `npm run report` runs it: resolves to the exit code, with the messages written
 * to `io` (the tests run it in-process).
 */
export async function runReport(argv: readonly string[], io: ReportIo = PROCESS_IO): Promise<number> {
  try {
    return await main(argv, io);
  } catch (err) {
    if (
      err instanceof UsageError ||
      err instanceof ConfigError ||
      err instanceof SynthOutputError ||
      err instanceof FrameworkMappingError ||
      err instanceof OscalInputError
    ) {
      io.stderr.write(`report: ${err.message}\n`);
      return 2;
    }
    // Unreadable files and the like are input errors too; exit 1 is reserved for failing controls.
    io.stderr.write(`report: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 2;
  }
}

if (require.main === module) {
  runReport(process.argv.slice(2)).then((code) => process.exit(code));
}
