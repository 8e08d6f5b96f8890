import { MonitorActionGroup } from '@cdktf/provider-azurerm/lib/monitor-action-group';
import { MonitorActivityLogAlert } from '@cdktf/provider-azurerm/lib/monitor-activity-log-alert';
import { Construct } from 'constructs';

/** Administrative operations a security team wants to hear about, by alert name. */
export const WATCHED_OPERATIONS = {
  'nsg-write': 'Microsoft.Network/networkSecurityGroups/write',
  'nsg-delete': 'Microsoft.Network/networkSecurityGroups/delete',
  'nsg-rule-write': 'Microsoft.Network/networkSecurityGroups/securityRules/write',
  'nsg-rule-delete': 'Microsoft.Network/networkSecurityGroups/securityRules/delete',
  'key-vault-delete': 'Microsoft.KeyVault/vaults/delete',
  'policy-assignment-delete': 'Microsoft.Authorization/policyAssignments/delete',
  'role-assignment-write': 'Microsoft.Authorization/roleAssignments/write',
} as const;

/** The one- and two-digit ITU-T E.164 country codes; every other country code has three digits. */
const SHORT_COUNTRY_CODE = /^(?:1|7|2[07]|3[0-469]|4[013-9]|5[1-8]|6[0-6]|8[1246]|9[0-58])/;

/** Properties of {@link SecurityAlerts}. */
export interface SecurityAlertsProps {
  /** Prefix of the alert and action group names, such as `acme-prod`. */
  readonly namePrefix: string;
  /** Resource group of the action group and alerts. */
  readonly resourceGroupName: string;
  /** Subscription watched by the activity-log alerts. */
  readonly subscriptionId: string;
  /** On-call addresses notified of every alert. */
  readonly emails: readonly string[];
  /**
   * On-call phone numbers (E.164, such as +15555550100) notified by SMS.
   * @default - none
   */
  readonly smsNumbers?: readonly string[];
}

/**
 * Alerting to on-call (control DETECT-THREATS): an action group with the configured e-mail and
 * SMS receivers, and activity-log alerts on Defender for Cloud security alerts and on the
 * administrative changes that weaken a control (NSG and rule changes, Key Vault deletion, policy
 * assignment deletion, new role assignments).
 */
export class SecurityAlerts extends Construct {
  /** The action group. */
  public readonly resource: MonitorActionGroup;
  /** Id of the action group, for other alerts. */
  public readonly actionGroupId: string;
  /** The activity-log alerts, by name. */
  public readonly alerts: Record<string, MonitorActivityLogAlert> = {};

  constructor(scope: Construct, id: string, props: SecurityAlertsProps) {
    super(scope, id);
    const where = `SecurityAlerts ${this.node.path}`;
    if (props.emails.length === 0) throw new Error(`${where}: emails is empty; expected at least one on-call address`);
    for (const email of props.emails) {
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw new Error(`${where}: emails entry "${email}" is not an e-mail address`);
    }
    const sms = (props.smsNumbers ?? []).map((number) => {
      // E.164 country codes are prefix-free, so the code is read from the table, not guessed by
      // length: a greedy three-digit guess paged +442079460000 (UK) as country code 442.
      const digits = /^\+([1-9]\d{6,14})$/.exec(number)?.[1] ?? '';
      const countryCode = SHORT_COUNTRY_CODE.exec(digits)?.[0] ?? digits.slice(0, 3);
      const phoneNumber = digits.slice(countryCode.length);
      if (!/^\d{6,12}$/.test(phoneNumber))
        throw new Error(`${where}: smsNumbers entry "${number}" is not an E.164 number such as +15555550100`);
      return { countryCode, phoneNumber, number };
    });
    if (!/^[0-9a-f-]{36}$/.test(props.subscriptionId))
      throw new Error(`${where}: subscriptionId "${props.subscriptionId}" is not a subscription id (GUID)`);
    const shortName = props.namePrefix.replace(/[^A-Za-z0-9]/g, '').slice(0, 12);
    if (shortName.length === 0)
      throw new Error(`${where}: namePrefix "${props.namePrefix}" leaves no letters or digits for the 12-character short name`);

    this.resource = new MonitorActionGroup(this, 'Resource', {
      name: `ag-${props.namePrefix}-security`,
      resourceGroupName: props.resourceGroupName,
      shortName,
      enabled: true,
      emailReceiver: props.emails.map((email, i) => ({ name: `email-${i}`, emailAddress: email, useCommonAlertSchema: true })),
      smsReceiver: sms.map((s, i) => ({ name: `sms-${i}`, countryCode: s.countryCode, phoneNumber: s.phoneNumber })),
    });
    this.actionGroupId = this.resource.id;
    const scopes = [`/subscriptions/${props.subscriptionId}`];
    const alert = (name: string, criteria: { category: string; operationName?: string }, description: string) => {
      this.alerts[name] = new MonitorActivityLogAlert(this, `Alert-${name}`, {
        name: `${props.namePrefix}-${name}`,
        resourceGroupName: props.resourceGroupName,
        location: 'global',
        scopes,
        description,
        enabled: true,
        criteria,
        action: [{ actionGroupId: this.resource.id }],
      });
    };
    alert('security-alert', { category: 'Security' }, 'Defender for Cloud raised a security alert');
    for (const [name, operationName] of Object.entries(WATCHED_OPERATIONS)) {
      alert(name, { category: 'Administrative', operationName }, `A control-carrying setting changed: ${operationName}`);
    }
  }
}
