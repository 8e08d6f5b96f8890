import type { ResourceDiff, StackDiff } from '../../lib/evidence/diff-model';
import { applyAcceptances, MIN_REASON_LENGTH, parseAcceptances, statefulChanges } from '../../lib/evidence/stateful-changes';

// The stateful part of the security diff that the controls report gates on: which changes count,
// and how a reviewer's written acceptance clears one (and only that one).
const resource = (over: Partial<ResourceDiff>): ResourceDiff => ({
  address: 'X',
  type: 'AWS::S3::Bucket',
  action: 'update',
  stateful: true,
  changes: [],
  ...over,
});
const stack = (name: string, resources: ResourceDiff[], cloud: StackDiff['cloud'] = 'aws'): StackDiff => ({
  stack: name,
  cloud,
  change: 'changed',
  resources,
  notes: [],
  other: [],
});

const diffs: StackDiff[] = [
  stack('prod-aws-primary', [
    resource({
      address: 'DatabaseF1',
      type: 'AWS::RDS::DBInstance',
      action: 'remove',
      constructPath: 'prod-aws-primary/Database/Resource',
      consequence: '**deleted** after a final snapshot',
      renamedTo: 'PrimaryDbA2',
    }),
    resource({ address: 'PrimaryDbA2', type: 'AWS::RDS::DBInstance', action: 'add', renamedFrom: 'DatabaseF1' }),
    resource({
      address: 'Logs',
      action: 'update',
      changes: [{ path: 'Properties.LifecycleConfiguration', before: 1, after: 2, replacement: 'never' }],
    }),
    resource({
      address: 'Key',
      type: 'AWS::KMS::Key',
      action: 'may-replace',
      changes: [
        { path: 'Properties.KeySpec', before: 'a', after: 'b', replacement: 'conditional' },
        { path: 'Properties.Description', before: 'a', after: 'b', replacement: 'never' },
      ],
    }),
    resource({ address: 'Queue', type: 'AWS::SQS::Queue', action: 'remove', stateful: false }),
  ]),
  stack(
    'prod-azure-primary',
    [
      resource({
        address: 'azurerm_storage_account.Data',
        type: 'azurerm_storage_account',
        action: 'replace',
        changes: [{ path: 'infrastructure_encryption_enabled', before: true, after: false, replacement: 'always' }],
      }),
    ],
    'azure',
  ),
];

describe('statefulChanges', () => {
  it('lists removals, replacements and possible replacements of stateful resources only, with what forces them', () => {
    expect(statefulChanges(diffs)).toEqual([
      {
        stack: 'prod-aws-primary',
        cloud: 'aws',
        resource: 'DatabaseF1',
        type: 'AWS::RDS::DBInstance',
        constructPath: 'prod-aws-primary/Database/Resource',
        action: 'remove',
        consequence: '**deleted** after a final snapshot',
        renamedTo: 'PrimaryDbA2',
        forcedBy: [],
      },
      {
        stack: 'prod-aws-primary',
        cloud: 'aws',
        resource: 'Key',
        type: 'AWS::KMS::Key',
        action: 'may-replace',
        forcedBy: ['Properties.KeySpec'],
      },
      {
        stack: 'prod-azure-primary',
        cloud: 'azure',
        resource: 'azurerm_storage_account.Data',
        type: 'azurerm_storage_account',
        action: 'replace',
        forcedBy: ['infrastructure_encryption_enabled'],
      },
    ]);
  });

  it('is empty when nothing stateful goes', () => {
    expect(
      statefulChanges([
        stack('s', [resource({ action: 'add' }), resource({ action: 'update' }), resource({ action: 'remove', stateful: false })]),
      ]),
    ).toEqual([]);
  });
});

describe('acceptances', () => {
  const reason = 'restored from snapshot rds:prod-2026-11-30 into the new instance';

  it('marks exactly the accepted change with its reason and lists acceptances that match nothing', () => {
    const { changes, unused } = applyAcceptances(statefulChanges(diffs), [
      { stack: 'prod-aws-primary', resource: 'DatabaseF1', reason },
      { stack: 'prod-aws-primary', resource: 'PrimaryDbA2', reason },
    ]);
    expect(changes.map((c) => [c.resource, c.acceptedBecause])).toEqual([
      ['DatabaseF1', reason],
      ['Key', undefined],
      ['azurerm_storage_account.Data', undefined],
    ]);
    expect(unused).toEqual([{ stack: 'prod-aws-primary', resource: 'PrimaryDbA2', reason }]);
  });

  it('does not accept the same resource id in another stack', () => {
    const { changes } = applyAcceptances(statefulChanges(diffs), [{ stack: 'staging-aws-primary', resource: 'DatabaseF1', reason }]);
    expect(changes.every((c) => c.acceptedBecause === undefined)).toBe(true);
  });

  it('parses the file and rejects one without a reason a reviewer can check, naming the field', () => {
    expect(parseAcceptances({ accepted: [{ stack: 'a', resource: 'b', reason }] }, 'f.json')).toEqual([
      { stack: 'a', resource: 'b', reason },
    ]);
    expect(parseAcceptances({ accepted: [] }, 'f.json')).toEqual([]);
    expect(() => parseAcceptances({ accepted: [{ stack: 'a', resource: 'b', reason: 'ok' }] }, 'f.json')).toThrow(
      new RegExp(
        `^f\\.json is invalid .*\\n  - accepted\\[0\\]\\.reason: received "ok": write why the data may go \\(at least ` +
          `${MIN_REASON_LENGTH} characters\\)`,
      ),
    );
    expect(() => parseAcceptances({ accepted: [{ stack: 'a', resource: 'b', reason, because: 'x' }] }, 'f.json')).toThrow(
      /accepted\[0\]\.because: .*is not a known setting/,
    );
    expect(() => parseAcceptances([], 'f.json')).toThrow(/f\.json is invalid/);
    expect(() =>
      parseAcceptances(
        {
          accepted: [
            { stack: 'a', resource: 'b', reason },
            { stack: 'a', resource: 'b', reason },
          ],
        },
        'f.json',
      ),
    ).toThrow('accepted[1]: a/b is accepted twice; keep one entry');
  });
});
