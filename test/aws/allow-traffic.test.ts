import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { allowTraffic } from '../../lib/aws/allow-traffic';
import { logicalId, resourcesOfType, securityGroupRules, testStack, testVpc } from './support';

const stack = testStack();
const vpc = testVpc(stack);
const group = (id: string) => new ec2.SecurityGroup(stack, id, { vpc, allowAllOutbound: false });
const [app, db, extra, edge, replica] = ['App', 'Db', 'Extra', 'Edge', 'Replica'].map(group);
// A source of two groups reaching a target of one; a source whose egress is not ours to open.
allowTraffic(new ec2.Connections({ securityGroups: [app, extra] }), db, ec2.Port.tcp(5432), {
  ingress: 'PostgreSQL from the app tier only',
  egress: 'App tier to the database',
});
allowTraffic(edge, replica, ec2.Port.tcp(5432), { ingress: 'PostgreSQL from the edge only' });
const template = Template.fromStack(stack);

describe('allowTraffic', () => {
  it('admits the port on the target from every group of the source, and nothing else', () => {
    expect(securityGroupRules(template, db).ingress).toEqual([`tcp 5432 sg:${logicalId(app)}`, `tcp 5432 sg:${logicalId(extra)}`]);
    expect(securityGroupRules(template, db).egress).toEqual([]);
  });

  it('opens the same port on every group of the source towards the target', () => {
    for (const source of [app, extra]) expect(securityGroupRules(template, source).egress).toEqual([`tcp 5432 sg:${logicalId(db)}`]);
  });

  it('describes each side from its own point of view', () => {
    const descriptions = (type: string) => resourcesOfType(template, type).map(([, r]) => r.Properties.Description);
    expect(new Set(descriptions('AWS::EC2::SecurityGroupIngress'))).toEqual(
      new Set(['PostgreSQL from the app tier only', 'PostgreSQL from the edge only']),
    );
    expect(new Set(descriptions('AWS::EC2::SecurityGroupEgress'))).toEqual(new Set(['App tier to the database']));
  });

  it("leaves the source's egress alone when no egress description is given", () => {
    expect(securityGroupRules(template, replica).ingress).toEqual([`tcp 5432 sg:${logicalId(edge)}`]);
    expect(securityGroupRules(template, edge).egress).toEqual([]);
  });
});
