// `npm run bench` (issue 7): measures the import floor, the synth of each app, the full
// `npm test` and the growth per environment, then writes BENCHMARKS.md and prints one summary
// line. Every measurement is a whole child process; nothing here changes the apps or the tests.
//
//   npm run bench                     3 runs of every section (medians, min and max)
//   npm run bench -- --runs 5         5 runs
//   npm run bench -- --quick          1 run; skips `npm test` and the 16-environment point
//   npm run bench -- --only synth     one section (import, synth, test or scale; repeatable,
//                                     or a comma-separated list)
//   npm run bench -- --out FILE       write the report to FILE instead of BENCHMARKS.md
//   npm run bench -- --from-json F    measure nothing: re-render the report from the raw results
//                                     (report.json) an earlier run left in its temp directory
//
// Method (also written into the report):
// - Wall time, CPU time (user + system) and peak RSS come from GNU time (`/usr/bin/time -v -o`).
//   Its "Maximum resident set size" is the kernel's ru_maxrss of the child, which Linux defines
//   as the peak of the LARGEST SINGLE process among the child and the descendants it waited for,
//   not the sum of the tree (checked here: a shell running a 300 MB and then a 100 MB node
//   process reports ~348 MB; a node parent of a 400 MB and a 200 MB child reports ~450 MB).
// - So that peaks can be attributed (jest worker vs tsc vs the CDK CLI vs the app vs cfn-guard),
//   the bench also samples the process tree every 200 ms: /proc/*/stat for parentage and start
//   time, /proc/<pid>/status VmHWM (the kernel's own peak RSS of that process, so a peak
//   between two samples is not lost as long as the process is seen once) and
//   /proc/<pid>/cmdline for a label. A process that lives less than one interval may be missed
//   by the sampler; GNU time's figure still covers it.
// - Without /usr/bin/time (Debian package `time`), the fallback is Node's own: wall time from
//   process.hrtime around the child, peak RSS = the largest VmHWM the sampler saw (the same
//   "largest single process" meaning), CPU = the last sampled utime + stime of each process
//   (under-counts by up to one interval per process). `process.resourceUsage()` is no help: it
//   is RUSAGE_SELF, and spawnSync returns no rusage of the child. BENCH_TIMER=node forces it.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError, parseConfig } from '../lib/config/load';

// ---------------------------------------------------------------------------------------------
// Options

export type Section = 'import' | 'synth' | 'test' | 'scale';
export const SECTIONS: readonly Section[] = ['import', 'synth', 'test', 'scale'];

export interface BenchOptions {
  /** Runs of every measurement (medians, min and max are over these). */
  readonly runs: number;
  readonly quick: boolean;
  /** Sections to run, in report order. */
  readonly sections: readonly Section[];
  /** Environment counts of the scaling section. */
  readonly envCounts: readonly number[];
  /** Report file, relative to the repository root. */
  readonly out: string;
  /** Re-render from this raw-results file instead of measuring. */
  readonly fromJson?: string;
}

export const USAGE = 'usage: npm run bench -- [--runs N] [--quick] [--only import|synth|test|scale ...] [--out FILE] [--from-json report.json]';

/**
 * Parses the command line. `--quick` means one run, no `npm test` and no 16-environment point;
 * an explicit `--runs` still wins, and `--only test` still runs `npm test`.
 * @throws Error with the usage line on a bad option.
 */
export function parseArgs(argv: readonly string[]): BenchOptions {
  let runs: number | undefined;
  let quick = false;
  let out = 'BENCHMARKS.md';
  let fromJson: string | undefined;
  const only: Section[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (name: string): string => {
      const inline = arg.startsWith(`${name}=`) ? arg.slice(name.length + 1) : undefined;
      if (inline !== undefined) return inline;
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) throw new Error(`${name} needs a value\n${USAGE}`);
      return next;
    };
    if (arg === '--quick') quick = true;
    else if (arg === '--runs' || arg.startsWith('--runs=')) {
      const text = value('--runs');
      if (!/^[1-9]\d*$/.test(text)) throw new Error(`--runs must be a positive integer, not "${text}"\n${USAGE}`);
      runs = Number(text);
    } else if (arg === '--only' || arg.startsWith('--only=')) {
      for (const name of value('--only').split(',').filter(Boolean)) {
        if (!SECTIONS.includes(name as Section)) throw new Error(`--only takes ${SECTIONS.join(', ')}, not "${name}"\n${USAGE}`);
        if (!only.includes(name as Section)) only.push(name as Section);
      }
    } else if (arg === '--out' || arg.startsWith('--out=')) out = value('--out');
    else if (arg === '--from-json' || arg.startsWith('--from-json=')) fromJson = value('--from-json');
    else if (arg === '--help' || arg === '-h') throw new Error(USAGE);
    else throw new Error(`unknown option "${arg}"\n${USAGE}`);
  }
  const sections = only.length > 0 ? SECTIONS.filter((s) => only.includes(s)) : SECTIONS.filter((s) => !(quick && s === 'test'));
  return { runs: runs ?? (quick ? 1 : 3), quick, sections, envCounts: quick ? [1, 4] : [1, 4, 16], out, ...(fromJson ? { fromJson } : {}) };
}

// ---------------------------------------------------------------------------------------------
// Pure helpers: GNU time output, statistics, fits

export interface TimeV {
  readonly wallSeconds: number;
  readonly userSeconds: number;
  readonly systemSeconds: number;
  readonly maxRssKiB: number;
  /** Exit status of the command; a signal number is reported as 128 + signal. */
  readonly exitStatus: number;
}

/** Parses `h:mm:ss.ss` or `m:ss.ss` (GNU time's elapsed wall clock) into seconds. */
export function parseElapsed(text: string): number {
  const parts = text.trim().split(':').map(Number);
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !Number.isFinite(p))) throw new Error(`unreadable elapsed time "${text}"`);
  return parts.reduce((total, part) => total * 60 + part, 0);
}

/** Reads the fields the bench uses from the output of `/usr/bin/time -v`. */
export function parseTimeV(text: string): TimeV {
  const field = (label: string): string => {
    const line = text.split('\n').find((l) => l.trim().startsWith(label));
    if (!line) throw new Error(`/usr/bin/time -v output has no "${label}" line`);
    return line.slice(line.lastIndexOf(': ') + 2).trim();
  };
  const signal = /Command terminated by signal (\d+)/.exec(text);
  let exitStatus: number;
  if (signal) exitStatus = 128 + Number(signal[1]);
  else exitStatus = Number(field('Exit status'));
  return {
    wallSeconds: parseElapsed(field('Elapsed (wall clock) time')),
    userSeconds: Number(field('User time (seconds)')),
    systemSeconds: Number(field('System time (seconds)')),
    maxRssKiB: Number(field('Maximum resident set size (kbytes)')),
    exitStatus,
  };
}

export interface Stats {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

/** Median (mean of the middle two for an even count), min and max. @throws on no values. */
export function stats(values: readonly number[]): Stats {
  if (values.length === 0) throw new Error('stats of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], n: sorted.length };
}

export interface Fit {
  readonly slope: number;
  readonly intercept: number;
  /** Coefficient of determination; 1 when the points lie on the line (or when all y are equal). */
  readonly r2: number;
}

/** Ordinary least-squares line through (x, y). @throws with fewer than 2 distinct x. */
export function leastSquares(xs: readonly number[], ys: readonly number[]): Fit {
  if (xs.length !== ys.length) throw new Error('leastSquares: xs and ys differ in length');
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i] - mx) ** 2;
    sxy += (xs[i] - mx) * (ys[i] - my);
    syy += (ys[i] - my) ** 2;
  }
  if (n < 2 || sxx === 0) throw new Error('leastSquares needs at least 2 distinct x values');
  const slope = sxy / sxx;
  const r2 = syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
  return { slope, intercept: my - slope * mx, r2 };
}

export interface Linearity {
  readonly verdict: 'linear' | 'sub-linear' | 'not linear' | 'undetermined';
  readonly reason: string;
}

/**
 * Whether y grows linearly with x. With 2 points any growth is a line, so the verdict is
 * "undetermined". With 3 or more: linear when the fit explains at least 98 % of the variance
 * (r² >= 0.98) AND the per-unit cost of the last segment is within 0.67x-1.5x of the first
 * (a superlinear cost hides easily behind a high r² with few points); sub-linear when the fit
 * holds but the last segment costs less than 0.67x the first (a fixed cost amortizing: one more
 * environment never costs more than the first ones did, so no quadratic effect).
 */
