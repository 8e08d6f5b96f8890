import {
  admitsPort,
  ingressRules,
  publicSubnets,
  refTarget,
  refsIn,
  renderText,
  securityGroupsOf,
  byId,
  tagsOf,
} from '../../lib/controls/aws/template';
import { primaryTemplate } from './fixtures/aws-templates';

describe('template helpers', () => {
  it('resolves Ref and both Fn::GetAtt forms to logical ids, not pseudo parameters', () => {
    expect(refTarget({ Ref: 'Vpc' })).toBe('Vpc');
    expect(refTarget({ 'Fn::GetAtt': ['AppSg', 'GroupId'] })).toBe('AppSg');
    expect(refTarget({ 'Fn::GetAtt': 'AppSg.GroupId' })).toBe('AppSg');
    expect(refTarget({ Ref: 'AWS::Region' })).toBeUndefined();
    expect(refTarget('sg-123')).toBeUndefined();
  });

  it('finds references inside Fn::Join and Fn::Sub', () => {
    expect(refsIn({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:', { Ref: 'WebAclLogs' }]] })).toEqual(['WebAclLogs']);
    expect(refsIn({ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${Bucket}/${Other.Arn}' }).sort()).toEqual(['Bucket', 'Other']);
  });

  it('renders Fn::Base64, Fn::Join and Fn::Sub to searchable text', () => {
    expect(renderText({ 'Fn::Base64': { 'Fn::Join': ['\n', ['a', { Ref: 'X' }, 'b']] } })).toBe('a\n${X}\nb');
    expect(renderText({ 'Fn::Sub': ['x=${Y}', { Y: 'why' }] })).toBe('x=why');
    expect(renderText({ 'Fn::GetAtt': ['A', 'Arn'] })).toBe('${A.Arn}');
  });

  it('finds public subnets by tag, public-IP mapping or a route to the internet gateway', () => {
    const t = primaryTemplate();
    expect([...publicSubnets(t)].sort()).toEqual(['PublicSubnet1', 'PublicSubnet2']);
    t.Resources.PublicSubnet1.Properties.Tags = [];
    expect(publicSubnets(t).has('PublicSubnet1')).toBe(true); // still routed to the internet gateway
  });

  it('collects inline and separate ingress rules with their groups and sources', () => {
    const rules = ingressRules(primaryTemplate());
    expect(rules.find((r) => r.declaredBy === 'AppFromGateway')).toMatchObject({
      group: 'AppSg',
      sourceGroup: 'GatewaySg',
      protocol: 'tcp',
      fromPort: 8443,
      toPort: 8443,
    });
    expect(rules.filter((r) => r.declaredBy === 'BastionSg')).toHaveLength(3);
    expect(admitsPort({ declaredBy: 'x', group: 'x', protocol: '-1' }, 22)).toBe(true);
    expect(admitsPort({ declaredBy: 'x', group: 'x', protocol: 'udp', fromPort: 0, toPort: 100 }, 22)).toBe(false);
  });

  it('finds the security groups of an auto scaling group through its launch template', () => {
    const t = primaryTemplate();
    expect(securityGroupsOf(t, byId(t, 'AppAsg')!)).toEqual(['AppSg']);
    expect(securityGroupsOf(t, byId(t, 'Bastion')!)).toEqual(['BastionSg']);
  });

  it('reads tags in list and map form', () => {
    expect(tagsOf({ id: 'x', type: 't', props: { Tags: [{ Key: 'a', Value: '1' }] }, resource: { Type: 't' } })).toEqual({ a: '1' });
    expect(tagsOf({ id: 'x', type: 't', props: { Tags: { a: '1' } }, resource: { Type: 't' } })).toEqual({ a: '1' });
  });
});
