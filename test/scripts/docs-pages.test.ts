import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ACKNOWLEDGEMENT_REGISTER } from '../../lib/policy/acknowledgement-register';
import { renderSchema } from '../../lib/config/json-schema';
import { CONTROLS } from '../../lib/controls/catalogue';
import { CONTROL_IMPLEMENTATIONS } from '../../lib/controls/implementations';
import {
  describeRules,
  GENERATED_PAGES,
  regionMarkers,
  renderAcknowledgementTable,
  renderClaimsPage,
  renderConfigFields,
  renderControlsPage,
  replaceRegion,
} from '../../scripts/docs-pages';

// The generated pages of docs/ (npm run docs) say what the catalogue, the claims, the register and
// the config schema say: rendered again here, they must equal the committed files.
const ROOT = path.join(__dirname, '..', '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

describe('generated docs pages', () => {
  const pages = GENERATED_PAGES.map((p) => [p.path, p] as const);
  it.each(pages)('%s is what `npm run docs` writes (run it after changing its sources)', (f, page) => {
    expect(read(f)).toBe(page.render(read));
  });
});

describe('docs/controls.md', () => {
  const page = renderControlsPage();
  const sections = new Map(
    page
      .split('\n## ')
      .slice(1)
      .map((s) => [s.split('\n')[0], s] as const),
  );

  it('has one section per control of the catalogue, in catalogue order', () => {
    expect([...sections.keys()]).toEqual(CONTROLS.map((c) => c.id));
  });

  it('gives each control its claim, its sources, every implementing file and every proving test', () => {
    for (const c of CONTROLS) {
      const section = sections.get(c.id)!;
      expect(section).toContain(`**${c.claim}.**`);
      expect(section).toContain(`- Claims: ${c.sources.map((s) => `[${s}](claims.md#${s.toLowerCase()})`).join(', ')}`);
      const files = [...Object.values(CONTROL_IMPLEMENTATIONS[c.id]).flat(), ...Object.values(c.tests ?? {}).flat()];
      expect(files.filter((f) => !section.includes(`[\`${f}\`](../${f})`))).toEqual([]);
    }
  });

  it("says why a cloud without a check is not proven, from the catalogue's coverage", () => {
    expect(sections.get('ADMIN-MFA')).toContain('- **Azure**: unchecked: Entra ID Conditional Access');
    expect(sections.get('NET-TIERS')).toContain('- **Cloudflare**: not applicable: the Cloudflare stacks hold zone settings');
    expect(sections.get('DR-REGION')).toContain('- **AWS**: checked across the stacks of each environment');
    expect(sections.get('ENV-SEPARATION')).toContain('- **Cloudflare**: checked across every stack of the deployment');
  });
});

describe('docs/claims.md', () => {
  it('lists each claim with the controls that cite it, or says none does', () => {
    const page = renderClaimsPage(JSON.parse(read('data/claims.json')));
    const a13 = '### A13\n\nPassword policy: at least 8 characters with a letter, a special character and a number.\n\n';
    expect(page).toContain(`${a13}- Made true by: no control`);
    expect(page).toContain('- Made true by: [ENV-SEPARATION](controls.md#env-separation)');
  });

  it('refuses a claims file the trust page would refuse', () => {
    expect(() => renderClaimsPage({ claims: [{ id: 'A99', page: 'A', claim: 'x', statement: 'y' }] })).toThrow(/A99/);
  });
});

describe('the acknowledgement decisions table of docs/policy.md', () => {
  it('has one row per decision of the register, in register order', () => {
    const rows = renderAcknowledgementTable()
      .split('\n')
      .filter((l) => l.startsWith('| `'));
    expect(rows.map((r) => r.split('`')[1])).toEqual(ACKNOWLEDGEMENT_REGISTER.map((e) => e.id));
  });

  it('names the rules by pack: cdk-nag packs grouped per rule, Control Tower, CloudFormation and warnings', () => {
    const replication = ['HIPAA.Security', 'NIST.800.53.R4'].map((p) => `${p}::${p}-S3BucketReplicationEnabled`);
    expect(describeRules([...replication, 'cdk-validator-cfnguard::s3_bucket_logging_enabled_check'])).toBe(
      'S3BucketReplicationEnabled (HIPAA, R4), `s3_bucket_logging_enabled_check` (Control Tower)',
    );
    const others = ['AwsSolutions::AwsSolutions-IAM5[Resource::*]', 'CloudFormation-Validate::W3010', 'Annotation::@aws-cdk/x:y'];
    expect(describeRules(others)).toBe('`AwsSolutions-IAM5[Resource::*]`, CloudFormation W3010, warning `@aws-cdk/x:y`');
  });
});

describe('the config field table of docs/configuration.md', () => {
  const table = renderConfigFields(JSON.parse(renderSchema()));

  it('lists nested fields with their constraints and defaults', () => {
    expect(table).toContain('| `environments.<name>.bastion.allowedCidrs` (required) |');
    expect(table).toMatch(/\| `guardrails.minRsaBits` \| integer, 3072-16384 \| `3072` \| Smallest RSA SSH key accepted. \|/);
    const backendField =
      /\| `environments.<name>.azure.backend.storageAccountName` \(required\) \| [^|]+ \| {2}\| With `type` "azurerm"\. /;
    expect(table).toMatch(backendField);
  });
});

describe('generated regions', () => {
  it('replaces only the text between the markers', () => {
    const { begin, end } = regionMarkers('x');
    expect(replaceRegion('f.md', `a\n${begin}\nold\n${end}\nb`, 'x', 'new')).toBe(`a\n${begin}\nnew\n${end}\nb`);
  });

  it('fails naming the file and the region when a marker is missing', () => {
    expect(() => replaceRegion('docs/policy.md', 'no markers', 'acknowledgement register', '')).toThrow(
      /docs\/policy.md: the markers of the generated region "acknowledgement register"/,
    );
  });
});
