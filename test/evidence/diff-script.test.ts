import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseConfig } from '../../lib/config/load';
import { renderDiffMarkdown, type SecurityDiff } from '../../lib/evidence/diff-report';
import { readSynthOutput, type SynthesizedStack } from '../../lib/evidence/synth-output';
import {
  configOf,
  diffOfSynths,
  exitCodeOf,
  parseArgs,
  pool,
  resolveBaseRef,
  synthApp,
  UsageError,
  withWorktree,
  type AppSynth,
  type Synths,
} from '../../scripts/diff';
import { synthTerraformApp } from '../stacks/azure-support';
import { defaultConfig, rawDefaultConfig, synthAws } from '../stacks/support';
import { rdsIdOf, renameRds, weakenStacks } from './support';

// scripts/diff.ts without the four synths of a real run: arguments, base ref resolution and the
// temporary worktree, in throwaway git repositories; the Terraform app synthesized once.
const ROOT = path.join(__dirname, '..', '..');

function repo(): { dir: string; git: (...args: string[]) => string; commit: (msg: string) => string } {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'baseline-diff-test-')));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  git('init', '--quiet', '--initial-branch=main');
  git('config', 'user.email', 'test@example.com');
  git('config', 'user.name', 'test');
  git('config', 'commit.gpgsign', 'false');
  const commit = (msg: string) => {
    writeFileSync(path.join(dir, 'file.txt'), `${msg}\n`);
    git('add', 'file.txt');
    git('commit', '--quiet', '-m', msg);
    return git('rev-parse', 'HEAD');
  };
  return { dir, git, commit };
}

describe('parseArgs', () => {
  it('reads a ref, --out, --jobs and --fail-on, with defaults', () => {
    expect(parseArgs([])).toEqual({ ref: undefined, out: path.join('reports', 'diff.md'), jobs: 1, help: false, failOn: [] });
    expect(parseArgs(['HEAD~1', '--out', 'x.md', '--jobs', '2'])).toEqual({ ref: 'HEAD~1', out: 'x.md', jobs: 2, help: false, failOn: [] });
    expect(parseArgs(['--fail-on', 'weakening'])).toMatchObject({ failOn: ['weakening'] });
    expect(parseArgs(['--help']).help).toBe(true);
    expect(parseArgs(['--keep-base', '.baseline-base'])).toMatchObject({ keepBase: '.baseline-base' });
  });

  it.each<[string[], RegExp]>([
    [['--bogus'], /unknown option --bogus/],
    [['a', 'b'], /one git ref at most; received "a" and "b"/],
    [['--out'], /--out needs a value, e.g. --out reports\/diff.md/],
    [['--jobs', '0'], /--jobs received "0"; expected a whole number from 1 to 4/],
    [['--keep-base'], /--keep-base needs a value, e.g. --keep-base .baseline-base/],
    [['--fail-on'], /--fail-on needs a value, e.g. --fail-on weakening/],
    [['--fail-on', 'controls'], /--fail-on received "controls"; expected weakening/],
  ])('rejects %j naming the fix', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });
});

