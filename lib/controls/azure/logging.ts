import { Outcome } from '../core/outcome';
import { POLICY_FLOORS } from '../../config/floors';
import type { CheckOptions, CheckResult } from '../types';
import { applicationGateways } from './edge';
import { asNumber, block, blocks, isFalse, isTrue, ofType, refTarget, show, TEMPLATE, type TfJson, type TfRes } from '../core/terraform';
import { postgresServers, scaleSets, virtualMachines } from './azurerm';

const WORKSPACE = 'azurerm_log_analytics_workspace';
/** Activity Log categories that record who changed what (role assignments, deletions, policy). */
export const AZURE_AUDIT_CATEGORIES = ['Administrative', 'Security', 'Policy'] as const;
/** The container Azure Monitor writes the Activity Log into. */
export const AZURE_ACTIVITY_LOG_CONTAINER = 'insights-activity-logs';

/** Diagnostic settings of a subscription (the Activity Log): target `/subscriptions/<id>`. */
export function subscriptionSettings(tf: TfJson): TfRes[] {
  return ofType(tf, 'azurerm_monitor_diagnostic_setting').filter(
    (s) => typeof s.args.target_resource_id === 'string' && /^\/subscriptions\/[^/]+\/?$/i.test(s.args.target_resource_id),
  );
}

/**
 * The stack that manages the subscription (Defender plans and contact, activity-log alerts, or a
 * subscription diagnostic setting): the one that must export the Activity Log.
 */
export function managesSubscription(tf: TfJson): boolean {
  return (
    ofType(tf, 'azurerm_monitor_activity_log_alert', 'azurerm_security_center_subscription_pricing', 'azurerm_security_center_contact')
      .length > 0 || subscriptionSettings(tf).length > 0
  );
}

function exportsAuditCategories(setting: TfRes): boolean {
  const logs = blocks(setting.args.enabled_log);
  if (logs.some((l) => l?.category_group === 'allLogs')) return true;
  return AZURE_AUDIT_CATEGORIES.every((c) => logs.some((l) => l?.category === c));
}

/**
 * Control LOG-CENTRAL (Azure): the stack has an azurerm_log_analytics_workspace; every virtual
 * network is the target of an enabled azurerm_network_watcher_flow_log; every application
 * gateway, key vault and PostgreSQL server is the target of an azurerm_monitor_diagnostic_setting
 * sending `enabled_log` category_group "allLogs" to a Log Analytics workspace; every VM and scale
 * set ships its auth and authpriv syslog through a data collection rule to a workspace; the stack
 * that manages the subscription sends its Activity Log (Administrative, Security, Policy) there too.
 */
