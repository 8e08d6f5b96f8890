import { TerraformVariable } from 'cdktf';
import {
  isHardenedZoneSettingValue,
  ZONE_HARDENING_SETTINGS,
  ZoneHardening,
  type ZoneHardeningProps,
} from '../../lib/cloudflare/zone-hardening';
import { resourcesOf, synthCloudflare, type TfJson, ZONE_ID } from './support';

/** The zone settings of one synthesized stack, keyed by construct path (`Hardening_Ssl`), hash dropped. */
function zoneSettings(json: TfJson): Record<string, Record<string, any>> {
  const byPath: Record<string, Record<string, any>> = {};
  for (const [name, resource] of Object.entries(resourcesOf(json, 'cloudflare_zone_setting'))) {
    byPath[name.replace(/_[0-9A-F]{8}$/, '')] = resource;
  }
  return byPath;
}

/** The settings one construct writes with its defaults, keyed as {@link zoneSettings} keys them. */
function defaultSettings(id: string, zoneId: string): Record<string, Record<string, any>> {
  return {
    [`${id}_Ssl`]: { zone_id: zoneId, setting_id: 'ssl', value: 'strict' },
    [`${id}_MinTlsVersion`]: { zone_id: zoneId, setting_id: 'min_tls_version', value: '1.2' },
    [`${id}_Tls13`]: { zone_id: zoneId, setting_id: 'tls_1_3', value: 'on' },
    [`${id}_AlwaysUseHttps`]: { zone_id: zoneId, setting_id: 'always_use_https', value: 'on' },
    [`${id}_AutomaticHttpsRewrites`]: { zone_id: zoneId, setting_id: 'automatic_https_rewrites', value: 'on' },
    [`${id}_SecurityHeader`]: {
      zone_id: zoneId,
      setting_id: 'security_header',
      value: { strict_transport_security: { enabled: true, max_age: 31536000, include_subdomains: true, nosniff: true, preload: false } },
    },
    [`${id}_BrowserCheck`]: { zone_id: zoneId, setting_id: 'browser_check', value: 'on' },
    [`${id}_SecurityLevel`]: { zone_id: zoneId, setting_id: 'security_level', value: 'medium' },
  };
}

describe('ZoneHardening', () => {
  let hardening!: ZoneHardening;
  const json = synthCloudflare((s) => {
    hardening = new ZoneHardening(s, 'Hardening', { zoneId: ZONE_ID });
  });

  it('writes exactly the eight settings, each under its stable construct id, at the secure defaults', () => {
    expect(zoneSettings(json)).toEqual(defaultSettings('Hardening', ZONE_ID));
  });

  it('synthesizes the HSTS max-age as a number, not as an empty map', () => {
    const hsts = zoneSettings(json).Hardening_SecurityHeader.value.strict_transport_security;
    expect(hsts.max_age).toBe(31536000);
  });

  it('exposes every setting by its Cloudflare id, with the construct id ZONE_HARDENING_SETTINGS names', () => {
    expect(Object.keys(hardening.settings)).toEqual(ZONE_HARDENING_SETTINGS.map((s) => s.settingId));
    for (const { settingId, constructId } of ZONE_HARDENING_SETTINGS) {
      expect(hardening.settings[settingId].node.id).toBe(constructId);
      expect(hardening.settings[settingId].settingIdInput).toBe(settingId);
    }
  });

  it('lists in ZONE_HARDENING_SETTINGS every setting it writes, and each default passes isHardenedZoneSettingValue', () => {
    const written = Object.values(zoneSettings(json));
    expect(written.map((r) => r.setting_id).sort()).toEqual(ZONE_HARDENING_SETTINGS.map((s) => s.settingId).sort());
    for (const r of written) {
      expect([r.setting_id, isHardenedZoneSettingValue(r.setting_id, r.value)]).toEqual([r.setting_id, true]);
    }
  });

  it('tags the TLS settings EDGE-TLS and the challenge settings WAF-REPUTATION', () => {
    expect(Object.fromEntries(ZONE_HARDENING_SETTINGS.map((s) => [s.settingId, s.control]))).toEqual({
      ssl: 'EDGE-TLS',
      min_tls_version: 'EDGE-TLS',
      tls_1_3: 'EDGE-TLS',
      always_use_https: 'EDGE-TLS',
      automatic_https_rewrites: 'EDGE-TLS',
      security_header: 'EDGE-TLS',
      browser_check: 'WAF-REPUTATION',
      security_level: 'WAF-REPUTATION',
    });
  });
});

