import { ZoneSetting } from '@cdktf/provider-cloudflare/lib/zone-setting';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { POLICY_FLOORS, tlsVersionsFrom, type TlsVersion } from '../config/floors';
import { checkCloudflareId } from './ids';

/** A minimum TLS version of a zone. */
export type ZoneMinTlsVersion = TlsVersion;
/**
 * Minimum TLS versions the baseline offers (control EDGE-TLS): the TLS floor and newer
 * (POLICY_FLOORS.tls.minVersion, 1.2); 1.0 and 1.1 are not offered.
 */
export const ZONE_MIN_TLS_VERSIONS: readonly ZoneMinTlsVersion[] = tlsVersionsFrom();

/**
 * Security levels the baseline offers (control WAF-REPUTATION). `off`, `essentially_off` and
 * `low` are not offered: they were defined to challenge fewer visitors by IP reputation (see the
 * caveat on {@link ZoneHardening}), and pinning the floor keeps a weakening out of review.
 */
export const ZONE_SECURITY_LEVELS = ['medium', 'high', 'under_attack'] as const;
/** A security level the baseline offers. */
export type ZoneSecurityLevel = (typeof ZONE_SECURITY_LEVELS)[number];

/**
 * HSTS `max-age` bounds, in seconds (control EDGE-TLS, claim A7).
 *
 * - `min`, one year: below it a browser that has not visited for a while forgets the policy and
 *   its next first request can be SSL-stripped; it is also the hstspreload.org minimum.
 * - `max`, two years: the value hstspreload.org recommends. A longer policy adds no protection
 *   (Chromium caps `max-age` at one year) but lengthens the lock-out if a host, including any
 *   subdomain (`includeSubDomains` is always on), ever has to serve plain HTTP.
 */
export const ZONE_HSTS_MAX_AGE_SECONDS = { min: POLICY_FLOORS.tls.hstsMaxAgeSeconds, max: 63_072_000 } as const;

/** The control a hardened zone setting carries. */
export type ZoneHardeningControl = 'EDGE-TLS' | 'WAF-REPUTATION';

/** One zone setting {@link ZoneHardening} enforces. */
export interface ZoneHardeningSetting {
  /** Cloudflare's setting id, the `setting_id` of the `cloudflare_zone_setting`. */
  readonly settingId: string;
  /** Construct id of the setting under the `ZoneHardening` construct (stable). */
  readonly constructId: string;
  /** The baseline control the setting carries. */
  readonly control: ZoneHardeningControl;
  /**
   * The string values the baseline accepts; absent for `security_header`, whose object value is
   * checked by {@link isHardenedZoneSettingValue}.
   */
  readonly accepted?: readonly string[];
}

/**
 * Every setting {@link ZoneHardening} writes, in order, with the values the baseline accepts, so a
 * control check on the synthesized Terraform can assert the same list.
 */
export const ZONE_HARDENING_SETTINGS = [
  { settingId: 'ssl', constructId: 'Ssl', control: 'EDGE-TLS', accepted: ['strict'] },
  { settingId: 'min_tls_version', constructId: 'MinTlsVersion', control: 'EDGE-TLS', accepted: ZONE_MIN_TLS_VERSIONS },
  { settingId: 'tls_1_3', constructId: 'Tls13', control: 'EDGE-TLS', accepted: ['on'] },
  { settingId: 'always_use_https', constructId: 'AlwaysUseHttps', control: 'EDGE-TLS', accepted: ['on'] },
  { settingId: 'automatic_https_rewrites', constructId: 'AutomaticHttpsRewrites', control: 'EDGE-TLS', accepted: ['on'] },
  { settingId: 'security_header', constructId: 'SecurityHeader', control: 'EDGE-TLS' },
  { settingId: 'browser_check', constructId: 'BrowserCheck', control: 'WAF-REPUTATION', accepted: ['on'] },
  { settingId: 'security_level', constructId: 'SecurityLevel', control: 'WAF-REPUTATION', accepted: ZONE_SECURITY_LEVELS },
] as const satisfies readonly ZoneHardeningSetting[];

/** A setting id {@link ZoneHardening} writes. */
export type ZoneHardeningSettingId = (typeof ZONE_HARDENING_SETTINGS)[number]['settingId'];

