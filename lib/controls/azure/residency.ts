import { AZURE_JURISDICTIONS, AZURE_REGION_PAIRS, azureLocationInJurisdiction, type Jurisdiction } from '../../config/jurisdictions';
import { checkSeparation, noResidency, residencyOf } from '../core/deployment';
import { Outcome, unchecked } from '../core/outcome';
import type { CheckResult, DeployedStack, Deployment } from '../types';
import { allResources, isFalse, isTrue, refTo, show, type TfJson, type TfRes } from '../core/terraform';

/**
 * Resource types whose `location` "global" is where Azure keeps their definition (alert rules and
 * action groups): configuration, not data, so "global" is not a residency finding for them.
 */
const GLOBAL_CONFIG_TYPES: ReadonlySet<string> = new Set([
  'azurerm_monitor_activity_log_alert',
  'azurerm_monitor_action_group',
  'azurerm_monitor_scheduled_query_rules_alert_v2',
]);

/** Storage replication types that keep a copy in the region pair. */
const GEO_REPLICATION = new Set(['GRS', 'RAGRS', 'GZRS', 'RAGZRS']);

/** A resource's location: a literal, or the literal location of the resource it references. */
function locationOf(tf: TfJson, res: TfRes): string | undefined {
  const value = res.args.location;
  if (typeof value === 'string' && !value.includes('${')) return value.toLowerCase().replace(/\s+/g, '');
  const target = refTo(tf, value);
  return target && target !== res ? locationOf(tf, target) : undefined;
}

/**
 * Why the resource keeps a copy in the region pair of its location, if it does: geo-redundant
 * storage, PostgreSQL geo-redundant backups, a Recovery Services vault with geo-redundant storage
 * (its default), a geo-redundant Data Protection backup vault, and every Key Vault (Azure
 * replicates vault contents to the pair).
 */
function pairedCopy(res: TfRes): string | undefined {
  const a = res.args;
  switch (res.type) {
    case 'azurerm_storage_account':
      return GEO_REPLICATION.has(String(a.account_replication_type).toUpperCase())
        ? `account_replication_type ${a.account_replication_type} keeps a copy in the region pair`
        : undefined;
    case 'azurerm_postgresql_flexible_server':
      return isTrue(a.geo_redundant_backup_enabled) ? 'geo_redundant_backup_enabled stores backups in the region pair' : undefined;
    case 'azurerm_recovery_services_vault':
      return a.storage_mode_type === undefined || a.storage_mode_type === 'GeoRedundant'
        ? `storage_mode_type ${a.storage_mode_type ?? 'GeoRedundant (the default)'} stores backups in the region pair`
        : undefined;
    case 'azurerm_data_protection_backup_vault':
      return a.redundancy === 'GeoRedundant' ? 'redundancy GeoRedundant stores backups in the region pair' : undefined;
    case 'azurerm_key_vault':
      return isFalse(a.enabled) ? undefined : 'Azure replicates Key Vault contents to the region pair';
    default:
      return undefined;
  }
}

/**
 * What is wrong with the copy a resource keeps in its location's region pair, if anything: the
 * pair is unknown (where the copy lives cannot be told) or outside the residency. `pairs` defaults
 * to Microsoft's pairs (lib/config/jurisdictions.ts).
 */
export function pairedCopyProblem(
  res: TfRes,
  location: string,
  residency: Jurisdiction,
  pairs: Readonly<Record<string, string>> = AZURE_REGION_PAIRS,
): string | undefined {
  const copy = pairedCopy(res);
  if (!copy) return undefined;
  const pair = pairs[location];
  if (pair === undefined)
    return `${copy}, but ${location} has no known pair, so where the copy lives cannot be verified against residency "${residency}"`;
  if (!azureLocationInJurisdiction(pair, residency))
    return (
      `${copy}: ${pair}, outside residency "${residency}"; use locally or zone-redundant storage, or a location whose pair is ` +
      `in ${AZURE_JURISDICTIONS[residency].join(', ')}`
    );
  return undefined;
}

/**
 * Control DATA-RESIDENCY (Azure), over the environment's Azure stacks as synthesized: every
 * resource's `location` (a literal, or the location of the resource group it references) lies in
 * the environment's residency (lib/config/jurisdictions.ts), except "global" on alert rules and
 * action groups, which hold configuration; and every resource that keeps a copy in its location's
 * region pair (geo-redundant storage, PostgreSQL geo-backups, Recovery Services and Data
 * Protection vaults, Key Vaults) has that pair in the residency too (the pairs of
 * `AZURE_REGION_PAIRS`; a location without a known pair fails, since the copy's location cannot
 * be told). Attack: a storage account, replica or vault placed in (or geo-replicating to) a region
 * outside the jurisdiction; a location that is not a literal cannot be verified and fails.
 */
export function checkAzureResidency(deployment: Deployment, environment: string): CheckResult {
  const residency = residencyOf(deployment, environment);
  if (!residency) return unchecked('DATA-RESIDENCY', noResidency(deployment, environment));
  const out = new Outcome('DATA-RESIDENCY');
  const allowed = AZURE_JURISDICTIONS[residency].join(', ');
  const own = deployment.stacks.filter((s) => s.environment === environment && s.cloud === 'azure');
  const at = (stack: DeployedStack, res: TfRes) => `${stack.name}/${res.address}`;
  let located = 0;
  for (const stack of own) {
    const tf = stack.template as TfJson;
    for (const res of allResources(tf)) {
      if (res.args.location === undefined) continue;
      located++;
      out.within(at(stack, res), () => {
        const location = locationOf(tf, res);
        if (location === undefined) {
          out.fail(
            at(stack, res),
            `location is ${show(res.args.location)}, which is not a literal location (or a reference to one in this stack); ` +
              `its residency cannot be verified`,
          );
          return;
        }
        if (location === 'global' && GLOBAL_CONFIG_TYPES.has(res.type)) return;
        if (!azureLocationInJurisdiction(location, residency)) {
          out.fail(at(stack, res), `location ${location} is outside residency "${residency}"; use one of ${allowed}`);
          return;
        }
        const problem = pairedCopyProblem(res, location, residency);
        if (problem) out.fail(at(stack, res), problem);
      });
    }
  }
  return out.result(located > 0);
}

/**
 * Control ENV-SEPARATION (Azure), over every environment's Azure stacks (subscriptions from the
 * azurerm provider blocks, environments from the stack markers): no two environments share a
 * subscription. Attack: a staging principal with Contributor on the shared subscription reaches
 * production's vaults and databases. Unchecked when a stack carries no marker or names no
 * literal `subscription_id`.
 */
export function checkAzureSeparation(deployment: Deployment, environment: string): CheckResult {
  return checkSeparation(deployment, environment, 'azure', 'ENV-SEPARATION', { what: 'subscription' });
}
