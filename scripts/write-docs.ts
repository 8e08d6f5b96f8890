// Writes the generated pages of docs/ (scripts/docs-pages.ts): docs/controls.md, docs/claims.md
// and the decisions table of docs/policy.md. test/scripts/docs-pages.test.ts fails when a committed
// page drifts from what this writes.
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { GENERATED_PAGES } from './docs-pages';

const root = path.join(__dirname, '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
for (const page of GENERATED_PAGES) {
  const text = page.render(read);
  const target = path.join(root, page.path);
  writeFileSync(target, text);
  console.log(`wrote ${path.relative(process.cwd(), target)}`);
}
