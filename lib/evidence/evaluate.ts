// Runs every control check of lib/controls over every synthesized stack of every environment and
// folds the results into one matrix: control x environment x cloud -> pass / fail / not
// applicable / not checked, with the resources that carry each control. The evidence report, the
// policy gate CLI and the security diff all read this one evaluation.
import type { EnvironmentConfig } from '../config/schema';
import { checkAws, checkAwsEnvironment, checkAzure, checkAzureEnvironment, checkCloudflare } from '../controls';
import { CONTROLS } from '../controls/catalogue';
import type { CheckOptions, CheckResult, Cloud, ControlId, Finding } from '../controls/types';
import type { SynthesizedStack } from './synth-output';

/** The clouds in report order. */
export const CLOUDS: readonly Cloud[] = ['aws', 'azure', 'cloudflare'];

/** The outcome of one control in one environment on one cloud. */
export type CellStatus = 'pass' | 'fail' | 'not-applicable' | 'not-checked';

/** One cell of the matrix. */
export interface MatrixCell {
  readonly control: ControlId;
  readonly environment: string;
  readonly cloud: Cloud;
  /**
   * `fail` when any stack fails the control; `pass` when at least one passes and none fails;
   * `not-applicable` when no stack holds what the control concerns; `not-checked` when the
   * cloud has no check for the control (the catalogue's note says why).
   */
  readonly status: CellStatus;
  /** `<stack>/<resource>` of every resource that carries the control and was found compliant. */
  readonly evidence: readonly string[];
  /** Every shortfall, with the stack it was found in. */
  readonly findings: readonly (Finding & { readonly stack: string })[];
  /** The stacks whose results the cell folds. */
  readonly stacks: readonly string[];
}

/** The results of one stack's checks. */
export interface StackEvaluation {
  readonly name: string;
  readonly cloud: Cloud;
  readonly environment: string;
  readonly role: SynthesizedStack['role'];
  readonly file: string;
  readonly results: readonly CheckResult[];
}

/** Everything the report shows. */
export interface Evaluation {
  /** Environments in name order. */
  readonly environments: readonly string[];
  readonly stacks: readonly StackEvaluation[];
  /** Results of checks that read all of an environment's stacks of one cloud at once (DR-REGION). */
  readonly environmentResults: readonly { readonly environment: string; readonly cloud: Cloud; readonly results: readonly CheckResult[] }[];
  /** Catalogue order, then environment, then cloud; only clouds an environment has stacks on. */
  readonly matrix: readonly MatrixCell[];
  /** True when any cell fails. */
  readonly failed: boolean;
}

/**
 * The check options for one stack: the claim floors by default, tightened by the environment's
 * config when one is given (retention, backups, DR region, RPO, origin lock, account services
 * managed elsewhere, and what a DR-region stack leaves to its primary).
 */
export function checkOptionsFor(stack: Pick<SynthesizedStack, 'cloud' | 'role'>, env?: EnvironmentConfig): CheckOptions {
  const managed = (v: unknown) => v === 'managed';
  const base: CheckOptions = env
    ? {
        minDatabaseBackupDays: env.backup.databaseRetentionDays,
        minFileRetentionDays: env.backup.fileRetentionDays,
        originLocked: env.cloudflare?.originLock === true,
      }
    : {};
  if (stack.cloud === 'aws') {
    const aws = env?.aws;
    return {
      ...base,
      // The primary stack's multi-region trail records the DR region too.
      cloudTrailManaged: stack.role !== 'primary' || managed(aws?.accountServices.cloudTrail),
      guardDutyManaged: managed(aws?.accountServices.guardDuty),
      securityHubManaged: managed(aws?.accountServices.securityHub),
      inspectorManaged: managed(aws?.accountServices.inspector),
      configManaged: managed(aws?.accountServices.config),
      ...(aws ? { drRegion: aws.drRegion, rpoMinutes: env!.recovery.rpoMinutes, databaseReplica: aws.dr.databaseReplica } : {}),
    };
  }
  if (stack.cloud === 'azure') {
    const azure = env?.azure;
    return { ...base, defenderManaged: managed(azure?.accountServices.defender), deleteLocksManaged: managed(azure?.deleteLocks), ...(azure ? { drRegion: azure.drLocation } : {}) };
  }
  return base;
}

const CHECKS: Record<Cloud, (t: any, o: CheckOptions) => CheckResult[]> = { aws: checkAws, azure: checkAzure, cloudflare: checkCloudflare };

/**
 * One stack's results. An AWS DR database stack references its DR stack (subnets, the app
 * security group, the alert topic, the log key) through cross-stack outputs, so it is checked
 * together with that stack, references resolved, and only its own resources are reported.
 */
