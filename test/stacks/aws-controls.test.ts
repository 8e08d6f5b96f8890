import { CONTROLS, checkAws, checkAwsEnvironment, failures, formatFindings, type CheckResult, type ControlId } from '../../lib/controls';
import { withProducerStack } from '../../lib/evidence/evaluate';
import { SHARED_CA } from '../fixtures/origin-pull';
import { defaultConfig, synthAws } from './support';

// The control checks of lib/controls run over the real synthesized templates: every control the
// AWS stacks carry must pass, and each weakening below must flip exactly the control it breaks.
const config = defaultConfig();
const { templates } = synthAws(config, { policy: false });

const AWS_CHECKED = CONTROLS.filter((c) => c.checks.aws).map((c) => c.id);
/** Controls the edge stack (CloudFront web ACL only) carries. */
const EDGE_CONTROLS: ControlId[] = [
  'WAF-MANAGED',
  'WAF-REPUTATION',
  'WAF-RATE-GLOBAL',
  'ENC-REST',
  'ENC-TRANSIT',
  'STORAGE-PRIVATE',
  'LOG-RETENTION',
];

/** What ORIGIN-LOCK compares the origins with: the zone's CA and hostnames (evaluate.ts does the same). */
function lockOptions(env: string) {
  const cf = config.environments[env].cloudflare!;
  return {
    originLocked: cf.originLock,
    originPullCaCertificates: cf.originPull!.caCertificates,
    originHostnames: [cf.hostname, ...cf.additionalHostnames],
  };
}

function byControl(results: CheckResult[]): Record<string, CheckResult> {
  return Object.fromEntries(results.map((r) => [r.control, r]));
}

