import { CONTROLS } from '../../lib/controls';
import { acknowledgements } from '../../lib/evidence/acknowledgements';
import { checkOptionsFor, evaluate, hasCheck, withProducerStack, type Evaluation } from '../../lib/evidence/evaluate';
import { readSynthOutput, type SynthesizedStack } from '../../lib/evidence/synth-output';
import { synthTerraformApp } from '../stacks/azure-support';
import { defaultConfig, synthAws } from '../stacks/support';
import { weakenStacks } from './support';

// The evaluation behind the report, the policy gate and the diff, run on the real synthesized
// output of both apps: the default config passes everywhere, and a weakened copy fails exactly
// where it was weakened.
const config = defaultConfig();
const stacks = [...readSynthOutput(synthAws(config, { policy: false }).outdir), ...readSynthOutput(synthTerraformApp(config))];
const configFor = (env: string) => config.environments[env];
const evaluation = evaluate(stacks, configFor);
const cell = (ev: Evaluation, control: string, environment: string, cloud: string) =>
  ev.matrix.find((c) => c.control === control && c.environment === environment && c.cloud === cloud)!;
// The weakening edits the copy in place (whatever its arrow returns is ignored).
const weakened = (name: string, weaken: (template: any) => unknown): SynthesizedStack[] =>
  weakenStacks(stacks, {
    [name]: (t) => {
      weaken(t);
    },
  });

