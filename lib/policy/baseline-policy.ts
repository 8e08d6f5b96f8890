import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { type App, CfnResource, Validations } from 'aws-cdk-lib';
import {
  AwsSolutionsChecks,
  HIPAASecurityChecks,
  NIST80053R4Checks,
  NIST80053R5Checks,
  PCIDSS321Checks,
  ServerlessChecks,
} from 'cdk-nag';
import { ControlTowerGuardValidator } from './control-tower-guard-validator';

/**
 * Runs every cdk-nag 3 pack and the Control Tower Guard rules on every AWS stack of `app`; any
 * unacknowledged finding fails the synth. Acknowledgements are written into the template
 * metadata so reviewers see them in the synth diff.
 */
export function addPolicyChecks(app: App): void {
  const props = { writeSuppressionsToCloudFormation: true };
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app, props),
    new HIPAASecurityChecks(app, props),
    new NIST80053R4Checks(app, props),
    new NIST80053R5Checks(app, props),
    new PCIDSS321Checks(app, props),
    new ServerlessChecks(app, props),
    // Every Control Tower rule that can apply runs; conflicts with a stated claim are
    // acknowledged per resource. Same findings as CfnGuardValidator, run on templates scoped to
    // what each rule reads (control-tower-guard-validator.ts).
    new ControlTowerGuardValidator({ rules: controlTowerRulesFor(app) }),
  );
}

/** The Control Tower Guard rules shipped with @cdklabs/cdk-validator-cfnguard. */
export const CONTROL_TOWER_RULES_DIR = path.join(path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard')), '..', 'rules', 'control-tower', 'cfn-guard');

/**
 * The Control Tower rule files that concern a resource type the app holds (every rule file names
 * the types it checks), or that name no type at all. A rule whose types are all absent cannot
 * report anything, but cfn-guard still evaluates it against every template: skipping those is
 * about 40% of the Guard run, the slowest part of the synth (BENCHMARKS.md). Computed from the
 * construct tree when the gates are added, so a new resource type brings its rules in.
 */
export function controlTowerRulesFor(app: App, rulesDir: string = CONTROL_TOWER_RULES_DIR): string[] {
  const present = new Set(app.node.findAll().filter(CfnResource.isCfnResource).map((r) => r.cfnResourceType));
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
