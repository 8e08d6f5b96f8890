// The security diff of one CloudFormation stack (base template -> head template). The resource
// and property diff, and which property changes replace a resource, come from
// @aws-cdk/cloudformation-diff (the engine of `cdk diff`, with the CloudFormation resource
// specification's replacement knowledge); IAM statement and security group rule changes come from
// its iamChanges / securityGroupChanges. This module adds what a security review needs on top:
// categories, loud weakenings, stateful resources and what happens to their data.
import { fullDiff, ResourceImpact, type ResourceDifference } from '@aws-cdk/cloudformation-diff';
import {
  byKey,
  categorize,
  classify,
  deepChanges,
  normalizePath,
  pairRenames,
  show,
  STATEFUL_CLOUDFORMATION_TYPES,
  type AttributeChange,
  type CategoryRule,
  type Replacement,
  type ResourceDiff,
  type SecurityNote,
  type StackDiff,
  WEAKENING_RULES,
} from './diff-model';
import { cloudFormationRuleHits } from './diff-rules-aws';
import { label } from './diff-rules';

const NOISE_TYPES = new Set(['AWS::CDK::Metadata']);

/** How CloudFormation changes are sorted into security concerns; the first match decides. */
export const CLOUDFORMATION_RULES: readonly CategoryRule[] = [
  { category: 'acknowledgements', path: /^Metadata\.(cdk_nag|guard|cfn_nag|checkov)/ },
  { category: 'logging', types: /^AWS::(WAFv2::LoggingConfiguration|EC2::FlowLog)$/ },
  { category: 'logging', path: /^(DeletionPolicy|UpdateReplacePolicy)$/ },
  {
    category: 'iam',
    types: /^AWS::(IAM|SSO|IdentityStore|S3::BucketPolicy|SNS::TopicPolicy|SQS::QueuePolicy|Lambda::Permission|KMS::Grant)::?/,
  },
  {
    category: 'iam',
    path: new RegExp(
      '(PolicyDocument|KeyPolicy|^Policies|ManagedPolicyArns|Principal|PermissionsBoundary|IAMDatabaseAuthentication|MasterUser|' +
        'RoleArn$|^Role$|InstanceProfile|SshKey|KeyName|AuthType|AuthorizationType|MfaConfiguration)',
    ),
  },
  { category: 'waf', types: /^AWS::(WAFv2|WAF|WAFRegional|Shield|FMS)::/ },
  { category: 'waf', path: /(WebACLId|WebAclArn|WebACLArn)/ },
  {
    category: 'tls',
    types: /^AWS::(CertificateManager::Certificate|ElasticLoadBalancingV2::ListenerCertificate|CloudFront::ResponseHeadersPolicy)$/,
  },
  {
    category: 'tls',
    path: new RegExp(
      '(SslPolicy|MinimumProtocolVersion|SslSupportMethod|ViewerProtocolPolicy|OriginProtocolPolicy|OriginSSLProtocols|Certifica' +
        'te|StrictTransportSecurity|TLS|Tls|rds\\.force_ssl|require_secure_transport|SecureTransport|^Protocol$|DefaultActions.*Red' +
        'irectConfig)',
    ),
  },
  {
    category: 'network',
    types: new RegExp(
      '^AWS::EC2::(SecurityGroup.*|NetworkAcl.*|SubnetNetworkAclAssociation|EIP.*|InternetGateway|EgressOnlyInternetGateway|VP' +
        'CGatewayAttachment|NatGateway|Route|VPCEndpoint.*|VPCPeeringConnection|TransitGateway.*)$',
    ),
  },
  { category: 'network', types: /^AWS::(ElasticLoadBalancingV2::Listener|Lambda::Url|CloudFront::OriginAccessControl)$/ },
  {
    category: 'network',
    path: new RegExp(
      '(SecurityGroupIngress|SecurityGroupEgress|CidrIp|Scheme|PubliclyAccessible|PublicAccessBlockConfiguration|AssociatePublic' +
        'IpAddress|MapPublicIpOnLaunch|PublicIp|SecurityGroups|VPCSecurityGroups|SecurityGroupIds|^Subnets|SubnetIds|VPCZoneIdentif' +
        'ier|DBSubnetGroupName|NetworkInterfaces|OriginAccessControl|OriginAccessIdentity|IpAddressType|^Port$)',
    ),
  },
  { category: 'encryption', types: /^AWS::KMS::/ },
  {
    category: 'encryption',
    path: /(Encrypt|Kms|KMS|SSE|KeyId|KeyArn|EnableKeyRotation|ServerSideEncryption|MasterKey|KeySpec|PendingWindow)/,
  },
  { category: 'logging', types: /^AWS::(Logs|CloudTrail|Backup|GuardDuty|SecurityHub|Inspector|InspectorV2|Config|CloudWatch::Alarm)::/ },
  {
    category: 'logging',
    path: new RegExp(
      '(Retention|Logging|LogGroup|LogDestination|LogFormat|Lifecycle|Versioning|Backup|Snapshot|DeletionProtection|CloudwatchLo' +
        'gsExports|access_logs|AccessLog|PointInTimeRecovery|ObjectLock|Replication|MonitoringInterval|PerformanceInsights)',
    ),
  },
];

