import { Match, Template } from 'aws-cdk-lib/assertions';
import { parseConfig } from '../../lib/config/load';
import { defaultConfig, rawDefaultConfig, synthAws, type SynthResult } from './support';

// The stack wires config values into constructs; these tests prove each value arrives intact.
const config = defaultConfig();
let result: SynthResult;
let managed: SynthResult;
beforeAll(() => {
  result = synthAws(config, { policy: false });
  const raw = rawDefaultConfig();
  delete raw.environments.prod;
  raw.environments.staging.aws.accountServices = {
    cloudTrail: 'managed',
    guardDuty: 'managed',
    securityHub: 'managed',
    inspector: 'managed',
    config: 'managed',
  };
  // The named opt-out of origin lock too: the same synth shows today's unlocked load balancer.
  raw.environments.staging.cloudflare.originLock = false;
  // Without CDK's CloudFormation validation (~5 s CPU): CI synthesizes this variant with every
  // gate, that validation included (.ci/run, "Opt-out variant").
  managed = synthAws(parseConfig(raw), { policy: false, cfnValidation: false });
});

describe.each(['staging', 'prod'])('%s-aws-primary', (env) => {
  const cfg = config.environments[env];
  const template = () => Template.fromJSON(result.templates[`${env}-aws-primary`]);

  it('rate-limits each configured critical path and all traffic with the configured limits, counting the client behind Cloudflare', () => {
    const acl = Object.values<any>(template().findResources('AWS::WAFv2::WebACL'))[0];
    const rules = acl.Properties.Rules;
    const named = (name: string) => rules.find((r: any) => r.Name === name);
    // Locked to the zone: CF-Connecting-IP, and a twin per rule for requests without it.
    const client = { AggregateKeyType: 'FORWARDED_IP', ForwardedIPConfig: { HeaderName: 'CF-Connecting-IP', FallbackBehavior: 'MATCH' } };
    expect(cfg.cloudflare?.originLock).toBe(true);
    cfg.waf.criticalPaths.forEach((p, i) => {
      expect(named(`rate-${p.name}`)).toMatchObject({
        Priority: 2 * i,
        Statement: {
          RateBasedStatement: {
            Limit: p.limit,
            EvaluationWindowSec: p.windowSeconds,
            ...client,
            ScopeDownStatement: { ByteMatchStatement: { SearchString: p.pathPrefix.toLowerCase(), PositionalConstraint: 'STARTS_WITH' } },
          },
        },
      });
      expect(named(`rate-${p.name}-no-client-ip`)).toMatchObject({
        Priority: 2 * i + 1,
        Statement: { RateBasedStatement: { Limit: p.limit, EvaluationWindowSec: p.windowSeconds, AggregateKeyType: 'IP' } },
      });
    });
    expect(named('rate-all')).toMatchObject({
      Priority: 2 * cfg.waf.criticalPaths.length,
      Statement: {
        RateBasedStatement: { Limit: cfg.waf.globalRateLimit.limit, EvaluationWindowSec: cfg.waf.globalRateLimit.windowSeconds, ...client },
      },
    });
    const groups = rules
      .filter((r: any) => r.Statement.ManagedRuleGroupStatement)
      .map((r: any) => r.Statement.ManagedRuleGroupStatement.Name);
    expect(groups).toEqual(expect.arrayContaining(cfg.waf.extraManagedRuleGroups));
  });

  it("names CloudFront (with the OAC wildcard over this account's distributions) in the static-assets key's policy only", () => {
    // Decision oac-key-policy-wildcard: aws-cdk-lib raises its warning on the Keys construct, so
    // the placement cannot tell the keys apart; this proves the wildcard is in one key only.
    const keys = template().findResources('AWS::KMS::Key');
    const withCloudFront = Object.entries<any>(keys)
      .filter(([, k]) =>
        k.Properties.KeyPolicy.Statement.some((st: any) => JSON.stringify(st.Principal ?? {}).includes('cloudfront.amazonaws.com')),
      )
      .map(([id]) => id);
    expect(withCloudFront).toEqual([expect.stringMatching(/^KeysAssets/)]);
    const statement = keys[withCloudFront[0]].Properties.KeyPolicy.Statement.find((st: any) =>
      JSON.stringify(st.Principal ?? {}).includes('cloudfront.amazonaws.com'),
    );
    expect(JSON.stringify(statement.Condition)).toMatch(/distribution\/\*/);
  });

  it('admits only this zone: its hostname, and a client certificate from its configured CA', () => {
    const cf = cfg.cloudflare!;
    template().hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Conditions: [{ Field: 'host-header', HostHeaderConfig: { Values: [cf.hostname, ...cf.additionalHostnames] } }],
    });
    template().hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Protocol: 'HTTPS',
      MutualAuthentication: Match.objectLike({ Mode: 'verify', IgnoreClientCertificateExpiry: false }),
    });
    const writers = Object.values<any>(template().findResources('Custom::AWS')).map((r) => JSON.stringify(r.Properties.Create));
    for (const ca of cf.originPull!.caCertificates)
      expect(writers.some((w) => w.includes(JSON.stringify(ca).slice(1, -1).replace(/\\/g, '\\\\')))).toBe(true);
    template().resourceCountIs('AWS::ElasticLoadBalancingV2::TrustStoreRevocation', cf.originPull!.revocationList ? 1 : 0);
  });

  it('admits SSH to the bastion from exactly the configured allowlist', () => {
    const sgs = template().findResources('AWS::EC2::SecurityGroup', {
      Properties: { GroupDescription: 'Bastion: SSH from the allowlist only' },
    });
    const ingress = Object.values<any>(sgs)[0].Properties.SecurityGroupIngress;
    const sources = ingress.map((r: any) => r.CidrIp ?? r.CidrIpv6).sort();
    expect(sources).toEqual([...cfg.bastion.allowedCidrs].sort());
    for (const rule of ingress) expect(rule).toMatchObject({ FromPort: 22, ToPort: 22, IpProtocol: 'tcp' });
  });

  it('installs exactly the configured users and keys on the bastion', () => {
    const userData = JSON.stringify(Object.values<any>(template().findResources('AWS::EC2::Instance'))[0].Properties.UserData);
    expect(userData).toContain(`AllowUsers ${cfg.bastion.users.map((u) => u.name).join(' ')}`);
    for (const user of cfg.bastion.users) {
      for (const key of user.publicKeys) expect(userData).toContain(key.split(' ')[1]);
    }
  });

  it('keeps database PITR, log retention and audit lock for the configured days', () => {
    template().hasResourceProperties('AWS::RDS::DBInstance', { BackupRetentionPeriod: cfg.backup.databaseRetentionDays, MultiAZ: true });
    for (const group of Object.values<any>(template().findResources('AWS::Logs::LogGroup'))) {
      expect(group.Properties.RetentionInDays).toBe(cfg.logging.retentionDays);
    }
    template().hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: cfg.logging.auditRetentionDays } },
      },
    });
    template().hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: cfg.backup.fileRetentionDays } })]),
      },
    });
  });

  it('runs the app tier with the configured capacity and instance types in the configured zones', () => {
    template().hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MinSize: String(cfg.aws!.app.minCapacity),
      MaxSize: String(cfg.aws!.app.maxCapacity),
      AvailabilityZones: cfg.aws!.availabilityZones,
      MixedInstancesPolicy: { LaunchTemplate: { Overrides: cfg.aws!.app.instanceTypes.map((t) => ({ InstanceType: t })) } },
    });
  });

  it('backs up the database and buckets daily for the configured days and copies them to the DR vault', () => {
    const drVault = `arn:aws:backup:${cfg.aws!.drRegion}:${cfg.aws!.account}:backup-vault:acme-${env}-dr`;
    const rules = Object.values<any>(template().findResources('AWS::Backup::BackupPlan')).map(
      (p) => p.Properties.BackupPlan.BackupPlanRule[0],
    );
    expect(rules.find((r) => r.RuleName === 'DailyDatabase')).toMatchObject({
      Lifecycle: { DeleteAfterDays: cfg.backup.databaseRetentionDays },
      CopyActions: [{ DestinationBackupVaultArn: drVault, Lifecycle: { DeleteAfterDays: cfg.backup.databaseRetentionDays } }],
    });
    expect(rules.find((r) => r.RuleName === 'DailyFiles')).toMatchObject({
      Lifecycle: { DeleteAfterDays: cfg.backup.fileRetentionDays },
      CopyActions: [{ DestinationBackupVaultArn: drVault, Lifecycle: { DeleteAfterDays: cfg.backup.fileRetentionDays } }],
    });
    expect(rules.find((r) => r.RuleName === 'Continuous')).toMatchObject({
      EnableContinuousBackup: true,
      Lifecycle: { DeleteAfterDays: cfg.backup.databaseRetentionDays },
    });
  });

  it('receives those copies in a locked vault of the DR region, encrypted under a DR-region key', () => {
    const dr = Template.fromJSON(result.templates[`${env}-aws-dr`]);
    const vault = Object.values<any>(dr.findResources('AWS::Backup::BackupVault'))[0];
    expect(vault.Properties).toMatchObject({
      BackupVaultName: `acme-${env}-dr`,
      LockConfiguration: {
        MinRetentionDays: Math.min(cfg.backup.databaseRetentionDays, cfg.backup.fileRetentionDays),
        ChangeableForDays: 3,
      },
    });
    const keyId = vault.Properties.EncryptionKeyArn['Fn::GetAtt'][0];
    expect(dr.toJSON().Resources[keyId]).toMatchObject({
      Type: 'AWS::KMS::Key',
      DeletionPolicy: 'Retain',
      Properties: { EnableKeyRotation: true },
    });
    expect(vault.DeletionPolicy).toBe('Retain');
  });

  it('replicates the data and assets buckets to named DR replicas under DR-region keys, deletions included, within 15 minutes', () => {
    const dr = result.templates[`${env}-aws-dr`];
    for (const purpose of ['data', 'assets']) {
      const replicaName = `acme-${env}-${purpose}-dr-${cfg.aws!.account}`;
      const source = Object.values<any>(template().findResources('AWS::S3::Bucket')).find(
        (b) => b.Properties.ReplicationConfiguration?.Rules[0].Destination.Bucket === `arn:aws:s3:::${replicaName}`,
      );
      expect(source).toBeDefined();
      const rule = source.Properties.ReplicationConfiguration.Rules[0];
      expect(rule).toMatchObject({
        Status: 'Enabled',
        DeleteMarkerReplication: { Status: 'Enabled' },
        Destination: {
          ReplicationTime: { Status: 'Enabled', Time: { Minutes: 15 } },
          Metrics: { Status: 'Enabled', EventThreshold: { Minutes: 15 } },
        },
        SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
      });
      // The replica key is read from the DR stack, so replicas are encrypted under a DR-region key.
      expect(rule.Destination.EncryptionConfiguration.ReplicaKmsKeyID['Fn::GetStackOutput']).toMatchObject({
        StackName: `acme-${env}-aws-dr`,
        Region: cfg.aws!.drRegion,
      });
      const replica = Object.values<any>(dr.Resources).find(
        (r: any) => r.Type === 'AWS::S3::Bucket' && r.Properties.BucketName === replicaName,
      );
      expect(replica).toMatchObject({ DeletionPolicy: 'Retain', Properties: { VersioningConfiguration: { Status: 'Enabled' } } });
      expect(replica.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe(
        'aws:kms',
      );
    }
  });

  it('subscribes every configured on-call address', () => {
    for (const email of cfg.alerts.emails)
      template().hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: email });
    for (const sms of cfg.alerts.smsNumbers) template().hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'sms', Endpoint: sms });
  });

  it('serves the configured domains with the configured certificates', () => {
    template().hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Protocol: 'HTTPS',
      Certificates: [{ CertificateArn: cfg.aws!.certificateArn }],
    });
    template().hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: cfg.aws!.cdn.domainNames,
        ViewerCertificate: Match.objectLike({ AcmCertificateArn: cfg.aws!.cdn.certificateArn }),
      }),
    });
  });
});