describe('evaluate', () => {
  it('reads every stack of both apps, classified by cloud, environment and role', () => {
    expect(stacks.map((s) => `${s.name}:${s.cloud}:${s.environment}:${s.role}`).sort()).toEqual(
      [
        'prod-aws-dr-database:aws:prod:dr-database',
        'prod-aws-dr:aws:prod:dr',
        'prod-aws-edge:aws:prod:edge',
        'prod-aws-primary:aws:prod:primary',
        'prod-azure-dr:azure:prod:dr',
        'prod-azure-primary:azure:prod:primary',
        'prod-cloudflare:cloudflare:prod:edge',
        'staging-aws-dr-database:aws:staging:dr-database',
        'staging-aws-dr:aws:staging:dr',
        'staging-aws-edge:aws:staging:edge',
        'staging-aws-primary:aws:staging:primary',
        'staging-azure-dr:azure:staging:dr',
        'staging-azure-primary:azure:staging:primary',
        'staging-cloudflare:cloudflare:staging:edge',
      ].sort(),
    );
  });

  it('passes every checked control of the default config, in every environment and on every cloud', () => {
    const failing = evaluation.matrix
      .filter((c) => c.status === 'fail')
      .map((c) => `${c.control} ${c.environment} ${c.cloud}: ${c.findings.map((f) => `${f.stack} ${f.resource} ${f.message}`).join('; ')}`);
    expect(failing).toEqual([]);
    expect(evaluation.failed).toBe(false);
    for (const control of CONTROLS) {
      for (const env of ['staging', 'prod']) {
        for (const cloud of ['aws', 'azure', 'cloudflare'] as const) {
          // A cell a check reads passes (but LOG-CENTRAL at the edge, which the check reports
          // unchecked below Enterprise: the default zones are on Business); any other takes the
          // verdict the catalogue states, with its reason.
          const declared = control.coverage?.[cloud];
          const belowEnterprise = control.id === 'LOG-CENTRAL' && cloud === 'cloudflare';
          const expected = hasCheck(control, cloud) ? (belowEnterprise ? 'unchecked' : 'pass') : (declared?.verdict ?? 'unchecked');
          const got = cell(evaluation, control.id, env, cloud);
          expect({ control: control.id, env, cloud, status: got.status }).toEqual({ control: control.id, env, cloud, status: expected });
          if (!hasCheck(control, cloud)) expect(got.reason).toBe(declared?.reason ?? expect.any(String));
        }
      }
    }
  });

  it('distinguishes not applicable, config-enforced and unchecked cells, each with its reason', () => {
    expect(cell(evaluation, 'NET-TIERS', 'prod', 'cloudflare')).toMatchObject({
      status: 'not-applicable',
      reason: expect.stringMatching(/no network, subnet or host/),
      evidence: [],
      findings: [],
    });
    expect(cell(evaluation, 'ADMIN-MFA', 'prod', 'azure')).toMatchObject({
      status: 'unchecked',
      reason: expect.stringMatching(/Conditional Access/),
    });
    expect(cell(evaluation, 'LOG-CENTRAL', 'staging', 'cloudflare')).toMatchObject({
      status: 'unchecked',
      reason: expect.stringMatching(/Logpush/),
    });
  });

  it('turns a declared not-applicable cell unchecked when a stack holds a resource type the control concerns', () => {
    // An R2 bucket on the edge is object storage no check reads: STORAGE-PRIVATE is no longer n/a there.
    const ev = evaluate(
      weakened('prod-cloudflare', (t) => (t.resource.cloudflare_r2_bucket = { Uploads: { account_id: 'x', name: 'uploads' } })),
      configFor,
    );
    expect(cell(ev, 'STORAGE-PRIVATE', 'prod', 'cloudflare')).toMatchObject({
      status: 'unchecked',
      reason: 'prod-cloudflare/cloudflare_r2_bucket.Uploads is a cloudflare_r2_bucket, which this control concerns and no check reads',
    });
    expect(cell(ev, 'STORAGE-PRIVATE', 'staging', 'cloudflare').status).toBe('not-applicable');
  });

  it('leaves a cell unchecked, not passing, when its cross-stack check cannot run', () => {
    // Without the primary stack the DR-REGION check across the Azure stacks does not run; the DR
    // stack's own geo-redundancy results alone do not prove the control.
    const ev = evaluate(
      stacks.filter((s) => s.name !== 'prod-azure-primary'),
      configFor,
    );
    expect(cell(ev, 'DR-REGION', 'prod', 'azure')).toMatchObject({
      status: 'unchecked',
      reason: expect.stringMatching(/needs the environment's primary stack/),
    });
  });

  it('names the resources that carry a control, stack first', () => {
    expect(cell(evaluation, 'DB-FROM-APP', 'prod', 'aws').evidence).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^prod-aws-primary\/Database/),
        expect.stringMatching(/^prod-aws-dr-database\/DatabaseReplica/),
      ]),
    );
    expect(cell(evaluation, 'WAF-RATE-CRITICAL', 'staging', 'cloudflare').evidence.length).toBeGreaterThan(0);
  });

  it('checks a DR database stack together with its DR stack, reporting only its own resources', () => {
    const drDb = evaluation.stacks.find((s) => s.name === 'prod-aws-dr-database')!;
    const own = Object.keys(stacks.find((s) => s.name === 'prod-aws-dr-database')!.template.Resources);
    for (const r of drDb.results) for (const id of r.evidence) expect(own).toContain(id);
    expect(drDb.results.find((r) => r.control === 'ENC-REST')).toMatchObject({
      status: 'pass',
      evidence: expect.arrayContaining(['DatabaseReplicaFD06AB0D']),
    });
  });

  it.each<[string, string, string, (t: any) => void]>([
    [
      'SSH opened to the world on the AWS bastion',
      'prod-aws-primary',
      'BASTION-SSH',
      (t) => {
        const sg = Object.values<any>(t.Resources).find(
          (r) => r.Type === 'AWS::EC2::SecurityGroup' && (r.Properties.SecurityGroupIngress ?? []).some((i: any) => i.FromPort === 22),
        );
        sg.Properties.SecurityGroupIngress.push({ CidrIp: '0.0.0.0/0', FromPort: 22, ToPort: 22, IpProtocol: 'tcp' });
      },
    ],
    [
      'a loosened Cloudflare login rate limit',
      'staging-cloudflare',
      'WAF-RATE-CRITICAL',
      (t) => {
        const rl = Object.values<any>(t.resource.cloudflare_ruleset).find((r) => r.phase === 'http_ratelimit');
        rl.rules[0].ratelimit.requests_per_period = 1_000_000;
      },
    ],
    [
      'Azure storage without infrastructure encryption',
      'prod-azure-primary',
      'ENC-REST',
      (t) => {
        for (const sa of Object.values<any>(t.resource.azurerm_storage_account)) sa.infrastructure_encryption_enabled = false;
      },
    ],
  ])('fails the matrix cell of %s, naming the stack', (_what, stackName, control, weaken) => {
    const ev = evaluate(weakened(stackName, weaken), configFor);
    const [env, cloud] = [stackName.split('-')[0], stackName.split('-')[1]];
    const failed = cell(ev, control, env, cloud);
    expect(failed.status).toBe('fail');
    expect(failed.findings.every((f) => f.stack === stackName && f.control === control)).toBe(true);
    expect(ev.failed).toBe(true);
    expect(ev.matrix.filter((c) => c.status === 'fail').map((c) => c.control)).toEqual([control]);
  });

  it('fails DR-REGION across an environment when the DR stack is missing', () => {
    const ev = evaluate(
      stacks.filter((s) => s.name !== 'staging-azure-dr'),
      configFor,
    );
    expect(cell(ev, 'DR-REGION', 'staging', 'azure')).toMatchObject({
      status: 'fail',
      findings: [expect.objectContaining({ stack: 'staging (azure stacks)' })],
    });
  });

  it('applies the claim floors without a config (any project)', () => {
    const ev = evaluate(stacks);
    // Without the config, origin lock is not expected, so it is not applicable on the clouds.
    expect(cell(ev, 'ORIGIN-LOCK', 'prod', 'aws').status).toBe('not-applicable');
    expect(cell(ev, 'ORIGIN-LOCK', 'prod', 'cloudflare').status).toBe('pass');
  });
});

