import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import nist from '../../data/frameworks/nist-sp800-53r5.json';
import { CONTROLS } from '../../lib/controls';
import {
  assertFrameworkMappings,
  CONTROL_FRAMEWORKS,
  FRAMEWORK_IDS,
  FRAMEWORKS,
  FrameworkMappingError,
  frameworkMappingProblems,
  frameworkReferences,
  MAPPING_SOURCES,
  NIST_OSCAL_IDS,
} from '../../lib/controls/frameworks';
import { runReport } from '../../scripts/report';
import { runTrustPage, type TrustPageIo } from '../../scripts/trust-page';
import { addTypo } from '../fixtures/typo-framework-mapping';

// The framework mapping is data the report, the OSCAL documents and the trust page cite to
// auditors: every control must be mapped, and every id must exist in its framework.
const ids = CONTROLS.map((c) => c.id);
const clone = () => JSON.parse(JSON.stringify(CONTROL_FRAMEWORKS));

describe('framework mapping', () => {
  it('maps every control of the catalogue to SOC 2, ISO/IEC 27001:2022 and NIST SP 800-53 Rev. 5, with a source and a rationale', () => {
    expect(Object.keys(CONTROL_FRAMEWORKS).sort()).toEqual([...ids].sort());
    expect(frameworkMappingProblems(CONTROL_FRAMEWORKS, ids)).toEqual([]);
    expect(() => assertFrameworkMappings(CONTROL_FRAMEWORKS, ids)).not.toThrow();
    for (const id of ids) {
      const m = CONTROL_FRAMEWORKS[id];
      for (const f of FRAMEWORK_IDS) expect({ id, f, n: m.frameworks[f].length > 0 }).toEqual({ id, f, n: true });
      expect(MAPPING_SOURCES[m.source].detail.length).toBeGreaterThan(50);
    }
  });

  it('holds the exact mapping of the controls an auditor asks about first', () => {
    expect(CONTROL_FRAMEWORKS['DB-FROM-APP'].frameworks).toEqual({
      soc2: ['CC6.1', 'CC6.6', 'CC6.7'],
      iso27001: ['8.3', '8.22', '8.24'],
      'nist-800-53': ['SC-7', 'AC-4', 'AC-3', 'SC-8(1)'],
    });
    expect(CONTROL_FRAMEWORKS['ADMIN-MFA'].frameworks['nist-800-53']).toContain('IA-2(1)');
    expect(CONTROL_FRAMEWORKS['LOG-RETENTION'].frameworks['nist-800-53']).toEqual(['AU-9', 'AU-9(2)', 'AU-11']);
    expect(CONTROL_FRAMEWORKS['DR-REGION'].frameworks.iso27001).toEqual(['5.29', '5.30', '8.14']);
    expect(CONTROL_FRAMEWORKS.BACKUP.frameworks.soc2).toEqual(['A1.2', 'CC9.1']);
  });

  it('lists the valid ids of each framework as data: 93 Annex A controls, the TSC criteria, the NIST baseline controls', () => {
    expect(FRAMEWORKS.iso27001.controls.size).toBe(93);
    expect([...FRAMEWORKS.iso27001.controls.keys()].filter((k) => k.startsWith('5.'))).toHaveLength(37);
    expect([...FRAMEWORKS.iso27001.controls.keys()].filter((k) => k.startsWith('8.'))).toHaveLength(34);
    expect(FRAMEWORKS.iso27001.controls.get('8.24')).toBe('Use of cryptography');
    expect([...FRAMEWORKS.soc2.controls.keys()].filter((k) => k.startsWith('CC'))).toHaveLength(33);
    expect(FRAMEWORKS.soc2.controls.has('A1.2')).toBe(true);
    expect(FRAMEWORKS['nist-800-53'].controls.get('IA-2(1)')).toBe('Multi-factor Authentication to Privileged Accounts');
    expect(FRAMEWORKS['nist-800-53'].controls.get('SC-7')).toBe('Boundary Protection');
    expect(NIST_OSCAL_IDS.get('IA-2(1)')).toBe('ia-2.1');
    expect(NIST_OSCAL_IDS.get('SC-8(1)')).toBe('sc-8.1');
    // The NIST list is the extract of NIST's OSCAL catalogues, with its source recorded.
    expect(nist.source.repository).toBe('usnistgov/oscal-content');
    expect(nist.controls.length).toBeGreaterThan(400);
    for (const c of [...nist.controls, ...nist.supplement]) {
      expect(c.label).toMatch(/^[A-Z]{2}-\d+(\(\d+\))?$/);
      expect(c.id).toBe(c.label.toLowerCase().replace(/\((\d+)\)$/, '.$1'));
    }
  });

  it('rejects an id that is not in its framework, naming the control, the id and the framework', () => {
    const bad = clone();
    bad['DB-FROM-APP'].frameworks['nist-800-53'].push('SC-77');
    bad['EDGE-TLS'].frameworks.iso27001 = ['A.8.24'];
    bad.BACKUP.frameworks.soc2 = ['CC6.9'];
    const problems = frameworkMappingProblems(bad, ids);
    expect(problems).toEqual([
      expect.stringMatching(/^EDGE-TLS: "A\.8\.24" is not a ISO\/IEC 27001 id \(ISO\/IEC 27001:2022 Annex A\)/),
      expect.stringMatching(/^DB-FROM-APP: "SC-77" is not a NIST SP 800-53 id/),
      expect.stringMatching(/^BACKUP: "CC6\.9" is not a SOC 2 id/),
    ]);
    expect(() => assertFrameworkMappings(bad, ids)).toThrow(FrameworkMappingError);
    expect(() => assertFrameworkMappings(bad, ids)).toThrow(
      /framework mapping \(lib\/controls\/frameworks\.ts\) has 3 problems:\n {2}- EDGE-TLS: "A\.8\.24"/,
    );
  });

  it(
    'rejects an unknown framework, a missing framework, a control without mapping, an unknown control, duplicates, an ' + 'unknown source',
    () => {
      const bad = clone();
      bad['NET-TIERS'].frameworks['pci-dss'] = ['1.2.1'];
      delete bad['ENC-REST'].frameworks.soc2;
      delete bad.SECRETS;
      bad['NOT-A-CONTROL'] = bad['CDN-ASSETS'];
      bad['ORIGIN-LOCK'].frameworks.iso27001 = ['8.20', '8.20'];
      bad['HA-MULTIZONE'].source = 'a blog post';
      bad['ENV-SEPARATION'].rationale = '';
      expect(frameworkMappingProblems(bad, ids)).toEqual(
        expect.arrayContaining([
          'SECRETS: no mapping; add one to CONTROL_FRAMEWORKS',
          expect.stringMatching(/^NET-TIERS: unknown framework "pci-dss"; expected one of soc2, iso27001, nist-800-53$/),
          'ENC-REST: no SOC 2 ids; map it to at least one',
          'ORIGIN-LOCK: ISO/IEC 27001 ids listed twice: 8.20',
          expect.stringMatching(/^HA-MULTIZONE: unknown mapping source "a blog post"/),
          expect.stringMatching(/^ENV-SEPARATION: the rationale is missing/),
          expect.stringMatching(/^NOT-A-CONTROL: not a control of the catalogue/),
        ]),
      );
    },
  );

  it("gives each control's references with their titles, in framework order", () => {
    const refs = frameworkReferences(CONTROL_FRAMEWORKS['BASTION-SSH']);
    expect(refs.map((r) => r.framework.id)).toEqual(['soc2', 'iso27001', 'nist-800-53']);
    expect(refs[2].ids).toContainEqual({ id: 'AC-17(3)', title: 'Managed Access Control Points' });
    expect(refs[1].ids).toContainEqual({ id: '8.5', title: 'Secure authentication' });
  });

  it('makes the report and the trust page exit 2, writing nothing, on an unknown framework id in the mapping', async () => {
    // In-process (runReport and runTrustPage, what the scripts' entry points call), with the
    // mapping edited as a typo in lib/controls/frameworks.ts would (test/fixtures/typo-framework-mapping.ts),
    // and restored afterwards.
    const out = mkdtempSync(path.join(tmpdir(), 'frameworks-typo-'));
    const env = { ...process.env, BASELINE_CONFIG: '', CHECKPOINT_DISABLE: '1' };
    const nistIds = CONTROL_FRAMEWORKS['DB-FROM-APP'].frameworks['nist-800-53'] as string[];
    const before = [...nistIds];
    try {
      addTypo();
      for (const [script, run] of [
        ['scripts/report.ts', (io: TrustPageIo) => runReport(['--out', out], io)],
        ['scripts/trust-page.ts', async (io: TrustPageIo) => runTrustPage(['--out', out], io)],
      ] as const) {
        let stdout = '';
        let stderr = '';
        const status = await run({ stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env });
        expect({ script, status, stdout }).toEqual({ script, status: 2, stdout: '' });
        expect(stderr).toMatch(
          /framework mapping \(lib\/controls\/frameworks\.ts\) has 1 problem:\n {2}- DB-FROM-APP: "SC-77" is not a NIST SP 800-53 id/,
        );
      }
    } finally {
      nistIds.splice(0, nistIds.length, ...before);
    }
    expect(readdirSync(out)).toEqual([]);
    expect(frameworkMappingProblems(CONTROL_FRAMEWORKS, ids)).toEqual([]);
  });
});
