// Runs every control check of lib/controls over every synthesized stack of every environment and
// folds the results into one matrix: control x environment x cloud -> a verdict (pass, fail, not
// applicable, config-enforced or unchecked), with the resources that carry each control and, for
// every cell that is not checked on the output, the reviewed reason. The evidence report, the
// policy gate CLI and the security diff all read this one evaluation.
import type { EnvironmentConfig } from '../config/schema';
import { checkAws, checkAwsEnvironment, checkAzure, checkAzureEnvironment, checkCloudflare } from '../controls';
import { CONTROLS } from '../controls/catalogue';
import type { CheckOptions, CheckResult, Cloud, Control, ControlId, Deployment, Finding } from '../controls/types';
import type { SynthesizedStack } from './synth-output';

/** The clouds in report order. */
export const CLOUDS: readonly Cloud[] = ['aws', 'azure', 'cloudflare'];

/**
 * The verdict of one control in one environment on one cloud:
 * - `pass`: checked on the synthesized output, and every stack holding what it concerns meets it;
 * - `fail`: at least one finding;
 * - `not-applicable`: the cloud's stacks hold nothing the control concerns (a check found none of
 *   its resource types, or the catalogue says so and none of the types that would make it apply
 *   is present);
 * - `config-enforced`: no check reads the output, but the config loader rejects every config that
 *   would break the claim (`enforcedBy` names the rule);
 * - `unchecked`: the control applies and nothing verified it (`reason` says why).
 * Only `pass` and `config-enforced` satisfy a claim; `not-applicable` makes none.
 */
export type CellStatus = 'pass' | 'fail' | 'not-applicable' | 'config-enforced' | 'unchecked';

/** Every verdict, in the order reports count them. */
export const CELL_STATUSES: readonly CellStatus[] = ['pass', 'fail', 'not-applicable', 'config-enforced', 'unchecked'];

/** One cell of the matrix. */
export interface MatrixCell {
  readonly control: ControlId;
  readonly environment: string;
  readonly cloud: Cloud;
  /** See {@link CellStatus}. */
  readonly status: CellStatus;
  /** `<stack>/<resource>` of every resource that carries the control and was found compliant. */
  readonly evidence: readonly string[];
  /** Every shortfall, with the stack it was found in. */
  readonly findings: readonly (Finding & { readonly stack: string })[];
  /** The stacks whose results the cell folds. */
  readonly stacks: readonly string[];
  /** Why the cell is `not-applicable`, `config-enforced` or `unchecked` when no check said so itself. */
  readonly reason?: string;
  /** The config loader rule that enforces the claim (`config-enforced` only). */
  readonly enforcedBy?: string;
  /**
   * Shortfalls the code declares on purpose (a marker with its reason), with the stack: they do not
   * fail the cell, and every report shows them beside it and in the headline.
   */
  readonly exceptions?: readonly (Finding & { readonly stack: string })[];
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
        // ORIGIN-LOCK compares the origins' trust and host binding with the zone's own CA and names.
        ...(env.cloudflare?.originPull ? { originPullCaCertificates: env.cloudflare.originPull.caCertificates } : {}),
        ...(env.cloudflare ? { originHostnames: [env.cloudflare.hostname, ...env.cloudflare.additionalHostnames] } : {}),
        // DETECT-THREATS on Cloudflare: a Free or Pro zone cannot have the Security Events Alert.
        ...(env.cloudflare ? { cloudflarePlan: env.cloudflare.plan } : {}),
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
    return {
      ...base,
      defenderManaged: managed(azure?.accountServices.defender),
      deleteLocksManaged: managed(azure?.deleteLocks),
      ...(azure ? { drRegion: azure.drLocation } : {}),
    };
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
  const dr =
    stack.cloud === 'aws' && stack.role === 'dr-database'
      ? all.find((s) => s.cloud === 'aws' && s.environment === stack.environment && s.role === 'dr')
      : undefined;
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
    if (keys.length === 1 && keys[0] === 'Fn::GetStackOutput' && outputs[value[keys[0]]?.OutputName])
      return outputs[value[keys[0]].OutputName].Value;
    if (keys.length === 1 && keys[0] === 'Fn::ImportValue' && byExport.has(value[keys[0]])) return byExport.get(value[keys[0]]);
    return Object.fromEntries(keys.map((k) => [k, resolve(value[k])]));
  };
  return { ...consumer, Resources: { ...(producer.Resources ?? {}), ...resolve(consumer.Resources ?? {}) } };
}

