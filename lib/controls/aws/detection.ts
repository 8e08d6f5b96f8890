import type { CheckOptions, CheckResult } from '../types';
import { isCustomerManagedKey } from './encryption';
import { Outcome } from '../core/outcome';
import { unboundServiceGrant } from './service-principals';
import { isFalse, isTrue, list, ofType, refTarget, renderText, show, statements, TEMPLATE, type CfnTemplate, type Res } from './template';

/** Security Hub standards the account subscribes to, by a fragment of their ARN. */
export const REQUIRED_STANDARDS = {
  'AWS Foundational Security Best Practices': 'aws-foundational-security-best-practices',
  'CIS AWS Foundations Benchmark': 'cis-aws-foundations-benchmark',
} as const;

/** A CloudWatch Logs filter pattern that matches root-account activity. */
const ROOT_PATTERN = /userIdentity\.type\s*=\s*"?Root"?/;

interface Metric {
  readonly namespace: string;
  readonly name: string;
}

/**
 * Control DETECT-THREATS: GuardDuty and Security Hub (FSBP and CIS) are on, wherever Security Hub
 * runs an AWS Config recorder of all supported types with an encrypted delivery channel feeds it
 * (unless `configManaged`), and alarms for WAF
 * blocks, gateway errors, unhealthy hosts and root-account use, plus GuardDuty findings, reach an
 * encrypted SNS topic with at least one subscriber; the topic's policy grants publishing to AWS
 * services only for this account's alarms and rules.
 */
