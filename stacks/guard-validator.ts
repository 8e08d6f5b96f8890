import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { IPolicyValidationContextBeta1, IPolicyValidationPluginBeta1, PolicyValidationPluginReportBeta1, PolicyViolationBeta1 } from 'aws-cdk-lib';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { ruleScope, ScopableTemplate } from './guard-scope';

export interface ControlTowerGuardValidatorProps {
  /** Guard rule files (not directories), in the order their findings are reported. */
  readonly rules: readonly string[];
  /** Rule file names (without `.guard`) to skip, as in CfnGuardValidator. */
  readonly disabledRules?: readonly string[];
  /** Passed to each cfn-guard run, as in CfnGuardValidator. */
  readonly maxBuffer?: number;
}

/** Consecutive rule files of one service directory, run together on the same scoped templates. */
interface RuleGroup {
  readonly rules: string[];
  /** The types the files name; undefined when a file needs whole templates. */
  types?: ReadonlySet<string>;
  followsReferences: boolean;
}

/**
 * The Control Tower Guard rules with the findings of `CfnGuardValidator`: same plugin name (so the
 * acknowledgements `cdk-validator-cfnguard::<rule>` apply), version and rule ids, and the same
 * violations in the same order, at half its cost or less (default config: 875k -> 437k page
 * faults in cfn-guard, 21-30 s -> 9-10 s).
 *
 * CfnGuardValidator runs every rule file on every whole template in one cfn-guard process, and
 * cfn-guard copies the template's Resources for every query (guard-scope.ts). This plugin runs the
 * rule files in groups (consecutive files of one service directory), each group on the templates
 * scoped to the resource types its files name and the resources those reference. What a rule
 * finds on a template depends neither on the other rules of the run nor (for a scoped rule) on
 * the hidden resources, and the violations are made by CfnGuardValidator itself (one per group)
 * from cfn-guard's output; test/stacks/guard-validator.test.ts compares the two plugins.
 *
 * The groups run one after the other: two cfn-guard processes at once took longer than one after
 * the other on the 2-CPU machine (their page faults, most of cfn-guard's time, slow each other down).
 */
export class ControlTowerGuardValidator implements IPolicyValidationPluginBeta1 {
  readonly name: string;
  readonly version?: string;
  readonly ruleIds?: string[];
  private readonly groups: RuleGroup[] = [];

  constructor(private readonly props: ControlTowerGuardValidatorProps) {
    const whole = new CfnGuardValidator({ controlTowerRulesEnabled: false, rules: [...props.rules], disabledRules: props.disabledRules && [...props.disabledRules] });
    this.name = whole.name;
    this.version = whole.version;
    this.ruleIds = whole.ruleIds;
    const disabled = new Set(props.disabledRules ?? []);
    for (const file of props.rules) {
      if (disabled.has(path.parse(file).name)) continue;
      const scope = ruleScope(readFileSync(file, 'utf8'));
      const last = this.groups[this.groups.length - 1];
      if (last && path.dirname(last.rules[0]) === path.dirname(file) && (last.types === undefined) === (scope.types === undefined)) {
        last.rules.push(file);
        if (last.types && scope.types) last.types = new Set([...last.types, ...scope.types]);
        last.followsReferences ||= scope.followsReferences;
      } else {
        this.groups.push({ rules: [file], types: scope.types, followsReferences: scope.followsReferences });
      }
    }
  }

  validate(context: IPolicyValidationContextBeta1): PolicyValidationPluginReportBeta1 {
    const workdir = mkdtempSync(path.join(tmpdir(), 'ct-guard-'));
    try {
      const templates = context.templatePaths.map((p) => ({ path: p, text: readFileSync(p, 'utf8') }));
      const scopable = templates.map((t) => new ScopableTemplate(t.text));
      const files = templates.map(() => new Map<string, string>()); // by template: scoped text -> file
      const templateOf = new Map<string, number>(); // path given to cfn-guard -> template index
      templates.forEach((t, k) => templateOf.set(t.path, k));
      const scopedPath = (group: RuleGroup, k: number): string => {
        if (!group.types) return templates[k].path;
        const { text } = scopable[k].scoped(group.types, group.followsReferences);
        let file = files[k].get(text);
        if (!file) {
          file = path.join(workdir, `${k}-${files[k].size}-${path.basename(templates[k].path)}`);
          writeFileSync(file, text);
          files[k].set(text, file);
          templateOf.set(file, k);
        }
        return file;
      };
      const reports = this.groups.map((group) => {
        const validator = new CfnGuardValidator({ controlTowerRulesEnabled: false, rules: group.rules, maxBuffer: this.props.maxBuffer });
        return validator.validate({ ...context, templatePaths: templates.map((_, k) => scopedPath(group, k)) });
      });
      // The order of one run over every rule and template: by template, then by rule.
      const byTemplate = templates.map(() => [] as PolicyViolationBeta1[]);
      for (const report of reports) {
        for (const violation of report.violations) {
          const k = templateOf.get(violation.violatingResources[0]?.templatePath ?? '');
          if (k === undefined) throw new Error(`ControlTowerGuardValidator: a violation names no template it was given: ${JSON.stringify(violation)}`);
          byTemplate[k].push({ ...violation, violatingResources: violation.violatingResources.map((r) => ({ ...r, templatePath: templates[templateOf.get(r.templatePath) ?? k].path })) });
        }
      }
      return { success: reports.every((r) => r.success), violations: byTemplate.flat() };
    } finally {
      rmSync(workdir, { recursive: true, force: true });
    }
  }
}
