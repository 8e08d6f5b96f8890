import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CONTROLS } from '../../lib/controls';
import { CONTROL_IMPLEMENTATIONS } from '../../lib/controls/implementations';

// The source files that implement each control (the OSCAL component-definition's components):
// every file exists, and README's Controls table names it in the control's row, so the two lists
// cannot drift apart silently.
const ROOT = path.join(__dirname, '..', '..');
const readmeRows = new Map(
  readFileSync(path.join(ROOT, 'README.md'), 'utf8')
    .split('\n## Controls\n')[1]
    .split('\n## ')[0]
    .split('\n')
    .filter((l) => /^\| [A-Z][A-Z-]+ \|/.test(l))
    .map((l) => [l.split(' | ')[0].slice(2), l] as const),
);

describe('control implementations (lib/controls/implementations.ts)', () => {
  it('lists every control of the catalogue, each file existing', () => {
    expect(Object.keys(CONTROL_IMPLEMENTATIONS).sort()).toEqual(CONTROLS.map((c) => c.id).sort());
    for (const [control, clouds] of Object.entries(CONTROL_IMPLEMENTATIONS)) {
      for (const files of Object.values(clouds)) for (const f of files ?? []) expect({ control, file: f, exists: existsSync(path.join(ROOT, f)) }).toEqual({ control, file: f, exists: true });
    }
  });

  it('names only files README\'s Controls table lists in the control\'s row', () => {
    for (const [control, clouds] of Object.entries(CONTROL_IMPLEMENTATIONS)) {
      const row = readmeRows.get(control) ?? '';
      for (const files of Object.values(clouds)) for (const f of files ?? []) expect({ control, file: f, inReadme: row.includes(`\`${f}\``) }).toEqual({ control, file: f, inReadme: true });
    }
  });

  it('gives the database construct as an implementation of DB-FROM-APP on AWS, the Cloudflare failover of DR-REGION', () => {
    expect(CONTROL_IMPLEMENTATIONS['DB-FROM-APP'].aws).toEqual(['lib/aws/database.ts']);
    expect(CONTROL_IMPLEMENTATIONS['DR-REGION'].cloudflare).toContain('lib/cloudflare/origin-failover.ts');
  });
});
