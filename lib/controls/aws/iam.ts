// Reading IAM permissions out of synthesized templates: which roles hold which policies, and
// whether a set of statements allows an action on a resource. A static reading, not the IAM
// evaluation engine: it sees Allow statements of identity policies (inline, AWS::IAM::Policy,
// AWS::IAM::ManagedPolicy of the template) and treats `NotAction` / `NotResource` as allowing
// everything they do not exclude, which errs towards reporting a grant.
import { conditionValue, list, ofType, refTarget, renderText, statements, type CfnTemplate, type Res } from './template';

/** An Allow statement of a role's identity policies, with where it comes from. */
export interface Grant {
  /** The resource declaring the statement (the role, a policy). */
  readonly declaredBy: string;
  readonly statement: any;
}

/**
 * Resolves a reference that crosses stacks (`Fn::GetStackOutput` of CDK's cross-region references,
 * or `Fn::ImportValue`) to a logical id of one of `others`; undefined when it is not one.
 */
export type CrossStackResolver = (value: unknown) => { readonly template: CfnTemplate; readonly id: string } | undefined;

/** A resolver for references into the given templates, matched by output name or export name. */
export function crossStackResolver(others: readonly CfnTemplate[]): CrossStackResolver {
  return (value) => {
    const v = value as any;
    const outputName = v?.['Fn::GetStackOutput']?.OutputName;
    const exportName = v?.['Fn::ImportValue'];
    for (const template of others) {
      const outputs = (template as any)?.Outputs ?? {};
      for (const [name, output] of Object.entries<any>(outputs)) {
        const matches =
          (typeof outputName === 'string' && name === outputName) ||
          (typeof exportName === 'string' && output?.Export?.Name === exportName);
        if (!matches) continue;
        const id = refTarget(output.Value);
        if (id) return { template, id };
      }
    }
    return undefined;
  };
}

/** Roles whose trust policy admits an AWS service (ec2, lambda...) and no account principal. */
export function isServiceRole(role: Res): boolean {
  const trust = statements(role.props.AssumeRolePolicyDocument).filter((s) => s.Effect === 'Allow');
  return (
    trust.length > 0 && trust.every((s) => s.Principal?.Service !== undefined && s.Principal?.AWS === undefined && s.Principal !== '*')
  );
}

/** True when the role's trust policy admits the given service principal (e.g. `ec2.amazonaws.com`). */
export function trustsService(role: Res, service: string): boolean {
  return statements(role.props.AssumeRolePolicyDocument).some(
    (s) => s.Effect === 'Allow' && list(s.Principal?.Service).some((p) => renderText(p) === service),
  );
}

/**
 * Every Allow statement that applies to `role`: its inline policies, and the AWS::IAM::Policy and
 * AWS::IAM::ManagedPolicy resources of `template` (and of `others`, through `resolve`) attached
 * to it. Managed policies named by ARN (AWS managed) cannot be read and are returned in
 * `unreadable`.
 */
