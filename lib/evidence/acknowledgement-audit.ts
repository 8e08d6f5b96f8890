// The audit of acknowledged policy findings against the register (lib/policy/acknowledgement-register.ts),
// from a synthesized cloud assembly: where each acknowledgement was applied (the stacks'
// metadata, `aws:cdk:acknowledged-rules`), which findings each one suppressed (the validation
// report's `suppressedViolations`, written by every policy gate: cdk-nag packs, Control Tower
// Guard rules, CloudFormation's built-in rules), and which resources sit under each placement.
// It counts findings and decisions, never the metadata stamps cdk-nag copies onto every resource
// below an acknowledged construct, and it fails:
// - an acknowledgement with no register entry (unregistered), or a reason under the floor;
// - a decision applied where one of its rules suppresses nothing (stale), or never applied;
// - a decision applied to a resource where its rule finds nothing, or to a resource type its entry
//   does not name (wider than the entry says: apply it on the resource that carries the finding).
// Pure apart from `readAssemblyAcknowledgements`, which reads the files.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ACK_REASON_FLOOR, ACKNOWLEDGEMENT_REGISTER, rulePattern, type AcknowledgementEntry } from '../policy/acknowledgement-register';

/** One acknowledgement as applied: the construct it was applied to and the rule id. */
export interface AckPlacement {
  readonly stack: string;
  /** Construct path, e.g. `prod-aws-primary/Bastion/Resource/Resource`. */
  readonly path: string;
  readonly rule: string;
  readonly reason: string;
}

/** One finding a gate reported and an acknowledgement suppressed. */
export interface SuppressedFinding {
  /** The gate (`AwsSolutions`, `cdk-validator-cfnguard`, `CloudFormation Validate`...). */
  readonly plugin: string;
  /** The rule as the gate names it (`AwsSolutions-IAM5[Resource::*]`, `CT.S3.PR.9`...). */
  readonly ruleName: string;
  /** The acknowledged id that suppressed it. */
  readonly rule: string;
  /** Construct path of the acknowledgement that suppressed it. */
  readonly acknowledgedAt: string;
  /** Construct path of the resource the finding is on. */
  readonly resource: string;
}

/** A CloudFormation resource of the assembly, by construct path. */
export interface AssemblyResource {
  readonly stack: string;
  readonly logicalId: string;
  readonly type: string;
}

/** What the audit reads from a cloud assembly. */
export interface AssemblyAcknowledgements {
  readonly placements: readonly AckPlacement[];
  readonly findings: readonly SuppressedFinding[];
  /** Every CloudFormation resource by construct path. */
  readonly resources: Readonly<Record<string, AssemblyResource>>;
  /** Whether the assembly holds a validation report (a synth with the policy gates). */
  readonly validated: boolean;
  /**
   * The gates the validation report says ran (`pluginName`s). An acknowledgement of a rule whose
   * gate did not run is neither stale nor proven in this synth, so it is not judged; undefined:
   * every gate ran.
   */
  readonly plugins?: readonly string[];
}

/** One decision of the register as the output shows it. */
export interface DecisionUse {
  readonly id: string;
  readonly reason: string;
  readonly resources: string;
  readonly claim: AcknowledgementEntry['claim'];
  readonly appliedBy: 'baseline' | 'aws-cdk-lib';
  /** The test proving a construct warning's placement (which the validation report does not list). */
  readonly verifiedBy?: string;
  /** Where it was applied (construct paths). */
  readonly placements: readonly string[];
  /** Rule ids that suppressed at least one finding. */
  readonly rules: readonly string[];
  /** Construct paths of the resources with a suppressed finding. */
  readonly findingResources: readonly string[];
  /** Findings suppressed (one per rule and resource). */
  readonly findings: number;
}

/** A problem the audit found; any fails CI. */
export interface AckProblem {
  readonly kind: 'unregistered' | 'short-reason' | 'stale' | 'unused' | 'wider' | 'unverifiable';
  readonly decision?: string;
  readonly path?: string;
  readonly rule?: string;
  readonly message: string;
}

/** The audit of one assembly. */
export interface AcknowledgementAudit {
  readonly validated: boolean;
  /** Decisions applied in the assembly (and the register's unused conditional ones, with zero counts), register order. */
  readonly decisions: readonly DecisionUse[];
  /** Distinct suppressed findings (rule and resource). */
  readonly findings: number;
  /** Metadata stamps cdk-nag wrote into the templates (for comparison only; never the count shown). */
  readonly problems: readonly AckProblem[];
}

