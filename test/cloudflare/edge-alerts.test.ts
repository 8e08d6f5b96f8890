import { TerraformVariable } from 'cdktf';
import { CLOUDFLARE_ALERT_TYPES, EdgeAlerts, SECURITY_EVENTS_ALERT_PLANS, type EdgeAlertsProps } from '../../lib/cloudflare/edge-alerts';
import { CLOUDFLARE_PLANS } from '../../lib/config/cloudflare-plan-limits';
import { ACCOUNT_ID, resourcesOf, synthCloudflare, ZONE_ID } from './support';

const POLICY = 'cloudflare_notification_policy';
const WEBHOOK = 'cloudflare_notification_policy_webhooks';
const BASE: EdgeAlertsProps = {
  accountId: ACCOUNT_ID,
  zoneId: ZONE_ID,
  plan: 'business',
  emails: ['oncall@example.com', 'security@example.com'],
};
const EMAILS = { email: [{ id: 'oncall@example.com' }, { id: 'security@example.com' }] };
/** The policies of a synth by construct child id (the name without the construct path and hash). */
const policies = (json: any) =>
  Object.fromEntries(
    Object.entries(resourcesOf(json, POLICY)).map(([name, r]) => [
      name.replace(/^Alerts_?/, '').replace(/_?[0-9A-F]{8}$/, '') || 'Resource',
      r,
    ]),
  );

describe('EdgeAlerts', () => {
  let alerts!: EdgeAlerts;
  const json = synthCloudflare((s) => {
    alerts = new EdgeAlerts(s, 'Alerts', {
      ...BASE,
      namePrefix: 'acme-prod',
      loadBalancerPoolIds: ['${cloudflare_load_balancer_pool.primary.id}', '${cloudflare_load_balancer_pool.dr.id}'],
    });
  });

  it('e-mails on-call on HTTP DDoS attacks, security event spikes and pool health and enablement changes, all enabled', () => {
    expect(policies(json)).toEqual({
      Resource: {
        account_id: ACCOUNT_ID,
        name: 'acme-prod: HTTP DDoS attack on the edge',
        description: 'Cloudflare mitigated an HTTP DDoS attack on a zone of this account (DETECT-THREATS)',
        alert_type: 'dos_attack_l7',
        enabled: true,
        mechanisms: EMAILS,
      },
      SecurityEvents: {
        account_id: ACCOUNT_ID,
        name: 'acme-prod: security events spike on the edge',
        description:
          "The zone's WAF, custom rules and rate limits are blocking or challenging an unusual number of requests: an attack " +
          'in progress (DETECT-THREATS)',
        alert_type: 'clickhouse_alert_fw_anomaly',
        enabled: true,
        filters: { zones: [ZONE_ID] },
        mechanisms: EMAILS,
      },
      PoolHealth: {
        account_id: ACCOUNT_ID,
        name: 'acme-prod: origin pool health changed',
        description:
          "A region's pool or origin became unhealthy (traffic fails over) or healthy again, as Cloudflare's monitors see it " +
          'from every region (DETECT-THREATS, DR-REGION)',
        alert_type: 'load_balancing_health_alert',
        enabled: true,
        filters: {
          pool_id: ['${cloudflare_load_balancer_pool.primary.id}', '${cloudflare_load_balancer_pool.dr.id}'],
          new_health: ['Unhealthy', 'Healthy'],
          event_source: ['pool', 'origin'],
        },
        mechanisms: EMAILS,
      },
      PoolEnablement: {
        account_id: ACCOUNT_ID,
        name: 'acme-prod: origin pool enabled or disabled',
        description:
          "A region's pool was switched off or on (a disabled DR pool leaves nothing to fail over to) (DETECT-THREATS, DR-REGION)",
        alert_type: 'load_balancing_pool_enablement_alert',
        enabled: true,
        filters: {
          pool_id: ['${cloudflare_load_balancer_pool.primary.id}', '${cloudflare_load_balancer_pool.dr.id}'],
          enabled: ['false', 'true'],
        },
        mechanisms: EMAILS,
      },
    });
    expect(Object.keys(json.resource ?? {})).toEqual([POLICY]);
  });

  it('exposes the policies, the DDoS alert as its Resource child', () => {
    expect(alerts.resource.node.id).toBe('Resource');
    expect(alerts.policies.map((p) => p.node.id)).toEqual(['Resource', 'SecurityEvents', 'PoolHealth', 'PoolEnablement']);
    expect(alerts.webhook).toBeUndefined();
  });

  it('names its alert types as Cloudflare does, and offers the Security Events Alert from Business up', () => {
    expect(CLOUDFLARE_ALERT_TYPES).toEqual({
      httpDdos: 'dos_attack_l7',
      advancedHttpDdos: 'advanced_ddos_attack_l7_alert',
      securityEvents: 'clickhouse_alert_fw_anomaly',
      advancedSecurityEvents: 'clickhouse_alert_fw_ent_anomaly',
      loadBalancingHealth: 'load_balancing_health_alert',
      poolEnablement: 'load_balancing_pool_enablement_alert',
    });
    expect(SECURITY_EVENTS_ALERT_PLANS).toEqual(['business', 'enterprise']);
  });

  it.each(
    CLOUDFLARE_PLANS.map(
      (plan) => [plan, plan === 'business' || plan === 'enterprise' ? ['Resource', 'SecurityEvents'] : ['Resource']] as const,
    ),
  )('creates on the %s plan only the alerts Cloudflare offers there: %j', (plan, expected) => {
    const out = synthCloudflare((s) => new EdgeAlerts(s, 'Alerts', { ...BASE, plan }));
    expect(Object.keys(policies(out)).sort()).toEqual([...expected].sort());
    expect(
      Object.values<any>(resourcesOf(out, POLICY))
        .map((p) => p.alert_type)
        .sort(),
    ).toEqual(expected.map((id) => (id === 'Resource' ? 'dos_attack_l7' : 'clickhouse_alert_fw_anomaly')).sort());
  });

  it('defaults the name prefix to "baseline"', () => {
    const out = synthCloudflare((s) => new EdgeAlerts(s, 'Alerts', BASE));
    expect(
      Object.values<any>(resourcesOf(out, POLICY))
        .map((p) => p.name)
        .sort(),
    ).toEqual(['baseline: HTTP DDoS attack on the edge', 'baseline: security events spike on the edge']);
  });
});

