/** A cloud a control can be implemented and checked on. */
export type Cloud = 'aws' | 'azure' | 'cloudflare';

/** The ids of the controls in the catalogue (docs/design.md "The control catalogue", docs/controls.md). */
export type ControlId =
  | 'EDGE-TLS'
  | 'WAF-MANAGED'
  | 'WAF-REPUTATION'
  | 'WAF-RATE-GLOBAL'
  | 'WAF-RATE-CRITICAL'
  | 'ORIGIN-LOCK'
  | 'NET-TIERS'
  | 'APP-FROM-GATEWAY'
  | 'DB-FROM-APP'
  | 'BASTION-SSH'
  | 'ADMIN-MFA'
  | 'ENC-REST'
  | 'ENC-TRANSIT'
  | 'STORAGE-PRIVATE'
  | 'SECRETS'
  | 'LOG-CENTRAL'
  | 'LOG-RETENTION'
  | 'DETECT-THREATS'
  | 'HA-MULTIZONE'
  | 'BACKUP'
  | 'DR-REGION'
  | 'DATA-RESIDENCY'
  | 'ENV-SEPARATION'
  | 'CDN-ASSETS';

/** One way a synthesized template falls short of a control. */
export interface Finding {
  /** The control that is not met. */
  readonly control: ControlId;
  /** Logical id of the offending resource, or `(template)` when something is missing altogether. */
  readonly resource: string;
  /** What is wrong: the value found and the value expected. */
  readonly message: string;
}

/** The outcome of one control's check on one template. */
export interface CheckResult {
  /** The control checked. */
  readonly control: ControlId;
  /**
   * `fail` when there is at least one finding; `not-applicable` when the template holds none of the
   * resource types the control concerns; `unchecked` when the check lacks an input it needs to
   * judge (e.g. the environment's residency), with `reason` saying which; `pass` otherwise.
   */
  readonly status: 'pass' | 'fail' | 'not-applicable' | 'unchecked';
  /** Why the check could not judge (`unchecked` only). */
  readonly reason?: string;
  /**
   * Shortfalls the code declares on purpose, each with the reason its marker gives (e.g. a log
   * store AWS requires in us-east-1, outside the residency), or that the config makes unavoidable
   * (a Cloudflare plan without the Security Events Alert): they do not fail the check, and every
   * report shows them in the cell and in its headline, so a PASS never hides them.
   */
  readonly exceptions?: readonly Finding[];
  /** Every shortfall found; empty unless `status` is `fail`. */
  readonly findings: readonly Finding[];
  /** Logical ids of the resources that carry the control (and were found compliant). */
  readonly evidence: readonly string[];
}

