import { CfnResource, type IResolveContext, Lazy, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** Conditions added to the statements of one service principal, by condition operator. */
export type SourceConditions = Record<string, Record<string, unknown>>;

/**
 * The `aws:SourceAccount` / `aws:SourceArn` conditions that bind a service principal's grant to
 * this account (and, where the service sets it, to the resource type that may act), so another
 * account's trail, rule, alarm or log delivery cannot use the grant: the confused deputy.
 */
export function sourceConditions(scope: IConstruct, sourceArnPattern?: string): SourceConditions {
  const stack = Stack.of(scope);
  return {
    StringEquals: { 'aws:SourceAccount': stack.account },
    ...(sourceArnPattern ? { ArnLike: { 'aws:SourceArn': sourceArnPattern } } : {}),
  };
}

/**
 * Adds source conditions to the statements that grant `service` in a resource policy CDK writes
 * for us (the CloudTrail bucket statements of `cloudtrail.Trail`, the log-delivery statements of
 * `ApplicationLoadBalancer.logAccessLogs`), which offer no way to pass conditions. The policy
 * document is resolved as CDK renders it and the conditions merged into each matching Allow
 * statement, so the template shows exactly what deploys.
 *
 * @param policy the policy resource (`AWS::S3::BucketPolicy`, `AWS::SNS::TopicPolicy`...)
 * @param bindings conditions per service principal, e.g. `{ 'cloudtrail.amazonaws.com': {...} }`
 */
export function bindServicePrincipals(policy: IConstruct, bindings: Record<string, SourceConditions>): void {
  const resource = (policy.node.defaultChild ?? policy) as CfnResource;
  if (!CfnResource.isCfnResource(resource)) throw new Error(`bindServicePrincipals: ${policy.node.path} is not a CloudFormation resource`);
  const original = (resource as any).policyDocument;
  if (original === undefined) throw new Error(`bindServicePrincipals: ${policy.node.path} has no policyDocument`);
  (resource as any).policyDocument = Lazy.uncachedAny({
    produce: (context: IResolveContext) => {
      const document = context.resolve(original);
      for (const statement of [document.Statement ?? []].flat()) {
        if (statement.Effect !== 'Allow') continue;
        const services = [statement.Principal?.Service ?? []].flat();
        for (const service of services) {
          const conditions = bindings[service];
          if (!conditions) continue;
          statement.Condition = statement.Condition ?? {};
          for (const [operator, keys] of Object.entries(conditions)) {
            statement.Condition[operator] = { ...(statement.Condition[operator] ?? {}), ...context.resolve(keys) };
          }
        }
      }
      return document;
    },
  });
}