/** Properties whose changes are summarised as IAM statements or security group rules instead of raw paths. */
const SUMMARISED = {
  iam: new Set(['PolicyDocument', 'AssumeRolePolicyDocument', 'KeyPolicy', 'Policies', 'ManagedPolicyArns']),
  network: new Set(['SecurityGroupIngress', 'SecurityGroupEgress']),
};

const WORLD = new Set(['0.0.0.0/0', '::/0']);

function replacementOf(impact: ResourceImpact | undefined): Replacement {
  if (impact === ResourceImpact.WILL_REPLACE) return 'always';
  if (impact === ResourceImpact.MAY_REPLACE) return 'conditional';
  return 'never';
}

/** The physical name a resource declares (`BucketName`, `DBInstanceIdentifier`, ...), for rename detection. */
function physicalName(resource: any): unknown {
  const props = resource?.Properties ?? {};
  const short =
    String(resource?.Type ?? '')
      .split('::')
      .pop() ?? '';
  return props[`${short}Name`] ?? props.DBInstanceIdentifier ?? props.DBClusterIdentifier ?? props.Name;
}

/**
 * One acknowledged finding: its reason, and the findings it is limited to (cdk-nag `applies_to`;
 * undefined: all of the rule's findings).
 */
interface Suppression {
  readonly reason: string;
  readonly appliesTo?: readonly string[];
}

/** The policy findings a resource acknowledges (cdk-nag `rules_to_suppress`, Guard `SuppressedRules`), by rule id. */
function suppressions(resource: any): Map<string, Suppression> {
  const out = new Map<string, Suppression>();
  for (const s of resource?.Metadata?.cdk_nag?.rules_to_suppress ?? []) {
    if (typeof s?.id !== 'string') continue;
    const appliesTo = Array.isArray(s.applies_to)
      ? s.applies_to.map((x: unknown) => (typeof x === 'string' ? x : JSON.stringify(x)))
      : undefined;
    out.set(s.id, { reason: String(s.reason ?? '(no reason given)'), ...(appliesTo ? { appliesTo } : {}) });
  }
  for (const id of resource?.Metadata?.guard?.SuppressedRules ?? [])
    if (typeof id === 'string') out.set(id, { reason: '(Guard suppression)' });
  return out;
}

function cdkPath(resource: any): string | undefined {
  const p = resource?.Metadata?.['aws:cdk:path'];
  return typeof p === 'string' ? p : undefined;
}

/**
 * What happens to the data of a stateful resource that is removed or replaced, from its
 * DeletionPolicy / UpdateReplacePolicy (CloudFormation's defaults: Delete; Snapshot-capable types
 * default to Snapshot only when set).
 */
