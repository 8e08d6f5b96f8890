import { CONTROLS } from '../../lib/controls';
import type { Cloud, ControlId } from '../../lib/controls/types';
import { hasCheck, type CellStatus, type Evaluation, type MatrixCell, type StackEvaluation } from '../../lib/evidence/evaluate';

/**
 * A small evaluation without synthesis (fast): environments prod and staging on AWS and Azure,
 * one primary stack each; every control with a check for the cloud passes with one resource,
 * the others take the catalogue's coverage verdict for the cloud (n/a, config-enforced or
 * unchecked), except the cells `failing` names, which fail with one finding.
 */
export function smallEvaluation(
  failing: readonly { control: ControlId; environment: string; cloud: Cloud; resource?: string; message?: string }[] = [],
): Evaluation {
  const environments = ['prod', 'staging'];
  const clouds: Cloud[] = ['aws', 'azure'];
  const matrix: MatrixCell[] = CONTROLS.flatMap((c) =>
    environments.flatMap((environment) =>
      clouds.map((cloud): MatrixCell => {
        const stack = `${environment}-${cloud}-primary`;
        const fail = failing.find((f) => f.control === c.id && f.environment === environment && f.cloud === cloud);
        if (fail) {
          return {
            control: c.id,
            environment,
            cloud,
            status: 'fail',
            evidence: [],
            stacks: [stack],
            findings: [{ control: c.id, stack, resource: fail.resource ?? 'Resource1', message: fail.message ?? `${c.id} is not met` }],
          };
        }
        const checked = hasCheck(c, cloud);
        const status: CellStatus = checked ? 'pass' : (c.coverage?.[cloud]?.verdict ?? 'unchecked');
        return {
          control: c.id,
          environment,
          cloud,
          status,
          evidence: checked ? [`${stack}/Resource${c.id.replace(/-/g, '')}`] : [],
          findings: [],
          stacks: [stack],
        };
      }),
    ),
  );
  const stacks: StackEvaluation[] = environments.flatMap((environment) =>
    clouds.map((cloud): StackEvaluation => {
      const name = `${environment}-${cloud}-primary`;
      return {
        name,
        cloud,
        environment,
        role: 'primary',
        file: `cdk.out/${name}.template.json`,
        results: matrix
          .filter((m) => m.environment === environment && m.cloud === cloud && (m.status === 'pass' || m.status === 'fail'))
          .map((m) => ({
            control: m.control,
            status: m.status as 'pass' | 'fail',
            findings: m.findings,
            evidence: m.evidence.map((e) => e.split('/')[1]),
          })),
      };
    }),
  );
  return { environments, stacks, environmentResults: [], matrix, failed: matrix.some((m) => m.status === 'fail') };
}