export function assessLinearity(xs: readonly number[], ys: readonly number[]): Linearity {
  if (xs.length < 3) return { verdict: 'undetermined', reason: `${xs.length} points: any two points lie on a line; run without --quick for the 16-environment point` };
  const fit = leastSquares(xs, ys);
  const first = (ys[1] - ys[0]) / (xs[1] - xs[0]);
  const k = xs.length - 1;
  const last = (ys[k] - ys[k - 1]) / (xs[k] - xs[k - 1]);
  const ratio = first === 0 ? (last === 0 ? 1 : Infinity) : last / first;
  const detail = `r² ${fit.r2.toFixed(3)}; per-env cost ${fmtNum(first)} over ${xs[0]}→${xs[1]}, ${fmtNum(last)} over ${xs[k - 1]}→${xs[k]} (ratio ${Number.isFinite(ratio) ? ratio.toFixed(2) : '∞'})`;
  if (fit.r2 < 0.98 || ratio > 1.5) return { verdict: 'not linear', reason: detail };
  return { verdict: ratio < 0.67 ? 'sub-linear' : 'linear', reason: detail };
}

function fmtNum(x: number): string {
  return Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2);
}

// ---------------------------------------------------------------------------------------------
// Pure helpers: /proc, labels, jest results, machine

/** Parses /proc/<pid>/stat: parent pid, start time (clock ticks after boot), utime + stime (ticks). */
export function parseProcStat(text: string): { ppid: number; startTicks: number; cpuTicks: number } {
  // The command name (field 2) is in parentheses and may hold spaces or parentheses itself.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state): field n is rest[n - 3].
  return { ppid: Number(rest[1]), startTicks: Number(rest[19]), cpuTicks: Number(rest[11]) + Number(rest[12]) };
}

/** VmHWM (peak RSS) of /proc/<pid>/status in KiB; 0 for a process without memory (a zombie). */
export function parseVmHwm(status: string): number {
  const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
  return m ? Number(m[1]) : 0;
}

/** A short label of a process, from its argv, for the per-process breakdown. */
export function classifyProcess(argv: readonly string[]): string {
  const line = argv.join(' ');
  // Some programs (Chromium) rewrite their argv into one space-separated string.
  const exe = path.basename((argv[0] ?? '').split(/\s/)[0]);
  if (exe === 'time') return 'time';
  if (exe === 'sh' || exe === 'bash' || exe === 'dash') return 'shell';
  if (line.includes('cfn-guard')) return 'cfn-guard';
  if (/chrom(e|ium)/i.test(exe)) return 'chromium';
  if (line.includes('jest-worker') && /processChild|threadChild/.test(line)) return 'jest worker';
  if (line.includes('scripts/test.js')) return 'npm test runner';
  if (line.includes('scripts/synth.js')) return 'npm run synth runner';
  if (line.includes('test/synth-cache-child.ts')) return 'test synth (shared)';
  if (line.includes('stacks/aws-app.ts')) return 'aws app';
  if (line.includes('stacks/tf-app.ts')) return 'tf app';
  if (line.includes('@typescript/')) return 'tsc (native)';
  if (/(^|\/)tsc(\s|$)/.test(line) || line.includes('typescript/bin/tsc')) return 'tsc (node shim)';
  if (/\/(aws-cdk\/bin\/cdk|\.bin\/cdk)(\s|$)/.test(line)) return 'cdk CLI';
  if (/\/(jest\/bin\/jest(\.js)?|\.bin\/jest)(\s|$)/.test(line)) return 'jest';
  if (exe === 'npx' || /^npm exec/.test(line) || /npm-cli\.js exec|npx-cli\.js/.test(line)) return 'npx';
  if (exe === 'npm' || /^npm( |$)/.test(line) || line.includes('npm-cli.js')) return 'npm';
  if (exe === 'node') return 'node';
  return exe.slice(0, 40) || '?';
}

export interface JestSummary {
  /** From jest's start to the end of the last test file (jest's own clock). */
  readonly seconds: number;
  readonly files: number;
  readonly tests: number;
  readonly failedTests: number;
  /** The slowest test files, slowest first, paths relative to the repository. */
  readonly slowest: readonly { readonly file: string; readonly seconds: number }[];
}

/** Reads jest's `--json` result: its own duration and the slowest `top` test files. */
export function jestSummary(result: unknown, repoRoot: string, top = 5): JestSummary {
  const r = result as {
    startTime: number;
    numTotalTests: number;
    numFailedTests: number;
    testResults: { name: string; startTime?: number; endTime?: number; perfStats?: { start: number; end: number } }[];
  };
  const files = r.testResults.map((t) => {
    const start = t.perfStats?.start ?? t.startTime ?? 0;
    const end = t.perfStats?.end ?? t.endTime ?? start;
    return { file: path.relative(repoRoot, t.name), seconds: (end - start) / 1000, end };
  });
  const lastEnd = files.reduce((m, f) => Math.max(m, f.end), r.startTime);
  const slowest = [...files]
    .sort((a, b) => b.seconds - a.seconds || (a.file < b.file ? -1 : 1))
    .slice(0, top)
    .map(({ file, seconds }) => ({ file, seconds }));
  return { seconds: (lastEnd - r.startTime) / 1000, files: files.length, tests: r.numTotalTests, failedTests: r.numFailedTests, slowest };
}

/** CPU model and processor count from /proc/cpuinfo. */
export function parseCpuInfo(text: string): { model: string; count: number } {
  const models = [...text.matchAll(/^model name\s*:\s*(.*)$/gm)].map((m) => m[1].trim());
  const count = [...text.matchAll(/^processor\s*:/gm)].length;
  return { model: models[0] ?? 'unknown', count };
}

// ---------------------------------------------------------------------------------------------
// Config generation for the scaling section

/** Environment name `env01`, `env02`... (schema: 2-12 lower-case letters and digits). */
export function envName(i: number): string {
  return `env${String(i + 1).padStart(2, '0')}`;
}

/**
 * A config with `count` environments, each a clone of `template` (default `staging`) of `base`
 * with its own name, tags, AWS account (12 digits, in every certificate ARN), Azure subscription
 * (GUID), four disjoint private /16s (VPC, DR VPC, VNet, DR VNet: 10.(4i+k).0.0/16), Cloudflare
 * account and zone ids (32 hex), zone, hostname, origins, CDN domain, database admin name, key
 * vault secret and on-call address. Pure: validate the result with `parseConfig`.
 */
export function generateConfig(base: unknown, count: number, template = 'staging'): Record<string, unknown> {
  if (!Number.isInteger(count) || count < 1 || count > 64) throw new Error(`environment count must be 1-64 (four /16s each in 10.0.0.0/8), not ${count}`);
  const src = base as { environments?: Record<string, unknown> };
  const proto = src.environments?.[template];
  if (!proto) throw new Error(`the base config has no "${template}" environment to clone`);
  const environments: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) {
    const name = envName(i);
    const env = structuredClone(proto) as any;
    const n = i + 1;
    const account = `5${String(n).padStart(11, '0')}`;
    const hex = (prefix: string) => `${prefix}${n.toString(16).padStart(32 - prefix.length, '0')}`;
    const net = (k: number) => `10.${4 * i + k}.0.0/16`;
    const arn = (text: string) => text.replace(/:\d{12}:/, `:${account}:`);
    env.production = false;
    env.tags = { ...(env.tags ?? {}), environment: name };
    if (env.aws) {
      env.aws.account = account;
      env.aws.vpcCidr = net(0);
      env.aws.certificateArn = arn(env.aws.certificateArn);
      if (env.aws.cdn) {
        env.aws.cdn.certificateArn = arn(env.aws.cdn.certificateArn);
        env.aws.cdn.domainNames = [`static.${name}.example.com`];
      }
      if (env.aws.dr) {
        env.aws.dr.vpcCidr = net(1);
        env.aws.dr.certificateArn = arn(env.aws.dr.certificateArn);
      }
    }
    if (env.azure) {
      env.azure.subscriptionId = `00000000-0000-4000-8000-${(0xbe0000 + n).toString(16).padStart(12, '0')}`;
      env.azure.vnetCidr = net(2);
      env.azure.drVnetCidr = net(3);
      env.azure.certificateSecretId = `https://kv-acme-certs.vault.azure.net/secrets/www-${name}`;
      if (env.azure.database?.entraAdmin) env.azure.database.entraAdmin.principalName = `db-admins-${name}`;
    }
    if (env.cloudflare) {
      const zone = `${name}.example.dev`;
      env.cloudflare.accountId = hex('a');
      env.cloudflare.zoneId = hex('c');
      env.cloudflare.zoneName = zone;
      env.cloudflare.hostname = `app.${zone}`;
      if (env.cloudflare.origins && env.cloudflare.origins.outputsFile === undefined) {
        env.cloudflare.origins.primary = `origin-primary.${zone}`;
        env.cloudflare.origins.dr = `origin-dr.${zone}`;
      }
    }
    if (env.alerts) env.alerts.emails = [`oncall-${name}@example.com`];
    environments[name] = env;
  }
  return { ...(base as Record<string, unknown>), environments };
}