describe('EdgeAlerts with a webhook', () => {
  let alerts!: EdgeAlerts;
  const json = synthCloudflare((s) => {
    const secret = new TerraformVariable(s, 'alert_webhook_secret', { type: 'string', sensitive: true });
    alerts = new EdgeAlerts(s, 'Alerts', {
      ...BASE,
      emails: ['oncall@example.com'],
      webhook: { name: 'pager', url: 'https://events.example.com/cloudflare', secret: secret.stringValue },
    });
  });

  it('creates the destination with its secret read from a variable, and sends every alert to it and to the addresses', () => {
    const [[webhookName, webhook]] = Object.entries(resourcesOf(json, WEBHOOK));
    expect(webhook).toEqual({
      account_id: ACCOUNT_ID,
      name: 'pager',
      url: 'https://events.example.com/cloudflare',
      secret: '${var.alert_webhook_secret}',
    });
    for (const policy of Object.values<any>(resourcesOf(json, POLICY))) {
      expect(policy.mechanisms).toEqual({ email: [{ id: 'oncall@example.com' }], webhooks: [{ id: `\${${WEBHOOK}.${webhookName}.id}` }] });
    }
    expect(alerts.webhook?.node.id).toBe('Webhook');
  });

  it('can deliver to the webhook alone, and without a secret when none is given', () => {
    const out = synthCloudflare(
      (s) => new EdgeAlerts(s, 'Alerts', { ...BASE, emails: undefined, webhook: { name: 'pager', url: 'https://events.example.com/cf' } }),
    );
    const [[name, webhook]] = Object.entries(resourcesOf(out, WEBHOOK));
    expect(webhook).toEqual({ account_id: ACCOUNT_ID, name: 'pager', url: 'https://events.example.com/cf' });
    for (const policy of Object.values<any>(resourcesOf(out, POLICY)))
      expect(policy.mechanisms).toEqual({ webhooks: [{ id: `\${${WEBHOOK}.${name}.id}` }] });
  });
});

