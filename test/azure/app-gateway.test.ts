import { TerraformOutput } from 'cdktf';
import { X509Certificate } from 'node:crypto';
import { AppGateway, type AppGatewayProps } from '../../lib/azure/app-gateway';
import { CA_A, CA_B, CLIENT_A, SHARED_CA } from '../fixtures/origin-pull';
import { LOCATION, onlyResource, RG, synthAzure, type TfJson } from './support';

const IDENTITY =
  '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-test/providers/Microsoft.ManagedIdentity/userAssigned' +
  'Identities/id-agw';
const SUBNET =
  '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-test/providers/Microsoft.Network/virtualNetworks/vnet' +
  '/subnets/gateway';
const POLICY =
  '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-test/providers/Microsoft.Network/applicationGatewayWe' +
  'bApplicationFirewallPolicies/waf';
const CERT = 'https://kv-certs.vault.azure.net/secrets/www';

const props: AppGatewayProps = {
  resourceGroupName: RG,
  location: LOCATION,
  name: 'agw-acme-staging',
  subnetId: SUBNET,
  firewallPolicyId: POLICY,
  certificateSecretId: CERT,
  identityId: IDENTITY,
};

function synth(p: AppGatewayProps): TfJson {
  return synthAzure((s) => {
    const gw = new AppGateway(s, 'Gateway', p);
    new TerraformOutput(s, 'GatewayId', { value: gw.gatewayId });
    new TerraformOutput(s, 'BackendPoolId', { value: gw.backendPoolId });
    new TerraformOutput(s, 'PublicIpAddress', { value: gw.publicIpAddress });
  });
}
const gatewayOf = (p: AppGatewayProps) => onlyResource(synth(p), 'azurerm_application_gateway');
const byName = (blocks: Record<string, any>[], name: string) => {
  const found = blocks.find((b) => b.name === name);
  if (!found) throw new Error(`no block named ${name}`);
  return found;
};

