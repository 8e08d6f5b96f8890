import { isPersonalLoginName } from '../config/login-names';
import { LinuxVirtualMachine } from '@cdktf/provider-azurerm/lib/linux-virtual-machine';
import { MonitorDataCollectionRule } from '@cdktf/provider-azurerm/lib/monitor-data-collection-rule';
import { MonitorDataCollectionRuleAssociation } from '@cdktf/provider-azurerm/lib/monitor-data-collection-rule-association';
import { NetworkInterface } from '@cdktf/provider-azurerm/lib/network-interface';
import { PublicIp } from '@cdktf/provider-azurerm/lib/public-ip';
import { VirtualMachineExtension } from '@cdktf/provider-azurerm/lib/virtual-machine-extension';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { POLICY_FLOORS } from '../config/floors';
import { checkSshPublicKey, SSHD_HARDENING } from '../config/ssh-keys';
import { AUTH_LOG_FACILITIES, AZURE_HOST_AUTH_LOG_TAG, checkLoginUsers, hostCloudConfig } from './host-cloud-init';
import { azureSshKeyProblem } from './app-scale-set';
import { ROLE_MARKER } from '../controls/markers';

/** One person allowed to log in to the bastion. */
export interface BastionVmUser {
  /** OS account name; every login is identified by it. */
  readonly name: string;
  /** That person's OpenSSH public keys (Ed25519, ECDSA or RSA of at least `minRsaBits`). */
  readonly publicKeys: readonly string[];
}

/** Properties of {@link BastionVm}. */
export interface BastionVmProps {
  /** Resource group the bastion and its network interface, public IP and log rule live in. */
  readonly resourceGroupName: string;
  /** Azure location (region) of the bastion, such as `westeurope`. */
  readonly location: string;
  /** VM name and host name (2-64 letters, digits and dashes); children are `<name>-pip`, `<name>-nic`, `<name>-auth-log`. */
  readonly name: string;
  /**
   * Bastion subnet; its network security group admits port 22 only from the allowlist
   * (control BASTION-SSH).
   */
  readonly subnetId: string;
  /** One OS account per person, holding only that person's keys. */
  readonly users: readonly BastionVmUser[];
  /** Log Analytics workspace receiving the SSH authentication log (control LOG-CENTRAL). */
  readonly workspaceId: string;
  /**
   * The administrator account Azure requires on every Linux VM. It holds only
   * `breakGlassPublicKey`, never a person's key, and sshd refuses it (`AllowUsers` lists only
   * `users`), so every login is a person's own account. It must not be one of `users`.
   * @default 'azureops'
   */
  readonly adminUsername?: string;
  /**
   * The break-glass public key of the administrator account (ssh-ed25519 or ssh-rsa): a key
   * no person uses day to day, its private half kept offline. It must differ from every key of
   * `users`, or one person would hold the shared account.
   */
  readonly breakGlassPublicKey: string;
  /**
   * Admits the administrator account in sshd, for an emergency: a visible opt-in (BASTION-SSH
   * fails while it is on).
   * @default false
   */
  readonly breakGlassLogin?: boolean;
  /**
   * Host name of the Ubuntu package mirror the hosts use (allow its range in the NSGs).
   * @default - the image's mirrors
   */
  readonly aptMirror?: string;
  /**
   * Smallest RSA key accepted, in bits (2048 or more).
   * @default 3072 (POLICY_FLOORS.access.minRsaBits)
   */
  readonly minRsaBits?: number;
  /**
   * VM size; it must support Trusted Launch and encryption at host.
   * @default 'Standard_D2as_v5'
   */
  readonly vmSize?: string;
  /**
   * Availability zone of the bastion and its public IP ("1", "2" or "3"). One bastion is enough:
   * it carries no data and is recreated from code in another zone if its zone fails.
   * @default '1'
   */
  readonly zone?: string;
  /**
   * Disk encryption set encrypting the OS disk under a customer-managed key (control ENC-REST).
   * @default - platform-managed keys (AES-256); ENC-REST's customer-managed key is then not met
   */
  readonly diskEncryptionSetId?: string;
  /**
   * Tags applied to every resource of the bastion.
   * @default - none
   */
  readonly tags?: Record<string, string>;
}

/** The sshd settings the bastion enforces (control BASTION-SSH, claim A11): the same list as on AWS. */
export const BASTION_VM_SSHD_HARDENING = SSHD_HARDENING;

/** Syslog facilities shipped to the workspace: sshd and sudo log to auth and authpriv. */
export const BASTION_VM_LOG_FACILITIES = AUTH_LOG_FACILITIES;

/** Azure's custom_data ceiling, in bytes of base64. */
const CUSTOM_DATA_MAX = 65535;

