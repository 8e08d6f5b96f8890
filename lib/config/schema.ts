import { LOGIN_NAME_PATTERN, RESERVED_LOGIN_NAMES } from './login-names';
import { RESERVED_TAG_PREFIX } from '../controls/markers';
import type { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { allowlistCidrProblem, cidrsOverlap, isPrivateIpv4Cidr, parseCidr, type AllowlistLimits } from './cidr';
import {
  awsRegionInJurisdiction,
  azureLocationInJurisdiction,
  AWS_JURISDICTIONS,
  AZURE_JURISDICTIONS,
  AZURE_REGION_PAIRS,
  JURISDICTIONS,
} from './jurisdictions';
import { checkOriginPullCa, checkOriginPullClientCertificate, checkRevocationList, holdsPrivateKey } from './origin-pull';
import { checkSshPublicKey } from './ssh-keys';
import { CLOUDFLARE_PLANS, rateLimitProblems } from './cloudflare-plan-limits';
import { POLICY_FLOORS } from './floors';
import { logpushDestinationProblem } from './logpush-destination';
import { webhookUrlProblem } from './webhook-url';
import {
  AWS_INTERFACE_ENDPOINTS,
  DEFAULT_APP_OBJECT_PREFIX,
  DEFAULT_AWS_INTERFACE_ENDPOINTS,
  objectPrefixProblem,
  packageMirrorProblem,
} from './least-privilege';

/*
 * The one config file of both apps (docs/design.md "One config file"). Every object is
 * strict: an unknown key is an error, so a typo such as `allowedCidr` cannot silently drop a
 * control. Each refinement's message says what is expected and how to fix it; the loader adds
 * the path and the received value.
 */

/** Values AWS WAFv2 accepts for a rate-based rule's evaluation window, in seconds. */
export const WAF_RATE_WINDOWS = POLICY_FLOORS.rateLimits.windowsSeconds;
/** Every retention value CloudWatch Logs accepts, in days. */
export const CLOUDWATCH_LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;
/** Retention values CloudWatch Logs accepts (days) from the log retention floor upwards. */
export const LOG_RETENTION_DAYS: readonly number[] = CLOUDWATCH_LOG_RETENTION_DAYS.filter((d) => d >= POLICY_FLOORS.retention.logDays);
const { retention } = POLICY_FLOORS;
const { minZones, minAppInstances } = POLICY_FLOORS.availability;
const { maxAllowlistPrefix: allowlist, loosestAllowlistPrefix: loosest } = POLICY_FLOORS.access;
/**
 * Planning figures of the recovery mechanisms (control DR-REGION). The synth refuses an RPO or
 * RTO these mechanisms cannot meet, and the stacks output the figures as what each mechanism
 * guarantees, so the trust-center number is backed by the configuration that deploys.
 */
export const RECOVERY_MECHANISMS = {
  /** S3 Replication Time Control: 99.99 % of objects replicated within 15 minutes (SLA). */
  objectReplicationMinutes: 15,
  /** Without a database replica, the newest database copy in the DR region is the daily backup copy. */
  dailyBackupCopyMinutes: 24 * 60,
  /**
   * Promoting a cross-region read replica, scaling the warm standby out and moving traffic:
   * the runbook's steps, measured in minutes of operator and service time.
   */
  failoverWithReplicaMinutes: 60,
  /** Restoring the database from a backup copy in the DR region, then the same steps as above. */
  failoverFromBackupMinutes: 480,
} as const;

/** AWS managed rule groups that may be added on top of the always-on baseline groups. */
export const OPTIONAL_AWS_MANAGED_RULE_GROUPS = [
  'AWSManagedRulesAdminProtectionRuleSet',
  'AWSManagedRulesLinuxRuleSet',
  'AWSManagedRulesUnixRuleSet',
  'AWSManagedRulesPHPRuleSet',
  'AWSManagedRulesWordPressRuleSet',
  'AWSManagedRulesWindowsRuleSet',
  'AWSManagedRulesBotControlRuleSet',
  'AWSManagedRulesACFPRuleSet',
  'AWSManagedRulesATPRuleSet',
] as const;

/**
 * Cross-field rules run even when other fields of the file failed (so every problem is reported
 * in one run); a rule whose inputs are themselves malformed is skipped, since those inputs
 * already carry their own error.
 */
const ALWAYS = { when: () => true };
function guarded(rule: () => void): void {
  try {
    rule();
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
  }
}

const AWS_REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

const { minRequests, maxRequests } = POLICY_FLOORS.rateLimits;
const rateLimit = z.strictObject({
  limit: z
    .number()
    .int()
    .min(minRequests, `WAFv2 accepts rate limits of at least ${minRequests} requests; raise the limit`)
    .max(maxRequests, `WAFv2 accepts rate limits of at most ${maxRequests}; lower the limit`)
    .describe('Requests per client IP allowed within the window before WAF blocks it.'),
  windowSeconds: z
    .union(WAF_RATE_WINDOWS.map((w) => z.literal(w)) as [z.ZodLiteral<60>, z.ZodLiteral<120>, z.ZodLiteral<300>, z.ZodLiteral<600>], {
      error: `must be one of ${WAF_RATE_WINDOWS.join(', ')} (the windows WAFv2 accepts); pick the nearest`,
    })
    .describe('Evaluation window of the rate-based rule, in seconds.'),
});

function isValidRate(rate: { limit: unknown; windowSeconds: unknown }): boolean {
  return rateLimit.safeParse({ limit: rate.limit, windowSeconds: rate.windowSeconds }).success;
}

const criticalPath = rateLimit.extend({
  name: z
    .string()
    .regex(
      /^(?=.{1,31}$)[a-z][a-z0-9]*(-[a-z0-9]+)*$/,
      'must be a short kebab-case name such as password-reset (lower-case letters, digits and single dashes; used in rule and ' +
        'metric names on every cloud)',
    )
    .describe('Name of the endpoint (login, password-reset...), used in the WAF rule name.'),
  pathPrefix: z
    .string()
    .regex(
      /^\/[A-Za-z0-9._~\-/]{1,199}$/,
      'must be a URL path starting with "/" (e.g. /login), at most 200 characters of letters, digits and . _ ~ - /',
    )
    .refine(
      (p) => !/\/\/|(^|\/)\.\.?(\/|$)/.test(p),
      'must not hold "//", "." or ".." segments: URL normalization rewrites them, so the rule would never match',
    )
    .describe('Requests whose URI path starts with this prefix are counted by this rule.'),
});

function allowlistSchema(limits: AllowlistLimits) {
  return z
    .array(
      z.string().superRefine((cidr, ctx) => {
        const problem = allowlistCidrProblem(cidr, limits);
        if (problem) {
          ctx.addIssue({
            code: 'custom',
            message:
              `${problem}; expected a single office or VPN egress range such as 198.51.100.10/32, no broader than IPv4 ` +
              `/${limits.ipv4} or IPv6 /${limits.ipv6}`,
          });
        }
      }),
    )
    .min(1, 'must list at least one source range; the bastion is unreachable otherwise')
    .superRefine((cidrs, ctx) => {
      const seen = new Map<string, number>();
      cidrs.forEach((cidr, i) => {
        const p = parseCidr(cidr);
        const key = 'error' in p ? cidr : p.canonical;
        if (seen.has(key)) {
          ctx.addIssue({ code: 'custom', path: [i], message: `duplicates entry [${seen.get(key)}]; remove one of them` });
        } else seen.set(key, i);
      });
    });
}

function bastionSchema(limits: AllowlistLimits, minRsaBits: number) {
  return z
    .strictObject({
      allowedCidrs: allowlistSchema(limits).describe('Source ranges allowed to reach the bastion on port 22 (IPv4 or IPv6).'),
      instanceType: z
        .string()
        .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, 'must be an EC2 instance type such as c7a.medium')
        .default('c7a.medium')
        .describe('EC2 instance type of the bastion; a Nitro type with encryption in transit (CT.EC2.PR.19).'),
      users: z
        .array(
          z.strictObject({
            name: z
              .string()
              .regex(LOGIN_NAME_PATTERN, 'must be a Linux user name (lower case letters, digits, _ and -, at most 32 characters)')
              .refine(
                (n) => !RESERVED_LOGIN_NAMES.has(n),
                "is a reserved system or shared account; every login must be identifiable, so use the person's own name",
              )
              .describe('OS account name of one person.'),
            publicKeys: z
              .array(
                z.string().superRefine((text, ctx) => {
                  const checked = checkSshPublicKey(text, minRsaBits);
                  if ('error' in checked) {
                    ctx.addIssue({
                      code: 'custom',
                      message:
                        `${checked.error}; expected an ssh-ed25519, ecdsa-sha2-nistp256/384/521 or ssh-rsa (>= ${minRsaBits} ` +
                        `bits) public key`,
                    });
                  }
                }),
              )
              .min(1, 'must hold at least one public key')
              .describe(`OpenSSH public keys of this person (ed25519, ECDSA or RSA >= ${POLICY_FLOORS.access.minRsaBits} bits).`),
          }),
        )
        .min(1, 'must list at least one person')
        .describe("One OS account per person; only that person's keys are installed."),
    })
    .superRefine(
      (bastion, ctx) =>
        guarded(() => {
          const users = new Map<string, number>();
          const keys = new Map<string, string>();
          // One malformed user (already reported) must not hide the duplicate checks of the others.
          bastion.users.forEach((user, u) => {
            guarded(() => {
              if (users.has(user.name)) {
                ctx.addIssue({
                  code: 'custom',
                  path: ['users', u, 'name'],
                  message: `duplicates users[${users.get(user.name)}]; merge their publicKeys into one entry`,
                });
              } else users.set(user.name, u);
              user.publicKeys.forEach((text, k) => {
                const checked = checkSshPublicKey(text, minRsaBits);
                if ('error' in checked) return;
                const where = `users[${u}].publicKeys[${k}]`;
                const first = keys.get(checked.fingerprint);
                if (first) {
                  ctx.addIssue({
                    code: 'custom',
                    path: ['users', u, 'publicKeys', k],
                    message: `is the same key (${checked.fingerprint}) as ${first}; keys are personal, give each person their own`,
                  });
                } else keys.set(checked.fingerprint, where);
              });
            });
          });
        }),
      ALWAYS,
    );
}

