// The one-call policy API the README's AWS example imports from `saas-security-baseline/policy`
// (lib/policy/, being built in issue 18): until it exists, this stand-in lets the type check
// hold the example to that name and signature. Replace the mapping in test/docs.test.ts with
// lib/policy once it lands, and delete this file.
import type { App } from 'aws-cdk-lib';

export function applyBaselinePolicy(app: App): void {
  throw new Error(`applyBaselinePolicy(${app.node.path}): lib/policy is not built yet`);
}
