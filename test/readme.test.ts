import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ACKNOWLEDGEMENT_REGISTER } from '../lib/policy/acknowledgement-register';
import { CONTROLS } from '../lib/controls/catalogue';

// The README's control table is what reviewers read first; it must say what the catalogue says.
const ROOT = path.join(__dirname, '..');
const rows = readFileSync(path.join(ROOT, 'README.md'), 'utf8').split('\n').filter((l) => /^\| [A-Z][A-Z-]+ \| [AB]\d/.test(l));

describe('README control table', () => {
  it('has one row per control of the catalogue, in catalogue order', () => {
    expect(rows.map((r) => r.split(' | ')[0].slice(2))).toEqual(CONTROLS.map((c) => c.id));
  });

  it.each(CONTROLS.map((c) => [c.id, c] as const))('%s cites the claims the catalogue cites', (id, control) => {
    const row = rows.find((r) => r.startsWith(`| ${id} |`))!;
    expect(row.split(' | ')[1]).toBe(control.sources.join(', '));
  });

  it('names only files that exist', () => {
    const missing = rows.flatMap((r) => [...r.matchAll(/`((?:lib|test|stacks|scripts|docs|data)\/[^`]+?\.(?:ts|md|json))`/g)].map((m) => m[1])).filter((f) => !existsSync(path.join(ROOT, f)));
    expect(missing).toEqual([]);
  });

  it('lists in each row every test file the catalogue gives as proof', () => {
    const gaps = CONTROLS.flatMap((c) => {
      const row = rows.find((r) => r.startsWith(`| ${c.id} |`))!;
      return Object.values(c.tests ?? {}).flat().filter((t) => !row.includes(t)).map((t) => `${c.id}: ${t}`);
    });
    expect(gaps).toEqual([]);
  });
});

describe('README acknowledgement decisions', () => {
  it('lists every decision of the register once, and no other', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const table = readme.split('| Decision | Resources | Rules (packs) | Claim |')[1]?.split('\n\n')[0] ?? '';
    const ids = [...table.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]);
    expect(ids).toEqual(ACKNOWLEDGEMENT_REGISTER.map((e) => e.id));
  });
});
