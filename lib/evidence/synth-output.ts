// Reading synthesized output from disk: a CDK cloud assembly (cdk.out) or a CDK for Terraform
// output directory (cdktf.out), from this project or any other. No aws-cdk-lib or cdktf import:
// the evidence tools must run on output alone, fast, in any project.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { stackMarkerOf, type StackMarker } from '../controls/markers';
import type { Cloud } from '../controls/types';

/** What a stack does in its environment, from its stack marker (lib/controls/markers.ts). */
export type StackRole = 'primary' | 'dr' | 'dr-database' | 'edge' | 'other';

/** One synthesized stack. */
export interface SynthesizedStack {
  /** The stack's name (artifact id or Terraform stack name), e.g. `prod-aws-primary`. */
  readonly name: string;
  /** The cloud its resources belong to. */
  readonly cloud: Cloud;
  /** The environment its stack marker names, or, without a marker, the stack's name itself. */
  readonly environment: string;
  /** The role its stack marker names; `other` without a marker. */
  readonly role: StackRole;
  /** The template (CloudFormation) or Terraform JSON. */
  readonly template: any;
  /** Where it was read from, relative to the working directory. */
  readonly file: string;
  /**
   * The account the stack deploys to: the AWS account of the cloud assembly's environment, the
   * Azure `subscription_id` of the azurerm provider block, the Cloudflare account ids its
   * resources name.
   * @default - not named in the output (environment-agnostic)
   */
  readonly account?: string;
  /** The AWS region of the cloud assembly's environment. @default - not pinned (or not AWS) */
  readonly region?: string;
  /** The stack marker (lib/controls/markers.ts), when the stack carries one. */
  readonly marker?: StackMarker;
}

/**
 * Environment and role of a stack, from its stack marker (lib/controls/markers.ts). A stack is
 * never classified by its name: a stack named `prod-aws-dr` is not prod's DR stack unless it says
 * so. Without a marker it is its own environment, role `other` (environment-wide and
 * cross-environment checks then leave their cells unchecked, saying why).
 */
export function classifyStack(name: string, template: any): { environment: string; role: StackRole; marker?: StackMarker } {
  const marker = stackMarkerOf(template);
  if (marker) return { environment: marker.environment, role: marker.role, marker };
  return { environment: name, role: 'other' };
}

/**
 * The account a Terraform JSON stack deploys to: the azurerm provider's `subscription_id`, or the
 * Cloudflare account ids its resources name (sorted, joined with `,`). Interpolations are not accounts.
 */
export function terraformAccount(tf: any, cloud: Cloud): string | undefined {
  const literal = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && !v.includes('${');
  if (cloud === 'azure') {
    const ids = [
      ...new Set(
        [tf?.provider?.azurerm]
          .flat()
          .map((p: any) => p?.subscription_id)
          .filter(literal),
      ),
    ].sort();
    return ids.length > 0 ? ids.join(',') : undefined;
  }
  if (cloud === 'cloudflare') {
    const ids = new Set<string>();
    for (const byName of Object.values<any>(tf?.resource ?? {}))
      for (const r of Object.values<any>(byName ?? {})) if (literal(r?.account_id)) ids.add(r.account_id);
    return ids.size > 0 ? [...ids].sort().join(',') : undefined;
  }
  return undefined;
}

/** The cloud of a Terraform JSON stack: from its providers and resource types. */
export function terraformCloud(tf: any): Cloud | undefined {
  const types = Object.keys(tf?.resource ?? {});
  const providers = Object.keys(tf?.provider ?? {});
  if (providers.includes('azurerm') || types.some((t) => t.startsWith('azurerm_'))) return 'azure';
  if (providers.includes('cloudflare') || types.some((t) => t.startsWith('cloudflare_'))) return 'cloudflare';
  return undefined;
}

/** Thrown when a directory holds no synthesized output this tool can read. */
export class SynthOutputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SynthOutputError';
  }
}

/**
 * Every stack of a synthesized output directory: a cloud assembly (`manifest.json` with
 * `aws:cloudformation:stack` artifacts, nested assemblies included) or a CDK for Terraform output
 * (`manifest.json` with `stacks`, or `stacks/<name>/cdk.tf.json`). Sorted by name, so every
 * report built from it is deterministic.
 */
export function readSynthOutput(dir: string): SynthesizedStack[] {
  const manifestFile = path.join(dir, 'manifest.json');
  if (!existsSync(manifestFile)) {
    if (existsSync(path.join(dir, 'stacks'))) return readTerraformStacks(dir, undefined);
    throw new SynthOutputError(`${dir}: no manifest.json; expected a cdk.out (cdk synth) or cdktf.out (cdktf synth) directory`);
  }
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  if (manifest.artifacts) return readCloudAssembly(dir, manifest).sort(byName);
  if (manifest.stacks) return readTerraformStacks(dir, manifest);
  throw new SynthOutputError(`${manifestFile}: neither a cloud assembly nor a CDK for Terraform manifest`);
}

function byName(a: SynthesizedStack, b: SynthesizedStack): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function readCloudAssembly(dir: string, manifest: any): SynthesizedStack[] {
  const out: SynthesizedStack[] = [];
  for (const [id, artifact] of Object.entries<any>(manifest.artifacts ?? {})) {
    if (artifact.type === 'aws:cloudformation:stack') {
      const file = path.join(dir, artifact.properties.templateFile);
      const template = JSON.parse(readFileSync(file, 'utf8'));
      const { environment, role, marker } = classifyStack(id, template);
      const env = /^aws:\/\/([^/]*)\/(.+)$/.exec(String(artifact.environment ?? ''));
      const account = env && /^\d{12}$/.test(env[1]) ? env[1] : undefined;
      const region = env && env[2] !== 'unknown-region' ? env[2] : undefined;
      out.push({
        name: id,
        cloud: 'aws',
        environment,
        role,
        template,
        file,
        ...(account ? { account } : {}),
        ...(region ? { region } : {}),
        ...(marker ? { marker } : {}),
      });
    } else if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
      const nested = path.join(dir, artifact.properties.directoryName);
      out.push(...readCloudAssembly(nested, JSON.parse(readFileSync(path.join(nested, 'manifest.json'), 'utf8'))));
    }
  }
  return out;
}

function readTerraformStacks(dir: string, manifest: any): SynthesizedStack[] {
  const entries: [string, string][] = manifest
    ? Object.entries<any>(manifest.stacks).map(([name, s]) => [name, path.join(dir, s.synthesizedStackPath)])
    : readdirSync(path.join(dir, 'stacks'))
        .filter((name) => statSync(path.join(dir, 'stacks', name)).isDirectory())
        .map((name) => [name, path.join(dir, 'stacks', name, 'cdk.tf.json')]);
  const out: SynthesizedStack[] = [];
  for (const [name, file] of entries) {
    if (!existsSync(file)) continue;
    const template = JSON.parse(readFileSync(file, 'utf8'));
    const named = classifyStack(name, template);
    const cloud = terraformCloud(template);
    if (!cloud) continue;
    const account = terraformAccount(template, cloud);
    out.push({
      name,
      cloud,
      environment: named.environment,
      role: named.role,
      template,
      file,
      ...(account ? { account } : {}),
      ...(named.marker ? { marker: named.marker } : {}),
    });
  }
  return out.sort(byName);
}
