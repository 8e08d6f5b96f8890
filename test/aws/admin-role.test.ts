import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AdminRole } from '../../lib/aws/admin-role';
import { ENV, acknowledgements, idSource, resourceOf, testStack } from './support';

const stack = testStack();
const admin = new AdminRole(stack, 'AdminRole');
const narrow = new AdminRole(stack, 'Narrow', {
  trustedAccount: '222222222222',
  maxMfaAgeSeconds: 900,
  managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess')],
  maxSessionDuration: Duration.hours(2),
});
const template = Template.fromStack(stack);
const role = resourceOf(template, admin.resource).Properties;

describe('AdminRole', () => {
  it('is assumable only by principals of this account who signed in with MFA within the hour', () => {
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${ENV.account}:root` },
        Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' }, NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } },
      },
    ]);
  });

  it('issues one-hour sessions', () => {
    expect(role.MaxSessionDuration).toBe(3600);
  });

  it('grants administrator access by default and acknowledges it with a reason', () => {
    expect(role.ManagedPolicyArns).toEqual([
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AdministratorAccess']] },
    ]);
    expect(
      acknowledgements(admin.resource)['AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AdministratorAccess]'],
    ).toMatch(/MFA/);
  });

  it('uses the given account, MFA age, policies and session length', () => {
    const props = resourceOf(template, narrow.resource).Properties;
    expect(props.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::222222222222:root' },
        Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' }, NumericLessThan: { 'aws:MultiFactorAuthAge': '900' } },
      },
    ]);
    expect(props.MaxSessionDuration).toBe(7200);
    expect(props.ManagedPolicyArns).toEqual([{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/ReadOnlyAccess']] }]);
    expect(acknowledgements(narrow.resource)).toEqual({});
  });

  describe('errors', () => {
    const scratch = testStack('Scratch');
    const id = idSource();

    it.each([59, 43201, 0, 600.5])('fails when maxMfaAgeSeconds is %p', (maxMfaAgeSeconds) => {
      expect(() => new AdminRole(scratch, id(), { maxMfaAgeSeconds })).toThrow(
        new RegExp(`AdminRole\\.maxMfaAgeSeconds: received ${maxMfaAgeSeconds}; expected 60 to 43200 seconds`),
      );
    });

    it.each([60, 43200])('accepts maxMfaAgeSeconds %p', (maxMfaAgeSeconds) => {
      expect(() => new AdminRole(scratch, id(), { maxMfaAgeSeconds })).not.toThrow();
    });
  });
});
