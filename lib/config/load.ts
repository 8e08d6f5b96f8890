import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { z } from 'zod';
import { POLICY_FLOORS } from './floors';
import { holdsPrivateKey } from './origin-pull';
import { redactUrl } from './webhook-url';
import { configSchema, GuardrailsSchema, type BaselineConfig } from './schema';
import type { AllowlistLimits } from './cidr';

/** One problem found in a config file. */
export interface ConfigProblem {
  /** Path of the offending value, e.g. `environments.prod.bastion.allowedCidrs[1]`. */
  readonly path: string;
  /** The value received, as JSON, or `(missing)`. */
  readonly received: string;
  /** What is wrong, what is expected and how to fix it. */
  readonly message: string;
}

/** Thrown when a config file is unreadable or invalid; lists every problem of the file at once. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(
      `Invalid baseline config ${file} (${problems.length} problem${problems.length === 1 ? '' : 's'}); nothing was synthesized:\n` +
        problems.map((p) => `  - ${p.path}: received ${p.received}: ${p.message}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/** Formats a zod path the way people write it: `a.b[1].c`. */
export function formatPath(segments: readonly PropertyKey[]): string {
  return segments.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? String(s) : `.${String(s)}`)).join('') || '(root)';
}

function valueAt(input: unknown, segments: readonly PropertyKey[]): unknown {
  let node: unknown = input;
  for (const s of segments) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[s];
  }
  return node;
}

function show(value: unknown): string {
  if (value === undefined) return '(missing)';
  // Never echo a private key into an error message (and so into CI logs), not even its start.
  if (typeof value === 'string' && holdsPrivateKey(value)) return '"(a private key, not shown)"';
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function describeIssue(issue: z.core.$ZodIssue, received: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      return received === undefined
        ? `is required: expected ${issue.expected}; add it (see config/baseline.schema.json)`
        : `expected ${issue.expected}, not ${received === null ? 'null' : Array.isArray(received) ? 'array' : typeof received}; ` +
            `${issue.message.startsWith('Invalid input') ? 'change the value to the expected type' : issue.message}`;
    case 'invalid_key':
      // zod's own text is "Invalid key in record"; the key rule's message says what is expected.
      return `is not an accepted key: ${issue.issues.map((inner) => inner.message).join('; ')}`;
    default:
      return issue.message;
  }
}

/** Turns zod issues into problems naming path, received value, expectation and fix. */
export function toProblems(issues: readonly z.core.$ZodIssue[], input: unknown): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      // One problem per unknown key: a misspelt key would otherwise silently disable a control.
      for (const key of issue.keys) {
        const at = [...issue.path, key];
        problems.push({
          path: formatPath(at),
          received: show(valueAt(input, at)),
          message:
            'is not a known setting (a misspelt key would silently drop a control); remove it or correct its spelling (see ' +
            'config/baseline.schema.json)',
        });
      }
      continue;
    }
    // A webhook URL or Logpush destination that fails may carry a token or key (a Slack URL, R2
    // keys pasted in): never echo more than its scheme and host.
    const raw = valueAt(input, issue.path);
    const tail = issue.path.slice(-2).join('.');
    const received = typeof raw === 'string' && (tail === 'alertWebhook.url' || tail === 'logpush.destination') ? redactUrl(raw) : raw;
    // For a rejected key the key itself is what was received, not the value under it.
    const shown = issue.code === 'invalid_key' ? show(issue.path[issue.path.length - 1]) : show(received);
    problems.push({ path: formatPath(issue.path), received: shown, message: describeIssue(issue, received) });
  }
  return problems.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** configSchema by its inputs: building one and zod compiling it on first use cost ~10 ms a parse. */
const schemas = new Map<string, ReturnType<typeof configSchema>>();

/**
 * The config schema for these guardrails and base directory (schemas are immutable, so one per set
 * of limits is shared; the PEM files they read are read on every parse).
 */
function schemaFor(limits: AllowlistLimits, minRsaBits: number, baseDir: string): ReturnType<typeof configSchema> {
  const key = JSON.stringify([limits.ipv4, limits.ipv6, minRsaBits, baseDir]);
  let schema = schemas.get(key);
  if (!schema) {
    schema = configSchema(limits, minRsaBits, baseDir);
    schemas.set(key, schema);
  }
  return schema;
}

/**
 * Validates an already-parsed config object. Guardrails are read first because they set the
 * allowlist breadth and RSA size the rest of the file is checked against.
 * @throws ConfigError listing every problem of the file.
 */
export function parseConfig(input: unknown, file = '(inline config)'): BaselineConfig {
  const guardrails = GuardrailsSchema.safeParse(input);
  const limits = guardrails.success
    ? guardrails.data.guardrails
    : { maxAllowlistPrefix: POLICY_FLOORS.access.maxAllowlistPrefix, minRsaBits: POLICY_FLOORS.access.minRsaBits };
  // PEM files named in the config (origin-pull certificates) are read relative to the config file.
  const baseDir = file === '(inline config)' ? process.cwd() : path.dirname(path.resolve(file));
  const result = schemaFor(limits.maxAllowlistPrefix, limits.minRsaBits, baseDir).safeParse(input);
  if (!result.success) throw new ConfigError(file, toProblems(result.error.issues, input));
  return result.data;
}

/**
 * Reads and validates a config file (there is no default: an app names its own). PEM files the
 * config names are read relative to it.
 * @param file the path of the config file, absolute or relative to the working directory
 * @throws ConfigError when the file cannot be read, is not JSON, or is invalid.
 */
export function loadConfig(file: string): BaselineConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, [
      {
        path: '(file)',
        received: show(file),
        message: `cannot be read (${(err as NodeJS.ErrnoException).code}); give the path of an existing config file`,
      },
    ]);
  }
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(file, [
      { path: '(file)', received: '(unparsable text)', message: `is not valid JSON (${(err as Error).message}); fix the syntax` },
    ]);
  }
  return parseConfig(input, file);
}