describe('checkOptionsFor', () => {
  it('tightens the floors from the environment config and leaves the trail to the primary stack', () => {
    const env = config.environments.prod;
    expect(checkOptionsFor({ cloud: 'aws', role: 'primary' }, env)).toMatchObject({
      minDatabaseBackupDays: 35,
      minFileRetentionDays: 180,
      originLocked: true,
      cloudTrailManaged: false,
      drRegion: 'eu-central-1',
      rpoMinutes: 60,
      databaseReplica: true,
    });
    expect(checkOptionsFor({ cloud: 'aws', role: 'dr' }, env)).toMatchObject({ cloudTrailManaged: true });
    expect(checkOptionsFor({ cloud: 'azure', role: 'dr' }, env)).toMatchObject({
      drRegion: 'northeurope',
      defenderManaged: false,
      originLocked: true,
    });
    expect(checkOptionsFor({ cloud: 'cloudflare', role: 'edge' })).toEqual({});
    // DETECT-THREATS reads the zone's plan: the Security Events Alert exists from Business up.
    expect(checkOptionsFor({ cloud: 'cloudflare', role: 'edge' }, env)).toMatchObject({
      cloudflarePlan: 'business',
      originHostnames: ['app.example.com'],
    });
  });
});

describe('withProducerStack', () => {
  it("resolves cross-stack outputs and exports to the producer's values", () => {
    const producer = {
      Resources: { Sg: { Type: 'AWS::EC2::SecurityGroup' } },
      Outputs: { Out1: { Value: { 'Fn::GetAtt': ['Sg', 'GroupId'] } }, Out2: { Value: 'x', Export: { Name: 'Exported' } } },
    };
    const consumer = {
      Resources: {
        Rule: {
          Type: 'AWS::EC2::SecurityGroupIngress',
          Properties: {
            SourceSecurityGroupId: { 'Fn::GetStackOutput': { StackName: 'p', OutputName: 'Out1' } },
            Other: { 'Fn::ImportValue': 'Exported' },
            Unknown: { 'Fn::ImportValue': 'Nope' },
          },
        },
      },
    };
    expect(withProducerStack(consumer, producer).Resources).toEqual({
      Sg: { Type: 'AWS::EC2::SecurityGroup' },
      Rule: {
        Type: 'AWS::EC2::SecurityGroupIngress',
        Properties: { SourceSecurityGroupId: { 'Fn::GetAtt': ['Sg', 'GroupId'] }, Other: 'x', Unknown: { 'Fn::ImportValue': 'Nope' } },
      },
    });
  });
});

describe('acknowledgements', () => {
  // The real templates' acknowledgements are checked where they exist: test/stacks/aws-policy.test.ts.
  it('reads cdk-nag suppressions of CloudFormation stacks only, sorted by stack, resource and rule', () => {
    const stack = (name: string, cloud: SynthesizedStack['cloud'], template: any): SynthesizedStack => ({
      name,
      cloud,
      environment: 'x',
      role: 'primary',
      template,
      file: `${name}.json`,
    });
    const suppress = (...rules: [string, string?][]) => ({
      Metadata: { 'aws:cdk:path': 'x/Thing/Resource', cdk_nag: { rules_to_suppress: rules.map(([id, reason]) => ({ id, reason })) } },
    });
    const acks = acknowledgements([
      stack('b-aws-primary', 'aws', {
        Resources: { Zed: suppress(['R2', 'because two']), Alpha: suppress(['R9', 'because nine'], ['R1']) },
      }),
      stack('a-aws-primary', 'aws', { Resources: { Plain: {}, Only: suppress(['R5', 'because five']) } }),
      stack('a-azure-primary', 'azure', { resource: {} }),
    ]);
    expect(acks).toEqual([
      { stack: 'a-aws-primary', resource: 'Only', path: 'x/Thing/Resource', rule: 'R5', reason: 'because five' },
      { stack: 'b-aws-primary', resource: 'Alpha', path: 'x/Thing/Resource', rule: 'R1', reason: '(no reason given)' },
      { stack: 'b-aws-primary', resource: 'Alpha', path: 'x/Thing/Resource', rule: 'R9', reason: 'because nine' },
      { stack: 'b-aws-primary', resource: 'Zed', path: 'x/Thing/Resource', rule: 'R2', reason: 'because two' },
    ]);
  });
});
