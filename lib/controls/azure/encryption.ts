import { Outcome } from '../core/outcome';
import { POLICY_FLOORS, tlsVersionsFrom } from '../../config/floors';
import type { CheckResult } from '../types';
import { applicationGateways } from './edge';
import { asNumber, block, blocks, isTrue, ofType, refTarget, show, type TfJson, type TfRes } from '../core/terraform';
import { postgresServers, scaleSets, virtualMachines } from './azurerm';

/**
 * The TLS enforcement of a PostgreSQL Flexible Server, for DB-FROM-APP and ENC-TRANSIT: its
 * `azurerm_postgresql_flexible_server_configuration`s in this stack set require_secure_transport
 * "on" and ssl_min_protocol_version "TLSv1.2" or "TLSv1.3". Returns problems and the
 * configurations that carry the control.
 */
export function postgresTlsProblems(tf: TfJson, server: TfRes): { carriers: string[]; problems: string[] } {
  const configs = ofType(tf, 'azurerm_postgresql_flexible_server_configuration').filter(
    (c) => refTarget(c.args.server_id)?.address === server.address,
  );
  const param = (name: string) => configs.find((c) => c.args.name === name);
  const problems: string[] = [];
  const carriers: string[] = [];
  const secure = param('require_secure_transport');
  if (!secure || String(secure.args.value).toLowerCase() !== 'on') {
    problems.push(
      `require_secure_transport is ${show(secure?.args.value)}; expected "on" (an ` +
        `azurerm_postgresql_flexible_server_configuration of this server)`,
    );
  } else carriers.push(secure.address);
  const floor = param('ssl_min_protocol_version');
  const accepted = tlsVersionsFrom().map((v) => `TLSv${v}`);
  if (!floor || !accepted.includes(floor.args.value)) {
    problems.push(
      `ssl_min_protocol_version is ${show(floor?.args.value)}; expected ${accepted.map((v) => `"${v}"`).join(' or ')} (an ` +
        `azurerm_postgresql_flexible_server_configuration of this server)`,
    );
  } else carriers.push(floor.address);
  return { carriers, problems };
}

/**
 * Control ENC-REST (Azure): storage accounts have infrastructure_encryption_enabled true, a
 * customer_managed_key, and queue/table encryption under the account key; PostgreSQL servers a
 * customer_managed_key; Key Vault keys are RSA/RSA-HSM of 3072+ bits (or EC/EC-HSM) with an
 * automatic rotation_policy; key vaults have purge_protection_enabled true; VMs and scale sets
 * encryption_at_host_enabled true and an OS disk under a disk encryption set; disk encryption
 * sets auto_key_rotation_enabled true; managed disks a disk encryption set; Recovery Services
 * vaults an encryption block with a key and infrastructure encryption; Backup vaults an
 * azurerm_data_protection_backup_vault_customer_managed_key.
 */
