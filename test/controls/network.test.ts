import { checkAppFromGateway, checkBastionSsh, checkDbFromApp, checkNetTiers } from '../../lib/controls/aws/network';
import { cidrPrefix } from '../../lib/controls/core/network';
import { edgeTemplate, primaryTemplate } from './fixtures/aws-templates';
import { expectFinding, expectNotApplicable, expectPass, props, weakened } from './support';

const att = (id: string, attr = 'GroupId') => ({ 'Fn::GetAtt': [id, attr] });
const ingress = (group: string, rule: Record<string, unknown>) => ({
  Type: 'AWS::EC2::SecurityGroupIngress',
  Properties: { GroupId: att(group), IpProtocol: 'tcp', ...rule },
});
const appServer = (extra: Record<string, unknown> = {}) => ({
  Type: 'AWS::EC2::Instance',
  Properties: { ImageId: 'ami-1', InstanceType: 't3.micro', SubnetId: { Ref: 'AppSubnet1' }, SecurityGroupIds: [att('AppSg')], ...extra },
});

describe('NET-TIERS (AWS)', () => {
  it('passes public, app and data tiers with only the ALB and the bastion public', () => {
    const result = checkNetTiers(primaryTemplate());
    expectPass(result);
    expect(result.evidence).toEqual(expect.arrayContaining(['Vpc', 'RestrictDefaultSg', 'AppAsg', 'Database', 'Gateway']));
  });

  it('is not applicable to a stack without network resources', () => {
    expectNotApplicable(checkNetTiers(edgeTemplate()));
  });

  it(
    'gives no bastion exemption by name: an instance called Bastion, Name-tagged "bastion", without the marker is a public ' + 'app server',
    () => {
      // The attack: any host named "bastion..." would otherwise get a public IP and the bastion's SSH rules.
      const t = weakened((t) => {
        t.Resources.BastionHost2 = {
          ...appServer({
            NetworkInterfaces: [{ AssociatePublicIpAddress: true, DeviceIndex: '0', SubnetId: { Ref: 'PublicSubnet1' } }],
            Tags: [{ Key: 'Name', Value: 'bastion-2' }],
          }),
        };
        delete t.Resources.BastionHost2.Properties.SubnetId;
      });
      expectFinding(checkNetTiers(t), 'BastionHost2', /AssociatePublicIpAddress is true/);
      // The real bastion without its marker loses the exemption too.
      expectFinding(checkNetTiers(weakened((t) => delete t.Resources.Bastion.Metadata)), 'Bastion', /AssociatePublicIpAddress is true/);
    },
  );

  it('accepts an internal network load balancer', () => {
    expectPass(
      checkNetTiers(
        weakened(
          (t) =>
            (t.Resources.Nlb = { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Type: 'network', Scheme: 'internal' } }),
        ),
      ),
    );
  });

  it.each<[string, (t: any) => void, string, RegExp]>([
    [
      'the default security group left open',
      (t) => delete t.Resources.RestrictDefaultSg,
      'Vpc',
      /default security group is not restricted/,
    ],
    [
      'only public subnets',
      (t) => {
        for (const id of ['AppSubnet1', 'AppSubnet2', 'DataSubnet1', 'DataSubnet2'])
          props(t, id).Tags.find((x: any) => x.Key === 'aws-cdk:subnet-type').Value = 'Public';
      },
      'Vpc',
      /every subnet of the VPC is public/,
    ],
    [
      'an app subnet mapping public IPs',
      (t) => (props(t, 'AppSubnet1').MapPublicIpOnLaunch = true),
      'AppSubnet1',
      /MapPublicIpOnLaunch is true on a subnet not tagged aws-cdk:subnet-type Public/,
    ],
    [
      'an app server in a public subnet',
      (t) => (t.Resources.AppServer = appServer({ SubnetId: { Ref: 'PublicSubnet2' } })),
      'AppServer',
      /public subnet\(s\) PublicSubnet2/,
    ],
    [
      'an app server in a subnet routed to the internet gateway',
      (t) => {
        t.Resources.AppServer = appServer();
        t.Resources.Rta = {
          Type: 'AWS::EC2::SubnetRouteTableAssociation',
          Properties: { RouteTableId: { Ref: 'PublicRouteTable' }, SubnetId: { Ref: 'AppSubnet1' } },
        };
      },
      'AppServer',
      /public subnet\(s\) AppSubnet1/,
    ],
    [
      'an app server with a public IP',
      (t) => (t.Resources.AppServer = appServer({ NetworkInterfaces: [{ AssociatePublicIpAddress: true, DeviceIndex: '0' }] })),
      'AppServer',
      /AssociatePublicIpAddress is true/,
    ],
    [
      'an Elastic IP on an app server',
      (t) => {
        t.Resources.AppServer = appServer();
        t.Resources.AppEip = { Type: 'AWS::EC2::EIP', Properties: { InstanceId: { Ref: 'AppServer' } } };
      },
      'AppEip',
      /Elastic IP attached to non-bastion instance AppServer/,
    ],
    [
      'a launch template with public IPs',
      (t) => (props(t, 'AppLaunchTemplate').LaunchTemplateData.NetworkInterfaces[0].AssociatePublicIpAddress = true),
      'AppLaunchTemplate',
      /AssociatePublicIpAddress is true; expected false/,
    ],
    [
      'the app group in public subnets',
      (t) => props(t, 'AppAsg').VPCZoneIdentifier.push({ Ref: 'PublicSubnet1' }),
      'AppAsg',
      /VPCZoneIdentifier includes public subnet\(s\) PublicSubnet1/,
    ],
    [
      'a publicly accessible database',
      (t) => (props(t, 'Database').PubliclyAccessible = true),
      'Database',
      /PubliclyAccessible is true; expected false/,
    ],
    [
      'PubliclyAccessible left to the default',
      (t) => delete props(t, 'Database').PubliclyAccessible,
      'Database',
      /PubliclyAccessible is absent; expected false/,
    ],
    [
      'the database in public subnets',
      (t) => (props(t, 'DbSubnets').SubnetIds = [{ Ref: 'PublicSubnet1' }, { Ref: 'PublicSubnet2' }]),
      'Database',
      /DB subnet group includes public subnet PublicSubnet1/,
    ],
    [
      'an internet-facing network load balancer',
      (t) => (t.Resources.Nlb = { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Type: 'network', Subnets: [] } }),
      'Nlb',
      /"network" load balancer is internet-facing/,
    ],
  ])('fails with %s', (_name, edit, resource, message) => {
    expectFinding(checkNetTiers(weakened(edit)), resource, message);
  });
});