const accountService = z
  .enum(['create', 'managed'], { error: 'must be "create" (this stack enables it) or "managed" (your organization already runs it)' })
  .default('create');

function privateVpcCidr(example: string, fallback: string) {
  return z
    .string()
    .default(fallback)
    .superRefine((cidr, ctx) => {
      const p = parseCidr(cidr);
      if ('error' in p) ctx.addIssue({ code: 'custom', message: `${p.error}; expected a private IPv4 block such as ${example}` });
      else if (p.family !== 'ipv4' || !isPrivateIpv4Cidr(cidr) || p.prefix < 16 || p.prefix > 20) {
        ctx.addIssue({
          code: 'custom',
          message: `must be an RFC 1918 IPv4 block between /16 and /20 (e.g. ${example}), large enough for three tiers in every zone`,
        });
      }
    });
}

const AWS_ZONE = /^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/;

const awsDrSchema = z
  .strictObject({
    availabilityZones: z
      .array(z.string().regex(AWS_ZONE, 'must be an availability zone name such as eu-central-1a'))
      .min(minZones, `must list at least ${minZones} availability zones of aws.drRegion (control HA-MULTIZONE)`)
      .max(6, 'must list at most 6 availability zones')
      .describe('Availability zones of the DR region, explicit so synth needs no AWS lookup.'),
    vpcCidr: privateVpcCidr('10.1.0.0/16', '10.1.0.0/16').describe(
      'Address space of the DR VPC; must not overlap aws.vpcCidr, so the two can be peered.',
    ),
    certificateArn: z
      .string()
      .regex(
        /^arn:aws:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/,
        'must be an ACM certificate ARN (arn:aws:acm:REGION:ACCOUNT:certificate/ID)',
      )
      .describe('ACM certificate of the standby HTTPS listener, in this account and aws.drRegion.'),
    databaseReplica: z
      .boolean()
      .default(true)
      .describe(
        'Keep a cross-region read replica of the database in the DR region (needed for an RPO under a day or an RTO under 8 hours).',
      ),
    app: z
      .strictObject({
        minCapacity: z
          .number()
          .int()
          .min(0, 'must be 0 or more')
          .max(100, 'must be at most 100')
          .default(0)
          .describe('Standby app instances while the primary serves (0: scale out at failover).'),
        maxCapacity: z
          .number()
          .int()
          .min(1, 'must be at least 1')
          .max(100, 'must be at most 100')
          .default(6)
          .describe('Largest size of the standby app tier after failover.'),
      })
      .prefault({})
      .refine((a) => a.minCapacity <= a.maxCapacity, {
        message: 'minCapacity must not exceed maxCapacity; raise maxCapacity',
        path: ['maxCapacity'],
      })
      .describe('Warm-standby app tier capacity in the DR region.'),
  })
  .describe('Warm standby in aws.drRegion (control DR-REGION).');

const awsSchema = z.strictObject({
  account: z
    .string()
    .regex(/^\d{12}$/, 'must be a 12-digit AWS account id (quoted)')
    .describe('AWS account id of this environment.'),
  region: z.string().regex(AWS_REGION, 'must be an AWS region name such as eu-west-1').describe('Primary AWS region.'),
  drRegion: z
    .string()
    .regex(AWS_REGION, 'must be an AWS region name such as eu-central-1')
    .describe('Disaster-recovery region: different from region, same jurisdiction.'),
  availabilityZones: z
    .array(z.string().regex(AWS_ZONE, 'must be an availability zone name such as eu-west-1a'))
    .min(minZones, `must list at least ${minZones} availability zones (control HA-MULTIZONE)`)
    .max(6, 'must list at most 6 availability zones')
    .describe('Availability zones of the primary region, explicit so synth needs no AWS lookup.'),
  vpcCidr: privateVpcCidr('10.0.0.0/16', '10.0.0.0/16').describe('Address space of the VPC.'),
  certificateArn: z
    .string()
    .regex(
      /^arn:aws:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/,
      'must be an ACM certificate ARN (arn:aws:acm:REGION:ACCOUNT:certificate/ID)',
    )
    .describe('ACM certificate of the HTTPS listener, in this account and the primary region.'),
  accountServices: z
    .strictObject({
      cloudTrail: accountService.describe('Organization trail already records this account: "managed".'),
      guardDuty: accountService.describe('GuardDuty detector: "create" here, or "managed" by a delegated administrator.'),
      securityHub: accountService.describe('Security Hub with FSBP and CIS standards: "create" or "managed".'),
      inspector: accountService.describe(
        'Inspector EC2 and ECR vulnerability scanning: "create" enables it for this account, or "managed" by a delegated administrator.',
      ),
      config: accountService.describe(
        'AWS Config recorder and delivery channel in every region that runs Security Hub (its controls read Config): "create" ' +
          'here, or "managed" when the organization already records this account centrally.',
      ),
    })
    .prefault({})
    .describe('Account-wide services an organization may already run centrally.'),
  app: z
    .strictObject({
      instanceTypes: z
        .array(z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, 'must be an EC2 instance type such as m7i.large'))
        .min(2, 'must list at least 2 instance types, so a shortage of one type in a zone cannot stop replacement (CT.AUTOSCALING.PR.6)')
        .max(10, 'must list at most 10 instance types')
        .default(['m7i.large', 'm7a.large'])
        .describe('Instance types of the app tier, in order of preference.'),
      port: z
        .number()
        .int()
        .min(1024, 'must be an unprivileged port (1024-65535)')
        .max(65535, 'must be at most 65535')
        .default(8443)
        .describe('HTTPS port the app listens on.'),
      healthCheckPath: z
        .string()
        .regex(/^\/\S*$/, 'must be a path starting with "/"')
        .default('/healthz'),
      minCapacity: z
        .number()
        .int()
        .min(
          minAppInstances,
          `must be at least ${minAppInstances} so the app tier survives the loss of one instance or zone (control HA-MULTIZONE)`,
        )
        .default(minAppInstances),
      maxCapacity: z.number().int().min(2, 'must be at least 2').max(100, 'must be at most 100').default(6),
      dataPrefix: z
        .string()
        .superRefine((prefix, ctx) => {
          const problem = objectPrefixProblem(prefix);
          if (problem) ctx.addIssue({ code: 'custom', message: problem });
        })
        .default(DEFAULT_APP_OBJECT_PREFIX)
        .describe(
          'Key prefix of the data bucket the app instances may read, write and delete under (no version purge); the DR app ' +
            'role gets the same on the replica.',
        ),
    })
    .prefault({})
    .refine((a) => a.minCapacity <= a.maxCapacity, {
      message: 'minCapacity must not exceed maxCapacity; raise maxCapacity',
      path: ['maxCapacity'],
    }),
  database: z
    .strictObject({
      instanceType: z
        .string()
        .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, 'must be an instance type without the db. prefix, such as t4g.medium')
        .default('t4g.medium'),
      allocatedStorageGiB: z.number().int().min(20, 'must be at least 20 GiB').max(65536, 'must be at most 65536 GiB').default(50),
      maxAllocatedStorageGiB: z.number().int().min(20, 'must be at least 20 GiB').max(65536, 'must be at most 65536 GiB').default(200),
    })
    .prefault({})
    .refine((d) => d.maxAllocatedStorageGiB >= d.allocatedStorageGiB, {
      message: 'must be at least allocatedStorageGiB; raise it',
      path: ['maxAllocatedStorageGiB'],
    }),
  cdn: z
    .strictObject({
      certificateArn: z
        .string()
        .regex(
          /^arn:aws:acm:us-east-1:\d{12}:certificate\/[A-Za-z0-9-]+$/,
          'must be an ACM certificate ARN in us-east-1 (CloudFront only reads certificates there)',
        ),
      domainNames: z
        .array(
          z.string().regex(/^(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z]{2,63}$/, 'must be a lower-case DNS name such as static.example.com'),
        )
        .min(1, 'must list at least one domain name served by the certificate'),
      distributionId: z
        .string()
        .regex(
          /^E[0-9A-Z]{9,15}$/,
          'must be a CloudFront distribution id such as E2QWRUHAPOMQZL (output CdnDistributionId of <env>-aws-primary)',
        )
        .optional()
        .describe(
          'Id of the deployed distribution (output CdnDistributionId of <env>-aws-primary). The DR assets replica, the ' +
            'failover origin, admits this distribution only; until it is set (the DR stack deploys before the distribution ' +
            'exists), any distribution of the account could read it and the DR-REGION check fails. Set it after the first deploy ' +
            'and deploy the DR stack again.',
        ),
    })
    .describe('CloudFront distribution for the static-assets bucket (control CDN-ASSETS).'),
  dr: awsDrSchema,
  endpoints: z
    .array(z.enum(AWS_INTERFACE_ENDPOINTS, { error: `must be one of ${AWS_INTERFACE_ENDPOINTS.join(', ')}` }))
    .default([...DEFAULT_AWS_INTERFACE_ENDPOINTS])
    .superRefine((names, ctx) => {
      names.forEach((n, i) => {
        if (names.indexOf(n) !== i) ctx.addIssue({ code: 'custom', path: [i], message: 'is listed twice; list each endpoint once' });
      });
    })
    .describe(
      'Interface VPC endpoints in the app subnets of both regions (each costs per zone and hour, see docs/deploy.md "Egress ' +
        'and its cost"): the AWS APIs the hosts reach without the internet. S3 always has a gateway endpoint (free).',
    ),
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const AZURE_LOCATION = /^[a-z]+[0-9]?$/;

