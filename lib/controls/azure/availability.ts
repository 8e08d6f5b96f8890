import { Outcome } from '../core/outcome';
import type { CheckResult } from '../types';
import { applicationGateways } from './edge';
import { asNumber, block, blocks, isTrue, ofType, refTarget, show, tagsOf, type TfJson, type TfRes } from '../core/terraform';
import { isReplica, postgresServers, scaleSets } from './azurerm';

/** Tag of a warm-standby scale set (lib/azure/app-scale-set.ts). */
export const AZURE_STANDBY_TAG = 'baseline:standby';
export const AZURE_STANDBY_TAG_VALUE = 'warm-standby';
/** Zone-redundant storage replication types. */
export const AZURE_ZONE_REDUNDANT_REPLICATION = ['ZRS', 'GZRS', 'RAGZRS'] as const;

function distinctZones(value: unknown): string[] {
  return [...new Set(blocks(value).map(String))];
}

/**
 * Control HA-MULTIZONE (Azure): application gateways span 2+ zones with autoscale
 * min_capacity (or sku.capacity) of 2+ and a health probe on every backend setting; scale sets
 * span 2+ zones with zone_balance true, and their azurerm_monitor_autoscale_setting minimum is 2+
 * (a scale set tagged baseline:standby=warm-standby needs only a maximum of 2+); non-replica
 * PostgreSQL servers have high_availability.mode ZoneRedundant; storage accounts replicate
 * ZRS, GZRS or RAGZRS.
 */
export function checkHaMultizone(tf: TfJson): CheckResult {
  const out = new Outcome('HA-MULTIZONE');
  let count = 0;

  for (const gw of applicationGateways(tf)) {
    count++;
    out.within(gw.address, () => {
      const zones = distinctZones(gw.args.zones);
      if (zones.length < 2) out.fail(gw.address, `zones is ${show(gw.args.zones)}; expected at least two zones`);
      const auto = block(gw.args.autoscale_configuration);
      const min = auto ? asNumber(auto.min_capacity) : asNumber(block(gw.args.sku)?.capacity);
      if (min === undefined || min < 2) {
        out.fail(
          gw.address,
          `${auto ? 'autoscale_configuration.min_capacity' : 'sku.capacity'} is ` +
            `${show(auto ? auto.min_capacity : block(gw.args.sku)?.capacity)}; expected at least 2 instances`,
        );
      }
      const probes = new Set(blocks(gw.args.probe).map((p) => p?.name));
      for (const s of blocks(gw.args.backend_http_settings)) {
        if (!probes.has(s?.probe_name))
          out.fail(
            gw.address,
            `backend_http_settings ${show(s?.name)} probe_name is ${show(s?.probe_name)}; expected a health probe, so ` +
              `unhealthy instances leave the rotation`,
          );
      }
    });
  }

  const autoscales = ofType(tf, 'azurerm_monitor_autoscale_setting');
  for (const vmss of scaleSets(tf)) {
    count++;
    out.within(vmss.address, () => {
      const zones = distinctZones(vmss.args.zones);
      if (zones.length < 2) out.fail(vmss.address, `zones is ${show(vmss.args.zones)}; expected at least two zones`);
      if (vmss.type !== 'azurerm_orchestrated_virtual_machine_scale_set' && !isTrue(vmss.args.zone_balance))
        out.fail(vmss.address, `zone_balance is ${show(vmss.args.zone_balance)}; expected true`);
      const standby = tagsOf(vmss)[AZURE_STANDBY_TAG] === AZURE_STANDBY_TAG_VALUE;
      checkCapacity(out, vmss, autoscales, standby);
    });
  }

  for (const server of postgresServers(tf).filter((s) => !isReplica(s))) {
    count++;
    out.within(server.address, () => {
      const mode = block(server.args.high_availability)?.mode;
      if (mode !== 'ZoneRedundant') out.fail(server.address, `high_availability.mode is ${show(mode)}; expected "ZoneRedundant"`);
    });
  }

  for (const sa of ofType(tf, 'azurerm_storage_account')) {
    count++;
    out.within(sa.address, () => {
      if (!(AZURE_ZONE_REDUNDANT_REPLICATION as readonly string[]).includes(sa.args.account_replication_type)) {
        out.fail(
          sa.address,
          `account_replication_type is ${show(sa.args.account_replication_type)}; expected one of ` +
            `${AZURE_ZONE_REDUNDANT_REPLICATION.join(', ')}`,
        );
      }
    });
  }
  return out.result(count > 0);
}

function checkCapacity(out: Outcome, vmss: TfRes, autoscales: TfRes[], standby: boolean): void {
  const setting = autoscales.find((a) => refTarget(a.args.target_resource_id)?.address === vmss.address);
  const capacities = setting
    ? blocks(setting.args.profile)
        .map((p) => block(p?.capacity))
        .filter((c) => c !== undefined)
    : [];
  if (capacities.length === 0) {
    const instances = asNumber(vmss.args.instances);
    if (!standby && (instances === undefined || instances < 2))
      out.fail(vmss.address, `no autoscale setting and instances is ${show(vmss.args.instances)}; expected at least 2`);
    return;
  }
  out.carry(setting!.address);
  for (const c of capacities) {
    if (standby) {
      const max = asNumber(c.maximum);
      if (max === undefined || max < 2)
        out.fail(
          setting!.address,
          `standby scale set ${vmss.address} capacity.maximum is ${show(c.maximum)}; expected at least 2, so it can spread ` +
            `over two zones at failover`,
        );
    } else {
      const min = asNumber(c.minimum);
      if (min === undefined || min < 2)
        out.fail(
          setting!.address,
          `capacity.minimum of ${vmss.address} is ${show(c.minimum)}; expected at least 2 (or tag ` +
            `${AZURE_STANDBY_TAG}=${AZURE_STANDBY_TAG_VALUE} for a warm standby)`,
        );
    }
  }
}
