import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { allowlistCidrProblem, parseCidr, type AllowlistLimits } from '../config/cidr';
import { checkSshPublicKey, SSHD_HARDENING } from '../config/ssh-keys';
import { acknowledgeDecision } from './acknowledge';
import { ROLE_MARKER } from '../controls/markers';

/** One person allowed to log in to the bastion. */
export interface BastionUser {
  /** OS account name; every login is identified by it. */
  readonly name: string;
  /** That person's OpenSSH public keys. */
  readonly publicKeys: readonly string[];
}

/** Props of {@link Bastion}. */
export interface BastionProps {
  /** VPC of the bastion. */
  readonly vpc: ec2.IVpc;
  /** Public subnets; the bastion runs in the first. */
  readonly subnets: ec2.SubnetSelection;
  /** Source ranges admitted on port 22 (IPv4 or IPv6, never /0). */
  readonly allowedCidrs: readonly string[];
  /** One OS account per person, holding only that person's keys. */
  readonly users: readonly BastionUser[];
  /** Key encrypting the root volume. */
  readonly volumeKey: kms.IKey;
  /** Central log group receiving the SSH authentication log (control LOG-CENTRAL). */
  readonly authLogGroup: logs.ILogGroup;
  /**
   * Broadest allowlist entries accepted.
   * @default { ipv4: 24, ipv6: 48 }
   */
  readonly maxAllowlistPrefix?: AllowlistLimits;
  /**
   * Smallest RSA key accepted.
   * @default 3072
   */
  readonly minRsaBits?: number;
  /** A Nitro type with encryption in transit (CT.EC2.PR.19). @default c7a.medium */
  readonly instanceType?: ec2.InstanceType;
  /** @default - latest Amazon Linux 2023, resolved at deploy time from SSM */
  readonly machineImage?: ec2.IMachineImage;
}


/**
 * The only way to a shell on the servers (control BASTION-SSH; claims A11, A16): one small
 * instance in a public subnet whose security group admits port 22 only from the allowlist, with
 * one OS account per person holding only that person's keys, password and root login disabled,
 * no shared EC2 key pair, IMDSv2, an encrypted root volume, and the SSH authentication log shipped
 * to the central log group. A change of users or keys replaces the instance, so no stale account
 * survives.
 */
