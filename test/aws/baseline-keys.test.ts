import { Template } from 'aws-cdk-lib/assertions';
import { BaselineKeys } from '../../lib/aws/baseline-keys';
import { ENV, getAtt, idSource, resourceOf, testStack } from './support';

const stack = testStack();
const keys = new BaselineKeys(stack, 'Keys', { aliasPrefix: 'acme-prod' });
const short = new BaselineKeys(stack, 'ShortWindow', { aliasPrefix: 'acme-short', pendingWindowDays: 7 });
const template = Template.fromStack(stack);

const PURPOSES = ['data', 'logs', 'backup', 'assets'] as const;

const DENY_GRANTS = {
  Sid: 'DenyGrantsExceptForAwsServices',
  Effect: 'Deny',
  Principal: { AWS: '*' },
  Action: 'kms:CreateGrant',
  Resource: '*',
  Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
};

const LOGS_SERVICE = {
  Sid: 'AllowCloudWatchLogsOfThisAccount',
  Effect: 'Allow',
  Principal: { Service: `logs.${ENV.region}.amazonaws.com` },
  Action: ['kms:Decrypt*', 'kms:Describe*', 'kms:Encrypt*', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
  Resource: '*',
  Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:${ENV.region}:${ENV.account}:log-group:*` } },
};

const statementsOf = (purpose: (typeof PURPOSES)[number]): any[] => resourceOf(template, keys[purpose]).Properties.KeyPolicy.Statement;

describe('BaselineKeys', () => {
  it('creates one key per purpose with an alias under the prefix', () => {
    template.resourceCountIs('AWS::KMS::Key', 8);
    for (const purpose of PURPOSES) {
      template.hasResourceProperties('AWS::KMS::Alias', {
        AliasName: `alias/acme-prod/${purpose}`,
        TargetKeyId: getAtt(keys[purpose], 'Arn'),
      });
    }
  });

  it.each(PURPOSES)('makes the %s key a rotating, retained AES-256 key', (purpose) => {
    const key = resourceOf(template, keys[purpose]);
    expect(key.Properties).toMatchObject({
      EnableKeyRotation: true,
      RotationPeriodInDays: 365,
      KeySpec: 'SYMMETRIC_DEFAULT',
      KeyUsage: 'ENCRYPT_DECRYPT',
      PendingWindowInDays: 30,
    });
    expect(key.DeletionPolicy).toBe('Retain');
    expect(key.UpdateReplacePolicy).toBe('Retain');
  });

  it('uses the given pending window', () => {
    for (const purpose of PURPOSES) {
      expect(resourceOf(template, short[purpose]).Properties.PendingWindowInDays).toBe(7);
    }
  });

  it.each(PURPOSES)('lets only AWS services create grants on the %s key', (purpose) => {
    expect(statementsOf(purpose)).toContainEqual(DENY_GRANTS);
  });

  it('lets CloudWatch Logs of this account and region use the logs key', () => {
    expect(statementsOf('logs')).toContainEqual(LOGS_SERVICE);
  });

  it('lets alarms of this account publish to topics under the logs key, and grants EventBridge nothing (it publishes as a role)', () => {
    expect(JSON.stringify(statementsOf('logs'))).not.toMatch(/events\.amazonaws/);
    expect(statementsOf('logs')).toContainEqual({
      Sid: 'AllowAlarmPublishing',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: '*',
      Condition: { StringEquals: { 'aws:SourceAccount': ENV.account } },
    });
  });

  it.each(['data', 'backup', 'assets'] as const)('names no log or alarm service in the %s key policy', (purpose) => {
    const sids = statementsOf(purpose).map((s) => s.Sid);
    expect(sids).not.toContain('AllowCloudWatchLogsOfThisAccount');
    expect(sids).not.toContain('AllowAlarmPublishing');
    expect(JSON.stringify(statementsOf(purpose))).not.toMatch(/logs\.|cloudwatch\.amazonaws|events\.amazonaws/);
  });

  it.each(['data', 'backup', 'assets'] as const)('gives the %s key only the account statement and the grant deny', (purpose) => {
    expect(statementsOf(purpose)).toEqual([
      { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ENV.account}:root` }, Action: 'kms:*', Resource: '*' },
      DENY_GRANTS,
    ]);
  });

  describe('errors', () => {
    const scratch = testStack('Scratch');
    const id = idSource();
    it.each([6, 31, 0, 7.5])('fails when pendingWindowDays is %p', (days) => {
      expect(() => new BaselineKeys(scratch, id(), { aliasPrefix: 'x', pendingWindowDays: days })).toThrow(
        new RegExp(`BaselineKeys\\.pendingWindowDays: received ${days}; expected an integer from 7 to 30`),
      );
    });
    it('accepts the KMS limits 7 and 30', () => {
      expect(() => new BaselineKeys(scratch, id(), { aliasPrefix: 'x7', pendingWindowDays: 7 })).not.toThrow();
      expect(() => new BaselineKeys(scratch, id(), { aliasPrefix: 'x30', pendingWindowDays: 30 })).not.toThrow();
    });
  });
});
