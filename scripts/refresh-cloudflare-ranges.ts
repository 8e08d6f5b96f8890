// Refreshes data/cloudflare-ip-ranges.json from Cloudflare's API (the only script here that needs
// the network; synth never does). Usage: npm run refresh:cloudflare-ranges. Review the diff: a
// range that disappears stops admitting that part of the edge at the origins (control ORIGIN-LOCK).
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { cloudflareRangesProblems, type CloudflareRangesFile } from '../lib/config/cloudflare-ranges';

export const CLOUDFLARE_IPS_API = 'https://api.cloudflare.com/client/v4/ips';
const FILE = path.join(__dirname, '..', 'data', 'cloudflare-ip-ranges.json');

/**
 * The ranges file for a response of GET /client/v4/ips (`{ success, result: { ipv4_cidrs,
 * ipv6_cidrs } }`), dated `copied`; throws with every problem when the response is unusable.
 */
export function rangesFileFromApi(body: any, copied: string): CloudflareRangesFile {
  if (body?.success !== true || typeof body.result !== 'object')
    throw new Error(`${CLOUDFLARE_IPS_API} answered without success: ${JSON.stringify(body?.errors ?? body)}`);
  const file: CloudflareRangesFile = {
    source: ['https://www.cloudflare.com/ips-v4', 'https://www.cloudflare.com/ips-v6', CLOUDFLARE_IPS_API],
    note:
      "Cloudflare's published edge ranges (control ORIGIN-LOCK): the AWS load balancer and the Azure gateway admit 80/443 only " +
      'from these when an environment is fronted by Cloudflare. Refresh with `npm run refresh:cloudflare-ranges` (needs network ' +
      'access to api.cloudflare.com) and review the diff like code.',
    copied,
    ipv4_cidrs: [...(body.result.ipv4_cidrs ?? [])],
    ipv6_cidrs: [...(body.result.ipv6_cidrs ?? [])],
  };
  const problems = cloudflareRangesProblems(file);
  if (problems.length > 0) throw new Error(`${CLOUDFLARE_IPS_API} returned unusable ranges: ${problems.join('; ')}`);
  return file;
}

async function main(): Promise<void> {
  const response = await fetch(CLOUDFLARE_IPS_API, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`${CLOUDFLARE_IPS_API} answered HTTP ${response.status}`);
  const file = rangesFileFromApi(await response.json(), new Date().toISOString().slice(0, 10));
  writeFileSync(FILE, `${JSON.stringify(file, null, 2)}\n`);
  process.stdout.write(
    `wrote ${path.relative(process.cwd(), FILE)}: ${file.ipv4_cidrs.length} IPv4 and ${file.ipv6_cidrs.length} IPv6 ranges, ` +
      `copied ${file.copied}\n`,
  );
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
