import { EXECUTION_ROLE_DENIED_ACTIONS, executionPolicyFor, servicePrefixOf } from '../../lib/aws/bootstrap-policy';
import { bootstrapPolicies } from '../../scripts/bootstrap-policy';
import { sharedOutput } from '../synth-cache';
import { synthAws } from '../stacks/support';

describe('executionPolicyFor (hardened CDK bootstrap, ADMIN-MFA)', () => {
  it('maps CloudFormation types to IAM service prefixes', () => {
    expect(servicePrefixOf('AWS::ElasticLoadBalancingV2::LoadBalancer')).toBe('elasticloadbalancing');
    expect(servicePrefixOf('AWS::WAFv2::WebACL')).toBe('wafv2');
    expect(servicePrefixOf('AWS::EC2::VPC')).toBe('ec2');
    expect(servicePrefixOf('Custom::AWS')).toBeUndefined();
  });

  it('allows only the services the templates use, and denies people, keys and organization changes', () => {
    const policy = executionPolicyFor([
      { Resources: { A: { Type: 'AWS::S3::Bucket' }, B: { Type: 'AWS::KMS::Key' }, C: { Type: 'Custom::AWS' } } },
    ]);
    expect(policy.Statement).toEqual([
      { Sid: 'DeployTheBaselineServices', Effect: 'Allow', Action: ['kms:*', 'lambda:*', 's3:*', 'ssm:*'], Resource: '*' },
      { Sid: 'NeverCreatePeopleOrTouchTheOrganization', Effect: 'Deny', Action: [...EXECUTION_ROLE_DENIED_ACTIONS], Resource: '*' },
    ]);
    expect(EXECUTION_ROLE_DENIED_ACTIONS).toEqual(
      expect.arrayContaining(['iam:CreateUser', 'iam:CreateAccessKey', 'iam:CreateLoginProfile', 'organizations:*']),
    );
  });

  it('writes one policy per environment of the real app, with no administrator wildcard', () => {
    const dir = sharedOutput('aws') ?? synthAws(undefined, { policy: false }).outdir;
    const policies = bootstrapPolicies(dir);
    expect(Object.keys(policies)).toEqual(['prod', 'staging']);
    const actions = policies.prod.Statement[0].Action;
    expect(actions).toEqual(expect.arrayContaining(['ec2:*', 'iam:*', 'kms:*', 'rds:*', 's3:*', 'wafv2:*']));
    expect(actions).not.toContain('*');
    expect(actions).not.toContain('organizations:*');
  });
});
