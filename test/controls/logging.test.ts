import { checkLogCentral, checkLogRetention, logClassGroups } from '../../lib/controls/aws/logging';
import { edgeTemplate, primaryTemplate } from './fixtures/aws-templates';
import { expectFinding, expectNotApplicable, expectPass, props, weakened } from './support';

const attr = (t: any, key: string) => props(t, 'Gateway').LoadBalancerAttributes.find((a: any) => a.Key === key);
const lock = (t: any, bucket: string) => props(t, bucket).ObjectLockConfiguration.Rule.DefaultRetention;

describe('LOG-CENTRAL (AWS)', () => {
  it('passes trail, flow logs, ALB, WAF, CloudFront and database logs', () => {
    const result = checkLogCentral(primaryTemplate());
    expectPass(result);
    expect(result.evidence).toEqual(
      expect.arrayContaining(['Trail', 'FlowLog', 'Vpc', 'Gateway', 'WebAclLogging', 'WebAcl', 'Cdn', 'Database']),
    );
  });

  it('passes the edge stack on its web ACL logging', () => {
    expectPass(checkLogCentral(edgeTemplate()));
  });

  it('is not applicable without anything that logs', () => {
    expectNotApplicable(checkLogCentral({ Resources: { Key: { Type: 'AWS::KMS::Key', Properties: {} } } }));
  });

  it('accepts no trail when an organization trail is declared with cloudTrailManaged', () => {
    const t = weakened((t) => delete t.Resources.Trail);
    expectFinding(checkLogCentral(t), '(template)', /no AWS::CloudTrail::Trail/);
    expectPass(checkLogCentral(t, { cloudTrailManaged: true }));
  });

  it('still checks a trail that is present when cloudTrailManaged is set', () => {
    expectFinding(
      checkLogCentral(
        weakened((t) => (props(t, 'Trail').IsLogging = false)),
        { cloudTrailManaged: true },
      ),
      'Trail',
      /IsLogging is false/,
    );
  });

  it.each<[string, (t: any) => void, string, RegExp]>([
    ['a single-region trail', (t) => (props(t, 'Trail').IsMultiRegionTrail = false), 'Trail', /IsMultiRegionTrail is false; expected true/],
    [
      'no log file validation',
      (t) => delete props(t, 'Trail').EnableLogFileValidation,
      'Trail',
      /EnableLogFileValidation is absent; expected true/,
    ],
    ['a stopped trail', (t) => (props(t, 'Trail').IsLogging = false), 'Trail', /IsLogging is false/],
    [
      'no global service events',
      (t) => (props(t, 'Trail').IncludeGlobalServiceEvents = false),
      'Trail',
      /IncludeGlobalServiceEvents is false/,
    ],
    [
      'no CloudWatch Logs delivery',
      (t) => delete props(t, 'Trail').CloudWatchLogsLogGroupArn,
      'Trail',
      /CloudWatchLogsLogGroupArn is absent/,
    ],
    [
      'management events dropped',
      (t) => (props(t, 'Trail').EventSelectors = [{ IncludeManagementEvents: false, ReadWriteType: 'All' }]),
      'Trail',
      /drop management events/,
    ],
    [
      'write-only management events',
      (t) => (props(t, 'Trail').EventSelectors = [{ IncludeManagementEvents: true, ReadWriteType: 'WriteOnly' }]),
      'Trail',
      /drop management events/,
    ],
    ['no flow log', (t) => delete t.Resources.FlowLog, 'Vpc', /no flow log of all traffic/],
    [
      'flow logs of rejected traffic only',
      (t) => (props(t, 'FlowLog').TrafficType = 'REJECT'),
      'Vpc',
      /found FlowLog TrafficType "REJECT"/,
    ],
    [
      'ALB access logs off',
      (t) => (attr(t, 'access_logs.s3.enabled').Value = 'false'),
      'Gateway',
      /access_logs.s3.enabled is "false"; expected "true"/,
    ],
    [
      'ALB access logs without a bucket',
      (t) =>
        (props(t, 'Gateway').LoadBalancerAttributes = props(t, 'Gateway').LoadBalancerAttributes.filter(
          (a: any) => a.Key !== 'access_logs.s3.bucket',
        )),
      'Gateway',
      /access_logs.s3.bucket is absent/,
    ],
    ['no WAF logging', (t) => delete t.Resources.WebAclLogging, 'WebAcl', /no AWS::WAFv2::LoggingConfiguration/],
    ['no CloudFront logs', (t) => delete props(t, 'Cdn').DistributionConfig.Logging, 'Cdn', /Logging is absent/],
    [
      'database logs not exported',
      (t) => (props(t, 'Database').EnableCloudwatchLogsExports = ['upgrade']),
      'Database',
      /expected it to include "postgresql"/,
    ],
  ])('fails with %s', (_name, edit, resource, message) => {
    expectFinding(checkLogCentral(weakened(edit)), resource, message);
  });

  it('fails when the CLOUDFRONT web ACL is not logged', () => {
    expectFinding(
      checkLogCentral(weakened((t) => delete t.Resources.CdnWebAclLogging, edgeTemplate)),
      'CdnWebAcl',
      /no AWS::WAFv2::LoggingConfiguration/,
    );
  });
});

