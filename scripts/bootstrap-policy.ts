// The execution policy of a hardened CDK bootstrap (control ADMIN-MFA):
// `npm run bootstrap-policy [-- --cdk-out DIR] [--out DIR]` reads the synthesized AWS cloud
// assembly (run `npm run synth:aws` first) and writes, per environment,
// `<out>/<env>-cfn-execution-policy.json`: the services the environment's stacks use, and an
// explicit deny of IAM users, access keys, console passwords and organization changes. Create it
// as a customer-managed policy and pass its ARN to `cdk bootstrap
// --cloudformation-execution-policies` (docs/deploy.md, step 3 "Bootstrap, hardened"). Exit 2 on bad input.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { executionPolicyFor } from '../lib/aws/bootstrap-policy';
import { readSynthOutput, SynthOutputError } from '../lib/evidence/synth-output';

/** The policy documents of every environment of a cloud assembly, by environment. */
export function bootstrapPolicies(cdkOut: string): Record<string, ReturnType<typeof executionPolicyFor>> {
  const stacks = readSynthOutput(cdkOut).filter((s) => s.cloud === 'aws');
  const byEnv = new Map<string, any[]>();
  for (const stack of stacks) byEnv.set(stack.environment, [...(byEnv.get(stack.environment) ?? []), stack.template]);
  return Object.fromEntries(
    [...byEnv].sort(([a], [b]) => a.localeCompare(b)).map(([env, templates]) => [env, executionPolicyFor(templates)]),
  );
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const value = (flag: string, fallback: string) => {
    const i = args.indexOf(flag);
    return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
  };
  const cdkOut = value('--cdk-out', 'cdk.out');
  const out = value('--out', path.join('cdk.out', 'bootstrap'));
  try {
    const policies = bootstrapPolicies(cdkOut);
    if (Object.keys(policies).length === 0) throw new SynthOutputError(`${cdkOut} holds no AWS stack; run npm run synth:aws first`);
    mkdirSync(out, { recursive: true });
    for (const [env, policy] of Object.entries(policies)) {
      const file = path.join(out, `${env}-cfn-execution-policy.json`);
      writeFileSync(file, `${JSON.stringify(policy, null, 2)}\n`);
      process.stdout.write(`wrote ${file}\n`);
    }
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exitCode = 2;
  }
}