export function roleGrants(
  template: CfnTemplate,
  role: Res,
  others: ReadonlyArray<{ template: CfnTemplate; resolve: CrossStackResolver }> = [],
): { grants: Grant[]; unreadable: string[] } {
  const grants: Grant[] = [];
  const allow = (declaredBy: string, document: unknown) => {
    for (const statement of statements(document)) if (statement.Effect === 'Allow') grants.push({ declaredBy, statement });
  };
  for (const p of list(role.props.Policies)) allow(role.id, p?.PolicyDocument);
  const attachedHere = (value: unknown) => refTarget(value) === role.id;
  const scan = (t: CfnTemplate, isRole: (value: unknown) => boolean, prefix: string) => {
    for (const policy of ofType(t, 'AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy')) {
      if (list(policy.props.Roles).some(isRole)) allow(`${prefix}${policy.id}`, policy.props.PolicyDocument);
    }
  };
  scan(template, attachedHere, '');
  for (const other of others) {
    scan(
      other.template,
      (value) => {
        const target = other.resolve(value);
        return target !== undefined && target.template === template && target.id === role.id;
      },
      'other:',
    );
  }
  const unreadable = list(role.props.ManagedPolicyArns).map(renderText);
  for (const mp of list(role.props.ManagedPolicyArns)) {
    const local = ofType(template, 'AWS::IAM::ManagedPolicy').find((m) => m.id === refTarget(mp));
    if (local) allow(local.id, local.props.PolicyDocument);
  }
  return { grants, unreadable: unreadable.filter((arn) => /:iam::aws:policy\//.test(arn) || arn.includes(':iam::aws:policy')) };
}

/** True when the IAM action pattern (`s3:Delete*`, `*`) covers `action`, case-insensitively. */
export function actionMatches(pattern: unknown, action: string): boolean {
  if (typeof pattern !== 'string') return false;
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    'i',
  );
  return re.test(action);
}

/** The actions of `candidates` the statement allows (honouring `NotAction`). */
export function allowedActions(statement: any, candidates: readonly string[]): string[] {
  if (statement.NotAction !== undefined) return candidates.filter((a) => !list(statement.NotAction).some((p) => actionMatches(p, a)));
  return candidates.filter((a) => list(statement.Action).some((p) => actionMatches(p, a)));
}

/**
 * Action patterns of the statement that are broader than the listed actions allow: a pattern
 * with `*` that covers something not in `permitted`, or an action outside it.
 */
export function actionsBeyond(statement: any, service: string, permitted: readonly string[]): string[] {
  if (statement.NotAction !== undefined) return [`NotAction ${JSON.stringify(statement.NotAction)}`];
  const lower = permitted.map((p) => p.toLowerCase());
  return list(statement.Action)
    .filter((a): a is string => typeof a === 'string')
    .filter((a) => a === '*' || a.toLowerCase().startsWith(`${service}:`))
    .filter((a) => !lower.includes(a.toLowerCase()));
}

/** The rendered resources of a statement (`*` for NotResource or none). */
export function resourcesOf(statement: any): string[] {
  if (statement.NotResource !== undefined || statement.Resource === undefined) return ['*'];
  return list(statement.Resource).map((r) => normalizeArn(renderText(r)));
}

/** Renders the partition and account pseudo parameters the same way, for comparing ARNs. */
export function normalizeArn(text: string): string {
  return text.replace(/\$\{AWS::Partition\}/g, 'aws');
}

/** The value of a condition key under any operator, rendered. */
export function conditionText(statement: any, key: string): string[] {
  const result: string[] = [];
  for (const op of Object.keys(statement?.Condition ?? {})) {
    const v = conditionValue(statement, op, key);
    if (v !== undefined) result.push(...list(v).map((x) => normalizeArn(renderText(x))));
  }
  return result;
}

/** The roles of the instances an auto scaling group or instance launches (via its instance profile). */
export function instanceRoles(template: CfnTemplate, host: Res, launchTemplateOf: (t: CfnTemplate, r: Res) => Res | undefined): Res[] {
  const lt = launchTemplateOf(template, host);
  const profileRefs = [
    host.props.IamInstanceProfile,
    lt?.props.LaunchTemplateData?.IamInstanceProfile?.Arn,
    lt?.props.LaunchTemplateData?.IamInstanceProfile?.Name,
  ];
  const roles: Res[] = [];
  for (const ref of profileRefs) {
    const profileId = refTarget(ref);
    const profile = profileId ? ofType(template, 'AWS::IAM::InstanceProfile').find((p) => p.id === profileId) : undefined;
    for (const r of list(profile?.props.Roles)) {
      const role = ofType(template, 'AWS::IAM::Role').find((x) => x.id === refTarget(r));
      if (role && !roles.includes(role)) roles.push(role);
    }
  }
  return roles;
}