function checkStack(stack: SynthesizedStack, all: readonly SynthesizedStack[], env: EnvironmentConfig | undefined): CheckResult[] {
  const options = checkOptionsFor(stack, env);
  const dr = stack.cloud === 'aws' && stack.role === 'dr-database' ? all.find((s) => s.cloud === 'aws' && s.environment === stack.environment && s.role === 'dr') : undefined;
  if (!dr) return CHECKS[stack.cloud](stack.template, options);
  const own = new Set(Object.keys(stack.template.Resources ?? {}));
  return CHECKS.aws(withProducerStack(stack.template, dr.template), options).map((r) => {
    const findings = r.findings.filter((f) => own.has(f.resource));
    const evidence = r.evidence.filter((id) => own.has(id));
    const status = findings.length > 0 ? 'fail' : evidence.length > 0 ? 'pass' : 'not-applicable';
    return { ...r, status, findings, evidence };
  });
}

/**
 * `consumer` with the resources of `producer` added and every `Fn::GetStackOutput` /
 * `Fn::ImportValue` of a producer output replaced by that output's value, so checks see one
 * region's resources as one template.
 */
export function withProducerStack(consumer: any, producer: any): any {
  const outputs = producer.Outputs ?? {};
  const byExport = new Map<string, unknown>();
  for (const o of Object.values<any>(outputs)) if (typeof o?.Export?.Name === 'string') byExport.set(o.Export.Name, o.Value);
  const resolve = (value: any): any => {
    if (Array.isArray(value)) return value.map(resolve);
    if (value === null || typeof value !== 'object') return value;
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === 'Fn::GetStackOutput' && outputs[value[keys[0]]?.OutputName]) return outputs[value[keys[0]].OutputName].Value;
    if (keys.length === 1 && keys[0] === 'Fn::ImportValue' && byExport.has(value[keys[0]])) return byExport.get(value[keys[0]]);
    return Object.fromEntries(keys.map((k) => [k, resolve(value[k])]));
  };
  return { ...consumer, Resources: { ...(producer.Resources ?? {}), ...resolve(consumer.Resources ?? {}) } };
}

/**
 * Evaluates every stack. `configFor` gives an environment's validated config (this project's
 * report), or undefined (any other project: the claim floors apply).
 */
export function evaluate(stacks: readonly SynthesizedStack[], configFor: (environment: string) => EnvironmentConfig | undefined = () => undefined): Evaluation {
  const evaluations: StackEvaluation[] = stacks.map((s) => ({
    name: s.name,
    cloud: s.cloud,
    environment: s.environment,
    role: s.role,
    file: s.file,
    results: checkStack(s, stacks, configFor(s.environment)),
  }));
  const environments = [...new Set(stacks.map((s) => s.environment))].sort();

  const environmentResults: Evaluation['environmentResults'][number][] = [];
  for (const environment of environments) {
    const env = configFor(environment);
    const of = (cloud: Cloud, role: SynthesizedStack['role']) => stacks.find((s) => s.environment === environment && s.cloud === cloud && s.role === role)?.template;
    const awsPrimary = of('aws', 'primary');
    if (awsPrimary) {
      const options = checkOptionsFor({ cloud: 'aws', role: 'primary' }, env);
      environmentResults.push({ environment, cloud: 'aws', results: checkAwsEnvironment({ primary: awsPrimary, dr: of('aws', 'dr'), drDatabase: of('aws', 'dr-database') }, options) });
    }
    const azurePrimary = of('azure', 'primary');
    if (azurePrimary) {
      const options = checkOptionsFor({ cloud: 'azure', role: 'primary' }, env);
      environmentResults.push({ environment, cloud: 'azure', results: checkAzureEnvironment({ primary: azurePrimary, dr: of('azure', 'dr') }, options) });
    }
  }

  const matrix: MatrixCell[] = [];
  for (const control of CONTROLS) {
    for (const environment of environments) {
      for (const cloud of CLOUDS) {
        const own = evaluations.filter((e) => e.environment === environment && e.cloud === cloud);
        if (own.length === 0) continue;
        const stackResults = own.flatMap((e) => e.results.filter((r) => r.control === control.id).map((r) => ({ stack: e.name, r })));
        const envResults = environmentResults
          .filter((e) => e.environment === environment && e.cloud === cloud)
          .flatMap((e) => e.results.filter((r) => r.control === control.id).map((r) => ({ stack: `${environment} (${cloud} stacks)`, r })));
        const all = [...stackResults, ...envResults];
        const status: CellStatus =
          all.length === 0 ? 'not-checked'
          : all.some((x) => x.r.status === 'fail') ? 'fail'
          : all.some((x) => x.r.status === 'pass') ? 'pass'
          : 'not-applicable';
        matrix.push({
          control: control.id,
          environment,
          cloud,
          status,
          evidence: all.flatMap((x) => x.r.evidence.map((id) => (id.includes('/') && x.stack.includes(' ') ? id : `${x.stack}/${id}`))),
          findings: all.flatMap((x) => x.r.findings.map((f) => ({ ...f, stack: x.stack }))),
          stacks: own.map((e) => e.name),
        });
      }
    }
  }
  return { environments, stacks: evaluations, environmentResults, matrix, failed: matrix.some((c) => c.status === 'fail') };
}
