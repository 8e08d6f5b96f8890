// The security diff of one Terraform JSON stack (cdktf output; base -> head): resources by address
// `<type>.<name>` added, removed, replaced or updated, with the attribute paths that changed.
//
// What replaces a resource: the cdktf bindings carry no ForceNew / RequiresReplace knowledge, so
// the diff reads a table generated from the providers' own sources at the bindings' versions
// (lib/evidence/diff-force-new.ts, scripts/write-force-new.ts). What this diff can NOT tell, unlike
// `terraform plan`:
//   - it compares configurations, not state: drift, imported resources and values the provider
//     computes or defaults are invisible;
//   - replacements the provider decides in code (CustomizeDiff, RequiresReplaceIf) are only
//     "possibly replaced", and a type missing from the table is "replacement unknown";
//   - a value that is a reference (`${azurerm_x.y.id}`) is compared as text: when the referenced
//     resource is replaced, dependents whose force-new attributes refer to it are flagged
//     "possibly replaced" (one level of cascade per pass, to a fixpoint), but computed changes
//     of unchanged resources are not;
//   - `moved` blocks are honoured; state moves done outside the configuration are not.
import type { Cloud } from '../controls/types';
import { FORCE_NEW } from './diff-force-new';
import {
  byKey,
  categorize,
  classify,
  deepChanges,
  normalizePath,
  pairRenames,
  show,
  STATEFUL_TERRAFORM_TYPES,
  type AttributeChange,
  type CategoryRule,
  type Replacement,
  type ResourceDiff,
  type SecurityNote,
  type StackDiff,
  WEAKENING_RULES,
} from './diff-model';
import { terraformRuleHits } from './diff-rules-terraform';

const META_KEYS = new Set(['//', 'depends_on', 'provider', 'count', 'for_each', 'connection', 'provisioner']);
const TLS_SETTINGS = new Set([
  'ssl',
  'min_tls_version',
  'tls_1_3',
  'always_use_https',
  'automatic_https_rewrites',
  'security_header',
  'opportunistic_encryption',
  'tls_client_auth',
  'ciphers',
  'origin_max_http_version',
]);
const WAF_SETTINGS = new Set([
  'security_level',
  'browser_check',
  'waf',
  'challenge_ttl',
  'email_obfuscation',
  'hotlink_protection',
  'server_side_exclude',
  'privacy_pass',
]);

