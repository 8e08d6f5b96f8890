// Reading synthesized output from disk: a CDK cloud assembly (cdk.out) or a CDK for Terraform
// output directory (cdktf.out), from this project or any other. No aws-cdk-lib or cdktf import:
// the evidence tools must run on output alone, fast, in any project.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { Cloud } from '../controls/types';

/** What a stack does in its environment, from the reference stacks' naming (`<env>-<cloud>-<role>`). */
export type StackRole = 'primary' | 'dr' | 'dr-database' | 'edge' | 'other';

/** One synthesized stack. */
export interface SynthesizedStack {
  /** The stack's name (artifact id or Terraform stack name), e.g. `prod-aws-primary`. */
  readonly name: string;
  /** The cloud its resources belong to. */
  readonly cloud: Cloud;
  /** The environment, from the name (`prod` of `prod-aws-primary`), or the name itself. */
  readonly environment: string;
  /** The role within the environment. */
  readonly role: StackRole;
  /** The template (CloudFormation) or Terraform JSON. */
  readonly template: any;
  /** Where it was read from, relative to the working directory. */
  readonly file: string;
}

const NAMING = /^(?<env>[a-z0-9][a-z0-9-]*?)-(?<cloud>aws|azure|cloudflare)(?:-(?<role>primary|dr-database|dr|edge))?$/;

/** Environment and role of a stack name that follows the reference naming, else the name itself. */
export function classifyStackName(name: string): { environment: string; role: StackRole; cloud?: Cloud } {
  const m = NAMING.exec(name);
  if (!m?.groups) return { environment: name, role: 'other' };
  const cloud = m.groups.cloud as Cloud;
  const role = (m.groups.role as StackRole | undefined) ?? (cloud === 'cloudflare' ? 'edge' : 'other');
  return { environment: m.groups.env, role, cloud };
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
      const { environment, role } = classifyStackName(id);
      out.push({ name: id, cloud: 'aws', environment, role, template: JSON.parse(readFileSync(file, 'utf8')), file });
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
    const named = classifyStackName(name);
    const cloud = terraformCloud(template) ?? named.cloud;
    if (!cloud) continue;
    out.push({ name, cloud, environment: named.environment, role: named.role, template, file });
  }
  return out.sort(byName);
}
