import { LinuxVirtualMachineScaleSet } from '@cdktf/provider-azurerm/lib/linux-virtual-machine-scale-set';
import { MonitorAutoscaleSetting, type MonitorAutoscaleSettingProfileRule } from '@cdktf/provider-azurerm/lib/monitor-autoscale-setting';
import { MonitorDataCollectionRule } from '@cdktf/provider-azurerm/lib/monitor-data-collection-rule';
import { MonitorDataCollectionRuleAssociation } from '@cdktf/provider-azurerm/lib/monitor-data-collection-rule-association';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { POLICY_FLOORS } from '../config/floors';
import { checkSshPublicKey } from '../config/ssh-keys';
import { AUTH_LOG_FACILITIES, AZURE_HOST_AUTH_LOG_TAG, checkLoginUsers, hostCloudConfig, type HostLoginUser } from './host-cloud-init';

/** Properties of {@link AppScaleSet}. */
export interface AppScaleSetProps {
  /** Resource group the scale set and its autoscale setting live in. */
  readonly resourceGroupName: string;
  /** Azure location (region) of the scale set, such as `westeurope`. */
  readonly location: string;
  /** Scale set name (2-58 letters, digits and dashes); also the instances' computer name prefix. */
  readonly name: string;
  /** App subnet; instances get private addresses only. */
  readonly subnetId: string;
  /**
   * Application Gateway backend pool every instance joins (control APP-FROM-GATEWAY), such as
   * `AppGateway.backendPoolId`.
   */
  readonly backendPoolId: string;
  /**
   * One OS account per person, holding only that person's keys, reached only through the
   * bastion (control BASTION-SSH): every login names a person.
   */
  readonly users: readonly HostLoginUser[];
  /**
   * The break-glass public key of Azure's administrator account (`adminUsername`): a key no
   * person uses day to day, its private half kept offline. Azure accepts only `ssh-ed25519` and
   * `ssh-rsa` here (ECDSA is refused by azurerm's own validation and the platform), RSA of at
   * least `minRsaBits`. It must differ from every key of `users`.
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
   * Log Analytics workspace receiving the instances' SSH authentication log (auth and authpriv
   * syslog) through the Azure Monitor Agent and a data collection rule (controls BASTION-SSH,
   * LOG-CENTRAL).
   */
  readonly authLogWorkspaceId: string;
  /**
   * Operating-system account Azure requires, holding only `breakGlassPublicKey` (a Linux user
   * name; not root, admin or another name Azure reserves).
   * @default 'azureops'
   */
  readonly adminUsername?: string;
  /**
   * Smallest RSA key accepted, in bits (2048 or more; Azure's own floor is 2048).
   * @default 3072 (POLICY_FLOORS.access.minRsaBits)
   */
  readonly minRsaBits?: number;
  /**
   * VM size; it must support Trusted Launch and encryption at host (most v5 sizes do).
   * @default 'Standard_D2as_v5'
   */
  readonly vmSize?: string;
  /**
   * Instances the scale set starts with; autoscale moves it between `minCapacity` and
   * `maxCapacity` afterwards (Terraform ignores later drift of this value).
   * @default - minCapacity
   */
  readonly instances?: number;
  /**
   * Autoscale floor: at least 2 so the tier survives losing an instance or a zone
   * (control HA-MULTIZONE), unless `standby` is set.
   * @default 2 (0 when standby)
   */
  readonly minCapacity?: number;
  /**
   * Autoscale ceiling (2-100, at least `minCapacity`).
   * @default 6
   */
  readonly maxCapacity?: number;
  /**
   * Marks the scale set as the warm standby of a disaster-recovery region (control DR-REGION): it
   * may then run 0 or 1 instances until a failover scales it out; the standby serves no traffic.
   * The scale set carries the tag `baseline:standby=warm-standby`, so the weaker capacity is
   * visible in the synthesized plan.
   * @default false
   */
  readonly standby?: boolean;
  /**
   * Availability zones the instances are spread over, evenly (at least two of "1", "2", "3";
   * control HA-MULTIZONE).
   * @default ["1", "2", "3"]
   */
  readonly zones?: readonly string[];
  /**
   * Disk encryption set encrypting the OS disk, and with encryption at host the cache and
   * temporary disk, under a customer-managed key (control ENC-REST).
   * @default - platform-managed keys (AES-256); ENC-REST's customer-managed key is then not met
   */
  readonly diskEncryptionSetId?: string;
  /**
   * Image of the instances, such as a hardened golden image in an Azure Compute Gallery.
   * @default - Canonical Ubuntu 24.04 LTS (Gen2, Trusted Launch capable), latest version
   */
  readonly sourceImageId?: string;
  /**
   * User-assigned managed identities of the instances (to read app secrets from Key Vault).
   * @default - no identity
   */
  readonly identityIds?: readonly string[];
  /**
   * Adds the Application Health extension with automatic instance repairs (replacing instances
   * whose health check fails, control HA-MULTIZONE). Off by default: every extension is a way to
   * run code as root on the instances, so only the Azure Monitor Agent (which ships the SSH log)
   * is installed unless this is set (see APPROVED_VM_EXTENSIONS). Without it, the gateway's probe
   * takes unhealthy instances out of rotation but nothing replaces them (Azure still heals host
   * failures).
   * @default false
   */
  readonly allowExtensions?: boolean;
  /**
   * HTTPS port of the app, probed by the Application Health extension (with `allowExtensions`).
   * @default 8443
   */
  readonly appPort?: number;
  /**
   * Health check path of the app, probed by the Application Health extension (with
   * `allowExtensions`).
   * @default '/healthz'
   */
  readonly healthCheckPath?: string;
  /**
   * Tags applied to the scale set and its autoscale setting.
   * @default - none
   */
  readonly tags?: Record<string, string>;
}

