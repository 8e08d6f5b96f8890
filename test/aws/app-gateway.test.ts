import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ACCEPTED_TLS_POLICIES, AppGateway, type AppGatewayProps } from '../../lib/aws/app-gateway';
import { ENV, acknowledgements, getAtt, idSource, logicalId, ref, resourceOf, resourcesOfType, testStack, testVpc } from './support';

const CERT = `arn:aws:acm:${ENV.region}:${ENV.account}:certificate/00000000-0000-0000-0000-000000000000`;

const stack = testStack();
const vpc = testVpc(stack);
const logs = new s3.Bucket(stack, 'AlbLogs', { encryption: s3.BucketEncryption.S3_MANAGED });
const gateway = new AppGateway(stack, 'Gateway', {
  vpc,
  subnets: { subnetGroupName: 'Public' },
  certificateArn: CERT,
  accessLogsBucket: logs,
  targetPort: 8443,
  healthCheckPath: '/healthz',
});
const locked = new AppGateway(stack, 'Locked', {
  vpc,
  subnets: { subnetGroupName: 'Public' },
  certificateArn: CERT,
  accessLogsBucket: logs,
  targetPort: 8443,
  healthCheckPath: '/healthz',
  allowedSources: [ec2.Peer.ipv4('198.51.100.0/24'), ec2.Peer.ipv6('2001:db8::/32')],
  sslPolicy: elbv2.SslPolicy.TLS13_13,
  hstsMaxAge: Duration.days(365),
  hstsPreload: true,
});
const template = Template.fromStack(stack);

const listenersOf = (g: AppGateway) =>
  resourcesOfType(template, 'AWS::ElasticLoadBalancingV2::Listener')
    .map(([, l]) => l.Properties)
    .filter((l) => l.LoadBalancerArn.Ref === logicalId(g.resource));
const attributes = (g: AppGateway): Record<string, string> =>
  Object.fromEntries(resourceOf(template, g.resource).Properties.LoadBalancerAttributes.map((a: any) => [a.Key, a.Value]));

