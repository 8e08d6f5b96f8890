// The weakening rules over Terraform JSON (azurerm 4.x, Cloudflare 5.x): for each resource that
// changed, what a reviewer must see, named with before → after and what it means. NSG reach, IP
// allowlists and database firewall rules are compared with CIDR arithmetic
// (lib/evidence/diff-reach.ts) over maps built once per stack; every other rule reads one
// resource. Rules follow the provider schemas and are tested by weakenings of the real synthesized
// stacks of the default config (test/evidence/diff-weakenings.test.ts); rules over resources the
// reference stacks do not have (storage-account immutability policies, logpush jobs) run there on
// the real stacks with the resource added to both sides.
import type { RuleHit, WeakeningRule } from './diff-model';
import { compareReach, parseRange, peerOf, type Peer, type ReachRule, worldRange } from './diff-reach';
import {
  hit,
  hstsText,
  hstsWeakening,
  isObj,
  isSharedOriginPullCertificate,
  label,
  list,
  looserBy,
  lower,
  parseHstsHeader,
  rateText,
  refName,
  type Hsts,
  type ResourcePair,
} from './diff-rules';

type Resources = Map<string, { type: string; name: string; config: any }>;

// ---------------------------------------------------------------------------------------------
// NSG reach

/** An NSG address prefix as a peer: `*` anybody, `Internet` every public address, a service tag, a CIDR. */
function nsgPeer(text: unknown): Peer[] {
  if (typeof text !== 'string') return text === undefined || text === null ? [] : [{ kind: 'tag', text: label(text) }];
  if (text === '*' || text.toLowerCase() === 'any') return [{ kind: 'any', text: '*' }];
  if (text.toLowerCase() === 'internet')
    return [
      { kind: 'cidr', text: 'Internet', range: worldRange(4) },
      { kind: 'cidr', text: 'Internet', range: worldRange(6) },
    ];
  return [peerOf(text)];
}

function ports(spec: unknown): [number, number][] {
  return list(spec).flatMap((s): [number, number][] => {
    const t = String(s);
    if (t === '*') return [[0, 65535]];
    const m = /^(\d+)(?:-(\d+))?$/.exec(t);
    return m ? [[Number(m[1]), Number(m[2] ?? m[1])]] : [[0, 65535]];
  });
}

/** One NSG rule as reach rules (one per destination port range), in its direction. */
function nsgRules(r: any): { direction: 'ingress' | 'egress'; rules: ReachRule[] } | undefined {
  if (!isObj(r)) return undefined;
  const direction = String(r.direction).toLowerCase() === 'outbound' ? 'egress' : 'ingress';
  const side = (s: 'source' | 'destination') => [
    ...nsgPeer(r[`${s}_address_prefix`]),
    ...list(r[`${s}_address_prefixes`]).flatMap(nsgPeer),
    ...list(r[`${s}_application_security_group_ids`]).map((x): Peer => ({ kind: 'tag', text: `application security group ${label(x)}` })),
  ];
  const [far, near] = direction === 'ingress' ? [side('source'), side('destination')] : [side('destination'), side('source')];
  const protocol = String(r.protocol ?? '*') === '*' ? 'all' : String(r.protocol).toLowerCase();
  const ranges = [...ports(r.destination_port_range), ...ports(r.destination_port_ranges)];
  const deny = String(r.access).toLowerCase() === 'deny';
  const rules = (ranges.length ? ranges : [[0, 65535] as [number, number]]).map(
    ([from, to]): ReachRule => ({
      protocol,
      from,
      to,
      peers: far,
      near: near.length ? near : [{ kind: 'any', text: '*' }],
      deny,
      priority: typeof r.priority === 'number' ? r.priority : 4096,
    }),
  );
  return { direction, rules };
}

/** Azure's default rules, below every rule a user can write (priorities 65000-65500). */
const NSG_DEFAULTS: readonly any[] = [
  {
    name: 'AllowVnetInBound',
    priority: 65000,
    direction: 'Inbound',
    access: 'Allow',
    protocol: '*',
    source_address_prefix: 'VirtualNetwork',
    destination_address_prefix: 'VirtualNetwork',
    destination_port_range: '*',
  },
  {
    name: 'AllowAzureLoadBalancerInBound',
    priority: 65001,
    direction: 'Inbound',
    access: 'Allow',
    protocol: '*',
    source_address_prefix: 'AzureLoadBalancer',
    destination_address_prefix: '*',
    destination_port_range: '*',
  },
  {
    name: 'DenyAllInBound',
    priority: 65500,
    direction: 'Inbound',
    access: 'Deny',
    protocol: '*',
    source_address_prefix: '*',
    destination_address_prefix: '*',
    destination_port_range: '*',
  },
  {
    name: 'AllowVnetOutBound',
    priority: 65000,
    direction: 'Outbound',
    access: 'Allow',
    protocol: '*',
    source_address_prefix: 'VirtualNetwork',
    destination_address_prefix: 'VirtualNetwork',
    destination_port_range: '*',
  },
  {
    name: 'AllowInternetOutBound',
    priority: 65001,
    direction: 'Outbound',
    access: 'Allow',
    protocol: '*',
    source_address_prefix: '*',
    destination_address_prefix: 'Internet',
    destination_port_range: '*',
  },
  {
    name: 'DenyAllOutBound',
    priority: 65500,
    direction: 'Outbound',
    access: 'Deny',
    protocol: '*',
    source_address_prefix: '*',
    destination_address_prefix: '*',
    destination_port_range: '*',
  },
];

interface NsgReach {
  ingress: ReachRule[];
  egress: ReachRule[];
}

/** Every NSG's rules (inline `security_rule`, standalone `azurerm_network_security_rule`, Azure's defaults), by address. */
export function nsgReach(resources: Resources): Map<string, NsgReach> {
  const out = new Map<string, NsgReach>();
  const of = (key: string) => {
    let g = out.get(key);
    if (!g) {
      g = { ingress: [], egress: [] };
      for (const d of NSG_DEFAULTS) {
        const r = nsgRules(d)!;
        g[r.direction].push(...r.rules);
      }
      out.set(key, g);
    }
    return g;
  };
  for (const [address, r] of resources) {
    const rules =
      r.type === 'azurerm_network_security_group'
        ? list(r.config?.security_rule)
        : r.type === 'azurerm_network_security_rule'
          ? [r.config]
          : undefined;
    if (!rules) continue;
    const g = of(
      r.type === 'azurerm_network_security_group'
        ? address
        : (refName(r.config?.network_security_group_name) ?? label(r.config?.network_security_group_name)),
    );
    for (const rule of rules) {
      const parsed = nsgRules(rule);
      if (parsed) g[parsed.direction].push(...parsed.rules);
    }
  }
  return out;
}