/** Tag marking a warm-standby scale set (same key and value as the AWS app tier's). */
export const AZURE_STANDBY_TAG = 'baseline:standby';
/** Value of {@link AZURE_STANDBY_TAG}. */
export const AZURE_STANDBY_TAG_VALUE = 'warm-standby';

/** Admin user names Azure refuses or that would hide who logged in. */
const RESERVED_ADMIN_NAMES = new Set([
  'root',
  'admin',
  'administrator',
  'user',
  'user1',
  'user2',
  'user3',
  'user4',
  'user5',
  'test',
  'test1',
  'test2',
  'test3',
  'guest',
  'owner',
  'server',
  'sql',
  'support',
  'sys',
  'backup',
  'console',
  'adm',
  'admin1',
  'admin2',
  'aspnet',
  'actuser',
  'ubuntu',
  'nobody',
  'sshd',
  'bin',
  'daemon',
]);

/**
 * The app servers of a region (controls APP-FROM-GATEWAY, BASTION-SSH, ENC-REST, HA-MULTIZONE;
 * claims A11, A12, B11): a Linux scale set spread evenly over availability zones, with no public
 * address, joined to the Application Gateway's backend pool (the network security group of the
 * app subnet admits the app port only from the gateway subnet and SSH only from the bastion).
 *
 * Logins are SSH keys only (password authentication off); instances run Trusted Launch (Secure
 * Boot and vTPM) with encryption at host, so the OS disk, its cache and the temporary disk are
 * encrypted (under a customer-managed key when `diskEncryptionSetId` is given). VM extensions are
 * off unless opted in. An autoscale setting keeps CPU between 30 % and 70 %.
 *
 * Upgrades are `Manual`: `Rolling` and `Automatic` need a load-balancer probe or the Application
 * Health extension, and the gateway's probe cannot serve; Terraform's azurerm provider reimages
 * instances itself when the model changes (its `roll_instances_when_required` feature).
 */
export class AppScaleSet extends Construct {
  /** The scale set. */
  public readonly resource: LinuxVirtualMachineScaleSet;
  /** The autoscale setting of the scale set. */
  public readonly autoscale: MonitorAutoscaleSetting;
  /** The scale set's resource id. */
  public readonly scaleSetId: string;
  /** The rule collecting the instances' SSH authentication log into the workspace. */
  public readonly authLogRule: MonitorDataCollectionRule;
  /** The association of the rule with the scale set. */
  public readonly authLogAssociation: MonitorDataCollectionRuleAssociation;

