import { MonitorDiagnosticSetting } from '@cdktf/provider-azurerm/lib/monitor-diagnostic-setting';
import { Construct } from 'constructs';

/** Properties of {@link DiagnosticSettings}. */
export interface DiagnosticSettingsProps {
  /** Resource whose logs are collected (gateway, Key Vault, database, NSG, storage service...). */
  readonly targetResourceId: string;
  /** Resource id of the central Log Analytics workspace. */
  readonly workspaceId: string;
  /**
   * Name of the setting (unique per target).
   * @default to-log-workspace
   */
  readonly name?: string;
  /**
   * Also send all metrics. NSGs have no metrics: set false for them, or Azure rejects the setting.
   * @default true
   */
  readonly includeMetrics?: boolean;
}

/**
 * Sends every log category of a resource (the `allLogs` group, which includes `audit`) and its
 * metrics to the central workspace (control LOG-CENTRAL), where the workspace retention applies
 * (LOG-RETENTION). New categories Azure adds later are included automatically.
 */
export class DiagnosticSettings extends Construct {
  /** The diagnostic setting. */
  public readonly resource: MonitorDiagnosticSetting;

  constructor(scope: Construct, id: string, props: DiagnosticSettingsProps) {
    super(scope, id);
    this.resource = new MonitorDiagnosticSetting(this, 'Resource', {
      name: props.name ?? 'to-log-workspace',
      targetResourceId: props.targetResourceId,
      logAnalyticsWorkspaceId: props.workspaceId,
      enabledLog: [{ categoryGroup: 'allLogs' }],
      enabledMetric: (props.includeMetrics ?? true) ? [{ category: 'AllMetrics' }] : undefined,
    });
  }
}