const azureBackend = z
  .discriminatedUnion(
    'type',
    [
      z.strictObject({ type: z.literal('local').describe('State in cdktf.out (single operator, tests and trials only).') }),
      z.strictObject({
        type: z.literal('azurerm').describe('State in an Azure storage container (teams, CI).'),
        resourceGroupName: z.string().regex(/^[A-Za-z0-9._()-]{1,89}[A-Za-z0-9_()-]$/, 'must be a resource group name'),
        storageAccountName: z.string().regex(/^[a-z0-9]{3,24}$/, 'must be 3-24 lower-case letters and digits'),
        containerName: z
          .string()
          .regex(
            /^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/,
            'must be a blob container name (3-63 lower-case letters, digits and single dashes)',
          ),
      }),
    ],
    { error: 'must be {"type": "local"} or {"type": "azurerm", "resourceGroupName", "storageAccountName", "containerName"}' },
  )
  .default({ type: 'local' })
  .describe('Terraform state backend of the Azure stacks; one state file per stack (key <stack>.tfstate).');

const azureApp = (minFloor: number, defaults: { min: number; max: number }) =>
  z
    .strictObject({
      minCapacity: z
        .number()
        .int()
        .min(
          minFloor,
          minFloor > 0
            ? `must be at least ${minFloor} so the app tier survives the loss of one instance or zone (control HA-MULTIZONE)`
            : 'must be 0 or more',
        )
        .max(100, 'must be at most 100')
        .default(defaults.min),
      maxCapacity: z.number().int().min(1, 'must be at least 1').max(100, 'must be at most 100').default(defaults.max),
    })
    .prefault({})
    .refine((a) => a.minCapacity <= a.maxCapacity, {
      message: 'minCapacity must not exceed maxCapacity; raise maxCapacity',
      path: ['maxCapacity'],
    });

const azureSchema = z
  .strictObject({
    subscriptionId: z
      .string()
      .regex(UUID, 'must be a subscription id (a lower-case GUID)')
      .describe('Azure subscription of this environment.'),
    tenantId: z.string().regex(UUID, 'must be a tenant id (a lower-case GUID)').describe('Entra tenant of the subscription.'),
    location: z.string().regex(AZURE_LOCATION, 'must be an Azure location name such as westeurope').describe('Primary Azure location.'),
    drLocation: z
      .string()
      .regex(AZURE_LOCATION, 'must be an Azure location name such as northeurope')
      .describe('Disaster-recovery location: the region pair of location (geo-redundant storage and backups replicate there).'),
    vnetCidr: privateVpcCidr('10.30.0.0/16', '10.30.0.0/16').describe('Address space of the primary VNet.'),
    drVnetCidr: privateVpcCidr('10.31.0.0/16', '10.31.0.0/16').describe('Address space of the DR VNet; must not overlap vnetCidr.'),
    deployerCidrs: z
      .array(
        z.string().superRefine((cidr, ctx) => {
          const p = parseCidr(cidr);
          if ('error' in p)
            ctx.addIssue({
              code: 'custom',
              message: `${p.error}; expected the public egress range of your CI runners, such as 203.0.113.0/28`,
            });
          else if (p.family !== 'ipv4' || p.prefix < 24)
            ctx.addIssue({ code: 'custom', message: 'must be an IPv4 block of /24 or narrower (Key Vault firewall rules are IPv4 only)' });
        }),
      )
      .default([])
      .describe(
        'Public IPv4 ranges of the machines that run cdktf deploy: the only addresses the Key Vault firewall admits besides ' +
          'the app subnet.',
      ),
    certificateSecretId: z
      .string()
      .regex(
        /^https:\/\/[a-z0-9-]{3,24}\.vault\.azure\.net\/secrets\/[A-Za-z0-9-]{1,127}\/?$/,
        'must be a versionless Key Vault secret id such as https://kv-certs.vault.azure.net/secrets/www',
      )
      .describe('Key Vault secret holding the TLS certificate of both application gateways (versionless, so renewals are picked up).'),
    app: z
      .strictObject({
        vmSize: z
          .string()
          .regex(/^Standard_[A-Za-z0-9_]+$/, 'must be an Azure VM size such as Standard_D2as_v5')
          .default('Standard_D2as_v5'),
        port: z
          .number()
          .int()
          .min(1024, 'must be an unprivileged port (1024-65535)')
          .max(65535, 'must be at most 65535')
          .default(8443)
          .describe('HTTPS port the app listens on.'),
        healthCheckPath: z
          .string()
          .regex(/^\/\S*$/, 'must be a path starting with "/"')
          .default('/healthz'),
        capacity: azureApp(minAppInstances, { min: minAppInstances, max: 6 }).describe('Instances of the primary app scale set.'),
        drCapacity: azureApp(0, { min: 0, max: 6 }).describe(
          'Instances of the warm-standby scale set in drLocation (0: scale out at failover).',
        ),
      })
      .prefault({}),
    database: z
      .strictObject({
        skuName: z
          .string()
          .regex(
            /^(B|GP|MO)_Standard_[A-Za-z0-9_]+$/,
            'must be a Flexible Server SKU such as GP_Standard_D2ds_v5 (General Purpose or Memory Optimized; Burstable has no ' +
              'zone-redundant HA)',
          )
          .default('GP_Standard_D2ds_v5'),
        storageMb: z
          .union(
            [32768, 65536, 131072, 262144, 524288, 1048576, 2097152, 4193280, 4194304, 8388608, 16777216, 33553408].map((v) =>
              z.literal(v),
            ) as unknown as [z.ZodLiteral<number>, z.ZodLiteral<number>],
            {
              error: 'must be a storage size Flexible Server accepts (32768, 65536, 131072, 262144, 524288, 1048576 ... MB)',
            },
          )
          .default(131072),
        entraAdmin: z
          .strictObject({
            objectId: z.string().regex(UUID, 'must be the object id (GUID) of the Entra group or principal'),
            principalName: z.string().min(1, 'must name the Entra group or principal').max(256),
            principalType: z
              .enum(['Group', 'User', 'ServicePrincipal'], { error: 'must be Group, User or ServicePrincipal' })
              .default('Group'),
          })
          .describe('Entra principal administering the server (password authentication is off).'),
      })
      .describe('PostgreSQL Flexible Server (Entra authentication only).'),
    breakGlass: z
      .strictObject({
        publicKey: z
          .string()
          .superRefine((text, ctx) => {
            const checked = checkSshPublicKey(text, POLICY_FLOORS.access.minRsaBits);
            if ('error' in checked)
              ctx.addIssue({
                code: 'custom',
                message: `${checked.error}; expected an ssh-ed25519 or ssh-rsa public key whose private half is kept offline`,
              });
            else if (checked.type !== 'ed25519' && checked.type !== 'rsa')
              ctx.addIssue({
                code: 'custom',
                message: `is an ${checked.type.toUpperCase()} key; Azure accepts only ssh-ed25519 and ssh-rsa keys for the admin account`,
              });
          })
          .describe(
            'Public key of the administrator account Azure requires on every VM and scale set: a break-glass key no person ' +
              "uses day to day (private half offline, two-person rule). It must not be any bastion user's key; sshd refuses the " +
              'account unless loginEnabled.',
          ),
        loginEnabled: z
          .boolean()
          .default(false)
          .describe(
            'Admits the administrator account in sshd, for an emergency only. The BASTION-SSH check fails while it is on; set ' +
              'it back to false after use.',
          ),
      })
      .describe('The break-glass administrator account of the Azure Linux hosts (control BASTION-SSH).'),
    accountServices: z
      .strictObject({
        defender: accountService.describe(
          'Microsoft Defender for Cloud plans: "create" sets them on this subscription, or "managed" by your organization.',
        ),
      })
      .prefault({}),
    dataContainers: z
      .array(
        z
          .string()
          .regex(
            /^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/,
            'must be a blob container name (3-63 lower-case letters, digits and single dashes)',
          ),
      )
      .min(1, 'must list at least one container; the Backup vault copies only the containers it names')
      .max(100, 'must list at most 100 containers (the Azure Backup limit per storage account)')
      .default(['files'])
      .superRefine((names, ctx) =>
        names.forEach((name, i) => {
          if (names.indexOf(name) !== i) ctx.addIssue({ code: 'custom', path: [i], message: 'is listed twice; list each container once' });
        }),
      )
      .describe(
        'Blob containers of the customer-file storage account. Each is created here and copied daily into the locked Backup ' +
          'vault (control BACKUP): list every container the application writes.',
      ),
    promoteReplica: z
      .boolean()
      .default(false)
      .describe(
        'Failover (control DR-REGION): true promotes the PostgreSQL read replica in drLocation to the read-write server ' +
          "(replication ends for good), with the primary's backup retention (backup.databaseRetentionDays) and zone-redundant " +
          'HA. A manual decision: see "Failing over on Azure" in docs/deploy.md.',
      ),
    entraLogs: z
      .boolean()
      .default(false)
      .describe(
        "Also export the tenant's Entra ID sign-in and audit logs to the workspace and the immutable audit archive (controls " +
          'LOG-CENTRAL, LOG-RETENTION). A tenant-level setting: the deploying principal needs Global Administrator or Security ' +
          'Administrator, and sign-in logs an Entra ID P1/P2 licence.',
      ),
    deleteLocks: z
      .enum(['create', 'managed'], {
        error:
          'must be "create" (CanNotDelete locks on every stateful resource) or "managed" (your organization applies them, ' +
          'e.g. by Azure Policy)',
      })
      .default('create')
      .describe(
        'CanNotDelete management locks on storage accounts, PostgreSQL servers, Key Vaults, vaults and workspaces (control ' +
          'BACKUP). "managed" is a named opt-out: the stacks then tag those resources baseline:delete-lock=managed and the ' +
          'BACKUP check trusts the organization to lock them.',
      ),
    backend: azureBackend,
  })
  .describe('Azure hosting of this environment (CDK for Terraform app).');

