// The Azure public API (CDK for Terraform): re-exports only. Kept apart from lib/index.ts so AWS
// users never load CDK for Terraform, and so Azure and AWS constructs of the same name coexist.
export * from './app-gateway';
export * from './app-scale-set';
export * from './baseline-key-vault';
export * from './baseline-vnet';
export * from './bastion-vm';
export * from './defender-plans';
export * from './diagnostic-settings';
export * from './baseline-disk-encryption-set';
export * from './log-workspace';
export * from './postgres-replica';
export * from './postgres-server';
export * from './recovery-vault';
export * from './secure-storage-account';
export * from './security-alerts';
export * from './vnet-flow-log';
export * from './baseline-waf-policy';
export * from './workload-identity';
export * from './stack-marker';
