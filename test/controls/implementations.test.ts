import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { CONTROLS } from '../../lib/controls';
import { CONTROL_IMPLEMENTATIONS } from '../../lib/controls/implementations';

// The source files that implement each control (the OSCAL component-definition's components, and
// the code docs/controls.md lists per control): every file exists, so neither cites a dead path.
const ROOT = path.join(__dirname, '..', '..');

describe('control implementations (lib/controls/implementations.ts)', () => {
  it('lists every control of the catalogue, each file existing', () => {
    expect(Object.keys(CONTROL_IMPLEMENTATIONS).sort()).toEqual(CONTROLS.map((c) => c.id).sort());
    for (const [control, clouds] of Object.entries(CONTROL_IMPLEMENTATIONS)) {
      for (const files of Object.values(clouds))
        for (const f of files ?? [])
          expect({ control, file: f, exists: existsSync(path.join(ROOT, f)) }).toEqual({ control, file: f, exists: true });
    }
  });

  it('gives the database construct as an implementation of DB-FROM-APP on AWS, the Cloudflare failover of DR-REGION', () => {
    expect(CONTROL_IMPLEMENTATIONS['DB-FROM-APP'].aws).toEqual(['lib/aws/database.ts']);
    expect(CONTROL_IMPLEMENTATIONS['DR-REGION'].cloudflare).toContain('lib/cloudflare/origin-failover.ts');
  });
});
