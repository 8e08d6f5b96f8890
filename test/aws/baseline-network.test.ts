import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { BaselineNetwork } from '../../lib/aws/baseline-network';
import { AZS, getAtt, idSource, ref, resourceOf, resourcesOfType, testStack } from './support';

const stack = testStack();
const logsKey = new kms.Key(stack, 'LogsKey');
const network = new BaselineNetwork(stack, 'Network', {
  cidr: '10.0.0.0/16',
  availabilityZones: [...AZS],
  logsKey,
  flowLogRetention: logs.RetentionDays.THREE_MONTHS,
});
const template = Template.fromStack(stack);

/** Logical ids of the subnets of one group. */
function subnetsOf(group: string): [string, any][] {
  return resourcesOfType(template, 'AWS::EC2::Subnet').filter(([, s]) =>
    s.Properties.Tags.some((t: any) => t.Key === 'aws-cdk:subnet-name' && t.Value === group),
  );
}

/** Logical ids of the route tables associated with one group's subnets. */
function routeTablesOf(group: string): string[] {
  const subnets = new Set(subnetsOf(group).map(([id]) => id));
  return resourcesOfType(template, 'AWS::EC2::SubnetRouteTableAssociation')
    .filter(([, a]) => subnets.has(a.Properties.SubnetId.Ref))
    .map(([, a]) => a.Properties.RouteTableId.Ref);
}

function routesOf(routeTable: string): any[] {
  return resourcesOfType(template, 'AWS::EC2::Route')
    .filter(([, r]) => r.Properties.RouteTableId.Ref === routeTable)
    .map(([, r]) => r.Properties);
}