export function cloudFormationConsequence(resource: any, action: 'remove' | 'replace' | 'may-replace', renamed: boolean): string {
  const policy: string = (action === 'remove' ? resource?.DeletionPolicy : resource?.UpdateReplacePolicy) ?? 'Delete';
  const parts: string[] = [];
  if (action === 'remove') {
    if (policy === 'Retain' || policy === 'RetainExceptOnCreate')
      parts.push(
        '**orphaned, not deleted** (DeletionPolicy Retain): the old resource and its data stay in the account, no longer ' +
          'managed by the stack',
      );
    else if (policy === 'Snapshot')
      parts.push('**deleted** after a final snapshot (DeletionPolicy Snapshot): the data survives only in that snapshot');
    else parts.push('**deleted with its data** (no DeletionPolicy Retain)');
    if (resource?.Properties?.DeletionProtection === true)
      parts.push('deletion protection is on, so the deploy fails until it is turned off');
    if (resource?.Type === 'AWS::S3::Bucket' && policy !== 'Retain' && policy !== 'RetainExceptOnCreate')
      parts.push('a non-empty bucket fails to delete');
    if (renamed) parts.push('the new address starts **empty**');
  } else {
    const verb = action === 'replace' ? 'replaced' : 'possibly replaced';
    if (policy === 'Retain' || policy === 'RetainExceptOnCreate')
      parts.push(`**${verb}**: a new, empty resource is created and the old one is kept, orphaned (UpdateReplacePolicy Retain)`);
    else if (policy === 'Snapshot')
      parts.push(`**${verb}**: a new, empty resource is created and the old one deleted after a snapshot (UpdateReplacePolicy Snapshot)`);
    else parts.push(`**${verb}**: a new, empty resource is created and **the old one is deleted with its data**`);
  }
  if (renamed) parts.push('fix: keep the construct id, or pin the old logical id with `overrideLogicalId`');
  return parts.join('; ');
}

function withRule(
  path: string,
  before: unknown,
  after: unknown,
  category: AttributeChange['category'],
): Pick<AttributeChange, 'note' | 'rule'> {
  const c = classify(path, before, after, category);
  return c ? { note: c.note, ...(c.rule ? { rule: c.rule } : {}) } : {};
}

function attributeChanges(diff: ResourceDifference, summarised: { iam: boolean; network: boolean }): AttributeChange[] {
  const type = diff.newResourceType ?? diff.oldResourceType ?? '';
  const resource = diff.newValue ?? diff.oldValue;
  const out: AttributeChange[] = [];
  for (const [name, pd] of Object.entries(diff.propertyUpdates).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const replacement = replacementOf(pd.changeImpact);
    const collapse =
      (summarised.iam && SUMMARISED.iam.has(name)) ||
      (summarised.network && SUMMARISED.network.has(name) && type === 'AWS::EC2::SecurityGroup');
    if (collapse) {
      const category = SUMMARISED.iam.has(name) ? 'iam' : 'network';
      out.push({ path: name, replacement, category, note: category === 'iam' ? 'statements listed below' : 'rules listed below' });
      continue;
    }
    for (const c of deepChanges(pd.oldValue, pd.newValue, name)) {
      const category = categorize(CLOUDFORMATION_RULES, type, resource, normalizePath(c.path));
      const rule = withRule(c.path, c.before, c.after, category);
      // A destination opened to the Internet on an egress rule is outbound, not inbound.
      const egress = rule.rule === 'ingress-broadened' && (type === 'AWS::EC2::SecurityGroupEgress' || name === 'SecurityGroupEgress');
      out.push({
        ...c,
        replacement,
        category,
        ...(egress ? { note: rule.note?.replace('inbound open', 'outbound open'), rule: 'egress-widened' as const } : rule),
      });
    }
  }
  for (const [name, d] of Object.entries(diff.otherChanges).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (name === 'DependsOn' || name === 'Type') continue;
    for (const c of deepChanges(d.oldValue, d.newValue, name)) {
      // Construct paths and asset ids are not security changes; suppressions are listed as acknowledgements.
      if (name === 'Metadata' && /^Metadata\.(aws:cdk:path|aws:asset:|cdk_nag|guard)/.test(c.path)) continue;
      const category = categorize(CLOUDFORMATION_RULES, type, resource, normalizePath(c.path));
      const unretained =
        (name === 'DeletionPolicy' || name === 'UpdateReplacePolicy') &&
        /^Retain/.test(String(c.before)) &&
        !/^Retain/.test(String(c.after));
      const note = unretained
        ? { note: `⚠️ data no longer retained (${show(c.before)} → ${show(c.after)})`, rule: 'deletion-guard-removed' as const }
        : withRule(c.path, c.before, c.after, category);
      out.push({ ...c, replacement: 'never', category, ...note });
    }
  }
  return out;
}

