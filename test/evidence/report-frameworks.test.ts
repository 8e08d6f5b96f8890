import { CONTROLS } from '../../lib/controls';
import { CONTROL_FRAMEWORKS } from '../../lib/controls/frameworks';
import { buildReport, renderHtml, renderJson, renderMarkdown } from '../../lib/evidence/report';
import { smallEvaluation } from './small-evaluation';

// The report shows each control's framework mapping (lib/controls/frameworks.ts) to the reviewer
// and in controls.json for machines.
const report = buildReport({ evaluation: smallEvaluation() });

describe('controls report: framework mapping', () => {
  it('lists per control its SOC 2, ISO/IEC 27001 and NIST SP 800-53 ids with titles and the mapping source', () => {
    const md = renderMarkdown(report);
    const section = md.split('\n### DB-FROM-APP\n')[1].split('\n### ')[0];
    expect(section).toContain('- Frameworks (Mapped by this project, lib/controls/frameworks.ts):');
    expect(section).toContain(
      '  - SOC 2 (AICPA Trust Services Criteria (2017), revised points of focus (2022)): CC6.1 Logical access security ' +
        'software, infrastructure and architectures protect information assets; CC6.6 ',
    );
    expect(section).toContain(
      '  - ISO/IEC 27001 (ISO/IEC 27001:2022 Annex A): 8.3 Information access restriction; 8.22 Segregation of networks; 8.24 ' +
        'Use of cryptography',
    );
    expect(section).toMatch(
      new RegExp(
        ' {2}- NIST SP 800-53 \\(NIST SP 800-53 Rev\\. 5, release 5\\.1\\.1\\): SC-7 Boundary Protection; AC-4 Information Flow ' +
          'Enforcement; AC-3 Access Enforcement; SC-8\\(1\\) Cryptographic Protection',
      ),
    );
    for (const c of CONTROLS) expect(md.split(`\n### ${c.id}\n`)[1]).toContain('- Frameworks (');
  });

  it('puts the mapping into controls.json and the HTML page', () => {
    const json = JSON.parse(renderJson(report));
    const db = json.controls.find((c: any) => c.id === 'DB-FROM-APP');
    expect(db.frameworks.map((f: any) => [f.framework, f.ids.map((x: any) => x.id)])).toEqual([
      ['soc2', CONTROL_FRAMEWORKS['DB-FROM-APP'].frameworks.soc2],
      ['iso27001', CONTROL_FRAMEWORKS['DB-FROM-APP'].frameworks.iso27001],
      ['nist-800-53', CONTROL_FRAMEWORKS['DB-FROM-APP'].frameworks['nist-800-53']],
    ]);
    const html = renderHtml(report);
    expect(html).toContain('<li data-framework="nist-800-53">NIST SP 800-53 (NIST SP 800-53 Rev. 5');
    expect(html).toContain('<abbr title="Multi-factor Authentication to Privileged Accounts">IA-2(1)</abbr>');
  });
});
