// The shared vocabulary of the security diff: what changed in a stack (resources added, removed,
// replaced, updated; the attribute paths that changed), which security concern a change touches,
// and the heuristics that make a weakening loud. lib/evidence/diff-cloudformation.ts and
// lib/evidence/diff-terraform.ts produce these; lib/evidence/diff-report.ts renders them.
import type { Cloud } from '../controls/types';

/** The security concerns a change is sorted under, in report order. */
export type Category = 'network' | 'iam' | 'waf' | 'tls' | 'encryption' | 'logging' | 'acknowledgements';

/** Section titles, in report order. */
export const CATEGORY_TITLES: Readonly<Record<Category, string>> = {
  network: 'Network exposure',
  iam: 'IAM and RBAC',
  waf: 'WAF rules and rate limits',
  tls: 'TLS',
  encryption: 'Encryption',
  logging: 'Logging, retention and backup',
  acknowledgements: 'Policy acknowledgements',
};

/** The categories in report order. */
export const CATEGORIES = Object.keys(CATEGORY_TITLES) as Category[];

/**
 * The weakening rules: each names a change a reviewer must see, whatever the cloud. Every loud
 * line of the diff (⚠️) carries one of these ids; the tests' weakening corpus asserts each fires
 * on the real synthesized output (test/evidence/diff-weakenings.test.ts).
 */
export const WEAKENING_RULES = {
  'ingress-broadened': { title: 'inbound sources broadened', category: 'network' },
  'port-range-widened': { title: 'port range widened', category: 'network' },
  'egress-widened': { title: 'outbound destinations widened', category: 'network' },
  'public-exposure': { title: 'made public', category: 'network' },
  'origin-lock-removed': { title: 'origin lock removed', category: 'network' },
  'exposure-on': { title: 'exposing setting turned on', category: 'network' },
  'iam-wildcard': { title: 'broader permissions', category: 'iam' },
  'waf-rule-removed': { title: 'WAF rule removed', category: 'waf' },
  'waf-not-blocking': { title: 'WAF no longer blocks', category: 'waf' },
  'waf-managed-group-dropped': { title: 'managed rule group dropped', category: 'waf' },
  'rate-limit-loosened': { title: 'rate limit loosened', category: 'waf' },
  'rate-limit-key-coarser': { title: 'rate limit key coarser or client-chosen', category: 'waf' },
  'tls-weakened': { title: 'TLS weakened', category: 'tls' },
  'hsts-weakened': { title: 'HSTS weakened', category: 'tls' },
  'client-cert-removed': { title: 'client-certificate verification removed', category: 'tls' },
  'encryption-removed': { title: 'encryption removed', category: 'encryption' },
  'encryption-provider-key': { title: 'customer-managed key replaced by a provider key', category: 'encryption' },
  'protection-off': { title: 'protective setting turned off', category: 'encryption' },
  'logging-off': { title: 'logging switched off', category: 'logging' },
  'retention-shortened': { title: 'log retention shortened', category: 'logging' },
  'immutability-removed': { title: 'immutability removed', category: 'logging' },
  'backup-weakened': { title: 'backup weakened', category: 'logging' },
  'deletion-guard-removed': { title: 'deletion guard removed', category: 'logging' },
  'acknowledgement-added': { title: 'policy finding acknowledged', category: 'acknowledgements' },
} as const satisfies Record<string, { title: string; category: Category }>;

/** The id of a weakening rule. */
export type WeakeningRule = keyof typeof WEAKENING_RULES;

/** One weakening found by a rule on one resource: before → after and what it means. */
export interface RuleHit {
  readonly rule: WeakeningRule;
  /** `what: before → after — meaning`, without the ⚠️. */
  readonly text: string;
  /** Rules of the raw attribute notes this hit explains (their ⚠️ is dropped so the weakening counts once). */
  readonly explains?: readonly WeakeningRule[];
}

/**
 * Whether a change replaces the resource: `always` (CloudFormation WILL_REPLACE, a Terraform
 * force-new attribute), `conditional` (MAY_REPLACE; force-new in some cases only), `never`, or
 * `unknown` (no knowledge of this resource type).
 */
