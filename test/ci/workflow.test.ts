import { readFileSync } from 'node:fs';
import * as path from 'node:path';

// The CI workflow users copy: it must run the commands docs/evidence.md documents, in order, with the
// gates where they belong. js-yaml is not a dependency of ours: it comes with jest
// (@jest/transform -> babel-plugin-istanbul), which every test run has.
const { load } = require('js-yaml') as { load: (text: string) => any };

const ROOT = path.join(__dirname, '..', '..');
const text = readFileSync(path.join(ROOT, '.github', 'workflows', 'baseline.yml'), 'utf8');
const workflow = load(text);
const scripts: Record<string, string> = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts;
const job = workflow.jobs.baseline;
const steps: any[] = job.steps;
const runs = steps.filter((s) => typeof s.run === 'string');
const stepRunning = (command: string) =>
  steps.find((s) => typeof s.run === 'string' && s.run.split('\n').some((line: string) => line.trim().startsWith(command)));
const stepUsing = (action: string) => steps.find((s) => typeof s.uses === 'string' && s.uses.startsWith(`${action}@`));

describe('.github/workflows/baseline.yml', () => {
  it('runs on pull requests and on pushes to main, on ubuntu-latest, with telemetry off', () => {
    expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'push']);
    expect(workflow.on.push.branches).toEqual(['main']);
    expect(job['runs-on']).toBe('ubuntu-latest');
    expect(workflow.env).toMatchObject({ CHECKPOINT_DISABLE: '1', CDK_DISABLE_CLI_TELEMETRY: 'true' });
    expect(workflow.permissions).toEqual({ contents: 'read', 'pull-requests': 'write', 'security-events': 'write' });
  });

  it('calls the documented commands in order: npm ci, npm test, npm run synth, npm run diff, npm run report', () => {
    const order = ['npm ci', 'npm test', 'npm run synth', 'npm run diff', 'npm run report'].map((c) => {
      const step = stepRunning(c);
      expect({ command: c, found: Boolean(step) }).toEqual({ command: c, found: true });
      return steps.indexOf(step);
    });
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    for (const run of runs) {
      for (const [, name] of run.run.matchAll(/npm run ([\w:-]+)/g))
        expect({ step: run.name, script: name, defined: name in scripts }).toEqual({ step: run.name, script: name, defined: true });
    }
  });

  it('checks out the whole history for the diff and sets up node 20 with the npm cache', () => {
    expect(steps[0]).toEqual({ uses: 'actions/checkout@v4', with: { 'fetch-depth': 0 } });
    expect(stepUsing('actions/setup-node').with).toEqual({ 'node-version': 20, cache: 'npm' });
  });

  it('pins every action by its major tag', () => {
    const uses = steps.filter((s) => s.uses).map((s) => s.uses);
    expect(uses.length).toBeGreaterThanOrEqual(4);
    for (const u of uses) expect(u).toMatch(/^[\w-]+\/[\w-]+(\/[\w-]+)?@v\d+$/);
  });

  it('installs nothing but the npm packages before npm test: the HTML report test takes Chromium from npm', () => {
    for (const run of runs)
      expect({ step: run.name, run: run.run }).toEqual({
        step: run.name,
        run: expect.not.stringMatching(/\b(apt-get|apt|dpkg|chromium)\b/),
      });
    expect(steps.indexOf(stepRunning('npm ci'))).toBeLessThan(steps.indexOf(stepRunning('npm test')));
  });

  it(
    'gates on the report (on pull requests also on stateful changes against the base the diff kept), diffs only on pull ' +
      'requests, and keeps the reports whatever happened',
    () => {
      const report = stepRunning('npm run report');
      // A failed diff does not skip the gate; a failed synth leaves nothing to report on.
      expect(report.if).toBe("${{ !cancelled() && steps.synth.outcome == 'success' }}");
      expect(report['continue-on-error']).toBeUndefined();
      expect(report.run).toContain('if [ "$GITHUB_EVENT_NAME" != pull_request ]; then\n  npm run report -- $POLICY\n');
      expect(report.run).toContain(
        'npm run report -- --base-cdk-out .baseline-base/cdk.out --base-cdktf-out .baseline-base/cdktf.out $POLICY\n',
      );
      expect(report.run).toContain('npm run report -- --base "origin/$BASE_REF" $POLICY\n');
      expect(report.env).toEqual({
        BASE_REF: '${{ github.base_ref }}',
        POLICY: expect.stringMatching(/^--require checked( --allow-unchecked [A-Z-]+:(aws|azure|cloudflare))*$/),
      });
      const diff = stepRunning('npm run diff');
      expect(diff.run).toBe('npm run diff -- "origin/$BASE_REF" --keep-base .baseline-base');
      expect(diff.env).toEqual({ BASE_REF: '${{ github.base_ref }}' });
      expect(diff.if).toContain("github.event_name == 'pull_request'");
      const upload = stepUsing('actions/upload-artifact');
      expect(upload.with.path).toBe('reports/');
      expect(upload.if).toContain('!cancelled()');
      expect(steps.indexOf(upload)).toBeGreaterThan(steps.indexOf(diff));
    },
  );

  it('writes the OSCAL documents and the trust page after the report gate, into the reports artifact', () => {
    const step = stepRunning('npm run trust-page');
    expect(step.run).toBe('npm run report -- --format oscal || [ $? -eq 1 ]\nnpm run trust-page\n');
    expect(step.if).toBe("${{ !cancelled() && steps.synth.outcome == 'success' }}");
    expect(steps.indexOf(step)).toBeGreaterThan(steps.indexOf(stepRunning('npm run report')));
    expect(steps.indexOf(stepUsing('actions/upload-artifact'))).toBeGreaterThan(steps.indexOf(step));
  });

  it('writes the control results as SARIF after the report gate and uploads them to code scanning', () => {
    const sarif = stepRunning('npx --no-install baseline-check --format sarif');
    expect(sarif.run).toBe(
      'npx --no-install baseline-check --format sarif --output reports/baseline.sarif --config config/baseline.json cdk.out ' +
        'cdktf.out || [ $? -eq 1 ]',
    );
    expect(sarif.id).toBe('sarif');
    expect(sarif.if).toBe("${{ !cancelled() && steps.synth.outcome == 'success' }}");
    expect(steps.indexOf(sarif)).toBeGreaterThan(steps.indexOf(stepRunning('npm run report')));
    const upload = stepUsing('github/codeql-action/upload-sarif');
    expect(upload.with).toEqual({ sarif_file: 'reports/baseline.sarif', category: 'baseline-check' });
    expect(upload.if).toContain("steps.sarif.outcome == 'success'");
    expect(upload.if).toContain('github.event.pull_request.head.repo.full_name == github.repository');
    expect(steps.indexOf(upload)).toBeGreaterThan(steps.indexOf(sarif));
    // The SARIF file goes into the reports artifact too (uploaded after it is written).
    expect(steps.indexOf(stepUsing('actions/upload-artifact'))).toBeGreaterThan(steps.indexOf(sarif));
    expect(scripts).toBeDefined();
    expect(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).bin['baseline-check']).toBe('bin/baseline-check.js');
  });

  it('builds and checks the package after the tests, before baseline-check runs from its dist/', () => {
    const step = stepRunning('npm run check:package');
    expect(step.if).toBeUndefined();
    expect(steps.indexOf(stepRunning('npm test'))).toBeLessThan(steps.indexOf(step));
    expect(steps.indexOf(step)).toBeLessThan(steps.indexOf(stepRunning('npx --no-install baseline-check --format sarif')));
    // check:package builds dist/ first (npm run build), the bin's code.
    expect(readFileSync(path.join(ROOT, 'scripts', 'check-package.js'), 'utf8')).toContain("run('npm', ['run', '-s', 'build'], ROOT);");
    expect(readFileSync(path.join(ROOT, 'bin', 'baseline-check.js'), 'utf8')).toContain("require('../dist/evidence/cli.js')");
  });

  it('posts or updates one PR comment with reports/diff.md', () => {
    const comment = stepUsing('actions/github-script');
    expect(comment.if).toContain("github.event_name == 'pull_request'");
    // A diff that exits 1 (`--fail-on weakening`, an app not compared) wrote its Markdown: still posted.
    expect(comment.if).toContain("steps.diff.outcome != 'skipped' && hashFiles('reports/diff.md') != ''");
    expect(comment.with.script).toContain("readFileSync('reports/diff.md'");
    expect(comment.with.script).toContain('updateComment');
    expect(comment.with.script).toContain('createComment');
  });

  it('splices no event field into a script (script injection)', () => {
    for (const s of runs) expect({ step: s.name, run: s.run }).toEqual({ step: s.name, run: expect.not.stringContaining('${{') });
    expect(text).not.toMatch(/github\.event\.pull_request\.(title|body|head\.ref)/);
  });
});
