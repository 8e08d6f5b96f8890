// The Azure public API (CDK for Terraform, @cdktf/provider-azurerm): the constructs, their props
// and the functions a stack calls. Re-exports only, by name: what is not listed here is internal
// (this repository's stacks and tests may still import it by its file). Kept apart from the AWS
// entry point so AWS users never load CDK for Terraform, and so Azure and AWS constructs of the
// same name (AppGateway, SecurityAlerts) coexist.
export { ActivityLogArchive, type ActivityLogArchiveProps } from './activity-log-archive';
export { AppGateway, type AppGatewayProps } from './app-gateway';
export { AppScaleSet, type AppScaleSetProps } from './app-scale-set';
export { BaselineKeyVault, type BaselineKeyVaultProps } from './baseline-key-vault';
export { BaselineVnet, type BaselineVnetProps } from './baseline-vnet';
export { BastionVm, type BastionVmProps, type BastionVmUser } from './bastion-vm';
export { BlobBackupVault, type BlobBackupVaultProps } from './blob-backup-vault';
export { DefenderPlans, type DefenderPlansProps, type DefenderPlan, DEFENDER_PLANS } from './defender-plans';
export { DeleteLock, type DeleteLockProps, lockStatefulResources, type LockStatefulResourcesOptions } from './delete-lock';
export { DiagnosticSettings, type DiagnosticSettingsProps } from './diagnostic-settings';
export { BaselineDiskEncryptionSet, type BaselineDiskEncryptionSetProps } from './baseline-disk-encryption-set';
export type { HostLoginUser, HostLoginRole } from './host-cloud-init';
export { LogWorkspace, type LogWorkspaceProps } from './log-workspace';
export { PostgresReplica, type PostgresReplicaProps } from './postgres-replica';
export { PostgresServer, type PostgresServerProps, type PostgresCommonProps } from './postgres-server';
export { RecoveryVault, type RecoveryVaultProps } from './recovery-vault';
export { SecureStorageAccount, type SecureStorageAccountProps, type BlobPrivateEndpointOptions } from './secure-storage-account';
export { SecurityAlerts, type SecurityAlertsProps } from './security-alerts';
export { markTerraformStack } from './stack-marker';
export type { StackMarker, MarkedStackRole } from '../controls/markers';
export { VnetFlowLog, type VnetFlowLogProps } from './vnet-flow-log';
export { BaselineWafPolicy, type BaselineWafPolicyProps, type AzureRateLimit, type AzureCriticalPathLimit } from './baseline-waf-policy';
export { WorkloadIdentity, type WorkloadIdentityProps } from './workload-identity';
