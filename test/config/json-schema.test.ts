import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CONFIG_SCHEMA_ID, renderSchema } from '../../lib/config/json-schema';
import { BASELINE_PATH } from './support';

const SCHEMA_PATH = path.join(__dirname, '..', '..', 'config', 'baseline.schema.json');
const committed = readFileSync(SCHEMA_PATH, 'utf8');

type JsonSchema = {
  type?: string;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  [key: string]: unknown;
};
const schema = JSON.parse(committed) as JsonSchema;
const environment = schema.properties!.environments.additionalProperties as JsonSchema;

/** Every object schema that lists properties, with its JSON pointer. */
function objectSchemas(node: JsonSchema, pointer = '#'): [string, JsonSchema][] {
  const found: [string, JsonSchema][] = node.properties ? [[pointer, node]] : [];
  for (const [key, child] of Object.entries(node.properties ?? {})) found.push(...objectSchemas(child, `${pointer}/properties/${key}`));
  if (node.items) found.push(...objectSchemas(node.items, `${pointer}/items`));
  if (node.additionalProperties && typeof node.additionalProperties === 'object') {
    found.push(...objectSchemas(node.additionalProperties, `${pointer}/additionalProperties`));
  }
  (node.anyOf ?? []).forEach((option, i) => {
    found.push(...objectSchemas(option, `${pointer}/anyOf/${i}`));
  });
  return found;
}

describe('renderSchema', () => {
  test('config/baseline.schema.json is up to date with lib/config/schema.ts', () => {
    if (committed !== renderSchema()) {
      throw new Error(
        'config/baseline.schema.json differs from the schema in lib/config/schema.ts: run `npm run schema` and commit the result',
      );
    }
  });

  test('renders the same text every time', () => {
    expect(renderSchema()).toBe(renderSchema());
  });

  test('is JSON with 2-space indentation and one trailing newline', () => {
    expect(committed).toBe(`${JSON.stringify(schema, null, 2)}\n`);
  });

  test('identifies itself as a draft 2020-12 schema with an id, title and description', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe(CONFIG_SCHEMA_ID);
    expect(schema.title).toEqual(expect.any(String));
    expect(schema.description).toMatch(/npm run schema/);
    // $id, title and description come first so a reader sees them at the top of the file.
    expect(Object.keys(schema).slice(0, 4)).toEqual(['$schema', '$id', 'title', 'description']);
  });

  test('forbids unknown keys at the root, in environments, aws and bastion users', () => {
    expect(schema.additionalProperties).toBe(false);
    expect(environment.additionalProperties).toBe(false);
    expect(environment.properties!.aws.additionalProperties).toBe(false);
    expect(environment.properties!.bastion.items).toBeUndefined();
    expect(environment.properties!.bastion.properties!.users.items!.additionalProperties).toBe(false);
  });

  test('forbids unknown keys in every object that lists its properties', () => {
    const open = objectSchemas(schema)
      .filter(([, node]) => node.additionalProperties !== false)
      .map(([pointer]) => pointer);
    expect(open).toEqual([]);
  });

  test('describes the input: settings with a default are optional', () => {
    expect(schema.required).toEqual(['project', 'environments']);
    expect(environment.required).toEqual(['production', 'residency', 'bastion', 'alerts']);
    // An omitted section is filled from its fields' own defaults, which editors show per field.
    expect(environment.properties!.logging.default).toEqual({});
    expect(environment.properties!.logging.properties!.retentionDays.default).toBe(90);
    expect(environment.properties!.logging.properties!.auditRetentionDays.default).toBe(180);
  });

  test('carries the descriptions of the zod schema for editors', () => {
    expect(environment.properties!.residency.description).toMatch(/DATA-RESIDENCY/);
    expect(environment.properties!.bastion.properties!.allowedCidrs.description).toMatch(/port 22/);
  });
});

describe('config/baseline.json', () => {
  test('points its $schema at the generated schema', () => {
    const config = JSON.parse(readFileSync(BASELINE_PATH, 'utf8')) as { $schema?: string };
    expect(config.$schema).toBe('./baseline.schema.json');
    const resolved = path.resolve(path.dirname(BASELINE_PATH), config.$schema!);
    expect(resolved).toBe(path.resolve(SCHEMA_PATH));
    expect(existsSync(resolved)).toBe(true);
  });
});
