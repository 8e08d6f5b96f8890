import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { SECURITY_HUB_STANDARDS, ThreatDetection } from '../../lib/aws/threat-detection';
import { ENV, acknowledgements, getAtt, idSource, logicalId, ref, resourceOf, resourcesOfType, testStack } from './support';

const stack = testStack();
const topic = new sns.Topic(stack, 'Alerts');
const logsKey = new kms.Key(stack, 'LogsKey');
const created = new ThreatDetection(stack, 'Created', { alertTopic: topic, alertTopicKey: logsKey, logsKey });
const managed = new ThreatDetection(stack, 'Managed', {
  alertTopic: topic,
  logsKey,
  guardDuty: 'managed',
  securityHub: 'managed',
  inspector: 'managed',
  alertSeverity: 5,
});
const template = Template.fromStack(stack);

const ruleOf = (t: ThreatDetection) => resourceOf(template, t.node.findChild('HighSeverityFindings')).Properties;

describe('ThreatDetection', () => {
  it('enables GuardDuty with S3 data events and EBS malware scanning', () => {
    template.resourceCountIs('AWS::GuardDuty::Detector', 1);
    expect(resourceOf(template, created.detector!).Properties).toEqual({
      Enable: true,
      FindingPublishingFrequency: 'FIFTEEN_MINUTES',
      DataSources: { S3Logs: { Enable: true }, MalwareProtection: { ScanEc2InstanceWithFindings: { EbsVolumes: true } } },
    });
  });

  it('enables Security Hub with the FSBP and CIS standards only', () => {
    template.resourceCountIs('AWS::SecurityHub::Hub', 1);
    expect(resourceOf(template, created.hub!).Properties).toEqual({
      EnableDefaultStandards: false,
      ControlFindingGenerator: 'SECURITY_CONTROL',
      AutoEnableControls: true,
    });
    const standards = resourcesOfType(template, 'AWS::SecurityHub::Standard');
    expect(standards.map(([, s]) => s.Properties.StandardsArn).sort()).toEqual([
      `arn:aws:securityhub:${ENV.region}::standards/aws-foundational-security-best-practices/v/1.0.0`,
      `arn:aws:securityhub:${ENV.region}::standards/cis-aws-foundations-benchmark/v/3.0.0`,
    ]);
    for (const [, standard] of standards) expect(standard.DependsOn).toContain(logicalId(created.hub!));
    expect(Object.values(SECURITY_HUB_STANDARDS)).toHaveLength(2);
  });

  it('pages on-call for GuardDuty findings of severity 7 or more', () => {
    expect(ruleOf(created)).toMatchObject({
      State: 'ENABLED',
      EventPattern: { source: ['aws.guardduty'], 'detail-type': ['GuardDuty Finding'], detail: { severity: [{ numeric: ['>=', 7] }] } },
      Targets: [{ Arn: ref(topic), Id: 'Target0' }],
    });
  });

  it('pages on-call for new, active critical and high Security Hub findings', () => {
    for (const t of [created, managed]) {
      expect(resourceOf(template, t.node.findChild('CriticalSecurityHubFindings')).Properties).toMatchObject({
        EventPattern: {
          source: ['aws.securityhub'],
          'detail-type': ['Security Hub Findings - Imported'],
          detail: { findings: { Severity: { Label: ['CRITICAL', 'HIGH'] }, Workflow: { Status: ['NEW'] }, RecordState: ['ACTIVE'] } },
        },
        State: 'ENABLED',
        Targets: [expect.objectContaining({ Arn: ref(topic) })],
      });
    }
  });

  it('enables Inspector EC2 and ECR scanning once per account and region, and never disables it', () => {
    const calls = resourcesOfType(template, 'Custom::AWS').map(([, r]) => r.Properties);
    expect(calls).toHaveLength(1);
    const create = JSON.parse(
      calls[0].Create['Fn::Join']
        ? calls[0].Create['Fn::Join'][1].map((p: any) => (typeof p === 'string' ? p : 'X')).join('')
        : calls[0].Create,
    );
    expect(create).toMatchObject({ service: 'Inspector2', action: 'enable', parameters: { resourceTypes: ['EC2', 'ECR'] } });
    expect(calls[0].Delete).toBeUndefined();
    expect(created.inspectorEnabler).toBeDefined();
    expect(managed.inspectorEnabler).toBeUndefined();
  });

  it('grants the Inspector enabler only inspector2:Enable and the Inspector service-linked role', () => {
    const policies = resourcesOfType(template, 'AWS::IAM::Policy')
      .map(([, p]) => p.Properties.PolicyDocument.Statement)
      .filter((s: any[]) => JSON.stringify(s).includes('inspector2'));
    expect(policies).toHaveLength(1);
    expect(policies[0].map((s: any) => s.Action)).toEqual(['inspector2:Enable', 'iam:CreateServiceLinkedRole']);
    expect(policies[0][1].Condition).toEqual({ StringEquals: { 'iam:AWSServiceName': 'inspector2.amazonaws.com' } });
  });

  it(
    'publishes findings as a role that only rules of this account and region can assume, never through a topic or key grant to ' +
      'events.amazonaws.com',
    () => {
      const publisher = created.node.findChild('FindingsPublisher');
      const role = resourceOf(template, publisher).Properties;
      expect(role.AssumeRolePolicyDocument.Statement).toEqual([
        {
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: {
            StringEquals: { 'aws:SourceAccount': ENV.account },
            ArnLike: { 'aws:SourceArn': `arn:aws:events:${ENV.region}:${ENV.account}:rule/*` },
          },
        },
      ]);
      for (const name of ['HighSeverityFindings', 'CriticalSecurityHubFindings']) {
        const rule = resourceOf(template, created.node.findChild(name)).Properties;
        expect(rule.Targets).toEqual([expect.objectContaining({ Arn: ref(topic), RoleArn: getAtt(publisher, 'Arn') })]);
      }
      const policy = resourcesOfType(template, 'AWS::IAM::Policy').find(([, p]) =>
        p.Properties.Roles.some((r: any) => r.Ref === logicalId(publisher)),
      )![1];
      expect(policy.Properties.PolicyDocument.Statement).toEqual([
        { Sid: 'PublishFindings', Effect: 'Allow', Action: 'sns:Publish', Resource: ref(topic) },
        {
          Sid: 'EncryptFindingsThroughSns',
          Effect: 'Allow',
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          Resource: getAtt(logsKey, 'Arn'),
          Condition: { StringEquals: { 'kms:ViaService': `sns.${ENV.region}.amazonaws.com` } },
        },
      ]);
      expect(JSON.stringify(resourcesOfType(template, 'AWS::SNS::TopicPolicy'))).not.toMatch(/events\.amazonaws/);
      expect(JSON.stringify(resourceOf(template, logsKey).Properties.KeyPolicy)).not.toMatch(/events\.amazonaws/);
    },
  );

  it('creates no detector or hub when the organization manages them', () => {
    expect(managed.detector).toBeUndefined();
    expect(managed.hub).toBeUndefined();
    expect(managed.node.tryFindChild('Detector')).toBeUndefined();
    expect(managed.node.tryFindChild('Hub')).toBeUndefined();
    expect(managed.node.children.filter((c) => c.node.id.startsWith('Standard-'))).toEqual([]);
  });

  it('still pages on-call when the organization manages them, at the given severity', () => {
    expect(ruleOf(managed)).toMatchObject({
      EventPattern: { source: ['aws.guardduty'], 'detail-type': ['GuardDuty Finding'], detail: { severity: [{ numeric: ['>=', 5] }] } },
      Targets: [{ Arn: ref(topic), Id: 'Target0' }],
    });
  });

  it('acknowledges the missing dead-letter queue on the rule, with a reason', () => {
    expect(acknowledgements(created.node.findChild('HighSeverityFindings'))['Serverless::Serverless-EventBusDLQ']).toMatch(
      /systems of record/,
    );
  });

  describe('errors', () => {
    const scratch = testStack('Scratch');
    const scratchTopic = new sns.Topic(scratch, 'Topic');
    const id = idSource();

    it.each([0, 0.9, 9, 10, NaN])('fails when alertSeverity is %p', (alertSeverity) => {
      expect(
        () =>
          new ThreatDetection(scratch, id(), {
            alertTopic: scratchTopic,
            logsKey,
            guardDuty: 'managed',
            securityHub: 'managed',
            inspector: 'managed',
            alertSeverity,
          }),
      ).toThrow(new RegExp(`ThreatDetection\\.alertSeverity: received ${alertSeverity}; expected a GuardDuty severity from 1 to 8\\.9`));
    });

    it.each([1, 8.9])('accepts alertSeverity %p', (alertSeverity) => {
      expect(
        () =>
          new ThreatDetection(scratch, id(), {
            alertTopic: scratchTopic,
            logsKey,
            guardDuty: 'managed',
            securityHub: 'managed',
            inspector: 'managed',
            alertSeverity,
          }),
      ).not.toThrow();
    });
  });
});
