import { allowlistCidrProblem, isPrivateIpv4Cidr, parseCidr } from '../../lib/config/cidr';

const DEFAULT_LIMITS = { ipv4: 24, ipv6: 48 };

describe('parseCidr', () => {
  test.each([
    ['198.51.100.0/24', { family: 'ipv4', prefix: 24, canonical: '198.51.100.0/24' }],
    ['203.0.113.10/32', { family: 'ipv4', prefix: 32, canonical: '203.0.113.10/32' }],
    ['2001:DB8:1234::/48', { family: 'ipv6', prefix: 48, canonical: '2001:db8:1234::/48' }],
    ['2001:0db8:1234:0000::/48', { family: 'ipv6', prefix: 48, canonical: '2001:db8:1234::/48' }],
    ['0.0.0.0/0', { family: 'ipv4', prefix: 0, canonical: '0.0.0.0/0' }],
  ])('parses %s to its canonical form', (text, expected) => {
    expect(parseCidr(text)).toEqual(expected);
  });

  test.each([
    ['203.0.113.10', /is not in CIDR notation/],
    ['', /is not in CIDR notation/],
    ['203.0.113.300/32', /is not a valid IPv4 or IPv6 CIDR block/],
    ['203.0.113.0/33', /is not a valid IPv4 or IPv6 CIDR block/],
    ['2001:db8::/129', /is not a valid IPv4 or IPv6 CIDR block/],
    [' 203.0.113.0/24', /is not a valid IPv4 or IPv6 CIDR block/],
    ['203.0.113.0/24/1', /is not a valid IPv4 or IPv6 CIDR block/],
    ['office/24', /is not a valid IPv4 or IPv6 CIDR block/],
    ['203.0.113/24', /is not a valid dotted-quad IPv4 CIDR block/],
    ['010.0.0.0/8', /is not a valid dotted-quad IPv4 CIDR block/],
  ])('rejects the malformed block %j', (text, message) => {
    expect(parseCidr(text)).toEqual({ error: expect.stringMatching(message) });
  });

  test('rejects host bits, naming the network that was probably meant', () => {
    expect(parseCidr('203.0.113.10/24')).toEqual({ error: 'has host bits set (the network of this prefix is 203.0.113.0/24)' });
    expect(parseCidr('2001:db8:1234::1/48')).toEqual({ error: 'has host bits set (the network of this prefix is 2001:db8:1234::/48)' });
  });
});

describe('allowlistCidrProblem', () => {
  test.each(['203.0.113.10/32', '198.51.100.0/24', '2001:db8:1234::/48', '2001:db8::1/128'])(
    'accepts %s within the default limits',
    (text) => {
      expect(allowlistCidrProblem(text, DEFAULT_LIMITS)).toBeUndefined();
    },
  );

  test('fails when an IPv4 block is broader than the limit, naming the guardrail', () => {
    expect(allowlistCidrProblem('198.51.100.0/23', DEFAULT_LIMITS)).toBe(
      'is broader than the allowed maximum /24 for IPv4 (guardrails.maxAllowlistPrefix.ipv4)',
    );
  });

  test('fails when an IPv6 block is broader than the limit, naming the guardrail', () => {
    expect(allowlistCidrProblem('2001:db8::/47', DEFAULT_LIMITS)).toBe(
      'is broader than the allowed maximum /48 for IPv6 (guardrails.maxAllowlistPrefix.ipv6)',
    );
  });

  test('the limit follows the guardrails', () => {
    expect(allowlistCidrProblem('198.51.0.0/16', { ipv4: 16, ipv6: 48 })).toBeUndefined();
    expect(allowlistCidrProblem('198.51.100.0/28', { ipv4: 32, ipv6: 48 })).toMatch(/broader than the allowed maximum \/32/);
    expect(allowlistCidrProblem('2001:db8::/32', { ipv4: 24, ipv6: 32 })).toBeUndefined();
  });

  test.each(['0.0.0.0/0', '::/0'])('fails on %s even with no breadth limit at all', (text) => {
    expect(allowlistCidrProblem(text, { ipv4: 0, ipv6: 0 })).toBe('opens the port to the whole internet (/0 is never accepted)');
  });

  test('fails on IPv4-mapped IPv6 blocks, which would escape the IPv4 limit', () => {
    expect(allowlistCidrProblem('::ffff:0:0/96', DEFAULT_LIMITS)).toMatch(/is an IPv4-mapped IPv6 block; write the range in IPv4 notation/);
    expect(allowlistCidrProblem('::ffff:203.0.113.10/128', DEFAULT_LIMITS)).toMatch(/is an IPv4-mapped IPv6 block/);
  });

  test('returns the parse error of a malformed block', () => {
    expect(allowlistCidrProblem('203.0.113.10', DEFAULT_LIMITS)).toMatch(/is not in CIDR notation/);
  });
});

describe('isPrivateIpv4Cidr', () => {
  test.each(['10.0.0.0/16', '172.16.0.0/16', '172.31.0.0/16', '192.168.0.0/16'])('%s is private (RFC 1918)', (text) => {
    expect(isPrivateIpv4Cidr(text)).toBe(true);
  });

  test.each(['8.8.0.0/16', '172.32.0.0/16', '100.64.0.0/16', '169.254.0.0/16', 'fd00::/8', '10.0.0.1/16', 'nonsense'])(
    '%s is not',
    (text) => {
      expect(isPrivateIpv4Cidr(text)).toBe(false);
    },
  );
});
