// The AWS public API (aws-cdk-lib): the constructs, their props and the functions a stack calls.
// Re-exports only, by name: what is not listed here is internal (this repository's stacks and
// tests may still import it by its file). Policy gates and acknowledgements: lib/policy.
export { AdminRole, type AdminRoleProps } from './admin-role';
export { allowTraffic, type TrafficDescriptions } from './allow-traffic';
export { AppDataAccess, type AppDataAccessProps, type AppDatabaseAccess } from './app-data-access';
export { AppGateway, type AppGatewayProps } from './app-gateway';
export { AppTier, type AppTierProps, type AppHostAccess } from './app-tier';
export { AuditTrail, type AuditTrailProps } from './audit-trail';
export {
  BaselineBackupPlan,
  type BaselineBackupPlanProps,
  type BackupRetentionProps,
  type BackupDrVaultProps,
} from './baseline-backup-plan';
export { LockedBackupVault, type LockedBackupVaultProps } from './locked-backup-vault';
export { BaselineKeys, type BaselineKeysProps, allowCloudWatchLogs, denyGrantsToNonServices } from './baseline-keys';
export { BaselineNetwork, type BaselineNetworkProps } from './baseline-network';
export { BaselineWebAcl, type BaselineWebAclProps, type RateLimit, type CriticalPathLimit } from './baseline-web-acl';
export { Bastion, type BastionProps, type BastionUser } from './bastion';
export { executionPolicyFor } from './bootstrap-policy';
export { BucketReplication, type BucketReplicationProps, type ReplicaStorageClass } from './bucket-replication';
export { ReplicaBucket, type ReplicaBucketProps } from './replica-bucket';
export { ConfigRecorder, type ConfigRecorderProps, type ConfigSnapshotFrequency, allowConfigDelivery } from './config-recorder';
export { Database, type DatabaseProps, type DatabaseBackupReplication } from './database';
export { DatabaseReplica, type DatabaseReplicaProps } from './database-replica';
export {
  ImmutableLogArchive,
  type ImmutableLogArchiveProps,
  LOG_CLASSES,
  type LogClass,
  markLogClass,
  logClassOf,
} from './immutable-log-archive';
export type { HostUser, HostRole } from './linux-host-access';
export { OriginTrustStore, type OriginTrustStoreProps } from './origin-trust-store';
export { SecureBucket, type SecureBucketProps } from './secure-bucket';
export { SecurityAlerts, type SecurityAlertsProps } from './security-alerts';
export { ServingTier, type ServingTierProps, type CloudflareOriginLock, type ConfigDelivery } from './serving-tier';
export { bindServicePrincipals, sourceConditions, type SourceConditions } from './service-principal-binding';
export { markAwsStack } from './stack-marker';
export type { StackMarker, MarkedStackRole } from '../controls/markers';
export { StaticAssetsCdn, type StaticAssetsCdnProps } from './static-assets-cdn';
export { ThreatDetection, type ThreatDetectionProps } from './threat-detection';
