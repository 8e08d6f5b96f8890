import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { cidrsOverlap } from '../../lib/config/cidr';
import { parseConfig } from '../../lib/config/load';
import {
  assessLinearity,
  classifyProcess,
  cpuByProcess,
  dirtyPaths,
  envName,
  generateConfig,
  jestSummary,
  kibToMB,
  leastSquares,
  parseArgs,
  parseProcStat,
  parseTimeV,
  parseVmHwm,
  renderMarkdown,
  scaleFits,
  stats,
  summaryLine,
  targets,
  unavoidableWork,
  validateGenerated,
  type BenchReport,
  type Measurement,
  type RunResult,
} from '../../scripts/bench';

// The pure parts of scripts/bench.ts only: nothing here starts a process.

const BASE = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'config', 'baseline.json'), 'utf8'));

const TIME_V = `	Command being timed: "node -e 0"
	User time (seconds): 0.90
	System time (seconds): 0.55
	Percent of CPU this job got: 38%
	Elapsed (wall clock) time (h:mm:ss or m:ss): 0:03.76
	Average shared text size (kbytes): 0
	Maximum resident set size (kbytes): 348988
	Average resident set size (kbytes): 0
	Page size (bytes): 4096
	Exit status: 0
`;

describe('parseTimeV', () => {
  test('reads wall, CPU, peak RSS and exit status of /usr/bin/time -v', () => {
    expect(parseTimeV(TIME_V)).toEqual({ wallSeconds: 3.76, cpuSeconds: expect.closeTo(1.45, 10), maxRssKiB: 348988, exitStatus: 0 });
  });

  test('reads a failed command and an elapsed time over an hour', () => {
    const text =
      `Command exited with non-zero status 3\n` + `${TIME_V.replace('0:03.76', '1:02:03.50').replace('Exit status: 0', 'Exit status: 3')}`;
    const t = parseTimeV(text);
    expect(t.exitStatus).toBe(3);
    expect(t.wallSeconds).toBeCloseTo(3723.5, 6);
  });

  test('reports a command killed by a signal as 128 + signal', () => {
    expect(parseTimeV(`Command terminated by signal 9\n${TIME_V}`).exitStatus).toBe(137);
  });

  test('refuses output without the fields it needs', () => {
    expect(() => parseTimeV('Exit status: 0\n')).toThrow(/Elapsed/);
  });

  test('reads m:ss and h:mm:ss elapsed times, and refuses others', () => {
    const at = (elapsed: string) => parseTimeV(TIME_V.replace('0:03.76', elapsed)).wallSeconds;
    expect(at('2:05.25')).toBeCloseTo(125.25, 6);
    expect(at('1:00:00')).toBe(3600);
    expect(() => at('12')).toThrow(/unreadable elapsed time "12"/);
  });
});