  constructor(scope: Construct, id: string, props: AppScaleSetProps) {
    super(scope, id);
    const where = `AppScaleSet ${this.node.path}`;
    const known = (v: string | undefined): v is string => v !== undefined && !Token.isUnresolved(v);

    if (known(props.name) && !/^[A-Za-z0-9][A-Za-z0-9-]{0,56}[A-Za-z0-9]$/.test(props.name)) {
      throw new Error(
        `${where}: name "${props.name}" is invalid; expected 2-58 letters, digits and dashes, starting and ending with a letter or digit`,
      );
    }
    const vmSize = props.vmSize ?? 'Standard_D2as_v5';
    if (known(vmSize) && !/^Standard_[A-Za-z0-9_]+$/.test(vmSize)) {
      throw new Error(`${where}: vmSize "${vmSize}" is invalid; expected an Azure VM size such as Standard_D2as_v5`);
    }
    const adminUsername = props.adminUsername ?? 'azureops';
    if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(adminUsername) || RESERVED_ADMIN_NAMES.has(adminUsername)) {
      throw new Error(
        `${where}: adminUsername "${adminUsername}" is invalid; expected a Linux user name (lower case letters, digits, _ and ` +
          `-, at most 32) that is not root, admin or another name Azure reserves`,
      );
    }
    const minRsaBits = props.minRsaBits ?? POLICY_FLOORS.access.minRsaBits;
    if (!Number.isInteger(minRsaBits) || minRsaBits < 2048) {
      throw new Error(`${where}: minRsaBits ${minRsaBits} is invalid; expected a whole number of at least 2048 (Azure's floor)`);
    }
    const fingerprints = checkLoginUsers(props.users, minRsaBits, adminUsername, where, checkSshPublicKey);
    const breakGlass = azureSshKeyProblem(props.breakGlassPublicKey, minRsaBits);
    if (typeof breakGlass === 'string') throw new Error(`${where}: breakGlassPublicKey ${breakGlass}`);
    const holder = fingerprints.get(breakGlass.fingerprint);
    if (holder)
      throw new Error(
        `${where}: breakGlassPublicKey is the key of ${holder} (${breakGlass.fingerprint}); the admin account must hold a ` +
          `break-glass key no person uses, or that person holds a shared account`,
      );
    if (
      known(props.authLogWorkspaceId) &&
      !/\/providers\/Microsoft\.OperationalInsights\/workspaces\/[^/]+$/i.test(props.authLogWorkspaceId)
    ) {
      throw new Error(
        `${where}: authLogWorkspaceId "${props.authLogWorkspaceId}" is invalid; expected the resource id of a Log Analytics ` +
          `workspace (.../providers/Microsoft.OperationalInsights/workspaces/<name>)`,
      );
    }
    const customData = Buffer.from(
      hostCloudConfig(props.users, { role: 'app', adminUsername, breakGlassLogin: props.breakGlassLogin, aptMirror: props.aptMirror }),
      'utf8',
    ).toString('base64');

    const standby = props.standby ?? false;
    const minCapacity = props.minCapacity ?? (standby ? 0 : 2);
    const maxCapacity = props.maxCapacity ?? 6;
    if (!Number.isInteger(minCapacity) || minCapacity < (standby ? 0 : 2) || minCapacity > 100) {
      throw new Error(
        standby
          ? `${where}: minCapacity ${minCapacity} is out of range; expected a whole number of instances from 0 to 100`
          : `${where}: minCapacity ${minCapacity} is out of range; expected 2 to 100 so the tier survives losing an instance or ` +
              `zone (control HA-MULTIZONE; a DR warm standby sets standby: true)`,
      );
    }
    if (!Number.isInteger(maxCapacity) || maxCapacity < Math.max(2, minCapacity) || maxCapacity > 100) {
      throw new Error(
        `${where}: maxCapacity ${maxCapacity} is out of range; expected a whole number from ${Math.max(2, minCapacity)} (at ` +
          `least 2 and minCapacity, so the tier can spread over two zones) to 100`,
      );
    }
    const instances = props.instances ?? minCapacity;
    if (!Number.isInteger(instances) || instances < minCapacity || instances > maxCapacity) {
      throw new Error(
        `${where}: instances ${instances} is out of range; expected a whole number from minCapacity (${minCapacity}) to ` +
          `maxCapacity (${maxCapacity})`,
      );
    }
    const zones = [...(props.zones ?? ['1', '2', '3'])];
    if (zones.some((z) => !['1', '2', '3'].includes(z)) || new Set(zones).size !== zones.length || zones.length < 2) {
      throw new Error(
        `${where}: zones ${JSON.stringify(zones)} is invalid; expected at least two distinct zones of "1", "2", "3" (control HA-MULTIZONE)`,
      );
    }
    const appPort = props.appPort ?? 8443;
    if (!Number.isInteger(appPort) || appPort < 1 || appPort > 65535) {
      throw new Error(`${where}: appPort ${appPort} is out of range; expected a TCP port from 1 to 65535`);
    }
    const healthCheckPath = props.healthCheckPath ?? '/healthz';
    if (!/^\/[^\s]*$/.test(healthCheckPath)) {
      throw new Error(`${where}: healthCheckPath "${healthCheckPath}" is invalid; expected a path starting with "/", such as /healthz`);
    }
    if (props.identityIds && props.identityIds.length === 0) {
      throw new Error(`${where}: identityIds is empty; list at least one user-assigned identity id, or leave it unset for no identity`);
    }
    const allowExtensions = props.allowExtensions ?? false;
    const tags = standby ? { ...props.tags, [AZURE_STANDBY_TAG]: AZURE_STANDBY_TAG_VALUE } : props.tags;

