import { checkAdminMfa, checkSecrets } from '../../lib/controls/aws/identity';
import { edgeTemplate, primaryTemplate } from './fixtures/aws-templates';
import { expectFinding, expectNotApplicable, expectPass, props, weakened } from './support';

const trust = (t: any) => props(t, 'AdminRole').AssumeRolePolicyDocument.Statement[0];

describe('ADMIN-MFA (AWS)', () => {
  it('passes an admin role that requires MFA; service roles are not its concern', () => {
    const result = checkAdminMfa(primaryTemplate());
    expectPass(result);
    expect(result.evidence).toEqual(['AdminRole']);
  });

  it('is not applicable without roles people can assume', () => {
    expectNotApplicable(checkAdminMfa(weakened((t) => delete t.Resources.AdminRole)));
    expectNotApplicable(checkAdminMfa(edgeTemplate()));
  });

  it('accepts MFA given as a boolean and account ids as principals', () => {
    const t = weakened((t) => {
      trust(t).Condition = { Bool: { 'aws:MultiFactorAuthPresent': true } };
      trust(t).Principal = { AWS: ['111111111111'] };
    });
    expectPass(checkAdminMfa(t));
  });

  it.each<[string, (t: any) => void, RegExp]>([
    [
      'no MFA condition',
      (t) => delete trust(t).Condition,
      /lets "arn:aws:iam::111111111111:root" assume the role without MFA; expected Condition Bool aws:MultiFactorAuthPresent "true"/,
    ],
    [
      'MFA only if present (long-term keys pass)',
      (t) => (trust(t).Condition = { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'true' } }),
      /BoolIfExists .*expected Bool/,
    ],
    ['MFA "false"', (t) => (trust(t).Condition = { Bool: { 'aws:MultiFactorAuthPresent': 'false' } }), /without MFA/],
    [
      'a second statement without MFA',
      (t) =>
        props(t, 'AdminRole').AssumeRolePolicyDocument.Statement.push({
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::222222222222:root' },
        }),
      /"arn:aws:iam::222222222222:root" assume the role without MFA/,
    ],
    ['any AWS principal', (t) => (trust(t).Principal = { AWS: '*' }), /admits any AWS principal/],
    [
      'Principal "*" without MFA',
      (t) => Object.assign(trust(t), { Principal: '*', Condition: undefined }),
      /lets "\*" assume the role without MFA/,
    ],
  ])('fails with %s', (_name, edit, message) => {
    expectFinding(checkAdminMfa(weakened(edit)), 'AdminRole', message);
  });

  it('fails on IAM users with console passwords or access keys', () => {
    const t = weakened((t) => {
      t.Resources.Admin = { Type: 'AWS::IAM::User', Properties: { LoginProfile: { Password: '{{resolve:secretsmanager:admin}}' } } };
      t.Resources.AdminKey = { Type: 'AWS::IAM::AccessKey', Properties: { UserName: { Ref: 'Admin' } } };
    });
    const result = checkAdminMfa(t);
    expectFinding(result, 'Admin', /console password/);
    expectFinding(result, 'AdminKey', /long-term access key/);
  });
});

