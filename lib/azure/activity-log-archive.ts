import { MonitorAadDiagnosticSetting } from '@cdktf/provider-azurerm/lib/monitor-aad-diagnostic-setting';
import { MonitorDiagnosticSetting } from '@cdktf/provider-azurerm/lib/monitor-diagnostic-setting';
import { StorageContainerImmutabilityPolicy } from '@cdktf/provider-azurerm/lib/storage-container-immutability-policy';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { SecureStorageAccount } from './secure-storage-account';

/** Activity Log categories the subscription diagnostic setting exports (all of them). */
export const ACTIVITY_LOG_CATEGORIES = [
  'Administrative',
  'Security',
  'ServiceHealth',
  'Alert',
  'Recommendation',
  'Policy',
  'Autoscale',
  'ResourceHealth',
] as const;
/** Entra ID log categories exported when `entraLogs` is on (sign-ins of every kind and directory audits). */
export const ENTRA_LOG_CATEGORIES = [
  'AuditLogs',
  'SignInLogs',
  'NonInteractiveUserSignInLogs',
  'ServicePrincipalSignInLogs',
  'ManagedIdentitySignInLogs',
] as const;
/** The container Azure Monitor writes the Activity Log into. */
export const ACTIVITY_LOG_CONTAINER = 'insights-activity-logs';

/** Properties of {@link ActivityLogArchive}. */
export interface ActivityLogArchiveProps {
  /** Resource group of the archive storage account. */
  readonly resourceGroupName: string;
  /** Azure location of the storage account. */
  readonly location: string;
  /** Name of the archive storage account: 3-24 lower-case letters and digits, globally unique. */
  readonly storageAccountName: string;
  /** Versionless Key Vault key id encrypting the archive (control ENC-REST). */
  readonly keyVaultKeyId: string;
  /** User-assigned identity that reads `keyVaultKeyId`. */
  readonly identityId: string;
  /** Subscription whose Activity Log is exported. */
  readonly subscriptionId: string;
  /** The central Log Analytics workspace (control LOG-CENTRAL): queries and alerts. */
  readonly workspaceId: string;
  /**
   * Days every archived blob stays immutable (claim B6), 1-146000: nobody can modify or delete it
   * before then, the account's Owner included, once the policy is locked.
   */
  readonly retentionDays: number;
  /**
   * Lock the time-based retention policies (irreversible: the period can then only grow, and
   * the account cannot be deleted while it holds protected blobs). Unlocked policies can be
   * deleted by an Owner, which the LOG-RETENTION check fails.
   * @default true
   */
  readonly locked?: boolean;
  /**
   * Also export Entra ID sign-in and audit logs of the tenant (a tenant-level setting: the
   * deploying principal needs Global Administrator or Security Administrator, and sign-in logs
   * need an Entra ID P1 or P2 licence). The same archive and workspace receive them.
   * @default false
   */
  readonly entraLogs?: boolean;
  /**
   * Name of the diagnostic settings (unique per subscription and per tenant).
   * @default 'baseline-activity-log'
   */
  readonly settingName?: string;
  /**
   * Tags of the storage account.
   * @default - none
   */
  readonly tags?: Record<string, string>;
}

/**
 * The subscription's audit trail, central and tamper-proof (controls LOG-CENTRAL and
 * LOG-RETENTION; claims A4, A6, A16, B6): without a diagnostic setting the Activity Log (who
 * created, changed or deleted what, role assignments included) stays in the platform for 90 days
 * and is not central. This exports every Activity Log category to the Log Analytics workspace
 * (queries, alerts) and to a dedicated storage account whose containers carry a locked,
 * time-based immutability policy with protected append writes (Azure Monitor appends to hourly
 * blobs): no administrator can delete or rewrite the record for `retentionDays`. Entra ID logs
 * are an opt-in, as they need tenant-level rights.
 */
export class ActivityLogArchive extends Construct {
  /** The archive storage account. */
  public readonly storage: SecureStorageAccount;
  /** The subscription diagnostic setting. */
  public readonly subscriptionSetting: MonitorDiagnosticSetting;
  /** The Entra ID diagnostic setting, when `entraLogs` is on. */
  public readonly entraSetting?: MonitorAadDiagnosticSetting;
  /** The immutability policies, by container name. */
  public readonly policies: Record<string, StorageContainerImmutabilityPolicy> = {};

  constructor(scope: Construct, id: string, props: ActivityLogArchiveProps) {
    super(scope, id);
    const what = `ActivityLogArchive ${this.node.path}:`;
    const locked = props.locked ?? true;
    const settingName = props.settingName ?? 'baseline-activity-log';
    if (
      !Token.isUnresolved(props.retentionDays) &&
      (!Number.isInteger(props.retentionDays) || props.retentionDays < 1 || props.retentionDays > 146000)
    ) {
      throw new Error(
        `${what} retentionDays ${props.retentionDays} is out of range; expected a whole number of days from 1 to 146000 (the ` +
          `immutability policy limits)`,
      );
    }
    if (
      !Token.isUnresolved(props.subscriptionId) &&
      !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(props.subscriptionId)
    ) {
      throw new Error(`${what} subscriptionId "${props.subscriptionId}" is not a subscription id; expected a lower-case GUID`);
    }
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(settingName)) {
      throw new Error(
        `${what} settingName "${settingName}" is invalid; expected up to 64 letters, digits and _.- starting with a letter or digit`,
      );
    }
    const entraContainers = (props.entraLogs ?? false) ? ENTRA_LOG_CATEGORIES.map((c) => `insights-logs-${c.toLowerCase()}`) : [];
    const containers = [ACTIVITY_LOG_CONTAINER, ...entraContainers];

    // Azure Monitor writes over the public endpoint as a trusted service: it cannot use a private
    // endpoint, and with public access disabled Azure Storage refuses trusted services too.
    this.storage = new SecureStorageAccount(this, 'Storage', {
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      name: props.storageAccountName,
      keyVaultKeyId: props.keyVaultKeyId,
      identityId: props.identityId,
      trustedServicesOnly: true,
      containerNames: containers,
      tags: props.tags,
    });
    for (const name of containers) {
      this.policies[name] = new StorageContainerImmutabilityPolicy(this, `Immutable-${name}`, {
        storageContainerResourceManagerId: this.storage.containers[name].resourceManagerId,
        immutabilityPeriodInDays: props.retentionDays,
        locked,
        // Azure Monitor appends to hourly append blobs; without this every write after the first fails.
        protectedAppendWritesEnabled: true,
      });
    }

    this.subscriptionSetting = new MonitorDiagnosticSetting(this, 'Subscription', {
      name: settingName,
      targetResourceId: `/subscriptions/${props.subscriptionId}`,
      logAnalyticsWorkspaceId: props.workspaceId,
      storageAccountId: this.storage.accountId,
      enabledLog: ACTIVITY_LOG_CATEGORIES.map((category) => ({ category })),
      dependsOn: [this.policies[ACTIVITY_LOG_CONTAINER]],
    });
    if (props.entraLogs) {
      this.entraSetting = new MonitorAadDiagnosticSetting(this, 'Entra', {
        name: settingName,
        logAnalyticsWorkspaceId: props.workspaceId,
        storageAccountId: this.storage.accountId,
        enabledLog: ENTRA_LOG_CATEGORIES.map((category) => ({ category })),
        dependsOn: entraContainers.map((c) => this.policies[c]),
      });
    }
  }
}
