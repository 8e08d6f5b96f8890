import type { SynthesizedStack } from '../../lib/evidence/synth-output';

// Fixture changes shared by the evidence tests (evaluate, report, diff): each applies to a copy
// of a synthesized template, never to the run's shared output.

/** A change to one template; it edits the copy in place or returns a replacement. */
export type Weaken = (template: any) => any;

/** A copy of `stacks` with the named stacks' templates changed (deep copies; the rest shared). */
export function weakenStacks(stacks: readonly SynthesizedStack[], changes: Readonly<Record<string, Weaken>>): SynthesizedStack[] {
  return stacks.map((s) => {
    const weaken = changes[s.name];
    if (!weaken) return s;
    const copy = JSON.parse(JSON.stringify(s.template));
    return { ...s, template: weaken(copy) ?? copy };
  });
}

/** Renames a CloudFormation logical id or Terraform name everywhere (what a construct id change does). */
export function renameEverywhere(template: any, from: string, to: string): any {
  return JSON.parse(JSON.stringify(template).split(from).join(to));
}

/** The logical id of the template's first RDS instance. */
export function rdsIdOf(template: any): string {
  return Object.entries<any>(template.Resources).find(([, r]) => r.Type === 'AWS::RDS::DBInstance')![0];
}

/** The RDS instance's construct id `Database` renamed to `PrimaryDb`: a new logical id. */
export const renameRds: Weaken = (t) => {
  const id = rdsIdOf(t);
  return renameEverywhere(t, id, id.replace(/^Database/, 'PrimaryDb'));
};

/** The PostgreSQL flexible server's construct id renamed: a new Terraform address. */
export const renamePostgres: Weaken = (t) => {
  const [name] = Object.keys(t.resource.azurerm_postgresql_flexible_server);
  const renamed = renameEverywhere(t, `azurerm_postgresql_flexible_server.${name}`, `azurerm_postgresql_flexible_server.PrimaryDb_${name}`);
  const servers = renamed.resource.azurerm_postgresql_flexible_server;
  servers[`PrimaryDb_${name}`] = servers[name];
  delete servers[name];
  return renamed;
};
