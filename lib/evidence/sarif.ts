// SARIF 2.1.0 for code scanning (`baseline-check --format sarif`): one rule per control check
// (control x cloud), one result per finding, located at the synthesized file and the resource
// in it, so GitHub code scanning (or any SARIF viewer) shows a failing control on the pull
// request that causes it. Validated against the OASIS schema in data/schemas
// (test/evidence/sarif.test.ts). Pure: the caller hands in the file texts; no clock, no
// randomness, everything sorted, so the same output gives the same bytes.
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { CONTROLS } from '../controls/catalogue';
import { CONTROL_FRAMEWORKS, frameworkReferences, type ControlFrameworkMapping } from '../controls/frameworks';
import type { Cloud, ControlId } from '../controls/types';
import { CLOUDS, type MatrixCell } from './evaluate';
import type { SynthesizedStack } from './synth-output';

/** The schema the output declares (the OASIS Standard's published schema, vendored in data/schemas). */
export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/schemas/sarif-schema-2.1.0.json';

const CLOUD_LABEL: Record<Cloud, string> = { aws: 'AWS', azure: 'Azure', cloudflare: 'Cloudflare' };

/** What the SARIF log is built from. */
export interface SarifInput {
  /** The matrix as the gate judged it (with --strict applied, when given). */
  readonly matrix: readonly MatrixCell[];
  /** The stacks read, for the file each result points at. */
  readonly stacks: readonly Pick<SynthesizedStack, 'name' | 'cloud' | 'environment' | 'file'>[];
  /** The text of a synthesized file, for the line of a resource in it; undefined: line 1. */
  readonly readText?: (file: string) => string | undefined;
  /** The tool's version. */
  readonly version: string;
  /** Where file paths are made relative to (the working directory). @default process.cwd() */
  readonly root?: string;
}

/** The rule id of a control's check on a cloud, e.g. `DB-FROM-APP/aws`. */
export function ruleId(control: ControlId, cloud: Cloud): string {
  return `${control}/${cloud}`;
}

function pascal(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1).toLowerCase())
    .join('');
}

/** A path as a relative URI reference with forward slashes (inside root), else a file: URI. */
export function artifactUri(file: string, root: string): string {
  const rel = path.relative(root, path.resolve(root, file));
  if (!rel.startsWith('..') && !path.isAbsolute(rel)) return rel.split(path.sep).map(encodeURIComponent).join('/');
  return `file://${path.resolve(root, file).split(path.sep).map(encodeURIComponent).join('/')}`;
}

/**
 * The 1-based line where `resource` is declared in a synthesized file: a CloudFormation logical id
 * under `Resources`, or a Terraform address `type.name` under `resource`. 1 when not found (a
 * finding about the whole template, `(template)`).
 */
export function resourceLine(text: string | undefined, resource: string): number {
  if (!text) return 1;
  const lineAt = (index: number) => (index < 0 ? 1 : text.slice(0, index).split('\n').length);
  const key = (k: string) => `${JSON.stringify(k)}: {`;
  const tf = /^([a-z][a-z0-9_]*)\.(.+)$/.exec(resource);
  if (tf) {
    const block = text.indexOf(key('resource'));
    const type = block < 0 ? -1 : text.indexOf(key(tf[1]), block);
    if (type >= 0) {
      const at = text.indexOf(key(tf[2]), type);
      if (at >= 0) return lineAt(at);
    }
  }
  const resources = text.indexOf(key('Resources'));
  const at = text.indexOf(key(resource), Math.max(0, resources));
  return lineAt(at);
}