describe('stats and fits', () => {
  test('median, min and max of odd, even and single counts', () => {
    expect(stats([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3, n: 3 });
    expect(stats([4, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4, n: 4 });
    expect(stats([7])).toEqual({ median: 7, min: 7, max: 7, n: 1 });
    expect(() => stats([])).toThrow();
  });

  test('least squares recovers an exact line', () => {
    const fit = leastSquares([1, 4, 16], [12, 27, 87]);
    expect(fit.slope).toBeCloseTo(5, 10);
    expect(fit.intercept).toBeCloseTo(7, 10);
    expect(fit.r2).toBeCloseTo(1, 10);
  });

  test('least squares of noisy points: slope and r² below 1', () => {
    const fit = leastSquares([1, 2, 3, 4], [1, 3, 2, 4]);
    expect(fit.slope).toBeCloseTo(0.8, 10);
    expect(fit.intercept).toBeCloseTo(0.5, 10);
    expect(fit.r2).toBeCloseTo(0.64, 10);
    expect(() => leastSquares([2, 2], [1, 3])).toThrow(/distinct/);
    // All y equal: the line explains everything there is (r² 1, not 0/0).
    expect(leastSquares([1, 4, 16], [3, 3, 3])).toEqual({ slope: 0, intercept: 3, r2: 1 });
  });

  test('linearity: undetermined with 2 points, linear on a line, not linear when the per-env cost grows', () => {
    expect(assessLinearity([1, 4], [10, 40]).verdict).toBe('undetermined');
    expect(assessLinearity([1, 4, 16], [12, 27, 87]).verdict).toBe('linear');
    // Quadratic: 1 -> 4 costs 5/env, 4 -> 16 costs 20/env, r² is still high.
    const quad = assessLinearity([1, 4, 16], [1, 16, 256]);
    expect(quad.verdict).toBe('not linear');
    expect(quad.reason).toMatch(/ratio 4\.00/);
    // A fixed cost amortizing (the TF synth's seconds at 1, 4, 16 environments): 0.23/env, then 0.14/env.
    expect(assessLinearity([1, 4, 16], [1.08, 1.77, 3.47])).toEqual({
      verdict: 'sub-linear',
      reason: 'r² 0.991; per-env cost 0.23 over 1→4, 0.14 over 4→16 (ratio 0.62)',
    });
    expect(assessLinearity([1, 4, 16], [10, 20, 21]).verdict).toBe('not linear');
  });

  test('kibToMB is decimal megabytes', () => {
    expect(kibToMB(1_000_000)).toBeCloseTo(1024, 10);
    expect(kibToMB(1464844)).toBeCloseTo(1500, 0);
  });
});

describe('parseArgs', () => {
  test('defaults: 3 runs, every section, 1/4/16 environments, BENCHMARKS.md', () => {
    expect(parseArgs([])).toEqual({
      runs: 3,
      quick: false,
      sections: ['import', 'synth', 'test', 'scale'],
      envCounts: [1, 4, 16],
      out: 'BENCHMARKS.md',
    });
  });

  test('--quick: one run, no npm test, no 16-environment point; --runs still wins', () => {
    expect(parseArgs(['--quick'])).toMatchObject({ runs: 1, sections: ['import', 'synth', 'scale'], envCounts: [1, 4] });
    expect(parseArgs(['--quick', '--runs', '2']).runs).toBe(2);
    expect(parseArgs(['--quick', '--only', 'test']).sections).toEqual(['test']);
  });

  test('--only takes one section, a list or repeats, reported in section order', () => {
    expect(parseArgs(['--only', 'scale', '--only=import']).sections).toEqual(['import', 'scale']);
    expect(parseArgs(['--only', 'synth,test']).sections).toEqual(['synth', 'test']);
    expect(parseArgs(['--runs=5', '--out', 'x.md'])).toMatchObject({ runs: 5, out: 'x.md' });
    expect(parseArgs(['--from-json', '/tmp/r.json']).fromJson).toBe('/tmp/r.json');
  });

  test('refuses bad options with the usage line', () => {
    expect(() => parseArgs(['--runs', '0'])).toThrow(/positive integer[\s\S]*usage/);
    expect(() => parseArgs(['--runs'])).toThrow(/'--runs <value>' argument missing[\s\S]*usage/);
    expect(() => parseArgs(['--only', 'lint'])).toThrow(/--only takes import, synth, test, scale/);
    expect(() => parseArgs(['--fast'])).toThrow(/Unknown option '--fast'[\s\S]*usage/);
    expect(() => parseArgs(['-h'])).toThrow(/^usage: npm run bench/);
  });
});

describe('/proc and tool output', () => {
  test('parseProcStat reads ppid, start time and CPU ticks past a command name with spaces and parens', () => {
    const fields = ['S', '41', ...Array.from({ length: 9 }, () => '0'), '150', '25', ...Array.from({ length: 6 }, () => '0'), '98765', '0'];
    expect(parseProcStat(`1234 (node (worker) 1) ${fields.join(' ')}`)).toEqual({ ppid: 41, startTicks: 98765, cpuTicks: 175 });
  });

  test('parseVmHwm reads the peak RSS line, 0 without one', () => {
    expect(parseVmHwm('Name:\tnode\nVmPeak:\t 999 kB\nVmHWM:\t  123456 kB\nVmRSS:\t 1 kB\n')).toBe(123456);
    expect(parseVmHwm('Name:\tzombie\nState:\tZ\n')).toBe(0);
  });

  test('classifyProcess labels the processes of a synth and of npm test', () => {
    expect(classifyProcess(['/usr/bin/time', '-v', '-o', 'f', 'npm', 'test'])).toBe('time');
    expect(classifyProcess(['node', '/work/main/node_modules/.bin/cdk', 'synth', '--quiet'])).toBe('cdk CLI');
    expect(classifyProcess(['node', '-r', './scripts/register.js', 'stacks/aws-app.ts'])).toBe('aws app');
    expect(classifyProcess(['node', '-r', './scripts/register.js', 'stacks/tf-app.ts'])).toBe('tf app');
    expect(classifyProcess(['/w/node_modules/@cdklabs/cdk-validator-cfnguard/bin/ubuntu/x86_64/cfn-guard', 'validate'])).toBe('cfn-guard');
    expect(classifyProcess(['/usr/bin/node', '/w/node_modules/jest-worker/build/processChild.js'])).toBe('jest worker');
    expect(classifyProcess(['node', '/w/node_modules/.bin/jest', '--json'])).toBe('jest');
    expect(classifyProcess(['node', '/w/node_modules/.bin/tsc', '--noEmit'])).toBe('tsc (node shim)');
    expect(classifyProcess(['/w/node_modules/@typescript/typescript-linux-x64/lib/tsgo', '--noEmit'])).toBe('tsc (native)');
    expect(classifyProcess(['npm exec cdk synth --quiet'])).toBe('npx');
    expect(classifyProcess(['npm test'])).toBe('npm');
    expect(classifyProcess(['sh', '-c', 'tsc --noEmit && jest'])).toBe('shell');
    expect(classifyProcess(['/bin/sh', '-c', 'node -r ./scripts/register.js stacks/aws-app.ts'])).toBe('shell');
    expect(classifyProcess(['/usr/lib/chromium/chromium --type=renderer --user-data-dir=/tmp/report-profile --lang=en-US'])).toBe(
      'chromium',
    );
    expect(classifyProcess(['/usr/bin/git', 'rev-parse', 'HEAD'])).toBe('git');
    expect(classifyProcess(['node', 'scripts/test.js', '--json'])).toBe('npm test runner');
    expect(classifyProcess(['node', 'scripts/synth.js'])).toBe('npm run synth runner');
    expect(classifyProcess(['/usr/bin/node', '-r', './scripts/register.js', 'test/synth-cache-child.ts', 'awsGated', '/tmp/x'])).toBe(
      'test synth (shared)',
    );
  });

  test('cpuByProcess sums CPU per label, largest first', () => {
    const p = (label: string, cpuSeconds: number) => ({ label, peakKiB: 1, startSeconds: 0, lastSeenSeconds: 1, cpuSeconds });
    expect(
      cpuByProcess(run(1, 1, 1, undefined, [p('aws app', 19.3), p('cfn-guard', 65.3), p('shell', 0), p('cdk CLI', 3.2), p('npx', 1)])),
    ).toBe('cfn-guard 65.3 s, aws app 19.3 s, cdk CLI 3.20 s');
    expect(cpuByProcess(run(1, 1, 1))).toBe('-');
  });

  test("jestSummary: jest's own time and the slowest files, relative to the repository", () => {
    const result = {
      startTime: 1_000,
      numTotalTests: 40,
      numFailedTests: 1,
      testResults: [
        { name: '/repo/test/a.test.ts', startTime: 1_100, endTime: 4_100 },
        { name: '/repo/test/b.test.ts', startTime: 1_200, endTime: 31_200 },
        { name: '/repo/test/c.test.ts', startTime: 4_100, endTime: 9_100, perfStats: { start: 4_100, end: 9_100 } },
      ],
    };
    expect(jestSummary(result, '/repo', 2)).toEqual({
      seconds: 30.2,
      files: 3,
      tests: 40,
      failedTests: 1,
      slowest: [
        { file: 'test/b.test.ts', seconds: 30 },
        { file: 'test/c.test.ts', seconds: 5 },
      ],
    });
  });

  test('dirtyPaths reads git status --porcelain, renames included', () => {
    expect(dirtyPaths(' M lib/a.ts\n?? bin/\nR  old.ts -> new.ts\n')).toEqual(['lib/a.ts', 'bin/', 'new.ts']);
  });
});

describe('generateConfig', () => {
  test.each([1, 4, 16])('%i environments, all accepted by parseConfig', (n) => {
    const config = parseConfig(generateConfig(BASE, n));
    const envs = Object.values(config.environments);
    expect(Object.keys(config.environments)).toEqual(Array.from({ length: n }, (_, i) => envName(i)));
    const unique = (values: unknown[]) => new Set(values).size === values.length;
    expect(unique(envs.map((e) => e.aws!.account))).toBe(true);
    expect(unique(envs.map((e) => e.azure!.subscriptionId))).toBe(true);
    expect(unique(envs.map((e) => e.cloudflare!.zoneId))).toBe(true);
    expect(unique(envs.map((e) => e.cloudflare!.accountId))).toBe(true);
    expect(unique(envs.map((e) => e.cloudflare!.hostname))).toBe(true);
    const cidrs = envs.flatMap((e) => [e.aws!.vpcCidr, e.aws!.dr.vpcCidr, e.azure!.vnetCidr, e.azure!.drVnetCidr]);
    for (let i = 0; i < cidrs.length; i++) for (let j = i + 1; j < cidrs.length; j++) expect(cidrsOverlap(cidrs[i], cidrs[j])).toBe(false);
    for (const e of envs) {
      expect(e.aws!.certificateArn.split(':')[4]).toBe(e.aws!.account);
      expect(e.aws!.dr.certificateArn.split(':')[4]).toBe(e.aws!.account);
      expect(e.cloudflare!.hostname.endsWith(`.${e.cloudflare!.zoneName}`)).toBe(true);
    }
  });

  test('clones staging and leaves the base untouched', () => {
    const before = JSON.stringify(BASE);
    const config = generateConfig(BASE, 2) as { environments: Record<string, any> };
    expect(JSON.stringify(BASE)).toBe(before);
    expect(config.environments.env01.waf).toEqual(BASE.environments.staging.waf);
    expect(config.environments.env02.tags).toEqual({ environment: 'env02', owner: 'platform' });
  });

  test('refuses counts it cannot address and a base without the template', () => {
    expect(() => generateConfig(BASE, 0)).toThrow(/1-64/);
    expect(() => generateConfig(BASE, 65)).toThrow(/1-64/);
    expect(() => generateConfig({ environments: {} }, 1)).toThrow(/no "staging"/);
  });

  test("validateGenerated fails with the loader's message", () => {
    const config = generateConfig(BASE, 2) as { environments: Record<string, any> };
    config.environments.env02.aws.account = config.environments.env01.aws.account;
    expect(() => validateGenerated(config, 'gen.json')).toThrow(
      /generated config is invalid[\s\S]*gen\.json[\s\S]*is also used by environment "env01"/,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Rendering

function run(wall: number, cpu: number, rssKiB: number, extra?: RunResult['extra'], processes: RunResult['processes'] = []): RunResult {
  return { wallSeconds: wall, cpuSeconds: cpu, maxRssKiB: rssKiB, exitStatus: 0, loadBefore: 1.5, processes, ...(extra ? { extra } : {}) };
}

function measurement(id: string, title: string, runs: RunResult[]): Measurement {
  return { id, title, command: `cmd ${id}`, runs };
}

function report(): BenchReport {
  const worker = (peak: number) => ({ label: 'jest worker', peakKiB: peak, startSeconds: 2, lastSeenSeconds: 50, cpuSeconds: 40 });
  return {
    date: '2026-11-30T05:00:00Z',
    commit: 'abc1234',
    dirty: [],
    machine: {
      cpuModel: 'AMD EPYC',
      cpuCount: 2,
      usableCpus: 2,
      memTotalKiB: 24683620,
      node: 'v20.20.2',
      npm: '11.19.1',
      os: 'Debian GNU/Linux 12 (bookworm)',
      kernel: '6.1.0',
    },
    options: { runs: 3, quick: false, sections: ['import', 'synth', 'test', 'scale'], envCounts: [1, 4, 16], out: 'BENCHMARKS.md' },
    sampleMs: 200,
    loadStart: [1.5, 1.2, 1],
    loadEnd: [2, 1.5, 1.1],
    durationSeconds: 900,
    samplerCpuSeconds: 4,
    imports: [
      measurement('node-bare', 'Node start-up (reference)', [run(0.1, 0.1, 40000)]),
      measurement('cdk-cli', 'CDK CLI start-up', [run(2, 2, 200000), run(3, 2, 210000), run(2.5, 2, 205000)]),
      measurement('import-aws', 'AWS app imports', [run(1, 1, 130000), run(1.2, 1, 131000), run(1.1, 1, 132000)]),
      measurement('import-tf', 'TF app imports', [run(2, 2, 150000), run(2, 2, 150000), run(2, 2, 150000)]),
    ],
    synth: [
      measurement('synth-aws', 'AWS app synth', [
        run(30, 40, 900000, { stacks: 8 }, [
          { label: 'cdk CLI', peakKiB: 200000, startSeconds: 1, lastSeenSeconds: 30, cpuSeconds: 3 },
          { label: 'aws app', peakKiB: 900000, startSeconds: 3, lastSeenSeconds: 28, cpuSeconds: 25 },
          { label: 'cfn-guard', peakKiB: 50000, startSeconds: 10, lastSeenSeconds: 20, cpuSeconds: 9.5 },
        ]),
      ]),
      measurement('synth-tf', 'TF app synth', [run(2.5, 3, 300000, { stacks: 6 })]),
    ],
    test: measurement('npm-test', 'npm test', [
      run(
        70,
        120,
        1600000,
        {
          jest: { seconds: 60, files: 50, tests: 400, failedTests: 0, slowest: [{ file: 'test/stacks/aws-app.test.ts', seconds: 30.25 }] },
        },
        [worker(1600000), worker(1200000)],
      ),
    ]),
    scale: [1, 4, 16].map((envs) => ({
      envs,
      aws: measurement(`scale-aws-${envs}`, `AWS synth, ${envs} envs`, [
        run(10 + 5 * envs, 10 + 6 * envs, 300000 + 100000 * envs, { stacks: 4 * envs }),
      ]),
      tf: measurement(`scale-tf-${envs}`, `TF synth, ${envs} envs`, [run(2 + envs, 2 + envs, 150000 + 10000 * envs, { stacks: 3 * envs })]),
    })),
  };
}

describe('renderMarkdown', () => {
  test('is a function of its input', () => {
    expect(renderMarkdown(report())).toBe(renderMarkdown(report()));
  });

  test("holds the machine, the commit, each section's table and the scaling slope", () => {
    const md = renderMarkdown(report());
    expect(md).toContain('| Date | 2026-11-30T05:00:00Z |');
    expect(md).toContain('| Commit | abc1234 (clean) |');
    expect(md).toContain('| CPU | AMD EPYC, 2 processors in /proc/cpuinfo, 2 usable |');
    expect(md).toContain('| Node / npm | v20.20.2 / 11.19.1 |');
    expect(md).toContain(
      '| CDK CLI start-up | `cmd cdk-cli` | 3 | 2.50 s (2.00 s–3.00 s) | 2.00 s (2.00 s–2.00 s) | 210 MB (205 MB–215 MB) | 1.50 |',
    );
    expect(md).toContain('| aws app | 1 | 922 MB | 3.0 s → 28.0 s | 25.0 s | 25.0 s |');
    expect(md).toContain('| test/stacks/aws-app.test.ts | 30.3 |');
    expect(md).toContain('| 16 | AWS (cdk synth) | 64 | 90.0 s | 106.0 s | - | 1946 MB | 1.50 |');
    expect(md).toMatch(/\| AWS \| \+5\.00 s \| \+6\.00 s \| \+102 MB \| 4\.0 \| 10\.0 s \| linear: /);
    expect(md.endsWith('\n')).toBe(true);
    expect(md).not.toMatch(/\n\n\n/);
  });

  test('marks failed runs and lists uncommitted paths', () => {
    const r = report();
    const failing = {
      ...r,
      dirty: ['lib/a.ts'],
      synth: [measurement('synth-aws', 'AWS app synth', [{ ...run(5, 5, 1000), exitStatus: 1 }]), r.synth![1]],
    };
    const md = renderMarkdown(failing);
    expect(md).toContain('| Commit | abc1234 + uncommitted changes in 1 path: `lib/a.ts` |');
    expect(renderMarkdown({ ...r, commitAtEnd: 'def5678' })).toContain(
      '| Commit | abc1234 (clean); **HEAD moved to def5678 during the bench: later sections may have measured newer code** |',
    );
    expect(md).toContain('AWS app synth **FAILED 1/1 (exit 1)**');
    expect(summaryLine(failing)).toMatch(/\| FAILED: AWS app synth$/);
  });

  test('targets: npm run synth (both apps) at most 20 s, when the synth section measured it', () => {
    const r = report();
    const both = (wall: number) => ({
      ...r,
      synth: [measurement('synth-both', 'npm run synth (both apps)', [run(wall, 25, 900000, { stacks: 14 })]), ...r.synth!],
    });
    expect(targets(both(18.5)).find((t) => t.target.startsWith('`npm run synth`'))).toEqual({
      target: '`npm run synth` (both apps, default config) at most 20 s',
      measured: '18.5 s (median wall; CPU 25.0 s)',
      met: 'yes',
    });
    expect(targets(both(21)).find((t) => t.target.startsWith('`npm run synth`'))!.met).toBe('no: 1.00 s above');
    expect(targets(r).some((t) => t.target.startsWith('`npm run synth`'))).toBe(false);
    expect(summaryLine(both(18.5))).toContain('| synth both 18.5 s, aws 30.0 s, tf 2.50 s |');
  });

  test('targets: measured against the floor, 60 s, 1.5 GB and linearity', () => {
    const rows = targets(report());
    expect(rows.map((t) => t.met)).toEqual([
      expect.stringMatching(/^undetermined: 24\.6 s above 1\.5× the floor/),
      'yes',
      'no',
      'no',
      'yes',
      'yes',
    ]);
    expect(rows[0].measured).toBe(
      "30.0 s = 8.3× the floor of 3.60 s (CDK CLI start 2.50 s + app imports 1.10 s); in CPU time 40.0 s = 13.3× the floor's 3.00 s",
    );
    expect(rows[3].measured).toBe('1.64 GB (largest worker VmHWM over all runs)');
  });

  test('targets: with the phase runs, the limit is 1.5 × the floor + the unavoidable work, and the AWS time is split', () => {
    const r = report();
    const withPhases: BenchReport = {
      ...r,
      synth: [
        ...r.synth!,
        measurement('phases-aws-bare', 'AWS app phases, no gates', [
          run(4, 4, 500000, { phases: { importSeconds: 1, constructSeconds: 2, synthSeconds: 1 } }),
        ]),
        measurement('phases-aws-gated', 'AWS app phases, every gate', [
          run(25, 30, 600000, { phases: { importSeconds: 1, constructSeconds: 2, synthSeconds: 20 } }),
        ]),
        measurement('phases-tf', 'TF app phases', [
          run(2, 2, 200000, { phases: { importSeconds: 1.5, constructSeconds: 0.5, synthSeconds: 0.3 } }),
        ]),
      ],
    };
    const rows = targets(withPhases);
    // AWS: 30 s against 1.5 × 3.60 s + (2 + 20) s = 27.4 s; TF: 2.5 s against 1.5 × 2.00 s + 0.8 s = 3.8 s.
    expect(rows[0].met).toBe('no: 2.60 s above the limit');
    expect(rows[0].measured).toContain(
      '; unavoidable work 22.0 s (construction 2.00 s + app.synth() 20.0 s with every gate), so the limit is 1.5 × 3.60 s + ' +
        '22.0 s = 27.4 s',
    );
    expect(rows[1].met).toBe('yes (1.30 s below the limit)');
    expect(unavoidableWork(r, 'aws')).toBeUndefined();
    const md = renderMarkdown(withPhases);
    expect(md).toContain("### Where the AWS synth's time goes");
    expect(md).toContain('| CDK CLI start | 2.50 s | 8% |');
    expect(md).toContain(
      "| Policy gates | 19.0 s | 63% | cdk-nag packs, Control Tower Guard and CDK's built-in CloudFormation validation (gated " +
        'minus bare synthesis); cfn-guard used 9.50 s CPU in the CLI run |',
    );
    expect(md).toContain('| Rest | 4.50 s | 15% |');
    expect(renderMarkdown(r)).not.toContain('Where the AWS synth');
  });

  test('quick runs say what was not measured', () => {
    const r = report();
    const quick: BenchReport = {
      ...r,
      options: { ...r.options, runs: 1, quick: true, envCounts: [1, 4] },
      test: undefined,
      scale: r.scale!.slice(0, 2),
    };
    const rows = targets(quick);
    expect(rows[2]).toEqual({ target: '`npm test` under 60 s on 2 cores', measured: '-', met: 'not measured in this run (--quick)' });
    expect(rows[4].met).toBe('undetermined (2 points)');
    expect(scaleFits(quick.scale!)[1].wall.slope).toBeCloseTo(1, 10);
  });

  test('the summary line', () => {
    expect(summaryLine(report())).toBe(
      'bench: import aws 1.10 s, tf 2.00 s, cdk CLI 2.50 s | synth aws 30.0 s, tf 2.50 s | npm test 70.0 s (peak worker 1.64 ' +
        'GB) | +1 env: aws +5.00 s, tf +1.00 s',
    );
    // A cost that fell with more environments (noise on a loaded machine) reads as a negative slope, not "+-".
    const r = report();
    const falling = {
      ...r,
      scale: r.scale!.map((p) => ({ ...p, tf: { ...p.tf, runs: [{ ...p.tf.runs[0], wallSeconds: 3 - p.envs / 10 }] } })),
    };
    expect(summaryLine(falling)).toMatch(/tf -0\.10 s$/);
    expect(renderMarkdown(falling)).toContain('| TF | -0.10 s |');
  });
});
