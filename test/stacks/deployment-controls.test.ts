import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { evaluate, type Evaluation } from '../../lib/evidence/evaluate';
import { readSynthOutput, type SynthesizedStack } from '../../lib/evidence/synth-output';
import { synthTerraformApp } from './azure-support';
import { defaultConfig, synthAws } from './support';

// DATA-RESIDENCY and ENV-SEPARATION on the real synthesized output of the default config, read as
// the evidence tools read it (the cloud assembly's environments, the Terraform provider blocks,
// the stack markers): both pass on every cloud that checks them, and each attack below, made on a
// copy of the output, flips exactly the cells it breaks.
const config = defaultConfig();
const cdkOut = synthAws(config, { policy: false }).outdir;
const cdktfOut = synthTerraformApp(config);
const configFor = (env: string) => config.environments[env];
const read = (aws = cdkOut, tf = cdktfOut): SynthesizedStack[] => [...readSynthOutput(aws), ...readSynthOutput(tf)];
const stacks = read();
const cell = (ev: Evaluation, control: string, environment: string, cloud: string) =>
  ev.matrix.find((c) => c.control === control && c.environment === environment && c.cloud === cloud)!;
const failing = (ev: Evaluation) =>
  ev.matrix
    .filter((c) => c.status === 'fail')
    .map((c) => `${c.control} ${c.environment} ${c.cloud}`)
    .sort();

/** A copy of an output directory with `edit` applied to one of its JSON files. */
function editedCopy(dir: string, file: string, edit: (json: any) => void): string {
  const copy = path.join(mkdtempSync(path.join(tmpdir(), 'deployment-')), 'out');
  cpSync(dir, copy, { recursive: true });
  const target = path.join(copy, file);
  const json = JSON.parse(readFileSync(target, 'utf8'));
  edit(json);
  writeFileSync(target, JSON.stringify(json));
  return copy;
}