/** Parses a generated config; @throws Error carrying the ConfigError's message. */
export function validateGenerated(config: unknown, label: string): void {
  try {
    parseConfig(config, label);
  } catch (err) {
    if (err instanceof ConfigError) throw new Error(`generated config is invalid, fix generateConfig in scripts/bench.ts:\n${err.message}`);
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Results and their rendering (pure: same input, same Markdown)

export interface ProcessPeak {
  readonly label: string;
  /** Peak RSS (VmHWM) of this process, KiB. */
  readonly peakKiB: number;
  /** Seconds after the measured command started: process start, and when last seen alive. */
  readonly startSeconds: number;
  readonly lastSeenSeconds: number;
  /** user + system CPU seconds of this process at the last sample that saw it (not its children). */
  readonly cpuSeconds: number;
}

export interface RunResult {
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  /** Largest single process of the tree (GNU time's ru_maxrss, or the sampler's largest VmHWM). */
  readonly maxRssKiB: number;
  readonly exitStatus: number;
  /** 1-minute load average read just before the run. */
  readonly loadBefore: number;
  readonly processes: readonly ProcessPeak[];
  /** CPU seconds the sampler spent in the bench process during this run. */
  readonly samplerCpuSeconds: number;
  /** Measurement-specific figures (stack counts, jest results). */
  readonly extra?: { readonly stacks?: number; readonly jest?: JestSummary; readonly phases?: Phases };
}

/** One app's synth split into phases, timed inside its process (scripts/bench-phases.ts). */
export interface Phases {
  readonly importSeconds: number;
  readonly constructSeconds: number;
  readonly synthSeconds: number;
}

export interface Measurement {
  readonly id: string;
  readonly title: string;
  /** The command as a person would type it (for the report). */
  readonly command: string;
  readonly runs: readonly RunResult[];
}

export interface ScalePoint {
  readonly envs: number;
  readonly aws: Measurement;
  readonly tf: Measurement;
}

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cpuCount: number;
  readonly usableCpus: number;
  readonly memTotalKiB: number;
  readonly node: string;
  readonly npm: string;
  readonly os: string;
  readonly kernel: string;
}

export interface BenchReport {
  readonly date: string;
  /** `git rev-parse --short HEAD` when the bench started. */
  readonly commit: string;
  /** HEAD when the bench ended, if it differs (someone committed in this tree during the run). */
  readonly commitAtEnd?: string;
  /** Paths that differ between `commit` and `commitAtEnd` (what the move may have changed). */
  readonly movedPaths?: readonly string[];
  /** Paths with uncommitted changes when the bench started (the measured tree is HEAD plus these). */
  readonly dirty: readonly string[];
  readonly machine: MachineInfo;
  readonly options: BenchOptions;
  readonly timer: 'gnu-time' | 'node';
  readonly sampleMs: number;
  readonly loadStart: readonly number[];
  readonly loadEnd: readonly number[];
  readonly durationSeconds: number;
  /** CPU seconds the bench process itself spent (mostly the sampler) while children ran. */
  readonly samplerCpuSeconds: number;
  readonly imports?: readonly Measurement[];
  readonly synth?: readonly Measurement[];
  readonly test?: Measurement;
  readonly scale?: readonly ScalePoint[];
}

/** KiB to decimal megabytes (10^6 bytes), the unit of every memory figure in the report. */
export function kibToMB(kib: number): number {
  return (kib * 1024) / 1e6;
}

function secs(x: number): string {
  return x < 10 ? `${x.toFixed(2)} s` : `${x.toFixed(1)} s`;
}

function mb(kib: number): string {
  return `${Math.round(kibToMB(kib))} MB`;
}

function gb(kib: number): string {
  return `${(kibToMB(kib) / 1000).toFixed(2)} GB`;
}

function range(s: Stats, fmt: (x: number) => string): string {
  return s.n === 1 ? fmt(s.median) : `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})`;
}

export function wallStats(m: Measurement): Stats {
  return stats(m.runs.map((r) => r.wallSeconds));
}

function cpuStats(m: Measurement): Stats {
  return stats(m.runs.map((r) => r.cpuSeconds));
}

function rssStats(m: Measurement): Stats {
  return stats(m.runs.map((r) => r.maxRssKiB));
}

function failed(m: Measurement): string {
  const bad = m.runs.filter((r) => r.exitStatus !== 0);
  return bad.length === 0 ? '' : ` **FAILED ${bad.length}/${m.runs.length} (exit ${[...new Set(bad.map((r) => r.exitStatus))].join(', ')})**`;
}

/** The run whose wall time is the median (the lower middle one for an even count). */
export function medianRun(m: Measurement): RunResult {
  const sorted = [...m.runs].sort((a, b) => a.wallSeconds - b.wallSeconds);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/** Largest VmHWM of the jest workers over every run, KiB (0 if no worker was seen). */
export function peakWorkerKiB(m: Measurement): number {
  return Math.max(0, ...m.runs.flatMap((r) => r.processes.filter((p) => p.label === 'jest worker').map((p) => p.peakKiB)));
}

function measurementRow(m: Measurement): string {
  const load = stats(m.runs.map((r) => r.loadBefore));
  return `| ${m.title}${failed(m)} | \`${m.command}\` | ${m.runs.length} | ${range(wallStats(m), secs)} | ${range(cpuStats(m), secs)} | ${range(rssStats(m), mb)} | ${load.median.toFixed(2)} |`;
}

const MEASUREMENT_HEADER = [
  '| Measurement | Command | Runs | Wall, median (min–max) | CPU user+sys, median (min–max) | Peak RSS, largest process, median (min–max) | Load (1 min) before |',
  '|---|---|---:|---:|---:|---:|---:|',
];

/** CPU seconds per process label of one run, largest first: `cfn-guard 65 s, aws app 19 s`. */
export function cpuByProcess(run: RunResult, top = 3): string {
  const cpu = new Map<string, number>();
  for (const p of run.processes) cpu.set(p.label, (cpu.get(p.label) ?? 0) + p.cpuSeconds);
  const rows = [...cpu.entries()].filter(([, s]) => s >= 0.05).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return rows.length ? rows.slice(0, top).map(([label, s]) => `${label} ${secs(s)}`).join(', ') : '-';
}

/** Per-label breakdown of one run: processes, their peak and how long they were alive. */
function breakdown(run: RunResult): string[] {
  const groups = new Map<string, { count: number; peak: number; alive: number; first: number; last: number; cpu: number }>();
  for (const p of run.processes) {
    const g = groups.get(p.label) ?? { count: 0, peak: 0, alive: 0, first: Infinity, last: 0, cpu: 0 };
    g.count++;
    g.cpu += p.cpuSeconds;
    g.peak = Math.max(g.peak, p.peakKiB);
    g.alive += Math.max(0, p.lastSeenSeconds - p.startSeconds);
    g.first = Math.min(g.first, p.startSeconds);
    g.last = Math.max(g.last, p.lastSeenSeconds);
    groups.set(p.label, g);
  }
  const rows = [...groups.entries()].sort((a, b) => a[1].first - b[1].first || (a[0] < b[0] ? -1 : 1));
  return [
    '| Process | Count | Peak RSS (largest) | Alive from → last seen | Alive, summed | CPU, summed |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map(([label, g]) => `| ${label} | ${g.count} | ${mb(g.peak)} | ${g.first.toFixed(1)} s → ${g.last.toFixed(1)} s | ${g.alive.toFixed(1)} s | ${g.cpu.toFixed(1)} s |`),
  ];
}

function section(title: string, measurements: readonly Measurement[], withBreakdown: boolean): string[] {
  const lines = [`## ${title}`, '', ...MEASUREMENT_HEADER, ...measurements.map(measurementRow), ''];
  if (withBreakdown) {
    for (const m of measurements) {
      const run = medianRun(m);
      if (run.processes.length === 0) continue;
      lines.push(`Processes of "${m.title}" (median run, ${secs(run.wallSeconds)} wall; sampled every 200 ms, times ±0.2 s):`, '', ...breakdown(run), '');
    }
  }
  return lines;
}

export interface ScaleFit {
  readonly app: 'aws' | 'tf';
  readonly wall: Fit;
  readonly cpu: Fit;
  readonly rss: Fit;
  readonly stacksPerEnv?: number;
  readonly linearity: Linearity;
}

/** Least-squares per-environment cost of each app over the scale points (medians). */
export function scaleFits(points: readonly ScalePoint[]): ScaleFit[] {
  if (points.length < 2) return [];
  const xs = points.map((p) => p.envs);
  return (['aws', 'tf'] as const).map((app) => {
    const ms = points.map((p) => p[app]);
    const wall = ms.map((m) => wallStats(m).median);
    const stacksY = ms.map((m) => medianRun(m).extra?.stacks);
    return {
      app,
      wall: leastSquares(xs, wall),
      cpu: leastSquares(xs, ms.map((m) => cpuStats(m).median)),
      rss: leastSquares(xs, ms.map((m) => rssStats(m).median)),
      stacksPerEnv: stacksY.every((s) => s !== undefined) ? leastSquares(xs, stacksY as number[]).slope : undefined,
      linearity: assessLinearity(xs, wall),
    };
  });
}

function importFloor(report: BenchReport, app: 'aws' | 'tf'): { seconds: number; cpuSeconds: number; parts: string } | undefined {
  const get = (id: string) => report.imports?.find((m) => m.id === id);
  if (app === 'aws') {
    const cli = get('cdk-cli');
    const mods = get('import-aws');
    if (!cli || !mods) return undefined;
    return {
      seconds: wallStats(cli).median + wallStats(mods).median,
      cpuSeconds: cpuStats(cli).median + cpuStats(mods).median,
      parts: `CDK CLI start ${secs(wallStats(cli).median)} + app imports ${secs(wallStats(mods).median)}`,
    };
  }
  const mods = get('import-tf');
  return mods ? { seconds: wallStats(mods).median, cpuSeconds: cpuStats(mods).median, parts: `app imports ${secs(wallStats(mods).median)}` } : undefined;
}

/**
 * The work a synth cannot avoid, from the phase runs (medians): constructing the stacks and
 * synthesizing them, for AWS with every gate the project requires (cdk-nag packs, Control Tower
 * Guard, CDK's built-in CloudFormation validation: a synth must pass them).
 */
export function unavoidableWork(report: BenchReport, app: 'aws' | 'tf'): { seconds: number; parts: string } | undefined {
  const m = report.synth?.find((x) => x.id === (app === 'aws' ? 'phases-aws-gated' : 'phases-tf'));
  const phases = m?.runs.map((r) => r.extra?.phases).filter((p): p is Phases => p !== undefined) ?? [];
  if (phases.length === 0) return undefined;
  const construct = stats(phases.map((p) => p.constructSeconds)).median;
  const synth = stats(phases.map((p) => p.synthSeconds)).median;
  return { seconds: construct + synth, parts: `construction ${secs(construct)} + app.synth() ${secs(synth)}${app === 'aws' ? ' with every gate' : ''}` };
}

/** Where the AWS CLI synth's wall time goes: CLI start, app phases, gates, cfn-guard, the rest. */
export function awsTimeBreakdown(report: BenchReport): string[] {
  const get = (list: readonly Measurement[] | undefined, id: string) => list?.find((m) => m.id === id);
  const cli = get(report.imports, 'cdk-cli');
  const synth = get(report.synth, 'synth-aws');
  const phasesOf = (id: string) => {
    const ps = get(report.synth, id)?.runs.map((r) => r.extra?.phases).filter((p): p is Phases => p !== undefined) ?? [];
    return ps.length ? { importSeconds: stats(ps.map((p) => p.importSeconds)).median, constructSeconds: stats(ps.map((p) => p.constructSeconds)).median, synthSeconds: stats(ps.map((p) => p.synthSeconds)).median } : undefined;
  };
  const bare = phasesOf('phases-aws-bare');
  const gated = phasesOf('phases-aws-gated');
  if (!cli || !synth || !bare || !gated) return [];
  const total = wallStats(synth).median;
  const guardCpu = medianRun(synth).processes.filter((p) => p.label === 'cfn-guard').reduce((sum, p) => sum + p.cpuSeconds, 0);
  const gates = Math.max(0, gated.synthSeconds - bare.synthSeconds);
  const rest = total - wallStats(cli).median - gated.importSeconds - gated.constructSeconds - gated.synthSeconds;
  const row = (what: string, s: number, why: string) => `| ${what} | ${secs(s)} | ${Math.round((100 * s) / total)}% | ${why} |`;
  return [
    '### Where the AWS synth\'s time goes',
    '',
    `The CLI synth (${secs(total)} median wall) split with the phase runs (\`scripts/bench-phases.ts\`, in-process timers, medians):`,
    '',
    '| Part | Wall | Share | What it is |',
    '|---|---:|---:|---|',
    row('CDK CLI start', wallStats(cli).median, 'loading the aws-cdk CLI (`cdk --version`); paid by every `cdk synth`'),
    row('App imports', gated.importSeconds, 'aws-cdk-lib and our modules (the import floor\'s app part)'),
    row('Construction', gated.constructSeconds, 'building every stack of every environment from the config'),
    row('Synthesis without gates', bare.synthSeconds, 'CDK resolving tokens and writing the templates (aws-bare phase run)'),
    row('Policy gates', gates, `cdk-nag packs, Control Tower Guard and CDK's built-in CloudFormation validation (gated minus bare synthesis); cfn-guard used ${secs(guardCpu)} CPU in the CLI run`),
    row('Rest', rest, 'the CLI starting the app process, reading the assembly, and measurement noise between separate runs'),
    '',
    'The gates are required work (a synth that skips them proves nothing), and the largest part of them. The Control Tower Guard rules run only where they can apply (`controlTowerRulesFor` in lib/policy/baseline-policy.ts: the rule files naming a resource type the app holds) and each rule file runs on templates reduced to the resources it reads (lib/policy/guard-scope.ts, lib/policy/control-tower-guard-validator.ts): cfn-guard 3.1 copies a template\'s whole `Resources` for every query, so its cost is queries × template size; the reduced templates cut its time about 3× with the same violations (checked against the shipped validator on the default config in CI).',
    '',
  ];
}

export interface TargetRow {
  readonly target: string;
  readonly measured: string;
  readonly met: string;
}

/** The issue's targets against this run's figures. */
export function targets(report: BenchReport): TargetRow[] {
  const rows: TargetRow[] = [];
  const quickNote = report.options.quick ? 'not measured in this run (--quick)' : 'not measured in this run (--only)';
  for (const app of ['aws', 'tf'] as const) {
    const synth = report.synth?.find((m) => m.id === `synth-${app}`);
    const floor = importFloor(report, app);
    const target = `${app === 'aws' ? 'AWS' : 'TF'} synth within 1.5× the import floor + unavoidable ${app === 'aws' ? 'CDK' : 'CDKTF'} work`;
    if (!synth || !floor) {
      rows.push({ target, measured: 'needs the import and synth sections', met: quickNote });
      continue;
    }
    const s = wallStats(synth).median;
    const ratio = s / floor.seconds;
    const cpu = cpuStats(synth).median;
    const work = unavoidableWork(report, app);
    let measured = `${secs(s)} = ${ratio.toFixed(1)}× the floor of ${secs(floor.seconds)} (${floor.parts}); in CPU time ${secs(cpu)} = ${(cpu / floor.cpuSeconds).toFixed(1)}× the floor's ${secs(floor.cpuSeconds)}`;
    let met: string;
    if (work === undefined) met = ratio <= 1.5 ? 'yes' : `undetermined: ${secs(s - 1.5 * floor.seconds)} above 1.5× the floor; the unavoidable ${app === 'aws' ? 'CDK' : 'CDKTF'} work was not measured (synth section's phase runs)`;
    else {
      const limit = 1.5 * floor.seconds + work.seconds;
      measured += `; unavoidable work ${secs(work.seconds)} (${work.parts}), so the limit is 1.5 × ${secs(floor.seconds)} + ${secs(work.seconds)} = ${secs(limit)}`;
      met = s <= limit ? `yes (${secs(limit - s)} below the limit)` : `no: ${secs(s - limit)} above the limit`;
    }
    rows.push({ target, measured, met });
  }
  const both = report.synth?.find((m) => m.id === 'synth-both');
  if (both) {
    const wall = wallStats(both).median;
    rows.push({ target: '`npm run synth` (both apps, default config) at most 20 s', measured: `${secs(wall)} (median wall; CPU ${secs(cpuStats(both).median)})`, met: wall <= 20 ? 'yes' : `no: ${secs(wall - 20)} above` });
  }
  if (report.test) {
    const wall = wallStats(report.test).median;
    rows.push({ target: '`npm test` under 60 s on 2 cores', measured: `${secs(wall)} (median wall, ${report.machine.usableCpus} usable CPUs)`, met: wall < 60 ? 'yes' : 'no' });
    const worker = peakWorkerKiB(report.test);
    rows.push({
      target: 'no jest worker above 1.5 GB peak RSS',
      measured: worker > 0 ? `${gb(worker)} (largest worker VmHWM over all runs)` : 'no worker seen',
      met: worker === 0 ? 'undetermined' : kibToMB(worker) <= 1500 ? 'yes' : 'no',
    });
  } else {
    rows.push({ target: '`npm test` under 60 s on 2 cores', measured: '-', met: quickNote });
    rows.push({ target: 'no jest worker above 1.5 GB peak RSS', measured: '-', met: quickNote });
  }
  const fits = report.scale ? scaleFits(report.scale) : [];
  if (fits.length === 0) rows.push({ target: 'linear growth per environment', measured: '-', met: report.scale ? 'needs 2 or more environment counts' : quickNote });
  for (const fit of fits) {
    rows.push({
      target: `linear growth per environment (${fit.app === 'aws' ? 'AWS' : 'TF'} synth wall time)`,
      measured: `+${secs(fit.wall.slope)} per environment; ${fit.linearity.reason}`,
      met: fit.linearity.verdict === 'linear' ? 'yes' : fit.linearity.verdict === 'sub-linear' ? 'yes (sub-linear: later environments cost less each; no quadratic effect)' : fit.linearity.verdict === 'not linear' ? 'no' : 'undetermined (2 points)',
    });
  }
  return rows;
}

/** One line: `bench: import ... | synth ... | npm test ... | +1 env: ...`. */
export function summaryLine(report: BenchReport): string {
  const parts: string[] = [];
  const med = (m: Measurement | undefined) => (m ? secs(wallStats(m).median) : '?');
  if (report.imports) {
    parts.push(`import aws ${med(report.imports.find((m) => m.id === 'import-aws'))}, tf ${med(report.imports.find((m) => m.id === 'import-tf'))}, cdk CLI ${med(report.imports.find((m) => m.id === 'cdk-cli'))}`);
  }
  if (report.synth) {
    const both = report.synth.find((m) => m.id === 'synth-both');
    parts.push(`synth ${both ? `both ${med(both)}, ` : ''}aws ${med(report.synth.find((m) => m.id === 'synth-aws'))}, tf ${med(report.synth.find((m) => m.id === 'synth-tf'))}`);
  }
  if (report.test) {
    const worker = peakWorkerKiB(report.test);
    parts.push(`npm test ${med(report.test)} (peak worker ${worker ? gb(worker) : '?'})`);
  } else parts.push('npm test not run');
  const fits = report.scale ? scaleFits(report.scale) : [];
  if (fits.length) parts.push(`+1 env: ${fits.map((f) => `${f.app} +${secs(f.wall.slope)}`).join(', ')}`);
  const failures = [...(report.imports ?? []), ...(report.synth ?? []), ...(report.test ? [report.test] : []), ...(report.scale ?? []).flatMap((p) => [p.aws, p.tf])].filter((m) => m.runs.some((r) => r.exitStatus !== 0));
  if (failures.length) parts.push(`FAILED: ${failures.map((m) => m.title).join(', ')}`);
  return `bench: ${parts.join(' | ')}`;
}

function methodText(report: BenchReport): string[] {
  const timer =
    report.timer === 'gnu-time'
      ? 'Each measurement is one child process run under `/usr/bin/time -v -o FILE`: wall time ("Elapsed"), CPU time (user + system) and "Maximum resident set size" come from it. That maximum is the kernel\'s ru_maxrss, i.e. the peak RSS of the **largest single process** among the command and the descendants it waited for, not the sum of the tree (checked on this machine: a shell running a 300 MB node and then a 100 MB node reports ~348 MB).'
      : 'GNU time (`/usr/bin/time`, Debian package `time`) was not available (or BENCH_TIMER=node), so wall time is Node\'s `process.hrtime` around the child, peak RSS is the largest VmHWM the sampler saw (largest single process, as GNU time would report), and CPU time is the sum of the last sampled utime + stime of each process (under-counts by up to one sampling interval per process).';
  return [
    '## Method',
    '',
    `- ${timer}`,
    `- To attribute peaks and time, the bench samples the process tree every ${report.sampleMs} ms from \`/proc\`: parentage and start time from \`/proc/<pid>/stat\`, peak RSS from \`VmHWM\` in \`/proc/<pid>/status\` (the kernel's own high-water mark, so a peak between two samples still counts) and a label from \`/proc/<pid>/cmdline\`. The jest worker peak is the largest VmHWM of a \`jest-worker/build/processChild.js\` process (jest.config.js sets \`maxWorkers: 2\`). Processes living less than one interval can be missed by the sampler (GNU time's figure still covers them). "Alive" times are from the process start (\`/proc\` start time) to the last sample that saw it (±${report.sampleMs / 1000} s); "CPU, summed" adds each process's own utime + stime at its last sample (its children not included). The sampler's own CPU is in the Run table.`,
    `- ${report.options.runs} run${report.options.runs === 1 ? '' : 's'} of each measurement (the Runs column says how many a row had, when sections of two bench runs were combined), interleaved within a section; tables show the median with min–max. Memory is in decimal MB/GB (10^6 / 10^9 bytes), from KiB × 1.024 / 1000.`,
    '- Import floor: a Node process that only `require`s the modules an app loads (through `scripts/register.js`, the same swc hook the apps use) and constructs nothing; `cdk --version` through `npx --no-install` is the CDK CLI\'s own start-up, which every `cdk synth` pays before it starts the app. The AWS floor is CLI start + AWS app imports; the TF floor is the TF app imports.',
    '- Synth: `npx --no-install cdk synth --quiet --no-notices --output <tmp>` (the AWS app with its policy gates: every cdk-nag pack and the Control Tower cfn-guard rules) and `CDKTF_OUTDIR=<tmp> node -r ./scripts/register.js stacks/tf-app.ts`, with the default config/baseline.json. The environment is the CI one of `.ci/run` (CI=true, CHECKPOINT_DISABLE=1, CDK telemetry and version check off, no colour).',
    '- `npm test`: `npm test -- --json --outputFile=<tmp>` (tsc --noEmit, then jest); jest\'s own time is from its start to the end of the last test file.',
    `- Scaling: configs of ${report.options.envCounts.join(', ')} environments, each a clone of \`staging\` with its own name, AWS account, Azure subscription, disjoint private /16s, Cloudflare ids and hostnames, validated with \`parseConfig\` before any synth; each app is synthesized with \`BASELINE_CONFIG\` pointing at it. The per-environment cost is the slope of a least-squares line through the medians. Growth counts as linear when r² ≥ 0.98 and the per-environment cost of the last segment is 0.67×–1.5× that of the first; with 2 points it is undetermined.`,
    '- The machine was shared: other jobs ran during the bench (see the load averages). Wall times under load are inflated; CPU time is the steadier figure for comparing commits, wall time is what a person waits.',
    '',
  ];
}

/** The whole BENCHMARKS.md; a function of `report` only. */
export function renderMarkdown(report: BenchReport): string {
  const m = report.machine;
  const lines: string[] = [
    '# Benchmarks',
    '',
    `Written by \`npm run bench${report.options.quick ? ' -- --quick' : ''}\` (scripts/bench.ts, issue 7). Re-run it to refresh; numbers from different machines or loads are not comparable.`,
    '',
    '## Run',
    '',
    '| | |',
    '|---|---|',
    `| Date | ${report.date} |`,
    `| Commit | ${report.commit}${report.dirty.length ? ` + uncommitted changes in ${report.dirty.length} path${report.dirty.length === 1 ? '' : 's'}: ${report.dirty.slice(0, 8).map((p) => `\`${p}\``).join(', ')}${report.dirty.length > 8 ? ', ...' : ''}` : ' (clean)'}${report.commitAtEnd ? `; **HEAD moved to ${report.commitAtEnd} during the bench: later sections may have measured newer code**${report.movedPaths ? ` (changed between the two: ${report.movedPaths.length ? report.movedPaths.slice(0, 8).map((p) => `\`${p}\``).join(', ') + (report.movedPaths.length > 8 ? ', ...' : '') : 'nothing'})` : ''}` : ''} |`,
    `| CPU | ${m.cpuModel}, ${m.cpuCount} processor${m.cpuCount === 1 ? '' : 's'} in /proc/cpuinfo, ${m.usableCpus} usable |`,
    `| Memory | ${gb(m.memTotalKiB)} (MemTotal) |`,
    `| OS | ${m.os}, kernel ${m.kernel} |`,
    `| Node / npm | ${m.node} / ${m.npm} |`,
    `| Options | runs ${report.options.runs}${report.options.quick ? ', --quick' : ''}; sections ${report.options.sections.join(', ')} |`,
    `| Load average (1/5/15 min) | start ${report.loadStart.map((x) => x.toFixed(2)).join(' / ')}, end ${report.loadEnd.map((x) => x.toFixed(2)).join(' / ')} (${m.usableCpus} CPUs; above ${m.usableCpus} means other jobs competed for the CPUs) |`,
    `| Bench duration | ${secs(report.durationSeconds)}; the bench process (sampler) used ${secs(report.samplerCpuSeconds)} CPU while children ran |`,
    '',
    '## Summary',
    '',
    '```',
    summaryLine(report),
    '```',
    '',
    '## Targets',
    '',
    '| Target | Measured | Met? |',
    '|---|---|---|',
    ...targets(report).map((t) => `| ${t.target} | ${t.measured} | ${t.met} |`),
    '',
  ];
  if (report.imports) lines.push(...section('1. Import floor', report.imports, false));
  if (report.synth) lines.push(...section('2. Synth, default config', report.synth, true), ...awsTimeBreakdown(report));
  if (report.test) {
    lines.push(...section('3. Full `npm test`', [report.test], true));
    const jests = report.test.runs.map((r) => r.extra?.jest).filter((j): j is JestSummary => j !== undefined);
    if (jests.length) {
      const js = stats(jests.map((j) => j.seconds));
      const last = jests[Math.floor((jests.length - 1) / 2)];
      lines.push(
        `jest's own time: ${range(js, secs)}; ${last.files} test files, ${last.tests} tests, ${last.failedTests} failed. Largest jest worker: ${gb(peakWorkerKiB(report.test))}.`,
        '',
        'Slowest test files (median run, jest perfStats):',
        '',
        '| Test file | Seconds |',
        '|---|---:|',
        ...last.slowest.map((s) => `| ${s.file} | ${s.seconds.toFixed(1)} |`),
        '',
      );
    } else lines.push('jest wrote no result file (the type check or jest failed before running tests).', '');
  }
  if (report.scale) {
    lines.push(
      '## 4. Scaling with the number of environments',
      '',
      '| Environments | App | Stacks | Wall, median (min–max) | CPU, median (min–max) | CPU by process (median run) | Peak RSS, largest process, median (min–max) | Load (1 min) before |',
      '|---:|---|---:|---:|---:|---|---:|---:|',
    );
    for (const p of report.scale) {
      for (const meas of [p.aws, p.tf]) {
        lines.push(`| ${p.envs} | ${meas === p.aws ? 'AWS (cdk synth)' : 'TF (tf-app.ts)'}${failed(meas)} | ${medianRun(meas).extra?.stacks ?? '?'} | ${range(wallStats(meas), secs)} | ${range(cpuStats(meas), secs)} | ${cpuByProcess(medianRun(meas))} | ${range(rssStats(meas), mb)} | ${stats(meas.runs.map((r) => r.loadBefore)).median.toFixed(2)} |`);
      }
    }
    lines.push('');
    const fits = scaleFits(report.scale);
    if (fits.length) {
      lines.push(
        'Cost of one more environment (least-squares slope through the medians):',
        '',
        '| App | Wall / env | CPU / env | Peak RSS / env | Stacks / env | Fixed wall (intercept) | Growth |',
        '|---|---:|---:|---:|---:|---:|---|',
        ...fits.map((f) => `| ${f.app === 'aws' ? 'AWS' : 'TF'} | +${secs(f.wall.slope)} | +${secs(f.cpu.slope)} | +${mb(f.rss.slope)} | ${f.stacksPerEnv === undefined ? '?' : f.stacksPerEnv.toFixed(1)} | ${secs(f.wall.intercept)} | ${f.linearity.verdict}: ${f.linearity.reason} |`),
        '',
      );
    }
  }
  lines.push(...methodText(report));
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