export type Replacement = 'always' | 'conditional' | 'never' | 'unknown';

/** One changed value inside a resource. */
export interface AttributeChange {
  /** Readable path: `a.b[key].c`; list elements by their name where they have one, `[+]`/`[-]` for added/removed set members. */
  readonly path: string;
  /** The old value (undefined: absent). */
  readonly before?: unknown;
  /** The new value (undefined: absent). */
  readonly after?: unknown;
  readonly replacement: Replacement;
  /** The security concern, or undefined for other changes. */
  readonly category?: Category;
  /** What the change means when it is recognisably a weakening or strengthening; starts with ⚠️ when loud. */
  readonly note?: string;
  /** The weakening rule behind a loud note. */
  readonly rule?: WeakeningRule;
}

/** What happens to a resource. */
export type ResourceAction = 'add' | 'remove' | 'replace' | 'may-replace' | 'update';

/** One resource that changed. */
export interface ResourceDiff {
  /** CloudFormation logical id, or Terraform address `<type>.<name>`. */
  readonly address: string;
  readonly type: string;
  /** The construct path (`aws:cdk:path` / cdktf metadata path), when the output records it. */
  readonly constructPath?: string;
  readonly action: ResourceAction;
  /** True for resources that hold data (STATEFUL_CLOUDFORMATION_TYPES, STATEFUL_TERRAFORM_TYPES). */
  readonly stateful: boolean;
  /** The security concern of the resource as a whole (for additions and removals). */
  readonly category?: Category;
  /** Changed values (updates and replacements); for an addition or removal, empty. */
  readonly changes: readonly AttributeChange[];
  /** What happens to the resource's data on removal or replacement, and how to avoid it. */
  readonly consequence?: string;
  /** The address it was probably renamed from (an added resource) or to (a removed one). */
  readonly renamedFrom?: string;
  readonly renamedTo?: string;
}

/** A change the report lists under a category that is not one attribute (an IAM statement, a security group rule). */
export interface SecurityNote {
  readonly category: Category;
  readonly resource: string;
  readonly text: string;
  readonly loud: boolean;
  /** The weakening rule of a loud note. A note with a rule and no ⚠️ in its text is a rule hit (`what: before → after — meaning`). */
  readonly rule?: WeakeningRule;
}

/** The diff of one stack between the base and the head. */
export interface StackDiff {
  readonly stack: string;
  readonly cloud: Cloud;
  /** `added`/`removed`: the stack exists on one side only. */
  readonly change: 'added' | 'removed' | 'changed' | 'unchanged';
  /** Changed resources, by address. */
  readonly resources: readonly ResourceDiff[];
  /** Category lines that are not attribute changes. */
  readonly notes: readonly SecurityNote[];
  /** Changes outside resources (outputs, parameters, provider and backend settings), one line each. */
  readonly other: readonly string[];
}

/** CloudFormation types whose replacement or removal loses data (or keys to data). */
export const STATEFUL_CLOUDFORMATION_TYPES: readonly string[] = [
  'AWS::Backup::BackupVault',
  'AWS::Cognito::UserPool',
  'AWS::DocDB::DBCluster',
  'AWS::DynamoDB::GlobalTable',
  'AWS::DynamoDB::Table',
  'AWS::EC2::Volume',
  'AWS::ECR::Repository',
  'AWS::EFS::FileSystem',
  'AWS::ElastiCache::CacheCluster',
  'AWS::ElastiCache::ReplicationGroup',
  'AWS::Elasticsearch::Domain',
  'AWS::FSx::FileSystem',
  'AWS::KMS::Key',
  'AWS::Kinesis::Stream',
  'AWS::Logs::LogGroup',
  'AWS::Neptune::DBCluster',
  'AWS::OpenSearchService::Domain',
  'AWS::RDS::DBCluster',
  'AWS::RDS::DBInstance',
  'AWS::Redshift::Cluster',
  'AWS::S3::Bucket',
  'AWS::SQS::Queue',
  'AWS::SecretsManager::Secret',
];

