// Explicit markers the constructs and stacks write and the checks read (docs/design.md "Markers,
// never names": checks recognise resources by explicit markers the constructs write, never by
// names). A resource named "bastion" is not a bastion; a resource the Bastion construct marks is.
// Constants only: the constructs (aws-cdk-lib, cdktf) and the checks (synthesized JSON) share
// them without importing each other.

/**
 * The stack marker: what a stack is to the baseline. CloudFormation: the template's top-level
 * `Metadata.baseline`; Terraform JSON: `//.baseline` (a comment key Terraform ignores). Written by
 * the reference stacks (and by `markAwsStack` / `markTerraformStack` for any other project), read
 * by the evidence tools to group stacks by environment instead of parsing stack names.
 */
export const STACK_MARKER = 'baseline';

/** The role of a stack in its environment. */
export type MarkedStackRole = 'primary' | 'dr' | 'dr-database' | 'edge';

/** The stack roles a marker may name. */
export const MARKED_STACK_ROLES: readonly MarkedStackRole[] = ['primary', 'dr', 'dr-database', 'edge'];

/** The content of a stack marker. */
export interface StackMarker {
  /** The environment the stack belongs to, e.g. `prod`. */
  readonly environment: string;
  /** What the stack is in that environment. */
  readonly role: MarkedStackRole;
  /** Whether the environment is production (ENV-SEPARATION: production shares no account). */
  readonly production?: boolean;
  /** The jurisdiction the environment's data must stay in (DATA-RESIDENCY), e.g. `eu`. */
  readonly residency?: string;
}

/**
 * The role marker of one resource: CloudFormation resource `Metadata` (AWS, set only by code:
 * config tags cannot forge it), an Azure resource tag (the config loader rejects `baseline:` tag
 * keys, so config tags cannot forge it either).
 */
export const ROLE_MARKER = 'baseline:role';

/** Roles a check must recognise. `bastion`: the one host allowed a public address (NET-TIERS, BASTION-SSH). */
export type ResourceRole = 'bastion';

/**
 * The tier of an Azure network security group (its subnet's tier): `gateway`, `bastion`, `app`
 * or `data`. Azure subnets carry no tags, so the tier is marked on the subnet's NSG.
 */
export const TIER_MARKER = 'baseline:tier';

/**
 * A data store deliberately kept outside the environment's residency, with the reason, as
 * CloudFormation resource `Metadata` (AWS only). The DATA-RESIDENCY check still reports it: the
 * cell lists it as an exception a reviewer reads, never silently.
 */
export const RESIDENCY_EXCEPTION_MARKER = 'baseline:residency-exception';

/**
 * The class of a log the claims name (LOG-RETENTION requires an immutable copy of each; LOG-CENTRAL
 * finds the hosts' login logs by it): `network-flow`, `waf` or `host-auth`. A tag on the AWS log
 * group and on the Azure data collection rule.
 */
export const LOG_CLASS_MARKER = 'baseline:log-class';

/** Tag keys reserved for markers: the config loader rejects them in `tags`. */
export const RESERVED_TAG_PREFIX = 'baseline:';

/** The stack marker of a template (CloudFormation or Terraform JSON), when it has a valid one. */
export function stackMarkerOf(template: any): StackMarker | undefined {
  const raw = template?.Metadata?.[STACK_MARKER] ?? template?.['//']?.[STACK_MARKER];
  if (raw === null || typeof raw !== 'object') return undefined;
  if (typeof raw.environment !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(raw.environment)) return undefined;
  if (!MARKED_STACK_ROLES.includes(raw.role)) return undefined;
  return {
    environment: raw.environment,
    role: raw.role,
    ...(typeof raw.production === 'boolean' ? { production: raw.production } : {}),
    ...(typeof raw.residency === 'string' ? { residency: raw.residency } : {}),
  };
}

/** Throws naming the field when a marker would not be read back by {@link stackMarkerOf}. */
export function validateStackMarker(where: string, marker: StackMarker): void {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(marker.environment)) {
    throw new Error(
      `${where}: environment "${marker.environment}" is not a lower-case name (letters, digits, dashes); the evidence tools ` +
        `would not read the marker`,
    );
  }
  if (!MARKED_STACK_ROLES.includes(marker.role))
    throw new Error(`${where}: role "${marker.role}" is not one of ${MARKED_STACK_ROLES.join(', ')}`);
}
