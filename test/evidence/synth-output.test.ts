import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { classifyStack, readSynthOutput, SynthOutputError, terraformAccount, terraformCloud } from '../../lib/evidence/synth-output';

const dir = () => mkdtempSync(path.join(tmpdir(), 'baseline-out-'));
const write = (file: string, value: unknown) => {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(value));
};

describe('classifyStack', () => {
  const marked = (marker: unknown) => ({ Metadata: { baseline: marker } });

  it('reads environment and role from the stack marker, CloudFormation or Terraform JSON', () => {
    expect(classifyStack('whatever', marked({ environment: 'prod', role: 'dr-database', production: true, residency: 'eu' }))).toEqual({
      environment: 'prod',
      role: 'dr-database',
      marker: { environment: 'prod', role: 'dr-database', production: true, residency: 'eu' },
    });
    expect(classifyStack('x', { '//': { baseline: { environment: 'staging', role: 'edge' } } })).toMatchObject({
      environment: 'staging',
      role: 'edge',
    });
  });

  it('never trusts a name: a stack named like a DR stack without a marker is its own environment', () => {
    expect(classifyStack('prod-aws-dr', { Resources: {} })).toEqual({ environment: 'prod-aws-dr', role: 'other' });
    expect(classifyStack('prod-aws-primary', marked({ environment: 'Prod!', role: 'primary' }))).toEqual({
      environment: 'prod-aws-primary',
      role: 'other',
    });
    expect(classifyStack('prod-aws-primary', marked({ environment: 'prod', role: 'boss' }))).toEqual({
      environment: 'prod-aws-primary',
      role: 'other',
    });
  });
});

describe('terraformAccount', () => {
  it('reads the azurerm subscription and the Cloudflare account ids, never an interpolation', () => {
    expect(terraformAccount({ provider: { azurerm: [{ subscription_id: 'sub-1' }] } }, 'azure')).toBe('sub-1');
    expect(terraformAccount({ provider: { azurerm: [{ subscription_id: '${var.sub}' }] } }, 'azure')).toBeUndefined();
    expect(
      terraformAccount(
        {
          resource: {
            cloudflare_load_balancer_pool: { a: { account_id: 'b' }, c: { account_id: 'a' } },
            cloudflare_ruleset: { r: { zone_id: 'z' } },
          },
        },
        'cloudflare',
      ),
    ).toBe('a,b');
  });
});

describe('terraformCloud', () => {
  it('tells Azure and Cloudflare stacks apart by provider and resource types', () => {
    expect(terraformCloud({ provider: { azurerm: [{}] } })).toBe('azure');
    expect(terraformCloud({ resource: { cloudflare_ruleset: {} } })).toBe('cloudflare');
    expect(terraformCloud({ resource: { google_storage_bucket: {} } })).toBeUndefined();
  });
});

describe('readSynthOutput', () => {
  it('reads the stacks of a cloud assembly, nested assemblies too, sorted by name', () => {
    const out = dir();
    write(path.join(out, 'manifest.json'), {
      artifacts: {
        'prod-aws-primary': {
          type: 'aws:cloudformation:stack',
          environment: 'aws://222222222222/eu-west-1',
          properties: { templateFile: 'prod-aws-primary.template.json' },
        },
        'prod-aws-primary.assets': { type: 'cdk:asset-manifest', properties: { file: 'x.json' } },
        Stage: { type: 'cdk:cloud-assembly', properties: { directoryName: 'assembly-Stage' } },
      },
    });
    write(path.join(out, 'prod-aws-primary.template.json'), {
      Metadata: { baseline: { environment: 'prod', role: 'primary' } },
      Resources: { A: { Type: 'AWS::S3::Bucket' } },
    });
    write(path.join(out, 'assembly-Stage', 'manifest.json'), {
      artifacts: {
        'dev-aws-edge': {
          type: 'aws:cloudformation:stack',
          environment: 'aws://unknown-account/unknown-region',
          properties: { templateFile: 'dev.template.json' },
        },
      },
    });
    write(path.join(out, 'assembly-Stage', 'dev.template.json'), { Resources: {} });
    const stacks = readSynthOutput(out);
    expect(stacks.map((s) => [s.name, s.cloud, s.environment, s.role, s.account, s.region])).toEqual([
      ['dev-aws-edge', 'aws', 'dev-aws-edge', 'other', undefined, undefined],
      ['prod-aws-primary', 'aws', 'prod', 'primary', '222222222222', 'eu-west-1'],
    ]);
    expect(stacks[1].template.Resources.A.Type).toBe('AWS::S3::Bucket');
  });

  it('reads a CDK for Terraform output, with or without its manifest, and skips stacks of other providers', () => {
    const out = dir();
    write(path.join(out, 'stacks', 'prod-cloudflare', 'cdk.tf.json'), { provider: { cloudflare: [{}] }, resource: {} });
    write(path.join(out, 'stacks', 'prod-azure-primary', 'cdk.tf.json'), { provider: { azurerm: [{}] }, resource: {} });
    write(path.join(out, 'stacks', 'gcp', 'cdk.tf.json'), { provider: { google: [{}] }, resource: {} });
    expect(readSynthOutput(out).map((s) => `${s.name}:${s.cloud}`)).toEqual(['prod-azure-primary:azure', 'prod-cloudflare:cloudflare']);
    write(path.join(out, 'manifest.json'), {
      stacks: { 'prod-cloudflare': { synthesizedStackPath: 'stacks/prod-cloudflare/cdk.tf.json' } },
    });
    expect(readSynthOutput(out).map((s) => s.name)).toEqual(['prod-cloudflare']);
  });

  it('fails with a clear message on a directory that holds no synthesized output', () => {
    const out = dir();
    expect(() => readSynthOutput(out)).toThrow(SynthOutputError);
    expect(() => readSynthOutput(out)).toThrow(/no manifest.json; expected a cdk.out \(cdk synth\) or cdktf.out \(cdktf synth\) directory/);
    write(path.join(out, 'manifest.json'), { version: '1' });
    expect(() => readSynthOutput(out)).toThrow(/neither a cloud assembly nor a CDK for Terraform manifest/);
  });
});
