import { auditAcknowledgements, readAssemblyAcknowledgements } from '../../lib/evidence/acknowledgement-audit';
import { acknowledgements } from '../../lib/evidence/acknowledgements';
import { readSynthOutput } from '../../lib/evidence/synth-output';
import { sanitize, synthAws, type SynthResult } from './support';

// One synth of the whole default config with every policy gate; shared by all assertions.
let result: SynthResult;
beforeAll(() => {
  result = synthAws();
});

const STACKS = ['staging', 'prod'].flatMap((env) => ['edge', 'dr', 'primary', 'dr-database'].map((kind) => `${env}-aws-${kind}`));

describe('AWS app with the default config', () => {
  it('synthesizes edge, DR, primary and DR database stacks for staging and prod with zero unacknowledged policy findings', () => {
    // synthAws throws if any cdk-nag pack or Control Tower Guard rule reports a violation.
    expect(Object.keys(result.templates).sort()).toEqual(STACKS.slice().sort());
  });

  it('writes every acknowledgement into the template metadata with a reason', () => {
    const acknowledged: { id: string; reason: string }[] = [];
    for (const template of Object.values(result.templates)) {
      for (const resource of Object.values<any>(template.Resources)) {
        acknowledged.push(...(resource.Metadata?.cdk_nag?.rules_to_suppress ?? []));
      }
    }
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const ack of acknowledged) {
      expect(ack.reason.length).toBeGreaterThanOrEqual(40);
    }
  });

  it('lists every acknowledgement stamp of the templates, sorted, with its resource and reason', () => {
    const acks = acknowledgements(readSynthOutput(result.outdir));
    const inTemplates = Object.values(result.templates).flatMap((t: any) =>
      Object.values<any>(t.Resources).flatMap((r) => r.Metadata?.cdk_nag?.rules_to_suppress ?? []),
    );
    expect(acks).toHaveLength(inTemplates.length);
    const keys = acks.map((a) => `${a.stack}\u0000${a.resource}\u0000${a.rule}`);
    expect([...keys].sort()).toEqual(keys);
    // The OAC warning concerns the static-assets key only: its reason is stamped on no key (the
    // data, logs and backup keys used to carry it, acknowledged on the Keys construct around them).
    expect(acks.filter((a) => /wildcardKeyPolicyForOac/.test(a.rule))).toEqual([]);
  });

  it(
    'passes the acknowledgement audit: every acknowledgement is a register decision, applied on the resource that carries its ' +
      'finding, none stale',
    () => {
      // The gate of lib/evidence/acknowledgement-audit.ts on the gated synth's validation report.
      const audit = auditAcknowledgements(readAssemblyAcknowledgements(result.outdir));
      expect(audit.validated).toBe(true);
      expect(audit.problems.map((p) => p.message)).toEqual([]);
      // Findings and decisions, never stamps: each finding once per rule and resource.
      const stamps = Object.values(result.templates).flatMap((t: any) =>
        Object.values<any>(t.Resources).flatMap((r) => r.Metadata?.cdk_nag?.rules_to_suppress ?? []),
      ).length;
      expect(audit.findings).toBeGreaterThan(0);
      expect(audit.findings).toBeLessThan(stamps + 1);
      const applied = audit.decisions.filter((d) => d.placements.length > 0);
      expect(applied.map((d) => d.id)).toEqual(
        expect.arrayContaining([
          'bastion-public-address',
          'pinned-availability-zones',
          'oac-key-policy-wildcard',
          'replica-log-groups-key-from-dr-stack',
        ]),
      );
      // W3010 is acknowledged on the subnets and app groups that name a zone, never on a VPC or an instance.
      const zones = audit.decisions.find((d) => d.id === 'pinned-availability-zones')!;
      expect(zones.findingResources.every((r) => /\/(PublicSubnet|AppSubnet|DataSubnet)\d+\/Subnet$|\/App\/Resource\/ASG$/.test(r))).toBe(
        true,
      );
    },
  );

  it.each(STACKS)('matches the reviewed snapshot of %s', (stack) => {
    expect(sanitize(result.templates[stack])).toMatchSnapshot();
  });
});
