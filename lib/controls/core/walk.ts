/**
 * Calls `visit` on a parsed template value (CloudFormation or Terraform JSON) and on every value
 * nested in it, depth-first, with the object key it sits under (array items keep their array's key).
 *
 * Indexed loops and `for...in`, not `forEach`/`Object.entries`: the checks walk whole templates
 * (SECRETS walks each AWS template twice, once per check run), and the per-node allocations were
 * most of an evaluation's time. The order is the same: own enumerable keys in property order.
 */
export function walk(value: unknown, visit: (node: unknown, key?: string) => void, key?: string): void {
  visit(value, key);
  if (typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) walk(value[i], visit, key);
    return;
  }
  for (const k in value) if (Object.hasOwn(value, k)) walk((value as Record<string, unknown>)[k], visit, k);
}