describe('APP-FROM-GATEWAY (AWS)', () => {
  it('passes app port from the gateway group and SSH from the bastion group, HTTPS targets', () => {
    const result = checkAppFromGateway(primaryTemplate());
    expectPass(result);
    expect(result.evidence).toEqual(expect.arrayContaining(['AppAsg', 'AppSg', 'AppFromGateway', 'AppFromBastion', 'GatewayTargets']));
  });

  it('reads groups from LaunchTemplateData.SecurityGroupIds and inline ingress too', () => {
    const t = weakened((t) => {
      const data = props(t, 'AppLaunchTemplate').LaunchTemplateData;
      delete data.NetworkInterfaces;
      data.SecurityGroupIds = [att('AppSg')];
      props(t, 'AppSg').SecurityGroupIngress = [
        { IpProtocol: 'tcp', FromPort: 8443, ToPort: 8443, SourceSecurityGroupId: att('GatewaySg') },
      ];
      delete t.Resources.AppFromGateway;
    });
    expectPass(checkAppFromGateway(t));
  });

  it('is not applicable without an auto scaling group', () => {
    expectNotApplicable(checkAppFromGateway(edgeTemplate()));
  });

  it.each<[string, (t: any) => void, string, RegExp]>([
    [
      'the app port open to a CIDR',
      (t) => (t.Resources.Open = ingress('AppSg', { CidrIp: '10.0.0.0/8', FromPort: 8443, ToPort: 8443 })),
      'Open',
      /AppSg admits tcp 8443-8443 from CidrIp "10.0.0.0\/8"; expected only the load balancer's security group on port 8443/,
    ],
    [
      'the app port open to IPv6',
      (t) => (t.Resources.Open = ingress('AppSg', { CidrIpv6: '::/0', FromPort: 8443, ToPort: 8443 })),
      'Open',
      /from CidrIpv6 "::\/0"/,
    ],
    [
      'a prefix list source',
      (t) => (t.Resources.Open = ingress('AppSg', { SourcePrefixListId: 'pl-123', FromPort: 8443, ToPort: 8443 })),
      'Open',
      /from prefix list "pl-123"/,
    ],
    [
      'inline ingress from anywhere',
      (t) => (props(t, 'AppSg').SecurityGroupIngress = [{ CidrIp: '0.0.0.0/0', IpProtocol: '-1' }]),
      'AppSg',
      /AppSg admits all traffic from CidrIp "0.0.0.0\/0"/,
    ],
    [
      'the gateway reaching every port',
      (t) => Object.assign(props(t, 'AppFromGateway'), { FromPort: 0, ToPort: 65535 }),
      'AppFromGateway',
      /admits tcp 0-65535 from security group GatewaySg/,
    ],
    [
      'the gateway reaching SSH',
      (t) => Object.assign(props(t, 'AppFromGateway'), { FromPort: 22, ToPort: 22 }),
      'AppFromGateway',
      /from security group GatewaySg; expected only/,
    ],
    [
      'the bastion reaching the app port',
      (t) => Object.assign(props(t, 'AppFromBastion'), { FromPort: 8443, ToPort: 8443 }),
      'AppFromBastion',
      /from security group BastionSg/,
    ],
    [
      'another group admitted',
      (t) => (props(t, 'AppFromBastion').SourceSecurityGroupId = att('DbSg')),
      'AppFromBastion',
      /from security group DbSg/,
    ],
    [
      'plain HTTP to the targets',
      (t) => (props(t, 'GatewayTargets').Protocol = 'HTTP'),
      'GatewayTargets',
      /Protocol is "HTTP"; expected "HTTPS"/,
    ],
    ['no target group', (t) => (props(t, 'AppAsg').TargetGroupARNs = []), 'AppAsg', /TargetGroupARNs is empty/],
    [
      'no security group on the launch template',
      (t) => (props(t, 'AppLaunchTemplate').LaunchTemplateData.NetworkInterfaces[0].Groups = []),
      'AppAsg',
      /names no security group/,
    ],
  ])('fails with %s', (_name, edit, resource, message) => {
    expectFinding(checkAppFromGateway(weakened(edit)), resource, message);
  });
});