describe('resolveBaseRef', () => {
  it('uses the merge base with main by default', () => {
    const { dir, git, commit } = repo();
    const first = commit('one');
    git('checkout', '--quiet', '-b', 'feature');
    commit('two');
    expect(resolveBaseRef(dir)).toEqual({ sha: first, label: `\`${first.slice(0, 7)}\` (merge base of HEAD and main)` });
  });

  it('says only uncommitted changes show when HEAD is on main', () => {
    const { dir, commit } = repo();
    const only = commit('one');
    expect(resolveBaseRef(dir)).toMatchObject({ sha: only, note: expect.stringContaining('only uncommitted changes show') });
  });

  it('falls back to HEAD~1 without main, and names an explicit ref', () => {
    const { dir, git, commit } = repo();
    const first = commit('one');
    git('branch', '-m', 'main', 'trunk');
    commit('two');
    expect(resolveBaseRef(dir)).toMatchObject({ sha: first, note: expect.stringContaining('compared with HEAD~1') });
    expect(resolveBaseRef(dir, 'HEAD~1')).toEqual({ sha: first, label: `\`${first.slice(0, 7)}\` (\`HEAD~1\`)` });
  });

  it('rejects an unknown ref saying how to fetch it, and a lone commit without main', () => {
    const { dir, git, commit } = repo();
    commit('one');
    expect(() => resolveBaseRef(dir, 'origin/feature-x')).toThrow(
      /unknown git ref "origin\/feature-x": fetch it first \(git fetch origin feature-x; in a shallow CI clone, git fetch --unshallow/,
    );
    git('branch', '-m', 'main', 'trunk');
    expect(() => resolveBaseRef(dir)).toThrow(/name a base ref/);
  });
});

describe('withWorktree', () => {
  it('checks the base out with node_modules linked, and removes the worktree afterwards, also on failure', async () => {
    const { dir, git, commit } = repo();
    const first = commit('one');
    commit('two');
    execFileSync('mkdir', [path.join(dir, 'node_modules')]);
    let seen = '';
    const content = await withWorktree(dir, first, async (wt) => {
      seen = wt;
      expect(existsSync(path.join(wt, 'node_modules'))).toBe(true);
      return execFileSync('cat', [path.join(wt, 'file.txt')], { encoding: 'utf8' });
    });
    expect(content).toBe('one\n');
    expect(existsSync(seen)).toBe(false);
    await expect(
      withWorktree(dir, first, async () => {
        throw new Error('synth failed');
      }),
    ).rejects.toThrow('synth failed');
    expect(git('worktree', 'list').split('\n')).toHaveLength(1);
  });
});

describe('pool', () => {
  it('keeps task order and runs at most N at once', async () => {
    let running = 0;
    let peak = 0;
    const task = (v: number) => async () => {
      peak = Math.max(peak, ++running);
      await new Promise((r) => setTimeout(r, 5 * (4 - v)));
      running--;
      return v;
    };
    expect(await pool([task(0), task(1), task(2), task(3)], 2)).toEqual([0, 1, 2, 3]);
    expect(peak).toBe(2);
  });
});

describe('synthApp', () => {
  it('treats a side without the app as having no stacks of it', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'baseline-diff-empty-'));
    expect(await synthApp('terraform', empty, path.join(empty, 'out'), 'base')).toMatchObject({
      stacks: [],
      caveat: 'the base has no cdktf.json: its Terraform (cdktf.json) stacks count as absent there',
    });
  });

  it('reports an app that fails to synthesize, with the end of its error output', async () => {
    const broken = mkdtempSync(path.join(tmpdir(), 'baseline-diff-broken-'));
    writeFileSync(path.join(broken, 'cdktf.json'), '{}');
    const r = await synthApp('terraform', broken, path.join(broken, 'out'), 'base');
    expect(r.stacks).toBeUndefined();
    expect(r.problem).toMatch(/^the base failed to synthesize Terraform \(cdktf\.json\) \(exit 1\): .*Cannot find module/);
  });

  it('synthesizes the Terraform app of a directory into the given output, with paths relative to it', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'baseline-diff-tf-'));
    const r = await synthApp('terraform', ROOT, out, 'head');
    expect(r.problem).toBeUndefined();
    expect(r.stacks!.map((s) => s.name)).toEqual([
      'prod-azure-dr',
      'prod-azure-primary',
      'prod-cloudflare',
      'staging-azure-dr',
      'staging-azure-primary',
      'staging-cloudflare',
    ]);
    expect(r.stacks![0].file).toBe('head:stacks/prod-azure-dr/cdk.tf.json');
  });
});

