import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import {
  ACK_REASON_FLOOR,
  ACKNOWLEDGEMENT_REGISTER,
  placeholders,
  rulePattern,
  type AcknowledgementEntry,
} from '../../lib/policy/acknowledgement-register';
import { CONTROLS } from '../../lib/controls/catalogue';

// The register is reviewed like code: these are the rules every entry follows, so a new one (or
// one the lead moves in from another branch) cannot skip a field a reviewer needs.
const ROOT = path.join(__dirname, '..', '..');
const register: readonly AcknowledgementEntry[] = ACKNOWLEDGEMENT_REGISTER;
const RULE_ID = new RegExp(
  '^(?:(AwsSolutions|HIPAA\\.Security|NIST\\.800\\.53\\.R4|NIST\\.800\\.53\\.R5|PCI\\.DSS\\.321|Serverless)::\\1-[A-Za-z0-9]+(' +
    '?:\\[.+\\])?|cdk-validator-cfnguard::[a-z0-9_]+|CloudFormation-Validate::[EFW]\\d{4}|Annotation::\\S+)$',
);

/** The TypeScript sources of lib/ and stacks/, by path relative to the repository root. */
function sources(): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(path.join(ROOT, dir))) {
      const rel = path.join(dir, name);
      if (statSync(path.join(ROOT, rel)).isDirectory()) walk(rel);
      else if (name.endsWith('.ts')) out[rel.split(path.sep).join('/')] = readFileSync(path.join(ROOT, rel), 'utf8');
    }
  };
  walk('lib');
  walk('stacks');
  return out;
}

describe('acknowledgement register', () => {
  const code = sources();

  it('holds one entry per decision, each with a kebab-case id, a reason over the floor and a claim of the catalogue', () => {
    expect(new Set(register.map((e) => e.id)).size).toBe(register.length);
    const controls = new Set(CONTROLS.map((c) => c.id));
    for (const e of register) {
      expect({ id: e.id, ok: /^[a-z0-9]+(-[a-z0-9]+)*$/.test(e.id) }).toEqual({ id: e.id, ok: true });
      expect({ id: e.id, long: e.reason.trim().length >= ACK_REASON_FLOOR }).toEqual({ id: e.id, long: true });
      const claims = [...(e.claim.protects ?? []), ...(e.claim.conflictsWith ?? [])];
      expect({ id: e.id, claims: claims.length > 0 && claims.every((c) => controls.has(c)) }).toEqual({ id: e.id, claims: true });
      expect({ id: e.id, types: e.resourceTypes.length > 0 && e.resourceTypes.every((t) => /^AWS::\w+::\w+$/.test(t)) }).toEqual({
        id: e.id,
        types: true,
      });
      expect(e.resources.length).toBeGreaterThan(0);
    }
  });

  it('names every rule in the form Validations.acknowledge takes, each once, across the packs it covers', () => {
    for (const e of register) {
      expect(new Set(e.rules).size).toBe(e.rules.length);
      for (const rule of e.rules) expect({ id: e.id, rule, ok: RULE_ID.test(rule) }).toEqual({ id: e.id, rule, ok: true });
      // A warning or a rule that throws never reaches the validation report: a test must prove it.
      if (e.rules.some((r) => r.startsWith('Annotation::')))
        expect({ id: e.id, verifiedBy: e.verifiedBy }).toEqual({ id: e.id, verifiedBy: expect.stringMatching(/^test\//) });
    }
    expect(
      rulePattern('AwsSolutions::AwsSolutions-IAM5[Resource::<{b}.Arn>/*]').test(
        'AwsSolutions::AwsSolutions-IAM5[Resource::<Data1.Arn>/*]',
      ),
    ).toBe(true);
    expect(rulePattern('AwsSolutions::AwsSolutions-IAM5[Resource::*]').test('AwsSolutions::AwsSolutions-IAM5[Resource::x]')).toBe(false);
    expect(placeholders('a{b}c{d}')).toEqual(['b', 'd']);
  });

  it('is the only way this code acknowledges anything: no acknowledge() with a reason written in place', () => {
    const adHoc = Object.entries(code)
      .filter(
        ([file, text]) =>
          file !== 'lib/policy/acknowledge.ts' && /\backnowledge\(|Validations\.of\([^)]*\)\.acknowledge|acknowledgeWarning\(/.test(text),
      )
      .map(([file]) => file);
    expect(adHoc).toEqual([]);
  });

  it('lists where each decision is applied, and each is applied there', () => {
    for (const e of register.filter((x) => x.appliedBy !== 'aws-cdk-lib')) {
      for (const file of e.appliedIn)
        expect({ id: e.id, file, applied: (code[file] ?? '').includes(`'${e.id}'`) }).toEqual({ id: e.id, file, applied: true });
    }
    const applied = new Set(
      Object.values(code).flatMap((text) => [...text.matchAll(/acknowledgeDecision\([^;]*?'([a-z0-9-]+)'/g)].map((m) => m[1])),
    );
    expect(
      register
        .filter((e) => e.appliedBy !== 'aws-cdk-lib' && !applied.has(e.id) && !e.appliedIn.some((f) => code[f]?.includes(`'${e.id}'`)))
        .map((e) => e.id),
    ).toEqual([]);
  });
});
