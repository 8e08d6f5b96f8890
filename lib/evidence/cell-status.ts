// What a matrix cell's status lets the evidence tools claim (OSCAL findings, the trust page).
// Only a cell a check proved (`pass`), or whose enforcement was checked at configuration level
// (`config-enforced`), counts as satisfied; `not-applicable` is neither; every other status, the
// ones of today (`fail`, `not-checked`), of tomorrow (`unchecked`) and any this code does not
// know, is not satisfied. A new status therefore never makes a public claim by accident.

/** The verdict an auditor's document or a public page may draw from a cell. */
export type Satisfaction = 'satisfied' | 'not-satisfied' | 'not-applicable';

const SATISFIED: ReadonlySet<string> = new Set(['pass', 'config-enforced']);

/** The verdict of a cell status (a string, so statuses added later fall to not-satisfied). */
export function satisfaction(status: string): Satisfaction {
  if (SATISFIED.has(status)) return 'satisfied';
  if (status === 'not-applicable') return 'not-applicable';
  return 'not-satisfied';
}
