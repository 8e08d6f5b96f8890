import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';

// Validation against the official schemas vendored in data/schemas (sources.json records where
// each comes from and its SHA-256; test/evidence/schemas.test.ts checks the bytes). All three are
// JSON Schema draft-07, Ajv's default draft; the OSCAL ones use Unicode property escapes (\p{L})
// in their patterns, which Ajv compiles with the `u` flag (unicodeRegExp, on by default). The
// SARIF schema's `language` pattern (`^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$`, a stray `]`) is a
// syntax error under the `u` flag but a valid ECMA-262 regex without it, so the SARIF schema is
// compiled without it (it uses no Unicode escapes).
export const SCHEMA_DIR = path.join(__dirname, '..', '..', 'data', 'schemas');

const cache = new Map<string, (doc: unknown) => string[]>();

/** A validator for a vendored schema file: returns one line per error, empty when valid. */
export function schemaValidator(
  file: 'oscal_assessment-results_schema.json' | 'oscal_component_schema.json' | 'sarif-schema-2.1.0.json',
): (doc: unknown) => string[] {
  const cached = cache.get(file);
  if (cached) return cached;
  // strict: false: the schemas are validated as published, not linted against Ajv's stricter
  // conventions (they carry keywords such as `$comment` placements Ajv's strict mode rejects).
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: !file.startsWith('sarif') });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(path.join(SCHEMA_DIR, file), 'utf8')));
  const fn = (doc: unknown) =>
    validate(doc)
      ? []
      : (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  cache.set(file, fn);
  return fn;
}
