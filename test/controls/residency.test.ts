import { checkAwsResidency, checkAwsSeparation } from '../../lib/controls/aws/residency';
import { checkAzureResidency, checkAzureSeparation, pairedCopyProblem } from '../../lib/controls/azure/residency';
import { checkCloudflareSeparation } from '../../lib/controls/cloudflare/separation';
import type { CheckResult, DeployedStack, Deployment } from '../../lib/controls/types';

// DATA-RESIDENCY and ENV-SEPARATION read where stacks are deployed (regions, accounts) and every
// environment's stacks at once. Small deployments: a compliant one passes, each attack fails.

const awsStack = (
  name: string,
  environment: string,
  region: string | undefined,
  resources: Record<string, any>,
  account = '111111111111',
): DeployedStack => ({
  name,
  cloud: 'aws',
  environment,
  role: 'primary',
  marked: true,
  ...(region ? { region } : {}),
  account,
  template: { Resources: resources },
});
const bucket = (name: string, extra: any = {}) => ({ Type: 'AWS::S3::Bucket', Properties: { BucketName: name, ...extra } });
const replicating = (to: string) =>
  bucket('data', {
    ReplicationConfiguration: { Role: 'r', Rules: [{ Status: 'Enabled', Destination: { Bucket: `arn:aws:s3:::${to}` } }] },
  });

/** An EU environment: primary eu-west-1 replicating to eu-central-1, a key-only edge stack in us-east-1. */
function euAws(edit: (stacks: DeployedStack[]) => void = () => undefined): Deployment {
  const stacks = [
    awsStack('p', 'prod', 'eu-west-1', {
      Data: replicating('data-dr'),
      Db: { Type: 'AWS::RDS::DBInstance', Properties: { AutomaticBackupReplicationRegion: 'eu-central-1' } },
      Plan: {
        Type: 'AWS::Backup::BackupPlan',
        Properties: {
          BackupPlan: {
            BackupPlanRule: [
              {
                RuleName: 'Daily',
                CopyActions: [{ DestinationBackupVaultArn: 'arn:aws:backup:eu-central-1:111111111111:backup-vault:dr' }],
              },
            ],
          },
        },
      },
    }),
    awsStack('d', 'prod', 'eu-central-1', {
      Replica: bucket('data-dr'),
      ReplicaDb: {
        Type: 'AWS::RDS::DBInstance',
        Properties: { SourceDBInstanceIdentifier: 'arn:aws:rds:eu-west-1:111111111111:db:x', SourceRegion: 'eu-west-1' },
      },
    }),
    awsStack('e', 'prod', 'us-east-1', {
      Key: { Type: 'AWS::KMS::Key', Properties: {} },
      Acl: { Type: 'AWS::WAFv2::WebACL', Properties: {} },
    }),
  ];
  edit(stacks);
  return { stacks, environments: { prod: { production: true, residency: 'eu' } } };
}
const resource = (d: Deployment, stack: string, id: string) => (d.stacks.find((s) => s.name === stack)!.template.Resources as any)[id];

function expectFinding(result: CheckResult, resource: string, message: RegExp): void {
  expect(result.status).toBe('fail');
  expect(result.findings).toContainEqual(expect.objectContaining({ resource, message: expect.stringMatching(message) }));
}

