import type { CheckResult } from '../../lib/controls/types';
import { formatFindings } from '../../lib/controls';
import { primaryTemplate } from './fixtures/aws-templates';

/** A fresh template after `edit` weakened it (the primary fixture unless another base is given). */
export function weakened(edit: (template: any) => void, base: () => any = primaryTemplate): any {
  const template = base();
  edit(template);
  return template;
}

/** Properties of a resource of a fixture, for edits. */
export function props(template: any, id: string): any {
  const resource = template.Resources[id];
  if (!resource) throw new Error(`fixture has no resource ${id}`);
  return resource.Properties;
}

/** Asserts a pass with no findings (showing them when there are). */
export function expectPass(result: CheckResult): void {
  expect(formatFindings(result.findings)).toBe('');
  expect(result.status).toBe('pass');
}

/** Asserts a failure with a finding on `resource` whose message matches `message`. */
export function expectFinding(result: CheckResult, resource: string, message: RegExp): void {
  expect(result.status).toBe('fail');
  const matching = result.findings.filter((f) => f.resource === resource && message.test(f.message));
  if (matching.length === 0) {
    throw new Error(
      `expected a ${result.control} finding on ${resource} matching ${message}; got:\n${formatFindings(result.findings) || '(none)'}`,
    );
  }
  expect(matching.every((f) => f.control === result.control)).toBe(true);
}

/** Asserts not-applicable. */
export function expectNotApplicable(result: CheckResult): void {
  expect(result).toEqual({ control: result.control, status: 'not-applicable', findings: [], evidence: [] });
}
