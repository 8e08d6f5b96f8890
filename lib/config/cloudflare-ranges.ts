// Cloudflare's published edge ranges: the one source of truth for origin lock (control
// ORIGIN-LOCK, claims A2/A10). The AWS load balancer's security group, the Azure gateway's NSG and
// the ORIGIN-LOCK checks all read these lists. A dated copy ships in data/ because synth never
// calls the network; scripts/refresh-cloudflare-ranges.ts refreshes it from Cloudflare's API.
import * as ipaddr from 'ipaddr.js';
import ranges from '../../data/cloudflare-ip-ranges.json';

/** The shape of data/cloudflare-ip-ranges.json. */
export interface CloudflareRangesFile {
  /** Where the ranges were read from. */
  readonly source: readonly string[];
  /** Why the file exists and how to refresh it. */
  readonly note: string;
  /** The date (YYYY-MM-DD) the ranges were copied. */
  readonly copied: string;
  readonly ipv4_cidrs: readonly string[];
  readonly ipv6_cidrs: readonly string[];
}

/**
 * Problems with a ranges file (empty when it is sound): every entry a CIDR of its family, in
 * canonical network form, no duplicates, and a date. Used at load and by the refresh script, so
 * a bad refresh fails before it is written.
 */
export function cloudflareRangesProblems(file: CloudflareRangesFile): string[] {
  const problems: string[] = [];
  if (!/^\d{4}-\d{2}-\d{2}$/.test(file.copied ?? '')) problems.push(`copied is ${JSON.stringify(file.copied)}; expected a YYYY-MM-DD date`);
  for (const [field, kind] of [
    ['ipv4_cidrs', 'ipv4'],
    ['ipv6_cidrs', 'ipv6'],
  ] as const) {
    const list = file[field];
    if (!Array.isArray(list) || list.length === 0) {
      problems.push(`${field} is empty; expected Cloudflare's published ${kind} ranges`);
      continue;
    }
    if (new Set(list).size !== list.length) problems.push(`${field} has duplicates`);
    for (const cidr of list) {
      let parsed: [ipaddr.IPv4 | ipaddr.IPv6, number];
      try {
        parsed = ipaddr.parseCIDR(cidr);
      } catch {
        problems.push(`${field} entry ${JSON.stringify(cidr)} is not a CIDR`);
        continue;
      }
      if (parsed[0].kind() !== kind) problems.push(`${field} entry ${JSON.stringify(cidr)} is not ${kind}`);
      else if (networkOf(parsed) !== cidr)
        problems.push(`${field} entry ${JSON.stringify(cidr)} has host bits set; expected ${networkOf(parsed)}`);
    }
  }
  return problems;
}

function networkOf([address, prefix]: [ipaddr.IPv4 | ipaddr.IPv6, number]): string {
  const network =
    address.kind() === 'ipv4'
      ? ipaddr.IPv4.networkAddressFromCIDR(`${address.toString()}/${prefix}`)
      : ipaddr.IPv6.networkAddressFromCIDR(`${address.toString()}/${prefix}`);
  return `${network.toString()}/${prefix}`;
}

const file = ranges as CloudflareRangesFile;
const problems = cloudflareRangesProblems(file);
if (problems.length > 0)
  throw new Error(
    `data/cloudflare-ip-ranges.json: ${problems.join('; ')}; run npm run refresh:cloudflare-ranges or restore the file from git`,
  );

/** Cloudflare's IPv4 edge ranges, as copied on {@link CLOUDFLARE_RANGES_COPIED}. */
export const CLOUDFLARE_IPV4_RANGES: readonly string[] = Object.freeze([...file.ipv4_cidrs]);
/** Cloudflare's IPv6 edge ranges, as copied on {@link CLOUDFLARE_RANGES_COPIED}. */
export const CLOUDFLARE_IPV6_RANGES: readonly string[] = Object.freeze([...file.ipv6_cidrs]);
/** The date the shipped copy of the ranges was taken. */
export const CLOUDFLARE_RANGES_COPIED: string = file.copied;

// Parsed once: the ORIGIN-LOCK checks and the security diff ask about every ingress rule of every
// stack, and parsing the ranges on each question was most of an evaluation's time.
const PARSED_RANGES = {
  ipv4: CLOUDFLARE_IPV4_RANGES.map((r) => ipaddr.parseCIDR(r)),
  ipv6: CLOUDFLARE_IPV6_RANGES.map((r) => ipaddr.parseCIDR(r)),
};
/** Answers so far, by the exact text asked about (the ranges never change in a process). */
const answers = new Map<string, boolean>();

/** True when `cidr` lies inside one of Cloudflare's published ranges (ORIGIN-LOCK checks). */
export function isCloudflareRange(cidr: string): boolean {
  let answer = answers.get(cidr);
  if (answer === undefined) {
    answer = inCloudflareRanges(cidr);
    if (answers.size >= 10_000) answers.clear();
    answers.set(cidr, answer);
  }
  return answer;
}

function inCloudflareRanges(cidr: string): boolean {
  let parsed: [ipaddr.IPv4 | ipaddr.IPv6, number];
  try {
    parsed = ipaddr.parseCIDR(cidr);
  } catch {
    return false;
  }
  const [address, prefix] = parsed;
  return PARSED_RANGES[address.kind()].some(([net, bits]) => prefix >= bits && address.match([net, bits] as any));
}
