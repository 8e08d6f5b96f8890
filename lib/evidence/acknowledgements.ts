// The acknowledgement stamps of the synthesized templates: cdk-nag copies every acknowledgement
// (`rules_to_suppress`, with its reason) onto each resource below the construct it was applied to,
// whether or not that resource carries the finding. Stamps are what a template and its diff show;
// they are not findings: the report counts findings and decisions from the validation report
// (lib/evidence/acknowledgement-audit.ts).
import type { SynthesizedStack } from './synth-output';

/** One acknowledged finding on one resource. */
export interface Acknowledgement {
  readonly stack: string;
  /** The resource's logical id. */
  readonly resource: string;
  /** The construct path (`aws:cdk:path`), when the template records it. */
  readonly path?: string;
  /** The rule acknowledged, e.g. `AwsSolutions-EC23` or `CT.EC2.PR.7`. */
  readonly rule: string;
  /** Why it is acceptable, in the words the code gives. */
  readonly reason: string;
}

/** The acknowledgements of every CloudFormation stack, sorted by stack, resource and rule. */
export function acknowledgements(stacks: readonly SynthesizedStack[]): Acknowledgement[] {
  const out: Acknowledgement[] = [];
  for (const stack of stacks) {
    if (stack.cloud !== 'aws') continue;
    for (const [resource, r] of Object.entries<any>(stack.template?.Resources ?? {})) {
      const metadata = r?.Metadata ?? {};
      for (const s of metadata.cdk_nag?.rules_to_suppress ?? []) {
        if (typeof s?.id !== 'string') continue;
        out.push({
          stack: stack.name,
          resource,
          path: metadata['aws:cdk:path'],
          rule: s.id,
          reason: typeof s.reason === 'string' ? s.reason : '(no reason given)',
        });
      }
    }
  }
  const key = (a: Acknowledgement) => `${a.stack}\u0000${a.resource}\u0000${a.rule}`;
  return out.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
