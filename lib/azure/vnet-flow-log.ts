import { NetworkWatcherFlowLog } from '@cdktf/provider-azurerm/lib/network-watcher-flow-log';
import { Construct } from 'constructs';

/** Properties of {@link VnetFlowLog}. */
export interface VnetFlowLogProps {
  /** Name of the flow log. */
  readonly name: string;
  /** Azure location (region) of the VNet. */
  readonly location: string;
  /** Resource id of the VNet whose traffic is logged. */
  readonly vnetId: string;
  /** Storage account (same region) receiving the flow log files. */
  readonly storageAccountId: string;
  /** Days the flow log files are kept (LOG-RETENTION), 1-365. */
  readonly retentionDays: number;
  /** Workspace GUID (customer id) for traffic analytics. */
  readonly workspaceGuid: string;
  /** Region of the workspace. */
  readonly workspaceRegion: string;
  /** Resource id of the workspace. */
  readonly workspaceResourceId: string;
  /**
   * Network Watcher of the region; Azure creates it automatically when a VNet is first created.
   * @default `NetworkWatcher_<location>`
   */
  readonly networkWatcherName?: string;
  /**
   * Resource group of the Network Watcher.
   * @default NetworkWatcherRG
   */
  readonly networkWatcherResourceGroupName?: string;
  /**
   * Tags applied to the flow log.
   * @default - none
   */
  readonly tags?: Record<string, string>;
}

/**
 * VNet flow logs (controls LOG-CENTRAL, LOG-RETENTION): every flow of the VNet, version 2 (with
 * throughput and connection state), to a storage account kept for the retention, and traffic
 * analytics into the central workspace every 10 minutes. NSG flow logs can no longer be created
 * (since 2025-07-30), so the target is the VNet itself.
 */
export class VnetFlowLog extends Construct {
  /** The flow log. */
  public readonly resource: NetworkWatcherFlowLog;

  constructor(scope: Construct, id: string, props: VnetFlowLogProps) {
    super(scope, id);
    if (!Number.isInteger(props.retentionDays) || props.retentionDays < 1 || props.retentionDays > 365) {
      throw new Error(
        `VnetFlowLog ${this.node.path}: retentionDays ${props.retentionDays} is out of range; expected 1-365 days (flow log ` +
          `retention policy limits)`,
      );
    }
    this.resource = new NetworkWatcherFlowLog(this, 'Resource', {
      name: props.name,
      networkWatcherName: props.networkWatcherName ?? `NetworkWatcher_${props.location}`,
      resourceGroupName: props.networkWatcherResourceGroupName ?? 'NetworkWatcherRG',
      location: props.location,
      targetResourceId: props.vnetId,
      storageAccountId: props.storageAccountId,
      enabled: true,
      version: 2,
      retentionPolicy: { enabled: true, days: props.retentionDays },
      trafficAnalytics: {
        enabled: true,
        workspaceId: props.workspaceGuid,
        workspaceRegion: props.workspaceRegion,
        workspaceResourceId: props.workspaceResourceId,
        intervalInMinutes: 10,
      },
      tags: props.tags,
    });
  }
}
