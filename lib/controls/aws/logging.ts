import type { CheckOptions, CheckResult } from '../types';
import { POLICY_FLOORS } from '../../config/floors';
import { logBuckets } from './buckets';
import { isApplicationLoadBalancer } from './edge-tls';
import { Outcome } from '../core/outcome';
import {
  asNumber,
  attribute,
  isTrue,
  launchTemplateOf,
  list,
  ofType,
  refsIn,
  refTarget,
  refTo,
  renderText,
  show,
  statements,
  tagsOf,
  TEMPLATE,
  type CfnTemplate,
  type Res,
} from './template';
import { LOG_CLASS_MARKER } from '../markers';

/** Tag marking a log group whose events the claims require in tamper-proof storage. */
export const LOG_CLASS_TAG = LOG_CLASS_MARKER;

/** Tag marking the log group of hosts' SSH authentication logs (set by the stacks, read here). */
export const AUTH_LOG_TAG = { key: LOG_CLASS_MARKER, value: 'host-auth' } as const;

/**
 * Log groups that must have an immutable copy, with their class: those marked with the
 * `baseline:log-class` tag, plus, found from the wiring whatever their tags, the destinations of
 * flow logs (`network-flow`) and WAF logging (`waf`) and every group an EC2 instance role may
 * write events to (`host-auth`: host logins and system logs).
 */
export function logClassGroups(template: CfnTemplate): Map<string, string> {
  const classes = new Map<string, string>();
  const add = (id: string | undefined, cls: string) => {
    if (id !== undefined && template.Resources?.[id]?.Type === 'AWS::Logs::LogGroup' && !classes.has(id)) classes.set(id, cls);
  };
  for (const group of ofType(template, 'AWS::Logs::LogGroup')) {
    const cls = tagsOf(group)[LOG_CLASS_TAG];
    if (cls) add(group.id, cls);
  }
  for (const f of ofType(template, 'AWS::EC2::FlowLog'))
    for (const id of [...refsIn(f.props.LogGroupName), ...refsIn(f.props.LogDestination)]) add(id, 'network-flow');
  for (const l of ofType(template, 'AWS::WAFv2::LoggingConfiguration'))
    for (const id of refsIn(l.props.LogDestinationConfigs)) add(id, 'waf');
  const instanceRoles = new Set(
    ofType(template, 'AWS::IAM::Role')
      .filter((r) =>
        statements(r.props.AssumeRolePolicyDocument).some((st) =>
          list(st.Principal?.Service).some((svc) => renderText(svc).startsWith('ec2.')),
        ),
      )
      .map((r) => r.id),
  );
  for (const policy of ofType(template, 'AWS::IAM::Policy')) {
    if (!list(policy.props.Roles).some((r) => instanceRoles.has(refTarget(r) ?? ''))) continue;
    for (const st of statements(policy.props.PolicyDocument)) {
      if (st.Effect === 'Allow' && list(st.Action).some((a) => /^logs:(PutLogEvents|\*)$/.test(String(a))))
        for (const id of refsIn(st.Resource)) add(id, 'host-auth');
    }
  }
  return classes;
}

/**
 * Control LOG-CENTRAL: a multi-region, validated trail feeding CloudWatch Logs; flow logs of all
 * traffic for every VPC; access logs for every ALB and CloudFront distribution; a logging
 * configuration for every web ACL; database logs exported; every host ships its SSH
 * authentication log to the log group tagged baseline:log-class=host-auth.
 */