describe('DB-FROM-APP (AWS)', () => {
  it('passes a private database admitting only the app group over forced TLS', () => {
    const result = checkDbFromApp(primaryTemplate());
    expectPass(result);
    expect(result.evidence).toEqual(expect.arrayContaining(['Database', 'DbSg', 'DbFromApp', 'DbParams']));
  });

  it('accepts rds.force_ssl as a number', () => {
    expectPass(checkDbFromApp(weakened((t) => (props(t, 'DbParams').Parameters['rds.force_ssl'] = 1))));
  });

  it('is not applicable without a database', () => {
    expectNotApplicable(checkDbFromApp(edgeTemplate()));
  });

  it('checks an Aurora cluster through its cluster parameter group', () => {
    const t = weakened((t) => {
      const db = props(t, 'Database');
      t.Resources.Cluster = {
        Type: 'AWS::RDS::DBCluster',
        Properties: {
          Engine: 'aurora-postgresql',
          DBClusterParameterGroupName: { Ref: 'ClusterParams' },
          DBSubnetGroupName: db.DBSubnetGroupName,
          EnableIAMDatabaseAuthentication: true,
          VpcSecurityGroupIds: db.VPCSecurityGroups,
        },
      };
      t.Resources.ClusterParams = {
        Type: 'AWS::RDS::DBClusterParameterGroup',
        Properties: { Family: 'aurora-postgresql16', Parameters: { 'rds.force_ssl': '0' } },
      };
      t.Resources.Database.Properties = {
        DBClusterIdentifier: { Ref: 'Cluster' },
        DBInstanceClass: 'db.r7g.large',
        Engine: 'aurora-postgresql',
        PubliclyAccessible: false,
      };
    });
    expectFinding(checkDbFromApp(t), 'Cluster', /ClusterParams: rds.force_ssl is "0"; expected "1"/);
  });

  it.each<[string, (t: any) => void, string, RegExp]>([
    [
      'public accessibility',
      (t) => (props(t, 'Database').PubliclyAccessible = true),
      'Database',
      /PubliclyAccessible is true; expected false/,
    ],
    [
      'the database open to a CIDR',
      (t) => (t.Resources.Open = ingress('DbSg', { CidrIp: '10.20.0.0/16', FromPort: 5432, ToPort: 5432 })),
      'Open',
      /DbSg admits tcp 5432-5432 from CidrIp "10.20.0.0\/16"; expected only the app security group \(AppSg\) on tcp 5432/,
    ],
    [
      'the bastion reaching the database',
      (t) => (t.Resources.Open = ingress('DbSg', { SourceSecurityGroupId: att('BastionSg'), FromPort: 5432, ToPort: 5432 })),
      'Open',
      /from security group BastionSg/,
    ],
    [
      'the app reaching every port',
      (t) => Object.assign(props(t, 'DbFromApp'), { FromPort: 0, ToPort: 65535 }),
      'DbFromApp',
      /tcp 0-65535/,
    ],
    [
      'TLS not forced',
      (t) => (props(t, 'DbParams').Parameters['rds.force_ssl'] = '0'),
      'Database',
      /DbParams: rds.force_ssl is "0"; expected "1"/,
    ],
    ['force_ssl absent', (t) => delete props(t, 'DbParams').Parameters['rds.force_ssl'], 'Database', /rds.force_ssl is absent/],
    [
      'a TLS floor below 1.2',
      (t) => (props(t, 'DbParams').Parameters.ssl_min_protocol_version = 'TLSv1'),
      'Database',
      /ssl_min_protocol_version is "TLSv1"/,
    ],
    [
      'the default parameter group',
      (t) => (props(t, 'Database').DBParameterGroupName = 'default.postgres17'),
      'Database',
      /DBParameterGroupName is "default.postgres17"; expected a AWS::RDS::DBParameterGroup of this template/,
    ],
    [
      'IAM authentication off',
      (t) => (props(t, 'Database').EnableIAMDatabaseAuthentication = false),
      'Database',
      /EnableIAMDatabaseAuthentication is false; expected true/,
    ],
    [
      'the database in public subnets',
      (t) => props(t, 'DbSubnets').SubnetIds.push({ Ref: 'PublicSubnet1' }),
      'Database',
      /public subnet PublicSubnet1/,
    ],
    ['no subnet group (the default VPC)', (t) => delete props(t, 'Database').DBSubnetGroupName, 'Database', /DBSubnetGroupName is absent/],
    ['no security group', (t) => delete props(t, 'Database').VPCSecurityGroups, 'Database', /no VPC security group/],
    [
      'no app tier to admit',
      (t) => {
        delete t.Resources.AppAsg;
      },
      'Database',
      /no app tier/,
    ],
  ])('fails with %s', (_name, edit, resource, message) => {
    expectFinding(checkDbFromApp(weakened(edit)), resource, message);
  });
});