export function checkEncRest(tf: TfJson): CheckResult {
  const out = new Outcome('ENC-REST');
  let count = 0;

  for (const sa of ofType(tf, 'azurerm_storage_account')) {
    count++;
    out.within(sa.address, () => {
      if (!isTrue(sa.args.infrastructure_encryption_enabled))
        out.fail(
          sa.address,
          `infrastructure_encryption_enabled is ${show(sa.args.infrastructure_encryption_enabled)}; expected true (AES-256 at ` +
            `the infrastructure layer too)`,
        );
      const cmk = block(sa.args.customer_managed_key);
      const managedElsewhere = ofType(tf, 'azurerm_storage_account_customer_managed_key').some(
        (k) => refTarget(k.args.storage_account_id)?.address === sa.address,
      );
      if (!cmk?.key_vault_key_id && !cmk?.managed_hsm_key_id && !managedElsewhere)
        out.fail(sa.address, `customer_managed_key is ${show(sa.args.customer_managed_key)}; expected a Key Vault key (customer-managed)`);
      for (const arg of ['queue_encryption_key_type', 'table_encryption_key_type']) {
        if (sa.args[arg] !== 'Account')
          out.fail(
            sa.address,
            `${arg} is ${show(sa.args[arg])}; expected "Account" (queues and tables under the customer-managed key too)`,
          );
      }
    });
  }

  for (const server of postgresServers(tf)) {
    count++;
    out.within(server.address, () => {
      const cmk = block(server.args.customer_managed_key);
      if (!cmk?.key_vault_key_id)
        out.fail(server.address, `customer_managed_key.key_vault_key_id is ${show(cmk?.key_vault_key_id)}; expected a Key Vault key`);
    });
  }

  for (const key of ofType(tf, 'azurerm_key_vault_key')) {
    count++;
    out.within(key.address, () => {
      const type = String(key.args.key_type ?? '');
      if (type === 'RSA' || type === 'RSA-HSM') {
        const size = asNumber(key.args.key_size);
        if (size === undefined || size < POLICY_FLOORS.access.minRsaBits)
          out.fail(key.address, `key_size is ${show(key.args.key_size)}; expected ${POLICY_FLOORS.access.minRsaBits} or more`);
      } else if (type !== 'EC' && type !== 'EC-HSM') {
        out.fail(key.address, `key_type is ${show(key.args.key_type)}; expected "RSA-HSM", "RSA", "EC-HSM" or "EC"`);
      }
      const rotation = block(key.args.rotation_policy);
      const automatic = block(rotation?.automatic);
      if (!automatic || (automatic.time_before_expiry === undefined && automatic.time_after_creation === undefined)) {
        out.fail(
          key.address,
          `rotation_policy.automatic is ${show(rotation?.automatic)}; expected automatic rotation (time_before_expiry or ` +
            `time_after_creation)`,
        );
      }
    });
  }

  for (const vault of ofType(tf, 'azurerm_key_vault')) {
    count++;
    out.within(vault.address, () => {
      if (!isTrue(vault.args.purge_protection_enabled))
        out.fail(
          vault.address,
          `purge_protection_enabled is ${show(vault.args.purge_protection_enabled)}; expected true (keys cannot be purged, so ` +
            `data stays decryptable)`,
        );
    });
  }

  for (const host of [...virtualMachines(tf), ...scaleSets(tf)]) {
    count++;
    out.within(host.address, () => {
      if (!isTrue(host.args.encryption_at_host_enabled))
        out.fail(
          host.address,
          `encryption_at_host_enabled is ${show(host.args.encryption_at_host_enabled)}; expected true (temp disk and caches encrypted too)`,
        );
      const os = block(host.args.os_disk);
      if (os && !os.disk_encryption_set_id)
        out.fail(
          host.address,
          `os_disk.disk_encryption_set_id is ${show(os.disk_encryption_set_id)}; expected a disk encryption set (customer-managed key)`,
        );
    });
  }

  for (const des of ofType(tf, 'azurerm_disk_encryption_set')) {
    count++;
    out.within(des.address, () => {
      if (!isTrue(des.args.auto_key_rotation_enabled))
        out.fail(
          des.address,
          `auto_key_rotation_enabled is ${show(des.args.auto_key_rotation_enabled)}; expected true (disks follow key rotations)`,
        );
    });
  }

  for (const disk of ofType(tf, 'azurerm_managed_disk')) {
    count++;
    out.within(disk.address, () => {
      if (!disk.args.disk_encryption_set_id)
        out.fail(
          disk.address,
          `disk_encryption_set_id is ${show(disk.args.disk_encryption_set_id)}; expected a disk encryption set (customer-managed key)`,
        );
    });
  }

  for (const vault of ofType(tf, 'azurerm_recovery_services_vault')) {
    count++;
    out.within(vault.address, () => {
      const enc = block(vault.args.encryption);
      if (!enc?.key_id) out.fail(vault.address, `encryption.key_id is ${show(enc?.key_id)}; expected a Key Vault key (customer-managed)`);
      else if (!isTrue(enc.infrastructure_encryption_enabled))
        out.fail(
          vault.address,
          `encryption.infrastructure_encryption_enabled is ${show(enc.infrastructure_encryption_enabled)}; expected true`,
        );
    });
  }

  for (const vault of ofType(tf, 'azurerm_data_protection_backup_vault')) {
    count++;
    out.within(vault.address, () => {
      const cmk = ofType(tf, 'azurerm_data_protection_backup_vault_customer_managed_key').find(
        (k) => refTarget(k.args.data_protection_backup_vault_id)?.address === vault.address,
      );
      if (!cmk?.args.key_vault_key_id)
        out.fail(
          vault.address,
          'no azurerm_data_protection_backup_vault_customer_managed_key with a key_vault_key_id for this Backup vault; ' +
            'expected its copies under a Key Vault key (customer-managed), like their source',
        );
      else out.carry(cmk.address);
    });
  }

  return out.result(count > 0);
}

/**
 * Control ENC-TRANSIT (Azure): storage accounts have min_tls_version "TLS1_2" and
 * https_traffic_only_enabled true; PostgreSQL servers force TLS 1.2+ through their server
 * parameters; application gateways reach backends and probe them over Https.
 */
export function checkEncTransit(tf: TfJson): CheckResult {
  const out = new Outcome('ENC-TRANSIT');
  const accounts = ofType(tf, 'azurerm_storage_account');
  const storageTls = tlsVersionsFrom().map((v) => `TLS${v.replace('.', '_')}`);
  for (const sa of accounts) {
    out.within(sa.address, () => {
      if (!storageTls.includes(sa.args.min_tls_version))
        out.fail(
          sa.address,
          `min_tls_version is ${show(sa.args.min_tls_version)}; expected ${storageTls.map((v) => `"${v}"`).join(' or ')}`,
        );
      if (!isTrue(sa.args.https_traffic_only_enabled))
        out.fail(sa.address, `https_traffic_only_enabled is ${show(sa.args.https_traffic_only_enabled)}; expected true`);
    });
  }
  const servers = postgresServers(tf);
  for (const server of servers) {
    out.within(server.address, () => {
      const tls = postgresTlsProblems(tf, server);
      for (const p of tls.problems) out.fail(server.address, p);
      out.carry(...tls.carriers);
    });
  }
  const gateways = applicationGateways(tf);
  for (const gw of gateways) {
    out.within(gw.address, () => {
      for (const s of blocks(gw.args.backend_http_settings)) {
        if (s?.protocol !== 'Https')
          out.fail(
            gw.address,
            `backend_http_settings ${show(s?.name)} protocol is ${show(s?.protocol)}; expected "Https" (re-encrypted to the app)`,
          );
      }
      for (const p of blocks(gw.args.probe)) {
        if (p?.protocol !== 'Https') out.fail(gw.address, `probe ${show(p?.name)} protocol is ${show(p?.protocol)}; expected "Https"`);
      }
    });
  }
  return out.result(accounts.length + servers.length + gateways.length > 0);
}
