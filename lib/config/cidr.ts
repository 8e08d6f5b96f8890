import * as ipaddr from 'ipaddr.js';

/** The broadest allowlist entries accepted, as prefix lengths. */
export interface AllowlistLimits {
  /** Smallest IPv4 prefix length accepted (24 means /24 or narrower). */
  readonly ipv4: number;
  /** Smallest IPv6 prefix length accepted (48 means /48 or narrower). */
  readonly ipv6: number;
}

/** A parsed CIDR block. */
export interface ParsedCidr {
  readonly family: 'ipv4' | 'ipv6';
  readonly prefix: number;
  /** The canonical text of the block (`192.0.2.0/24`, `2001:db8::/48`). */
  readonly canonical: string;
}

/**
 * Parses a CIDR block with ipaddr.js and returns either the block or the reason it is unusable.
 * Host bits must be zero: `192.0.2.5/24` is rejected because a reviewer cannot tell whether the
 * author meant the host or the network.
 */
export function parseCidr(text: string): ParsedCidr | { readonly error: string } {
  // Pure and called for every CIDR of every config load and check; the answers are frozen and
  // remembered (a bounded map: configs hold tens of blocks, not thousands).
  let answer = parsedCidrs.get(text);
  if (answer === undefined) {
    answer = Object.freeze(parseCidrUncached(text));
    if (parsedCidrs.size >= 4096) parsedCidrs.clear();
    parsedCidrs.set(text, answer);
  }
  return answer;
}
const parsedCidrs = new Map<string, ParsedCidr | { readonly error: string }>();

function parseCidrUncached(text: string): ParsedCidr | { readonly error: string } {
  if (!text.includes('/')) {
    return { error: 'is not in CIDR notation (address/prefix, e.g. 192.0.2.10/32)' };
  }
  let parsed: [ipaddr.IPv4 | ipaddr.IPv6, number];
  try {
    parsed = ipaddr.parseCIDR(text);
  } catch {
    return { error: 'is not a valid IPv4 or IPv6 CIDR block' };
  }
  const [address, prefix] = parsed;
  const family = address.kind();
  if (family === 'ipv4' && !ipaddr.IPv4.isValidFourPartDecimal(text.split('/')[0])) {
    return { error: 'is not a valid dotted-quad IPv4 CIDR block' };
  }
  const network = family === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(text) : ipaddr.IPv6.networkAddressFromCIDR(text);
  if (network.toString() !== address.toString()) {
    return {
      error: `has host bits set (the network of this prefix is ${network.toString()}/${prefix})`,
    };
  }
  return { family, prefix, canonical: `${network.toString()}/${prefix}` };
}

/**
 * Checks one allowlist entry (an address range that may reach an admin port): a valid CIDR with
 * no host bits, never /0, and no broader than the configured limit.
 * @returns undefined when acceptable, otherwise a sentence fragment saying why not.
 */
export function allowlistCidrProblem(text: string, limits: AllowlistLimits): string | undefined {
  const parsed = parseCidr(text);
  if ('error' in parsed) return parsed.error;
  const limit = parsed.family === 'ipv4' ? limits.ipv4 : limits.ipv6;
  if (parsed.prefix === 0) return 'opens the port to the whole internet (/0 is never accepted)';
  // ::ffff:0:0/96 is all of IPv4 written as IPv6; judged against the IPv6 limit it would pass.
  if (parsed.family === 'ipv6' && ipaddr.IPv6.parse(parsed.canonical.split('/')[0]).isIPv4MappedAddress()) {
    return 'is an IPv4-mapped IPv6 block; write the range in IPv4 notation';
  }
  if (parsed.prefix < limit) {
    return (
      `is broader than the allowed maximum /${limit} for ${parsed.family === 'ipv4' ? 'IPv4' : 'IPv6'} ` +
      `(guardrails.maxAllowlistPrefix.${parsed.family})`
    );
  }
  return undefined;
}

/** Whether the block lies inside the RFC 1918 private ranges (for VPC address space). */
export function isPrivateIpv4Cidr(text: string): boolean {
  const parsed = parseCidr(text);
  if ('error' in parsed || parsed.family !== 'ipv4') return false;
  const [address] = ipaddr.parseCIDR(text);
  return address.range() === 'private';
}

/** Whether two valid CIDR blocks of the same family share any address. */
export function cidrsOverlap(a: string, b: string): boolean {
  const pa = parseCidr(a);
  const pb = parseCidr(b);
  if ('error' in pa || 'error' in pb || pa.family !== pb.family) return false;
  const [addrA] = ipaddr.parseCIDR(pa.canonical);
  const [addrB] = ipaddr.parseCIDR(pb.canonical);
  // Two blocks overlap exactly when the shorter prefix contains the other block's network.
  return pa.prefix <= pb.prefix ? addrB.match(addrA, pa.prefix) : addrA.match(addrB, pb.prefix);
}
