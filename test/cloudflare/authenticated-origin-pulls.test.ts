import { TerraformVariable } from 'cdktf';
import { AuthenticatedOriginPulls } from '../../lib/cloudflare/authenticated-origin-pulls';
import { CA_A, CLIENT_A, FAKE_PRIVATE_KEY } from '../fixtures/origin-pull';
import { resourcesOf, synthCloudflare, ZONE_ID } from './support';

describe('AuthenticatedOriginPulls', () => {
  let pulls!: AuthenticatedOriginPulls;
  const json = synthCloudflare((s) => {
    pulls = new AuthenticatedOriginPulls(s, 'OriginPulls', { zoneId: ZONE_ID });
    const zoneId = new TerraformVariable(s, 'zone_id', { type: 'string' });
    new AuthenticatedOriginPulls(s, 'FromToken', { zoneId: zoneId.stringValue });
  });
  const settings = Object.fromEntries(
    Object.entries(resourcesOf(json, 'cloudflare_authenticated_origin_pulls_settings')).map(([name, r]) => [
      name.replace(/_[0-9A-F]{8}$/, ''),
      r,
    ]),
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
      new RegExp(
        `^AuthenticatedOriginPulls \\S*OriginPulls: zoneId "${zoneId.replace('.', '\\.')}" is invalid; expected the zone's ` +
          `id, 32 lowercase hex digits`,
      ),
    );
  });
});

describe("AuthenticatedOriginPulls with the zone's own certificate", () => {
  const CERT = 'cloudflare_authenticated_origin_pulls_certificate';
  let pulls!: AuthenticatedOriginPulls;
  const json = synthCloudflare((s) => {
    const key = new TerraformVariable(s, 'origin_pull_private_key', { type: 'string', sensitive: true });
    pulls = new AuthenticatedOriginPulls(s, 'OriginPulls', { zoneId: ZONE_ID, certificate: CLIENT_A, privateKey: key.stringValue });
  });

  it('uploads the certificate for the zone with its key read from a variable, replaced create-before-destroy', () => {
    const certs = resourcesOf(json, CERT);
    expect(Object.values(certs)).toEqual([
      {
        zone_id: ZONE_ID,
        certificate: CLIENT_A,
        private_key: '${var.origin_pull_private_key}',
        lifecycle: { create_before_destroy: true },
      },
    ]);
    expect(pulls.certificate?.node.id).toBe('Certificate');
  });

  it('switches zone-level origin pulls on only after the certificate exists', () => {
    const [settings] = Object.values(resourcesOf(json, 'cloudflare_authenticated_origin_pulls_settings')) as any[];
    expect(settings).toEqual({ zone_id: ZONE_ID, enabled: true, depends_on: [`${CERT}.${Object.keys(resourcesOf(json, CERT))[0]}`] });
  });

  it('never writes the private key into the synthesized JSON', () => {
    expect(JSON.stringify(json)).not.toMatch(/PRIVATE KEY/);
  });

  it.each<[string, () => object, RegExp]>([
    [
      'a literal private key',
      () => ({ certificate: CLIENT_A, privateKey: FAKE_PRIVATE_KEY }),
      new RegExp(
        'privateKey is a literal private key, which would be written into the synthesized JSON \\(control SECRETS\\); pass a ' +
          'reference resolved at deploy time',
      ),
    ],
    ['literal text as the key', () => ({ certificate: CLIENT_A, privateKey: 'secret' }), /privateKey is literal text/],
    ['a certificate without its key', () => ({ certificate: CLIENT_A }), /certificate is set without privateKey; give both/],
    ['a key without its certificate', () => ({ privateKey: '${var.k}' }), /privateKey is set without certificate/],
    [
      'a CA instead of the zone certificate',
      () => ({ certificate: CA_A, privateKey: '${var.k}' }),
      /certificate is a CA certificate; expected the leaf certificate/,
    ],
    ['text that is not PEM', () => ({ certificate: 'not a certificate', privateKey: '${var.k}' }), /certificate is not PEM/],
    [
      'a certificate bundled with its key',
      () => ({ certificate: CLIENT_A + FAKE_PRIVATE_KEY, privateKey: '${var.k}' }),
      /certificate holds a private key/,
    ],
  ])('rejects %s', (_what, extra, message) => {
    expect(() =>
      synthCloudflare((s) => {
        const key = new TerraformVariable(s, 'k', { type: 'string', sensitive: true });
        const props = extra() as any;
        if (props.privateKey === '${var.k}') props.privateKey = key.stringValue;
        new AuthenticatedOriginPulls(s, 'OriginPulls', { zoneId: ZONE_ID, ...props });
      }),
    ).toThrow(message);
  });
});
