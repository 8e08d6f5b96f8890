import {
  NotificationPolicy,
  type NotificationPolicyFilters,
  type NotificationPolicyMechanisms,
} from '@cdktf/provider-cloudflare/lib/notification-policy';
import { NotificationPolicyWebhooks } from '@cdktf/provider-cloudflare/lib/notification-policy-webhooks';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { redactUrl, webhookUrlProblem } from '../config/webhook-url';
import { checkCloudflareId } from './ids';
import { checkCloudflarePlan, type CloudflarePlan } from '../config/cloudflare-plan-limits';

/**
 * The `alert_type` of each Cloudflare notification `EdgeAlerts` creates (or that the
 * DETECT-THREATS check accepts), with the name the Cloudflare dashboard and documentation give it.
 * Source: Cloudflare's list of available notifications (developers.cloudflare.com/notifications/
 * notification-available/, cloudflare-docs `src/content/notifications/index.yaml`), the DDoS
 * alerts page (developers.cloudflare.com/ddos-protection/reference/alerts/) and the alert types the
 * provider accepts (`alert_type` of cloudflare_notification_policy, provider 5.x).
 */
export const CLOUDFLARE_ALERT_TYPES = {
  /** "HTTP DDoS Attack Alert": an HTTP DDoS attack mitigated above 100 requests per second. All plans; no filters. */
  httpDdos: 'dos_attack_l7',
  /**
   * "Advanced HTTP DDoS Attack Alert": the same with zone, hostname and rate filters. Enterprise with
   * the Advanced DDoS Protection subscription only; not created (the plan does not imply the
   * subscription, and Cloudflare sends both alerts for one attack when both exist).
   */
  advancedHttpDdos: 'advanced_ddos_attack_l7_alert',
  /**
   * "Security Events Alert": a spike in security events (WAF, custom and rate limiting rules,
   * browser integrity check, security level...) across all services of the listed zones. Business
   * and Enterprise; the `zones` filter is mandatory.
   */
  securityEvents: 'clickhouse_alert_fw_anomaly',
  /**
   * "Advanced Security Events Alert": the same per selected service, with `zones` and `services`
   * filters. Enterprise only; not created (the Security Events Alert already watches every service).
   */
  advancedSecurityEvents: 'clickhouse_alert_fw_ent_anomaly',
  /** "Load Balancing Health Alert": a pool or origin changes health. Any plan with Load Balancing. */
  loadBalancingHealth: 'load_balancing_health_alert',
  /** "Pool Enablement": a pool is enabled or disabled. Any plan with Load Balancing. */
  poolEnablement: 'load_balancing_pool_enablement_alert',
} as const;

/**
 * The plans whose zones Cloudflare sends the Security Events Alert for ("Business and Enterprise
 * plans" in the list of available notifications). Below Business, WAF blocks and challenges are
 * logged in Security Events but no notification can page anyone about them.
 */
export const SECURITY_EVENTS_ALERT_PLANS: readonly CloudflarePlan[] = ['business', 'enterprise'];

/** A webhook destination Cloudflare posts notifications to (`cloudflare_notification_policy_webhooks`). */
export interface EdgeAlertsWebhook {
  /** Name of the destination in the Cloudflare dashboard; Cloudflare includes it in every request body. */
  readonly name: string;
  /**
   * The HTTPS endpoint Cloudflare POSTs notifications to, such as your paging service's inbound
   * URL. No credentials in it (user info, query string): a URL that is itself the credential
   * (Slack, Discord or Teams incoming webhooks) would be written into the synthesized JSON; give
   * the receiver a fixed URL and authenticate with `secret` instead. Cloudflare sends a test
   * message when the destination is created and refuses it unless the endpoint answers 2xx.
   */
  readonly url: string;
  /**
   * Shared secret Cloudflare sends in the `cf-webhook-auth` header of every request, so the
   * receiver can refuse forged alerts. A reference resolved at deploy time (a sensitive Terraform
   * variable's value, `TF_VAR_...`), never literal text, which would be written into the
   * synthesized JSON (control SECRETS); Terraform keeps it in the state.
   * @default - no secret: anyone who learns the URL can post alerts that look like Cloudflare's
   */
  readonly secret?: string;
}

