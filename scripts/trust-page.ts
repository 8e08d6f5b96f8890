// The public trust page (issue 19): `npm run trust-page -- [--report FILE] [--claims FILE] [--out DIR]`.
// Reads the claims list (data/claims.json) and the controls report (reports/controls.json, written
// by npm run report) and writes trust.html and trust.md (the public page: only claims every
// control of which is proven) and trust-review.md (reviewer only: withheld claims and why).
// The report must come from the config named (BASELINE_CONFIG, else config/baseline.json): a page
// built from another config's report would publish claims this one does not make true. Exit 0
// when written, 2 on bad input (nothing written then).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CONTROLS } from '../lib/controls/catalogue';
import { assertFrameworkMappings, CONTROL_FRAMEWORKS, FrameworkMappingError } from '../lib/controls/frameworks';
import { writeFilesAtomic } from '../lib/evidence/atomic-write';
import { REPORT_VERSION } from '../lib/evidence/report';
import { judgeClaims, parseClaims, renderTrustPage, TrustPageInputError, type TrustReport } from '../lib/evidence/trust-page';
import { configFile as configFileOf } from '../stacks/config-file';

export const USAGE = `usage: npm run trust-page -- [--report FILE] [--claims FILE] [--out DIR]
  --report FILE  the controls report (default: reports/controls.json; write it with npm run report)
  --claims FILE  the claims and their public statements (default: data/claims.json)
  --out DIR      where trust.html, trust.md and trust-review.md go (default: reports)
The config comes from BASELINE_CONFIG, else config/baseline.json; the report must be produced from it.
Exit codes: 0 written (withheld claims are listed in trust-review.md); 2 usage or input error.`;

export interface TrustPageArgs {
  readonly report: string;
  readonly claims: string;
  readonly out: string;
  readonly help: boolean;
}

/** Parses the command line; throws TrustPageInputError naming the option and the fix. */
export function parseArgs(argv: readonly string[]): TrustPageArgs {
  const values: Record<'--report' | '--claims' | '--out', string> = {
    '--report': path.join('reports', 'controls.json'),
    '--claims': path.join('data', 'claims.json'),
    '--out': 'reports',
  };
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') help = true;
    else if (a in values) {
      const value = argv[++i];
      if (value === undefined || value === '' || value.startsWith('--'))
        throw new TrustPageInputError(`${a} needs a value, e.g. ${a} ${values[a as keyof typeof values]}\n${USAGE}`);
      values[a as keyof typeof values] = value;
    } else throw new TrustPageInputError(`unknown ${a.startsWith('-') ? 'option' : 'argument'} ${JSON.stringify(a)}\n${USAGE}`);
  }
  return { report: values['--report'], claims: values['--claims'], out: values['--out'], help };
}

function readJson(file: string, what: string, fix: string): unknown {
  if (!existsSync(file)) throw new TrustPageInputError(`${file}: no such file (${what}); ${fix}`);
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new TrustPageInputError(`${file} is not valid JSON (${(err as Error).message.split('\n')[0]}); ${fix}`);
  }
}

/** Builds the page; returns the files written and the counts. */
export function run(args: TrustPageArgs, env: NodeJS.ProcessEnv = process.env): { files: string[]; published: number; withheld: number } {
  assertFrameworkMappings(
    CONTROL_FRAMEWORKS,
    CONTROLS.map((c) => c.id),
  );
  const claimsJson = readJson(args.claims, 'the claims list', 'restore data/claims.json from git or pass --claims');
  const claims = parseClaims(claimsJson, args.claims);
  const report = readJson(
    args.report,
    'the controls report',
    'run npm run report first (it writes reports/controls.json), or pass --report',
  ) as any;
  if (report?.version !== REPORT_VERSION || !Array.isArray(report?.matrix) || !Array.isArray(report?.summary?.environments)) {
    throw new TrustPageInputError(
      `${args.report}: not a controls report of version ${REPORT_VERSION} (npm run report writes one); rerun npm run report`,
    );
  }
  const configFile = configFileOf(env);
  if (!existsSync(configFile))
    throw new TrustPageInputError(`config ${configFile}: no such file; set BASELINE_CONFIG to the config the report was produced from`);
  const digest = createHash('sha256').update(readFileSync(configFile)).digest('hex');
  const recorded = report.inputs?.['config sha256'];
  if (recorded !== digest) {
    const from = report.inputs?.config
      ? `${report.inputs.config}${recorded ? ` (sha256 ${String(recorded).slice(0, 12)}…)` : ', no digest recorded'}`
      : 'an unnamed config';
    throw new TrustPageInputError(
      `${args.report} was produced from ${from}, not from the config named, ${configFile} (sha256 ${digest.slice(0, 12)}…): ` +
        `its results may not hold for this config; rerun npm run ` +
        `report${env.BASELINE_CONFIG ? ' with the same BASELINE_CONFIG' : ''}, then npm run trust-page`,
    );
  }
  const verdicts = judgeClaims(claims, report as TrustReport);
  const pages = (claimsJson as { pages?: Record<string, string> }).pages;
  const rendered = renderTrustPage(verdicts, { ...(pages ? { pages } : {}), environments: report.summary.environments });
  const files = Object.fromEntries(Object.entries(rendered).map(([name, content]) => [path.join(args.out, name), content]));
  writeFilesAtomic(files);
  const published = verdicts.filter((v) => v.published).length;
  return { files: Object.keys(files), published, withheld: verdicts.length - published };
}

/** Where the script writes its messages, and the environment it reads (the tests run it in-process). */
export interface TrustPageIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly env: NodeJS.ProcessEnv;
}

/**
 * The trust page as `npm run trust-page` runs it: returns the exit code (0 written, 2 usage or
 * input error), with the messages written to `io`.
 */
export function runTrustPage(
  argv: readonly string[],
  io: TrustPageIo = { stdout: process.stdout, stderr: process.stderr, env: process.env },
): number {
  try {
    const args = parseArgs(argv);
    if (args.help) {
      io.stdout.write(`${USAGE}\n`);
    } else {
      const r = run(args, io.env);
      io.stdout.write(
        `Trust page: ${r.published} claims published, ${r.withheld} withheld (reasons in the reviewer notes). Wrote ` +
          `${r.files.map((f) => f.split(path.sep).join('/')).join(', ')}.\n`,
      );
    }
    return 0;
  } catch (err) {
    if (err instanceof TrustPageInputError || err instanceof FrameworkMappingError) io.stderr.write(`trust-page: ${err.message}\n`);
    else io.stderr.write(`trust-page: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 2;
  }
}

if (require.main === module) {
  process.exitCode = runTrustPage(process.argv.slice(2));
}
