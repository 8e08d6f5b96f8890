import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { LockedBackupVault, type LockedBackupVaultProps } from '../../lib/aws/locked-backup-vault';
import { getAtt, idSource, resourceOf, testStack } from './support';

const stack = testStack();
const key = new kms.Key(stack, 'BackupKey');
// The vault on its own, with its defaults; and one with every setting given.
const bare = new LockedBackupVault(stack, 'Bare', { encryptionKey: key, minRetentionDays: 30 });
const named = new LockedBackupVault(stack, 'Named', {
  encryptionKey: key,
  minRetentionDays: 90,
  changeableForDays: 14,
  backupVaultName: 'acme-prod-dr',
});
const template = Template.fromStack(stack);
const vaultOf = (v: LockedBackupVault) => resourceOf(template, v.resource);

describe('LockedBackupVault', () => {
  it('encrypts the vault under the given key', () => {
    for (const v of [bare, named]) expect(vaultOf(v).Properties.EncryptionKeyArn).toEqual(getAtt(key, 'Arn'));
  });

  it('locks the vault with the minimum retention and a 3-day grace period by default', () => {
    expect(vaultOf(bare).Properties.LockConfiguration).toEqual({ MinRetentionDays: 30, ChangeableForDays: 3 });
    expect(vaultOf(named).Properties.LockConfiguration).toEqual({ MinRetentionDays: 90, ChangeableForDays: 14 });
    expect(vaultOf(named).Properties.BackupVaultName).toBe('acme-prod-dr');
  });

  it('denies deleting recovery points or shortening their lifecycle to everyone', () => {
    const denyDeletion = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: ['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle'],
          Resource: '*',
        },
      ],
    };
    for (const v of [bare, named]) expect(vaultOf(v).Properties.AccessPolicy).toEqual(denyDeletion);
  });

  it('retains the vault when the stack is deleted', () => {
    for (const v of [bare, named]) {
      expect(vaultOf(v).DeletionPolicy).toBe('Retain');
      expect(vaultOf(v).UpdateReplacePolicy).toBe('Retain');
    }
  });

  describe('errors', () => {
    const scratch = testStack('ScratchVault');
    const scratchKey = new kms.Key(scratch, 'Key');
    const id = idSource();
    const make = (props: Partial<LockedBackupVaultProps>) => () =>
      new LockedBackupVault(scratch, id(), { encryptionKey: scratchKey, minRetentionDays: 30, ...props });

    it.each([0, 1.5, 36501])('fails when minRetentionDays is %p', (days) => {
      expect(make({ minRetentionDays: days })).toThrow(
        new RegExp(`LockedBackupVault\\.minRetentionDays: received ${days}; expected an integer from 1 to 36500 days`),
      );
    });

    it.each([2, 3.5, 0])('fails when changeableForDays is %p', (days) => {
      expect(make({ changeableForDays: days })).toThrow(
        new RegExp(
          `LockedBackupVault\\.changeableForDays: received ${days}; expected an integer of at least 3 \\(AWS Backup's 72-hour ` +
            `cooling-off period\\)`,
        ),
      );
    });

    it.each(['a', 'has space', 'x'.repeat(51)])('fails when backupVaultName is %p', (name) => {
      expect(make({ backupVaultName: name })).toThrow(
        new RegExp(`LockedBackupVault\\.backupVaultName: received "${name}"; expected 2-50 letters, digits, dashes or underscores`),
      );
    });

    it('accepts the limits: 1 day minimum, 3 days grace', () => {
      expect(make({ minRetentionDays: 1, changeableForDays: 3 })).not.toThrow();
    });
  });
});
