// The headline and the exit-code policy of the evidence tools (npm run report, baseline-check):
// one rule, so the report, the CLI and CI never disagree on what PASS means.
//
// A cell is satisfied only when it is `pass` (checked on the output and compliant) or
// `config-enforced` (the loader rejects every config that breaks the claim); `not-applicable`
// cells make no claim. The headline is PASS only when no cell fails and none is unchecked;
// otherwise it names every unchecked cell ("PASS with 2 unchecked cells: ADMIN-MFA on Azure
// (prod, staging)") or says FAIL. Shortfalls the code declares on purpose (a marker with its
// reason, e.g. a log store AWS requires outside the residency) do not fail a cell, and the
// headline names them too ("...; 2 declared exceptions in DATA-RESIDENCY on AWS (prod, staging)"). The exit code follows the requirement
// the caller chose:
//   --require passing (the default): 1 when a cell fails;
//   --require checked (CI): 1 also when a cell is unchecked, except the cells named by
//     --allow-unchecked CONTROL:cloud, each of which must still match an unchecked cell (an
//     allowance that matches nothing is stale and fails too, so it is removed the day the check
//     lands).
import type { Cloud, ControlId } from '../controls/types';
import { CLOUDS, type MatrixCell } from './evaluate';

/** What the exit code demands of the matrix. */
export type Requirement = 'passing' | 'checked';

/** The requirements, for usage messages. */
export const REQUIREMENTS: readonly Requirement[] = ['passing', 'checked'];

/** The headline result: `pass-with-unchecked` passes no check that exists but leaves cells unverified. */
export type HeadlineResult = 'pass' | 'pass-with-unchecked' | 'fail';

const CLOUD_LABEL: Record<Cloud, string> = { aws: 'AWS', azure: 'Azure', cloudflare: 'Cloudflare' };

/** An unchecked cell the caller accepts under `--require checked`: a control on a cloud, every environment. */
export interface UncheckedAllowance {
  readonly control: ControlId;
  readonly cloud: Cloud;
}

/** The exit-code policy of one run. */
export interface ExitPolicy {
  /** @default 'passing' */
  readonly require?: Requirement;
  /** Unchecked cells accepted under `require: 'checked'`. @default - none */
  readonly allowUnchecked?: readonly UncheckedAllowance[];
}

/** The verdict of a matrix under a policy. */
export interface Verdict {
  readonly result: HeadlineResult;
  /** One line: `PASS`, `PASS with 2 unchecked cells: ...` or `FAIL: 1 failing cell: ...`. */
  readonly headline: string;
  readonly failing: readonly MatrixCell[];
  readonly unchecked: readonly MatrixCell[];
  /** Cells that pass only because the code declares a shortfall on purpose (shown in the headline). */
  readonly withExceptions: readonly MatrixCell[];
  /** The requirement applied. */
  readonly require: Requirement;
  /** Why the exit code is 1: failing cells, unchecked cells not allowed, stale allowances. Empty: exit 0. */
  readonly problems: readonly string[];
  /** 0 or 1. */
  readonly exitCode: 0 | 1;
}

/**
 * Parses `CONTROL:cloud` (e.g. `ADMIN-MFA:azure`); throws a message naming the value and the fix.
 * `controls` is the catalogue's ids.
 */
export function parseAllowance(value: string, controls: readonly string[]): UncheckedAllowance {
  const m = /^([A-Z][A-Z0-9-]*):(aws|azure|cloudflare)$/.exec(value.trim());
  if (!m)
    throw new Error(
      `--allow-unchecked ${JSON.stringify(value)}: expected CONTROL:cloud, e.g. ADMIN-MFA:azure (cloud one of ${CLOUDS.join(', ')})`,
    );
  if (!controls.includes(m[1]))
    throw new Error(`--allow-unchecked ${JSON.stringify(value)}: ${m[1]} is not a control of the catalogue (${controls.join(', ')})`);
  return { control: m[1] as ControlId, cloud: m[2] as Cloud };
}

/**
 * Cells grouped by control and cloud, in matrix order: `ADMIN-MFA on Azure (prod, staging)`.
 */
export function describeCells(cells: readonly MatrixCell[]): string {
  const groups = new Map<string, { control: string; cloud: Cloud; environments: string[] }>();
  for (const c of cells) {
    const key = `${c.control}|${c.cloud}`;
    const g = groups.get(key) ?? { control: c.control, cloud: c.cloud, environments: [] };
    g.environments.push(c.environment);
    groups.set(key, g);
  }
  return [...groups.values()]
    .map((g) => `${g.control} on ${CLOUD_LABEL[g.cloud]} (${[...new Set(g.environments)].sort().join(', ')})`)
    .join(', ');
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The verdict of `matrix` under `policy`. */
export function verdictOf(matrix: readonly MatrixCell[], policy: ExitPolicy = {}): Verdict {
  const require = policy.require ?? 'passing';
  const failing = matrix.filter((c) => c.status === 'fail');
  const unchecked = matrix.filter((c) => c.status === 'unchecked');
  const withExceptions = matrix.filter((c) => c.status !== 'fail' && (c.exceptions?.length ?? 0) > 0);
  const result: HeadlineResult = failing.length > 0 ? 'fail' : unchecked.length > 0 ? 'pass-with-unchecked' : 'pass';
  const declared =
    withExceptions.length > 0
      ? `${plural(
          withExceptions.reduce((n, c) => n + (c.exceptions?.length ?? 0), 0),
          'declared exception',
        )} in ${describeCells(withExceptions)}`
      : '';
  const headline =
    result === 'fail'
      ? `FAIL: ${plural(failing.length, 'failing cell')}: ` +
        `${describeCells(failing)}` +
        `${unchecked.length > 0 ? `; ${plural(unchecked.length, 'unchecked cell')}: ${describeCells(unchecked)}` : ''}` +
        `${declared ? `; ${declared}` : ''}`
      : result === 'pass-with-unchecked'
        ? `PASS with ${plural(unchecked.length, 'unchecked cell')}: ${describeCells(unchecked)}${declared ? `; ${declared}` : ''}`
        : declared
          ? `PASS with ${declared}`
          : 'PASS';
  const problems: string[] = [];
  if (failing.length > 0) problems.push(`${plural(failing.length, 'cell')} fail: ${describeCells(failing)}`);
  if (require === 'checked') {
    const allowances = policy.allowUnchecked ?? [];
    const allowed = (c: MatrixCell) => allowances.some((a) => a.control === c.control && a.cloud === c.cloud);
    const notAllowed = unchecked.filter((c) => !allowed(c));
    if (notAllowed.length > 0)
      problems.push(
        `--require checked: ${plural(notAllowed.length, 'cell')} unchecked: ${describeCells(notAllowed)}; add a check, or ` +
          `accept each with --allow-unchecked CONTROL:cloud`,
      );
    for (const a of allowances) {
      if (!unchecked.some((c) => c.control === a.control && c.cloud === a.cloud)) {
        problems.push(
          `--allow-unchecked ${a.control}:${a.cloud} matches no unchecked cell (the control is checked there now, or the name ` +
            `is wrong); remove it`,
        );
      }
    }
  }
  return { result, headline, failing, unchecked, withExceptions, require, problems, exitCode: problems.length > 0 ? 1 : 0 };
}
