import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { bindingProviderVersion, importedResourceTypes, parseAzurermDoc, parseFrameworkSchema } from '../../scripts/write-force-new';
import { cloudFormationConsequence, diffCloudFormation } from '../../lib/evidence/diff-cloudformation';
import { FORCE_NEW, FORCE_NEW_PROVIDER_VERSIONS } from '../../lib/evidence/diff-force-new';
import {
  annotate,
  deepChanges,
  pairRenames,
  STATEFUL_TERRAFORM_TYPES,
  tlsMinor,
  type ResourceDiff,
  type StackDiff,
} from '../../lib/evidence/diff-model';
import {
  compareEvaluations,
  GITHUB_COMMENT_LIMIT,
  renderDiffMarkdown,
  securityDiff,
  type SecurityDiff,
} from '../../lib/evidence/diff-report';
import { diffTerraform, terraformReplacement } from '../../lib/evidence/diff-terraform';
import { evaluate, type Evaluation } from '../../lib/evidence/evaluate';
import { readSynthOutput, type SynthesizedStack } from '../../lib/evidence/synth-output';
import { synthTerraformApp } from '../stacks/azure-support';
import { defaultConfig, synthAws } from '../stacks/support';
import { renamePostgres, renameRds, weakenStacks, type Weaken } from './support';

// The security diff on the real synthesized output of both apps (synthesized once for the file):
// each weakening applied to a copy of the head must show in the right section of the Markdown,
// with replacements of stateful resources flagged first and loudly, and the control results it
// breaks listed.
const config = defaultConfig();
const base = [...readSynthOutput(synthAws(config, { policy: false }).outdir), ...readSynthOutput(synthTerraformApp(config))];
const configFor = (env: string) => config.environments[env];
const baseEvaluation = evaluate(base, configFor);
const LABELS = { base: '`base`', head: 'working tree' };

/** A copy of the base with some stacks weakened. */
const headWith = (changes: Record<string, Weaken>): SynthesizedStack[] => weakenStacks(base, changes);

function diffOf(head: SynthesizedStack[]): { diff: SecurityDiff; md: string; evaluation: Evaluation } {
  const evaluation = evaluate(head, configFor);
  const diff = securityDiff({ stacks: base, evaluation: baseEvaluation }, { stacks: head, evaluation });
  return { diff, md: renderDiffMarkdown(diff, LABELS), evaluation };
}

