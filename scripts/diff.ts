// The security diff of a pull request (issue 6): `npm run diff -- [<git-ref>] [--out FILE]`.
// Synthesizes both apps (AWS CDK, CDK for Terraform) at the base ref, in a temporary git worktree,
// and in the working tree, evaluates every control on both sides with each side's config, and
// prints a Markdown summary that fits a pull-request comment (also written to reports/diff.md).
// Exit codes (docs/evidence.md "Security diff"): 0 when the diff compared every app the head has (the gate
// is the report, npm run report, not the diff); 1 when the head failed to synthesize an app,
// nothing could be compared, the diff could not be produced at all, or `--fail-on weakening` is
// given and a weakening is flagged (or an app could not be compared, so none can be ruled out);
// 2 on usage errors (unknown ref, bad option). The Markdown is written in every case but 2.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../lib/config/load';
import type { BaselineConfig } from '../lib/config/schema';
import { renderDiffMarkdown, securityDiff, weakeningsOfDiff, type SecurityDiff, type Uncompared } from '../lib/evidence/diff-report';
import { applyAcceptances, parseAcceptances, statefulChanges, type Acceptance } from '../lib/evidence/stateful-changes';
import { evaluate } from '../lib/evidence/evaluate';
import { readSynthOutput, type SynthesizedStack } from '../lib/evidence/synth-output';
import { verdictOf } from '../lib/evidence/verdict';

/** A mistake in how the script was called; the message says how to fix it. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const USAGE = `usage: npm run diff -- [<git-ref>] [--out FILE] [--jobs N] [--keep-base DIR] [--fail-on weakening]
  <git-ref>   the base to compare the working tree with (default: the merge base of HEAD and
              main, else origin/main, else HEAD~1)
  --out FILE  also write the Markdown there (default: reports/diff.md)
  --fail-on weakening
              exit 1 when the diff flags a weakening (⚠️), or when an app could not be compared
              (then no weakening can be ruled out); without it the diff informs and the report
              (npm run report) gates
  --keep-base DIR
              keep the base's synthesized output in DIR/cdk.out and DIR/cdktf.out, so the
              report can gate on stateful changes without synthesizing the base again
              (npm run report -- --base-cdk-out DIR/cdk.out --base-cdktf-out DIR/cdktf.out)
  --jobs N    synthesize up to N apps at once (default: 1; on 2 cores two AWS synths at once
              were slower: 89-107 s against 70-79 s for the whole diff)`;

/** The parsed command line. */
export interface DiffArgs {
  readonly ref?: string;
  readonly out: string;
  readonly jobs: number;
  readonly help: boolean;
  /** Where to keep the base's synthesized output. */
  readonly keepBase?: string;
  /** What makes the diff itself exit 1 besides an app the head cannot synthesize. */
  readonly failOn: readonly FailOn[];
}

/** Conditions `--fail-on` accepts. */
export const FAIL_ON = ['weakening'] as const;
export type FailOn = (typeof FAIL_ON)[number];

