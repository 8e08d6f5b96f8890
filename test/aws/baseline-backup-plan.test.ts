import { Template } from 'aws-cdk-lib/assertions';
import type * as backup from 'aws-cdk-lib/aws-backup';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { BaselineBackupPlan, type BaselineBackupPlanProps } from '../../lib/aws/baseline-backup-plan';
import { SecureBucket } from '../../lib/aws/secure-bucket';
import { acknowledgements, ENV, getAtt, idSource, joined, ref, resourceOf, testStack, testVpc } from './support';

const DR_VAULT_ARN = 'arn:aws:backup:eu-central-1:111111111111:backup-vault:acme-prod-dr';

const stack = testStack();
const key = new kms.Key(stack, 'BackupKey');
const vpc = testVpc(stack);
const db = new rds.DatabaseInstance(stack, 'Db', {
  engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_17_6 }),
  instanceIdentifier: 'acme-db',
  vpc,
  vpcSubnets: { subnetGroupName: 'Data' },
});
const cluster = rds.DatabaseCluster.fromDatabaseClusterAttributes(stack, 'Aurora', { clusterIdentifier: 'acme-aurora' });
const bucket = new SecureBucket(stack, 'Files', { encryptionKey: key, noncurrentVersionRetentionDays: 120 }).resource;
const volume = ec2.Volume.fromVolumeAttributes(stack, 'Volume', { volumeId: 'vol-0123456789abcdef0', availabilityZone: 'eu-west-1a' });
const instance = new ec2.Instance(stack, 'Host', {
  vpc,
  vpcSubnets: { subnetGroupName: 'App' },
  instanceType: new ec2.InstanceType('t4g.micro'),
  machineImage: ec2.MachineImage.genericLinux({ [ENV.region]: 'ami-0123456789abcdef0' }),
});

// Everything selected, copies to the DR vault, retentions above the floors (so defaults that
// fell back to the floors would show).
const full = new BaselineBackupPlan(stack, 'Full', {
  vaultKey: key,
  databaseRetentionDays: 32,
  fileRetentionDays: 120,
  databaseInstances: [db],
  databaseClusters: [cluster],
  buckets: [bucket],
  volumes: [volume],
  instances: [instance],
  drVaultArn: DR_VAULT_ARN,
});
// Buckets only, the claim floors, no DR vault.
const filesOnly = new BaselineBackupPlan(stack, 'FilesOnly', {
  vaultKey: key,
  databaseRetentionDays: 30,
  fileRetentionDays: 90,
  buckets: [bucket],
});
// Database only, every setting given, DR vault ARN from an SSM parameter (an unresolved token).
const drArnParameter = ssm.StringParameter.valueForStringParameter(stack, '/acme/dr-backup-vault-arn');
const tuned = new BaselineBackupPlan(stack, 'Tuned', {
  vaultKey: key,
  databaseRetentionDays: 40,
  fileRetentionDays: 365,
  continuousBackupDays: 33,
  vaultLockMinRetentionDays: 7,
  vaultLockChangeableForDays: 14,
  scheduleExpression: events.Schedule.cron({ minute: '30', hour: '1' }),
  databaseInstances: [db],
  drVaultArn: drArnParameter,
});
// Database retention above 35 days: continuous backup is capped at the AWS maximum.
const longDb = new BaselineBackupPlan(stack, 'LongDb', {
  vaultKey: key,
  databaseRetentionDays: 60,
  fileRetentionDays: 90,
  databaseInstances: [db],
});
const template = Template.fromStack(stack);

const drStack = testStack('Dr');
const drKey = new kms.Key(drStack, 'BackupKey');
const drVault = BaselineBackupPlan.drVault(drStack, 'BackupVault', {
  vaultKey: drKey,
  databaseRetentionDays: 32,
  fileRetentionDays: 120,
  backupVaultName: 'acme-prod-dr',
});
const drTemplate = Template.fromStack(drStack);

const DAILY = 'cron(0 3 * * ? *)';
const DENY_DELETION = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: ['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle'],
      Resource: '*',
    },
  ],
};
const BACKUP_POLICY = {
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup']],
};
const S3_BACKUP_POLICY = {
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup']],
};

/** `${...}` of a token inside a joined ARN. */
const tok = (value: unknown) => '${' + JSON.stringify(value) + '}';
const rulesOf = (plan: backup.BackupPlan | undefined): any[] => resourceOf(template, plan!).Properties.BackupPlan.BackupPlanRule;
const selectionOf = (plan: backup.BackupPlan | undefined): any => resourceOf(template, plan!.node.findChild('Selection')).Properties;
const selectedArns = (plan: backup.BackupPlan | undefined): string[] => selectionOf(plan).BackupSelection.Resources.map(joined);
const vaultOf = (p: BaselineBackupPlan) => resourceOf(template, p.vault.resource);
const targetOf = (p: BaselineBackupPlan) => getAtt(p.vault.resource, 'BackupVaultName');