describe.each(['staging', 'prod'])('control checks on %s', (env) => {
  it('pass on the primary stack, every AWS-checked control applying', () => {
    const results = checkAws(templates[`${env}-aws-primary`], {
      minDatabaseBackupDays: config.environments[env].backup.databaseRetentionDays,
      ...lockOptions(env),
    });
    expect(formatFindings(failures(results))).toBe('');
    const status = byControl(results);
    for (const id of AWS_CHECKED) expect({ id, status: status[id].status }).toEqual({ id, status: 'pass' });
  });

  it(
    'see from the template alone that the load balancer is locked to the edge, so its forwarded-IP rate rules pass without ' +
      'config (as baseline-check runs)',
    () => {
      const results = byControl(checkAws(templates[`${env}-aws-primary`]));
      expect(formatFindings(failures([results['WAF-RATE-GLOBAL'], results['WAF-RATE-CRITICAL']]))).toBe('');
    },
  );

  it('pass on the DR stack: keys, replicas, locked vault and the warm standby carry the same controls', () => {
    // The primary stack's multi-region trail records the DR region too.
    const results = byControl(checkAws(templates[`${env}-aws-dr`], { cloudTrailManaged: true, ...lockOptions(env) }));
    expect(formatFindings(failures(Object.values(results)))).toBe('');
    const standby: ControlId[] = [
      'ORIGIN-LOCK',
      'EDGE-TLS',
      'WAF-MANAGED',
      'WAF-REPUTATION',
      'WAF-RATE-GLOBAL',
      'WAF-RATE-CRITICAL',
      'NET-TIERS',
      'APP-FROM-GATEWAY',
      'LOG-CENTRAL',
      'DETECT-THREATS',
      'HA-MULTIZONE',
    ];
    for (const id of ['ENC-REST', 'ENC-TRANSIT', 'STORAGE-PRIVATE', 'BACKUP', ...standby] as ControlId[])
      expect({ id, status: results[id].status }).toEqual({ id, status: 'pass' });
  });

  it('fail on the DR stack when the standby loses its WAF rate limit or its standby tag', () => {
    const dr = () => JSON.parse(JSON.stringify(templates[`${env}-aws-dr`]));
    const noRate = dr();
    const acl = first(noRate, 'AWS::WAFv2::WebACL');
    acl.Properties.Rules = acl.Properties.Rules.filter(
      (r: any) => !r.Statement?.RateBasedStatement || r.Statement.RateBasedStatement.ScopeDownStatement,
    );
    expect(byControl(checkAws(noRate, { cloudTrailManaged: true }))['WAF-RATE-GLOBAL'].status).toBe('fail');
    const untagged = dr();
    const asg = first(untagged, 'AWS::AutoScaling::AutoScalingGroup');
    asg.Properties.Tags = asg.Properties.Tags.filter((t: any) => t.Key !== 'baseline:standby');
    asg.Properties.MinSize = '0';
    expect(byControl(checkAws(untagged, { cloudTrailManaged: true }))['HA-MULTIZONE'].status).toBe('fail');
  });

  it('fail DETECT-THREATS on the DR stack when its Security Hub has no Config recorder', () => {
    const blind = JSON.parse(JSON.stringify(templates[`${env}-aws-dr`]));
    for (const [id] of resources(blind, 'AWS::Config::ConfigurationRecorder')) delete blind.Resources[id];
    expect(byControl(checkAws(blind, { cloudTrailManaged: true }))['DETECT-THREATS'].status).toBe('fail');
    expect(byControl(checkAws(blind, { cloudTrailManaged: true, configManaged: true }))['DETECT-THREATS'].status).not.toBe('fail');
  });

  it('fail LOG-RETENTION on the DR and edge stacks when the WAF logs lose their immutable copy', () => {
    for (const stack of ['dr', 'edge']) {
      const t = JSON.parse(JSON.stringify(templates[`${env}-aws-${stack}`]));
      dropCopyOf(t, 'waf');
      expect({ stack, status: byControl(checkAws(t, { cloudTrailManaged: true }))['LOG-RETENTION'].status }).toEqual({
        stack,
        status: 'fail',
      });
    }
  });

  it('fail on the DR stack when a replica loses versioning or its KMS encryption', () => {
    const unversioned = JSON.parse(JSON.stringify(templates[`${env}-aws-dr`]));
    const replica = (t: Template) =>
      first(t, 'AWS::S3::Bucket', (r) => typeof r.Properties.BucketName === 'string' && r.Properties.BucketName.includes('-data-dr-'));
    delete replica(unversioned).Properties.VersioningConfiguration;
    expect(byControl(checkAws(unversioned))['STORAGE-PRIVATE'].status).toBe('fail');
    const unencrypted = JSON.parse(JSON.stringify(templates[`${env}-aws-dr`]));
    delete replica(unencrypted).Properties.BucketEncryption;
    expect(byControl(checkAws(unencrypted))['ENC-REST'].status).toBe('fail');
  });

  it(
    "encrypt the DR database stack's log groups under the DR stack's logs key, which ENC-REST resolves through the " + 'cross-stack output',
    () => {
      // The Guard rule CT.CLOUDWATCH.PR.3 cannot resolve Fn::GetStackOutput (decision
      // replica-log-groups-key-from-dr-stack): this is the check that stands in for it.
      const drDb = templates[`${env}-aws-dr-database`];
      const dr = templates[`${env}-aws-dr`];
      const groups = Object.values<any>(drDb.Resources).filter((r) => r.Type === 'AWS::Logs::LogGroup');
      expect(groups.length).toBeGreaterThan(0);
      const combined = withProducerStack(drDb, dr);
      for (const [id, group] of Object.entries<any>(combined.Resources).filter(
        ([id]) => drDb.Resources[id]?.Type === 'AWS::Logs::LogGroup',
      )) {
        expect({ id, raw: Object.keys(drDb.Resources[id].Properties.KmsKeyId) }).toEqual({ id, raw: ['Fn::GetStackOutput'] });
        const [keyId] = group.Properties.KmsKeyId['Fn::GetAtt'];
        expect(dr.Resources[keyId]).toMatchObject({ Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } });
        expect(keyId).toMatch(/^KeysLogs/);
      }
      expect(byControl(checkAws(combined))['ENC-REST'].status).toBe('pass');
      // Pointed at an AWS-managed key instead, the same check fails.
      const weak = JSON.parse(JSON.stringify(drDb));
      for (const r of Object.values<any>(weak.Resources))
        if (r.Type === 'AWS::Logs::LogGroup') r.Properties.KmsKeyId = 'arn:aws:kms:eu-central-1:222222222222:alias/aws/logs';
      expect(byControl(checkAws(withProducerStack(weak, dr)))['ENC-REST'].status).toBe('fail');
    },
  );

  it('pass on the edge stack, where only the web ACL controls apply', () => {
    const results = byControl(checkAws(templates[`${env}-aws-edge`]));
    expect(formatFindings(failures(Object.values(results)))).toBe('');
    for (const id of EDGE_CONTROLS) expect({ id, status: results[id].status }).toEqual({ id, status: 'pass' });
    expect(results['DB-FROM-APP'].status).toBe('not-applicable');
  });
});

type Template = { Resources: Record<string, any> };
const resources = (t: Template, type: string) => Object.entries(t.Resources).filter(([, r]) => r.Type === type);
const first = (t: Template, type: string, where: (r: any) => boolean = () => true) => {
  const found = resources(t, type).find(([, r]) => where(r));
  if (!found) throw new Error(`no ${type} in the template`);
  return found[1];
};
const appPolicy = (t: Template) =>
  first(t, 'AWS::IAM::Policy', (r) => r.Properties.PolicyDocument.Statement.some((s: any) => s.Sid === 'AppObjects'));
const appObjects = (t: Template) => appPolicy(t).Properties.PolicyDocument.Statement.find((s: any) => s.Sid === 'AppObjects');
const regionalAcl = (t: Template) => first(t, 'AWS::WAFv2::WebACL', (r) => r.Properties.Scope === 'REGIONAL');
/** Removes the subscription filter copying the log group marked `logClass`. */
const dropCopyOf = (t: Template, logClass: string) => {
  const group = resources(t, 'AWS::Logs::LogGroup').find(([, g]) =>
    (g.Properties.Tags ?? []).some((tag: any) => tag.Key === 'baseline:log-class' && tag.Value === logClass),
  );
  if (!group) throw new Error(`no log group marked ${logClass}`);
  const filters = resources(t, 'AWS::Logs::SubscriptionFilter').filter(([, f]) => f.Properties.LogGroupName?.Ref === group[0]);
  if (filters.length === 0) throw new Error(`no copy of ${group[0]}`);
  for (const [id] of filters) delete t.Resources[id];
};

