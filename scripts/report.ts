// The controls report (issue 6): `npm run report [-- --synth] [--cdk-out DIR] [--cdktf-out DIR] [--out DIR]`.
// Reads the synthesized output of both apps (synthesizing a missing one first), evaluates every
// control with the options of the config (BASELINE_CONFIG or config/baseline.json), and writes
// reports/controls.md, controls.json and controls.html. The same output always gives the same
// bytes. Exit 0 when no cell fails, 1 when any does (the CI gate), 2 on usage or input errors.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ConfigError, DEFAULT_CONFIG_PATH, loadConfig } from '../lib/config/load';
import type { BaselineConfig } from '../lib/config/schema';
import { acknowledgements } from '../lib/evidence/acknowledgements';
import { evaluate } from '../lib/evidence/evaluate';
import { buildReport, renderReportFiles, stackTopology, summaryText } from '../lib/evidence/report';
import { readSynthOutput, SynthOutputError, type SynthesizedStack } from '../lib/evidence/synth-output';

const ROOT = path.join(__dirname, '..');

/** A mistake in how the script was called or in its input; the message says how to fix it. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const USAGE = `usage: npm run report -- [--synth] [--cdk-out DIR] [--cdktf-out DIR] [--out DIR]
  --synth          synthesize both apps first, even when their output directories exist
  --cdk-out DIR    the AWS cloud assembly (default: cdk.out; synthesized when missing)
  --cdktf-out DIR  the CDK for Terraform output (default: cdktf.out; synthesized when missing)
  --out DIR        where controls.md, controls.json and controls.html go (default: reports)
The config comes from BASELINE_CONFIG, else config/baseline.json.
Exit codes: 0 no control fails; 1 a control fails in some environment and cloud; 2 usage or input error.`;

/** The parsed command line. */
export interface ReportArgs {
  readonly synth: boolean;
  readonly cdkOut: string;
  readonly cdktfOut: string;
  readonly out: string;
  readonly help: boolean;
}

/** Parses the command line; throws UsageError naming the option and the fix. */
export function parseArgs(argv: readonly string[]): ReportArgs {
  let synth = false;
  let help = false;
  const dirs = { '--cdk-out': 'cdk.out', '--cdktf-out': 'cdktf.out', '--out': 'reports' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--synth') synth = true;
    else if (a === '--help' || a === '-h') help = true;
    else if (a in dirs) {
      const value = argv[++i];
      if (value === undefined || value === '' || value.startsWith('--')) throw new UsageError(`${a} needs a directory, e.g. ${a} ${dirs[a as keyof typeof dirs]}\n${USAGE}`);
      dirs[a as keyof typeof dirs] = value;
    } else throw new UsageError(`unknown ${a.startsWith('-') ? 'option' : 'argument'} ${JSON.stringify(a)}\n${USAGE}`);
  }
  return { synth, help, cdkOut: dirs['--cdk-out'], cdktfOut: dirs['--cdktf-out'], out: dirs['--out'] };
}

