import { checkDetectThreats } from '../../lib/controls/aws/detection';
import { edgeTemplate, primaryTemplate } from './fixtures/aws-templates';
import { expectFinding, expectNotApplicable, expectPass, props, weakened } from './support';

describe('DETECT-THREATS (AWS)', () => {
  it('passes GuardDuty, Security Hub with FSBP and CIS, and alarms to an encrypted, subscribed topic', () => {
    const result = checkDetectThreats(primaryTemplate());
    expectPass(result);
    expect(result.evidence).toEqual(
      expect.arrayContaining([
        'Detector',
        'Hub',
        'StandardFsbp',
        'StandardCis',
        'ConfigRecorder',
        'ConfigDelivery',
        'Alerts',
        'RootUseAlarm',
        'WafBlockedAlarm',
        'Gateway5xxAlarm',
        'UnhealthyHostsAlarm',
        'RootUseFilter',
        'GuardDutyFindings',
      ]),
    );
  });

  it('is not applicable to the edge stack', () => {
    expectNotApplicable(checkDetectThreats(edgeTemplate()));
  });

  it('accepts services managed elsewhere when the options say so', () => {
    const t = weakened((t) => {
      for (const id of ['Detector', 'GuardDutyFindings', 'Hub', 'StandardFsbp', 'StandardCis', 'InspectorEnabler']) delete t.Resources[id];
    });
    expectFinding(checkDetectThreats(t), '(template)', /no AWS::GuardDuty::Detector/);
    expectPass(checkDetectThreats(t, { guardDutyManaged: true, securityHubManaged: true, inspectorManaged: true }));
  });

  it('fails a Security Hub with nothing recording AWS Config, unless Config is recorded centrally', () => {
    const t = weakened((t) => {
      delete t.Resources.ConfigRecorder;
      delete t.Resources.ConfigDelivery;
    });
    expectFinding(
      checkDetectThreats(t),
      '(template)',
      /Security Hub runs in this region but no AWS::Config::ConfigurationRecorder records it; its controls then report no data/,
    );
    expectPass(checkDetectThreats(t, { configManaged: true }));
  });

  it('requires a recorder where the organization runs Security Hub too, unless it also records Config', () => {
    const t = weakened((t) => {
      for (const id of ['Hub', 'StandardFsbp', 'StandardCis', 'ConfigRecorder', 'ConfigDelivery']) delete t.Resources[id];
    });
    expectFinding(checkDetectThreats(t, { securityHubManaged: true }), '(template)', /no AWS::Config::ConfigurationRecorder/);
    expectPass(checkDetectThreats(t, { securityHubManaged: true, configManaged: true }));
  });

  it('fails without the call that enables Inspector, unless Inspector is managed elsewhere', () => {
    const t = weakened((t) => delete t.Resources.InspectorEnabler);
    expectFinding(checkDetectThreats(t), '(template)', /no Custom::AWS call enabling Inspector2 for EC2/);
    expectPass(checkDetectThreats(t, { inspectorManaged: true }));
  });

  it('fails when the Inspector call leaves EC2 out', () => {
    const t = weakened(
      (t) => (t.Resources.InspectorEnabler.Properties.Create = t.Resources.InspectorEnabler.Properties.Create.replace('"EC2",', '')),
    );
    expectFinding(checkDetectThreats(t), '(template)', /no Custom::AWS call enabling Inspector2/);
  });

  it('accepts the 5xx alarm on target errors and a metric-math alarm', () => {
    const t = weakened((t) => {
      props(t, 'Gateway5xxAlarm').MetricName = 'HTTPCode_Target_5XX_Count';
      const waf = props(t, 'WafBlockedAlarm');
      delete waf.MetricName;
      delete waf.Namespace;
      waf.Metrics = [
        { Id: 'm1', MetricStat: { Metric: { Namespace: 'AWS/WAFV2', MetricName: 'BlockedRequests' }, Period: 300, Stat: 'Sum' } },
      ];
    });
    expectPass(checkDetectThreats(t));
  });

  it.each<[string, (t: any) => void, string, RegExp]>([
    ['GuardDuty disabled', (t) => (props(t, 'Detector').Enable = false), 'Detector', /Enable is false; expected true/],
    ['no GuardDuty', (t) => delete t.Resources.Detector, '(template)', /no AWS::GuardDuty::Detector/],
    ['no Security Hub', (t) => delete t.Resources.Hub, '(template)', /no AWS::SecurityHub::Hub/],
    [
      'no CIS standard',
      (t) => delete t.Resources.StandardCis,
      '(template)',
      /CIS AWS Foundations Benchmark; expected StandardsArn containing "cis-aws-foundations-benchmark"/,
    ],
    ['no FSBP standard', (t) => delete t.Resources.StandardFsbp, '(template)', /Foundational Security Best Practices/],
    [
      'an unencrypted alert topic',
      (t) => delete props(t, 'Alerts').KmsMasterKeyId,
      '(template)',
      /no SNS topic with KmsMasterKeyId and at least one AWS::SNS::Subscription/,
    ],
    ['nobody subscribed', (t) => delete t.Resources.AlertsOncall, '(template)', /no SNS topic with KmsMasterKeyId and at least one/],
    [
      'an alarm notifying nobody',
      (t) => (props(t, 'WafBlockedAlarm').AlarmActions = []),
      'WafBlockedAlarm',
      /reach no alert topic of this template/,
    ],
    ['an alarm with actions disabled', (t) => (props(t, 'RootUseAlarm').ActionsEnabled = false), 'RootUseAlarm', /ActionsEnabled is false/],
    ['no WAF alarm', (t) => delete t.Resources.WafBlockedAlarm, '(template)', /no alarm on WAF BlockedRequests/],
    ['no 5xx alarm', (t) => delete t.Resources.Gateway5xxAlarm, '(template)', /no alarm on load balancer 5xx errors/],
    ['no unhealthy-host alarm', (t) => delete t.Resources.UnhealthyHostsAlarm, '(template)', /no alarm on UnHealthyHostCount/],
    [
      'no root-use filter',
      (t) => delete t.Resources.RootUseFilter,
      '(template)',
      /no AWS::Logs::MetricFilter on the trail log group matching userIdentity.type = "Root"/,
    ],
    [
      'a root-use filter on another log group',
      (t) => (props(t, 'RootUseFilter').LogGroupName = { Ref: 'FlowLogs' }),
      '(template)',
      /no AWS::Logs::MetricFilter on the trail log group/,
    ],
    [
      'a filter that does not match root',
      (t) => (props(t, 'RootUseFilter').FilterPattern = '{ $.errorCode = "AccessDenied" }'),
      '(template)',
      /matching userIdentity.type/,
    ],
    [
      'no alarm on the root-use metric',
      (t) => delete t.Resources.RootUseAlarm,
      'RootUseFilter',
      /no alarm notifies on the root-use metric/,
    ],
    [
      'GuardDuty findings not routed',
      (t) => delete t.Resources.GuardDutyFindings,
      '(template)',
      /sends GuardDuty findings \(source aws.guardduty\) to the alert topic/,
    ],
    ['the findings rule disabled', (t) => (props(t, 'GuardDutyFindings').State = 'DISABLED'), '(template)', /GuardDuty findings/],
    [
      'a recorder of some resource types only',
      (t) => (props(t, 'ConfigRecorder').RecordingGroup = { AllSupported: false, ResourceTypes: ['AWS::EC2::Instance'] }),
      'ConfigRecorder',
      /RecordingGroup.AllSupported is false; expected true/,
    ],
    ['a recorder without a role', (t) => delete props(t, 'ConfigRecorder').RoleARN, 'ConfigRecorder', /RoleARN is absent/],
    [
      'a recorder without a delivery channel',
      (t) => delete t.Resources.ConfigDelivery,
      '(template)',
      /no AWS::Config::DeliveryChannel with an S3BucketName; a recorder without a delivery channel never starts/,
    ],
    [
      'configuration history under no customer key',
      (t) => delete props(t, 'ConfigDelivery').S3KmsKeyArn,
      'ConfigDelivery',
      /S3KmsKeyArn is absent/,
    ],
  ])('fails with %s', (_name, edit, resource, message) => {
    expectFinding(checkDetectThreats(weakened(edit)), resource, message);
  });
});
