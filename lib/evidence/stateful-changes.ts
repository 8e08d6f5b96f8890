// Stateful resources that a change would replace or remove (issue 6): the part of the security
// diff that no control check can see, because a renamed database still meets every control in the
// head's synth. The controls report takes these from a comparison with a base (npm run report --
// --base <ref>) and fails on any that a reviewer has not accepted in writing
// (config/accepted-stateful-changes.json). Pure: no file system, no clock.
import { z } from 'zod';
import { toProblems } from '../config/load';
import type { Cloud } from '../controls/types';
import type { ResourceDiff, StackDiff } from './diff-model';

/** What happens to the data of a stateful resource. */
export type StatefulAction = 'remove' | 'replace' | 'may-replace';

/** One stateful resource replaced or removed between the base and the head. */
export interface StatefulChange {
  readonly stack: string;
  readonly cloud: Cloud;
  /** CloudFormation logical id, or Terraform address `<type>.<name>`, on the base side. */
  readonly resource: string;
  readonly type: string;
  readonly constructPath?: string;
  readonly action: StatefulAction;
  /** What happens to the data, and how to avoid it (from the diff). */
  readonly consequence?: string;
  /** The head's address it was probably renamed to (a construct id change). */
  readonly renamedTo?: string;
  /** Attributes whose change forces the replacement. */
  readonly forcedBy: readonly string[];
  /** The reviewer's reason, when config/accepted-stateful-changes.json accepts it. */
  readonly acceptedBecause?: string;
}

/** Every stateful resource removed, replaced or possibly replaced, by stack then resource. */
export function statefulChanges(diffs: readonly StackDiff[]): StatefulChange[] {
  const out: StatefulChange[] = [];
  for (const d of diffs) {
    for (const r of d.resources) {
      if (!r.stateful || !isDestructive(r.action)) continue;
      const forcedBy = [
        ...new Set(r.changes.filter((c) => c.replacement === 'always' || c.replacement === 'conditional').map((c) => c.path)),
      ];
      out.push({
        stack: d.stack,
        cloud: d.cloud,
        resource: r.address,
        type: r.type,
        ...(r.constructPath ? { constructPath: r.constructPath } : {}),
        action: r.action,
        ...(r.consequence ? { consequence: r.consequence } : {}),
        ...(r.renamedTo ? { renamedTo: r.renamedTo } : {}),
        forcedBy: r.action === 'remove' ? [] : forcedBy,
      });
    }
  }
  return out.sort((a, b) => compare(`${a.stack}\u0000${a.resource}`, `${b.stack}\u0000${b.resource}`));
}

function isDestructive(action: ResourceDiff['action']): action is StatefulAction {
  return action === 'remove' || action === 'replace' || action === 'may-replace';
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The minimum length of a reason: a sentence a reviewer can check, not "ok". */
export const MIN_REASON_LENGTH = 20;

/** The file that accepts stateful changes, as committed in the pull request that makes them. */
export const acceptedStatefulChangesSchema = z
  .object({
    accepted: z
      .array(
        z
          .object({
            stack: z.string().min(1).describe('The stack name, e.g. prod-aws-primary.'),
            resource: z
              .string()
              .min(1)
              .describe("The base side's logical id (CloudFormation) or address <type>.<name> (Terraform), as the report lists it."),
            reason: z
              .string()
              .trim()
              .min(
                MIN_REASON_LENGTH,
                `write why the data may go (at least ${MIN_REASON_LENGTH} characters), e.g. "restored from snapshot ` +
                  `rds:prod-2026-11-30 into the new instance"`,
              )
              .describe("Why losing or re-creating this resource's data is intended, and how the data survives."),
          })
          .strict(),
      )
      .describe('Stateful replacements and removals a reviewer accepted; remove entries once the change is merged.'),
  })
  .strict();

/** One accepted replacement or removal. */
export type Acceptance = z.infer<typeof acceptedStatefulChangesSchema>['accepted'][number];

/**
 * Parses the acceptances file; throws one Error naming the file, the field path and the fix.
 * `source` names the file in the message.
 */
export function parseAcceptances(json: unknown, source: string): Acceptance[] {
  const parsed = acceptedStatefulChangesSchema.safeParse(json);
  if (!parsed.success) {
    const problems = toProblems(parsed.error.issues, json);
    throw new Error(
      `${source} is invalid (expected {"accepted": [{"stack": "...", "resource": "...", "reason": "..."}]}):\n` +
        problems.map((p) => `  - ${p.path}: received ${p.received}: ${p.message}`).join('\n'),
    );
  }
  const seen = new Set<string>();
  for (const [i, a] of parsed.data.accepted.entries()) {
    const key = `${a.stack}/${a.resource}`;
    if (seen.has(key)) throw new Error(`${source} is invalid:\n  - accepted[${i}]: ${key} is accepted twice; keep one entry`);
    seen.add(key);
  }
  return parsed.data.accepted;
}

/**
 * Marks the changes a reviewer accepted (same stack and resource) with their reason; `unused`
 * lists acceptances that match no change (already merged, or a typo), which the report shows so
 * they get removed.
 */
export function applyAcceptances(
  changes: readonly StatefulChange[],
  acceptances: readonly Acceptance[],
): { changes: StatefulChange[]; unused: Acceptance[] } {
  const byKey = new Map(acceptances.map((a) => [`${a.stack}\u0000${a.resource}`, a]));
  const used = new Set<string>();
  const marked = changes.map((c) => {
    const key = `${c.stack}\u0000${c.resource}`;
    const a = byKey.get(key);
    if (!a) return c;
    used.add(key);
    return { ...c, acceptedBecause: a.reason };
  });
  const unused = acceptances
    .filter((a) => !used.has(`${a.stack}\u0000${a.resource}`))
    .sort((a, b) => compare(`${a.stack}\u0000${a.resource}`, `${b.stack}\u0000${b.resource}`));
  return { changes: marked, unused };
}