/** Each weakening a reviewer must never miss, and the control that must then fail. */
const WEAKENINGS: [string, ControlId, (t: Template) => void][] = [
  [
    'a critical-path rate limit loosened above the global one',
    'WAF-RATE-CRITICAL',
    (t) => {
      regionalAcl(t).Properties.Rules[0].Statement.RateBasedStatement.Limit = 100000;
    },
  ],
  [
    'the global rate rule removed',
    'WAF-RATE-GLOBAL',
    (t) => {
      const acl = regionalAcl(t);
      acl.Properties.Rules = acl.Properties.Rules.filter((r: any) => r.Name !== 'rate-all');
    },
  ],
  [
    'the core rule set switched to count',
    'WAF-MANAGED',
    (t) => {
      const rule = regionalAcl(t).Properties.Rules.find((r: any) => r.Name === 'AWSManagedRulesCommonRuleSet');
      rule.OverrideAction = { Count: {} };
    },
  ],
  [
    'the IP reputation list removed',
    'WAF-REPUTATION',
    (t) => {
      const acl = regionalAcl(t);
      acl.Properties.Rules = acl.Properties.Rules.filter((r: any) => r.Name !== 'AWSManagedRulesAmazonIpReputationList');
    },
  ],
  [
    'port 22 opened to the world on the bastion',
    'BASTION-SSH',
    (t) => {
      const sg = first(t, 'AWS::EC2::SecurityGroup', (r) => /Bastion/.test(r.Properties.GroupDescription));
      sg.Properties.SecurityGroupIngress.push({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 22, ToPort: 22 });
    },
  ],
  [
    'EC2 Instance Connect left in place on the app hosts',
    'BASTION-SSH',
    (t) => {
      const lt = first(t, 'AWS::EC2::LaunchTemplate', (r) =>
        JSON.stringify(r.Properties.LaunchTemplateData.UserData ?? '').includes('AllowTcpForwarding no'),
      );
      lt.Properties.LaunchTemplateData.UserData = JSON.parse(
        JSON.stringify(lt.Properties.LaunchTemplateData.UserData)
          .replace(/if rpm -q ec2-instance-connect[^\\]*\\n/, '')
          .replace('AuthorizedKeysCommand none\\n', ''),
      );
    },
  ],
  [
    'EC2 Instance Connect left in place on the bastion',
    'BASTION-SSH',
    (t) => {
      const bastion = first(t, 'AWS::EC2::Instance');
      bastion.Properties.UserData = JSON.parse(
        JSON.stringify(bastion.Properties.UserData).replace(/if rpm -q ec2-instance-connect[^\\]*\\n/, ''),
      );
    },
  ],
  [
    'a shared login on the app hosts (no AllowUsers, root login allowed)',
    'BASTION-SSH',
    (t) => {
      const lt = first(t, 'AWS::EC2::LaunchTemplate', (r) =>
        JSON.stringify(r.Properties.LaunchTemplateData.UserData ?? '').includes('AllowTcpForwarding no'),
      );
      lt.Properties.LaunchTemplateData.UserData = JSON.parse(
        JSON.stringify(lt.Properties.LaunchTemplateData.UserData)
          .replace(/AllowUsers [a-z ]+\\n/, '')
          .replace('PermitRootLogin no', 'PermitRootLogin prohibit-password'),
      );
    },
  ],
  [
    'the bastion launch template without an encrypted root volume',
    'ENC-REST',
    (t) => {
      const bastion = first(t, 'AWS::EC2::Instance');
      delete t.Resources[bastion.Properties.LaunchTemplate.LaunchTemplateId.Ref].Properties.LaunchTemplateData.BlockDeviceMappings;
    },
  ],
  [
    'the app launch template with an unencrypted root volume',
    'ENC-REST',
    (t) => {
      const lt = first(t, 'AWS::EC2::LaunchTemplate', (r) =>
        JSON.stringify(r.Properties.LaunchTemplateData.UserData ?? '').includes('AllowTcpForwarding no'),
      );
      lt.Properties.LaunchTemplateData.BlockDeviceMappings[0].Ebs.Encrypted = false;
    },
  ],
  [
    'the app port opened to a CIDR',
    'APP-FROM-GATEWAY',
    (t) => {
      const sg = Object.keys(t.Resources).find(
        (id) => t.Resources[id].Type === 'AWS::EC2::SecurityGroup' && /^App tier/.test(t.Resources[id].Properties.GroupDescription),
      )!;
      t.Resources.WeakAppIngress = {
        Type: 'AWS::EC2::SecurityGroupIngress',
        Properties: { GroupId: { 'Fn::GetAtt': [sg, 'GroupId'] }, CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 8443, ToPort: 8443 },
      };
    },
  ],
  [
    'HTTPS egress from the app hosts opened to the whole internet',
    'NET-TIERS',
    (t) => {
      const sg = Object.keys(t.Resources).find(
        (id) => t.Resources[id].Type === 'AWS::EC2::SecurityGroup' && /^App tier/.test(t.Resources[id].Properties.GroupDescription),
      )!;
      t.Resources.OpenEgress = {
        Type: 'AWS::EC2::SecurityGroupEgress',
        Properties: { GroupId: { 'Fn::GetAtt': [sg, 'GroupId'] }, CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 },
      };
    },
  ],
  [
    "the bastion left with AWS's default allow-all egress",
    'NET-TIERS',
    (t) => {
      const sg = first(t, 'AWS::EC2::SecurityGroup', (r) => /Bastion/.test(r.Properties.GroupDescription));
      delete sg.Properties.SecurityGroupEgress;
      const id = Object.keys(t.Resources).find((k) => t.Resources[k] === sg)!;
      for (const [eid, r] of Object.entries(t.Resources))
        if (r.Type === 'AWS::EC2::SecurityGroupEgress' && r.Properties.GroupId?.['Fn::GetAtt']?.[0] === id) delete t.Resources[eid];
    },
  ],
  [
    'the database made public',
    'DB-FROM-APP',
    (t) => {
      first(t, 'AWS::RDS::DBInstance').Properties.PubliclyAccessible = true;
    },
  ],
  [
    'rds.force_ssl turned off',
    'ENC-TRANSIT',
    (t) => {
      first(t, 'AWS::RDS::DBParameterGroup').Properties.Parameters['rds.force_ssl'] = '0';
    },
  ],
  [
    'the HTTPS listener on a TLS 1.0 policy',
    'EDGE-TLS',
    (t) => {
      first(t, 'AWS::ElasticLoadBalancingV2::Listener', (r) => r.Properties.Protocol === 'HTTPS').Properties.SslPolicy =
        'ELBSecurityPolicy-2016-08';
    },
  ],
  [
    'the HTTPS listener on a TLS 1.3/1.2 policy that still offers CBC suites',
    'EDGE-TLS',
    (t) => {
      first(t, 'AWS::ElasticLoadBalancingV2::Listener', (r) => r.Properties.Protocol === 'HTTPS').Properties.SslPolicy =
        'ELBSecurityPolicy-TLS13-1-2-2021-06';
    },
  ],
  [
    'HSTS dropped from the load balancer',
    'EDGE-TLS',
    (t) => {
      delete first(t, 'AWS::ElasticLoadBalancingV2::Listener', (r) => r.Properties.Protocol === 'HTTPS').Properties.ListenerAttributes;
    },
  ],
  [
    'encryption removed from the data bucket',
    'ENC-REST',
    (t) => {
      const bucket = first(
        t,
        'AWS::S3::Bucket',
        (r) =>
          r.Properties.BucketEncryption?.ServerSideEncryptionConfiguration?.[0]?.ServerSideEncryptionByDefault?.SSEAlgorithm === 'aws:kms',
      );
      delete bucket.Properties.BucketEncryption;
    },
  ],
  [
    'key rotation turned off',
    'ENC-REST',
    (t) => {
      first(t, 'AWS::KMS::Key').Properties.EnableKeyRotation = false;
    },
  ],
  [
    'public access allowed on a bucket',
    'STORAGE-PRIVATE',
    (t) => {
      first(t, 'AWS::S3::Bucket').Properties.PublicAccessBlockConfiguration.RestrictPublicBuckets = false;
    },
  ],
  [
    'a literal database password',
    'SECRETS',
    (t) => {
      const db = first(t, 'AWS::RDS::DBInstance');
      delete db.Properties.ManageMasterUserPassword;
      db.Properties.MasterUserPassword = 'hunter2hunter2';
    },
  ],
  [
    'MFA dropped from the admin role',
    'ADMIN-MFA',
    (t) => {
      const role = first(t, 'AWS::IAM::Role', (r) =>
        JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('MultiFactorAuthPresent'),
      );
      for (const s of role.Properties.AssumeRolePolicyDocument.Statement) delete s.Condition;
    },
  ],
  [
    'the app hosts no longer shipping their SSH log',
    'LOG-CENTRAL',
    (t) => {
      const lt = first(t, 'AWS::EC2::LaunchTemplate', (r) =>
        JSON.stringify(r.Properties.LaunchTemplateData.UserData ?? '').includes('AllowTcpForwarding no'),
      );
      lt.Properties.LaunchTemplateData.UserData = JSON.parse(
        JSON.stringify(lt.Properties.LaunchTemplateData.UserData).replace(/\/var\/log\/secure/g, '/var/log/messages'),
      );
    },
  ],
  [
    'the host auth log group without its marker',
    'LOG-CENTRAL',
    (t) => {
      const group = first(t, 'AWS::Logs::LogGroup', (r) =>
        (r.Properties.Tags ?? []).some((tag: any) => tag.Key === 'baseline:log-class' && tag.Value === 'host-auth'),
      );
      group.Properties.Tags = group.Properties.Tags.filter((tag: any) => tag.Key !== 'baseline:log-class');
    },
  ],
  [
    'the app instance role given AdministratorAccess (an admin path without MFA)',
    'ADMIN-MFA',
    (t) => {
      first(t, 'AWS::IAM::Role', (r) =>
        JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('ec2.amazonaws.com'),
      ).Properties.ManagedPolicyArns = ['arn:aws:iam::aws:policy/AdministratorAccess'];
    },
  ],
  [
    'a deployment role of the CDK bootstrap kind: CloudFormation with administrator rights',
    'ADMIN-MFA',
    (t) => {
      t.Resources.CfnExecRole = {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: {
            Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'cloudformation.amazonaws.com' } }],
          },
          ManagedPolicyArns: [{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess' }],
        },
      };
    },
  ],
  [
    'trail log-file validation turned off',
    'LOG-CENTRAL',
    (t) => {
      first(t, 'AWS::CloudTrail::Trail').Properties.EnableLogFileValidation = false;
    },
  ],
  [
    'a log group kept one week',
    'LOG-RETENTION',
    (t) => {
      first(t, 'AWS::Logs::LogGroup').Properties.RetentionInDays = 7;
    },
  ],
  // A malicious admin deletes a log group: only an Object-Locked copy keeps the evidence.
  ["the flow logs' immutable copy removed", 'LOG-RETENTION', (t) => dropCopyOf(t, 'network-flow')],
  ["the WAF logs' immutable copy removed", 'LOG-RETENTION', (t) => dropCopyOf(t, 'waf')],
  ["the bastion logins' immutable copy removed", 'LOG-RETENTION', (t) => dropCopyOf(t, 'host-auth')],
  [
    'log copies written into a bucket without Object Lock',
    'LOG-RETENTION',
    (t) => {
      const stream = first(t, 'AWS::KinesisFirehose::DeliveryStream');
      const unlocked = resources(t, 'AWS::S3::Bucket').find(([, b]) => !b.Properties.ObjectLockEnabled)![0];
      stream.Properties.ExtendedS3DestinationConfiguration.BucketARN = { 'Fn::GetAtt': [unlocked, 'Arn'] };
    },
  ],
  [
    'GuardDuty disabled',
    'DETECT-THREATS',
    (t) => {
      first(t, 'AWS::GuardDuty::Detector').Properties.Enable = false;
    },
  ],
  [
    'the Inspector enabling call removed',
    'DETECT-THREATS',
    (t) => {
      for (const [id] of resources(t, 'Custom::AWS')) delete t.Resources[id];
    },
  ],
  [
    'AWS Config no longer recorded while Security Hub runs (its controls go blind)',
    'DETECT-THREATS',
    (t) => {
      for (const [id] of [...resources(t, 'AWS::Config::ConfigurationRecorder'), ...resources(t, 'AWS::Config::DeliveryChannel')])
        delete t.Resources[id];
    },
  ],
  [
    'the app tier shrunk to one instance',
    'HA-MULTIZONE',
    (t) => {
      first(t, 'AWS::AutoScaling::AutoScalingGroup').Properties.MinSize = '1';
    },
  ],
  [
    'database backups kept one week',
    'BACKUP',
    (t) => {
      first(t, 'AWS::RDS::DBInstance').Properties.BackupRetentionPeriod = 7;
    },
  ],
  [
    'the database deletable by a stack update',
    'BACKUP',
    (t) => {
      const db = first(t, 'AWS::RDS::DBInstance');
      db.DeletionPolicy = 'Delete';
      db.UpdateReplacePolicy = 'Delete';
    },
  ],
  [
    "the load balancer opened to the whole Internet behind the edge's back",
    'ORIGIN-LOCK',
    (t) => {
      const sg = first(t, 'AWS::EC2::SecurityGroup', (r) => /^Public entry point/.test(r.Properties.GroupDescription));
      sg.Properties.SecurityGroupIngress.push({ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443, IpProtocol: 'tcp' });
    },
  ],
  // Origin trust: another Cloudflare zone (or anyone inside Cloudflare's ranges) reaching the origin.
  [
    'the HTTPS listener without mutual TLS (any Cloudflare zone gets through)',
    'ORIGIN-LOCK',
    (t) => {
      delete first(t, 'AWS::ElasticLoadBalancingV2::Listener', (r) => r.Properties.Protocol === 'HTTPS').Properties.MutualAuthentication;
    },
  ],
  [
    "the trust store holding Cloudflare's shared origin-pull CA (the shared certificate)",
    'ORIGIN-LOCK',
    (t) => {
      const writer = first(t, 'Custom::AWS', (r) => JSON.stringify(r.Properties.Create).includes('ca-bundle'));
      const parts = writer.Properties.Create['Fn::Join'][1];
      const i = parts.findIndex((p: any) => typeof p === 'string' && p.includes('BEGIN CERTIFICATE'));
      parts[i] = parts[i].replace(/-----BEGIN CERTIFICATE-----[\s\S]*-----END CERTIFICATE-----\\n/, JSON.stringify(SHARED_CA).slice(1, -1));
    },
  ],
  [
    'every Host forwarded to the app (host not bound)',
    'ORIGIN-LOCK',
    (t) => {
      const https = first(t, 'AWS::ElasticLoadBalancingV2::Listener', (r) => r.Properties.Protocol === 'HTTPS');
      https.Properties.DefaultActions = first(t, 'AWS::ElasticLoadBalancingV2::ListenerRule').Properties.Actions;
    },
  ],
  // Origin rate limits: the proxy's address counted, a missing header or an unnormalized path.
  [
    'the global rate rule counting the Cloudflare edge address',
    'WAF-RATE-GLOBAL',
    (t) => {
      const s = regionalAcl(t).Properties.Rules.find((r: any) => r.Name === 'rate-all').Statement.RateBasedStatement;
      s.AggregateKeyType = 'IP';
      delete s.ForwardedIPConfig;
    },
  ],
  [
    'requests without CF-Connecting-IP left uncounted on login',
    'WAF-RATE-CRITICAL',
    (t) => {
      const acl = regionalAcl(t);
      acl.Properties.Rules = acl.Properties.Rules.filter((r: any) => r.Name !== 'rate-login-no-client-ip');
    },
  ],
  [
    'the login match without path normalization (//login escapes)',
    'WAF-RATE-CRITICAL',
    (t) => {
      const match = regionalAcl(t).Properties.Rules.find((r: any) => r.Name === 'rate-login').Statement.RateBasedStatement
        .ScopeDownStatement.ByteMatchStatement;
      match.TextTransformations = match.TextTransformations.filter((x: any) => x.Type !== 'NORMALIZE_PATH');
    },
  ],
  [
    'the app role allowed to purge object versions (s3:DeleteObjectVersion)',
    'STORAGE-PRIVATE',
    (t) => {
      appObjects(t).Action.push('s3:DeleteObjectVersion');
    },
  ],
  [
    'the app role allowed to lift object retention',
    'STORAGE-PRIVATE',
    (t) => {
      appObjects(t).Action = 's3:*';
    },
  ],
  [
    'the app role allowed to re-encrypt with the data key',
    'ENC-REST',
    (t) => {
      appPolicy(t)
        .Properties.PolicyDocument.Statement.find((s: any) => s.Sid === 'AppDataKeyThroughS3')
        .Action.push('kms:ReEncrypt*');
    },
  ],
  [
    "a key grant to CloudTrail left without source conditions (any account's trail could use the key)",
    'ENC-REST',
    (t) => {
      const key = first(t, 'AWS::KMS::Key', (r) => JSON.stringify(r.Properties.KeyPolicy).includes('cloudtrail.amazonaws.com'));
      for (const st of key.Properties.KeyPolicy.Statement) if (st.Principal?.Service === 'cloudtrail.amazonaws.com') delete st.Condition;
    },
  ],
  [
    'the trail bucket granting CloudTrail without source conditions',
    'STORAGE-PRIVATE',
    (t) => {
      const policy = first(t, 'AWS::S3::BucketPolicy', (r) =>
        JSON.stringify(r.Properties.PolicyDocument).includes('cloudtrail.amazonaws.com'),
      );
      for (const st of policy.Properties.PolicyDocument.Statement)
        if (st.Principal?.Service === 'cloudtrail.amazonaws.com')
          st.Condition = { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } };
    },
  ],
  [
    "the alert topic letting any account's EventBridge rules publish",
    'DETECT-THREATS',
    (t) => {
      first(t, 'AWS::SNS::TopicPolicy').Properties.PolicyDocument.Statement.push({
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: '*',
      });
    },
  ],
  [
    'the alert topic letting alarms publish on the account alone, from any alarm',
    'DETECT-THREATS',
    (t) => {
      const st = first(t, 'AWS::SNS::TopicPolicy').Properties.PolicyDocument.Statement.find(
        (x: any) => x.Principal?.Service === 'cloudwatch.amazonaws.com',
      );
      delete st.Condition.ArnLike;
    },
  ],
  [
    'the CDN accepting TLS 1.0',
    'CDN-ASSETS',
    (t) => {
      first(t, 'AWS::CloudFront::Distribution').Properties.DistributionConfig.ViewerCertificate.MinimumProtocolVersion = 'TLSv1';
    },
  ],
];

