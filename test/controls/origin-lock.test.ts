import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AppGateway } from '../../lib/aws/app-gateway';
import { OriginTrustStore } from '../../lib/aws/origin-trust-store';
import { CLOUDFLARE_IPV4_RANGES, CLOUDFLARE_IPV6_RANGES } from '../../lib/config/cloudflare-ranges';
import { ENV, testStack, testVpc } from '../aws/support';
import { CA_A, CA_B, CLIENT_A, SHARED_CA } from '../fixtures/origin-pull';
import { checkOriginLock } from '../../lib/controls/aws/origin-lock';
import { primaryTemplate } from './fixtures/aws-templates';
import { expectFinding, expectNotApplicable, expectPass, props, weakened } from './support';

const att = (id: string) => ({ 'Fn::GetAtt': [id, 'GroupId'] });
const web = (cidr: { CidrIp: string } | { CidrIpv6: string }) =>
  [443, 80].map((port) => ({ IpProtocol: 'tcp', FromPort: port, ToPort: port, ...cidr }));

/**
 * An internet-facing ALB whose security group admits 80/443 from each of Cloudflare's ranges, as
 * AppGateway does with `allowedSources` when the environment is origin-locked.
 */
function lockedTemplate(): any {
  return {
    Resources: {
      GatewaySg: {
        Type: 'AWS::EC2::SecurityGroup',
        Properties: {
          GroupDescription: 'Public entry point: HTTPS, and HTTP that only redirects',
          VpcId: { Ref: 'Vpc' },
          SecurityGroupIngress: [
            ...CLOUDFLARE_IPV4_RANGES.flatMap((CidrIp) => web({ CidrIp })),
            ...CLOUDFLARE_IPV6_RANGES.flatMap((CidrIpv6) => web({ CidrIpv6 })),
          ],
        },
      },
      Gateway: {
        Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
        Properties: {
          Type: 'application',
          Scheme: 'internet-facing',
          SecurityGroups: [att('GatewaySg')],
          Subnets: [{ Ref: 'PublicSubnet1' }, { Ref: 'PublicSubnet2' }],
        },
      },
    },
  };
}

const locked = { originLocked: true };
const ingress = (t: any) => props(t, 'GatewaySg').SecurityGroupIngress as any[];

