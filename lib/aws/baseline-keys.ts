import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/** Props of {@link BaselineKeys}. */
export interface BaselineKeysProps {
  /**
   * Prefix of the key aliases (`alias/<prefix>/data`...).
   */
  readonly aliasPrefix: string;
  /**
   * Days a scheduled key deletion waits, so a mistaken deletion can be cancelled.
   * @default 30 (the KMS maximum)
   */
  readonly pendingWindowDays?: number;
}

/**
 * Customer-managed AES-256 KMS keys, one per purpose (control ENC-REST, claims A8 and B3):
 * `data` (database, buckets, volumes, secrets), `logs` (log groups, CloudTrail, alert topic) and
 * `backup`. Separate keys keep a log reader from decrypting customer data and let each key policy
 * name only the services of its purpose. Keys rotate yearly and are retained when the stack is
 * deleted, since losing a key loses every byte encrypted under it.
 */
export class BaselineKeys extends Construct {
  /** Key for customer data at rest. */
  readonly data: kms.Key;
  /** Key for logs, the audit trail and the alert topic. */
  readonly logs: kms.Key;
  /** Key for backup vaults. */
  readonly backup: kms.Key;
  /**
   * Key for the public static assets: CloudFront's origin access needs a key policy that cannot
   * name the distribution up front, so these assets get a key of their own.
   */
  readonly assets: kms.Key;

  constructor(scope: Construct, id: string, props: BaselineKeysProps) {
    super(scope, id);
    const pendingWindowDays = props.pendingWindowDays ?? 30;
    if (!Number.isInteger(pendingWindowDays) || pendingWindowDays < 7 || pendingWindowDays > 30) {
      throw new Error(`BaselineKeys.pendingWindowDays: received ${pendingWindowDays}; expected an integer from 7 to 30 (the KMS limits)`);
    }
    const make = (name: string, description: string) => {
      const key = new kms.Key(this, name, {
        alias: `alias/${props.aliasPrefix}/${name.toLowerCase()}`,
        description,
        enableKeyRotation: true,
        rotationPeriod: Duration.days(365),
        keySpec: kms.KeySpec.SYMMETRIC_DEFAULT,
        keyUsage: kms.KeyUsage.ENCRYPT_DECRYPT,
        pendingWindow: Duration.days(pendingWindowDays),
        removalPolicy: RemovalPolicy.RETAIN,
      });
      denyGrantsToNonServices(key);
      return key;
    };
    this.data = make('Data', 'Customer data at rest: database, buckets, volumes, secrets');
    this.logs = make('Logs', 'Logs, audit trail and alert topic');
    this.backup = make('Backup', 'Backup vaults');
    this.assets = make('Assets', 'Public static assets served by CloudFront');

    const stack = Stack.of(this);
    allowCloudWatchLogs(this.logs);
    // CloudWatch alarms of this account publish to the encrypted alert topic. EventBridge
    // publishes as a role of the stack (ThreatDetection), whose IAM policy grants the key.
    // CloudWatch documents no aws:SourceArn for this key use; the account binds it.
    this.logs.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowAlarmPublishing',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
  }
}

/**
 * Lets CloudWatch Logs use `key` for the log groups of this account and region only (the
 * encryption-context condition stops another account's log group from using the key).
 */
export function allowCloudWatchLogs(key: kms.IKey): void {
  const stack = Stack.of(key);
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchLogsOfThisAccount',
      principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: {
        ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*` },
      },
    }),
  );
}

/**
 * Only AWS services may create grants on `key` (CT.KMS.PR.3): a grant is a second, invisible
 * permission path, so a person or app role must not be able to hand out use of the key.
 */
export function denyGrantsToNonServices(key: kms.IKey): void {
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'DenyGrantsExceptForAwsServices',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
    }),
  );
}
