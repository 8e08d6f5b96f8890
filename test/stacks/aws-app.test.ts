import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runAwsApp } from '../../stacks/aws-app';
import type { AppIo } from '../../stacks/config-file';
import { runTfApp } from '../../stacks/tf-app';
import { rawDefaultConfig } from './support';

// The entry points' functions, called in-process with the environment cdk/cdktf give the app (the
// config file, the output directory). .ci/run runs both apps as processes (cdk synth and
// npm run synth:tf, and npm run synth) on an invalid config: non-zero exit, the field named, no output.
const APPS: Record<string, (io: AppIo) => number> = { 'stacks/aws-app.ts': runAwsApp, 'stacks/tf-app.ts': runTfApp };

/** Runs an app entry point's function the way cdk/cdktf run the app, with the given config file. */
function runApp(entry: string, config: unknown) {
  const dir = mkdtempSync(path.join(tmpdir(), 'baseline-app-'));
  const file = path.join(dir, 'config.json');
  writeFileSync(file, JSON.stringify(config));
  const outdir = path.join(dir, 'out');
  let stderr = '';
  const status = APPS[entry]({
    stderr: { write: (t: string) => (stderr += t) },
    env: { ...process.env, BASELINE_CONFIG: file, CDK_OUTDIR: outdir, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: '1' },
  });
  let written: string[] = [];
  try {
    written = readdirSync(outdir);
  } catch {
    written = [];
  }
  return { status, stderr, written };
}

function badConfig() {
  const config = rawDefaultConfig();
  config.environments.prod.bastion.allowedCidrs[1] = '10.0.0.0/8';
  config.environments.staging.aws.drRegion = 'us-east-1';
  config.environments.prod.waf.typo = true;
  return config;
}

describe.each(['stacks/aws-app.ts', 'stacks/tf-app.ts'])('%s with an invalid config', (entry) => {
  const result = runApp(entry, badConfig());

  it('exits non-zero and writes no output', () => {
    expect(result.status).toBe(1);
    expect(result.written.filter((f) => f.endsWith('.json'))).toEqual([]);
  });

  it('reports every problem of the file in one run, each naming its field, the value and the fix', () => {
    expect(result.stderr).toContain('(3 problems)');
    expect(result.stderr).toContain(
      'environments.prod.bastion.allowedCidrs[1]: received "10.0.0.0/8": is broader than the allowed maximum /24',
    );
    expect(result.stderr).toContain('environments.staging.aws.drRegion: received "us-east-1": is outside residency "eu"');
    expect(result.stderr).toContain('environments.prod.waf.typo: received true: is not a known setting');
  });
});

// The least-privilege settings (issue "Least privilege on every access path"): a person without a
// key, an egress range of the whole internet, and a package mirror that is neither a range nor a
// host name each fail both apps with one message naming the field, and nothing is written.
function leastPrivilegeMistakes() {
  const config = rawDefaultConfig();
  config.environments.prod.bastion.users[0].publicKeys = [];
  config.environments.prod.egress = { packageMirrors: ['0.0.0.0/0', 'https://mirror.example.com/ubuntu'] };
  return config;
}

describe.each(['stacks/aws-app.ts', 'stacks/tf-app.ts'])('%s with least-privilege mistakes', (entry) => {
  const result = runApp(entry, leastPrivilegeMistakes());

  it('exits 1, writes no template, and names each field once', () => {
    expect(result.status).toBe(1);
    expect(result.written.filter((f) => f.endsWith('.json'))).toEqual([]);
    expect(result.stderr).toContain('(3 problems)');
    expect(result.stderr).toContain('environments.prod.bastion.users[0].publicKeys: received []: must hold at least one public key');
    expect(result.stderr).toContain(
      'environments.prod.egress.packageMirrors[0]: received "0.0.0.0/0": opens egress to the whole internet (/0 is never accepted)',
    );
    expect(result.stderr).toContain('environments.prod.egress.packageMirrors[1]: received "https://mirror.example.com/ubuntu": ');
  });
});
