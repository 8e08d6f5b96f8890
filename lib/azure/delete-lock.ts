import { ManagementLock } from '@cdktf/provider-azurerm/lib/management-lock';
import { TerraformResource } from 'cdktf';
import { Construct, type IConstruct } from 'constructs';

/** Terraform types that hold data, keys or evidence, and get a delete lock (control BACKUP). */
export const LOCKED_RESOURCE_TYPES = [
  'azurerm_storage_account',
  'azurerm_postgresql_flexible_server',
  'azurerm_key_vault',
  'azurerm_recovery_services_vault',
  'azurerm_data_protection_backup_vault',
  'azurerm_log_analytics_workspace',
] as const;
/** Tag written on stateful resources whose delete locks are applied outside these stacks. */
export const DELETE_LOCK_TAG = 'baseline:delete-lock';

/** Properties of {@link DeleteLock}. */
export interface DeleteLockProps {
  /** Resource id of what the lock protects. */
  readonly resourceId: string;
  /**
   * Lock name, unique at the resource.
   * @default 'baseline-cannot-delete'
   */
  readonly name?: string;
  /**
   * Why the lock exists, shown to whoever tries to delete the resource.
   * @default - a note naming control BACKUP and how to lift the lock
   */
  readonly notes?: string;
}

/**
 * A `CanNotDelete` management lock on one stateful resource (control BACKUP): Azure Resource
 * Manager refuses to delete it, whoever asks (portal, CLI, a Terraform plan run outside these
 * stacks), until someone with `Microsoft.Authorization/locks/delete` removes the lock first, a
 * separate, logged act (the Activity Log records it). `prevent_destroy` only guards this
 * Terraform configuration; the lock guards the resource.
 *
 * Locks apply to child and extension resources too: deleting a locked account's containers,
 * private endpoint connections or diagnostic settings, or role assignments scoped to a locked
 * vault, fails until the lock is lifted (config `azure.deleteLocks`).
 */
export class DeleteLock extends Construct {
  /** The lock. */
  public readonly resource: ManagementLock;

  constructor(scope: Construct, id: string, props: DeleteLockProps) {
    super(scope, id);
    const name = props.name ?? 'baseline-cannot-delete';
    if (!/^[A-Za-z0-9][A-Za-z0-9 ._()-]{0,89}$/.test(name)) {
      throw new Error(
        `DeleteLock ${this.node.path}: name "${name}" is invalid; expected 1-90 letters, digits, spaces and ._()- starting ` +
          `with a letter or digit`,
      );
    }
    this.resource = new ManagementLock(this, 'Resource', {
      name,
      scope: props.resourceId,
      lockLevel: 'CanNotDelete',
      notes:
        props.notes ??
        'Control BACKUP: stateful resource of the security baseline. Deleting it needs this lock removed first (config ' +
          'azure.deleteLocks), which the Activity Log records.',
    });
  }
}

/** Options of {@link lockStatefulResources}. */
export interface LockStatefulResourcesOptions {
  /**
   * `create` adds a {@link DeleteLock} beside every stateful resource; `managed` adds none and
   * tags each one `baseline:delete-lock=managed` instead, for organizations whose Azure Policy or
   * platform team applies the locks (a visible, named opt-out).
   * @default 'create'
   */
  readonly mode?: 'create' | 'managed';
}

/**
 * Locks every stateful resource under `scope` ({@link LOCKED_RESOURCE_TYPES}) against deletion.
 * Call it once, after the stack's constructs exist. Each lock is a child of the resource's parent
 * construct (`<parent>/DeleteLock`), so its address follows the resource it protects and adding
 * resources never renames existing locks.
 */
export function lockStatefulResources(scope: IConstruct, options: LockStatefulResourcesOptions = {}): DeleteLock[] {
  const mode = options.mode ?? 'create';
  const locks: DeleteLock[] = [];
  const types: readonly string[] = LOCKED_RESOURCE_TYPES;
  for (const node of scope.node.findAll()) {
    if (!(node instanceof TerraformResource) || !types.includes(node.terraformResourceType)) continue;
    if (mode === 'managed') {
      const tagged = node as TerraformResource & { tags?: Record<string, string>; tagsInput?: Record<string, string> };
      tagged.tags = { ...(tagged.tagsInput ?? {}), [DELETE_LOCK_TAG]: 'managed' };
      continue;
    }
    const parent = node.node.scope!;
    const id = node.node.id === 'Resource' ? 'DeleteLock' : `${node.node.id}DeleteLock`;
    locks.push(new DeleteLock(parent, id, { resourceId: (node as TerraformResource & { id: string }).id }));
  }
  return locks;
}