export function checkLogCentral(template: CfnTemplate, options: CheckOptions = {}): CheckResult {
  const out = new Outcome('LOG-CENTRAL');
  const trails = ofType(template, 'AWS::CloudTrail::Trail');
  const vpcs = ofType(template, 'AWS::EC2::VPC');
  const lbs = ofType(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer').filter(isApplicationLoadBalancer);
  const acls = ofType(template, 'AWS::WAFv2::WebACL');
  const distributions = ofType(template, 'AWS::CloudFront::Distribution');
  const dbs = ofType(template, 'AWS::RDS::DBInstance', 'AWS::RDS::DBCluster').filter(
    (d) => d.props.DBClusterIdentifier === undefined || d.type === 'AWS::RDS::DBCluster',
  );

  for (const trail of trails) {
    out.within(trail.id, () => {
      const p = trail.props;
      for (const flag of ['IsMultiRegionTrail', 'EnableLogFileValidation', 'IsLogging', 'IncludeGlobalServiceEvents']) {
        if (!isTrue(p[flag])) out.fail(trail.id, `${flag} is ${show(p[flag])}; expected true`);
      }
      if (p.CloudWatchLogsLogGroupArn === undefined)
        out.fail(
          trail.id,
          'CloudWatchLogsLogGroupArn is absent; expected the trail delivered to a CloudWatch log group (alarms on root use)',
        );
      const selectors = list(p.EventSelectors);
      if (selectors.length > 0 && !selectors.some((s) => s?.IncludeManagementEvents !== false && (s?.ReadWriteType ?? 'All') === 'All')) {
        out.fail(
          trail.id,
          `EventSelectors ${show(selectors)} drop management events; expected IncludeManagementEvents true with ReadWriteType "All"`,
        );
      }
    });
  }
  if (trails.length === 0 && vpcs.length > 0 && options.cloudTrailManaged !== true) {
    out.fail(
      TEMPLATE,
      'no AWS::CloudTrail::Trail; expected a multi-region trail, or options.cloudTrailManaged when an organization trail ' +
        'covers the account',
    );
  }

  const flowLogs = ofType(template, 'AWS::EC2::FlowLog');
  for (const vpc of vpcs) {
    out.within(vpc.id, () => {
      const own = flowLogs.filter((f) => list(f.props.ResourceIds ?? f.props.ResourceId).some((r) => refTarget(r) === vpc.id));
      const good = own.filter(
        (f) => f.props.TrafficType === 'ALL' && (f.props.LogGroupName !== undefined || f.props.LogDestination !== undefined),
      );
      if (good.length === 0) {
        const found = own.map((f) => `${f.id} TrafficType ${show(f.props.TrafficType)}`).join(', ');
        out.fail(
          vpc.id,
          `no flow log of all traffic to a log destination${found ? ` (found ${found})` : ''}; expected an AWS::EC2::FlowLog ` +
            `with ResourceId the VPC and TrafficType "ALL"`,
        );
      } else out.carry(...good.map((f) => f.id));
    });
  }

  for (const lb of lbs) {
    out.within(lb.id, () => {
      const enabled = attribute(lb.props.LoadBalancerAttributes, 'access_logs.s3.enabled');
      const bucket = attribute(lb.props.LoadBalancerAttributes, 'access_logs.s3.bucket');
      if (enabled !== 'true' && enabled !== true) out.fail(lb.id, `attribute access_logs.s3.enabled is ${show(enabled)}; expected "true"`);
      if (bucket === undefined || bucket === '') out.fail(lb.id, 'attribute access_logs.s3.bucket is absent; expected the log bucket');
    });
  }

  const wafLogging = ofType(template, 'AWS::WAFv2::LoggingConfiguration');
  for (const acl of acls) {
    out.within(acl.id, () => {
      const logging = wafLogging.filter((l) => refTarget(l.props.ResourceArn) === acl.id);
      if (logging.length === 0) out.fail(acl.id, 'no AWS::WAFv2::LoggingConfiguration for this web ACL; expected full WAF logs');
      else out.carry(...logging.map((l) => l.id));
    });
  }

  const deliverySources = ofType(template, 'AWS::Logs::DeliverySource');
  for (const d of distributions) {
    out.within(d.id, () => {
      const legacy = d.props.DistributionConfig?.Logging?.Bucket !== undefined;
      const v2 = deliverySources.some((s) => refTarget(s.props.ResourceArn) === d.id);
      if (!legacy && !v2)
        out.fail(d.id, 'DistributionConfig.Logging is absent; expected access logs (Logging.Bucket or a log delivery source)');
    });
  }

  for (const db of dbs) {
    const engine = String(db.props.Engine ?? '').toLowerCase();
    if (!engine.includes('postgres')) continue;
    out.within(db.id, () => {
      const exports = list(db.props.EnableCloudwatchLogsExports);
      if (!exports.includes('postgresql'))
        out.fail(
          db.id,
          `EnableCloudwatchLogsExports is ${show(db.props.EnableCloudwatchLogsExports)}; expected it to include "postgresql"`,
        );
    });
  }

  // Every host ships its SSH authentication log (who logged in, with which key) to a log group
  // marked as the hosts' auth log: logins on a host nobody watches cannot be audited (claim A11).
  const hosts: Res[] = [
    ...ofType(template, 'AWS::EC2::Instance'),
    ...ofType(template, 'AWS::AutoScaling::AutoScalingGroup')
      .map((g) => launchTemplateOf(template, g))
      .filter((lt): lt is Res => lt !== undefined),
  ];
  for (const host of hosts) {
    out.within(host.id, () => {
      const lt = host.type === 'AWS::EC2::Instance' ? launchTemplateOf(template, host) : host;
      const userData = renderText(
        host.type === 'AWS::EC2::Instance'
          ? (host.props.UserData ?? lt?.props.LaunchTemplateData?.UserData)
          : host.props.LaunchTemplateData?.UserData,
      );
      const target = /"file_path":"\/var\/log\/secure","log_group_name":"\$\{([A-Za-z0-9]+)\}"/.exec(userData)?.[1];
      const group = target ? ofType(template, 'AWS::Logs::LogGroup').find((g) => g.id === target) : undefined;
      if (!group)
        out.fail(
          host.id,
          'UserData ships /var/log/secure to no log group of this template; expected the SSH authentication log sent to the ' +
            "hosts' auth log group",
        );
      else if (tagsOf(group)[AUTH_LOG_TAG.key] !== AUTH_LOG_TAG.value)
        out.fail(
          group.id,
          `receives hosts' SSH logs but is not tagged ${AUTH_LOG_TAG.key}=${AUTH_LOG_TAG.value}; expected the marker that ` +
            `forwards and retains auth logs`,
        );
      else out.carry(group.id);
    });
  }
  return out.result(trails.length + vpcs.length + lbs.length + acls.length + distributions.length + dbs.length > 0);
}

/**
 * Control LOG-RETENTION: log groups keep events for the configured window and survive stack
 * deletion; the CloudTrail bucket is locked in compliance mode; log buckets do not expire early;
 * and every log group of a class the claims name ({@link logClassGroups}: flow, WAF and host
 * logs) has a copy of every event in a bucket under a COMPLIANCE Object Lock of at least the
 * minimum retention, through a subscription filter and a Firehose stream.
 */
export function checkLogRetention(template: CfnTemplate, options: CheckOptions = {}): CheckResult {
  const out = new Outcome('LOG-RETENTION');
  const min = options.minLogRetentionDays ?? POLICY_FLOORS.retention.logDays;
  const max = options.maxLogRetentionDays;
  const groups = ofType(template, 'AWS::Logs::LogGroup');
  for (const group of groups) {
    out.within(group.id, () => {
      const days = asNumber(group.props.RetentionInDays);
      const range = `at least ${min}${max !== undefined ? ` and at most ${max}` : ''} days`;
      if (days === undefined || days < min || (max !== undefined && days > max))
        out.fail(group.id, `RetentionInDays is ${show(group.props.RetentionInDays)}; expected ${range}`);
      if (group.resource.DeletionPolicy !== 'Retain')
        out.fail(group.id, `DeletionPolicy is ${show(group.resource.DeletionPolicy)}; expected "Retain"`);
      if (group.resource.UpdateReplacePolicy !== 'Retain')
        out.fail(group.id, `UpdateReplacePolicy is ${show(group.resource.UpdateReplacePolicy)}; expected "Retain"`);
    });
  }

  const trails = ofType(template, 'AWS::CloudTrail::Trail');
  for (const trail of trails) {
    const bucket = refTo(template, trail.props.S3BucketName, 'AWS::S3::Bucket');
    if (!bucket) {
      out.fail(
        trail.id,
        `S3BucketName is ${show(trail.props.S3BucketName)}; expected a bucket of this template whose Object Lock can be verified`,
      );
      continue;
    }
    out.within(bucket.id, () => {
      if (!isTrue(bucket.props.ObjectLockEnabled))
        out.fail(
          bucket.id,
          `ObjectLockEnabled is ${show(bucket.props.ObjectLockEnabled)}; expected true (trail files must be tamper-proof)`,
        );
      lockProblems(out, bucket, min, true);
    });
  }

  const logs = logBuckets(template);
  for (const [id] of logs) {
    const bucket = refTo(template, { Ref: id }, 'AWS::S3::Bucket')!;
    out.within(id, () => {
      for (const rule of list(bucket.props.LifecycleConfiguration?.Rules).filter((r) => r?.Status === 'Enabled')) {
        const days = rule.ExpirationInDays;
        if (days !== undefined && !((asNumber(days) ?? 0) >= min)) {
          out.fail(id, `lifecycle rule ${show(rule.Id)} expires logs after ${show(days)} days; expected at least ${min}`);
        }
      }
      if (!trails.some((t) => refTarget(t.props.S3BucketName) === id)) lockProblems(out, bucket, min, false);
    });
  }

  // A log group is no record against an administrator who can delete it: every log class the
  // claims name needs a copy of every event in Object-Locked storage.
  const filters = ofType(template, 'AWS::Logs::SubscriptionFilter');
  for (const [id, cls] of logClassGroups(template)) {
    out.within(id, () => {
      const own = filters.filter((f) => refTarget(f.props.LogGroupName) === id);
      const problems: string[] = [];
      const good = own.find((f) => {
        const problem = immutableCopyProblem(template, f, min);
        if (problem) problems.push(`${f.id}: ${problem}`);
        return problem === undefined;
      });
      if (good) out.carry(good.id);
      else
        out.fail(
          id,
          `${cls} logs have no copy in Object-Locked storage${problems.length ? ` (${problems.join('; ')})` : ''}; an ` +
            `administrator who deletes the log group deletes the evidence. Expected an AWS::Logs::SubscriptionFilter of every ` +
            `event (FilterPattern "") to a Firehose stream writing into a bucket with a COMPLIANCE Object Lock of at least ` +
            `${min} days`,
        );
    });
  }

  return out.result(groups.length + trails.length + logs.size > 0);
}

/** Why a subscription filter does not give an immutable copy, or undefined when it does. */
function immutableCopyProblem(template: CfnTemplate, filter: Res, min: number): string | undefined {
  if (renderText(filter.props.FilterPattern) !== '')
    return `FilterPattern is ${show(filter.props.FilterPattern)}, so events outside it are not copied; expected ""`;
  const stream = refTo(template, filter.props.DestinationArn, 'AWS::KinesisFirehose::DeliveryStream');
  if (!stream) return `DestinationArn is ${show(filter.props.DestinationArn)}; expected a Firehose stream of this template`;
  const destination = stream.props.ExtendedS3DestinationConfiguration ?? stream.props.S3DestinationConfiguration;
  const bucket = refTo(template, destination?.BucketARN, 'AWS::S3::Bucket');
  if (!bucket) return `stream ${stream.id} writes to ${show(destination?.BucketARN)}; expected a bucket of this template`;
  if (!isTrue(bucket.props.ObjectLockEnabled))
    return `bucket ${bucket.id} has ObjectLockEnabled ${show(bucket.props.ObjectLockEnabled)}; expected true`;
  const retention = bucket.props.ObjectLockConfiguration?.Rule?.DefaultRetention;
  const days = asNumber(retention?.Days) ?? (asNumber(retention?.Years) !== undefined ? asNumber(retention?.Years)! * 365 : undefined);
  if (retention?.Mode !== 'COMPLIANCE' || days === undefined || days < min)
    return `bucket ${bucket.id} has Object Lock default retention ${show(retention)}; expected Mode "COMPLIANCE" for at least ${min} days`;
  return undefined;
}

/** Object Lock of a log bucket: COMPLIANCE mode (GOVERNANCE can be bypassed) for at least `min` days. */
function lockProblems(out: Outcome, bucket: Res, min: number, required: boolean): void {
  const retention = bucket.props.ObjectLockConfiguration?.Rule?.DefaultRetention;
  if (!retention) {
    if (required)
      out.fail(bucket.id, `ObjectLockConfiguration.Rule.DefaultRetention is absent; expected Mode "COMPLIANCE" for at least ${min} days`);
    return;
  }
  if (retention.Mode !== 'COMPLIANCE')
    out.fail(bucket.id, `Object Lock Mode is ${show(retention.Mode)}; expected "COMPLIANCE" (GOVERNANCE can be bypassed)`);
  const days = asNumber(retention.Days) ?? (asNumber(retention.Years) !== undefined ? asNumber(retention.Years)! * 365 : undefined);
  if (days === undefined || days < min)
    out.fail(
      bucket.id,
      `Object Lock DefaultRetention is ` +
        `${retention.Days !== undefined ? `${show(retention.Days)} days` : `${show(retention.Years)} years`}; expected at least ` +
        `${min} days`,
    );
}