/**
 * Whether `value`, a setting's `value` as synthesized (JSON), meets the baseline for `settingId`:
 * one of the accepted strings, or for `security_header` HSTS on with `includeSubDomains` and
 * `nosniff` and a whole-number `max_age` within {@link ZONE_HSTS_MAX_AGE_SECONDS} (`preload` free).
 * False for a setting id the baseline does not enforce.
 */
export function isHardenedZoneSettingValue(settingId: string, value: unknown): boolean {
  const setting = ZONE_HARDENING_SETTINGS.find((s) => s.settingId === settingId);
  if (!setting) return false;
  if ('accepted' in setting) return typeof value === 'string' && (setting.accepted as readonly string[]).includes(value);
  const hsts = isRecord(value) ? value.strict_transport_security : undefined;
  if (!isRecord(hsts) || Object.keys(value as object).length !== 1) return false;
  const maxAge = hsts.max_age;
  return (
    hsts.enabled === true &&
    hsts.include_subdomains === true &&
    hsts.nosniff === true &&
    typeof hsts.preload === 'boolean' &&
    typeof maxAge === 'number' &&
    Number.isInteger(maxAge) &&
    maxAge >= ZONE_HSTS_MAX_AGE_SECONDS.min &&
    maxAge <= ZONE_HSTS_MAX_AGE_SECONDS.max
  );
}

/** Properties of {@link ZoneHardening}. */
export interface ZoneHardeningProps {
  /** Id of the zone to harden (32 lowercase hex digits, as Cloudflare shows it), or a token. */
  readonly zoneId: string;
  /**
   * Oldest TLS version the edge accepts from visitors (control EDGE-TLS, claim A7). `'1.3'`
   * also refuses TLS 1.2 clients; versions below 1.2 are not offered (deprecated by RFC 8996).
   * @default '1.2' (POLICY_FLOORS.tls.minVersion)
   */
  readonly minTlsVersion?: ZoneMinTlsVersion;
  /**
   * HSTS `max-age`, in seconds: how long a browser refuses plain HTTP to the zone after a visit.
   * A whole number from 31536000 (one year) to 63072000 (two years); see
   * {@link ZONE_HSTS_MAX_AGE_SECONDS} for why. Cloudflare's dashboard offers at most 12 months
   * and has been reported to display a longer value oddly; keep the default unless two years is
   * wanted for the preload list's recommendation.
   * @default 31536000 (POLICY_FLOORS.tls.hstsMaxAgeSeconds)
   */
  readonly hstsMaxAgeSeconds?: number;
  /**
   * Adds the `preload` directive to the HSTS header, consenting to the zone being put in the
   * browsers' built-in HSTS list (which also protects the very first visit). Off by default because
   * it is a commitment that is slow to undo: a listed domain and all its subdomains stay HTTPS-only
   * for months after removal is requested. The directive alone does not list the domain; it must
   * still be submitted at hstspreload.org.
   * @default false
   */
  readonly hstsPreload?: boolean;
  /**
   * Cloudflare security level (control WAF-REPUTATION, claim A14). `'under_attack'` challenges
   * every visitor with a JavaScript check, which also breaks API clients: use it only during an
   * application-layer DDoS. Lower levels are not offered.
   * @default 'medium'
   */
  readonly securityLevel?: ZoneSecurityLevel;
}

/**
 * Edge TLS and request hygiene of one Cloudflare zone (controls EDGE-TLS and WAF-REPUTATION,
 * claims A7 and A14), as one `cloudflare_zone_setting` per setting (see
 * {@link ZONE_HARDENING_SETTINGS}):
 *
 * - `ssl` = `strict` (Full (strict)): Cloudflare validates the origin certificate, so nobody
 *   between the edge and the origin can impersonate the origin with a self-signed certificate.
 *   Authenticated origin pulls also need Full or stricter;
 * - `min_tls_version` = `minTlsVersion` and `tls_1_3` = `on` (not `zrt`: 0-RTT early data can be
 *   replayed);
 * - `always_use_https` and `automatic_https_rewrites` = `on`: plain-HTTP requests are redirected
 *   and `http://` links in pages are rewritten, so no cookie or credential travels unencrypted;
 * - `security_header`: HSTS with `includeSubDomains` and `X-Content-Type-Options: nosniff`;
 * - `browser_check` = `on` (Browser Integrity Check: challenges requests with headers that abusive
 *   bots send) and `security_level` = `securityLevel`.
 *
 * Caveat for WAF-REPUTATION: Cloudflare has retired the threat score that `medium` and `high`
 * compared against (it is now always 0), so these levels no longer change which visitors are
 * challenged; only `under_attack` still acts. Pinning the level keeps it visible and reviewed,
 * but the reputation claim must also rest on the zone's managed WAF rules.
 *
 * Zone settings always exist: Terraform adopts them on create, and removing this construct leaves
 * the last applied values in place (the provider's delete is a no-op), so a teardown never
 * silently weakens the zone.
 */