/**
 * The only way to a shell on the servers (control BASTION-SSH; claims A11, A16): one Linux VM
 * with a static public IP in the bastion subnet, whose network security group admits port 22
 * only from the allowlist. cloud-init creates one account per person holding only that person's
 * keys, with passwords locked; sshd refuses passwords, keyboard-interactive and root logins, and
 * admits only those accounts. The VM runs Trusted Launch with encryption at host. The Azure
 * Monitor Agent ships the auth and authpriv syslog facilities (each login, with its key
 * fingerprint) to the central workspace through a data collection rule (control LOG-CENTRAL).
 * A change of users or keys changes `custom_data`, which replaces the VM, so no stale account
 * survives.
 */
export class BastionVm extends Construct {
  /** The bastion VM. */
  public readonly resource: LinuxVirtualMachine;
  /** The bastion's static public IP. */
  public readonly publicIp: PublicIp;
  /** The bastion's network interface. */
  public readonly networkInterface: NetworkInterface;
  /** The Azure Monitor Agent extension. */
  public readonly monitorAgent: VirtualMachineExtension;
  /** The rule collecting the SSH authentication log into the workspace. */
  public readonly authLogRule: MonitorDataCollectionRule;
  /** The association of the rule with the VM. */
  public readonly authLogAssociation: MonitorDataCollectionRuleAssociation;
  /** The VM's resource id. */
  public readonly vmId: string;
  /** The public IP address (for the allowlisted admins' SSH configuration). */
  public readonly publicIpAddress: string;