/** How Terraform changes are sorted into security concerns; the first match decides. */
export const TERRAFORM_RULES: readonly CategoryRule[] = [
  { category: 'logging', path: /^lifecycle\.prevent_destroy$/ },
  { category: 'tls', types: /^cloudflare_zone_setting$/, when: (r) => TLS_SETTINGS.has(r?.setting_id) },
  { category: 'waf', types: /^cloudflare_zone_setting$/, when: (r) => WAF_SETTINGS.has(r?.setting_id) },
  {
    category: 'tls',
    types: /^azurerm_postgresql_flexible_server_configuration$/,
    when: (r) => /(ssl|tls|secure_transport)/.test(String(r?.name)),
  },
  {
    category: 'logging',
    types: /^azurerm_postgresql_flexible_server_configuration$/,
    when: (r) => /(^log_|pgaudit|audit|connection_throttl)/.test(String(r?.name)),
  },
  {
    category: 'iam',
    types: new RegExp(
      '^(azurerm_(role_assignment|role_definition|key_vault_access_policy|user_assigned_identity|federated_identity_credential' +
        '|pim_.*|postgresql_flexible_server_active_directory_administrator)|cloudflare_(api_token|account_member|zero_trust_ac' +
        'cess_.*))$',
    ),
  },
  {
    category: 'iam',
    path: new RegExp(
      '(^|\\.)(access_policy|rbac_authorization_enabled|enable_rbac_authorization|identity|authentication|password_auth_enabled|' +
        'active_directory_auth_enabled|shared_access_key_enabled|local_user_enabled|default_to_oauth_authentication|admin_ssh_key|a' +
        'dmin_password|admin_username|disable_password_authentication|administrator_login|role_definition_name|role_definition_id|p' +
        'rincipal_id|scope)(\\.|$)',
    ),
  },
  {
    category: 'waf',
    types: new RegExp(
      '^(azurerm_(web_application_firewall_policy|frontdoor_firewall_policy|cdn_frontdoor_firewall_policy|cdn_frontdoor_securi' +
        'ty_policy)|cloudflare_(ruleset|rate_limit|firewall_rule|filter|access_rule|list|list_item|bot_management))$',
    ),
  },
  { category: 'waf', path: /(^|\.)(waf_configuration|firewall_policy_id)(\.|$)/ },
  { category: 'tls', types: /^cloudflare_(authenticated_origin_pulls.*|origin_ca_certificate|certificate_pack)$/ },
  {
    category: 'tls',
    path: new RegExp(
      '(ssl_policy|ssl_profile|ssl_certificate|min_tls_version|minimum_tls_version|tls_version|https_traffic_only_enabled|ssl_en' +
        'forcement|require_secure_transport|ssl_min_protocol_version|redirect_configuration|http_listener\\.protocol|probe\\.protoc' +
        'ol|backend_http_settings\\.protocol)',
    ),
  },
  {
    category: 'network',
    types: new RegExp(
      '^(azurerm_(network_security_group|network_security_rule|public_ip|public_ip_prefix|subnet_network_security_group_associ' +
        'ation|nat_gateway.*|private_endpoint|virtual_network_peering|firewall|firewall_.*|bastion_host|route|route_table|subnet_' +
        'route_table_association|network_interface_security_group_association)|cloudflare_(dns_record|load_balancer_pool|t' +
        'unnel.*))$',
    ),
  },
  {
    category: 'network',
    path: new RegExp(
      '(^|\\.)(security_rule|public_network_access_enabled|public_ip_address_id|public_ip_address|network_rules|ip_rules|allowed' +
        '_ips|frontend_ip_configuration|frontend_port|delegated_subnet_id|private_dns_zone_id|subnet_id|ip_restriction|firewall_rul' +
        'e|origins|proxied|network_acls)(\\.|$)',
    ),
  },
  {
    category: 'encryption',
    types: /^azurerm_(key_vault_key|disk_encryption_set|key_vault_managed_hardware_security_module|storage_account_customer_managed_key)$/,
  },
  {
    category: 'encryption',
    path: new RegExp(
      '(encrypt|customer_managed_key|key_vault_key|cmk|disk_encryption_set|purge_protection_enabled|soft_delete|rotation_policy|' +
        'key_size|key_type|secure_boot|vtpm)',
    ),
  },
  {
    category: 'logging',
    types: new RegExp(
      '^azurerm_(monitor_diagnostic_setting|log_analytics_workspace|network_watcher_flow_log|backup_.*|recovery_services_vault' +
        '|monitor_activity_log_alert|monitor_action_group|security_center_.*|monitor_data_collection_rule.*|data_protection_backu' +
        'p_.*|storage_management_policy)$',
    ),
  },
  {
    category: 'logging',
    path: /(retention|log|diagnostic|backup|audit|versioning|change_feed|restore_policy|point_in_time|geo_redundant|immutability)/,
  },
];

/** Every resource of a Terraform JSON stack by address `<type>.<name>`. */
export function terraformResources(tf: any): Map<string, { type: string; name: string; config: any }> {
  const out = new Map<string, { type: string; name: string; config: any }>();
  for (const [type, byName] of Object.entries<any>(tf?.resource ?? {})) {
    for (const [name, config] of Object.entries<any>(byName ?? {})) out.set(`${type}.${name}`, { type, name, config });
  }
  return out;
}

/** The `moved` blocks of a stack as from -> to (cdktf `moveTo`/`moveFromId` write them). */
export function movedBlocks(tf: any): Map<string, string> {
  const moved = tf?.moved;
  const list: any[] = Array.isArray(moved) ? moved : moved && typeof moved === 'object' ? [moved] : [];
  return new Map(list.filter((m) => typeof m?.from === 'string' && typeof m?.to === 'string').map((m) => [m.from, m.to]));
}

/** Whether changing `path` of a resource of `type` replaces it (from the generated force-new table). */
export function terraformReplacement(type: string, path: string): Replacement {
  const entry = FORCE_NEW[type];
  const p = normalizePath(path);
  if (p.startsWith('lifecycle.') || p === 'lifecycle') return 'never';
  if (!entry) return 'unknown';
  const under = (a: string) => p === a || p.startsWith(`${a}.`);
  if (entry.always.some(under)) return 'always';
  if (entry.conditional.some(under)) return 'conditional';
  return 'never';
}

/** Values found under a dotted attribute path (lists flattened). */
function valuesAt(config: any, path: string): unknown[] {
  let nodes: unknown[] = [config];
  for (const key of path.split('.')) {
    nodes = nodes
      .flatMap((n) => (Array.isArray(n) ? n : [n]))
      .flatMap((n) => (n && typeof n === 'object' && key in (n as any) ? [(n as any)[key]] : []));
  }
  return nodes;
}

/**
 * What happens to the data of a stateful Terraform resource that is destroyed or replaced, and
 * what stops or avoids it.
 */