describe('origin lock opted out (cloudflare.originLock false): the load balancer as before issue 13', () => {
  const template = () => Template.fromJSON(managed.templates['staging-aws-primary']);

  it('asks for no client certificate and forwards every Host', () => {
    template().resourceCountIs('AWS::ElasticLoadBalancingV2::TrustStore', 0);
    template().resourceCountIs('AWS::ElasticLoadBalancingV2::ListenerRule', 0);
    template().hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Protocol: 'HTTPS',
      DefaultActions: [Match.objectLike({ Type: 'forward' })],
      MutualAuthentication: Match.absent(),
    });
  });

  it("counts the connecting address, since a header there would be the client's to forge", () => {
    const acl = Object.values<any>(template().findResources('AWS::WAFv2::WebACL'))[0];
    const rates = acl.Properties.Rules.filter((r: any) => r.Statement.RateBasedStatement);
    expect(rates.map((r: any) => r.Statement.RateBasedStatement.AggregateKeyType)).toEqual(rates.map(() => 'IP'));
    expect(rates.map((r: any) => r.Name)).not.toContain('rate-all-no-client-ip');
  });
});

describe.each(['staging', 'prod'])('%s DR parity', (env) => {
  const cfg = config.environments[env];
  const dr = () => Template.fromJSON(result.templates[`${env}-aws-dr`]);
  const primary = () => Template.fromJSON(result.templates[`${env}-aws-primary`]);

  it('puts a bastion in the DR region behind exactly the configured allowlist, with the same people', () => {
    const sgs = dr().findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: 'Bastion: SSH from the allowlist only' } });
    const ingress = Object.values<any>(sgs)[0].Properties.SecurityGroupIngress;
    expect(ingress.map((r: any) => r.CidrIp ?? r.CidrIpv6).sort()).toEqual([...cfg.bastion.allowedCidrs].sort());
    const userData = JSON.stringify(Object.values<any>(dr().findResources('AWS::EC2::Instance'))[0].Properties.UserData);
    expect(userData).toContain(`AllowUsers ${cfg.bastion.users.map((u) => u.name).join(' ')}`);
    dr().hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: `/${config.project}-${env}/hosts/auth`,
      Tags: Match.arrayWith([{ Key: 'baseline:log-class', Value: 'host-auth' }]),
    });
  });

  it("alarms on each replication rule's lag at the RTC guarantee or half the RPO, and on failed objects", () => {
    const threshold = Math.min(15 * 60, (cfg.recovery.rpoMinutes * 60) / 2);
    for (const purpose of ['data', 'assets']) {
      primary().hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/S3',
        MetricName: 'ReplicationLatency',
        Threshold: threshold,
        Dimensions: Match.arrayWith([
          { Name: 'DestinationBucket', Value: `${config.project}-${env}-${purpose}-dr-${cfg.aws!.account}` },
          { Name: 'RuleId', Value: 'dr-region' },
        ]),
        AlarmActions: [Match.anyValue()],
      });
      primary().hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'OperationsFailedReplication',
        Threshold: 1,
        Dimensions: Match.arrayWith([{ Name: 'DestinationBucket', Value: `${config.project}-${env}-${purpose}-dr-${cfg.aws!.account}` }]),
      });
    }
  });

  it('lets only the configured distribution read the assets replica, its failover origin', () => {
    const arn = `arn:aws:cloudfront::${cfg.aws!.account}:distribution/${cfg.aws!.cdn.distributionId}`;
    dr().hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'AllowCloudFrontFailoverRead', Condition: { StringEquals: { 'aws:SourceArn': arn } } }),
        ]),
      },
    });
    primary().hasOutput('CdnDistributionId', { Value: { Ref: Match.stringLikeRegexp('^Cdn') } });
  });
});