/** Terraform types whose replacement or removal loses data (or keys to data). */
export const STATEFUL_TERRAFORM_TYPES: readonly string[] = [
  'azurerm_backup_protected_vm',
  'azurerm_cosmosdb_account',
  'azurerm_data_protection_backup_vault',
  'azurerm_disk_encryption_set',
  'azurerm_key_vault',
  'azurerm_key_vault_key',
  'azurerm_key_vault_secret',
  'azurerm_log_analytics_workspace',
  'azurerm_managed_disk',
  'azurerm_mssql_database',
  'azurerm_mssql_server',
  'azurerm_postgresql_flexible_server',
  'azurerm_postgresql_flexible_server_database',
  'azurerm_recovery_services_vault',
  'azurerm_redis_cache',
  'azurerm_storage_account',
  'azurerm_storage_container',
  'azurerm_storage_share',
  'cloudflare_d1_database',
  'cloudflare_r2_bucket',
  'cloudflare_workers_kv_namespace',
  'cloudflare_zone',
];

/** A categorisation rule: the first rule whose type and path patterns match decides. */
export interface CategoryRule {
  readonly category: Category;
  /** Resource types it covers; omitted: any type. */
  readonly types?: RegExp;
  /** Normalized attribute paths it covers (`a.b.c`); omitted: the whole resource (also its additions and removals). */
  readonly path?: RegExp;
  /** Extra condition on the resource's configuration (e.g. a Cloudflare zone setting's id). */
  readonly when?: (resource: any) => boolean;
}

/** The category of a resource as a whole (path undefined) or of one attribute path. */
export function categorize(rules: readonly CategoryRule[], type: string, resource: any, path?: string): Category | undefined {
  for (const rule of rules) {
    if (rule.types && !rule.types.test(type)) continue;
    if (rule.when && !rule.when(resource)) continue;
    if (path === undefined ? rule.path !== undefined : rule.path !== undefined && !rule.path.test(path)) continue;
    return rule.category;
  }
  return undefined;
}

/** A path without list keys and indices: `security_rule[ssh].source` -> `security_rule.source`. */
export function normalizePath(path: string): string {
  return path.replace(/\[[^\]]*\]/g, '');
}

const KEY_FIELDS = ['name', 'Name', 'Key', 'Sid', 'setting_id', 'ref', 'RuleName', 'Id', 'id', 'description'];

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Deep equality of JSON values. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && jsonEqual(a[k], b[k]));
  }
  return false;
}

/** The field that names every element of both lists uniquely, if any. */
function keyField(a: unknown[], b: unknown[]): string | undefined {
  const all = [...a, ...b];
  if (all.length === 0 || !all.every(isObject)) return undefined;
  return KEY_FIELDS.find((k) => {
    const unique = (xs: unknown[]) => {
      const names = xs.map((x) => (x as Record<string, unknown>)[k]);
      return names.every((n) => typeof n === 'string' || typeof n === 'number') && new Set(names).size === names.length;
    };
    return unique(a) && unique(b);
  });
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/**
 * Every leaf that differs between two JSON values, with readable paths: objects by key; lists
 * whose elements all carry a unique name (`name`, `Name`, `Key`, `Sid`, ...) by that name; other
 * lists of equal length by position; the rest as a set (`[-]` removed, `[+]` added members).
 * `ignore` skips keys (e.g. Terraform's `//` metadata).
 */
export function deepChanges(
  before: unknown,
  after: unknown,
  path = '',
  ignore: ReadonlySet<string> = new Set(),
): { path: string; before?: unknown; after?: unknown }[] {
  if (jsonEqual(before, after)) return [];
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => !ignore.has(k)).sort();
    return keys.flatMap((k) => deepChanges(before[k], after[k], join(path, k), ignore));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const key = keyField(before, after);
    if (key) {
      const byKey = (xs: unknown[]) => new Map(xs.map((x) => [String((x as Record<string, unknown>)[key]), x]));
      const [b, a] = [byKey(before), byKey(after)];
      const names = [...new Set([...b.keys(), ...a.keys()])].sort();
      return names.flatMap((n) =>
        b.has(n) && a.has(n)
          ? deepChanges(b.get(n), a.get(n), `${path}[${n}]`, ignore)
          : [{ path: `${path}[${n}]`, before: b.get(n), after: a.get(n) }],
      );
    }
    if (before.length === after.length && before.every((x) => isObject(x) || Array.isArray(x))) {
      return before.flatMap((x, i) => deepChanges(x, after[i], `${path}[${i}]`, ignore));
    }
    const removed = before.filter((x) => !after.some((y) => jsonEqual(x, y)));
    const added = after.filter((y) => !before.some((x) => jsonEqual(x, y)));
    return [...removed.map((x) => ({ path: `${path}[-]`, before: x })), ...added.map((y) => ({ path: `${path}[+]`, after: y }))];
  }
  return [{ path, before, after }];
}