const DB_ARN = `arn:aws:rds:${ENV.region}:${ENV.account}:db:${tok(ref(db))}`;
const CLUSTER_ARN = `arn:aws:rds:${ENV.region}:${ENV.account}:cluster:acme-aurora`;
const BUCKET_ARN = tok(getAtt(bucket, 'Arn'));
const VOLUME_ARN = `arn:aws:ec2:${ENV.region}:${ENV.account}:volume/vol-0123456789abcdef0`;
const INSTANCE_ARN = `arn:aws:ec2:${ENV.region}:${ENV.account}:instance/${tok(ref(instance))}`;

// The plans' vaults: LockedBackupVault (test/aws/locked-backup-vault.test.ts) locked at the
// shortest retention the plan writes.
describe('BaselineBackupPlan vaults', () => {
  it('encrypts the vault under the given key', () => {
    expect(vaultOf(full).Properties.EncryptionKeyArn).toEqual(getAtt(key, 'Arn'));
    expect(resourceOf(drTemplate, drVault.resource).Properties.EncryptionKeyArn).toEqual(getAtt(drKey, 'Arn'));
  });

  it('locks the vault with the minimum retention and a 3-day grace period by default', () => {
    expect(vaultOf(full).Properties.LockConfiguration).toEqual({ MinRetentionDays: 32, ChangeableForDays: 3 });
    expect(vaultOf(filesOnly).Properties.LockConfiguration).toEqual({ MinRetentionDays: 30, ChangeableForDays: 3 });
  });

  it('denies deleting recovery points or shortening their lifecycle to everyone', () => {
    for (const p of [full, filesOnly, tuned]) expect(vaultOf(p).Properties.AccessPolicy).toEqual(DENY_DELETION);
    expect(resourceOf(drTemplate, drVault.resource).Properties.AccessPolicy).toEqual(DENY_DELETION);
  });

  it('retains the vault when the stack is deleted', () => {
    for (const vault of [full.vault, filesOnly.vault, tuned.vault, longDb.vault]) {
      expect(resourceOf(template, vault.resource).DeletionPolicy).toBe('Retain');
      expect(resourceOf(template, vault.resource).UpdateReplacePolicy).toBe('Retain');
    }
  });
});