describe('DATA-RESIDENCY (AWS)', () => {
  it('passes an environment whose data, copies and compute stay in its jurisdiction; a stack outside holding no data is allowed', () => {
    const result = checkAwsResidency(euAws(), 'prod');
    expect(result.status).toBe('pass');
    expect(result.evidence).toEqual(expect.arrayContaining(['p/Data', 'p/Db', 'd/Replica', 'd/ReplicaDb']));
    expect(result.evidence.some((e) => e.startsWith('e/'))).toBe(false);
  });

  it('is unchecked, naming what is missing, without a residency (no config, no marker) or with an unknown one', () => {
    const d = euAws();
    expect(checkAwsResidency({ ...d, environments: { prod: {} } }, 'prod')).toMatchObject({
      status: 'unchecked',
      reason: expect.stringMatching(/no residency is known for environment prod: pass the baseline config/),
    });
    expect(checkAwsResidency({ ...d, environments: { prod: { residency: 'mars' } } }, 'prod')).toMatchObject({
      status: 'unchecked',
      reason: expect.stringMatching(/names residency "mars", which is not one of eu, europe/),
    });
  });

  it.each<[string, (d: Deployment) => Deployment, string, RegExp]>([
    [
      'a replica bucket in a third region',
      (d) => ({ ...d, stacks: d.stacks.map((s) => (s.name === 'd' ? { ...s, region: 'us-west-2' } : s)) }),
      'd/Replica',
      /AWS::S3::Bucket is in us-west-2 \(stack d\), outside residency "eu"/,
    ],
    [
      'replication to a bucket in a third region',
      (d) => ({ ...d, stacks: d.stacks.map((s) => (s.name === 'd' ? { ...s, region: 'us-west-2' } : s)) }),
      'p/Data',
      /replicates to bucket data-dr in us-west-2 \(stack d\), outside residency "eu"/,
    ],
    [
      'replication to a bucket no synthesized stack holds',
      (d) => {
        resource(d, 'p', 'Data').Properties.ReplicationConfiguration.Rules[0].Destination.Bucket = 'arn:aws:s3:::elsewhere';
        return d;
      },
      'p/Data',
      /replicates to "arn:aws:s3:::elsewhere", which is not a bucket of the synthesized stacks/,
    ],
    [
      'backup copies to a third region',
      (d) => {
        resource(d, 'p', 'Plan').Properties.BackupPlan.BackupPlanRule[0].CopyActions[0].DestinationBackupVaultArn =
          'arn:aws:backup:us-east-2:111111111111:backup-vault:dr';
        return d;
      },
      'p/Plan',
      /rule "Daily" copies backups to us-east-2, outside residency "eu"/,
    ],
    [
      'database backups replicated to a third region',
      (d) => {
        resource(d, 'p', 'Db').Properties.AutomaticBackupReplicationRegion = 'us-east-2';
        return d;
      },
      'p/Db',
      /AutomaticBackupReplicationRegion is "us-east-2", outside residency "eu"/,
    ],
    [
      'a read replica of a database in a third region',
      (d) => {
        resource(d, 'd', 'ReplicaDb').Properties.SourceRegion = 'us-east-1';
        return d;
      },
      'd/ReplicaDb',
      /replicates from "us-east-1", outside residency "eu"/,
    ],
    [
      'a log group in the us-east-1 edge stack',
      (d) => {
        if (!resource(d, 'e', 'Logs')) (d.stacks[2].template.Resources as any).Logs = { Type: 'AWS::Logs::LogGroup', Properties: {} };
        return d;
      },
      'e/Logs',
      /AWS::Logs::LogGroup is in us-east-1 \(stack e\), outside residency "eu"/,
    ],
    [
      'app servers in a third region',
      (d) => {
        (d.stacks[2].template.Resources as any).App = { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: {} };
        return d;
      },
      'e/App',
      /AWS::AutoScaling::AutoScalingGroup is in us-east-1/,
    ],
    [
      'an environment-agnostic stack',
      (d) => ({ ...d, stacks: d.stacks.map((s) => (s.name === 'd' ? { ...s, region: undefined } : s)) }),
      'd/(template)',
      /stack d is not pinned to a region \(environment-agnostic\)/,
    ],
  ])('fails with %s', (_what, weaken, at, message) => {
    expectFinding(checkAwsResidency(weaken(euAws()), 'prod'), at, message);
  });

  it('reports a data store a construct declares outside the residency as an exception, not a pass and not a failure', () => {
    const d = euAws((stacks) => {
      (stacks[2].template.Resources as any).Logs = {
        Type: 'AWS::Logs::LogGroup',
        Properties: {},
        Metadata: { 'baseline:residency-exception': 'AWS delivers these request logs to us-east-1 only; they hold no service data' },
      };
    });
    const result = checkAwsResidency(d, 'prod');
    expect(result.status).toBe('pass');
    expect(result.evidence).not.toContain('e/Logs');
    expect(result.exceptions).toEqual([
      expect.objectContaining({
        resource: 'e/Logs',
        message: expect.stringMatching(/^AWS::Logs::LogGroup in us-east-1, outside residency "eu": AWS delivers these request logs/),
      }),
    ]);
    // A marker without a reason a reviewer can read is no exception.
    (d.stacks[2].template.Resources as any).Logs.Metadata['baseline:residency-exception'] = 'ok';
    expectFinding(checkAwsResidency(d, 'prod'), 'e/Logs', /outside residency/);
  });
});