describe('BASTION-SSH (AWS)', () => {
  it('passes a bastion with IMDSv2, hardened sshd and an allowlist no broader than /24 and /48', () => {
    const result = checkBastionSsh(primaryTemplate());
    expectPass(result);
    expect(result.evidence).toEqual(expect.arrayContaining(['Bastion', 'BastionSg']));
  });

  it('is not applicable without instances, key pairs or security groups', () => {
    expectNotApplicable(checkBastionSsh(edgeTemplate()));
  });

  it('honours a narrower allowlist option', () => {
    expectFinding(
      checkBastionSsh(primaryTemplate(), { maxAllowlistPrefix: { ipv4: 29, ipv6: 64 } }),
      'BastionSg',
      /admits SSH from "198.51.100.0\/28"; expected ipv4 prefixes of \/29 or narrower/,
    );
  });

  it('takes IMDSv2 from the launch template when the instance does not set it', () => {
    expectPass(checkBastionSsh(weakened((t) => delete props(t, 'Bastion').MetadataOptions)));
  });

  it.each<[string, (t: any) => void, string, RegExp]>([
    [
      'a shared key pair on the bastion',
      (t) => (props(t, 'Bastion').KeyName = 'ops'),
      'Bastion',
      /KeyName is "ops"; expected no shared key pair/,
    ],
    [
      'a key pair in a launch template',
      (t) => (props(t, 'AppLaunchTemplate').LaunchTemplateData.KeyName = 'ops'),
      'AppLaunchTemplate',
      /LaunchTemplateData.KeyName is "ops"/,
    ],
    [
      'an AWS::EC2::KeyPair',
      (t) => (t.Resources.Key = { Type: 'AWS::EC2::KeyPair', Properties: { KeyName: 'ops' } }),
      'Key',
      /AWS::EC2::KeyPair is a key shared/,
    ],
    [
      'IMDSv1 allowed',
      (t) => (props(t, 'BastionLaunchTemplate').LaunchTemplateData.MetadataOptions.HttpTokens = 'optional'),
      'Bastion',
      /HttpTokens is "optional"; expected "required"/,
    ],
    [
      'IMDSv1 allowed by the instance',
      (t) => (props(t, 'Bastion').MetadataOptions = { HttpTokens: 'optional' }),
      'Bastion',
      /HttpTokens is "optional"/,
    ],
    [
      'password authentication left on',
      (t) => (props(t, 'Bastion').UserData = { 'Fn::Base64': '#!/bin/bash\nPermitRootLogin no\n' }),
      'Bastion',
      /does not set "PasswordAuthentication no"/,
    ],
    [
      'root login left on',
      (t) => (props(t, 'Bastion').UserData = { 'Fn::Base64': '#!/bin/bash\nPasswordAuthentication no\n' }),
      'Bastion',
      /does not set "PermitRootLogin no"/,
    ],
    [
      'password authentication turned back on',
      (t) =>
        (props(t, 'Bastion').UserData = { 'Fn::Base64': 'PasswordAuthentication no\nPermitRootLogin no\nPasswordAuthentication yes\n' }),
      'Bastion',
      /also sets PasswordAuthentication/,
    ],
    [
      'no user data',
      (t) => delete props(t, 'Bastion').UserData,
      'Bastion',
      /has no user data; expected a boot script creating one account per person/,
    ],
    [
      'a bastion that keeps EC2 Instance Connect',
      (t) =>
        (props(t, 'Bastion').UserData = {
          'Fn::Base64': 'PasswordAuthentication no\nPermitRootLogin no\nAuthorizedKeysCommand none\nAllowUsers alice\n',
        }),
      'Bastion',
      /does not remove EC2 Instance Connect/,
    ],
    [
      'an AuthorizedKeysCommand left to the image (Instance Connect keys accepted)',
      (t) =>
        (props(t, 'Bastion').UserData = {
          'Fn::Base64': 'dnf remove -y ec2-instance-connect\nPasswordAuthentication no\nPermitRootLogin no\nAllowUsers alice\n',
        }),
      'Bastion',
      /does not set "AuthorizedKeysCommand none"/,
    ],
    [
      'an app launch template whose hosts admit any account',
      (t) =>
        (props(t, 'AppLaunchTemplate').LaunchTemplateData.UserData = {
          'Fn::Base64': 'dnf remove -y ec2-instance-connect\nPasswordAuthentication no\nPermitRootLogin no\nAuthorizedKeysCommand none\n',
        }),
      'AppLaunchTemplate',
      /sets no sshd AllowUsers/,
    ],
    [
      'an app launch template with no boot script',
      (t) => delete props(t, 'AppLaunchTemplate').LaunchTemplateData.UserData,
      'AppLaunchTemplate',
      /has no user data/,
    ],
    [
      'SSH from anywhere',
      (t) => props(t, 'BastionSg').SecurityGroupIngress.push({ CidrIp: '0.0.0.0/0', FromPort: 22, IpProtocol: 'tcp', ToPort: 22 }),
      'BastionSg',
      /admits SSH from "0.0.0.0\/0"; expected ipv4 prefixes of \/24 or narrower, never the whole internet/,
    ],
    [
      'SSH from any IPv6 address',
      (t) => props(t, 'BastionSg').SecurityGroupIngress.push({ CidrIpv6: '::/0', FromPort: 22, IpProtocol: 'tcp', ToPort: 22 }),
      'BastionSg',
      /admits SSH from "::\/0"/,
    ],
    [
      'a /16 allowlist entry',
      (t) => (props(t, 'BastionSg').SecurityGroupIngress[0].CidrIp = '198.51.0.0/16'),
      'BastionSg',
      /"198.51.0.0\/16"; expected ipv4 prefixes of \/24 or narrower/,
    ],
    [
      'a /32 IPv6 allowlist entry',
      (t) => (props(t, 'BastionSg').SecurityGroupIngress[2].CidrIpv6 = '2001:db8::/32'),
      'BastionSg',
      /"2001:db8::\/32"; expected ipv6 prefixes of \/48 or narrower/,
    ],
    [
      'an allowlist from a parameter',
      (t) => (props(t, 'BastionSg').SecurityGroupIngress[0].CidrIp = { Ref: 'AllowedCidr' }),
      'BastionSg',
      /expected a literal CIDR/,
    ],
    [
      'another port on the bastion',
      (t) =>
        props(t, 'BastionSg').SecurityGroupIngress.push({ CidrIp: '203.0.113.10/32', FromPort: 3389, IpProtocol: 'tcp', ToPort: 3389 }),
      'BastionSg',
      /admits tcp 3389-3389 .*expected only tcp 22/,
    ],
    [
      'SSH from a security group to the bastion',
      (t) => (t.Resources.FromApp = ingress('BastionSg', { SourceSecurityGroupId: att('AppSg'), FromPort: 22, ToPort: 22 })),
      'FromApp',
      /expected only allowlisted CIDRs/,
    ],
    [
      'SSH to the app tier from a CIDR',
      (t) => (t.Resources.Direct = ingress('AppSg', { CidrIp: '203.0.113.10/32', FromPort: 22, ToPort: 22 })),
      'Direct',
      /AppSg admits SSH: tcp 22-22 from CidrIp "203.0.113.10\/32"; expected SSH only from the bastion's security group/,
    ],
    [
      'a port range including SSH from a CIDR',
      (t) => props(t, 'GatewaySg').SecurityGroupIngress.push({ CidrIp: '0.0.0.0/0', FromPort: 0, IpProtocol: 'tcp', ToPort: 1024 }),
      'GatewaySg',
      /GatewaySg admits SSH: tcp 0-1024/,
    ],
    [
      'all traffic from a CIDR',
      (t) => (props(t, 'DbSg').SecurityGroupIngress = [{ CidrIp: '10.0.0.0/8', IpProtocol: '-1' }]),
      'DbSg',
      /DbSg admits SSH: all traffic/,
    ],
    [
      'SSH to the database from the app tier',
      (t) => (t.Resources.AppSsh = ingress('DbSg', { SourceSecurityGroupId: att('AppSg'), FromPort: 22, ToPort: 22 })),
      'AppSsh',
      /DbSg admits SSH: tcp 22-22 from security group AppSg/,
    ],
  ])('fails with %s', (_name, edit, resource, message) => {
    expectFinding(checkBastionSsh(weakened(edit)), resource, message);
  });
});

describe('cidrPrefix', () => {
  it('reads IPv4 and IPv6 prefixes and rejects anything else', () => {
    expect(cidrPrefix('203.0.113.10/32')).toEqual({ family: 'ipv4', prefix: 32 });
    expect(cidrPrefix('0.0.0.0/0')).toEqual({ family: 'ipv4', prefix: 0 });
    expect(cidrPrefix('2001:db8:1234::/48')).toEqual({ family: 'ipv6', prefix: 48 });
    expect(cidrPrefix('::/0')).toEqual({ family: 'ipv6', prefix: 0 });
    for (const bad of ['203.0.113.10', '300.0.0.0/8', '10.0.0.0/33', { Ref: 'X' }, 'any']) expect(cidrPrefix(bad)).toBeUndefined();
  });
});
