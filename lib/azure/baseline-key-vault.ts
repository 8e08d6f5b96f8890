import { DataAzurermClientConfig } from '@cdktf/provider-azurerm/lib/data-azurerm-client-config';
import { KeyVault } from '@cdktf/provider-azurerm/lib/key-vault';
import { KeyVaultKey } from '@cdktf/provider-azurerm/lib/key-vault-key';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { parseCidr } from '../config/cidr';
import { POLICY_FLOORS } from '../config/floors';

/** The RSA-HSM key sizes Key Vault offers, in bits. */
export const RSA_HSM_KEY_SIZES = [2048, 3072, 4096] as const;

/** Properties of {@link BaselineKeyVault}. */
export interface BaselineKeyVaultProps {
  /** Resource group of the vault. */
  readonly resourceGroupName: string;
  /** Azure location (region) of the vault; keys encrypt resources of this region only. */
  readonly location: string;
  /** Vault name, globally unique: 3-24 letters, digits and dashes, starting with a letter. */
  readonly name: string;
  /** Entra tenant of the vault. */
  readonly tenantId: string;
  /**
   * Public IPv4 ranges of the machines running `cdktf deploy`: Terraform creates keys through the
   * vault's data plane, so the firewall (default Deny) must admit them.
   * @default - none: only the allowed subnets and trusted Azure services reach the vault
   */
  readonly allowedIpRanges?: readonly string[];
  /**
   * Subnets (with the Microsoft.KeyVault service endpoint) admitted by the vault firewall.
   * @default - none
   */
  readonly allowedSubnetIds?: readonly string[];
  /**
   * One key per name (`storage`, `database`...), each used by one consumer.
   * @default ["storage", "database", "backup", "disks"]
   */
  readonly keyNames?: readonly string[];
  /**
   * RSA key size in bits, at least the RSA floor (POLICY_FLOORS.access.minRsaBits, 3072).
   * @default 3072 (the floor)
   */
  readonly keySize?: number;
  /**
   * Grants the identity running Terraform "Key Vault Crypto Officer" on the vault, which it needs
   * to create the keys under RBAC authorization. Turn off when a pipeline identity already holds it.
   * @default true
   */
  readonly grantDeployerCryptoOfficer?: boolean;
  /**
   * Tags applied to the vault and keys.
   * @default - none
   */
  readonly tags?: Record<string, string>;
}

/**
 * The customer-managed keys of one region (controls ENC-REST, SECRETS): a premium Key Vault with
 * RBAC authorization (no access policies), purge protection and 90-day soft delete, so neither
 * a mistake nor an attacker can destroy a key and with it the data it encrypts; a firewall that
 * denies by default; and one HSM-backed RSA key per consumer that rotates itself yearly.
 * Consumers get "Key Vault Crypto Service Encryption User" on their own key only
 * ({@link grantCryptoUser}): wrap and unwrap, nothing else.
 */
export class BaselineKeyVault extends Construct {
  /** The vault. */
  public readonly resource: KeyVault;
  /** The vault's resource id. */
  public readonly vaultId: string;
  /** The vault's URI. */
  public readonly vaultUri: string;
  /** The keys, by name. */
  public readonly keys: Record<string, KeyVaultKey> = {};
  /** Versionless key ids, by name: CMK settings that use them follow every rotation. */
  public readonly versionlessKeyIds: Record<string, string> = {};