/** A value for a Markdown line: compact JSON, at most `max` characters. */
export function show(value: unknown, max = 80): string {
  if (value === undefined) return '(none)';
  const text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * A value for a Markdown line, with network rules written the way people read them
 * (`Allow Inbound Tcp from * to port 22, priority 105`); else as show().
 */
export function brief(value: unknown, max = 80): string {
  if (isObject(value)) {
    const v = value as Record<string, any>;
    if ('access' in v && 'direction' in v) {
      const src = v.source_address_prefix ?? (v.source_address_prefixes ?? []).join(',') ?? '?';
      const port = v.destination_port_range ?? (v.destination_port_ranges ?? []).join(',');
      return (
        `${v.access} ${v.direction} ${v.protocol ?? ''} from ${src} to port ` +
        `${port}${v.priority !== undefined ? `, priority ${v.priority}` : ''}${v.name ? ` (${v.name})` : ''}`
      );
    }
    if ('IpProtocol' in v && ('CidrIp' in v || 'CidrIpv6' in v || 'SourceSecurityGroupId' in v || 'DestinationSecurityGroupId' in v)) {
      const peer = v.CidrIp ?? v.CidrIpv6 ?? show(v.SourceSecurityGroupId ?? v.DestinationSecurityGroupId, 40);
      return (
        `${v.IpProtocol} ${v.FromPort ?? ''}` +
        (v.ToPort !== undefined && v.ToPort !== v.FromPort ? `-${v.ToPort}` : '') +
        ` ${peer}`
      ).replace(/\s+/g, ' ');
    }
  }
  return show(value, max);
}

const WORLD = new Set(['0.0.0.0/0', '::/0', '*', 'internet', 'any', '0.0.0.0', '0.0.0.0/0,::/0']);
const WORLD_KEYS =
  /^(cidrip|cidripv6|source_address_prefix|source_address_prefixes|ip_rules|allowed_ips|ip_range_filter|address_prefix|start_ip_address)$/i;
/** Boolean settings that protect when true (turning them off weakens), with the rule that names it; the first match decides. */
const PROTECTIVE: readonly [RegExp, WeakeningRule][] = [
  [/(encrypt)/i, 'encryption-removed'],
  [/(deletionprotection|protection|purge)/i, 'deletion-guard-removed'],
  [/(logging|islogging)/i, 'logging-off'],
  [/(versioning|pointintimerecovery|geo_redundant_backup|continuousbackup|soft_delete_enabled|cross_region_restore)/i, 'backup-weakened'],
  [/(blockpublic|restrictpublic|ignorepublic)/i, 'public-exposure'],
  [/(logfilevalidation)/i, 'immutability-removed'],
  [/(https|secure)/i, 'tls-weakened'],
  [/(rotation|require|enforce|enabled_for_disk|multiaz|auth_enabled$|check$|integrity)/i, 'protection-off'],
];
/** Boolean settings that expose when true (turning them on weakens). */
const EXPOSING = new RegExp(
  '(public|password_auth|shared_access_key|local_user|cross_tenant|anonymous|mappubliciponlaunch|associatepublicip|sftp|nfsv3|' +
    'insecure|allow_.*_access)',
  'i',
);
/** Paths under which a shorter retention is a backup (or recovery) weakening rather than a log retention one. */
const BACKUP_PATH = new RegExp(
  '(backup|snapshot|restore|pointintime|point_in_time|deleteafter|delete_retention|retention_daily|retention_weekly|retention_' +
    'monthly|retention_yearly|soft_delete)',
  'i',
);

function lastKey(path: string): string {
  const segments = normalizePath(path).split('.');
  return segments[segments.length - 1] ?? '';
}

/** The TLS 1.x minor version a policy name or setting admits at least (`TLSv1.2_2021` 2, `TLSv1` 0, `TLS1_2` 2, `1.0` 0). */
export function tlsMinor(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  if (/^ELBSecurityPolicy-/.test(v)) {
    const elb = /-1-([0-3])-/.exec(v);
    return elb ? Number(elb[1]) : 0;
  }
  const m = /1[._]([0-3])(?!\d)/.exec(v);
  if (m) return Number(m[1]);
  return /TLSv?1(?![.\d])/i.test(v) ? 0 : undefined;
}

function opensToWorld(element: unknown): string | undefined {
  if (!isObject(element)) return undefined;
  const e = element as Record<string, any>;
  // CloudFormation security group rule.
  if (typeof e.CidrIp === 'string' || typeof e.CidrIpv6 === 'string') {
    if (!WORLD.has(String(e.CidrIp ?? e.CidrIpv6).toLowerCase())) return undefined;
    const ports =
      e.FromPort === undefined ? 'all ports' : e.FromPort === e.ToPort ? `port ${e.FromPort}` : `ports ${e.FromPort}-${e.ToPort}`;
    return `${String(e.IpProtocol ?? '')} ${ports}`.trim();
  }
  // Azure NSG rule.
  if ('source_address_prefix' in e || 'source_address_prefixes' in e) {
    const sources = [e.source_address_prefix, ...(e.source_address_prefixes ?? [])]
      .filter((s) => typeof s === 'string')
      .map((s: string) => s.toLowerCase());
    if (String(e.access).toLowerCase() !== 'allow' || String(e.direction).toLowerCase() !== 'inbound' || !sources.some((s) => WORLD.has(s)))
      return undefined;
    const ports = e.destination_port_range ?? (e.destination_port_ranges ?? []).join(',');
    return `${String(e.protocol ?? '')} port ${ports}`.trim();
  }
  return undefined;
}

/** What a change means, and the weakening rule when it is loud. */
export interface Classified {
  readonly note: string;
  readonly rule?: WeakeningRule;
}

/**
 * What a change means when it is recognisably a weakening (loud, starting with ⚠️, with the rule
 * that names it) or a strengthening: a rate limit raised, a retention shortened, a protective
 * flag turned off, an exposing flag turned on, encryption settings removed, a WAF rule that stops
 * blocking, a lower TLS version, a rule opened to the whole Internet. `category` is the change's
 * security concern (a removed element of a WAF rule list is a removed WAF rule; of another list,
 * not necessarily anything).
 */
export function classify(path: string, before: unknown, after: unknown, category?: Category): Classified | undefined {
  const key = lastKey(path);
  const k = key.toLowerCase();
  const p = normalizePath(path);
  const loud = (note: string, rule: WeakeningRule): Classified => ({ note: `⚠️ ${note}`, rule });
  const quiet = (note: string): Classified => ({ note });
  const world = opensToWorld(after);
  if (world && !opensToWorld(before)) return loud(`inbound open to the Internet (${world})`, 'ingress-broadened');
  if (WORLD_KEYS.test(key) && typeof after === 'string' && WORLD.has(after.toLowerCase()))
    return loud('open to the Internet', 'ingress-broadened');
  if (Array.isArray(after) && WORLD_KEYS.test(key) && after.some((x) => typeof x === 'string' && WORLD.has(x.toLowerCase())))
    return loud('open to the Internet', 'ingress-broadened');
  const isWorld = (v: unknown) =>
    (typeof v === 'string' && WORLD.has(v.toLowerCase())) ||
    (Array.isArray(v) && v.some((x) => typeof x === 'string' && WORLD.has(x.toLowerCase())));
  if (WORLD_KEYS.test(key) && isWorld(before) && !isWorld(after)) return quiet('no longer open to the Internet');
  if (path.endsWith('[+]') && typeof after === 'string' && WORLD.has(after.toLowerCase()) && /(cidr|prefix|ip|address|range)/i.test(p))
    return loud('open to the Internet', 'ingress-broadened');
  if (typeof before === 'number' && typeof after === 'number' && before !== after) {
    if (k === 'score_threshold')
      return after > before
        ? loud(`blocks fewer requests (anomaly threshold ${before} → ${after})`, 'waf-not-blocking')
        : quiet(`blocks more requests (anomaly threshold ${before} → ${after})`);
    if (/(^limit$|rate_limit_threshold|requests_per_period|^threshold$)/.test(k)) {
      return after > before
        ? loud(`looser rate limit (${before} → ${after}, ×${Math.round((after / before) * 10) / 10})`, 'rate-limit-loosened')
        : quiet(`tighter rate limit (${before} → ${after})`);
    }
    if (/pendingwindow/.test(k))
      return after < before
        ? loud(`shorter waiting period before a key is deleted (${before} → ${after} days)`, 'deletion-guard-removed')
        : quiet(`longer key deletion waiting period (${before} → ${after})`);
    if (
      (/(retention|days|period$|retentionindays|expiration)/.test(k) && !/(period_in_seconds|^period$|requests_per_period)/.test(k)) ||
      (/retention/i.test(p) && /^(count|days|years|weeks|months)$/.test(k))
    ) {
      return after < before
        ? loud(`shorter retention (${before} → ${after})`, BACKUP_PATH.test(p) ? 'backup-weakened' : 'retention-shortened')
        : quiet(`longer retention (${before} → ${after})`);
    }
  }
  if (typeof before === 'boolean' || typeof after === 'boolean') {
    if (EXPOSING.test(key) && after === true && before !== true)
      return loud('turned on (exposes)', /(public)/i.test(key) ? 'public-exposure' : 'exposure-on');
    if (EXPOSING.test(key) && before === true && after !== true) return quiet('turned off');
    if (/^disable/i.test(key) && before === true && after !== true) return loud('turned off (exposes)', 'exposure-on');
    const protective = PROTECTIVE.find(([re]) => re.test(key));
    if (protective && before === true && after !== true) return loud('turned off', protective[1]);
    if (protective && after === true && before !== true) return quiet('turned on');
  }
  // A setting removed (not a list member, not the inside of an intrinsic function: those are values, not settings).
  const removed = before !== undefined && after === undefined && !path.endsWith('[-]') && !/Fn::|Ref$/.test(path);
  if (
    removed &&
    /(customer_managed_key|key_vault_key|disk_encryption_set_id|kmskeyid|kmsmasterkeyid|keyid$|keyarn$|encryptionkeyarn)/i.test(p)
  )
    return loud('removed: a provider-managed key (or none) is used instead of the customer-managed key', 'encryption-provider-key');
  if (removed && /(encrypt|kms|sse)/i.test(p)) return loud('removed', 'encryption-removed');
  if (removed) {
    if (/(prevent_destroy|deletionprotection|deletionpolicy)/i.test(p) || p === 'lifecycle')
      return loud('removed', 'deletion-guard-removed');
    if (/(logging)/i.test(p)) return loud('removed', 'logging-off');
    if (/(backup|restore_policy)/i.test(p)) return loud('removed', 'backup-weakened');
    if (/(retention)/i.test(p)) return loud('removed', BACKUP_PATH.test(p) ? 'backup-weakened' : 'retention-shortened');
  }
  if (k === 'mode' && before === 'Prevention' && after !== 'Prevention')
    return loud(`no longer blocks (${show(after)})`, 'waf-not-blocking');
  if (/action$/.test(k) && typeof before === 'string' && /^block$/i.test(before) && !/^block$/i.test(String(after)))
    return loud(`no longer blocks (${show(after)})`, 'waf-not-blocking');
  if (/\.Action\.Block$/.test(p) && after === undefined) return loud('no longer blocks', 'waf-not-blocking');
  if (/\.OverrideAction\.Count$/.test(p) && before === undefined) return loud('managed rules only count', 'waf-not-blocking');
  if (k === 'enabled' && before === true && after === false && /(rules|custom_rules|managed_rule)/i.test(path))
    return loud('rule disabled', 'waf-not-blocking');
  if (/(minimumprotocolversion|min_tls_version|minimum_tls_version|sslpolicy|min_protocol|ssl_min_protocol_version|value)$/.test(k)) {
    const [b, a] = [tlsMinor(before), tlsMinor(after)];
    if (b !== undefined && a !== undefined && a < b) return loud(`weaker TLS (${show(before)} → ${show(after)})`, 'tls-weakened');
  }
  if (after === undefined && isObject(before) && category === 'waf' && /^(rules|custom_rules|Rules)\[/.test(path) && path.endsWith(']'))
    return loud('rule removed', 'waf-rule-removed');
  return undefined;
}

/** What a change means (see {@link classify}); the note only. */
export function annotate(path: string, before: unknown, after: unknown, category?: Category): string | undefined {
  return classify(path, before, after, category)?.note;
}

/** A note is loud when it flags a weakening. */
export function isLoud(note: string | undefined): boolean {
  return note?.startsWith('⚠️') === true;
}

/** One weakening of one stack, whatever produced it (a rule hit, a raw attribute note, an IAM or acknowledgement note). */
export interface Weakening {
  readonly stack: string;
  readonly cloud: Cloud;
  /** Logical id, Terraform address, or (IAM statements) the resource the statement names. */
  readonly resource: string;
  readonly rule: WeakeningRule;
  /** `what: before → after — meaning`, without the ⚠️. */
  readonly text: string;
}

/**
 * Every weakening of a stack diff, each once: rule hits and other loud notes, then loud attribute
 * changes (those a rule hit explains have lost their ⚠️ already). The headline counts these and
 * `npm run diff -- --fail-on weakening` gates on them.
 */
export function weakeningsOf(d: StackDiff): Weakening[] {
  const out: Weakening[] = [];
  for (const n of d.notes) {
    if (!n.loud) continue;
    out.push({
      stack: d.stack,
      cloud: d.cloud,
      resource: n.resource,
      rule: n.rule ?? 'protection-off',
      text: n.text.replace(/ — ⚠️ /, ' — '),
    });
  }
  for (const r of d.resources) {
    for (const c of r.changes) {
      if (!isLoud(c.note)) continue;
      out.push({
        stack: d.stack,
        cloud: d.cloud,
        resource: r.address,
        rule: c.rule ?? 'protection-off',
        text: `${c.path}: ${brief(c.before, 60)} → ${brief(c.after, 60)} — ${c.note!.replace(/^⚠️\s*/, '')}`,
      });
    }
  }
  return out;
}

/**
 * Pairs removed and added resources of one type that are probably the same resource under a new
 * address (a construct id change): the same physical name, or else the only removal and the only
 * addition of that type in the stack. Returns [removed, added] address pairs.
 */
export function pairRenames(
  removed: readonly { address: string; type: string; name?: unknown }[],
  added: readonly { address: string; type: string; name?: unknown }[],
): [string, string][] {
  const pairs: [string, string][] = [];
  const usedAdded = new Set<string>();
  const usedRemoved = new Set<string>();
  for (const r of removed) {
    if (r.name === undefined || typeof r.name === 'object') continue;
    const a = added.find((x) => x.type === r.type && !usedAdded.has(x.address) && jsonEqual(x.name, r.name));
    if (a) {
      pairs.push([r.address, a.address]);
      usedAdded.add(a.address);
      usedRemoved.add(r.address);
    }
  }
  const types = [...new Set(removed.map((r) => r.type))];
  for (const type of types) {
    const rs = removed.filter((r) => r.type === type && !usedRemoved.has(r.address));
    const as = added.filter((a) => a.type === type && !usedAdded.has(a.address));
    if (rs.length === 1 && as.length === 1) pairs.push([rs[0].address, as[0].address]);
  }
  return pairs.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
}

/** Sort by a string key, deterministically. */
export function byKey<T>(key: (t: T) => string): (a: T, b: T) => number {
  return (a, b) => {
    const [x, y] = [key(a), key(b)];
    return x < y ? -1 : x > y ? 1 : 0;
  };
}
