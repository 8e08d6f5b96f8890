import { CloudflareProvider } from '@cdktf/provider-cloudflare/lib/provider';
import { AzurermBackend, LocalBackend, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';
import { AuthenticatedOriginPulls } from '../lib/cloudflare/authenticated-origin-pulls';
import { EdgeAlerts } from '../lib/cloudflare/edge-alerts';
import { EdgeLogpush } from '../lib/cloudflare/edge-logpush';
import { OriginFailover } from '../lib/cloudflare/origin-failover';
import { EdgeRateLimits } from '../lib/cloudflare/edge-rate-limits';
import { EdgeWaf } from '../lib/cloudflare/edge-waf';
import { ZoneHardening } from '../lib/cloudflare/zone-hardening';
import type { EnvironmentConfig } from '../lib/config/schema';
import type { CloudflareOrigins } from './cloudflare-origins';

/** Outputs of the Cloudflare stack. */
export const CLOUDFLARE_OUTPUTS = {
  hostname: 'hostname',
  loadBalancerId: 'load_balancer_id',
} as const;

/**
 * Name of the Terraform variable holding the private key of an environment's origin-pull client
 * certificate; Terraform reads it from `TF_VAR_<name>` at deploy time (never in config or synth).
 */
export function originPullKeyVariable(environment: string): string {
  return `${environment}_origin_pull_private_key`;
}

/**
 * Name of the Terraform variable holding the shared secret Cloudflare sends to an environment's
 * alert webhook (config `cloudflare.alertWebhook`); Terraform reads it from `TF_VAR_<name>` at
 * deploy time (never in config or synth).
 */
export function alertWebhookSecretVariable(environment: string): string {
  return `${environment}_alert_webhook_secret`;
}

/**
 * Name of the Terraform variable holding the Logpush ownership challenge token of an
 * environment's destination (config `cloudflare.logpush`); Terraform reads it from
 * `TF_VAR_<name>` at deploy time (never in config or synth).
 */
export function logpushOwnershipChallengeVariable(environment: string): string {
  return `${environment}_logpush_ownership_challenge`;
}

/** Props of {@link CloudflareStack}. */
export interface CloudflareStackProps {
  /** Project name (config `project`). */
  readonly project: string;
  /** Environment name, e.g. `prod`. */
  readonly environment: string;
  /** The environment's validated config; `cloudflare` must be set. */
  readonly config: EnvironmentConfig;
  /** The primary and DR gateway addresses (config or the deployed stacks' outputs). */
  readonly origins: CloudflareOrigins;
}

/**
 * `<env>-cloudflare`: the edge in front of both clouds (claims A2, A7, A10, A14, A15). Zone TLS
 * hardening and HSTS (EDGE-TLS), browser integrity check and security level (WAF-REPUTATION),
 * the Cloudflare Managed and OWASP rulesets plus host and threat rules (WAF-MANAGED,
 * WAF-REPUTATION), per-IP rate limits on critical paths and on all traffic (WAF-RATE-*),
 * authenticated origin pulls (ORIGIN-LOCK, with the clouds' gateways admitting only Cloudflare's
 * ranges), a load balancer failing over from the primary to the DR region (DR-REGION), and
 * notification policies paging the environment's on-call addresses (config `alerts.emails`, and
 * `cloudflare.alertWebhook`) on HTTP DDoS attacks, security event spikes and pool health changes
 * (DETECT-THREATS), and, on an Enterprise zone with `cloudflare.logpush`, Logpush of the zone's
 * requests and security events to a central bucket (LOG-CENTRAL).
 *
 * The API token is never in config or output: the provider reads CLOUDFLARE_API_TOKEN.
 */
export class CloudflareStack extends TerraformStack {
  readonly zone: ZoneHardening;
  readonly waf: EdgeWaf;
  readonly rateLimits: EdgeRateLimits;
  readonly failover: OriginFailover;
  readonly alerts: EdgeAlerts;
  /** The Logpush jobs, when the config names a destination (Enterprise zones). */
  readonly logpush?: EdgeLogpush;

  constructor(scope: Construct, id: string, props: CloudflareStackProps) {
    super(scope, id);
    const { config } = props;
    const cf = config.cloudflare;
    if (!cf) throw new Error(`CloudflareStack ${id}: environment ${props.environment} has no cloudflare section`);

    // No api_token argument: the provider reads CLOUDFLARE_API_TOKEN, so the token never lands in
    // config, code, the synthesized JSON or the state's provider block (control SECRETS).
    new CloudflareProvider(this, 'cloudflare', {});
    const backend = config.azure?.backend;
    if (backend?.type === 'azurerm') {
      new AzurermBackend(this, {
        resourceGroupName: backend.resourceGroupName,
        storageAccountName: backend.storageAccountName,
        containerName: backend.containerName,
        key: `${id}.tfstate`,
        useAzureadAuth: true,
      });
    } else {
      new LocalBackend(this, { path: `terraform.${id}.tfstate` });
    }

    this.zone = new ZoneHardening(this, 'Zone', {
      zoneId: cf.zoneId,
      securityLevel: cf.securityLevel,
      hstsPreload: cf.hstsPreload,
    });
    this.waf = new EdgeWaf(this, 'Waf', {
      zoneId: cf.zoneId,
      plan: cf.plan,
      hostnames: [cf.hostname, ...cf.additionalHostnames],
      owaspParanoiaLevel: cf.owasp.paranoiaLevel as 1 | 2 | 3 | 4,
      owaspAnomalyThreshold: cf.owasp.anomalyThreshold,
    });
    // The same limits as the clouds' WAFs (config `waf`): the edge enforces them first, per client
    // address, and the gateways' WAFs still hold if the edge is ever bypassed.
    this.rateLimits = new EdgeRateLimits(this, 'RateLimits', {
      zoneId: cf.zoneId,
      plan: cf.plan,
      global: { requestsPerPeriod: config.waf.globalRateLimit.limit, periodSeconds: config.waf.globalRateLimit.windowSeconds },
      critical: config.waf.criticalPaths.map((p) => ({
        name: p.name,
        pathPrefix: p.pathPrefix,
        requestsPerPeriod: p.limit,
        periodSeconds: p.windowSeconds,
      })),
      mitigationTimeoutSeconds: cf.mitigationTimeoutSeconds,
    });
    // ORIGIN-LOCK: the zone presents its own client certificate, whose CA is the only one the
    // origins trust; its key comes from TF_VAR_<env>_origin_pull_private_key at deploy time.
    const privateKey = cf.originPull
      ? new TerraformVariable(this, originPullKeyVariable(props.environment), {
          type: 'string',
          sensitive: true,
          nullable: false,
          description:
            `PEM private key of the ${props.environment} origin-pull client certificate ` +
            `(cloudflare.originPull.clientCertificate); set TF_VAR_${originPullKeyVariable(props.environment)} at deploy time, ` +
            `never in a file of the repository`,
        })
      : undefined;
    new AuthenticatedOriginPulls(this, 'OriginPulls', {
      zoneId: cf.zoneId,
      ...(cf.originPull && privateKey ? { certificate: cf.originPull.clientCertificate, privateKey: privateKey.stringValue } : {}),
    });
    this.failover = new OriginFailover(this, 'Failover', {
      accountId: cf.accountId,
      zoneId: cf.zoneId,
      hostname: cf.hostname,
      primary: { name: `${props.project}-${props.environment}-${cf.origins.cloud}-primary`, address: props.origins.primary },
      dr: { name: `${props.project}-${props.environment}-${cf.origins.cloud}-dr`, address: props.origins.dr },
      healthCheckPath: cf.healthCheckPath,
      // No notificationEmail: Cloudflare deprecated the pools' own e-mail in favour of
      // Notifications; the pool health and enablement alerts below reach every on-call address.
      // Health checks present the zone's client certificate like real requests.
      probeZone: cf.zoneName,
    });
    // DETECT-THREATS: attacks on the edge, and a region failing over or switched off, page the same
    // on-call destinations as the clouds' alerts. The webhook's secret comes from
    // TF_VAR_<env>_alert_webhook_secret at deploy time.
    const hook = cf.alertWebhook;
    const webhookSecret = hook?.secret
      ? new TerraformVariable(this, alertWebhookSecretVariable(props.environment), {
          type: 'string',
          sensitive: true,
          nullable: false,
          description:
            `Shared secret Cloudflare sends in the cf-webhook-auth header to the ${props.environment} alert webhook ` +
            `(cloudflare.alertWebhook); set TF_VAR_${alertWebhookSecretVariable(props.environment)} at deploy time, never in a ` +
            `file of the repository`,
        })
      : undefined;
    this.alerts = new EdgeAlerts(this, 'Alerts', {
      accountId: cf.accountId,
      zoneId: cf.zoneId,
      plan: cf.plan,
      emails: config.alerts.emails,
      ...(hook ? { webhook: { name: hook.name, url: hook.url, ...(webhookSecret ? { secret: webhookSecret.stringValue } : {}) } } : {}),
      loadBalancerPoolIds: [this.failover.primaryPool.id, this.failover.drPool.id],
      namePrefix: `${props.project}-${props.environment}`,
    });
    // LOG-CENTRAL: on an Enterprise zone, the edge's requests and security events go to the
    // configured bucket. The ownership challenge token (proof the bucket is ours) comes from
    // TF_VAR_<env>_logpush_ownership_challenge at deploy time.
    if (cf.logpush) {
      const challenge = new TerraformVariable(this, logpushOwnershipChallengeVariable(props.environment), {
        type: 'string',
        sensitive: true,
        nullable: false,
        description:
          `Ownership challenge token Cloudflare wrote into the ${props.environment} Logpush destination ` +
          `(cloudflare.logpush.destination); set TF_VAR_${logpushOwnershipChallengeVariable(props.environment)} at deploy time, ` +
          `never in a file of the repository`,
      });
      this.logpush = new EdgeLogpush(this, 'Logpush', {
        zoneId: cf.zoneId,
        plan: cf.plan,
        destination: cf.logpush.destination,
        ownershipChallenge: challenge.stringValue,
        namePrefix: `${props.project}-${props.environment}`,
      });
    }
    new TerraformOutput(this, CLOUDFLARE_OUTPUTS.hostname, {
      value: cf.hostname,
      description: `Public name of ${props.environment}, answered by the failover load balancer (origins from ${props.origins.source})`,
    });
    new TerraformOutput(this, CLOUDFLARE_OUTPUTS.loadBalancerId, {
      value: this.failover.resource.id,
      description: 'Cloudflare load balancer (primary pool first, DR pool on failure)',
    });
  }
}
