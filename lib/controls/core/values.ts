/**
 * Scalar readings shared by the CloudFormation and Terraform helpers: both formats carry booleans
 * and numbers either as JSON values or as strings (`"true"`, `"30"`).
 */

/** `true` or `"true"` (any case). */
export function isTrue(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.toLowerCase() === 'true');
}

/** `false` or `"false"` (any case). */
export function isFalse(value: unknown): boolean {
  return value === false || (typeof value === 'string' && value.toLowerCase() === 'false');
}

/** A number given as a number or a numeric string; undefined otherwise (references, tokens, absent). */
export function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}
