import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ServingTier, type ServingTierProps } from '../../lib/aws/serving-tier';
import { CLOUDFLARE_IPV4_RANGES, CLOUDFLARE_IPV6_RANGES } from '../../lib/config/cloudflare-ranges';
import { CA_A } from '../fixtures/origin-pull';
import { KEYS } from '../fixtures/ssh-keys';
import { AZS, ENV, logicalId, resourceOf, resourcesOfType, securityGroupRules, testStack } from './support';

const CERT = `arn:aws:acm:${ENV.region}:${ENV.account}:certificate/00000000-0000-0000-0000-000000000000`;

function tier(stack: Stack, id: string, over: Partial<ServingTierProps> = {}): ServingTier {
  return new ServingTier(stack, id, {
    namePrefix: 'acme-test',
    logsKey: new kms.Key(stack, `${id}LogsKey`),
    dataKey: new kms.Key(stack, `${id}DataKey`),
    serverAccessLogsBucket: new s3.Bucket(stack, `${id}AccessLogs`),
    logRetentionDays: 90,
    alertEmails: ['oncall@example.com'],
    vpcCidr: '10.0.0.0/16',
    availabilityZones: AZS,
    globalRateLimit: { limit: 2000, windowSeconds: 300 },
    criticalPaths: [{ name: 'login', pathPrefix: '/login', limit: 100, windowSeconds: 300 }],
    certificateArn: CERT,
    appPort: 8443,
    healthCheckPath: '/healthz',
    hostUsers: [{ name: 'alice', publicKeys: [KEYS.ed25519] }],
    packageMirrors: ['198.51.100.0/24', 'mirror.example.com'],
    ...over,
  });
}

// The reference stacks' shape: the tier under the id `Default`, beside the stack's own resources.
const stack = testStack();
const open = tier(stack, 'Default');
// A bastion-like host of the stack, given the hosts' egress.
const host = new ec2.SecurityGroup(stack, 'Host', { vpc: open.network.resource, allowAllOutbound: false });
open.allowHostEgress(host);
const template = Template.fromStack(stack);

const lockedStack = testStack('Locked');
const locked = tier(lockedStack, 'Default', {
  originLock: { hostnames: ['app.example.com', 'api.example.com'], originPull: { caCertificates: [CA_A] } },
  standby: true,
  configDelivery: { bucketName: 'acme-test-config-111111111111', keyArn: `arn:aws:kms:${ENV.region}:${ENV.account}:key/abc` },
});
const lockedTemplate = Template.fromStack(lockedStack);

const ingressOf = (t: Template, tierOf: ServingTier) =>
  resourceOf(t, tierOf.gateway.securityGroup).Properties.SecurityGroupIngress as any[];

describe('ServingTier', () => {
  it("keeps the logical ids its children had as the stack's own children when its id is Default", () => {
    // The same paths without the tier: what the stacks built directly before ServingTier existed.
    const bare = new Stack();
    expect(logicalId(open.hostAuthLogs)).toBe(logicalId(new logs.LogGroup(bare, 'HostAuthLogs')));
    expect(logicalId(open.albLogs)).toBe(logicalId(new s3.Bucket(new Construct(bare, 'AlbLogs'), 'Resource')));
    expect(logicalId(open.network.resource)).toBe(
      logicalId(new ec2.Vpc(new Construct(bare, 'Network'), 'Resource', { availabilityZones: ['a'] })),
    );
  });

  it("keeps the access-log prefix of its buckets and the app launch template's Name tag free of the Default id", () => {
    expect(resourceOf(template, open.albLogs).Properties.LoggingConfiguration.LogFilePrefix).toBe('Test/AlbLogs/');
    const launchTemplate = resourcesOfType(template, 'AWS::EC2::LaunchTemplate')
      .map(([, r]) => r.Properties)
      .find((p) => p.LaunchTemplateName === undefined && JSON.stringify(p).includes('Test/App/LaunchTemplate'));
    expect(JSON.stringify(launchTemplate)).not.toContain('/Default/');
  });

  it('builds the request path: web ACL on the load balancer, app tier behind it, alarms to the alert topic', () => {
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', { ResourceArn: { Ref: logicalId(open.gateway.resource) } });
    template.resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 1);
    expect(
      resourcesOfType(template, 'AWS::CloudWatch::Alarm')
        .map(([id]) => id.replace(/[0-9A-F]{8}$/, ''))
        .sort(),
    ).toEqual(expect.arrayContaining(['AlertsGateway5xx', 'AlertsLogArchiveStalled', 'AlertsUnhealthyHosts', 'AlertsWafBlockedSpike']));
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/acme-test/hosts/auth', RetentionInDays: 90 });
  });

  it('admits HTTPS from anywhere when not locked, and counts clients by their connecting address', () => {
    expect(ingressOf(template, open).map((r) => r.CidrIp ?? r.CidrIpv6)).toEqual(expect.arrayContaining(['0.0.0.0/0']));
    expect(JSON.stringify(resourceOf(template, open.webAcl.resource).Properties.Rules)).not.toContain('CF-Connecting-IP');
    expect(open.originTrust).toBeUndefined();
  });

  it("locked to a Cloudflare zone, admits only Cloudflare's ranges, verifies the zone's CA and counts CF-Connecting-IP", () => {
    const sources = ingressOf(lockedTemplate, locked).map((r) => r.CidrIp ?? r.CidrIpv6);
    expect(new Set(sources)).toEqual(new Set([...CLOUDFLARE_IPV4_RANGES, ...CLOUDFLARE_IPV6_RANGES]));
    expect(JSON.stringify(resourceOf(lockedTemplate, locked.webAcl.resource).Properties.Rules)).toContain('CF-Connecting-IP');
    expect(locked.originTrust).toBeDefined();
    lockedTemplate.resourceCountIs('AWS::ElasticLoadBalancingV2::TrustStore', 1);
    expect(JSON.stringify(resourcesOfType(lockedTemplate, 'AWS::ElasticLoadBalancingV2::ListenerRule'))).toContain('api.example.com');
  });

  it('as a warm standby, may idle at no instances and records no global resources in AWS Config', () => {
    lockedTemplate.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: '0' });
    lockedTemplate.hasResourceProperties('AWS::Config::ConfigurationRecorder', { RecordingGroup: { IncludeGlobalResourceTypes: false } });
    template.resourceCountIs('AWS::Config::ConfigurationRecorder', 0);
  });

  it("lets a host reach the AWS service endpoints and the package mirrors' ranges only (allowHostEgress)", () => {
    const endpoints = `sg:${logicalId(open.network.endpointSecurityGroup)}`;
    // The fourth rule is S3's prefix list, read at deployment time (an object the helper cannot name).
    expect(securityGroupRules(template, host).egress).toEqual([
      'tcp 443 198.51.100.0/24',
      'tcp 443 [object Object]',
      `tcp 443 ${endpoints}`,
      'tcp 80 198.51.100.0/24',
    ]);
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      GroupId: { 'Fn::GetAtt': [logicalId(host), 'GroupId'] },
      DestinationPrefixListId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^NetworkS3PrefixList'), 'PrefixLists.0.PrefixListId'] },
    });
    // The app hosts get the same, besides what the tier itself opens (the database is not here).
    expect(securityGroupRules(template, open.appTier.securityGroup).egress).toEqual(
      expect.arrayContaining(securityGroupRules(template, host).egress),
    );
  });
});
