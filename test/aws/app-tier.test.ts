import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AppGateway } from '../../lib/aws/app-gateway';
import { AppTier, type AppTierProps } from '../../lib/aws/app-tier';
import { REMOVE_INSTANCE_CONNECT } from '../../lib/aws/linux-host-access';
import { SSHD_HARDENING } from '../../lib/config/ssh-keys';
import { KEYS } from '../fixtures/ssh-keys';
import {
  AZS,
  ENV,
  acknowledgements,
  getAtt,
  idSource,
  joined,
  logicalId,
  ref,
  resourceOf,
  resourcesOfType,
  securityGroupRules,
  testStack,
  testVpc,
} from './support';

const CERT = `arn:aws:acm:${ENV.region}:${ENV.account}:certificate/00000000-0000-0000-0000-000000000000`;

const stack = testStack();
const vpc = testVpc(stack);
const volumeKey = new kms.Key(stack, 'DataKey');
const topic = new sns.Topic(stack, 'Alerts');
const bastionSg = new ec2.SecurityGroup(stack, 'BastionSg', { vpc, allowAllOutbound: false });
const gateway = new AppGateway(stack, 'Gateway', {
  vpc,
  subnets: { subnetGroupName: 'Public' },
  certificateArn: CERT,
  accessLogsBucket: new s3.Bucket(stack, 'AlbLogs'),
  targetPort: 8443,
  healthCheckPath: '/healthz',
});
const authLogs = new logs.LogGroup(stack, 'AuthLogs');
const USERS = [
  { name: 'alice', publicKeys: [KEYS.ed25519] },
  { name: 'bob', publicKeys: [KEYS.rsa4096] },
];
const hostAccess = { users: USERS, authLogGroup: authLogs };
const common = {
  vpc,
  subnets: { subnetGroupName: 'App' },
  targetGroup: gateway.targetGroup,
  gateway: gateway.securityGroup,
  port: 8443,
  volumeKey,
  alertTopic: topic,
  hostAccess,
};
const tier = new AppTier(stack, 'App', common);
const sized = new AppTier(stack, 'Sized', {
  ...common,
  minCapacity: 3,
  maxCapacity: 9,
  rootVolumeGiB: 30,
  instanceTypes: [new ec2.InstanceType('c7i.large'), new ec2.InstanceType('c7a.large'), new ec2.InstanceType('c6i.large')],
});
sized.allowSshFrom(bastionSg);
const template = Template.fromStack(stack);

const asg = resourceOf(template, tier.resource);
const launchTemplateOf = (t: AppTier) => {
  const id = resourceOf(template, t.resource).Properties.MixedInstancesPolicy.LaunchTemplate.LaunchTemplateSpecification.LaunchTemplateId
    .Ref;
  return template.toJSON().Resources[id];
};
const ltData = launchTemplateOf(tier).Properties.LaunchTemplateData;

const appScript = joined(ltData.UserData);
const appLines = appScript.split('\n');