/** Parses `[<git-ref>] [--out FILE] [--jobs N] [--help]`; throws UsageError naming the fix. */
export function parseArgs(argv: readonly string[]): DiffArgs {
  let ref: string | undefined;
  let out = path.join('reports', 'diff.md');
  // Measured on the 2-core machine (npm run diff -- HEAD~1, twice each way): one app at a time
  // took 70 s and 79 s, two at a time 89 s and 107 s; each AWS synth already keeps both cores busy
  // (node plus the cfn-guard and cdk-nag validations).
  let jobs = 1;
  let help = false;
  let keepBase: string | undefined;
  const failOn: FailOn[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') help = true;
    else if (a === '--out' || a === '--jobs' || a === '--keep-base' || a === '--fail-on') {
      const value = argv[++i];
      const example =
        a === '--out'
          ? '--out reports/diff.md'
          : a === '--keep-base'
            ? '--keep-base .baseline-base'
            : a === '--fail-on'
              ? '--fail-on weakening'
              : '--jobs 2';
      if (value === undefined || value === '' || value.startsWith('--'))
        throw new UsageError(`${a} needs a value, e.g. ${example}\n${USAGE}`);
      if (a === '--out') out = value;
      else if (a === '--keep-base') keepBase = value;
      else if (a === '--fail-on') {
        if (!(FAIL_ON as readonly string[]).includes(value))
          throw new UsageError(`--fail-on received ${JSON.stringify(value)}; expected ${FAIL_ON.join(' or ')}\n${USAGE}`);
        if (!failOn.includes(value as FailOn)) failOn.push(value as FailOn);
      } else {
        jobs = Number(value);
        if (!Number.isInteger(jobs) || jobs < 1 || jobs > 4)
          throw new UsageError(`--jobs received ${JSON.stringify(value)}; expected a whole number from 1 to 4\n${USAGE}`);
      }
    } else if (a.startsWith('-')) throw new UsageError(`unknown option ${a}\n${USAGE}`);
    else if (ref !== undefined)
      throw new UsageError(`one git ref at most; received ${JSON.stringify(ref)} and ${JSON.stringify(a)}\n${USAGE}`);
    else ref = a;
  }
  return { ref, out, jobs, help, failOn, ...(keepBase !== undefined ? { keepBase } : {}) };
}

/** Runs git in `cwd`; the trimmed stdout, or undefined when git fails. */
export function git(cwd: string, args: readonly string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch {
    return undefined;
  }
}

/** The base commit and how to name it. */
export interface BaseRef {
  readonly sha: string;
  /** For the Markdown header, e.g. "`abc1234` (merge base of HEAD and main)". */
  readonly label: string;
  /** A caveat to show (a fallback was used). */
  readonly note?: string;
}

const commitOf = (cwd: string, ref: string) => git(cwd, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);

/**
 * The commit to compare with: `ref` when given (UsageError when unknown: it says how to fetch it);
 * else the merge base of HEAD and main, else of HEAD and origin/main, else HEAD~1 (with a note).
 */
export function resolveBaseRef(cwd: string, ref?: string): BaseRef {
  const short = (sha: string) => sha.slice(0, 7);
  if (ref !== undefined) {
    const sha = commitOf(cwd, ref);
    if (!sha) {
      const fetch = `git fetch origin ${ref.replace(/^origin\//, '')}`;
      throw new UsageError(
        `unknown git ref ${JSON.stringify(ref)}: fetch it first (${fetch}; in a shallow CI clone, git fetch --unshallow or ` +
          `actions/checkout with fetch-depth: 0), or name a commit that exists (git log --oneline)`,
      );
    }
    return { sha, label: sha.startsWith(ref) ? code(short(sha)) : `${code(short(sha))} (${code(ref)})` };
  }
  const head = commitOf(cwd, 'HEAD');
  if (!head) throw new UsageError('this repository has no commit yet: commit first, or name a base ref');
  for (const branch of ['main', 'origin/main']) {
    if (!commitOf(cwd, branch)) continue;
    const base = git(cwd, ['merge-base', 'HEAD', branch]);
    if (!base) continue;
    const note =
      base === head
        ? `HEAD is on ${branch}, so the merge base is HEAD itself: only uncommitted changes show (name a ref, e.g. \`npm run ` +
          `diff -- HEAD~1\`, to review the last commit)`
        : undefined;
    return { sha: base, label: `${code(short(base))} (merge base of HEAD and ${branch})`, ...(note ? { note } : {}) };
  }
  const previous = commitOf(cwd, 'HEAD~1');
  if (!previous)
    throw new UsageError('no main or origin/main branch and no parent commit to compare with: name a base ref (npm run diff -- <git-ref>)');
  return {
    sha: previous,
    label: `${code(short(previous))} (HEAD~1)`,
    note: 'no main or origin/main branch here: compared with HEAD~1 (fetch main, or name a ref, to compare with the merge base)',
  };
}

function code(text: string): string {
  return `\`${text}\``;
}

/**
 * Runs `fn` with a detached worktree of `sha` (node_modules linked from `root`), and always
 * removes the worktree afterwards, also when `fn` throws.
 */
