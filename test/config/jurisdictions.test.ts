import { AWS_JURISDICTIONS, awsRegionInJurisdiction, JURISDICTIONS } from '../../lib/config/jurisdictions';

describe('awsRegionInJurisdiction', () => {
  test('lists every jurisdiction of the table', () => {
    expect(JURISDICTIONS).toEqual(['eu', 'europe', 'us', 'ca', 'au', 'jp', 'in']);
  });

  test.each(Object.entries(AWS_JURISDICTIONS))('every region of %s is a well-formed AWS region name', (_jurisdiction, regions) => {
    for (const region of regions) expect(region).toMatch(/^[a-z]{2}-[a-z]+-\d$/);
    expect(new Set(regions).size).toBe(regions.length);
  });

  test('keeps an eu environment out of the US', () => {
    expect(awsRegionInJurisdiction('eu-west-1', 'eu')).toBe(true);
    expect(awsRegionInJurisdiction('eu-central-1', 'eu')).toBe(true);
    expect(awsRegionInJurisdiction('us-east-1', 'eu')).toBe(false);
  });

  test('London and Zurich are in "europe" but not in the EU', () => {
    for (const region of ['eu-west-2', 'eu-central-2']) {
      expect(awsRegionInJurisdiction(region, 'eu')).toBe(false);
      expect(awsRegionInJurisdiction(region, 'europe')).toBe(true);
    }
  });

  test('every EU region is also a European region', () => {
    for (const region of AWS_JURISDICTIONS.eu) expect(awsRegionInJurisdiction(region, 'europe')).toBe(true);
  });

  test('no region belongs to two jurisdictions other than eu and europe', () => {
    const owners = new Map<string, string[]>();
    for (const [jurisdiction, regions] of Object.entries(AWS_JURISDICTIONS)) {
      for (const region of regions) owners.set(region, [...(owners.get(region) ?? []), jurisdiction]);
    }
    for (const [region, list] of owners) {
      if (list.length > 1) expect([region, list]).toEqual([region, ['eu', 'europe']]);
    }
  });

  test('every jurisdiction offers at least two regions, so a DR region exists', () => {
    for (const regions of Object.values(AWS_JURISDICTIONS)) expect(regions.length).toBeGreaterThanOrEqual(2);
  });

  test('rejects unknown region names', () => {
    expect(awsRegionInJurisdiction('eu-west-9', 'eu')).toBe(false);
    expect(awsRegionInJurisdiction('', 'us')).toBe(false);
  });
});