describe('LOG-RETENTION (AWS)', () => {
  it('passes retained log groups within the window and a compliance-locked trail bucket', () => {
    const result = checkLogRetention(primaryTemplate(), { maxLogRetentionDays: 180 });
    expectPass(result);
    expect(result.evidence).toEqual(
      expect.arrayContaining([
        'FlowLogs',
        'TrailLogs',
        'TrailBucket',
        'AlbLogs',
        'CdnLogs',
        'FlowLogsCopy',
        'WebAclLogsCopy',
        'HostAuthLogsCopy',
      ]),
    );
    expectPass(checkLogRetention(edgeTemplate()));
  });

  it('is not applicable without logs', () => {
    expectNotApplicable(checkLogRetention({ Resources: { Vpc: { Type: 'AWS::EC2::VPC' } } }));
  });

  it('enforces the configured window on log groups', () => {
    expectFinding(
      checkLogRetention(primaryTemplate(), { maxLogRetentionDays: 90 }),
      'TrailLogs',
      /RetentionInDays is 180; expected at least 30 and at most 90 days/,
    );
    expectFinding(
      checkLogRetention(primaryTemplate(), { minLogRetentionDays: 180 }),
      'FlowLogs',
      /RetentionInDays is 90; expected at least 180 days/,
    );
  });

  it.each<[string, (t: any) => void, string, RegExp]>([
    [
      '7-day log retention',
      (t) => (props(t, 'FlowLogs').RetentionInDays = 7),
      'FlowLogs',
      /RetentionInDays is 7; expected at least 30 days/,
    ],
    ['no retention set', (t) => delete props(t, 'WebAclLogs').RetentionInDays, 'WebAclLogs', /RetentionInDays is absent/],
    [
      'a log group deleted with the stack',
      (t) => (t.Resources.TrailLogs.DeletionPolicy = 'Delete'),
      'TrailLogs',
      /DeletionPolicy is "Delete"; expected "Retain"/,
    ],
    [
      'a log group deleted on replacement',
      (t) => delete t.Resources.TrailLogs.UpdateReplacePolicy,
      'TrailLogs',
      /UpdateReplacePolicy is absent; expected "Retain"/,
    ],
    [
      'no Object Lock on the trail bucket',
      (t) => delete props(t, 'TrailBucket').ObjectLockEnabled,
      'TrailBucket',
      /ObjectLockEnabled is absent; expected true/,
    ],
    [
      'no default retention on the trail bucket',
      (t) => delete props(t, 'TrailBucket').ObjectLockConfiguration,
      'TrailBucket',
      /DefaultRetention is absent; expected Mode "COMPLIANCE"/,
    ],
    [
      'governance mode on the trail bucket',
      (t) => (lock(t, 'TrailBucket').Mode = 'GOVERNANCE'),
      'TrailBucket',
      /Mode is "GOVERNANCE"; expected "COMPLIANCE"/,
    ],
    [
      'a 7-day lock on the trail bucket',
      (t) => (lock(t, 'TrailBucket').Days = 7),
      'TrailBucket',
      /DefaultRetention is 7 days; expected at least 30 days/,
    ],
    ['governance mode on the ALB log bucket', (t) => (lock(t, 'AlbLogs').Mode = 'GOVERNANCE'), 'AlbLogs', /Mode is "GOVERNANCE"/],
    [
      'ALB logs expiring after a week',
      (t) => (props(t, 'AlbLogs').LifecycleConfiguration.Rules[0].ExpirationInDays = 7),
      'AlbLogs',
      /expires logs after 7 days; expected at least 30/,
    ],
    [
      'a trail bucket outside the template',
      (t) => (props(t, 'Trail').S3BucketName = 'central-trail'),
      'Trail',
      /S3BucketName is "central-trail"; expected a bucket of this template/,
    ],
    // A malicious admin deletes the log group: only an Object-Locked copy survives.
    [
      'flow logs kept only in their log group',
      (t) => delete t.Resources.FlowLogsCopy,
      'FlowLogs',
      /network-flow logs have no copy in Object-Locked storage; an administrator who deletes the log group deletes the evidence/,
    ],
    [
      'WAF logs kept only in their log group',
      (t) => delete t.Resources.WebAclLogsCopy,
      'WebAclLogs',
      /waf logs have no copy in Object-Locked storage/,
    ],
    [
      'host logins kept only in their log group',
      (t) => delete t.Resources.HostAuthLogsCopy,
      'HostAuthLogs',
      /host-auth logs have no copy in Object-Locked storage/,
    ],
    [
      'a copy of the events an attacker does not filter out',
      (t) => (props(t, 'FlowLogsCopy').FilterPattern = '[version, account, eni, source, destination, srcport, destport="22", ...]'),
      'FlowLogs',
      /FlowLogsCopy: FilterPattern is .*expected ""/,
    ],
    [
      'copies written into a bucket without Object Lock',
      (t) => (props(t, 'LogArchive').ExtendedS3DestinationConfiguration.BucketARN = { 'Fn::GetAtt': ['AccessLogs', 'Arn'] }),
      'FlowLogs',
      /bucket AccessLogs has ObjectLockEnabled .*expected true/,
    ],
    [
      'copies under a governance-mode lock an admin can bypass',
      (t) => (lock(t, 'AlbLogs').Mode = 'GOVERNANCE'),
      'FlowLogs',
      /Object Lock default retention .*"GOVERNANCE".*expected Mode "COMPLIANCE"/,
    ],
    [
      'copies to a stream outside the template',
      (t) => (props(t, 'FlowLogsCopy').DestinationArn = 'arn:aws:firehose:eu-west-1:111111111111:deliverystream/elsewhere'),
      'FlowLogs',
      /DestinationArn is .*expected a Firehose stream of this template/,
    ],
  ])('fails with %s', (_name, edit, resource, message) => {
    expectFinding(checkLogRetention(weakened(edit)), resource, message);
  });

  it("holds the copies' lock to the minimum retention", () => {
    expectFinding(
      checkLogRetention(primaryTemplate(), { minLogRetentionDays: 120 }),
      'FlowLogs',
      /Object Lock default retention .*expected Mode "COMPLIANCE" for at least 120 days/,
    );
  });

  it("fails the edge stack when the CloudFront web ACL's logs lose their copy", () => {
    expectFinding(
      checkLogRetention(weakened((t) => delete t.Resources.CdnWebAclLogsCopy, edgeTemplate)),
      'CdnWebAclLogs',
      /waf logs have no copy/,
    );
  });

  it('finds the log classes from the wiring too, so removing a marker hides nothing', () => {
    const t = weakened((t) => {
      delete props(t, 'HostAuthLogs').Tags;
      t.Resources.ToolsLogs = {
        Type: 'AWS::Logs::LogGroup',
        Properties: { RetentionInDays: 90 },
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      };
      t.Resources.ToolsPolicy = {
        Type: 'AWS::IAM::Policy',
        Properties: {
          Roles: [{ Ref: 'AppRole' }],
          PolicyDocument: {
            Statement: [
              { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': ['ToolsLogs', 'Arn'] } },
            ],
          },
        },
      };
    });
    expect(Object.fromEntries(logClassGroups(t))).toEqual({ FlowLogs: 'network-flow', WebAclLogs: 'waf', ToolsLogs: 'host-auth' });
    expectFinding(checkLogRetention(t), 'ToolsLogs', /host-auth logs have no copy in Object-Locked storage/);
  });
});