/**
 * The deployment the cross-environment checks read: every stack with the account and region the
 * output names, and per environment its production flag and residency from the config when one is
 * given, else from the stacks' markers.
 */
export function deploymentOf(
  stacks: readonly SynthesizedStack[],
  configFor: (environment: string) => EnvironmentConfig | undefined = () => undefined,
): Deployment {
  const environments: Record<string, { production?: boolean; residency?: string }> = {};
  for (const environment of [...new Set(stacks.map((s) => s.environment))].sort()) {
    const env = configFor(environment);
    const marked = stacks
      .filter((s) => s.environment === environment)
      .map((s) => s.marker)
      .filter((m) => m !== undefined);
    const production = env ? env.production : marked.find((m) => m.production !== undefined)?.production;
    const residency = env ? env.residency : marked.find((m) => m.residency !== undefined)?.residency;
    environments[environment] = { ...(production !== undefined ? { production } : {}), ...(residency !== undefined ? { residency } : {}) };
  }
  return {
    stacks: [...stacks]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((s) => ({
        name: s.name,
        cloud: s.cloud,
        environment: s.environment,
        role: s.role,
        template: s.template,
        marked: s.marker !== undefined,
        ...(s.account ? { account: s.account } : {}),
        ...(s.region ? { region: s.region } : {}),
      })),
    environments,
  };
}

/** Whether the catalogue has a check of `control` that reads `cloud`'s output. */
export function hasCheck(control: Control, cloud: Cloud): boolean {
  return Boolean(control.checks[cloud] || control.environmentChecks?.[cloud] || control.deploymentChecks?.[cloud]);
}

/** Resource types of a template: CloudFormation `Type`s, Terraform resource types. */
function resourceTypes(template: any): Map<string, string> {
  const out = new Map<string, string>();
  for (const [id, r] of Object.entries<any>(template?.Resources ?? {}))
    if (typeof r?.Type === 'string' && !out.has(r.Type)) out.set(r.Type, id);
  for (const [type, byName] of Object.entries<any>(template?.resource ?? {})) {
    const first = Object.keys(byName ?? {})[0];
    if (first !== undefined && !out.has(type)) out.set(type, `${type}.${first}`);
  }
  return out;
}

/**
 * The verdict of a cell no check reads, from the catalogue's coverage statement: a declared
 * not-applicable turns unchecked when a stack holds a resource type that would make it apply.
 */
function declaredCell(
  control: Control,
  cloud: Cloud,
  own: readonly SynthesizedStack[],
): Pick<MatrixCell, 'status' | 'reason' | 'enforcedBy'> {
  const coverage = control.coverage?.[cloud];
  if (!coverage) return { status: 'unchecked', reason: "no check reads this cloud's output, and the catalogue states no coverage for it" };
  if (coverage.verdict === 'config-enforced') return { status: 'config-enforced', reason: coverage.reason, enforcedBy: coverage.rule };
  if (coverage.verdict === 'unchecked') return { status: 'unchecked', reason: coverage.reason };
  for (const stack of own) {
    const types = resourceTypes(stack.template);
    const present = (coverage.unlessTypes ?? []).find((t) => types.has(t));
    if (present)
      return {
        status: 'unchecked',
        reason: `${stack.name}/${types.get(present)} is a ${present}, which this control concerns and no check reads`,
      };
  }
  return { status: 'not-applicable', reason: coverage.reason };
}

/**
 * Evaluates every stack. `configFor` gives an environment's validated config (this project's
 * report), or undefined (any other project: the claim floors apply, and residency and production
 * come from the stack markers).
 */
