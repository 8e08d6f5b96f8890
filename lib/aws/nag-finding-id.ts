import { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * A CloudFormation value as cdk-nag writes it in a finding id: tokens resolved in `scope`'s stack,
 * then `{ "Fn::GetAtt": ["Bucket", "Arn"] }` → `<Bucket.Arn>`, `{ Ref: "X" }` → `<X>`, joins
 * concatenated (e.g. `<Bucket.Arn>/*`). Register decisions whose rule ids name a resource
 * (`AwsSolutions-IAM5[Resource::<Bucket.Arn>/*]`) are applied with it, so the id matches the
 * finding exactly and the acknowledgement covers that resource and nothing wider.
 */
export function nagFindingId(scope: IConstruct, value: unknown): string {
  return flatten(Stack.of(scope).resolve(value));
}

function flatten(value: any): string {
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (Array.isArray(value?.['Fn::Join'])) {
    const [separator, parts] = value['Fn::Join'];
    return (parts as any[]).map(flatten).join(separator);
  }
  if (value?.['Fn::GetAtt']) return `<${flatten(value['Fn::GetAtt'][0])}.${flatten(value['Fn::GetAtt'][1])}>`;
  if (value?.Ref !== undefined) return `<${flatten(value.Ref)}>`;
  if (value?.['Fn::ImportValue'] !== undefined) return flatten(value['Fn::ImportValue']);
  return JSON.stringify(value);
}
