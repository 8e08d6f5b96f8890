import { Outcome } from '../core/outcome';
import type { CheckOptions, CheckResult } from '../types';
import { blocks, isFalse, isTrue, ofType, refTarget, show, TEMPLATE, type TfJson } from '../core/terraform';
import { isReplica, postgresServers } from './azurerm';

/** Defender for Cloud plans the baseline turns on (lib/azure/defender-plans.ts). */
export const AZURE_DEFENDER_PLANS = ['VirtualMachines', 'StorageAccounts', 'KeyVaults', 'OpenSourceRelationalDatabases', 'Arm'] as const;

/**
 * Control DETECT-THREATS (Azure). Defender plans, the security contact and activity-log alerts are
 * subscription-wide, so one stack per environment holds them: the one with the primary database.
 *
 * - Applicable when the stack has any azurerm_security_center_subscription_pricing,
 *   azurerm_security_center_contact, azurerm_monitor_action_group or activity log alert, or a
 *   PostgreSQL server that is not a replica (the primary region); not applicable otherwise (a DR
 *   stack), and not applicable when `defenderManaged` is set and none of those resources is here.
 * - Unless `defenderManaged`: a pricing with tier Standard for each of VirtualMachines (not subplan
 *   P1: P2 carries vulnerability assessment), StorageAccounts, KeyVaults,
 *   OpenSourceRelationalDatabases and Arm, and a security contact with an email and
 *   alert_notifications true. Pricings present are always checked.
 * - Always: an enabled action group with at least one email_receiver, and an enabled activity log
 *   alert on category "Security" (Defender alerts) whose action uses such an action group.
 */
export function checkDetectThreats(tf: TfJson, options: CheckOptions = {}): CheckResult {
  const out = new Outcome('DETECT-THREATS');
  const pricings = ofType(tf, 'azurerm_security_center_subscription_pricing');
  const contacts = ofType(tf, 'azurerm_security_center_contact');
  const groups = ofType(tf, 'azurerm_monitor_action_group');
  const alerts = ofType(tf, 'azurerm_monitor_activity_log_alert');
  const present = pricings.length + contacts.length + groups.length + alerts.length > 0;
  const primary = postgresServers(tf).some((s) => !isReplica(s));
  if (!present && (options.defenderManaged || !primary)) return out.result(false);

  for (const p of pricings) {
    out.within(p.address, () => {
      if (p.args.tier !== 'Standard')
        out.fail(p.address, `${show(p.args.resource_type)} tier is ${show(p.args.tier)}; expected "Standard"`);
      if (p.args.resource_type === 'VirtualMachines' && p.args.subplan === 'P1')
        out.fail(p.address, 'VirtualMachines subplan is "P1"; expected "P2" (vulnerability assessment)');
    });
  }
  if (!options.defenderManaged) {
    for (const plan of AZURE_DEFENDER_PLANS) {
      if (!pricings.some((p) => p.args.resource_type === plan))
        out.fail(
          TEMPLATE,
          `no azurerm_security_center_subscription_pricing for ${show(plan)}; expected tier "Standard" (or the ` +
            `defenderManaged option when Defender is managed elsewhere)`,
        );
    }
    if (!contacts.some((c) => isTrue(c.args.alert_notifications) && typeof c.args.email === 'string' && c.args.email !== '')) {
      out.fail(
        TEMPLATE,
        'security contacts ' +
          show(contacts.map((c) => ({ email: c.args.email, alert_notifications: c.args.alert_notifications }))) +
          '; expected an azurerm_security_center_contact with an email and alert_notifications true',
      );
    } else out.carry(...contacts.map((c) => c.address));
  }

  const emailGroups = new Set(
    groups.filter((g) => !isFalse(g.args.enabled) && blocks(g.args.email_receiver).some((r) => r?.email_address)).map((g) => g.address),
  );
  for (const g of groups) {
    if (!emailGroups.has(g.address))
      out.fail(
        g.address,
        `email_receiver is ${show(g.args.email_receiver)} (enabled ${show(g.args.enabled)}); expected an enabled action group ` +
          `with at least one email receiver`,
      );
  }
  if (groups.length === 0) out.fail(TEMPLATE, 'no azurerm_monitor_action_group; expected one emailing on-call');
  const routed = alerts.filter(
    (a) => !isFalse(a.args.enabled) && blocks(a.args.action).some((x) => emailGroups.has(refTarget(x?.action_group_id)?.address ?? '')),
  );
  const security = routed.find((a) => blocks(a.args.criteria).some((c) => c?.category === 'Security'));
  if (security) out.carry(...routed.map((a) => a.address), ...emailGroups);
  else
    out.fail(
      TEMPLATE,
      `activity log alerts ${show(alerts.map((a) => a.args.name))}; expected an enabled alert on category "Security" ` +
        `notifying an action group with an email receiver`,
    );

  return out.result(true);
}