describe('ZoneHardening opt-ins', () => {
  const OTHER_ZONE = 'abcdefabcdefabcdefabcdefabcdef01';
  const json = synthCloudflare((s) => {
    new ZoneHardening(s, 'Strict', {
      zoneId: ZONE_ID,
      minTlsVersion: '1.3',
      hstsMaxAgeSeconds: 63072000,
      hstsPreload: true,
      securityLevel: 'under_attack',
    });
    new ZoneHardening(s, 'High', {
      zoneId: OTHER_ZONE,
      minTlsVersion: '1.2',
      hstsMaxAgeSeconds: 31536000,
      hstsPreload: false,
      securityLevel: 'high',
    });
    const zoneId = new TerraformVariable(s, 'zone_id', { type: 'string' });
    const maxAge = new TerraformVariable(s, 'hsts_max_age', { type: 'number' });
    new ZoneHardening(s, 'Tokens', { zoneId: zoneId.stringValue, hstsMaxAgeSeconds: maxAge.numberValue });
  });
  const settings = zoneSettings(json);

  it('takes TLS 1.3 as the minimum version', () => {
    expect(settings.Strict_MinTlsVersion).toEqual({ zone_id: ZONE_ID, setting_id: 'min_tls_version', value: '1.3' });
  });

  it('takes a two-year HSTS max-age (the upper bound) and the preload directive', () => {
    expect(settings.Strict_SecurityHeader).toEqual({
      zone_id: ZONE_ID,
      setting_id: 'security_header',
      value: { strict_transport_security: { enabled: true, max_age: 63072000, include_subdomains: true, nosniff: true, preload: true } },
    });
  });

  it('takes the under_attack security level', () => {
    expect(settings.Strict_SecurityLevel).toEqual({ zone_id: ZONE_ID, setting_id: 'security_level', value: 'under_attack' });
  });

  it('keeps every other setting at its secure value when opting in', () => {
    const defaults = defaultSettings('Strict', ZONE_ID);
    for (const name of ['Strict_Ssl', 'Strict_Tls13', 'Strict_AlwaysUseHttps', 'Strict_AutomaticHttpsRewrites', 'Strict_BrowserCheck']) {
      expect([name, settings[name]]).toEqual([name, defaults[name]]);
    }
  });

  it('takes the high security level, and explicit values equal to the defaults give the default settings', () => {
    expect(Object.fromEntries(Object.entries(settings).filter(([name]) => name.startsWith('High_')))).toEqual({
      ...defaultSettings('High', OTHER_ZONE),
      High_SecurityLevel: { zone_id: OTHER_ZONE, setting_id: 'security_level', value: 'high' },
    });
  });

  it('passes a zone id and an HSTS max-age given as tokens through unvalidated', () => {
    const tokens = Object.fromEntries(Object.entries(settings).filter(([name]) => name.startsWith('Tokens_')));
    const expected = defaultSettings('Tokens', '${var.zone_id}');
    expected.Tokens_SecurityHeader.value.strict_transport_security.max_age = '${var.hsts_max_age}';
    expect(tokens).toEqual(expected);
  });
});

