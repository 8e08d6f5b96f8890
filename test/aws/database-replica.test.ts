import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { DatabaseReplica, type DatabaseReplicaProps } from '../../lib/aws/database-replica';
import { acknowledgements, getAtt, idSource, ref, resourceOf, resourcesOfType, TestStack } from './support';

const DR = { account: '111111111111', region: 'eu-central-1' } as const;
const SOURCE = 'arn:aws:rds:eu-west-1:111111111111:db:acme-prod-db';

class DrStack extends TestStack {
  override get availabilityZones(): string[] {
    return ['eu-central-1a', 'eu-central-1b', 'eu-central-1c'];
  }
}
// CDK's built-in CloudFormation schema validation is off, as in testStack (support.ts): it takes most
// of the synth time, and the stack tests run it on the real DR database stack.
const drStack = (id: string) => new DrStack(new App({ builtinCloudFormationValidation: false }), id, { env: DR });
// The DR region's tiers: only the isolated data subnets matter to the replica.
const testVpc = (scope: DrStack) =>
  new ec2.Vpc(scope, 'Vpc', {
    ipAddresses: ec2.IpAddresses.cidr('10.1.0.0/16'),
    availabilityZones: ['eu-central-1a', 'eu-central-1b'],
    natGateways: 0,
    restrictDefaultSecurityGroup: false,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 22, mapPublicIpOnLaunch: false },
      { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 22 },
    ],
  });

const stack = drStack('Dr');
const vpc = testVpc(stack);
const replicaKey = new kms.Key(stack, 'DrDataKey');
const logsKey = new kms.Key(stack, 'DrLogsKey');
const appSg = new ec2.SecurityGroup(stack, 'AppSg', { vpc, allowAllOutbound: false });
const topic = new sns.Topic(stack, 'Alerts');
const replica = new DatabaseReplica(stack, 'Replica', {
  vpc,
  subnets: { subnetGroupName: 'Data' },
  appTier: appSg,
  sourceInstanceArn: SOURCE,
  replicaKey,
  logsKey,
  instanceIdentifier: 'acme-prod-db-dr',
  backupRetentionDays: 35,
  logRetention: logs.RetentionDays.SIX_MONTHS,
  alertTopic: topic,
  maxReplicaLagSeconds: 1800,
});
const template = Template.fromStack(stack);
const instance = resourceOf(template, replica.resource);
const props = instance.Properties;

