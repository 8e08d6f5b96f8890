import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

// The README's examples (test/readme-examples/, compared with the README by test/docs.test.ts)
// must not only type-check but construct and synthesize: a construct that rejects the example's
// props, or an app setting it needs (a feature flag), fails here. The AWS example runs every policy
// gate (applyBaselinePolicy): a finding the example leaves unacknowledged fails its synth.

const CDKTF_STACKS: Record<string, string> = { azure: 'prod-storefront-azure', cloudflare: 'prod-storefront-cloudflare' };
let outdir: string;
const saved = { CDK_OUTDIR: process.env.CDK_OUTDIR, CDKTF_OUTDIR: process.env.CDKTF_OUTDIR };

beforeEach(() => {
  outdir = mkdtempSync(path.join(tmpdir(), 'readme-example-'));
  process.env.CDK_OUTDIR = path.join(outdir, 'cdk.out');
  process.env.CDKTF_OUTDIR = path.join(outdir, 'cdktf.out');
});
afterEach(() => {
  for (const [k, v] of Object.entries(saved))
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  rmSync(outdir, { recursive: true, force: true });
});

describe('README examples', () => {
  it('AWS: synthesizes the stack with the keys, network, buckets and web ACL', () => {
    jest.isolateModules(() => require('./readme-examples/aws'));
    const template = JSON.parse(readFileSync(path.join(outdir, 'cdk.out', 'prod-storefront.template.json'), 'utf8'));
    const types = Object.values<any>(template.Resources).map((r) => r.Type);
    for (const t of ['AWS::KMS::Key', 'AWS::EC2::VPC', 'AWS::S3::Bucket', 'AWS::WAFv2::WebACL']) expect(types).toContain(t);
  });

  it.each(Object.entries(CDKTF_STACKS))('%s: synthesizes its Terraform stack', (name, stack) => {
    jest.isolateModules(() => require(`./readme-examples/${name}`));
    const tf = JSON.parse(readFileSync(path.join(outdir, 'cdktf.out', 'stacks', stack, 'cdk.tf.json'), 'utf8'));
    expect(Object.keys(tf.resource).length).toBeGreaterThan(1);
  });
});