/** Runs a command in the repository root; resolves to its exit code (stderr passed through). */
function run(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/** Synthesizes the AWS app (as a developer does, with the CDK CLI) into `outdir`. */
async function synthAws(outdir: string): Promise<void> {
  const code = await run('npx', ['--no-install', 'cdk', 'synth', '--quiet', '--no-notices', '--output', outdir], { ...process.env, CHECKPOINT_DISABLE: '1' });
  if (code !== 0) throw new UsageError(`synthesizing the AWS app into ${outdir} failed (cdk synth exited ${code}); fix the error above, or pass --cdk-out with an existing cloud assembly`);
}

/** Synthesizes the CDK for Terraform app (Azure and Cloudflare stacks) into `outdir`. */
async function synthTerraform(outdir: string): Promise<void> {
  const code = await run(process.execPath, ['-r', './scripts/register.js', 'stacks/tf-app.ts'], { ...process.env, CHECKPOINT_DISABLE: '1', CDKTF_OUTDIR: outdir });
  if (code !== 0) throw new UsageError(`synthesizing the Terraform app into ${outdir} failed (exited ${code}); fix the error above, or pass --cdktf-out with an existing cdktf.out`);
}

/**
 * The region of every stack of a cloud assembly, from its manifest (`aws://<account>/<region>`),
 * nested assemblies included; environment-agnostic stacks have none.
 */
export function awsRegions(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const manifest = path.join(dir, 'manifest.json');
  if (!existsSync(manifest)) return out;
  for (const [id, artifact] of Object.entries<any>(JSON.parse(readFileSync(manifest, 'utf8')).artifacts ?? {})) {
    if (artifact.type === 'aws:cloudformation:stack') {
      const region = /^aws:\/\/[^/]*\/(.+)$/.exec(String(artifact.environment ?? ''))?.[1];
      if (region && region !== 'unknown-region') out[id] = region;
    } else if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
      Object.assign(out, awsRegions(path.join(dir, artifact.properties.directoryName)));
    }
  }
  return out;
}

/** A path as the report shows it: relative to the working directory, with forward slashes. */
function shown(p: string): string {
  return (path.relative(process.cwd(), path.resolve(p)) || '.').split(path.sep).join('/');
}

async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const configFile = process.env.BASELINE_CONFIG || DEFAULT_CONFIG_PATH;
  // Validated before any synthesis: an invalid config is an input error, not a failing control.
  const config: BaselineConfig = loadConfig(configFile);
  const cdkOut = shown(args.cdkOut);
  const cdktfOut = shown(args.cdktfOut);
  const pending: Promise<void>[] = [];
  for (const [dir, synth, what] of [[cdkOut, synthAws, 'AWS app'], [cdktfOut, synthTerraform, 'Terraform app']] as const) {
    if (!args.synth && existsSync(dir)) continue;
    process.stderr.write(`report: synthesizing the ${what} into ${dir}${args.synth ? '' : ' (missing)'}...\n`);
    pending.push(synth(path.resolve(dir)));
  }
  // Both apps at once: each is one single-threaded Node process.
  const settled = await Promise.allSettled(pending);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;

  const stacks: SynthesizedStack[] = [...readSynthOutput(cdkOut), ...readSynthOutput(cdktfOut)].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (stacks.length === 0) throw new UsageError(`no stacks in ${cdkOut} or ${cdktfOut}; synthesize them (npm run report -- --synth)`);
  const known = new Set(Object.keys(config.environments));
  const strangers = [...new Set(stacks.map((s) => s.environment).filter((e) => !known.has(e)))].sort();
  if (strangers.length > 0) {
    process.stderr.write(`report: warning: environment${strangers.length === 1 ? '' : 's'} ${strangers.join(', ')} of the synthesized output ${strangers.length === 1 ? 'is' : 'are'} not in ${shown(configFile)}; the claim floors apply there (rerun with --synth if the output is stale)\n`);
  }
  const evaluation = evaluate(stacks, (env) => config.environments[env]);
  const report = buildReport({
    evaluation,
    acknowledgements: acknowledgements(stacks),
    topology: stackTopology(stacks, awsRegions(cdkOut)),
    inputs: { 'AWS cloud assembly': cdkOut, 'Terraform output': cdktfOut, config: shown(configFile) },
  });
  const outDir = shown(args.out);
  mkdirSync(outDir, { recursive: true });
  const files = renderReportFiles(report);
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(outDir, name), content);
  process.stdout.write(`${summaryText(report)}\nWrote ${Object.keys(files).map((f) => `${outDir}/${f}`).join(', ')}.\n`);
  return report.summary.result === 'fail' ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      if (err instanceof UsageError || err instanceof ConfigError || err instanceof SynthOutputError) {
        process.stderr.write(`report: ${err.message}\n`);
        process.exit(2);
      }
      // Unreadable files and the like are input errors too; exit 1 is reserved for failing controls.
      process.stderr.write(`report: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(2);
    },
  );
}