describe('BaselineBackupPlan', () => {
  describe('database backups', () => {
    it('backs up the databases daily at 03:00 UTC for databaseRetentionDays and copies them to the DR vault for as long', () => {
      expect(rulesOf(full.databasePlan)).toEqual([
        {
          RuleName: 'DailyDatabase',
          ScheduleExpression: DAILY,
          Lifecycle: { DeleteAfterDays: 32 },
          TargetBackupVault: targetOf(full),
          CopyActions: [{ DestinationBackupVaultArn: DR_VAULT_ARN, Lifecycle: { DeleteAfterDays: 32 } }],
        },
      ]);
    });

    it('selects the database instances and clusters, and nothing else', () => {
      expect(selectedArns(full.databasePlan)).toEqual([DB_ARN, CLUSTER_ARN]);
    });

    it('keeps the database continuously backed up (point-in-time recovery) for databaseRetentionDays by default', () => {
      expect(rulesOf(full.pointInTimePlan)).toEqual([
        {
          RuleName: 'Continuous',
          ScheduleExpression: DAILY,
          EnableContinuousBackup: true,
          Lifecycle: { DeleteAfterDays: 32 },
          TargetBackupVault: targetOf(full),
        },
      ]);
      expect(selectedArns(full.pointInTimePlan)).toEqual([DB_ARN, CLUSTER_ARN, BUCKET_ARN]);
    });

    it('caps continuous backup at the AWS maximum of 35 days when databases are kept longer', () => {
      expect(rulesOf(longDb.pointInTimePlan)[0]).toMatchObject({ EnableContinuousBackup: true, Lifecycle: { DeleteAfterDays: 35 } });
      expect(rulesOf(longDb.databasePlan)[0].Lifecycle).toEqual({ DeleteAfterDays: 60 });
      expect(vaultOf(longDb).Properties.LockConfiguration).toEqual({ MinRetentionDays: 35, ChangeableForDays: 3 });
    });
  });

  describe('file backups', () => {
    it('backs up buckets, volumes and instances daily for fileRetentionDays and copies them to the DR vault for as long', () => {
      expect(rulesOf(full.filePlan)).toEqual([
        {
          RuleName: 'DailyFiles',
          ScheduleExpression: DAILY,
          Lifecycle: { DeleteAfterDays: 120 },
          TargetBackupVault: targetOf(full),
          CopyActions: [{ DestinationBackupVaultArn: DR_VAULT_ARN, Lifecycle: { DeleteAfterDays: 120 } }],
        },
      ]);
      expect(selectedArns(full.filePlan)).toEqual([BUCKET_ARN, VOLUME_ARN, INSTANCE_ARN]);
    });

    it('keeps buckets continuously backed up, but not volumes or instances (no continuous backup for EBS)', () => {
      expect(selectedArns(filesOnly.pointInTimePlan)).toEqual([BUCKET_ARN]);
      expect(rulesOf(filesOnly.pointInTimePlan)).toEqual([
        {
          RuleName: 'Continuous',
          ScheduleExpression: DAILY,
          EnableContinuousBackup: true,
          Lifecycle: { DeleteAfterDays: 30 },
          TargetBackupVault: targetOf(filesOnly),
        },
      ]);
      expect(selectedArns(full.pointInTimePlan)).not.toContain(VOLUME_ARN);
      expect(selectedArns(full.pointInTimePlan)).not.toContain(INSTANCE_ARN);
    });

    it('makes no copies without a DR vault', () => {
      for (const plan of [filesOnly.filePlan, filesOnly.pointInTimePlan]) {
        for (const rule of rulesOf(plan)) expect(rule.CopyActions).toBeUndefined();
      }
      expect(rulesOf(filesOnly.filePlan)).toEqual([
        { RuleName: 'DailyFiles', ScheduleExpression: DAILY, Lifecycle: { DeleteAfterDays: 90 }, TargetBackupVault: targetOf(filesOnly) },
      ]);
    });

    it('creates only the plans that have resources to select', () => {
      expect(filesOnly.databasePlan).toBeUndefined();
      expect(tuned.filePlan).toBeUndefined();
      for (const plan of [full.databasePlan, full.filePlan, full.pointInTimePlan]) expect(plan).toBeDefined();
    });
  });

  it('never copies the continuous backups (the daily rules carry the DR copies)', () => {
    expect(rulesOf(full.pointInTimePlan)[0].CopyActions).toBeUndefined();
  });

  it('uses the given schedule, continuous days, lock and a DR vault ARN from SSM', () => {
    const target = targetOf(tuned);
    const [daily] = rulesOf(tuned.databasePlan);
    expect(daily).toEqual({
      RuleName: 'DailyDatabase',
      ScheduleExpression: 'cron(30 1 * * ? *)',
      Lifecycle: { DeleteAfterDays: 40 },
      TargetBackupVault: target,
      CopyActions: [{ DestinationBackupVaultArn: stack.resolve(drArnParameter), Lifecycle: { DeleteAfterDays: 40 } }],
    });
    expect(stack.resolve(drArnParameter)).toEqual({ Ref: expect.stringMatching(/^SsmParameterValueacmedrbackupvaultarn/) });
    expect(rulesOf(tuned.pointInTimePlan)).toEqual([
      {
        RuleName: 'Continuous',
        ScheduleExpression: 'cron(30 1 * * ? *)',
        EnableContinuousBackup: true,
        Lifecycle: { DeleteAfterDays: 33 },
        TargetBackupVault: target,
      },
    ]);
    expect(vaultOf(tuned).Properties.LockConfiguration).toEqual({ MinRetentionDays: 7, ChangeableForDays: 14 });
    expect(tuned.vaultLockMinRetentionDays).toBe(7);
  });

  it('has every plan write to its own locked vault', () => {
    for (const p of [full, filesOnly, tuned, longDb]) {
      for (const plan of [p.databasePlan, p.filePlan, p.pointInTimePlan].filter((x) => x !== undefined)) {
        for (const rule of rulesOf(plan)) expect(rule.TargetBackupVault).toEqual(targetOf(p));
      }
    }
  });

  describe('backup role', () => {
    it('is assumable only by AWS Backup and used by every selection', () => {
      expect(resourceOf(template, full.role).Properties.AssumeRolePolicyDocument).toEqual({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'backup.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      });
      for (const plan of [full.databasePlan, full.filePlan, full.pointInTimePlan]) {
        expect(selectionOf(plan).BackupSelection.IamRoleArn).toEqual(getAtt(full.role, 'Arn'));
      }
    });

    it('gets the S3 backup policy only when buckets are selected', () => {
      expect(resourceOf(template, full.role).Properties.ManagedPolicyArns).toEqual([BACKUP_POLICY, S3_BACKUP_POLICY]);
      expect(resourceOf(template, tuned.role).Properties.ManagedPolicyArns).toEqual([BACKUP_POLICY]);
    });

    it('acknowledges the AWS-managed policies with a reason', () => {
      const backupPolicyRule =
        'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]';
      const s3PolicyRule =
        'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup]';
      expect(Object.keys(acknowledgements(full.role)).sort()).toEqual([backupPolicyRule, s3PolicyRule].sort());
      expect(Object.keys(acknowledgements(tuned.role))).toEqual([backupPolicyRule]);
      expect(acknowledgements(full.role)[backupPolicyRule]).toMatch(/backup\.amazonaws\.com/);
    });
  });

  describe('DR vault', () => {
    it('carries the same lock as the primary vault, under the DR key, with the given name', () => {
      expect(resourceOf(drTemplate, drVault.resource).Properties).toMatchObject({
        BackupVaultName: 'acme-prod-dr',
        EncryptionKeyArn: getAtt(drKey, 'Arn'),
        LockConfiguration: vaultOf(full).Properties.LockConfiguration,
      });
      expect(resourceOf(drTemplate, drVault.resource).Properties.LockConfiguration).toEqual({ MinRetentionDays: 32, ChangeableForDays: 3 });
      expect(resourceOf(drTemplate, drVault.resource).DeletionPolicy).toBe('Retain');
    });
  });

  describe('errors', () => {
    const scratch = testStack('Scratch');
    const scratchKey = new kms.Key(scratch, 'Key');
    const scratchBucket = new SecureBucket(scratch, 'Bucket', { encryptionKey: scratchKey, noncurrentVersionRetentionDays: 90 }).resource;
    const id = idSource();
    const base: BaselineBackupPlanProps = {
      vaultKey: scratchKey,
      databaseRetentionDays: 30,
      fileRetentionDays: 90,
      buckets: [scratchBucket],
    };
    const make = (props: Partial<BaselineBackupPlanProps>) => () => new BaselineBackupPlan(scratch, id(), { ...base, ...props });

    it.each([29, 0, 30.5, 36501])('fails when databaseRetentionDays is %p (claim B10 floor 30)', (days) => {
      expect(make({ databaseRetentionDays: days })).toThrow(
        new RegExp(
          `BaselineBackupPlan\\.databaseRetentionDays: received ${days}; expected an integer from 30 to 36500 \\(claim B10 ` +
            `keeps database backups 30 days\\); set backup\\.databaseRetentionDays to at least 30`,
        ),
      );
    });

    it.each([89, 30, 90.5])('fails when fileRetentionDays is %p (claim B10 floor 90)', (days) => {
      expect(make({ fileRetentionDays: days })).toThrow(
        new RegExp(
          `BaselineBackupPlan\\.fileRetentionDays: received ${days}; expected an integer from 90 to 36500 \\(claim B10 keeps ` +
            `file backups at least 90 days\\); set backup\\.fileRetentionDays to at least 90`,
        ),
      );
    });

    it.each([29, 36, 1, 31.5])('fails when continuousBackupDays is %p', (days) => {
      expect(make({ continuousBackupDays: days })).toThrow(
        new RegExp(
          `BaselineBackupPlan\\.continuousBackupDays: received ${days}; expected an integer from 30 to 35 \\(claim B10 keeps ` +
            `database point-in-time recovery 30 days; AWS Backup keeps continuous backups at most 35\\)`,
        ),
      );
    });

    it('fails when the lock minimum exceeds the shortest retention, naming that retention', () => {
      expect(make({ vaultLockMinRetentionDays: 31 })).toThrow(
        new RegExp(
          'BaselineBackupPlan\\.vaultLockMinRetentionDays: received 31; expected an integer from 1 to 30, the shortest ' +
            'retention of a job writing to the vault \\(databaseRetentionDays\\), or the vault fails that job; lower it or omit ' +
            'it to use 30',
        ),
      );
      expect(make({ databaseRetentionDays: 40, continuousBackupDays: 33, vaultLockMinRetentionDays: 34 })).toThrow(
        new RegExp(
          'BaselineBackupPlan\\.vaultLockMinRetentionDays: received 34; expected an integer from 1 to 33, the shortest ' +
            'retention of a job writing to the vault \\(continuousBackupDays\\)',
        ),
      );
    });

    it.each([0, 2.5])('fails when vaultLockMinRetentionDays is %p', (days) => {
      expect(make({ vaultLockMinRetentionDays: days })).toThrow(
        new RegExp(`BaselineBackupPlan\\.vaultLockMinRetentionDays: received ${days}; expected an integer from 1 to 30`),
      );
    });

    it.each([2, 0, 3.5])('fails when vaultLockChangeableForDays is %p', (days) => {
      expect(make({ vaultLockChangeableForDays: days })).toThrow(
        new RegExp(
          `BaselineBackupPlan\\.vaultLockChangeableForDays: received ${days}; expected an integer of at least 3 \\(AWS ` +
            `Backup's 72-hour cooling-off period before the lock is immutable\\)`,
        ),
      );
    });

    it.each([
      ['weekly', events.Schedule.cron({ minute: '0', hour: '3', weekDay: 'SUN' }), 'cron\\(0 3 \\? \\* SUN \\*\\)'],
      ['monthly', events.Schedule.cron({ minute: '0', hour: '3', day: '1' }), 'cron\\(0 3 1 \\* \\? \\*\\)'],
      ['yearly', events.Schedule.cron({ minute: '0', hour: '3', day: '1', month: '1' }), 'cron\\(0 3 1 1 \\? \\*\\)'],
      ['only in January', events.Schedule.cron({ minute: '0', hour: '3', month: '1' }), 'cron\\(0 3 \\* 1 \\? \\*\\)'],
      ['only in 2030', events.Schedule.cron({ minute: '0', hour: '3', year: '2030' }), 'cron\\(0 3 \\* \\* \\? 2030\\)'],
      ['a rate', events.Schedule.expression('rate(1 day)'), 'rate\\(1 day\\)'],
    ])('fails when scheduleExpression runs %s', (_name, schedule, shown) => {
      expect(make({ scheduleExpression: schedule })).toThrow(
        new RegExp(
          `BaselineBackupPlan\\.scheduleExpression: received ${shown}; expected a cron expression that runs every day ` +
            `\\(claim B10: full backups every 24 hours\\)`,
        ),
      );
    });

    it('accepts schedules that run several times a day', () => {
      expect(make({ scheduleExpression: events.Schedule.expression('cron(0 */6 * * ? *)') })).not.toThrow();
    });

    it.each(['arn:aws:s3:::bucket', 'arn:aws:backup:eu-central-1:111111111111:backup-plan:abc', 'acme-prod-dr'])(
      'fails when drVaultArn is %p',
      (arn) => {
        expect(make({ drVaultArn: arn })).toThrow(
          new RegExp(
            `BaselineBackupPlan\\.drVaultArn: received "${arn}"; expected a backup vault ARN ` +
              `\\(arn:aws:backup:<dr-region>:<account>:backup-vault:<name>\\)`,
          ),
        );
      },
    );

    it("fails when the DR vault is in the stack's own region", () => {
      expect(make({ drVaultArn: `arn:aws:backup:${ENV.region}:111111111111:backup-vault:same` })).toThrow(
        new RegExp(
          "BaselineBackupPlan\\.drVaultArn: received a vault in eu-west-1, this stack's own region; expected a vault in the DR " +
            'region \\(control DR-REGION\\)',
        ),
      );
    });

    it('fails when nothing is selected', () => {
      expect(make({ buckets: [] })).toThrow(
        new RegExp(
          'BaselineBackupPlan\\.databaseInstances\\/databaseClusters\\/buckets\\/volumes\\/instances: received none; expected ' +
            'at least one resource to back up',
        ),
      );
    });

    it('validates the DR vault against the same floors and lock rules', () => {
      expect(() =>
        BaselineBackupPlan.drVault(scratch, id(), { vaultKey: scratchKey, databaseRetentionDays: 30, fileRetentionDays: 60 }),
      ).toThrow(/BaselineBackupPlan\.fileRetentionDays: received 60; expected an integer from 90 to 36500/);
      expect(() =>
        BaselineBackupPlan.drVault(scratch, id(), {
          vaultKey: scratchKey,
          databaseRetentionDays: 30,
          fileRetentionDays: 90,
          vaultLockMinRetentionDays: 45,
        }),
      ).toThrow(/BaselineBackupPlan\.vaultLockMinRetentionDays: received 45; expected an integer from 1 to 30/);
    });

    it('accepts the claim floors and the AWS limits', () => {
      expect(
        make({ databaseRetentionDays: 30, fileRetentionDays: 90, continuousBackupDays: 30, vaultLockChangeableForDays: 3 }),
      ).not.toThrow();
      expect(
        make({ databaseRetentionDays: 36500, fileRetentionDays: 36500, continuousBackupDays: 35, vaultLockMinRetentionDays: 1 }),
      ).not.toThrow();
    });
  });
});
