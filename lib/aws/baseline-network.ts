import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { isPrivateIpv4Cidr } from '../config/cidr';
import { markLogClass } from './immutable-log-archive';

/** Props of {@link BaselineNetwork}. */
export interface BaselineNetworkProps {
  /** IPv4 address space of the VPC, an RFC 1918 block from /16 to /20. */
  readonly cidr: string;
  /**
   * Availability zones to spread every tier over (at least 2). Explicit so synth never needs an
   * AWS lookup.
   */
  readonly availabilityZones: readonly string[];
  /** Key encrypting the flow-log group. */
  readonly logsKey: kms.IKey;
  /** Days the flow logs are kept (control LOG-RETENTION). */
  readonly flowLogRetention: logs.RetentionDays;
  /**
   * NAT gateways for the app tier's egress. One per zone keeps egress up when a zone fails.
   * @default - one per availability zone
   */
  readonly natGateways?: number;
}

/**
 * The network tiers (control NET-TIERS, claims A12 and B8): a public subnet per zone for the load
 * balancer and the bastion only, a private app subnet with NAT egress, and an isolated data
 * subnet with no route to the internet. The default security group is emptied so nothing can
 * fall back to it, and flow logs record all traffic (control LOG-CENTRAL).
 */
export class BaselineNetwork extends Construct {
  /** The VPC. */
  readonly vpc: ec2.Vpc;
  /** Subnets of the internet-facing tier (load balancer, bastion). */
  readonly publicSubnets: ec2.SubnetSelection = { subnetGroupName: 'Public' };
  /** Subnets of the app tier. */
  readonly appSubnets: ec2.SubnetSelection = { subnetGroupName: 'App' };
  /** Subnets of the data tier. */
  readonly dataSubnets: ec2.SubnetSelection = { subnetGroupName: 'Data' };
  /** The encrypted log group receiving VPC flow logs. */
  readonly flowLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: BaselineNetworkProps) {
    super(scope, id);
    const prefix = Number(props.cidr.split('/')[1]);
    if (!Number.isInteger(prefix) || prefix < 16 || prefix > 20 || !isPrivateIpv4Cidr(props.cidr)) {
      throw new Error(`BaselineNetwork.cidr: received "${props.cidr}"; expected an RFC 1918 block from /16 to /20 (e.g. 10.0.0.0/16)`);
    }
    if (props.availabilityZones.length < 2) {
      throw new Error(`BaselineNetwork.availabilityZones: received ${props.availabilityZones.length} zone(s); expected at least 2 (control HA-MULTIZONE)`);
    }
    // Masks relative to the VPC block: the app tier gets the most room; every zone fits even at /20.
    this.vpc = new ec2.Vpc(this, 'Resource', {
      ipAddresses: ec2.IpAddresses.cidr(props.cidr),
      availabilityZones: [...props.availabilityZones],
      natGateways: props.natGateways ?? props.availabilityZones.length,
      restrictDefaultSecurityGroup: true,
      createInternetGateway: true,
      subnetConfiguration: [
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: prefix + 6, mapPublicIpOnLaunch: false },
        { name: 'App', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: prefix + 4 },
        { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: prefix + 6 },
      ],
    });
    this.flowLogGroup = new logs.LogGroup(this, 'FlowLogs', {
      encryptionKey: props.logsKey,
      retention: props.flowLogRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // LOG-RETENTION: an ImmutableLogArchive of the stack copies these to Object-Locked storage.
    markLogClass(this.flowLogGroup, 'network-flow');
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(this.flowLogGroup),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });
  }
}