const HEX32 = /^[0-9a-f]{32}$/;
const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
/** An origin address: a DNS name or an IP address, nothing else (no scheme, port or path). */
const originAddress = z.string().superRefine((text, ctx) => {
  if (DNS_NAME.test(text)) return;
  const p = parseCidr(text.includes('/') ? text : `${text}/${text.includes(':') ? 128 : 32}`);
  if ('error' in p || text.includes('/'))
    ctx.addIssue({
      code: 'custom',
      message: "must be the DNS name or IP address of the region's gateway, without scheme, port or path (such as origin-eu.example.com)",
    });
});

/** Largest factor by which the Azure origin's per-edge rate limits exceed the per-client limits. */
export const MAX_AZURE_PER_EDGE_RATE_FACTOR = 1000;

const PRIVATE_KEY_ADVICE =
  'a private key never goes in config (it would be committed and copied into every synth): keep it in your secret store and ' +
  'pass it at deploy time as TF_VAR_<environment>_origin_pull_private_key (docs/deploy.md: the origin-pull certificate)';

/**
 * PEM text, or the path of a PEM file relative to the config file's directory (read at load, so
 * a CA bundle can live next to the config). The text is validated by the caller.
 */
function pemText(baseDir: string, what: string) {
  return z
    .string()
    .min(1, `must be ${what} as PEM text or the path of a PEM file`)
    .transform((value, ctx) => {
      if (value.trimStart().startsWith('-----BEGIN')) return value;
      try {
        return readFileSync(path.resolve(baseDir, value), 'utf8');
      } catch (err) {
        ctx.addIssue({
          code: 'custom',
          message:
            `is neither PEM text (-----BEGIN ...) nor a readable file ` +
            `(${(err as NodeJS.ErrnoException).code ?? (err as Error).message} at ${path.resolve(baseDir, value)}); give ${what} ` +
            `as PEM text or a path relative to the config file`,
        });
        return z.NEVER;
      }
    });
}

function originPullSchema(baseDir: string) {
  return z
    .strictObject({
      caCertificates: z
        .array(pemText(baseDir, 'a CA certificate'))
        .min(1, "must list the CA that issued the zone's client certificate")
        .max(
          2,
          'must list at most 2 CAs: the current one and, while rotating, the next one (docs/deploy.md: rotating the ' +
            'origin-pull certificate)',
        )
        .describe(
          'CA certificates the origins trust for client certificates (PEM text or file paths): the CA of clientCertificate ' +
            "and, only while rotating, the next CA. Never Cloudflare's shared origin-pull CA.",
        ),
      clientCertificate: pemText(baseDir, "the zone's client certificate").describe(
        'The certificate Cloudflare presents to the origins for this zone only (PEM text or file path), issued by one of ' +
          'caCertificates. Its private key is never in config: pass it at deploy time as ' +
          'TF_VAR_<environment>_origin_pull_private_key.',
      ),
      revocationList: pemText(baseDir, 'a certificate revocation list')
        .optional()
        .describe(
          "Certificate revocation list of the CA (PEM, openssl ca -gencrl), loaded into the AWS load balancers' trust stores. " +
            'Omit when nothing is revoked.',
        ),
    })
    .superRefine(
      (pull, ctx) =>
        guarded(() => {
          const cas: X509Certificate[] = [];
          const fingerprints = new Map<string, number>();
          pull.caCertificates.forEach((text, i) => {
            if (typeof text !== 'string') return;
            if (holdsPrivateKey(text)) {
              ctx.addIssue({ code: 'custom', path: ['caCertificates', i], message: `holds a private key; ${PRIVATE_KEY_ADVICE}` });
              return;
            }
            const checked = checkOriginPullCa(text);
            if ('error' in checked) {
              ctx.addIssue({ code: 'custom', path: ['caCertificates', i], message: checked.error });
              return;
            }
            const fingerprint = checked.cert.fingerprint256;
            if (fingerprints.has(fingerprint)) {
              ctx.addIssue({
                code: 'custom',
                path: ['caCertificates', i],
                message: `is the same CA as caCertificates[${fingerprints.get(fingerprint)}]; list each CA once`,
              });
            } else fingerprints.set(fingerprint, i);
            cas.push(checked.cert);
          });
          if (typeof pull.clientCertificate === 'string') {
            if (holdsPrivateKey(pull.clientCertificate)) {
              ctx.addIssue({ code: 'custom', path: ['clientCertificate'], message: `holds a private key; ${PRIVATE_KEY_ADVICE}` });
            } else {
              // Checked against the CAs only when they are all valid; a broken CA has its own message.
              const all = cas.length === pull.caCertificates.length;
              const checked = checkOriginPullClientCertificate(pull.clientCertificate, all ? cas : []);
              if ('error' in checked) ctx.addIssue({ code: 'custom', path: ['clientCertificate'], message: checked.error });
            }
          }
          if (typeof pull.revocationList === 'string') {
            const checked = holdsPrivateKey(pull.revocationList)
              ? { error: `holds a private key; ${PRIVATE_KEY_ADVICE}` }
              : checkRevocationList(pull.revocationList);
            if ('error' in checked) ctx.addIssue({ code: 'custom', path: ['revocationList'], message: checked.error });
          }
        }),
      ALWAYS,
    )
    .describe(
      'Zone-bound authenticated origin pulls (control ORIGIN-LOCK): the certificate Cloudflare presents for this zone and the ' +
        'CA the origins verify it against.',
    );
}

