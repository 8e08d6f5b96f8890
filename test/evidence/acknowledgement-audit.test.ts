import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { AcknowledgementEntry } from '../../lib/policy/acknowledgement-register';
import {
  auditAcknowledgements,
  readAssemblyAcknowledgements,
  type AssemblyAcknowledgements,
} from '../../lib/evidence/acknowledgement-audit';

// The acknowledgement gates on a small fixture: one decision applied on the resource that carries
// its finding passes; each way an acknowledgement can overclaim fails with a message naming it.
const REASON = 'The bastion is the one host meant to be reached from outside; port 22 admits only the allowlist.';
const entry: AcknowledgementEntry = {
  id: 'bastion-public-address',
  reason: REASON,
  rules: ['NIST.800.53.R5::NIST.800.53.R5-EC2InstanceNoPublicIp', 'cdk-validator-cfnguard::ec2_instance_no_public_ip_check'],
  resources: 'The bastion instance',
  resourceTypes: ['AWS::EC2::Instance'],
  claim: { protects: ['BASTION-SSH'] },
  appliedIn: ['lib/aws/bastion.ts'],
};
const grant: AcknowledgementEntry = {
  id: 'data-grant',
  reason: 'CDK grant on the one data bucket: object ARNs need /* and nothing else is reachable.',
  rules: ['AwsSolutions::AwsSolutions-IAM5[Resource::<{bucket}.Arn>/*]'],
  resources: 'The app role policy',
  resourceTypes: ['AWS::IAM::Policy'],
  claim: { protects: ['ADMIN-MFA'] },
  appliedIn: ['stacks/x.ts'],
};
const INSTANCE = 's/Bastion/Resource/Resource';
const finding = (rule: string, at: string, resource: string) => ({
  plugin: rule.split('::')[0],
  ruleName: rule.split('::')[1],
  rule,
  acknowledgedAt: at,
  resource,
});

/** A compliant assembly: both rules applied on the instance, each suppressing its finding there. */
function assembly(
  edit: (a: { placements: any[]; findings: any[]; resources: Record<string, any> }) => void = () => undefined,
): AssemblyAcknowledgements {
  const a = {
    placements: entry.rules.map((rule) => ({ stack: 's', path: INSTANCE, rule, reason: REASON })),
    findings: entry.rules.map((rule) => finding(rule, INSTANCE, INSTANCE)),
    resources: {
      [INSTANCE]: { stack: 's', logicalId: 'Bastion1', type: 'AWS::EC2::Instance' },
      's/Bastion/Resource/InstanceRole/Resource': { stack: 's', logicalId: 'BastionRole1', type: 'AWS::IAM::Role' },
    } as Record<string, any>,
  };
  edit(a);
  return { ...a, validated: true };
}
const audit = (a: AssemblyAcknowledgements, register: AcknowledgementEntry[] = [entry]) => auditAcknowledgements(a, register);

