import { Token } from 'cdktf';

/**
 * Fails unless `value` is a Cloudflare zone or account id (32 lowercase hex digits) or an
 * unresolved token. One check for every Cloudflare construct, so the message is the same everywhere.
 */
export function checkCloudflareId(where: string, prop: 'zoneId' | 'accountId', value: string | undefined): void {
  if (value === undefined || Token.isUnresolved(value) || /^[0-9a-f]{32}$/.test(value)) return;
  const what = prop === 'zoneId' ? 'zone' : 'account';
  throw new Error(
    `${where}: ${prop} "${value}" is invalid; expected the ${what}'s id, 32 lowercase hex digits (shown on the ${what}'s ` +
      `Overview page in the Cloudflare dashboard)`,
  );
}
