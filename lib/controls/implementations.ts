// Which source files implement each control on each cloud: the constructs (lib/aws, lib/azure,
// lib/cloudflare), the stacks that wire them and the config validation that enforces a claim
// before synthesis. The "code" columns of README's Controls table, as data: the OSCAL
// component-definition (lib/evidence/oscal.ts) describes each file as a component implementing
// the controls listed here. test/controls/implementations.test.ts keeps every file existing and
// listed in README's row of the control.
import type { Cloud, ControlId } from './types';

/** Source files per control and cloud (repository-relative); a cloud that does not carry the control is absent. */
export const CONTROL_IMPLEMENTATIONS: Readonly<Record<ControlId, Readonly<Partial<Record<Cloud, readonly string[]>>>>> = {
  'EDGE-TLS': {
    aws: ['lib/aws/app-gateway.ts', 'lib/aws/static-assets-cdn.ts'],
    azure: ['lib/azure/app-gateway.ts'],
    cloudflare: ['lib/cloudflare/zone-hardening.ts'],
  },
  'WAF-MANAGED': {
    aws: ['lib/aws/baseline-web-acl.ts'],
    azure: ['lib/azure/baseline-waf-policy.ts'],
    cloudflare: ['lib/cloudflare/edge-waf.ts'],
  },
  'WAF-REPUTATION': {
    aws: ['lib/aws/baseline-web-acl.ts'],
    azure: ['lib/azure/baseline-waf-policy.ts'],
    cloudflare: ['lib/cloudflare/zone-hardening.ts', 'lib/cloudflare/edge-waf.ts'],
  },
  'WAF-RATE-GLOBAL': {
    aws: ['lib/aws/baseline-web-acl.ts', 'stacks/aws-edge-stack.ts', 'lib/config/schema.ts'],
    azure: ['lib/azure/baseline-waf-policy.ts', 'stacks/azure-region-stack.ts'],
    cloudflare: ['lib/cloudflare/edge-rate-limits.ts', 'lib/config/cloudflare-plan-limits.ts'],
  },
  'WAF-RATE-CRITICAL': {
    aws: ['lib/aws/baseline-web-acl.ts', 'lib/config/schema.ts'],
    azure: ['lib/azure/baseline-waf-policy.ts', 'stacks/azure-region-stack.ts'],
    cloudflare: ['lib/cloudflare/edge-rate-limits.ts', 'lib/config/cloudflare-plan-limits.ts'],
  },
  'ORIGIN-LOCK': {
    aws: ['lib/aws/serving-tier.ts', 'lib/aws/app-gateway.ts', 'lib/config/cloudflare-ranges.ts'],
    azure: ['stacks/azure-region-stack.ts', 'lib/azure/baseline-vnet.ts'],
    cloudflare: ['lib/cloudflare/authenticated-origin-pulls.ts', 'lib/cloudflare/origin-failover.ts'],
  },
  'NET-TIERS': {
    aws: ['lib/aws/baseline-network.ts', 'lib/aws/app-gateway.ts', 'lib/aws/bastion.ts'],
    azure: ['lib/azure/baseline-vnet.ts'],
  },
  'APP-FROM-GATEWAY': {
    aws: ['lib/aws/app-tier.ts', 'lib/aws/app-gateway.ts'],
    azure: ['lib/azure/baseline-vnet.ts', 'lib/azure/app-scale-set.ts', 'lib/azure/app-gateway.ts'],
  },
  'DB-FROM-APP': {
    aws: ['lib/aws/database.ts'],
    azure: ['lib/azure/baseline-vnet.ts', 'lib/azure/postgres-server.ts'],
  },
  'BASTION-SSH': {
    aws: ['lib/aws/bastion.ts', 'lib/aws/app-tier.ts', 'lib/config/cidr.ts', 'lib/config/ssh-keys.ts'],
    azure: ['lib/azure/baseline-vnet.ts', 'lib/azure/bastion-vm.ts', 'lib/azure/app-scale-set.ts', 'lib/config/ssh-keys.ts'],
  },
  'ADMIN-MFA': {
    aws: ['lib/aws/admin-role.ts', 'lib/aws/security-alerts.ts'],
    azure: ['lib/azure/security-alerts.ts'],
  },
  'ENC-REST': {
    aws: ['lib/aws/baseline-keys.ts', 'lib/aws/secure-bucket.ts', 'lib/aws/database.ts', 'lib/aws/app-tier.ts', 'lib/aws/bastion.ts'],
    azure: ['lib/azure/baseline-key-vault.ts', 'lib/azure/workload-identity.ts', 'lib/azure/baseline-disk-encryption-set.ts', 'lib/azure/secure-storage-account.ts', 'lib/azure/postgres-server.ts', 'lib/azure/postgres-replica.ts', 'lib/azure/app-scale-set.ts', 'lib/azure/bastion-vm.ts', 'lib/azure/recovery-vault.ts'],
  },
  'ENC-TRANSIT': {
    aws: ['lib/aws/app-gateway.ts', 'lib/aws/database.ts', 'lib/aws/secure-bucket.ts', 'lib/aws/security-alerts.ts'],
    azure: ['lib/azure/app-gateway.ts', 'lib/azure/postgres-server.ts', 'lib/azure/secure-storage-account.ts'],
  },
  'STORAGE-PRIVATE': {
    aws: ['lib/aws/secure-bucket.ts'],
    azure: ['lib/azure/secure-storage-account.ts'],
  },
  SECRETS: {
    aws: ['lib/aws/database.ts', 'lib/aws/baseline-web-acl.ts', 'lib/config/ssh-keys.ts'],
    azure: ['lib/azure/postgres-server.ts', 'lib/azure/bastion-vm.ts', 'lib/azure/app-scale-set.ts'],
    cloudflare: ['stacks/cloudflare-stack.ts'],
  },
  'LOG-CENTRAL': {
    aws: ['lib/aws/audit-trail.ts', 'lib/aws/baseline-network.ts', 'lib/aws/app-gateway.ts', 'lib/aws/baseline-web-acl.ts', 'lib/aws/bastion.ts', 'lib/aws/database.ts'],
    azure: ['lib/azure/log-workspace.ts', 'lib/azure/diagnostic-settings.ts', 'lib/azure/vnet-flow-log.ts', 'lib/azure/bastion-vm.ts'],
    cloudflare: ['lib/cloudflare/edge-logpush.ts', 'stacks/cloudflare-stack.ts'],
  },
  'LOG-RETENTION': {
    aws: ['lib/aws/audit-trail.ts', 'lib/aws/secure-bucket.ts', 'stacks/aws-primary-stack.ts', 'lib/config/schema.ts'],
    azure: ['lib/azure/log-workspace.ts', 'lib/azure/vnet-flow-log.ts'],
  },
  'DETECT-THREATS': {
    aws: ['lib/aws/threat-detection.ts', 'lib/aws/security-alerts.ts', 'stacks/aws-primary-stack.ts'],
    azure: ['lib/azure/defender-plans.ts', 'lib/azure/security-alerts.ts'],
    cloudflare: ['lib/cloudflare/edge-alerts.ts', 'stacks/cloudflare-stack.ts'],
  },
  'HA-MULTIZONE': {
    aws: ['lib/aws/baseline-network.ts', 'lib/aws/app-tier.ts', 'lib/aws/database.ts', 'lib/config/schema.ts'],
    azure: ['lib/azure/app-gateway.ts', 'lib/azure/app-scale-set.ts', 'lib/azure/postgres-server.ts', 'lib/azure/secure-storage-account.ts'],
  },
  BACKUP: {
    aws: ['lib/aws/database.ts', 'lib/aws/secure-bucket.ts', 'lib/aws/baseline-backup-plan.ts', 'lib/aws/locked-backup-vault.ts', 'stacks/aws-dr-stack.ts', 'lib/config/schema.ts'],
    azure: ['lib/azure/postgres-server.ts', 'lib/azure/secure-storage-account.ts', 'lib/azure/recovery-vault.ts'],
  },
  'DR-REGION': {
    aws: ['stacks/aws-dr-stack.ts', 'stacks/aws-dr-database-stack.ts', 'lib/aws/serving-tier.ts', 'lib/aws/bucket-replication.ts', 'lib/aws/replica-bucket.ts', 'lib/aws/database-replica.ts', 'lib/aws/database.ts', 'lib/aws/baseline-backup-plan.ts', 'lib/config/schema.ts', 'scripts/failover-runbook.ts'],
    azure: ['stacks/azure-region-stack.ts', 'stacks/azure-stacks.ts', 'lib/azure/postgres-replica.ts', 'lib/azure/postgres-server.ts', 'lib/azure/recovery-vault.ts', 'lib/azure/secure-storage-account.ts', 'lib/controls/azure/dr-environment.ts'],
    cloudflare: ['lib/cloudflare/origin-failover.ts', 'stacks/cloudflare-origins.ts'],
  },
  'DATA-RESIDENCY': {
    aws: ['lib/config/jurisdictions.ts', 'lib/config/schema.ts', 'stacks/aws-stacks.ts'],
    azure: ['lib/config/jurisdictions.ts', 'lib/config/schema.ts'],
  },
  'ENV-SEPARATION': {
    aws: ['lib/config/schema.ts', 'stacks/aws-stacks.ts'],
    azure: ['lib/config/schema.ts', 'stacks/azure-stacks.ts'],
  },
  'CDN-ASSETS': {
    aws: ['lib/aws/static-assets-cdn.ts', 'stacks/aws-edge-stack.ts', 'lib/aws/secure-bucket.ts'],
  },
};