describe('BaselineNetwork', () => {
  it('creates the VPC over the given block', () => {
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.0.0.0/16' });
  });

  it('creates exactly three subnet groups, one subnet per zone each', () => {
    template.resourceCountIs('AWS::EC2::Subnet', 9);
    for (const group of ['Public', 'App', 'Data']) {
      const subnets = subnetsOf(group);
      expect(subnets.map(([, s]) => s.Properties.AvailabilityZone).sort()).toEqual([...AZS]);
    }
  });

  it('sizes the tiers relative to the VPC block (public /22, app /20, data /22)', () => {
    const masks = (group: string) => subnetsOf(group).map(([, s]) => s.Properties.CidrBlock.split('/')[1]);
    expect(masks('Public')).toEqual(['22', '22', '22']);
    expect(masks('App')).toEqual(['20', '20', '20']);
    expect(masks('Data')).toEqual(['22', '22', '22']);
  });

  it('never maps public IPs on launch in the public subnets', () => {
    for (const [, subnet] of subnetsOf('Public')) expect(subnet.Properties.MapPublicIpOnLaunch).toBe(false);
  });

  it('gives the data subnets no route at all (no IGW, no NAT)', () => {
    const tables = routeTablesOf('Data');
    expect(tables).toHaveLength(3);
    for (const table of tables) expect(routesOf(table)).toEqual([]);
  });

  it('routes the app subnets to the internet only through a NAT gateway', () => {
    const tables = routeTablesOf('App');
    expect(tables).toHaveLength(3);
    for (const table of tables) {
      const routes = routesOf(table);
      expect(routes).toHaveLength(1);
      expect(routes[0]).toEqual({
        RouteTableId: { Ref: table },
        DestinationCidrBlock: '0.0.0.0/0',
        NatGatewayId: { Ref: expect.any(String) },
      });
    }
  });

  it('routes only the public subnets to the internet gateway', () => {
    const publicTables = new Set(routeTablesOf('Public'));
    const igwRoutes = resourcesOfType(template, 'AWS::EC2::Route').filter(([, r]) => r.Properties.GatewayId !== undefined);
    expect(igwRoutes).toHaveLength(3);
    for (const [, route] of igwRoutes) expect(publicTables.has(route.Properties.RouteTableId.Ref)).toBe(true);
  });

  it('places one NAT gateway per zone, in the public subnets', () => {
    const publicSubnets = new Set(subnetsOf('Public').map(([id]) => id));
    const nats = resourcesOfType(template, 'AWS::EC2::NatGateway');
    expect(nats).toHaveLength(3);
    for (const [, nat] of nats) expect(publicSubnets.has(nat.Properties.SubnetId.Ref)).toBe(true);
  });

  it('empties the default security group', () => {
    template.hasResourceProperties('Custom::VpcRestrictDefaultSG', {
      DefaultSecurityGroupId: getAtt(network.resource, 'DefaultSecurityGroup'),
    });
  });

  it('records ALL traffic of the VPC to the flow-log group', () => {
    template.resourceCountIs('AWS::EC2::FlowLog', 1);
    template.hasResourceProperties('AWS::EC2::FlowLog', {
      ResourceId: ref(network.resource),
      ResourceType: 'VPC',
      TrafficType: 'ALL',
      LogDestinationType: 'cloud-watch-logs',
      LogGroupName: ref(network.flowLogGroup),
      DeliverLogsPermissionArn: Match.anyValue(),
    });
  });

  it('encrypts the flow-log group under the logs key, keeps it for the retention and retains it', () => {
    const group = resourceOf(template, network.flowLogGroup);
    expect(group.Properties.KmsKeyId).toEqual(getAtt(logsKey, 'Arn'));
    expect(group.Properties.RetentionInDays).toBe(90);
    expect(group.DeletionPolicy).toBe('Retain');
    expect(group.UpdateReplacePolicy).toBe('Retain');
  });

  describe('egress without the internet (NET-TIERS)', () => {
    const endpoints = resourcesOfType(template, 'AWS::EC2::VPCEndpoint').map(([, e]) => e.Properties);

    it('routes S3 through a gateway endpoint from every subnet', () => {
      const s3 = endpoints.find((e) => e.VpcEndpointType === 'Gateway');
      expect(s3.ServiceName).toEqual({ 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.s3']] });
      const tables = [...routeTablesOf('Public'), ...routeTablesOf('App'), ...routeTablesOf('Data')];
      expect(s3.RouteTableIds.map((r: any) => r.Ref).sort()).toEqual([...new Set(tables)].sort());
    });

    it(
      'creates the default interface endpoints (logs, kms, secretsmanager, sts) in the app subnets, private DNS on, HTTPS from ' +
        'the VPC only',
      () => {
        const iface = endpoints.filter((e) => e.VpcEndpointType === 'Interface');
        expect(iface.map((e) => e.ServiceName)).toEqual(
          ['logs', 'kms', 'secretsmanager', 'sts'].map((n) => `com.amazonaws.eu-west-1.${n}`),
        );
        const appSubnets = subnetsOf('App').map(([id]) => ({ Ref: id }));
        for (const e of iface) {
          expect(e.PrivateDnsEnabled).toBe(true);
          expect(e.SubnetIds).toEqual(appSubnets);
          expect(e.SecurityGroupIds).toEqual([getAtt(network.endpointSecurityGroup, 'GroupId')]);
        }
        expect(resourceOf(template, network.endpointSecurityGroup).Properties.SecurityGroupIngress).toEqual([
          {
            CidrIp: '10.0.0.0/16',
            Description: 'HTTPS from this VPC to the AWS service endpoints',
            FromPort: 443,
            IpProtocol: 'tcp',
            ToPort: 443,
          },
        ]);
      },
    );

    it('looks the S3 prefix list up at deployment (no credentials at synth)', () => {
      const lookup = resourcesOfType(template, 'Custom::AWS')[0][1].Properties;
      expect(JSON.parse(lookup.Update)).toMatchObject({
        service: 'EC2',
        action: 'describeManagedPrefixLists',
        parameters: { Filters: [{ Name: 'prefix-list-name', Values: ['com.amazonaws.eu-west-1.s3'] }] },
      });
      expect(network.s3PrefixListId).toBeDefined();
    });
  });

  it("marks the flow-log group as network-flow logs, so the stack's log archive copies them (LOG-RETENTION)", () => {
    expect(resourceOf(template, network.flowLogGroup).Properties.Tags).toEqual([{ Key: 'baseline:log-class', Value: 'network-flow' }]);
  });

  it('exposes the subnet groups by name', () => {
    expect(network.resource.selectSubnets(network.publicSubnets).subnets).toHaveLength(3);
    expect(network.resource.selectSubnets(network.appSubnets).subnets).toHaveLength(3);
    expect(network.resource.selectSubnets(network.dataSubnets).subnets).toHaveLength(3);
  });

  describe('errors', () => {
    const scratch = testStack('Scratch');
    const key = new kms.Key(scratch, 'Key');
    const id = idSource();
    const make = (cidr: string, availabilityZones: readonly string[] = AZS) =>
      new BaselineNetwork(scratch, id(), { cidr, availabilityZones, logsKey: key, flowLogRetention: logs.RetentionDays.ONE_MONTH });

    it.each(['10.0.0.0/24', '10.0.0.0/21', '10.0.0.0/15', '10.0.0.0', '10.0.0.0/x'])('fails on the block %s', (cidr) => {
      expect(() => make(cidr)).toThrow(/BaselineNetwork\.cidr: received ".*"; expected an RFC 1918 block from \/16 to \/20/);
    });

    it.each(['8.8.0.0/16', '172.32.0.0/16', '192.0.2.0/20'])('fails on the public block %s', (cidr) => {
      expect(() => make(cidr)).toThrow(/BaselineNetwork\.cidr: received ".*"; expected an RFC 1918 block/);
    });

    it('fails with only one availability zone', () => {
      expect(() => make('10.0.0.0/16', ['eu-west-1a'])).toThrow(
        /BaselineNetwork\.availabilityZones: received 1 zone\(s\); expected at least 2/,
      );
    });

    it.each<[string, string[], RegExp]>([
      [
        'an unknown endpoint',
        ['ec2messages'],
        /BaselineNetwork.interfaceEndpoints\[0\]: received "ec2messages"; expected one of logs, kms/,
      ],
      ['a duplicate endpoint', ['logs', 'logs'], /BaselineNetwork.interfaceEndpoints\[1\]: received "logs" twice/],
    ])('fails on %s', (_what, list, message) => {
      expect(
        () =>
          new BaselineNetwork(scratch, id(), {
            cidr: '10.2.0.0/16',
            availabilityZones: AZS,
            logsKey: key,
            flowLogRetention: logs.RetentionDays.ONE_MONTH,
            interfaceEndpoints: list as any,
          }),
      ).toThrow(message);
    });

    it('accepts /20 and two zones', () => {
      expect(() => make('10.1.0.0/20', ['eu-west-1a', 'eu-west-1b'])).not.toThrow();
    });
  });
});
