// `npm run bench`: the figures of issues 7 and 17 (import floor, synth of each app and its phases,
// `npm run synth`, the full `npm test` with its largest jest worker, growth per environment),
// written to BENCHMARKS.md with one summary line on stdout. Every measurement is a whole child
// process; nothing here changes the apps or the tests.
//
//   npm run bench                     3 runs of every section (medians, min and max)
//   npm run bench -- --runs 5         5 runs
//   npm run bench -- --quick          1 run; skips `npm test` and the 16-environment point
//   npm run bench -- --only synth     one section (import, synth, test or scale; repeatable or comma-separated)
//   npm run bench -- --out FILE       write the report to FILE instead of BENCHMARKS.md
//   npm run bench -- --from-json F    measure nothing: re-render the raw results (report.json) of an earlier run
//
// Wall time, CPU time and peak RSS come from GNU time (`/usr/bin/time -v`, Debian package `time`):
// its "Maximum resident set size" is the kernel's ru_maxrss of the child, the peak of the LARGEST
// SINGLE process among the child and the descendants it waited for, not the sum of the tree. To
// attribute peaks and CPU (jest worker, tsc, CDK CLI, app, cfn-guard), the process tree is sampled
// from /proc every 200 ms: VmHWM is the kernel's own peak RSS of a process, so a peak between two
// samples still counts. No npm package reads VmHWM (pidusage samples the current RSS, pidtree
// spawns `ps` per sample), so the sampler reads /proc itself; statistics come from
// simple-statistics and the tables from markdown-table.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs as parseCli } from 'node:util';
import { markdownTable } from 'markdown-table';
import { linearRegression, linearRegressionLine, max, median, min, rSquared } from 'simple-statistics';
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

export const USAGE =
  'usage: npm run bench -- [--runs N] [--quick] [--only import|synth|test|scale ...] [--out FILE] [--from-json report.json]';

/**
 * Reads the command line. `--quick` means one run, no `npm test` and no 16-environment point; an
 * explicit `--runs` still wins, and `--only test` still runs `npm test`.
 * @throws Error with the usage line on a bad option.
 */