export function checkDetectThreats(template: CfnTemplate, options: CheckOptions = {}): CheckResult {
  const out = new Outcome('DETECT-THREATS');
  const workload = ofType(template, 'AWS::EC2::VPC', 'AWS::ElasticLoadBalancingV2::LoadBalancer').length > 0;
  const detectors = ofType(template, 'AWS::GuardDuty::Detector');
  const hubs = ofType(template, 'AWS::SecurityHub::Hub');
  const standards = ofType(template, 'AWS::SecurityHub::Standard');
  const alarms = ofType(template, 'AWS::CloudWatch::Alarm');
  const topics = ofType(template, 'AWS::SNS::Topic');

  for (const d of detectors)
    out.within(d.id, () => {
      if (!isTrue(d.props.Enable)) out.fail(d.id, `Enable is ${show(d.props.Enable)}; expected true`);
    });
  if (detectors.length === 0 && workload && options.guardDutyManaged !== true) {
    out.fail(
      TEMPLATE,
      'no AWS::GuardDuty::Detector; expected one with Enable true, or options.guardDutyManaged when a delegated administrator enables it',
    );
  }

  if (options.securityHubManaged !== true && (workload || hubs.length + standards.length > 0)) {
    if (hubs.length === 0) out.fail(TEMPLATE, 'no AWS::SecurityHub::Hub; expected Security Hub enabled, or options.securityHubManaged');
    else out.carry(...hubs.map((h) => h.id));
    for (const [title, fragment] of Object.entries(REQUIRED_STANDARDS)) {
      const standard = standards.find((s) => renderText(s.props.StandardsArn).includes(fragment));
      if (standard) out.carry(standard.id);
      else out.fail(TEMPLATE, `no AWS::SecurityHub::Standard for ${title}; expected StandardsArn containing "${fragment}"`);
    }
  }

  // Inspector has no CloudFormation resource: it is enabled by a deployment-time API call
  // (Custom::AWS calling Inspector2 enable for EC2).
  if (workload && options.inspectorManaged !== true) {
    const enabler = ofType(template, 'Custom::AWS').find((c) => {
      const create = renderText(c.props.Create);
      return /"service":"Inspector2"/.test(create) && /"action":"enable"/.test(create) && /"EC2"/.test(create);
    });
    if (enabler) out.carry(enabler.id);
    else
      out.fail(
        TEMPLATE,
        'no Custom::AWS call enabling Inspector2 for EC2; expected vulnerability scanning enabled here, or options.inspectorManaged',
      );
  }

  // Security Hub's FSBP and CIS controls evaluate AWS Config items: a hub in a region without a
  // recorder reports no data, so a public bucket or an open security group raises no finding.
  const hubRuns = hubs.length > 0 || (options.securityHubManaged === true && workload);
  if (hubRuns && options.configManaged !== true) {
    const recorders = ofType(template, 'AWS::Config::ConfigurationRecorder');
    const channels = ofType(template, 'AWS::Config::DeliveryChannel');
    if (recorders.length === 0) {
      out.fail(
        TEMPLATE,
        'Security Hub runs in this region but no AWS::Config::ConfigurationRecorder records it; its controls then report no ' +
          'data (expected a recorder of all supported resource types, or options.configManaged when the organization records ' +
          'this account centrally)',
      );
    }
    for (const recorder of recorders) {
      out.within(recorder.id, () => {
        const group = recorder.props.RecordingGroup;
        if (!isTrue(group?.AllSupported))
          out.fail(
            recorder.id,
            `RecordingGroup.AllSupported is ${show(group?.AllSupported)}; expected true (every supported resource type, new ones included)`,
          );
        if (!renderText(recorder.props.RoleARN)) out.fail(recorder.id, 'RoleARN is absent; expected the AWS Config service-linked role');
      });
    }
    if (recorders.length > 0) {
      const channel = channels.find((c) => renderText(c.props.S3BucketName) !== '');
      if (!channel)
        out.fail(TEMPLATE, 'no AWS::Config::DeliveryChannel with an S3BucketName; a recorder without a delivery channel never starts');
      else
        out.within(channel.id, () => {
          if (!renderText(channel.props.S3KmsKeyArn))
            out.fail(channel.id, 'S3KmsKeyArn is absent; expected configuration history encrypted under a customer-managed key');
        });
    }
  }

  // The alert topic: encrypted with a customer-managed key and subscribed to.
  const subscriptions = ofType(template, 'AWS::SNS::Subscription');
  const alertTopics = new Set<string>();
  for (const topic of topics) {
    const subscribed = subscriptions.some((s) => refTarget(s.props.TopicArn) === topic.id) || list(topic.props.Subscription).length > 0;
    if (subscribed && isCustomerManagedKey(template, topic.props.KmsMasterKeyId)) {
      alertTopics.add(topic.id);
      out.carry(topic.id);
    }
  }
  // Who may publish: a service grant bound to this account's alarms or rules only, or anyone
  // could page on-call with forged alerts (and bury real ones).
  for (const policy of ofType(template, 'AWS::SNS::TopicPolicy')) {
    out.within(policy.id, () => {
      statements(policy.props.PolicyDocument).forEach((st, i) => {
        const problem = unboundServiceGrant(template, st, 'topic');
        if (problem) out.fail(policy.id, `Statement[${i}]${st.Sid ? ` (${st.Sid})` : ''} ${problem}`);
      });
    });
  }
  if (workload && alertTopics.size === 0) {
    out.fail(
      TEMPLATE,
      'no SNS topic with KmsMasterKeyId and at least one AWS::SNS::Subscription; expected an encrypted alert topic that reaches on-call',
    );
  }

  const wired: Res[] = [];
  for (const alarm of alarms) {
    out.within(alarm.id, () => {
      if (isFalse(alarm.props.ActionsEnabled)) out.fail(alarm.id, 'ActionsEnabled is false; expected alarms to notify');
      const targets = list(alarm.props.AlarmActions).map((a) => refTarget(a));
      if (!targets.some((t) => t !== undefined && alertTopics.has(t))) {
        out.fail(
          alarm.id,
          `AlarmActions ${show(alarm.props.AlarmActions)} reach no alert topic of this template; expected a Ref to the ` +
            `encrypted, subscribed SNS topic`,
        );
      } else wired.push(alarm);
    });
  }
  const alarmed = (test: (m: Metric) => boolean) => wired.some((a) => metricsOf(a).some(test));

  if (
    ofType(template, 'AWS::WAFv2::WebACL').some((a) => a.props.Scope === 'REGIONAL') &&
    !alarmed((m) => m.namespace === 'AWS/WAFV2' && m.name === 'BlockedRequests')
  ) {
    out.fail(
      TEMPLATE,
      'no alarm on WAF BlockedRequests; expected an AWS::CloudWatch::Alarm on Namespace "AWS/WAFV2" MetricName ' +
        '"BlockedRequests" notifying the alert topic',
    );
  }
  if (ofType(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer').length > 0) {
    if (
      !alarmed(
        (m) => m.namespace === 'AWS/ApplicationELB' && (m.name === 'HTTPCode_ELB_5XX_Count' || m.name === 'HTTPCode_Target_5XX_Count'),
      )
    ) {
      out.fail(
        TEMPLATE,
        'no alarm on load balancer 5xx errors; expected an alarm on AWS/ApplicationELB HTTPCode_ELB_5XX_Count or HTTPCode_Target_5XX_Count',
      );
    }
    if (!alarmed((m) => m.name === 'UnHealthyHostCount')) {
      out.fail(TEMPLATE, 'no alarm on UnHealthyHostCount; expected one notifying the alert topic');
    }
  }

  // Root-account use, from the trail's log group.
  const trailGroups = ofType(template, 'AWS::CloudTrail::Trail')
    .map((t) => refTarget(t.props.CloudWatchLogsLogGroupArn))
    .filter((g): g is string => g !== undefined);
  const rootNeeded = trailGroups.length > 0 || (workload && options.cloudTrailManaged !== true);
  if (rootNeeded) {
    const filters = ofType(template, 'AWS::Logs::MetricFilter').filter(
      (f) => trailGroups.includes(refTarget(f.props.LogGroupName) ?? '') && ROOT_PATTERN.test(renderText(f.props.FilterPattern)),
    );
    const metrics = filters.flatMap((f) =>
      list(f.props.MetricTransformations).map((m) => ({ filter: f.id, namespace: m?.MetricNamespace, name: m?.MetricName })),
    );
    const hit = metrics.find((m) => alarmed((a) => a.namespace === m.namespace && a.name === m.name));
    if (hit) out.carry(hit.filter);
    else if (filters.length === 0) {
      out.fail(
        TEMPLATE,
        'no AWS::Logs::MetricFilter on the trail log group matching userIdentity.type = "Root"; expected one with an alarm to ' +
          'the alert topic',
      );
    } else {
      out.fail(
        filters[0].id,
        'no alarm notifies on the root-use metric; expected an AWS::CloudWatch::Alarm on its MetricNamespace and MetricName',
      );
    }
  }

  // GuardDuty findings page on-call.
  if (detectors.length > 0) {
    const rule = ofType(template, 'AWS::Events::Rule').find(
      (r) =>
        list(r.props.EventPattern?.source).includes('aws.guardduty') &&
        (r.props.State ?? 'ENABLED') === 'ENABLED' &&
        list(r.props.Targets).some((t) => alertTopics.has(refTarget(t?.Arn) ?? '')),
    );
    if (rule) out.carry(rule.id);
    else
      out.fail(TEMPLATE, 'no enabled AWS::Events::Rule sends GuardDuty findings (source aws.guardduty) to the alert topic; expected one');
  }

  const applicable = workload || detectors.length + hubs.length + standards.length + alarms.length > 0;
  return out.result(applicable);
}

/** The metrics an alarm watches: its own, or those of its metric-math query. */
function metricsOf(alarm: Res): Metric[] {
  const p = alarm.props;
  const metrics: Metric[] = [];
  if (p.MetricName !== undefined) metrics.push({ namespace: String(p.Namespace), name: String(p.MetricName) });
  for (const q of list(p.Metrics)) {
    const m = q?.MetricStat?.Metric;
    if (m?.MetricName !== undefined) metrics.push({ namespace: String(m.Namespace), name: String(m.MetricName) });
  }
  return metrics;
}