describe('DatabaseReplica', () => {
  it('replicates the primary-region source across regions', () => {
    expect(props).toMatchObject({
      SourceDBInstanceIdentifier: SOURCE,
      SourceRegion: 'eu-west-1',
      DBInstanceIdentifier: 'acme-prod-db-dr',
      DBInstanceClass: 'db.t4g.medium',
    });
  });

  it('is encrypted under the DR key, never the primary key, and leaves StorageEncrypted to the source', () => {
    expect(props.KmsKeyId).toEqual(getAtt(replicaKey, 'Arn'));
    expect(props.PerformanceInsightsKMSKeyId).toEqual(getAtt(replicaKey, 'Arn'));
    expect(props.StorageEncrypted).toBeUndefined();
  });

  it('is private, deletion-protected, IAM-authenticated and snapshotted on delete', () => {
    expect(props).toMatchObject({
      PubliclyAccessible: false,
      DeletionProtection: true,
      EnableIAMDatabaseAuthentication: true,
      MultiAZ: false,
      CopyTagsToSnapshot: true,
    });
    expect(instance.DeletionPolicy).toBe('Snapshot');
    expect(instance.UpdateReplacePolicy).toBe('Snapshot');
  });

  it('keeps the backup window ready for promotion', () => {
    expect(props.BackupRetentionPeriod).toBe(35);
  });

  it('forces TLS 1.2+ through its own parameter group, like the primary', () => {
    const group = template.toJSON().Resources[props.DBParameterGroupName.Ref];
    expect(group.Type).toBe('AWS::RDS::DBParameterGroup');
    expect(group.Properties.Parameters).toEqual({
      'rds.force_ssl': '1',
      ssl_min_protocol_version: 'TLSv1.2',
      log_connections: '1',
      log_disconnections: '1',
    });
  });

  it('lives in the isolated subnets and admits 5432 from the DR app tier only', () => {
    const group = template.toJSON().Resources[props.DBSubnetGroupName.Ref];
    expect(group.Properties.SubnetIds).toEqual(vpc.isolatedSubnets.map((s) => ref(s)));
    const sg = resourceOf(template, replica.securityGroup).Properties;
    expect(sg.SecurityGroupIngress).toBeUndefined();
    const ingress = resourcesOfType(template, 'AWS::EC2::SecurityGroupIngress').map(([, r]) => r.Properties);
    expect(ingress).toEqual([
      {
        IpProtocol: 'tcp',
        FromPort: 5432,
        ToPort: 5432,
        GroupId: getAtt(replica.securityGroup, 'GroupId'),
        SourceSecurityGroupId: getAtt(appSg, 'GroupId'),
        Description: 'PostgreSQL from the DR app tier only',
      },
    ]);
    expect(props.VPCSecurityGroups).toEqual([getAtt(replica.securityGroup, 'GroupId')]);
  });

  it('exports its logs to encrypted, retained groups created up front', () => {
    expect(props.EnableCloudwatchLogsExports).toEqual(['postgresql', 'upgrade']);
    for (const type of ['postgresql', 'upgrade']) {
      template.hasResource('AWS::Logs::LogGroup', {
        Properties: { LogGroupName: `/aws/rds/instance/acme-prod-db-dr/${type}`, KmsKeyId: getAtt(logsKey, 'Arn'), RetentionInDays: 180 },
        DeletionPolicy: 'Retain',
      });
    }
  });

  it('alarms to the alert topic when the lag passes the RPO-derived threshold, or when lag stops reporting', () => {
    expect(resourceOf(template, replica.lagAlarm).Properties).toMatchObject({
      Namespace: 'AWS/RDS',
      MetricName: 'ReplicaLag',
      Dimensions: [{ Name: 'DBInstanceIdentifier', Value: 'acme-prod-db-dr' }],
      Statistic: 'Maximum',
      Period: 300,
      Threshold: 1800,
      EvaluationPeriods: 2,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'breaching',
      AlarmActions: [ref(topic)],
    });
  });

  it('acknowledges the standby trade-offs with reasons', () => {
    const acks = acknowledgements(replica.resource);
    expect(acks['AwsSolutions::AwsSolutions-RDS3']).toMatch(/runbook enables Multi-AZ right after promotion/);
    expect(acks['AwsSolutions::AwsSolutions-RDS2']).toMatch(/KmsKeyId/);
    expect(acks['HIPAA.Security::HIPAA.Security-RDSInBackupPlan']).toMatch(/cross-region copy/);
  });

  describe('errors', () => {
    const scratch = drStack('Scratch');
    const scratchVpc = testVpc(scratch);
    const id = idSource();
    const base = (): DatabaseReplicaProps => ({
      vpc: scratchVpc,
      subnets: { subnetGroupName: 'Data' },
      appTier: new ec2.SecurityGroup(scratch, id(), { vpc: scratchVpc }),
      sourceInstanceArn: SOURCE,
      replicaKey: new kms.Key(scratch, id()),
      logsKey: new kms.Key(scratch, id()),
      instanceIdentifier: 'acme-db-dr',
      backupRetentionDays: 30,
      logRetention: logs.RetentionDays.THREE_MONTHS,
    });
    const make = (over: Partial<DatabaseReplicaProps>) => () => new DatabaseReplica(scratch, id(), { ...base(), ...over });

    it('fails on a source that is not an RDS instance ARN', () => {
      expect(make({ sourceInstanceArn: 'acme-prod-db' })).toThrow(
        /DatabaseReplica\.sourceInstanceArn: received "acme-prod-db"; expected the ARN of an RDS instance/,
      );
    });
    it("fails on a source in the replica's own region", () => {
      expect(make({ sourceInstanceArn: SOURCE.replace('eu-west-1', 'eu-central-1') })).toThrow(
        /received a source in eu-central-1, the replica's own region/,
      );
    });
    it.each([29, 36])('fails on backupRetentionDays %p', (backupRetentionDays) => {
      expect(make({ backupRetentionDays })).toThrow(/DatabaseReplica\.backupRetentionDays: received \d+; expected 30 to 35/);
    });
    it('fails on a malformed identifier', () => {
      expect(make({ instanceIdentifier: 'Acme--db' })).toThrow(/DatabaseReplica\.instanceIdentifier: received "Acme--db"/);
    });
    it.each([0, -5])('fails on maxReplicaLagSeconds %p', (maxReplicaLagSeconds) => {
      expect(make({ maxReplicaLagSeconds })).toThrow(/DatabaseReplica\.maxReplicaLagSeconds: received -?\d+; expected a positive number/);
    });
  });
});
