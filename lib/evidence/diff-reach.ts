// Who can reach what, before and after: the network half of the security diff's weakening rules.
// Security group rules (AWS), NSG rules (Azure), IP allowlists (Key Vault, storage, database
// firewalls) are read into one shape, an allow rule over a protocol, a port range and a set of
// peers, and compared with CIDR arithmetic (ipaddr.js): an after rule whose peers are not all
// admitted, on its protocol and ports, by some before rule admits somebody new. That catches a
// prefix made shorter (`/28` -> `/24`), a CIDR replacing a security-group peer, a world-open
// source, IPv6 included, and a port range widened, and says it in numbers ("SSH (TCP 22) from 17
// addresses → 512 addresses"). Deny rules (NSG priorities) are subtracted first, so removing a
// deny is a widening too. Linear in the rules of one group, quadratic only within a group.
import * as ipaddr from 'ipaddr.js';
import { isCloudflareRange } from '../config/cloudflare-ranges';

/** One address family's contiguous block, bounds inclusive. */
export interface AddressRange {
  readonly family: 4 | 6;
  readonly lo: bigint;
  readonly hi: bigint;
}

/**
 * A peer of a rule: a CIDR block, a symbolic group of hosts (a security group, an Azure service
 * tag, a prefix list, an unresolved reference) or anybody at all (Azure `*`).
 */
export type Peer =
  | { readonly kind: 'cidr'; readonly text: string; readonly range: AddressRange }
  | { readonly kind: 'tag'; readonly text: string }
  | { readonly kind: 'any'; readonly text: string };

/** An allow (or, for NSGs, deny) rule in one direction of one resource. */
export interface ReachRule {
  /** `all`, or a lower-case protocol name (`tcp`, `udp`, `icmp`, ...). */
  readonly protocol: string;
  /** Port range, inclusive; 0-65535 for all ports and for port-less protocols. */
  readonly from: number;
  readonly to: number;
  /** The far side: sources of an ingress rule, destinations of an egress rule. */
  readonly peers: readonly Peer[];
  /** The near side (an NSG rule's destination for ingress, source for egress); omitted: the resource itself. */
  readonly near?: readonly Peer[];
  readonly deny?: boolean;
  /** NSG priority (lower wins); omitted: order does not matter (security groups only allow). */
  readonly priority?: number;
}

const BITS = { 4: 32, 6: 128 } as const;

function toBigInt(bytes: number[]): bigint {
  return bytes.reduce((n, b) => (n << 8n) | BigInt(b), 0n);
}

/** A CIDR block or single address as a range; undefined when it is neither. */
export function parseRange(text: string): AddressRange | undefined {
  try {
    const [address, prefix] = text.includes('/') ? ipaddr.parseCIDR(text) : [ipaddr.parse(text), undefined];
    const family = address.kind() === 'ipv4' ? 4 : 6;
    const bits = BITS[family];
    const p = prefix ?? bits;
    const value = toBigInt(address.toByteArray());
    const hostBits = BigInt(bits - p);
    const lo = (value >> hostBits) << hostBits;
    return { family, lo, hi: lo + (1n << hostBits) - 1n };
  } catch {
    return undefined;
  }
}

/** The whole address space of a family. */
export function worldRange(family: 4 | 6): AddressRange {
  return { family, lo: 0n, hi: (1n << BigInt(BITS[family])) - 1n };
}

/** A peer from a CIDR, an address, or anything else (a tag). */
export function peerOf(text: string): Peer {
  const range = parseRange(text);
  return range ? { kind: 'cidr', text, range } : { kind: 'tag', text };
}

/** `ranges` minus every range of `minus`, per family, merged and sorted. */
export function subtractRanges(ranges: readonly AddressRange[], minus: readonly AddressRange[]): AddressRange[] {
  const out: AddressRange[] = [];
  for (const family of [4, 6] as const) {
    const cut = mergeRanges(minus.filter((r) => r.family === family));
    for (const r of mergeRanges(ranges.filter((x) => x.family === family))) {
      let lo = r.lo;
      for (const c of cut) {
        if (c.hi < lo || c.lo > r.hi) continue;
        if (c.lo > lo) out.push({ family, lo, hi: c.lo - 1n });
        lo = c.hi + 1n;
        if (lo > r.hi) break;
      }
      if (lo <= r.hi) out.push({ family, lo, hi: r.hi });
    }
  }
  return out;
}

