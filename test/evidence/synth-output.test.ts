import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { classifyStackName, readSynthOutput, SynthOutputError, terraformCloud } from '../../lib/evidence/synth-output';

const dir = () => mkdtempSync(path.join(tmpdir(), 'baseline-out-'));
const write = (file: string, value: unknown) => {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(value));
};

describe('classifyStackName', () => {
  it.each([
    ['prod-aws-primary', { environment: 'prod', role: 'primary', cloud: 'aws' }],
    ['prod-aws-dr-database', { environment: 'prod', role: 'dr-database', cloud: 'aws' }],
    ['eu-staging-aws-dr', { environment: 'eu-staging', role: 'dr', cloud: 'aws' }],
    ['staging-azure-dr', { environment: 'staging', role: 'dr', cloud: 'azure' }],
    ['prod-cloudflare', { environment: 'prod', role: 'edge', cloud: 'cloudflare' }],
    ['MyAppStack', { environment: 'MyAppStack', role: 'other' }],
  ])('reads %s', (name, expected) => {
    expect(classifyStackName(name)).toEqual(expected);
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
        'prod-aws-primary': { type: 'aws:cloudformation:stack', properties: { templateFile: 'prod-aws-primary.template.json' } },
        'prod-aws-primary.assets': { type: 'cdk:asset-manifest', properties: { file: 'x.json' } },
        Stage: { type: 'cdk:cloud-assembly', properties: { directoryName: 'assembly-Stage' } },
      },
    });
    write(path.join(out, 'prod-aws-primary.template.json'), { Resources: { A: { Type: 'AWS::S3::Bucket' } } });
    write(path.join(out, 'assembly-Stage', 'manifest.json'), { artifacts: { 'dev-aws-edge': { type: 'aws:cloudformation:stack', properties: { templateFile: 'dev.template.json' } } } });
    write(path.join(out, 'assembly-Stage', 'dev.template.json'), { Resources: {} });
    const stacks = readSynthOutput(out);
    expect(stacks.map((s) => [s.name, s.cloud, s.environment, s.role])).toEqual([
      ['dev-aws-edge', 'aws', 'dev', 'edge'],
      ['prod-aws-primary', 'aws', 'prod', 'primary'],
    ]);
    expect(stacks[1].template.Resources.A.Type).toBe('AWS::S3::Bucket');
  });

  it('reads a CDK for Terraform output, with or without its manifest, and skips stacks of other providers', () => {
    const out = dir();
    write(path.join(out, 'stacks', 'prod-cloudflare', 'cdk.tf.json'), { provider: { cloudflare: [{}] }, resource: {} });
    write(path.join(out, 'stacks', 'prod-azure-primary', 'cdk.tf.json'), { provider: { azurerm: [{}] }, resource: {} });
    write(path.join(out, 'stacks', 'gcp', 'cdk.tf.json'), { provider: { google: [{}] }, resource: {} });
    expect(readSynthOutput(out).map((s) => `${s.name}:${s.cloud}`)).toEqual(['prod-azure-primary:azure', 'prod-cloudflare:cloudflare']);
    write(path.join(out, 'manifest.json'), { stacks: { 'prod-cloudflare': { synthesizedStackPath: 'stacks/prod-cloudflare/cdk.tf.json' } } });
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
