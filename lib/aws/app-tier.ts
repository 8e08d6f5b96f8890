import { Duration, Stack, Tags } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { POLICY_FLOORS } from '../config/floors';
import { acknowledgeDecision } from '../policy/acknowledge';
import { allowTraffic } from './allow-traffic';
import { namePath } from './name-path';
import { type HostUser, linuxHostAccessScript, validateHostUsers } from './linux-host-access';

/** Props of {@link AppTier}. */
export interface AppTierProps {
  /** VPC of the app tier. */
  readonly vpc: ec2.IVpc;
  /** Private subnets with egress, one per zone (at least 2). */
  readonly subnets: ec2.SubnetSelection;
  /** Target group of the gateway; the instances register here. */
  readonly targetGroup: elbv2.IApplicationTargetGroup;
  /** The gateway (its security groups): the only source of application traffic. */
  readonly gateway: ec2.IConnectable;
  /** Port the app serves HTTPS on. */
  readonly port: number;
  /** Key encrypting the root volumes (control ENC-REST). */
  readonly volumeKey: kms.IKey;
  /** Topic notified of scaling events and failed launches. */
  readonly alertTopic: sns.ITopic;
  /**
   * Instance types in order of preference; at least two, so a shortage of one type in a zone
   * cannot stop the group replacing instances (CT.AUTOSCALING.PR.6).
   * @default m7i.large, m7a.large
   */
  readonly instanceTypes?: readonly ec2.InstanceType[];
  /** @default - latest Amazon Linux 2023, resolved at deploy time from SSM (no synth lookup) */
  readonly machineImage?: ec2.IMachineImage;
  /**
   * Instances kept running; at least 2 so one zone can fail (control HA-MULTIZONE).
   * @default 2 (POLICY_FLOORS.availability.minAppInstances)
   */
  readonly minCapacity?: number;
  /**
   * Marks the tier as the warm standby of a disaster-recovery region (control DR-REGION): it
   * may then run 0 or 1 instances until a failover scales it out, which is the trade the DR
   * design makes (the standby serves no traffic). The group carries the tag
   * `baseline:standby=warm-standby`, so the weaker capacity is visible in the synth and the
   * HA-MULTIZONE check knows to require only the scale-out room (maxCapacity >= 2).
   * @default false
   */
  readonly standby?: boolean;
  /** @default 6 */
  readonly maxCapacity?: number;
  /** Root volume size. @default 20 */
  readonly rootVolumeGiB?: number;
  /**
   * Who may log in, and where logins are recorded (control BASTION-SSH, claims A11, A16): one OS
   * account per person holding only that person's keys, the same sshd hardening as the bastion
   * (and no forwarding), EC2 Instance Connect removed, and the SSH authentication log shipped to
   * `authLogGroup`. Logins reach the hosts only through the bastion (`ssh -J`).
   */
  readonly hostAccess: AppHostAccess;
}

/** The people who may log in to the app hosts, and the log group recording their logins. */
export interface AppHostAccess {
  /** One OS account per person, holding only that person's keys. */
  readonly users: readonly HostUser[];
  /** Central log group receiving the SSH authentication log (control LOG-CENTRAL). */
  readonly authLogGroup: logs.ILogGroup;
  /**
   * Smallest RSA key accepted.
   * @default 3072 (POLICY_FLOORS.access.minRsaBits)
   */
  readonly minRsaBits?: number;
}

/** Tag marking a warm-standby app tier; read by the HA-MULTIZONE check. */
export const STANDBY_TAG = 'baseline:standby';
/** Value of {@link STANDBY_TAG}. */
export const STANDBY_TAG_VALUE = 'warm-standby';