describe('ENV-SEPARATION (AWS)', () => {
  const two = (
    prodAccount: string,
    stagingAccount: string,
    stagingRegion = 'eu-west-1',
    prodFacts: { production?: boolean } = { production: true },
  ): Deployment => ({
    stacks: [
      awsStack('prod-p', 'prod', 'eu-west-1', {}, prodAccount),
      awsStack('stg-p', 'staging', stagingRegion, {}, stagingAccount),
      awsStack('stg-e', 'staging', 'us-east-1', {}, stagingAccount),
    ],
    environments: { prod: prodFacts, staging: { production: false } },
  });

  it('passes environments in accounts of their own', () => {
    expect(checkAwsSeparation(two('222222222222', '111111111111'), 'prod')).toMatchObject({
      status: 'pass',
      evidence: ['prod-p/(account 222222222222)'],
    });
    expect(checkAwsSeparation(two('222222222222', '111111111111'), 'staging').status).toBe('pass');
  });

  it('fails prod and staging in one account, on both sides, even in different regions', () => {
    const shared = two('222222222222', '222222222222', 'eu-central-1');
    expectFinding(
      checkAwsSeparation(shared, 'prod'),
      'prod-p/(stack)',
      new RegExp(
        'account 222222222222 is also used by environment staging \\(stg-p\\); prod is production, and a production environment ' +
          'must have an account of its own',
      ),
    );
    expectFinding(checkAwsSeparation(shared, 'staging'), 'stg-p/(stack)', /also used by environment prod \(prod-p\); prod is production/);
  });

  it('takes an environment whose production flag is unknown as production', () => {
    expectFinding(
      checkAwsSeparation(two('222222222222', '222222222222', 'eu-central-1', {}), 'staging'),
      'stg-p/(stack)',
      /prod is production \(its production flag is unknown, so it is taken as production\)/,
    );
  });

  it('fails two non-production environments in one account and region, and lets them share an account across regions', () => {
    const d: Deployment = {
      stacks: [awsStack('dev-p', 'dev', 'eu-west-1', {}), awsStack('stg-p', 'staging', 'eu-west-1', {})],
      environments: { dev: { production: false }, staging: { production: false } },
    };
    expectFinding(
      checkAwsSeparation(d, 'dev'),
      'dev-p/(stack)',
      /account 111111111111 is also used by environment staging \(stg-p in eu-west-1\); give each environment its own account/,
    );
    expect(checkAwsSeparation({ ...d, stacks: [d.stacks[0], { ...d.stacks[1], region: 'eu-central-1' }] }, 'dev').status).toBe('pass');
  });

  it('is unchecked when a stack carries no marker or names no account', () => {
    const d = two('222222222222', '111111111111');
    expect(
      checkAwsSeparation(
        { ...d, stacks: [...d.stacks, { ...d.stacks[0], name: 'guess-aws-primary', environment: 'guess-aws-primary', marked: false }] },
        'prod',
      ),
    ).toMatchObject({ status: 'unchecked', reason: expect.stringMatching(/guess-aws-primary carries no stack marker/) });
    expect(
      checkAwsSeparation({ ...d, stacks: d.stacks.map((s) => (s.name === 'prod-p' ? { ...s, account: undefined } : s)) }, 'prod'),
    ).toMatchObject({ status: 'unchecked', reason: expect.stringMatching(/prod-p names no account/) });
  });
});