function helpMarkdown(control: (typeof CONTROLS)[number], cloud: Cloud, mapping: ControlFrameworkMapping | undefined): string {
  const lines = [
    `**${control.id}** (${CLOUD_LABEL[cloud]}): ${control.claim}.`,
    '',
    `Claims: ${control.sources.join(', ')} (docs/claims.md).`,
  ];
  if (control.note) lines.push('', control.note);
  const tests = control.tests?.[cloud] ?? [];
  if (tests.length > 0) lines.push('', `Proved by: ${tests.map((t) => `\`${t}\``).join(', ')}.`);
  if (mapping) {
    lines.push('', 'Frameworks (mapped by this project, lib/controls/frameworks.ts):');
    for (const r of frameworkReferences(mapping)) lines.push(`- ${r.framework.name}: ${r.ids.map((x) => `${x.id} ${x.title}`).join('; ')}`);
  }
  lines.push(
    '',
    'Fix the resource named in the result (or the construct or config that writes it) so the check passes; the finding says ' +
      'what was found and what is expected.',
  );
  return lines.join('\n');
}

function fingerprint(parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

/**
 * The SARIF log of one baseline-check run. Rules: every control check of the catalogue (per
 * stack or across an environment's stacks) for each cloud, in catalogue order. Results: one per
 * finding of a failing cell (none for passing, not-applicable or not-checked cells: code scanning
 * closes an alert once its result is gone), at the file of the stack that holds the resource.
 */
export function buildSarif(input: SarifInput): object {
  const root = input.root ?? process.cwd();
  const rules: { id: string; control: ControlId; cloud: Cloud; rule: object }[] = [];
  for (const control of CONTROLS) {
    const mapping = (CONTROL_FRAMEWORKS as Partial<Record<ControlId, ControlFrameworkMapping>>)[control.id];
    for (const cloud of CLOUDS) {
      if (!control.checks[cloud] && !control.environmentChecks?.[cloud]) continue;
      const id = ruleId(control.id, cloud);
      const frameworkTags = mapping ? frameworkReferences(mapping).flatMap((r) => r.ids.map((x) => `${r.framework.id}:${x.id}`)) : [];
      rules.push({
        id,
        control: control.id,
        cloud,
        rule: {
          id,
          name: `${pascal(control.id)}${pascal(cloud)}`,
          shortDescription: { text: `${control.id} (${CLOUD_LABEL[cloud]}): ${control.claim}` },
          fullDescription: { text: control.note ? `${control.claim}. ${control.note}` : control.claim },
          help: { text: helpMarkdown(control, cloud, mapping).replace(/\*\*|`/g, ''), markdown: helpMarkdown(control, cloud, mapping) },
          defaultConfiguration: { level: 'error' },
          properties: {
            // GitHub code scanning ranks security alerts by this CVSS-like score: a broken
            // control is a promise to customers not kept, so every rule is "high".
            'security-severity': '8.0',
            precision: 'high',
            problem: { severity: 'error' },
            tags: ['security', `control:${control.id}`, `cloud:${cloud}`, ...control.sources.map((s) => `claim:${s}`), ...frameworkTags],
          },
        },
      });
    }
  }
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));

  const fileOf = (cell: MatrixCell, stack: string, resource: string): string | undefined => {
    const own = input.stacks.find((s) => s.name === stack);
    if (own) return own.file;
    // An environment-wide finding ("prod (aws stacks)"): the environment's stack that declares
    // the resource, else its first stack.
    const candidates = input.stacks.filter((s) => s.environment === cell.environment && s.cloud === cell.cloud);
    return (candidates.find((s) => resourceLine(input.readText?.(s.file), resource) > 1) ?? candidates[0])?.file;
  };

  const results: object[] = [];
  for (const cell of input.matrix) {
    if (cell.status !== 'fail') continue;
    const id = ruleId(cell.control, cell.cloud);
    const findings = [...cell.findings].sort((a, b) =>
      `${a.stack}\u0000${a.resource}\u0000${a.message}` < `${b.stack}\u0000${b.resource}\u0000${b.message}` ? -1 : 1,
    );
    for (const f of findings) {
      const file = fileOf(cell, f.stack, f.resource);
      const location: Record<string, unknown> = {
        logicalLocations: [{ name: f.resource, fullyQualifiedName: `${f.stack}/${f.resource}`, kind: 'resource' }],
      };
      if (file !== undefined) {
        location.physicalLocation = {
          artifactLocation: { uri: artifactUri(file, root), uriBaseId: '%SRCROOT%' },
          region: { startLine: resourceLine(input.readText?.(file), f.resource) },
        };
      }
      results.push({
        ruleId: id,
        ...(ruleIndex.has(id) ? { ruleIndex: ruleIndex.get(id) } : {}),
        level: 'error',
        message: {
          text: `${cell.control} fails in ${cell.environment} on ${CLOUD_LABEL[cell.cloud]}: ${f.stack}/${f.resource}: ${f.message}`,
        },
        locations: [location],
        partialFingerprints: { 'baselineFinding/v1': fingerprint([cell.control, cell.cloud, f.stack, f.resource, f.message]) },
        properties: { control: cell.control, environment: cell.environment, cloud: cell.cloud, stack: f.stack, resource: f.resource },
      });
    }
  }

  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'baseline-check',
            semanticVersion: input.version,
            rules: rules.map((r) => r.rule),
          },
        },
        columnKind: 'unicodeCodePoints',
        results,
      },
    ],
  };
}