const strip = (p: string) => p.replace(/^\//, '');

/** Reads placements, suppressed findings and resources from a cloud assembly directory (nested assemblies included). */
export function readAssemblyAcknowledgements(dir: string): AssemblyAcknowledgements {
  const placements: AckPlacement[] = [];
  const resources: Record<string, AssemblyResource> = {};
  const readAssembly = (assemblyDir: string) => {
    const manifestFile = path.join(assemblyDir, 'manifest.json');
    if (!existsSync(manifestFile)) return;
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    for (const [id, artifact] of Object.entries<any>(manifest.artifacts ?? {})) {
      if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName)
        readAssembly(path.join(assemblyDir, artifact.properties.directoryName));
      if (artifact.type !== 'aws:cloudformation:stack') continue;
      const template = JSON.parse(readFileSync(path.join(assemblyDir, artifact.properties.templateFile), 'utf8'));
      let metadata: Record<string, any[]> = artifact.metadata ?? {};
      const metadataFile = artifact.properties?.metadataFile ?? artifact.metadataFile;
      for (const candidate of [metadataFile, `${id}.metadata.json`].filter((f): f is string => typeof f === 'string')) {
        const file = path.join(assemblyDir, candidate);
        if (existsSync(file)) {
          metadata = { ...metadata, ...JSON.parse(readFileSync(file, 'utf8')) };
          break;
        }
      }
      for (const [constructPath, entries] of Object.entries(metadata)) {
        for (const entry of entries ?? []) {
          if (
            (entry?.type === 'aws:cdk:acknowledged-rules' || entry?.type === 'baseline:acknowledged-warning') &&
            entry.data &&
            typeof entry.data === 'object'
          ) {
            for (const [rule, reason] of Object.entries<any>(entry.data))
              placements.push({ stack: id, path: strip(constructPath), rule, reason: String(reason) });
          }
          if (entry?.type === 'aws:cdk:logicalId' && typeof entry.data === 'string' && template.Resources?.[entry.data]) {
            resources[strip(constructPath)] = { stack: id, logicalId: entry.data, type: template.Resources[entry.data].Type };
          }
        }
      }
    }
  };
  readAssembly(dir);
  const reportFile = path.join(dir, 'validation-report.json');
  const findings: SuppressedFinding[] = [];
  const validated = existsSync(reportFile);
  const plugins: string[] = [];
  if (validated) {
    const report = JSON.parse(readFileSync(reportFile, 'utf8'));
    for (const plugin of report.pluginReports ?? []) {
      plugins.push(String(plugin.pluginName));
      for (const v of plugin.suppressedViolations ?? []) {
        for (const c of v.violatingConstructs ?? []) {
          findings.push({
            plugin: String(plugin.pluginName),
            ruleName: String(v.ruleName),
            rule: String(v.acknowledgedId),
            acknowledgedAt: strip(String(v.acknowledgedAt ?? '')),
            resource: strip(String(c.constructPath)),
          });
        }
      }
    }
  }
  const key = (p: AckPlacement) => `${p.path}\u0000${p.rule}`;
  placements.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return { placements, findings, resources, validated, plugins };
}

/** The register entry a placement applies: same reason and a matching rule (library entries: a matching rule). */
function entryOf(p: AckPlacement, register: readonly AcknowledgementEntry[]): AcknowledgementEntry | undefined {
  return (
    register.find((e) => e.appliedBy !== 'aws-cdk-lib' && e.reason === p.reason && e.rules.some((r) => rulePattern(r).test(p.rule))) ??
    register.find((e) => e.appliedBy === 'aws-cdk-lib' && e.rules.includes(p.rule))
  );
}

