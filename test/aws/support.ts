import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { IConstruct } from 'constructs';

/** The account and region every construct test synthesizes in. */
export const ENV = { account: '111111111111', region: 'eu-west-1' } as const;

/** The zones of the test stacks; fixed, so no test asks AWS for them. */
export const AZS = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'] as const;

// The feature flags `cdk synth` runs with, so the construct tests see what deploys.
const CONTEXT = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')).context;

/** A stack with fixed zones: `Vpc` and friends read them here instead of a context lookup. */
export class TestStack extends Stack {
  override get availabilityZones(): string[] {
    return [...AZS];
  }
}

/**
 * A fresh app with the project's feature flags and one {@link TestStack} in {@link ENV}. CDK's
 * built-in CloudFormation schema validation is off here: it takes most of the synth time, and the
 * stack tests (test/stacks, a full `cdk synth` with every gate) run it on every real template.
 */
export function testStack(id = 'Test'): TestStack {
  return new TestStack(new App({ context: CONTEXT, builtinCloudFormationValidation: false }), id, { env: ENV });
}

/**
 * A VPC shaped like the baseline network (Public, App, Data groups over {@link AZS}), without
 * flow logs or the default-SG handler, for constructs that only need subnets to live in.
 */
export function testVpc(scope: Stack, id = 'Vpc'): ec2.Vpc {
  return new ec2.Vpc(scope, id, {
    ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'),
    availabilityZones: [...AZS],
    natGateways: 1,
    restrictDefaultSecurityGroup: false,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 22, mapPublicIpOnLaunch: false },
      { name: 'App', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
      { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 22 },
    ],
  });
}

/** Hands out unique construct ids, for error-path tests that share one scratch stack. */
export function idSource(prefix = 'C'): () => string {
  let n = 0;
  return () => `${prefix}${n++}`;
}

/** The logical id of a construct's CloudFormation resource (an L2's default child, or an L1). */
export function logicalId(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  // Resolved, so overrides count (e.g. the user-data hash of a replacing instance).
  return Stack.of(construct).resolve(element.logicalId);
}

/** The synthesized resource (Type, Properties, DeletionPolicy...) of a construct. */
export function resourceOf(template: Template, construct: IConstruct): any {
  const id = logicalId(construct);
  const resource = template.toJSON().Resources[id];
  if (!resource) throw new Error(`no resource ${id} in the template`);
  return resource;
}

/** `{ Ref: <logical id> }` of a construct. */
export function ref(construct: IConstruct): { Ref: string } {
  return { Ref: logicalId(construct) };
}

/** `{ 'Fn::GetAtt': [<logical id>, attribute] }` of a construct. */
export function getAtt(construct: IConstruct, attribute: string): { 'Fn::GetAtt': [string, string] } {
  return { 'Fn::GetAtt': [logicalId(construct), attribute] };
}

/** Every resource of one type, as [logical id, resource] pairs. */
export function resourcesOfType(template: Template, type: string): [string, any][] {
  return Object.entries<any>(template.toJSON().Resources).filter(([, r]) => r.Type === type);
}

/** The policy acknowledgements recorded on a construct's node, by qualified rule id. */
export function acknowledgements(construct: IConstruct): Record<string, string> {
  const out: Record<string, string> = {};
  // Decisions are applied on the resource that carries the finding: the construct's default child
  // (an L2's CfnResource), or the construct itself when it is one.
  for (let node: IConstruct | undefined = construct; node; node = node.node.defaultChild) {
    for (const entry of node.node.metadata) {
      if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY) Object.assign(out, entry.data);
    }
  }
  return out;
}

/** Joins the parts of an `Fn::Join` (user data, ARNs) into one string, tokens as `${...}`. */
export function joined(value: any): string {
  if (typeof value === 'string') return value;
  if (value && Array.isArray(value['Fn::Join'])) {
    const [sep, parts] = value['Fn::Join'];
    return (parts as any[]).map(joined).join(sep);
  }
  if (value && value['Fn::Base64'] !== undefined) return joined(value['Fn::Base64']);
  return '${' + JSON.stringify(value) + '}';
}

/**
 * Every rule of a security group, inline or standalone, as `tcp 443 0.0.0.0/0` or
 * `tcp 8443 sg:<logical id>` (icmp placeholder rules of `allowAllOutbound: false` are dropped).
 */
export function securityGroupRules(template: Template, securityGroup: IConstruct): { ingress: string[]; egress: string[] } {
  const id = logicalId(securityGroup);
  const resources = template.toJSON().Resources;
  const own = resources[id].Properties;
  const isOwn = (groupId: any) => groupId?.['Fn::GetAtt']?.[0] === id;
  const describe = (r: any) => {
    const ports = r.FromPort === r.ToPort ? `${r.FromPort}` : `${r.FromPort}-${r.ToPort}`;
    const group = r.SourceSecurityGroupId ?? r.DestinationSecurityGroupId;
    const peer = group
      ? `sg:${group['Fn::GetAtt']?.[0] ?? JSON.stringify(group)}`
      : (r.CidrIp ?? r.CidrIpv6 ?? r.SourcePrefixListId ?? r.DestinationPrefixListId);
    return `${r.IpProtocol} ${ports} ${peer}`;
  };
  const placeholder = (r: any) => r.CidrIp === '255.255.255.255/32' && r.IpProtocol === 'icmp';
  const ingress = [
    ...(own.SecurityGroupIngress ?? []),
    ...Object.values<any>(resources)
      .filter((r) => r.Type === 'AWS::EC2::SecurityGroupIngress' && isOwn(r.Properties.GroupId))
      .map((r) => r.Properties),
  ].map(describe);
  const egress = [
    ...(own.SecurityGroupEgress ?? []),
    ...Object.values<any>(resources)
      .filter((r) => r.Type === 'AWS::EC2::SecurityGroupEgress' && isOwn(r.Properties.GroupId))
      .map((r) => r.Properties),
  ]
    .filter((r) => !placeholder(r))
    .map(describe);
  return { ingress: ingress.sort(), egress: egress.sort() };
}
