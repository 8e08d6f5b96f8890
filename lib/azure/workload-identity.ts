import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { Construct } from 'constructs';

/** Properties of {@link WorkloadIdentity}. */
export interface WorkloadIdentityProps {
  /** Resource group of the identity. */
  readonly resourceGroupName: string;
  /** Azure location (region) of the identity. */
  readonly location: string;
  /** Identity name, such as `id-acme-prod-primary-storage`. */
  readonly name: string;
  /**
   * Tags applied to the identity.
   * @default - none
   */
  readonly tags?: Record<string, string>;
}

/**
 * A user-assigned managed identity for one consumer of a customer-managed key (control
 * ENC-REST): one identity per service, so each can be granted exactly one key, and no secret
 * exists to leak (SECRETS).
 */
export class WorkloadIdentity extends Construct {
  /** The identity. */
  public readonly resource: UserAssignedIdentity;
  /** Resource id, for `identity_ids` and CMK settings. */
  public readonly identityId: string;
  /** Object id of the service principal, for role assignments. */
  public readonly principalId: string;
  /** Client id of the identity. */
  public readonly clientId: string;

  constructor(scope: Construct, id: string, props: WorkloadIdentityProps) {
    super(scope, id);
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]{2,127}$/.test(props.name)) {
      throw new Error(
        `WorkloadIdentity ${this.node.path}: name "${props.name}" is invalid; expected 3-128 letters, digits, dashes and ` +
          `underscores, starting with a letter or digit`,
      );
    }
    this.resource = new UserAssignedIdentity(this, 'Resource', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      tags: props.tags,
    });
    this.identityId = this.resource.id;
    this.principalId = this.resource.principalId;
    this.clientId = this.resource.clientId;
  }
}