    this.resource = new LinuxVirtualMachineScaleSet(this, 'Resource', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      sku: vmSize,
      instances,
      // Control HA-MULTIZONE: instances spread evenly over the zones, so losing a zone leaves
      // the others serving while autoscale refills.
      zones,
      zoneBalance: true,
      // Overprovisioned extra VMs would briefly join the gateway pool and run the image for
      // nothing; the count stays exact instead.
      overprovision: false,
      upgradeMode: 'Manual',
      adminUsername,
      // Control BASTION-SSH: keys only. The admin account holds only the break-glass key and
      // sshd refuses it; cloud-init creates one account per person.
      disablePasswordAuthentication: true,
      adminSshKey: [{ username: adminUsername, publicKey: props.breakGlassPublicKey.trim() }],
      customData,
      // Control ENC-REST: the host encrypts the OS disk, its cache and the temporary disk.
      encryptionAtHostEnabled: true,
      // Trusted Launch: a boot kit or unsigned kernel cannot start; vTPM measures the boot.
      secureBootEnabled: true,
      vtpmEnabled: true,
      // On for the approved extensions only (APPROVED_VM_EXTENSIONS): the Azure Monitor Agent
      // that ships the SSH log, and the health extension when opted in.
      extensionOperationsEnabled: true,
      osDisk: {
        caching: 'ReadWrite',
        // Instances are stateless and spread over zones, so a zone-redundant (ZRS) OS disk would
        // buy nothing: a lost zone's instances are replaced in the others. Premium_LRS is
        // available for every Trusted Launch size in every zonal region.
        storageAccountType: 'Premium_LRS',
        diskEncryptionSetId: props.diskEncryptionSetId,
      },
      ...(props.sourceImageId !== undefined
        ? { sourceImageId: props.sourceImageId }
        : { sourceImageReference: { publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server', version: 'latest' } }),
      networkInterface: [
        {
          name: 'app',
          primary: true,
          enableIpForwarding: false,
          ipConfiguration: [
            {
              name: 'app',
              primary: true,
              version: 'IPv4',
              subnetId: props.subnetId,
              // Control APP-FROM-GATEWAY: the gateway is the only way application traffic
              // arrives; no public_ip_address block, so no instance is reachable from outside.
              applicationGatewayBackendAddressPoolIds: [props.backendPoolId],
            },
          ],
        },
      ],
      // The Azure Monitor Agent authenticates to the workspace's ingestion with the system
      // identity (no role assignment: the data collection rule association authorizes it).
      identity: props.identityIds
        ? { type: 'SystemAssigned, UserAssigned', identityIds: [...props.identityIds] }
        : { type: 'SystemAssigned' },
      // Managed storage: console output and screenshots without a storage account to secure.
      bootDiagnostics: {},
      extension: [
        {
          name: 'AzureMonitorLinuxAgent',
          publisher: 'Microsoft.Azure.Monitor',
          type: 'AzureMonitorLinuxAgent',
          typeHandlerVersion: '1.0',
          autoUpgradeMinorVersion: true,
          automaticUpgradeEnabled: true,
        },
        ...(allowExtensions
          ? [
              {
                name: 'health',
                publisher: 'Microsoft.ManagedServices',
                type: 'ApplicationHealthLinux',
                // Binary health states: an HTTP 200 from the health check is healthy (2.0 would
                // require a JSON body naming the state).
                typeHandlerVersion: '1.0',
                autoUpgradeMinorVersion: true,
                automaticUpgradeEnabled: true,
                settings: JSON.stringify({ protocol: 'https', port: appPort, requestPath: healthCheckPath }),
              },
            ]
          : []),
      ],
      // Control HA-MULTIZONE: an instance failing its health check for the grace period is
      // deleted and recreated.
      ...(allowExtensions ? { automaticInstanceRepair: { enabled: true, gracePeriod: 'PT10M', action: 'Replace' } } : {}),
      tags,
      // Autoscale owns the instance count after creation.
      lifecycle: { ignoreChanges: ['instances'] },
    });
    this.scaleSetId = this.resource.id;

    // Every SSH and sudo login on the instances, with the key's fingerprint (sshd LogLevel
    // VERBOSE), lands in the central workspace (controls BASTION-SSH, LOG-CENTRAL).
    this.authLogRule = new MonitorDataCollectionRule(this, 'AuthLogRule', {
      name: `${props.name}-auth-log`,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      kind: 'Linux',
      description: 'SSH and sudo authentication log of the app instances (controls BASTION-SSH, LOG-CENTRAL)',
      dataSources: {
        syslog: [{ name: 'auth', facilityNames: [...AUTH_LOG_FACILITIES], logLevels: ['*'], streams: ['Microsoft-Syslog'] }],
      },
      destinations: { logAnalytics: [{ name: 'workspace', workspaceResourceId: props.authLogWorkspaceId }] },
      dataFlow: [{ streams: ['Microsoft-Syslog'], destinations: ['workspace'] }],
      tags: { ...tags, [AZURE_HOST_AUTH_LOG_TAG.key]: AZURE_HOST_AUTH_LOG_TAG.value },
    });
    this.authLogAssociation = new MonitorDataCollectionRuleAssociation(this, 'AuthLogAssociation', {
      name: `${props.name}-auth-log`,
      targetResourceId: this.resource.id,
      dataCollectionRuleId: this.authLogRule.id,
      description: "Ships the app instances' SSH authentication log to the central workspace",
    });

    const cpuRule = (direction: 'Increase' | 'Decrease'): MonitorAutoscaleSettingProfileRule => ({
      metricTrigger: {
        metricName: 'Percentage CPU',
        metricNamespace: 'microsoft.compute/virtualmachinescalesets',
        metricResourceId: this.resource.id,
        timeGrain: 'PT1M',
        statistic: 'Average',
        timeWindow: 'PT10M',
        timeAggregation: 'Average',
        operator: direction === 'Increase' ? 'GreaterThan' : 'LessThan',
        threshold: direction === 'Increase' ? 70 : 30,
      },
      scaleAction: { direction, type: 'ChangeCount', value: 1, cooldown: direction === 'Increase' ? 'PT5M' : 'PT10M' },
    });
    this.autoscale = new MonitorAutoscaleSetting(this, 'Autoscale', {
      name: `${props.name}-autoscale`,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      targetResourceId: this.resource.id,
      enabled: true,
      profile: [
        {
          name: 'cpu',
          capacity: { default: instances, minimum: minCapacity, maximum: maxCapacity },
          rule: [cpuRule('Increase'), cpuRule('Decrease')],
        },
      ],
      tags,
    });
  }
}

/**
 * Checks a key against the project's policy (sshpk parse, no DSA, RSA of `minRsaBits`) and what
 * Azure accepts in `admin_ssh_key`: azurerm 4.x validates with `validate.SSHKey`, which admits
 * only `ssh-rsa` (>= 2048 bits) and `ssh-ed25519`, and the platform refuses ECDSA too.
 * Returns the problem, or the key's fingerprint.
 */
export function azureSshKeyProblem(key: string, minRsaBits: number): string | { readonly fingerprint: string } {
  const checked = checkSshPublicKey(key, minRsaBits);
  if ('error' in checked) return `${checked.error}; expected an ssh-ed25519 or ssh-rsa (>= ${minRsaBits} bits) public key`;
  if (checked.type !== 'ed25519' && checked.type !== 'rsa') {
    return (
      `is an ${checked.type.toUpperCase()} key (${checked.fingerprint}); Azure accepts only ssh-ed25519 and ssh-rsa keys for VM ` +
      `admin accounts; use an Ed25519 key`
    );
  }
  return { fingerprint: checked.fingerprint };
}