  constructor(scope: Construct, id: string, props: BaselineKeyVaultProps) {
    super(scope, id);
    const where = `BaselineKeyVault ${this.node.path}`;
    if (!Token.isUnresolved(props.name) && !/^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/.test(props.name)) {
      throw new Error(
        `${where}: name "${props.name}" is invalid; expected 3-24 letters, digits and single dashes, starting with a letter ` +
          `and ending with a letter or digit`,
      );
    }
    // ENC-REST: customer-managed keys no weaker than the RSA floor (NIST SP 800-57 beyond 2030).
    const minKeySize = POLICY_FLOORS.access.minRsaBits;
    const keySizes = RSA_HSM_KEY_SIZES.filter((size) => size >= minKeySize);
    const keySize = props.keySize ?? keySizes[0];
    if (!Number.isInteger(keySize) || !(keySizes as readonly number[]).includes(keySize)) {
      throw new Error(
        `${where}: keySize ${keySize} is not accepted; expected ${keySizes.join(' or ')} (RSA-HSM sizes of at least ${minKeySize} bits)`,
      );
    }
    for (const range of props.allowedIpRanges ?? []) {
      const p = parseCidr(range);
      if ('error' in p || p.family !== 'ipv4' || p.prefix === 0) {
        throw new Error(
          `${where}: allowedIpRanges entry "${range}" is not usable; expected a public IPv4 range such as 203.0.113.0/28 (Key ` +
            `Vault firewall rules are IPv4 only, never /0)`,
        );
      }
    }
    const keyNames = props.keyNames ?? ['storage', 'database', 'backup', 'disks'];
    if (keyNames.length === 0 || new Set(keyNames).size !== keyNames.length || keyNames.some((n) => !/^[a-z][a-z0-9-]{0,30}$/.test(n))) {
      throw new Error(`${where}: keyNames ${JSON.stringify(keyNames)} is invalid; expected distinct lower-case names such as "storage"`);
    }

    this.resource = new KeyVault(this, 'Resource', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      tenantId: props.tenantId,
      skuName: 'premium',
      rbacAuthorizationEnabled: true,
      purgeProtectionEnabled: true,
      softDeleteRetentionDays: 90,
      enabledForDeployment: false,
      enabledForTemplateDeployment: false,
      enabledForDiskEncryption: false,
      // Public endpoint kept for the deployers' data-plane calls, behind a deny-by-default firewall.
      publicNetworkAccessEnabled: true,
      networkAcls: {
        defaultAction: 'Deny',
        bypass: 'AzureServices',
        ipRules: [...(props.allowedIpRanges ?? [])],
        virtualNetworkSubnetIds: [...(props.allowedSubnetIds ?? [])],
      },
      tags: props.tags,
      lifecycle: { preventDestroy: true },
    });
    this.vaultId = this.resource.id;
    this.vaultUri = this.resource.vaultUri;

    const dependsOn: RoleAssignment[] = [];
    if (props.grantDeployerCryptoOfficer ?? true) {
      const current = new DataAzurermClientConfig(this, 'Deployer', {});
      dependsOn.push(
        new RoleAssignment(this, 'DeployerCryptoOfficer', {
          scope: this.resource.id,
          roleDefinitionName: 'Key Vault Crypto Officer',
          principalId: current.objectId,
        }),
      );
    }
    for (const name of keyNames) {
      const key = new KeyVaultKey(
        this,
        `Key${name
          .split('-')
          .map((p) => p[0].toUpperCase() + p.slice(1))
          .join('')}`,
        {
          name,
          keyVaultId: this.resource.id,
          keyType: 'RSA-HSM',
          keySize,
          // Customer-managed-key consumers only wrap and unwrap data-encryption keys.
          keyOpts: ['unwrapKey', 'wrapKey'],
          rotationPolicy: {
            automatic: { timeBeforeExpiry: 'P30D' },
            expireAfter: 'P1Y',
            notifyBeforeExpiry: 'P29D',
          },
          tags: props.tags,
          dependsOn,
          lifecycle: { preventDestroy: true },
        },
      );
      this.keys[name] = key;
      this.versionlessKeyIds[name] = key.versionlessId;
    }
  }

  /**
   * Lets `principalId` wrap and unwrap with one key (or every key of the vault when `keyName` is
   * omitted): the "Key Vault Crypto Service Encryption User" role, nothing more.
   */
  grantCryptoUser(id: string, principalId: string, keyName?: string): RoleAssignment {
    if (keyName !== undefined && !this.keys[keyName]) {
      throw new Error(
        `BaselineKeyVault ${this.node.path}: grantCryptoUser keyName "${keyName}" is not a key of this vault; expected one of ` +
          `${Object.keys(this.keys).join(', ')}`,
      );
    }
    return new RoleAssignment(this, id, {
      scope: keyName ? this.keys[keyName].resourceVersionlessId : this.resource.id,
      roleDefinitionName: 'Key Vault Crypto Service Encryption User',
      principalId,
    });
  }
}