export function checkLogCentral(tf: TfJson): CheckResult {
  const out = new Outcome('LOG-CENTRAL');
  const workspaces = ofType(tf, WORKSPACE);
  const vnets = ofType(tf, 'azurerm_virtual_network');
  const flowLogs = ofType(tf, 'azurerm_network_watcher_flow_log');
  const settings = ofType(tf, 'azurerm_monitor_diagnostic_setting');
  const targets = [...applicationGateways(tf), ...ofType(tf, 'azurerm_key_vault'), ...postgresServers(tf)];

  const applicable = workspaces.length + vnets.length + flowLogs.length + settings.length + targets.length > 0;
  if (!applicable) return out.result(false);
  if (workspaces.length === 0)
    out.fail(TEMPLATE, `no ${WORKSPACE}; expected a central workspace the diagnostic settings and flow logs send to`);
  else out.carry(...workspaces.map((w) => w.address));

  for (const vnet of vnets) {
    out.within(vnet.address, () => {
      const log = flowLogs.find(
        (f) =>
          refTarget(f.args.target_resource_id)?.address === vnet.address ||
          refTarget(f.args.network_security_group_id)?.address === vnet.address,
      );
      if (!log) out.fail(vnet.address, 'no azurerm_network_watcher_flow_log targets this virtual network; expected a VNet flow log');
      else if (isFalse(log.args.enabled)) out.fail(log.address, `enabled is ${show(log.args.enabled)}; expected true`);
      else out.carry(log.address);
    });
  }

  for (const target of targets) {
    out.within(target.address, () => {
      const own = settings.filter((s) => refTarget(s.args.target_resource_id)?.address === target.address);
      const good = own.find((s) => sendsAllLogs(s) && sendsToWorkspace(s));
      if (good) out.carry(good.address);
      else if (own.length === 0)
        out.fail(
          target.address,
          'no azurerm_monitor_diagnostic_setting targets it; expected one sending category_group "allLogs" to the Log Analytics workspace',
        );
      else
        out.fail(
          target.address,
          `diagnostic settings ${own.map((s) => s.address).join(', ')} send enabled_log ` +
            `${show(own.flatMap((s) => blocks(s.args.enabled_log)))} to ` +
            `${show(own.map((s) => s.args.log_analytics_workspace_id))}; expected category_group "allLogs" to a Log ` +
            `Analytics workspace`,
        );
    });
  }
  // Hosts: every VM and scale set is associated with a data collection rule that sends the auth
  // and authpriv syslog facilities (every SSH and sudo login) to a Log Analytics workspace.
  const rules = ofType(tf, 'azurerm_monitor_data_collection_rule');
  const associations = ofType(tf, 'azurerm_monitor_data_collection_rule_association');
  for (const host of [...virtualMachines(tf), ...scaleSets(tf)]) {
    out.within(host.address, () => {
      const own = associations.filter((a) => refTarget(a.args.target_resource_id)?.address === host.address);
      const rule = own
        .map((a) => rules.find((r) => r.address === refTarget(a.args.data_collection_rule_id)?.address))
        .find((r) => r !== undefined && collectsAuthLog(r));
      if (rule) out.carry(rule.address);
      else
        out.fail(
          host.address,
          'no data collection rule association sends its auth and authpriv syslog to a Log Analytics workspace; expected ' +
            'every SSH login on the host recorded centrally',
        );
    });
  }
  // The Activity Log (who created, changed or deleted what) stays 90 days in the platform, outside
  // the workspace, unless the subscription exports it.
  if (managesSubscription(tf)) {
    const good = subscriptionSettings(tf).find((s) => exportsAuditCategories(s) && sendsToWorkspace(s));
    if (good) out.carry(good.address);
    else
      out.fail(
        TEMPLATE,
        `no azurerm_monitor_diagnostic_setting of the subscription (target /subscriptions/<id>) sends the Activity Log ` +
          `categories ${AZURE_AUDIT_CATEGORIES.join(', ')} to a Log Analytics workspace; expected one, or the Activity Log stays ` +
          `in the platform for 90 days only`,
      );
  }
  return out.result(true);
}

function collectsAuthLog(rule: TfRes): boolean {
  const facilities = blocks(block(rule.args.data_sources)?.syslog).flatMap((s) => blocks(s?.facility_names).map(String));
  const toWorkspace = blocks(block(rule.args.destinations)?.log_analytics).length > 0;
  return toWorkspace && ['auth', 'authpriv'].every((f) => facilities.includes(f) || facilities.includes('*'));
}

function sendsAllLogs(setting: TfRes): boolean {
  return blocks(setting.args.enabled_log).some((l) => l?.category_group === 'allLogs');
}

function sendsToWorkspace(setting: TfRes): boolean {
  const id = setting.args.log_analytics_workspace_id;
  if (refTarget(id)) return refTarget(id)!.type === WORKSPACE;
  return typeof id === 'string' && /\/providers\/Microsoft\.OperationalInsights\/workspaces\//i.test(id);
}

/**
 * Control LOG-RETENTION (Azure): every Log Analytics workspace sets retention_in_days of at least
 * `minLogRetentionDays` (default 30) and, when `maxLogRetentionDays` is set, at most that; every
 * flow log has retention_policy enabled with days of at least the minimum; the stack that manages
 * the subscription exports the Activity Log to a storage container with a locked time-based
 * immutability policy of at least the minimum (protected append writes on), and Entra ID
 * diagnostic settings that write to storage do so into such containers too.
 */
