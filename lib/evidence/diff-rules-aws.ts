// The weakening rules over CloudFormation (lib/evidence/diff-model.ts WEAKENING_RULES): for each
// resource that changed, what a reviewer must see, named with before → after and what it means.
// Security group reach and public subnets are computed from maps built once per template; every
// other rule reads one resource. Each rule is tested by a weakening of the real synthesized stacks
// of the default config (test/evidence/diff-weakenings.test.ts), written against the
// CloudFormation resource specification.
import type { RuleHit } from './diff-model';
import { compareReach, peerOf, type Peer, type ReachRule, worldRange } from './diff-reach';
import {
  hit,
  hstsText,
  hstsWeakening,
  isObj,
  label,
  list,
  looserBy,
  lower,
  parseHstsHeader,
  rateText,
  refName,
  type Hsts,
  type Rate,
  type ResourcePair,
} from './diff-rules';

type Template = { Resources?: Record<string, any> } | undefined;

const props = (r: any): Record<string, any> => (isObj(r?.Properties) ? r.Properties : {});

// ---------------------------------------------------------------------------------------------
// Security group reach

function protocolOf(p: unknown): string {
  const s = String(p ?? '-1').toLowerCase();
  return ({ '-1': 'all', all: 'all', '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6' } as Record<string, string>)[s] ?? s;
}

function sgRule(e: any, direction: 'ingress' | 'egress'): ReachRule | undefined {
  if (!isObj(e)) return undefined;
  const protocol = protocolOf(e.IpProtocol);
  const portless = protocol === 'all' || protocol.startsWith('icmp');
  const from = portless || typeof e.FromPort !== 'number' || e.FromPort < 0 ? 0 : e.FromPort;
  const to = portless || typeof e.ToPort !== 'number' || e.ToPort < 0 ? 65535 : e.ToPort;
  const peers: Peer[] = [];
  for (const key of ['CidrIp', 'CidrIpv6'])
    if (e[key] !== undefined) peers.push(typeof e[key] === 'string' ? peerOf(e[key]) : { kind: 'tag', text: label(e[key]) });
  const group = direction === 'ingress' ? (e.SourceSecurityGroupId ?? e.SourceSecurityGroupName) : e.DestinationSecurityGroupId;
  if (group !== undefined) peers.push({ kind: 'tag', text: `security group ${label(group)}` });
  const list = direction === 'ingress' ? e.SourcePrefixListId : e.DestinationPrefixListId;
  if (list !== undefined) peers.push({ kind: 'tag', text: `prefix list ${label(list)}` });
  return peers.length ? { protocol, from, to, peers } : undefined;
}

interface GroupReach {
  ingress: ReachRule[];
  egress: ReachRule[];
}

/** Every security group's rules, inline and standalone, by the group's logical id. */
export function securityGroupReach(template: Template): Map<string, GroupReach> {
  const out = new Map<string, GroupReach>();
  const of = (key: string) => {
    const g = out.get(key) ?? { ingress: [], egress: [] };
    out.set(key, g);
    return g;
  };
  const resources = Object.entries<any>(template?.Resources ?? {});
  // Groups with a standalone egress rule: CloudFormation removes EC2's default allow-all egress
  // rule when the first one is added (aws-cdk relies on this when it drops its inline
  // "Disallow all traffic" placeholder), so such a group sends only where its rules say.
  const standaloneEgress = new Set(
    resources.filter(([, r]) => r?.Type === 'AWS::EC2::SecurityGroupEgress').map(([, r]) => label(props(r).GroupId ?? props(r).GroupName)),
  );
  for (const [id, r] of resources) {
    const p = props(r);
    if (r?.Type === 'AWS::EC2::SecurityGroup') {
      const g = of(id);
      for (const e of list(p.SecurityGroupIngress)) {
        const rule = sgRule(e, 'ingress');
        if (rule) g.ingress.push(rule);
      }
      // Without any egress rule, inline or standalone, EC2 gives the group one that allows all outbound IPv4 traffic.
      if (p.SecurityGroupEgress === undefined && !standaloneEgress.has(id))
        g.egress.push({
          protocol: 'all',
          from: 0,
          to: 65535,
          peers: [{ kind: 'cidr', text: '0.0.0.0/0 (the default egress rule)', range: worldRange(4) }],
        });
      for (const e of list(p.SecurityGroupEgress)) {
        const rule = sgRule(e, 'egress');
        if (rule) g.egress.push(rule);
      }
    } else if (r?.Type === 'AWS::EC2::SecurityGroupIngress' || r?.Type === 'AWS::EC2::SecurityGroupEgress') {
      const direction = r.Type.endsWith('Ingress') ? 'ingress' : 'egress';
      const rule = sgRule(p, direction);
      if (rule) of(label(p.GroupId ?? p.GroupName))[direction].push(rule);
    }
  }
  return out;
}

const isWorldPeer = (p: Peer) =>
  p.kind === 'any' || (p.kind === 'cidr' && p.range.lo === 0n && p.range.hi === worldRange(p.range.family).hi);