/** Expectations a check can be tuned with (all optional; the defaults are the policy floors of lib/config/floors.ts). */
export interface CheckOptions {
  /** Lowest log retention in days (claim B6). @default 30 (POLICY_FLOORS.retention.logDays, lib/config/floors.ts) */
  readonly minLogRetentionDays?: number;
  /** Highest log retention in days for CloudWatch log groups. @default - no upper bound */
  readonly maxLogRetentionDays?: number;
  /** Lowest database point-in-time-recovery retention in days (claim B10). @default 30 (POLICY_FLOORS.retention.databaseBackupDays) */
  readonly minDatabaseBackupDays?: number;
  /**
   * Lowest retention of noncurrent object versions in data buckets, in days (claim B10).
   * @default 90 (POLICY_FLOORS.retention.fileBackupDays)
   */
  readonly minFileRetentionDays?: number;
  /** Broadest CIDR prefix allowed in the SSH allowlist. @default { ipv4: 24, ipv6: 48 } (POLICY_FLOORS.access.maxAllowlistPrefix) */
  readonly maxAllowlistPrefix?: { readonly ipv4: number; readonly ipv6: number };
  /**
   * CloudTrail is recorded outside this template (an organization trail, or, for a DR-region
   * stack, the multi-region trail of the environment's primary stack): no trail, and no root-use
   * metric filter on its log group, is required here. A trail that is present is still checked.
   * @default false
   */
  readonly cloudTrailManaged?: boolean;
  /**
   * GuardDuty is managed outside this template (delegated administrator): no detector is required
   * here. A detector that is present is still checked.
   * @default false
   */
  readonly guardDutyManaged?: boolean;
  /**
   * Security Hub is managed outside this template: no hub or standards are required here.
   * @default false
   */
  readonly securityHubManaged?: boolean;
  /**
   * Amazon Inspector is enabled outside this template (delegated administrator): no enabling call
   * is required here.
   * @default false
   */
  readonly inspectorManaged?: boolean;
  /**
   * AWS Config is recorded outside this template (the organization records the account and
   * region centrally): no configuration recorder is required here even where Security Hub runs.
   * @default false
   */
  readonly configManaged?: boolean;
  /** The DR region replicas and backup copies must go to (control DR-REGION). @default - any other region */
  readonly drRegion?: string;
  /** The recovery point objective in minutes: the replica lag alarm must fire within it. @default - not checked */
  readonly rpoMinutes?: number;
  /**
   * Whether a cross-region database replica is required (control DR-REGION). False only when the
   * recovery objectives allow a restore from the replicated backups.
   * @default true
   */
  readonly databaseReplica?: boolean;
  /**
   * Defender for Cloud plans and the security contact are managed outside this Terraform stack
   * (another subscription-level stack or the platform team): no pricing or contact is required
   * here (Azure DETECT-THREATS). Pricings that are present are still checked, and the alert
   * routing to on-call is still required when the stack holds detection resources.
   * @default false
   */
  readonly defenderManaged?: boolean;
  /**
   * CanNotDelete management locks on the Azure stateful resources are applied outside these
   * stacks (config `azure.deleteLocks` "managed", for example by Azure Policy): no
   * azurerm_management_lock is required here (Azure BACKUP).
   * @default false
   */
  readonly deleteLocksManaged?: boolean;
  /**
   * The environment is fronted by Cloudflare with origin lock (config `cloudflare.originLock`):
   * the internet-facing AWS load balancers' security groups and the Azure gateway subnet's NSG
   * must admit traffic only from Cloudflare's published ranges (control ORIGIN-LOCK). Without it
   * the origins are the public entry points and ORIGIN-LOCK is not applicable on AWS and Azure.
   * @default false
   */
  readonly originLocked?: boolean;
  /**
   * The CA certificates (PEM) the environment's origins must trust for client certificates, and
   * nothing else (config `cloudflare.originPull.caCertificates`, control ORIGIN-LOCK): the AWS
   * trust stores and Azure SSL profiles must hold exactly these, and the zone's uploaded client
   * certificate must be issued by one of them.
   * @default - not compared: any CA but Cloudflare's shared origin-pull CA is accepted
   */
  readonly originPullCaCertificates?: readonly string[];
  /**
   * The hostnames the origins may answer (config `cloudflare.hostname` and `additionalHostnames`,
   * control ORIGIN-LOCK): every host-bound listener's names must be among them.
   * @default - not compared: any literal names without wildcard are accepted
   */
  readonly originHostnames?: readonly string[];
  /**
   * The plan of the Cloudflare zone (config `cloudflare.plan`, control DETECT-THREATS). Cloudflare
   * offers the Security Events Alert on Business and Enterprise only: on a Free or Pro zone its
   * absence is reported as an exception of a passing check (WAF blocks page nobody there), not a
   * failure.
   * @default - unknown: the Security Events Alert is required, as on Business and Enterprise
   */
  readonly cloudflarePlan?: 'free' | 'pro' | 'business' | 'enterprise';
}

/** The synthesized CloudFormation templates of one environment, for checks spanning regions. */
export interface AwsEnvironmentTemplates {
  /** The primary region's stack. */
  readonly primary: any;
  /** The DR region's stack (keys, replicas, locked vault, warm standby). */
  readonly dr?: any;
  /** The DR region's database replica stack. */
  readonly drDatabase?: any;
}

/** The synthesized Terraform JSON stacks of one environment on Azure, for checks spanning regions. */
export interface AzureEnvironmentStacks {
  /** The primary region's stack (`<env>-azure-primary`). */
  readonly primary: any;
  /** The DR region's stack (`<env>-azure-dr`). */
  readonly dr?: any;
}

/** A check of one control over all the stacks of one environment on one cloud. */
export type EnvironmentCheck = (stacks: AwsEnvironmentTemplates & AzureEnvironmentStacks, options?: CheckOptions) => CheckResult;

