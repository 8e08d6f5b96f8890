import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { allowlistCidrProblem, parseCidr, type AllowlistLimits } from '../config/cidr';
import { POLICY_FLOORS } from '../config/floors';
import { acknowledgeDecision } from '../policy/acknowledge';
import { ROLE_MARKER } from '../controls/markers';
import { type HostUser, linuxHostAccessScript, validateHostUsers } from './linux-host-access';

/** One person allowed to log in to the bastion. */
export type BastionUser = HostUser;

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
   * @default { ipv4: 24, ipv6: 48 } (POLICY_FLOORS.access.maxAllowlistPrefix)
   */
  readonly maxAllowlistPrefix?: AllowlistLimits;
  /**
   * Smallest RSA key accepted.
   * @default 3072 (POLICY_FLOORS.access.minRsaBits)
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
 * EC2 Instance Connect removed, no shared EC2 key pair, IMDSv2, a root volume encrypted under the
 * given key (on the instance and its launch template), and the SSH authentication log shipped
 * to the central log group. A change of users or keys replaces the instance, so no stale account
 * survives.
 */
export class Bastion extends Construct implements ec2.IConnectable {
  /** The bastion instance. */
  readonly resource: ec2.Instance;
  /** Security group of the bastion; the app tier admits SSH only from it. */
  readonly securityGroup: ec2.SecurityGroup;
  /** The bastion's security group, with SSH as default port: what a tier admits (AppTier.allowSshFrom). */
  readonly connections: ec2.Connections;

  constructor(scope: Construct, id: string, props: BastionProps) {
    super(scope, id);
    const limits = props.maxAllowlistPrefix ?? POLICY_FLOORS.access.maxAllowlistPrefix;
    const minRsaBits = props.minRsaBits ?? POLICY_FLOORS.access.minRsaBits;
    if (props.allowedCidrs.length === 0) {
      throw new Error(
        'Bastion.allowedCidrs: received an empty list; expected at least one office or VPN egress range such as 198.51.100.10/32',
      );
    }
    props.allowedCidrs.forEach((cidr, i) => {
      const problem = allowlistCidrProblem(cidr, limits);
      if (problem)
        throw new Error(
          `Bastion.allowedCidrs[${i}]: received "${cidr}", which ${problem}; use a narrow office or VPN range such as 198.51.100.10/32`,
        );
    });
    validateHostUsers(props.users, minRsaBits, 'Bastion');

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
    this.connections = new ec2.Connections({ securityGroups: [this.securityGroup], defaultPort: ec2.Port.tcp(22) });
    // Egress: SSH to the tiers that admit it (AppTier.allowSshFrom), and what the stack opens (the
    // VPC's AWS service endpoints, configured package mirrors); nothing else (NET-TIERS).

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
    userData.addCommands(
      ...linuxHostAccessScript({
        users: props.users,
        authLogGroupName: props.authLogGroup.logGroupName,
        region: Stack.of(this).region,
        role: 'bastion',
      }),
    );

    // The root volume is encrypted under the data key on the instance and in its launch
    // template, so neither an account-default key nor an unencrypted default can apply
    // (control ENC-REST), whichever of the two a reviewer or a policy pack reads.
    const rootVolume: ec2.BlockDevice[] = [
      {
        deviceName: '/dev/xvda',
        volume: ec2.BlockDeviceVolume.ebs(8, {
          encrypted: true,
          kmsKey: props.volumeKey,
          volumeType: ec2.EbsDeviceVolumeType.GP3,
          deleteOnTermination: true,
        }),
      },
    ];
    this.resource = new ec2.Instance(this, 'Resource', {
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
      blockDevices: rootVolume,
    });
    for (const decision of ['bastion-public-address', 'bastion-replaced-not-protected', 'bastion-subnet-on-interface'] as const)
      acknowledgeDecision(this.resource.instance, decision);
    // aws-cdk-lib copies the subnet's zone into AvailabilityZone, which the subnet on the network
    // interface already fixes; the copy only hard-codes a zone name (cfn-lint W3010). Removed
    // rather than acknowledged.
    this.resource.instance.addPropertyDeletionOverride('AvailabilityZone');
    // IMDSv2 only, one hop (stolen instance credentials through SSRF need IMDSv1), through a
    // launch template with detailed monitoring (CT.EC2.PR.10) that every policy pack can read.
    const launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      requireImdsv2: true,
      httpTokens: ec2.LaunchTemplateHttpTokens.REQUIRED,
      httpPutResponseHopLimit: 1,
      detailedMonitoring: true,
      blockDevices: rootVolume,
    });
    this.resource.instance.launchTemplate = {
      launchTemplateId: launchTemplate.launchTemplateId,
      version: launchTemplate.latestVersionNumber,
    };
    // Repeated on the instance, where instance-level settings win and every pack looks first.
    this.resource.instance.metadataOptions = { httpTokens: 'required', httpPutResponseHopLimit: 1, httpEndpoint: 'enabled' };
    // The marker the checks recognise a bastion by (NET-TIERS lets it have a public address,
    // BASTION-SSH checks it strictly): template metadata, which config tags cannot forge and a
    // name cannot imply.
    this.resource.instance.addMetadata(ROLE_MARKER, 'bastion');
  }
}