/** Reach hits of one group: widened ingress (or origin lock lost), ports, egress. A new group reports only world-open ingress. */
export function reachHits(before: GroupReach | undefined, after: GroupReach | undefined): RuleHit[] {
  if (!after) return [];
  const out: RuleHit[] = [];
  const fresh = !before;
  for (const direction of ['ingress', 'egress'] as const) {
    if (fresh && direction === 'egress') continue;
    const rules = fresh
      ? after.ingress.filter((r) => r.peers.some(isWorldPeer)).map((r) => ({ ...r, peers: r.peers.filter(isWorldPeer) }))
      : after[direction];
    for (const w of compareReach(before?.[direction] ?? [], rules, direction)) {
      const rule =
        direction === 'egress'
          ? 'egress-widened'
          : w.kind === 'ports'
            ? 'port-range-widened'
            : w.kind === 'origin-lock'
              ? 'origin-lock-removed'
              : 'ingress-broadened';
      const explains = ['ingress-broadened', 'exposure-on'] as const;
      const meaning =
        w.kind === 'origin-lock'
          ? `the origin admits clients that bypass Cloudflare (and its WAF and rate limits): ${w.detail}`
          : direction === 'egress'
            ? `hosts in this group can send to more destinations (exfiltration, command and control): ${w.detail}`
            : w.detail;
      out.push({ rule, text: `${w.summary} — ${meaning}`, explains });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Public subnets

/** Subnets whose route table sends 0.0.0.0/0 or ::/0 to an Internet gateway. */
export function publicSubnets(template: Template): Set<string> {
  const resources = template?.Resources ?? {};
  const igwTables = new Set<string>();
  for (const r of Object.values<any>(resources)) {
    if (r?.Type !== 'AWS::EC2::Route') continue;
    const p = props(r);
    const gateway = refName(p.GatewayId);
    const toIgw =
      (gateway && resources[gateway]?.Type === 'AWS::EC2::InternetGateway') ||
      (typeof p.GatewayId === 'string' && p.GatewayId.startsWith('igw-'));
    if (toIgw && (p.DestinationCidrBlock === '0.0.0.0/0' || p.DestinationIpv6CidrBlock === '::/0')) {
      const table = refName(p.RouteTableId);
      if (table) igwTables.add(table);
    }
  }
  const out = new Set<string>();
  for (const r of Object.values<any>(resources)) {
    if (r?.Type !== 'AWS::EC2::SubnetRouteTableAssociation') continue;
    const [subnet, table] = [refName(props(r).SubnetId), refName(props(r).RouteTableId)];
    if (subnet && table && igwTables.has(table)) out.add(subnet);
  }
  return out;
}

/** The subnets a resource is placed in (SubnetId, SubnetIds, Subnets, VPCZoneIdentifier, network interfaces, VpcConfig), by logical id. */
function subnetRefs(p: any, out = new Set<string>(), key = ''): Set<string> {
  if (Array.isArray(p)) for (const x of p) subnetRefs(x, out, key);
  else if (isObj(p)) {
    const name = refName(p);
    if (name && /subnet|vpczoneidentifier/i.test(key)) out.add(name);
    else
      for (const [k, v] of Object.entries(p))
        subnetRefs(v, out, /subnet|vpczoneidentifier/i.test(k) ? k : key && !/^(Ref|Fn::)/.test(k) ? key : '');
  }
  return out;
}

const PLACEMENT_EXEMPT = new RegExp(
  '^AWS::EC2::(Subnet|SubnetRouteTableAssociation|Route|NatGateway|SubnetNetworkAclAssociation|VPCEndpoint)$|^AWS::ElasticLoad' +
    'BalancingV2::LoadBalancer$',
);

// ---------------------------------------------------------------------------------------------
// Per-resource rules

const CMK_KEYS = new RegExp(
  '^(KmsKeyId|KMSKeyId|KmsMasterKeyId|KMSMasterKeyID|KmsKeyArn|EncryptionKeyArn|KmsKeyIdentifier|PerformanceInsightsKMSKeyId|A' +
    'utomaticBackupReplicationKmsKeyId)$',
);

/** Every customer key reference under a value, by path. */
function keyRefs(v: unknown, path = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (Array.isArray(v))
    v.forEach((x, i) => {
      keyRefs(x, `${path}[${i}]`, out);
    });
  else if (isObj(v))
    for (const [k, x] of Object.entries(v))
      CMK_KEYS.test(k) ? out.set(path ? `${path}.${k}` : k, x) : keyRefs(x, path ? `${path}.${k}` : k, out);
  return out;
}
const awsManaged = (v: unknown) => typeof v === 'string' && /alias\/aws\//.test(v);

function encryptionHits(type: string, b: any, a: any): RuleHit[] {
  const out: RuleHit[] = [];
  // S3: since 2023 every bucket is encrypted; dropping the KMS configuration falls back to S3-managed keys.
  if (type === 'AWS::S3::Bucket') {
    const algo = (p: any) =>
      list(p.BucketEncryption?.ServerSideEncryptionConfiguration)
        .map((c: any) => c?.ServerSideEncryptionByDefault?.SSEAlgorithm)
        .find(Boolean);
    const [was, now] = [algo(b), algo(a)];
    if (typeof was === 'string' && was.startsWith('aws:kms') && !(typeof now === 'string' && now.startsWith('aws:kms'))) {
      out.push({
        ...hit(
          'encryption-provider-key',
          'bucket encryption',
          `${was} (customer-managed KMS key)`,
          now ?? 'S3 default (SSE-S3)',
          'objects are encrypted with keys AWS holds: no key policy decides who can decrypt, and key use is not logged in CloudTrail',
        ),
        explains: ['encryption-removed'],
      });
      return out;
    }
  }
  if (b.StorageEncrypted === true && a.StorageEncrypted !== true)
    out.push(
      hit(
        'encryption-removed',
        'storage encryption',
        'on',
        a.StorageEncrypted === undefined ? '(removed: off)' : 'off',
        'the database storage, its snapshots and replicas are written unencrypted',
      ),
    );
  const [was, now] = [keyRefs(b), keyRefs(a)];
  for (const [path, key] of was) {
    if (awsManaged(key)) continue;
    const next = now.get(path);
    if (next !== undefined && !awsManaged(next)) continue;
    if (out.length && /^(KmsKeyId|KMSKeyId)$/.test(path) && b.StorageEncrypted === true && a.StorageEncrypted !== true) continue;
    const meaning =
      type === 'AWS::SNS::Topic'
        ? 'messages are stored without server-side encryption under your key'
        : 'data falls back to an AWS-managed key (or none): no key policy of yours decides who can decrypt';
    out.push({
      ...hit(
        'encryption-provider-key',
        path,
        `customer-managed key ${label(key)}`,
        next === undefined ? '(removed)' : label(next),
        meaning,
      ),
      explains: ['encryption-removed'],
    });
  }
  return out;
}

function hstsOfListener(p: any): Hsts | undefined {
  const attr = list(p.ListenerAttributes).find((x: any) => x?.Key === 'routing.http.response.strict_transport_security.header_value');
  return parseHstsHeader(attr?.Value);
}

function hstsOfPolicy(p: any): Hsts | undefined {
  const s = p.ResponseHeadersPolicyConfig?.SecurityHeadersConfig?.StrictTransportSecurity;
  if (!isObj(s)) return undefined;
  return {
    enabled: Number(s.AccessControlMaxAgeSec) > 0,
    maxAge: Number(s.AccessControlMaxAgeSec ?? 0),
    includeSubdomains: s.IncludeSubdomains === true,
    preload: s.Preload === true,
  };
}

const AGGREGATE = ['CONSTANT', 'IP', 'CUSTOM_KEYS', 'FORWARDED_IP'];

function wafRules(p: any): Map<string, any> {
  return new Map(
    list(p.Rules)
      .filter((r: any) => typeof r?.Name === 'string')
      .map((r: any) => [r.Name, r]),
  );
}

function managedName(statement: any): string | undefined {
  const m = statement?.ManagedRuleGroupStatement;
  return m ? `${m.VendorName ?? ''}/${m.Name ?? ''}` : undefined;
}

/**
 * Headers the edge writes itself on every proxied request, replacing whatever the client sent
 * (Cloudflare's CF-Connecting-IP and True-Client-IP). Any other header, X-Forwarded-For first,
 * carries a first address the client chose: WAF reads only that first address.
 */
const EDGE_WRITTEN_IP_HEADERS = new Set(['cf-connecting-ip', 'true-client-ip']);

/** A FORWARDED_IP rate key read from a header the client writes, or a fallback that stops counting. */
function forwardedIpHits(name: string, b: any, a: any): RuleHit[] {
  const out: RuleHit[] = [];
  const [hb, ha] = [String(b?.HeaderName ?? ''), String(a?.HeaderName ?? '')];
  if (EDGE_WRITTEN_IP_HEADERS.has(hb.toLowerCase()) && !EDGE_WRITTEN_IP_HEADERS.has(ha.toLowerCase())) {
    out.push(
      hit(
        'rate-limit-key-coarser',
        `rate limit ${name} client address header`,
        hb,
        ha || '(none)',
        `the edge does not write ${ha || 'that header'}, the client does (Cloudflare appends to an X-Forwarded-For it ` +
          `receives and WAF reads the first address): a fresh value per request gets a fresh counter, so the limit never trips`,
      ),
    );
  }
  if (b?.FallbackBehavior === 'MATCH' && a?.FallbackBehavior === 'NO_MATCH') {
    out.push(
      hit(
        'rate-limit-loosened',
        `rate limit ${name} requests without a valid address in ${ha || hb}`,
        'counted (MATCH)',
        'not counted (NO_MATCH)',
        'a request whose header holds no valid address is no longer counted against any limit',
      ),
    );
  }
  return out;
}

function webAclHits(b: any, a: any): RuleHit[] {
  const out: RuleHit[] = [];
  if (b.DefaultAction?.Block && !a.DefaultAction?.Block)
    out.push(hit('waf-not-blocking', 'default action', 'Block', 'Allow', 'requests no rule matches are let through'));
  const [was, now] = [wafRules(b), wafRules(a)];
  for (const [name, rule] of was) {
    const next = now.get(name);
    const managed = managedName(rule.Statement);
    if (!next) {
      if (managed)
        out.push({
          ...hit(
            'waf-managed-group-dropped',
            `managed rule group ${managed} (rule ${name})`,
            'evaluated',
            '(removed)',
            'the attacks it blocks (OWASP-class, known bad inputs, bad reputation...) reach the application',
          ),
          explains: ['waf-rule-removed'],
        });
      else
        out.push(
          hit(
            'waf-rule-removed',
            `WAF rule ${name}`,
            rule.Statement?.RateBasedStatement
              ? `rate limit ` +
                  rateText({
                    requests: rule.Statement.RateBasedStatement.Limit,
                    seconds: rule.Statement.RateBasedStatement.EvaluationWindowSec ?? 300,
                  })
              : 'Block',
            '(removed)',
            'the traffic it stopped now reaches the application',
          ),
        );
      continue;
    }
    const action = (r: any) => Object.keys(r.Action ?? {})[0];
    if (['Block', 'Challenge', 'Captcha'].includes(action(rule)) && !['Block', 'Challenge', 'Captcha'].includes(action(next)))
      out.push(
        hit(
          'waf-not-blocking',
          `WAF rule ${name} action`,
          action(rule),
          action(next) ?? '(none)',
          'matching requests are only counted or allowed, not stopped',
        ),
      );
    if (managed && !rule.OverrideAction?.Count && next.OverrideAction?.Count)
      out.push(
        hit(
          'waf-not-blocking',
          `managed rule group ${managed}`,
          'enforced',
          'Count (override)',
          'every rule of the group only counts: nothing it matches is blocked',
        ),
      );
    if (managed) {
      const overridden = (r: any) =>
        new Set([
          ...list(r.Statement?.ManagedRuleGroupStatement?.RuleActionOverrides)
            .filter((o: any) => !o?.ActionToUse?.Block)
            .map((o: any) => String(o?.Name)),
          ...list(r.Statement?.ManagedRuleGroupStatement?.ExcludedRules).map((o: any) => String(o?.Name)),
        ]);
      const added = [...overridden(next)].filter((n) => !overridden(rule).has(n));
      if (added.length)
        out.push(
          hit(
            'waf-not-blocking',
            `managed rule group ${managed}`,
            'all rules block',
            `${added.join(', ')} only count`,
            'requests those rules match are no longer blocked',
          ),
        );
    }
    const [rb, ra] = [rule.Statement?.RateBasedStatement, next.Statement?.RateBasedStatement];
    if (rb && ra) {
      const [before, after]: Rate[] = [
        { requests: rb.Limit, seconds: rb.EvaluationWindowSec ?? 300 },
        { requests: ra.Limit, seconds: ra.EvaluationWindowSec ?? 300 },
      ];
      const by = typeof rb.Limit === 'number' && typeof ra.Limit === 'number' ? looserBy(before, after) : undefined;
      if (by)
        out.push(
          hit(
            'rate-limit-loosened',
            `rate limit ${name}`,
            rateText(before),
            rateText(after),
            `each client may send ×${by} as many requests before it is blocked (more password guesses, more scraping)`,
          ),
        );
      const keys = (s: any) => list(s.CustomKeys).map((k: any) => Object.keys(k ?? {})[0]);
      const dropped = keys(rb).filter((k) => !keys(ra).includes(k));
      if (lower(AGGREGATE, rb.AggregateKeyType, ra.AggregateKeyType)) {
        out.push(
          hit(
            'rate-limit-key-coarser',
            `rate limit ${name} counts per`,
            rb.AggregateKeyType,
            ra.AggregateKeyType,
            rb.AggregateKeyType === 'FORWARDED_IP'
              ? "behind a proxy or CDN every client shares the proxy's address: one counter for many clients, so the limit " +
                  'trips for all or for none'
              : 'requests are counted over a coarser key: clients share one counter',
          ),
        );
      } else if (rb.AggregateKeyType === 'CUSTOM_KEYS' && ra.AggregateKeyType === 'CUSTOM_KEYS' && dropped.length) {
        out.push(
          hit(
            'rate-limit-key-coarser',
            `rate limit ${name} keys`,
            keys(rb).join(' + '),
            keys(ra).join(' + ') || '(none)',
            `${dropped.join(', ')} no longer separates clients: more clients share one counter`,
          ),
        );
      }
      if (rb.AggregateKeyType === 'FORWARDED_IP' && ra.AggregateKeyType === 'FORWARDED_IP')
        out.push(...forwardedIpHits(name, rb.ForwardedIPConfig, ra.ForwardedIPConfig));
    }
  }
  return out;
}

function listenerHits(b: any, a: any): RuleHit[] {
  const out: RuleHit[] = [];
  const mode = (p: any) => (isObj(p.MutualAuthentication) ? String(p.MutualAuthentication.Mode ?? 'off') : 'off');
  if (mode(b) === 'verify' && mode(a) !== 'verify')
    out.push(
      hit(
        'client-cert-removed',
        'mutual TLS',
        'verify (client certificate checked against the trust store)',
        a.MutualAuthentication === undefined ? '(removed: off)' : mode(a),
        mode(a) === 'passthrough'
          ? 'the load balancer forwards any client certificate unchecked: only the application could still refuse a client that ' +
              'is not the edge'
          : "clients without the edge's certificate are admitted: origin lock rests on addresses alone",
      ),
    );
  else if (
    mode(b) === 'verify' &&
    b.MutualAuthentication?.IgnoreClientCertificateExpiry !== true &&
    a.MutualAuthentication?.IgnoreClientCertificateExpiry === true
  )
    out.push(
      hit('client-cert-removed', 'mutual TLS certificate expiry', 'enforced', 'ignored', 'expired client certificates are accepted'),
    );
  if (b.Protocol === 'HTTPS' && a.Protocol !== undefined && a.Protocol !== 'HTTPS')
    out.push(hit('tls-weakened', 'listener protocol', 'HTTPS', a.Protocol, 'traffic to the load balancer is no longer encrypted'));
  const redirects = (p: any) => list(p.DefaultActions).some((x: any) => x?.Type === 'redirect' && x?.RedirectConfig?.Protocol === 'HTTPS');
  if (redirects(b) && !redirects(a))
    out.push(
      hit(
        'tls-weakened',
        'HTTP listener',
        'redirects to HTTPS',
        list(a.DefaultActions)
          .map((x: any) => x?.Type)
          .join(', ') || '(no action)',
        'plain-HTTP requests are served instead of being sent to HTTPS',
      ),
    );
  const why = hstsWeakening(hstsOfListener(b), hstsOfListener(a));
  if (why) out.push(hit('hsts-weakened', 'HSTS header', hstsText(hstsOfListener(b)), hstsText(hstsOfListener(a)), why));
  return out;
}

function lbAttributes(p: any): Map<string, unknown> {
  return new Map(list(p.LoadBalancerAttributes).map((x: any) => [String(x?.Key), x?.Value]));
}

function loadBalancerHits(b: any, a: any): RuleHit[] {
  const out: RuleHit[] = [];
  if (b.Scheme === 'internal' && a.Scheme === 'internet-facing')
    out.push(
      hit(
        'public-exposure',
        'load balancer scheme',
        'internal',
        'internet-facing',
        'the load balancer gets public addresses and is reachable from the Internet',
      ),
    );
  const [was, now] = [lbAttributes(b), lbAttributes(a)];
  const off = (key: string) => String(was.get(key)) === 'true' && String(now.get(key)) !== 'true';
  if (off('access_logs.s3.enabled'))
    out.push(
      hit(
        'logging-off',
        'access logs',
        'on',
        now.has('access_logs.s3.enabled') ? 'off' : '(removed: off)',
        'requests to the load balancer are no longer recorded',
      ),
    );
  if (off('connection_logs.s3.enabled'))
    out.push(hit('logging-off', 'connection logs', 'on', 'off', 'TLS connections (and client certificates) are no longer recorded'));
  if (off('deletion_protection.enabled'))
    out.push(
      hit('deletion-guard-removed', 'deletion protection', 'on', 'off', 'the load balancer can be deleted by one API call or stack update'),
    );
  if (off('routing.http.drop_invalid_header_fields.enabled'))
    out.push(
      hit('protection-off', 'drop invalid header fields', 'on', 'off', 'malformed headers reach the application (request smuggling)'),
    );
  return out;
}

const VIEWER = ['allow-all', 'redirect-to-https', 'https-only'];
const ORIGIN = ['http-only', 'match-viewer', 'https-only'];

function distributionHits(b: any, a: any): RuleHit[] {
  const out: RuleHit[] = [];
  const [db, da] = [b.DistributionConfig ?? {}, a.DistributionConfig ?? {}];
  const behaviours = (d: any) =>
    new Map<string, any>([
      ['default', d.DefaultCacheBehavior ?? {}],
      ...list(d.CacheBehaviors).map((c: any): [string, any] => [String(c?.PathPattern), c]),
    ]);
  const [bb, ba] = [behaviours(db), behaviours(da)];
  for (const [path, x] of bb) {
    const y = ba.get(path);
    if (!y) continue;
    if (lower(VIEWER, x.ViewerProtocolPolicy, y.ViewerProtocolPolicy))
      out.push(
        hit(
          'tls-weakened',
          `viewer protocol (${path} behaviour)`,
          x.ViewerProtocolPolicy,
          y.ViewerProtocolPolicy,
          'viewers may fetch over plain HTTP',
        ),
      );
    if (x.ResponseHeadersPolicyId !== undefined && y.ResponseHeadersPolicyId === undefined)
      out.push(
        hit(
          'hsts-weakened',
          `response headers policy (${path} behaviour)`,
          label(x.ResponseHeadersPolicyId),
          '(removed)',
          'HSTS and the other security headers are no longer added',
        ),
      );
  }
  const origins = (d: any) => new Map<string, any>(list(d.Origins).map((o: any): [string, any] => [String(o?.Id), o]));
  const [ob, oa] = [origins(db), origins(da)];
  for (const [id, o] of ob) {
    const n = oa.get(id);
    if (!n) continue;
    if (o.OriginAccessControlId && !n.OriginAccessControlId)
      out.push(
        hit(
          'origin-lock-removed',
          `origin ${id} access control`,
          'CloudFront only (origin access control)',
          '(removed)',
          'the bucket behind the distribution no longer admits signed CloudFront requests only; with a public policy it is ' +
            'reachable directly',
        ),
      );
    const [pb, pa] = [o.CustomOriginConfig?.OriginProtocolPolicy, n.CustomOriginConfig?.OriginProtocolPolicy];
    if (lower(ORIGIN, pb, pa))
      out.push(hit('tls-weakened', `origin ${id} protocol`, pb, pa, 'CloudFront may fetch from the origin over plain HTTP'));
  }
  if (db.WebACLId !== undefined && da.WebACLId === undefined)
    out.push(
      hit(
        'waf-rule-removed',
        'web ACL',
        label(db.WebACLId),
        '(removed)',
        'the distribution no longer has a WAF: nothing blocks attacks or rate limits clients at the edge',
      ),
    );
  if (db.Logging !== undefined && da.Logging === undefined)
    out.push(hit('logging-off', 'access logs', 'on', '(removed: off)', 'requests to the distribution are no longer recorded'));
  return out;
}

function bucketHits(b: any, a: any): RuleHit[] {
  const out: RuleHit[] = [];
  const lock = (p: any) =>
    p.ObjectLockEnabled === true || p.ObjectLockConfiguration?.ObjectLockEnabled === 'Enabled'
      ? (p.ObjectLockConfiguration?.Rule?.DefaultRetention ?? {})
      : undefined;
  const [lb, la] = [lock(b), lock(a)];
  const days = (r: any) => (typeof r?.Days === 'number' ? r.Days : typeof r?.Years === 'number' ? r.Years * 365 : undefined);
  const text = (r: any) => (r === undefined ? 'off' : r.Mode ? `${r.Mode} ${days(r) ?? '?'} days` : 'on (no default retention)');
  if (lb && !la)
    out.push(
      hit(
        'immutability-removed',
        'Object Lock',
        text(lb),
        '(off)',
        'new objects can be overwritten or deleted by anyone with write access, including an attacker or a ransomware key',
      ),
    );
  else if (lb && la) {
    if (lb.Mode === 'COMPLIANCE' && la.Mode !== 'COMPLIANCE')
      out.push(
        hit(
          'immutability-removed',
          'Object Lock mode',
          text(lb),
          text(la),
          'a privileged user can now shorten or remove the retention (GOVERNANCE can be bypassed)',
        ),
      );
    else if ((days(la) ?? 0) < (days(lb) ?? 0))
      out.push(hit('immutability-removed', 'Object Lock retention', text(lb), text(la), 'objects can be deleted sooner'));
  }
  if (b.VersioningConfiguration?.Status === 'Enabled' && a.VersioningConfiguration?.Status !== 'Enabled')
    out.push(
      hit(
        'backup-weakened',
        'versioning',
        'Enabled',
        a.VersioningConfiguration?.Status ?? '(removed)',
        'overwritten or deleted objects can no longer be recovered',
      ),
    );
  if (b.ReplicationConfiguration !== undefined && a.ReplicationConfiguration === undefined)
    out.push(hit('backup-weakened', 'replication', 'to the DR bucket', '(removed)', 'objects are no longer copied to the second region'));
  return out;
}

function databaseHits(type: string, b: any, a: any): RuleHit[] {
  const out: RuleHit[] = [];
  if (typeof b.BackupRetentionPeriod === 'number' && b.BackupRetentionPeriod > 0 && a.BackupRetentionPeriod === 0)
    out.push(
      hit(
        'backup-weakened',
        'automated backups',
        `${b.BackupRetentionPeriod} days`,
        0,
        'no automated backups and no point-in-time recovery',
      ),
    );
  if (b.AutomaticBackupReplicationRegion !== undefined && a.AutomaticBackupReplicationRegion === undefined)
    out.push(
      hit(
        'backup-weakened',
        'backup replication',
        b.AutomaticBackupReplicationRegion,
        '(removed)',
        'backups are no longer copied to the DR region',
      ),
    );
  const exports = (p: any) => list<string>(p.EnableCloudwatchLogsExports);
  const dropped = exports(b).filter((x) => !exports(a).includes(x));
  if (dropped.length)
    out.push(
      hit(
        'logging-off',
        'log exports',
        exports(b).join(', '),
        exports(a).join(', ') || '(none)',
        `${dropped.join(', ')} logs no longer reach CloudWatch`,
      ),
    );
  if (type === 'AWS::RDS::DBParameterGroup' || type === 'AWS::RDS::DBClusterParameterGroup') {
    const [pb, pa] = [b.Parameters ?? {}, a.Parameters ?? {}];
    if (String(pb['rds.force_ssl']) === '1' && String(pa['rds.force_ssl']) !== '1')
      out.push(
        hit('tls-weakened', 'rds.force_ssl', '1', pa['rds.force_ssl'] ?? '(removed: 0)', 'clients may connect to the database without TLS'),
      );
    for (const p of ['log_connections', 'log_disconnections', 'pgaudit.log'])
      if (
        pb[p] !== undefined &&
        ['1', 'on', 'all'].includes(String(pb[p]).toLowerCase()) &&
        !['1', 'on', 'all'].includes(String(pa[p] ?? '').toLowerCase())
      )
        out.push(hit('logging-off', p, pb[p], pa[p] ?? '(removed)', 'database sessions are no longer logged'));
  }
  return out;
}

function backupPlanHits(b: any, a: any): RuleHit[] {
  const out: RuleHit[] = [];
  const rules = (p: any) =>
    new Map<string, any>(list(p.BackupPlan?.BackupPlanRule).map((r: any): [string, any] => [String(r?.RuleName), r]));
  const [rb, ra] = [rules(b), rules(a)];
  for (const [name, r] of rb) {
    const n = ra.get(name);
    if (!n) {
      out.push(
        hit(
          'backup-weakened',
          `backup rule ${name}`,
          r.ScheduleExpression ?? 'scheduled',
          '(removed)',
          'these backups are no longer taken',
        ),
      );
      continue;
    }
    if (r.EnableContinuousBackup === true && n.EnableContinuousBackup !== true)
      out.push(hit('backup-weakened', `backup rule ${name} continuous backup`, 'on', 'off', 'no point-in-time recovery from AWS Backup'));
    if (list(r.CopyActions).length > 0 && list(n.CopyActions).length === 0)
      out.push(
        hit(
          'backup-weakened',
          `backup rule ${name} copies`,
          list(r.CopyActions)
            .map((c: any) => label(c?.DestinationBackupVaultArn))
            .join(', '),
          '(none)',
          'backups are no longer copied to the DR region',
        ),
      );
  }
  return out;
}

function trailHits(b: any, a: any): RuleHit[] {
  const out: RuleHit[] = [];
  if (b.IsMultiRegionTrail === true && a.IsMultiRegionTrail !== true)
    out.push(
      hit('logging-off', 'multi-region trail', 'all regions', 'this region only', 'API activity in other regions is no longer recorded'),
    );
  if (b.EnableLogFileValidation === true && a.EnableLogFileValidation !== true)
    out.push(
      hit('immutability-removed', 'log file validation', 'on', 'off', 'tampering with delivered audit logs can no longer be detected'),
    );
  return out;
}

function vaultHits(b: any, a: any): RuleHit[] {
  const [lb, la] = [b.LockConfiguration, a.LockConfiguration];
  if (isObj(lb) && !isObj(la))
    return [
      hit(
        'immutability-removed',
        'vault lock',
        `min retention ${lb.MinRetentionDays ?? '?'} days`,
        '(removed)',
        'recovery points can be deleted early, by an attacker with backup permissions too',
      ),
    ];
  if (isObj(lb) && isObj(la) && (la.MinRetentionDays ?? 0) < (lb.MinRetentionDays ?? 0))
    return [
      {
        ...hit(
          'immutability-removed',
          'vault lock minimum retention',
          `${lb.MinRetentionDays} days`,
          `${la.MinRetentionDays ?? 0} days`,
          'recovery points can be deleted sooner',
        ),
        explains: ['retention-shortened', 'backup-weakened'],
      },
    ];
  return [];
}

function headersPolicyHits(b: any, a: any): RuleHit[] {
  const why = hstsWeakening(hstsOfPolicy(b), hstsOfPolicy(a));
  const out = why ? [hit('hsts-weakened', 'HSTS', hstsText(hstsOfPolicy(b)), hstsText(hstsOfPolicy(a)), why)] : [];
  const s = (p: any) => p.ResponseHeadersPolicyConfig?.SecurityHeadersConfig?.StrictTransportSecurity;
  if (s(b)?.Override === true && s(a) && s(a).Override !== true)
    out.push(hit('hsts-weakened', 'HSTS override', 'on', 'off', 'an origin header can replace this HSTS policy'));
  return out;
}

const UPDATE_RULES: readonly [RegExp, (b: any, a: any, type: string) => RuleHit[]][] = [
  [/^AWS::WAFv2::WebACL$/, webAclHits],
  [/^AWS::ElasticLoadBalancingV2::Listener$/, listenerHits],
  [/^AWS::ElasticLoadBalancingV2::LoadBalancer$/, loadBalancerHits],
  [
    /^AWS::ElasticLoadBalancingV2::TargetGroup$/,
    (b, a) =>
      b.Protocol === 'HTTPS' && a.Protocol === 'HTTP'
        ? [
            hit(
              'tls-weakened',
              'target protocol',
              'HTTPS',
              'HTTP',
              'traffic from the load balancer to the app hosts is no longer encrypted',
            ),
          ]
        : [],
  ],
  [/^AWS::CloudFront::Distribution$/, distributionHits],
  [/^AWS::CloudFront::ResponseHeadersPolicy$/, headersPolicyHits],
  [/^AWS::S3::Bucket$/, bucketHits],
  [/^AWS::RDS::(DBInstance|DBCluster|DBParameterGroup|DBClusterParameterGroup)$/, (b, a, t) => databaseHits(t, b, a)],
  [/^AWS::Backup::BackupPlan$/, backupPlanHits],
  [/^AWS::Backup::BackupVault$/, vaultHits],
  [/^AWS::CloudTrail::Trail$/, trailHits],
  [
    /^AWS::GuardDuty::Detector$/,
    (b, a) =>
      b.Enable === true && a.Enable !== true
        ? [hit('logging-off', 'GuardDuty', 'enabled', 'disabled', 'threats are no longer detected or alerted on')]
        : [],
  ],
  [
    /^AWS::DynamoDB::(Table|GlobalTable)$/,
    (b, a) =>
      b.PointInTimeRecoverySpecification?.PointInTimeRecoveryEnabled === true &&
      a.PointInTimeRecoverySpecification?.PointInTimeRecoveryEnabled !== true
        ? [hit('backup-weakened', 'point-in-time recovery', 'on', 'off', 'the table can only be restored from on-demand backups')]
        : [],
  ],
];

/** Resources whose removal (not a rename) switches a protection off. */
const REMOVAL_RULES: Readonly<Record<string, (p: any) => RuleHit>> = {
  'AWS::EC2::FlowLog': (p) =>
    hit(
      'logging-off',
      'VPC flow log',
      `${p.TrafficType ?? 'ALL'} traffic of ${label(p.ResourceId)}`,
      '(removed)',
      'network flows are no longer recorded',
    ),
  'AWS::WAFv2::LoggingConfiguration': (p) =>
    hit('logging-off', 'WAF logging', label(p.ResourceArn), '(removed)', 'blocked and allowed requests are no longer logged'),
  'AWS::WAFv2::WebACLAssociation': (p) =>
    hit(
      'waf-rule-removed',
      'web ACL association',
      `${label(p.WebACLArn)} on ${label(p.ResourceArn)}`,
      '(removed)',
      'the load balancer no longer has a WAF: every rule and rate limit stops applying',
    ),
  'AWS::WAFv2::WebACL': (p) =>
    hit('waf-rule-removed', 'web ACL', p.Name ?? 'web ACL', '(removed)', 'every WAF rule and rate limit of it stops applying'),
  'AWS::CloudTrail::Trail': () => hit('logging-off', 'CloudTrail trail', 'recording', '(removed)', 'API activity is no longer recorded'),
  'AWS::GuardDuty::Detector': () => hit('logging-off', 'GuardDuty detector', 'on', '(removed)', 'threats are no longer detected'),
  'AWS::SecurityHub::Hub': () => hit('logging-off', 'Security Hub', 'on', '(removed)', 'findings are no longer aggregated or alerted on'),
  'AWS::Config::ConfigurationRecorder': () =>
    hit('logging-off', 'AWS Config recorder', 'on', '(removed)', 'configuration changes are no longer recorded'),
  'AWS::Backup::BackupSelection': (p) =>
    hit(
      'backup-weakened',
      'backup selection',
      p.BackupSelection?.SelectionName ?? 'resources',
      '(removed)',
      'these resources are no longer backed up',
    ),
  'AWS::ElasticLoadBalancingV2::TrustStoreRevocation': (p) =>
    hit(
      'client-cert-removed',
      'client certificate revocation list',
      list(p.RevocationContents)
        .map((c: any) => c?.S3Key ?? c?.RevocationType)
        .join(', ') || 'on',
      '(removed)',
      'a revoked client certificate (a leaked edge key) passes mutual TLS again',
    ),
  'AWS::Backup::BackupPlan': (p) =>
    hit('backup-weakened', 'backup plan', p.BackupPlan?.BackupPlanName ?? 'plan', '(removed)', 'its backups are no longer taken'),
};

/** Elastic IPs that front an instance or interface (a NAT gateway's address admits nothing inbound). */
function publicAddressHit(pair: ResourcePair, template: Template): RuleHit[] {
  const p = props(pair.after);
  const nat = Object.values<any>(template?.Resources ?? {}).some(
    (r) => r?.Type === 'AWS::EC2::NatGateway' && refName(props(r).AllocationId) === pair.address,
  );
  if (pair.type === 'AWS::EC2::EIP' && !nat && (p.InstanceId !== undefined || p.NetworkInterfaceId !== undefined))
    return [
      hit(
        'public-exposure',
        'Elastic IP',
        '(none)',
        `attached to ${label(p.InstanceId ?? p.NetworkInterfaceId)}`,
        'the instance gets a public address reachable from the Internet (its security group decides who)',
      ),
    ];
  if (pair.type === 'AWS::EC2::EIPAssociation')
    return [
      hit(
        'public-exposure',
        'Elastic IP association',
        '(none)',
        `${label(p.AllocationId ?? p.EIP)} → ${label(p.InstanceId ?? p.NetworkInterfaceId)}`,
        'the instance gets a public address reachable from the Internet',
      ),
    ];
  return [];
}

/**
 * Every rule hit of a CloudFormation stack's changed resources, by logical id. `pairs` are the
 * resources that changed (renames marked); `renamedFrom` maps an added logical id to the one it
 * probably replaces.
 */
export function cloudFormationRuleHits(
  pairs: readonly ResourcePair[],
  before: Template,
  after: Template,
  renamedFrom: ReadonlyMap<string, string>,
): Map<string, RuleHit[]> {
  const out = new Map<string, RuleHit[]>();
  const add = (id: string, hits: RuleHit[]) => hits.length && out.set(id, [...(out.get(id) ?? []), ...hits]);
  if (!after) return out;

  // Security groups touched by a change: by the group itself or by a standalone rule of it.
  const groups = new Set<string>();
  const byGroup = (r: any) => (r?.Type === 'AWS::EC2::SecurityGroup' ? undefined : label(props(r).GroupId ?? props(r).GroupName));
  for (const p of pairs) {
    if (p.type === 'AWS::EC2::SecurityGroup') groups.add(p.address);
    else if (p.type === 'AWS::EC2::SecurityGroupIngress' || p.type === 'AWS::EC2::SecurityGroupEgress')
      for (const r of [p.before, p.after]) if (r) groups.add(byGroup(r)!);
  }
  if (groups.size) {
    const [rb, ra] = [securityGroupReach(before), securityGroupReach(after)];
    for (const g of groups) {
      if (!ra.has(g)) continue;
      const previous = rb.get(g) ?? (renamedFrom.has(g) ? rb.get(renamedFrom.get(g)!) : undefined);
      // A group new in a stack that existed, or in a new stack, reports world-open ingress only.
      add(g, reachHits(previous, ra.get(g)));
    }
  }

  // Subnets that became public, and resources moved into a public subnet.
  if (
    pairs.some(
      (p) => /^AWS::EC2::(Route|SubnetRouteTableAssociation)$/.test(p.type) || (!PLACEMENT_EXEMPT.test(p.type) && p.before && p.after),
    )
  ) {
    const [pb, pa] = [publicSubnets(before), publicSubnets(after)];
    for (const s of pa)
      if (!pb.has(s) && before?.Resources?.[s])
        add(s, [
          hit(
            'public-exposure',
            'subnet route to the Internet',
            'private',
            'public (0.0.0.0/0 → Internet gateway)',
            'every resource in the subnet can be given a public address and reached from the Internet',
          ),
        ]);
    for (const p of pairs) {
      if (!p.before || !p.after || PLACEMENT_EXEMPT.test(p.type)) continue;
      const [was, now] = [subnetRefs(props(p.before)), subnetRefs(props(p.after))];
      const moved = [...now].filter((s) => pa.has(s) && !(was.has(s) && pb.has(s)));
      if (moved.length)
        add(p.address, [
          hit(
            'public-exposure',
            'placement',
            [...was].join(', ') || '(none)',
            `public subnet ${moved.join(', ')}`,
            'the resource now sits in a subnet routed to the Internet',
          ),
        ]);
    }
  }

  for (const p of pairs) {
    if (p.before && p.after) {
      for (const [types, rule] of UPDATE_RULES) if (types.test(p.type)) add(p.address, rule(props(p.before), props(p.after), p.type));
      add(p.address, encryptionHits(p.type, props(p.before), props(p.after)));
    } else if (p.before && !p.after && !p.renamed && p.stackExisted && REMOVAL_RULES[p.type]) {
      add(p.address, [REMOVAL_RULES[p.type](props(p.before))]);
    } else if (!p.before && p.after && !p.renamed && p.stackExisted) {
      add(p.address, publicAddressHit(p, after));
    }
  }
  return out;
}
