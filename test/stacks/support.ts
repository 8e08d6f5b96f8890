import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { parseConfig } from '../../lib/config/load';
import type { BaselineConfig } from '../../lib/config/schema';
import { readTemplates, sharedOutput } from '../synth-cache';

// aws-cdk-lib, the stacks and the policy packs are loaded only by a file that synthesizes: one
// that reads the run's shared output of the default config (test/synth-cache.ts) never pays for
// them (about 1-2 s of module loading per test file under jest).

const ROOT = path.join(__dirname, '..', '..');
const CONFIG_FILE = path.join(ROOT, 'config', 'baseline.json');

/** The last parse of the default config, reused while the file's text is unchanged. */
let parsedDefault: { text: string; config: BaselineConfig } | undefined;

/**
 * The shipped default config, parsed and validated (a fresh copy per call). The file is read
 * every time; it is parsed again only when its text changed.
 */
export function defaultConfig(): BaselineConfig {
  const text = readFileSync(CONFIG_FILE, 'utf8');
  if (parsedDefault?.text !== text) parsedDefault = { text, config: parseConfig(JSON.parse(text), 'config/baseline.json') };
  return structuredClone(parsedDefault.config);
}

/** The raw default config file, for tests that edit it before validation. */
export function rawDefaultConfig(): any {
  return JSON.parse(readFileSync(path.join(ROOT, 'config', 'baseline.json'), 'utf8'));
}

/** A synthesized AWS app: every stack's template by stack id. */
export interface SynthResult {
  readonly outdir: string;
  readonly templates: Record<string, any>;
}

/** Options of {@link synthAws}. */
export interface SynthAwsOptions {
  /**
   * Run the policy gates (default true): cdk-nag, Control Tower Guard and CDK's built-in
   * CloudFormation validation (`@aws-cdk/core:validateAgainstDefaultRules`). They only report, never
   * change a template. `false` leaves out cdk-nag and Guard; for the default config it also
   * leaves out the built-in validation (~4.5 s wall / 8.7 s CPU of a 6.4 s synth), which the gated
   * synth of the same config runs (test/stacks/aws-policy.test.ts, and CI's `npm run synth`).
   * Other configs keep it: nothing else validates their templates.
   */
  readonly policy?: boolean;
  /**
   * Run CDK's built-in CloudFormation validation with the policy gates (default true). The run's
   * shared gated synth of the default config (test/synth-cache-child.ts) passes false: the
   * validation is a schema check, not a policy pack; its wasm engine was ~13 s of that synth's
   * 23 s CPU; and CI's `npm run synth` (`@aws-cdk/core:validateAgainstDefaultRules` in cdk.json)
   * runs it on the same config at every commit, where the report's acknowledgement audit also
   * judges its acknowledgements (an audit judges only the gates that ran).
   */
  readonly cfnValidation?: boolean;
  /** Synthesize into this directory (implies a fresh synth). */
  readonly outdir?: string;
  /** Synthesize now even when the run's shared output of the default config would do. */
  readonly fresh?: boolean;
}

/**
 * Synthesizes the AWS app exactly as `cdk synth` does: same context (cdk.json feature flags),
 * same stacks, and (unless disabled) the same policy gates, which throw on any violation.
 *
 * The default config without the policy gates is synthesized once per jest run
 * (test/synth-cache.ts): such a call returns that shared output, read back as `app.synth()`
 * returns it (a fresh copy of the templates per call). Its directory is shared by every test
 * file: copy it before writing into it.
 */
export function synthAws(config: BaselineConfig = defaultConfig(), options: SynthAwsOptions = {}): SynthResult {
  const isDefault = isDeepStrictEqual(config, defaultConfig());
  if (!options.outdir && !options.fresh && isDefault) {
    const shared = sharedOutput(options.policy === false ? 'aws' : 'awsGated');
    if (shared) return { outdir: shared, templates: readTemplates(shared) };
  }
  const { App } = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
  const { addAwsStacks } = require('../../stacks/aws-stacks') as typeof import('../../stacks/aws-stacks');
  const { applyBaselinePolicy } = require('../../lib/policy/baseline-policy') as typeof import('../../lib/policy/baseline-policy');
  const cdkJson = JSON.parse(readFileSync(path.join(ROOT, 'cdk.json'), 'utf8'));
  const outdir = options.outdir ?? mkdtempSync(path.join(tmpdir(), 'baseline-synth-'));
  const app = new App({
    context: cdkJson.context,
    analyticsReporting: cdkJson.versionReporting,
    outdir,
    ...((options.policy === false && isDefault) || options.cfnValidation === false ? { builtinCloudFormationValidation: false } : {}),
  });
  addAwsStacks(app, config);
  if (options.policy !== false) applyBaselinePolicy(app);
  return { outdir, templates: templatesOf(app.synth()) };
}

function templatesOf(assembly: CloudAssembly): Record<string, any> {
  const templates: Record<string, any> = {};
  for (const stack of assembly.stacks) templates[stack.id] = stack.template;
  return templates;
}

/** Replaces values that change with the aws-cdk-lib version (asset hashes), not with our code. */
export function sanitize(template: unknown): unknown {
  return JSON.parse(
    JSON.stringify(template).replace(/[a-f0-9]{64}(\.zip|\.json)?/g, (_m, ext: string | undefined) => `<asset-hash>${ext ?? ''}`),
  );
}