// ---------------------------------------------------------------------------------------------
// Running: the process-tree sampler and one measured child process

const REPO = path.resolve(__dirname, '..');
const SAMPLE_MS = 200;
const GNU_TIME = '/usr/bin/time';

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function loadAverage(): number[] {
  return (readText('/proc/loadavg') ?? '0 0 0').split(' ').slice(0, 3).map(Number);
}

let clkTck: number | undefined;
/** Clock ticks per second of /proc times (read once, when the first run starts). */
function CLK_TCK(): number {
  if (clkTck === undefined) {
    const n = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim());
    clkTck = Number.isFinite(n) && n > 0 ? n : 100;
  }
  return clkTck;
}

interface Tracked {
  startTicks: number;
  label: string;
  peakKiB: number;
  cpuTicks: number;
  lastSeenMs: number;
}

/**
 * Follows the process tree under `rootPid`: every tick it reads the parent of every process in
 * /proc, adopts the children of tracked processes, and records each one's VmHWM and label.
 */
class TreeSampler {
  private readonly tracked = new Map<string, Tracked>(); // key `${pid}@${startTicks}`
  private readonly live = new Map<number, number>(); // pid -> startTicks of tracked processes
  private rootStartTicks: number | undefined;
  private readonly t0 = Date.now();

  constructor(private readonly rootPid: number) {}