/** Ranges of one family merged where they overlap or touch, sorted. */
export function mergeRanges(ranges: readonly AddressRange[]): AddressRange[] {
  const sorted = [...ranges].sort((a, b) => a.family - b.family || (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
  const out: AddressRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    // biome-ignore lint/complexity/useMathMinMax: the bounds are bigints, which Math.max does not take.
    if (last && last.family === r.family && r.lo <= last.hi + 1n) out[out.length - 1] = { ...last, hi: r.hi > last.hi ? r.hi : last.hi };
    else out.push(r);
  }
  return out;
}

/** Number of addresses per family. */
export function rangeSize(ranges: readonly AddressRange[]): { v4: bigint; v6: bigint } {
  let v4 = 0n;
  let v6 = 0n;
  for (const r of mergeRanges(ranges)) {
    if (r.family === 4) v4 += r.hi - r.lo + 1n;
    else v6 += r.hi - r.lo + 1n;
  }
  return { v4, v6 };
}

/** "1 address", "256 addresses", "2^80 addresses", "the whole IPv4 Internet". */
export function addresses(n: bigint, family: 4 | 6): string {
  if (n === 1n << BigInt(BITS[family])) return `the whole IPv${family} Internet`;
  if (n === 1n) return '1 address';
  if (family === 4 || n < 10_000_000n) return `${n.toLocaleString('en-US')} addresses`;
  const log = n.toString(2).length - 1;
  return `${1n << BigInt(log) === n ? '' : '≈'}2^${log} addresses`;
}

/** The peers of `peers` not admitted by any of `by`: CIDR parts outside `by`'s blocks, tags `by` does not name. */
export function uncovered(peers: readonly Peer[], by: readonly Peer[]): Peer[] {
  if (by.some((p) => p.kind === 'any')) return [];
  const cut = by.filter((p): p is Extract<Peer, { kind: 'cidr' }> => p.kind === 'cidr').map((p) => p.range);
  const tags = new Set(by.filter((p) => p.kind === 'tag').map((p) => p.text));
  // A security group or prefix list lies inside the whole IPv4 space; Azure's `Internet` tag is
  // public addresses only, so it does not cover the virtual network's service tags.
  const world4 = by.some(
    (p) =>
      p.kind === 'cidr' &&
      p.text.toLowerCase() !== 'internet' &&
      p.range.family === 4 &&
      p.range.lo === 0n &&
      p.range.hi === worldRange(4).hi,
  );
  const out: Peer[] = [];
  for (const p of peers) {
    if (p.kind === 'any') out.push(p);
    else if (p.kind === 'tag') {
      if (!tags.has(p.text) && !world4) out.push(p);
    } else {
      const rest = subtractRanges([p.range], cut);
      if (rest.length)
        out.push(
          rest.length === 1 && rest[0].lo === p.range.lo && rest[0].hi === p.range.hi ? p : { ...p, range: rest[0] },
          ...rest.slice(1).map((range) => ({ ...p, range })),
        );
    }
  }
  return out;
}

function protocolCovers(b: string, a: string): boolean {
  return b === 'all' || b === a;
}

function covers(b: ReachRule, a: ReachRule, ports = true): boolean {
  return (
    protocolCovers(b.protocol, a.protocol) &&
    (!ports || (b.from <= a.from && b.to >= a.to)) &&
    (!a.near || !b.near || uncovered(a.near, b.near).length === 0)
  );
}

/**
 * The allow rules in effect: each allow rule's peers minus those of every deny rule of higher
 * priority that covers its protocol, ports and near side. Security groups have no deny rules.
 */
export function effectiveRules(rules: readonly ReachRule[]): ReachRule[] {
  const denies = rules.filter((r) => r.deny);
  if (denies.length === 0) return rules.filter((r) => !r.deny);
  const out: ReachRule[] = [];
  for (const r of rules) {
    if (r.deny) continue;
    const shadow = denies.filter((d) => (d.priority ?? 0) < (r.priority ?? 0) && covers(d, r));
    const peers = shadow.length
      ? uncovered(
          r.peers,
          shadow.flatMap((d) => d.peers),
        )
      : r.peers;
    if (peers.length) out.push({ ...r, peers });
  }
  return out;
}

const SERVICES: Readonly<Record<number, string>> = {
  22: 'SSH',
  80: 'HTTP',
  443: 'HTTPS',
  3389: 'RDP',
  5432: 'PostgreSQL',
  3306: 'MySQL',
  1433: 'SQL Server',
  6379: 'Redis',
  27017: 'MongoDB',
  5985: 'WinRM',
  5986: 'WinRM',
};

/** "SSH (TCP 22)", "TCP 8443", "TCP 1024-65535", "all traffic". */
export function service(rule: Pick<ReachRule, 'protocol' | 'from' | 'to'>): string {
  const all = rule.from === 0 && rule.to === 65535;
  if (rule.protocol === 'all') return all ? 'all traffic' : `all protocols, ports ${rule.from}-${rule.to}`;
  const proto = rule.protocol.toUpperCase();
  if (all) return `all ${proto}`;
  const ports = rule.from === rule.to ? `${rule.from}` : `${rule.from}-${rule.to}`;
  const name = rule.from === rule.to ? SERVICES[rule.from] : undefined;
  return name ? `${name} (${proto} ${ports})` : `${proto} ${ports}`;
}

/** How many can reach, per family, and which named groups: "17 addresses", "security group AppSg". */
export function describePeers(peers: readonly Peer[]): string {
  if (peers.some((p) => p.kind === 'any')) return 'anybody (*)';
  const size = rangeSize(peers.flatMap((p) => (p.kind === 'cidr' ? [p.range] : [])));
  const parts: string[] = [];
  if (size.v4 > 0n) parts.push(addresses(size.v4, 4) + (size.v6 > 0n && size.v4 !== 1n << 32n ? ' (IPv4)' : ''));
  if (size.v6 > 0n) parts.push(size.v6 === 1n << 128n ? 'the whole IPv6 Internet' : `${addresses(size.v6, 6)} (IPv6)`);
  const tags = [...new Set(peers.filter((p) => p.kind === 'tag').map((p) => p.text))];
  if (tags.length) parts.push(tags.length > 3 ? `${tags.slice(0, 3).join(', ')} and ${tags.length - 3} more` : tags.join(', '));
  return parts.length ? parts.join(' + ') : 'nobody';
}

/** Before → after of a peer set, per family that changed: "17 addresses → 512 addresses (IPv4)". */
export function peersChange(was: readonly Peer[], now: readonly Peer[]): string {
  if (now.some((p) => p.kind === 'any') && !was.some((p) => p.kind === 'any')) return `${describePeers(was)} → anybody (*)`;
  const cidrs = (ps: readonly Peer[]) => rangeSize(ps.flatMap((p) => (p.kind === 'cidr' ? [p.range] : [])));
  const [b, a] = [cidrs(was), cidrs(now)];
  const both = (b.v4 > 0n || a.v4 > 0n) && (b.v6 > 0n || a.v6 > 0n);
  const count = (n: bigint, f: 4 | 6) => (n === 0n ? 'no address' : addresses(n, f));
  const parts: string[] = [];
  const family = (text: string, f: 4 | 6, needed: boolean) => (needed && !text.includes(`IPv${f}`) ? `${text} (IPv${f})` : text);
  if (b.v4 !== a.v4) parts.push(family(`${count(b.v4, 4)} → ${count(a.v4, 4)}`, 4, both));
  if (b.v6 !== a.v6) parts.push(family(`${count(b.v6, 6)} → ${count(a.v6, 6)}`, 6, both || a.v4 === 0n));
  const tags = (ps: readonly Peer[]) => [...new Set(ps.filter((p) => p.kind === 'tag').map((p) => p.text))].sort().join('|');
  // Named groups changed (a CIDR replacing a security group): both sides in full.
  if (tags(was) !== tags(now)) return `${describePeers(was)} → ${describePeers(now)}`;
  if (parts.length) return parts.join('; ');
  // Same sizes, other addresses.
  const texts = (ps: readonly Peer[]) => ps.map((p) => p.text).join(', ') || 'nobody';
  return `${texts(was)} → ${texts(now)}`;
}

function peerSize(p: Peer): string {
  if (p.kind !== 'cidr') return p.text;
  const size = p.range.hi - p.range.lo + 1n;
  return addresses(size, p.range.family);
}

/** One widening found by {@link compareReach}. */
export interface ReachWidening {
  readonly kind: 'sources' | 'ports' | 'origin-lock';
  /** The rule's service, e.g. "SSH (TCP 22)". */
  readonly service: string;
  /** Before → after, in numbers: "SSH (TCP 22) from 17 addresses → 512 addresses". */
  readonly summary: string;
  /** Which peers are new and what they replace: "203.0.113.10/32 → 203.0.113.0/24 (1 address → 256 addresses)". */
  readonly detail: string;
}

/**
 * What the after rules admit that the before rules did not, one entry per protocol and port
 * range: new sources (or destinations), or a port range widened for peers that had a narrower
 * one. `direction` words the text. Ingress whose CIDR sources were all Cloudflare ranges and that
 * now admits an address outside them is reported as `origin-lock`.
 */
export function compareReach(before: readonly ReachRule[], after: readonly ReachRule[], direction: 'ingress' | 'egress'): ReachWidening[] {
  const b = effectiveRules(before);
  const a = effectiveRules(after);
  const from = direction === 'ingress' ? 'from' : 'to';
  const groups = new Map<string, { rule: ReachRule; newPeers: Peer[]; widenedPorts: ReachRule[] }>();
  for (const rule of a) {
    const covering = b.filter((x) => covers(x, rule));
    const fresh = uncovered(
      rule.peers,
      covering.flatMap((x) => x.peers),
    );
    if (fresh.length === 0) continue;
    const key = `${rule.protocol}|${rule.from}|${rule.to}`;
    const g = groups.get(key) ?? { rule, newPeers: [], widenedPorts: [] };
    for (const p of fresh) {
      // The same peers had fewer ports or protocols: the port range widened, the sources did not.
      const narrower = b.filter(
        (x) => uncovered([p], x.peers).length === 0 && (!rule.near || !x.near || uncovered(rule.near, x.near).length === 0),
      );
      if (narrower.length) g.widenedPorts.push(...narrower.filter((x) => !g.widenedPorts.includes(x)));
      else g.newPeers.push(p);
    }
    groups.set(key, g);
  }
  const out: ReachWidening[] = [];
  for (const { rule, newPeers, widenedPorts } of groups.values()) {
    const svc = service(rule);
    if (widenedPorts.length) {
      const was = [...new Set(widenedPorts.map((x) => service(x)))].join(', ');
      const peers = describePeers(widenedPorts.flatMap((x) => x.peers));
      const open = widenedPorts.reduce((n, x) => n + x.to - x.from + 1, 0);
      out.push({
        kind: 'ports',
        service: svc,
        summary: `port range widened ${from} ${peers}: ${was} → ${svc}`,
        detail:
          `${rule.to - rule.from + 1} ports open instead of ` +
          `${open}` +
          (rule.protocol !== widenedPorts[0].protocol
            ? ', ' +
              (rule.protocol === 'all' ? 'every protocol' : rule.protocol.toUpperCase()) +
              ` instead of ${widenedPorts[0].protocol.toUpperCase()}`
            : ''),
      });
    }
    if (newPeers.length === 0) continue;
    const samePorts = (x: ReachRule) => x.protocol === rule.protocol && x.from === rule.from && x.to === rule.to;
    const wasPeers = b.filter((x) => covers(x, rule)).flatMap((x) => x.peers);
    // Both sides: every rule that admits this protocol and port range (a rule on all ports counts too).
    const nowPeers = a.filter((x) => samePorts(x) || covers(x, rule)).flatMap((x) => x.peers);
    // A new block may be split in pieces around the addresses it already had: one line per block.
    const byText = new Map<string, Peer[]>();
    for (const p of newPeers) byText.set(p.text, [...(byText.get(p.text) ?? []), p]);
    const pairs = [...byText].map(([text, pieces]) => {
      const original = after.flatMap((x) => x.peers).find((q) => q.text === text) ?? pieces[0];
      const inside = wasPeers.filter((q) => q.kind === 'cidr' && original.kind === 'cidr' && uncovered([q], [original]).length === 0);
      if (inside.length)
        return `${inside.map((q) => q.text).join(', ')} → ${original.text} (${inside.map(peerSize).join(' + ')} → ${peerSize(original)})`;
      return original.kind === 'any'
        ? 'new source * (any address, the whole Internet included)'
        : `new ${original.text}${original.kind === 'cidr' ? ` (${peerSize(original)})` : ''}`;
    });
    const cidrsBefore = wasPeers.filter((q) => q.kind === 'cidr');
    // Origin lock: every address that could reach the port was Cloudflare's (service tags and
    // security groups are not Internet sources); now an address outside Cloudflare can.
    const locked = direction === 'ingress' && cidrsBefore.length > 0 && cidrsBefore.every((q) => isCloudflareRange(q.text));
    const outside = newPeers.filter((p) => p.kind === 'any' || (p.kind === 'cidr' && !isCloudflareRange(p.text)));
    const kind = locked && outside.length ? 'origin-lock' : 'sources';
    const change = peersChange(wasPeers, nowPeers);
    const summary = kind === 'origin-lock' ? `${svc} no longer only from Cloudflare's ranges: ${change}` : `${svc} ${from} ${change}`;
    out.push({
      kind,
      service: svc,
      summary,
      detail: pairs.slice(0, 6).join('; ') + (pairs.length > 6 ? `; and ${pairs.length - 6} more` : ''),
    });
  }
  return out;
}
