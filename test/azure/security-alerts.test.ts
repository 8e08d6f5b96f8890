import { SecurityAlerts, type SecurityAlertsProps, WATCHED_OPERATIONS } from '../../lib/azure/security-alerts';
import { onlyResource, resourcesOf, RG, synthAzure } from './support';

const SUBSCRIPTION = '00000000-0000-4000-8000-00000000a001';
const props: SecurityAlertsProps = {
  namePrefix: 'acme-prod',
  resourceGroupName: RG,
  subscriptionId: SUBSCRIPTION,
  emails: ['oncall@example.com', 'security@example.com'],
  smsNumbers: ['+15555550100', '+442079460000', '+4915112345678', '+79161234567', '+35312345678'],
};
const json = synthAzure((s) => new SecurityAlerts(s, 'Alerts', props));
const group = onlyResource(json, 'azurerm_monitor_action_group');
const alerts = Object.values(resourcesOf(json, 'azurerm_monitor_activity_log_alert'));
const alertNamed = (name: string) => alerts.find((a) => a.name === `acme-prod-${name}`);

describe('SecurityAlerts', () => {
  it('pages every on-call address (common schema) and number from one enabled action group', () => {
    expect(group).toEqual({
      name: 'ag-acme-prod-security',
      resource_group_name: RG,
      short_name: 'acmeprod',
      enabled: true,
      email_receiver: [
        { name: 'email-0', email_address: 'oncall@example.com', use_common_alert_schema: true },
        { name: 'email-1', email_address: 'security@example.com', use_common_alert_schema: true },
      ],
      sms_receiver: [
        { name: 'sms-0', country_code: '1', phone_number: '5555550100' },
        { name: 'sms-1', country_code: '44', phone_number: '2079460000' },
        { name: 'sms-2', country_code: '49', phone_number: '15112345678' },
        { name: 'sms-3', country_code: '7', phone_number: '9161234567' },
        { name: 'sms-4', country_code: '353', phone_number: '12345678' },
      ],
    });
  });

  it('sends no SMS by default', () => {
    const bare = onlyResource(
      synthAzure((s) => new SecurityAlerts(s, 'Alerts', { ...props, smsNumbers: undefined })),
      'azurerm_monitor_action_group',
    );
    expect(bare.sms_receiver).toEqual([]);
    expect(bare.email_receiver).toHaveLength(2);
  });

  it('alerts on Defender for Cloud security alerts across the subscription', () => {
    expect(alertNamed('security-alert')).toEqual({
      name: 'acme-prod-security-alert',
      resource_group_name: RG,
      location: 'global',
      scopes: [`/subscriptions/${SUBSCRIPTION}`],
      description: 'Defender for Cloud raised a security alert',
      enabled: true,
      criteria: { category: 'Security' },
      action: [{ action_group_id: expect.stringMatching(/^\$\{azurerm_monitor_action_group\.Alerts_[0-9A-F]+\.id\}$/) }],
    });
  });

  it('watches exactly the control-weakening administrative operations, one alert each', () => {
    expect(alerts).toHaveLength(8);
    expect(WATCHED_OPERATIONS).toEqual({
      'nsg-write': 'Microsoft.Network/networkSecurityGroups/write',
      'nsg-delete': 'Microsoft.Network/networkSecurityGroups/delete',
      'nsg-rule-write': 'Microsoft.Network/networkSecurityGroups/securityRules/write',
      'nsg-rule-delete': 'Microsoft.Network/networkSecurityGroups/securityRules/delete',
      'key-vault-delete': 'Microsoft.KeyVault/vaults/delete',
      'policy-assignment-delete': 'Microsoft.Authorization/policyAssignments/delete',
      'role-assignment-write': 'Microsoft.Authorization/roleAssignments/write',
    });
  });

  it.each(Object.entries(WATCHED_OPERATIONS))('alerts the action group on %s (%s) across the subscription', (name, operationName) => {
    expect(alertNamed(name)).toEqual({
      name: `acme-prod-${name}`,
      resource_group_name: RG,
      location: 'global',
      scopes: [`/subscriptions/${SUBSCRIPTION}`],
      description: `A control-carrying setting changed: ${operationName}`,
      enabled: true,
      criteria: { category: 'Administrative', operation_name: operationName },
      action: [{ action_group_id: expect.stringMatching(/^\$\{azurerm_monitor_action_group\.Alerts_[0-9A-F]+\.id\}$/) }],
    });
  });

  it('cuts the short name to 12 letters and digits', () => {
    const long = onlyResource(
      synthAzure((s) => new SecurityAlerts(s, 'Alerts', { ...props, namePrefix: 'acme-staging-eu-2' })),
      'azurerm_monitor_action_group',
    );
    expect(long.short_name).toBe('acmestaginge');
  });

  it.each([
    ['no e-mail address', { emails: [] }, /emails is empty; expected at least one on-call address/],
    [
      'a malformed e-mail address',
      { emails: ['oncall@example.com', 'oncall.example.com'] },
      /emails entry "oncall.example.com" is not an e-mail address/,
    ],
    ['a number without +', { smsNumbers: ['15555550100'] }, /smsNumbers entry "15555550100" is not an E.164 number such as \+15555550100/],
    ['a number with spaces', { smsNumbers: ['+1 555 555 0100'] }, /smsNumbers entry "\+1 555 555 0100" is not an E.164 number/],
    ['a country code starting with 0', { smsNumbers: ['+05555550100'] }, /smsNumbers entry "\+05555550100" is not an E.164 number/],
    ['a subscriber number too short', { smsNumbers: ['+4412345'] }, /smsNumbers entry "\+4412345" is not an E.164 number/],
    [
      'a number longer than 15 digits',
      { smsNumbers: ['+4412345678901234'] },
      /smsNumbers entry "\+4412345678901234" is not an E.164 number/,
    ],
    [
      'an upper-case subscription id',
      { subscriptionId: SUBSCRIPTION.toUpperCase() },
      /subscriptionId "00000000-0000-4000-8000-00000000A001" is not a subscription id \(GUID\)/,
    ],
    ['a subscription name', { subscriptionId: 'acme-prod' }, /subscriptionId "acme-prod" is not a subscription id \(GUID\)/],
    [
      'a prefix without letters or digits',
      { namePrefix: '--' },
      /namePrefix "--" leaves no letters or digits for the 12-character short name/,
    ],
  ])('fails on %s', (_name, over, message) => {
    expect(() => synthAzure((s) => new SecurityAlerts(s, 'Alerts', { ...props, ...over }))).toThrow(message);
  });
});
