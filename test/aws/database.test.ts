import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Database, type DatabaseProps } from '../../lib/aws/database';
import {
  acknowledgements,
  getAtt,
  idSource,
  logicalId,
  ref,
  resourceOf,
  resourcesOfType,
  securityGroupRules,
  testStack,
  testVpc,
} from './support';

const stack = testStack();
const vpc = testVpc(stack);
const dataKey = new kms.Key(stack, 'DataKey');
const logsKey = new kms.Key(stack, 'LogsKey');
const appSg = new ec2.SecurityGroup(stack, 'AppSg', { vpc, allowAllOutbound: false });
const db = new Database(stack, 'Database', {
  vpc,
  subnets: { subnetGroupName: 'Data' },
  appTier: appSg,
  dataKey,
  logsKey,
  instanceIdentifier: 'acme-prod-db',
  backupRetentionDays: 35,
  logRetention: logs.RetentionDays.SIX_MONTHS,
});
const template = Template.fromStack(stack);
const instance = resourceOf(template, db.resource);
const props = instance.Properties;

describe('Database', () => {
  it('is never publicly accessible and runs Multi-AZ', () => {
    expect(props.PubliclyAccessible).toBe(false);
    expect(props.MultiAZ).toBe(true);
  });

  it('lives in the isolated data subnets', () => {
    const group = template.toJSON().Resources[props.DBSubnetGroupName.Ref];
    expect(group.Properties.SubnetIds).toEqual(vpc.isolatedSubnets.map((s) => ref(s)));
  });

  it('encrypts storage and Performance Insights under the data key', () => {
    expect(props).toMatchObject({
      StorageEncrypted: true,
      KmsKeyId: getAtt(dataKey, 'Arn'),
      EnablePerformanceInsights: true,
      PerformanceInsightsKMSKeyId: getAtt(dataKey, 'Arn'),
    });
  });

  it('lets RDS manage the master password in Secrets Manager under the data key; no password in the template', () => {
    expect(props).toMatchObject({
      ManageMasterUserPassword: true,
      MasterUsername: 'dbadmin',
      MasterUserSecret: { KmsKeyId: getAtt(dataKey, 'Arn') },
    });
    expect(props.MasterUserPassword).toBeUndefined();
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
  });

  it('enables IAM database authentication', () => {
    expect(props.EnableIAMDatabaseAuthentication).toBe(true);
  });

  it('is deletion-protected and leaves a final snapshot', () => {
    expect(props.DeletionProtection).toBe(true);
    expect(instance.DeletionPolicy).toBe('Snapshot');
    expect(instance.UpdateReplacePolicy).toBe('Snapshot');
  });

  it('keeps point-in-time recovery for the configured days', () => {
    expect(props).toMatchObject({ BackupRetentionPeriod: 35, CopyTagsToSnapshot: true });
  });

  it('autoscales storage between the allocated size and the ceiling', () => {
    expect(props).toMatchObject({
      AllocatedStorage: '50',
      MaxAllocatedStorage: 200,
      StorageType: 'gp3',
      DBInstanceIdentifier: 'acme-prod-db',
    });
  });

  it('forces TLS 1.2+ and logs connections in the parameter group', () => {
    const group = template.toJSON().Resources[props.DBParameterGroupName.Ref];
    expect(group.Type).toBe('AWS::RDS::DBParameterGroup');
    expect(group.Properties.Parameters).toEqual({
      'rds.force_ssl': '1',
      ssl_min_protocol_version: 'TLSv1.2',
      log_connections: '1',
      log_disconnections: '1',
    });
  });

  it('admits 5432 only from the app security group', () => {
    expect(securityGroupRules(template, db.securityGroup)).toEqual({ ingress: [`tcp 5432 sg:${logicalId(appSg)}`], egress: [] });
    expect(props.VPCSecurityGroups).toEqual([getAtt(db.securityGroup, 'GroupId')]);
  });

  it('lets the app tier reach the database on 5432', () => {
    expect(securityGroupRules(template, appSg).egress).toEqual([`tcp 5432 sg:${logicalId(db.securityGroup)}`]);
  });

  it('is an IConnectable of its security group, PostgreSQL as default port', () => {
    expect(db.connections.securityGroups).toEqual([db.securityGroup]);
    expect(db.connections.defaultPort?.toString()).toBe('5432');
  });

  it('exports the PostgreSQL logs to KMS-encrypted, retained groups created before the instance', () => {
    expect(props.EnableCloudwatchLogsExports).toEqual(['postgresql', 'upgrade']);
    for (const type of ['postgresql', 'upgrade']) {
      const group = resourceOf(template, db.logGroups[type]);
      expect(group.Properties).toEqual({
        LogGroupName: `/aws/rds/instance/acme-prod-db/${type}`,
        KmsKeyId: getAtt(logsKey, 'Arn'),
        RetentionInDays: 180,
      });
      expect(group.DeletionPolicy).toBe('Retain');
      expect(instance.DependsOn).toContain(logicalId(db.logGroups[type]));
    }
    expect(resourcesOfType(template, 'AWS::Logs::LogGroup')).toHaveLength(2);
  });

  it('runs PostgreSQL with enhanced monitoring and minor upgrades', () => {
    expect(props).toMatchObject({
      Engine: 'postgres',
      EngineVersion: '17.6',
      MonitoringInterval: 60,
      AutoMinorVersionUpgrade: true,
      DBInstanceClass: 'db.t4g.medium',
    });
  });

  it('acknowledges the default port with a reason naming DB-FROM-APP', () => {
    const acks = acknowledgements(db.resource);
    expect(acks['AwsSolutions::AwsSolutions-RDS11']).toMatch(/DB-FROM-APP/);
    expect(acks['cdk-validator-cfnguard::rds_instance_no_default_ports_check']).toMatch(/DB-FROM-APP/);
  });

  describe('errors', () => {
    const scratch = testStack('Scratch');
    const scratchVpc = testVpc(scratch);
    const key = new kms.Key(scratch, 'Key');
    const sg = new ec2.SecurityGroup(scratch, 'Sg', { vpc: scratchVpc });
    const id = idSource();
    const make = (over: Partial<DatabaseProps>) => () =>
      new Database(scratch, id(), {
        vpc: scratchVpc,
        subnets: { subnetGroupName: 'Data' },
        appTier: sg,
        dataKey: key,
        logsKey: key,
        instanceIdentifier: `db-${id().toLowerCase()}`,
        backupRetentionDays: 30,
        logRetention: logs.RetentionDays.ONE_MONTH,
        ...over,
      });

    it('fails when the data subnets span a single zone', () => {
      expect(make({ subnets: { availabilityZones: ['eu-west-1a'], subnetGroupName: 'Data' } })).toThrow(
        /Database\.subnets: received subnets in 1 availability zone\(s\); expected at least 2/,
      );
    });

    it.each([29, 36, 0, 30.5])('fails when backupRetentionDays is %p', (backupRetentionDays) => {
      expect(make({ backupRetentionDays })).toThrow(
        new RegExp(`Database\\.backupRetentionDays: received ${backupRetentionDays}; expected 30 to 35`),
      );
    });

    it.each(['Acme-db', '1db', 'db-', 'db--1', 'db_1', '', 'a'.repeat(64)])('fails on the instance identifier %p', (instanceIdentifier) => {
      expect(make({ instanceIdentifier })).toThrow(
        /Database\.instanceIdentifier: received ".*"; expected 1-63 lower-case letters, digits and single dashes, starting with a letter/,
      );
    });

    it('fails when maxAllocatedStorageGiB is below allocatedStorageGiB', () => {
      expect(make({ allocatedStorageGiB: 100, maxAllocatedStorageGiB: 99 })).toThrow(
        /Database\.maxAllocatedStorageGiB: received 99; expected at least allocatedStorageGiB \(100\)/,
      );
      expect(make({ maxAllocatedStorageGiB: 49 })).toThrow(
        /Database\.maxAllocatedStorageGiB: received 49; expected at least allocatedStorageGiB \(50\)/,
      );
    });

    it('accepts the boundaries 30 and 35 days and a 63-character identifier', () => {
      expect(make({ backupRetentionDays: 30 })).not.toThrow();
      expect(make({ backupRetentionDays: 35, instanceIdentifier: 'a'.repeat(63) })).not.toThrow();
    });
  });
});

