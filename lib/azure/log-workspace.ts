import { LogAnalyticsWorkspace } from '@cdktf/provider-azurerm/lib/log-analytics-workspace';
import { Construct } from 'constructs';
import { POLICY_FLOORS } from '../config/floors';

/**
 * Retention the workspace accepts, in days: from the log retention floor (claim B6; also the
 * PerGB2018 tier's minimum) to the workspace maximum.
 */
export const LOG_WORKSPACE_RETENTION = { min: POLICY_FLOORS.retention.logDays, max: 730 } as const;

/** Properties of {@link LogWorkspace}. */
export interface LogWorkspaceProps {
  /** Resource group the workspace lives in. */
  readonly resourceGroupName: string;
  /** Azure location (region) of the workspace, such as `westeurope`. */
  readonly location: string;
  /**
   * Workspace name, unique in the resource group (4-63 letters, digits and dashes).
   */
  readonly name: string;
  /**
   * Days the workspace keeps every table's data (control LOG-RETENTION, claim B6: 30-180 days).
   * @default 90
   */
  readonly retentionDays?: number;
  /**
   * Tags applied to the workspace.
   * @default - none
   */
  readonly tags?: Record<string, string>;
}

/**
 * The central Log Analytics workspace of a region (control LOG-CENTRAL): diagnostic settings of
 * the gateway, WAF, Key Vault, database, storage and flow logs all land here.
 *
 * Local (shared-key) authentication is off, so only Entra identities with a role on the
 * workspace can write or read logs; a leaked workspace key cannot forge or read entries.
 * The workspace is stateful evidence: Terraform refuses to destroy it (`prevent_destroy`).
 */
export class LogWorkspace extends Construct {
  /** The workspace. */
  public readonly resource: LogAnalyticsWorkspace;
  /** The workspace's resource id, for diagnostic settings and flow logs. */
  public readonly workspaceId: string;

  constructor(scope: Construct, id: string, props: LogWorkspaceProps) {
    super(scope, id);
    const retentionDays = props.retentionDays ?? 90;
    if (!Number.isInteger(retentionDays) || retentionDays < LOG_WORKSPACE_RETENTION.min || retentionDays > LOG_WORKSPACE_RETENTION.max) {
      throw new Error(
        `LogWorkspace ${this.node.path}: retentionDays ${retentionDays} is out of range; expected a whole number of days from ` +
          `${LOG_WORKSPACE_RETENTION.min} (claim B6) to ${LOG_WORKSPACE_RETENTION.max} (the workspace maximum)`,
      );
    }
    if (!/^[A-Za-z0-9][A-Za-z0-9-]{2,61}[A-Za-z0-9]$/.test(props.name)) {
      throw new Error(
        `LogWorkspace ${this.node.path}: name "${props.name}" is invalid; expected 4-63 letters, digits and dashes, starting ` +
          `and ending with a letter or digit`,
      );
    }
    this.resource = new LogAnalyticsWorkspace(this, 'Resource', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      sku: 'PerGB2018',
      retentionInDays: retentionDays,
      localAuthenticationEnabled: false,
      tags: props.tags,
      lifecycle: { preventDestroy: true },
    });
    this.workspaceId = this.resource.id;
  }
}
