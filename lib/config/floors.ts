/**
 * The policy floors: the least the baseline promises whatever a config or a construct's props ask
 * for, each backed by a claim (CLAIMS.md ids in the comments). One object, read by the three
 * layers that used to hold their own copies:
 * - the config validation (lib/config/schema.ts) refuses a value below a floor;
 * - the constructs (lib/aws, lib/azure, lib/cloudflare) default to the floor and refuse less;
 * - the checks (lib/controls) fail synthesized output below the floor (CheckOptions defaults).
 * Raising a floor here raises it in all three (test/config/floors.test.ts). Plain data, no cloud
 * import, so every layer can load it.
 */
import type { AllowlistLimits } from './cidr';

/** A TLS protocol version, oldest first in {@link TLS_VERSIONS}. */
export type TlsVersion = '1.0' | '1.1' | '1.2' | '1.3';

/** Every TLS version, oldest first. */
export const TLS_VERSIONS: readonly TlsVersion[] = ['1.0', '1.1', '1.2', '1.3'];

/** The shape of {@link POLICY_FLOORS}. */
export interface PolicyFloors {
  /** How long records and copies are kept (controls LOG-RETENTION and BACKUP). */
  readonly retention: {
    /** Shortest log retention in days: logs kept at least one month (claim B6). */
    readonly logDays: number;
    /** Shortest database point-in-time recovery in days (claim B10). */
    readonly databaseBackupDays: number;
    /**
     * Longest database point-in-time recovery in days: the most RDS and Azure Database for
     * PostgreSQL keep automated backups (a ceiling of the services, not of the claim).
     */
    readonly databaseBackupMaxDays: number;
    /** Shortest retention of file backups and noncurrent object versions in days (claim B10). */
    readonly fileBackupDays: number;
  };
  /** Encryption in transit (controls EDGE-TLS, ENC-TRANSIT). */
  readonly tls: {
    /** Oldest TLS version any endpoint, origin or database accepts (claims A7, A14). */
    readonly minVersion: TlsVersion;
    /** Shortest HSTS max-age in seconds: one year (claim A7), what browsers' preload lists ask. */
    readonly hstsMaxAgeSeconds: number;
  };
  /** Administrative access (control BASTION-SSH). */
  readonly access: {
    /** Broadest SSH allowlist entry by default (config `guardrails.maxAllowlistPrefix`; claim A11). */
    readonly maxAllowlistPrefix: AllowlistLimits;
    /** Broadest allowlist entry a config may loosen `guardrails.maxAllowlistPrefix` to. */
    readonly loosestAllowlistPrefix: AllowlistLimits;
    /** Smallest RSA modulus for SSH keys and key-vault keys (NIST SP 800-57 for use beyond 2030). */
    readonly minRsaBits: number;
  };
  /** Surviving the loss of an instance or a zone (control HA-MULTIZONE, claim B11). */
  readonly availability: {
    /** Fewest availability zones a tier spans. */
    readonly minZones: number;
    /** Fewest availability zones of a production environment. */
    readonly productionMinZones: number;
    /** Fewest app instances kept running (outside a DR warm standby). */
    readonly minAppInstances: number;
  };
  /**
   * The bounds of a per-client rate limit (controls WAF-RATE-GLOBAL, WAF-RATE-CRITICAL): what AWS
   * WAFv2 accepts, which the config holds every cloud's limits to.
   */
  readonly rateLimits: {
    /** Fewest requests a rate-based rule can allow per window. */
    readonly minRequests: number;
    /** Most requests a rate-based rule can allow per window. */
    readonly maxRequests: number;
    /** The evaluation windows a rate-based rule accepts, in seconds. */
    readonly windowsSeconds: readonly number[];
  };
}

/**
 * The policy floors (see the file comment). Frozen: lowering a floor at run time would weaken every
 * construct and check at once without a line in review.
 */
export const POLICY_FLOORS: PolicyFloors = deepFreeze({
  retention: {
    logDays: 30,
    databaseBackupDays: 30,
    databaseBackupMaxDays: 35,
    fileBackupDays: 90,
  },
  tls: {
    minVersion: '1.2',
    hstsMaxAgeSeconds: 31_536_000,
  },
  access: {
    maxAllowlistPrefix: { ipv4: 24, ipv6: 48 },
    loosestAllowlistPrefix: { ipv4: 8, ipv6: 16 },
    minRsaBits: 3072,
  },
  availability: {
    minZones: 2,
    productionMinZones: 3,
    minAppInstances: 2,
  },
  rateLimits: {
    minRequests: 10,
    maxRequests: 2_000_000_000,
    windowsSeconds: [60, 120, 300, 600],
  },
});

/**
 * Whether a service's named TLS policy meets the floor, from the oldest version the name gives
 * (`TLS13-1-2` of an ALB policy, `TLSv1.2_2021` of a CloudFront policy): `version` is that `1.x`.
 */
export function meetsTlsFloor(version: string, floor: TlsVersion = POLICY_FLOORS.tls.minVersion): boolean {
  const index = TLS_VERSIONS.indexOf(version as TlsVersion);
  return index >= 0 && index >= TLS_VERSIONS.indexOf(floor);
}

/** The TLS versions at or above the floor, oldest first (`['1.2', '1.3']` for a 1.2 floor). */
export function tlsVersionsFrom(floor: TlsVersion = POLICY_FLOORS.tls.minVersion): TlsVersion[] {
  return TLS_VERSIONS.slice(TLS_VERSIONS.indexOf(floor));
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}
