// Network facts the checks of every cloud share: the well-known ports and reading a CIDR's prefix.

/** PostgreSQL's port, the database port when the template does not set one. */
export const DEFAULT_DATABASE_PORT = 5432;

/** SSH. */
export const SSH_PORT = 22;

/** The prefix length of a CIDR and its family, or undefined when it is not a literal CIDR. */
export function cidrPrefix(value: unknown): { family: 'ipv4' | 'ipv6'; prefix: number } | undefined {
  if (typeof value !== 'string') return undefined;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value.trim());
  if (v4) {
    const prefix = Number(v4[5]);
    return v4.slice(1, 5).every((o) => Number(o) <= 255) && prefix <= 32 ? { family: 'ipv4', prefix } : undefined;
  }
  const v6 = /^([0-9a-f:.]+)\/(\d{1,3})$/i.exec(value.trim());
  if (v6?.[1].includes(':')) {
    const prefix = Number(v6[2]);
    return prefix <= 128 ? { family: 'ipv6', prefix } : undefined;
  }
  return undefined;
}