const cloudflareSchema = (baseDir: string) =>
  z
    .strictObject({
      accountId: z
        .string()
        .regex(HEX32, 'must be a Cloudflare account id (32 lower-case hex digits)')
        .describe('Cloudflare account holding the load balancer pools and monitor.'),
      zoneId: z.string().regex(HEX32, 'must be a Cloudflare zone id (32 lower-case hex digits)').describe('Cloudflare zone of hostname.'),
      zoneName: z.string().regex(DNS_NAME, 'must be a lower-case DNS name such as example.com').describe('Name of the zone.'),
      hostname: z
        .string()
        .regex(DNS_NAME, 'must be a lower-case DNS name such as app.example.com')
        .describe('Public name of the app, answered by the Cloudflare load balancer; the only Host the edge admits.'),
      plan: z
        .enum(CLOUDFLARE_PLANS, { error: `must be one of ${CLOUDFLARE_PLANS.join(', ')}` })
        .describe('Plan of the zone: bounds the number, periods and timeouts of rate-limiting rules.'),
      securityLevel: z
        .enum(['medium', 'high', 'under_attack'], {
          error: 'must be medium, high or under_attack (lower levels stop challenging bad-reputation clients, control WAF-REPUTATION)',
        })
        .default('medium')
        .describe('Zone security level: how readily clients with a poor IP reputation are challenged.'),
      hstsPreload: z
        .boolean()
        .default(false)
        .describe('Adds preload to HSTS. Only once every subdomain serves HTTPS: preload lists are slow to leave.'),
      owasp: z
        .strictObject({
          paranoiaLevel: z
            .number()
            .int()
            .min(1, 'must be 1-4')
            .max(4, 'must be 1-4')
            .default(1)
            .describe('OWASP Core Ruleset paranoia level (higher blocks more, with more false positives).'),
          anomalyThreshold: z
            .enum(['low', 'medium', 'high'], { error: 'must be low, medium or high' })
            .default('medium')
            .describe('OWASP anomaly score threshold: low (60), medium (40) or high (25) sensitivity.'),
        })
        .prefault({}),
      mitigationTimeoutSeconds: z
        .number()
        .int()
        .positive('must be a positive number of seconds')
        .optional()
        .describe(
          "How long a client that exceeded a rate limit stays blocked; bounded by the plan. Default: the construct's plan default.",
        ),
      origins: z
        .strictObject({
          cloud: z
            .enum(['aws', 'azure'], { error: 'must be aws or azure' })
            .describe("Which cloud's primary and DR gateways are the load balancer's pools."),
          primary: originAddress.optional().describe("Address of the primary region's gateway (omit to read it from outputsFile)."),
          dr: originAddress.optional().describe("Address of the DR region's gateway (omit to read it from outputsFile)."),
          outputsFile: z
            .string()
            .min(1)
            .optional()
            .describe(
              'Path of the outputs file written by `cdk deploy --outputs-file` (AWS) or `cdktf deploy --outputs-file` ' +
                "(Azure), relative to the working directory: the gateways' addresses are read from it at synth.",
            ),
        })
        .superRefine((o, ctx) => {
          const explicit = o.primary !== undefined || o.dr !== undefined;
          if (explicit && o.outputsFile !== undefined)
            ctx.addIssue({
              code: 'custom',
              path: ['outputsFile'],
              message: 'is set together with primary/dr; give the addresses or the outputs file, not both',
            });
          else if (!explicit && o.outputsFile === undefined)
            ctx.addIssue({
              code: 'custom',
              path: ['primary'],
              message: "is missing; give primary and dr addresses, or outputsFile to read them from the deployed stacks' outputs",
            });
          else if (explicit && (o.primary === undefined || o.dr === undefined))
            ctx.addIssue({
              code: 'custom',
              path: [o.primary === undefined ? 'primary' : 'dr'],
              message: 'is missing; give both primary and dr',
            });
          else if (explicit && o.primary === o.dr)
            ctx.addIssue({
              code: 'custom',
              path: ['dr'],
              message: "is the same address as primary; the DR pool must be the DR region's gateway",
            });
        })
        .describe('Origins of the failover load balancer (control DR-REGION).'),
      healthCheckPath: z
        .string()
        .regex(/^\/[A-Za-z0-9._~\/-]*$/, 'must be a path starting with "/" (letters, digits and . _ ~ / - only)')
        .default('/healthz')
        .describe('Path the load balancer monitor requests over HTTPS.'),
      originLock: z
        .boolean()
        .default(true)
        .describe(
          'Lock the gateways of this environment to this zone: the AWS load balancers and Azure gateways admit 80/443 only ' +
            "from Cloudflare's ranges, require the zone's client certificate (originPull) and answer only its hostnames; their " +
            'rate limits count the client behind Cloudflare (control ORIGIN-LOCK). false is an explicit opt-out.',
        ),
      originPull: originPullSchema(baseDir).optional(),
      additionalHostnames: z
        .array(z.string().regex(DNS_NAME, 'must be a lower-case DNS name such as api.example.com'))
        .max(4, 'must list at most 4 names (with hostname, the 5 a load balancer host condition or a gateway listener accepts)')
        .default([])
        .describe(
          'Other names of the zone that Cloudflare proxies to the same gateways (DNS records you create). The edge and the ' +
            'gateways answer hostname and these; every other Host gets 403.',
        ),
      azurePerEdgeRateFactor: z
        .number()
        .int()
        .min(2, 'must be at least 2: behind Cloudflare the Azure gateway counts per edge address, shared by many clients')
        .max(MAX_AZURE_PER_EDGE_RATE_FACTOR, `must be at most ${MAX_AZURE_PER_EDGE_RATE_FACTOR}`)
        .default(25)
        .describe(
          'Azure gateways behind Cloudflare can only count the connecting Cloudflare edge address (many clients share it), so ' +
            'their rate limits are a per-edge safety net: each waf limit multiplied by this factor. Per-client limits are ' +
            'enforced at the edge.',
        ),
      alertWebhook: z
        .strictObject({
          name: z
            .string()
            .regex(/^\S(?:.{0,98}\S)?$/, 'must be 1-100 characters without leading or trailing spaces, such as oncall-pager')
            .describe('Name of the webhook destination in the Cloudflare dashboard.'),
          url: z
            .string()
            .superRefine((url, ctx) => {
              const problem = webhookUrlProblem(url);
              if (problem) ctx.addIssue({ code: 'custom', message: problem });
            })
            .describe(
              "HTTPS endpoint Cloudflare posts the edge's notifications to (a paging service's inbound URL). No credential in " +
                'it: no user info or query string, and no Slack, Discord or Teams incoming-webhook URL (the URL is the ' +
                'credential there).',
            ),
          secret: z
            .boolean()
            .default(true)
            .describe(
              'Cloudflare sends a shared secret in the cf-webhook-auth header, read at deploy time from ' +
                'TF_VAR_<environment>_alert_webhook_secret (never config). false is an explicit opt-out: anyone who learns the ' +
                "URL can post alerts that look like Cloudflare's.",
            ),
        })
        .optional()
        .describe(
          "A webhook the edge's notifications (HTTP DDoS attacks, security event spikes, pool health) go to besides the " +
            'alerts.emails addresses (control DETECT-THREATS).',
        ),
      logpush: z
        .strictObject({
          destination: z
            .string()
            .superRefine((destination, ctx) => {
              const problem = logpushDestinationProblem(destination);
              if (problem) ctx.addIssue({ code: 'custom', message: problem });
            })
            .describe(
              "Bucket Cloudflare pushes the zone's HTTP requests and firewall events to: s3://<bucket>/<path>?region=<region> " +
                'or gs://<bucket>/<path> ({DATE} in the path for daily folders). Cloudflare writes through a grant on the ' +
                'bucket; its ownership challenge token is read at deploy time from ' +
                'TF_VAR_<environment>_logpush_ownership_challenge.',
            ),
        })
        .optional()
        .describe(
          "Logpush of the edge's logs to a central bucket (control LOG-CENTRAL). Enterprise zones only; without it " +
            'LOG-CENTRAL on Cloudflare is unchecked.',
        ),
    })
    .superRefine((cf, ctx) => {
      // Cloudflare refuses zone Logpush below Enterprise: say so before anything is synthesized.
      if (cf.logpush !== undefined && cf.plan !== 'enterprise' && (CLOUDFLARE_PLANS as readonly string[]).includes(cf.plan)) {
        ctx.addIssue({
          code: 'custom',
          path: ['logpush'],
          input: cf.logpush,
          message:
            `needs an Enterprise zone (Logpush of a zone's HTTP requests and firewall events is an Enterprise feature), and ` +
            `cloudflare.plan is ${cf.plan}; remove logpush or raise the plan`,
        });
      }
    })
    .describe('Cloudflare edge in front of this environment (CDK for Terraform app, stack <env>-cloudflare).');

