// Writes config/baseline.schema.json (the editor schema of config/baseline.json) from the zod
// schema in lib/config; test/config/json-schema.test.ts fails when the committed file drifts.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { renderSchema } from '../lib/config/json-schema';

const target = path.join(__dirname, '..', 'config', 'baseline.schema.json');
writeFileSync(target, renderSchema());
console.log(`wrote ${path.relative(process.cwd(), target)}`);
