import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseArgs, pool, resolveBaseRef, synthApp, UsageError, withWorktree } from '../../scripts/diff';

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
  it('reads a ref, --out and --jobs, with defaults', () => {
    expect(parseArgs([])).toEqual({ ref: undefined, out: path.join('reports', 'diff.md'), jobs: 1, help: false });
    expect(parseArgs(['HEAD~1', '--out', 'x.md', '--jobs', '2'])).toEqual({ ref: 'HEAD~1', out: 'x.md', jobs: 2, help: false });
    expect(parseArgs(['--help']).help).toBe(true);
    expect(parseArgs(['--keep-base', '.baseline-base'])).toMatchObject({ keepBase: '.baseline-base' });
  });

  it.each<[string[], RegExp]>([
    [['--bogus'], /unknown option --bogus/],
    [['a', 'b'], /one git ref at most; received "a" and "b"/],
    [['--out'], /--out needs a value, e.g. --out reports\/diff.md/],
    [['--jobs', '0'], /--jobs received "0"; expected a whole number from 1 to 4/],
    [['--keep-base'], /--keep-base needs a value, e.g. --keep-base .baseline-base/],
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
    expect(() => resolveBaseRef(dir, 'origin/feature-x')).toThrow(/unknown git ref "origin\/feature-x": fetch it first \(git fetch origin feature-x; in a shallow CI clone, git fetch --unshallow/);
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
    await expect(withWorktree(dir, first, async () => {
      throw new Error('synth failed');
    })).rejects.toThrow('synth failed');
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
    expect(await synthApp('terraform', empty, path.join(empty, 'out'), 'base')).toMatchObject({ stacks: [], caveat: 'the base has no cdktf.json: its Terraform (cdktf.json) stacks count as absent there' });
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
    expect(r.stacks!.map((s) => s.name)).toEqual(['prod-azure-dr', 'prod-azure-primary', 'prod-cloudflare', 'staging-azure-dr', 'staging-azure-primary', 'staging-cloudflare']);
    expect(r.stacks![0].file).toBe('head:stacks/prod-azure-dr/cdk.tf.json');
  });
});
