import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CONTROLS } from '../../lib/controls';
import { runBaselineCheck } from '../../lib/evidence/cli';
import { synthTerraformApp } from '../stacks/azure-support';
import { defaultConfig, rawDefaultConfig, synthAws } from '../stacks/support';

// The policy gate CLI on the real synthesized output of both apps (synthesized once for the file):
// the default config passes, a copy with SSH opened to the world on the bastion fails naming the
// control, and every usage or input problem exits 2 with a message naming the problem and the fix.
const ROOT = path.join(__dirname, '..', '..');
const CONFIG = path.join(ROOT, 'config', 'baseline.json');
const config = defaultConfig();
const awsOut = synthAws(config, { policy: false }).outdir;
const tfOut = synthTerraformApp(config);
const tmp = () => mkdtempSync(path.join(tmpdir(), 'baseline-cli-'));

/** A copy of the AWS output with port 22 open to 0.0.0.0/0 on the prod bastion's security group. */
const sshOpenOut = (() => {
  const out = path.join(tmp(), 'cdk.out');
  cpSync(awsOut, out, { recursive: true });
  const file = path.join(out, 'prod-aws-primary.template.json');
  const template = JSON.parse(readFileSync(file, 'utf8'));
  const [id, sg] = Object.entries<any>(template.Resources).find(
    ([id, r]) => id.startsWith('BastionSecurityGroup') && r.Type === 'AWS::EC2::SecurityGroup',
  )!;
  sg.Properties.SecurityGroupIngress.push({
    CidrIp: '0.0.0.0/0',
    Description: 'SSH from anywhere',
    FromPort: 22,
    ToPort: 22,
    IpProtocol: 'tcp',
  });
  writeFileSync(file, JSON.stringify(template, null, 1));
  return { out, sg: id };
})();

function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = runBaselineCheck(argv, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
  return { code, stdout, stderr };
}

// Each control counted once by its worst cell; the unchecked ones are those with an unchecked cell
// in the default output (the catalogue says why for each).
const UNCHECKED_CONTROLS = 4;
const defaultSummary =
  `baseline-check: ${CONTROLS.length - UNCHECKED_CONTROLS} controls pass, 0 fail, ${UNCHECKED_CONTROLS} unchecked, 0 ` +
  `config-enforced, 0 not applicable (14 stacks in 2 environments)`;
const UNCHECKED =
  'ADMIN-MFA on Azure (prod, staging), LOG-CENTRAL on Cloudflare (prod, staging), LOG-RETENTION on Cloudflare (prod, ' +
  'staging), DATA-RESIDENCY on Cloudflare (prod, staging)';
const defaultHeadline =
  `baseline-check: PASS with 8 unchecked cells: ${UNCHECKED}; ` + '8 declared exceptions in DATA-RESIDENCY on AWS (prod, staging)';
const ALLOWANCES = ['ADMIN-MFA:azure', 'LOG-CENTRAL:cloudflare', 'LOG-RETENTION:cloudflare', 'DATA-RESIDENCY:cloudflare'];

