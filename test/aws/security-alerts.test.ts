import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { SecurityAlerts } from '../../lib/aws/security-alerts';
import { ENV, acknowledgements, getAtt, idSource, ref, resourceOf, resourcesOfType, testStack } from './support';

const stack = testStack();
const key = new kms.Key(stack, 'LogsKey');
const trailLogs = new logs.LogGroup(stack, 'TrailLogs');
const alerts = new SecurityAlerts(stack, 'Alerts', {
  key,
  emails: ['oncall@example.com', 'security@example.com'],
  smsNumbers: ['+15555550100'],
});
const rootUse = alerts.alarmOnRootUse(trailLogs);
const custom = alerts.alarm('Custom', {
  metric: new cloudwatch.Metric({ namespace: 'Test', metricName: 'Errors', period: Duration.minutes(1) }),
  threshold: 5,
  evaluationPeriods: 2,
});
const breaching = alerts.alarm('Breaching', {
  metric: new cloudwatch.Metric({ namespace: 'Test', metricName: 'Heartbeat' }),
  threshold: 1,
  evaluationPeriods: 1,
  treatMissingData: cloudwatch.TreatMissingData.BREACHING,
});
const template = Template.fromStack(stack);

describe('SecurityAlerts', () => {
  it('encrypts the topic under the given key', () => {
    expect(resourceOf(template, alerts.resource).Properties).toEqual({
      KmsMasterKeyId: getAtt(key, 'Arn'),
      DisplayName: 'Security alerts',
    });
  });

  it('refuses publishers that do not use TLS', () => {
    const policies = resourcesOfType(template, 'AWS::SNS::TopicPolicy');
    expect(policies).toHaveLength(1);
    expect(policies[0][1].Properties.Topics).toEqual([ref(alerts.resource)]);
    expect(policies[0][1].Properties.PolicyDocument.Statement).toContainEqual({
      Sid: 'AllowPublishThroughSSLOnly',
      Effect: 'Deny',
      Principal: '*',
      Action: 'sns:Publish',
      Resource: ref(alerts.resource),
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
  });

  it('lets only the alarms of this account and region publish, bound by aws:SourceAccount and aws:SourceArn', () => {
    const statements = resourcesOfType(template, 'AWS::SNS::TopicPolicy')[0][1].Properties.PolicyDocument.Statement;
    expect(statements).toContainEqual({
      Sid: 'AllowAlarmsOfThisAccount',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: ref(alerts.resource),
      Condition: {
        StringEquals: { 'aws:SourceAccount': ENV.account },
        ArnLike: { 'aws:SourceArn': `arn:aws:cloudwatch:${ENV.region}:${ENV.account}:alarm:*` },
      },
    });
    expect(statements.filter((s: any) => s.Effect === 'Allow')).toHaveLength(1);
  });

  it('subscribes every on-call e-mail address and phone number', () => {
    const subs = resourcesOfType(template, 'AWS::SNS::Subscription').map(([, s]) => s.Properties);
    expect(subs).toHaveLength(3);
    expect(subs).toContainEqual({ Protocol: 'email', Endpoint: 'oncall@example.com', TopicArn: ref(alerts.resource) });
    expect(subs).toContainEqual({ Protocol: 'email', Endpoint: 'security@example.com', TopicArn: ref(alerts.resource) });
    expect(subs).toContainEqual({ Protocol: 'sms', Endpoint: '+15555550100', TopicArn: ref(alerts.resource) });
  });

  it('acknowledges the missing dead-letter queue on each subscription, with a reason', () => {
    const subscriptions = alerts.resource.node.children.filter((c) => c.node.id !== 'Resource' && c.node.id !== 'Policy');
    expect(subscriptions.length).toBe(3);
    for (const sub of subscriptions) {
      expect(acknowledgements(sub)['Serverless::Serverless-SNSRedrivePolicy']).toMatch(/dead-letter queue/);
    }
  });

  it('alerts on ALARM and on OK to the topic', () => {
    for (const alarm of [rootUse, custom, breaching]) {
      const props = resourceOf(template, alarm).Properties;
      expect(props.AlarmActions).toEqual([ref(alerts.resource)]);
      expect(props.OKActions).toEqual([ref(alerts.resource)]);
    }
  });

  it('treats missing data as not breaching unless told otherwise', () => {
    expect(resourceOf(template, custom).Properties).toMatchObject({ TreatMissingData: 'notBreaching', Threshold: 5, EvaluationPeriods: 2 });
    expect(resourceOf(template, breaching).Properties.TreatMissingData).toBe('breaching');
  });

  it('counts root-account use from the trail log group', () => {
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: ref(trailLogs),
      FilterPattern: '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
      MetricTransformations: [{ MetricNamespace: 'SecurityBaseline', MetricName: 'RootAccountUse', MetricValue: '1' }],
    });
  });

  it('alarms on a single root-account use within five minutes', () => {
    expect(resourceOf(template, rootUse).Properties).toMatchObject({
      Namespace: 'SecurityBaseline',
      MetricName: 'RootAccountUse',
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  describe('errors', () => {
    const scratch = testStack('Scratch');
    const scratchKey = new kms.Key(scratch, 'Key');
    const id = idSource();

    it('fails when the e-mail list is empty', () => {
      expect(() => new SecurityAlerts(scratch, id(), { key: scratchKey, emails: [] })).toThrow(
        /SecurityAlerts\.emails: received an empty list; expected at least one on-call address/,
      );
    });

    it('needs no phone number', () => {
      expect(() => new SecurityAlerts(scratch, id(), { key: scratchKey, emails: ['oncall@example.com'] })).not.toThrow();
    });
  });
});