const azureStack = (
  name: string,
  environment: string,
  resources: Record<string, Record<string, any>>,
  subscription = 'sub-a',
): DeployedStack => ({
  name,
  cloud: 'azure',
  environment,
  role: 'primary',
  marked: true,
  account: subscription,
  template: { provider: { azurerm: [{ subscription_id: subscription }] }, resource: resources },
});
function euAzure(): Deployment {
  return {
    stacks: [
      azureStack('az-p', 'prod', {
        azurerm_resource_group: { Rg: { location: 'westeurope' } },
        azurerm_storage_account: { Data: { location: '${azurerm_resource_group.Rg.location}', account_replication_type: 'GZRS' } },
        azurerm_postgresql_flexible_server: { Db: { location: 'westeurope', geo_redundant_backup_enabled: true } },
        azurerm_monitor_activity_log_alert: { Alert: { location: 'global' } },
      }),
      azureStack('az-d', 'prod', { azurerm_postgresql_flexible_server: { Replica: { location: 'northeurope', create_mode: 'Replica' } } }),
    ],
    environments: { prod: { production: true, residency: 'eu' } },
  };
}
const tf = (d: Deployment, stack: string) => d.stacks.find((s) => s.name === stack)!.template.resource;

describe('DATA-RESIDENCY (Azure)', () => {
  it('passes locations in the jurisdiction, references to them, geo-replication to a pair inside it, and global alert rules', () => {
    const result = checkAzureResidency(euAzure(), 'prod');
    expect(result.status).toBe('pass');
    expect(result.evidence).toEqual(
      expect.arrayContaining(['az-p/azurerm_storage_account.Data', 'az-d/azurerm_postgresql_flexible_server.Replica']),
    );
  });

  it.each<[string, (d: Deployment) => void, string, RegExp]>([
    [
      'a replica server in a third region',
      (d) => (tf(d, 'az-d').azurerm_postgresql_flexible_server.Replica.location = 'eastus'),
      'az-d/azurerm_postgresql_flexible_server.Replica',
      /location eastus is outside residency "eu"/,
    ],
    [
      'a resource group outside the jurisdiction (inherited by reference)',
      (d) => (tf(d, 'az-p').azurerm_resource_group.Rg.location = 'uksouth'),
      'az-p/azurerm_storage_account.Data',
      /location uksouth is outside residency "eu"/,
    ],
    [
      'geo-redundant storage whose pair is outside the jurisdiction',
      (d) => (tf(d, 'az-p').azurerm_storage_account.Data.location = 'switzerlandnorth'),
      'az-p/azurerm_storage_account.Data',
      /location switzerlandnorth is outside residency "eu"/,
    ],
    [
      'a location that is not a literal',
      (d) => (tf(d, 'az-p').azurerm_postgresql_flexible_server.Db.location = '${var.location}'),
      'az-p/azurerm_postgresql_flexible_server.Db',
      /is not a literal location/,
    ],
    [
      '"global" on a data store',
      (d) => (tf(d, 'az-p').azurerm_postgresql_flexible_server.Db.location = 'global'),
      'az-p/azurerm_postgresql_flexible_server.Db',
      /location global is outside residency "eu"/,
    ],
  ])('fails with %s', (_what, weaken, at, message) => {
    const d = euAzure();
    weaken(d);
    expectFinding(checkAzureResidency(d, 'prod'), at, message);
  });

  it('accepts the UK under residency "europe", not "eu"', () => {
    const d = euAzure();
    tf(d, 'az-p').azurerm_resource_group.Rg.location = 'uksouth';
    expect(checkAzureResidency({ ...d, environments: { prod: { residency: 'europe' } } }, 'prod').status).toBe('pass');
  });

  it('fails a geo-replicated copy whose region pair is outside the jurisdiction, or unknown', () => {
    // Every pair of the shipped tables stays in its jurisdiction, so the rule is proved on a table
    // where one does not: a change to lib/config/jurisdictions.ts that breaks it would be caught.
    const storage = {
      type: 'azurerm_storage_account',
      name: 'Data',
      address: 'azurerm_storage_account.Data',
      args: { account_replication_type: 'RAGRS' },
    };
    expect(pairedCopyProblem(storage, 'westeurope', 'eu', { westeurope: 'uksouth' })).toMatch(
      /^account_replication_type RAGRS keeps a copy in the region pair: uksouth, outside residency "eu"/,
    );
    expect(pairedCopyProblem(storage, 'westeurope', 'eu', {})).toMatch(
      /westeurope has no known pair, so where the copy lives cannot be verified/,
    );
    expect(pairedCopyProblem({ ...storage, args: { account_replication_type: 'ZRS' } }, 'westeurope', 'eu', {})).toBeUndefined();
    const vault = { type: 'azurerm_recovery_services_vault', name: 'V', address: 'azurerm_recovery_services_vault.V', args: {} };
    expect(pairedCopyProblem(vault, 'westeurope', 'eu', { westeurope: 'eastus' })).toMatch(
      /storage_mode_type GeoRedundant \(the default\) stores backups in the region pair: eastus/,
    );
    expect(pairedCopyProblem({ ...vault, type: 'azurerm_key_vault' }, 'westeurope', 'eu', { westeurope: 'eastus' })).toMatch(
      /Azure replicates Key Vault contents to the region pair: eastus/,
    );
  });
});