describe('ORIGIN-LOCK (AWS)', () => {
  it("passes an internet-facing ALB admitting only Cloudflare's IPv4 and IPv6 ranges", () => {
    const result = checkOriginLock(lockedTemplate(), locked);
    expectPass(result);
    expect(result.evidence).toEqual(expect.arrayContaining(['Gateway', 'GatewaySg']));
  });

  it("accepts a narrower range inside one of Cloudflare's, and rules declared as separate resources", () => {
    const t = weakened((t) => {
      props(t, 'GatewaySg').SecurityGroupIngress = [];
      t.Resources.HttpsFromEdge = {
        Type: 'AWS::EC2::SecurityGroupIngress',
        Properties: { GroupId: att('GatewaySg'), IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '173.245.48.0/24' },
      };
    }, lockedTemplate);
    expectPass(checkOriginLock(t, locked));
  });

  it('is not applicable unless the environment is origin-locked', () => {
    expectNotApplicable(checkOriginLock(lockedTemplate()));
    expectNotApplicable(checkOriginLock(primaryTemplate(), { originLocked: false }));
  });

  it('is not applicable without an internet-facing load balancer', () => {
    expectNotApplicable(checkOriginLock({}, locked));
    expectNotApplicable(
      checkOriginLock(
        weakened((t) => (props(t, 'Gateway').Scheme = 'internal'), lockedTemplate),
        locked,
      ),
    );
  });

  it('fails the gateway of the primary fixture, which admits 443 from anywhere', () => {
    expectFinding(
      checkOriginLock(primaryTemplate(), locked),
      'GatewaySg',
      /GatewaySg \(of internet-facing Gateway\) admits tcp 443-443 from CidrIp "0.0.0.0\/0"; expected only Cloudflare's published ranges/,
    );
  });

  it.each<[string, (t: any) => void, string, RegExp]>([
    [
      'HTTPS from 0.0.0.0/0',
      (t) => ingress(t).push(...web({ CidrIp: '0.0.0.0/0' })),
      'GatewaySg',
      /admits tcp 443-443 from CidrIp "0.0.0.0\/0"; expected only Cloudflare's published ranges/,
    ],
    ['HTTP from ::/0', (t) => ingress(t).push(web({ CidrIpv6: '::/0' })[1]), 'GatewaySg', /admits tcp 80-80 from CidrIpv6 "::\/0"/],
    [
      "a range wider than Cloudflare's",
      (t) => (ingress(t)[0].CidrIp = '173.245.0.0/16'),
      'GatewaySg',
      /admits tcp 443-443 from CidrIp "173.245.0.0\/16"/,
    ],
    [
      'an office range beside the edge',
      (t) => ingress(t).push({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '198.51.100.0/24' }),
      'GatewaySg',
      /from CidrIp "198.51.100.0\/24"/,
    ],
    [
      'another port open to the internet',
      (t) => ingress(t).push({ IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, CidrIp: '0.0.0.0/0' }),
      'GatewaySg',
      /admits tcp 8080-8080 from CidrIp "0.0.0.0\/0"/,
    ],
    [
      'a prefix list',
      (t) => ingress(t).push({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, SourcePrefixListId: 'pl-0123456789abcdef0' }),
      'GatewaySg',
      /from prefix list "pl-0123456789abcdef0"/,
    ],
    [
      'a range from an import',
      (t) => (ingress(t)[0].CidrIp = { 'Fn::ImportValue': 'EdgeRange' }),
      'GatewaySg',
      /from CidrIp \{"Fn::ImportValue":"EdgeRange"\}/,
    ],
    [
      'a separate ingress resource open to the internet',
      (t) =>
        (t.Resources.OpenHttps = {
          Type: 'AWS::EC2::SecurityGroupIngress',
          Properties: { GroupId: att('GatewaySg'), IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' },
        }),
      'OpenHttps',
      /GatewaySg \(of internet-facing Gateway\) admits tcp 443-443 from CidrIp "0.0.0.0\/0"/,
    ],
    [
      'no security group on the load balancer',
      (t) => delete props(t, 'Gateway').SecurityGroups,
      'Gateway',
      /has no SecurityGroups; expected a group admitting only Cloudflare's ranges/,
    ],
    [
      'an internet-facing load balancer by default scheme',
      (t) => {
        delete props(t, 'Gateway').Scheme;
        ingress(t).push(...web({ CidrIp: '0.0.0.0/0' }));
      },
      'GatewaySg',
      /CidrIp "0.0.0.0\/0"/,
    ],
  ])('fails with %s', (_name, edit, resource, message) => {
    expectFinding(checkOriginLock(weakened(edit, lockedTemplate), locked), resource, message);
  });
});

/**
 * The load balancer as the origin-locked stacks build it: Cloudflare's ranges only, host binding
 * (a fixed 403 unless Host is the served name), and mutual TLS against a trust store holding the
 * zone's CA (CA_A), written into the stack's own bucket.
 */
function mtlsTemplate(): any {
  const stack = testStack('Locked');
  const vpc = testVpc(stack);
  const gateway = new AppGateway(stack, 'Gateway', {
    vpc,
    subnets: { subnetGroupName: 'Public' },
    certificateArn: `arn:aws:acm:${ENV.region}:${ENV.account}:certificate/00000000-0000-0000-0000-000000000000`,
    accessLogsBucket: new s3.Bucket(stack, 'AlbLogs'),
    targetPort: 8443,
    healthCheckPath: '/healthz',
    allowedSources: CLOUDFLARE_IPV4_RANGES.map((cidr) => ec2.Peer.ipv4(cidr)),
    hostnames: ['app.example.com'],
  });
  const trust = new OriginTrustStore(stack, 'OriginTrust', {
    caCertificates: [CA_A],
    encryptionKey: new kms.Key(stack, 'Key'),
    logsKey: new kms.Key(stack, 'LogsKey'),
    serverAccessLogsBucket: new s3.Bucket(stack, 'AccessLogs'),
  });
  gateway.verifyClientCertificates(trust.resource);
  return Template.fromStack(stack).toJSON();
}

describe("ORIGIN-LOCK (AWS): only this zone's client certificate and hostnames reach the app", () => {
  const cached = JSON.stringify(mtlsTemplate());
  const fresh = () => JSON.parse(cached);
  const idOf = (t: any, type: string, where: (r: any) => boolean = () => true) =>
    Object.entries<any>(t.Resources).find(([, r]) => r.Type === type && where(r))![0];
  const https = idOf(fresh(), 'AWS::ElasticLoadBalancingV2::Listener', (r) => r.Properties.Protocol === 'HTTPS');
  const http = idOf(fresh(), 'AWS::ElasticLoadBalancingV2::Listener', (r) => r.Properties.Protocol === 'HTTP');
  const store = idOf(fresh(), 'AWS::ElasticLoadBalancingV2::TrustStore');
  const rule = idOf(fresh(), 'AWS::ElasticLoadBalancingV2::ListenerRule');
  const writer = idOf(fresh(), 'Custom::AWS');
  const options = { originLocked: true, originPullCaCertificates: [CA_A], originHostnames: ['app.example.com'] };
  const replaceBundle = (t: any, pem: string) => {
    const create = t.Resources[writer].Properties.Create['Fn::Join'][1];
    const i = create.findIndex((p: any) => typeof p === 'string' && p.includes('BEGIN CERTIFICATE'));
    create[i] = create[i].replace(/-----BEGIN CERTIFICATE-----[\s\S]*-----END CERTIFICATE-----\\n/, JSON.stringify(pem).slice(1, -1));
  };

  it("passes verify-mode mutual TLS against the zone's CA and a fixed 403 for other hosts", () => {
    const result = checkOriginLock(fresh(), options);
    expectPass(result);
    expect(result.evidence).toEqual(expect.arrayContaining([https, http, store, rule]));
  });

  it('passes during a rotation, with the next CA trusted too, when the config lists both', () => {
    const t = weakened((t) => replaceBundle(t, CA_A + CA_B), fresh);
    expectPass(checkOriginLock(t, { ...options, originPullCaCertificates: [CA_A, CA_B] }));
  });

  it.each<[string, (t: any) => void, () => string, RegExp]>([
    // Another Cloudflare zone (or anything inside Cloudflare's ranges) connects without our certificate.
    [
      'the listener without mutual TLS',
      (t) => delete t.Resources[https].Properties.MutualAuthentication,
      () => https,
      new RegExp(
        'has MutualAuthentication.Mode absent; expected "verify": without a client certificate from this zone\'s CA, any ' +
          "Cloudflare customer's zone",
      ),
    ],
    [
      'mutual TLS passed through unverified',
      (t) => (t.Resources[https].Properties.MutualAuthentication = { Mode: 'passthrough' }),
      () => https,
      /Mode "passthrough"; expected "verify"/,
    ],
    [
      'expired client certificates accepted',
      (t) => (t.Resources[https].Properties.MutualAuthentication.IgnoreClientCertificateExpiry = true),
      () => https,
      /ignores client certificate expiry/,
    ],
    [
      "the trust store holding Cloudflare's shared CA (the shared-certificate attack)",
      (t) => replaceBundle(t, SHARED_CA),
      () => store,
      /trusts Cloudflare's shared origin-pull CA .*every Cloudflare zone presents a certificate it issued, so an attacker's zone passes/,
    ],
    [
      'the trust store holding a CA the config does not name',
      (t) => replaceBundle(t, CA_B),
      () => store,
      /trusts CN=Test origin-pull CA B .*which is not a CA of cloudflare.originPull.caCertificates/,
    ],
    ['the trust store holding a leaf certificate', (t) => replaceBundle(t, CLIENT_A), () => store, /which is not a CA certificate/],
    [
      'a trust store read from a bucket the stack does not write',
      (t) => (t.Resources[store].Properties.CaCertificatesBundleS3Bucket = 'someone-elses-bucket'),
      () => store,
      /which no resource of this template writes; expected a bucket of this stack/,
    ],
    [
      'a trust store from another stack',
      (t) =>
        (t.Resources[https].Properties.MutualAuthentication.TrustStoreArn =
          'arn:aws:elasticloadbalancing:eu-west-1:111111111111:truststore/other/0123'),
      () => https,
      /expected a AWS::ElasticLoadBalancingV2::TrustStore of this template/,
    ],
    // Host binding: a request under a name this deployment does not serve.
    [
      'every Host forwarded to the app',
      (t) => (t.Resources[https].Properties.DefaultActions = [{ Type: 'forward', TargetGroupArn: { Ref: 'x' } }]),
      () => https,
      /answers an unmatched Host with \["forward"\]; expected a fixed-response 403/,
    ],
    [
      'a wildcard host',
      (t) => (t.Resources[rule].Properties.Conditions[0].HostHeaderConfig.Values = ['*.example.com']),
      () => rule,
      /forwards Host "\*.example.com"; expected literal hostnames without wildcards/,
    ],
    [
      'a host outside the zone',
      (t) => (t.Resources[rule].Properties.Conditions[0].HostHeaderConfig.Values = ['app.example.org']),
      () => rule,
      /forwards Host "app.example.org", which is not a hostname of the zone/,
    ],
    [
      'a forwarding rule without host condition',
      (t) => (t.Resources[rule].Properties.Conditions = [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/*'] } }]),
      () => rule,
      /forwards to the app without a host-header condition/,
    ],
    [
      'plain HTTP forwarded to the app',
      (t) => (t.Resources[http].Properties.DefaultActions = [{ Type: 'forward', TargetGroupArn: { Ref: 'x' } }]),
      () => http,
      /"HTTP" listener .* does more than redirect; expected only a redirect to HTTPS/,
    ],
  ])('fails with %s', (_what, weaken, resource, message) => {
    expectFinding(checkOriginLock(weakened(weaken, fresh), options), resource(), message);
  });
});
