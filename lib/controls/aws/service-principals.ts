// The confused-deputy rule for resource policies: a statement that grants an AWS service
// principal (events.amazonaws.com, cloudtrail.amazonaws.com...) acts for every customer of that
// service unless it names whose resources may trigger it. Another account's trail, rule, alarm or
// distribution could otherwise write into our bucket, use our key or publish to our topic.
import { conditionValue, list, renderText, type CfnTemplate } from './template';

/** The kind of resource policy a statement belongs to. */
export type ResourcePolicyKind = 'key' | 'bucket' | 'topic';

/**
 * Service principals whose documented grant on a resource kind carries no `aws:SourceArn` the
 * service sets, with the documented binding that replaces it. Every other service principal
 * needs `aws:SourceArn` as well as an account binding.
 */
export const SOURCE_ARN_EXEMPTIONS: ReadonlyArray<{
  readonly service: RegExp;
  readonly kind: ResourcePolicyKind;
  readonly why: string;
  readonly viaServiceSuffices?: boolean;
}> = [
  {
    service: /^logs\.[a-z0-9-]+\.amazonaws\.com$/,
    kind: 'key',
    why:
      'CloudWatch Logs binds its key use with the encryption context kms:EncryptionContext:aws:logs:arn (the log group ARN, ' +
      'which names the account)',
  },
  {
    service: /^cloudwatch\.amazonaws\.com$/,
    kind: 'key',
    why: 'CloudWatch alarms publishing to an encrypted topic document the key grant without aws:SourceArn; aws:SourceAccount binds it',
  },
  ...(['key', 'bucket'] as const).map((kind) => ({
    service: /^config\.amazonaws\.com$/,
    kind,
    why:
      "AWS Config's delivery-channel bucket and key policies are documented with aws:SourceAccount only (Permissions for the " +
      'Amazon S3 Bucket for the AWS Config Delivery Channel); a recorder of another account cannot deliver here',
  })),
  {
    service: /^delivery\.logs\.amazonaws\.com$/,
    kind: 'key',
    why:
      'CloudFront standard logging (legacy) writes through the log-delivery service with no source keys in its documented ' +
      'model; the grant is limited to use through S3 (kms:ViaService), and only a distribution whose owner may change the bucket ' +
      'ACL can log into the bucket',
    viaServiceSuffices: true,
  },
];

/** Keys whose value, when it names this account, binds a grant to the account. */
const ACCOUNT_CONTEXT_KEYS = ['kms:EncryptionContext:aws:logs:arn', 'kms:EncryptionContext:aws:cloudtrail:arn'];

/** The service principals of an Allow statement (empty for other principals). */
export function servicePrincipalsOf(statement: any): string[] {
  if (statement?.Effect !== 'Allow') return [];
  return list(statement.Principal?.Service).map((s) => renderText(s));
}

/**
 * Why a statement that grants a service principal is not bound to its source, or undefined when
 * it is: an account binding (`aws:SourceAccount`, an `aws:SourceArn` naming the account, or an
 * encryption context naming the account or a bucket of this template) and, unless the service is
 * in {@link SOURCE_ARN_EXEMPTIONS}, an `aws:SourceArn`.
 */
export function unboundServiceGrant(template: CfnTemplate, statement: any, kind: ResourcePolicyKind): string | undefined {
  const services = servicePrincipalsOf(statement);
  if (services.length === 0) return undefined;
  const values = (key: string) => anyOperator(statement, key);
  const sourceAccount = values('aws:SourceAccount');
  const sourceArn = values('aws:SourceArn');
  const accountContext = ACCOUNT_CONTEXT_KEYS.flatMap(values);
  const bucketContext = values('kms:EncryptionContext:aws:s3:arn');
  const viaService = values('kms:ViaService');
  const bucketIds = new Set(
    Object.entries(template?.Resources ?? {})
      .filter(([, r]) => r?.Type === 'AWS::S3::Bucket')
      .map(([id]) => id),
  );
  const ofOwnBucket = (v: unknown) => {
    const text = renderText(v);
    const m = /^\$\{([A-Za-z0-9]+)\.Arn\}/.exec(text);
    return m !== null && bucketIds.has(m[1]);
  };
  const accountBound =
    (sourceAccount.length > 0 && sourceAccount.every(isConcreteAccount)) ||
    (sourceArn.length > 0 && sourceArn.every(namesAccount)) ||
    (accountContext.length > 0 && accountContext.every(namesAccount)) ||
    (kind === 'key' && bucketContext.length > 0 && bucketContext.every(ofOwnBucket) && viaService.length > 0);
  const exemption = (s: string) => SOURCE_ARN_EXEMPTIONS.find((e) => e.kind === kind && e.service.test(s));
  const viaServiceOnly = viaService.length > 0 && services.every((s) => exemption(s)?.viaServiceSuffices === true);
  const who = services.join(', ');
  if (!accountBound && viaServiceOnly) return undefined;
  if (!accountBound) {
    return (
      `grants ${who} ${show(statement.Action)} without binding it to this account; expected Condition aws:SourceAccount (or an ` +
      `aws:SourceArn naming the account), so another account's resources cannot use the grant (confused deputy)`
    );
  }
  const exempt = services.every((s) => exemption(s) !== undefined);
  const arnBound =
    (sourceArn.length > 0 && sourceArn.every((v) => renderText(v) !== '*')) ||
    accountContext.length > 0 ||
    (kind === 'key' && bucketContext.length > 0 && bucketContext.every(ofOwnBucket));
  if (!arnBound && !exempt) {
    return (
      `grants ${who} ${show(statement.Action)} bound to the account only; expected Condition aws:SourceArn naming the ` +
      `${kind === 'topic' ? 'alarms or rules' : 'resources'} that may use it (the service sets it)`
    );
  }
  return undefined;
}

/** Values of a condition key under any operator (case-insensitive key). */
function anyOperator(statement: any, key: string): unknown[] {
  return Object.keys(statement?.Condition ?? {}).flatMap((op) => list(conditionValue(statement, op, key)));
}

/** A literal 12-digit account or the stack's own account (`${AWS::AccountId}`). */
function isConcreteAccount(value: unknown): boolean {
  const text = renderText(value);
  return /^\d{12}$/.test(text) || text === '${AWS::AccountId}';
}

/** An ARN (pattern) whose account field is a concrete account, not a wildcard. */
function namesAccount(value: unknown): boolean {
  const text = renderText(value)
    .replace(/\$\{AWS::Partition\}/g, 'aws')
    .replace(/\$\{AWS::Region\}/g, 'region')
    .replace(/\$\{AWS::AccountId\}/g, 'this-account');
  const parts = text.split(':');
  if (parts[4] === 'this-account') return parts[0] === 'arn';
  return parts.length >= 6 && parts[0] === 'arn' && isConcreteAccount(parts[4]);
}

function show(value: unknown): string {
  return JSON.stringify(value);
}