/** The Markdown between a heading (or bold category title) and the next one of the same kind. */
function section(md: string, title: string): string {
  const lines = md.split('\n');
  const start = lines.findIndex((l) => l === `### ${title}` || l === `**${title}**`);
  if (start < 0) return '';
  const end = lines.findIndex(
    (l, i) => i > start && (l.startsWith('### ') || l.startsWith('#### ') || /^\*\*[^*]+\*\*$/.test(l) || l.startsWith('<details>')),
  );
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

/** The part of the Markdown about one stack. */
function stackPart(md: string, stack: string): string {
  const start = md.indexOf(`#### \`${stack}\``);
  if (start < 0) return '';
  const end = md.indexOf('\n#### ', start + 1);
  return md.slice(start, end < 0 ? undefined : end);
}

const resourcesOf = (t: any, type: string) => Object.entries<any>(t.Resources).filter(([, r]) => r.Type === type);
const openSsh = (t: any) => {
  const [, sg] = resourcesOf(t, 'AWS::EC2::SecurityGroup').find(([, r]) =>
    (r.Properties.SecurityGroupIngress ?? []).some((i: any) => i.FromPort === 22),
  )!;
  sg.Properties.SecurityGroupIngress.push({ CidrIp: '0.0.0.0/0', FromPort: 22, ToPort: 22, IpProtocol: 'tcp', Description: 'debugging' });
};
const loosenAwsRate = (t: any) => {
  const [, acl] = resourcesOf(t, 'AWS::WAFv2::WebACL')[0];
  const rule = acl.Properties.Rules.find((r: any) => r.Statement.RateBasedStatement?.ScopeDownStatement);
  rule.Statement.RateBasedStatement.Limit = 1_000_000;
};
const dropBucketEncryption = (t: any) => {
  const [, bucket] = resourcesOf(t, 'AWS::S3::Bucket').find(([, r]) => r.Properties.BucketEncryption)!;
  delete bucket.Properties.BucketEncryption;
};
const loosenAzureRate = (t: any) => {
  const waf = Object.values<any>(t.resource.azurerm_web_application_firewall_policy)[0];
  waf.custom_rules.find((r: any) => r.name === 'RateLimitLogin').rate_limit_threshold = 100_000;
};
const openNsgSsh = (t: any) => {
  const nsg = Object.values<any>(t.resource.azurerm_network_security_group).find((n) =>
    n.security_rule.some((r: any) => r.destination_port_range === '22'),
  );
  const ssh = nsg.security_rule.find((r: any) => r.destination_port_range === '22');
  nsg.security_rule.push({ ...ssh, name: 'allow-ssh-from-anywhere', priority: 105, source_address_prefix: '*' });
};
const noInfraEncryption = (t: any) => {
  for (const sa of Object.values<any>(t.resource.azurerm_storage_account)) sa.infrastructure_encryption_enabled = false;
};
const loosenCloudflareRate = (t: any) => {
  const rl = Object.values<any>(t.resource.cloudflare_ruleset).find((r) => r.phase === 'http_ratelimit');
  rl.rules[0].ratelimit.requests_per_period = 1_000_000;
};

describe('security diff of identical sides', () => {
  const { diff, md } = diffOf(base);

  it('reports no changes, no control result changes and a passing head', () => {
    expect(diff.stacks.every((s) => s.change === 'unchanged')).toBe(true);
    expect(diff.controls).toEqual([]);
    expect(md).toContain('✅ **No changes**');
    // The head names its unchecked cells (lib/evidence/verdict.ts) and counts every status; ✅ only on the passing cells.
    expect(md).toMatch(
      new RegExp(
        '\\nHead report: ❔ PASS with \\d+ unchecked cells: ADMIN-MFA on Azure \\(prod, staging\\), .* \\(nothing fails; `npm ' +
          'run report` says why each is unchecked\\): ✅ \\d+ pass · ➖ \\d+ not applicable · ❔ \\d+ unchecked\\n',
      ),
    );
    expect(md).not.toContain('❌');
    expect(md).not.toContain('⚠️');
    expect(md).not.toContain('### Changes by stack');
  });

  it('is deterministic', () => {
    expect(renderDiffMarkdown(diffOf(base).diff, LABELS)).toBe(md);
  });
});

describe('security diff of a weakened head', () => {
  it.each<[string, Record<string, Weaken>, string, string, RegExp, string | undefined]>([
    [
      'a loosened AWS WAF rate limit',
      { 'prod-aws-primary': loosenAwsRate },
      'prod-aws-primary',
      'WAF rules and rate limits',
      new RegExp(
        '`WebAcl[0-9A-F]+`: ⚠️ \\*\\*rate limit rate-login: 100 requests \\/ 5 min → 1000000 requests \\/ 5 min\\*\\* — each ' +
          'client may send ×10000 as many requests',
      ),
      'WAF-RATE-CRITICAL prod aws',
    ],
    [
      'a loosened Azure WAF rate limit',
      { 'prod-azure-primary': loosenAzureRate },
      'prod-azure-primary',
      'WAF rules and rate limits',
      new RegExp(
        '`azurerm_web_application_firewall_policy\\.Waf_[0-9A-F]+`: ⚠️ \\*\\*rate limit RateLimitLogin: 2500 requests \\/ 5 min ' +
          '→ 100000 requests \\/ 5 min\\*\\*',
      ),
      'WAF-RATE-CRITICAL prod azure',
    ],
    [
      'a loosened Cloudflare rate limit',
      { 'staging-cloudflare': loosenCloudflareRate },
      'staging-cloudflare',
      'WAF rules and rate limits',
      new RegExp(
        '`cloudflare_ruleset\\.RateLimits_[0-9A-F]+`: ⚠️ \\*\\*rate limit rate-limit-critical-login: 100 requests \\/ 5 min → ' +
          '1000000 requests \\/ 5 min\\*\\*',
      ),
      'WAF-RATE-CRITICAL staging cloudflare',
    ],
    [
      'SSH opened to the world on an AWS security group',
      { 'prod-aws-primary': openSsh },
      'prod-aws-primary',
      'Network exposure',
      new RegExp(
        '`BastionSecurityGroup[0-9A-F]+`: ⚠️ \\*\\*SSH \\(TCP 22\\) from 17 addresses → the whole IPv4 Internet\\*\\* — ' +
          '198\\.51\\.100\\.0\\/28, 203\\.0\\.113\\.10\\/32 → 0\\.0\\.0\\.0\\/0',
      ),
      'BASTION-SSH prod aws',
    ],
    [
      'SSH opened to the world on an Azure NSG',
      { 'prod-azure-primary': openNsgSsh },
      'prod-azure-primary',
      'Network exposure',
      new RegExp(
        '`azurerm_network_security_group\\.Network_AppNsg_[0-9A-F]+`: ⚠️ \\*\\*SSH \\(TCP 22\\) from 64 addresses \\+ ' +
          'AzureLoadBalancer → anybody \\(\\*\\)\\*\\*',
      ),
      'BASTION-SSH prod azure',
    ],
    [
      'bucket encryption removed',
      { 'prod-aws-primary': dropBucketEncryption },
      'prod-aws-primary',
      'Encryption',
      /`BucketEncryption`: `\{"ServerSideEncryptionConfiguration".* → `\(none\)` — \*\*⚠️ removed\*\*/,
      'ENC-REST prod aws',
    ],
    [
      'Azure storage infrastructure encryption turned off',
      { 'prod-azure-primary': noInfraEncryption },
      'prod-azure-primary',
      'Encryption',
      /`infrastructure_encryption_enabled`: `true` → `false` — \*\*⚠️ turned off\*\* \*\*\(replaces the resource\)\*\*/,
      'ENC-REST prod azure',
    ],
  ])('shows %s in its section and the control it breaks', (_what, changes, stack, title, line, control) => {
    const { diff, md } = diffOf(headWith(changes));
    expect(section(stackPart(md, stack), title)).toMatch(line);
    expect(md).toMatch(/⚠️ \*\*\d+ weakenings? flagged\*\*/);
    expect(section(md, `⚠️ Weakenings (${diff.weakenings!.length})`)).toContain(`- **${stack}** `);
    expect(diff.headFailing).toBe(true);
    expect(md).toContain('Head report: ❌ **failing**');
    const [id, env, cloud] = control!.split(' ');
    expect(diff.controls.filter((c) => c.rank === 0)).toContainEqual(
      expect.objectContaining({ control: id, environment: env, cloud, before: 'pass', after: 'fail' }),
    );
    expect(diff.controls.every((c) => c.environment === env && c.cloud === cloud)).toBe(true);
    expect(section(md, 'Control results that changed')).toContain(`| ${id} | ${env} | ${cloud} | ✅ pass | **❌ fail** |`);
    expect(md).toMatch(/❌ \*\*\d+ control results? now failing\*\*/);
  });

  it('flags replaced Azure storage accounts first and loudly, with what happens to their data', () => {
    const { md } = diffOf(headWith({ 'prod-azure-primary': noInfraEncryption }));
    const stateful = section(md, '⚠️ Stateful resources replaced or removed');
    expect(md.indexOf('### ⚠️ Stateful resources replaced or removed')).toBeLessThan(md.indexOf('### Control results that changed'));
    expect(stateful).toMatch(
      new RegExp(
        '⚠️ \\*\\*REPLACED\\*\\* `azurerm_storage_account\\.DataStorage_[0-9A-F]+` in \\*\\*prod-azure-primary\\*\\* .* by ' +
          '`infrastructure_encryption_enabled`: \\*\\*destroyed and re-created empty\\*\\* \\(force-new: ' +
          'infrastructure_encryption_enabled\\); `lifecycle\\.prevent_destroy` makes `terraform apply` refuse this plan',
      ),
    );
    expect(md).toMatch(/^⚠️ \*\*\d+ stateful resources replaced or removed\*\*/m);
  });

  it('flags a renamed RDS instance (a construct id change) as a removal with its data, before everything else', () => {
    const { diff, md } = diffOf(headWith({ 'prod-aws-primary': renameRds }));
    const stateful = section(md, '⚠️ Stateful resources replaced or removed');
    expect(stateful).toMatch(
      new RegExp(
        '⚠️ \\*\\*REMOVED\\*\\* `DatabaseF[0-9A-F]+` in \\*\\*prod-aws-primary\\*\\* \\(AWS::RDS::DBInstance\\), probably ' +
          'renamed to `PrimaryDb[0-9A-F]+` \\(construct id changed\\): \\*\\*deleted\\*\\* after a final snapshot ' +
          '\\(DeletionPolicy Snapshot\\)',
      ),
    );
    expect(stateful).toContain('deletion protection is on, so the deploy fails until it is turned off');
    expect(stateful).toContain(
      'the new address starts **empty**; fix: keep the construct id, or pin the old logical id with `overrideLogicalId`',
    );
    expect(md.startsWith('## 🔒 Security diff\n\nBase `base` → head working tree\n\n⚠️ **1 stateful resource replaced or removed**')).toBe(
      true,
    );
    // A rename keeps every control result: the diff, not the report, is what catches it.
    expect(diff.controls.filter((c) => c.rank <= 1)).toEqual([]);
  });

  it('flags a renamed PostgreSQL flexible server (a Terraform address change) as a destroy, noting prevent_destroy', () => {
    const { diff, md } = diffOf(headWith({ 'prod-azure-primary': renamePostgres }));
    const stateful = section(md, '⚠️ Stateful resources replaced or removed');
    expect(stateful).toMatch(
      new RegExp(
        '⚠️ \\*\\*REMOVED\\*\\* `azurerm_postgresql_flexible_server\\.Database_[0-9A-F]+` in \\*\\*prod-azure-primary\\*\\* ' +
          '.*probably renamed to `azurerm_postgresql_flexible_server\\.PrimaryDb_Database_[0-9A-F]+` \\(construct id changed\\): ' +
          '\\*\\*destroyed with its data\\*\\*; `lifecycle\\.prevent_destroy` makes `terraform apply` refuse this plan',
      ),
    );
    expect(stateful).toContain("move the state (cdktf `resource.moveFromId('<old address>')` writes a `moved` block)");
    const pg = diff.stacks.find((s) => s.stack === 'prod-azure-primary')!.resources;
    // The server's configurations and diagnostic settings refer to the new address: updated, and replaced by their force-new server_id.
    expect(pg.find((r) => r.type === 'azurerm_postgresql_flexible_server_configuration')).toMatchObject({ action: 'replace' });
  });

  it('treats a moved block as a move, not a destroy', () => {
    const moved = (t: any) => {
      const renamed = renamePostgres(t);
      const [name] = Object.keys(renamed.resource.azurerm_postgresql_flexible_server);
      renamed.moved = [
        { from: `azurerm_postgresql_flexible_server.${name.replace('PrimaryDb_', '')}`, to: `azurerm_postgresql_flexible_server.${name}` },
      ];
      return renamed;
    };
    const { diff, md } = diffOf(headWith({ 'prod-azure-primary': moved }));
    expect(md).not.toContain('### ⚠️ Stateful resources replaced or removed');
    const pg = diff.stacks
      .find((s) => s.stack === 'prod-azure-primary')!
      .resources.find((r) => r.type === 'azurerm_postgresql_flexible_server')!;
    expect(pg).toMatchObject({ action: 'update', consequence: expect.stringContaining('a `moved` block: no destroy') });
  });

  it('lists every changed control result, worst first, with the new findings', () => {
    const { diff, md } = diffOf(headWith({ 'prod-aws-primary': openSsh, 'staging-cloudflare': loosenCloudflareRate }));
    expect(diff.controls.map((c) => `${c.control} ${c.environment} ${c.cloud} ${c.before}->${c.after}`)).toEqual([
      'WAF-RATE-CRITICAL staging cloudflare pass->fail',
      'BASTION-SSH prod aws pass->fail',
    ]);
    expect(section(md, 'Control results that changed')).toMatch(
      /\| BASTION-SSH \| prod \| aws \| ✅ pass \| \*\*❌ fail\*\* \| prod-aws-primary\/BastionSecurityGroup[0-9A-F]+: .*0\.0\.0\.0\/0/,
    );
  });
});

describe('security diff of a new stack', () => {
  it('lists its resources by concern and folds its new control cells into one line per transition', () => {
    const baseSide = base.filter((s) => s.name !== 'staging-cloudflare');
    const baseEv = evaluate(baseSide, configFor);
    const diff = securityDiff({ stacks: baseSide, evaluation: baseEv }, { stacks: base, evaluation: baseEvaluation });
    const md = renderDiffMarkdown(diff, LABELS);
    expect(stackPart(md, 'staging-cloudflare')).toMatch(/^#### `staging-cloudflare` \(cloudflare\) — new stack, \d+ added/);
    expect(section(stackPart(md, 'staging-cloudflare'), 'WAF rules and rate limits')).toMatch(
      /- added `cloudflare_ruleset\.RateLimits_[0-9A-F]+` \(cloudflare_ruleset\)/,
    );
    expect(section(md, 'Control results that changed')).toMatch(
      /^- — \(no stack\) → ✅ pass on cloudflare \(\d+ cells; staging\): EDGE-TLS, WAF-MANAGED, /m,
    );
    expect(section(md, 'Control results that changed')).not.toContain('| EDGE-TLS |');
    expect(stackPart(md, 'staging-cloudflare')).not.toContain('provider:');
  });
});

describe('compareEvaluations', () => {
  it('ranks now failing before evidence lost before fixed, and names cells absent on one side', () => {
    const onlyAws = base.filter((s) => s.cloud === 'aws');
    const weakened = evaluate(
      headWith({ 'prod-aws-primary': openSsh }).filter((s) => s.cloud === 'aws'),
      configFor,
    );
    const changes = compareEvaluations(weakened, evaluate(onlyAws, configFor));
    expect(changes).toEqual([
      expect.objectContaining({
        control: 'BASTION-SSH',
        environment: 'prod',
        cloud: 'aws',
        before: 'fail',
        after: 'pass',
        rank: 4,
        newFindings: [],
      }),
    ]);
    const lost = compareEvaluations(
      baseEvaluation,
      evaluate(
        base.filter((s) => s.name !== 'staging-cloudflare'),
        configFor,
      ),
    );
    expect(lost.every((c) => c.environment === 'staging' && c.cloud === 'cloudflare' && c.after === 'absent')).toBe(true);
    expect(lost.find((c) => c.control === 'EDGE-TLS')).toMatchObject({ before: 'pass', after: 'absent', rank: 2 });
    // A passing cell that turns unchecked (its cross-stack check can no longer run) lost its evidence too.
    const unverified = compareEvaluations(
      baseEvaluation,
      evaluate(
        base.filter((s) => s.name !== 'prod-azure-primary'),
        configFor,
      ),
    );
    expect(unverified.find((c) => c.control === 'DR-REGION' && c.environment === 'prod' && c.cloud === 'azure')).toMatchObject({
      before: 'pass',
      after: 'unchecked',
      rank: 2,
    });
  });
});

describe('diffCloudFormation', () => {
  const template = (props: any, extra: any = {}) => ({ Resources: { Bucket: { Type: 'AWS::S3::Bucket', Properties: props, ...extra } } });

  it('reports a property that replaces the resource from the CloudFormation specification', () => {
    const d = diffCloudFormation('s', template({ BucketName: 'a' }), template({ BucketName: 'b' }));
    expect(d.resources).toEqual([
      expect.objectContaining({
        address: 'Bucket',
        action: 'replace',
        stateful: true,
        changes: [expect.objectContaining({ path: 'BucketName', replacement: 'always' })],
      }),
    ]);
    expect(d.resources[0].consequence).toMatch(
      /^\*\*replaced\*\*: a new, empty resource is created and \*\*the old one is deleted with its data\*\*/,
    );
  });

  it('says a removed resource with DeletionPolicy Retain is orphaned, not deleted', () => {
    const d = diffCloudFormation('s', template({}, { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' }), { Resources: {} });
    expect(d.resources[0]).toMatchObject({
      action: 'remove',
      stateful: true,
      consequence: expect.stringContaining('**orphaned, not deleted** (DeletionPolicy Retain)'),
    });
    expect(cloudFormationConsequence({ UpdateReplacePolicy: 'Retain' }, 'replace', false)).toContain('the old one is kept, orphaned');
  });

  it('flags DeletionPolicy Retain turned into Delete, and ignores construct-path-only metadata changes', () => {
    const before = template({}, { DeletionPolicy: 'Retain', Metadata: { 'aws:cdk:path': 'a/B' } });
    const after = template({}, { DeletionPolicy: 'Delete', Metadata: { 'aws:cdk:path': 'a/C' } });
    const d = diffCloudFormation('s', before, after);
    expect(d.resources[0].changes).toEqual([
      expect.objectContaining({ path: 'DeletionPolicy', category: 'logging', note: '⚠️ data no longer retained ("Retain" → "Delete")' }),
    ]);
  });

  it('lists policy acknowledgements added to an existing resource loudly, and removed ones', () => {
    const ack = (...ids: string[]) => ({
      Metadata: { cdk_nag: { rules_to_suppress: ids.map((id) => ({ id, reason: `because ${id}` })) } },
    });
    const d = diffCloudFormation('s', template({}, ack('R1')), template({}, ack('R2')));
    expect(d.notes).toEqual([
      {
        category: 'acknowledgements',
        resource: 'Bucket',
        text: 'acknowledges R2: because R2 — ⚠️ new acknowledgement of a policy finding',
        loud: true,
        rule: 'acknowledgement-added',
      },
      { category: 'acknowledgements', resource: 'Bucket', text: 'no longer acknowledges R1', loud: false },
    ]);
    expect(d.resources).toEqual([]);
  });

  it('writes the security group rules of one group, direction and port as one line', () => {
    const sg = (cidrs: string[]) => ({
      Resources: {
        Sg: {
          Type: 'AWS::EC2::SecurityGroup',
          Properties: {
            GroupDescription: 'x',
            SecurityGroupIngress: cidrs.map((CidrIp) => ({ CidrIp, IpProtocol: 'tcp', FromPort: 443, ToPort: 443 })),
          },
        },
      },
    });
    const d = diffCloudFormation('s', sg([]), sg(['10.0.0.0/8', '192.0.2.0/24', '0.0.0.0/0']));
    // The rules themselves are listed as written; the reach rule says what they add up to, once.
    expect(d.notes.map((n) => [n.text, n.loud, n.rule])).toEqual([
      [
        'HTTPS (TCP 443) from no address → the whole IPv4 Internet — new 10.0.0.0/8 (16,777,216 addresses); new 192.0.2.0/24 ' +
          '(256 addresses); new 0.0.0.0/0 (the whole IPv4 Internet)',
        true,
        'ingress-broadened',
      ],
      ['added ingress TCP 443 from 10.0.0.0/8, 192.0.2.0/24', false, undefined],
      ['added ingress TCP 443 from Everyone (IPv4) — open to the Internet', false, undefined],
    ]);
  });

  it('reports an unchanged template as unchanged', () => {
    expect(diffCloudFormation('s', template({ BucketName: 'a' }), template({ BucketName: 'a' }))).toMatchObject({
      change: 'unchanged',
      resources: [],
      notes: [],
      other: [],
    });
  });
});

describe('diffTerraform', () => {
  const tf = (resource: any, extra: any = {}) => ({ resource, ...extra });

  it('reports force-new, conditional and unknown replacements', () => {
    expect(terraformReplacement('azurerm_storage_account', 'infrastructure_encryption_enabled')).toBe('always');
    expect(terraformReplacement('azurerm_postgresql_flexible_server', 'customer_managed_key.key_vault_key_id')).toBe('always');
    expect(terraformReplacement('azurerm_storage_account', 'account_replication_type')).toBe('conditional');
    expect(terraformReplacement('azurerm_storage_account', 'min_tls_version')).toBe('never');
    expect(terraformReplacement('azurerm_storage_account', 'lifecycle.prevent_destroy')).toBe('never');
    expect(terraformReplacement('azurerm_made_up_thing', 'name')).toBe('unknown');
  });

  it('says when it does not know whether a change replaces a resource', () => {
    const d = diffTerraform('s', 'azure', tf({ azurerm_made_up_thing: { a: { x: 1 } } }), tf({ azurerm_made_up_thing: { a: { x: 2 } } }));
    expect(d.resources[0]).toMatchObject({ action: 'update', consequence: expect.stringContaining('replacement unknown') });
  });

  it('cascades a replacement to resources whose force-new attributes refer to it', () => {
    const before = tf({
      azurerm_key_vault: { kv: { name: 'a', location: 'x' } },
      azurerm_key_vault_key: { k: { name: 'k', key_vault_id: '${azurerm_key_vault.kv.id}' } },
    });
    const after = tf({
      azurerm_key_vault: { kv: { name: 'a', location: 'y' } },
      azurerm_key_vault_key: { k: { name: 'k', key_vault_id: '${azurerm_key_vault.kv.id}' } },
    });
    const d = diffTerraform('s', 'azure', before, after);
    expect(d.resources.map((r) => [r.address, r.action])).toEqual([
      ['azurerm_key_vault.kv', 'replace'],
      ['azurerm_key_vault_key.k', 'may-replace'],
    ]);
    expect(d.resources[1].consequence).toContain('its force-new key_vault_id refers to azurerm_key_vault.kv, which is replaced');
  });

  it('lists provider, backend and data source changes as other changes', () => {
    const d = diffTerraform(
      's',
      'azure',
      tf({}, { provider: { azurerm: [{ features: [{ key_vault: [{ purge_soft_delete_on_destroy: false }] }] }] } }),
      tf(
        {},
        {
          provider: { azurerm: [{ features: [{ key_vault: [{ purge_soft_delete_on_destroy: true }] }] }] },
          data: { azurerm_client_config: { c: {} } },
        },
      ),
    );
    expect(d.other).toEqual(['provider.azurerm[0].features[0].key_vault[0].purge_soft_delete_on_destroy: false → true', 'data: 1 added']);
  });
});

describe('diff model', () => {
  it('diffs lists by element name, by position, or as sets', () => {
    expect(
      deepChanges(
        {
          r: [
            { name: 'a', v: 1 },
            { name: 'b', v: 1 },
          ],
        },
        {
          r: [
            { name: 'b', v: 2 },
            { name: 'c', v: 1 },
          ],
        },
      ),
    ).toEqual([
      { path: 'r[a]', before: { name: 'a', v: 1 }, after: undefined },
      { path: 'r[b].v', before: 1, after: 2 },
      { path: 'r[c]', before: undefined, after: { name: 'c', v: 1 } },
    ]);
    expect(deepChanges({ r: [{ x: 1 }] }, { r: [{ x: 2 }] })).toEqual([{ path: 'r[0].x', before: 1, after: 2 }]);
    expect(deepChanges({ ips: ['10.0.0.0/8'] }, { ips: ['10.0.0.0/8', '0.0.0.0/0'] })).toEqual([{ path: 'ips[+]', after: '0.0.0.0/0' }]);
    expect(deepChanges({ a: 1, '//': 'x' }, { a: 1, '//': 'y' }, '', new Set(['//']))).toEqual([]);
  });

  it.each<[string, unknown, unknown, string | undefined]>([
    ['Limit', 100, 1000, '⚠️ looser rate limit (100 → 1000, ×10)'],
    ['rate_limit_threshold', 100, 50, 'tighter rate limit (100 → 50)'],
    ['RetentionInDays', 365, 7, '⚠️ shorter retention (365 → 7)'],
    ['StorageEncrypted', true, false, '⚠️ turned off'],
    ['public_network_access_enabled', false, true, '⚠️ turned on (exposes)'],
    ['source_address_prefix', '10.0.0.0/24', 'Internet', '⚠️ open to the Internet'],
    ['mode', 'Prevention', 'Detection', '⚠️ no longer blocks ("Detection")'],
    ['MinimumProtocolVersion', 'TLSv1.2_2021', 'TLSv1', '⚠️ weaker TLS ("TLSv1.2_2021" → "TLSv1")'],
    [
      'customer_managed_key',
      { key_vault_key_id: 'x' },
      undefined,
      '⚠️ removed: a provider-managed key (or none) is used instead of the customer-managed key',
    ],
    ['StorageEncrypted', undefined, undefined, undefined],
    ['description', 'a', 'b', undefined],
  ])('annotates %s %j → %j', (key, before, after, note) => {
    expect(annotate(key, before, after)).toBe(note);
  });

  it.each<[string, number | undefined]>([
    ['TLSv1.2_2021', 2],
    ['TLSv1', 0],
    ['TLSv1_2016', 0],
    ['TLS1_2', 2],
    ['1.0', 0],
    ['ELBSecurityPolicy-TLS13-1-2-2021-06', 2],
    ['ELBSecurityPolicy-2016-08', 0],
    ['strict', undefined],
  ])('reads the lowest TLS minor version of %s', (v, minor) => {
    expect(tlsMinor(v)).toBe(minor);
  });

  it('pairs renames by physical name, else by the only removal and addition of a type', () => {
    expect(
      pairRenames(
        [
          { address: 'a1', type: 'T', name: 'x' },
          { address: 'a2', type: 'T', name: 'y' },
          { address: 'u1', type: 'U' },
        ],
        [
          { address: 'b2', type: 'T', name: 'y' },
          { address: 'b3', type: 'T', name: 'z' },
          { address: 'v1', type: 'U' },
        ],
      ),
    ).toEqual([
      ['a1', 'b3'],
      ['a2', 'b2'],
      ['u1', 'v1'],
    ]);
  });
});

describe('Markdown', () => {
  it('fits a pull-request comment, cutting long lists with counts', () => {
    const resources: ResourceDiff[] = Array.from({ length: 2000 }, (_, i) => ({
      address: `Rule${String(i).padStart(4, '0')}`,
      type: 'AWS::EC2::SecurityGroup',
      action: 'update',
      stateful: false,
      changes: [
        {
          path: 'SecurityGroupIngress[+]',
          after: { CidrIp: '0.0.0.0/0', FromPort: i, Description: 'x'.repeat(300) },
          replacement: 'never',
          category: 'network',
          note: '⚠️ open to the Internet',
        },
        { path: 'Tags[team].Value', before: 'a', after: 'b', replacement: 'never' },
      ],
    }));
    const stacks: StackDiff[] = ['a', 'b', 'c'].map((e) => ({
      stack: `${e}-aws-primary`,
      cloud: 'aws',
      change: 'changed',
      resources,
      notes: [],
      other: [],
    }));
    const md = renderDiffMarkdown({ stacks, controls: [], headFailing: false, headFailingCells: 0, notes: [] }, LABELS);
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(md).toMatch(/- … and \d+ more changes/);
    expect(md).toContain('⚠️ **6000 weakenings flagged**');
    expect(md).toMatch(/### ⚠️ Weakenings \(6000\)\n\n(- \*\*a-aws-primary\*\* `Rule\d+`: .*\n){40}- … and 5960 more weakenings/);
  });
});

describe('force-new table (lib/evidence/diff-force-new.ts)', () => {
  it('was written for the providers the bindings were generated from', () => {
    // Regenerate with scripts/write-force-new.ts after upgrading @cdktf/provider-azurerm or -cloudflare.
    expect(FORCE_NEW_PROVIDER_VERSIONS).toEqual({
      azurerm: bindingProviderVersion('azurerm'),
      cloudflare: bindingProviderVersion('cloudflare'),
    });
  });

  it('covers every resource type the apps synthesize or import, and every stateful type', () => {
    const synthesized = [...new Set(base.filter((s) => s.cloud !== 'aws').flatMap((s) => Object.keys(s.template.resource ?? {})))];
    const missing = [...synthesized, ...importedResourceTypes(), ...STATEFUL_TERRAFORM_TYPES].filter((t) => !FORCE_NEW[t]);
    expect(missing).toEqual([]);
  });

  it('matches what the generator writes for the committed entries (a spot check of known force-new attributes)', () => {
    expect(FORCE_NEW.azurerm_storage_account.always).toEqual(
      expect.arrayContaining(['name', 'location', 'resource_group_name', 'infrastructure_encryption_enabled']),
    );
    expect(FORCE_NEW.azurerm_postgresql_flexible_server.always).toEqual(
      expect.arrayContaining(['customer_managed_key', 'geo_redundant_backup_enabled', 'delegated_subnet_id']),
    );
    expect(FORCE_NEW.cloudflare_ruleset.always).toEqual(expect.arrayContaining(['phase', 'zone_id']));
    const source = readFileSync(path.join(__dirname, '..', '..', 'lib', 'evidence', 'diff-force-new.ts'), 'utf8');
    expect(source.startsWith('// GENERATED by scripts/write-force-new.ts')).toBe(true);
  });

  it('reads azurerm argument docs: unconditional, conditional, nested blocks and notes', () => {
    const doc = [
      '## Arguments Reference',
      '',
      '* `name` - (Required) The name. Changing this forces a new resource to be created.',
      '* `tier` - (Required) The tier. Changing this forces a new resource to be created when moving from `A` to `B`.',
      '* `login` - (Optional) The login.',
      '',
      '-> **Note:** Once `login` is specified, changing this forces a new Server to be created.',
      '',
      '* `key` - (Optional) A `key` block as defined below.',
      '',
      '---',
      '',
      'A `key` block supports the following:',
      '',
      '* `id` - (Required) The key id. Changing this forces a new resource to be created.',
      '* `rotate` - (Optional) Rotate it.',
      '',
      '## Attributes Reference',
      '',
      '* `fqdn` - Changing this forces a new resource to be created.',
    ].join('\n');
    expect(parseAzurermDoc(doc)).toEqual({ always: ['key.id', 'name'], conditional: ['login', 'tier'] });
  });

  it('reads plugin-framework schemas: RequiresReplace, RequiresReplaceIf and nested attributes', () => {
    const go = `func ResourceSchema(ctx context.Context) schema.Schema {
  return schema.Schema{
    Attributes: map[string]schema.Attribute{
      "zone_id": schema.StringAttribute{
        Description: "Identifier {with braces}",
        PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
      },
      "kind": schema.StringAttribute{ PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplaceIfConfigured()} },
      "rules": schema.ListNestedAttribute{
        NestedObject: schema.NestedAttributeObject{
          Attributes: map[string]schema.Attribute{
            "ref": schema.StringAttribute{ PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()} },
            "expression": schema.StringAttribute{ Required: true },
          },
        },
      },
    },
  }
}`;
    expect(parseFrameworkSchema(go)).toEqual({ always: ['rules.ref', 'zone_id'], conditional: ['kind'] });
  });
});