  sample(): void {
    const now = Date.now() - this.t0;
    const all = new Map<number, { ppid: number; startTicks: number; cpuTicks: number }>();
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      const stat = readText(`/proc/${name}/stat`);
      if (stat) all.set(Number(name), parseProcStat(stat));
    }
    const root = all.get(this.rootPid);
    if (root && !this.live.has(this.rootPid)) {
      this.live.set(this.rootPid, root.startTicks);
      this.rootStartTicks ??= root.startTicks;
    }
    // Adopt children of tracked processes until nothing changes (a grandchild may have a lower pid).
    for (let changed = true; changed; ) {
      changed = false;
      for (const [pid, info] of all) {
        if (this.live.get(pid) === info.startTicks) continue;
        if (this.live.get(info.ppid) === all.get(info.ppid)?.startTicks && this.live.has(info.ppid)) {
          this.live.set(pid, info.startTicks);
          changed = true;
        }
      }
    }
    for (const [pid, startTicks] of this.live) {
      const info = all.get(pid);
      if (!info || info.startTicks !== startTicks) {
        this.live.delete(pid);
        continue;
      }
      const status = readText(`/proc/${pid}/status`);
      const cmdline = readText(`/proc/${pid}/cmdline`);
      if (status === undefined || cmdline === undefined) continue;
      const argv = cmdline.split('\0').filter(Boolean);
      // The label is the latest one: a process's argv changes when it exec()s (env -> node) and
      // when it sets process.title (npm -> "npm exec ..."). A zombie has an empty cmdline.
      const key = `${pid}@${startTicks}`;
      const t = this.tracked.get(key) ?? { startTicks, label: '?', peakKiB: 0, cpuTicks: 0, lastSeenMs: now };
      if (argv.length) t.label = classifyProcess(argv);
      t.peakKiB = Math.max(t.peakKiB, parseVmHwm(status));
      t.cpuTicks = Math.max(t.cpuTicks, info.cpuTicks);
      t.lastSeenMs = now;
      this.tracked.set(key, t);
    }
  }

  processes(): ProcessPeak[] {
    const base = this.rootStartTicks ?? 0;
    return [...this.tracked.values()]
      .filter((t) => t.label !== 'time' && t.label !== '?')
      .map((t) => ({
        label: t.label,
        peakKiB: t.peakKiB,
        startSeconds: Math.max(0, (t.startTicks - base) / CLK_TCK()),
        lastSeenSeconds: t.lastSeenMs / 1000,
        cpuSeconds: t.cpuTicks / CLK_TCK(),
      }))
      .sort((a, b) => a.startSeconds - b.startSeconds);
  }

  cpuSeconds(): number {
    return [...this.tracked.values()].reduce((s, t) => s + t.cpuTicks, 0) / CLK_TCK();
  }
}

