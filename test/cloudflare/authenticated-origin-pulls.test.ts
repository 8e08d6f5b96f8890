import { TerraformVariable } from 'cdktf';
import { AuthenticatedOriginPulls } from '../../lib/cloudflare/authenticated-origin-pulls';
import { resourcesOf, synthCloudflare, ZONE_ID } from './support';

describe('AuthenticatedOriginPulls', () => {
  let pulls!: AuthenticatedOriginPulls;
  const json = synthCloudflare((s) => {
    pulls = new AuthenticatedOriginPulls(s, 'OriginPulls', { zoneId: ZONE_ID });
    const zoneId = new TerraformVariable(s, 'zone_id', { type: 'string' });
    new AuthenticatedOriginPulls(s, 'FromToken', { zoneId: zoneId.stringValue });
  });
  const settings = Object.fromEntries(
    Object.entries(resourcesOf(json, 'cloudflare_authenticated_origin_pulls_settings')).map(([name, r]) => [name.replace(/_[0-9A-F]{8}$/, ''), r]),
  );

  it('enables zone-level authenticated origin pulls for the zone, and nothing else', () => {
    expect(settings).toEqual({
      OriginPulls: { zone_id: ZONE_ID, enabled: true },
      FromToken: { zone_id: '${var.zone_id}', enabled: true },
    });
    expect(Object.keys(json.resource ?? {})).toEqual(['cloudflare_authenticated_origin_pulls_settings']);
  });

  it('exposes the setting as its Resource child', () => {
    expect(pulls.resource.node.id).toBe('Resource');
    expect(pulls.resource.node.scope).toBe(pulls);
  });

  it.each(['0123456789ABCDEF0123456789ABCDEF', '0123456789abcdef0123456789abcdef0', 'example.com', ''])('rejects zoneId %p', (zoneId) => {
    expect(() => synthCloudflare((s) => new AuthenticatedOriginPulls(s, 'OriginPulls', { zoneId }))).toThrow(
      new RegExp(`^AuthenticatedOriginPulls \\S*OriginPulls: zoneId "${zoneId.replace('.', '\\.')}" is invalid; expected the zone's id, 32 lowercase hex digits`),
    );
  });
});
