import type { IConstruct } from 'constructs';

/**
 * The construct path without the ids CDK leaves out of logical ids and names (`Default`). Names
 * the baseline derives from a path (an access-log prefix, a launch template's Name tag) use it, so
 * wrapping constructs in a `Default` scope (as the stacks do with ServingTier, to keep logical ids)
 * changes none of them: a new log prefix would split the access-log history, a new launch
 * template tag would roll the app instances.
 */
export function namePath(construct: IConstruct): string {
  return construct.node.scopes
    .map((scope) => scope.node.id)
    .filter((id) => id !== '' && id !== 'Default')
    .join('/');
}
