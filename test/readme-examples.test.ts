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

// CDK's built-in CloudFormation validation (a schema check; its wasm engine is ~5 s of CPU, the
// largest part of this file) runs in CI (.ci/run runs this file with README_CFN_VALIDATION=1, and
// `npm run synth` validates the reference apps); in `npm test` the example's App starts with it
// off unless the example sets it. The policy gates the example applies run either way.
function withoutCfnValidation(): void {
  const real = jest.requireActual<typeof import('aws-cdk-lib')>('aws-cdk-lib');
  class App extends real.App {
    constructor(props: import('aws-cdk-lib').AppProps = {}) {
      super({ builtinCloudFormationValidation: false, ...props });
    }
  }
  jest.doMock('aws-cdk-lib', () => new Proxy(real, { get: (target, key) => (key === 'App' ? App : Reflect.get(target, key)) }));
}

describe('README examples', () => {
  it('AWS: synthesizes the stack with the keys, network, buckets and web ACL', () => {
    jest.isolateModules(() => {
      if (!process.env.README_CFN_VALIDATION) withoutCfnValidation();
      require('./readme-examples/aws');
    });
    // With the validation on (CI), its report lists it among the gates that ran.
    const report = JSON.parse(readFileSync(path.join(outdir, 'cdk.out', 'validation-report.json'), 'utf8'));
    expect(report.pluginReports.map((p: { pluginName: string }) => p.pluginName).includes('CloudFormation Validate')).toBe(
      Boolean(process.env.README_CFN_VALIDATION),
    );
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