export function parseArgs(argv: readonly string[]): BenchOptions {
  let values: { runs?: string; quick?: boolean; only?: string[]; out?: string; 'from-json'?: string; help?: boolean };
  try {
    ({ values } = parseCli({
      args: [...argv],
      options: {
        runs: { type: 'string' },
        quick: { type: 'boolean' },
        only: { type: 'string', multiple: true },
        out: { type: 'string' },
        'from-json': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${USAGE}`);
  }
  if (values.help) throw new Error(USAGE);
  if (values.runs !== undefined && !/^[1-9]\d*$/.test(values.runs))
    throw new Error(`--runs must be a positive integer, not "${values.runs}"\n${USAGE}`);
  const only = (values.only ?? []).flatMap((v) => v.split(',')).filter(Boolean);
  const unknown = only.find((s) => !SECTIONS.includes(s as Section));
  if (unknown !== undefined) throw new Error(`--only takes ${SECTIONS.join(', ')}, not "${unknown}"\n${USAGE}`);
  const quick = values.quick === true;
  const sections = only.length > 0 ? SECTIONS.filter((s) => only.includes(s)) : SECTIONS.filter((s) => !(quick && s === 'test'));
  return {
    runs: values.runs ? Number(values.runs) : quick ? 1 : 3,
    quick,
    sections,
    envCounts: quick ? [1, 4] : [1, 4, 16],
    out: values.out ?? 'BENCHMARKS.md',
    ...(values['from-json'] ? { fromJson: values['from-json'] } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// GNU time, statistics, fits

export interface TimeV {
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  readonly maxRssKiB: number;
  /** Exit status of the command; a signal is reported as 128 + signal. */
  readonly exitStatus: number;
}

/** Reads wall time (`h:mm:ss` or `m:ss.ss`), user + system CPU, peak RSS and exit status from `/usr/bin/time -v` output. */
export function parseTimeV(text: string): TimeV {
  const field = (label: string): string => {
    const line = text.split('\n').find((l) => l.trim().startsWith(label));
    if (!line) throw new Error(`/usr/bin/time -v output has no "${label}" line`);
    return line.slice(line.lastIndexOf(': ') + 2).trim();
  };
  const elapsed = field('Elapsed (wall clock) time').split(':').map(Number);
  if (elapsed.length < 2 || elapsed.some((p) => !Number.isFinite(p)))
    throw new Error(`unreadable elapsed time "${field('Elapsed (wall clock) time')}"`);
  const signal = /Command terminated by signal (\d+)/.exec(text);
  return {
    wallSeconds: elapsed.reduce((total, part) => total * 60 + part, 0),
    cpuSeconds: Number(field('User time (seconds)')) + Number(field('System time (seconds)')),
    maxRssKiB: Number(field('Maximum resident set size (kbytes)')),
    exitStatus: signal ? 128 + Number(signal[1]) : Number(field('Exit status')),
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
  const v = [...values];
  return { median: median(v), min: min(v), max: max(v), n: v.length };
}

export interface Fit {
  readonly slope: number;
  readonly intercept: number;
  /** Coefficient of determination; 1 when the points lie on the line (or when all y are equal). */
  readonly r2: number;
}

/** Ordinary least-squares line through (x, y). @throws with fewer than 2 distinct x. */
export function leastSquares(xs: readonly number[], ys: readonly number[]): Fit {
  if (xs.length !== ys.length || new Set(xs).size < 2) throw new Error('leastSquares needs at least 2 distinct x values, one y each');
  const points = xs.map((x, i) => [x, ys[i]]);
  const { m, b } = linearRegression(points);
  const r2 = rSquared(points, linearRegressionLine({ m, b }));
  return { slope: m, intercept: b, r2: Number.isNaN(r2) ? 1 : r2 };
}

export interface Linearity {
  readonly verdict: 'linear' | 'sub-linear' | 'not linear' | 'undetermined';
  readonly reason: string;
}

/**
 * Whether y grows linearly with x. With 2 points any growth is a line: "undetermined". With 3 or
 * more: linear when the fit explains at least 98 % of the variance (r² >= 0.98) AND the per-unit
 * cost of the last segment is within 0.67x-1.5x of the first (a superlinear cost hides easily
 * behind a high r² with few points); sub-linear when the fit holds but the last segment costs less
 * than 0.67x the first (a fixed cost amortizing: no quadratic effect).
 */
export function assessLinearity(xs: readonly number[], ys: readonly number[]): Linearity {
  if (xs.length < 3)
    return {
      verdict: 'undetermined',
      reason: `${xs.length} points: any two points lie on a line; run without --quick for the 16-environment point`,
    };
  const fit = leastSquares(xs, ys);
  const k = xs.length - 1;
  const first = (ys[1] - ys[0]) / (xs[1] - xs[0]);
  const last = (ys[k] - ys[k - 1]) / (xs[k] - xs[k - 1]);
  const ratio = first === 0 ? (last === 0 ? 1 : Infinity) : last / first;
  const reason =
    `r² ${fit.r2.toFixed(3)}; per-env cost ${num(first)} over ${xs[0]}→${xs[1]}, ${num(last)} over ${xs[k - 1]}→${xs[k]} (ratio ` +
    `${Number.isFinite(ratio) ? ratio.toFixed(2) : '∞'})`;
  if (fit.r2 < 0.98 || ratio > 1.5) return { verdict: 'not linear', reason };
  return { verdict: ratio < 0.67 ? 'sub-linear' : 'linear', reason };
}

const num = (x: number) => x.toFixed(Math.abs(x) >= 100 ? 0 : Math.abs(x) >= 10 ? 1 : 2);

// ---------------------------------------------------------------------------------------------
// /proc, process labels, jest results

/** /proc/<pid>/stat: parent pid, start time (clock ticks after boot), utime + stime (ticks). */
export function parseProcStat(text: string): { ppid: number; startTicks: number; cpuTicks: number } {
  // The command name (field 2) is in parentheses and may hold spaces or parentheses itself; rest[n - 3] is field n.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(rest[1]), startTicks: Number(rest[19]), cpuTicks: Number(rest[11]) + Number(rest[12]) };
}

/** VmHWM (peak RSS) of /proc/<pid>/status in KiB; 0 for a process without memory (a zombie). */
export function parseVmHwm(status: string): number {
  return Number(/^VmHWM:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? 0);
}

/** Labels in the order they are tried: the first whose test matches the argv (joined) or its executable. */
const LABELS: readonly [string, (line: string, exe: string) => boolean][] = [
  ['time', (_, exe) => exe === 'time'],
  ['shell', (_, exe) => ['sh', 'bash', 'dash'].includes(exe)],
  ['cfn-guard', (line) => line.includes('cfn-guard')],
  ['chromium', (_, exe) => /chrom(e|ium)/i.test(exe)],
  ['jest worker', (line) => line.includes('jest-worker') && /processChild|threadChild/.test(line)],
  ['npm test runner', (line) => line.includes('scripts/test.js')],
  ['npm run synth runner', (line) => line.includes('scripts/synth.js')],
  ['test synth (shared)', (line) => line.includes('test/synth-cache-child.ts')],
  ['aws app', (line) => line.includes('stacks/aws-app.ts')],
  ['tf app', (line) => line.includes('stacks/tf-app.ts')],
  ['tsc (native)', (line) => line.includes('@typescript/')],
  ['tsc (node shim)', (line) => /(^|\/)tsc(\s|$)/.test(line) || line.includes('typescript/bin/tsc')],
  ['cdk CLI', (line) => /\/(aws-cdk\/bin\/cdk|\.bin\/cdk)(\s|$)/.test(line)],
  ['jest', (line) => /\/(jest\/bin\/jest(\.js)?|\.bin\/jest)(\s|$)/.test(line)],
  ['npx', (line, exe) => exe === 'npx' || /^npm exec/.test(line) || /npm-cli\.js exec|npx-cli\.js/.test(line)],
  ['npm', (line, exe) => exe === 'npm' || /^npm( |$)/.test(line) || line.includes('npm-cli.js')],
  ['node', (_, exe) => exe === 'node'],
];

/** A short label of a process, from its argv, for the per-process breakdown. */
export function classifyProcess(argv: readonly string[]): string {
  const line = argv.join(' ');
  // Some programs (Chromium) rewrite their argv into one space-separated string.
  const exe = path.basename((argv[0] ?? '').split(/\s/)[0]);
  return LABELS.find(([, test]) => test(line, exe))?.[0] ?? (exe.slice(0, 40) || '?');
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
export function jestSummary(result: any, repoRoot: string, top = 5): JestSummary {
  const files = (result.testResults as any[]).map((t) => {
    const start = t.perfStats?.start ?? t.startTime ?? 0;
    const end = t.perfStats?.end ?? t.endTime ?? start;
    return { file: path.relative(repoRoot, t.name), seconds: (end - start) / 1000, end };
  });
  const lastEnd = Math.max(result.startTime, ...files.map((f) => f.end));
  const slowest = [...files]
    .sort((a, b) => b.seconds - a.seconds || (a.file < b.file ? -1 : 1))
    .slice(0, top)
    .map(({ file, seconds }) => ({ file, seconds }));
  return {
    seconds: (lastEnd - result.startTime) / 1000,
    files: files.length,
    tests: result.numTotalTests,
    failedTests: result.numFailedTests,
    slowest,
  };
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
  if (!Number.isInteger(count) || count < 1 || count > 64)
    throw new Error(`environment count must be 1-64 (four /16s each in 10.0.0.0/8), not ${count}`);
  const proto = (base as { environments?: Record<string, unknown> }).environments?.[template];
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
      Object.assign(env.cloudflare, { accountId: hex('a'), zoneId: hex('c'), zoneName: zone, hostname: `app.${zone}` });
      if (env.cloudflare.origins && env.cloudflare.origins.outputsFile === undefined)
        Object.assign(env.cloudflare.origins, { primary: `origin-primary.${zone}`, dr: `origin-dr.${zone}` });
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
// Results (the raw report.json) and their rendering: same input, same Markdown

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

/** One app's synth split into phases, timed inside its process (scripts/bench-phases.ts). */
export interface Phases {
  readonly importSeconds: number;
  readonly constructSeconds: number;
  readonly synthSeconds: number;
}

export interface RunResult {
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  /** Largest single process of the tree (GNU time's ru_maxrss). */
  readonly maxRssKiB: number;
  readonly exitStatus: number;
  /** 1-minute load average read just before the run. */
  readonly loadBefore: number;
  readonly processes: readonly ProcessPeak[];
  /** Measurement-specific figures (stack counts, jest results, phases). */
  readonly extra?: { readonly stacks?: number; readonly jest?: JestSummary; readonly phases?: Phases };
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
  /** Paths with uncommitted changes when the bench started (the measured tree is HEAD plus these). */
  readonly dirty: readonly string[];
  readonly machine: MachineInfo;
  readonly options: BenchOptions;
  readonly sampleMs: number;
  readonly loadStart: readonly number[];
  readonly loadEnd: readonly number[];
  readonly durationSeconds: number;
  /** CPU seconds the bench process itself spent, the sampler included. */
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

const secs = (x: number) => `${x.toFixed(x < 10 ? 2 : 1)} s`;
const mb = (kib: number) => `${Math.round(kibToMB(kib))} MB`;
const signed = (x: number, fmt: (x: number) => string) => `${x < 0 ? '' : '+'}${fmt(x)}`;
const gb = (kib: number) => `${(kibToMB(kib) / 1000).toFixed(2)} GB`;
const range = (s: Stats, fmt: (x: number) => string) => (s.n === 1 ? fmt(s.median) : `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})`);
const of = (m: Measurement, field: 'wallSeconds' | 'cpuSeconds' | 'maxRssKiB' | 'loadBefore') => stats(m.runs.map((r) => r[field]));
const wall = (m: Measurement) => of(m, 'wallSeconds').median;
const find = (list: readonly Measurement[] | undefined, id: string) => list?.find((m) => m.id === id);

/** A GitHub table; `align` is one letter per column (`l`, `r`). */
function table(header: readonly string[], align: string, rows: readonly (readonly string[])[]): string[] {
  return [markdownTable([header, ...rows], { align: [...align], alignDelimiters: false }), ''];
}

function failed(m: Measurement): string {
  const bad = m.runs.filter((r) => r.exitStatus !== 0);
  return bad.length === 0
    ? ''
    : ` **FAILED ${bad.length}/${m.runs.length} (exit ${[...new Set(bad.map((r) => r.exitStatus))].join(', ')})**`;
}

/** The run whose wall time is the median (the lower middle one for an even count). */
export function medianRun(m: Measurement): RunResult {
  return [...m.runs].sort((a, b) => a.wallSeconds - b.wallSeconds)[Math.floor((m.runs.length - 1) / 2)];
}

/** Largest VmHWM of the jest workers over every run, KiB (0 if no worker was seen). */
export function peakWorkerKiB(m: Measurement): number {
  return Math.max(0, ...m.runs.flatMap((r) => r.processes.filter((p) => p.label === 'jest worker').map((p) => p.peakKiB)));
}

/** Per-label sums of one run's processes, in order of first start. */
function byLabel(run: RunResult): [string, { count: number; peak: number; alive: number; first: number; last: number; cpu: number }][] {
  const groups = new Map<string, { count: number; peak: number; alive: number; first: number; last: number; cpu: number }>();
  for (const p of run.processes) {
    const g = groups.get(p.label) ?? { count: 0, peak: 0, alive: 0, first: Infinity, last: 0, cpu: 0 };
    groups.set(p.label, {
      count: g.count + 1,
      peak: Math.max(g.peak, p.peakKiB),
      alive: g.alive + Math.max(0, p.lastSeenSeconds - p.startSeconds),
      first: Math.min(g.first, p.startSeconds),
      last: Math.max(g.last, p.lastSeenSeconds),
      cpu: g.cpu + p.cpuSeconds,
    });
  }
  return [...groups.entries()].sort((a, b) => a[1].first - b[1].first || (a[0] < b[0] ? -1 : 1));
}

/** CPU seconds per process label of one run, largest first: `cfn-guard 65.3 s, aws app 19.3 s`. */
export function cpuByProcess(run: RunResult, top = 3): string {
  const rows = byLabel(run)
    .filter(([, g]) => g.cpu >= 0.05)
    .sort((a, b) => b[1].cpu - a[1].cpu || (a[0] < b[0] ? -1 : 1));
  return rows.length
    ? rows
        .slice(0, top)
        .map(([label, g]) => `${label} ${secs(g.cpu)}`)
        .join(', ')
    : '-';
}

function section(title: string, measurements: readonly Measurement[], withProcesses = true): string[] {
  const lines = [
    `## ${title}`,
    '',
    ...table(
      [
        'Measurement',
        'Command',
        'Runs',
        'Wall, median (min–max)',
        'CPU user+sys, median (min–max)',
        'Peak RSS, largest process, median (min–max)',
        'Load (1 min) before',
      ],
      'llrrrrr',
      measurements.map((m) => [
        `${m.title}${failed(m)}`,
        `\`${m.command}\``,
        String(m.runs.length),
        range(of(m, 'wallSeconds'), secs),
        range(of(m, 'cpuSeconds'), secs),
        range(of(m, 'maxRssKiB'), mb),
        of(m, 'loadBefore').median.toFixed(2),
      ]),
    ),
  ];
  for (const m of withProcesses ? measurements : []) {
    const run = medianRun(m);
    if (run.processes.length === 0) continue;
    lines.push(`Processes of "${m.title}" (median run, ${secs(run.wallSeconds)} wall; sampled every 200 ms, times ±0.2 s):`, '');
    lines.push(
      ...table(
        ['Process', 'Count', 'Peak RSS (largest)', 'Alive from → last seen', 'Alive, summed', 'CPU, summed'],
        'lrrrrr',
        byLabel(run).map(([label, g]) => [
          label,
          String(g.count),
          mb(g.peak),
          `${g.first.toFixed(1)} s → ${g.last.toFixed(1)} s`,
          `${g.alive.toFixed(1)} s`,
          `${g.cpu.toFixed(1)} s`,
        ]),
      ),
    );
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
    const stacks = ms.map((m) => medianRun(m).extra?.stacks);
    return {
      app,
      wall: leastSquares(xs, ms.map(wall)),
      cpu: leastSquares(
        xs,
        ms.map((m) => of(m, 'cpuSeconds').median),
      ),
      rss: leastSquares(
        xs,
        ms.map((m) => of(m, 'maxRssKiB').median),
      ),
      stacksPerEnv: stacks.every((s) => s !== undefined) ? leastSquares(xs, stacks as number[]).slope : undefined,
      linearity: assessLinearity(xs, ms.map(wall)),
    };
  });
}

/** Median phases of a phase measurement (scripts/bench-phases.ts), if it ran. */
function phasesOf(report: BenchReport, id: string): Phases | undefined {
  const ps =
    find(report.synth, id)
      ?.runs.map((r) => r.extra?.phases)
      .filter((p): p is Phases => p !== undefined) ?? [];
  const med = (k: keyof Phases) => stats(ps.map((p) => p[k])).median;
  return ps.length
    ? { importSeconds: med('importSeconds'), constructSeconds: med('constructSeconds'), synthSeconds: med('synthSeconds') }
    : undefined;
}

/**
 * The work a synth cannot avoid, from the phase runs (medians): constructing the stacks and
 * synthesizing them, for AWS with every gate the project requires (cdk-nag packs, Control Tower
 * Guard, CDK's built-in CloudFormation validation: a synth must pass them).
 */
export function unavoidableWork(report: BenchReport, app: 'aws' | 'tf'): { seconds: number; parts: string } | undefined {
  const p = phasesOf(report, app === 'aws' ? 'phases-aws-gated' : 'phases-tf');
  return (
    p && {
      seconds: p.constructSeconds + p.synthSeconds,
      parts: `construction ${secs(p.constructSeconds)} + app.synth() ${secs(p.synthSeconds)}${app === 'aws' ? ' with every gate' : ''}`,
    }
  );
}

/** The import floor of an app: CDK CLI start + app imports (AWS), app imports (TF). */
function importFloor(report: BenchReport, app: 'aws' | 'tf'): { seconds: number; cpuSeconds: number; parts: string } | undefined {
  const parts = (app === 'aws' ? ['cdk-cli', 'import-aws'] : ['import-tf']).map((id) => find(report.imports, id));
  if (parts.some((m) => !m)) return undefined;
  const ms = parts as Measurement[];
  return {
    seconds: ms.reduce((s, m) => s + wall(m), 0),
    cpuSeconds: ms.reduce((s, m) => s + of(m, 'cpuSeconds').median, 0),
    parts: app === 'aws' ? `CDK CLI start ${secs(wall(ms[0]))} + app imports ${secs(wall(ms[1]))}` : `app imports ${secs(wall(ms[0]))}`,
  };
}

/** Where the AWS CLI synth's wall time goes: CLI start, app phases, gates, the rest. */
export function awsTimeBreakdown(report: BenchReport): string[] {
  const [cli, synth] = [find(report.imports, 'cdk-cli'), find(report.synth, 'synth-aws')];
  const [bare, gated] = [phasesOf(report, 'phases-aws-bare'), phasesOf(report, 'phases-aws-gated')];
  if (!cli || !synth || !bare || !gated) return [];
  const total = wall(synth);
  const guardCpu = medianRun(synth)
    .processes.filter((p) => p.label === 'cfn-guard')
    .reduce((sum, p) => sum + p.cpuSeconds, 0);
  const rest = total - wall(cli) - gated.importSeconds - gated.constructSeconds - gated.synthSeconds;
  const row = (what: string, s: number, why: string) => [what, secs(s), `${Math.round((100 * s) / total)}%`, why];
  return [
    "### Where the AWS synth's time goes",
    '',
    `The CLI synth (${secs(total)} median wall) split with the phase runs (\`scripts/bench-phases.ts\`, in-process timers, medians):`,
    '',
    ...table(['Part', 'Wall', 'Share', 'What it is'], 'lrrl', [
      row('CDK CLI start', wall(cli), 'loading the aws-cdk CLI (`cdk --version`); paid by every `cdk synth`'),
      row('App imports', gated.importSeconds, "aws-cdk-lib and our modules (the import floor's app part)"),
      row('Construction', gated.constructSeconds, 'building every stack of every environment from the config'),
      row('Synthesis without gates', bare.synthSeconds, 'CDK resolving tokens and writing the templates (aws-bare phase run)'),
      row(
        'Policy gates',
        Math.max(0, gated.synthSeconds - bare.synthSeconds),
        `cdk-nag packs, Control Tower Guard and CDK's built-in CloudFormation validation (gated minus bare synthesis); ` +
          `cfn-guard used ${secs(guardCpu)} CPU in the CLI run`,
      ),
      row('Rest', rest, 'the CLI starting the app process, reading the assembly, and measurement noise between separate runs'),
    ]),
    'The gates are required work (a synth that skips them proves nothing), and the largest part of it. The Control Tower ' +
      'Guard rules run only where they can apply (the rule files naming a resource type the app holds), each on templates ' +
      "reduced to the resources it reads: cfn-guard 3.1 copies a template's whole `Resources` for every query, so its cost is " +
      'queries × template size.',
    '',
  ];
}

export interface TargetRow {
  readonly target: string;
  readonly measured: string;
  readonly met: string;
}

/** The targets of issues 7 and 17 against this run's figures. */
export function targets(report: BenchReport): TargetRow[] {
  const rows: TargetRow[] = [];
  const notRun = `not measured in this run (${report.options.quick ? '--quick' : '--only'})`;
  for (const app of ['aws', 'tf'] as const) {
    const [synth, floor, work] = [find(report.synth, `synth-${app}`), importFloor(report, app), unavoidableWork(report, app)];
    const [kind, target] = [
      app === 'aws' ? 'CDK' : 'CDKTF',
      `${app === 'aws' ? 'AWS' : 'TF'} synth within 1.5× the import floor + unavoidable ${app === 'aws' ? 'CDK' : 'CDKTF'} work`,
    ];
    if (!synth || !floor) {
      rows.push({ target, measured: 'needs the import and synth sections', met: notRun });
      continue;
    }
    const [s, cpu] = [wall(synth), of(synth, 'cpuSeconds').median];
    let measured =
      `${secs(s)} = ${(s / floor.seconds).toFixed(1)}× the floor of ${secs(floor.seconds)} (${floor.parts}); in CPU time ` +
      `${secs(cpu)} = ${(cpu / floor.cpuSeconds).toFixed(1)}× the floor's ${secs(floor.cpuSeconds)}`;
    let met: string;
    if (!work)
      met =
        s <= 1.5 * floor.seconds
          ? 'yes'
          : `undetermined: ${secs(s - 1.5 * floor.seconds)} above 1.5× the floor; the unavoidable ${kind} work was not measured ` +
            `(synth section's phase runs)`;
    else {
      const limit = 1.5 * floor.seconds + work.seconds;
      measured +=
        `; unavoidable work ${secs(work.seconds)} (${work.parts}), so the limit is 1.5 × ${secs(floor.seconds)} + ` +
        `${secs(work.seconds)} = ${secs(limit)}`;
      met = s <= limit ? `yes (${secs(limit - s)} below the limit)` : `no: ${secs(s - limit)} above the limit`;
    }
    rows.push({ target, measured, met });
  }
  const both = find(report.synth, 'synth-both');
  if (both)
    rows.push({
      target: '`npm run synth` (both apps, default config) at most 20 s',
      measured: `${secs(wall(both))} (median wall; CPU ${secs(of(both, 'cpuSeconds').median)})`,
      met: wall(both) <= 20 ? 'yes' : `no: ${secs(wall(both) - 20)} above`,
    });
  const testTarget = '`npm test` under 60 s on 2 cores';
  const workerTarget = 'no jest worker above 1.5 GB peak RSS';
  if (report.test) {
    const worker = peakWorkerKiB(report.test);
    rows.push({
      target: testTarget,
      measured: `${secs(wall(report.test))} (median wall, ${report.machine.usableCpus} usable CPUs)`,
      met: wall(report.test) < 60 ? 'yes' : 'no',
    });
    rows.push({
      target: workerTarget,
      measured: worker > 0 ? `${gb(worker)} (largest worker VmHWM over all runs)` : 'no worker seen',
      met: worker === 0 ? 'undetermined' : kibToMB(worker) <= 1500 ? 'yes' : 'no',
    });
  } else rows.push({ target: testTarget, measured: '-', met: notRun }, { target: workerTarget, measured: '-', met: notRun });
  const fits = report.scale ? scaleFits(report.scale) : [];
  if (fits.length === 0)
    rows.push({
      target: 'linear growth per environment',
      measured: '-',
      met: report.scale ? 'needs 2 or more environment counts' : notRun,
    });
  const verdicts = {
    linear: 'yes',
    'sub-linear': 'yes (sub-linear: later environments cost less each; no quadratic effect)',
    'not linear': 'no',
    undetermined: 'undetermined (2 points)',
  };
  for (const fit of fits)
    rows.push({
      target: `linear growth per environment (${fit.app === 'aws' ? 'AWS' : 'TF'} synth wall time)`,
      measured: `${signed(fit.wall.slope, secs)} per environment; ${fit.linearity.reason}`,
      met: verdicts[fit.linearity.verdict],
    });
  return rows;
}

function allMeasurements(report: BenchReport): Measurement[] {
  return [
    ...(report.imports ?? []),
    ...(report.synth ?? []),
    ...(report.test ? [report.test] : []),
    ...(report.scale ?? []).flatMap((p) => [p.aws, p.tf]),
  ];
}

/** One line: `bench: import ... | synth ... | npm test ... | +1 env: ...`. */
export function summaryLine(report: BenchReport): string {
  const med = (m: Measurement | undefined) => (m ? secs(wall(m)) : '?');
  const parts: string[] = [];
  if (report.imports)
    parts.push(
      `import aws ${med(find(report.imports, 'import-aws'))}, tf ${med(find(report.imports, 'import-tf'))}, cdk CLI ` +
        `${med(find(report.imports, 'cdk-cli'))}`,
    );
  if (report.synth) {
    const both = find(report.synth, 'synth-both');
    parts.push(
      `synth ${both ? `both ${med(both)}, ` : ''}aws ${med(find(report.synth, 'synth-aws'))}, tf ${med(find(report.synth, 'synth-tf'))}`,
    );
  }
  parts.push(
    report.test
      ? `npm test ${med(report.test)} (peak worker ${peakWorkerKiB(report.test) ? gb(peakWorkerKiB(report.test)) : '?'})`
      : 'npm test not run',
  );
  const fits = report.scale ? scaleFits(report.scale) : [];
  if (fits.length) parts.push(`+1 env: ${fits.map((f) => `${f.app} ${signed(f.wall.slope, secs)}`).join(', ')}`);
  const failures = allMeasurements(report).filter((m) => m.runs.some((r) => r.exitStatus !== 0));
  if (failures.length) parts.push(`FAILED: ${failures.map((m) => m.title).join(', ')}`);
  return `bench: ${parts.join(' | ')}`;
}

function methodText(report: BenchReport): string[] {
  const runs = report.options.runs;
  return [
    '## Method',
    '',
    '- Each measurement is one child process run under `/usr/bin/time -v -o FILE`: wall time ("Elapsed"), CPU time (user + ' +
      'system) and "Maximum resident set size" come from it. That maximum is the kernel\'s ru_maxrss, i.e. the peak RSS of the ' +
      '**largest single process** among the command and the descendants it waited for, not the sum of the tree (checked on this ' +
      'machine: a shell running a 300 MB node and then a 100 MB node reports ~348 MB).',
    `- To attribute peaks and time, the bench samples the process tree every ${report.sampleMs} ms from \`/proc\`: parentage ` +
      `and start time from \`/proc/<pid>/stat\`, peak RSS from \`VmHWM\` in \`/proc/<pid>/status\` (the kernel's own high-water ` +
      `mark, so a peak between two samples still counts) and a label from \`/proc/<pid>/cmdline\`. The jest worker peak is the ` +
      `largest VmHWM of a \`jest-worker/build/processChild.js\` process (jest.config.js sets \`maxWorkers: 2\`). Processes ` +
      `living less than one interval can be missed by the sampler (GNU time's figure still covers them). "Alive" times are from ` +
      `the process start (\`/proc\` start time) to the last sample that saw it (±${report.sampleMs / 1000} s); "CPU, summed" ` +
      `adds each process's own utime + stime at its last sample (its children not included). The sampler's own CPU is in the ` +
      `Run table.`,
    `- ${runs} run${runs === 1 ? '' : 's'} of each measurement (the Runs column says how many a row had), interleaved within ` +
      `a section; tables show the median with min–max (simple-statistics). Memory is in decimal MB/GB (10^6 / 10^9 bytes), from ` +
      `KiB × 1.024 / 1000.`,
    '- Import floor: a Node process that only `require`s the modules an app loads (through `scripts/register.js`, the same ' +
      "swc hook the apps use) and constructs nothing; `cdk --version` through `npx --no-install` is the CDK CLI's own start-up, " +
      'which every `cdk synth` pays before it starts the app. The AWS floor is CLI start + AWS app imports; the TF floor is the ' +
      'TF app imports.',
    '- Synth: `npm run synth` (both apps at once, scripts/synth.js), `npx --no-install cdk synth --quiet --no-notices ' +
      '--output <tmp>` (the AWS app with its policy gates: every cdk-nag pack and the Control Tower cfn-guard rules) and ' +
      '`CDKTF_OUTDIR=<tmp> node -r ./scripts/register.js stacks/tf-app.ts`, with the default config/baseline.json. The ' +
      'environment is the CI one of `.ci/run` (CI=true, CHECKPOINT_DISABLE=1, CDK telemetry and version check off, no colour).',
    '- `npm test`: `npm test -- --json --outputFile=<tmp>` (scripts/test.js: tsc --noEmit at low priority alongside jest); ' +
      "jest's own time is from its start to the end of the last test file.",
    `- Scaling: configs of ${report.options.envCounts.join(', ')} environments, each a clone of \`staging\` with its own ` +
      `name, AWS account, Azure subscription, disjoint private /16s, Cloudflare ids and hostnames, validated with ` +
      `\`parseConfig\` before any synth; each app is synthesized with \`BASELINE_CONFIG\` pointing at it. The per-environment ` +
      `cost is the slope of a least-squares line through the medians. Growth counts as linear when r² ≥ 0.98 and the ` +
      `per-environment cost of the last segment is 0.67×–1.5× that of the first; with 2 points it is undetermined.`,
    '- The machine was shared: other jobs ran during the bench (see the load averages). Wall times under load are inflated; ' +
      'CPU time is the steadier figure for comparing commits, wall time is what a person waits.',
    '',
  ];
}

/** The whole BENCHMARKS.md; a function of `report` only. */
export function renderMarkdown(report: BenchReport): string {
  const m = report.machine;
  const paths = (list: readonly string[]) =>
    `${list
      .slice(0, 8)
      .map((p) => `\`${p}\``)
      .join(', ')}${list.length > 8 ? ', ...' : ''}`;
  const commit =
    `${report.commit}` +
    (report.dirty.length
      ? ` + uncommitted changes in ${report.dirty.length} path${report.dirty.length === 1 ? '' : 's'}: ${paths(report.dirty)}`
      : ' (clean)') +
    (report.commitAtEnd ? `; **HEAD moved to ${report.commitAtEnd} during the bench: later sections may have measured newer code**` : '');
  const load = (l: readonly number[]) => l.map((x) => x.toFixed(2)).join(' / ');
  const lines: string[] = [
    '# Benchmarks',
    '',
    `Written by \`npm run bench${report.options.quick ? ' -- --quick' : ''}\` (scripts/bench.ts). Re-run it to refresh; ` +
      `numbers from different machines or loads are not comparable.`,
    '',
    '## Run',
    '',
    ...table(['', ''], 'll', [
      ['Date', report.date],
      ['Commit', commit],
      ['CPU', `${m.cpuModel}, ${m.cpuCount} processor${m.cpuCount === 1 ? '' : 's'} in /proc/cpuinfo, ${m.usableCpus} usable`],
      ['Memory', `${gb(m.memTotalKiB)} (MemTotal)`],
      ['OS', `${m.os}, kernel ${m.kernel}`],
      ['Node / npm', `${m.node} / ${m.npm}`],
      ['Options', `runs ${report.options.runs}${report.options.quick ? ', --quick' : ''}; sections ${report.options.sections.join(', ')}`],
      [
        'Load average (1/5/15 min)',
        `start ${load(report.loadStart)}, end ${load(report.loadEnd)} (${m.usableCpus} CPUs; above ${m.usableCpus} means ` +
          `other jobs competed for the CPUs)`,
      ],
      [
        'Bench duration',
        `${secs(report.durationSeconds)}; the bench process (its sampler included) used ${secs(report.samplerCpuSeconds)} CPU`,
      ],
    ]),
    '## Summary',
    '',
    '```',
    summaryLine(report),
    '```',
    '',
    '## Targets',
    '',
    ...table(
      ['Target', 'Measured', 'Met?'],
      'lll',
      targets(report).map((t) => [t.target, t.measured, t.met]),
    ),
  ];
  if (report.imports) lines.push(...section('1. Import floor', report.imports, false));
  if (report.synth) lines.push(...section('2. Synth, default config', report.synth), ...awsTimeBreakdown(report));
  if (report.test) {
    lines.push(...section('3. Full `npm test`', [report.test]));
    const jests = report.test.runs.map((r) => r.extra?.jest).filter((j): j is JestSummary => j !== undefined);
    if (jests.length) {
      const last = jests[Math.floor((jests.length - 1) / 2)];
      lines.push(
        `jest's own time: ${range(stats(jests.map((j) => j.seconds)), secs)}; ${last.files} test files, ${last.tests} tests, ` +
          `${last.failedTests} failed. Largest jest worker: ${gb(peakWorkerKiB(report.test))}.`,
        '',
      );
      lines.push(
        'Slowest test files (median run, jest perfStats):',
        '',
        ...table(
          ['Test file', 'Seconds'],
          'lr',
          last.slowest.map((s) => [s.file, s.seconds.toFixed(1)]),
        ),
      );
    } else lines.push('jest wrote no result file (the type check or jest failed before running tests).', '');
  }
  if (report.scale) {
    lines.push('## 4. Scaling with the number of environments', '');
    lines.push(
      ...table(
        [
          'Environments',
          'App',
          'Stacks',
          'Wall, median (min–max)',
          'CPU, median (min–max)',
          'CPU by process (median run)',
          'Peak RSS, largest process, median (min–max)',
          'Load (1 min) before',
        ],
        'rlrrrlrr',
        report.scale.flatMap((p) =>
          [p.aws, p.tf].map((meas) => [
            String(p.envs),
            `${meas === p.aws ? 'AWS (cdk synth)' : 'TF (tf-app.ts)'}${failed(meas)}`,
            String(medianRun(meas).extra?.stacks ?? '?'),
            range(of(meas, 'wallSeconds'), secs),
            range(of(meas, 'cpuSeconds'), secs),
            cpuByProcess(medianRun(meas)),
            range(of(meas, 'maxRssKiB'), mb),
            of(meas, 'loadBefore').median.toFixed(2),
          ]),
        ),
      ),
    );
    const fits = scaleFits(report.scale);
    if (fits.length) {
      lines.push('Cost of one more environment (least-squares slope through the medians):', '');
      lines.push(
        ...table(
          ['App', 'Wall / env', 'CPU / env', 'Peak RSS / env', 'Stacks / env', 'Fixed wall (intercept)', 'Growth'],
          'lrrrrrl',
          fits.map((f) => [
            f.app === 'aws' ? 'AWS' : 'TF',
            signed(f.wall.slope, secs),
            signed(f.cpu.slope, secs),
            signed(f.rss.slope, mb),
            f.stacksPerEnv === undefined ? '?' : f.stacksPerEnv.toFixed(1),
            secs(f.wall.intercept),
            `${f.linearity.verdict}: ${f.linearity.reason}`,
          ]),
        ),
      );
    }
  }
  lines.push(...methodText(report));
  return `${lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

// ---------------------------------------------------------------------------------------------
// Running: the process-tree sampler and one measured child process

const REPO = path.resolve(__dirname, '..');
const SAMPLE_MS = 200;
const GNU_TIME = '/usr/bin/time';
const REGISTER = ['-r', './scripts/register.js'];

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

const loadAverage = () => (readText('/proc/loadavg') ?? '0 0 0').split(' ').slice(0, 3).map(Number);
const git = (args: string[]) => spawnSync('git', args, { cwd: REPO, encoding: 'utf8' }).stdout ?? '';

/** Paths of `git status --porcelain` lines (`XY path`, or `XY old -> new`). */
export function dirtyPaths(porcelain: string): string[] {
  return porcelain
    .split('\n')
    .filter((l) => l.length > 3)
    .map((l) => l.slice(3).split(' -> ').pop()!);
}

/**
 * Follows the process tree under `rootPid`: every tick it reads the parent of every process in
 * /proc, adopts the children of tracked processes, and records each one's VmHWM, CPU and label
 * (the latest: a process's argv changes when it exec()s or sets process.title).
 */
function treeSampler(rootPid: number) {
  const tck = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;
  const tracked = new Map<string, { startTicks: number; label: string; peakKiB: number; cpuTicks: number; lastSeenMs: number }>();
  const live = new Map<number, number>(); // pid -> start ticks
  const t0 = Date.now();
  let rootStart: number | undefined;
  return {
    sample(): void {
      const now = Date.now() - t0;
      const all = new Map<number, ReturnType<typeof parseProcStat>>();
      for (const name of readdirSync('/proc')) {
        const stat = /^\d+$/.test(name) ? readText(`/proc/${name}/stat`) : undefined;
        if (stat) all.set(Number(name), parseProcStat(stat));
      }
      const root = all.get(rootPid);
      if (root && !live.has(rootPid)) {
        rootStart ??= root.startTicks;
        live.set(rootPid, rootStart);
      }
      // Adopt children of tracked processes until nothing changes (a grandchild may have a lower pid).
      for (let changed = true; changed; ) {
        changed = false;
        for (const [pid, info] of all) {
          if (live.get(pid) !== info.startTicks && live.has(info.ppid) && live.get(info.ppid) === all.get(info.ppid)?.startTicks) {
            live.set(pid, info.startTicks);
            changed = true;
          }
        }
      }
      for (const [pid, startTicks] of live) {
        const info = all.get(pid);
        const [status, cmdline] = [readText(`/proc/${pid}/status`), readText(`/proc/${pid}/cmdline`)];
        if (!info || info.startTicks !== startTicks) live.delete(pid);
        if (!info || info.startTicks !== startTicks || status === undefined || cmdline === undefined) continue;
        const argv = cmdline.split('\0').filter(Boolean); // empty for a zombie
        const t = tracked.get(`${pid}@${startTicks}`) ?? { startTicks, label: '?', peakKiB: 0, cpuTicks: 0, lastSeenMs: now };
        tracked.set(`${pid}@${startTicks}`, {
          ...t,
          label: argv.length ? classifyProcess(argv) : t.label,
          peakKiB: Math.max(t.peakKiB, parseVmHwm(status)),
          cpuTicks: Math.max(t.cpuTicks, info.cpuTicks),
          lastSeenMs: now,
        });
      }
    },
    processes(): ProcessPeak[] {
      return [...tracked.values()]
        .filter((t) => t.label !== 'time' && t.label !== '?')
        .map((t) => ({
          label: t.label,
          peakKiB: t.peakKiB,
          startSeconds: Math.max(0, (t.startTicks - (rootStart ?? 0)) / tck),
          lastSeenSeconds: t.lastSeenMs / 1000,
          cpuSeconds: t.cpuTicks / tck,
        }))
        .sort((a, b) => a.startSeconds - b.startSeconds);
    },
  };
}

interface CommandSpec {
  readonly id: string;
  readonly title: string;
  readonly display: string;
  readonly cmd: string;
  /** Arguments; `__OUT__` stands for the run's output path. */
  readonly args: readonly string[];
  readonly env?: Record<string, string>;
  /** The run's output path (removed before and after the run), and the variable naming it. */
  readonly out?: { readonly path: (run: number) => string; readonly env?: string };
  /** Reads per-run figures (stack counts, jest results, phases) before the output is removed. */
  readonly after?: (run: number) => RunResult['extra'];
}

interface Context {
  readonly tmp: string;
  readonly baseEnv: NodeJS.ProcessEnv;
}

async function runOnce(spec: CommandSpec, run: number, ctx: Context): Promise<RunResult> {
  const out = spec.out?.path(run);
  if (out) rmSync(out, { recursive: true, force: true });
  const env = { ...ctx.baseEnv, ...spec.env, ...(out && spec.out?.env ? { [spec.out.env]: out } : {}) };
  const [logFile, timeFile] = ['log', 'time'].map((ext) => path.join(ctx.tmp, 'logs', `${spec.id}-${run}.${ext}`));
  const log = openSync(logFile, 'w');
  const loadBefore = loadAverage()[0];
  const child = spawn(GNU_TIME, ['-v', '-o', timeFile, spec.cmd, ...spec.args.map((a) => (a === '__OUT__' && out ? out : a))], {
    cwd: REPO,
    env,
    stdio: ['ignore', log, log],
  });
  const sampler = treeSampler(child.pid!);
  sampler.sample();
  const timer = setInterval(() => sampler.sample(), SAMPLE_MS);
  await new Promise((resolve, reject) => child.on('error', reject).on('exit', resolve));
  clearInterval(timer);
  closeSync(log);
  const t = parseTimeV(readFileSync(timeFile, 'utf8'));
  if (t.exitStatus !== 0)
    process.stderr.write(
      `bench: ${spec.title} (run ${run}) exited with ${t.exitStatus}; last lines of ` +
        `${logFile}:\n${(readText(logFile) ?? '').trimEnd().split('\n').slice(-25).join('\n')}\n`,
    );
  const extra = spec.after?.(run);
  if (out) rmSync(out, { recursive: true, force: true });
  return {
    wallSeconds: t.wallSeconds,
    cpuSeconds: t.cpuSeconds,
    maxRssKiB: t.maxRssKiB,
    exitStatus: t.exitStatus,
    loadBefore,
    processes: sampler.processes(),
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
      const worker = peakWorkerKiB({ id: '', title: '', command: '', runs: [r] });
      process.stderr.write(
        `${secs(r.wallSeconds)} wall, ${secs(r.cpuSeconds)} CPU, ${mb(r.maxRssKiB)} largest ` +
          `process${r.extra?.stacks !== undefined ? `, ${r.extra.stacks} stacks` : ''}` +
          `${worker ? `, largest jest worker ${mb(worker)}` : ''} (load ${r.loadBefore.toFixed(2)})\n`,
      );
    }
  }
  return specs.map((spec, i) => ({ id: spec.id, title: spec.title, command: spec.display, runs: results[i] }));
}

const countAws = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.template.json')).length : 0);
const countTf = (dir: string) => (existsSync(path.join(dir, 'stacks')) ? readdirSync(path.join(dir, 'stacks')).length : 0);

/** A synth of one app (`aws`: `cdk synth` through the CLI; `tf`: tf-app.ts), with the default config or `BASELINE_CONFIG`. */
function synthSpec(app: 'aws' | 'tf', id: string, title: string, ctx: Context, env: Record<string, string> = {}): CommandSpec {
  const dir = (run: number) => path.join(ctx.tmp, `${id}-${run}.${app === 'aws' ? 'cdk' : 'cdktf'}.out`);
  const prefix = env.BASELINE_CONFIG ? 'BASELINE_CONFIG=<generated> ' : '';
  return app === 'aws'
    ? {
        id,
        title,
        display: `${prefix}npx --no-install cdk synth --quiet --no-notices --output <tmp>`,
        cmd: 'npx',
        args: ['--no-install', 'cdk', 'synth', '--quiet', '--no-notices', '--output', '__OUT__'],
        env,
        out: { path: dir },
        after: (run) => ({ stacks: countAws(dir(run)) }),
      }
    : {
        id,
        title,
        display: `${prefix}CDKTF_OUTDIR=<tmp> node -r ./scripts/register.js stacks/tf-app.ts`,
        cmd: 'node',
        args: [...REGISTER, 'stacks/tf-app.ts'],
        env,
        out: { path: dir, env: 'CDKTF_OUTDIR' },
        after: (run) => ({ stacks: countTf(dir(run)) }),
      };
}

function phasesSpec(id: string, title: string, mode: 'aws-bare' | 'aws-gated' | 'tf', ctx: Context): CommandSpec {
  const out = (run: number) => path.join(ctx.tmp, `${id}-${run}.out`);
  const after = (run: number) => {
    const text = readText(`${out(run)}.phases.json`);
    rmSync(`${out(run)}.phases.json`, { force: true });
    return text ? { phases: JSON.parse(text) as Phases } : undefined;
  };
  return {
    id,
    title,
    display: `node -r ./scripts/register.js scripts/bench-phases.ts ${mode} <tmp>`,
    cmd: 'node',
    args: [...REGISTER, 'scripts/bench-phases.ts', mode, '__OUT__'],
    out: { path: out },
    after,
  };
}

function machineInfo(): MachineInfo {
  const cpuinfo = readText('/proc/cpuinfo') ?? '';
  return {
    cpuModel: /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1].trim() ?? 'unknown',
    cpuCount: [...cpuinfo.matchAll(/^processor\s*:/gm)].length,
    usableCpus: os.availableParallelism(),
    memTotalKiB: Number(/^MemTotal:\s+(\d+)/m.exec(readText('/proc/meminfo') ?? '')?.[1] ?? os.totalmem() / 1024),
    node: process.version,
    npm: spawnSync('npm', ['--version'], { encoding: 'utf8' }).stdout?.trim() || 'unknown',
    os: /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readText('/etc/os-release') ?? '')?.[1] ?? os.type(),
    kernel: os.release(),
  };
}

async function measure(options: BenchOptions): Promise<BenchReport> {
  const started = process.hrtime.bigint();
  if (!existsSync(GNU_TIME))
    throw new Error(
      `${GNU_TIME} not found: install GNU time (Debian package \`time\`); its wall, CPU and peak-RSS figures are what ` +
        `BENCHMARKS.md reports`,
    );
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
  for (const name of ['BASELINE_CONFIG', 'CDKTF_OUTDIR', 'CDK_OUTDIR']) delete baseEnv[name];
  const ctx: Context = { tmp, baseEnv };
  const [loadStart, commit, dirty] = [
    loadAverage(),
    git(['rev-parse', '--short', 'HEAD']).trim() || 'unknown',
    dirtyPaths(git(['status', '--porcelain'])),
  ];
  const has = (s: Section) => options.sections.includes(s);
  process.stderr.write(
    `bench: ${options.runs} run(s) of ${options.sections.join(', ')}; load average ${loadStart.join(' ')}; logs in ${tmp}/logs\n`,
  );

  if (has('scale')) {
    // Validate every generated config first: a bad generator fails before minutes of synth.
    const base = JSON.parse(readFileSync(path.join(REPO, 'config', 'baseline.json'), 'utf8'));
    for (const n of options.envCounts) {
      const file = path.join(tmp, `baseline-${n}env.json`);
      const config = generateConfig(base, n);
      validateGenerated(config, file);
      writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
    }
  }
  const req = (mods: string[]) => mods.map((m) => `require('${m}')`).join('; ');
  const awsMods = req(['aws-cdk-lib', './lib/config/load', './stacks/aws-stacks', './lib/policy/baseline-policy']);
  const tfMods = req(['cdktf', './lib/config/load', './stacks/azure-stacks', './stacks/cloudflare-stacks']);
  const imports = has('import')
    ? await measureAll(
        [
          { id: 'node-bare', title: 'Node start-up (reference)', display: 'node -e 0', cmd: 'node', args: ['-e', '0'] },
          {
            id: 'cdk-cli',
            title: 'CDK CLI start-up',
            display: 'npx --no-install cdk --version',
            cmd: 'npx',
            args: ['--no-install', 'cdk', '--version'],
          },
          {
            id: 'import-aws',
            title: 'AWS app imports',
            display: `node -r ./scripts/register.js -e "${awsMods}"`,
            cmd: 'node',
            args: [...REGISTER, '-e', awsMods],
          },
          {
            id: 'import-tf',
            title: 'TF app imports',
            display: `node -r ./scripts/register.js -e "${tfMods}"`,
            cmd: 'node',
            args: [...REGISTER, '-e', tfMods],
          },
        ],
        options.runs,
        ctx,
      )
    : undefined;
  const bothTf = path.join(tmp, 'synth-both.cdktf.out');
  const synth = has('synth')
    ? await measureAll(
        [
          // `npm run synth`: both apps at once (scripts/synth.js), into fresh directories.
          {
            id: 'synth-both',
            title: 'npm run synth (both apps)',
            display: 'CDK_OUTDIR=<tmp> CDKTF_OUTDIR=<tmp> npm run synth',
            cmd: 'npm',
            args: ['run', 'synth'],
            env: { CDKTF_OUTDIR: bothTf },
            out: { path: (run) => path.join(tmp, `synth-both-${run}.cdk.out`), env: 'CDK_OUTDIR' },
            after: (run) => {
              const stacks = countAws(path.join(tmp, `synth-both-${run}.cdk.out`)) + countTf(bothTf);
              rmSync(bothTf, { recursive: true, force: true });
              return { stacks };
            },
          },
          synthSpec('aws', 'synth-aws', 'AWS app synth', ctx),
          synthSpec('tf', 'synth-tf', 'TF app synth', ctx),
          // The same apps split into phases in-process: what the unavoidable work is.
          phasesSpec('phases-aws-bare', 'AWS app phases, no gates', 'aws-bare', ctx),
          phasesSpec('phases-aws-gated', 'AWS app phases, every gate', 'aws-gated', ctx),
          phasesSpec('phases-tf', 'TF app phases', 'tf', ctx),
        ],
        options.runs,
        ctx,
      )
    : undefined;
  const jsonFile = (run: number) => path.join(tmp, `jest-${run}.json`);
  const test = has('test')
    ? (
        await measureAll(
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
        )
      )[0]
    : undefined;
  const scale: ScalePoint[] | undefined = has('scale') ? [] : undefined;
  for (const n of has('scale') ? options.envCounts : []) {
    const env = { BASELINE_CONFIG: path.join(tmp, `baseline-${n}env.json`) };
    const label = `${n} env${n === 1 ? '' : 's'}`;
    const [aws, tf] = await measureAll(
      [
        synthSpec('aws', `scale-aws-${n}`, `AWS synth, ${label}`, ctx, env),
        synthSpec('tf', `scale-tf-${n}`, `TF synth, ${label}`, ctx, env),
      ],
      options.runs,
      ctx,
    );
    scale!.push({ envs: n, aws, tf });
  }
  const commitAtEnd = git(['rev-parse', '--short', 'HEAD']).trim() || 'unknown';
  const cpu = process.cpuUsage();
  const report: BenchReport = {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    commit,
    ...(commitAtEnd !== commit ? { commitAtEnd } : {}),
    dirty,
    machine: machineInfo(),
    options,
    sampleMs: SAMPLE_MS,
    loadStart,
    loadEnd: loadAverage(),
    durationSeconds: Number(process.hrtime.bigint() - started) / 1e9,
    samplerCpuSeconds: (cpu.user + cpu.system) / 1e6,
    ...(imports ? { imports } : {}),
    ...(synth ? { synth } : {}),
    ...(test ? { test } : {}),
    ...(scale ? { scale } : {}),
  };
  writeFileSync(path.join(tmp, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  process.stderr.write(`bench: raw results in ${tmp}/report.json\n`);
  return report;
}

async function main(): Promise<void> {
  let options: BenchOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
  const report = options.fromJson
    ? (JSON.parse(readFileSync(path.resolve(options.fromJson), 'utf8')) as BenchReport)
    : await measure(options);
  const outFile = path.resolve(REPO, options.out);
  writeFileSync(outFile, renderMarkdown(report));
  process.stderr.write(
    `bench: wrote ${path.relative(process.cwd(), outFile)}` +
      `${options.fromJson ? ` from ${options.fromJson} (measured ${report.date})` : ''}\n`,
  );
  console.log(summaryLine(report));
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`bench: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  });
}
