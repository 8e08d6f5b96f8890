import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { parseConfig } from '../../lib/config/load';
import type { BaselineConfig } from '../../lib/config/schema';
import { addAwsStacks } from '../../stacks/aws-stacks';
import { addPolicyChecks } from '../../stacks/policy';

const ROOT = path.join(__dirname, '..', '..');

/** The shipped default config, parsed and validated (a fresh copy per call). */
export function defaultConfig(): BaselineConfig {
  return parseConfig(JSON.parse(readFileSync(path.join(ROOT, 'config', 'baseline.json'), 'utf8')), 'config/baseline.json');
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

/**
 * Synthesizes the AWS app exactly as `cdk synth` does: same context (cdk.json feature flags),
 * same stacks, and (unless disabled) the same policy gates, which throw on any violation.
 */
export function synthAws(config: BaselineConfig = defaultConfig(), options: { policy?: boolean; outdir?: string } = {}): SynthResult {
  const cdkJson = JSON.parse(readFileSync(path.join(ROOT, 'cdk.json'), 'utf8'));
  const outdir = options.outdir ?? mkdtempSync(path.join(tmpdir(), 'baseline-synth-'));
  const app = new App({ context: cdkJson.context, analyticsReporting: cdkJson.versionReporting, outdir });
  addAwsStacks(app, config);
  if (options.policy !== false) addPolicyChecks(app);
  const assembly = app.synth();
  const templates: Record<string, any> = {};
  for (const stack of assembly.stacks) templates[stack.id] = stack.template;
  return { outdir, templates };
}

/** Replaces values that change with the aws-cdk-lib version (asset hashes), not with our code. */
export function sanitize(template: unknown): unknown {
  return JSON.parse(
    JSON.stringify(template).replace(/[a-f0-9]{64}(\.zip|\.json)?/g, (_m, ext: string | undefined) => `<asset-hash>${ext ?? ''}`),
  );
}
