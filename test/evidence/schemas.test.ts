import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import sources from '../../data/schemas/sources.json';
import { SCHEMA_DIR, schemaValidator } from './schema-validation';

// The vendored schemas are the publishers' bytes: the digests recorded in sources.json (and
// matched, when vendored, against digests other projects recorded for the same release assets).
describe('vendored standard schemas (data/schemas)', () => {
  it.each(sources.schemas.map((s) => [s.file, s] as const))(
    '%s is byte-identical to the recorded release (size and SHA-256)',
    (file, s) => {
      const bytes = readFileSync(path.join(SCHEMA_DIR, file));
      expect(bytes.length).toBe(s.bytes);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(s.sha256);
      expect(JSON.parse(bytes.toString('utf8')).$id).toBe(s.id);
      expect(s.source).toMatch(
        new RegExp(
          '^https:\\/\\/(github\\.com\\/usnistgov\\/OSCAL\\/releases\\/download\\/v1\\.1\\.2\\/|docs\\.oasis-open\\.org\\/sarif' +
            '\\/sarif\\/v2\\.1\\.0\\/os\\/schemas\\/)',
        ),
      );
    },
  );

  it('compile, and reject what they must reject (the validation can fail)', () => {
    expect(schemaValidator('sarif-schema-2.1.0.json')({ version: '2.1.0', runs: [] })).toEqual([]);
    expect(schemaValidator('sarif-schema-2.1.0.json')({ version: '2.0.0', runs: [] })).not.toEqual([]);
    expect(schemaValidator('oscal_component_schema.json')({ 'component-definition': { uuid: 'not-a-uuid' } })).not.toEqual([]);
    expect(schemaValidator('oscal_assessment-results_schema.json')({ 'assessment-results': {} })).not.toEqual([]);
  });
});