export async function withWorktree<T>(root: string, sha: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const tmp = mkdtempSync(path.join(tmpdir(), 'baseline-diff-'));
  const dir = path.join(tmp, 'base');
  const cleanup = () => {
    git(root, ['worktree', 'remove', '--force', dir]);
    rmSync(tmp, { recursive: true, force: true });
    git(root, ['worktree', 'prune']);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    cleanup();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    try {
      execFileSync('git', ['worktree', 'add', '--detach', dir, sha], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err: any) {
      throw new Error(
        `git worktree add failed for ${sha}: ${String(err.stderr ?? err.message).trim()}; check \`git worktree list\` and run ` +
          `\`git worktree prune\``,
      );
    }
    if (existsSync(path.join(root, 'node_modules')) && !existsSync(path.join(dir, 'node_modules')))
      symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    return await fn(dir);
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    cleanup();
  }
}

/** The outcome of synthesizing one app on one side. */
export interface AppSynth {
  /** The stacks, or undefined when the app could not be synthesized (then `problem` says why). */
  readonly stacks?: SynthesizedStack[];
  /** Why the app is missing or incomplete on this side. */
  readonly problem?: string;
  /** The failed synth's telling error output and exit code, for the headline. */
  readonly error?: string;
  /** A caveat about stacks that were read anyway (e.g. the policy gate failed after writing them). */
  readonly caveat?: string;
  readonly seconds: number;
}

function run(cmd: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr = (stderr + String(d)).slice(-20000);
    });
    child.on('error', (err) => resolve({ code: 127, stderr: String(err) }));
    child.on('close', (code) => resolve({ code: code ?? 1, stderr }));
  });
}

/** The telling part of an app's error output: its first error message and its last line. */
export function tail(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(
      (l) =>
        l && !/reserved context key|^Supply a stack id|^Successfully synthesized|^at |^Node\.js v|^[{}\]]|^requireStack|^code:/.test(l),
    );
  const at = lines.findIndex((l) => /(Error\b|error:|Invalid|failed|Cannot|not found|problem)/i.test(l));
  // A message that ends with a colon names the problem on the next line (the config field that is wrong).
  const first = at < 0 ? undefined : lines[at].endsWith(':') && lines[at + 1] ? `${lines[at]} ${lines[at + 1]}` : lines[at];
  const last = lines[lines.length - 1];
  const parts = [first, last && !(first ?? '').includes(last) ? last : undefined].filter((l): l is string => !!l);
  const text = parts.join(' … ');
  return text.length > 400 ? `${text.slice(0, 399)}…` : text || '(no error output)';
}

/** Relative names, so the Markdown does not carry temporary paths. */
function relabel(stacks: SynthesizedStack[], outdir: string, side: string): SynthesizedStack[] {
  return stacks.map((s) => ({ ...s, file: `${side}:${path.relative(outdir, s.file)}` }));
}

/**
 * Synthesizes one app of one side into `outdir`: AWS with the CDK CLI (`cdk synth`, as a developer
 * does), Terraform with the cdktf app (CDKTF_OUTDIR). A side without the app's config file has no
 * stacks of it.
 */