interface CommandSpec {
  readonly id: string;
  readonly title: string;
  readonly display: string;
  readonly cmd: string;
  /** Arguments; `__OUT__` stands for the run's output path (`out`). */
  readonly args: readonly string[];
  readonly env?: Record<string, string>;
  /** A fresh output path per run (removed before and after the run), and the variable naming it. */
  readonly out?: { readonly path: (run: number) => string; readonly env?: string };
  /** Called after each run, before its output is removed, for per-run figures (stack counts, jest results). */
  readonly after?: (run: number) => RunResult['extra'];
}

interface Context {
  readonly tmp: string;
  readonly timer: 'gnu-time' | 'node';
  readonly baseEnv: NodeJS.ProcessEnv;
}

async function runOnce(spec: CommandSpec, run: number, ctx: Context): Promise<RunResult> {
  const out = spec.out?.path(run);
  if (out) rmSync(out, { recursive: true, force: true });
  const specArgs = spec.args.map((a) => (a === '__OUT__' && out ? out : a));
  const env = { ...ctx.baseEnv, ...spec.env, ...(out && spec.out?.env ? { [spec.out.env]: out } : {}) };
  const logFile = path.join(ctx.tmp, 'logs', `${spec.id}-${run}.log`);
  const timeFile = path.join(ctx.tmp, 'logs', `${spec.id}-${run}.time`);
  const log = openSync(logFile, 'w');
  const loadBefore = loadAverage()[0];
  const cmd = ctx.timer === 'gnu-time' ? GNU_TIME : spec.cmd;
  const args = ctx.timer === 'gnu-time' ? ['-v', '-o', timeFile, spec.cmd, ...specArgs] : specArgs;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const child = spawn(cmd, args, { cwd: REPO, env, stdio: ['ignore', log, log] });
  const sampler = new TreeSampler(child.pid!);
  sampler.sample();
  const timer = setInterval(() => sampler.sample(), SAMPLE_MS);
  const code = await new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (c, signal) => resolve(c ?? 128 + (signal ? os.constants.signals[signal] : 0)));
  });
  clearInterval(timer);
  const hrWall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu1 = process.cpuUsage(cpu0);
  closeSync(log);
  const processes = sampler.processes();
  let wallSeconds: number;
  let cpuSeconds: number;
  let maxRssKiB: number;
  let exitStatus: number;
  if (ctx.timer === 'gnu-time') {
    const t = parseTimeV(readFileSync(timeFile, 'utf8'));
    ({ wallSeconds, maxRssKiB, exitStatus } = t);
    cpuSeconds = t.userSeconds + t.systemSeconds;
  } else {
    wallSeconds = hrWall;
    cpuSeconds = sampler.cpuSeconds();
    maxRssKiB = Math.max(0, ...processes.map((p) => p.peakKiB));
    exitStatus = code;
  }
  if (exitStatus !== 0) {
    const tail = (readText(logFile) ?? '').trimEnd().split('\n').slice(-25).join('\n');
    process.stderr.write(`bench: ${spec.title} (run ${run}) exited with ${exitStatus}; last lines of ${logFile}:\n${tail}\n`);
  }
  const extra = spec.after?.(run);
  if (out) rmSync(out, { recursive: true, force: true });
  return {
    wallSeconds,
    cpuSeconds,
    maxRssKiB,
    exitStatus,
    loadBefore,
    processes,
    samplerCpuSeconds: (cpu1.user + cpu1.system) / 1e6,
    ...(extra ? { extra } : {}),
  };
}