/** Properties of {@link EdgeAlerts}. */
export interface EdgeAlertsProps {
  /** Cloudflare account id (32 lowercase hex digits); notification policies are account-level. */
  readonly accountId: string;
  /** Id of the zone whose security events page on-call (32 lowercase hex digits). */
  readonly zoneId: string;
  /**
   * The zone's plan: decides which alerts Cloudflare offers (see the class documentation).
   * A Free or Pro zone gets no Security Events Alert, which Cloudflare offers from Business up.
   */
  readonly plan: CloudflarePlan;
  /**
   * On-call e-mail addresses every notification goes to (the same as the clouds' alert topics,
   * config `alerts.emails`). At least one destination is required: an address or `webhook`.
   * @default - none (then `webhook` is required)
   */
  readonly emails?: readonly string[];
  /**
   * A webhook destination every notification goes to as well (a paging service, a chat relay).
   * @default - e-mail only
   */
  readonly webhook?: EdgeAlertsWebhook;
  /**
   * Ids of the load balancer pools whose health changes and enablement changes page on-call
   * (`OriginFailover`'s primary and DR pools): a region going down, failing over or being
   * switched off is noticed. Requires the Load Balancing add-on (any plan).
   * @default - no load balancing alerts
   */
  readonly loadBalancerPoolIds?: readonly string[];
  /**
   * Prefix of the policy names (such as `acme-prod`), so the account's notification list shows
   * which environment each belongs to.
   * @default 'baseline'
   */
  readonly namePrefix?: string;
}

/**
 * Attacks on the edge page on-call (control DETECT-THREATS, claims A2, A5, B7, B13): Cloudflare
 * notification policies that e-mail `emails` (and post to `webhook`) when Cloudflare mitigates an
 * HTTP DDoS attack, when the zone's security events spike (the WAF, custom rules and rate limits
 * blocking or challenging an attack), and when a load balancer pool changes health or is switched
 * on or off. Without them the edge blocks and counts attacks in its dashboard and nobody is paged:
 * a credential-stuffing run, an injection campaign or a flood against the origins goes unnoticed
 * until it succeeds or takes the service down.
 *
 * What each plan gets (Cloudflare's list of available notifications):
 *
 * | notification (`alert_type`)                                  | Free | Pro | Business | Enterprise |
 * |--------------------------------------------------------------|------|-----|----------|------------|
 * | HTTP DDoS Attack Alert (`dos_attack_l7`)                     | yes  | yes | yes      | yes        |
 * | Security Events Alert (`clickhouse_alert_fw_anomaly`)        | –    | –   | yes      | yes        |
 * | Load Balancing Health Alert, Pool Enablement (Load Balancing add-on) | yes | yes | yes | yes  |
 *
 * On Free and Pro, WAF blocks, challenges and rate-limit actions are recorded in Security Events
 * but no notification reports them; only DDoS attacks (and origin health) page on-call, and the
 * DETECT-THREATS check shows that shortfall as an exception. The Security Events Alert fires on a
 * spike (a z-score over six hours of five-minute buckets, at least 200 events, at most one alert
 * per two hours; mean time to detection five minutes), not on every event. Not created: the
 * Advanced HTTP DDoS Attack Alert (Enterprise with the Advanced DDoS Protection subscription, and
 * a duplicate of the HTTP DDoS Attack Alert) and the Advanced Security Events Alert (Enterprise,
 * the same alert per service).
 *
 * The HTTP DDoS Attack Alert has no filters: it reports attacks on every zone of the account. The
 * Security Events Alert is filtered to `zoneId`, as Cloudflare requires. The policies are
 * account-level and enabled; deleting the construct deletes them.
 */
export class EdgeAlerts extends Construct {
  /** The HTTP DDoS Attack Alert (every plan). */
  public readonly resource: NotificationPolicy;
  /** The Security Events Alert of the zone (Business and Enterprise). */
  public readonly securityEvents?: NotificationPolicy;
  /** The Load Balancing Health Alert of the pools, when `loadBalancerPoolIds` is given. */
  public readonly poolHealth?: NotificationPolicy;
  /** The Pool Enablement alert of the pools, when `loadBalancerPoolIds` is given. */
  public readonly poolEnablement?: NotificationPolicy;
  /** The webhook destination, when `webhook` is given. */
  public readonly webhook?: NotificationPolicyWebhooks;
  /** Every policy created, in the order above. */
  public readonly policies: readonly NotificationPolicy[];

