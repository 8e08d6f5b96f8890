import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import * as path from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type {
  IPolicyValidationContextBeta1,
  IPolicyValidationPluginBeta1,
  PolicyValidationPluginReportBeta1,
  PolicyViolationBeta1,
} from 'aws-cdk-lib';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { ruleScope, ScopableTemplate } from './guard-scope';

/** Props of {@link ControlTowerGuardValidator}. */
export interface ControlTowerGuardValidatorProps {
  /** Guard rule files (not directories), in the order their findings are reported. */
  readonly rules: readonly string[];
  /**
   * Rule file names (without `.guard`) to skip, as in CfnGuardValidator. Skipping a rule is a
   * weakening; prefer acknowledging its findings on the resources they concern, with a reason.
   * @default - none
   */
  readonly disabledRules?: readonly string[];
  /**
   * Largest output of one cfn-guard run, in bytes, as in CfnGuardValidator.
   * @default - CfnGuardValidator's default
   */
  readonly maxBuffer?: number;
  /**
   * How many cfn-guard runs go at once.
   * @default the number of CPUs (os.availableParallelism())
   */
  readonly concurrency?: number;
}

/** One cfn-guard run: rule files over (scoped) templates. */
interface GuardTask {
  readonly rules: string[];
  readonly templatePaths: string[];
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
 * from cfn-guard's output; test/policy/control-tower-guard-validator.test.ts compares the two plugins.
 *
 * The groups run on every CPU at once (`concurrency`): each group is one CfnGuardValidator run in a
 * worker thread, whose cfn-guard process is then the only work of that thread, while the plugin
 * (whose API is synchronous) waits. The reports are put back in group order, so the violations
 * and their order do not depend on which group finished first. Each group is independent, so the
 * run spreads over the cores as the templates and rule files grow.
 */
export class ControlTowerGuardValidator implements IPolicyValidationPluginBeta1 {
  readonly name: string;
  readonly version?: string;
  readonly ruleIds?: string[];
  private readonly groups: RuleGroup[] = [];

  constructor(private readonly props: ControlTowerGuardValidatorProps) {
    const whole = new CfnGuardValidator({
      controlTowerRulesEnabled: false,
      rules: [...props.rules],
      disabledRules: props.disabledRules && [...props.disabledRules],
    });
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
      templates.forEach((t, k) => {
        templateOf.set(t.path, k);
      });
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
      const tasks: GuardTask[] = this.groups.map((group) => ({
        rules: group.rules,
        templatePaths: templates.map((_, k) => scopedPath(group, k)),
      }));
      const reports = runGuardTasks(tasks, this.props.concurrency ?? availableParallelism(), this.props.maxBuffer);
      // The order of one run over every rule and template: by template, then by rule.
      const byTemplate = templates.map(() => [] as PolicyViolationBeta1[]);
      for (const report of reports) {
        for (const violation of report.violations) {
          const k = templateOf.get(violation.violatingResources[0]?.templatePath ?? '');
          if (k === undefined)
            throw new Error(`ControlTowerGuardValidator: a violation names no template it was given: ${JSON.stringify(violation)}`);
          byTemplate[k].push({
            ...violation,
            violatingResources: violation.violatingResources.map((r) => ({
              ...r,
              templatePath: templates[templateOf.get(r.templatePath) ?? k].path,
            })),
          });
        }
      }
      return { success: reports.every((r) => r.success), violations: byTemplate.flat() };
    } finally {
      rmSync(workdir, { recursive: true, force: true });
    }
  }
}

/**
 * The report of each task, in task order: CfnGuardValidator's own run (cfn-guard and the parsing
 * of its output), on `concurrency` worker threads at once. The threads take the next task from a
 * shared counter; this thread blocks until they are all done (the plugin API is synchronous) and
 * then reads their messages.
 */
function runGuardTasks(
  tasks: readonly GuardTask[],
  concurrency: number,
  maxBuffer: number | undefined,
): PolicyValidationPluginReportBeta1[] {
  const run = (task: GuardTask) =>
    new CfnGuardValidator({ controlTowerRulesEnabled: false, rules: task.rules, maxBuffer }).validate({
      templatePaths: task.templatePaths,
    } as IPolicyValidationContextBeta1);
  const threads = Math.min(Math.max(1, Math.floor(concurrency)), tasks.length);
  if (threads <= 1) return tasks.map(run);

  // [next task to take, tasks finished]
  const counters = new Int32Array(new SharedArrayBuffer(8));
  const channels = Array.from({ length: threads }, () => new MessageChannel());
  const workers = channels.map(
    (channel) =>
      new Worker(GUARD_WORKER, {
        eval: true,
        execArgv: [],
        workerData: { module: require.resolve('@cdklabs/cdk-validator-cfnguard'), tasks, counters, port: channel.port2, maxBuffer },
        transferList: [channel.port2],
      }),
  );
  try {
    const deadline = Date.now() + GUARD_TIMEOUT_MS;
    for (let finished = Atomics.load(counters, 1); finished < tasks.length; finished = Atomics.load(counters, 1)) {
      if (Date.now() > deadline)
        throw new Error(
          `ControlTowerGuardValidator: ${tasks.length - finished} of ${tasks.length} cfn-guard runs did not finish in ` +
            `${GUARD_TIMEOUT_MS / 60000} minutes`,
        );
      Atomics.wait(counters, 1, finished, 1000);
    }
    const results: ({ report: PolicyValidationPluginReportBeta1 } | { error: string })[] = [];
    for (const { port1 } of channels) {
      for (let m = receiveMessageOnPort(port1); m; m = receiveMessageOnPort(port1)) results[m.message.index] = m.message;
    }
    return tasks.map((task, i) => {
      const result = results[i];
      if (!result) throw new Error(`ControlTowerGuardValidator: no result for the cfn-guard run of ${task.rules.join(', ')}`);
      if ('error' in result) throw new Error(result.error);
      return result.report;
    });
  } finally {
    // The threads are done (or stuck in a hung run): stop them without keeping the process alive.
    for (const w of workers) {
      void w.terminate();
      w.unref();
    }
    for (const { port1 } of channels) port1.close();
  }
}

/** A cfn-guard run that never ends (a hung process) fails the synth after this long. */
const GUARD_TIMEOUT_MS = 10 * 60 * 1000;

/**
 * The worker thread of runGuardTasks (plain JavaScript, no TypeScript hook): takes tasks until
 * none is left; every task, failed or not, is answered and counted, so the waiting thread never
 * waits for a task nobody runs.
 */
const GUARD_WORKER = `
const { workerData } = require('node:worker_threads');
const { module: modulePath, tasks, counters, port, maxBuffer } = workerData;
let CfnGuardValidator;
let loadError;
try {
  ({ CfnGuardValidator } = require(modulePath));
} catch (err) {
  loadError = err;
}
for (let index = Atomics.add(counters, 0, 1); index < tasks.length; index = Atomics.add(counters, 0, 1)) {
  let message;
  try {
    if (loadError) throw loadError;
    const validator = new CfnGuardValidator({ controlTowerRulesEnabled: false, rules: tasks[index].rules, maxBuffer });
    const report = validator.validate({ templatePaths: tasks[index].templatePaths });
    message = { index, report: JSON.parse(JSON.stringify(report)) };
  } catch (err) {
    message = { index, error: String((err && err.stack) || err) };
  }
  port.postMessage(message);
  Atomics.add(counters, 1, 1);
  Atomics.notify(counters, 1);
}
port.close();
`;
