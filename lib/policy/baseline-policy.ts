import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import {
  CfnResource,
  type IPolicyValidationContextBeta1,
  type IPolicyValidationPluginBeta1,
  type PolicyValidationPluginReportBeta1,
  type Stage,
  Validations,
} from 'aws-cdk-lib';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import {
  AwsSolutionsChecks,
  HIPAASecurityChecks,
  type NagPack as CdkNagPack,
  type NagPackProps,
  NIST80053R4Checks,
  NIST80053R5Checks,
  PCIDSS321Checks,
  ServerlessChecks,
} from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { NAG_PACKS, type NagPack } from './acknowledgement-register';
import { ControlTowerGuardValidator } from './control-tower-guard-validator';

/** Options of {@link applyBaselinePolicy}. */
export interface BaselinePolicyOptions {
  /**
   * The cdk-nag 3 packs to run, by the prefix of their rule ids.
   *
   * Leaving a pack out is a weakening: its findings no longer fail the synth. It shows in the synth
   * output: `validation-report.json` has one report per pack that ran.
   * @default - all six: AwsSolutions, HIPAA.Security, NIST.800.53.R4, NIST.800.53.R5, PCI.DSS.321 and Serverless (`NAG_PACKS`)
   */
  readonly nagPacks?: readonly NagPack[];
  /**
   * Run the AWS Control Tower proactive controls as cfn-guard rules.
   *
   * `false` is a weakening (for a platform cfn-guard has no build for, such as Windows): it shows in
   * the synth output, where `validation-report.json` then has no `cdk-validator-cfnguard` report.
   * @default true
   */
  readonly controlTowerRules?: boolean;
  /**
   * The folder of Guard rule files (`*.guard`, searched recursively) the Control Tower rules are
   * chosen from.
   * @default - the Control Tower rules shipped with @cdklabs/cdk-validator-cfnguard (`CONTROL_TOWER_RULES_DIR`)
   */
  readonly controlTowerRulesDir?: string;
  /**
   * How many cfn-guard runs go at once.
   * @default - the number of CPUs
   */
  readonly guardConcurrency?: number;
}

const PACKS: Record<NagPack, new (scope?: IConstruct, props?: NagPackProps) => CdkNagPack> = {
  AwsSolutions: AwsSolutionsChecks,
  'HIPAA.Security': HIPAASecurityChecks,
  'NIST.800.53.R4': NIST80053R4Checks,
  'NIST.800.53.R5': NIST80053R5Checks,
  'PCI.DSS.321': PCIDSS321Checks,
  Serverless: ServerlessChecks,
};

/** The stages the gates were added to: a second call would run every gate twice. */
const gated = new WeakSet<Stage>();

/**
 * Adds every policy gate of the baseline to an aws-cdk-lib app (or stage): the cdk-nag 3 packs
 * and the AWS Control Tower proactive controls as cfn-guard rules, through the aws-cdk-lib
 * `Validations` API. At synth, any finding that is not acknowledged fails the synth with a
 * non-zero exit; the outcome of every gate, with each acknowledged finding and its reason, is in
 * `cdk.out/validation-report.json`, and acknowledgements are written into the template metadata
 * (`Metadata.cdk_nag.rules_to_suppress`) so reviewers see them in the synth diff.
 *
 * The Control Tower rule files are chosen when the synth runs, from the resource types the app
 * then holds (`controlTowerRulesFor`), so the call may come before or after the stacks are added;
 * each rule file runs on templates reduced to what it reads (`ControlTowerGuardValidator`).
 *
 * A finding the baseline's constructs always raise is a decision of the acknowledgement register,
 * applied with the helpers of this module (`acknowledgeLogSink`, `acknowledgeGeneratedResources`,
 * `acknowledgeDecision`...). Acknowledge a finding of your own on the CloudFormation resource that
 * carries it, with the reason a reviewer reads, through the `acknowledge` primitive (`nagRule` and
 * `guardRule` build the rule ids).
 *
 * @example
 * const app = new App();
 * new MyStack(app, 'prod');
 * applyBaselinePolicy(app);
 * app.synth(); // throws on any unacknowledged finding
 *
 * @throws when the gates were already added to `scope`, or `nagPacks` names no pack or an unknown one.
 */