function reachHits(before: NsgReach | undefined, after: NsgReach | undefined, what = ''): RuleHit[] {
  if (!after) return [];
  const out: RuleHit[] = [];
  for (const direction of ['ingress', 'egress'] as const) {
    // A new NSG in an existing stack reports world-open inbound rules only.
    const was = before?.[direction] ?? after[direction].filter((r) => r.priority !== undefined && r.priority >= 65000);
    for (const w of compareReach(was, after[direction], direction)) {
      if (!before && !/Internet|anybody/.test(w.summary)) continue;
      const rule: WeakeningRule =
        direction === 'egress'
          ? 'egress-widened'
          : w.kind === 'ports'
            ? 'port-range-widened'
            : w.kind === 'origin-lock'
              ? 'origin-lock-removed'
              : 'ingress-broadened';
      const meaning =
        w.kind === 'origin-lock'
          ? `the gateway admits clients that bypass Cloudflare (and its WAF and rate limits): ${w.detail}`
          : direction === 'egress'
            ? `hosts behind this NSG can send to more destinations (exfiltration, command and control): ${w.detail}`
            : w.detail;
      out.push({ rule, text: `${what}${w.summary} — ${meaning}`, explains: ['ingress-broadened', 'exposure-on'] });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// IP allowlists (Key Vault, storage) and database firewall rules

function allowlist(acl: any): ReachRule[] {
  if (!isObj(acl)) return [];
  const peers: Peer[] = [
    ...list<string>(acl.ip_rules).map((x) => peerOf(String(x))),
    ...list(acl.virtual_network_subnet_ids).map((x): Peer => ({ kind: 'tag', text: `subnet ${label(x)}` })),
  ];
  if (String(acl.default_action).toLowerCase() === 'allow') peers.push({ kind: 'any', text: '*' });
  return peers.length ? [{ protocol: 'all', from: 0, to: 65535, peers }] : [];
}

function networkAclHits(b: any, a: any, what: string): RuleHit[] {
  if (!isObj(b)) return [];
  const out: RuleHit[] = [];
  const action = (x: any) => String(x?.default_action ?? 'Allow');
  if (action(b).toLowerCase() === 'deny' && action(a).toLowerCase() !== 'deny') {
    out.push({
      ...hit(
        'public-exposure',
        `${what} default action`,
        'Deny',
        isObj(a) ? action(a) : '(removed: Allow)',
        'every address may connect, not only the allowlisted ones',
      ),
      explains: ['ingress-broadened'],
    });
    return out;
  }
  const bypass = (x: any) => list<string>(x?.bypass).map(String);
  const newBypass = bypass(a).filter((x) => x !== 'None' && !bypass(b).includes(x));
  if (newBypass.length)
    out.push(
      hit(
        'ingress-broadened',
        `${what} bypass`,
        bypass(b).join(', ') || 'None',
        bypass(a).join(', '),
        `${newBypass.join(', ')} may pass the firewall`,
      ),
    );
  for (const w of compareReach(allowlist(b), allowlist(a), 'ingress'))
    out.push({
      ...hit(
        'ingress-broadened',
        `${what} allowlist`,
        w.summary.replace(/^all traffic from /, '').split(' → ')[0],
        w.summary.split(' → ')[1],
        w.detail,
      ),
      explains: ['ingress-broadened'],
    });
  return out;
}

const FIREWALL_RULE = /^azurerm_(postgresql_flexible_server|postgresql|mysql_flexible_server|mssql)_firewall_rule$/;

/** Database firewall rules, by the server they open. */
function firewallReach(resources: Resources): Map<string, ReachRule[]> {
  const out = new Map<string, ReachRule[]>();
  for (const r of resources.values()) {
    if (!FIREWALL_RULE.test(r.type)) continue;
    const c = r.config ?? {};
    const server = label(c.server_id ?? c.server_name);
    const [lo, hi] = [parseRange(String(c.start_ip_address)), parseRange(String(c.end_ip_address))];
    const text = `${c.start_ip_address}-${c.end_ip_address}`;
    const peer: Peer =
      c.start_ip_address === '0.0.0.0' && c.end_ip_address === '0.0.0.0'
        ? { kind: 'tag', text: 'every Azure service, any tenant (0.0.0.0)' }
        : lo && hi && lo.family === hi.family && lo.lo <= hi.hi
          ? { kind: 'cidr', text, range: { family: lo.family, lo: lo.lo, hi: hi.hi } }
          : { kind: 'tag', text };
    out.set(server, [...(out.get(server) ?? []), { protocol: 'all', from: 0, to: 65535, peers: [peer] }]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Per-resource rules: Azure

const APPGW_POLICY_MIN: Readonly<Record<string, number>> = {
  AppGwSslPolicy20150501: 0,
  AppGwSslPolicy20170401: 1,
  AppGwSslPolicy20170401S: 2,
  AppGwSslPolicy20220101: 2,
  AppGwSslPolicy20220101S: 2,
};

function gatewayTls(c: any): number | undefined {
  const p = c?.ssl_policy;
  if (!isObj(p)) return undefined;
  const m = /TLSv1_(\d)/.exec(String(p.min_protocol_version ?? ''));
  if (m) return Number(m[1]);
  return APPGW_POLICY_MIN[String(p.policy_name)];
}

const byName = (v: unknown) =>
  new Map<string, any>(
    list(v)
      .filter((x: any) => typeof x?.name === 'string')
      .map((x: any) => [x.name, x]),
  );

function gatewayHsts(c: any): Hsts | undefined {
  const sets = byName(c?.rewrite_rule_set);
  const used = list(c?.request_routing_rule)
    .map((r: any) => r?.rewrite_rule_set_name)
    .filter(Boolean);
  for (const name of used) {
    for (const rule of list(sets.get(name)?.rewrite_rule)) {
      for (const h of list(rule?.response_header_configuration))
        if (String(h?.header_name).toLowerCase() === 'strict-transport-security') return parseHstsHeader(h?.header_value);
    }
  }
  return undefined;
}

function redirectedListeners(c: any): Set<string> {
  const redirects = byName(c?.redirect_configuration);
  const listeners = byName(c?.http_listener);
  const out = new Set<string>();
  for (const r of list(c?.request_routing_rule)) {
    const target = redirects.get(r?.redirect_configuration_name);
    if (target && String(listeners.get(target.target_listener_name)?.protocol).toLowerCase() === 'https')
      out.add(String(r.http_listener_name));
  }
  return out;
}

function gatewayHits(b: any, a: any): RuleHit[] {
  const out: RuleHit[] = [];
  const [tb, ta] = [gatewayTls(b), gatewayTls(a)];
  if (tb !== undefined && (ta === undefined ? !isObj(a.ssl_policy) : ta < tb))
    out.push(
      hit(
        'tls-weakened',
        'TLS policy',
        `TLS 1.${tb}+ (${b.ssl_policy.policy_name ?? b.ssl_policy.min_protocol_version})`,
        ta === undefined ? '(removed: the gateway default)' : `TLS 1.${ta}+`,
        ta === undefined
          ? "the gateway's default policy applies, which admits TLS 1.0 and 1.1 on older API versions"
          : `clients may negotiate TLS 1.${ta}`,
      ),
    );
  const [lb, la] = [byName(b.http_listener), byName(a.http_listener)];
  for (const [name, l] of lb) {
    const n = la.get(name);
    if (!n) continue;
    if (String(l.protocol).toLowerCase() === 'https' && String(n.protocol).toLowerCase() === 'http')
      out.push(hit('tls-weakened', `listener ${name}`, 'Https', 'Http', 'clients connect to the gateway without TLS'));
    if (l.ssl_profile_name && !n.ssl_profile_name)
      out.push(
        hit(
          'client-cert-removed',
          `listener ${name} SSL profile`,
          l.ssl_profile_name,
          '(none)',
          'the listener no longer demands a client certificate: origin lock rests on addresses alone',
        ),
      );
  }
  const [rb, ra] = [redirectedListeners(b), redirectedListeners(a)];
  for (const name of rb)
    if (!ra.has(name) && la.has(name))
      out.push(
        hit('tls-weakened', `listener ${name}`, 'redirects to HTTPS', 'served as is', 'plain-HTTP requests are no longer sent to HTTPS'),
      );
  const [sb, sa] = [byName(b.backend_http_settings), byName(a.backend_http_settings)];
  for (const [name, s] of sb)
    if (String(s.protocol).toLowerCase() === 'https' && String(sa.get(name)?.protocol).toLowerCase() === 'http')
      out.push(
        hit(
          'tls-weakened',
          `backend settings ${name}`,
          'Https',
          'Http',
          'traffic from the gateway to the app hosts is no longer encrypted',
        ),
      );
  const why = hstsWeakening(gatewayHsts(b), gatewayHsts(a));
  if (why) out.push(hit('hsts-weakened', 'HSTS header', hstsText(gatewayHsts(b)), hstsText(gatewayHsts(a)), why));
  if (b.firewall_policy_id !== undefined && a.firewall_policy_id === undefined)
    out.push(
      hit(
        'waf-rule-removed',
        'WAF policy',
        label(b.firewall_policy_id),
        '(none)',
        'the gateway no longer has a WAF: every managed rule and rate limit stops applying',
      ),
    );
  // A trusted client CA replaced by Cloudflare's shared origin-pull CA: the profile still verifies, but any zone's certificate passes.
  const [cb, ca] = [byName(b.trusted_client_certificate), byName(a.trusted_client_certificate)];
  for (const [name, c] of ca)
    if (isSharedOriginPullCertificate(c.data) && !isSharedOriginPullCertificate(cb.get(name)?.data))
      out.push(
        hit(
          'client-cert-removed',
          `trusted client certificate ${name}`,
          cb.has(name) ? "the zone's own CA" : '(none)',
          "Cloudflare's shared origin-pull CA",
          'every Cloudflare zone presents a certificate it issued: another Cloudflare customer can reach the origin through the gateway',
        ),
      );
  const [pb, pa] = [byName(b.ssl_profile), byName(a.ssl_profile)];
  for (const [name, p] of pb) {
    const n = pa.get(name);
    const verifies = list(p.trusted_client_certificate_names).length > 0;
    if (!n) {
      if (verifies)
        out.push(
          hit(
            'client-cert-removed',
            `SSL profile ${name}`,
            `client certificates from ${list(p.trusted_client_certificate_names).join(', ')}`,
            '(removed)',
            "clients without the edge's certificate are admitted: origin lock rests on addresses alone",
          ),
        );
      continue;
    }
    if (verifies && list(n.trusted_client_certificate_names).length === 0)
      out.push(
        hit(
          'client-cert-removed',
          `SSL profile ${name} trusted client certificates`,
          list(p.trusted_client_certificate_names).join(', '),
          '(none)',
          'client certificates are no longer verified',
        ),
      );
    if (p.verify_client_cert_issuer_dn === true && n.verify_client_cert_issuer_dn !== true)
      out.push(
        hit(
          'client-cert-removed',
          `SSL profile ${name} issuer check`,
          'verify_client_cert_issuer_dn',
          'off',
          "any certificate chaining to the trusted CA is accepted, not only the edge's issuer",
        ),
      );
    if (p.verify_client_certificate_revocation && !n.verify_client_certificate_revocation)
      out.push(
        hit(
          'client-cert-removed',
          `SSL profile ${name} revocation check`,
          p.verify_client_certificate_revocation,
          '(none)',
          'revoked client certificates are accepted',
        ),
      );
  }
  return out;
}

/** `group_rate_limit_by` from coarsest to finest, read without its `XFFHeader` suffix. */
const GROUPING = ['None', 'GeoLocation', 'ClientAddr'];
/** `ClientAddrXFFHeader`, `GeoLocationXFFHeader`: the key is read from X-Forwarded-For, whose first address the client writes. */
const fromXff = (v: unknown) => /XFFHeader$/i.test(String(v ?? ''));
const grouping = (v: unknown) => (v === undefined ? undefined : String(v).replace(/XFFHeader$/i, ''));
const DURATION: Readonly<Record<string, number>> = { OneMin: 60, FiveMins: 300 };

function wafPolicyHits(b: any, a: any): RuleHit[] {
  const out: RuleHit[] = [];
  if (b.policy_settings?.enabled !== false && a.policy_settings?.enabled === false)
    out.push(hit('waf-not-blocking', 'WAF policy', 'enabled', 'disabled', 'no rule of the policy is evaluated'));
  const [cb, ca] = [byName(b.custom_rules), byName(a.custom_rules)];
  for (const [name, r] of cb) {
    const n = ca.get(name);
    if (!n) {
      out.push(
        hit(
          'waf-rule-removed',
          `custom rule ${name}`,
          r.rule_type === 'RateLimitRule'
            ? `rate limit ${rateText({ requests: r.rate_limit_threshold, seconds: DURATION[r.rate_limit_duration] ?? 60 })}`
            : r.action,
          '(removed)',
          'the traffic it stopped now reaches the application',
        ),
      );
      continue;
    }
    if (r.rule_type === 'RateLimitRule' && n.rule_type === 'RateLimitRule') {
      const [rb, ra] = [
        { requests: r.rate_limit_threshold, seconds: DURATION[r.rate_limit_duration] ?? 60 },
        { requests: n.rate_limit_threshold, seconds: DURATION[n.rate_limit_duration] ?? 60 },
      ];
      const by = looserBy(rb, ra);
      if (by)
        out.push(
          hit(
            'rate-limit-loosened',
            `rate limit ${name}`,
            rateText(rb),
            rateText(ra),
            `each client may send ×${by} as many requests before it is blocked (more password guesses, more scraping)`,
          ),
        );
      const [gb, ga] = [r.group_rate_limit_by, n.group_rate_limit_by];
      if (!fromXff(gb) && fromXff(ga))
        out.push(
          hit(
            'rate-limit-key-coarser',
            `rate limit ${name} counts per`,
            gb ?? '(unset: API default)',
            ga,
            'the X-Forwarded-For address is written by the client (Cloudflare appends to the header it receives): a fresh ' +
              'value per request gets a fresh counter, so the limit never trips',
          ),
        );
      else if ((gb !== undefined && ga === undefined) || lower(GROUPING, grouping(gb), grouping(ga)))
        out.push(
          hit(
            'rate-limit-key-coarser',
            `rate limit ${name} counts per`,
            gb,
            ga ?? '(unset: API default)',
            ga === 'None' || ga === undefined
              ? 'all clients share one counter: the limit trips for everybody or for nobody'
              : "clients share counters: one client's limit is spread over many",
          ),
        );
    }
  }
  const sets = (c: any) =>
    new Map<string, any>(list(c.managed_rules?.managed_rule_set).map((s: any): [string, any] => [String(s?.type ?? 'OWASP'), s]));
  const [sb, sa] = [sets(b), sets(a)];
  for (const [type, s] of sb) {
    const n = sa.get(type);
    if (!n) {
      out.push({
        ...hit(
          'waf-managed-group-dropped',
          `managed rule set ${type}`,
          s.version ?? 'on',
          '(removed)',
          'the attacks it blocks (OWASP-class, bots, known bad inputs) reach the application',
        ),
        explains: ['waf-rule-removed'],
      });
      continue;
    }
    const relaxed = (set: any) =>
      new Set(
        list(set.rule_group_override).flatMap((g: any) =>
          list(g?.rule)
            .filter((x: any) => x?.enabled === false || /^(log|allow)$/i.test(String(x?.action ?? '')))
            .map((x: any) => `${g.rule_group_name}/${x.id}`),
        ),
      );
    const added = [...relaxed(n)].filter((x) => !relaxed(s).has(x));
    if (added.length)
      out.push(
        hit(
          'waf-not-blocking',
          `managed rule set ${type} overrides`,
          'every rule blocks',
          `${added.slice(0, 5).join(', ')}${added.length > 5 ? ` and ${added.length - 5} more` : ''} disabled or log only`,
          'requests those rules match are no longer blocked',
        ),
      );
  }
  const exclusions = (c: any) => list(c.managed_rules?.exclusion).map((x: any) => JSON.stringify(x));
  const newExclusions = exclusions(a).filter((x) => !exclusions(b).includes(x));
  if (newExclusions.length)
    out.push(
      hit(
        'waf-not-blocking',
        'managed rule exclusions',
        `${exclusions(b).length}`,
        `${exclusions(a).length}`,
        `${newExclusions.length} more request parts skip inspection by the managed rules`,
      ),
    );
  return out;
}

const REPLICATION = ['LRS', 'ZRS', 'GRS', 'RAGRS', 'GZRS', 'RAGZRS'];
const geo = (v: unknown) => /G/.test(String(v ?? ''));

function storageHits(b: any, a: any): RuleHit[] {
  const out = networkAclHits(b.network_rules, a.network_rules, 'storage firewall');
  const ib = b.immutability_policy;
  const ia = a.immutability_policy;
  if (isObj(ib) && String(ib.state) !== 'Disabled') {
    if (!isObj(ia) || String(ia.state) === 'Disabled')
      out.push(
        hit(
          'immutability-removed',
          'immutability policy',
          `${ib.state} ${ib.period_since_creation_in_days ?? '?'} days`,
          isObj(ia) ? 'Disabled' : '(removed)',
          'blobs can be overwritten or deleted by anyone with write access, including an attacker',
        ),
      );
    else if (ib.state === 'Locked' && ia.state !== 'Locked')
      out.push(
        hit('immutability-removed', 'immutability policy', 'Locked', ia.state, 'an administrator can now shorten or remove the policy'),
      );
    else if ((ia.period_since_creation_in_days ?? 0) < (ib.period_since_creation_in_days ?? 0))
      out.push({
        ...hit(
          'immutability-removed',
          'immutability period',
          `${ib.period_since_creation_in_days} days`,
          `${ia.period_since_creation_in_days} days`,
          'blobs can be deleted sooner',
        ),
        explains: ['retention-shortened', 'backup-weakened'],
      });
  }
  if (
    geo(b.account_replication_type) &&
    !geo(a.account_replication_type) &&
    lower(REPLICATION, b.account_replication_type, a.account_replication_type)
  )
    out.push(
      hit(
        'backup-weakened',
        'replication',
        b.account_replication_type,
        a.account_replication_type,
        'data is no longer copied to the paired region: a region loss loses it',
      ),
    );
  for (const k of ['queue_encryption_key_type', 'table_encryption_key_type'])
    if (b[k] === 'Account' && a[k] === 'Service')
      out.push(
        hit(
          'encryption-provider-key',
          k,
          "Account (the account's customer-managed key)",
          'Service (Microsoft-managed)',
          'queues or tables are encrypted with a key Microsoft holds',
        ),
      );
  return out;
}

const BROAD_ROLES = new RegExp(
  '^(Owner|Contributor|User Access Administrator|Role Based Access Control Administrator|.*Administrator|.* Owner|.* ' +
    'Contributor|Key Vault Crypto Officer|Key Vault Secrets Officer)$',
  'i',
);

function roleHits(b: any, a: any): RuleHit[] {
  const out: RuleHit[] = [];
  const role = (c: any) => String(c?.role_definition_name ?? label(c?.role_definition_id));
  if (b && role(b) !== role(a) && BROAD_ROLES.test(role(a)))
    out.push(hit('iam-wildcard', 'role', role(b), role(a), 'the principal gets broad rights over the scope'));
  if (!b && BROAD_ROLES.test(role(a)))
    out.push(
      hit('iam-wildcard', `role assignment to ${label(a.principal_id)}`, '(none)', `${role(a)} on ${label(a.scope)}`, 'a new broad grant'),
    );
  const [sb, sa] = [String(b?.scope ?? ''), String(a?.scope ?? '')];
  if (b && sb !== sa && sb.toLowerCase().startsWith(sa.toLowerCase()) && sa.length > 0)
    out.push(hit('iam-wildcard', 'role scope', sb, sa, 'the role now applies to everything under the broader scope'));
  return out;
}

/** Days of an ISO 8601 duration (`P180D`, `P4W`, `P6M`, `P1Y`; months as 30 days, years as 365), or undefined. */
function isoDays(v: unknown): number | undefined {
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/.exec(String(v ?? ''));
  if (!m?.slice(1).some(Boolean)) return undefined;
  const [y, mo, w, d] = m.slice(1).map((x) => Number(x ?? 0));
  return y * 365 + mo * 30 + w * 7 + d;
}

function settingOn(v: unknown): boolean {
  return v === true || String(v).toLowerCase() === 'on';
}

const AZURE_RULES: readonly [RegExp, (b: any, a: any) => RuleHit[]][] = [
  [/^azurerm_application_gateway$/, gatewayHits],
  [/^azurerm_web_application_firewall_policy$/, wafPolicyHits],
  [/^azurerm_storage_account$/, storageHits],
  [/^azurerm_storage_account_network_rules$/, (b, a) => networkAclHits(b, a, 'storage firewall')],
  [
    /^azurerm_key_vault$/,
    (b, a) => [
      ...networkAclHits(b.network_acls, a.network_acls, 'Key Vault firewall'),
      ...(b.rbac_authorization_enabled === true && a.rbac_authorization_enabled !== true
        ? [
            hit(
              'iam-wildcard',
              'Key Vault authorization',
              'Azure RBAC',
              'access policies',
              'vault access is granted outside RBAC: Privileged Identity Management, conditions and the role-assignment ' +
                'alerts no longer apply',
            ),
          ]
        : []),
    ],
  ],
  [/^azurerm_role_assignment$/, roleHits],
  [
    /^azurerm_role_definition$/,
    (b, a) => {
      const actions = (c: any) => list(c?.permissions).flatMap((p: any) => [...list<string>(p?.actions), ...list<string>(p?.data_actions)]);
      const wild = actions(a).filter((x) => x.includes('*') && !actions(b).includes(x));
      return wild.length
        ? [
            hit(
              'iam-wildcard',
              'role actions',
              actions(b).join(', ') || '(none)',
              actions(a).join(', '),
              `${wild.join(', ')} grants every matching action`,
            ),
          ]
        : [];
    },
  ],
  [
    /^azurerm_postgresql_flexible_server_configuration$/,
    (b, a) => {
      const name = String(a.name ?? b.name);
      if (!settingOn(b.value) || settingOn(a.value)) return [];
      if (/secure_transport/.test(name))
        return [hit('tls-weakened', name, b.value, a.value, 'clients may connect to the database without TLS')];
      if (/^log_|audit/.test(name)) return [hit('logging-off', name, b.value, a.value, 'database sessions are no longer logged')];
      if (/connection_throttl/.test(name))
        return [hit('protection-off', name, b.value, a.value, 'password guessing is no longer slowed down')];
      return [];
    },
  ],
  [
    /^azurerm_network_interface$/,
    (b, a) => {
      const [cb, ca] = [byName(b.ip_configuration), byName(a.ip_configuration)];
      return [...ca]
        .filter(([n, c]) => c.public_ip_address_id !== undefined && cb.get(n)?.public_ip_address_id === undefined)
        .map(([n, c]) =>
          hit(
            'public-exposure',
            `IP configuration ${n}`,
            'private only',
            `public IP ${label(c.public_ip_address_id)}`,
            'the machine is reachable from the Internet (its NSG decides who)',
          ),
        );
    },
  ],
  [
    /^azurerm_(linux|windows)_virtual_machine_scale_set$/,
    (b, a) => {
      const publicOf = (c: any) =>
        new Set(
          list(c.network_interface).flatMap((n: any) =>
            list(n?.ip_configuration)
              .filter((i: any) => list(i?.public_ip_address).length > 0)
              .map((i: any) => `${n.name}/${i.name}`),
          ),
        );
      const added = [...publicOf(a)].filter((x) => !publicOf(b).has(x));
      return added.length
        ? [
            hit(
              'public-exposure',
              `IP configuration ${added.join(', ')}`,
              'private only',
              'a public IP per instance',
              'every instance is reachable from the Internet (its NSG decides who)',
            ),
          ]
        : [];
    },
  ],
  [
    /^azurerm_network_watcher_flow_log$/,
    (b, a) => [
      ...(b.enabled !== false && a.enabled === false
        ? [hit('logging-off', 'flow log', 'enabled', 'disabled', 'network flows are no longer recorded')]
        : []),
      ...(b.traffic_analytics?.enabled === true && a.traffic_analytics?.enabled !== true
        ? [hit('logging-off', 'traffic analytics', 'on', 'off', 'flows no longer reach the Log Analytics workspace')]
        : []),
    ],
  ],
  [
    /^azurerm_monitor_diagnostic_setting$/,
    (b, a) => {
      const logs = (c: any) => list(c.enabled_log).map((x: any) => String(x?.category_group ?? x?.category));
      const dropped = logs(b).filter((x) => !logs(a).includes(x));
      return dropped.length
        ? [
            hit(
              'logging-off',
              `diagnostic logs of ${label(b.target_resource_id)}`,
              logs(b).join(', '),
              logs(a).join(', ') || '(none)',
              `${dropped.join(', ')} no longer collected`,
            ),
          ]
        : [];
    },
  ],
  [
    /^azurerm_security_center_subscription_pricing$/,
    (b, a) =>
      b.tier === 'Standard' && a.tier !== 'Standard'
        ? [
            hit(
              'logging-off',
              `Defender for ${b.resource_type ?? 'cloud'}`,
              'Standard',
              a.tier ?? 'Free',
              'threats against these resources are no longer detected',
            ),
          ]
        : [],
  ],
  // Recovery Services vault (VM backups) and Data Protection backup vault (blob backups).
  [
    /^azurerm_(recovery_services_vault|data_protection_backup_vault)$/,
    (b, a) => {
      const storage = (c: any) => c.storage_mode_type ?? c.redundancy;
      const softDelete = (c: any) => (c.soft_delete_enabled === undefined ? c.soft_delete : c.soft_delete_enabled ? 'On' : 'Off');
      return [
        ...(lower(['Disabled', 'Unlocked', 'Locked'], b.immutability, a.immutability ?? 'Disabled')
          ? [
              hit(
                'immutability-removed',
                'vault immutability',
                b.immutability,
                a.immutability ?? '(removed: Disabled)',
                'recovery points can be deleted before they expire, by an attacker with backup rights too',
              ),
            ]
          : []),
        ...(storage(b) === 'GeoRedundant' && storage(a) !== undefined && storage(a) !== 'GeoRedundant'
          ? [hit('backup-weakened', 'vault storage', 'GeoRedundant', storage(a), 'backups are no longer copied to the paired region')]
          : []),
        ...(b.cross_region_restore_enabled === true && a.cross_region_restore_enabled !== true
          ? [
              hit(
                'backup-weakened',
                'cross-region restore',
                'on',
                a.cross_region_restore_enabled === undefined ? '(removed: off)' : 'off',
                'backups can no longer be restored in the paired region when the primary region is lost',
              ),
            ]
          : []),
        ...(lower(['Off', 'On', 'AlwaysOn'], softDelete(b), softDelete(a) ?? 'On')
          ? [
              hit(
                'deletion-guard-removed',
                'soft delete',
                softDelete(b),
                softDelete(a) ?? '(removed: On)',
                softDelete(a) === 'Off'
                  ? 'deleted backups are gone at once, with no recovery window'
                  : 'soft delete can now be switched off, after which deleted backups are gone at once',
              ),
            ]
          : []),
      ];
    },
  ],
  [
    /^azurerm_data_protection_backup_policy_blob_storage$/,
    (b, a) => {
      const out: RuleHit[] = [];
      for (const [key, what] of [
        ['vault_default_retention_duration', 'vaulted blob backups kept'],
        ['operational_default_retention_duration', 'operational blob backups kept'],
      ] as const) {
        const [db, da] = [isoDays(b[key]), isoDays(a[key])];
        if (db !== undefined && (da ?? 0) < db)
          out.push({
            ...hit(
              'backup-weakened',
              what,
              b[key],
              a[key] ?? '(removed)',
              'blobs can be restored from a shorter past: damage found later than that cannot be undone',
            ),
            explains: ['retention-shortened'],
          });
      }
      return out;
    },
  ],
  [
    /^azurerm_data_protection_backup_instance_blob_storage$/,
    (b, a) => {
      const dropped = list<string>(b.storage_account_container_names).filter(
        (c) => !list<string>(a.storage_account_container_names).includes(c),
      );
      return dropped.length
        ? [
            hit(
              'backup-weakened',
              'backed-up containers',
              list(b.storage_account_container_names).join(', '),
              list(a.storage_account_container_names).join(', ') || '(none)',
              `${dropped.join(', ')} no longer backed up to the vault`,
            ),
          ]
        : [];
    },
  ],
  [
    /^azurerm_storage_container_immutability_policy$/,
    (b, a) => [
      ...(b.locked === true && a.locked !== true
        ? [
            hit(
              'immutability-removed',
              'container immutability',
              'locked',
              'unlocked',
              'an administrator can shorten or delete the policy, and then the blobs',
            ),
          ]
        : []),
      ...((a.immutability_period_in_days ?? 0) < (b.immutability_period_in_days ?? 0)
        ? [
            {
              ...hit(
                'immutability-removed',
                'container immutability period',
                `${b.immutability_period_in_days} days`,
                `${a.immutability_period_in_days} days`,
                'blobs can be deleted sooner',
              ),
              explains: ['retention-shortened', 'backup-weakened'] as WeakeningRule[],
            },
          ]
        : []),
    ],
  ],
  [
    /^azurerm_management_lock$/,
    (b, a) =>
      (b.lock_level === 'CanNotDelete' || b.lock_level === 'ReadOnly') && !(a.lock_level === 'CanNotDelete' || a.lock_level === 'ReadOnly')
        ? [hit('deletion-guard-removed', 'management lock', b.lock_level, a.lock_level, 'the resource can be deleted')]
        : [],
  ],
];

// ---------------------------------------------------------------------------------------------
// Per-resource rules: Cloudflare

const SSL_MODES = ['off', 'flexible', 'full', 'strict'];
const SECURITY_LEVELS = ['off', 'essentially_off', 'low', 'medium', 'high', 'under_attack'];

function zoneHsts(v: unknown): Hsts | undefined {
  const s = isObj(v) ? v.strict_transport_security : undefined;
  if (!isObj(s)) return undefined;
  return {
    enabled: s.enabled === true,
    maxAge: Number(s.max_age ?? 0),
    includeSubdomains: s.include_subdomains === true,
    preload: s.preload === true,
  };
}

function zoneSettingHits(b: any, a: any): RuleHit[] {
  const id = String(a.setting_id ?? b.setting_id);
  const [vb, va] = [b.value, a.value];
  switch (id) {
    case 'ssl':
      return lower(SSL_MODES, vb, va)
        ? [
            hit(
              'tls-weakened',
              'SSL mode',
              vb,
              va,
              va === 'full'
                ? "Cloudflare no longer validates the origin's certificate: anyone on the path can impersonate the origin"
                : 'Cloudflare talks to the origin without (verified) TLS',
            ),
          ]
        : [];
    case 'always_use_https':
      return settingOn(vb) && !settingOn(va)
        ? [hit('tls-weakened', 'Always Use HTTPS', vb, va, 'plain-HTTP requests are served instead of redirected')]
        : [];
    case 'tls_1_3':
      return settingOn(vb) && !settingOn(va) ? [hit('tls-weakened', 'TLS 1.3', vb, va, 'clients fall back to TLS 1.2')] : [];
    case 'security_header': {
      const why = hstsWeakening(zoneHsts(vb), zoneHsts(va));
      return why ? [hit('hsts-weakened', 'HSTS', hstsText(zoneHsts(vb)), hstsText(zoneHsts(va)), why)] : [];
    }
    case 'browser_check':
    case 'waf':
      return settingOn(vb) && !settingOn(va)
        ? [hit('waf-not-blocking', id === 'waf' ? 'WAF' : 'browser integrity check', vb, va, 'requests it challenged or blocked now pass')]
        : [];
    case 'security_level':
      return lower(SECURITY_LEVELS, vb, va)
        ? [hit('waf-not-blocking', 'security level', vb, va, 'fewer suspicious visitors are challenged')]
        : [];
    case 'tls_client_auth':
      return settingOn(vb) && !settingOn(va)
        ? [
            hit(
              'client-cert-removed',
              'client certificate (tls_client_auth)',
              vb,
              va,
              'Cloudflare no longer presents its client certificate to the origin',
            ),
          ]
        : [];
    default:
      return [];
  }
}

/** What the zone falls back to when the setting resource is removed: Cloudflare's defaults. */
const ZONE_DEFAULT_HITS: Readonly<Record<string, (b: any) => RuleHit>> = {
  min_tls_version: (b) =>
    hit('tls-weakened', 'minimum TLS version', b.value, '(removed: Cloudflare default 1.0)', 'clients may negotiate TLS 1.0'),
  ssl: (b) =>
    hit(
      'tls-weakened',
      'SSL mode',
      b.value,
      '(removed: zone default)',
      'Cloudflare may talk to the origin without validating its certificate',
    ),
  always_use_https: (b) =>
    hit('tls-weakened', 'Always Use HTTPS', b.value, '(removed: off)', 'plain-HTTP requests are served instead of redirected'),
  security_header: (b) =>
    hit('hsts-weakened', 'HSTS', hstsText(zoneHsts(b.value)), '(removed: off)', 'browsers no longer refuse plain HTTP to this host'),
  browser_check: (b) =>
    hit('waf-not-blocking', 'browser integrity check', b.value, '(removed: zone default)', 'the check is no longer pinned on'),
  tls_client_auth: (b) =>
    hit(
      'client-cert-removed',
      'client certificate (tls_client_auth)',
      b.value,
      '(removed: off)',
      'Cloudflare no longer presents its client certificate to the origin',
    ),
};

function rulesetHits(b: any, a: any): RuleHit[] {
  const out: RuleHit[] = [];
  const refs = (c: any) =>
    new Map<string, any>(list(c.rules).map((r: any, i: number): [string, any] => [String(r?.ref ?? r?.id ?? r?.description ?? i), r]));
  const [rb, ra] = [refs(b), refs(a)];
  const blocking = (x: unknown) => /^(block|challenge|managed_challenge|js_challenge)$/i.test(String(x));
  for (const [ref, r] of rb) {
    const n = ra.get(ref);
    if (!n) {
      if (r.action === 'execute')
        out.push({
          ...hit(
            'waf-managed-group-dropped',
            `managed ruleset ${r.action_parameters?.id ?? ref} (rule ${ref})`,
            'executed',
            '(removed)',
            'the attacks it blocks (OWASP-class, known exploits) reach the origin',
          ),
          explains: ['waf-rule-removed'],
        });
      else
        out.push(
          hit(
            'waf-rule-removed',
            `${r.ratelimit ? 'rate-limit rule' : 'rule'} ${ref}`,
            r.ratelimit ? `${r.action}: ${rateText({ requests: r.ratelimit.requests_per_period, seconds: r.ratelimit.period })}` : r.action,
            '(removed)',
            'the traffic it stopped now reaches the origin',
          ),
        );
      continue;
    }
    if (blocking(r.action) && !blocking(n.action) && n.action !== 'execute')
      out.push({
        ...hit('waf-not-blocking', `rule ${ref} action`, r.action, n.action, 'matching requests are only logged or skipped'),
        explains: ['waf-not-blocking'],
      });
    const overrides = (x: any) => x?.action_parameters?.overrides;
    const [ob, oa] = [overrides(r), overrides(n)];
    if (r.action === 'execute') {
      const relaxed = (o: any) =>
        new Set([
          ...(o && (o.enabled === false || /^log$/i.test(String(o.action ?? ''))) ? ['(whole ruleset)'] : []),
          ...list(o?.categories)
            .filter((x: any) => x?.enabled === false || /^log$/i.test(String(x?.action ?? '')))
            .map((x: any) => `category ${x.category}`),
          ...list(o?.rules)
            .filter((x: any) => x?.enabled === false || /^log$/i.test(String(x?.action ?? '')))
            .map((x: any) => `rule ${x.id}`),
        ]);
      const added = [...relaxed(oa)].filter((x) => !relaxed(ob).has(x));
      if (added.length)
        out.push(
          hit(
            'waf-not-blocking',
            `managed ruleset ${r.action_parameters?.id ?? ref}`,
            'enforced',
            `${added.join(', ')} off or log only`,
            'requests those rules match are no longer blocked',
          ),
        );
    }
    const [lb, la] = [r.ratelimit, n.ratelimit];
    if (isObj(lb) && isObj(la)) {
      const [x, y] = [
        { requests: lb.requests_per_period, seconds: lb.period },
        { requests: la.requests_per_period, seconds: la.period },
      ];
      const by = typeof x.requests === 'number' && typeof y.requests === 'number' && x.seconds && y.seconds ? looserBy(x, y) : undefined;
      if (by)
        out.push(
          hit(
            'rate-limit-loosened',
            `rate limit ${ref}`,
            rateText(x),
            rateText(y),
            `each client may send ×${by} as many requests before it is blocked`,
          ),
        );
      if (
        typeof lb.mitigation_timeout === 'number' &&
        typeof la.mitigation_timeout === 'number' &&
        la.mitigation_timeout < lb.mitigation_timeout
      )
        out.push(
          hit(
            'rate-limit-loosened',
            `rate limit ${ref} block time`,
            `${lb.mitigation_timeout} s`,
            `${la.mitigation_timeout} s`,
            'a blocked client may resume sooner',
          ),
        );
      if (lb.requests_to_origin !== true && la.requests_to_origin === true)
        out.push(
          hit(
            'rate-limit-loosened',
            `rate limit ${ref} counts`,
            'every request',
            'only requests reaching the origin',
            'requests answered from cache no longer count',
          ),
        );
      const dropped = list<string>(lb.characteristics).filter((c) => !list<string>(la.characteristics).includes(c));
      if (dropped.length)
        out.push(
          hit(
            'rate-limit-key-coarser',
            `rate limit ${ref} counts per`,
            list(lb.characteristics).join(' + '),
            list(la.characteristics).join(' + ') || '(nothing)',
            `${dropped.join(', ')} no longer separates clients: many clients share one counter`,
          ),
        );
    }
  }
  return out;
}

const CLOUDFLARE_RULES: readonly [RegExp, (b: any, a: any) => RuleHit[]][] = [
  [/^cloudflare_zone_setting$/, zoneSettingHits],
  [/^cloudflare_ruleset$/, rulesetHits],
  [
    /^cloudflare_authenticated_origin_pulls_settings$/,
    (b, a) =>
      b.enabled === true && a.enabled !== true
        ? [
            hit(
              'client-cert-removed',
              'authenticated origin pulls',
              'on',
              'off',
              "Cloudflare no longer presents a client certificate: origins cannot tell its requests from anybody else's",
            ),
          ]
        : [],
  ],
  [
    /^cloudflare_authenticated_origin_pulls$/,
    (b, a) => {
      const on = (c: any) =>
        new Set(
          list(c.config)
            .filter((x: any) => x?.enabled !== false)
            .map((x: any) => String(x?.hostname ?? x?.cert_id)),
        );
      const off = [...on(b)].filter((h) => !on(a).has(h));
      return off.length
        ? [
            hit(
              'client-cert-removed',
              'per-hostname authenticated origin pulls',
              [...on(b)].join(', '),
              [...on(a)].join(', ') || '(none)',
              `${off.join(', ')} no longer present their own client certificate`,
            ),
          ]
        : [];
    },
  ],
  [
    /^cloudflare_(load_balancer|dns_record|record)$/,
    (b, a) =>
      b.proxied === true && a.proxied !== true
        ? [
            hit(
              'origin-lock-removed',
              'proxied',
              'on',
              'off',
              'traffic no longer passes through Cloudflare: DNS publishes the origin, and the WAF, rate limits and TLS ' +
                'settings stop applying',
            ),
          ]
        : [],
  ],
  [
    /^cloudflare_authenticated_origin_pulls_certificate$/,
    (b, a) =>
      isSharedOriginPullCertificate(a.certificate) && !isSharedOriginPullCertificate(b.certificate)
        ? [
            hit(
              'client-cert-removed',
              'zone client certificate',
              "the zone's own certificate",
              "a certificate of Cloudflare's shared origin-pull CA",
              "origins that trust the shared CA to accept it admit every Cloudflare customer's zone",
            ),
          ]
        : [],
  ],
  [
    /^cloudflare_url_normalization_settings$/,
    (b, a) => [
      ...(lower(['none', 'incoming', 'both'], b.scope, a.scope)
        ? [
            hit(
              'waf-not-blocking',
              'URL normalization scope',
              b.scope,
              a.scope,
              a.scope === 'none'
                ? 'WAF and rate-limit rules match the raw path: /login spelled //login or /%6Cogin escapes them'
                : 'the origin receives paths the rules did not see (normalized for the rules only): it may route a path no rule matched',
            ),
          ]
        : []),
      ...(String(b.type) === 'cloudflare' && String(a.type) === 'rfc3986'
        ? [
            hit(
              'waf-not-blocking',
              'URL normalization type',
              'cloudflare',
              'rfc3986',
              'backslashes and repeated slashes are no longer normalized: /login spelled \\login or //login escapes path rules',
            ),
          ]
        : []),
    ],
  ],
  [
    /^cloudflare_logpush_job$/,
    (b, a) =>
      b.enabled !== false && a.enabled === false
        ? [hit('logging-off', `logpush job ${b.dataset ?? ''}`.trim(), 'enabled', 'disabled', 'edge logs are no longer exported')]
        : [],
  ],
];

/** Resources whose removal (not a rename or move) switches a protection off. */
const REMOVAL_RULES: Readonly<Record<string, (c: any) => RuleHit | undefined>> = {
  azurerm_monitor_diagnostic_setting: (c) =>
    hit(
      'logging-off',
      `diagnostic setting of ${label(c.target_resource_id)}`,
      'sending logs',
      '(removed)',
      'its logs no longer reach the workspace',
    ),
  azurerm_network_watcher_flow_log: (c) =>
    hit(
      'logging-off',
      'flow log',
      `of ${label(c.target_resource_id ?? c.network_security_group_id)}`,
      '(removed)',
      'network flows are no longer recorded',
    ),
  azurerm_monitor_activity_log_alert: (c) =>
    hit('logging-off', 'activity log alert', c.name ?? 'alert', '(removed)', 'on-call is no longer told'),
  azurerm_security_center_subscription_pricing: (c) =>
    c.tier === 'Standard'
      ? hit(
          'logging-off',
          `Defender for ${c.resource_type ?? 'cloud'}`,
          'Standard',
          '(removed)',
          'threats against these resources are no longer detected',
        )
      : undefined,
  azurerm_storage_account_customer_managed_key: (c) =>
    hit(
      'encryption-provider-key',
      'storage customer-managed key',
      label(c.key_vault_key_id ?? c.key_name),
      '(removed)',
      'the account falls back to Microsoft-managed keys',
    ),
  azurerm_web_application_firewall_policy: (c) =>
    hit('waf-rule-removed', 'WAF policy', c.name ?? 'policy', '(removed)', 'every managed rule and rate limit of it stops applying'),
  azurerm_management_lock: (c) =>
    hit(
      'deletion-guard-removed',
      'management lock',
      `${c.lock_level} on ${label(c.scope)}`,
      '(removed)',
      'the resource can be deleted by anyone with delete rights, in one call',
    ),
  azurerm_storage_container_immutability_policy: (c) =>
    hit(
      'immutability-removed',
      'container immutability',
      `${c.locked ? 'locked' : 'unlocked'} ${c.immutability_period_in_days} days`,
      '(removed)',
      'blobs can be overwritten or deleted by anyone with write access',
    ),
  azurerm_data_protection_backup_instance_blob_storage: (c) =>
    hit(
      'backup-weakened',
      'blob backup',
      `${list(c.storage_account_container_names).join(', ') || 'containers'} of ${label(c.storage_account_id)}`,
      '(removed)',
      "the storage account's blobs are no longer backed up to the vault",
    ),
  azurerm_backup_protected_vm: (c) =>
    hit('backup-weakened', 'VM backup', label(c.source_vm_id), '(removed)', 'the machine is no longer backed up'),
  azurerm_subnet_network_security_group_association: (c) =>
    hit(
      'ingress-broadened',
      `NSG of subnet ${label(c.subnet_id)}`,
      label(c.network_security_group_id),
      '(none)',
      'the subnet has no NSG: anything in the virtual network (and, with a public IP, the Internet) can reach every port',
    ),
  cloudflare_authenticated_origin_pulls_settings: (c) =>
    c.enabled === true
      ? hit(
          'client-cert-removed',
          'authenticated origin pulls',
          'on',
          '(removed: off)',
          'Cloudflare no longer presents a client certificate to the origin',
        )
      : undefined,
  cloudflare_authenticated_origin_pulls_certificate: () =>
    hit(
      'client-cert-removed',
      'zone client certificate',
      "the zone's own certificate",
      "(removed: Cloudflare's shared certificate)",
      "the certificate every Cloudflare customer's zone presents now passes: another customer can reach the origin",
    ),
  cloudflare_authenticated_origin_pulls: () =>
    hit(
      'client-cert-removed',
      'per-hostname authenticated origin pulls',
      'on',
      '(removed)',
      'the hostnames no longer present their own client certificate',
    ),
  cloudflare_logpush_job: (c) =>
    hit('logging-off', `logpush job ${c.dataset ?? ''}`.trim(), 'exporting', '(removed)', 'edge logs are no longer exported'),
  cloudflare_ruleset: (c) =>
    c.phase === 'http_request_firewall_managed'
      ? hit(
          'waf-managed-group-dropped',
          `ruleset ${c.name ?? ''}`.trim(),
          'managed rules executed',
          '(removed)',
          'the attacks they block reach the origin',
        )
      : c.phase === 'http_ratelimit'
        ? hit(
            'waf-rule-removed',
            `ruleset ${c.name ?? ''}`.trim(),
            'rate limits',
            '(removed)',
            'clients are no longer rate limited at the edge',
          )
        : hit(
            'waf-rule-removed',
            `ruleset ${c.name ?? ''}`.trim(),
            `${list(c.rules).length} rules`,
            '(removed)',
            'the traffic they stopped reaches the origin',
          ),
  cloudflare_zone_setting: (c) => ZONE_DEFAULT_HITS[String(c.setting_id)]?.(c),
};

/**
 * Every rule hit of a Terraform stack's changed resources, by address. `pairs` are the resources
 * that changed (renames and moves marked; a moved resource's `before` is its old configuration).
 */
export function terraformRuleHits(pairs: readonly ResourcePair[], before: Resources, after: Resources): Map<string, RuleHit[]> {
  const out = new Map<string, RuleHit[]>();
  const add = (id: string, hits: readonly (RuleHit | undefined)[]) => {
    const real = hits.filter((h): h is RuleHit => h !== undefined);
    if (real.length) out.set(id, [...(out.get(id) ?? []), ...real]);
  };

  // NSGs touched by a change: the group itself or a standalone rule of it; a subnet association moved to another NSG.
  const nsgs = new Set<string>();
  for (const p of pairs) {
    if (p.type === 'azurerm_network_security_group' && p.after) nsgs.add(p.address);
    else if (p.type === 'azurerm_network_security_rule')
      for (const c of [p.before, p.after]) if (c) nsgs.add(refName(c.network_security_group_name) ?? label(c.network_security_group_name));
  }
  const associations = pairs.filter(
    (p) =>
      p.type === 'azurerm_subnet_network_security_group_association' &&
      p.before &&
      p.after &&
      label(p.before.network_security_group_id) !== label(p.after.network_security_group_id),
  );
  if (nsgs.size || associations.length) {
    const [rb, ra] = [nsgReach(before), nsgReach(after)];
    for (const g of nsgs) if (ra.has(g)) add(g, reachHits(rb.get(g), ra.get(g)));
    for (const p of associations) {
      const [gb, ga] = [refName(p.before.network_security_group_id), refName(p.after.network_security_group_id)];
      add(
        p.address,
        reachHits(
          gb ? rb.get(gb) : undefined,
          ga ? ra.get(ga) : undefined,
          `subnet ${label(p.after.subnet_id)} moved from ${gb} to ${ga}: `,
        ),
      );
    }
  }
  // Database firewall rules of a stack that existed (a new stack's rules are its first, not a widening).
  if (pairs.some((p) => FIREWALL_RULE.test(p.type) && p.stackExisted)) {
    const [fb, fa] = [firewallReach(before), firewallReach(after)];
    for (const [server, rules] of fa) {
      for (const w of compareReach(fb.get(server) ?? [], rules, 'ingress'))
        add(server, [
          hit(
            'ingress-broadened',
            'database firewall',
            w.summary.replace(/^all traffic from /, '').split(' → ')[0],
            w.summary.split(' → ')[1],
            `${w.detail}: these addresses reach the database`,
          ),
        ]);
    }
  }

  for (const p of pairs) {
    const rules = p.type.startsWith('cloudflare_') ? CLOUDFLARE_RULES : AZURE_RULES;
    if (p.before && p.after) {
      for (const [types, rule] of rules) if (types.test(p.type)) add(p.address, rule(p.before, p.after));
    } else if (p.before && !p.after && !p.renamed && p.stackExisted) {
      add(p.address, [REMOVAL_RULES[p.type]?.(p.before)]);
    } else if (!p.before && p.after && !p.renamed && p.stackExisted) {
      if (p.type === 'azurerm_public_ip')
        add(p.address, [
          hit(
            'public-exposure',
            'public IP address',
            '(none)',
            `${p.after.sku ?? ''} ${p.after.ip_version ?? 'IPv4'}`.trim(),
            'a new address reachable from the Internet (what it is attached to and its NSG decide who gets in)',
          ),
        ]);
      if (p.type === 'azurerm_role_assignment') add(p.address, roleHits(undefined, p.after));
    }
  }
  return out;
}
