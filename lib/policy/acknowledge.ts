import { Annotations, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { ACK_REASON_FLOOR, placeholders, registerEntry, type DecisionId } from './acknowledgement-register';

export { guardRule, NAG_PACKS, nagRule, type NagPack } from './acknowledgement-register';

/**
 * Acknowledges policy findings on one construct, with the reason a reviewer reads in the template
 * metadata. The low-level primitive: this baseline's constructs and stacks apply decisions of the
 * register with {@link acknowledgeDecision} instead, and CI fails on an acknowledgement that has
 * no register entry. Call it on the narrowest construct that carries the finding; the reason must
 * name the compensating control or the design conflict, never work left undone.
 */
export function acknowledge(scope: IConstruct, reason: string, ids: readonly string[]): void {
  if (reason.trim().length < ACK_REASON_FLOOR) {
    throw new Error(
      `acknowledge(${scope.node.path}): the reason "${reason}" is too short; say which control compensates and why the rule does not fit`,
    );
  }
  Validations.of(scope).acknowledge(...ids.map((id) => ({ id, reason })));
}

/** Options of {@link acknowledgeDecision}. */
export interface AcknowledgeDecisionOptions {
  /**
   * Values of the `{name}` placeholders of the entry's rule ids (e.g. the logical id a finding
   * names); a list gives one rule id per value.
   * @default - none (the entry's rules have no placeholders)
   */
  readonly params?: Readonly<Record<string, string | readonly string[]>>;
  /**
   * Only these of the entry's rules (as the register writes them), when the construct carries
   * only some of the findings (e.g. one of two managed policies).
   * @default - every rule of the entry
   */
  readonly rules?: readonly string[];
}

/**
 * Applies one decision of the acknowledgement register (lib/policy/acknowledgement-register.ts) to
 * `scope`, which should be the CloudFormation resource that carries the finding
 * (`construct.node.defaultChild`): the audit fails a decision applied to a resource without the
 * finding. Throws when the register has no such decision, a placeholder has no value, or a rule
 * is not the entry's.
 */
export function acknowledgeDecision(scope: IConstruct, id: DecisionId, options: AcknowledgeDecisionOptions = {}): void {
  const entry = registerEntry(id);
  const where = `acknowledgeDecision(${scope.node.path}, ${id})`;
  const rules = options.rules ?? entry.rules;
  for (const rule of rules)
    if (!entry.rules.includes(rule))
      throw new Error(`${where}: rule ${rule} is not one of the decision's rules (${entry.rules.join(', ')})`);
  const ids = rules.flatMap((rule) => {
    let expanded = [rule];
    for (const name of placeholders(rule)) {
      const value = options.params?.[name];
      if (value === undefined || (Array.isArray(value) && value.length === 0))
        throw new Error(`${where}: rule ${rule} needs params.${name}`);
      const values: readonly string[] = typeof value === 'string' ? [value] : value;
      expanded = expanded.flatMap((r) => values.map((v) => r.replace(`{${name}}`, v)));
    }
    return expanded;
  });
  const warnings = ids.filter((rule) => rule.startsWith(ANNOTATION_PREFIX));
  const rest = ids.filter((rule) => !rule.startsWith(ANNOTATION_PREFIX));
  if (rest.length > 0) acknowledge(scope, entry.reason, rest);
  // A construct warning is acknowledged on the construct that raised it, without the
  // Validations metadata cdk-nag copies onto every resource below: those stamps would show the
  // reason on resources it is not about. The audit reads this marker instead.
  for (const rule of warnings) {
    Annotations.of(scope).acknowledgeWarning(rule.slice(ANNOTATION_PREFIX.length), entry.reason);
    scope.node.addMetadata(ACKNOWLEDGED_WARNING_METADATA, { [rule]: entry.reason });
  }
}

const ANNOTATION_PREFIX = 'Annotation::';

/** Construct metadata recording a warning acknowledged through the register (read by the acknowledgement audit). */
export const ACKNOWLEDGED_WARNING_METADATA = 'baseline:acknowledged-warning';

const acknowledgedProviders = new WeakSet<IConstruct>();

/**
 * Applies, once per stack, the decisions of CDK's singleton provider of AwsCustomResource calls
 * (`AWS679f53fac002430cb0da5b7982bd2287`: the Lambda function CloudFormation invokes synchronously
 * during deployment to make one read, write or enable call; it holds no data and serves no
 * traffic): `cdk-api-call-handler` on the function, `cdk-api-call-handler-logs-policy` on its role.
 * Every construct that uses the provider calls this; the first call applies them.
 */
export function acknowledgeAwsCallProvider(handler: IConstruct): void {
  if (acknowledgedProviders.has(handler)) return;
  acknowledgedProviders.add(handler);
  acknowledgeDecision(handler.node.defaultChild!, 'cdk-api-call-handler');
  acknowledgeDecision(handler.node.findChild('ServiceRole').node.defaultChild!, 'cdk-api-call-handler-logs-policy');
}