// The two pull requests of issue 20, as a reviewer tried them against main: the composition of
// scripts/diff.ts (diffOfSynths, the Markdown, exitCodeOf) over the real default-config synth.
describe('the pull requests of issue 20', () => {
  const config = defaultConfig();
  const aws = readSynthOutput(synthAws(config, { policy: false }).outdir);
  const terraform = readSynthOutput(synthTerraformApp(config));
  const ok = (stacks: SynthesizedStack[]): AppSynth => ({ stacks, seconds: 0 });
  const base: Synths = { aws: ok(aws), terraform: ok(terraform) };
  const configs = { base: { config }, head: { config } };
  const LABELS = { base: '`main`', head: 'working tree' };
  const bodyOf = (md: string) => md.split('\n').slice(4);

  it('prod bastion.allowedCidrs widened: every copy of the allowlist flagged, one address → 256 on the first line a reviewer reads', () => {
    // The config change of the pull request is valid (the guardrail admits /24)...
    const raw = rawDefaultConfig();
    raw.environments.prod.bastion.allowedCidrs = ['198.51.100.0/24', '203.0.113.0/24', '2001:db8:1234::/48'];
    const widened = parseConfig(raw, 'config/baseline.json');
    // ...and synthesizes to the same templates with the two blocks replaced wherever they appear.
    const widen = (s: SynthesizedStack): SynthesizedStack => {
      const text = JSON.stringify(s.template);
      return s.environment === 'prod'
        ? {
            ...s,
            template: JSON.parse(text.split('198.51.100.0/28').join('198.51.100.0/24').split('203.0.113.10/32').join('203.0.113.0/24')),
          }
        : s;
    };
    const head: Synths = { aws: ok(aws.map(widen)), terraform: ok(terraform.map(widen)) };
    const changed = [...head.aws.stacks!, ...head.terraform.stacks!].filter(
      (s, i) => JSON.stringify(s.template) !== JSON.stringify([...aws, ...terraform][i].template),
    );
    expect(changed.map((s) => s.name).sort()).toEqual(['prod-aws-dr', 'prod-aws-primary', 'prod-azure-dr', 'prod-azure-primary']);

    const diff = diffOfSynths(base, head, { base: { config }, head: { config: widened } });
    const md = renderDiffMarkdown(diff, LABELS);
    const [headline] = bodyOf(md);
    expect(headline).toBe('⚠️ **4 weakenings flagged** · 4 stacks changed: 4 updated');
    const section = md.slice(md.indexOf('### ⚠️ Weakenings'), md.indexOf('### ', md.indexOf('### ⚠️ Weakenings') + 4));
    for (const stack of ['prod-aws-dr', 'prod-aws-primary', 'prod-azure-primary', 'prod-azure-dr']) {
      expect(section).toMatch(
        new RegExp(
          `^- \\*\\*${stack}\\*\\* \`[^\`]*Bastion[^\`]*\`: \\*\\*SSH \\(TCP 22\\) from 17 addresses → 512 addresses ` +
            `\\(IPv4\\)\\*\\* — 198\\.51\\.100\\.0/28 → 198\\.51\\.100\\.0/24 \\(16 addresses → 256 addresses\\); ` +
            `203\\.0\\.113\\.10/32 → 203\\.0\\.113\\.0/24 \\(1 address → 256 addresses\\) _\\(inbound sources broadened\\)_$`,
          'm',
        ),
      );
    }
    expect(diff.weakenings!.map((w) => [w.stack, w.rule])).toEqual([
      ['prod-aws-dr', 'ingress-broadened'],
      ['prod-aws-primary', 'ingress-broadened'],
      ['prod-azure-dr', 'ingress-broadened'],
      ['prod-azure-primary', 'ingress-broadened'],
    ]);
    // The allowlist stays within the guardrail, so no control fails: the diff is what shows it.
    expect(md).toMatch(
      /^Head report: ❔ PASS with \d+ unchecked cells: [^\n]* \(nothing fails; `npm run report` says why each is unchecked\): ✅ \d+ pass/m,
    );
    expect(exitCodeOf(diff)).toBe(0);
    expect(exitCodeOf(diff, ['weakening'])).toBe(1);
  });

  it('head config invalid: the first line says which apps were not compared, with the error, and nothing shows ✅', async () => {
    const bad = path.join(mkdtempSync(path.join(tmpdir(), 'baseline-bad-config-')), 'baseline.json');
    const raw = rawDefaultConfig();
    raw.environments.prod.bastion.allowedCidrs[0] = '0.0.0.0/0';
    writeFileSync(bad, JSON.stringify(raw));
    const saved = process.env.BASELINE_CONFIG;
    process.env.BASELINE_CONFIG = bad;
    let head: Synths;
    let headConfig: ReturnType<typeof configOf>;
    try {
      const out = mkdtempSync(path.join(tmpdir(), 'baseline-bad-synth-'));
      // Both apps really run with the invalid config (each fails at config load, before any synth).
      const [a, t] = await Promise.all([
        synthApp('aws', ROOT, path.join(out, 'aws'), 'head'),
        synthApp('terraform', ROOT, path.join(out, 'tf'), 'head'),
      ]);
      head = { aws: a, terraform: t };
      headConfig = configOf(ROOT);
    } finally {
      if (saved === undefined) delete process.env.BASELINE_CONFIG;
      else process.env.BASELINE_CONFIG = saved;
    }
    expect(head.aws.stacks).toBeUndefined();
    expect(head.terraform.stacks).toBeUndefined();
    const diff = diffOfSynths(base, head, { base: { config }, head: headConfig });
    const md = renderDiffMarkdown(diff, LABELS);
    const body = bodyOf(md);
    expect(body[0]).toMatch(
      new RegExp(
        '^❌ \\*\\*AWS app \\(cdk\\.json\\) not compared\\*\\*: the head failed to synthesize it — Invalid baseline config ' +
          '.*environments\\.prod\\.bastion\\.allowedCidrs\\[0\\].*\\(exit 1\\)$',
      ),
    );
    expect(body[2]).toMatch(
      new RegExp(
        '^❌ \\*\\*Terraform app \\(cdktf\\.json\\) not compared\\*\\*: the head failed to synthesize it — Invalid baseline ' +
          'config .*environments\\.prod\\.bastion\\.allowedCidrs\\[0\\].*\\(exit 1\\)$',
      ),
    );
    expect(md).not.toContain('✅');
    expect(md).not.toContain('No changes');
    expect(md).toContain('❌ **Nothing was compared**');
    expect(md).toMatch(/^Head report: ❌ \*\*not produced\*\* for the AWS app \(cdk\.json\) and the Terraform app \(cdktf\.json\)/m);
    expect(exitCodeOf(diff)).toBe(1);
  });

  it('one app missing on the head: named first, the other compared, exit 1', () => {
    const head: Synths = {
      aws: { problem: 'the head failed to synthesize AWS (cdk.json) (exit 1): boom', error: 'boom (exit 1)', seconds: 0 },
      terraform: ok(terraform),
    };
    const diff = diffOfSynths(base, head, configs);
    const md = renderDiffMarkdown(diff, LABELS);
    expect(bodyOf(md)[0]).toBe('❌ **AWS app (cdk.json) not compared**: the head failed to synthesize it — boom (exit 1)');
    expect(md).toContain('No changes in the apps that were compared');
    expect(md).not.toContain('✅ **No changes**');
    expect(md).toMatch(
      new RegExp(
        '^Head report: ❌ \\*\\*not produced\\*\\* for the AWS app \\(cdk\\.json\\): the head does not synthesize, so `npm run ' +
          'report` fails too \\(the rest: ✅ \\d+ pass',
        'm',
      ),
    );
    expect(diff.controls.every((c) => c.cloud !== 'aws')).toBe(true);
    expect(exitCodeOf(diff)).toBe(1);
  });

  it('one app missing on the base only: named first, exit 0 unless the diff gates on weakenings', () => {
    const baseOnly: Synths = {
      aws: base.aws,
      terraform: {
        problem: 'the base failed to synthesize Terraform (cdktf.json) (exit 1): old bug',
        error: 'old bug (exit 1)',
        seconds: 0,
      },
    };
    const diff = diffOfSynths(baseOnly, base, configs);
    const md = renderDiffMarkdown(diff, LABELS);
    expect(bodyOf(md)[0]).toBe('❌ **Terraform app (cdktf.json) not compared**: the base failed to synthesize it — old bug (exit 1)');
    // The head report counts every cell the head's report has, the app not compared included.
    const cells = (d: SecurityDiff) => Object.values(d.headCells!).reduce((n, c) => n + c, 0);
    expect(cells(diff)).toBe(cells(diffOfSynths(base, base, configs)));
    expect(diff.stacks.every((s) => s.cloud === 'aws')).toBe(true);
    expect(md).toMatch(
      /^Head report: ❔ PASS with \d+ unchecked cells: [^\n]* \(nothing fails; `npm run report` says why each is unchecked\): ✅ \d+ pass/m,
    );
    expect(exitCodeOf(diff)).toBe(0);
    // A weakening in the app not compared cannot be ruled out.
    expect(exitCodeOf(diff, ['weakening'])).toBe(1);
  });
});

