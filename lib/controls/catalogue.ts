import { checkHaMultizone } from './aws/availability';
import { checkCdnAssets } from './aws/cdn';
import { checkDetectThreats } from './aws/detection';
import { checkDrRegion } from './aws/disaster-recovery';
import { checkEdgeTls } from './aws/edge-tls';
import { checkEncRest, checkEncTransit } from './aws/encryption';
import { checkAdminMfa, checkSecrets } from './aws/identity';
import { checkLogCentral, checkLogRetention } from './aws/logging';
import { checkAppFromGateway, checkBastionSsh, checkDbFromApp, checkNetTiers } from './aws/network';
import { checkOriginLock } from './aws/origin-lock';
import { checkBackup, checkStoragePrivate } from './aws/storage';
import { checkWafManaged, checkWafRateCritical, checkWafRateGlobal, checkWafReputation } from './aws/waf';
import * as azure from './azure';
import * as cloudflare from './cloudflare';
import type { Cloud, Control, ControlId } from './types';

/**
 * The control catalogue (DESIGN.md "The control catalogue"): every claim once, the CLAIMS.md ids
 * it makes true, and its check per cloud. Tests and the evidence report run these checks; nothing
 * restates them.
 */
export const CONTROLS: readonly Control[] = [
  {
    id: 'EDGE-TLS',
    claim: 'Public endpoints accept TLS 1.2+ only, redirect HTTP to HTTPS and send HSTS',
    sources: ['A7', 'A14', 'B3'],
    checks: { aws: checkEdgeTls, azure: azure.checkEdgeTls, cloudflare: cloudflare.checkEdgeTls },
    tests: {
      aws: ['test/aws/app-gateway.test.ts', 'test/aws/static-assets-cdn.test.ts'],
      azure: ['test/azure/app-gateway.test.ts', 'test/controls/azure/edge.test.ts'],
      cloudflare: ['test/cloudflare/zone-hardening.test.ts', 'test/controls/cloudflare/edge-tls.test.ts', 'test/stacks/cloudflare-controls.test.ts'],
    },
    note: 'AWS: the ALB adds HSTS through its HTTPS listener attributes; CloudFront through a response-headers policy.',
  },
  {
    id: 'WAF-MANAGED',
    claim: 'Managed WAF rules block OWASP-class attacks, SQL injection, malformed requests',
    sources: ['A2', 'A10', 'A14', 'B5'],
    checks: { aws: checkWafManaged, azure: azure.checkWafManaged, cloudflare: cloudflare.checkWafManaged },
    tests: {
      aws: ['test/aws/baseline-web-acl.test.ts'],
      azure: ['test/azure/waf-policy.test.ts', 'test/controls/azure/waf.test.ts'],
      cloudflare: ['test/cloudflare/waf-rulesets.test.ts', 'test/controls/cloudflare/waf.test.ts', 'test/stacks/cloudflare-controls.test.ts'],
    },
    note: 'Cloudflare: a Free zone can run only the Cloudflare Free Managed Ruleset (no OWASP Core Ruleset); the check accepts it only when the stack shows the zone on the Free plan (a cloudflare_zone_subscription with rate_plan.id "free"), and fails it otherwise.',
  },
  {
    id: 'WAF-REPUTATION',
    claim: 'Bad-reputation and anonymizing sources are blocked; browser integrity checked',
    sources: ['A2', 'A14'],
    checks: { aws: checkWafReputation, azure: azure.checkWafReputation, cloudflare: cloudflare.checkWafReputation },
    tests: {
      aws: ['test/aws/baseline-web-acl.test.ts'],
      azure: ['test/azure/waf-policy.test.ts', 'test/controls/azure/waf.test.ts'],
      cloudflare: ['test/cloudflare/zone-hardening.test.ts', 'test/cloudflare/waf-rulesets.test.ts', 'test/controls/cloudflare/waf.test.ts', 'test/stacks/cloudflare-controls.test.ts'],
    },
    note: 'Browser integrity checks are a Cloudflare feature (the Cloudflare check requires browser_check on); the AWS check covers IP reputation and anonymizers. Cloudflare has retired the threat score that security_level medium/high compared against, so the reputation claim there rests on the blocking rules for unexpected hosts, Managed IP Lists and Tor.',
  },
  {
    id: 'WAF-RATE-GLOBAL',
    claim: 'Every client IP is rate limited',
    sources: ['A10', 'A14'],
    checks: { aws: checkWafRateGlobal, azure: azure.checkWafRateGlobal, cloudflare: cloudflare.checkWafRateGlobal },
    tests: {
      aws: ['test/aws/baseline-web-acl.test.ts', 'test/config/schema.test.ts', 'test/stacks/aws-primary-stack.test.ts'],
      azure: ['test/azure/waf-policy.test.ts', 'test/controls/azure/waf.test.ts', 'test/stacks/azure-stacks.test.ts'],
      cloudflare: ['test/cloudflare/rate-limits.test.ts', 'test/cloudflare/plan-limits.test.ts', 'test/controls/cloudflare/rate-limits.test.ts', 'test/config/schema.test.ts', 'test/stacks/cloudflare-controls.test.ts'],
    },
  },
  {
    id: 'WAF-RATE-CRITICAL',
    claim: 'Login, password reset and other critical endpoints have tighter limits',
    sources: ['A14'],
    checks: { aws: checkWafRateCritical, azure: azure.checkWafRateCritical, cloudflare: cloudflare.checkWafRateCritical },
    tests: {
      aws: ['test/aws/baseline-web-acl.test.ts', 'test/config/schema.test.ts', 'test/stacks/aws-primary-stack.test.ts', 'test/stacks/aws-app.test.ts'],
      azure: ['test/azure/waf-policy.test.ts', 'test/controls/azure/waf.test.ts', 'test/stacks/azure-stacks.test.ts'],
      cloudflare: ['test/cloudflare/rate-limits.test.ts', 'test/cloudflare/plan-limits.test.ts', 'test/controls/cloudflare/rate-limits.test.ts', 'test/config/schema.test.ts', 'test/stacks/cloudflare-controls.test.ts'],
    },
  },
  {
    id: 'ORIGIN-LOCK',
    claim: 'Origins accept traffic only from the edge',
    sources: ['A2', 'A10', 'A12'],
    checks: { aws: checkOriginLock, azure: azure.checkOriginLock, cloudflare: cloudflare.checkOriginLock },
    tests: {
      aws: ['test/aws/app-gateway.test.ts', 'test/controls/origin-lock.test.ts', 'test/stacks/aws-controls.test.ts', 'test/config/cloudflare-ranges.test.ts'],
      azure: ['test/azure/baseline-vnet.test.ts', 'test/controls/azure/origin-lock.test.ts', 'test/stacks/azure-controls.test.ts', 'test/stacks/cloudflare-stacks.test.ts'],
      cloudflare: ['test/cloudflare/authenticated-origin-pulls.test.ts', 'test/cloudflare/origin-failover.test.ts', 'test/controls/cloudflare/origin-lock.test.ts', 'test/stacks/cloudflare-controls.test.ts'],
    },
    note: 'Cloudflare: authenticated origin pulls enabled per zone and every load balancer proxied. AWS and Azure: with the originLocked option (the environment is fronted by Cloudflare with origin lock), the internet-facing load balancers\' security groups and the gateway subnet\'s NSG admit traffic only from Cloudflare\'s published ranges (lib/config/cloudflare-ranges.ts); without it, not applicable. Not checkable in a template: that the origins require Cloudflare\'s client certificate (a TLS setting of the application or gateway), and that Cloudflare\'s shared origin-pull certificate does not tell this zone from other Cloudflare customers\' zones.',
  },
  {
    id: 'NET-TIERS',
    claim: 'Public, app and data tiers are separate; only gateways and bastion are public',
    sources: ['A10', 'A12', 'B8'],
    checks: { aws: checkNetTiers, azure: azure.checkNetTiers },
    tests: {
      aws: ['test/aws/baseline-network.test.ts'],
      azure: ['test/azure/baseline-vnet.test.ts', 'test/controls/azure/network.test.ts'],
    },
  },
  {
    id: 'APP-FROM-GATEWAY',
    claim: 'App hosts accept application traffic only from the load balancer/gateway',
    sources: ['A12'],
    checks: { aws: checkAppFromGateway, azure: azure.checkAppFromGateway },
    tests: {
      aws: ['test/aws/app-tier.test.ts', 'test/aws/app-gateway.test.ts'],
      azure: ['test/azure/baseline-vnet.test.ts', 'test/azure/app-scale-set.test.ts', 'test/controls/azure/network.test.ts'],
    },
  },
  {
    id: 'DB-FROM-APP',
    claim: 'The database is reachable only from the app tier, never publicly, over TLS',
    sources: ['A10', 'A12', 'B3'],
    checks: { aws: checkDbFromApp, azure: azure.checkDbFromApp },
    tests: {
      aws: ['test/aws/database.test.ts'],
      azure: ['test/azure/baseline-vnet.test.ts', 'test/azure/postgres-server.test.ts', 'test/controls/azure/network.test.ts'],
    },
  },
  {
    id: 'BASTION-SSH',
    claim: 'Admin SSH only via the bastion, per-user keys, no passwords, allowlisted IPs',
    sources: ['A11', 'A16'],
    checks: { aws: checkBastionSsh, azure: azure.checkBastionSsh },
    tests: {
      aws: ['test/aws/bastion.test.ts', 'test/config/cidr.test.ts', 'test/config/ssh-keys.test.ts', 'test/config/schema.test.ts', 'test/stacks/aws-primary-stack.test.ts', 'test/stacks/aws-app.test.ts'],
      azure: ['test/azure/baseline-vnet.test.ts', 'test/azure/bastion-vm.test.ts', 'test/azure/app-scale-set.test.ts', 'test/controls/azure/network.test.ts'],
    },
  },
  {
    id: 'ADMIN-MFA',
    claim: 'Privileged cloud access requires MFA and is least-privilege',
    sources: ['A6', 'A16'],
    checks: { aws: checkAdminMfa },
    tests: {
      aws: ['test/aws/admin-role.test.ts', 'test/aws/security-alerts.test.ts'],
      azure: ['test/azure/security-alerts.test.ts'],
    },
    note: 'AWS: checks roles assumable by account principals; sign-in MFA for the identity provider is outside the template.',
  },
  {
    id: 'ENC-REST',
    claim: 'Data at rest is AES-256 encrypted under customer-managed, rotated keys',
    sources: ['A8', 'B3', 'B4'],
    checks: { aws: checkEncRest, azure: azure.checkEncRest },
    tests: {
      aws: ['test/aws/baseline-keys.test.ts', 'test/aws/secure-bucket.test.ts', 'test/aws/database.test.ts', 'test/aws/app-tier.test.ts'],
      azure: ['test/azure/baseline-key-vault.test.ts', 'test/azure/workload-identity.test.ts', 'test/azure/disk-encryption-set.test.ts', 'test/azure/secure-storage-account.test.ts', 'test/azure/postgres-server.test.ts', 'test/azure/postgres-replica.test.ts', 'test/azure/app-scale-set.test.ts', 'test/azure/bastion-vm.test.ts', 'test/azure/recovery-vault.test.ts', 'test/azure/blob-backup-vault.test.ts', 'test/controls/azure/data.test.ts'],
    },
    note: 'Stops stolen disks, snapshots or backup copies being read without the customer-managed key. Azure: the check also fails a Backup vault whose copies of the customer files are not under a customer-managed key (azurerm_data_protection_backup_vault_customer_managed_key), so a copy is never weaker than its source.',
  },
  {
    id: 'ENC-TRANSIT',
    claim: 'All connections, internal ones included, use TLS 1.2+',
    sources: ['A7', 'B3'],
    checks: { aws: checkEncTransit, azure: azure.checkEncTransit },
    tests: {
      aws: ['test/aws/app-gateway.test.ts', 'test/aws/database.test.ts', 'test/aws/secure-bucket.test.ts'],
      azure: ['test/azure/app-gateway.test.ts', 'test/azure/postgres-server.test.ts', 'test/azure/secure-storage-account.test.ts', 'test/controls/azure/data.test.ts'],
    },
  },
  {
    id: 'STORAGE-PRIVATE',
    claim: 'Object storage blocks public access and is versioned',
    sources: ['A6', 'A8', 'B2', 'B3'],
    checks: { aws: checkStoragePrivate, azure: azure.checkStoragePrivate },
    tests: {
      aws: ['test/aws/secure-bucket.test.ts', 'test/controls/storage.test.ts'],
      azure: ['test/azure/secure-storage-account.test.ts', 'test/controls/azure/data.test.ts'],
    },
    note: 'Stops anonymous reads and reads through someone else\'s front door. AWS: a bucket policy statement open to everyone ("*") passes only when bound to one named source (aws:SourceArn of one CloudFront distribution, an organization or an account); a wildcard such as distribution/* fails, since any distribution of the account could then serve the objects.',
  },
  {
    id: 'SECRETS',
    claim: 'No secret appears in source or synth output',
    sources: ['A6', 'B4'],
    checks: { aws: checkSecrets, azure: azure.checkSecrets, cloudflare: cloudflare.checkSecrets },
    tests: {
      aws: ['test/aws/database.test.ts', 'test/config/ssh-keys.test.ts'],
      azure: ['test/azure/postgres-server.test.ts', 'test/azure/bastion-vm.test.ts', 'test/controls/azure/data.test.ts'],
      cloudflare: ['test/controls/cloudflare/secrets.test.ts', 'test/stacks/cloudflare-stacks.test.ts'],
    },
  },
  {
    id: 'LOG-CENTRAL',
    claim: 'Audit, network-flow, gateway and WAF logs are collected centrally',
    sources: ['A4', 'A11', 'A16'],
    checks: { aws: checkLogCentral, azure: azure.checkLogCentral },
    tests: {
      aws: ['test/aws/audit-trail.test.ts', 'test/aws/baseline-network.test.ts', 'test/aws/baseline-web-acl.test.ts'],
      azure: ['test/azure/log-workspace.test.ts', 'test/azure/diagnostic-settings.test.ts', 'test/azure/vnet-flow-log.test.ts', 'test/azure/bastion-vm.test.ts', 'test/azure/activity-log-archive.test.ts', 'test/controls/azure/data.test.ts', 'test/stacks/azure-controls.test.ts'],
    },
    note: 'Stops an intrusion going unseen because its traces never reached the central store. Azure: without a subscription diagnostic setting the Activity Log (who created, changed or deleted what, role assignments included) stays in the platform for 90 days and outside the workspace: the stack that manages the subscription must send its Administrative, Security and Policy categories to the workspace.',
  },
  {
    id: 'LOG-RETENTION',
    claim: 'Logs are kept 30-180 days (configurable) and are tamper-evident',
    sources: ['B6'],
    checks: { aws: checkLogRetention, azure: azure.checkLogRetention },
    tests: {
      aws: ['test/aws/audit-trail.test.ts', 'test/aws/secure-bucket.test.ts', 'test/aws/immutable-log-archive.test.ts', 'test/controls/logging.test.ts', 'test/config/schema.test.ts', 'test/stacks/aws-primary-stack.test.ts', 'test/stacks/aws-controls.test.ts'],
      azure: ['test/azure/log-workspace.test.ts', 'test/azure/vnet-flow-log.test.ts', 'test/azure/activity-log-archive.test.ts', 'test/controls/azure/data.test.ts', 'test/stacks/azure-controls.test.ts'],
    },
    note: 'Stops an administrator (or an intruder with admin rights) erasing the evidence: a CloudWatch log group or a Log Analytics workspace can be deleted or its retention cut by anyone with write access to it. AWS: every log class the claims name (network flows, WAF decisions, host logins; found by the baseline:log-class marker and from the wiring: flow-log and WAF-logging destinations, groups EC2 instance roles write to) needs a copy of every event (a subscription filter without pattern, through Firehose) in a bucket under a COMPLIANCE Object Lock of at least the retention; the trail, ALB and CloudFront logs go to such buckets directly. Azure: the Activity Log goes to a storage container with a locked time-based immutability policy (protected appends), Entra ID logs too when exported. Not yet immutable: database logs on both clouds, and the Azure flow logs and resource diagnostics, which live in the workspace and the flow-log account only.',
  },
  {
    id: 'DETECT-THREATS',
    claim: 'Threat detection and vulnerability scanning are on, alerting on-call',
    sources: ['A2', 'A3', 'A4', 'A5', 'B7', 'B13'],
    checks: { aws: checkDetectThreats, azure: azure.checkDetectThreats },
    tests: {
      aws: ['test/aws/threat-detection.test.ts', 'test/aws/security-alerts.test.ts', 'test/aws/config-recorder.test.ts', 'test/controls/detection.test.ts', 'test/stacks/aws-primary-stack.test.ts', 'test/stacks/aws-controls.test.ts'],
      azure: ['test/azure/defender-plans.test.ts', 'test/azure/security-alerts.test.ts', 'test/controls/azure/data.test.ts'],
    },
    note: 'Stops an intrusion or a dangerous change going unnoticed. AWS: Inspector v2 has no CloudFormation resource; the check requires the deployment-time Custom::AWS call that enables it. Security Hub\'s FSBP and CIS controls evaluate AWS Config items, so a hub in a region without a recorder reports no data and a public bucket or an open security group raises no finding: wherever Security Hub runs (created here, or managed by the organization), the check fails unless an AWS::Config::ConfigurationRecorder of all supported types with an encrypted delivery channel records the region, or the config declares Config managed (aws.accountServices.config).',
  },
  {
    id: 'HA-MULTIZONE',
    claim: 'Every tier spans >= 2 zones and replaces unhealthy instances',
    sources: ['A15', 'B11'],
    checks: { aws: checkHaMultizone, azure: azure.checkHaMultizone },
    tests: {
      aws: ['test/aws/baseline-network.test.ts', 'test/aws/app-tier.test.ts', 'test/aws/database.test.ts', 'test/config/schema.test.ts', 'test/stacks/aws-primary-stack.test.ts'],
      azure: ['test/azure/app-gateway.test.ts', 'test/azure/app-scale-set.test.ts', 'test/azure/postgres-server.test.ts', 'test/azure/secure-storage-account.test.ts', 'test/controls/azure/data.test.ts'],
    },
  },
  {
    id: 'BACKUP',
    claim: 'Daily backups, point-in-time recovery, 30-day DB / 90-day file retention',
    sources: ['A15', 'B2', 'B10'],
    checks: { aws: checkBackup, azure: azure.checkBackup },
    tests: {
      aws: ['test/aws/database.test.ts', 'test/aws/secure-bucket.test.ts', 'test/aws/backup-plan.test.ts', 'test/config/schema.test.ts', 'test/stacks/aws-primary-stack.test.ts'],
      azure: ['test/azure/postgres-server.test.ts', 'test/azure/secure-storage-account.test.ts', 'test/azure/recovery-vault.test.ts', 'test/azure/blob-backup-vault.test.ts', 'test/azure/delete-lock.test.ts', 'test/controls/azure/data.test.ts', 'test/stacks/azure-controls.test.ts'],
    },
    note: 'Stops a malicious or compromised administrator destroying the data and its copies. Azure: soft delete, versioning and point-in-time restore live inside the storage account, where an Owner or Storage Account Contributor can switch them off and purge (and geo-replication copies the deletion), so they are not a backup: the check fails a data storage account without a daily vaulted copy in a Backup vault whose immutability is Locked (an Owner can switch Unlocked off), soft delete On/AlwaysOn, vaulted retention of at least the file retention, every container of the account named, and the vault holding the backup role on the account (otherwise every job fails). Every storage account, PostgreSQL server, Key Vault, vault and workspace also needs a CanNotDelete management lock, so a delete is a separate, logged act (config azure.deleteLocks "managed" declares that the organization applies them). AWS: point-in-time recovery, deletion protection, noncurrent versions for the file retention and retained buckets and keys; the locked AWS Backup copies are checked under DR-REGION.',
  },
  {
    id: 'DR-REGION',
    claim: 'Data replicated to a second region; RPO <= 1 h, RTO <= 4 h, documented failover',
    sources: ['A15', 'B2', 'B10', 'B12'],
    checks: { azure: azure.checkDrRegion, cloudflare: cloudflare.checkDrRegion },
    environmentChecks: { aws: checkDrRegion, azure: azure.checkAzureDrEnvironment },
    tests: {
      aws: ['test/aws/bucket-replication.test.ts', 'test/aws/static-assets-cdn.test.ts', 'test/aws/database-replica.test.ts', 'test/aws/database.test.ts', 'test/aws/backup-plan.test.ts', 'test/config/schema.test.ts', 'test/stacks/aws-primary-stack.test.ts', 'test/stacks/aws-controls.test.ts', 'test/stacks/aws-runbook.test.ts'],
      azure: ['test/azure/postgres-replica.test.ts', 'test/azure/recovery-vault.test.ts', 'test/azure/blob-backup-vault.test.ts', 'test/azure/secure-storage-account.test.ts', 'test/controls/azure/data.test.ts', 'test/stacks/azure-stacks.test.ts', 'test/stacks/azure-controls.test.ts'],
      cloudflare: ['test/cloudflare/origin-failover.test.ts', 'test/controls/cloudflare/failover.test.ts', 'test/stacks/cloudflare-stacks.test.ts', 'test/stacks/cloudflare-controls.test.ts'],
    },
    note: 'Stops a region loss taking the service down for longer than the RTO, or its data beyond the RPO: "DR resources exist" is not enough, the DR region must be able to serve. Checked per stack (Azure: geo-redundant backups, storage, Recovery Services and Backup vaults) and across an environment\'s stacks. AWS (primary, DR, DR database): replication with RTC and a ReplicationLatency alarm per rule at most the RPO, the database replica with its lag alarm, locked backup copies, a warm standby, the CDN failing over (origin group on 5xx) to the DR assets replica with origin access control, that replica admitting one named distribution (not every distribution of the account), and a bastion in the DR region. Azure (primary and DR): paired location, replica of the primary server, geo-backup key and identity in the DR stack, warm standby, every closed data account reachable from the DR network through a private endpoint registered in a DR zone linked to it, and a DR bastion; a promoted replica (azure.promoteReplica) is held to what a primary is. Not checked here: that the DR app role can reach the DR data (issue 15). Cloudflare: the load balancer fails over from the primary pool to the DR pool (steering off, DR as fallback, HTTPS monitors). RPO/RTO are checked at config level against the mechanisms (lib/config/schema.ts).',
  },
  {
    id: 'DATA-RESIDENCY',
    claim: 'Each environment pins its regions; DR stays in the same jurisdiction',
    sources: ['B9', 'B12'],
    checks: {},
    tests: {
      aws: ['test/config/jurisdictions.test.ts', 'test/config/schema.test.ts', 'test/stacks/aws-app.test.ts'],
      azure: ['test/config/jurisdictions.test.ts', 'test/config/schema.test.ts'],
    },
    note: 'Checked at config level (regions and jurisdictions); a single template does not show its pairing.',
  },
  {
    id: 'ENV-SEPARATION',
    claim: 'Production and staging are separate stacks and accounts/subscriptions',
    sources: ['A9'],
    checks: {},
    tests: {
      aws: ['test/config/schema.test.ts', 'test/stacks/aws-policy.test.ts'],
      azure: ['test/config/schema.test.ts', 'test/stacks/azure-stacks.test.ts'],
    },
    note: 'Checked at config level (distinct accounts per environment); a single template cannot show separation.',
  },
  {
    id: 'CDN-ASSETS',
    claim: 'Static assets are served through a CDN with a private origin and TLS 1.2+',
    sources: ['A7', 'B1', 'B3'],
    checks: { aws: checkCdnAssets },
    tests: {
      aws: ['test/aws/static-assets-cdn.test.ts', 'test/stacks/aws-primary-stack.test.ts'],
    },
    note: 'Stops the assets being fetched around the CDN (public bucket) or through someone else\'s distribution. The failover origin, the DR assets replica, is checked under DR-REGION (it lives in the DR stack): its policy must name this distribution, and STORAGE-PRIVATE fails any bucket policy that opens to everyone under a wildcard source ARN such as distribution/*.',
  },
];

/** The control with this id; throws for an unknown id. */
export function control(id: ControlId): Control {
  const found = CONTROLS.find((c) => c.id === id);
  if (!found) throw new Error(`control: received ${JSON.stringify(id)}; expected one of ${CONTROLS.map((c) => c.id).join(', ')}`);
  return found;
}

/**
 * Test files that run every check of a cloud on the real synthesized stacks of both environments
 * (pass on the default config, fail on weakened copies). They prove every control with a check on
 * that cloud, in addition to the control's own `tests`.
 */
export const STACK_CONTROL_TESTS: Readonly<Record<Cloud, readonly string[]>> = {
  aws: ['test/stacks/aws-controls.test.ts'],
  azure: ['test/stacks/azure-controls.test.ts'],
  cloudflare: ['test/stacks/cloudflare-controls.test.ts'],
};