export class ZoneHardening extends Construct {
  /** The settings, by Cloudflare setting id. */
  public readonly settings: Readonly<Record<ZoneHardeningSettingId, ZoneSetting>>;

  constructor(scope: Construct, id: string, props: ZoneHardeningProps) {
    super(scope, id);
    const where = `ZoneHardening ${this.node.path}`;
    checkCloudflareId(where, 'zoneId', props.zoneId);
    const minTlsVersion = props.minTlsVersion ?? POLICY_FLOORS.tls.minVersion;
    if (!Token.isUnresolved(minTlsVersion) && !(ZONE_MIN_TLS_VERSIONS as readonly string[]).includes(minTlsVersion)) {
      throw new Error(
        `${where}: minTlsVersion "${minTlsVersion}" is not offered; expected ` +
          `${ZONE_MIN_TLS_VERSIONS.map((v) => `"${v}"`).join(' or ')} (control EDGE-TLS: older versions are deprecated)`,
      );
    }
    const hstsMaxAgeSeconds = props.hstsMaxAgeSeconds ?? ZONE_HSTS_MAX_AGE_SECONDS.min;
    if (
      !Token.isUnresolved(hstsMaxAgeSeconds) &&
      (!Number.isInteger(hstsMaxAgeSeconds) ||
        hstsMaxAgeSeconds < ZONE_HSTS_MAX_AGE_SECONDS.min ||
        hstsMaxAgeSeconds > ZONE_HSTS_MAX_AGE_SECONDS.max)
    ) {
      throw new Error(
        `${where}: hstsMaxAgeSeconds ${hstsMaxAgeSeconds} is out of range; expected a whole number of seconds from ` +
          `${ZONE_HSTS_MAX_AGE_SECONDS.min} (one year, claim A7) to ${ZONE_HSTS_MAX_AGE_SECONDS.max} (two years)`,
      );
    }
    const hstsPreload = props.hstsPreload ?? false;
    if (!Token.isUnresolved(hstsPreload) && typeof hstsPreload !== 'boolean') {
      throw new Error(`${where}: hstsPreload ${JSON.stringify(hstsPreload)} is invalid; expected true or false`);
    }
    const securityLevel = props.securityLevel ?? 'medium';
    if (!Token.isUnresolved(securityLevel) && !(ZONE_SECURITY_LEVELS as readonly string[]).includes(securityLevel)) {
      throw new Error(
        `${where}: securityLevel "${securityLevel}" is not offered; expected "medium", "high" or "under_attack" (control ` +
          `WAF-REPUTATION: lower levels challenge fewer visitors by reputation)`,
      );
    }

    const values: Record<ZoneHardeningSettingId, SettingValue> = {
      ssl: 'strict',
      min_tls_version: minTlsVersion,
      tls_1_3: 'on',
      always_use_https: 'on',
      automatic_https_rewrites: 'on',
      security_header: {
        strict_transport_security: {
          enabled: true,
          max_age: hstsMaxAgeSeconds,
          include_subdomains: true,
          nosniff: true,
          preload: hstsPreload,
        },
      },
      browser_check: 'on',
      security_level: securityLevel,
    };
    const settings = {} as Record<ZoneHardeningSettingId, ZoneSetting>;
    for (const { settingId, constructId } of ZONE_HARDENING_SETTINGS) {
      settings[settingId] = new ZoneSetting(this, constructId, {
        zoneId: props.zoneId,
        settingId,
        value: asBindingValue(values[settingId]),
      });
    }
    this.settings = settings;
  }
}

/** A zone setting value this construct writes: a string, or the security header's object. */
type SettingValue = string | { readonly strict_transport_security: Record<string, unknown> };

/**
 * The binding types `value` as a map and passes it through cdktf's map mapper: a string or a plain
 * object comes out in the Terraform JSON unchanged, but a bare number would come out as `{}`.
 * Every value here is a string or an object (tests assert the JSON), so the cast is safe.
 */
function asBindingValue(value: SettingValue): { [key: string]: any } {
  return value as unknown as { [key: string]: any };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