const environmentSchema = (limits: AllowlistLimits, minRsaBits: number, baseDir: string) =>
  z.strictObject({
    production: z.boolean().describe('Production environments must have their own account and at least 3 availability zones.'),
    residency: z
      .enum(JURISDICTIONS, { error: `must be one of ${JURISDICTIONS.join(', ')}` })
      .describe('Jurisdiction every region of this environment must lie in (control DATA-RESIDENCY).'),
    tags: z
      .record(
        z
          .string()
          .regex(/^[A-Za-z0-9_.:/=+@-]{1,128}$/, 'tag keys: letters, digits and _ . : / = + @ -')
          // Marker tags (lib/controls/markers.ts) tell the checks what a resource is (a bastion, a
          // warm standby): a config tag applied to every resource must never forge one.
          .refine(
            (key) => !key.toLowerCase().startsWith(RESERVED_TAG_PREFIX),
            `tag keys starting with "${RESERVED_TAG_PREFIX}" are reserved for the markers the checks read (a bastion, a warm ` +
              `standby); pick another key`,
          ),
        z.string().max(256),
      )
      .default({})
      .describe('Tags applied to every resource.'),
    aws: awsSchema.optional().describe('AWS hosting of this environment (CDK app). Omit when the environment runs on Azure only.'),
    azure: azureSchema.optional(),
    cloudflare: cloudflareSchema(baseDir).optional(),
    recovery: z
      .strictObject({
        rpoMinutes: z
          .number()
          .int()
          .min(
            RECOVERY_MECHANISMS.objectReplicationMinutes,
            `must be at least ${RECOVERY_MECHANISMS.objectReplicationMinutes}: object replication guarantees 15 minutes (S3 ` +
              `Replication Time Control), nothing here can promise less`,
          )
          .max(7 * 24 * 60, 'must be at most 10080 (one week)')
          .default(60)
          .describe('Recovery point objective: most data, in minutes of writes, a region loss may lose (claim: RPO 1 hour).'),
        rtoMinutes: z
          .number()
          .int()
          .min(
            RECOVERY_MECHANISMS.failoverWithReplicaMinutes,
            `must be at least ${RECOVERY_MECHANISMS.failoverWithReplicaMinutes}: promoting the replica, scaling the standby ` +
              `and moving traffic is planned at ${RECOVERY_MECHANISMS.failoverWithReplicaMinutes} minutes`,
          )
          .max(7 * 24 * 60, 'must be at most 10080 (one week)')
          .default(240)
          .describe(
            'Recovery time objective: longest time, in minutes, from the decision to fail over to serving from the DR region ' +
              '(claim: RTO 4 hours).',
          ),
      })
      .prefault({})
      .describe('Recovery objectives the DR mechanisms must meet (control DR-REGION).'),
    egress: z
      .strictObject({
        packageMirrors: z
          .array(
            z.string().superRefine((entry, ctx) => {
              const problem = packageMirrorProblem(entry);
              if (problem) ctx.addIssue({ code: 'custom', message: problem });
            }),
          )
          .default([])
          .describe(
            'Package mirrors the hosts may reach on 80/443: CIDRs (opened in the AWS security groups and Azure NSGs) and host ' +
              "names (the Azure hosts' apt mirror; give its CIDR too). Empty: no internet egress at all (patch by replacing " +
              'the image).',
          ),
      })
      .prefault({})
      .describe("What the hosts may reach besides the clouds' own services (control NET-TIERS)."),
    waf: z
      .strictObject({
        globalRateLimit: rateLimit
          .default({ limit: 2000, windowSeconds: 300 })
          .describe('Per-IP limit on all traffic (control WAF-RATE-GLOBAL).'),
        criticalPaths: z
          .array(criticalPath)
          .min(1, 'must list at least one critical endpoint (login) (control WAF-RATE-CRITICAL)')
          .default([
            { name: 'login', pathPrefix: '/login', limit: 100, windowSeconds: 300 },
            { name: 'password-reset', pathPrefix: '/password/reset', limit: 20, windowSeconds: 300 },
            { name: 'signup', pathPrefix: '/signup', limit: 50, windowSeconds: 300 },
            { name: 'token', pathPrefix: '/oauth/token', limit: 300, windowSeconds: 300 },
          ])
          .describe('Stricter per-IP limits on login, password reset, sign-up and token endpoints (control WAF-RATE-CRITICAL).'),
        extraManagedRuleGroups: z
          .array(z.enum(OPTIONAL_AWS_MANAGED_RULE_GROUPS))
          .default([])
          .describe('AWS managed rule groups added to the always-on baseline groups.'),
      })
      .prefault({})
      .superRefine(
        (waf, ctx) =>
          guarded(() => {
            const globalPerSecond = waf.globalRateLimit.limit / waf.globalRateLimit.windowSeconds;
            const names = new Map<string, number>();
            const prefixes = new Map<string, number>();
            waf.criticalPaths.forEach((p, i) => {
              // Compared only when both rules are valid, or an invalid limit or window (already
              // reported) would make every critical path look "not stricter".
              if (isValidRate(waf.globalRateLimit) && isValidRate(p) && p.limit / p.windowSeconds >= globalPerSecond) {
                ctx.addIssue({
                  code: 'custom',
                  path: ['criticalPaths', i, 'limit'],
                  input: p.limit,
                  message:
                    `allows ${p.limit} requests per ${p.windowSeconds} s, not stricter than globalRateLimit ` +
                    `(${waf.globalRateLimit.limit} per ${waf.globalRateLimit.windowSeconds} s); lower it below ` +
                    `${Math.ceil(globalPerSecond * p.windowSeconds)}`,
                });
              }
              if (names.has(p.name))
                ctx.addIssue({
                  code: 'custom',
                  path: ['criticalPaths', i, 'name'],
                  input: p.name,
                  message: `duplicates criticalPaths[${names.get(p.name)}].name; names must be unique`,
                });
              else names.set(p.name, i);
              if (prefixes.has(p.pathPrefix))
                ctx.addIssue({
                  code: 'custom',
                  path: ['criticalPaths', i, 'pathPrefix'],
                  input: p.pathPrefix,
                  message: `duplicates criticalPaths[${prefixes.get(p.pathPrefix)}].pathPrefix; merge the two rules`,
                });
              else prefixes.set(p.pathPrefix, i);
            });
            if (waf.criticalPaths.length > 8) {
              ctx.addIssue({
                code: 'custom',
                path: ['criticalPaths'],
                input: waf.criticalPaths.length,
                message: 'lists more than 8 endpoints; merge prefixes to stay inside the web ACL capacity',
              });
            }
          }),
        ALWAYS,
      ),
    bastion: bastionSchema(limits, minRsaBits),
    logging: z
      .strictObject({
        retentionDays: z
          .union(LOG_RETENTION_DAYS.map((d) => z.literal(d)) as unknown as [z.ZodLiteral<number>, z.ZodLiteral<number>], {
            error:
              `must be one of ${LOG_RETENTION_DAYS.join(', ')}: CloudWatch Logs accepts only these, and the claim (B6) keeps ` +
              `logs at least ${retention.logDays} days`,
          })
          .default(90)
          .describe('Days CloudWatch log groups (flow, WAF, app, audit) keep events.'),
        auditRetentionDays: z
          .number()
          .int()
          .min(retention.logDays, `must be at least ${retention.logDays} (claim B6: logs kept at least one month)`)
          .max(3653, 'must be at most 3653 (10 years)')
          .default(180)
          .describe('Days CloudTrail log files are locked (S3 Object Lock, compliance mode) and kept.'),
      })
      .prefault({}),
    backup: z
      .strictObject({
        databaseRetentionDays: z
          .number()
          .int()
          .min(
            retention.databaseBackupDays,
            `must be at least ${retention.databaseBackupDays} (claim B10: database PITR kept ${retention.databaseBackupDays} days)`,
          )
          .max(
            retention.databaseBackupMaxDays,
            `must be at most ${retention.databaseBackupMaxDays} (the RDS maximum for automated backups)`,
          )
          .default(retention.databaseBackupDays)
          .describe('Days of database point-in-time recovery.'),
        fileRetentionDays: z
          .number()
          .int()
          .min(
            retention.fileBackupDays,
            `must be at least ${retention.fileBackupDays} (claim B10: file backups kept at least ${retention.fileBackupDays} days)`,
          )
          .max(3653, 'must be at most 3653')
          .default(retention.fileBackupDays)
          .describe('Days noncurrent object versions are kept before expiry.'),
      })
      .prefault({}),
    alerts: z.strictObject({
      emails: z
        .array(z.email('must be an e-mail address'))
        .min(1, 'must list at least one on-call address (control DETECT-THREATS)')
        .describe('Addresses subscribed to the alert topic.'),
      smsNumbers: z
        .array(z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number such as +15555550100'))
        .default([])
        .describe('Phone numbers subscribed to the alert topic by SMS.'),
    }),
  });

const guardrailsSchema = z
  .strictObject({
    maxAllowlistPrefix: z
      .strictObject({
        ipv4: z
          .number()
          .int()
          .min(loosest.ipv4, `must be between ${loosest.ipv4} and 32 (/0 is never accepted)`)
          .max(32, `must be between ${loosest.ipv4} and 32`)
          .default(allowlist.ipv4),
        ipv6: z
          .number()
          .int()
          .min(loosest.ipv6, `must be between ${loosest.ipv6} and 128 (/0 is never accepted)`)
          .max(128, `must be between ${loosest.ipv6} and 128`)
          .default(allowlist.ipv6),
      })
      .prefault({})
      .describe('Broadest allowlist entries accepted, as prefix lengths.'),
    minRsaBits: z
      .number()
      .int()
      .min(POLICY_FLOORS.access.minRsaBits, `must be at least ${POLICY_FLOORS.access.minRsaBits} (NIST SP 800-57 for use beyond 2030)`)
      .max(16384, 'must be at most 16384')
      .default(POLICY_FLOORS.access.minRsaBits)
      .describe('Smallest RSA SSH key accepted.'),
  })
  .prefault({});

/** The guardrails part alone; read first because it parameterizes the rest of the schema. */
export const GuardrailsSchema = z.looseObject({ guardrails: guardrailsSchema });

/**
 * Builds the schema of the whole file for the given guardrails (allowlist breadth, RSA size).
 * Cross-environment rules (residency, regions, account separation) are checked here too.
 */
export function configSchema(
  limits: AllowlistLimits = POLICY_FLOORS.access.maxAllowlistPrefix,
  minRsaBits = POLICY_FLOORS.access.minRsaBits,
  baseDir = process.cwd(),
) {
  return z
    .strictObject({
      $schema: z.string().optional().describe('Path of the JSON Schema, for editors.'),
      project: z
        .string()
        .regex(/^[a-z][a-z0-9-]{1,18}[a-z0-9]$/, 'must be 3-20 lower-case letters, digits and dashes (it prefixes resource names)')
        .describe('Short project name prefixing stack and resource names.'),
      guardrails: guardrailsSchema,
      environments: z
        .record(
          z.string().regex(/^[a-z][a-z0-9]{1,11}$/, 'environment names must be 2-12 lower-case letters and digits (e.g. staging, prod)'),
          environmentSchema(limits, minRsaBits, baseDir),
        )
        .refine((envs) => Object.keys(envs).length > 0, 'must define at least one environment')
        .describe('One entry per environment (staging, prod...).'),
    })
    .superRefine((config, ctx) => {
      const byAccountRegion = new Map<string, string>();
      const accountOwners = new Map<string, { name: string; production: boolean }[]>();
      const subscriptionOwners = new Map<string, { name: string; production: boolean }[]>();
      // A private key pasted anywhere (tags, names...) would be committed and copied into every
      // synth (control SECRETS). Fields that parse keys report it themselves.
      for (const [where, text] of strings(config)) {
        const own = where[3] === 'originPull' || (where[2] === 'bastion' && where.includes('publicKeys'));
        if (!own && holdsPrivateKey(text)) {
          ctx.addIssue({
            code: 'custom',
            path: where,
            message:
              'holds a private key; a private key never goes in config (it would be committed and copied into every synth): ' +
              'keep it in your secret store and hand it to the deployment through an environment variable (the origin-pull ' +
              'key: TF_VAR_<environment>_origin_pull_private_key)',
          });
        }
      }
      for (const [name, env] of Object.entries(config?.environments ?? {})) {
        // Each rule runs on its own and only when its inputs are present, so a missing or
        // malformed field (already reported) neither hides the other rules of the environment
        // nor produces follow-up messages such as "aws.account undefined".
        const at = (...rest: (string | number)[]) => ['environments', name, ...rest];
        const aws = (env?.aws ?? {}) as Partial<NonNullable<typeof env.aws>>;
        const azure = (env?.azure ?? {}) as Partial<NonNullable<typeof env.azure>>;
        const text = (...values: unknown[]) => values.every((v) => typeof v === 'string');
        const residency = JURISDICTIONS.includes(env?.residency) ? env.residency : undefined;
        guarded(() => {
          if (!residency || !text(aws.region, aws.drRegion)) return;
          const regions = AWS_JURISDICTIONS[residency].join(', ');
          if (!awsRegionInJurisdiction(aws.region!, residency)) {
            ctx.addIssue({
              code: 'custom',
              path: at('aws', 'region'),
              input: aws.region,
              message: `is outside residency "${residency}"; pick one of ${regions} or change residency`,
            });
          }
          if (aws.drRegion === aws.region) {
            ctx.addIssue({
              code: 'custom',
              path: at('aws', 'drRegion'),
              input: aws.drRegion,
              message:
                `equals aws.region; a region outage would take both copies. Pick another region of residency "${residency}": ` +
                `${regions}`,
            });
          } else if (!awsRegionInJurisdiction(aws.drRegion!, residency)) {
            ctx.addIssue({
              code: 'custom',
              path: at('aws', 'drRegion'),
              input: aws.drRegion,
              message: `is outside residency "${residency}" (data must stay in the jurisdiction); pick one of ${regions}`,
            });
          }
        });
        guarded(() => {
          if (!text(aws.region) || !Array.isArray(aws.availabilityZones)) return;
          const region = aws.region!;
          const seenZones = new Set<string>();
          aws.availabilityZones.forEach((zone, i) => {
            if (!text(zone)) return;
            if (!zone.startsWith(region) || zone.length !== region.length + 1) {
              ctx.addIssue({
                code: 'custom',
                path: at('aws', 'availabilityZones', i),
                input: zone,
                message: `is not a zone of aws.region ${region}; use ${region}a, ${region}b...`,
              });
            }
            if (seenZones.has(zone))
              ctx.addIssue({
                code: 'custom',
                path: at('aws', 'availabilityZones', i),
                input: zone,
                message: 'is listed twice; list each zone once',
              });
            seenZones.add(zone);
          });
        });
        guarded(() => {
          if (
            env.production === true &&
            Array.isArray(aws.availabilityZones) &&
            aws.availabilityZones.length < POLICY_FLOORS.availability.productionMinZones
          ) {
            ctx.addIssue({
              code: 'custom',
              path: at('aws', 'availabilityZones'),
              input: aws.availabilityZones,
              message:
                `lists fewer than ${POLICY_FLOORS.availability.productionMinZones} zones for a production environment; add ` +
                `zones of the region (control HA-MULTIZONE)`,
            });
          }
        });
        guarded(() => {
          if (!text(aws.certificateArn, aws.account, aws.region)) return;
          const [, , , certRegion, certAccount] = aws.certificateArn!.split(':');
          if (certRegion !== aws.region || certAccount !== aws.account) {
            ctx.addIssue({
              code: 'custom',
              path: at('aws', 'certificateArn'),
              input: aws.certificateArn,
              message:
                `must be a certificate in aws.account ${aws.account} and aws.region ${aws.region} (a load balancer can only use ` +
                `certificates of its own region and account)`,
            });
          }
        });
        guarded(() => {
          if (!text(aws.cdn?.certificateArn, aws.account)) return;
          if (aws.cdn!.certificateArn.split(':')[4] !== aws.account) {
            ctx.addIssue({
              code: 'custom',
              path: at('aws', 'cdn', 'certificateArn'),
              input: aws.cdn!.certificateArn,
              message: `must be a certificate in aws.account ${aws.account}`,
            });
          }
        });
        guarded(() => {
          if (env && typeof env === 'object' && env.aws === undefined && env.azure === undefined) {
            ctx.addIssue({
              code: 'custom',
              path: at(),
              input: undefined,
              message: 'hosts nothing; add an "aws" section, an "azure" section, or both',
            });
          }
        });
        // The AWS warm standby (control DR-REGION) must live in aws.drRegion and its network must
        // be addressable next to the primary's.
        guarded(() => {
          const dr = aws.dr;
          if (!dr || !text(aws.drRegion)) return;
          const region = aws.drRegion!;
          // A DR region that is itself wrong carries its own error; checking its zones and
          // certificate against it would only add follow-up noise.
          if (region === aws.region || (residency && !awsRegionInJurisdiction(region, residency))) return;
          if (Array.isArray(dr.availabilityZones)) {
            const seen = new Set<string>();
            dr.availabilityZones.forEach((zone, i) => {
              if (!text(zone)) return;
              if (!zone.startsWith(region) || zone.length !== region.length + 1) {
                ctx.addIssue({
                  code: 'custom',
                  path: at('aws', 'dr', 'availabilityZones', i),
                  input: zone,
                  message: `is not a zone of aws.drRegion ${region}; use ${region}a, ${region}b...`,
                });
              }
              if (seen.has(zone))
                ctx.addIssue({
                  code: 'custom',
                  path: at('aws', 'dr', 'availabilityZones', i),
                  input: zone,
                  message: 'is listed twice; list each zone once',
                });
              seen.add(zone);
            });
          }
          if (text(dr.certificateArn, aws.account)) {
            const [, , , certRegion, certAccount] = dr.certificateArn.split(':');
            if (certRegion !== region || certAccount !== aws.account) {
              ctx.addIssue({
                code: 'custom',
                path: at('aws', 'dr', 'certificateArn'),
                input: dr.certificateArn,
                message:
                  `must be a certificate in aws.account ${aws.account} and aws.drRegion ${region} (the standby load balancer ` +
                  `can only use certificates of its own region)`,
              });
            }
          }
          const validVpc = (cidr: unknown) => privateVpcCidr('', '').safeParse(cidr).success;
          if (validVpc(dr.vpcCidr) && validVpc(aws.vpcCidr) && cidrsOverlap(dr.vpcCidr, aws.vpcCidr!)) {
            ctx.addIssue({
              code: 'custom',
              path: at('aws', 'dr', 'vpcCidr'),
              input: dr.vpcCidr,
              message:
                `overlaps aws.vpcCidr ${aws.vpcCidr}; pick a disjoint block (e.g. the next /16) so the VPCs can be peered ` +
                `for failback`,
            });
          }
        });
        // RPO/RTO as data (control DR-REGION): refuse objectives the configured mechanisms
        // cannot meet, rather than publish a number the deployment does not back.
        guarded(() => {
          const recovery = env.recovery;
          if (!aws.dr || typeof recovery?.rpoMinutes !== 'number' || typeof recovery.rtoMinutes !== 'number') return;
          if (aws.dr.databaseReplica === false) {
            if (recovery.rpoMinutes < RECOVERY_MECHANISMS.dailyBackupCopyMinutes) {
              ctx.addIssue({
                code: 'custom',
                path: at('recovery', 'rpoMinutes'),
                input: recovery.rpoMinutes,
                message:
                  `cannot be met with aws.dr.databaseReplica false: the newest database copy in aws.drRegion is then the daily ` +
                  `backup copy (${RECOVERY_MECHANISMS.dailyBackupCopyMinutes} minutes); set databaseReplica to true or raise ` +
                  `rpoMinutes`,
              });
            }
            if (recovery.rtoMinutes < RECOVERY_MECHANISMS.failoverFromBackupMinutes) {
              ctx.addIssue({
                code: 'custom',
                path: at('recovery', 'rtoMinutes'),
                input: recovery.rtoMinutes,
                message:
                  `cannot be met with aws.dr.databaseReplica false: restoring the database from a backup copy is planned at ` +
                  `${RECOVERY_MECHANISMS.failoverFromBackupMinutes} minutes; set databaseReplica to true or raise rtoMinutes`,
              });
            }
          }
        });
        guarded(() => {
          if (!residency || !text(azure.location, azure.drLocation)) return;
          const locations = AZURE_JURISDICTIONS[residency].join(', ');
          if (!azureLocationInJurisdiction(azure.location!, residency)) {
            ctx.addIssue({
              code: 'custom',
              path: at('azure', 'location'),
              input: azure.location,
              message: `is outside residency "${residency}" or has no region pair in it; pick one of ${locations} or change residency`,
            });
            return;
          }
          const pair = AZURE_REGION_PAIRS[azure.location!];
          if (azure.drLocation !== pair) {
            ctx.addIssue({
              code: 'custom',
              path: at('azure', 'drLocation'),
              input: azure.drLocation,
              message:
                `must be ${pair}, the region pair of azure.location ${azure.location}: geo-redundant storage and database ` +
                `geo-backups replicate to the pair only`,
            });
          }
        });
        // BASTION-SSH: the admin account's break-glass key is nobody's personal key.
        guarded(() => {
          const key = azure.breakGlass?.publicKey;
          if (typeof key !== 'string' || !Array.isArray(env?.bastion?.users)) return;
          const checked = checkSshPublicKey(key, 0);
          if ('error' in checked) return;
          env.bastion.users.forEach((user, u) => {
            guarded(() =>
              user.publicKeys.forEach((text, k) => {
                const other = checkSshPublicKey(text, 0);
                if (!('error' in other) && other.fingerprint === checked.fingerprint) {
                  ctx.addIssue({
                    code: 'custom',
                    path: at('azure', 'breakGlass', 'publicKey'),
                    input: key,
                    message:
                      `is the key of bastion.users[${u}].publicKeys[${k}] (${checked.fingerprint}); the admin account must hold ` +
                      `a break-glass key no person uses, or that person holds a shared account`,
                  });
                }
              }),
            );
          });
        });
        guarded(() => {
          const validVnet = (cidr: unknown) => privateVpcCidr('', '').safeParse(cidr).success;
          if (validVnet(azure.vnetCidr) && validVnet(azure.drVnetCidr) && cidrsOverlap(azure.vnetCidr!, azure.drVnetCidr!)) {
            ctx.addIssue({
              code: 'custom',
              path: at('azure', 'drVnetCidr'),
              input: azure.drVnetCidr,
              message: `overlaps azure.vnetCidr ${azure.vnetCidr}; pick a disjoint block so the VNets can be peered for failback`,
            });
          }
        });
        // ENV-SEPARATION on Azure: a production subscription belongs to one environment.
        guarded(() => {
          if (!text(azure.subscriptionId) || typeof env.production !== 'boolean') return;
          const owners = subscriptionOwners.get(azure.subscriptionId!) ?? [];
          const clash = owners.find((o) => o.production || env.production) ?? (owners.length ? owners[0] : undefined);
          if (clash) {
            ctx.addIssue({
              code: 'custom',
              path: at('azure', 'subscriptionId'),
              input: azure.subscriptionId,
              message:
                `is also the subscription of environment "${clash.name}"; give each environment its own subscription (control ` +
                `ENV-SEPARATION, claim A9)`,
            });
          }
          subscriptionOwners.set(azure.subscriptionId!, [...owners, { name, production: env.production }]);
        });
        // The Cloudflare edge: the hostname lies in the zone, the origins' cloud hosts this
        // environment, and the WAF's rate limits fit the zone's plan (WAF-RATE-*, issue 5).
        guarded(() => {
          const cf = env?.cloudflare;
          if (!cf) return;
          if (
            DNS_NAME.test(String(cf.hostname)) &&
            DNS_NAME.test(String(cf.zoneName)) &&
            cf.hostname !== cf.zoneName &&
            !cf.hostname.endsWith(`.${cf.zoneName}`)
          ) {
            ctx.addIssue({
              code: 'custom',
              path: at('cloudflare', 'hostname'),
              input: cf.hostname,
              message: `is not in the zone ${cf.zoneName}; use ${cf.zoneName} or a name ending in .${cf.zoneName}`,
            });
          }
          // ORIGIN-LOCK: a locked origin verifies the zone's own client certificate, so the CA
          // must be known; without it only the shared certificate every zone presents would be left.
          if (cf.originLock !== false && cf.originPull === undefined) {
            ctx.addIssue({
              code: 'custom',
              path: at('cloudflare', 'originPull'),
              input: undefined,
              message:
                'is required while originLock is true: give caCertificates (the CA the origins trust) and clientCertificate ' +
                '(the zone\'s certificate it issued), see docs/deploy.md "The origin-pull certificate, end to end"; or set ' +
                'originLock to false to opt out of origin lock',
            });
          }
          if (Array.isArray(cf.additionalHostnames) && DNS_NAME.test(String(cf.zoneName))) {
            const seen = new Map<string, number>();
            cf.additionalHostnames.forEach((name, i) => {
              if (!DNS_NAME.test(String(name))) return;
              if (name !== cf.zoneName && !name.endsWith(`.${cf.zoneName}`)) {
                ctx.addIssue({
                  code: 'custom',
                  path: at('cloudflare', 'additionalHostnames', i),
                  input: name,
                  message: `is not in the zone ${cf.zoneName}; use ${cf.zoneName} or a name ending in .${cf.zoneName}`,
                });
              }
              if (name === cf.hostname || seen.has(name)) {
                ctx.addIssue({
                  code: 'custom',
                  path: at('cloudflare', 'additionalHostnames', i),
                  input: name,
                  message:
                    `duplicates ${name === cf.hostname ? 'hostname' : `additionalHostnames[${seen.get(name)}]`}; list ` + `each name once`,
                });
              }
              seen.set(name, i);
            });
          }
          const cloud = cf.origins?.cloud;
          // Only when the section is absent but the environment hosts somewhere: a null or
          // missing-everything environment already has its own message.
          if ((cloud === 'aws' || cloud === 'azure') && env[cloud] === undefined && (env.aws !== undefined || env.azure !== undefined)) {
            ctx.addIssue({
              code: 'custom',
              path: at('cloudflare', 'origins', 'cloud'),
              input: cloud,
              message: `is ${cloud}, but this environment has no ${cloud} section; front a cloud the environment is hosted on`,
            });
          }
          const waf = env?.waf;
          if (
            !CLOUDFLARE_PLANS.includes(cf.plan) ||
            !waf ||
            !Array.isArray(waf.criticalPaths) ||
            !isValidRate(waf.globalRateLimit) ||
            !waf.criticalPaths.every(isValidRate) ||
            waf.criticalPaths.length > 8
          )
            return;
          if (
            cf.mitigationTimeoutSeconds !== undefined &&
            !(Number.isInteger(cf.mitigationTimeoutSeconds) && cf.mitigationTimeoutSeconds > 0)
          )
            return;
          const rules = [
            ...waf.criticalPaths.map((p) => ({
              name: p.name,
              periodSeconds: p.windowSeconds,
              requestsPerPeriod: p.limit,
              mitigationTimeoutSeconds: cf.mitigationTimeoutSeconds,
            })),
            {
              name: 'all-traffic',
              periodSeconds: waf.globalRateLimit.windowSeconds,
              requestsPerPeriod: waf.globalRateLimit.limit,
              mitigationTimeoutSeconds: cf.mitigationTimeoutSeconds,
            },
          ];
          const seen = new Set<string>();
          for (const problem of rateLimitProblems(cf.plan, rules)) {
            const index = problem.rule === undefined ? -1 : waf.criticalPaths.findIndex((p) => p.name === problem.rule);
            const rulePath = index >= 0 ? ['waf', 'criticalPaths', index] : ['waf', 'globalRateLimit'];
            const path =
              problem.field === 'count'
                ? at('waf', 'criticalPaths')
                : problem.field === 'mitigationTimeoutSeconds'
                  ? at('cloudflare', 'mitigationTimeoutSeconds')
                  : problem.field === 'periodSeconds'
                    ? at(...rulePath, 'windowSeconds')
                    : at(...rulePath, 'limit');
            const key = `${path.join('.')}|${problem.message}`;
            if (seen.has(key)) continue;
            seen.add(key);
            ctx.addIssue({ code: 'custom', path, message: `${problem.message} (cloudflare.plan is ${cf.plan})` });
          }
        });
        // ENV-SEPARATION (claim A9): one account + region per environment, and production never
        // shares its account with anything else.
        guarded(() => {
          if (!text(aws.account, aws.region) || typeof env.production !== 'boolean') return;
          const account = aws.account!;
          const owners = accountOwners.get(account) ?? [];
          const sameRegion = byAccountRegion.get(`${account}/${aws.region}`);
          const prodClash = owners.find((o) => o.production || env.production);
          if (sameRegion) {
            ctx.addIssue({
              code: 'custom',
              path: at('aws', 'account'),
              input: account,
              message:
                `is also used by environment "${sameRegion}" in ${aws.region}; give each environment its own account (control ` +
                `ENV-SEPARATION)`,
            });
          } else if (prodClash) {
            ctx.addIssue({
              code: 'custom',
              path: at('aws', 'account'),
              input: account,
              message:
                `is also the account of environment "${prodClash.name}"; a production environment must have an account of its ` +
                `own (control ENV-SEPARATION, claim A9)`,
            });
          }
          byAccountRegion.set(`${account}/${aws.region}`, sameRegion ?? name);
          accountOwners.set(account, [...owners, { name, production: env.production }]);
        });
      }
    }, ALWAYS);
}

/** Every string of a parsed value with its path. */
function strings(value: unknown, at: (string | number)[] = []): [(string | number)[], string][] {
  if (typeof value === 'string') return [[at, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, [...at, i]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => strings(v, [...at, k]));
  return [];
}

/** The validated config of the whole file, defaults applied. */
export type BaselineConfig = z.output<ReturnType<typeof configSchema>>;
/** One validated environment. */
export type EnvironmentConfig = BaselineConfig['environments'][string];
/** One validated environment that hosts on AWS. */
export type AwsEnvironmentConfig = EnvironmentConfig & { readonly aws: NonNullable<EnvironmentConfig['aws']> };
/** One validated environment that hosts on Azure. */
export type AzureEnvironmentConfig = EnvironmentConfig & { readonly azure: NonNullable<EnvironmentConfig['azure']> };
