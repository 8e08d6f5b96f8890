import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseConfig } from '../../lib/config/load';
import { awsStackNames, renderFailoverRunbook } from '../../scripts/failover-runbook';
import { defaultConfig, rawDefaultConfig, synthAws } from '../stacks/support';

// docs/failover.md is generated (npm run runbook); it must match the config and the stacks.
const config = defaultConfig();
const { markdown, outputs } = renderFailoverRunbook(config);
const { templates } = synthAws(config, { policy: false });
const stackIdOf = (stackName: string) => {
  for (const env of Object.keys(config.environments)) {
    const names = awsStackNames(config.project, env);
    for (const [kind, name] of Object.entries(names)) {
      if (name === stackName) return `${env}-aws-${{ edge: 'edge', primary: 'primary', dr: 'dr', drDatabase: 'dr-database' }[kind]}`;
    }
  }
  throw new Error(`unknown stack ${stackName}`);
};

describe('failover runbook', () => {
  it('is the committed docs/failover.md (run `npm run runbook` after changing the config or the stacks)', () => {
    expect(readFileSync(path.join(__dirname, '..', '..', 'docs', 'failover.md'), 'utf8')).toBe(markdown);
  });

  it('reads only outputs the synthesized stacks declare, from the stack of the right region', () => {
    expect(outputs.length).toBeGreaterThan(0);
    for (const ref of outputs) {
      const id = stackIdOf(ref.stackName);
      expect({ ref, declared: Object.keys(templates[id].Outputs ?? {}).includes(ref.key) }).toEqual({ ref, declared: true });
    }
  });

  it("states each environment's objectives and worst-case losses", () => {
    for (const [name, env] of Object.entries(config.environments)) {
      expect(markdown).toContain(`## Environment \`${name}\`: ${env.aws!.region} → ${env.aws!.drRegion}`);
      expect(markdown).toContain(`**RPO ${env.recovery.rpoMinutes} min, RTO ${env.recovery.rtoMinutes} min**`);
    }
    expect(markdown).toMatch(/S3 Replication Time Control to the DR replicas \| 15 min of writes/);
    expect(markdown).toContain('aws rds promote-read-replica');
  });

  it('names the replication alarms, the CDN failover with its distribution, and the DR bastion', () => {
    for (const env of Object.values(config.environments)) {
      expect(markdown).toContain(`CloudFront fails over by itself to the assets replica in ${env.aws!.drRegion}`);
      expect(markdown).toContain(`only distribution \`${env.aws!.cdn.distributionId}\``);
    }
    expect(markdown).toContain('`DataReplicationLatency` and `AssetsReplicationLatency` alarms fire above 900 s');
    expect(markdown).toContain('ssh -J <user>@$DR_BASTION');
  });

  it('warns that the failover replica admits every distribution until aws.cdn.distributionId is set', () => {
    const raw = rawDefaultConfig();
    delete raw.environments.staging.aws.cdn.distributionId;
    expect(renderFailoverRunbook(parseConfig(raw)).markdown).toContain(
      '**every distribution of the account until `aws.cdn.distributionId` is set**',
    );
  });

  it('restores from the replicated backups when no replica is kept', () => {
    const raw = rawDefaultConfig();
    raw.environments.staging.aws.dr.databaseReplica = false;
    raw.environments.staging.recovery = { rpoMinutes: 1440, rtoMinutes: 480 };
    const text = renderFailoverRunbook(parseConfig(raw)).markdown;
    const staging = text.slice(text.indexOf('## Environment `staging`'), text.indexOf('## Environment `prod`'));
    expect(staging).toContain('restore-db-instance-to-point-in-time');
    expect(staging).not.toContain('promote-read-replica');
  });
});