/** Runs every spec `runs` times, interleaved (run 1 of each, then run 2 of each...). */
async function measureAll(specs: readonly CommandSpec[], runs: number, ctx: Context): Promise<Measurement[]> {
  const results = specs.map(() => [] as RunResult[]);
  for (let run = 1; run <= runs; run++) {
    for (const [i, spec] of specs.entries()) {
      process.stderr.write(`bench: ${spec.title}, run ${run}/${runs} ... `);
      const r = await runOnce(spec, run, ctx);
      results[i].push(r);
      const notes = [
        ...(r.extra?.stacks !== undefined ? [`${r.extra.stacks} stacks`] : []),
        ...(r.processes.some((p) => p.label === 'jest worker') ? [`largest jest worker ${mb(Math.max(...r.processes.filter((p) => p.label === 'jest worker').map((p) => p.peakKiB)))}`] : []),
      ];
      process.stderr.write(`${secs(r.wallSeconds)} wall, ${secs(r.cpuSeconds)} CPU, ${mb(r.maxRssKiB)} largest process${notes.map((n) => `, ${n}`).join('')} (load ${r.loadBefore.toFixed(2)})\n`);
    }
  }
  return specs.map((spec, i) => ({ id: spec.id, title: spec.title, command: spec.display, runs: results[i] }));
}

function countAwsStacks(dir: string): number {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.template.json')).length : 0;
}

function countTfStacks(dir: string): number {
  const stacks = path.join(dir, 'stacks');
  return existsSync(stacks) ? readdirSync(stacks).length : 0;
}

const REGISTER = ['-r', './scripts/register.js'];

function awsSynthSpec(id: string, title: string, ctx: Context, env: Record<string, string> = {}): CommandSpec {
  return {
    id,
    title,
    display: `${env.BASELINE_CONFIG ? 'BASELINE_CONFIG=<generated> ' : ''}npx --no-install cdk synth --quiet --no-notices --output <tmp>`,
    cmd: 'npx',
    args: ['--no-install', 'cdk', 'synth', '--quiet', '--no-notices', '--output', '__OUT__'],
    env,
    out: { path: (run) => path.join(ctx.tmp, `${id}-${run}.cdk.out`) },
    after: (run) => ({ stacks: countAwsStacks(path.join(ctx.tmp, `${id}-${run}.cdk.out`)) }),
  };
}

function tfSynthSpec(id: string, title: string, ctx: Context, env: Record<string, string> = {}): CommandSpec {
  return {
    id,
    title,
    display: `${env.BASELINE_CONFIG ? 'BASELINE_CONFIG=<generated> ' : ''}CDKTF_OUTDIR=<tmp> node -r ./scripts/register.js stacks/tf-app.ts`,
    cmd: 'node',
    args: [...REGISTER, 'stacks/tf-app.ts'],
    env,
    out: { path: (run) => path.join(ctx.tmp, `${id}-${run}.cdktf.out`), env: 'CDKTF_OUTDIR' },
    after: (run) => ({ stacks: countTfStacks(path.join(ctx.tmp, `${id}-${run}.cdktf.out`)) }),
  };
}

/** `npm run synth`: both apps at once (scripts/synth.js), into fresh directories. */
function synthBothSpec(id: string, title: string, ctx: Context): CommandSpec {
  const tf = path.join(ctx.tmp, `${id}.cdktf.out`);
  return {
    id,
    title,
    display: 'CDK_OUTDIR=<tmp> CDKTF_OUTDIR=<tmp> npm run synth',
    cmd: 'npm',
    args: ['run', 'synth'],
    env: { CDKTF_OUTDIR: tf },
    out: { path: (run) => path.join(ctx.tmp, `${id}-${run}.cdk.out`), env: 'CDK_OUTDIR' },
    after: (run) => {
      const stacks = countAwsStacks(path.join(ctx.tmp, `${id}-${run}.cdk.out`)) + countTfStacks(tf);
      rmSync(tf, { recursive: true, force: true });
      return { stacks };
    },
  };
}

function phasesSpec(id: string, title: string, mode: 'aws-bare' | 'aws-gated' | 'tf', ctx: Context): CommandSpec {
  const out = (run: number) => path.join(ctx.tmp, `${id}-${run}.out`);
  return {
    id,
    title,
    display: `node -r ./scripts/register.js scripts/bench-phases.ts ${mode} <tmp>`,
    cmd: 'node',
    args: [...REGISTER, 'scripts/bench-phases.ts', mode, '__OUT__'],
    out: { path: out },
    after: (run) => {
      const file = `${out(run)}.phases.json`;
      const text = readText(file);
      rmSync(file, { force: true });
      return text ? { phases: JSON.parse(text) as Phases } : undefined;
    },
  };
}

