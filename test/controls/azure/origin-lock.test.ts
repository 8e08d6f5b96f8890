import { CLOUDFLARE_IPV4_RANGES } from '../../../lib/config/cloudflare-ranges';
import { checkOriginLock } from '../../../lib/controls/azure/origin-lock';
import { dr, expectFinding, expectNotApplicable, expectPass, named, only, primary, weakened } from './support';

const NSG = 'azurerm_network_security_group';
const GW = only(primary(), 'azurerm_application_gateway').address;
const GW_NSG = named(primary(), NSG, /-gateway$/).address;
const gatewayRules = (t: any) => named(t, NSG, /-gateway$/).args.security_rule as any[];
const ruleNamed = (t: any, name: string) => gatewayRules(t).find((r) => r.name === name);
const locked = { originLocked: true };

/** The region fixture with the gateway NSG's 80/443 sources set to Cloudflare's ranges, as the region stack does when origin-locked. */
function lockToEdge(t: any): any {
  for (const name of ['allow-https', 'allow-http-redirect']) {
    const rule = ruleNamed(t, name);
    delete rule.source_address_prefix;
    rule.source_address_prefixes = [...CLOUDFLARE_IPV4_RANGES];
  }
  return t;
}
const lockedPrimary = () => lockToEdge(primary());

describe('ORIGIN-LOCK (Azure)', () => {
  it('passes a gateway subnet NSG admitting 80/443 only from Cloudflare\'s ranges (and the platform tags)', () => {
    const result = checkOriginLock(lockedPrimary(), locked);
    expectPass(result);
    expect(result.evidence).toEqual(expect.arrayContaining([GW, GW_NSG]));
  });

  it('passes the locked DR region', () => {
    expectPass(checkOriginLock(lockToEdge(dr()), locked));
  });

  it('is not applicable unless the environment is origin-locked', () => {
    expectNotApplicable(checkOriginLock(primary()));
    expectNotApplicable(checkOriginLock(primary(), { originLocked: false }));
  });

  it('is not applicable without an application gateway', () => {
    expectNotApplicable(checkOriginLock({ resource: { azurerm_key_vault: { kv: {} } } }, locked));
  });

  it('fails the unlocked fixture, whose gateway admits the Internet tag', () => {
    expectFinding(checkOriginLock(primary(), locked), GW_NSG, /admits "allow-https" \(Tcp 443\) from Internet; expected only Cloudflare's published ranges/);
  });

  it.each<[string, (t: any) => void, string, RegExp]>([
    ['HTTPS from Internet', (t) => (ruleNamed(t, 'allow-https').source_address_prefixes.push('Internet')), GW_NSG, /"allow-https" \(Tcp 443\) from Internet; expected only Cloudflare's published ranges/],
    ['HTTP from *', (t) => (ruleNamed(t, 'allow-http-redirect').source_address_prefixes = ['*']), GW_NSG, /"allow-http-redirect" \(Tcp 80\) from \*/],
    ['HTTPS from 0.0.0.0/0', (t) => (ruleNamed(t, 'allow-https').source_address_prefixes = ['0.0.0.0/0']), GW_NSG, /from 0.0.0.0\/0/],
    ['a range wider than Cloudflare\'s', (t) => (ruleNamed(t, 'allow-https').source_address_prefixes[0] = '173.245.0.0/16'), GW_NSG, /from 173.245.0.0\/16/],
    [
      'another port open to the internet',
      (t) => gatewayRules(t).unshift({ name: 'open-8080', priority: 200, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source_port_range: '*', destination_port_range: '8080', source_address_prefix: 'Internet', destination_address_prefix: '*' }),
      GW_NSG,
      /"open-8080" \(Tcp 8080\) from Internet/,
    ],
    [
      'a separate rule resource open to the internet',
      (t) =>
        (t.resource.azurerm_network_security_rule = {
          OpenHttps: { name: 'open-https', network_security_group_name: `\${${GW_NSG}.name}`, priority: 150, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', destination_port_range: '443', source_address_prefix: 'Internet' },
        }),
      'azurerm_network_security_rule.OpenHttps',
      /"open-https" \(Tcp 443\) from Internet/,
    ],
    [
      'the gateway subnet without an NSG',
      (t) => delete t.resource.azurerm_subnet_network_security_group_association[named(t, 'azurerm_subnet_network_security_group_association', /GatewayNsg/).address.split('.')[1]],
      GW,
      /subnet "snet-gateway" of the gateway has no network security group association/,
    ],
  ])('fails with %s', (_name, edit, resource, message) => {
    expectFinding(checkOriginLock(weakened((t) => edit(lockToEdge(t))), locked), resource, message);
  });
});