describe('ENV-SEPARATION (Azure and Cloudflare)', () => {
  it('fails two environments in one subscription, production or not', () => {
    const d: Deployment = {
      stacks: [azureStack('az-s', 'staging', {}, 'sub-x'), azureStack('az-d', 'dev', {}, 'sub-x')],
      environments: { staging: { production: false }, dev: { production: false } },
    };
    expectFinding(
      checkAzureSeparation(d, 'staging'),
      'az-s/(stack)',
      /subscription sub-x is also used by environment dev \(az-d\); give each environment its own subscription/,
    );
    expect(checkAzureSeparation({ ...d, stacks: [d.stacks[0], azureStack('az-d', 'dev', {}, 'sub-y')] }, 'staging')).toMatchObject({
      status: 'pass',
      evidence: ['az-s/(subscription sub-x)'],
    });
  });

  const edge = (name: string, environment: string, account: string, zone: string): DeployedStack => ({
    name,
    cloud: 'cloudflare',
    environment,
    role: 'edge',
    marked: true,
    account,
    template: {
      resource: {
        cloudflare_zone_setting: { Ssl: { zone_id: zone, setting_id: 'ssl', value: 'strict' } },
        cloudflare_load_balancer_pool: { Pool: { account_id: account } },
      },
    },
  });

  it('fails a zone configured by two environments, and a production Cloudflare account shared with staging', () => {
    const envs = { prod: { production: true }, staging: { production: false } };
    expect(
      checkCloudflareSeparation(
        { stacks: [edge('cf-p', 'prod', 'a1', 'z1'), edge('cf-s', 'staging', 'a2', 'z2')], environments: envs },
        'prod',
      ),
    ).toMatchObject({ status: 'pass', evidence: ['cf-p/(account a1)', 'cf-p/(zone z1)'] });
    expectFinding(
      checkCloudflareSeparation(
        { stacks: [edge('cf-p', 'prod', 'a1', 'z1'), edge('cf-s', 'staging', 'a2', 'z1')], environments: envs },
        'staging',
      ),
      'cf-s/(stack)',
      /zone z1 is also configured by environment prod \(cf-p\)/,
    );
    expectFinding(
      checkCloudflareSeparation(
        { stacks: [edge('cf-p', 'prod', 'a1', 'z1'), edge('cf-s', 'staging', 'a1', 'z2')], environments: envs },
        'prod',
      ),
      'cf-p/(stack)',
      /account a1 is also used by environment staging \(cf-s\); prod is production/,
    );
  });
});