export class Bastion extends Construct {
  /** The bastion instance. */
  readonly instance: ec2.Instance;
  /** Security group of the bastion; the app tier admits SSH only from it. */
  readonly securityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: BastionProps) {
    super(scope, id);
    const limits = props.maxAllowlistPrefix ?? { ipv4: 24, ipv6: 48 };
    const minRsaBits = props.minRsaBits ?? 3072;
    if (props.allowedCidrs.length === 0) {
      throw new Error('Bastion.allowedCidrs: received an empty list; expected at least one office or VPN egress range such as 198.51.100.10/32');
    }
    props.allowedCidrs.forEach((cidr, i) => {
      const problem = allowlistCidrProblem(cidr, limits);
      if (problem) throw new Error(`Bastion.allowedCidrs[${i}]: received "${cidr}", which ${problem}; use a narrow office or VPN range such as 198.51.100.10/32`);
    });
    if (props.users.length === 0) throw new Error('Bastion.users: received an empty list; expected at least one person with a public key');
    const names = new Set<string>();
    props.users.forEach((user, u) => {
      if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(user.name) || user.name === 'root') {
        throw new Error(`Bastion.users[${u}].name: received "${user.name}"; expected a personal Linux user name (lower case, not root)`);
      }
      if (names.has(user.name)) throw new Error(`Bastion.users[${u}].name: received "${user.name}" twice; merge the entries`);
      names.add(user.name);
      if (user.publicKeys.length === 0) throw new Error(`Bastion.users[${u}].publicKeys: received an empty list; expected at least one public key`);
      user.publicKeys.forEach((key, k) => {
        const checked = checkSshPublicKey(key, minRsaBits);
        if ('error' in checked) throw new Error(`Bastion.users[${u}].publicKeys[${k}]: received a key that ${checked.error}`);
      });
    });

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Bastion: SSH from the allowlist only',
      allowAllOutbound: false,
      allowAllIpv6Outbound: false,
    });
    for (const cidr of props.allowedCidrs) {
      const parsed = parseCidr(cidr);
      const peer = 'family' in parsed && parsed.family === 'ipv6' ? ec2.Peer.ipv6(cidr) : ec2.Peer.ipv4(cidr);
      this.securityGroup.addIngressRule(peer, ec2.Port.tcp(22), `SSH from allowlisted ${cidr}`);
    }
    this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to package repositories and CloudWatch Logs');

    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: 'Bastion: ships its SSH authentication log, nothing else',
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        resources: [props.authLogGroup.logGroupArn],
      }),
    );

    const userData = ec2.UserData.forLinux({ shebang: '#!/bin/bash' });
    userData.addCommands(...bastionScript(props.users, props.authLogGroup.logGroupName, Stack.of(this).region));

    this.instance = new ec2.Instance(this, 'Resource', {
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      associatePublicIpAddress: true,
      instanceType: props.instanceType ?? new ec2.InstanceType('c7a.medium'),
      machineImage: props.machineImage ?? ec2.MachineImage.latestAmazonLinux2023(),
      securityGroup: this.securityGroup,
      role,
      userData,
      userDataCausesReplacement: true,
      detailedMonitoring: true,
      ebsOptimized: true,
      blockDevices: [
        {
          deviceName: '/dev/xvda',
          volume: ec2.BlockDeviceVolume.ebs(8, { encrypted: true, kmsKey: props.volumeKey, volumeType: ec2.EbsDeviceVolumeType.GP3, deleteOnTermination: true }),
        },
      ],
    });
    for (const decision of ['bastion-public-address', 'bastion-replaced-not-protected', 'bastion-subnet-on-interface'] as const) acknowledgeDecision(this.instance.instance, decision);
    // aws-cdk-lib copies the subnet's zone into AvailabilityZone, which the subnet on the network
    // interface already fixes; the copy only hard-codes a zone name (cfn-lint W3010). Removed
    // rather than acknowledged.
    this.instance.instance.addPropertyDeletionOverride('AvailabilityZone');
    // IMDSv2 only, one hop (stolen instance credentials through SSRF need IMDSv1), through a
    // launch template with detailed monitoring (CT.EC2.PR.10) that every policy pack can read.
    const launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      requireImdsv2: true,
      httpTokens: ec2.LaunchTemplateHttpTokens.REQUIRED,
      httpPutResponseHopLimit: 1,
      detailedMonitoring: true,
    });
    this.instance.instance.launchTemplate = { launchTemplateId: launchTemplate.launchTemplateId, version: launchTemplate.latestVersionNumber };
    // Repeated on the instance, where instance-level settings win and every pack looks first.
    this.instance.instance.metadataOptions = { httpTokens: 'required', httpPutResponseHopLimit: 1, httpEndpoint: 'enabled' };
    // The marker the checks recognise a bastion by (NET-TIERS lets it have a public address,
    // BASTION-SSH checks it strictly): template metadata, which config tags cannot forge and a
    // name cannot imply.
    this.instance.instance.addMetadata(ROLE_MARKER, 'bastion');
  }

  /** Lets the bastion open SSH connections to the given tier (which must admit it too). */
  allowSshTo(target: ec2.ISecurityGroup): void {
    this.securityGroup.addEgressRule(target, ec2.Port.tcp(22), 'SSH to the app tier');
  }
}

/** The boot script: accounts, keys, sshd hardening and auth-log shipping. */
function bastionScript(users: readonly BastionUser[], logGroupName: string, region: string): string[] {
  const lines = [
    'set -euo pipefail',
    'dnf install -y rsyslog amazon-cloudwatch-agent',
    'systemctl enable --now rsyslog',
    "cat > /etc/ssh/sshd_config.d/00-baseline.conf <<'SSHD'",
    ...SSHD_HARDENING,
    `AllowUsers ${users.map((u) => u.name).join(' ')}`,
    'SSHD',
    'passwd -l root',
    // The image's default user has no key (no EC2 key pair); lock it so no shared login exists.
    'if id ec2-user >/dev/null 2>&1; then usermod -L -s /sbin/nologin ec2-user; fi',
  ];
  for (const user of users) {
    const home = `/home/${user.name}`;
    lines.push(
      `id ${user.name} >/dev/null 2>&1 || useradd -m -s /bin/bash ${user.name}`,
      `passwd -l ${user.name}`,
      `install -d -m 700 -o ${user.name} -g ${user.name} ${home}/.ssh`,
      `cat > ${home}/.ssh/authorized_keys <<'KEYS'`,
      ...user.publicKeys.map((k) => k.trim()),
      'KEYS',
      `chown ${user.name}:${user.name} ${home}/.ssh/authorized_keys`,
      `chmod 600 ${home}/.ssh/authorized_keys`,
    );
  }
  const agentConfig = {
    logs: {
      logs_collected: {
        files: {
          collect_list: [{ file_path: '/var/log/secure', log_group_name: logGroupName, log_stream_name: '{instance_id}/secure', retention_in_days: -1 }],
        },
      },
    },
  };
  lines.push(
    'sshd -t',
    'systemctl restart sshd',
    "cat > /opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json <<'AGENT'",
    JSON.stringify(agentConfig),
    'AGENT',
    `AWS_REGION=${region} /opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:/opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json`,
  );
  return lines;
}