function machineInfo(): MachineInfo {
  const cpu = parseCpuInfo(readText('/proc/cpuinfo') ?? '');
  const mem = /^MemTotal:\s+(\d+)/m.exec(readText('/proc/meminfo') ?? '');
  const osName = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readText('/etc/os-release') ?? '');
  const npm = spawnSync('npm', ['--version'], { encoding: 'utf8' }).stdout?.trim() || 'unknown';
  const usable = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return {
    cpuModel: cpu.model,
    cpuCount: cpu.count,
    usableCpus: usable,
    memTotalKiB: mem ? Number(mem[1]) : Math.round(os.totalmem() / 1024),
    node: process.version,
    npm,
    os: osName ? osName[1] : `${os.type()}`,
    kernel: os.release(),
  };
}

function git(args: string[]): string {
  return spawnSync('git', args, { cwd: REPO, encoding: 'utf8' }).stdout ?? '';
}

/** Paths changed between two commits (a fact of history, so a re-render can compute it too). */
function movedPaths(from: string, to: string): string[] {
  return git(['diff', '--name-only', from, to]).split('\n').filter(Boolean);
}

/** Paths of `git status --porcelain` lines (`XY path`, or `XY old -> new`). */
export function dirtyPaths(porcelain: string): string[] {
  return porcelain
    .split('\n')
    .filter((l) => l.length > 3)
    .map((l) => l.slice(3).split(' -> ').pop()!);
}

async function main(): Promise<void> {
  let options: BenchOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
  if (options.fromJson) {
    let saved = JSON.parse(readFileSync(path.resolve(options.fromJson), 'utf8')) as BenchReport;
    if (saved.commitAtEnd && !saved.movedPaths) saved = { ...saved, movedPaths: movedPaths(saved.commit, saved.commitAtEnd) };
    const outFile = path.resolve(REPO, options.out);
    writeFileSync(outFile, renderMarkdown(saved));
    process.stderr.write(`bench: re-rendered ${path.relative(process.cwd(), outFile)} from ${options.fromJson} (measured ${saved.date})\n`);
    console.log(summaryLine(saved));
    return;
  }
  const started = process.hrtime.bigint();
  const timer: Context['timer'] = process.env.BENCH_TIMER !== 'node' && existsSync(GNU_TIME) ? 'gnu-time' : 'node';
  if (timer === 'node') process.stderr.write('bench: /usr/bin/time not found (Debian package `time`) or BENCH_TIMER=node: using Node timers and /proc sampling\n');
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  mkdirSync(path.join(tmp, 'logs'));
  // The CI environment of .ci/run: no telemetry, no version checks, no colour.
  const baseEnv: NodeJS.ProcessEnv = {
    ...process.env,
    CI: 'true',
    CHECKPOINT_DISABLE: '1',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
    CDK_DISABLE_VERSION_CHECK: 'true',
    FORCE_COLOR: '0',
    NO_COLOR: '1',
    npm_config_update_notifier: 'false',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
  };
  delete baseEnv.BASELINE_CONFIG;
  delete baseEnv.CDKTF_OUTDIR;
  const ctx: Context = { tmp, timer, baseEnv };
  const loadStart = loadAverage();
  const commit = git(['rev-parse', '--short', 'HEAD']).trim() || 'unknown';
  const dirty = dirtyPaths(git(['status', '--porcelain']));
  process.stderr.write(`bench: ${options.runs} run(s) of ${options.sections.join(', ')}; load average ${loadStart.join(' ')}; logs in ${tmp}/logs\n`);

  let imports: Measurement[] | undefined;
  let synth: Measurement[] | undefined;
  let test: Measurement | undefined;
  let scale: ScalePoint[] | undefined;

  if (options.sections.includes('scale')) {
    // Validate every generated config first: a bad generator fails before minutes of synth.
    const base = JSON.parse(readFileSync(path.join(REPO, 'config', 'baseline.json'), 'utf8'));
    for (const n of options.envCounts) {
      const config = generateConfig(base, n);
      const file = path.join(tmp, `baseline-${n}env.json`);
      validateGenerated(config, file);
      writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
    }
  }

  if (options.sections.includes('import')) {
    const req = (mods: string[]) => mods.map((m) => `require('${m}')`).join('; ');
    const awsMods = ['aws-cdk-lib', './lib/config/load', './stacks/aws-stacks', './lib/policy/baseline-policy'];
    const tfMods = ['cdktf', './lib/config/load', './stacks/azure-stacks', './stacks/cloudflare-stacks'];
    imports = await measureAll(
      [
        { id: 'node-bare', title: 'Node start-up (reference)', display: 'node -e 0', cmd: 'node', args: ['-e', '0'] },
        { id: 'cdk-cli', title: 'CDK CLI start-up', display: 'npx --no-install cdk --version', cmd: 'npx', args: ['--no-install', 'cdk', '--version'] },
        { id: 'import-aws', title: 'AWS app imports', display: `node -r ./scripts/register.js -e "${req(awsMods)}"`, cmd: 'node', args: [...REGISTER, '-e', req(awsMods)] },
        { id: 'import-tf', title: 'TF app imports', display: `node -r ./scripts/register.js -e "${req(tfMods)}"`, cmd: 'node', args: [...REGISTER, '-e', req(tfMods)] },
      ],
      options.runs,
      ctx,
    );
  }

  if (options.sections.includes('synth')) {
    synth = await measureAll(
      [
        synthBothSpec('synth-both', 'npm run synth (both apps)', ctx),
        awsSynthSpec('synth-aws', 'AWS app synth', ctx),
        tfSynthSpec('synth-tf', 'TF app synth', ctx),
        // The same apps split into phases in-process: what the unavoidable work is.
        phasesSpec('phases-aws-bare', 'AWS app phases, no gates', 'aws-bare', ctx),
        phasesSpec('phases-aws-gated', 'AWS app phases, every gate', 'aws-gated', ctx),
        phasesSpec('phases-tf', 'TF app phases', 'tf', ctx),
      ],
      options.runs,
      ctx,
    );
  }

  if (options.sections.includes('test')) {
    const jsonFile = (run: number) => path.join(tmp, `jest-${run}.json`);
    [test] = await measureAll(
      [
        {
          id: 'npm-test',
          title: 'npm test',
          display: 'npm test -- --json --outputFile=<tmp>',
          cmd: 'npm',
          args: ['test', '--', '--json', '--outputFile', '__OUT__'],
          out: { path: jsonFile },
          after: (run) => {
            const text = readText(jsonFile(run));
            return text ? { jest: jestSummary(JSON.parse(text), REPO) } : {};
          },
        },
      ],
      options.runs,
      ctx,
    );
  }

  if (options.sections.includes('scale')) {
    scale = [];
    for (const n of options.envCounts) {
      const env = { BASELINE_CONFIG: path.join(tmp, `baseline-${n}env.json`) };
      const [aws, tf] = await measureAll(
        [awsSynthSpec(`scale-aws-${n}`, `AWS synth, ${n} env${n === 1 ? '' : 's'}`, ctx, env), tfSynthSpec(`scale-tf-${n}`, `TF synth, ${n} env${n === 1 ? '' : 's'}`, ctx, env)],
        options.runs,
        ctx,
      );
      scale.push({ envs: n, aws, tf });
    }
  }

  const samplerCpu = [...(imports ?? []), ...(synth ?? []), ...(test ? [test] : []), ...(scale ?? []).flatMap((p) => [p.aws, p.tf])].flatMap((m) => m.runs).reduce((s, r) => s + r.samplerCpuSeconds, 0);
  const commitAtEnd = git(['rev-parse', '--short', 'HEAD']).trim() || 'unknown';
  const report: BenchReport = {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    commit,
    ...(commitAtEnd !== commit ? { commitAtEnd, movedPaths: movedPaths(commit, commitAtEnd) } : {}),
    dirty,
    machine: machineInfo(),
    options,
    timer,
    sampleMs: SAMPLE_MS,
    loadStart,
    loadEnd: loadAverage(),
    durationSeconds: Number(process.hrtime.bigint() - started) / 1e9,
    samplerCpuSeconds: samplerCpu,
    ...(imports ? { imports } : {}),
    ...(synth ? { synth } : {}),
    ...(test ? { test } : {}),
    ...(scale ? { scale } : {}),
  };
  const outFile = path.resolve(REPO, options.out);

  writeFileSync(outFile, renderMarkdown(report));
  writeFileSync(path.join(tmp, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  process.stderr.write(`bench: wrote ${path.relative(process.cwd(), outFile)}; raw results in ${tmp}/report.json\n`);
  console.log(summaryLine(report));
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`bench: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  });
}
