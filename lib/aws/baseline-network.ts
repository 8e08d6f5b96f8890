import { RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { POLICY_FLOORS } from '../config/floors';
import { isPrivateIpv4Cidr } from '../config/cidr';
import { type AwsInterfaceEndpoint, DEFAULT_AWS_INTERFACE_ENDPOINTS } from '../config/least-privilege';
import { acknowledgeAwsCallProvider, acknowledgeDecision } from '../policy/acknowledge';
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
  /**
   * Interface endpoints created in the app subnets, by short name (`logs`, `kms`,
   * `secretsmanager`, `sts`, `ssm`...): the AWS APIs the hosts reach without the internet. Each
   * costs per zone and hour. S3 always gets a gateway endpoint (free).
   * @default DEFAULT_AWS_INTERFACE_ENDPOINTS (logs, kms, secretsmanager, sts)
   */
  readonly interfaceEndpoints?: readonly AwsInterfaceEndpoint[];
}

/** The interface endpoint service of each short name. */
const ENDPOINT_SERVICES: Record<AwsInterfaceEndpoint, ec2.InterfaceVpcEndpointAwsService> = {
  logs: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
  kms: ec2.InterfaceVpcEndpointAwsService.KMS,
  secretsmanager: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
  sts: ec2.InterfaceVpcEndpointAwsService.STS,
  ssm: ec2.InterfaceVpcEndpointAwsService.SSM,
  monitoring: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_MONITORING,
  'ecr.api': ec2.InterfaceVpcEndpointAwsService.ECR,
  'ecr.dkr': ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
};

/**
 * The network tiers (control NET-TIERS, claims A12 and B8): a public subnet per zone for the load
 * balancer and the bastion only, a private app subnet with NAT egress (used only by the package
 * mirrors a stack opens), and an isolated data subnet with no route to the internet. S3 is reached
 * through a gateway endpoint from every subnet and the AWS APIs through interface endpoints in the
 * app subnets, so hosts need no internet egress ({@link allowAwsServiceEgress}). The default
 * security group is emptied so nothing can fall back to it, and flow logs record all traffic
 * (control LOG-CENTRAL).
 */
export class BaselineNetwork extends Construct {
  /** The VPC. */
  readonly resource: ec2.Vpc;
  /** Subnets of the internet-facing tier (load balancer, bastion). */
  readonly publicSubnets: ec2.SubnetSelection = { subnetGroupName: 'Public' };
  /** Subnets of the app tier. */
  readonly appSubnets: ec2.SubnetSelection = { subnetGroupName: 'App' };
  /** Subnets of the data tier. */
  readonly dataSubnets: ec2.SubnetSelection = { subnetGroupName: 'Data' };
  /** The encrypted log group receiving VPC flow logs. */
  readonly flowLogGroup: logs.LogGroup;
  /** Security group of the interface endpoints: HTTPS from the VPC only. */
  readonly endpointSecurityGroup: ec2.SecurityGroup;
  /** The interface endpoints, by short name. */
  readonly interfaceEndpoints: Partial<Record<AwsInterfaceEndpoint, ec2.InterfaceVpcEndpoint>> = {};
  /** The S3 gateway endpoint (data bucket, Amazon Linux package repositories). */
  readonly s3Endpoint: ec2.GatewayVpcEndpoint;
  /** Id of the AWS-managed prefix list of S3 in this region, looked up at deployment. */
  readonly s3PrefixListId: string;

  constructor(scope: Construct, id: string, props: BaselineNetworkProps) {
    super(scope, id);
    const prefix = Number(props.cidr.split('/')[1]);
    if (!Number.isInteger(prefix) || prefix < 16 || prefix > 20 || !isPrivateIpv4Cidr(props.cidr)) {
      throw new Error(`BaselineNetwork.cidr: received "${props.cidr}"; expected an RFC 1918 block from /16 to /20 (e.g. 10.0.0.0/16)`);
    }
    if (props.availabilityZones.length < POLICY_FLOORS.availability.minZones) {
      throw new Error(
        `BaselineNetwork.availabilityZones: received ${props.availabilityZones.length} zone(s); expected at least ` +
          `${POLICY_FLOORS.availability.minZones} (control HA-MULTIZONE)`,
      );
    }
    // Masks relative to the VPC block: the app tier gets the most room; every zone fits even at /20.
    this.resource = new ec2.Vpc(this, 'Resource', {
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
    // The flow log to CloudWatch Logs (LOG-CENTRAL), built from the L1 at the paths ec2.FlowLog
    // used (same logical ids): ec2.FlowLog acknowledges cfn-lint F3002/F3003 on every flow log, for
    // a camelCase DestinationOptions this flow log does not have, which would stamp a stale
    // acknowledgement on the output.
    // LOG-RETENTION: an ImmutableLogArchive of the stack copies these to Object-Locked storage.
    markLogClass(this.flowLogGroup, 'network-flow');
    const flowLog = new Construct(this.resource, 'FlowLog');
    Tags.of(flowLog).add('Name', flowLog.node.path);
    const role = new iam.Role(flowLog, 'IAMRole', { assumedBy: new iam.ServicePrincipal('vpc-flow-logs.amazonaws.com') });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
        resources: [this.flowLogGroup.logGroupArn],
      }),
    );
    new ec2.CfnFlowLog(flowLog, 'FlowLog', {
      resourceId: this.resource.vpcId,
      resourceType: 'VPC',
      trafficType: 'ALL',
      logDestinationType: 'cloud-watch-logs',
      logGroupName: this.flowLogGroup.logGroupName,
      deliverLogsPermissionArn: role.roleArn,
    });