describe('Database backup replication', () => {
  const make = (backupReplication: DatabaseProps['backupReplication'], id = 'Replicated') => {
    const s = testStack(id);
    const v = testVpc(s);
    const database = new Database(s, 'Database', {
      vpc: v,
      subnets: { subnetGroupName: 'Data' },
      appTier: new ec2.SecurityGroup(s, 'AppSg', { vpc: v, allowAllOutbound: false }),
      dataKey: new kms.Key(s, 'DataKey'),
      logsKey: new kms.Key(s, 'LogsKey'),
      instanceIdentifier: 'acme-prod-db',
      backupRetentionDays: 32,
      logRetention: logs.RetentionDays.THREE_MONTHS,
      backupReplication,
    });
    return resourceOf(Template.fromStack(s), database.resource).Properties;
  };
  const DR_KEY = 'arn:aws:kms:eu-central-1:111111111111:key/00000000-0000-4000-8000-000000000001';

  it('replicates automated backups to the DR region under the DR key, for the PITR window', () => {
    expect(make({ region: 'eu-central-1', kmsKeyArn: DR_KEY })).toMatchObject({
      AutomaticBackupReplicationRegion: 'eu-central-1',
      AutomaticBackupReplicationKmsKeyId: DR_KEY,
      AutomaticBackupReplicationRetentionPeriod: 32,
    });
  });

  it('keeps backups in the region unless asked', () => {
    expect(props.AutomaticBackupReplicationRegion).toBeUndefined();
    expect(props.AutomaticBackupReplicationKmsKeyId).toBeUndefined();
  });

  it('fails when the replication region is the database region', () => {
    expect(() => make({ region: 'eu-west-1', kmsKeyArn: DR_KEY.replace('eu-central-1', 'eu-west-1') }, 'Same')).toThrow(
      /Database\.backupReplication\.region: received eu-west-1, the database's own region/,
    );
  });

  it('fails when the key is not in the replication region', () => {
    expect(() => make({ region: 'eu-central-1', kmsKeyArn: DR_KEY.replace('eu-central-1', 'eu-west-1') }, 'WrongKey')).toThrow(
      /Database\.backupReplication\.kmsKeyArn: .*expected a KMS key ARN in eu-central-1/,
    );
  });
});