/** Audits the acknowledgements of an assembly against the register. */
export function auditAcknowledgements(
  data: AssemblyAcknowledgements,
  register: readonly AcknowledgementEntry[] = ACKNOWLEDGEMENT_REGISTER,
): AcknowledgementAudit {
  const problems: AckProblem[] = [];
  for (const e of register) {
    if (e.reason.trim().length < ACK_REASON_FLOOR)
      problems.push({
        kind: 'short-reason',
        decision: e.id,
        message:
          `decision ${e.id}: the reason is ${e.reason.trim().length} characters, under the floor of ${ACK_REASON_FLOOR}; say ` +
          `which control compensates or which claim the rule contradicts`,
      });
  }
  const byEntry = new Map<string, AckPlacement[]>();
  for (const p of data.placements) {
    const entry = entryOf(p, register);
    if (!entry) {
      problems.push({
        kind: 'unregistered',
        path: p.path,
        rule: p.rule,
        message:
          `${p.path}: ${p.rule} is acknowledged ("${p.reason.slice(0, 80)}${p.reason.length > 80 ? '...' : ''}") without a ` +
          `register entry; add the decision to lib/policy/acknowledgement-register.ts and apply it with acknowledgeDecision`,
      });
      if (p.reason.trim().length < ACK_REASON_FLOOR)
        problems.push({
          kind: 'short-reason',
          path: p.path,
          rule: p.rule,
          message:
            `${p.path}: ${p.rule} is acknowledged with a ${p.reason.trim().length}-character reason, under the floor of ` +
            `${ACK_REASON_FLOOR}`,
        });
      continue;
    }
    byEntry.set(entry.id, [...(byEntry.get(entry.id) ?? []), p]);
  }

  // A rule id starts with its gate's name (`CloudFormation-Validate::W3010` for the gate
  // `CloudFormation Validate`); construct warnings (`Annotation::`) belong to no gate.
  const gateRan = (rule: string) => {
    const gate = rule.split('::')[0];
    return data.plugins === undefined || gate === 'Annotation' || data.plugins.some((name) => name.replace(/ /g, '-') === gate);
  };
  const suppressed = (placementPath: string, rule: string) =>
    data.findings.filter((f) => f.acknowledgedAt === placementPath && f.rule === rule);
  const findingKey = (f: SuppressedFinding) => `${f.rule}\u0000${f.resource}`;
  const decisions: DecisionUse[] = [];
  for (const entry of register) {
    const placements = byEntry.get(entry.id) ?? [];
    const library = entry.appliedBy === 'aws-cdk-lib';
    if (placements.length === 0) {
      if (!library && !entry.appliesWhen && data.validated && entry.rules.some(gateRan))
        problems.push({
          kind: 'unused',
          decision: entry.id,
          message:
            `decision ${entry.id} is applied nowhere in this synth and names no condition (appliesWhen); remove it, or say when ` +
            `it applies`,
        });
    }
    const found = placements.flatMap((p) => suppressed(p.path, p.rule));
    if (!library && data.validated) {
      for (const p of placements) {
        if (!gateRan(p.rule)) continue;
        const own = suppressed(p.path, p.rule);
        if (own.length === 0 && (p.rule.startsWith('Annotation::') || entry.verifiedBy)) {
          // Construct warnings, and rules that throw, never reach the validation report's
          // suppressed findings: the entry must name the test that proves them.
          if (!entry.verifiedBy)
            problems.push({
              kind: 'unverifiable',
              decision: entry.id,
              path: p.path,
              rule: p.rule,
              message:
                `${p.path}: ${p.rule} of decision ${entry.id} is not in the validation report; name the test that proves where ` +
                `it is raised (verifiedBy)`,
            });
          continue;
        }
        if (own.length === 0) {
          problems.push({
            kind: 'stale',
            decision: entry.id,
            path: p.path,
            rule: p.rule,
            message:
              `${p.path}: decision ${entry.id} acknowledges ${p.rule}, which finds nothing there; remove the acknowledgement ` +
              `(or that rule of it)`,
          });
          continue;
        }
        const hit = new Set(own.map((f) => f.resource));
        const covered = Object.entries(data.resources).filter(([r]) => r === p.path || r.startsWith(`${p.path}/`));
        for (const [resourcePath, resource] of covered) {
          if (!hit.has(resourcePath))
            problems.push({
              kind: 'wider',
              decision: entry.id,
              path: p.path,
              rule: p.rule,
              message:
                `${p.path}: decision ${entry.id} (${p.rule}) also covers ${resourcePath} (${resource.type}), where the rule ` +
                `finds nothing; apply it on the resource that carries the finding`,
            });
        }
        for (const f of own) {
          const type = data.resources[f.resource]?.type;
          if (type !== undefined && !entry.resourceTypes.includes(type))
            problems.push({
              kind: 'wider',
              decision: entry.id,
              path: p.path,
              rule: p.rule,
              message:
                `${f.resource}: decision ${entry.id} suppresses ${f.ruleName} on a ${type}, which its entry does not name ` +
                `(${entry.resourceTypes.join(', ')}); narrow the placement or review the entry`,
            });
        }
      }
    }
    const unique = new Map(found.map((f) => [findingKey(f), f]));
    decisions.push({
      id: entry.id,
      reason: entry.reason,
      resources: entry.resources,
      claim: entry.claim,
      appliedBy: entry.appliedBy ?? 'baseline',
      ...(entry.verifiedBy ? { verifiedBy: entry.verifiedBy } : {}),
      placements: [...new Set(placements.map((p) => p.path))].sort(),
      rules: [...new Set(found.map((f) => f.rule))].sort(),
      findingResources: [...new Set(found.map((f) => f.resource))].sort(),
      findings: unique.size,
    });
  }
  const findings = new Set(data.findings.map(findingKey)).size;
  return { validated: data.validated, decisions, findings, problems };
}