/**
 * The app servers (controls APP-FROM-GATEWAY, HA-MULTIZONE, ENC-REST; claims A12, B11): an Auto
 * Scaling group over at least two zones of private subnets, replacing instances the load
 * balancer reports unhealthy. Instances have no public address, require IMDSv2 with a hop limit
 * of 1 (so a container or SSRF cannot reach the instance credentials), and encrypt their volumes
 * under the data key. Their security group admits the app port only from the gateway's security
 * group; SSH is added only from the bastion through {@link allowSshFrom}. Its `connections`
 * (aws-cdk-lib IConnectable, default port the app port) are what other constructs admit or reach;
 * as an IGrantable it receives aws-cdk-lib grants (`bucket.grantRead(appTier)`) on its role.
 */
export class AppTier extends Construct implements ec2.IConnectable, iam.IGrantable {
  /** The Auto Scaling group. */
  readonly resource: autoscaling.AutoScalingGroup;
  /** Security group of the instances. */
  readonly securityGroup: ec2.SecurityGroup;
  /** Role of the instances. */
  readonly role: iam.Role;
  /** The instances' security group, with the app port as default port. */
  readonly connections: ec2.Connections;
  /** The instances' role: what `grantRead` and friends of aws-cdk-lib resources grant to. */
  readonly grantPrincipal: iam.IPrincipal;