describe('EdgeAlerts validation', () => {
  const build = (props: Partial<EdgeAlertsProps>) => () => synthCloudflare((s) => new EdgeAlerts(s, 'Alerts', { ...BASE, ...props }));

  it.each<[string, Partial<EdgeAlertsProps>, RegExp]>([
    [
      'an invalid account id',
      { accountId: 'acme' },
      /^EdgeAlerts \S*Alerts: accountId "acme" is invalid; expected the account's id, 32 lowercase hex digits/,
    ],
    ['an invalid zone id', { zoneId: 'example.com' }, /zoneId "example\.com" is invalid; expected the zone's id/],
    [
      'an unknown plan',
      { plan: 'premium' as any },
      /plan "premium" is not a Cloudflare plan; expected one of free, pro, business, enterprise/,
    ],
    [
      'no destination',
      { emails: [] },
      /no destination; expected at least one on-call address in emails, or a webhook \(an alert that reaches nobody pages nobody\)/,
    ],
    [
      'an invalid address',
      { emails: ['oncall'] },
      /emails entry "oncall" is invalid; expected an e-mail address such as oncall@example\.com/,
    ],
    ['an address twice', { emails: ['a@example.com', 'A@example.com'] }, /emails lists "A@example\.com" twice; list each address once/],
    ['an empty pool list', { loadBalancerPoolIds: [] }, /loadBalancerPoolIds is empty; expected the ids of the pools to watch/],
    ['a blank name prefix', { namePrefix: ' ' }, /namePrefix " " is invalid; expected 1-82 characters/],
    [
      'a webhook over plain HTTP',
      { webhook: { name: 'pager', url: 'http://events.example.com/cf' } },
      /webhook\.url "http:\/\/events\.example\.com\/\.\.\." uses http; expected https/,
    ],
    [
      'a webhook URL with a password',
      { webhook: { name: 'pager', url: 'https://u:p@events.example.com/cf' } },
      /webhook\.url "https:\/\/events\.example\.com\/\.\.\." holds user credentials; a credential never goes in config or synth/,
    ],
    [
      'a webhook URL with a token in the query',
      { webhook: { name: 'pager', url: 'https://events.example.com/cf?token=abc' } },
      /has a query string or fragment, where tokens usually travel/,
    ],
    [
      'a Slack incoming-webhook URL',
      { webhook: { name: 'slack', url: 'https://hooks.slack.com/services/T0/B0/XXXX' } },
      /is an incoming-webhook URL of hooks\.slack\.com, which is itself the credential/,
    ],
    [
      'a Discord webhook URL',
      { webhook: { name: 'discord', url: 'https://discord.com/api/webhooks/1/abc' } },
      /is an incoming-webhook URL of discord\.com/,
    ],
    [
      'a webhook URL that is no URL',
      { webhook: { name: 'pager', url: 'events.example.com' } },
      /webhook\.url "events\.example\.com" is not a URL; expected an HTTPS URL/,
    ],
    [
      'a literal webhook secret',
      { webhook: { name: 'pager', url: 'https://events.example.com/cf', secret: 's3cr3t' } },
      /webhook\.secret is literal text, which would be written into the synthesized JSON \(control SECRETS\)/,
    ],
    ['a blank webhook name', { webhook: { name: '', url: 'https://events.example.com/cf' } }, /webhook\.name "" is invalid/],
  ])('rejects %s', (_what, props, message) => {
    expect(build(props)).toThrow(message);
  });

  it("never echoes a URL's path or query, where a token may be", () => {
    expect(build({ webhook: { name: 'pager', url: 'http://events.example.com/t0k3n?x=y' } })).toThrow(/^(?!.*t0k3n)/s);
  });
});