describe('AppGateway', () => {
  it('is an internet-facing ALB in the public subnets with its own security group', () => {
    const lb = resourceOf(template, gateway.resource).Properties;
    expect(lb).toMatchObject({
      Scheme: 'internet-facing',
      Type: 'application',
      SecurityGroups: [getAtt(gateway.securityGroup, 'GroupId')],
    });
    const publicSubnets = vpc.publicSubnets.map((s) => ref(s));
    expect(lb.Subnets).toEqual(publicSubnets);
  });

  it('drops invalid headers, mitigates desync strictly, is deletion-protected and logs access', () => {
    expect(attributes(gateway)).toMatchObject({
      'routing.http.drop_invalid_header_fields.enabled': 'true',
      'routing.http.desync_mitigation_mode': 'strictest',
      'deletion_protection.enabled': 'true',
      'access_logs.s3.enabled': 'true',
      'access_logs.s3.bucket': ref(logs),
      'access_logs.s3.prefix': 'alb',
    });
  });

  it('serves HTTPS on 443 with the GCM-only TLS 1.3/1.2 policy and the certificate, forwarding to the targets', () => {
    expect(listenersOf(gateway)).toContainEqual({
      LoadBalancerArn: ref(gateway.resource),
      Port: 443,
      Protocol: 'HTTPS',
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09',
      Certificates: [{ CertificateArn: CERT }],
      DefaultActions: [{ Type: 'forward', TargetGroupArn: ref(gateway.targetGroup) }],
      ListenerAttributes: [
        { Key: 'routing.http.response.strict_transport_security.header_value', Value: 'max-age=63072000; includeSubDomains' },
        { Key: 'routing.http.response.x_content_type_options.header_value', Value: 'nosniff' },
        { Key: 'routing.http.response.x_frame_options.header_value', Value: 'DENY' },
        { Key: 'routing.http.response.server.enabled', Value: 'false' },
      ],
    });
  });

  it('adds preload to HSTS only when asked', () => {
    const hsts = (g: AppGateway) => listenersOf(g).find((l) => l.Protocol === 'HTTPS')!.ListenerAttributes[0].Value;
    expect(hsts(gateway)).not.toContain('preload');
    expect(hsts(locked)).toBe('max-age=31536000; includeSubDomains; preload');
  });

  it('answers HTTP on 80 only with a permanent redirect to HTTPS', () => {
    expect(listenersOf(gateway)).toContainEqual({
      LoadBalancerArn: ref(gateway.resource),
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }],
    });
  });

  it('has exactly these two listeners', () => {
    expect(
      listenersOf(gateway)
        .map((l) => `${l.Protocol}:${l.Port}`)
        .sort(),
    ).toEqual(['HTTP:80', 'HTTPS:443']);
  });

  it('reaches the targets over HTTPS and health-checks them over HTTPS', () => {
    expect(resourceOf(template, gateway.targetGroup).Properties).toMatchObject({
      Protocol: 'HTTPS',
      Port: 8443,
      TargetType: 'instance',
      HealthCheckProtocol: 'HTTPS',
      HealthCheckPath: '/healthz',
      HealthyThresholdCount: 2,
      UnhealthyThresholdCount: 3,
      HealthCheckIntervalSeconds: 15,
    });
  });

  it('admits only 80 and 443 from any IPv4 and IPv6 address by default, and sends nothing out', () => {
    const sg = resourceOf(template, gateway.securityGroup).Properties;
    const ingress = sg.SecurityGroupIngress.map((r: any) => `${r.CidrIp ?? r.CidrIpv6} ${r.IpProtocol} ${r.FromPort}-${r.ToPort}`).sort();
    expect(ingress).toEqual(['0.0.0.0/0 tcp 443-443', '0.0.0.0/0 tcp 80-80', '::/0 tcp 443-443', '::/0 tcp 80-80']);
    // allowAllOutbound false: CDK's placeholder rule that matches no traffic.
    expect(sg.SecurityGroupEgress).toEqual([
      { CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic', FromPort: 252, IpProtocol: 'icmp', ToPort: 86 },
    ]);
    const standalone = resourcesOfType(template, 'AWS::EC2::SecurityGroupIngress').filter(
      ([, r]) => r.Properties.GroupId['Fn::GetAtt']?.[0] === logicalId(gateway.securityGroup),
    );
    expect(standalone).toEqual([]);
  });

  it('admits 80 and 443 only from the allowed sources when given (origin lock)', () => {
    const sg = resourceOf(template, locked.securityGroup).Properties;
    const ingress = sg.SecurityGroupIngress.map((r: any) => `${r.CidrIp ?? r.CidrIpv6} ${r.FromPort}-${r.ToPort}`).sort();
    expect(ingress).toEqual(['198.51.100.0/24 443-443', '198.51.100.0/24 80-80', '2001:db8::/32 443-443', '2001:db8::/32 80-80']);
  });

  it('uses the chosen accepted TLS policy', () => {
    expect(listenersOf(locked).find((l) => l.Port === 443)?.SslPolicy).toBe('ELBSecurityPolicy-TLS13-1-3-2021-06');
  });

  it('acknowledges the missing certificate on the redirect-only listener, with a reason', () => {
    const acks = acknowledgements(gateway.resource.node.findChild('Http'));
    for (const pack of ['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321']) {
      expect(acks[`${pack}::${pack}-ELBv2ACMCertificateRequired`]).toMatch(/redirect/i);
    }
  });

  it('acknowledges the open security group only when no sources are given', () => {
    expect(acknowledgements(gateway.securityGroup)['AwsSolutions::AwsSolutions-EC23']).toMatch(/only 80 \(redirect\) and 443/i);
    expect(acknowledgements(locked.securityGroup)).toEqual({});
  });

  it('accepts only TLS 1.3-capable policies without CBC suites (restricted TLS 1.2, or TLS 1.3 only)', () => {
    for (const policy of ACCEPTED_TLS_POLICIES) expect(policy).toMatch(/^ELBSecurityPolicy-TLS13-1-(2-Res-|3-)/);
  });

  describe('errors', () => {
    const scratch = testStack('Scratch');
    const scratchVpc = testVpc(scratch);
    const bucket = new s3.Bucket(scratch, 'Logs');
    const id = idSource();
    const props = (over: Partial<AppGatewayProps>): AppGatewayProps => ({
      vpc: scratchVpc,
      subnets: { subnetGroupName: 'Public' },
      certificateArn: CERT,
      accessLogsBucket: bucket,
      targetPort: 8443,
      healthCheckPath: '/healthz',
      ...over,
    });

    it.each([
      elbv2.SslPolicy.RECOMMENDED_TLS,
      elbv2.SslPolicy.TLS13_12_PQ,
      elbv2.SslPolicy.TLS13_EXT1,
      elbv2.SslPolicy.TLS12,
      elbv2.SslPolicy.TLS12_EXT,
      elbv2.SslPolicy.LEGACY,
      elbv2.SslPolicy.FORWARD_SECRECY_TLS12_RES_GCM,
      elbv2.SslPolicy.TLS11,
    ])('fails on the TLS policy %s', (sslPolicy) => {
      expect(() => new AppGateway(scratch, id(), props({ sslPolicy }))).toThrow(
        new RegExp(
          `AppGateway\\.sslPolicy: received "${sslPolicy}"; expected a TLS 1\\.2\\+ policy with TLS 1\\.3 and AES-GCM ciphers ` +
            `only \\(no CBC\\): ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09`,
        ),
      );
    });

    it('fails when HSTS max-age is under a year', () => {
      expect(() => new AppGateway(scratch, id(), props({ hstsMaxAge: Duration.days(364) }))).toThrow(
        /AppGateway\.hstsMaxAge: received 31449600 s; expected at least 31536000 s \(the HSTS floor: one year, claim A7\)/,
      );
    });

    it.each(ACCEPTED_TLS_POLICIES)('accepts %s', (sslPolicy) => {
      expect(() => new AppGateway(scratch, id(), props({ sslPolicy }))).not.toThrow();
    });
  });
});