describe('the head report line', () => {
  const config = defaultConfig();
  const aws = readSynthOutput(synthAws(config, { policy: false }).outdir);
  const ok = (stacks: SynthesizedStack[]): AppSynth => ({ stacks, seconds: 0 });
  const none: AppSynth = { stacks: [], seconds: 0 };
  const base: Synths = { aws: ok(aws), terraform: none };
  const head: Synths = { aws: ok(weakenStacks(aws, { 'prod-aws-primary': renameRds })), terraform: none };
  const configs = { base: { config }, head: { config } };

  it('fails on a stateful change the head does not accept, as the report compared with this base does', () => {
    const md = renderDiffMarkdown(diffOfSynths(base, head, configs), { base: 'b', head: 'h' });
    expect(md).toMatch(
      new RegExp(
        '^Head report: ❌ \\*\\*failing\\*\\*: 1 stateful change not accepted in `config\\/accepted-stateful-changes\\.json` ' +
          '\\(the report compared with this base fails on it\\) · ✅ \\d+ pass',
        'm',
      ),
    );
  });

  it('passes once a reviewer accepts it', () => {
    const resource = rdsIdOf(aws.find((s) => s.name === 'prod-aws-primary')!.template);
    const acceptances = [
      { stack: 'prod-aws-primary', resource, reason: 'restored from snapshot rds:prod-2026-11-30 into the new instance' },
    ];
    const md = renderDiffMarkdown(diffOfSynths(base, head, configs, [], { acceptances, source: 'config/accepted-stateful-changes.json' }), {
      base: 'b',
      head: 'h',
    });
    expect(md).toMatch(/^Head report: no control cell fails: ✅ \d+ pass/m);
  });
});