    // Egress without the internet (control NET-TIERS): S3 through a gateway endpoint routed from
    // every subnet, the AWS APIs the hosts call through interface endpoints in the app subnets.
    // The hosts' security groups then open 443 to these only (allowAwsServiceEgress).
    this.s3Endpoint = this.resource.addGatewayEndpoint('S3Endpoint', { service: ec2.GatewayVpcEndpointAwsService.S3 });
    this.endpointSecurityGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: this.resource,
      description: 'Interface endpoints: HTTPS from this VPC only',
      allowAllOutbound: false,
    });
    this.endpointSecurityGroup.addIngressRule(
      ec2.Peer.ipv4(props.cidr),
      ec2.Port.tcp(443),
      'HTTPS from this VPC to the AWS service endpoints',
    );
    const names = props.interfaceEndpoints ?? DEFAULT_AWS_INTERFACE_ENDPOINTS;
    names.forEach((name, i) => {
      if (!(name in ENDPOINT_SERVICES))
        throw new Error(
          `BaselineNetwork.interfaceEndpoints[${i}]: received "${name}"; expected one of ${Object.keys(ENDPOINT_SERVICES).join(', ')}`,
        );
      if (names.indexOf(name) !== i)
        throw new Error(`BaselineNetwork.interfaceEndpoints[${i}]: received "${name}" twice; list each endpoint once`);
      const id = `${name
        .split('.')
        .map((p) => p[0].toUpperCase() + p.slice(1))
        .join('')}Endpoint`;
      this.interfaceEndpoints[name] = this.resource.addInterfaceEndpoint(id, {
        service: ENDPOINT_SERVICES[name],
        subnets: this.appSubnets,
        privateDnsEnabled: true,
        securityGroups: [this.endpointSecurityGroup],
        open: false,
      });
    });
    // Security groups can name S3 only by its AWS-managed prefix list, whose id differs per
    // region and is not known offline: a deployment-time read of it (no credentials at synth).
    const lookup = new cr.AwsCustomResource(this, 'S3PrefixList', {
      onUpdate: {
        service: 'EC2',
        action: 'describeManagedPrefixLists',
        parameters: { Filters: [{ Name: 'prefix-list-name', Values: [`com.amazonaws.${Stack.of(this).region}.s3`] }] },
        physicalResourceId: cr.PhysicalResourceId.of(`s3-prefix-list-${Stack.of(this).region}`),
        outputPaths: ['PrefixLists.0.PrefixListId'],
      },
      installLatestAwsSdk: false,
      // The deployment-time handler's own log, encrypted and kept like every log (ENC-REST).
      logGroup: new logs.LogGroup(this, 'S3PrefixListLogs', {
        encryptionKey: props.logsKey,
        retention: props.flowLogRetention,
        removalPolicy: RemovalPolicy.RETAIN,
      }),
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({ actions: ['ec2:DescribeManagedPrefixLists'], resources: ['*'] }),
      ]),
    });
    acknowledgeDecision(lookup.node.findChild('CustomResourcePolicy').node.defaultChild!, 's3-prefix-list-lookup');
    acknowledgeAwsCallProvider((lookup.grantPrincipal as iam.Role).node.scope!);
    this.s3PrefixListId = lookup.getResponseField('PrefixLists.0.PrefixListId');
  }

  /**
   * Lets `host` (its security groups) reach the AWS services over HTTPS, and nothing else: the
   * interface endpoints' security group and the S3 prefix list (through the gateway endpoint).
   */
  allowAwsServiceEgress(host: ec2.IConnectable): void {
    for (const securityGroup of host.connections.securityGroups) {
      securityGroup.addEgressRule(this.endpointSecurityGroup, ec2.Port.tcp(443), 'HTTPS to the AWS service endpoints of this VPC');
      securityGroup.addEgressRule(ec2.Peer.prefixList(this.s3PrefixListId), ec2.Port.tcp(443), 'HTTPS to S3 through the gateway endpoint');
    }
  }
}
