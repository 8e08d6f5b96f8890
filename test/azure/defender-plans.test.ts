import { DEFENDER_PLANS, DefenderPlans, type DefenderPlan, type DefenderPlansProps } from '../../lib/azure/defender-plans';
import { onlyResource, resourcesOf, synthAzure } from './support';

const props: DefenderPlansProps = { securityContactEmail: 'security@example.com', phone: '+15555550100' };
const json = synthAzure((s) => new DefenderPlans(s, 'Defender', props));
const pricings = Object.values(resourcesOf(json, 'azurerm_security_center_subscription_pricing'));
const byType = (type: string) => pricings.find((p) => p.resource_type === type);

describe('DefenderPlans', () => {
  it('enables every known plan at the Standard tier by default', () => {
    expect(pricings.map((p) => p.resource_type).sort()).toEqual([
      'Arm',
      'KeyVaults',
      'OpenSourceRelationalDatabases',
      'StorageAccounts',
      'VirtualMachines',
    ]);
    expect(Object.keys(DEFENDER_PLANS).sort()).toEqual(pricings.map((p) => p.resource_type).sort());
  });

  it('takes servers plan 2 and the per-account storage plan, with no extensions', () => {
    expect(byType('VirtualMachines')).toEqual({ resource_type: 'VirtualMachines', tier: 'Standard', subplan: 'P2' });
    expect(byType('StorageAccounts')).toEqual({ resource_type: 'StorageAccounts', tier: 'Standard', subplan: 'DefenderForStorageV2' });
  });

  it.each(['KeyVaults', 'OpenSourceRelationalDatabases', 'Arm'])('takes the %s plan without a sub-plan or extensions', (type) => {
    expect(byType(type)).toEqual({ resource_type: type, tier: 'Standard' });
  });

  it('e-mails and phones alerts to the security contact and the subscription owners', () => {
    expect(onlyResource(json, 'azurerm_security_center_contact')).toEqual({
      name: 'default',
      email: 'security@example.com',
      phone: '+15555550100',
      alert_notifications: true,
      alerts_to_admins: true,
    });
  });

  it('leaves the phone out by default', () => {
    const contact = onlyResource(
      synthAzure((s) => new DefenderPlans(s, 'Defender', { securityContactEmail: 'security@example.com' })),
      'azurerm_security_center_contact',
    );
    expect(contact).toEqual({ name: 'default', email: 'security@example.com', alert_notifications: true, alerts_to_admins: true });
  });

  it('enables only the plans asked for', () => {
    const some = Object.values(
      resourcesOf(
        synthAzure((s) => new DefenderPlans(s, 'Defender', { ...props, plans: ['KeyVaults', 'VirtualMachines'] })),
        'azurerm_security_center_subscription_pricing',
      ),
    );
    expect(some).toEqual([
      { resource_type: 'KeyVaults', tier: 'Standard' },
      { resource_type: 'VirtualMachines', tier: 'Standard', subplan: 'P2' },
    ]);
  });

  it.each([
    [
      'an unknown plan',
      { plans: ['Containers' as DefenderPlan] },
      /plan "Containers" is unknown; expected one of VirtualMachines, StorageAccounts, KeyVaults, OpenSourceRelationalDatabases, Arm/,
    ],
    ['an inherited property name as a plan', { plans: ['toString' as DefenderPlan] }, /plan "toString" is unknown/],
    ['no plans', { plans: [] }, /plans is empty; expected at least one plan \(control DETECT-THREATS\)/],
    [
      'a malformed contact address',
      { securityContactEmail: 'security@example' },
      /securityContactEmail "security@example" is not an e-mail address/,
    ],
    [
      'a contact address with spaces',
      { securityContactEmail: 'sec urity@example.com' },
      /securityContactEmail "sec urity@example.com" is not an e-mail address/,
    ],
  ])('fails on %s', (_name, over, message) => {
    expect(() => synthAzure((s) => new DefenderPlans(s, 'Defender', { ...props, ...over }))).toThrow(message);
  });
});