describe('AppGateway', () => {
  it('runs WAF_v2 across three zones, autoscaling 2-10, with the WAF policy forced on', () => {
    const gw = gatewayOf(props);
    expect(gw.sku).toEqual({ name: 'WAF_v2', tier: 'WAF_v2' });
    expect(gw.autoscale_configuration).toEqual({ min_capacity: 2, max_capacity: 10 });
    expect(gw.zones).toEqual(['1', '2', '3']);
    expect(gw.firewall_policy_id).toBe(POLICY);
    expect(gw.force_firewall_policy_association).toBe(true);
    expect(gw.waf_configuration).toBeUndefined();
    expect(gw.enable_http2).toBe(true);
    expect(gw.gateway_ip_configuration).toEqual([{ name: 'gateway-ip', subnet_id: SUBNET }]);
  });

  it('fronts a zone-redundant static Standard public IP', () => {
    const json = synth(props);
    const ip = onlyResource(json, 'azurerm_public_ip');
    expect(ip).toEqual({
      name: 'agw-acme-staging-pip',
      resource_group_name: RG,
      location: LOCATION,
      sku: 'Standard',
      sku_tier: 'Regional',
      allocation_method: 'Static',
      ip_version: 'IPv4',
      zones: ['1', '2', '3'],
    });
    expect(onlyResource(json, 'azurerm_application_gateway').frontend_ip_configuration).toEqual([
      { name: 'public', public_ip_address_id: expect.stringMatching(/^\$\{azurerm_public_ip\..*\.id\}$/) },
    ]);
    expect((json.output as any).PublicIpAddress.value).toMatch(/^\$\{azurerm_public_ip\..*\.ip_address\}$/);
  });

  it('terminates TLS 1.2+ with the Key Vault certificate read by the user-assigned identity', () => {
    const gw = gatewayOf(props);
    expect(gw.ssl_policy).toEqual({ policy_type: 'Predefined', policy_name: 'AppGwSslPolicy20220101S' });
    expect(gw.ssl_certificate).toEqual([{ name: 'frontend', key_vault_secret_id: CERT }]);
    expect(gw.identity).toEqual({ type: 'UserAssigned', identity_ids: [IDENTITY] });
    expect(gw.frontend_port).toEqual([
      { name: 'https', port: 443 },
      { name: 'http', port: 80 },
    ]);
    expect(byName(gw.http_listener, 'https')).toEqual({
      name: 'https',
      frontend_ip_configuration_name: 'public',
      frontend_port_name: 'https',
      protocol: 'Https',
      ssl_certificate_name: 'frontend',
      require_sni: false,
    });
  });

  it('only redirects port 80 to the HTTPS listener, permanently, keeping path and query', () => {
    const gw = gatewayOf(props);
    expect(byName(gw.http_listener, 'http')).toEqual({
      name: 'http',
      frontend_ip_configuration_name: 'public',
      frontend_port_name: 'http',
      protocol: 'Http',
    });
    expect(gw.redirect_configuration).toEqual([
      { name: 'http-to-https', redirect_type: 'Permanent', target_listener_name: 'https', include_path: true, include_query_string: true },
    ]);
    const rule = byName(gw.request_routing_rule, 'http-redirect');
    expect(rule).toEqual({
      name: 'http-redirect',
      priority: 20,
      rule_type: 'Basic',
      http_listener_name: 'http',
      redirect_configuration_name: 'http-to-https',
    });
  });

  it('sends HSTS, nosniff and DENY framing on every HTTPS response', () => {
    const gw = gatewayOf(props);
    expect(gw.rewrite_rule_set).toEqual([
      {
        name: 'security-headers',
        rewrite_rule: [
          {
            name: 'add-security-headers',
            rule_sequence: 100,
            response_header_configuration: [
              { header_name: 'Strict-Transport-Security', header_value: 'max-age=31536000; includeSubDomains' },
              { header_name: 'X-Content-Type-Options', header_value: 'nosniff' },
              { header_name: 'X-Frame-Options', header_value: 'DENY' },
            ],
          },
        ],
      },
    ]);
    expect(byName(gw.request_routing_rule, 'https-to-app')).toEqual({
      name: 'https-to-app',
      priority: 10,
      rule_type: 'Basic',
      http_listener_name: 'https',
      backend_address_pool_name: 'app',
      backend_http_settings_name: 'app-https',
      rewrite_rule_set_name: 'security-headers',
    });
  });

  it('re-encrypts to the app on 8443 and probes its health over HTTPS', () => {
    const gw = gatewayOf(props);
    expect(gw.backend_address_pool).toEqual([{ name: 'app' }]);
    expect(gw.backend_http_settings).toEqual([
      {
        name: 'app-https',
        protocol: 'Https',
        port: 8443,
        cookie_based_affinity: 'Disabled',
        request_timeout: 30,
        probe_name: 'app-health',
        pick_host_name_from_backend_address: true,
        connection_draining: { enabled: true, drain_timeout_sec: 60 },
      },
    ]);
    expect(gw.probe).toEqual([
      {
        name: 'app-health',
        protocol: 'Https',
        path: '/healthz',
        pick_host_name_from_backend_http_settings: true,
        interval: 30,
        timeout: 30,
        unhealthy_threshold: 3,
        match: { status_code: ['200-399'] },
      },
    ]);
    expect(gw.trusted_root_certificate).toBeUndefined();
  });

  it('takes host names (SNI required), backend host, private CA, port, path, capacity and zones', () => {
    const gw = gatewayOf({
      ...props,
      hostNames: ['www.example.com', '*.example.com'],
      backendHostName: 'app.internal.example.com',
      backendTrustedRootCertificateSecretId: 'https://kv-certs.vault.azure.net/secrets/app-ca',
      appPort: 9443,
      healthCheckPath: '/ready',
      requestTimeoutSeconds: 60,
      minCapacity: 3,
      maxCapacity: 20,
      zones: ['1', '2'],
    });
    expect(byName(gw.http_listener, 'https')).toMatchObject({ host_names: ['www.example.com', '*.example.com'], require_sni: true });
    expect(byName(gw.http_listener, 'http').host_names).toEqual(['www.example.com', '*.example.com']);
    expect(gw.backend_http_settings[0]).toMatchObject({
      port: 9443,
      host_name: 'app.internal.example.com',
      pick_host_name_from_backend_address: false,
      request_timeout: 60,
      trusted_root_certificate_names: ['app-ca'],
    });
    expect(gw.trusted_root_certificate).toEqual([
      { name: 'app-ca', key_vault_secret_id: 'https://kv-certs.vault.azure.net/secrets/app-ca' },
    ]);
    expect(gw.probe[0].path).toBe('/ready');
    expect(gw.autoscale_configuration).toEqual({ min_capacity: 3, max_capacity: 20 });
    expect(gw.zones).toEqual(['1', '2']);
  });

  describe('locked to a Cloudflare zone (ORIGIN-LOCK)', () => {
    const gw = gatewayOf({ ...props, hostNames: ['app.example.com'], clientCertificateAuthorities: [CA_A, CA_B] });
    const fingerprint = (pem: string) => new X509Certificate(pem).fingerprint256.replace(/:/g, '').slice(0, 16).toLowerCase();
    const caNames = [CA_A, CA_B].map((pem) => `origin-pull-ca-${fingerprint(pem)}`);

    it(
      "trusts the zone's CAs (base64 of the PEM) as client certificates in an SSL profile that verifies them on the gateway's " +
        'TLS policy',
      () => {
        expect(gw.trusted_client_certificate).toEqual([
          { name: caNames[0], data: Buffer.from(CA_A).toString('base64') },
          { name: caNames[1], data: Buffer.from(CA_B).toString('base64') },
        ]);
        expect(gw.ssl_profile).toEqual([
          {
            name: 'origin-pull',
            trusted_client_certificate_names: caNames,
            verify_client_cert_issuer_dn: true,
            ssl_policy: { policy_type: 'Predefined', policy_name: 'AppGwSslPolicy20220101S' },
          },
        ]);
      },
    );

    it('requires the client certificate on every HTTPS listener, the catch-all included', () => {
      expect(gw.http_listener.filter((l: any) => l.protocol === 'Https').map((l: any) => [l.name, l.ssl_profile_name])).toEqual([
        ['https', 'origin-pull'],
        ['https-other-hosts', 'origin-pull'],
      ]);
    });

    it('routes only the served host to the app; every other name lands on a catch-all that only redirects', () => {
      expect(byName(gw.http_listener, 'https')).toMatchObject({ host_names: ['app.example.com'], require_sni: true });
      expect(byName(gw.http_listener, 'https-other-hosts')).toEqual({
        name: 'https-other-hosts',
        frontend_ip_configuration_name: 'public',
        frontend_port_name: 'https',
        protocol: 'Https',
        ssl_certificate_name: 'frontend',
        require_sni: false,
        ssl_profile_name: 'origin-pull',
      });
      expect(byName(gw.request_routing_rule, 'other-hosts-refused')).toEqual({
        name: 'other-hosts-refused',
        priority: 30,
        rule_type: 'Basic',
        http_listener_name: 'https-other-hosts',
        redirect_configuration_name: 'other-hosts-to-served-host',
      });
      expect(byName(gw.redirect_configuration, 'other-hosts-to-served-host')).toEqual({
        name: 'other-hosts-to-served-host',
        redirect_type: 'Found',
        target_url: 'https://app.example.com/',
        include_path: false,
        include_query_string: false,
      });
    });

    it('asks for no client certificate when no CA is given', () => {
      const open = gatewayOf(props);
      expect(open.ssl_profile).toBeUndefined();
      expect(open.trusted_client_certificate).toBeUndefined();
      expect(open.http_listener.every((l: any) => l.ssl_profile_name === undefined)).toBe(true);
    });

    it.each<[string, Partial<AppGatewayProps>, RegExp]>([
      [
        "Cloudflare's shared origin-pull CA",
        { clientCertificateAuthorities: [SHARED_CA] },
        /clientCertificateAuthorities\[0\] is Cloudflare's shared origin-pull CA/,
      ],
      ['a leaf certificate', { clientCertificateAuthorities: [CLIENT_A] }, /clientCertificateAuthorities\[0\] is not a CA certificate/],
      ['the same CA twice', { clientCertificateAuthorities: [CA_A, CA_A] }, /lists the same CA twice/],
      [
        'three CAs',
        { clientCertificateAuthorities: [CA_A, CA_B, CA_A] },
        /has 3 entries; expected the zone's CA and, while rotating, the next one/,
      ],
      ['only wildcard host names', { hostNames: ['*.example.com'] }, /hostNames are all wildcards/],
    ])('rejects %s', (_what, extra, message) => {
      expect(() => synth({ ...props, hostNames: ['app.example.com'], ...extra })).toThrow(message);
    });
  });

  it('exposes the gateway id and a backend pool id Terraform can resolve (the pool set as a list)', () => {
    const out = synth(props).output as any;
    expect(out.GatewayId.value).toMatch(/^\$\{azurerm_application_gateway\.Gateway_[A-Z0-9]+\.id\}$/);
    expect(out.BackendPoolId.value).toMatch(
      /^\$\{tolist\(azurerm_application_gateway\.Gateway_[A-Z0-9]+\.backend_address_pool\)\.0\.id\}$/,
    );
  });

  describe('rejects', () => {
    const fails = (p: Partial<AppGatewayProps>) => () => synth({ ...props, ...p });
    it('a malformed name', () => {
      expect(fails({ name: 'agw acme' })).toThrow(/name "agw acme" is invalid/);
    });
    it.each([1, 101, 2.5])('minCapacity %p', (minCapacity) => {
      expect(fails({ minCapacity })).toThrow(/minCapacity .* out of range/);
    });
    it.each([126, 1])('maxCapacity %p', (maxCapacity) => {
      expect(fails({ maxCapacity })).toThrow(/maxCapacity .* out of range/);
    });
    it('a maxCapacity below minCapacity', () => {
      expect(fails({ minCapacity: 5, maxCapacity: 4 })).toThrow(
        /maxCapacity 4 is out of range; expected a whole number from minCapacity \(5\)/,
      );
    });
    it.each([[['1']], [['1', '1']], [['1', '4']]])('zones %j', (zones) => {
      expect(fails({ zones })).toThrow(/zones .* is invalid; expected at least two distinct zones/);
    });
    it.each([0, 65536, 80.5])('appPort %p', (appPort) => {
      expect(fails({ appPort })).toThrow(/appPort .* out of range/);
    });
    it('a health check path without a leading slash', () => {
      expect(fails({ healthCheckPath: 'healthz' })).toThrow(/healthCheckPath "healthz" is invalid/);
    });
    it.each([0, 86401])('requestTimeoutSeconds %p', (requestTimeoutSeconds) => {
      expect(fails({ requestTimeoutSeconds })).toThrow(/requestTimeoutSeconds .* out of range/);
    });
    it('an empty host name list', () => {
      expect(fails({ hostNames: [] })).toThrow(/hostNames has 0 entries/);
    });
    it('more than 5 host names', () => {
      expect(
        fails({ hostNames: ['a.example.com', 'b.example.com', 'c.example.com', 'd.example.com', 'e.example.com', 'f.example.com'] }),
      ).toThrow(/hostNames has 6 entries/);
    });
    it.each(['example', 'www..example.com', '-a.example.com', 'a.*.example.com', '10.0.0.1'])('host name %p', (host) => {
      expect(fails({ hostNames: [host] })).toThrow(/hostNames\[0\] .* is invalid/);
    });
    it('a wildcard backend host name', () => {
      expect(fails({ backendHostName: '*.example.com' })).toThrow(/backendHostName "\*\.example\.com" is invalid/);
    });
    it('a certificate that is not a Key Vault secret id', () => {
      expect(fails({ certificateSecretId: 'https://kv-certs.vault.azure.net/certificates/www' })).toThrow(
        /certificateSecretId .* is invalid/,
      );
    });
    it('a trusted root that is not a Key Vault secret id', () => {
      expect(fails({ backendTrustedRootCertificateSecretId: 'ca.pem' })).toThrow(
        /backendTrustedRootCertificateSecretId "ca.pem" is invalid/,
      );
    });
    it('an identity that is not user-assigned', () => {
      expect(fails({ identityId: 'SystemAssigned' })).toThrow(/identityId "SystemAssigned" is invalid/);
    });
  });
});