describe('ZoneHardening validation', () => {
  const build = (props: Partial<ZoneHardeningProps>) => () =>
    synthCloudflare((s) => new ZoneHardening(s, 'Hardening', { zoneId: ZONE_ID, ...props } as ZoneHardeningProps));

  it.each(['0123456789ABCDEF0123456789ABCDEF', '0123456789abcdef0123456789abcde', 'example.com', ''])('rejects zoneId %p', (zoneId) => {
    expect(build({ zoneId })).toThrow(
      new RegExp(
        `^ZoneHardening \\S*Hardening: zoneId "${zoneId.replace('.', '\\.')}" is invalid; expected the zone's id, 32 lowercase hex digits`,
      ),
    );
  });

  it.each(['1.0', '1.1', 'TLSv1.2'])('rejects minTlsVersion %p, which is not offered', (minTlsVersion) => {
    expect(build({ minTlsVersion: minTlsVersion as any })).toThrow(
      new RegExp(
        `ZoneHardening \\S*Hardening: minTlsVersion "${minTlsVersion.replace(/\./g, '\\.')}" is not offered; expected "1\\.2" or "1\\.3"`,
      ),
    );
  });

  it.each([31535999, 63072001, 31536000.5, 0, -1, NaN])('rejects hstsMaxAgeSeconds %p', (hstsMaxAgeSeconds) => {
    expect(build({ hstsMaxAgeSeconds })).toThrow(
      new RegExp(
        `ZoneHardening \\S*Hardening: hstsMaxAgeSeconds ${String(hstsMaxAgeSeconds).replace('.', '\\.')} is out of range; ` +
          `expected a whole number of seconds from 31536000 \\(one year, claim A7\\) to 63072000 \\(two years\\)`,
      ),
    );
  });

  it('rejects an hstsPreload that is not a boolean', () => {
    expect(build({ hstsPreload: 'true' as any })).toThrow(
      /ZoneHardening \S*Hardening: hstsPreload "true" is invalid; expected true or false/,
    );
  });

  it.each(['low', 'essentially_off', 'off', 'MEDIUM'])('rejects securityLevel %p, which is not offered', (securityLevel) => {
    expect(build({ securityLevel: securityLevel as any })).toThrow(
      new RegExp(
        `ZoneHardening \\S*Hardening: securityLevel "${securityLevel}" is not offered; expected "medium", "high" or "under_attack"`,
      ),
    );
  });
});

describe('isHardenedZoneSettingValue', () => {
  const hsts = (overrides: Record<string, unknown> = {}) => ({
    strict_transport_security: { enabled: true, max_age: 31536000, include_subdomains: true, nosniff: true, preload: false, ...overrides },
  });

  it.each([
    ['ssl', 'strict'],
    ['min_tls_version', '1.2'],
    ['min_tls_version', '1.3'],
    ['tls_1_3', 'on'],
    ['always_use_https', 'on'],
    ['automatic_https_rewrites', 'on'],
    ['browser_check', 'on'],
    ['security_level', 'medium'],
    ['security_level', 'high'],
    ['security_level', 'under_attack'],
    ['security_header', hsts()],
    ['security_header', hsts({ max_age: 63072000, preload: true })],
  ])('accepts %s = %j', (settingId, value) => {
    expect(isHardenedZoneSettingValue(settingId, value)).toBe(true);
  });

  it.each([
    ['ssl', 'full'],
    ['ssl', 'flexible'],
    ['ssl', 'off'],
    ['min_tls_version', '1.0'],
    ['min_tls_version', '1.1'],
    ['min_tls_version', 1.2],
    ['tls_1_3', 'off'],
    ['tls_1_3', 'zrt'],
    ['always_use_https', 'off'],
    ['automatic_https_rewrites', 'off'],
    ['browser_check', 'off'],
    ['security_level', 'low'],
    ['security_level', 'essentially_off'],
    ['security_level', 'off'],
    ['security_header', hsts({ enabled: false })],
    ['security_header', hsts({ include_subdomains: false })],
    ['security_header', hsts({ nosniff: false })],
    ['security_header', hsts({ max_age: 31535999 })],
    ['security_header', hsts({ max_age: 63072001 })],
    ['security_header', hsts({ max_age: 31536000.5 })],
    ['security_header', hsts({ max_age: '31536000' })],
    ['security_header', hsts({ max_age: {} })],
    ['security_header', hsts({ preload: undefined })],
    ['security_header', { ...hsts(), extra: true }],
    ['security_header', {}],
    ['security_header', null],
    ['security_header', 'on'],
    ['waf', 'on'],
  ])('rejects %s = %j', (settingId, value) => {
    expect(isHardenedZoneSettingValue(settingId, value)).toBe(false);
  });
});