describe('control checks on a weakened prod-aws-primary', () => {
  it.each(WEAKENINGS)('fail when %s (%s)', (_what, control, weaken) => {
    const template = JSON.parse(JSON.stringify(templates['prod-aws-primary']));
    weaken(template);
    const result = byControl(checkAws(template, lockOptions('prod')))[control];
    expect(result.status).toBe('fail');
    expect(result.findings.length).toBeGreaterThan(0);
  });
});

describe.each(['staging', 'prod'])('DR-REGION across the %s stacks', (env) => {
  const cfg = config.environments[env];
  const options = { drRegion: cfg.aws!.drRegion, rpoMinutes: cfg.recovery.rpoMinutes };
  const copy = (id: string) => JSON.parse(JSON.stringify(templates[`${env}-aws-${id}`]));
  const set = () => ({ primary: copy('primary'), dr: copy('dr'), drDatabase: copy('dr-database') });
  const dr = (s: ReturnType<typeof set>) => byControl(checkAwsEnvironment(s, options))['DR-REGION'];

  it(
    'passes: replicated buckets, backup replication, replica with lag alarm, locked copies, warm standby, CDN failover, ' + 'DR bastion',
    () => {
      const result = dr(set());
      expect(formatFindings(result.findings)).toBe('');
      expect(result.status).toBe('pass');
      expect(result.evidence.filter((e) => /ReplicationLatency/.test(e))).toHaveLength(2);
      expect(result.evidence.some((e) => e.startsWith('dr/Bastion'))).toBe(true);
      expect(result.evidence.some((e) => e.startsWith('dr/AssetsReplica'))).toBe(true);
      expect(result.evidence.some((e) => e.startsWith('dr-database/'))).toBe(true);
      expect(result.evidence.some((e) => e.startsWith('dr/') && e.includes('Vault'))).toBe(true);
    },
  );

  it.each<[string, (s: ReturnType<typeof set>) => void, RegExp]>([
    [
      'a data bucket without Replication Time Control',
      (s) => {
        const bucket = first(s.primary, 'AWS::S3::Bucket', (r) => r.Properties.ReplicationConfiguration);
        delete bucket.Properties.ReplicationConfiguration.Rules[0].Destination.ReplicationTime;
      },
      /expected Replication Time Control enabled at 15 minutes/,
    ],
    [
      'a data bucket without delete-marker replication',
      (s) => {
        first(
          s.primary,
          'AWS::S3::Bucket',
          (r) => r.Properties.ReplicationConfiguration,
        ).Properties.ReplicationConfiguration.Rules[0].DeleteMarkerReplication = { Status: 'Disabled' };
      },
      /DeleteMarkerReplication .*expected "Enabled"/,
    ],
    [
      'a data bucket that no longer replicates',
      (s) => {
        delete first(s.primary, 'AWS::S3::Bucket', (r) => r.Properties.ReplicationConfiguration).Properties.ReplicationConfiguration;
      },
      /has no enabled replication rule/,
    ],
    [
      'a replica bucket missing from the DR stack',
      (s) => {
        for (const [id, r] of resources(s.dr, 'AWS::S3::Bucket'))
          if (String(r.Properties.BucketName).includes('-data-dr-')) delete s.dr.Resources[id];
      },
      /which the DR template does not hold/,
    ],
    [
      'a database whose backups stay in the region',
      (s) => {
        delete first(s.primary, 'AWS::RDS::DBInstance').Properties.AutomaticBackupReplicationRegion;
      },
      /has no AutomaticBackupReplicationRegion/,
    ],
    [
      'no database replica',
      (s) => {
        delete (s as any).drDatabase;
      },
      /has no cross-region read replica/,
    ],
    [
      'an unencrypted replica',
      (s) => {
        delete first(s.drDatabase, 'AWS::RDS::DBInstance').Properties.KmsKeyId;
      },
      /expected encryption under a DR-region key/,
    ],
    [
      'a lag alarm above the RPO',
      (s) => {
        first(s.drDatabase, 'AWS::CloudWatch::Alarm', (a) => a.Properties.MetricName === 'ReplicaLag').Properties.Threshold =
          cfg.recovery.rpoMinutes * 60 + 1;
      },
      /expected at most the RPO/,
    ],
    [
      'backups that are no longer copied',
      (s) => {
        for (const [, plan] of resources(s.primary, 'AWS::Backup::BackupPlan'))
          for (const rule of plan.Properties.BackupPlan.BackupPlanRule) delete rule.CopyActions;
      },
      /no backup plan rule has a copy action/,
    ],
    [
      'an unlocked DR vault',
      (s) => {
        delete first(s.dr, 'AWS::Backup::BackupVault').Properties.LockConfiguration;
      },
      /has no LockConfiguration/,
    ],
    [
      'a standby app role that cannot read the data replica',
      (s) => {
        const policy = appPolicy(s.dr).Properties.PolicyDocument;
        policy.Statement = policy.Statement.filter((st: any) => st.Sid !== 'AppObjects');
      },
      /cannot s3:AbortMultipartUpload, s3:DeleteObject, s3:GetObject.* on acme-\w+-data-dr-\d+\/app\/\*/,
    ],
    [
      "a standby app role granted another prefix than the primary's",
      (s) => {
        appObjects(s.dr).Resource['Fn::Join'][1][1] = '/other/*';
      },
      /cannot .*s3:GetObject.* on acme-\w+-data-dr-\d+\/app\/\*, which the primary app role may do/,
    ],
    [
      'a standby app role without the DR data key',
      (s) => {
        const policy = appPolicy(s.dr).Properties.PolicyDocument;
        policy.Statement = policy.Statement.filter((st: any) => st.Sid !== 'AppDataKeyThroughS3');
      },
      /cannot kms:Decrypt, kms:GenerateDataKey with \w+, the DR key of/,
    ],
    [
      'a standby app role whose key use goes through S3 of the primary region',
      (s) => {
        appPolicy(s.dr).Properties.PolicyDocument.Statement.find((st: any) => st.Sid === 'AppDataKeyThroughS3').Condition.StringEquals[
          'kms:ViaService'
        ] = `s3.${cfg.aws!.region}.amazonaws.com`;
      },
      /cannot kms:Decrypt, kms:GenerateDataKey .* through s3\./,
    ],
    [
      'a DR data key whose policy does not let IAM grant it',
      (s) => {
        const replica = first(s.dr, 'AWS::S3::Bucket', (r) => String(r.Properties.BucketName).includes('-data-dr-'));
        const keyId =
          replica.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.KMSMasterKeyID[
            'Fn::GetAtt'
          ][0];
        const policy = s.dr.Resources[keyId].Properties.KeyPolicy;
        policy.Statement = policy.Statement.filter((st: any) => !JSON.stringify(st.Principal ?? {}).includes(':root'));
      },
      /key policy neither lets IAM policies of the account grant it/,
    ],
    [
      'a standby app role that cannot connect to the replica database',
      (s) => {
        for (const [id] of resources(s.drDatabase, 'AWS::IAM::Policy')) delete s.drDatabase.Resources[id];
      },
      /cannot rds-db:connect to the replica \w+ as app/,
    ],
    [
      'no warm standby',
      (s) => {
        for (const [, r] of resources(s.dr, 'AWS::AutoScaling::AutoScalingGroup')) r.Properties.Tags = [];
      },
      /has no warm-standby app group/,
    ],
    // Can the DR region serve? Lag seen, the CDN failing over to a private replica, a way in.
    [
      'replication lag nobody is told about',
      (s) => {
        for (const [id] of resources(s.primary, 'AWS::CloudWatch::Alarm').filter(
          ([, a]) => a.Properties.MetricName === 'ReplicationLatency',
        ))
          delete s.primary.Resources[id];
      },
      /has no ReplicationLatency alarm with an action/,
    ],
    [
      'a replication lag alarm above the RPO',
      (s) => {
        for (const [, a] of resources(s.primary, 'AWS::CloudWatch::Alarm').filter(
          ([, a]) => a.Properties.MetricName === 'ReplicationLatency',
        ))
          a.Properties.Threshold = cfg.recovery.rpoMinutes * 60 + 1;
      },
      /alarms at a ReplicationLatency of \d+ s; expected at most the RPO/,
    ],
    [
      'a CDN that cannot fail over (one origin)',
      (s) => {
        delete first(s.primary, 'AWS::CloudFront::Distribution').Properties.DistributionConfig.OriginGroups;
      },
      /has no origin group of two members failing over on 500, 502, 503, 504/,
    ],
    [
      'a CDN failing over to a bucket outside the DR stack',
      (s) => {
        first(s.primary, 'AWS::CloudFront::Distribution').Properties.DistributionConfig.Origins[1].DomainName =
          'someone-elses-bucket.s3.eu-central-1.amazonaws.com';
      },
      /failover origin .* expected a bucket of the DR stack/,
    ],
    [
      'a failover replica that every distribution of the account can read',
      (s) => {
        const policy = first(s.dr, 'AWS::S3::BucketPolicy', (p) =>
          JSON.stringify(p.Properties.PolicyDocument).includes('AllowCloudFrontFailoverRead'),
        );
        const st = policy.Properties.PolicyDocument.Statement.find((x: any) => x.Sid === 'AllowCloudFrontFailoverRead');
        st.Condition = {
          StringEquals: { 'aws:SourceAccount': '222222222222' },
          ArnLike: { 'aws:SourceArn': 'arn:aws:cloudfront::222222222222:distribution/*' },
        };
      },
      /admits CloudFront reads without naming one distribution/,
    ],
    [
      'a failover replica CloudFront cannot read',
      (s) => {
        const policy = first(s.dr, 'AWS::S3::BucketPolicy', (p) =>
          JSON.stringify(p.Properties.PolicyDocument).includes('AllowCloudFrontFailoverRead'),
        );
        policy.Properties.PolicyDocument.Statement = policy.Properties.PolicyDocument.Statement.filter(
          (x: any) => x.Sid !== 'AllowCloudFrontFailoverRead',
        );
      },
      /admits no CloudFront read/,
    ],
    [
      'no bastion in the DR region',
      (s) => {
        for (const [id, r] of resources(s.dr, 'AWS::EC2::Instance'))
          if (/Bastion/.test(id) || JSON.stringify(r).includes('astion')) delete s.dr.Resources[id];
      },
      /has no bastion/,
    ],
  ])('fails with %s', (_name, edit, message) => {
    const s = set();
    edit(s);
    const result = dr(s);
    expect(result.status).toBe('fail');
    expect(formatFindings(result.findings)).toMatch(message);
  });

  it('accepts no replica when told the objectives allow a restore from backup', () => {
    const s: any = set();
    delete s.drDatabase;
    expect(byControl(checkAwsEnvironment(s, { ...options, databaseReplica: false }))['DR-REGION'].status).toBe('pass');
  });
});