  constructor(scope: Construct, id: string, props: BastionVmProps) {
    super(scope, id);
    const where = `BastionVm ${this.node.path}`;
    const known = (v: string | undefined): v is string => v !== undefined && !Token.isUnresolved(v);

    if (known(props.name) && !/^[A-Za-z0-9][A-Za-z0-9-]{0,62}[A-Za-z0-9]$/.test(props.name)) {
      throw new Error(
        `${where}: name "${props.name}" is invalid; expected 2-64 letters, digits and dashes, starting and ending with a letter or digit`,
      );
    }
    const vmSize = props.vmSize ?? 'Standard_D2as_v5';
    if (known(vmSize) && !/^Standard_[A-Za-z0-9_]+$/.test(vmSize)) {
      throw new Error(`${where}: vmSize "${vmSize}" is invalid; expected an Azure VM size such as Standard_D2as_v5`);
    }
    const zone = props.zone ?? '1';
    if (!['1', '2', '3'].includes(zone)) {
      throw new Error(`${where}: zone "${zone}" is invalid; expected "1", "2" or "3"`);
    }
    if (known(props.workspaceId) && !/\/providers\/Microsoft\.OperationalInsights\/workspaces\/[^/]+$/i.test(props.workspaceId)) {
      throw new Error(
        `${where}: workspaceId "${props.workspaceId}" is invalid; expected the resource id of a Log Analytics workspace ` +
          `(.../providers/Microsoft.OperationalInsights/workspaces/<name>)`,
      );
    }
    const minRsaBits = props.minRsaBits ?? POLICY_FLOORS.access.minRsaBits;
    if (!Number.isInteger(minRsaBits) || minRsaBits < 2048) {
      throw new Error(`${where}: minRsaBits ${minRsaBits} is invalid; expected a whole number of at least 2048`);
    }
    const adminUsername = props.adminUsername ?? 'azureops';
    if (!isPersonalLoginName(adminUsername)) {
      throw new Error(
        `${where}: adminUsername "${adminUsername}" is invalid; expected a Linux user name (lower case letters, digits, _ and ` +
          `-, at most 32) that is not root, admin or another reserved name`,
      );
    }
    // The same rules as the app hosts' people (host-cloud-init.ts): personal names, no duplicates, a key of their own.
    const fingerprints = checkLoginUsers(props.users, minRsaBits, adminUsername, where, checkSshPublicKey);
    const breakGlass = azureSshKeyProblem(props.breakGlassPublicKey, minRsaBits);
    if (typeof breakGlass === 'string') throw new Error(`${where}: breakGlassPublicKey ${breakGlass}`);
    const holder = fingerprints.get(breakGlass.fingerprint);
    if (holder)
      throw new Error(
        `${where}: breakGlassPublicKey is the key of ${holder} (${breakGlass.fingerprint}); the admin account must hold a ` +
          `break-glass key no person uses, or that person holds a shared account`,
      );
    const adminKey = props.breakGlassPublicKey;
    const customData = Buffer.from(
      hostCloudConfig(props.users, { role: 'bastion', adminUsername, breakGlassLogin: props.breakGlassLogin, aptMirror: props.aptMirror }),
      'utf8',
    ).toString('base64');
    if (customData.length > CUSTOM_DATA_MAX) {
      throw new Error(
        `${where}: users give a cloud-init document of ${customData.length} base64 bytes; Azure accepts at most ` +
          `${CUSTOM_DATA_MAX}; remove users or keys`,
      );
    }

    this.publicIp = new PublicIp(this, 'PublicIp', {
      name: `${props.name}-pip`,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      sku: 'Standard',
      skuTier: 'Regional',
      allocationMethod: 'Static',
      ipVersion: 'IPv4',
      zones: [zone],
      tags: props.tags,
    });
    this.networkInterface = new NetworkInterface(this, 'NetworkInterface', {
      name: `${props.name}-nic`,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      ipForwardingEnabled: false,
      ipConfiguration: [
        {
          name: 'primary',
          primary: true,
          subnetId: props.subnetId,
          privateIpAddressAllocation: 'Dynamic',
          privateIpAddressVersion: 'IPv4',
          publicIpAddressId: this.publicIp.id,
        },
      ],
      tags: props.tags,
    });

    this.resource = new LinuxVirtualMachine(this, 'Resource', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      size: vmSize,
      zone,
      networkInterfaceIds: [this.networkInterface.id],
      adminUsername,
      adminSshKey: [{ username: adminUsername, publicKey: adminKey.trim() }],
      // Control BASTION-SSH: keys only, on the platform side as well as in sshd.
      disablePasswordAuthentication: true,
      customData,
      // Control ENC-REST: the host encrypts the OS disk, its cache and the temporary disk.
      encryptionAtHostEnabled: true,
      secureBootEnabled: true,
      vtpmEnabled: true,
      // Extensions stay allowed for one extension only, the Azure Monitor Agent that ships the
      // SSH log (APPROVED_VM_EXTENSIONS; the BASTION-SSH check fails on any other). A principal
      // with extensions/write could still add RunCommand or VMAccess outside Terraform: the
      // bastion holds no data and no credentials to the app hosts (keys stay on the admins'
      // machines), and that RBAC right belongs to the platform team only.
      allowExtensionOperations: true,
      provisionVmAgent: true,
      // The agent authenticates to the workspace's ingestion endpoint with this identity.
      identity: { type: 'SystemAssigned' },
      osDisk: {
        caching: 'ReadWrite',
        storageAccountType: 'Premium_LRS',
        diskEncryptionSetId: props.diskEncryptionSetId,
      },
      sourceImageReference: { publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server', version: 'latest' },
      bootDiagnostics: {},
      // The marker the checks recognise a bastion by (NET-TIERS lets its NIC have a public IP,
      // BASTION-SSH checks it strictly); the config loader rejects baseline: tags, so config tags
      // cannot forge it, and a VM's name implies nothing.
      tags: { ...props.tags, [ROLE_MARKER]: 'bastion' },
    });
    this.vmId = this.resource.id;
    this.publicIpAddress = this.publicIp.ipAddress;

    this.monitorAgent = new VirtualMachineExtension(this, 'MonitorAgent', {
      name: 'AzureMonitorLinuxAgent',
      virtualMachineId: this.resource.id,
      publisher: 'Microsoft.Azure.Monitor',
      type: 'AzureMonitorLinuxAgent',
      typeHandlerVersion: '1.0',
      autoUpgradeMinorVersion: true,
      automaticUpgradeEnabled: true,
      tags: props.tags,
    });
    this.authLogRule = new MonitorDataCollectionRule(this, 'AuthLogRule', {
      name: `${props.name}-auth-log`,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      kind: 'Linux',
      description: 'SSH and sudo authentication log of the bastion (controls BASTION-SSH, LOG-CENTRAL)',
      dataSources: {
        syslog: [{ name: 'auth', facilityNames: [...BASTION_VM_LOG_FACILITIES], logLevels: ['*'], streams: ['Microsoft-Syslog'] }],
      },
      destinations: { logAnalytics: [{ name: 'workspace', workspaceResourceId: props.workspaceId }] },
      dataFlow: [{ streams: ['Microsoft-Syslog'], destinations: ['workspace'] }],
      tags: { ...props.tags, [AZURE_HOST_AUTH_LOG_TAG.key]: AZURE_HOST_AUTH_LOG_TAG.value },
    });
    this.authLogAssociation = new MonitorDataCollectionRuleAssociation(this, 'AuthLogAssociation', {
      name: `${props.name}-auth-log`,
      targetResourceId: this.resource.id,
      dataCollectionRuleId: this.authLogRule.id,
      description: 'Ships the bastion SSH authentication log to the central workspace',
    });
  }
}

/**
 * The bastion's cloud-init document (see {@link hostCloudConfig}): one locked-password account
 * per person with only their keys, and an sshd drop-in admitting only those accounts.
 */
export function cloudConfig(users: readonly BastionVmUser[], adminUsername = 'azureops', breakGlassLogin = false): string {
  return hostCloudConfig(users, { role: 'bastion', adminUsername, breakGlassLogin });
}