describe('exitCodeOf', () => {
  const diff = (over: Partial<SecurityDiff>): SecurityDiff => ({
    stacks: [],
    controls: [],
    headFailing: false,
    headFailingCells: 0,
    notes: [],
    weakenings: [],
    uncompared: [],
    ...over,
  });
  const stack = { stack: 's', cloud: 'aws' as const, change: 'unchanged' as const, resources: [], notes: [], other: [] };
  const weakening = { stack: 's', cloud: 'aws' as const, resource: 'Sg', rule: 'ingress-broadened' as const, text: 'x' };

  it.each<[string, number, number, Partial<SecurityDiff>]>([
    ['a clean diff', 0, 0, { stacks: [stack] }],
    ['a weakening', 0, 1, { stacks: [stack], weakenings: [weakening] }],
    ['failing controls on the head (the report gates them)', 0, 0, { stacks: [stack], headFailing: true, headFailingCells: 2 }],
    [
      'an app the head cannot synthesize',
      1,
      1,
      { stacks: [stack], uncompared: [{ app: 'AWS app (cdk.json)', side: 'head', reason: 'x' }] },
    ],
    ['an app neither side synthesizes', 1, 1, { stacks: [stack], uncompared: [{ app: 'AWS app (cdk.json)', side: 'both', reason: 'x' }] }],
    [
      'an app the base cannot synthesize',
      0,
      1,
      { stacks: [stack], uncompared: [{ app: 'AWS app (cdk.json)', side: 'base', reason: 'x' }] },
    ],
    [
      'nothing compared',
      1,
      1,
      {
        uncompared: [
          { app: 'AWS app (cdk.json)', side: 'base', reason: 'x' },
          { app: 'Terraform app (cdktf.json)', side: 'base', reason: 'x' },
        ],
      },
    ],
  ])('%s: exit %i, with --fail-on weakening %i', (_what, plain, gated, over) => {
    expect(exitCodeOf(diff(over))).toBe(plain);
    expect(exitCodeOf(diff(over), ['weakening'])).toBe(gated);
  });
});
