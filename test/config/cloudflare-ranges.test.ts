import shipped from '../../data/cloudflare-ip-ranges.json';
import {
  CLOUDFLARE_IPV4_RANGES,
  CLOUDFLARE_IPV6_RANGES,
  CLOUDFLARE_RANGES_COPIED,
  cloudflareRangesProblems,
  isCloudflareRange,
  type CloudflareRangesFile,
} from '../../lib/config/cloudflare-ranges';
import { rangesFileFromApi } from '../../scripts/refresh-cloudflare-ranges';

const sound: CloudflareRangesFile = {
  source: ['x'],
  note: 'n',
  copied: '2026-11-23',
  ipv4_cidrs: ['104.16.0.0/13'],
  ipv6_cidrs: ['2606:4700::/32'],
};

describe('Cloudflare edge ranges (ORIGIN-LOCK source of truth)', () => {
  it('ships the dated copy of every published range', () => {
    expect(CLOUDFLARE_RANGES_COPIED).toBe('2026-11-23');
    expect(CLOUDFLARE_IPV4_RANGES).toEqual(shipped.ipv4_cidrs);
    expect(CLOUDFLARE_IPV6_RANGES).toEqual(shipped.ipv6_cidrs);
    expect(CLOUDFLARE_IPV4_RANGES).toHaveLength(15);
    expect(CLOUDFLARE_IPV6_RANGES).toHaveLength(7);
    expect(CLOUDFLARE_IPV4_RANGES).toContain('173.245.48.0/20');
    expect(CLOUDFLARE_IPV6_RANGES).toContain('2606:4700::/32');
    expect(cloudflareRangesProblems(shipped as CloudflareRangesFile)).toEqual([]);
  });

  it.each([
    ['104.16.0.0/13', true],
    ['104.16.5.0/24', true],
    ['104.16.0.0/12', false],
    ['2606:4700:10::/48', true],
    ['0.0.0.0/0', false],
    ['10.0.0.0/8', false],
    ['not-a-cidr', false],
  ])('knows whether %s lies inside the edge ranges (%s)', (cidr, inside) => {
    expect(isCloudflareRange(cidr)).toBe(inside);
  });

  it.each<[string, Partial<CloudflareRangesFile>, RegExp]>([
    ['an undated copy', { copied: 'yesterday' }, /copied is "yesterday"; expected a YYYY-MM-DD date/],
    ['an empty list', { ipv6_cidrs: [] }, /ipv6_cidrs is empty/],
    ['a duplicate', { ipv4_cidrs: ['104.16.0.0/13', '104.16.0.0/13'] }, /ipv4_cidrs has duplicates/],
    ['a non-CIDR', { ipv4_cidrs: ['104.16.0.0'] }, /ipv4_cidrs entry "104.16.0.0" is not a CIDR/],
    ['an IPv6 range in the IPv4 list', { ipv4_cidrs: ['2606:4700::/32'] }, /ipv4_cidrs entry "2606:4700::\/32" is not ipv4/],
    ['host bits set', { ipv4_cidrs: ['104.16.0.1/13'] }, /ipv4_cidrs entry "104.16.0.1\/13" has host bits set; expected 104.16.0.0\/13/],
  ])('rejects %s', (_what, change, message) => {
    expect(cloudflareRangesProblems({ ...sound, ...change }).join('; ')).toMatch(message);
  });

  it('builds the refreshed file from the API response, and refuses an unusable one', () => {
    const file = rangesFileFromApi(
      { success: true, result: { ipv4_cidrs: ['104.16.0.0/13'], ipv6_cidrs: ['2606:4700::/32'], etag: 'x' } },
      '2027-01-02',
    );
    expect(file).toMatchObject({ copied: '2027-01-02', ipv4_cidrs: ['104.16.0.0/13'], ipv6_cidrs: ['2606:4700::/32'] });
    expect(() => rangesFileFromApi({ success: false, errors: [{ message: 'nope' }] }, '2027-01-02')).toThrow(
      /answered without success: \[\{"message":"nope"\}\]/,
    );
    expect(() => rangesFileFromApi({ success: true, result: { ipv4_cidrs: [], ipv6_cidrs: ['2606:4700::/32'] } }, '2027-01-02')).toThrow(
      /unusable ranges: ipv4_cidrs is empty/,
    );
  });
});