  constructor(scope: Construct, id: string, props: AppTierProps) {
    super(scope, id);
    const standby = props.standby ?? false;
    const { minAppInstances, minZones } = POLICY_FLOORS.availability;
    const min = props.minCapacity ?? (standby ? 0 : minAppInstances);
    const max = props.maxCapacity ?? 6;
    if (!Number.isInteger(min) || min < (standby ? 0 : minAppInstances)) {
      throw new Error(
        standby
          ? `AppTier.minCapacity: received ${min}; expected a whole number of instances, 0 or more`
          : `AppTier.minCapacity: received ${min}; expected at least ${minAppInstances} so the tier survives losing an instance ` +
              `or zone (a DR warm standby sets standby: true)`,
      );
    }
    if (!Number.isInteger(max) || max < min || max < minZones) {
      throw new Error(
        `AppTier.maxCapacity: received ${max}; expected an integer of at least ${minZones} and not below minCapacity ` +
          `(${min}), so the tier can spread over ${minZones} zones`,
      );
    }
    if (!Number.isInteger(props.port) || props.port < 1 || props.port > 65535) {
      throw new Error(`AppTier.port: received ${props.port}; expected a TCP port from 1 to 65535`);
    }
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'App tier: app port from the gateway only, SSH from the bastion only',
      allowAllOutbound: false,
    });
    this.connections = new ec2.Connections({ securityGroups: [this.securityGroup], defaultPort: ec2.Port.tcp(props.port) });
    // Egress is opened by the stack to what the hosts need (the VPC's AWS service endpoints,
    // configured package mirrors) and by the database construct; nothing else (NET-TIERS).
    allowTraffic(props.gateway, this, ec2.Port.tcp(props.port), {
      ingress: 'App traffic from the gateway only',
      egress: 'Gateway to the app tier only',
    });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: 'App instances: no permissions beyond what constructs grant explicitly',
    });
    this.grantPrincipal = this.role;
    // Auto Scaling launches instances as its service-linked role, which must be able to use the
    // volume key or every launch fails. The role may not exist yet when the key is created, so it
    // is matched by ARN condition rather than named as principal (which KMS would reject).
    const stack = Stack.of(this);
    props.volumeKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowAutoScalingToUseVolumeKey',
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey', 'kms:CreateGrant'],
        resources: ['*'],
        conditions: {
          StringEquals: {
            'aws:PrincipalArn':
              `arn:${stack.partition}:iam::${stack.account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForA` +
              `utoScaling`,
            'kms:CallerAccount': stack.account,
          },
        },
      }),
    );
    const zones = new Set(props.vpc.selectSubnets(props.subnets).availabilityZones);
    if (zones.size < minZones) {
      throw new Error(
        `AppTier.subnets: received subnets in ${zones.size} availability zone(s); expected at least ${minZones} (control HA-MULTIZONE)`,
      );
    }
    const instanceTypes = props.instanceTypes ?? [new ec2.InstanceType('m7i.large'), new ec2.InstanceType('m7a.large')];
    if (instanceTypes.length < 2) {
      throw new Error(
        `AppTier.instanceTypes: received ${instanceTypes.length} type(s); expected at least 2 so replacement survives a ` +
          `shortage of one type`,
      );
    }
    validateHostUsers(props.hostAccess.users, props.hostAccess.minRsaBits ?? POLICY_FLOORS.access.minRsaBits, 'AppTier.hostAccess');
    const userData = ec2.UserData.forLinux({ shebang: '#!/bin/bash' });
    userData.addCommands(
      ...linuxHostAccessScript({
        users: props.hostAccess.users,
        authLogGroupName: props.hostAccess.authLogGroup.logGroupName,
        region: stack.region,
        role: 'app',
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ShipAuthLog',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        resources: [props.hostAccess.authLogGroup.logGroupArn],
      }),
    );
    const launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      machineImage: props.machineImage ?? ec2.MachineImage.latestAmazonLinux2023(),
      userData,
      securityGroup: this.securityGroup,
      role: this.role,
      requireImdsv2: true,
      httpPutResponseHopLimit: 1,
      httpTokens: ec2.LaunchTemplateHttpTokens.REQUIRED,
      associatePublicIpAddress: false,
      detailedMonitoring: true,
      ebsOptimized: true,
      blockDevices: [
        {
          deviceName: '/dev/xvda',
          volume: ec2.BlockDeviceVolume.ebs(props.rootVolumeGiB ?? 20, {
            encrypted: true,
            kmsKey: props.volumeKey,
            volumeType: ec2.EbsDeviceVolumeType.GP3,
            deleteOnTermination: true,
          }),
        },
      ],
    });
    // The Name tag CDK writes into the template data (and the instances) without `Default` ids:
    // wrapping the tier (ServingTier) must not make a new template version and roll the instances.
    Tags.of(launchTemplate).add('Name', namePath(launchTemplate));
    this.resource = new autoscaling.AutoScalingGroup(this, 'Resource', {
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      mixedInstancesPolicy: {
        launchTemplate,
        launchTemplateOverrides: instanceTypes.map((instanceType) => ({ instanceType })),
        instancesDistribution: {
          onDemandPercentageAboveBaseCapacity: 100,
          onDemandAllocationStrategy: autoscaling.OnDemandAllocationStrategy.PRIORITIZED,
        },
      },
      minCapacity: min,
      maxCapacity: max,
      healthChecks: autoscaling.HealthChecks.withAdditionalChecks({
        additionalTypes: [autoscaling.AdditionalHealthCheckType.ELB],
        gracePeriod: Duration.minutes(5),
      }),
      notifications: [{ topic: props.alertTopic }],
      updatePolicy: autoscaling.UpdatePolicy.rollingUpdate({ minInstancesInService: min }),
      capacityRebalance: true,
    });
    // Zones listed explicitly as well as through the subnets (CT.AUTOSCALING.PR.1).
    (this.resource.node.defaultChild as autoscaling.CfnAutoScalingGroup).availabilityZones = props.vpc.selectSubnets(
      props.subnets,
    ).availabilityZones;
    this.resource.attachToApplicationTargetGroup(props.targetGroup);
    this.resource.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 60 });
    if (standby) Tags.of(this.resource).add(STANDBY_TAG, STANDBY_TAG_VALUE, { applyToLaunchedInstances: true });
    acknowledgeDecision(this.resource.node.defaultChild!, 'app-group-volume-encryption-in-launch-template');
    acknowledgeDecision(this.resource.node.defaultChild!, 'app-group-imdsv2-in-launch-template');
  }

  /**
   * Admits SSH from the bastion only (control BASTION-SSH), and lets the bastion's security groups
   * send it (they send nothing else but what the stack opens).
   */
  allowSshFrom(bastion: ec2.IConnectable): void {
    allowTraffic(bastion, this, ec2.Port.tcp(22), { ingress: 'SSH from the bastion only', egress: 'SSH to the app tier' });
  }
}
