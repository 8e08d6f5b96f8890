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
import { checkAwsResidency, checkAwsSeparation } from './aws/residency';
import { checkBackup, checkStoragePrivate } from './aws/storage';
import { checkWafManaged, checkWafRateCritical, checkWafRateGlobal, checkWafReputation } from './aws/waf';
import * as azure from './azure';
import * as cloudflare from './cloudflare';
import type { Cloud, Control, ControlId } from './types';

/**
 * The control catalogue (docs/design.md "The control catalogue"; published as docs/controls.md by
 * `npm run docs`): every claim once, the claim ids (docs/claims.md) it makes true, and its check
 * per cloud. Tests and the evidence report run these checks; nothing
 * restates them.
 */
export const CONTROLS: readonly Control[] = [
  {
    id: 'EDGE-TLS',
    claim: 'Public endpoints accept TLS 1.2+ only, redirect HTTP to HTTPS and send HSTS',
    sources: ['A7', 'A14', 'B3'],
    checks: { aws: checkEdgeTls, azure: azure.checkEdgeTls, cloudflare: cloudflare.checkEdgeTls },
    tests: {
      aws: ['test/aws/app-gateway.test.ts', 'test/aws/static-assets-cdn.test.ts', 'test/controls/edge-tls.test.ts'],
      azure: ['test/azure/app-gateway.test.ts', 'test/controls/azure/edge.test.ts'],
      cloudflare: [
        'test/cloudflare/zone-hardening.test.ts',
        'test/controls/cloudflare/edge-tls.test.ts',
        'test/stacks/cloudflare-controls.test.ts',
      ],
    },
    note:
      'AWS: the ALB adds HSTS through its HTTPS listener attributes; CloudFront through a response-headers policy. Attack ' +
      'stopped: a downgrade to a weak cipher. The ALB listener must use a restricted TLS 1.3/1.2 policy offering AES-GCM only ' +
      '(ELBSecurityPolicy-TLS13-1-2-Res-*, or TLS 1.3 only): ELBSecurityPolicy-TLS13-1-2-2021-06 still offers ECDHE AES-CBC ' +
      'suites, the family of padding-oracle attacks (Lucky Thirteen), and fails the check.',
  },
  {
    id: 'WAF-MANAGED',
    claim: 'Managed WAF rules block OWASP-class attacks, SQL injection, malformed requests',
    sources: ['A2', 'A10', 'A14', 'B5'],
    checks: { aws: checkWafManaged, azure: azure.checkWafManaged, cloudflare: cloudflare.checkWafManaged },
    tests: {
      aws: ['test/aws/baseline-web-acl.test.ts'],
      azure: ['test/azure/baseline-waf-policy.test.ts', 'test/controls/azure/waf.test.ts'],
      cloudflare: ['test/cloudflare/edge-waf.test.ts', 'test/controls/cloudflare/waf.test.ts', 'test/stacks/cloudflare-controls.test.ts'],
    },
    note:
      'Cloudflare: a Free zone can run only the Cloudflare Free Managed Ruleset (no OWASP Core Ruleset); the check accepts it ' +
      'only when the stack shows the zone on the Free plan (a cloudflare_zone_subscription with rate_plan.id "free"), and fails ' +
      'it otherwise.',
  },
  {
    id: 'WAF-REPUTATION',
    claim: 'Bad-reputation and anonymizing sources are blocked; browser integrity checked',
    sources: ['A2', 'A14'],
    checks: { aws: checkWafReputation, azure: azure.checkWafReputation, cloudflare: cloudflare.checkWafReputation },
    tests: {
      aws: ['test/aws/baseline-web-acl.test.ts'],
      azure: ['test/azure/baseline-waf-policy.test.ts', 'test/controls/azure/waf.test.ts'],
      cloudflare: [
        'test/cloudflare/zone-hardening.test.ts',
        'test/cloudflare/edge-waf.test.ts',
        'test/controls/cloudflare/waf.test.ts',
        'test/stacks/cloudflare-controls.test.ts',
      ],
    },
    note:
      'Browser integrity checks are a Cloudflare feature (the Cloudflare check requires browser_check on); the AWS check covers ' +
      'IP reputation and anonymizers. Cloudflare has retired the threat score that security_level medium/high compared against, ' +
      'so the reputation claim there rests on the blocking rules for unexpected hosts, Managed IP Lists and Tor. Behind the ' +
      "locked Cloudflare zone, the origins' IP-based rules (AWS IP-reputation and anonymous-IP groups, the IP part of Azure Bot " +
      'Manager) see the connecting edge node, never the client: for real clients the claim is carried by the edge (Managed IP ' +
      'Lists, Tor and bot rules, security level), and the origin groups stay as a net for anything that reaches the origin ' +
      'otherwise.',
  },
  {
    id: 'WAF-RATE-GLOBAL',
    claim: 'Every client IP is rate limited',
    sources: ['A10', 'A14'],
    checks: { aws: checkWafRateGlobal, azure: azure.checkWafRateGlobal, cloudflare: cloudflare.checkWafRateGlobal },
    tests: {
      aws: [
        'test/aws/baseline-web-acl.test.ts',
        'test/controls/waf.test.ts',
        'test/config/schema.test.ts',
        'test/stacks/aws-primary-stack.test.ts',
        'test/stacks/aws-controls.test.ts',
      ],
      azure: [
        'test/azure/baseline-waf-policy.test.ts',
        'test/controls/azure/waf.test.ts',
        'test/stacks/azure-stacks.test.ts',
        'test/stacks/azure-controls.test.ts',
      ],
      cloudflare: [
        'test/cloudflare/edge-rate-limits.test.ts',
        'test/config/cloudflare-plan-limits.test.ts',
        'test/controls/cloudflare/rate-limits.test.ts',
        'test/config/schema.test.ts',
        'test/stacks/cloudflare-controls.test.ts',
      ],
    },
    note:
      "Attacks stopped: a client flooding the app, and, behind Cloudflare, the outage where the origin counts the edge node's " +
      'address, shared by thousands of clients, so one busy node trips the limit for all of them. AWS: behind the locked zone ' +
      '(originLocked) every rate rule counts FORWARDED_IP from CF-Connecting-IP (trustworthy only because ORIGIN-LOCK admits ' +
      'nothing but this zone; FallbackBehavior MATCH counts a malformed value), with a twin counting requests that lack the ' +
      'header by connecting address, since WAF skips a FORWARDED_IP rule for them; a directly reached load balancer must count ' +
      "IP, as a header there is the client's to forge. Azure: Application Gateway can key on ClientAddr (the connecting address) " +
      'or the X-Forwarded-For address (ClientAddrXFFHeader, azurerm 4.55), whose first entry the client writes (Cloudflare ' +
      'appends to the header it receives); neither is the real client behind Cloudflare, so the Azure limits are a per-edge ' +
      'safety net (waf limits x cloudflare.azurePerEdgeRateFactor, policy tagged baseline-rate-limit-key=cloudflare-edge), XFF ' +
      'keys fail, and the per-client limit is carried by the edge. The Azure check reads the tag, not the factor: thresholds ' +
      'lowered back to per-client values under the tag are not caught. Cloudflare: counted per client IP (ip.src) at the edge.',
  },
  {
    id: 'WAF-RATE-CRITICAL',
    claim: 'Login, password reset and other critical endpoints have tighter limits',
    sources: ['A14'],
    checks: { aws: checkWafRateCritical, azure: azure.checkWafRateCritical, cloudflare: cloudflare.checkWafRateCritical },
    tests: {
      aws: [
        'test/aws/baseline-web-acl.test.ts',
        'test/controls/waf.test.ts',
        'test/config/schema.test.ts',
        'test/stacks/aws-primary-stack.test.ts',
        'test/stacks/aws-app.test.ts',
        'test/stacks/aws-controls.test.ts',
      ],
      azure: [
        'test/azure/baseline-waf-policy.test.ts',
        'test/controls/azure/waf.test.ts',
        'test/stacks/azure-stacks.test.ts',
        'test/stacks/azure-controls.test.ts',
      ],
      cloudflare: [
        'test/cloudflare/edge-rate-limits.test.ts',
        'test/config/cloudflare-plan-limits.test.ts',
        'test/controls/cloudflare/rate-limits.test.ts',
        'test/config/schema.test.ts',
        'test/stacks/cloudflare-controls.test.ts',
      ],
    },
    note:
      'Attack stopped: password guessing on login and reset, including spellings that dodge a prefix match (/Login, /%6Cogin, ' +
      '//login, /./login, /x/../login). AWS: the path match runs URL_DECODE, then NORMALIZE_PATH, then LOWERCASE. Azure: ' +
      'Application Gateway has no path normalization, so the critical rules match after UrlDecode and Lowercase and a ' +
      "PathNotNormalized rule refuses any path with //, /./, /../ or a backslash (the check proves the rule's regex against " +
      'those spellings). Cloudflare: the zone states its URL normalization (type cloudflare, scope both, so origins receive the ' +
      'normalized path too) and the rules compare lower(http.request.uri.path). Clients are counted as in WAF-RATE-GLOBAL (per ' +
      'edge address on Azure behind Cloudflare, a safety net).',
  },
  {
    id: 'ORIGIN-LOCK',
    claim: 'Origins accept traffic only from the edge',
    sources: ['A2', 'A10', 'A12'],
    checks: { aws: checkOriginLock, azure: azure.checkOriginLock, cloudflare: cloudflare.checkOriginLock },
    tests: {
      aws: [
        'test/aws/app-gateway.test.ts',
        'test/aws/origin-trust-store.test.ts',
        'test/controls/origin-lock.test.ts',
        'test/stacks/aws-controls.test.ts',
        'test/stacks/aws-primary-stack.test.ts',
        'test/config/cloudflare-ranges.test.ts',
        'test/config/schema.test.ts',
      ],
      azure: [
        'test/azure/baseline-vnet.test.ts',
        'test/azure/app-gateway.test.ts',
        'test/azure/baseline-waf-policy.test.ts',
        'test/controls/azure/origin-lock.test.ts',
        'test/stacks/azure-controls.test.ts',
        'test/stacks/cloudflare-stacks.test.ts',
      ],
      cloudflare: [
        'test/cloudflare/authenticated-origin-pulls.test.ts',
        'test/cloudflare/origin-failover.test.ts',
        'test/controls/cloudflare/origin-lock.test.ts',
        'test/stacks/cloudflare-controls.test.ts',
        'test/config/schema.test.ts',
      ],
    },
    note:
      'Attacks stopped: an attacker pointing a Cloudflare zone of their own at the origins (it passes an IP allowlist of ' +
      "Cloudflare's ranges and presents Cloudflare's shared origin-pull certificate) to skip this zone's WAF, rate limits and " +
      'host rules; direct connections from anywhere else; and requests under a Host this deployment does not serve. Cloudflare: ' +
      "authenticated origin pulls enabled per zone with the zone's own uploaded certificate " +
      '(cloudflare_authenticated_origin_pulls_certificate; without one the zone presents the shared certificate and the check ' +
      'fails), issued by a configured CA, and every load balancer proxied. AWS and Azure, with the originLocked option (the ' +
      "environment is fronted by Cloudflare with origin lock; otherwise not applicable): the load balancers' security groups and " +
      "the gateway subnet's NSG admit only Cloudflare's published ranges (lib/config/cloudflare-ranges.ts); every HTTPS listener " +
      'verifies the client certificate (AWS: mutual TLS verify against a TrustStore whose bundle the stack writes into its own ' +
      "bucket; Azure: an SSL profile with trusted client certificates) against CAs that are never Cloudflare's shared " +
      'origin-pull CA and, with originPullCaCertificates (from config), exactly the configured ones; and hosts are bound (AWS: a ' +
      'fixed 403 by default, forwarding only named hosts; Azure: host-named listeners, a catch-all that only redirects, and a ' +
      "WAF rule answering other hosts with 403). Not seen in a template: whether Cloudflare's uploaded certificate is active (it " +
      'deploys asynchronously) and the private key, which is supplied at deploy time.',
  },
  {
    id: 'NET-TIERS',
    claim: 'Public, app and data tiers are separate; only gateways and bastion are public',
    sources: ['A10', 'A12', 'B8'],
    checks: { aws: checkNetTiers, azure: azure.checkNetTiers },
    coverage: {
      cloudflare: {
        verdict: 'not-applicable',
        reason:
          'the Cloudflare stacks hold zone settings, rulesets, a load balancer with its pools and monitors, notification ' +
          'policies and (Enterprise) Logpush jobs: no network, subnet or host to tier',
        unlessTypes: ['cloudflare_spectrum_application', 'cloudflare_zero_trust_tunnel_cloudflared'],
      },
    },
    tests: {
      aws: [
        'test/aws/baseline-network.test.ts',
        'test/aws/app-tier.test.ts',
        'test/aws/bastion.test.ts',
        'test/config/schema.test.ts',
        'test/stacks/aws-app.test.ts',
      ],
      azure: ['test/azure/baseline-vnet.test.ts', 'test/controls/azure/network.test.ts'],
    },
    note:
      'Attacks stopped: a public host outside the gateway and bastion tiers, and a compromised host sending data out or taking ' +
      'commands over open egress (claim A5: egress points). AWS: no security group sends to a range broader than /16 or keeps ' +
      "AWS's default allow-all egress; hosts reach S3 through a gateway endpoint and the AWS APIs through interface endpoints " +
      '(aws.endpoints), package mirrors by their ranges (egress.packageMirrors). Azure: the app and bastion NSGs end with an ' +
      "outbound deny of everything and allow no internet destination; the Application Gateway subnet keeps Azure's default " +
      'outbound, which Application Gateway v2 requires. Not checkable in a template: what an endpoint or mirror range serves.',
  },
  {
    id: 'APP-FROM-GATEWAY',
    claim: 'App hosts accept application traffic only from the load balancer/gateway',
    sources: ['A12'],
    checks: { aws: checkAppFromGateway, azure: azure.checkAppFromGateway },
    coverage: {
      cloudflare: {
        verdict: 'not-applicable',
        reason:
          'the Cloudflare stacks hold zone settings, rulesets, a load balancer with its pools and monitors, notification ' +
          'policies and (Enterprise) Logpush jobs: no app host; the origins admit only the edge (ORIGIN-LOCK)',
        unlessTypes: ['cloudflare_workers_script', 'cloudflare_worker_script'],
      },
    },
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
    coverage: {
      cloudflare: {
        verdict: 'not-applicable',
        reason:
          'the Cloudflare stacks hold zone settings, rulesets, a load balancer with its pools and monitors, notification ' +
          'policies and (Enterprise) Logpush jobs: no database',
        unlessTypes: ['cloudflare_d1_database', 'cloudflare_hyperdrive_config'],
      },
    },
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
    coverage: {
      cloudflare: {
        verdict: 'not-applicable',
        reason:
          'the Cloudflare stacks hold zone settings, rulesets, a load balancer with its pools and monitors, notification ' +
          'policies and (Enterprise) Logpush jobs: no host to log into, no SSH path',
        unlessTypes: ['cloudflare_spectrum_application', 'cloudflare_zero_trust_tunnel_cloudflared'],
      },
    },
    tests: {
      aws: [
        'test/aws/bastion.test.ts',
        'test/aws/app-tier.test.ts',
        'test/config/cidr.test.ts',
        'test/config/ssh-keys.test.ts',
        'test/config/schema.test.ts',
        'test/controls/network.test.ts',
        'test/stacks/aws-primary-stack.test.ts',
        'test/stacks/aws-app.test.ts',
      ],
      azure: [
        'test/azure/baseline-vnet.test.ts',
        'test/azure/bastion-vm.test.ts',
        'test/azure/app-scale-set.test.ts',
        'test/controls/azure/network.test.ts',
        'test/config/schema.test.ts',
      ],
    },
    note:
      'Attacks stopped: a login nobody can name (a shared account or a key shared between people), a key pushed around the ' +
      'allowlist (EC2 Instance Connect lets anyone with ec2-instance-connect:SendSSHPublicKey install a 60-second key for any OS ' +
      'user; Azure VMAccess resets keys; RunCommand and CustomScript run code as root), and SSH from the internet. Every host of ' +
      'both clouds (bastion, app instances, launch templates, scale sets) must create one account per person, admit only them in ' +
      'sshd (AllowUsers), refuse passwords and root; AWS hosts must remove EC2 Instance Connect and set AuthorizedKeysCommand ' +
      "none; Azure admin accounts must hold no person's key (the break-glass key only, refused by sshd unless " +
      'azure.breakGlass.loginEnabled, which fails the check) and extension operations must serve approved extensions only (the ' +
      'Azure Monitor Agent, the opt-in health extension). Not checkable in a template: RBAC rights to add extensions or run ' +
      'commands outside Terraform.',
  },
  {
    id: 'ADMIN-MFA',
    claim: 'Privileged cloud access requires MFA and is least-privilege',
    sources: ['A6', 'A16'],
    checks: { aws: checkAdminMfa },
    coverage: {
      azure: {
        verdict: 'unchecked',
        reason:
          'Entra ID Conditional Access (MFA for administrators) is tenant-wide and outside these stacks, and no check reads ' +
          "the stacks' role assignments for least privilege",
      },
      cloudflare: {
        verdict: 'not-applicable',
        reason:
          'the Cloudflare stacks grant no access (no member, token or Access policy); dashboard 2FA and SSO are account ' +
          'settings, and the deploy token comes from CLOUDFLARE_API_TOKEN',
        unlessTypes: [
          'cloudflare_account_member',
          'cloudflare_api_token',
          'cloudflare_account_token',
          'cloudflare_zero_trust_access_policy',
          'cloudflare_zero_trust_access_application',
        ],
      },
    },
    tests: {
      aws: [
        'test/aws/admin-role.test.ts',
        'test/aws/security-alerts.test.ts',
        'test/aws/bootstrap-policy.test.ts',
        'test/controls/identity.test.ts',
      ],
      azure: ['test/azure/security-alerts.test.ts'],
    },
    note:
      'Attacks stopped: an administrator path that skips MFA. AWS: every role assumable by account principals requires MFA, and ' +
      'every role with admin-level permissions (AdministratorAccess, PowerUserAccess, IAMFullAccess, * or IAM escalation actions ' +
      'such as iam:PassRole on *) must be such a role: a service role with admin rights (the default CDK bootstrap execution ' +
      'role with AdministratorAccess, an instance role given admin) or a federated role without MFA fails. docs/deploy.md gives ' +
      'the hardened bootstrap (npm run bootstrap-policy: a scoped execution policy; trust limited to the deploying account or ' +
      'the CI role). Sign-in MFA for the identity provider and the bootstrap stack itself are outside these templates.',
  },
  {
    id: 'ENC-REST',
    claim: 'Data at rest is AES-256 encrypted under customer-managed, rotated keys',
    sources: ['A8', 'B3', 'B4'],
    checks: { aws: checkEncRest, azure: azure.checkEncRest },
    coverage: {
      cloudflare: {
        verdict: 'not-applicable',
        reason:
          'the Cloudflare stacks hold zone settings, rulesets, a load balancer with its pools and monitors, notification ' +
          'policies and (Enterprise) Logpush jobs: no data store at rest (no R2 bucket, KV namespace, D1 database or queue)',
        unlessTypes: ['cloudflare_r2_bucket', 'cloudflare_workers_kv_namespace', 'cloudflare_d1_database', 'cloudflare_queue'],
      },
    },
    tests: {
      aws: [
        'test/aws/baseline-keys.test.ts',
        'test/aws/secure-bucket.test.ts',
        'test/aws/database.test.ts',
        'test/aws/app-tier.test.ts',
        'test/aws/bastion.test.ts',
        'test/aws/app-data-access.test.ts',
        'test/aws/audit-trail.test.ts',
        'test/aws/static-assets-cdn.test.ts',
        'test/controls/encryption.test.ts',
        'test/controls/service-principals.test.ts',
      ],
      azure: [
        'test/azure/baseline-key-vault.test.ts',
        'test/azure/workload-identity.test.ts',
        'test/azure/baseline-disk-encryption-set.test.ts',
        'test/azure/secure-storage-account.test.ts',
        'test/azure/postgres-server.test.ts',
        'test/azure/postgres-replica.test.ts',
        'test/azure/app-scale-set.test.ts',
        'test/azure/bastion-vm.test.ts',
        'test/azure/recovery-vault.test.ts',
        'test/controls/azure/data.test.ts',
        'test/azure/blob-backup-vault.test.ts',
      ],
    },
    note:
      'Attacks stopped: data readable where the key is not ours to control (stolen disks, snapshots or backup copies), and ' +
      "another account's service using our keys (confused deputy). AWS: keys rotate and are customer-managed; every launch " +
      'template an instance or group uses encrypts its root volume (an unencrypted template would launch unencrypted copies); ' +
      'instance roles may only Decrypt and GenerateDataKey on named keys; every key-policy grant to an AWS service is bound to ' +
      'this account (aws:SourceAccount, or an aws:SourceArn, encryption context or bucket naming it) and, where the service sets ' +
      'it, aws:SourceArn. CloudFront standard logging (legacy) documents no source keys: its grant is limited to use through S3 ' +
      '(kms:ViaService). Azure: keys in Key Vault with purge protection; the check also fails a Backup vault whose copies of the ' +
      'customer files are not under a customer-managed key (azurerm_data_protection_backup_vault_customer_managed_key), so a ' +
      'copy is never weaker than its source.',
  },
  {
    id: 'ENC-TRANSIT',
    claim: 'All connections, internal ones included, use TLS 1.2+',
    sources: ['A7', 'B3'],
    checks: { aws: checkEncTransit, azure: azure.checkEncTransit, cloudflare: cloudflare.checkEncTransit },
    tests: {
      aws: ['test/aws/app-gateway.test.ts', 'test/aws/database.test.ts', 'test/aws/secure-bucket.test.ts'],
      azure: [
        'test/azure/app-gateway.test.ts',
        'test/azure/postgres-server.test.ts',
        'test/azure/secure-storage-account.test.ts',
        'test/controls/azure/data.test.ts',
      ],
      cloudflare: [
        'test/cloudflare/zone-hardening.test.ts',
        'test/controls/cloudflare/transit.test.ts',
        'test/stacks/cloudflare-controls.test.ts',
      ],
    },
    note:
      'Cloudflare: the edge terminates client TLS, so the edge-to-origin hop is checked (SSL mode Full (strict), TLS 1.2+ ' +
      'minimum, HTTPS health monitors).',
  },
  {
    id: 'STORAGE-PRIVATE',
    claim: 'Object storage blocks public access and is versioned',
    sources: ['A6', 'A8', 'B2', 'B3'],
    checks: { aws: checkStoragePrivate, azure: azure.checkStoragePrivate },
    coverage: {
      cloudflare: {
        verdict: 'not-applicable',
        reason:
          'the Cloudflare stacks hold zone settings, rulesets, a load balancer with its pools and monitors, notification ' +
          'policies and (Enterprise) Logpush jobs: no object storage',
        unlessTypes: ['cloudflare_r2_bucket', 'cloudflare_r2_custom_domain', 'cloudflare_r2_managed_domain'],
      },
    },
    tests: {
      aws: [
        'test/aws/secure-bucket.test.ts',
        'test/aws/app-data-access.test.ts',
        'test/controls/service-principals.test.ts',
        'test/controls/storage.test.ts',
      ],
      azure: ['test/azure/secure-storage-account.test.ts', 'test/controls/azure/data.test.ts'],
    },
    note:
      "Attacks stopped: public reads, reads through someone else's front door, and a stolen host credential destroying the " +
      'backups. AWS: buckets block public access and are versioned; no workload role (assumed by a service) may purge versions ' +
      '(s3:DeleteObjectVersion), lift retention or legal holds, or change bucket protection (the app deletes with a delete ' +
      'marker only, under aws.app.dataPrefix); every bucket-policy grant to an AWS service is bound to this account and its ' +
      'source (the CloudTrail and log-delivery grants CDK writes are bound too); a statement open to everyone ("*") passes only ' +
      'when bound to one named source (aws:SourceArn of one CloudFront distribution, an organization or an account): a wildcard ' +
      'such as distribution/* fails, since any distribution of the account could then serve the objects.',
  },
  {
    id: 'SECRETS',
    claim: 'No secret appears in source or synth output',
    sources: ['A6', 'B4'],
    checks: { aws: checkSecrets, azure: azure.checkSecrets, cloudflare: cloudflare.checkSecrets },
    tests: {
      aws: ['test/aws/database.test.ts', 'test/config/ssh-keys.test.ts'],
      azure: ['test/azure/postgres-server.test.ts', 'test/azure/bastion-vm.test.ts', 'test/controls/azure/data.test.ts'],
      cloudflare: [
        'test/controls/cloudflare/secrets.test.ts',
        'test/cloudflare/authenticated-origin-pulls.test.ts',
        'test/stacks/cloudflare-stacks.test.ts',
        'test/stacks/cloudflare-controls.test.ts',
      ],
    },
    note:
      'Cloudflare: the API token comes from CLOUDFLARE_API_TOKEN; the origin-pull private key is a sensitive Terraform variable ' +
      'without default (TF_VAR_<env>_origin_pull_private_key), never literal text in the stack. Config: a private key pasted ' +
      'anywhere in the config file is refused and never echoed in the error. The key still lands in Terraform state (provider ' +
      '5.x has no write-only argument for it): the state backend must be access-controlled and encrypted.',
  },
  {
    id: 'LOG-CENTRAL',
    claim: 'Audit, network-flow, gateway and WAF logs are collected centrally',
    sources: ['A4', 'A11', 'A16'],
    checks: { aws: checkLogCentral, azure: azure.checkLogCentral, cloudflare: cloudflare.checkLogCentral },
    tests: {
      aws: [
        'test/aws/audit-trail.test.ts',
        'test/aws/baseline-network.test.ts',
        'test/aws/baseline-web-acl.test.ts',
        'test/aws/app-tier.test.ts',
        'test/aws/bastion.test.ts',
      ],
      azure: [
        'test/azure/log-workspace.test.ts',
        'test/azure/diagnostic-settings.test.ts',
        'test/azure/vnet-flow-log.test.ts',
        'test/azure/bastion-vm.test.ts',
        'test/azure/app-scale-set.test.ts',
        'test/controls/azure/data.test.ts',
        'test/azure/activity-log-archive.test.ts',
        'test/stacks/azure-controls.test.ts',
      ],
      cloudflare: [
        'test/cloudflare/edge-logpush.test.ts',
        'test/controls/cloudflare/logging.test.ts',
        'test/stacks/cloudflare-stacks.test.ts',
        'test/stacks/cloudflare-controls.test.ts',
      ],
    },
    note:
      'Attack stopped: activity nobody can reconstruct because its traces never reached the central store (logins on app hosts ' +
      'included, claim A11). AWS: a multi-region trail, flow logs, load balancer and WAF logs; every host ships /var/log/secure ' +
      'to a log group marked baseline:log-class=host-auth (the marker log forwarding selects on). Azure: every VM and scale set ' +
      'is associated with a data collection rule sending auth and authpriv syslog to the workspace; without a subscription ' +
      'diagnostic setting the Activity Log (who created, changed or deleted what, role assignments included) stays in the ' +
      'platform for 90 days and outside the workspace, so the stack that manages the subscription must send its Administrative, ' +
      "Security and Policy categories there. Cloudflare: the edge's evidence (every request and every WAF, custom rule and " +
      "rate-limit action) must leave Cloudflare's dashboard: every zone needs enabled zone Logpush jobs for http_requests and " +
      'firewall_events with a destination, no filter, no sampling and the fields that reconstruct an attack (time, Ray ID, ' +
      'client address, host, method, URI or path, user agent, action, rule, source). Logpush of zone datasets needs an ' +
      'Enterprise zone: below Enterprise (config cloudflare.plan) a zone without jobs is unchecked with that reason, not failed; ' +
      'on Enterprise it fails. Not seen in the Cloudflare stack: whether Cloudflare accepted the job (its ownership challenge is ' +
      "supplied at deploy time) and the destination bucket's retention (LOG-RETENTION).",
  },
  {
    id: 'LOG-RETENTION',
    claim: 'Logs are kept 30-180 days (configurable) and are tamper-evident',
    sources: ['B6'],
    checks: { aws: checkLogRetention, azure: azure.checkLogRetention },
    coverage: {
      cloudflare: {
        verdict: 'unchecked',
        reason:
          "the edge's logs are kept as long as the Cloudflare plan keeps them, or, pushed to a bucket by Logpush (Enterprise, " +
          'see LOG-CENTRAL), as long as that bucket keeps them: its retention and immutability are set where the bucket is ' +
          'managed, outside the Cloudflare stacks, and no check follows the logs there',
      },
    },
    tests: {
      aws: [
        'test/aws/audit-trail.test.ts',
        'test/aws/secure-bucket.test.ts',
        'test/aws/immutable-log-archive.test.ts',
        'test/controls/logging.test.ts',
        'test/config/schema.test.ts',
        'test/stacks/aws-primary-stack.test.ts',
        'test/stacks/aws-controls.test.ts',
      ],
      azure: [
        'test/azure/log-workspace.test.ts',
        'test/azure/vnet-flow-log.test.ts',
        'test/azure/activity-log-archive.test.ts',
        'test/controls/azure/data.test.ts',
        'test/stacks/azure-controls.test.ts',
      ],
    },
    note:
      'Stops an administrator (or an intruder with admin rights) erasing the evidence: a CloudWatch log group or a Log ' +
      'Analytics workspace can be deleted or its retention cut by anyone with write access to it. AWS: every log class the ' +
      'claims name (network flows, WAF decisions, host logins; found by the baseline:log-class marker and from the wiring: ' +
      'flow-log and WAF-logging destinations, groups EC2 instance roles write to) needs a copy of every event (a subscription ' +
      'filter without pattern, through Firehose) in a bucket under a COMPLIANCE Object Lock of at least the retention; the ' +
      'trail, ALB and CloudFront logs go to such buckets directly. Azure: the Activity Log goes to a storage container with a ' +
      'locked time-based immutability policy (protected appends), Entra ID logs too when exported. Not yet immutable: database ' +
      'logs on both clouds, and the Azure flow logs and resource diagnostics, which live in the workspace and the flow-log ' +
      'account only.',
  },
  {
    id: 'DETECT-THREATS',
    claim: 'Threat detection and vulnerability scanning are on, alerting on-call',
    sources: ['A2', 'A3', 'A4', 'A5', 'B7', 'B13'],
    checks: { aws: checkDetectThreats, azure: azure.checkDetectThreats, cloudflare: cloudflare.checkDetectThreats },
    tests: {
      aws: [
        'test/aws/threat-detection.test.ts',
        'test/aws/security-alerts.test.ts',
        'test/stacks/aws-primary-stack.test.ts',
        'test/controls/service-principals.test.ts',
        'test/aws/config-recorder.test.ts',
        'test/controls/detection.test.ts',
        'test/stacks/aws-controls.test.ts',
      ],
      azure: ['test/azure/defender-plans.test.ts', 'test/azure/security-alerts.test.ts', 'test/controls/azure/data.test.ts'],
      cloudflare: [
        'test/cloudflare/edge-alerts.test.ts',
        'test/controls/cloudflare/detection.test.ts',
        'test/stacks/cloudflare-stacks.test.ts',
        'test/stacks/cloudflare-controls.test.ts',
      ],
    },
    note:
      'Attacks stopped: an intrusion, a dangerous change or an attack on the edge going unnoticed, and forged or flooded pages. ' +
      'AWS: Inspector v2 has no CloudFormation resource, so the check requires the deployment-time Custom::AWS call that enables ' +
      "it. Security Hub's FSBP and CIS controls evaluate AWS Config items, so a hub in a region without a recorder reports no " +
      'data and a public bucket or an open security group raises no finding: wherever Security Hub runs (created here, or ' +
      'managed by the organization), the check fails unless an AWS::Config::ConfigurationRecorder of all supported types with an ' +
      'encrypted delivery channel records the region, or the config declares Config managed (aws.accountServices.config). The ' +
      "alert topic admits only this account's alarms (aws:SourceAccount and aws:SourceArn); EventBridge publishes findings as a " +
      "role only this account's rules can assume, since a topic or key grant to events.amazonaws.com cannot be bound to our " +
      'rules. Cloudflare: an attack on the edge that nobody is paged for (credential stuffing, an injection campaign or a flood ' +
      'blocked and counted in the dashboard until it succeeds or takes the service down). Every zone needs enabled notification ' +
      'policies reaching an on-call destination (an e-mail address, a webhook of the stack with an https URL, a PagerDuty ' +
      'service) for HTTP DDoS attacks (every plan) and for security event spikes (the Security Events Alert, Business and ' +
      'Enterprise: on a Free or Pro zone, config cloudflare.plan, its absence is an exception shown beside the pass, as WAF ' +
      'blocks there page nobody), filtered to the zone when filtered at all; with load balancer pools, pool health and pool ' +
      'enablement alerts covering every pool. A disabled policy, one without a destination, one of another account or one whose ' +
      'filters drop the zone, a pool or the events that matter fails. Not seen in the output: whether anyone reads the ' +
      "addresses, and Cloudflare's thresholds (the Security Events Alert fires on a spike of at least 200 events, not on each).",
  },
  {
    id: 'HA-MULTIZONE',
    claim: 'Every tier spans >= 2 zones and replaces unhealthy instances',
    sources: ['A15', 'B11'],
    checks: { aws: checkHaMultizone, azure: azure.checkHaMultizone },
    coverage: {
      cloudflare: {
        verdict: 'not-applicable',
        reason:
          'the Cloudflare stacks hold zone settings, rulesets, a load balancer with its pools and monitors, notification ' +
          "policies and (Enterprise) Logpush jobs: no instance or tier to spread over zones (the edge is Cloudflare's anycast " +
          'network; failover between regions is DR-REGION)',
        unlessTypes: ['cloudflare_workers_script', 'cloudflare_worker_script'],
      },
    },
    tests: {
      aws: [
        'test/aws/baseline-network.test.ts',
        'test/aws/app-tier.test.ts',
        'test/aws/database.test.ts',
        'test/config/schema.test.ts',
        'test/stacks/aws-primary-stack.test.ts',
      ],
      azure: [
        'test/azure/app-gateway.test.ts',
        'test/azure/app-scale-set.test.ts',
        'test/azure/postgres-server.test.ts',
        'test/azure/secure-storage-account.test.ts',
        'test/controls/azure/data.test.ts',
      ],
    },
  },
  {
    id: 'BACKUP',
    claim: 'Daily backups, point-in-time recovery, 30-day DB / 90-day file retention',
    sources: ['A15', 'B2', 'B10'],
    checks: { aws: checkBackup, azure: azure.checkBackup },
    coverage: {
      cloudflare: {
        verdict: 'not-applicable',
        reason:
          'the Cloudflare stacks hold zone settings, rulesets, a load balancer with its pools and monitors, notification ' +
          'policies and (Enterprise) Logpush jobs: no data to back up (the configuration is this code)',
        unlessTypes: ['cloudflare_r2_bucket', 'cloudflare_workers_kv_namespace', 'cloudflare_d1_database'],
      },
    },
    tests: {
      aws: [
        'test/aws/database.test.ts',
        'test/aws/secure-bucket.test.ts',
        'test/aws/baseline-backup-plan.test.ts',
        'test/aws/locked-backup-vault.test.ts',
        'test/config/schema.test.ts',
        'test/stacks/aws-primary-stack.test.ts',
      ],
      azure: [
        'test/azure/postgres-server.test.ts',
        'test/azure/secure-storage-account.test.ts',
        'test/azure/recovery-vault.test.ts',
        'test/azure/blob-backup-vault.test.ts',
        'test/azure/delete-lock.test.ts',
        'test/controls/azure/data.test.ts',
        'test/stacks/azure-controls.test.ts',
      ],
    },
    note:
      'Stops a malicious or compromised administrator destroying the data and its copies. Azure: soft delete, versioning and ' +
      'point-in-time restore live inside the storage account, where an Owner or Storage Account Contributor can switch them off ' +
      'and purge (and geo-replication copies the deletion), so they are not a backup: the check fails a data storage account ' +
      'without a daily vaulted copy in a Backup vault whose immutability is Locked (an Owner can switch Unlocked off), soft ' +
      'delete On/AlwaysOn, vaulted retention of at least the file retention, every container of the account named, and the vault ' +
      'holding the backup role on the account (otherwise every job fails). Every storage account, PostgreSQL server, Key Vault, ' +
      'vault and workspace also needs a CanNotDelete management lock, so a delete is a separate, logged act (config ' +
      'azure.deleteLocks "managed" declares that the organization applies them). AWS: point-in-time recovery, deletion ' +
      'protection, noncurrent versions for the file retention and retained buckets and keys; the locked AWS Backup copies are ' +
      'checked under DR-REGION.',
  },
  {
    id: 'DR-REGION',
    claim: 'Data replicated to a second region; RPO <= 1 h, RTO <= 4 h, documented failover',
    sources: ['A15', 'B2', 'B10', 'B12'],
    checks: { azure: azure.checkDrRegion, cloudflare: cloudflare.checkDrRegion },
    environmentChecks: { aws: checkDrRegion, azure: azure.checkAzureDrEnvironment },
    tests: {
      aws: [
        'test/aws/bucket-replication.test.ts',
        'test/aws/replica-bucket.test.ts',
        'test/aws/database-replica.test.ts',
        'test/aws/database.test.ts',
        'test/aws/baseline-backup-plan.test.ts',
        'test/aws/app-data-access.test.ts',
        'test/config/schema.test.ts',
        'test/stacks/aws-controls.test.ts',
        'test/scripts/failover-runbook.test.ts',
        'test/aws/static-assets-cdn.test.ts',
        'test/stacks/aws-primary-stack.test.ts',
      ],
      azure: [
        'test/azure/postgres-replica.test.ts',
        'test/azure/recovery-vault.test.ts',
        'test/controls/azure/data.test.ts',
        'test/stacks/azure-stacks.test.ts',
        'test/stacks/azure-controls.test.ts',
        'test/azure/blob-backup-vault.test.ts',
        'test/azure/secure-storage-account.test.ts',
      ],
      cloudflare: [
        'test/cloudflare/origin-failover.test.ts',
        'test/controls/cloudflare/failover.test.ts',
        'test/stacks/cloudflare-stacks.test.ts',
        'test/stacks/cloudflare-controls.test.ts',
      ],
    },
    note:
      "Checked per stack (Azure: geo-redundant backups, storage and vaults) and across an environment's stacks (AWS primary, " +
      'DR, DR database: replication, replica, locked copies, warm standby; Azure primary and DR: paired location, replica of the ' +
      'primary server, geo-backup key and identity in the DR stack, warm standby). Cloudflare: the load balancer fails over from ' +
      'the primary pool to the DR pool (steering off, DR as fallback, HTTPS monitors). RPO/RTO are checked at config level ' +
      'against the mechanisms (lib/config/schema.ts). Failure stopped: a failover to a standby that cannot read its data. The ' +
      'AWS check requires the standby app role to hold, on each replica and its DR key, the object and key actions the primary ' +
      'app role holds on the source (one definition, AppDataAccess), through S3 of the DR region, with a key policy that lets ' +
      'IAM grant it, and IAM authentication to the replica database as the same user. Stops a region loss taking the service ' +
      'down for longer than the RTO, or its data beyond the RPO: "DR resources exist" is not enough, the DR region must be able ' +
      'to serve. Checked per stack (Azure: geo-redundant backups, storage, Recovery Services and Backup vaults) and across an ' +
      "environment's stacks. AWS (primary, DR, DR database): replication with RTC and a ReplicationLatency alarm per rule at " +
      'most the RPO, the database replica with its lag alarm, locked backup copies, a warm standby, the CDN failing over (origin ' +
      'group on 5xx) to the DR assets replica with origin access control, that replica admitting one named distribution (not ' +
      'every distribution of the account), and a bastion in the DR region. Azure (primary and DR): paired location, replica of ' +
      'the primary server, geo-backup key and identity in the DR stack, warm standby, every closed data account reachable from ' +
      'the DR network through a private endpoint registered in a DR zone linked to it, and a DR bastion; a promoted replica ' +
      '(azure.promoteReplica) is held to what a primary is. Not checked here: that the DR app role can reach the DR data (issue ' +
      '15). Cloudflare: the load balancer fails over from the primary pool to the DR pool (steering off, DR as fallback, HTTPS ' +
      'monitors). RPO/RTO are checked at config level against the mechanisms (lib/config/schema.ts).',
  },
  {
    id: 'DATA-RESIDENCY',
    claim: 'Each environment pins its regions; DR stays in the same jurisdiction',
    sources: ['B9', 'B12'],
    checks: {},
    deploymentChecks: { aws: checkAwsResidency, azure: azure.checkAzureResidency },
    coverage: {
      cloudflare: {
        verdict: 'unchecked',
        reason:
          "requests are decrypted, inspected and cached in Cloudflare's data centre nearest the client, worldwide; Regional " +
          'Services (Data Localization Suite, Enterprise) would keep that in the jurisdiction and is not configured',
      },
    },
    tests: {
      aws: [
        'test/config/jurisdictions.test.ts',
        'test/config/schema.test.ts',
        'test/stacks/aws-app.test.ts',
        'test/controls/residency.test.ts',
        'test/stacks/deployment-controls.test.ts',
      ],
      azure: [
        'test/config/jurisdictions.test.ts',
        'test/config/schema.test.ts',
        'test/controls/residency.test.ts',
        'test/stacks/deployment-controls.test.ts',
      ],
    },
    note:
      'Attack: a replica, backup copy or data store in a region outside the jurisdiction (a third region), which no single ' +
      "stack shows. Checked on the synthesized output of all of an environment's stacks at once, against the residency of the " +
      "config (or of the stack markers without one): AWS: each stack's region from the cloud assembly; every data store and " +
      'data-handling compute in the residency; S3 replication destinations (by bucket), AWS Backup copy vaults, RDS backup ' +
      'replication and replica sources in the residency. Azure: every resource location in the residency, and the region pair of ' +
      'everything that geo-replicates (storage, PostgreSQL geo-backups, vaults, Key Vaults). A data store a construct marks as a ' +
      'residency exception (baseline:residency-exception, with its reason) is reported as an exception in the cell and the ' +
      "headline, never silently: today the CloudFront web ACL's request logs, which AWS keeps in us-east-1. Not followed: what a " +
      'CloudFront distribution (global by design) serves; it serves the public static assets only (CDN-ASSETS). The config ' +
      'loader also rejects regions outside the residency before synthesis (lib/config/schema.ts).',
  },
  {
    id: 'ENV-SEPARATION',
    claim: 'Production and staging are separate stacks and accounts/subscriptions',
    sources: ['A9'],
    checks: {},
    deploymentChecks: { aws: checkAwsSeparation, azure: azure.checkAzureSeparation, cloudflare: cloudflare.checkCloudflareSeparation },
    tests: {
      aws: [
        'test/config/schema.test.ts',
        'test/stacks/aws-policy.test.ts',
        'test/controls/residency.test.ts',
        'test/stacks/deployment-controls.test.ts',
      ],
      azure: [
        'test/config/schema.test.ts',
        'test/stacks/azure-stacks.test.ts',
        'test/controls/residency.test.ts',
        'test/stacks/deployment-controls.test.ts',
      ],
      cloudflare: ['test/controls/residency.test.ts', 'test/stacks/deployment-controls.test.ts'],
    },
    note:
      'Attack: staging and production in one account, subscription or Cloudflare zone, so staging access (or a staging ' +
      "workload) reaches production. Checked across all environments' synthesized stacks, grouped by their stack markers (never " +
      'by names), with accounts from the cloud assembly (AWS), subscriptions from the azurerm provider blocks and account and ' +
      'zone ids from the Cloudflare resources: a production environment shares its account, subscription or Cloudflare account ' +
      'with none; no two environments share an AWS account in one region, an Azure subscription or a Cloudflare zone. An ' +
      'environment whose production flag is unknown is taken as production. The config loader rejects the same before synthesis ' +
      '(lib/config/schema.ts).',
  },
  {
    id: 'CDN-ASSETS',
    claim: 'Static assets are served through a CDN with a private origin and TLS 1.2+',
    sources: ['A7', 'B1', 'B3'],
    checks: { aws: checkCdnAssets },
    coverage: {
      azure: {
        verdict: 'not-applicable',
        reason: 'static assets are served by the AWS CDN (claim B1); the Azure stacks hold no CDN or static-website store',
        unlessTypes: ['azurerm_cdn_profile', 'azurerm_cdn_frontdoor_profile', 'azurerm_static_web_app'],
      },
      cloudflare: {
        verdict: 'not-applicable',
        reason:
          'static assets are served by CloudFront from a private bucket (the AWS cells); the Cloudflare zone fronts the ' +
          'application hostname only',
      },
    },
    tests: {
      aws: ['test/aws/static-assets-cdn.test.ts', 'test/stacks/aws-primary-stack.test.ts'],
    },
    note:
      "Stops the assets being fetched around the CDN (public bucket) or through someone else's distribution. The failover " +
      'origin, the DR assets replica, is checked under DR-REGION (it lives in the DR stack): its policy must name this ' +
      'distribution, and STORAGE-PRIVATE fails any bucket policy that opens to everyone under a wildcard source ARN such as ' +
      'distribution/*.',
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