describe('acknowledgement audit', () => {
  it('passes a decision applied on the resource that carries its findings, counting findings and resources, not stamps', () => {
    const result = audit(assembly());
    expect(result.problems).toEqual([]);
    expect(result.findings).toBe(2);
    expect(result.decisions).toEqual([
      expect.objectContaining({
        id: 'bastion-public-address',
        placements: [INSTANCE],
        rules: [...entry.rules].sort(),
        findingResources: [INSTANCE],
        findings: 2,
      }),
    ]);
  });

  it('fails a stale acknowledgement: a rule applied where it suppresses no finding', () => {
    const result = audit(assembly((a) => (a.findings = a.findings.filter((f) => !f.rule.startsWith('cdk-validator')))));
    expect(result.problems).toEqual([
      {
        kind: 'stale',
        decision: 'bastion-public-address',
        path: INSTANCE,
        rule: 'cdk-validator-cfnguard::ec2_instance_no_public_ip_check',
        message:
          `${INSTANCE}: decision bastion-public-address acknowledges cdk-validator-cfnguard::ec2_instance_no_public_ip_check, ` +
          `which finds nothing there; remove the acknowledgement (or that rule of it)`,
      },
    ]);
  });

  it('fails a decision the register holds but nothing applies, unless it says when it applies', () => {
    expect(audit(assembly(), [entry, grant]).problems).toEqual([expect.objectContaining({ kind: 'unused', decision: 'data-grant' })]);
    expect(audit(assembly(), [entry, { ...grant, appliesWhen: 'an app with a data bucket' }]).problems).toEqual([]);
  });

  it('fails an acknowledgement applied wider than the resource that carries the finding (the construct around it)', () => {
    const wide = assembly((a) => {
      const parent = 's/Bastion/Resource';
      for (const p of a.placements) p.path = parent;
      for (const f of a.findings) f.acknowledgedAt = parent;
    });
    expect(audit(wide).problems).toEqual([
      expect.objectContaining({
        kind: 'wider',
        rule: entry.rules[0],
        message:
          's/Bastion/Resource: decision bastion-public-address (NIST.800.53.R5::NIST.800.53.R5-EC2InstanceNoPublicIp) also ' +
          'covers s/Bastion/Resource/InstanceRole/Resource (AWS::IAM::Role), where the rule finds nothing; apply it on the ' +
          'resource that carries the finding',
      }),
      expect.objectContaining({ kind: 'wider', rule: entry.rules[1] }),
    ]);
  });

  it('fails a finding suppressed on a resource type the entry does not name', () => {
    const onRole = assembly((a) => (a.resources[INSTANCE].type = 'AWS::EC2::LaunchTemplate'));
    expect(audit(onRole).problems).toContainEqual(
      expect.objectContaining({
        kind: 'wider',
        message: expect.stringMatching(
          new RegExp(
            'suppresses NIST.800.53.R5-EC2InstanceNoPublicIp on a AWS::EC2::LaunchTemplate, which its entry does not name ' +
              '\\(AWS::EC2::Instance\\)',
          ),
        ),
      }),
    );
  });

  it('fails an acknowledgement with no register entry (a reason written in place), and a reason under the floor', () => {
    const adHoc = assembly((a) =>
      a.placements.push({ stack: 's', path: INSTANCE, rule: 'AwsSolutions::AwsSolutions-EC29', reason: 'fine' }),
    );
    expect(audit(adHoc).problems).toEqual([
      expect.objectContaining({
        kind: 'unregistered',
        rule: 'AwsSolutions::AwsSolutions-EC29',
        message: expect.stringMatching(
          new RegExp(
            'AwsSolutions-EC29 is acknowledged \\("fine"\\) without a register entry; add the decision to ' +
              'lib\\/policy\\/acknowledgement-register\\.ts',
          ),
        ),
      }),
      expect.objectContaining({ kind: 'short-reason', message: expect.stringMatching(/4-character reason, under the floor of 40/) }),
    ]);
    expect(audit(assembly(), [{ ...entry, reason: 'too short' }]).problems).toContainEqual(
      expect.objectContaining({ kind: 'short-reason', decision: 'bastion-public-address' }),
    );
  });

  it('matches rule ids with a placeholder the applying code fills in', () => {
    const policy = 's/App/Role/DefaultPolicy/Resource';
    const rule = 'AwsSolutions::AwsSolutions-IAM5[Resource::<DataBucketE3889A50.Arn>/*]';
    const a = assembly((a) => {
      a.placements.push({ stack: 's', path: policy, rule, reason: grant.reason });
      a.findings.push(finding(rule, policy, policy));
      a.resources[policy] = { stack: 's', logicalId: 'P', type: 'AWS::IAM::Policy' };
    });
    const result = audit(a, [entry, grant]);
    expect(result.problems).toEqual([]);
    expect(result.decisions.find((d) => d.id === 'data-grant')).toMatchObject({ rules: [rule], findings: 1 });
  });

  it('judges an acknowledgement only when its gate ran: stale with the gate in the report, not judged without it', () => {
    const cfn: AcknowledgementEntry = {
      ...entry,
      id: 'azs',
      rules: ['CloudFormation-Validate::W3010'],
      reason: 'The availability zones are pinned in config so that synth needs no AWS credentials.',
    };
    const nothingFound = assembly((a) =>
      a.placements.push({ stack: 's', path: INSTANCE, rule: 'CloudFormation-Validate::W3010', reason: cfn.reason }),
    );
    const ran = ['AwsSolutions', 'cdk-validator-cfnguard'];
    // The gate ran and found nothing there: stale, as before.
    expect(audit({ ...nothingFound, plugins: [...ran, 'CloudFormation Validate'] }, [entry, cfn]).problems).toEqual([
      expect.objectContaining({ kind: 'stale', decision: 'azs', rule: 'CloudFormation-Validate::W3010' }),
    ]);
    // The gate did not run (a synth without CDK's built-in validation): nothing to judge it by.
    expect(audit({ ...nothingFound, plugins: ran }, [entry, cfn]).problems).toEqual([]);
    // A decision applied nowhere is unused only when its gate ran.
    expect(audit({ ...assembly(), plugins: ran }, [entry, cfn]).problems).toEqual([]);
    expect(audit({ ...assembly(), plugins: [...ran, 'CloudFormation Validate'] }, [entry, cfn]).problems).toEqual([
      expect.objectContaining({ kind: 'unused', decision: 'azs' }),
    ]);
    // The other gates' rules are still judged when one gate is missing.
    const guardStale = assembly((a) => (a.findings = a.findings.filter((f) => !f.rule.startsWith('cdk-validator'))));
    expect(audit({ ...guardStale, plugins: ran }).problems).toEqual([
      expect.objectContaining({ kind: 'stale', rule: 'cdk-validator-cfnguard::ec2_instance_no_public_ip_check' }),
    ]);
  });

  it('needs a proving test for warnings and throwing rules, which the validation report does not list', () => {
    const oac: AcknowledgementEntry = {
      ...entry,
      id: 'oac',
      rules: ['Annotation::@aws-cdk/x:warning'],
      reason: 'CloudFront cannot be named in the key policy before the distribution exists.',
    };
    const a = assembly((a) =>
      a.placements.push({ stack: 's', path: 's/Keys', rule: 'Annotation::@aws-cdk/x:warning', reason: oac.reason }),
    );
    expect(audit(a, [entry, oac]).problems).toEqual([expect.objectContaining({ kind: 'unverifiable', decision: 'oac' })]);
    expect(audit(a, [entry, { ...oac, verifiedBy: 'test/x.test.ts' }]).problems).toEqual([]);
  });

  it("lists a library's own acknowledgements by their entry, without judging a placement it does not control", () => {
    const lib: AcknowledgementEntry = {
      ...entry,
      id: 'lib',
      rules: ['CloudFormation-Validate::F3002'],
      reason: 'Acknowledged by aws-cdk-lib itself on every flow log it creates.',
      appliedBy: 'aws-cdk-lib',
    };
    const a = assembly((a) =>
      a.placements.push({
        stack: 's',
        path: 's/Network/FlowLog',
        rule: 'CloudFormation-Validate::F3002',
        reason: 'whatever aws-cdk-lib says',
      }),
    );
    expect(audit(a, [entry, lib]).problems).toEqual([]);
  });

  it('reads placements, suppressed findings and resources from a cloud assembly', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ack-audit-'));
    writeFileSync(
      path.join(dir, 'manifest.json'),
      JSON.stringify({
        version: '1',
        artifacts: {
          s: {
            type: 'aws:cloudformation:stack',
            environment: 'aws://1/eu-west-1',
            properties: { templateFile: 's.template.json', metadataFile: 's.metadata.json' },
          },
        },
      }),
    );
    writeFileSync(path.join(dir, 's.template.json'), JSON.stringify({ Resources: { Bastion1: { Type: 'AWS::EC2::Instance' } } }));
    writeFileSync(
      path.join(dir, 's.metadata.json'),
      JSON.stringify({
        [`/${INSTANCE}`]: [
          { type: 'aws:cdk:logicalId', data: 'Bastion1' },
          { type: 'aws:cdk:acknowledged-rules', data: { [entry.rules[0]]: REASON } },
        ],
        '/s/Keys': [{ type: 'baseline:acknowledged-warning', data: { 'Annotation::w': 'because' } }],
        '/s/Out': [{ type: 'aws:cdk:logicalId', data: 'Out' }],
      }),
    );
    writeFileSync(
      path.join(dir, 'validation-report.json'),
      JSON.stringify({
        pluginReports: [
          {
            pluginName: 'NIST.800.53.R5',
            suppressedViolations: [
              {
                ruleName: 'NIST.800.53.R5-EC2InstanceNoPublicIp',
                acknowledgedId: entry.rules[0],
                acknowledgedAt: INSTANCE,
                violatingConstructs: [{ constructPath: INSTANCE }],
              },
            ],
          },
        ],
      }),
    );
    expect(readAssemblyAcknowledgements(dir)).toEqual({
      placements: [
        { stack: 's', path: INSTANCE, rule: entry.rules[0], reason: REASON },
        { stack: 's', path: 's/Keys', rule: 'Annotation::w', reason: 'because' },
      ].sort((a, b) => (a.path < b.path ? -1 : 1)),
      findings: [
        {
          plugin: 'NIST.800.53.R5',
          ruleName: 'NIST.800.53.R5-EC2InstanceNoPublicIp',
          rule: entry.rules[0],
          acknowledgedAt: INSTANCE,
          resource: INSTANCE,
        },
      ],
      resources: { [INSTANCE]: { stack: 's', logicalId: 'Bastion1', type: 'AWS::EC2::Instance' } },
      validated: true,
      plugins: ['NIST.800.53.R5'],
    });
  });
});