describe('AppTier', () => {
  describe('per-person access (BASTION-SSH)', () => {
    it('removes EC2 Instance Connect at boot, before sshd serves the hardened config', () => {
      expect(appLines).toContain(REMOVE_INSTANCE_CONNECT);
      expect(appLines.indexOf(REMOVE_INSTANCE_CONNECT)).toBeLessThan(appLines.indexOf('systemctl restart sshd'));
    });

    it.each([
      ...SSHD_HARDENING,
      'AuthorizedKeysCommand none',
      'AuthorizedKeysFile .ssh/authorized_keys',
      'AllowTcpForwarding no',
      'AllowUsers alice bob',
    ])('hardens sshd with "%s"', (line) => {
      const start = appLines.indexOf("cat > /etc/ssh/sshd_config.d/00-baseline.conf <<'SSHD'");
      expect(appLines.slice(start, appLines.indexOf('SSHD', start + 1))).toContain(line);
    });

    it("creates one account per person with only that person's keys, and locks root and ec2-user", () => {
      for (const [user, key] of [
        ['alice', KEYS.ed25519],
        ['bob', KEYS.rsa4096],
      ]) {
        const start = appLines.indexOf(`cat > /home/${user}/.ssh/authorized_keys <<'KEYS'`);
        expect(appLines.slice(start + 1, appLines.indexOf('KEYS', start + 1))).toEqual([key]);
        expect(appLines).toContain(`passwd -l ${user}`);
      }
      expect(appLines).toContain('passwd -l root');
      expect(appLines).toContain('if id ec2-user >/dev/null 2>&1; then usermod -L -s /sbin/nologin ec2-user; fi');
    });

    it('ships /var/log/secure to the auth log group, and may write only there', () => {
      expect(appScript).toContain(`"file_path":"/var/log/secure","log_group_name":"\${${JSON.stringify(ref(authLogs))}}"`);
      const policy = resourcesOfType(template, 'AWS::IAM::Policy').find(([, p]) =>
        p.Properties.Roles.some((r: any) => r.Ref === logicalId(tier.role)),
      )![1];
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual({
        Sid: 'ShipAuthLog',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
        Resource: getAtt(authLogs, 'Arn'),
      });
    });
  });

  it('lets the Auto Scaling service-linked role use the volume key, matched by ARN so the role need not exist yet', () => {
    const key = resourceOf(template, volumeKey);
    const statement = key.Properties.KeyPolicy.Statement.find((s: any) => s.Sid === 'AllowAutoScalingToUseVolumeKey');
    expect(statement).toMatchObject({
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*', 'kms:CreateGrant']),
      Condition: {
        StringEquals: {
          'aws:PrincipalArn': `arn:aws:iam::${ENV.account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
          'kms:CallerAccount': ENV.account,
        },
      },
    });
  });

  it('admits application traffic only from the gateway security group, on the app port', () => {
    expect(securityGroupRules(template, tier.securityGroup).ingress).toEqual([`tcp 8443 sg:${logicalId(gateway.securityGroup)}`]);
  });

  it('admits no CIDR at all', () => {
    for (const t of [tier, sized]) {
      for (const rule of securityGroupRules(template, t.securityGroup).ingress) expect(rule).toMatch(/ sg:/);
    }
  });

  it('admits SSH only from the bastion security group, and only after allowSshFrom', () => {
    expect(securityGroupRules(template, sized.securityGroup).ingress).toEqual([
      `tcp 22 sg:${logicalId(bastionSg)}`,
      `tcp 8443 sg:${logicalId(gateway.securityGroup)}`,
    ]);
    expect(securityGroupRules(template, tier.securityGroup).ingress.some((r) => r.startsWith('tcp 22 '))).toBe(false);
    // The bastion's side: it may send SSH to the tier that admitted it, and nothing else here.
    expect(securityGroupRules(template, bastionSg).egress).toEqual([`tcp 22 sg:${logicalId(sized.securityGroup)}`]);
  });

  it('is an IConnectable of its security group, the app port as default port', () => {
    expect(tier.connections.securityGroups).toEqual([tier.securityGroup]);
    expect(tier.connections.defaultPort?.toString()).toBe('8443');
  });

  it("is an IGrantable: aws-cdk-lib grants land on the instances' role", () => {
    expect(tier.grantPrincipal).toBe(tier.role);
  });

  it('sends nothing to the internet (the stack adds the VPC endpoints and mirrors, the database 5432)', () => {
    expect(securityGroupRules(template, tier.securityGroup).egress).toEqual([]);
  });

  it('lets the gateway reach the app tier on the app port', () => {
    expect(securityGroupRules(template, gateway.securityGroup).egress).toContain(`tcp 8443 sg:${logicalId(tier.securityGroup)}`);
  });

  it('requires IMDSv2 with a hop limit of 1', () => {
    expect(ltData.MetadataOptions).toEqual({ HttpTokens: 'required', HttpPutResponseHopLimit: 1 });
  });

  it('gives instances no public IP address', () => {
    expect(ltData.NetworkInterfaces).toEqual([
      { AssociatePublicIpAddress: false, DeviceIndex: 0, Groups: [getAtt(tier.securityGroup, 'GroupId')] },
    ]);
    expect(ltData.SecurityGroupIds).toBeUndefined();
  });

  it('encrypts the root volume under the volume key', () => {
    expect(ltData.BlockDeviceMappings).toEqual([
      {
        DeviceName: '/dev/xvda',
        Ebs: { DeleteOnTermination: true, Encrypted: true, KmsKeyId: getAtt(volumeKey, 'Arn'), VolumeSize: 20, VolumeType: 'gp3' },
      },
    ]);
    expect(launchTemplateOf(sized).Properties.LaunchTemplateData.BlockDeviceMappings[0].Ebs).toMatchObject({
      Encrypted: true,
      VolumeSize: 30,
    });
  });

  it('enables detailed monitoring and EBS optimization', () => {
    expect(ltData).toMatchObject({ Monitoring: { Enabled: true }, EbsOptimized: true });
  });

  it('keeps at least two instances, over every zone of the app subnets', () => {
    expect(asg.Properties).toMatchObject({ MinSize: '2', MaxSize: '6', CapacityRebalance: true });
    expect(asg.Properties.AvailabilityZones).toEqual([...AZS]);
    expect(asg.Properties.VPCZoneIdentifier).toEqual(vpc.privateSubnets.map((s) => ref(s)));
    expect(asg.UpdatePolicy.AutoScalingRollingUpdate).toMatchObject({ MinInstancesInService: 2 });
    expect(resourceOf(template, sized.resource).Properties).toMatchObject({ MinSize: '3', MaxSize: '9' });
  });

  it('runs on at least two on-demand instance types in order of preference', () => {
    expect(asg.Properties.MixedInstancesPolicy).toEqual({
      LaunchTemplate: {
        LaunchTemplateSpecification: { LaunchTemplateId: expect.anything(), Version: expect.anything() },
        Overrides: [{ InstanceType: 'm7i.large' }, { InstanceType: 'm7a.large' }],
      },
      InstancesDistribution: { OnDemandAllocationStrategy: 'prioritized', OnDemandPercentageAboveBaseCapacity: 100 },
    });
    expect(resourceOf(template, sized.resource).Properties.MixedInstancesPolicy.LaunchTemplate.Overrides).toEqual([
      { InstanceType: 'c7i.large' },
      { InstanceType: 'c7a.large' },
      { InstanceType: 'c6i.large' },
    ]);
  });

  it('replaces instances the load balancer reports unhealthy', () => {
    expect(asg.Properties).toMatchObject({
      HealthCheckType: 'ELB',
      HealthCheckGracePeriod: 300,
      TargetGroupARNs: [ref(gateway.targetGroup)],
    });
  });

  it('notifies the alert topic of scaling events and failed launches', () => {
    expect(asg.Properties.NotificationConfigurations).toEqual([
      {
        TopicARN: ref(topic),
        NotificationTypes: [
          'autoscaling:EC2_INSTANCE_LAUNCH',
          'autoscaling:EC2_INSTANCE_LAUNCH_ERROR',
          'autoscaling:EC2_INSTANCE_TERMINATE',
          'autoscaling:EC2_INSTANCE_TERMINATE_ERROR',
        ],
      },
    ]);
  });

  it('scales on CPU', () => {
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      AutoScalingGroupName: ref(tier.resource),
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' }, TargetValue: 60 },
    });
  });

  it('gives the instance role no permissions of its own beyond shipping its auth log', () => {
    const role = resourceOf(template, tier.role);
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' } },
    ]);
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role.Properties.Policies).toBeUndefined();
    const attached = resourcesOfType(template, 'AWS::IAM::Policy').filter(([, p]) =>
      JSON.stringify(p.Properties.Roles).includes(logicalId(tier.role)),
    );
    expect(attached.flatMap(([, p]) => p.Properties.PolicyDocument.Statement.map((st: any) => st.Sid))).toEqual(['ShipAuthLog']);
  });

  it('acknowledges the launch-template findings on the group, with reasons', () => {
    const acks = acknowledgements(tier.resource);
    expect(acks['AwsSolutions::AwsSolutions-EC26']).toMatch(/encrypted under the data key/);
    for (const pack of ['HIPAA.Security', 'NIST.800.53.R4', 'NIST.800.53.R5']) {
      expect(acks[`${pack}::${pack}-EC2IMDSv2Enabled`]).toMatch(/IMDSv2/);
    }
  });

  describe('warm standby', () => {
    const standbyStack = testStack('Standby');
    const standbyVpc = testVpc(standbyStack);
    const standbyGateway = new AppGateway(standbyStack, 'Gateway', {
      vpc: standbyVpc,
      subnets: { subnetGroupName: 'Public' },
      certificateArn: CERT,
      accessLogsBucket: new s3.Bucket(standbyStack, 'AlbLogs'),
      targetPort: 8443,
      healthCheckPath: '/healthz',
    });
    const standbyTier = new AppTier(standbyStack, 'App', {
      vpc: standbyVpc,
      subnets: { subnetGroupName: 'App' },
      targetGroup: standbyGateway.targetGroup,
      gateway: standbyGateway.securityGroup,
      port: 8443,
      volumeKey: new kms.Key(standbyStack, 'Key'),
      alertTopic: new sns.Topic(standbyStack, 'Topic'),
      standby: true,
      hostAccess: { users: USERS, authLogGroup: new logs.LogGroup(standbyStack, 'AuthLogs') },
    });
    const group = resourceOf(Template.fromStack(standbyStack), standbyTier.resource).Properties;

    it('idles at 0 instances by default and carries the standby tag, visible in the synth', () => {
      expect(group.MinSize).toBe('0');
      expect(group.MaxSize).toBe('6');
      expect(group.Tags).toContainEqual({ Key: 'baseline:standby', Value: 'warm-standby', PropagateAtLaunch: true });
    });

    it('keeps the serving tier untagged', () => {
      expect((asg.Properties.Tags ?? []).map((t: any) => t.Key)).not.toContain('baseline:standby');
    });
  });

  describe('errors', () => {
    const scratch = testStack('Scratch');
    const scratchVpc = testVpc(scratch);
    const id = idSource();
    const gatewaySg = new ec2.SecurityGroup(scratch, 'Gw', { vpc: scratchVpc, allowAllOutbound: false });
    const props = (over: Partial<AppTierProps>): AppTierProps => ({
      vpc: scratchVpc,
      subnets: { subnetGroupName: 'App' },
      targetGroup: gateway.targetGroup,
      gateway: gatewaySg,
      port: 8443,
      volumeKey: new kms.Key(scratch, id()),
      alertTopic: new sns.Topic(scratch, id()),
      hostAccess: { users: USERS, authLogGroup: new logs.LogGroup(scratch, id()) },
      ...over,
    });
    const make = (over: Partial<AppTierProps>) => () => new AppTier(scratch, id(), props(over));
    it.each<[string, any, RegExp]>([
      ['no person', [], /AppTier.hostAccess.users: received an empty list/],
      ['a person without a key', [{ name: 'alice', publicKeys: [] }], /AppTier.hostAccess.users\[0\].publicKeys: received an empty list/],
      ['a shared account', [{ name: 'ec2-user', publicKeys: [KEYS.ed25519] }], /AppTier.hostAccess.users\[0\].name: received "ec2-user"/],
      [
        'a private key',
        [{ name: 'alice', publicKeys: ['-----BEGIN OPENSSH PRIVATE KEY-----'] }],
        /AppTier.hostAccess.users\[0\].publicKeys\[0\]: received a key that is a PRIVATE key/,
      ],
    ])('fails on %s', (_what, users, message) => {
      expect(make({ hostAccess: { users, authLogGroup: new logs.LogGroup(scratch, id()) } })).toThrow(message);
    });

    it.each([1, 0, 2.5])('fails when minCapacity is %p', (minCapacity) => {
      expect(make({ minCapacity })).toThrow(
        new RegExp(`AppTier\\.minCapacity: received ${minCapacity}; expected at least 2 .*standby: true`),
      );
    });

    it('fails when maxCapacity is below minCapacity or below 2', () => {
      expect(make({ minCapacity: 4, maxCapacity: 3 })).toThrow(
        /AppTier\.maxCapacity: received 3; expected an integer of at least 2 and not below minCapacity \(4\)/,
      );
      expect(make({ maxCapacity: 1 })).toThrow(
        /AppTier\.maxCapacity: received 1; expected an integer of at least 2 and not below minCapacity \(2\)/,
      );
      expect(make({ standby: true, minCapacity: 0, maxCapacity: 1 })).toThrow(
        /AppTier\.maxCapacity: received 1; expected an integer of at least 2/,
      );
    });

    it('fails on a negative or fractional standby minCapacity', () => {
      expect(make({ standby: true, minCapacity: -1 })).toThrow(
        /AppTier\.minCapacity: received -1; expected a whole number of instances, 0 or more/,
      );
      expect(make({ standby: true, minCapacity: 0.5 })).toThrow(/AppTier\.minCapacity: received 0.5/);
    });

    it.each([0, 65536, 443.5])('fails when the port is %p', (port) => {
      expect(make({ port })).toThrow(new RegExp(`AppTier\\.port: received ${port}; expected a TCP port from 1 to 65535`));
    });

    it('fails with a single instance type', () => {
      expect(make({ subnets: { availabilityZones: ['eu-west-1a'], subnetGroupName: 'App' } })).toThrow(
        /AppTier\.subnets: received subnets in 1 availability zone\(s\); expected at least 2/,
      );
      expect(make({ instanceTypes: [new ec2.InstanceType('m7i.large')] })).toThrow(
        /AppTier\.instanceTypes: received 1 type\(s\); expected at least 2/,
      );
    });
  });
});