export async function synthApp(app: 'aws' | 'terraform', dir: string, outdir: string, side: string): Promise<AppSynth> {
  const started = Date.now();
  const seconds = () => Math.round((Date.now() - started) / 100) / 10;
  const name = app === 'aws' ? 'AWS (cdk.json)' : 'Terraform (cdktf.json)';
  if (!existsSync(path.join(dir, app === 'aws' ? 'cdk.json' : 'cdktf.json')))
    return {
      stacks: [],
      caveat: `the ${side} has no ${app === 'aws' ? 'cdk.json' : 'cdktf.json'}: its ${name} stacks count as absent there`,
      seconds: seconds(),
    };
  const env = { ...process.env, CHECKPOINT_DISABLE: '1', CDKTF_OUTDIR: outdir };
  const cdkArgs = ['synth', '--quiet', '--no-notices', '--output', outdir];
  // The side's own CDK CLI, started directly: through npx it costs an npm start-up more (about
  // 0.4 s of CPU per synth); npx finds it when the side has no node_modules/aws-cdk of its own.
  const cdkCli = path.join(dir, 'node_modules', 'aws-cdk', 'bin', 'cdk');
  const { code, stderr } =
    app === 'aws'
      ? existsSync(cdkCli)
        ? await run(process.execPath, [cdkCli, ...cdkArgs], dir, env)
        : await run('npx', ['--no-install', 'cdk', ...cdkArgs], dir, env)
      : await run(process.execPath, ['-r', './scripts/register.js', 'stacks/tf-app.ts'], dir, env);
  let stacks: SynthesizedStack[] | undefined;
  try {
    stacks = existsSync(path.join(outdir, 'manifest.json')) ? relabel(readSynthOutput(outdir), outdir, side) : undefined;
  } catch {
    stacks = undefined;
  }
  if (code === 0 && stacks) return { stacks, seconds: seconds() };
  if (stacks && app === 'aws') {
    // The CDK writes the whole assembly before its policy validations run; a failed gate still leaves every template.
    return {
      stacks,
      caveat: `the ${side}'s ${name} synth exited with ${code} after writing every template (a policy gate?): ${tail(stderr)}`,
      seconds: seconds(),
    };
  }
  // Paths relative to the side's checkout: a temporary worktree's or runner's directory tells a reviewer nothing.
  const error = tail(stderr).split(`${dir}${path.sep}`).join('');
  return {
    problem: `the ${side} failed to synthesize ${name} (exit ${code}): ${error}`,
    error: `${error} (exit ${code})`,
    seconds: seconds(),
  };
}

/** Runs tasks with at most `jobs` at once, results in task order. */
export async function pool<T>(tasks: readonly (() => Promise<T>)[], jobs: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, tasks.length) }, worker));
  return results;
}

/** The config a side's apps read: BASELINE_CONFIG (relative to the side's directory) or config/baseline.json. */
export function configOf(dir: string): { config?: BaselineConfig; problem?: string } {
  const file = path.resolve(dir, process.env.BASELINE_CONFIG || path.join('config', 'baseline.json'));
  try {
    return { config: loadConfig(file) };
  } catch (err) {
    return { problem: (err instanceof Error ? err.message : String(err)).split('\n')[0] };
  }
}

function log(message: string): void {
  process.stderr.write(`[diff] ${message}\n`);
}

/** One side's synth of each app. */
export interface Synths {
  readonly aws: AppSynth;
  readonly terraform: AppSynth;
}

/** The apps as the headline names them. */
const APPS = [
  ['aws', 'AWS app (cdk.json)'],
  ['terraform', 'Terraform app (cdktf.json)'],
] as const;

/** The apps a side failed to synthesize: neither side's stacks of them are compared. */
export function uncomparedApps(base: Synths, head: Synths): Uncompared[] {
  return APPS.flatMap(([key, app]): Uncompared[] => {
    const [b, h] = [base[key], head[key]];
    if (b.stacks && h.stacks) return [];
    const side = !b.stacks && !h.stacks ? 'both' : b.stacks ? 'head' : 'base';
    const why = (x: AppSynth) => x.error ?? x.problem ?? 'no output';
    const reason = side === 'both' ? `head: ${why(h)}; base: ${why(b)}` : why(side === 'head' ? h : b);
    return [{ app, side, reason }];
  });
}

/** A side's config, or why it does not load. */
export interface SideConfig {
  readonly config?: BaselineConfig;
  readonly problem?: string;
}

/**
 * The security diff of two sides' synths: the apps both sides synthesized are compared (stacks and
 * control results, each side evaluated with its own config, or both with the claim floors when
 * either config does not load); the others are named as not compared.
 */