/** A check of one control over one cloud's synthesized output. */
export type Check = (template: any, options?: CheckOptions) => CheckResult;

/**
 * One synthesized stack as deployed: where it goes (read from the output itself: the cloud
 * assembly's `aws://account/region`, the Terraform provider block) and what its stack marker says.
 */
export interface DeployedStack {
  readonly name: string;
  readonly cloud: Cloud;
  readonly environment: string;
  /** The stack's role from its marker (`primary`, `dr`, `dr-database`, `edge`), else `other`. */
  readonly role: string;
  /** AWS account id, Azure subscription id, or Cloudflare account id(s) joined, when the output names it. */
  readonly account?: string;
  /** AWS region of the stack (from the cloud assembly), when it is pinned. */
  readonly region?: string;
  /** Whether the stack carries a stack marker: without one its environment is its own name, a guess no check relies on. */
  readonly marked: boolean;
  /** The template (CloudFormation) or Terraform JSON. */
  readonly template: any;
}

/** What checks across environments need to know about each environment. */
export interface EnvironmentFacts {
  /** Whether it is a production environment (config `production`, or the stack marker). */
  readonly production?: boolean;
  /** The jurisdiction its data must stay in (config `residency`, or the stack marker). */
  readonly residency?: string;
}

/** Every stack of a deployment (all environments), with what is known of each environment. */
export interface Deployment {
  readonly stacks: readonly DeployedStack[];
  readonly environments: Readonly<Record<string, EnvironmentFacts>>;
}

/**
 * A check of one control for one environment on one cloud that needs where stacks are deployed
 * (regions, accounts) or other environments' stacks (DATA-RESIDENCY, ENV-SEPARATION).
 */
export type DeploymentCheck = (deployment: Deployment, environment: string) => CheckResult;

/**
 * What a cloud without a check of a control holds, as the catalogue states it (the reviewed
 * reason shows in the report cell):
 * - `not-applicable`: the cloud's stacks hold nothing the control concerns; `unlessTypes` lists
 *   resource types that would make it apply (the cell is then unchecked, naming the resource);
 * - `config-enforced`: the config loader enforces the claim before anything is synthesized;
 *   `rule` names the loader rule (file and what it rejects);
 * - `unchecked`: it applies, and nothing checks it yet.
 */
export type Coverage =
  | { readonly verdict: 'not-applicable'; readonly reason: string; readonly unlessTypes?: readonly string[] }
  | { readonly verdict: 'config-enforced'; readonly rule: string; readonly reason: string }
  | { readonly verdict: 'unchecked'; readonly reason: string };

/** One claim of the catalogue, where it comes from, and its checks per cloud. */
export interface Control {
  /** Stable id, e.g. `EDGE-TLS`. */
  readonly id: ControlId;
  /** The claim, as docs/controls.md publishes it. */
  readonly claim: string;
  /** The claim ids (docs/claims.md) the control makes true, e.g. `['A14', 'B3']`. */
  readonly sources: readonly string[];
  /** The check over each cloud's synthesized output; a cloud without a check is absent. */
  readonly checks: Partial<Record<Cloud, Check>>;
  /** Checks that read all the stacks of an environment at once (replicas live in another region). */
  readonly environmentChecks?: Partial<Record<Cloud, EnvironmentCheck>>;
  /** Checks that read where stacks are deployed and other environments' stacks (residency, separation). */
  readonly deploymentChecks?: Partial<Record<Cloud, DeploymentCheck>>;
  /**
   * For each cloud with no check: whether the control is not applicable there, enforced by the
   * config loader, or unchecked, and why.
   * @default - unchecked: no check reads this cloud's output
   */
  readonly coverage?: Partial<Record<Cloud, Coverage>>;
  /**
   * The test files that prove the control per cloud, relative to the repository root (listed per
   * control in docs/controls.md). The evidence report cites them so a reviewer can go
   * from a claim to the test that fails when it stops being true.
   * @default - none listed (the control is not carried by that cloud)
   */
  readonly tests?: Partial<Record<Cloud, readonly string[]>>;
  /** Why a cloud has no template check yet, or what the check cannot see. */
  readonly note?: string;
}