/**
 * The two templates with only the resources whose JSON differs: @aws-cdk/cloudformation-diff
 * deep-copies and walks every resource, and a stack of 150 unchanged resources cost it ~100 ms
 * per diff; an identical resource can only diff as unchanged. The weakening rules still read the
 * whole templates (security group rules, routes, NAT gateways).
 */
function changedOnly(before: any, after: any): [any, any] {
  const [rb, ra] = [before?.Resources ?? {}, after?.Resources ?? {}];
  const keep = (from: Record<string, unknown>, other: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(from).filter(([id, r]) => !(id in other) || JSON.stringify(r) !== JSON.stringify(other[id])));
  return [
    { ...before, Resources: keep(rb, ra) },
    { ...after, Resources: keep(ra, rb) },
  ];
}

/**
 * The diff of one CloudFormation stack. `before` or `after` is undefined when the stack exists on
 * one side only (every resource added, or removed).
 */
export function diffCloudFormation(stack: string, before: any | undefined, after: any | undefined): StackDiff {
  const empty = { Resources: {} };
  const [b, a] = changedOnly(before ?? empty, after ?? empty);
  const t = fullDiff(b, a);
  const summarised = {
    iam: t.iamChanges.statements.hasChanges || t.iamChanges.managedPolicies.hasChanges,
    network: t.securityGroupChanges.hasChanges,
  };

  type Draft = { address: string; type: string; action: ResourceDiff['action']; resource: any; changes: AttributeChange[]; after?: any };
  const drafts: Draft[] = [];
  for (const [id, diff] of Object.entries(t.resources.changes)) {
    if (!diff.isDifferent) continue;
    const type = diff.newResourceType ?? diff.oldResourceType ?? '';
    if (NOISE_TYPES.has(type)) continue;
    if (diff.isAddition) drafts.push({ address: id, type, action: 'add', resource: diff.newValue, changes: [] });
    else if (diff.isRemoval) drafts.push({ address: id, type, action: 'remove', resource: diff.oldValue, changes: [] });
    else {
      const impact = diff.resourceTypeChanged ? ResourceImpact.WILL_REPLACE : diff.changeImpact;
      const changes = attributeChanges(diff, summarised);
      if (changes.length === 0 && impact !== ResourceImpact.WILL_REPLACE) continue; // metadata-only noise (construct paths, asset ids)
      const action = impact === ResourceImpact.WILL_REPLACE ? 'replace' : impact === ResourceImpact.MAY_REPLACE ? 'may-replace' : 'update';
      drafts.push({ address: id, type, action, resource: diff.oldValue, changes, after: diff.newValue });
    }
  }

  const renames = pairRenames(
    drafts.filter((d) => d.action === 'remove').map((d) => ({ address: d.address, type: d.type, name: physicalName(d.resource) })),
    drafts.filter((d) => d.action === 'add').map((d) => ({ address: d.address, type: d.type, name: physicalName(d.resource) })),
  );
  const renamedTo = new Map(renames);
  const renamedFrom = new Map(renames.map(([r, a]) => [a, r]));

  // The weakening rules: per changed resource, plus security group reach and public subnets.
  const hits = cloudFormationRuleHits(
    drafts.map((d) => ({
      address: d.address,
      type: d.type,
      before: d.action === 'add' ? undefined : d.resource,
      after: d.action === 'add' ? d.resource : d.action === 'remove' ? undefined : d.after,
      renamed: renamedTo.has(d.address) || renamedFrom.has(d.address),
      stackExisted: before !== undefined,
    })),
    before,
    after,
    renamedFrom,
  );
  // A rule hit says the weakening once, in words; the raw lines it explains stay, without their own ⚠️.
  // A standalone security group rule is explained by the reach hits of its group.
  const groupOf = (d: Draft) =>
    /^AWS::EC2::SecurityGroup(Ingress|Egress)$/.test(d.type) ? label((d.after ?? d.resource)?.Properties?.GroupId) : undefined;
  for (const d of drafts) {
    const group = groupOf(d);
    const rules = new Set(
      [...(hits.get(d.address) ?? []), ...(group ? (hits.get(group) ?? []) : [])].flatMap((h) => [h.rule, ...(h.explains ?? [])]),
    );
    if (rules.size)
      d.changes = d.changes.map((c) => (c.rule && rules.has(c.rule) ? { ...c, note: c.note?.replace(/^⚠️\s*/, ''), rule: undefined } : c));
  }

  const resources: ResourceDiff[] = drafts
    .map((d): ResourceDiff => {
      const stateful = STATEFUL_CLOUDFORMATION_TYPES.includes(d.type);
      const lossy = d.action === 'remove' || d.action === 'replace' || d.action === 'may-replace';
      return {
        address: d.address,
        type: d.type,
        constructPath: cdkPath(d.resource),
        action: d.action,
        stateful,
        category: categorize(CLOUDFORMATION_RULES, d.type, d.resource),
        changes: d.changes,
        ...(stateful && lossy
          ? {
              consequence: cloudFormationConsequence(
                d.resource,
                d.action as 'remove' | 'replace' | 'may-replace',
                renamedTo.has(d.address),
              ),
            }
          : {}),
        ...(renamedTo.has(d.address) ? { renamedTo: renamedTo.get(d.address) } : {}),
        ...(renamedFrom.has(d.address) ? { renamedFrom: renamedFrom.get(d.address) } : {}),
      };
    })
    .sort(byKey((r) => r.address));

  const notes: SecurityNote[] = [...hits].flatMap(([resource, hs]) =>
    hs.map((h): SecurityNote => ({ category: WEAKENING_RULES[h.rule].category, resource, text: h.text, loud: true, rule: h.rule })),
  );
  // One line per group, direction, protocol and port: a list of 22 edge ranges reads as one change.
  const sg = t.securityGroupChanges;
  const grouped = new Map<string, { sign: string; dir: string; group: string; protocol: string; peers: string[] }>();
  for (const [dir, coll] of [
    ['ingress', sg.ingress],
    ['egress', sg.egress],
  ] as const) {
    for (const [sign, rules] of [
      ['+', coll.additions],
      ['-', coll.removals],
    ] as const) {
      for (const rule of rules) {
        const group = rule.groupId.replace(/^\$\{([^.}]+)\.GroupId\}$/, '$1');
        // World-open ingress gets its own line; the reach rule above counts it as the weakening.
        const world = rule.peer?.kind === 'cidr-ip' && WORLD.has(rule.peer.ip);
        if (sign === '+' && dir === 'ingress' && world) {
          notes.push({
            category: 'network',
            resource: group,
            text: `added ingress ${rule.describeProtocol()} from ${rule.describePeer()} — open to the Internet`,
            loud: false,
          });
          continue;
        }
        const key = `${sign}|${dir}|${group}|${rule.describeProtocol()}`;
        const entry = grouped.get(key) ?? { sign, dir, group, protocol: rule.describeProtocol(), peers: [] };
        entry.peers.push(rule.describePeer());
        grouped.set(key, entry);
      }
    }
  }
  for (const g of grouped.values()) {
    const peers =
      g.peers.length > 6
        ? `${g.peers.slice(0, 6).join(', ')} and ${g.peers.length - 6} more (${g.peers.length} peers)`
        : g.peers.join(', ');
    notes.push({
      category: 'network',
      resource: g.group,
      text: `${g.sign === '+' ? 'added' : 'removed'} ${g.dir} ${g.protocol} ${g.dir === 'ingress' ? 'from' : 'to'} ${peers}`,
      loud: false,
    });
  }
  for (const [address, diff] of Object.entries(t.resources.changes)) {
    if (!diff.isDifferent || diff.isRemoval) continue;
    const [was, now] = [suppressions(diff.oldValue), suppressions(diff.newValue)];
    for (const [id, { reason, appliesTo }] of now) {
      const old = was.get(id);
      const why = reason.length > 140 ? `${reason.slice(0, 139)}…` : reason;
      if (old) {
        // Widened: limited to some findings before, now to more of them (or to all).
        const added = appliesTo ? appliesTo.filter((x) => !(old.appliesTo ?? []).includes(x)) : [];
        if (old.appliesTo && (!appliesTo || added.length)) {
          notes.push({
            category: 'acknowledgements',
            resource: address,
            text:
              `acknowledges ${id} for ${appliesTo ? `${added.join(', ')} too` : 'every finding of the rule'} (was ` +
              `${old.appliesTo.join(', ')}): ${why} — ⚠️ acknowledgement widened`,
            loud: true,
            rule: 'acknowledgement-added',
          });
        }
        continue;
      }
      // A new resource's acknowledgements come with it; a new one on an existing resource silences a finding.
      const loud = !diff.isAddition;
      const wildcard = /\*/.test(id);
      notes.push({
        category: 'acknowledgements',
        resource: address,
        text:
          `acknowledges ${id}${appliesTo ? ` for ${appliesTo.join(', ')}` : ''}: ` +
          `${why}` +
          (loud ? ' — ⚠️ new acknowledgement of ' + (wildcard ? 'every policy finding matching a wildcard' : 'a policy finding') : ''),
        loud,
        ...(loud ? { rule: 'acknowledgement-added' as const } : {}),
      });
    }
    for (const id of was.keys())
      if (!now.has(id)) notes.push({ category: 'acknowledgements', resource: address, text: `no longer acknowledges ${id}`, loud: false });
  }
  const iam = t.iamChanges;
  for (const [sign, statements] of [
    ['+', iam.statements.additions],
    ['-', iam.statements.removals],
  ] as const) {
    for (const s of statements) {
      const r = s.render();
      const broad =
        sign === '+' && r.effect === 'Allow' && /(^|[\s,:])\*($|[\s,])|"\*"|:\*$/.test(`${r.action} ${r.resource} ${r.principal}`);
      notes.push({
        category: 'iam',
        resource: r.resource.replace(/\s+/g, ' '),
        text:
          `${sign === '+' ? 'added' : 'removed'} ${r.effect} ` +
          `${r.action.replace(/\s+/g, ' ')}${r.principal ? ` for ${r.principal.replace(/\s+/g, ' ')}` : ''}` +
          `${r.condition ? ` when ${r.condition.replace(/\s+/g, ' ')}` : ''}${broad ? ' — ⚠️ wildcard' : ''}`,
        loud: broad,
        ...(broad ? { rule: 'iam-wildcard' as const } : {}),
      });
    }
  }
  for (const [sign, policies] of [
    ['+', iam.managedPolicies.additions],
    ['-', iam.managedPolicies.removals],
  ] as const) {
    for (const p of policies) {
      const admin = sign === '+' && /(AdministratorAccess|PowerUserAccess|IAMFullAccess|FullAccess)/.test(p.managedPolicyArn);
      notes.push({
        category: 'iam',
        resource: p.identityArn,
        text: `${sign === '+' ? 'attached' : 'detached'} managed policy ${p.managedPolicyArn}${admin ? ' — ⚠️ broad managed policy' : ''}`,
        loud: admin,
        ...(admin ? { rule: 'iam-wildcard' as const } : {}),
      });
    }
  }

  const other: string[] = [];
  const count = (name: string, coll: { changes: Record<string, { isAddition: boolean; isRemoval: boolean; isDifferent: boolean }> }) => {
    const diffs = Object.values(coll.changes).filter((d) => d.isDifferent);
    if (diffs.length === 0) return;
    const added = diffs.filter((d) => d.isAddition).length;
    const removed = diffs.filter((d) => d.isRemoval).length;
    other.push(
      `${name}: ` +
        [
          added && `${added} added`,
          removed && `${removed} removed`,
          diffs.length - added - removed && `${diffs.length - added - removed} changed`,
        ]
          .filter(Boolean)
          .join(', '),
    );
  };
  count('Outputs', t.outputs);
  count('Parameters', t.parameters);
  count('Conditions', t.conditions);
  count('Mappings', t.mappings);

  const change =
    before === undefined
      ? 'added'
      : after === undefined
        ? 'removed'
        : resources.length + notes.length + other.length === 0
          ? 'unchanged'
          : 'changed';
  return {
    stack,
    cloud: 'aws',
    change,
    resources,
    notes: notes.sort(byKey((n) => `${n.category}|${n.loud ? 0 : 1}|${n.resource}|${n.text}`)),
    other,
  };
}
