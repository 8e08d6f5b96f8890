import { CLOUDFLARE_IPV4_RANGES, CLOUDFLARE_IPV6_RANGES } from '../../lib/config/cloudflare-ranges';
import { checkOriginLock } from '../../lib/controls/aws/origin-lock';
import { primaryTemplate } from './fixtures/aws-templates';
import { expectFinding, expectNotApplicable, expectPass, props, weakened } from './support';

const att = (id: string) => ({ 'Fn::GetAtt': [id, 'GroupId'] });
const web = (cidr: { CidrIp: string } | { CidrIpv6: string }) => [443, 80].map((port) => ({ IpProtocol: 'tcp', FromPort: port, ToPort: port, ...cidr }));

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
          SecurityGroupIngress: [...CLOUDFLARE_IPV4_RANGES.flatMap((CidrIp) => web({ CidrIp })), ...CLOUDFLARE_IPV6_RANGES.flatMap((CidrIpv6) => web({ CidrIpv6 }))],
        },
      },
      Gateway: {
        Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
        Properties: { Type: 'application', Scheme: 'internet-facing', SecurityGroups: [att('GatewaySg')], Subnets: [{ Ref: 'PublicSubnet1' }, { Ref: 'PublicSubnet2' }] },
      },
    },
  };
}

const locked = { originLocked: true };
const ingress = (t: any) => props(t, 'GatewaySg').SecurityGroupIngress as any[];

describe('ORIGIN-LOCK (AWS)', () => {
  it('passes an internet-facing ALB admitting only Cloudflare\'s IPv4 and IPv6 ranges', () => {
    const result = checkOriginLock(lockedTemplate(), locked);
    expectPass(result);
    expect(result.evidence).toEqual(expect.arrayContaining(['Gateway', 'GatewaySg']));
  });

  it('accepts a narrower range inside one of Cloudflare\'s, and rules declared as separate resources', () => {
    const t = weakened((t) => {
      props(t, 'GatewaySg').SecurityGroupIngress = [];
      t.Resources.HttpsFromEdge = { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: att('GatewaySg'), IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '173.245.48.0/24' } };
    }, lockedTemplate);
    expectPass(checkOriginLock(t, locked));
  });

  it('is not applicable unless the environment is origin-locked', () => {
    expectNotApplicable(checkOriginLock(lockedTemplate()));
    expectNotApplicable(checkOriginLock(primaryTemplate(), { originLocked: false }));
  });

  it('is not applicable without an internet-facing load balancer', () => {
    expectNotApplicable(checkOriginLock({}, locked));
    expectNotApplicable(checkOriginLock(weakened((t) => (props(t, 'Gateway').Scheme = 'internal'), lockedTemplate), locked));
  });

  it('fails the gateway of the primary fixture, which admits 443 from anywhere', () => {
    expectFinding(checkOriginLock(primaryTemplate(), locked), 'GatewaySg', /GatewaySg \(of internet-facing Gateway\) admits tcp 443-443 from CidrIp "0.0.0.0\/0"; expected only Cloudflare's published ranges/);
  });

  it.each<[string, (t: any) => void, string, RegExp]>([
    ['HTTPS from 0.0.0.0/0', (t) => ingress(t).push(...web({ CidrIp: '0.0.0.0/0' })), 'GatewaySg', /admits tcp 443-443 from CidrIp "0.0.0.0\/0"; expected only Cloudflare's published ranges/],
    ['HTTP from ::/0', (t) => ingress(t).push(web({ CidrIpv6: '::/0' })[1]), 'GatewaySg', /admits tcp 80-80 from CidrIpv6 "::\/0"/],
    ['a range wider than Cloudflare\'s', (t) => (ingress(t)[0].CidrIp = '173.245.0.0/16'), 'GatewaySg', /admits tcp 443-443 from CidrIp "173.245.0.0\/16"/],
    ['an office range beside the edge', (t) => ingress(t).push({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '198.51.100.0/24' }), 'GatewaySg', /from CidrIp "198.51.100.0\/24"/],
    ['another port open to the internet', (t) => ingress(t).push({ IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, CidrIp: '0.0.0.0/0' }), 'GatewaySg', /admits tcp 8080-8080 from CidrIp "0.0.0.0\/0"/],
    ['a prefix list', (t) => ingress(t).push({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, SourcePrefixListId: 'pl-0123456789abcdef0' }), 'GatewaySg', /from prefix list "pl-0123456789abcdef0"/],
    ['a range from an import', (t) => (ingress(t)[0].CidrIp = { 'Fn::ImportValue': 'EdgeRange' }), 'GatewaySg', /from CidrIp \{"Fn::ImportValue":"EdgeRange"\}/],
    [
      'a separate ingress resource open to the internet',
      (t) => (t.Resources.OpenHttps = { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: att('GatewaySg'), IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' } }),
      'OpenHttps',
      /GatewaySg \(of internet-facing Gateway\) admits tcp 443-443 from CidrIp "0.0.0.0\/0"/,
    ],
    ['no security group on the load balancer', (t) => delete props(t, 'Gateway').SecurityGroups, 'Gateway', /has no SecurityGroups; expected a group admitting only Cloudflare's ranges/],
    ['an internet-facing load balancer by default scheme', (t) => { delete props(t, 'Gateway').Scheme; ingress(t).push(...web({ CidrIp: '0.0.0.0/0' })); }, 'GatewaySg', /CidrIp "0.0.0.0\/0"/],
  ])('fails with %s', (_name, edit, resource, message) => {
    expectFinding(checkOriginLock(weakened(edit, lockedTemplate), locked), resource, message);
  });
});