export function applyBaselinePolicy(scope: Stage, options: BaselinePolicyOptions = {}): void {
  if (gated.has(scope))
    throw new Error(`applyBaselinePolicy(${scope.node.path || 'app'}): the policy gates were already added to this app; call it once`);
  const packs = options.nagPacks ?? NAG_PACKS;
  const unknown = packs.filter((p) => !(p in PACKS));
  if (packs.length === 0 || unknown.length > 0) {
    throw new Error(
      `applyBaselinePolicy: nagPacks ${unknown.length > 0 ? `names unknown packs (${unknown.join(', ')})` : 'is empty'}; give ` +
        `some of ${NAG_PACKS.join(', ')}, or leave it out for all six`,
    );
  }
  gated.add(scope);
  // Acknowledgements go into the template metadata: reviewers see every decision in the synth diff.
  const props: NagPackProps = { writeSuppressionsToCloudFormation: true };
  Validations.of(scope).addPlugins(
    // In the order of NAG_PACKS whatever the order given: the validation report stays stable.
    ...NAG_PACKS.filter((p) => packs.includes(p)).map((p) => new PACKS[p](scope, props)),
    // Every Control Tower rule that can apply runs; conflicts with a stated claim are
    // acknowledged per resource. Same findings as CfnGuardValidator, run on templates scoped to
    // what each rule reads (control-tower-guard-validator.ts).
    ...(options.controlTowerRules === false
      ? []
      : [new AppControlTowerRules(scope, options.controlTowerRulesDir ?? CONTROL_TOWER_RULES_DIR, options.guardConcurrency)]),
  );
}

/**
 * The Control Tower plugin of {@link applyBaselinePolicy}: a `ControlTowerGuardValidator` whose
 * rule files are chosen from the app when the synth reads them, not when the gates are added
 * (then an app's stacks may not exist yet, and every rule of their types would be left out: a
 * synth that passes without having run them).
 */
class AppControlTowerRules implements IPolicyValidationPluginBeta1 {
  readonly name: string;
  readonly version?: string;

  constructor(
    private readonly scope: Stage,
    private readonly rulesDir: string,
    private readonly concurrency: number | undefined,
  ) {
    // The plugin name is the prefix of acknowledged rule ids (`cdk-validator-cfnguard::<rule>`).
    const shipped = new CfnGuardValidator({ controlTowerRulesEnabled: false, rules: [] });
    this.name = shipped.name;
    this.version = shipped.version;
  }

  /** Read by aws-cdk-lib's version reporting during the synth, when the app is complete. */
  get ruleIds(): string[] | undefined {
    return new CfnGuardValidator({ controlTowerRulesEnabled: false, rules: controlTowerRulesFor(this.scope, this.rulesDir) }).ruleIds;
  }

  validate(context: IPolicyValidationContextBeta1): PolicyValidationPluginReportBeta1 {
    return new ControlTowerGuardValidator({
      rules: controlTowerRulesFor(this.scope, this.rulesDir),
      concurrency: this.concurrency,
    }).validate(context);
  }
}

/** The Control Tower Guard rules shipped with @cdklabs/cdk-validator-cfnguard. */
export const CONTROL_TOWER_RULES_DIR = path.join(
  path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard')),
  '..',
  'rules',
  'control-tower',
  'cfn-guard',
);

/**
 * The Control Tower rule files that concern a resource type the app holds (every rule file names
 * the types it checks), or that name no type at all. A rule whose types are all absent cannot
 * report anything, but cfn-guard still evaluates it against every template: skipping those is
 * about 40% of the Guard run, the slowest part of the synth. Computed from the construct tree, so
 * a new resource type brings its rules in.
 */
export function controlTowerRulesFor(app: IConstruct, rulesDir: string = CONTROL_TOWER_RULES_DIR): string[] {
  const present = new Set(
    app.node
      .findAll()
      .filter(CfnResource.isCfnResource)
      .map((r) => r.cfnResourceType),
  );
  return guardRuleFiles(rulesDir).filter((file) => {
    const types = readFileSync(file, 'utf8').match(/AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/g) ?? [];
    return types.length === 0 || types.some((t) => present.has(t));
  });
}

/** Every `.guard` file below `dir`, depth first, in sorted order (the order findings are reported in). */
export function guardRuleFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = path.join(dir, name);
      return statSync(full).isDirectory() ? guardRuleFiles(full) : name.endsWith('.guard') ? [full] : [];
    });
}
