import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

// Our own CI (.ci/run, on a clean clone): nothing but npm installs, and the controls report gate
// and baseline-check on the output the synth section wrote, failing CI when they fail.
const ROOT = path.join(__dirname, '..', '..');
const file = path.join(ROOT, '.ci', 'run');
const text = readFileSync(file, 'utf8');
const at = (needle: string) => {
  const i = text.indexOf(needle);
  expect({ needle, found: i >= 0 }).toEqual({ needle, found: true });
  return i;
};

describe('.ci/run', () => {
  it('is valid bash', () => {
    expect(spawnSync('bash', ['-n', file], { encoding: 'utf8' })).toMatchObject({ status: 0, stderr: '' });
  });

  it('installs nothing but the locked npm packages: the browser tests take Chromium from npm (test/browser.ts)', () => {
    expect(text).not.toMatch(/\b(apt-get|apt|dpkg|curl|wget)\b/);
    expect(at('npm ci --no-audit')).toBeLessThan(at('npm test -- --json'));
  });

  it('checks the scoped Guard run against the shipped validator on the default config, after the tests and before the synth', () => {
    const check = at(
      "GUARD_EQUIVALENCE=1 npx --no-install jest test/policy/control-tower-guard-validator.test.ts -t 'on the default config'",
    );
    expect(at('npm test -- --json')).toBeLessThan(check);
    expect(check).toBeLessThan(at('\nnpm run synth\n'));
    expect(text).toContain('|| fail "the scoped Guard run and CfnGuardValidator disagree on the default config"');
  });

  it('builds, packs and installs the package into the examples after the tests, before baseline-check runs from its dist/', () => {
    const check = at('npm run -s check:package || fail ');
    expect(at('npm test -- --json')).toBeLessThan(check);
    expect(check).toBeLessThan(at('\nnpm run synth\n'));
    expect(check).toBeLessThan(at('node bin/baseline-check.js cdk.out cdktf.out'));
  });

  it('checks that npm run synth fails on an invalid config, naming the field for both apps, and writes nothing', () => {
    expect(at('section "Invalid config fails the synth and writes nothing"')).toBeLessThan(
      at('BASELINE_CONFIG="$bad" CDK_OUTDIR="$work/bad-both-aws" CDKTF_OUTDIR="$work/bad-both-tf" npm run -s synth'),
    );
    expect(text).toContain('fail "npm run synth wrote output for an invalid config"');
  });

  it('runs the synth determinism test that npm test skips, after the tests and before the synth', () => {
    const check = at('SYNTH_DETERMINISM=1 npx --no-install jest test/stacks/aws-determinism.test.ts');
    expect(at('npm test -- --json')).toBeLessThan(check);
    expect(check).toBeLessThan(at('\nnpm run synth\n'));
    expect(text).toContain('|| fail "two synths of the AWS app in the tests differ');
  });

  it(
    "runs the report gate (compared with the determinism check's second synth) and baseline-check after the synths, failing CI " +
      'when they fail',
    () => {
      const synth = at('\nnpm run synth\n');
      const second = at('npx --no-install cdk synth --quiet --no-notices --output "$work/aws-2"');
      const report = at('\nnpm run report -- --base-cdk-out "$work/aws-2" --base-cdktf-out "$work/tf-1" "${policy[@]}" >');
      const check = at('node bin/baseline-check.js cdk.out cdktf.out --config config/baseline.json "${policy[@]}" >');
      // Both gates demand checked cells; the known gaps are named one by one, never a blanket switch.
      expect(at('policy=(--require checked\n')).toBeLessThan(report);
      expect(text.match(/^ {2}--allow-unchecked [A-Z-]+:(aws|azure|cloudflare)\)?$/gm)?.length).toBeGreaterThan(0);
      expect(synth).toBeLessThan(second);
      expect(second).toBeLessThan(at('CDKTF_OUTDIR="$work/tf-$n" npm run -s synth:tf'));
      expect(at('CDKTF_OUTDIR="$work/tf-$n" npm run -s synth:tf')).toBeLessThan(report);
      expect(report).toBeLessThan(check);
      expect(check).toBeLessThan(at('section "Invalid config fails the synth and writes nothing"'));
      expect(text).toMatch(/\[\[ "\$report_rc" == 0 \]\] \|\| fail /);
      expect(text).toMatch(/\[\[ "\$check_rc" == 0 \]\] \|\| fail /);
    },
  );

  it('generates the OSCAL documents, the trust page and the SARIF after the report gate, twice, and fails when a run differs', () => {
    const section = at('section "Evidence: OSCAL, trust page and SARIF, each generated twice and compared"');
    expect(at('\nnpm run report -- --base-cdk-out "$work/aws-2" --base-cdktf-out "$work/tf-1" "${policy[@]}" >')).toBeLessThan(section);
    expect(at('node bin/baseline-check.js cdk.out cdktf.out --config config/baseline.json')).toBeLessThan(section);
    expect(section).toBeLessThan(at('section "Invalid config fails the synth and writes nothing"'));
    for (const command of [
      'npm run -s report -- --format oscal --out reports',
      'npm run -s trust-page \\',
      'node bin/baseline-check.js --format sarif --output reports/baseline.sarif --config config/baseline.json cdk.out cdktf.out',
      // The same exit policy as the gate: the report JSON records it, so a run without it differs.
      'npm run -s report -- --base-cdk-out "$work/aws-2" --base-cdktf-out "$work/tf-1" "${policy[@]}" --out "$work/again"',
      'npm run -s report -- --format oscal --out "$work/again"',
      'npm run -s trust-page -- --report "$work/again/controls.json" --out "$work/again"',
      'node bin/baseline-check.js --format sarif --output "$work/again/baseline.sarif"',
    ])
      expect(at(command)).toBeGreaterThan(section);
    expect(text).toContain(
      'for f in controls.md controls.json controls.html oscal-assessment-results.json oscal-component-definition.json ' +
        'trust.html trust.md trust-review.md baseline.sarif; do',
    );
    expect(text).toContain('cmp "reports/$f" "$work/again/$f" || fail');
    expect(text).toMatch(/\[\[ "\$evidence_rc" == 0 \]\] \|\| fail /);
  });

  it('allows the same unchecked cells as the GitHub workflow, so both CIs gate alike', () => {
    const ours = [...text.matchAll(/^ {2}--allow-unchecked ([A-Z-]+:[a-z]+)\)?$/gm)].map((m) => m[1]).sort();
    const workflow = readFileSync(path.join(ROOT, '.github', 'workflows', 'baseline.yml'), 'utf8');
    const theirs = [...workflow.matchAll(/^ +--allow-unchecked ([A-Z-]+:[a-z]+)$/gm)].map((m) => m[1]).sort();
    expect(ours.length).toBeGreaterThan(0);
    expect(theirs).toEqual(ours);
  });

  it('builds the API reference (npm run docs:api, not committed) after the tests, failing CI when TypeDoc fails', () => {
    expect(at('npm test -- --json')).toBeLessThan(at('npm run -s docs:api || fail'));
    const ignored = readFileSync(path.join(ROOT, '.gitignore'), 'utf8').split('\n');
    expect(ignored).toContain('docs/api/');
  });
});