describe('AppGateway locked to a Cloudflare zone (ORIGIN-LOCK)', () => {
  const scratch = testStack('Bound');
  const bound = new AppGateway(scratch, 'Gateway', {
    vpc: testVpc(scratch),
    subnets: { subnetGroupName: 'Public' },
    certificateArn: CERT,
    accessLogsBucket: new s3.Bucket(scratch, 'AlbLogs', { encryption: s3.BucketEncryption.S3_MANAGED }),
    targetPort: 8443,
    healthCheckPath: '/healthz',
    hostnames: ['app.example.com', 'api.example.com'],
  });
  const trustStore = elbv2.TrustStore.fromTrustStoreArn(
    scratch,
    'Trust',
    `arn:aws:elasticloadbalancing:${ENV.region}:${ENV.account}:truststore/zone/0123456789abcdef`,
  );
  bound.verifyClientCertificates(trustStore);
  const t = Template.fromStack(scratch);
  const https = resourceOf(t, bound.httpsListener).Properties;

  it('answers a Host it does not serve with a fixed 403', () => {
    expect(https.DefaultActions).toEqual([
      { Type: 'fixed-response', FixedResponseConfig: { StatusCode: '403', ContentType: 'text/plain', MessageBody: 'Forbidden' } },
    ]);
  });

  it('forwards only the served hostnames to the app', () => {
    const rules = resourcesOfType(t, 'AWS::ElasticLoadBalancingV2::ListenerRule').map(([, r]) => r.Properties);
    expect(rules).toEqual([
      expect.objectContaining({
        ListenerArn: ref(bound.httpsListener),
        Priority: 1,
        Conditions: [{ Field: 'host-header', HostHeaderConfig: { Values: ['app.example.com', 'api.example.com'] } }],
        Actions: [{ Type: 'forward', TargetGroupArn: ref(bound.targetGroup) }],
      }),
    ]);
  });

  it("requires a client certificate from the trust store's CA, expiry enforced (mutual TLS verify)", () => {
    expect(https.MutualAuthentication).toEqual({
      Mode: 'verify',
      TrustStoreArn: trustStore.trustStoreArn,
      IgnoreClientCertificateExpiry: false,
    });
  });

  it('keeps forwarding every Host, without mutual TLS, when not locked', () => {
    const open = resourceOf(template, gateway.httpsListener).Properties;
    expect(open.DefaultActions).toEqual([{ Type: 'forward', TargetGroupArn: ref(gateway.targetGroup) }]);
    expect(open.MutualAuthentication).toBeUndefined();
  });

  it.each<[string[], RegExp]>([
    [[], /AppGateway.hostnames: received 0 names; expected 1 to 5/],
    [['a.example.com', 'b.example.com', 'c.example.com', 'd.example.com', 'e.example.com', 'f.example.com'], /received 6 names/],
    [['*.example.com'], /hostnames\[0\]: received "\*.example.com"; expected a lowercase DNS name/],
    [['App.example.com'], /hostnames\[0\]: received "App.example.com"/],
  ])('rejects hostnames %p', (hostnames, message) => {
    const s = testStack('Bad');
    expect(
      () =>
        new AppGateway(s, 'Gateway', {
          vpc: testVpc(s),
          subnets: { subnetGroupName: 'Public' },
          certificateArn: CERT,
          accessLogsBucket: new s3.Bucket(s, 'L'),
          targetPort: 8443,
          healthCheckPath: '/healthz',
          hostnames,
        }),
    ).toThrow(message);
  });
});