describe('DATA-RESIDENCY and ENV-SEPARATION on the default config', () => {
  const ev = evaluate(stacks, configFor);

  it("reads every stack's environment and role from its marker, its account and region from the output", () => {
    expect(stacks.every((s) => s.marker !== undefined)).toBe(true);
    expect(stacks.find((s) => s.name === 'prod-aws-dr')).toMatchObject({
      environment: 'prod',
      role: 'dr',
      account: '222222222222',
      region: 'eu-central-1',
      marker: { production: true, residency: 'eu' },
    });
    expect(stacks.find((s) => s.name === 'staging-azure-primary')).toMatchObject({
      environment: 'staging',
      role: 'primary',
      account: '00000000-0000-4000-8000-00000000a001',
    });
    expect(stacks.find((s) => s.name === 'prod-cloudflare')).toMatchObject({
      environment: 'prod',
      role: 'edge',
      account: '00000000000000000000000000000a02',
    });
  });

  it.each(['prod', 'staging'])('passes both on AWS and Azure, and separation on Cloudflare, in %s', (env) => {
    for (const cloud of ['aws', 'azure'])
      expect({ cloud, status: cell(ev, 'DATA-RESIDENCY', env, cloud).status }).toEqual({ cloud, status: 'pass' });
    for (const cloud of ['aws', 'azure', 'cloudflare'])
      expect({ cloud, status: cell(ev, 'ENV-SEPARATION', env, cloud).status }).toEqual({ cloud, status: 'pass' });
    expect(cell(ev, 'DATA-RESIDENCY', env, 'aws').evidence).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^${env}-aws-dr/DataReplica`)),
        expect.stringMatching(new RegExp(`^${env}-aws-dr-database/DatabaseReplica`)),
      ]),
    );
  });

  it("lists the CloudFront web ACL's request logs in us-east-1 as a declared exception, never as evidence", () => {
    const residency = cell(ev, 'DATA-RESIDENCY', 'prod', 'aws');
    expect(residency.exceptions).toEqual([
      expect.objectContaining({
        resource: expect.stringMatching(/^prod-aws-edge\/CdnWebAclLogs/),
        message: expect.stringMatching(/in us-east-1, outside residency "eu": AWS WAF delivers a CloudFront web ACL's logs/),
      }),
      // The immutable copy of those logs (issue 14), its access log and its delivery stream.
      ...['AccessLogs', 'LogArchiveBucket', 'LogArchive'].map((id) =>
        expect.objectContaining({
          resource: expect.stringMatching(new RegExp(`^prod-aws-edge/${id}[0-9A-F]{8}$`)),
          message: expect.stringMatching(
            /in us-east-1, outside residency "eu": Immutable copy \(and its access log\) of the CloudFront web ACL's request logs/,
          ),
        }),
      ),
    ]);
    expect(residency.evidence.filter((e) => e.startsWith('prod-aws-edge/'))).toEqual([]);
  });

  it('leaves both unchecked, saying why, when the residency and environments are unknown (no config, no markers)', () => {
    const unmarked = stacks.map((s) => ({ ...s, environment: s.name, role: 'other' as const, marker: undefined }));
    const blind = evaluate(unmarked);
    expect(cell(blind, 'DATA-RESIDENCY', 'prod-aws-primary', 'aws')).toMatchObject({
      status: 'unchecked',
      reason: expect.stringMatching(/no residency is known for environment prod-aws-primary/),
    });
    expect(cell(blind, 'ENV-SEPARATION', 'prod-aws-primary', 'aws')).toMatchObject({
      status: 'unchecked',
      reason: expect.stringMatching(/carry no stack marker/),
    });
    // Without a config the markers alone suffice.
    const marked = evaluate(stacks);
    expect(cell(marked, 'DATA-RESIDENCY', 'prod', 'aws').status).toBe('pass');
    expect(cell(marked, 'ENV-SEPARATION', 'prod', 'aws').status).toBe('pass');
  });
});

describe('attacks on residency and separation flip the cells they break', () => {
  it('a DR stack (replica buckets, backup vault, read replica) in a third region fails DATA-RESIDENCY on AWS', () => {
    const aws = editedCopy(cdkOut, 'manifest.json', (m) => {
      for (const id of ['prod-aws-dr', 'prod-aws-dr-database']) m.artifacts[id].environment = 'aws://222222222222/us-west-2';
    });
    const ev = evaluate(read(aws), configFor);
    expect(failing(ev)).toEqual(['DATA-RESIDENCY prod aws']);
    const messages = cell(ev, 'DATA-RESIDENCY', 'prod', 'aws').findings.map((f) => `${f.resource}: ${f.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^prod-aws-dr\/DataReplica\w+: AWS::S3::Bucket is in us-west-2 \(stack prod-aws-dr\), outside residency "eu"/,
        ),
        expect.stringMatching(
          new RegExp(
            '^prod-aws-primary\\/DataBucket\\w+: replicates to bucket acme-prod-data-dr-222222222222 in us-west-2 \\(stack ' +
              'prod-aws-dr\\), outside residency "eu"',
          ),
        ),
        expect.stringMatching(/^prod-aws-dr-database\/DatabaseReplica\w+: AWS::RDS::DBInstance is in us-west-2/),
      ]),
    );
  });

  it('backup copies or database backups replicated to a third region fail DATA-RESIDENCY on AWS', () => {
    const aws = editedCopy(cdkOut, 'prod-aws-primary.template.json', (t) => {
      for (const r of Object.values<any>(t.Resources)) {
        if (r.Type === 'AWS::Backup::BackupPlan')
          for (const rule of r.Properties.BackupPlan.BackupPlanRule)
            for (const c of rule.CopyActions ?? [])
              c.DestinationBackupVaultArn = c.DestinationBackupVaultArn.replace('eu-central-1', 'us-east-2');
        if (r.Type === 'AWS::RDS::DBInstance') r.Properties.AutomaticBackupReplicationRegion = 'us-east-2';
      }
    });
    const ev = evaluate(read(aws), configFor);
    // DR-REGION fails too: the copies no longer reach the configured DR region.
    expect(failing(ev)).toEqual(['DATA-RESIDENCY prod aws', 'DR-REGION prod aws']);
    const messages = cell(ev, 'DATA-RESIDENCY', 'prod', 'aws').findings.map((f) => f.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/rule "DailyDatabase" copies backups to us-east-2/),
        expect.stringMatching(/AutomaticBackupReplicationRegion is "us-east-2"/),
      ]),
    );
  });

  it('an Azure read replica in a third region fails DATA-RESIDENCY on Azure', () => {
    const tf = editedCopy(cdktfOut, 'stacks/staging-azure-dr/cdk.tf.json', (t) => {
      for (const server of Object.values<any>(t.resource.azurerm_postgresql_flexible_server)) server.location = 'eastus';
    });
    const ev = evaluate(read(cdkOut, tf), configFor);
    // DR-REGION fails too: the replica is no longer in the region pair.
    expect(failing(ev)).toEqual(['DATA-RESIDENCY staging azure', 'DR-REGION staging azure']);
    expect(cell(ev, 'DATA-RESIDENCY', 'staging', 'azure').findings).toEqual([
      expect.objectContaining({
        resource: expect.stringMatching(/^staging-azure-dr\/azurerm_postgresql_flexible_server\./),
        message: expect.stringMatching(/location eastus is outside residency "eu"/),
      }),
    ]);
  });

  it('prod and staging in one AWS account fail ENV-SEPARATION on AWS in both environments', () => {
    const aws = editedCopy(cdkOut, 'manifest.json', (m) => {
      for (const [id, artifact] of Object.entries<any>(m.artifacts))
        if (id.startsWith('staging-aws-') && artifact.environment)
          artifact.environment = artifact.environment.replace('111111111111', '222222222222');
    });
    const ev = evaluate(read(aws), configFor);
    expect(failing(ev)).toEqual(['ENV-SEPARATION prod aws', 'ENV-SEPARATION staging aws']);
    expect(cell(ev, 'ENV-SEPARATION', 'prod', 'aws').findings[0].message).toMatch(
      new RegExp(
        '^account 222222222222 is also used by environment staging \\(staging-aws-\\w+(-\\w+)?\\); prod is production, and a ' +
          'production environment must have an account of its own$',
      ),
    );
  });

  it('prod and staging in one Azure subscription fail ENV-SEPARATION on Azure', () => {
    let tf = cdktfOut;
    for (const stack of ['staging-azure-primary', 'staging-azure-dr']) {
      tf = editedCopy(
        tf,
        `stacks/${stack}/cdk.tf.json`,
        (t) => (t.provider.azurerm[0].subscription_id = '00000000-0000-4000-8000-00000000a002'),
      );
    }
    const ev = evaluate(read(cdkOut, tf), configFor);
    // DR-REGION on staging fails too: its DR keys and identities now name another subscription.
    expect(failing(ev)).toEqual(['DR-REGION staging azure', 'ENV-SEPARATION prod azure', 'ENV-SEPARATION staging azure']);
  });

  it("staging configuring production's Cloudflare zone fails ENV-SEPARATION on Cloudflare", () => {
    const prodZone = JSON.parse(readFileSync(path.join(cdktfOut, 'stacks/prod-cloudflare/cdk.tf.json'), 'utf8'));
    const zone = Object.values<any>(prodZone.resource.cloudflare_zone_setting)[0].zone_id;
    const tf = editedCopy(cdktfOut, 'stacks/staging-cloudflare/cdk.tf.json', (t) => {
      for (const byName of Object.values<any>(t.resource))
        for (const r of Object.values<any>(byName)) if (typeof r.zone_id === 'string') r.zone_id = zone;
      // The security events alert follows the zone (as a config change would make it), so only the
      // separation breaks.
      for (const policy of Object.values<any>(t.resource.cloudflare_notification_policy))
        if (policy.filters?.zones) policy.filters.zones = [zone];
    });
    const ev = evaluate(read(cdkOut, tf), configFor);
    expect(failing(ev)).toEqual(['ENV-SEPARATION prod cloudflare', 'ENV-SEPARATION staging cloudflare']);
  });

  it("a stack named like prod's DR stack but without a marker is not taken for it", () => {
    // The real DR stack's marker removed: it is its own environment, so prod's DR-REGION on AWS
    // no longer finds its DR stack and fails, and the stray stack is not trusted either.
    const aws = editedCopy(cdkOut, 'prod-aws-dr.template.json', (t) => delete t.Metadata.baseline);
    const ev = evaluate(read(aws), configFor);
    expect(ev.environments).toContain('prod-aws-dr');
    expect(cell(ev, 'DR-REGION', 'prod', 'aws').status).toBe('fail');
    expect(cell(ev, 'ENV-SEPARATION', 'prod', 'aws')).toMatchObject({
      status: 'unchecked',
      reason: expect.stringMatching(/prod-aws-dr carries no stack marker/),
    });
  });
});