export function evaluate(
  stacks: readonly SynthesizedStack[],
  configFor: (environment: string) => EnvironmentConfig | undefined = () => undefined,
): Evaluation {
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
  const deployment = deploymentOf(stacks, configFor);
  for (const environment of environments) {
    const env = configFor(environment);
    const of = (cloud: Cloud, role: SynthesizedStack['role']) =>
      stacks.find((s) => s.environment === environment && s.cloud === cloud && s.role === role)?.template;
    const awsPrimary = of('aws', 'primary');
    const results: Partial<Record<Cloud, CheckResult[]>> = {};
    if (awsPrimary) {
      const options = checkOptionsFor({ cloud: 'aws', role: 'primary' }, env);
      results.aws = checkAwsEnvironment({ primary: awsPrimary, dr: of('aws', 'dr'), drDatabase: of('aws', 'dr-database') }, options);
    }
    const azurePrimary = of('azure', 'primary');
    if (azurePrimary) {
      const options = checkOptionsFor({ cloud: 'azure', role: 'primary' }, env);
      results.azure = checkAzureEnvironment({ primary: azurePrimary, dr: of('azure', 'dr') }, options);
    }
    // Checks of where the stacks are deployed run whenever the environment has a stack on the cloud.
    for (const cloud of CLOUDS) {
      if (!stacks.some((s) => s.environment === environment && s.cloud === cloud)) continue;
      for (const control of CONTROLS) {
        const check = control.deploymentChecks?.[cloud];
        if (!check) continue;
        const list = results[cloud] ?? [];
        results[cloud] = list;
        list.push(check(deployment, environment));
      }
    }
    for (const cloud of CLOUDS) if (results[cloud]) environmentResults.push({ environment, cloud, results: results[cloud]! });
  }

  const matrix: MatrixCell[] = [];
  for (const control of CONTROLS) {
    for (const environment of environments) {
      for (const cloud of CLOUDS) {
        const own = evaluations.filter((e) => e.environment === environment && e.cloud === cloud);
        if (own.length === 0) continue;
        const base = { control: control.id, environment, cloud, stacks: own.map((e) => e.name) };
        if (!hasCheck(control, cloud)) {
          matrix.push({
            ...base,
            ...declaredCell(
              control,
              cloud,
              stacks.filter((s) => s.environment === environment && s.cloud === cloud),
            ),
            evidence: [],
            findings: [],
          });
          continue;
        }
        const stackResults = own.flatMap((e) => e.results.filter((r) => r.control === control.id).map((r) => ({ stack: e.name, r })));
        const envResults = environmentResults
          .filter((e) => e.environment === environment && e.cloud === cloud)
          .flatMap((e) => e.results.filter((r) => r.control === control.id).map((r) => ({ stack: `${environment} (${cloud} stacks)`, r })));
        const all = [...stackResults, ...envResults];
        const unchecked = all.filter((x) => x.r.status === 'unchecked');
        // A check that exists but did not run (an environment check needs the environment's
        // primary stack) leaves the cell unverified, not passing.
        const missing = control.environmentChecks?.[cloud] && envResults.length === 0;
        const status: CellStatus = all.some((x) => x.r.status === 'fail')
          ? 'fail'
          : unchecked.length > 0 || all.length === 0 || missing
            ? 'unchecked'
            : all.some((x) => x.r.status === 'pass')
              ? 'pass'
              : 'not-applicable';
        const exceptions = all.flatMap((x) => (x.r.exceptions ?? []).map((f) => ({ ...f, stack: x.stack })));
        const reasons = [
          ...unchecked.map((x) => `${x.stack}: ${x.r.reason ?? 'the check could not judge'}`),
          ...(missing
            ? [
                `its check reads an environment's ${cloud} stacks together and needs the environment's primary stack (a stack ` +
                  `marked role "primary")`,
              ]
            : []),
        ];
        matrix.push({
          ...base,
          status,
          evidence: all.flatMap((x) => x.r.evidence.map((id) => (id.includes('/') && x.stack.includes(' ') ? id : `${x.stack}/${id}`))),
          findings: all.flatMap((x) => x.r.findings.map((f) => ({ ...f, stack: x.stack }))),
          ...(status === 'unchecked' && reasons.length > 0 ? { reason: reasons.join('; ') } : {}),
          ...(exceptions.length > 0 ? { exceptions } : {}),
        });
      }
    }
  }
  return { environments, stacks: evaluations, environmentResults, matrix, failed: matrix.some((c) => c.status === 'fail') };
}