describe('account services managed by the organization', () => {
  const template = () => Template.fromJSON(managed.templates['staging-aws-primary']);
  /** Deployment-time calls enabling Inspector (the S3 prefix-list lookup is another Custom::AWS). */
  const inspectorCalls = (t: any) =>
    Object.values<any>(t.Resources).filter((r) => r.Type === 'Custom::AWS' && JSON.stringify(r.Properties).includes('Inspector2'));

  it('creates no trail, detector, hub or Inspector enabler, but still pages on-call for high-severity findings', () => {
    template().resourceCountIs('AWS::CloudTrail::Trail', 0);
    template().resourceCountIs('AWS::GuardDuty::Detector', 0);
    template().resourceCountIs('AWS::SecurityHub::Hub', 0);
    expect(inspectorCalls(managed.templates['staging-aws-primary'])).toHaveLength(0);
    template().resourceCountIs('AWS::Config::ConfigurationRecorder', 0);
    template().hasResourceProperties('AWS::Events::Rule', { EventPattern: { source: ['aws.guardduty'] } });
    const dr = Template.fromJSON(managed.templates['staging-aws-dr']);
    dr.resourceCountIs('AWS::Config::ConfigurationRecorder', 0);
    expect(
      Object.values<any>(dr.findResources('AWS::S3::Bucket')).filter((b) => String(b.Properties.BucketName ?? '').includes('-config-')),
    ).toEqual([]);
  });

  it('creates them all when the config says create', () => {
    const created = Template.fromJSON(result.templates['staging-aws-primary']);
    created.resourceCountIs('AWS::CloudTrail::Trail', 1);
    created.resourceCountIs('AWS::GuardDuty::Detector', 1);
    created.resourceCountIs('AWS::SecurityHub::Hub', 1);
    expect(inspectorCalls(result.templates['staging-aws-primary'])).toHaveLength(1);
  });

  it(
    'records AWS Config in both regions into the one encrypted Config bucket of the DR region, global IAM items in the ' + 'primary only',
    () => {
      const cfg = config.environments.staging.aws!;
      const bucketName = `${config.project}-staging-config-${cfg.account}`;
      const dr = Template.fromJSON(result.templates['staging-aws-dr']);
      dr.hasResourceProperties('AWS::S3::Bucket', {
        BucketName: bucketName,
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) }),
          ],
        },
      });
      for (const [stack, global] of [
        ['staging-aws-primary', true],
        ['staging-aws-dr', false],
      ] as const) {
        const t = Template.fromJSON(result.templates[stack]);
        t.hasResourceProperties('AWS::Config::ConfigurationRecorder', {
          RecordingGroup: { AllSupported: true, IncludeGlobalResourceTypes: global },
        });
        t.hasResourceProperties('AWS::Config::DeliveryChannel', { S3BucketName: bucketName, S3KmsKeyArn: Match.anyValue() });
      }
    },
  );
});
