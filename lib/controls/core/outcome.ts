import type { CheckResult, ControlId, Finding } from '../types';

/**
 * Collects the findings and evidence of one check. `within(id, fn)` runs the checks of one
 * resource and records it as evidence only if they found nothing, so evidence never names a
 * resource that falls short.
 */
export class Outcome {
  private readonly findings: Finding[] = [];
  private readonly evidence = new Set<string>();
  private readonly exceptions: Finding[] = [];

  constructor(readonly control: ControlId) {}

  /** Records a shortfall of `resource` (a logical id, or `(template)`). */
  fail(resource: string, message: string): void {
    this.findings.push({ control: this.control, resource, message });
  }

  /**
   * Records a shortfall the code declares on purpose (the marker's reason in `message`): it does
   * not fail the result, and reports show it beside the evidence.
   */
  except(resource: string, message: string): void {
    this.exceptions.push({ control: this.control, resource, message });
  }

  /** Records resources that carry the control. */
  carry(...ids: string[]): void {
    for (const id of ids) this.evidence.add(id);
  }

  /** Runs the checks of one resource; records it as evidence when they found nothing. */
  within(id: string, checks: () => void): boolean {
    const before = this.findings.length;
    checks();
    const clean = this.findings.length === before;
    if (clean) this.evidence.add(id);
    return clean;
  }

  /** The number of findings so far. */
  get count(): number {
    return this.findings.length;
  }

  /** The result: `fail` with findings, otherwise `pass`, or `not-applicable` when told so. */
  result(applicable = true): CheckResult {
    if (!applicable && this.findings.length === 0 && this.exceptions.length === 0) {
      return { control: this.control, status: 'not-applicable', findings: [], evidence: [] };
    }
    return {
      control: this.control,
      status: this.findings.length > 0 ? 'fail' : 'pass',
      findings: [...this.findings],
      evidence: [...this.evidence],
      ...(this.exceptions.length > 0 ? { exceptions: [...this.exceptions] } : {}),
    };
  }
}

/** The unchecked result of a control: the check lacks an input it needs, named in `reason`. */
export function unchecked(control: ControlId, reason: string): CheckResult {
  return { control, status: 'unchecked', reason, findings: [], evidence: [] };
}

/** The not-applicable result of a control. */
export function notApplicable(control: ControlId): CheckResult {
  return { control, status: 'not-applicable', findings: [], evidence: [] };
}