export function terraformConsequence(
  config: any,
  action: 'remove' | 'replace' | 'may-replace',
  reason: string | undefined,
  renamed: boolean,
): string {
  const parts: string[] = [];
  if (action === 'remove') parts.push('**destroyed with its data**');
  else if (action === 'replace') parts.push(`**destroyed and re-created empty**${reason ? ` (${reason})` : ''}`);
  else parts.push(`**possibly destroyed and re-created empty**${reason ? ` (${reason})` : ''}`);
  if (config?.lifecycle?.prevent_destroy === true)
    parts.push('`lifecycle.prevent_destroy` makes `terraform apply` refuse this plan, so it cannot ship as is');
  if (renamed)
    parts.push(
      "the new address starts **empty**; fix: keep the construct id, or move the state (cdktf `resource.moveFromId('<old " +
        "address>')` writes a `moved` block)",
    );
  return parts.join('; ');
}

/**
 * The diff of one Terraform stack. `before` or `after` is undefined when the stack exists on one
 * side only.
 */
export function diffTerraform(stack: string, cloud: Cloud, before: any | undefined, after: any | undefined): StackDiff {
  const old = terraformResources(before);
  const neu = terraformResources(after);
  const moved = movedBlocks(after);
  const movedTo = new Map([...moved].filter(([from, to]) => old.has(from) && neu.has(to) && !neu.has(from)));
  const movedFrom = new Map([...movedTo].map(([f, t]) => [t, f]));

  type Draft = {
    address: string;
    type: string;
    action: ResourceDiff['action'];
    config: any;
    oldConfig?: any;
    changes: AttributeChange[];
    reason?: string;
    movedFrom?: string;
  };
  const drafts = new Map<string, Draft>();
  for (const [address, r] of old) {
    if (movedTo.has(address)) continue;
    if (!neu.has(address))
      drafts.set(address, { address, type: r.type, action: 'remove', config: r.config, oldConfig: r.config, changes: [] });
  }
  for (const [address, r] of neu) {
    const from = movedFrom.get(address) ?? address;
    const prev = old.get(from);
    if (!prev) {
      drafts.set(address, { address, type: r.type, action: 'add', config: r.config, changes: [] });
      continue;
    }
    // Meta-arguments are top-level only: a nested `count` (a backup policy's retention_daily.count) is a setting.
    const settings = (c: any) => Object.fromEntries(Object.entries<any>(c ?? {}).filter(([k]) => !META_KEYS.has(k)));
    const changes = deepChanges(settings(prev.config), settings(r.config), '', new Set(['//'])).map((c): AttributeChange => {
      const category = categorize(TERRAFORM_RULES, r.type, r.config, normalizePath(c.path));
      const note = classify(c.path, c.before, c.after, category);
      return {
        ...c,
        replacement: terraformReplacement(r.type, c.path),
        category,
        ...(note ? { note: note.note, ...(note.rule ? { rule: note.rule } : {}) } : {}),
      };
    });
    if (changes.length === 0 && from === address) continue;
    const forced = changes.filter((c) => c.replacement === 'always').map((c) => normalizePath(c.path));
    const maybe = changes.filter((c) => c.replacement === 'conditional').map((c) => normalizePath(c.path));
    const action = forced.length ? 'replace' : maybe.length ? 'may-replace' : 'update';
    const reason = forced.length
      ? `force-new: ${[...new Set(forced)].join(', ')}`
      : maybe.length
        ? `force-new in some cases: ${[...new Set(maybe)].join(', ')}`
        : undefined;
    drafts.set(address, {
      address,
      type: r.type,
      action,
      config: r.config,
      oldConfig: prev.config,
      changes,
      reason,
      ...(from !== address ? { movedFrom: from } : {}),
    });
  }

  // Cascade: a resource whose force-new attribute refers to a replaced or destroyed one gets a new value at apply.
  for (let changed = true; changed; ) {
    changed = false;
    const gone = [...drafts.values()].filter((d) => d.action === 'replace' || d.action === 'may-replace').map((d) => d.address);
    for (const [address, r] of neu) {
      const d = drafts.get(address);
      if (d && d.action !== 'update') continue;
      const entry = FORCE_NEW[r.type];
      if (!entry) continue;
      const hits = entry.always.filter((a) => gone.some((g) => valuesAt(r.config, a).some((v) => JSON.stringify(v).includes(`\${${g}.`))));
      if (hits.length === 0) continue;
      const via = gone.find((g) => hits.some((a) => valuesAt(r.config, a).some((v) => JSON.stringify(v).includes(`\${${g}.`))))!;
      drafts.set(address, {
        address,
        type: r.type,
        action: 'may-replace',
        config: r.config,
        oldConfig: old.get(address)?.config,
        changes: d?.changes ?? [],
        reason: `its force-new ${hits.join(', ')} refers to ${via}, which is replaced`,
      });
      changed = true;
    }
  }

  const all = [...drafts.values()];
  const physical = (c: any) => c?.name ?? c?.setting_id;
  const renames = pairRenames(
    all.filter((d) => d.action === 'remove').map((d) => ({ address: d.address, type: d.type, name: physical(d.config) })),
    all.filter((d) => d.action === 'add').map((d) => ({ address: d.address, type: d.type, name: physical(d.config) })),
  );
  const renamedTo = new Map(renames);
  const renamedFrom = new Map(renames.map(([r, a]) => [a, r]));

  // The weakening rules: per changed resource, plus NSG reach and database firewalls.
  const hits = terraformRuleHits(
    all.map((d) => ({
      address: d.address,
      type: d.type,
      before: d.action === 'add' ? undefined : d.oldConfig,
      after: d.action === 'remove' ? undefined : d.config,
      renamed: renamedTo.has(d.address) || renamedFrom.has(d.address),
      stackExisted: before !== undefined,
    })),
    old,
    neu,
  );
  // A rule hit says the weakening once, in words; the raw lines it explains stay, without their own ⚠️.
  for (const d of all) {
    const rules = new Set((hits.get(d.address) ?? []).flatMap((h) => [h.rule, ...(h.explains ?? [])]));
    if (rules.size)
      d.changes = d.changes.map((c) => (c.rule && rules.has(c.rule) ? { ...c, note: c.note?.replace(/^⚠️\s*/, ''), rule: undefined } : c));
  }
  const notes: SecurityNote[] = [...hits]
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    .flatMap(([resource, hs]) =>
      hs.map((h): SecurityNote => ({ category: WEAKENING_RULES[h.rule].category, resource, text: h.text, loud: true, rule: h.rule })),
    );

  const resources = all
    .map((d): ResourceDiff => {
      const stateful = STATEFUL_TERRAFORM_TYPES.includes(d.type);
      const lossy = d.action === 'remove' || d.action === 'replace' || d.action === 'may-replace';
      const path = d.config?.['//']?.metadata?.path;
      const unknown = d.changes.some((c) => c.replacement === 'unknown');
      return {
        address: d.address,
        type: d.type,
        ...(typeof path === 'string' ? { constructPath: path } : {}),
        action: d.action,
        stateful,
        category: categorize(TERRAFORM_RULES, d.type, d.config),
        changes: d.changes,
        ...(stateful && lossy
          ? {
              consequence: terraformConsequence(
                d.oldConfig ?? d.config,
                d.action as 'remove' | 'replace' | 'may-replace',
                d.reason,
                renamedTo.has(d.address),
              ),
            }
          : {}),
        ...(!stateful && lossy && d.reason ? { consequence: d.reason } : {}),
        ...(unknown && !lossy
          ? { consequence: `replacement unknown: ${d.type} is not in the force-new table (scripts/write-force-new.ts)` }
          : {}),
        ...(renamedTo.has(d.address) ? { renamedTo: renamedTo.get(d.address) } : {}),
        ...(renamedFrom.has(d.address) ? { renamedFrom: renamedFrom.get(d.address) } : {}),
        ...(d.movedFrom ? { renamedFrom: d.movedFrom } : {}),
        ...(d.movedFrom && !lossy ? { consequence: `moved from ${d.movedFrom} (a \`moved\` block: no destroy)` } : {}),
      };
    })
    .sort(byKey((r) => r.address));

  const other: string[] = [];
  // Provider and backend settings of a stack that exists on one side only are part of the addition or removal.
  for (const block of before && after ? ['provider', 'terraform'] : []) {
    for (const c of deepChanges(before?.[block], after?.[block], block, new Set(['//'])))
      other.push(`${c.path}: ${show(c.before)} → ${show(c.after)}`);
  }
  for (const block of ['data', 'output', 'variable', 'locals']) {
    const keys = (tf: any) =>
      new Set(block === 'data' ? [...terraformResources({ resource: tf?.data }).keys()] : Object.keys(tf?.[block] ?? {}));
    const [b, a] = [keys(before), keys(after)];
    const added = [...a].filter((k) => !b.has(k)).length;
    const removed = [...b].filter((k) => !a.has(k)).length;
    const changedCount = [...a]
      .filter((k) => b.has(k))
      .filter((k) => {
        const get = (tf: any) => (block === 'data' ? terraformResources({ resource: tf?.data }).get(k)?.config : tf?.[block]?.[k]);
        return deepChanges(get(before), get(after), '', new Set(['//'])).length > 0;
      }).length;
    if (added + removed + changedCount > 0)
      other.push(
        `${block}: ` +
          [added && `${added} added`, removed && `${removed} removed`, changedCount && `${changedCount} changed`]
            .filter(Boolean)
            .join(', '),
      );
  }

  const change =
    before === undefined ? 'added' : after === undefined ? 'removed' : resources.length + other.length === 0 ? 'unchanged' : 'changed';
  return { stack, cloud, change, resources, notes, other };
}
