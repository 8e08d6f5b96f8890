// The public API: re-exports only (DESIGN.md "Layout"). Azure and Cloudflare constructs live in
// lib/azure and lib/cloudflare and are exported there, so AWS users never load CDK for Terraform.
export * from './config/cidr';
export * from './config/cloudflare-ranges';
export * from './config/jurisdictions';
export * from './config/load';
export * from './config/origin-pull';
export * from './config/schema';
export * from './config/ssh-keys';
export * from './aws/acknowledge';
export * from './aws/admin-role';
export * from './aws/app-gateway';
export * from './aws/app-tier';
export * from './aws/audit-trail';
export * from './aws/baseline-keys';
export * from './aws/baseline-network';
export * from './aws/baseline-web-acl';
export * from './aws/bastion';
export * from './aws/database';
export * from './aws/origin-trust-store';
export * from './aws/secure-bucket';
export * from './aws/security-alerts';
export * from './aws/static-assets-cdn';
export * from './aws/threat-detection';
export * from './controls';
export * from './aws/backup-plan';
export * from './aws/bucket-replication';
export * from './aws/database-replica';