  constructor(scope: Construct, id: string, props: EdgeAlertsProps) {
    super(scope, id);
    const where = `EdgeAlerts ${this.node.path}`;
    const known = (v: string | undefined): v is string => v !== undefined && !Token.isUnresolved(v);
    checkCloudflareId(where, 'accountId', props.accountId);
    checkCloudflareId(where, 'zoneId', props.zoneId);
    checkCloudflarePlan(where, props.plan);

    const emails = props.emails ?? [];
    const seen = new Set<string>();
    for (const email of emails) {
      if (!known(email)) continue;
      if (!/^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/.test(email)) {
        throw new Error(`${where}: emails entry "${email}" is invalid; expected an e-mail address such as oncall@example.com`);
      }
      if (seen.has(email.toLowerCase())) throw new Error(`${where}: emails lists "${email}" twice; list each address once`);
      seen.add(email.toLowerCase());
    }
    if (emails.length === 0 && props.webhook === undefined) {
      throw new Error(
        `${where}: no destination; expected at least one on-call address in emails, or a webhook (an alert that reaches ` +
          `nobody pages nobody)`,
      );
    }
    if (props.webhook) checkWebhook(where, props.webhook);
    const pools = props.loadBalancerPoolIds;
    if (pools !== undefined && pools.length === 0) {
      throw new Error(
        `${where}: loadBalancerPoolIds is empty; expected the ids of the pools to watch, or leave it out for no load balancing alerts`,
      );
    }
    const prefix = props.namePrefix ?? 'baseline';
    if (known(prefix) && !/^\S(?:.{0,80}\S)?$/.test(prefix)) {
      throw new Error(
        `${where}: namePrefix "${prefix}" is invalid; expected 1-82 characters without leading or trailing spaces, such as acme-prod`,
      );
    }

    if (props.webhook) {
      this.webhook = new NotificationPolicyWebhooks(this, 'Webhook', {
        accountId: props.accountId,
        name: props.webhook.name,
        url: props.webhook.url,
        ...(props.webhook.secret !== undefined ? { secret: props.webhook.secret } : {}),
      });
    }
    const mechanisms: NotificationPolicyMechanisms = {
      ...(emails.length > 0 ? { email: emails.map((address) => ({ id: address })) } : {}),
      ...(this.webhook ? { webhooks: [{ id: this.webhook.id }] } : {}),
    };
    const policy = (
      policyId: string,
      name: string,
      description: string,
      alertType: string,
      filters?: NotificationPolicyFilters,
    ): NotificationPolicy =>
      new NotificationPolicy(this, policyId, {
        accountId: props.accountId,
        name: `${prefix}: ${name}`,
        description,
        alertType,
        // Explicit: a policy switched off in the dashboard is put back on by the next apply.
        enabled: true,
        mechanisms,
        ...(filters ? { filters } : {}),
      });

    this.resource = policy(
      'Resource',
      'HTTP DDoS attack on the edge',
      'Cloudflare mitigated an HTTP DDoS attack on a zone of this account (DETECT-THREATS)',
      CLOUDFLARE_ALERT_TYPES.httpDdos,
    );
    if (SECURITY_EVENTS_ALERT_PLANS.includes(props.plan)) {
      this.securityEvents = policy(
        'SecurityEvents',
        'security events spike on the edge',
        "The zone's WAF, custom rules and rate limits are blocking or challenging an unusual number of requests: an attack in " +
          'progress (DETECT-THREATS)',
        CLOUDFLARE_ALERT_TYPES.securityEvents,
        // Cloudflare requires the zones filter on this alert type.
        { zones: [props.zoneId] },
      );
    }
    if (pools) {
      this.poolHealth = policy(
        'PoolHealth',
        'origin pool health changed',
        "A region's pool or origin became unhealthy (traffic fails over) or healthy again, as Cloudflare's monitors see it " +
          'from every region (DETECT-THREATS, DR-REGION)',
        CLOUDFLARE_ALERT_TYPES.loadBalancingHealth,
        // Both directions: "unhealthy" opens the incident, "healthy" tells on-call the region is back.
        { poolId: [...pools], newHealth: ['Unhealthy', 'Healthy'], eventSource: ['pool', 'origin'] },
      );
      this.poolEnablement = policy(
        'PoolEnablement',
        'origin pool enabled or disabled',
        "A region's pool was switched off or on (a disabled DR pool leaves nothing to fail over to) (DETECT-THREATS, DR-REGION)",
        CLOUDFLARE_ALERT_TYPES.poolEnablement,
        { poolId: [...pools], enabled: ['false', 'true'] },
      );
    }
    this.policies = [this.resource, this.securityEvents, this.poolHealth, this.poolEnablement].filter(
      (p): p is NotificationPolicy => p !== undefined,
    );
  }
}

/** Fails unless the webhook has a name, an HTTPS URL without credentials and a deploy-time secret. */
function checkWebhook(where: string, webhook: EdgeAlertsWebhook): void {
  if (!Token.isUnresolved(webhook.name) && !/^\S(?:.{0,98}\S)?$/.test(webhook.name)) {
    throw new Error(
      `${where}: webhook.name "${webhook.name}" is invalid; expected 1-100 characters without leading or trailing spaces, ` +
        `such as oncall-pager`,
    );
  }
  if (!Token.isUnresolved(webhook.url)) {
    const problem = webhookUrlProblem(webhook.url);
    if (problem) throw new Error(`${where}: webhook.url "${redactUrl(webhook.url)}" ${problem}`);
  }
  if (webhook.secret !== undefined && !Token.isUnresolved(webhook.secret)) {
    throw new Error(
      `${where}: webhook.secret is literal text, which would be written into the synthesized JSON (control SECRETS); pass a ` +
        `reference resolved at deploy time, such as a sensitive TerraformVariable's value (TF_VAR_...)`,
    );
  }
}