export function diffOfSynths(
  base: Synths,
  head: Synths,
  configs: { readonly base: SideConfig; readonly head: SideConfig },
  notes: readonly string[] = [],
  accepted: Accepted = { acceptances: [] },
): SecurityDiff {
  const uncompared = uncomparedApps(base, head);
  const caveats = [...notes];
  for (const [key] of APPS) for (const c of [base[key].caveat, head[key].caveat]) if (c) caveats.push(c);
  const compared = (s: Synths, other: Synths) => APPS.flatMap(([key]) => (s[key].stacks && other[key].stacks ? s[key].stacks! : []));
  const [baseStacks, headStacks] = [compared(base, head), compared(head, base)];
  // Claim floors on both sides when either side's config does not load, so results stay comparable.
  const configured = configs.base.config && configs.head.config;
  if (!configured && baseStacks.length + headStacks.length > 0) {
    caveats.push(
      `control results use the claim floors on both sides: the ${configs.base.config ? 'head' : 'base'}'s config does not ` +
        `load with this schema (${(configs.base.problem ?? configs.head.problem ?? '').slice(0, 200)})`,
    );
  }
  const ev = (stacks: SynthesizedStack[], config?: BaselineConfig) =>
    evaluate(stacks, configured && config ? (env) => config.environments[env] : () => undefined);
  if (accepted.problem) caveats.push(`the head report's stateful gate cannot be told: ${accepted.problem}`);
  const diff = securityDiff(
    { stacks: baseStacks, evaluation: ev(baseStacks, configs.base.config) },
    { stacks: headStacks, evaluation: ev(headStacks, configs.head.config) },
    caveats,
    uncompared,
  );
  // The head report line is the head's real report: with every app the head synthesized, also one
  // the base could not (left out of the comparison).
  const headAll = APPS.flatMap(([key]) => head[key].stacks ?? []);
  const real =
    headAll.length > headStacks.length
      ? evaluate(headAll, configs.head.config ? (env) => configs.head.config!.environments[env] : () => undefined)
      : undefined;
  const headReport = real
    ? {
        headHeadline: verdictOf(real.matrix).headline,
        headFailing: real.failed || real.matrix.some((c) => c.status === 'fail'),
        headFailingCells: real.matrix.filter((c) => c.status === 'fail').length,
        headCells: Object.fromEntries(
          [...new Set(real.matrix.map((c) => String(c.status)))].map((st) => [
            st,
            real.matrix.filter((c) => String(c.status) === st).length,
          ]),
        ),
      }
    : {};
  // What the report compared with this base (the pull-request gate) fails on besides controls.
  const { changes } = applyAcceptances(statefulChanges(diff.stacks), accepted.acceptances);
  return {
    ...diff,
    ...headReport,
    headStateful: {
      unaccepted: changes.filter((c) => !c.acceptedBecause).length,
      accepted: changes.filter((c) => c.acceptedBecause).length,
      source: accepted.source ?? ACCEPTED_FILE,
    },
  };
}

/** Where reviewers accept stateful replacements and removals (as npm run report reads it). */
export const ACCEPTED_FILE = 'config/accepted-stateful-changes.json';

/** The head's acceptances of stateful changes, or why they do not load. */
export interface Accepted {
  readonly acceptances: readonly Acceptance[];
  readonly source?: string;
  readonly problem?: string;
}

/** Reads the head's config/accepted-stateful-changes.json (none: no acceptances). */
export function acceptedOf(root: string): Accepted {
  const file = path.join(root, ACCEPTED_FILE);
  if (!existsSync(file)) return { acceptances: [] };
  try {
    return { acceptances: parseAcceptances(JSON.parse(readFileSync(file, 'utf8')), ACCEPTED_FILE), source: ACCEPTED_FILE };
  } catch (err) {
    return { acceptances: [], source: ACCEPTED_FILE, problem: (err instanceof Error ? err.message : String(err)).split('\n')[0] };
  }
}

/**
 * The exit code of a produced diff: 1 when the head failed to synthesize an app or nothing could
 * be compared; with `--fail-on weakening`, also when a weakening is flagged or any app could not
 * be compared (a weakening there cannot be ruled out); else 0.
 */