describe('SECRETS (AWS)', () => {
  it('passes when no secret is in the template and the database password is managed', () => {
    const result = checkSecrets(primaryTemplate());
    expectPass(result);
    expect(result.evidence).toEqual(['Database']);
    expectPass(checkSecrets(edgeTemplate()));
  });

  it('is not applicable to an empty template', () => {
    expectNotApplicable(checkSecrets({ Resources: {} }));
  });

  it('accepts a Secrets Manager dynamic reference and a NoEcho parameter without default', () => {
    const t = weakened((t) => {
      delete props(t, 'Database').ManageMasterUserPassword;
      props(t, 'Database').MasterUserPassword = '{{resolve:secretsmanager:db-master:SecretString:password}}';
      t.Parameters = { ApiToken: { Type: 'String', NoEcho: true } };
      t.Resources.Fn = {
        Type: 'AWS::Lambda::Function',
        Properties: { Environment: { Variables: { API_TOKEN: { Ref: 'ApiToken' }, SECRET_ARN: 'arn:aws:secretsmanager:x' } } },
      };
    });
    expectPass(checkSecrets(t));
  });

  it.each<[string, (t: any) => void, string, RegExp]>([
    [
      'an access key id in user data',
      (t) =>
        (props(t, 'AppLaunchTemplate').LaunchTemplateData.UserData = { 'Fn::Base64': 'export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE' }),
      'AppLaunchTemplate',
      /AWS access key id/,
    ],
    ['an access key id in an output', (t) => (t.Outputs = { Key: { Value: 'AKIAIOSFODNN7EXAMPLE' } }), 'Outputs.Key', /AWS access key id/],
    [
      'a private key in user data',
      (t) =>
        (props(t, 'Bastion').UserData = {
          'Fn::Base64': {
            'Fn::Join': [
              '',
              [
                'PasswordAuthentication no\nPermitRootLogin no\n',
                '-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n-----END OPENSSH PRIVATE KEY-----',
              ],
            ],
          },
        }),
      'Bastion',
      /PEM private key/,
    ],
    [
      'an RSA private key in a parameter default',
      (t) => (t.Parameters = { Key: { Type: 'String', Default: '-----BEGIN RSA PRIVATE KEY-----\nMIIE' } }),
      'Parameters.Key',
      /PEM private key/,
    ],
    [
      'a literal master password',
      (t) => {
        delete props(t, 'Database').ManageMasterUserPassword;
        props(t, 'Database').MasterUserPassword = 'hunter2hunter2';
      },
      'Database',
      /MasterUserPassword is a literal string/,
    ],
    [
      'a master password from a parameter that echoes',
      (t) => {
        delete props(t, 'Database').ManageMasterUserPassword;
        t.Parameters = { DbPassword: { Type: 'String' } };
        props(t, 'Database').MasterUserPassword = { Ref: 'DbPassword' };
      },
      'Database',
      /comes from parameter DbPassword without NoEcho/,
    ],
    [
      'a master password assembled from literals',
      (t) => {
        delete props(t, 'Database').ManageMasterUserPassword;
        props(t, 'Database').MasterUserPassword = { 'Fn::Join': ['', ['hunter', '2']] };
      },
      'Database',
      /is assembled from literal strings/,
    ],
    [
      'no managed master password',
      (t) => delete props(t, 'Database').ManageMasterUserPassword,
      'Database',
      /ManageMasterUserPassword is absent .*expected ManageMasterUserPassword true/,
    ],
    [
      'a literal secret string',
      (t) => (t.Resources.Token = { Type: 'AWS::SecretsManager::Secret', Properties: { SecretString: '{"token":"abc"}' } }),
      'Token',
      /SecretString is a literal string/,
    ],
    [
      'a token in a function environment',
      (t) => (t.Resources.Fn = { Type: 'AWS::Lambda::Function', Properties: { Environment: { Variables: { GITHUB_TOKEN: 'ghp_abc' } } } }),
      'Fn',
      /GITHUB_TOKEN is a literal string/,
    ],
    [
      'a plain SECRET variable',
      (t) => (t.Resources.Fn = { Type: 'AWS::Lambda::Function', Properties: { Environment: { Variables: { SECRET: 'abc' } } } }),
      'Fn',
      /SECRET is a literal string/,
    ],
    [
      'an EC2 key pair',
      (t) => (t.Resources.Key = { Type: 'AWS::EC2::KeyPair', Properties: { KeyName: 'ops' } }),
      'Key',
      /AWS::EC2::KeyPair/,
    ],
  ])('fails with %s', (_name, edit, resource, message) => {
    expectFinding(checkSecrets(weakened(edit)), resource, message);
  });
});

describe('ADMIN-MFA (AWS): every role with admin-level permissions', () => {
  const serviceTrust = (service: string) => ({
    Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: service } }],
    Version: '2012-10-17',
  });

  it.each<[string, any, RegExp]>([
    [
      'the CDK bootstrap execution role (AdministratorAccess unless --cloudformation-execution-policies)',
      {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: serviceTrust('cloudformation.amazonaws.com'),
          ManagedPolicyArns: {
            'Fn::If': [
              'HasCloudFormationExecutionPolicies',
              { Ref: 'CloudFormationExecutionPolicies' },
              [{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess' }],
            ],
          },
        },
      },
      /holds admin-level permissions .* and is assumable by cloudformation.amazonaws.com/,
    ],
    [
      'a service role given AdministratorAccess',
      {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: serviceTrust('ec2.amazonaws.com'),
          ManagedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'],
        },
      },
      /holds admin-level permissions \(AdministratorAccess\) and is assumable by ec2.amazonaws.com/,
    ],
    [
      'a function role that may pass any role (privilege escalation)',
      {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: serviceTrust('lambda.amazonaws.com'),
          Policies: [
            {
              PolicyName: 'p',
              PolicyDocument: { Statement: [{ Effect: 'Allow', Action: ['iam:PassRole', 's3:GetObject'], Resource: '*' }] },
            },
          ],
        },
      },
      /holds admin-level permissions \(iam:PassRole on "\*"\)/,
    ],
    [
      'a federated CI role with * on * and no MFA',
      {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: {
            Statement: [
              {
                Action: 'sts:AssumeRoleWithWebIdentity',
                Effect: 'Allow',
                Principal: { Federated: 'arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com' },
              },
            ],
          },
          Policies: [{ PolicyName: 'p', PolicyDocument: { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } }],
        },
      },
      /assumable by arn:aws:iam::111111111111:oidc-provider\/token.actions.githubusercontent.com without MFA/,
    ],
  ])('fails on %s', (_name, role, message) => {
    expectFinding(checkAdminMfa(weakened((t) => (t.Resources.Powerful = role))), 'Powerful', message);
  });

  it('accepts a service role with scoped permissions', () => {
    const t = weakened(
      (t) =>
        (t.Resources.Scoped = {
          Type: 'AWS::IAM::Role',
          Properties: {
            AssumeRolePolicyDocument: serviceTrust('ec2.amazonaws.com'),
            Policies: [
              {
                PolicyName: 'p',
                PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }] },
              },
            ],
          },
        }),
    );
    expectPass(checkAdminMfa(t));
  });
});