export function checkLogRetention(tf: TfJson, options: CheckOptions = {}): CheckResult {
  const out = new Outcome('LOG-RETENTION');
  const min = options.minLogRetentionDays ?? POLICY_FLOORS.retention.logDays;
  const max = options.maxLogRetentionDays;
  const workspaces = ofType(tf, WORKSPACE);
  const flowLogs = ofType(tf, 'azurerm_network_watcher_flow_log');
  for (const ws of workspaces) {
    out.within(ws.address, () => {
      const days = asNumber(ws.args.retention_in_days);
      if (days === undefined || days < min || (max !== undefined && days > max)) {
        out.fail(
          ws.address,
          `retention_in_days is ${show(ws.args.retention_in_days)}; expected ${max !== undefined ? `${min} to ${max}` : `at least ${min}`}`,
        );
      }
    });
  }
  for (const log of flowLogs) {
    out.within(log.address, () => {
      const policy = block(log.args.retention_policy);
      const days = asNumber(policy?.days);
      if (!isTrue(policy?.enabled) || days === undefined || days < min) {
        out.fail(log.address, `retention_policy is ${show(log.args.retention_policy)}; expected enabled true with days of at least ${min}`);
      }
    });
  }
  // The Activity Log in storage no administrator can rewrite or purge (claim B6).
  if (managesSubscription(tf)) {
    const settings = subscriptionSettings(tf).filter(exportsAuditCategories);
    const problems = settings.map((setting) => ({
      setting,
      problem: immutableContainerProblem(tf, setting.args.storage_account_id, AZURE_ACTIVITY_LOG_CONTAINER, min),
    }));
    const good = problems.find((p) => p.problem === undefined);
    if (good) out.carry(good.setting.address);
    else {
      const why = problems.map((p) => `${p.setting.address}: ${p.problem}`).join('; ');
      out.fail(
        TEMPLATE,
        `the Activity Log has no copy in immutable ` +
          `storage${why ? ` (${why})` : ' (no subscription diagnostic setting exports it)'}; expected a subscription diagnostic ` +
          `setting with a storage_account_id whose ${AZURE_ACTIVITY_LOG_CONTAINER} container has a locked ` +
          `azurerm_storage_container_immutability_policy of at least ${min} days with protected append writes`,
      );
    }
  }
  for (const setting of ofType(tf, 'azurerm_monitor_aad_diagnostic_setting')) {
    out.within(setting.address, () => {
      if (setting.args.storage_account_id === undefined) return;
      for (const log of blocks(setting.args.enabled_log)) {
        const problem = immutableContainerProblem(
          tf,
          setting.args.storage_account_id,
          `insights-logs-${String(log?.category ?? '').toLowerCase()}`,
          min,
        );
        if (problem) out.fail(setting.address, `Entra ID ${show(log?.category)} logs: ${problem}`);
      }
    });
  }
  return out.result(workspaces.length + flowLogs.length > 0 || managesSubscription(tf));
}

/** Why a log container is not immutable for `min` days, or undefined when it is. */
function immutableContainerProblem(tf: TfJson, accountRef: unknown, containerName: string, min: number): string | undefined {
  const account = refTarget(accountRef);
  if (account?.type !== 'azurerm_storage_account')
    return `storage_account_id is ${show(accountRef)}; expected a storage account of this stack`;
  const container = ofType(tf, 'azurerm_storage_container').find(
    (c) => c.args.name === containerName && refTarget(c.args.storage_account_id)?.address === account.address,
  );
  if (!container) return `${account.address} has no azurerm_storage_container ${show(containerName)} to hold an immutability policy`;
  const policy = ofType(tf, 'azurerm_storage_container_immutability_policy').find(
    (p) => refTarget(p.args.storage_container_resource_manager_id)?.address === container.address,
  );
  if (!policy) return `container ${container.address} has no azurerm_storage_container_immutability_policy`;
  const days = asNumber(policy.args.immutability_period_in_days);
  if (!isTrue(policy.args.locked))
    return (
      `${policy.address} has locked ${show(policy.args.locked)}; expected true (an Owner can delete an unlocked policy, ` + `then the logs)`
    );
  if (days === undefined || days < min)
    return `${policy.address} keeps blobs immutable ${show(policy.args.immutability_period_in_days)} days; expected at least ${min}`;
  if (!isTrue(policy.args.protected_append_writes_enabled) && !isTrue(policy.args.protected_append_writes_all_enabled))
    return (
      `${policy.address} has protected_append_writes_enabled ${show(policy.args.protected_append_writes_enabled)}; expected ` +
      `true (Azure Monitor appends to its hourly blobs)`
    );
  return undefined;
}
