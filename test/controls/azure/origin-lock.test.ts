import { checkOriginLock } from '../../../lib/controls/azure/origin-lock';
import { CA_A, CA_B, CLIENT_A, SHARED_CA } from '../../fixtures/origin-pull';
import {
  expectFinding,
  expectNotApplicable,
  expectPass,
  locked as lockedFixture,
  LOCKED_HOSTNAME,
  named,
  only,
  primary,
  weakened,
} from './support';

const NSG = 'azurerm_network_security_group';
const GW = only(lockedFixture(), 'azurerm_application_gateway').address;
const GW_NSG = named(lockedFixture(), NSG, /-gateway$/).address;
const gatewayRules = (t: any) => named(t, NSG, /-gateway$/).args.security_rule as any[];
const ruleNamed = (t: any, name: string) => gatewayRules(t).find((r) => r.name === name);
const locked = { originLocked: true };
const configured = { originLocked: true, originPullCaCertificates: [CA_A], originHostnames: [LOCKED_HOSTNAME] };
const gateway = (t: any) => only(t, 'azurerm_application_gateway').args;
const listener = (t: any, name: string) => gateway(t).http_listener.find((l: any) => l.name === name);
const policy = (t: any) => only(t, 'azurerm_web_application_firewall_policy').args;

describe('ORIGIN-LOCK (Azure)', () => {
  it("passes a gateway subnet NSG admitting 80/443 only from Cloudflare's ranges, the zone's CA required and its hostname bound", () => {
    const result = checkOriginLock(lockedFixture(), configured);
    expectPass(result);
    expect(result.evidence).toEqual(expect.arrayContaining([GW, GW_NSG]));
    expectPass(checkOriginLock(lockedFixture(), locked));
  });

  it('passes during a rotation, with the next CA trusted too, when the config lists both', () => {
    const rotating = weakened((t) => {
      gateway(t).trusted_client_certificate.push({ name: 'next', data: Buffer.from(CA_B).toString('base64') });
      gateway(t).ssl_profile[0].trusted_client_certificate_names.push('next');
    }, lockedFixture);
    expectPass(checkOriginLock(rotating, { ...configured, originPullCaCertificates: [CA_A, CA_B] }));
  });

  it('is not applicable unless the environment is origin-locked', () => {
    expectNotApplicable(checkOriginLock(primary()));
    expectNotApplicable(checkOriginLock(primary(), { originLocked: false }));
  });

  it('is not applicable without an application gateway', () => {
    expectNotApplicable(checkOriginLock({ resource: { azurerm_key_vault: { kv: {} } } }, locked));
  });

  it('fails the unlocked fixture, whose gateway admits the Internet tag', () => {
    expectFinding(
      checkOriginLock(primary(), locked),
      GW_NSG,
      /admits "allow-https" \(Tcp 443\) from Internet; expected only Cloudflare's published ranges/,
    );
  });

  it.each<[string, (t: any) => void, string, RegExp]>([
    [
      'HTTPS from Internet',
      (t) => ruleNamed(t, 'allow-https').source_address_prefixes.push('Internet'),
      GW_NSG,
      /"allow-https" \(Tcp 443\) from Internet; expected only Cloudflare's published ranges/,
    ],
    [
      'HTTP from *',
      (t) => (ruleNamed(t, 'allow-http-redirect').source_address_prefixes = ['*']),
      GW_NSG,
      /"allow-http-redirect" \(Tcp 80\) from \*/,
    ],
    ['HTTPS from 0.0.0.0/0', (t) => (ruleNamed(t, 'allow-https').source_address_prefixes = ['0.0.0.0/0']), GW_NSG, /from 0.0.0.0\/0/],
    [
      "a range wider than Cloudflare's",
      (t) => (ruleNamed(t, 'allow-https').source_address_prefixes[0] = '173.245.0.0/16'),
      GW_NSG,
      /from 173.245.0.0\/16/,
    ],
    [
      'another port open to the internet',
      (t) =>
        gatewayRules(t).unshift({
          name: 'open-8080',
          priority: 200,
          direction: 'Inbound',
          access: 'Allow',
          protocol: 'Tcp',
          source_port_range: '*',
          destination_port_range: '8080',
          source_address_prefix: 'Internet',
          destination_address_prefix: '*',
        }),
      GW_NSG,
      /"open-8080" \(Tcp 8080\) from Internet/,
    ],
    [
      'a separate rule resource open to the internet',
      (t) =>
        (t.resource.azurerm_network_security_rule = {
          OpenHttps: {
            name: 'open-https',
            network_security_group_name: `\${${GW_NSG}.name}`,
            priority: 150,
            direction: 'Inbound',
            access: 'Allow',
            protocol: 'Tcp',
            destination_port_range: '443',
            source_address_prefix: 'Internet',
          },
        }),
      'azurerm_network_security_rule.OpenHttps',
      /"open-https" \(Tcp 443\) from Internet/,
    ],
    [
      'the gateway subnet without an NSG',
      (t) =>
        delete t.resource.azurerm_subnet_network_security_group_association[
          named(t, 'azurerm_subnet_network_security_group_association', /GatewayNsg/).address.split('.')[1]
        ],
      GW,
      /subnet "snet-gateway" of the gateway has no network security group association/,
    ],
    // Another Cloudflare zone, or anyone inside Cloudflare's ranges, without this zone's certificate.
    [
      'the SSL profile removed from the HTTPS listener',
      (t) => delete listener(t, 'https').ssl_profile_name,
      GW,
      new RegExp(
        'HTTPS listener "https" has ssl_profile_name absent; expected an SSL profile requiring a client certificate of this ' +
          "zone's CA: without it any Cloudflare customer's zone",
      ),
    ],
    [
      'the SSL profile removed from the catch-all listener',
      (t) => delete listener(t, 'https-other-hosts').ssl_profile_name,
      GW,
      /HTTPS listener "https-other-hosts" has ssl_profile_name absent/,
    ],
    [
      'an SSL profile without trusted client certificates',
      (t) => (gateway(t).ssl_profile[0].trusted_client_certificate_names = []),
      GW,
      /whose trusted_client_certificate_names are \[\]; expected the zone's CA/,
    ],
    [
      "Cloudflare's shared CA trusted (the shared-certificate attack)",
      (t) => (gateway(t).trusted_client_certificate[0].data = Buffer.from(SHARED_CA).toString('base64')),
      GW,
      /trusts Cloudflare's shared origin-pull CA .*an attacker's zone passes/,
    ],
    [
      'a CA the config does not name',
      (t) => (gateway(t).trusted_client_certificate[0].data = Buffer.from(CA_B).toString('base64')),
      GW,
      /trusts CN=Test origin-pull CA B .*not a CA of cloudflare.originPull.caCertificates/,
    ],
    [
      'a leaf certificate as the trusted CA',
      (t) => (gateway(t).trusted_client_certificate[0].data = Buffer.from(CLIENT_A).toString('base64')),
      GW,
      /which is not a CA certificate/,
    ],
    // Host binding: a request under a name this deployment does not serve.
    [
      'the HTTPS listener answering every host',
      (t) => delete listener(t, 'https').host_names,
      GW,
      /HTTPS listener "https" answers every host name and routes to a backend pool; expected host_names/,
    ],
    [
      'a wildcard host',
      (t) => (listener(t, 'https').host_names = ['*.example.com']),
      GW,
      /answers host "\*.example.com"; expected literal hostnames without wildcards/,
    ],
    [
      'a host outside the zone',
      (t) => (listener(t, 'https').host_names = ['app.example.org']),
      GW,
      /answers host "app.example.org", which is not a hostname of the zone/,
    ],
    [
      'the WAF host rule removed',
      (t) => (policy(t).custom_rules = policy(t).custom_rules.filter((r: any) => r.name !== 'HostNotServed')),
      GW,
      /its WAF policy has no enabled Block rule for a Host other than \["app.example.com"\]/,
    ],
    [
      'the WAF host rule only logging',
      (t) => (policy(t).custom_rules.find((r: any) => r.name === 'HostNotServed').action = 'Log'),
      GW,
      /no enabled Block rule for a Host/,
    ],
    [
      'the catch-all routed to the app',
      (t) =>
        Object.assign(
          gateway(t).request_routing_rule.find((r: any) => r.name === 'other-hosts-refused'),
          { redirect_configuration_name: undefined, backend_address_pool_name: 'app', backend_http_settings_name: 'app-https' },
        ),
      GW,
      /HTTPS listener "https-other-hosts" answers every host name and routes to a backend pool/,
    ],
  ])('fails with %s', (_name, edit, resource, message) => {
    expectFinding(checkOriginLock(weakened(edit, lockedFixture), configured), resource, message);
  });
});