describe('baseline-check', () => {
  it('exits 0 on the default output with the default config, with a table per environment and the summary line', () => {
    const { code, stdout, stderr } = run(awsOut, tfOut, '--config', CONFIG);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines.slice(-2)).toEqual([defaultSummary, defaultHeadline]);
    expect(lines).toContain(
      'prod: 7 stacks (prod-aws-dr, prod-aws-dr-database, prod-aws-edge, prod-aws-primary, prod-azure-dr, prod-azure-primary, ' +
        'prod-cloudflare)',
    );
    expect(lines.filter((l) => /^(prod|staging): /.test(l))).toHaveLength(2);
    expect(lines).toContain('  control            aws        azure      cloudflare');
    expect(lines).toContain('  BASTION-SSH        pass       pass       n/a');
    expect(lines).toContain('  ADMIN-MFA          pass       unchecked  n/a');
    expect(stdout).not.toMatch(/FAIL {2}/);
    for (const control of CONTROLS) expect(lines.filter((l) => l.startsWith(`  ${control.id} `))).toHaveLength(2);
  });

  it('is deterministic: two runs print the same bytes', () => {
    expect(run(awsOut, tfOut, '--config', CONFIG).stdout).toBe(run(tfOut, awsOut, '--config', CONFIG).stdout);
    expect(run('--json', awsOut, tfOut).stdout).toBe(run('--json', awsOut, tfOut).stdout);
  });

  it('exits 1 and names the failing control, stack and resource when SSH is open to the world on the bastion', () => {
    const { code, stdout } = run(sshOpenOut.out, tfOut, '--config', CONFIG);
    expect(code).toBe(1);
    const lines = stdout.split('\n');
    const row = lines.findIndex((l) => l.startsWith('  BASTION-SSH') && l.includes('FAIL'));
    expect(lines[row]).toBe('  BASTION-SSH        FAIL       pass       n/a');
    // The first finding on the next line: cloud, stack, resource and what is wrong.
    expect(lines[row + 1]).toMatch(new RegExp(`^ {6}aws prod-aws-primary/${sshOpenOut.sg}: .*0\\.0\\.0\\.0/0`));
    expect(lines.filter((l) => /^ {2}\S.*FAIL/.test(l))).toEqual([lines[row]]);
    expect(stdout.trimEnd().split('\n').slice(-3)).toEqual([
      `baseline-check: ${CONTROLS.length - UNCHECKED_CONTROLS - 1} controls pass, 1 fail, ${UNCHECKED_CONTROLS} unchecked, 0 ` +
        `config-enforced, 0 not applicable (14 stacks in 2 environments)`,
      `baseline-check: FAIL: 1 failing cell: BASTION-SSH on AWS (prod); 8 unchecked cells: ${UNCHECKED}; 8 declared ` +
        `exceptions in DATA-RESIDENCY on AWS (prod, staging)`,
      'baseline-check: exit 1: 1 cell fail: BASTION-SSH on AWS (prod)',
    ]);
  });

  it('prints one JSON document with --json, whose failed flag matches the exit code', () => {
    const pass = run('--json', awsOut, tfOut, '--config', CONFIG);
    expect(pass.code).toBe(0);
    const doc = JSON.parse(pass.stdout);
    expect(Object.keys(doc)).toEqual([
      'version',
      'failed',
      'headline',
      'require',
      'allowUnchecked',
      'problems',
      'strict',
      'config',
      'summary',
      'matrix',
      'stacks',
      'notes',
    ]);
    expect(doc).toMatchObject({
      version: 2,
      failed: false,
      headline: defaultHeadline.slice('baseline-check: '.length),
      require: 'passing',
      allowUnchecked: [],
      problems: [],
      strict: false,
      config: CONFIG,
      notes: [],
    });
    expect(doc.summary).toEqual({
      controls: { pass: CONTROLS.length - UNCHECKED_CONTROLS, fail: 0, notApplicable: 0, configEnforced: 0, unchecked: UNCHECKED_CONTROLS },
      cells: expect.objectContaining({ fail: 0, unchecked: 8 }),
      stacks: 14,
      environments: ['prod', 'staging'],
    });
    expect(doc.matrix).toHaveLength(CONTROLS.length * 2 * 3);
    expect(doc.stacks).toContainEqual({ name: 'prod-aws-dr-database', cloud: 'aws', environment: 'prod', role: 'dr-database' });
    const db = doc.matrix.find((c: any) => c.control === 'DB-FROM-APP' && c.environment === 'prod' && c.cloud === 'aws');
    expect(db).toMatchObject({
      status: 'pass',
      findings: [],
      evidence: expect.arrayContaining([expect.stringMatching(/^prod-aws-primary\/Database/)]),
    });
    expect(doc.matrix.find((c: any) => c.control === 'ADMIN-MFA' && c.environment === 'prod' && c.cloud === 'azure')).toMatchObject({
      status: 'unchecked',
      reason: expect.stringMatching(/Conditional Access/),
    });

    const fail = run(sshOpenOut.out, tfOut, '--config', CONFIG, '--json');
    expect(fail.code).toBe(1);
    const failed = JSON.parse(fail.stdout);
    expect(failed.failed).toBe(true);
    expect(failed.summary.controls.fail).toBe(1);
    expect(failed.matrix.filter((c: any) => c.status === 'fail')).toEqual([
      expect.objectContaining({
        control: 'BASTION-SSH',
        environment: 'prod',
        cloud: 'aws',
        findings: [expect.objectContaining({ stack: 'prod-aws-primary', resource: sshOpenOut.sg })],
      }),
    ]);
  });

  it('without --config checks against the claim floors; --strict then fails what is not proven (origin lock is off)', () => {
    const floors = run(awsOut, tfOut);
    expect(floors.code).toBe(0);
    expect(floors.stdout).toContain('  ORIGIN-LOCK        n/a        n/a        pass');

    const strict = run('--strict', awsOut, tfOut);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(
      new RegExp(
        '^ {2}ORIGIN-LOCK +FAIL +FAIL +pass\\n {6}aws prod \\(aws stacks\\)\\/\\(template\\): strict: not proven: ' +
          '.*origin lock are off.* \\(\\+1 more, see --json\\)$',
        'm',
      ),
    );
    // LOG-CENTRAL on Cloudflare has a check, and nothing proves it below Enterprise: strict fails it.
    expect(strict.stdout).toMatch(/^baseline-check: \d+ controls pass, 2 fail, .*, strict\)$/m);
    expect(strict.stdout.trimEnd().split('\n').pop()).toBe(
      'baseline-check: exit 1: 6 cells fail: ORIGIN-LOCK on AWS (prod, staging), ORIGIN-LOCK on Azure (prod, staging), ' +
        'LOG-CENTRAL on Cloudflare (prod, staging)',
    );

    const configured = run('--strict', '--config', CONFIG, awsOut, tfOut);
    expect(configured.code).toBe(1);
    expect(configured.stdout).toMatch(
      new RegExp(
        '^ {6}cloudflare prod \\(cloudflare stacks\\)\\/\\(template\\): strict: not proven: prod-cloudflare: ' +
          "the edge's WAF and HTTP request logs .*needs an Enterprise zone \\(cloudflare\\.plan is business\\); " +
          'give the check',
        'm',
      ),
    );
    expect(configured.stdout.trimEnd().split('\n').pop()).toBe(
      'baseline-check: exit 1: 2 cells fail: LOG-CENTRAL on Cloudflare (prod, staging)',
    );
  });

  it('exits by --require: checked fails on unchecked cells unless allowed by control and cloud, and on stale allowances', () => {
    const strict = run(awsOut, tfOut, '--config', CONFIG, '--require', 'checked');
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain(
      `baseline-check: exit 1: --require checked: 8 cells unchecked: ${UNCHECKED}; add a check, or accept each with ` +
        `--allow-unchecked CONTROL:cloud`,
    );
    const allowed = run(awsOut, tfOut, '--config', CONFIG, '--require=checked', ...ALLOWANCES.map((a) => `--allow-unchecked=${a}`));
    expect(allowed.code).toBe(0);
    expect(allowed.stdout.trimEnd().split('\n').pop()).toBe(defaultHeadline);
    const stale = run(
      awsOut,
      tfOut,
      '--config',
      CONFIG,
      '--require',
      'checked',
      ...ALLOWANCES.flatMap((a) => ['--allow-unchecked', a]),
      '--allow-unchecked',
      'BACKUP:azure',
    );
    expect(stale.code).toBe(1);
    expect(stale.stdout).toContain('baseline-check: exit 1: --allow-unchecked BACKUP:azure matches no unchecked cell');
    expect(JSON.parse(run('--json', awsOut, tfOut, '--config', CONFIG, '--require', 'checked').stdout)).toMatchObject({
      failed: true,
      require: 'checked',
      problems: [expect.stringMatching(/^--require checked: 8 cells unchecked/)],
    });
  });

  it('under --strict fails a control whose cross-stack check cannot run for want of stack markers', () => {
    // One stack of another project's naming: DR-REGION on AWS is checked only across an environment's stacks.
    const out = tmp();
    const foreign = JSON.parse(readFileSync(path.join(awsOut, 'prod-aws-edge.template.json'), 'utf8'));
    delete foreign.Metadata; // another project's stack: no stack marker
    writeFileSync(path.join(out, 'edge.template.json'), JSON.stringify(foreign));
    writeFileSync(
      path.join(out, 'manifest.json'),
      JSON.stringify({
        version: '1',
        artifacts: { MyEdgeStack: { type: 'aws:cloudformation:stack', properties: { templateFile: 'edge.template.json' } } },
      }),
    );
    const lax = run(out);
    expect(lax.code).toBe(0);
    expect(lax.stdout).toContain('MyEdgeStack: 1 stack (MyEdgeStack)');
    const strict = run(out, '--strict', '--json');
    expect(strict.code).toBe(1);
    const dr = JSON.parse(strict.stdout).matrix.find((c: any) => c.control === 'DR-REGION');
    expect(dr.findings[0].message).toMatch(
      /strict: not proven: its check reads an environment's aws stacks together and needs the environment's primary stack/,
    );
  });

  it('notes environments of the config that are missing from the output, on stderr', () => {
    const { code, stderr } = run(sshOpenOut.out, '--config', CONFIG, '--json');
    expect(code).toBe(1);
    expect(stderr).toBe('');
    const onlyProd = tmp();
    const tf = path.join(onlyProd, 'cdktf.out');
    cpSync(tfOut, tf, { recursive: true });
    const manifest = JSON.parse(readFileSync(path.join(tf, 'manifest.json'), 'utf8'));
    for (const name of Object.keys(manifest.stacks)) if (name.startsWith('staging-')) delete manifest.stacks[name];
    writeFileSync(path.join(tf, 'manifest.json'), JSON.stringify(manifest));
    const result = run(tf, '--config', CONFIG);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      `baseline-check: note: environment staging of ${CONFIG} has no stack in the output; nothing of it was checked\n`,
    );
  });

  describe('exits 2 with one line naming the problem and the fix', () => {
    const notOutput = tmp();
    writeFileSync(path.join(notOutput, 'README.md'), 'not a synth output');
    const badJson = tmp();
    writeFileSync(path.join(badJson, 'manifest.json'), '{"artifacts": ');
    const emptyAssembly = tmp();
    writeFileSync(path.join(emptyAssembly, 'manifest.json'), JSON.stringify({ version: '1', artifacts: {} }));
    const aFile = path.join(notOutput, 'README.md');

    it.each<[string, string[], RegExp]>([
      ['no arguments', [], /^baseline-check: no output directory given; pass one or more cdk\.out \/ cdktf\.out directories/],
      ['only options', ['--json', '--strict'], /no output directory given/],
      ['a missing directory', [path.join(notOutput, 'cdk.out')], /cdk\.out: no such directory; run `cdk synth` \/ `cdktf synth` first/],
      ['a file', [aFile], /README\.md: not a directory; pass the output directory/],
      [
        'a directory that is not synthesized output',
        [notOutput],
        /no manifest\.json; expected a cdk\.out \(cdk synth\) or cdktf\.out \(cdktf synth\) directory; run the synth/,
      ],
      ['an unreadable manifest', [badJson], /cannot read the synthesized output \(.*JSON.*\); re-run the synth/],
      ['an output with no stack', [emptyAssembly], /holds no stack this tool checks/],
      ['an unknown option', ['--jsn', awsOut], /^baseline-check: unknown option --jsn; run baseline-check --help/],
      ['--config without a file', [awsOut, '--config'], /--config needs a file/],
      ['an unknown requirement', [awsOut, '--require', 'all'], /--require needs one of passing, checked \(received "all"\)/],
      [
        'a malformed allowance',
        [awsOut, '--require', 'checked', '--allow-unchecked', 'ADMIN-MFA'],
        /--allow-unchecked "ADMIN-MFA": expected CONTROL:cloud/,
      ],
      [
        'an allowance without --require checked',
        [awsOut, '--allow-unchecked', 'ADMIN-MFA:azure'],
        /--allow-unchecked applies under --require checked/,
      ],
      ['the same output twice', [awsOut, awsOut], /stack prod-aws-dr is in both .* and .*; pass each output directory once/],
    ])('for %s', (_what, argv, message) => {
      const { code, stdout, stderr } = run(...argv);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(message);
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    });

    it('for an invalid config, listing every problem with its path', () => {
      const raw = rawDefaultConfig();
      raw.environments.prod.bastion.allowedCidrs[0] = '0.0.0.0/0';
      const file = path.join(tmp(), 'bad.json');
      writeFileSync(file, JSON.stringify(raw));
      const { code, stdout, stderr } = run(awsOut, tfOut, '--config', file);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(
        new RegExp(
          `^baseline-check: invalid config ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(1 problem\\); fix it \\(see ` +
            `config/baseline\\.schema\\.json\\) or drop --config:\n  - environments\\.prod\\.bastion\\.allowedCidrs\\[0\\]: ` +
            `received "0\\.0\\.0\\.0/0": `,
        ),
      );
      const missing = run(awsOut, '--config', path.join(tmp(), 'none.json'));
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/invalid config .*none\.json \(1 problem\).*\n {2}- \(file\): .*cannot be read \(ENOENT\)/);
    });
  });

  it('prints the usage on --help and exits 0', () => {
    const { code, stdout, stderr } = run('--help');
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(
      new RegExp(
        '^usage: baseline-check \\[--json \\| --format text\\|json\\|sarif\\] \\[--output FILE\\] \\[--config ' +
          'FILE\\] \\[--require passing\\|checked\\] \\[--allow-unchecked CONTROL:cloud\\]\\.\\.\\. \\[--strict\\] ' +
          '<cdk\\.out\\|cdktf\\.out>\\.\\.\\.',
      ),
    );
    expect(stdout).toContain(
      'Exit codes: 0 nothing fails under the requirement; 1 a cell fails (or, with --require checked, a\ncell is unchecked ' +
        'without an allowance, or an allowance is stale); 2 usage or input error.',
    );
  });

  it('runs as the package bin: node bin/baseline-check.js, with its exit code and output', () => {
    // One run of the bin as a process (a failing control: exit 1 must reach the shell); .ci/run
    // runs it on the real output (exit 0, and --format sarif twice, compared), and every other
    // exit path is proven in-process above through runBaselineCheck, which the bin calls.
    const bin = path.join(ROOT, 'bin', 'baseline-check.js');
    expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(statSync(bin).mode & 0o111).not.toBe(0);
    expect(readFileSync(bin, 'utf8')).toContain('process.exitCode = cli.runBaselineCheck(process.argv.slice(2), process);');
    const env = { ...process.env, CHECKPOINT_DISABLE: '1', FORCE_COLOR: '0' };
    const fail = spawnSync(process.execPath, [bin, '--json', sshOpenOut.out, tfOut, '--config', CONFIG], {
      cwd: ROOT,
      encoding: 'utf8',
      env,
    });
    expect({ status: fail.status, stderr: fail.stderr }).toEqual({ status: 1, stderr: '' });
    expect(JSON.parse(fail.stdout).failed).toBe(true);
    expect(fail.stdout).toBe(run('--json', sshOpenOut.out, tfOut, '--config', CONFIG).stdout);
  });
});
