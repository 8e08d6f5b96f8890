// The azurerm resource shapes several Azure checks share: database servers and replicas, virtual
// machines and scale sets in their Linux, Windows and flexible forms.
import { ofType, type TfJson, type TfRes } from '../core/terraform';

/**
 * A PostgreSQL Flexible Server that is a read replica: created as one (`create_mode` Replica) and
 * not promoted (`replication_role` "None" makes it a read-write server, held to what a primary is).
 */
export function isReplica(server: TfRes): boolean {
  return (
    String(server.args.create_mode ?? '').toLowerCase() === 'replica' && String(server.args.replication_role ?? '').toLowerCase() !== 'none'
  );
}

/** The PostgreSQL Flexible Servers of the stack. */
export function postgresServers(tf: TfJson): TfRes[] {
  return ofType(tf, 'azurerm_postgresql_flexible_server');
}

/** Linux and Windows virtual machines (not scale sets). */
export function virtualMachines(tf: TfJson): TfRes[] {
  return ofType(tf, 'azurerm_linux_virtual_machine', 'azurerm_windows_virtual_machine', 'azurerm_virtual_machine');
}

/** Linux, Windows and flexible-orchestration scale sets. */
export function scaleSets(tf: TfJson): TfRes[] {
  return ofType(
    tf,
    'azurerm_linux_virtual_machine_scale_set',
    'azurerm_windows_virtual_machine_scale_set',
    'azurerm_orchestrated_virtual_machine_scale_set',
  );
}