export function exitCodeOf(diff: SecurityDiff, failOn: readonly FailOn[] = []): number {
  const uncompared = diff.uncompared ?? [];
  if (uncompared.some((u) => u.side !== 'base')) return 1;
  if (uncompared.length > 0 && diff.stacks.length === 0) return 1;
  if (failOn.includes('weakening') && (weakeningsOfDiff(diff).length > 0 || uncompared.length > 0)) return 1;
  return 0;
}

/** The whole flow; returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let args: DiffArgs;
  let root: string;
  let base: BaseRef;
  try {
    args = parseArgs(argv);
    if (args.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const top = git(process.cwd(), ['rev-parse', '--show-toplevel']);
    if (!top) throw new UsageError('not inside a git repository: run npm run diff from a clone of this project');
    root = top;
    base = resolveBaseRef(root, args.ref);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`npm run diff: ${err.message}\n`);
      return 2;
    }
    throw err;
  }

  const started = Date.now();
  const headSha = git(root, ['rev-parse', '--short=7', 'HEAD']) ?? 'HEAD';
  const dirty = (git(root, ['status', '--porcelain', '--untracked-files=no']) ?? '') !== '';
  const headLabel = `working tree (${code(headSha)}${dirty ? ' + uncommitted changes' : ''})`;
  const notes: string[] = base.note ? [base.note] : [];
  if (git(root, ['diff', '--quiet', base.sha, '--', 'package-lock.json']) === undefined) {
    notes.push("package-lock.json differs between the sides: the base was synthesized with the working tree's node_modules");
  }

  const out = mkdtempSync(path.join(tmpdir(), 'baseline-diff-out-'));
  try {
    const results = await withWorktree(root, base.sha, async (baseDir) => {
      log(`base ${base.sha.slice(0, 7)} checked out in a temporary worktree; synthesizing 2 apps x 2 sides (${args.jobs} at once)`);
      const task = (app: 'aws' | 'terraform', dir: string, side: 'base' | 'head') => async () => {
        const r = await synthApp(app, dir, path.join(out, `${side}-${app}`), side);
        log(`${side} ${app}: ${r.problem ? 'failed' : `${r.stacks?.length ?? 0} stacks`} in ${r.seconds}s`);
        return r;
      };
      const synths = await pool(
        [task('aws', baseDir, 'base'), task('aws', root, 'head'), task('terraform', baseDir, 'base'), task('terraform', root, 'head')],
        args.jobs,
      );
      return { synths, baseConfig: configOf(baseDir) };
    });
    const [awsBase, awsHead, tfBase, tfHead] = results.synths;
    if (args.keepBase !== undefined) {
      // Replaced as a whole, so a stale app output from an earlier run is never mistaken for this base's.
      const keep = path.resolve(args.keepBase);
      for (const [from, to, synth] of [
        ['base-aws', 'cdk.out', awsBase],
        ['base-terraform', 'cdktf.out', tfBase],
      ] as const) {
        rmSync(path.join(keep, to), { recursive: true, force: true });
        if (synth.stacks && existsSync(path.join(out, from))) cpSync(path.join(out, from), path.join(keep, to), { recursive: true });
      }
      log(`kept the base's output in ${path.relative(process.cwd(), keep) || keep}/{cdk.out,cdktf.out}`);
    }
    const diff = diffOfSynths(
      { aws: awsBase, terraform: tfBase },
      { aws: awsHead, terraform: tfHead },
      { base: results.baseConfig, head: configOf(root) },
      notes,
      acceptedOf(root),
    );
    const markdown = renderDiffMarkdown(diff, { base: base.label, head: headLabel });
    process.stdout.write(markdown);
    const target = path.resolve(root, args.out);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, markdown);
    const code = exitCodeOf(diff, args.failOn);
    const weakenings = weakeningsOfDiff(diff).length;
    log(
      `wrote ${path.relative(process.cwd(), target) || target} in ${Math.round((Date.now() - started) / 1000)}s: ` +
        `${weakenings} weakening${weakenings === 1 ? '' : 's'}` +
        `${diff.uncompared?.length ? `, ${diff.uncompared.map((u) => u.app).join(' and ')} not compared` : ''}; exit ${code}`,
    );
    return code;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`npm run diff: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
