/*
 * Validation of the least-privilege settings (issue "Least privilege on every access path"),
 * shared by the config schema and the constructs, with no aws-cdk-lib or cdktf import so both
 * apps can load it.
 */

/** The default key prefix of the app's objects in the data bucket. */
export const DEFAULT_APP_OBJECT_PREFIX = 'app/';

/** Why an object key prefix is unusable for a scoped grant, or undefined when it is fine. */
export function objectPrefixProblem(prefix: string): string | undefined {
  if (typeof prefix !== 'string' || !/^([A-Za-z0-9!_.()'-]+\/)+$/.test(prefix) || /(^|\/)\.\.?\//.test(prefix)) {
    return 'expected a key prefix of letters, digits and !_.()\'- segments ending in "/", such as app/ (no wildcards, no "." or ".." segments: the grant must not reach other prefixes)';
  }
  return undefined;
}
