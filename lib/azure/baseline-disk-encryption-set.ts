import { DiskEncryptionSet } from '@cdktf/provider-azurerm/lib/disk-encryption-set';
import { Construct } from 'constructs';

/** Properties of {@link BaselineDiskEncryptionSet}. */
export interface BaselineDiskEncryptionSetProps {
  /** Resource group of the set. */
  readonly resourceGroupName: string;
  /** Azure location (region); disks of this region only can use it. */
  readonly location: string;
  /** Name of the set. */
  readonly name: string;
  /** Versionless id of the Key Vault key encrypting the disks (rotations are picked up). */
  readonly keyVaultKeyId: string;
  /** User-assigned identity allowed to wrap and unwrap with the key. */
  readonly identityId: string;
  /**
   * Tags applied to the set.
   * @default - none
   */
  readonly tags?: Record<string, string>;
}

/**
 * Customer-managed encryption of VM and scale-set disks (control ENC-REST): double encryption
 * (platform key plus the customer key) and automatic rotation to the key's newest version.
 */
export class BaselineDiskEncryptionSet extends Construct {
  /** The disk encryption set. */
  public readonly resource: DiskEncryptionSet;
  /** Its id, for `disk_encryption_set_id` on OS disks. */
  public readonly diskEncryptionSetId: string;

  constructor(scope: Construct, id: string, props: BaselineDiskEncryptionSetProps) {
    super(scope, id);
    this.resource = new DiskEncryptionSet(this, 'Resource', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      keyVaultKeyId: props.keyVaultKeyId,
      autoKeyRotationEnabled: true,
      encryptionType: 'EncryptionAtRestWithPlatformAndCustomerKeys',
      identity: { type: 'UserAssigned', identityIds: [props.identityId] },
      tags: props.tags,
    });
    this.diskEncryptionSetId = this.resource.id;
  }
}
