import { STANDBY_TAG as APP_STANDBY_TAG, STANDBY_TAG_VALUE } from '../../lib/aws/app-tier';
import { checkHaMultizone, STANDBY_TAG } from '../../lib/controls/aws/availability';
import { edgeTemplate, primaryTemplate } from './fixtures/aws-templates';
import { expectFinding, expectNotApplicable, expectPass, props, weakened } from './support';

describe('HA-MULTIZONE (AWS)', () => {
  it('passes an app group, database, load balancer and subnet tiers over two zones', () => {
    const result = checkHaMultizone(primaryTemplate());
    expectPass(result);
    expect(result.evidence).toEqual(['AppAsg', 'Database', 'Gateway', 'Vpc']);
  });

  it('is not applicable to the edge stack', () => {
    expectNotApplicable(checkHaMultizone(edgeTemplate()));
  });

  it('reads zones chosen with Fn::Select over Fn::GetAZs', () => {
    const t = weakened((t) => {
      for (const id of ['PublicSubnet1', 'AppSubnet1', 'DataSubnet1'])
        props(t, id).AvailabilityZone = { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] };
      for (const id of ['PublicSubnet2', 'AppSubnet2', 'DataSubnet2'])
        props(t, id).AvailabilityZone = { 'Fn::Select': [1, { 'Fn::GetAZs': '' }] };
    });
    expectPass(checkHaMultizone(t));
    const sameZone = weakened((t) => {
      for (const id of ['AppSubnet1', 'AppSubnet2']) props(t, id).AvailabilityZone = { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] };
    });
    expectFinding(checkHaMultizone(sameZone), 'AppAsg', /instances span 1 zone/);
  });

  it.each<[string, (t: any) => void, string, RegExp]>([
    [
      'the app group in one subnet',
      (t) => (props(t, 'AppAsg').VPCZoneIdentifier = [{ Ref: 'AppSubnet1' }]),
      'AppAsg',
      /instances span 1 zone\(s\) \(eu-west-1a\); expected at least 2/,
    ],
    ['two app subnets in one zone', (t) => (props(t, 'AppSubnet2').AvailabilityZone = 'eu-west-1a'), 'AppAsg', /instances span 1 zone/],
    [
      'app subnets outside the template',
      (t) => (props(t, 'AppAsg').VPCZoneIdentifier = ['subnet-1', 'subnet-2']),
      'AppAsg',
      /names subnets outside this template/,
    ],
    ['one app instance', (t) => (props(t, 'AppAsg').MinSize = '1'), 'AppAsg', /MinSize is "1"; expected at least 2/],
    ['EC2 health checks only', (t) => (props(t, 'AppAsg').HealthCheckType = 'EC2'), 'AppAsg', /HealthCheckType is "EC2"; expected "ELB"/],
    ['a single-AZ database', (t) => (props(t, 'Database').MultiAZ = false), 'Database', /MultiAZ is false; expected true/],
    [
      'a load balancer in one zone',
      (t) => (props(t, 'Gateway').Subnets = [{ Ref: 'PublicSubnet1' }]),
      'Gateway',
      /spans 1 zone\(s\); expected at least 2/,
    ],
    [
      'a data tier in one zone',
      (t) => (props(t, 'DataSubnet2').AvailabilityZone = 'eu-west-1a'),
      'Vpc',
      /subnet tier "Data" spans 1 zone\(s\); expected at least 2/,
    ],
    ['a subnet without a zone', (t) => delete props(t, 'DataSubnet2').AvailabilityZone, 'DataSubnet2', /AvailabilityZone is absent/],
    [
      'an Aurora cluster with one instance',
      (t) => {
        t.Resources.Cluster = { Type: 'AWS::RDS::DBCluster', Properties: { Engine: 'aurora-postgresql' } };
        props(t, 'Database').DBClusterIdentifier = { Ref: 'Cluster' };
      },
      'Cluster',
      /cluster has 1 instance\(s\) in this template; expected at least 2/,
    ],
  ])('fails with %s', (_name, edit, resource, message) => {
    expectFinding(checkHaMultizone(weakened(edit)), resource, message);
  });

  it('lets a tagged warm standby idle below two instances, but not without room to scale over two zones', () => {
    const standby = (max: string) =>
      weakened((t) => {
        const asg = props(t, 'AppAsg');
        asg.MinSize = '0';
        asg.MaxSize = max;
        asg.Tags = [...(asg.Tags ?? []), { Key: STANDBY_TAG.key, Value: STANDBY_TAG.value, PropagateAtLaunch: true }];
      });
    expectPass(checkHaMultizone(standby('4')));
    expectFinding(checkHaMultizone(standby('1')), 'AppAsg', /warm standby MaxSize is "1"; expected at least 2/);
    // The tag is what grants the exception: an untagged idle group still fails.
    expectFinding(checkHaMultizone(weakened((t) => (props(t, 'AppAsg').MinSize = '0'))), 'AppAsg', /MinSize is "0"; expected at least 2/);
  });

  it('does not ask a cross-region read replica to be Multi-AZ', () => {
    const t = weakened((t) => {
      props(t, 'Database').MultiAZ = false;
      props(t, 'Database').SourceDBInstanceIdentifier = 'arn:aws:rds:eu-west-1:111111111111:db:acme-prod-db';
    });
    expectPass(checkHaMultizone(t));
  });

  it('uses the tag AppTier sets', () => {
    expect(STANDBY_TAG).toEqual({ key: APP_STANDBY_TAG, value: STANDBY_TAG_VALUE });
  });
});
