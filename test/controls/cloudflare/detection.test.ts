import { checkDetectThreats } from '../../../lib/controls/cloudflare/detection';
import { ACCOUNT_ID, edge, every, expectFinding, expectNotApplicable, expectPass, named, ONCALL, weakened, ZONE_ID } from './support';

const POLICY = 'cloudflare_notification_policy';
const WEBHOOK = 'cloudflare_notification_policy_webhooks';
const OTHER_ZONE = '99999999999999999999999999999999';
const ddosAt = every(edge(), POLICY).find((p) => p.args.alert_type === 'dos_attack_l7')!.address;
const eventsAt = named(edge(), POLICY, 'Alerts_SecurityEvents').address;
const healthAt = named(edge(), POLICY, 'Alerts_PoolHealth').address;
const enablementAt = named(edge(), POLICY, 'Alerts_PoolEnablement').address;
const drPoolAt = named(edge(), 'cloudflare_load_balancer_pool', 'Failover_DrPool').address;
const args = (t: any, address: string) => t.resource[POLICY][address.split('.')[1]];
const drop = (t: any, address: string) => delete t.resource[POLICY][address.split('.')[1]];
const T = '(template)';

describe('DETECT-THREATS (Cloudflare)', () => {
  it(
    'passes the edge: DDoS and security event alerts for the zone, health and enablement alerts for both pools, all ' + 'e-mailing on-call',
    () => {
      const result = checkDetectThreats(edge());
      expectPass(result);
      expect([...result.evidence].sort()).toEqual([ddosAt, eventsAt, healthAt, enablementAt].sort());
      expect(result.exceptions).toBeUndefined();
      expect(every(edge(), POLICY).map((p) => p.args.mechanisms)).toEqual(Array(4).fill({ email: [{ id: ONCALL }] }));
    },
  );

  it('is not applicable to a stack without zones, pools or notification policies', () => {
    expectNotApplicable(checkDetectThreats({}));
    expectNotApplicable(
      checkDetectThreats({ resource: { cloudflare_load_balancer_monitor: { m: { account_id: ACCOUNT_ID, type: 'https' } } } }),
    );
  });

  it('passes policies reaching on-call through a webhook of the stack with an https URL, or a PagerDuty service', () => {
    const viaWebhook = weakened((t) => {
      t.resource[WEBHOOK] = {
        pager: { account_id: ACCOUNT_ID, name: 'pager', url: 'https://events.example.com/cf', secret: '${var.alert_webhook_secret}' },
      };
      for (const p of every(t, POLICY)) p.args.mechanisms = { webhooks: [{ id: `\${${WEBHOOK}.pager.id}` }] };
    });
    const result = checkDetectThreats(viaWebhook);
    expectPass(result);
    expect(result.evidence).toContain(`${WEBHOOK}.pager`);
    expectPass(
      checkDetectThreats(
        weakened((t) => {
          for (const p of every(t, POLICY)) p.args.mechanisms = { pagerduty: [{ id: 'f174e90afafe4643bbbc4a0ed4fc8415' }] };
        }),
      ),
    );
  });

  it("accepts the Advanced alerts in place of the standard ones when they watch the zone and the edge's defences", () => {
    expectPass(
      checkDetectThreats(
        weakened((t) => {
          args(t, ddosAt).alert_type = 'advanced_ddos_attack_l7_alert';
          args(t, ddosAt).filters = { zones: [ZONE_ID] };
          Object.assign(args(t, eventsAt), {
            alert_type: 'clickhouse_alert_fw_ent_anomaly',
            filters: { zones: [ZONE_ID], services: ['firewallManaged', 'firewallCustom', 'ratelimit', 'bic'] },
          });
        }),
      ),
    );
  });

  it(
    "reports a Free or Pro zone's missing Security Events Alert as an exception beside the pass (Cloudflare offers it from " +
      'Business up)',
    () => {
      const noEvents = weakened((t) => drop(t, eventsAt));
      for (const plan of ['free', 'pro'] as const) {
        const result = checkDetectThreats(noEvents, { cloudflarePlan: plan });
        expectPass(result);
        expect(result.exceptions).toEqual([
          {
            control: 'DETECT-THREATS',
            resource: T,
            message:
              `zone "${ZONE_ID}" is on the ${plan} plan: Cloudflare offers the Security Events Alert on Business and Enterprise ` +
              `only, so WAF blocks, challenges and rate-limit actions page nobody; only HTTP DDoS attacks (and pool health) ` +
              `alert on-call`,
          },
        ]);
      }
      expectFinding(
        checkDetectThreats(noEvents, { cloudflarePlan: 'enterprise' }),
        T,
        new RegExp(
          'has no enabled cloudflare_notification_policy alerting on-call on security event spikes .*WAF blocks and rate-limit ' +
            'actions page nobody without it$',
        ),
      );
      expectFinding(
        checkDetectThreats(noEvents),
        T,
        new RegExp(
          'security event spikes .*\\(a Free or Pro zone cannot have it: give the plan, config cloudflare\\.plan, and the check ' +
            'reports the gap as an exception\\)$',
        ),
      );
      // The DDoS alert is offered on every plan: never an exception.
      expectFinding(
        checkDetectThreats(
          weakened((t) => drop(t, ddosAt)),
          { cloudflarePlan: 'free' },
        ),
        T,
        /HTTP DDoS attacks/,
      );
    },
  );

  it.each<[string, (t: any) => void, string, RegExp]>([
    [
      'the DDoS alert removed',
      (t) => drop(t, ddosAt),
      T,
      new RegExp(
        `^zone "${ZONE_ID}" has no enabled cloudflare_notification_policy alerting on-call on HTTP DDoS attacks \\(alert_type ` +
          `"dos_attack_l7", every plan\\); expected one reaching an on-call destination: an attack on the edge that nobody is ` +
          `paged for$`,
      ),
    ],
    [
      'the DDoS alert turned into another alert type',
      (t) => (args(t, ddosAt).alert_type = 'universal_ssl_event_type'),
      T,
      /alerting on-call on HTTP DDoS attacks/,
    ],
    [
      'the security events alert removed',
      (t) => drop(t, eventsAt),
      T,
      /alerting on-call on security event spikes \(alert_type "clickhouse_alert_fw_anomaly", Business and Enterprise\)/,
    ],
    [
      'the DDoS alert disabled',
      (t) => (args(t, ddosAt).enabled = false),
      ddosAt,
      /^dos_attack_l7 policy: enabled is false; expected true \(a disabled policy pages nobody\)$/,
    ],
    [
      'the security events alert disabled as a string',
      (t) => (args(t, eventsAt).enabled = 'false'),
      eventsAt,
      /enabled is false; expected true/,
    ],
    [
      'the DDoS alert without a destination',
      (t) => (args(t, ddosAt).mechanisms = {}),
      ddosAt,
      new RegExp(
        '^dos_attack_l7 policy: mechanisms \\{\\} reach no on-call destination; expected an on-call e-mail address, a webhook ' +
          'of this stack with an https URL, or a PagerDuty service$',
      ),
    ],
    [
      'an e-mail id that is no address',
      (t) => (args(t, eventsAt).mechanisms = { email: [{ id: 'oncall' }] }),
      eventsAt,
      /reach no on-call destination \(email id "oncall" is not an e-mail address\)/,
    ],
    [
      'a webhook the stack does not hold',
      (t) => (args(t, ddosAt).mechanisms = { webhooks: [{ id: '${cloudflare_notification_policy_webhooks.gone.id}' }] }),
      ddosAt,
      new RegExp(
        'webhooks id "\\$\\{cloudflare_notification_policy_webhooks\\.gone\\.id\\}" is not a ' +
          'cloudflare_notification_policy_webhooks of this stack',
      ),
    ],
    [
      'a webhook over plain HTTP',
      (t) => {
        t.resource[WEBHOOK] = { pager: { account_id: ACCOUNT_ID, name: 'pager', url: 'http://events.example.com/cf' } };
        args(t, ddosAt).mechanisms = { webhooks: [{ id: `\${${WEBHOOK}.pager.id}` }] };
      },
      ddosAt,
      /webhook cloudflare_notification_policy_webhooks\.pager has url "http:\/\/events\.example\.com\/cf", not https/,
    ],
    [
      'the security events alert filtered to another zone',
      (t) => (args(t, eventsAt).filters.zones = [OTHER_ZONE]),
      eventsAt,
      new RegExp(`filters\\.zones is \\["${OTHER_ZONE}"\\], which leaves out "${ZONE_ID}"; expected every zone of this stack`),
    ],
    ['the DDoS alert filtered to another zone', (t) => (args(t, ddosAt).filters = { zones: [OTHER_ZONE] }), ddosAt, /leaves out/],
    [
      'the security events alert without its zones filter',
      (t) => delete args(t, eventsAt).filters,
      eventsAt,
      new RegExp(
        'filters\\.zones is absent; expected the stack\'s zone "0123456789abcdef0123456789abcdef" \\(Cloudflare requires the ' +
          'zones this alert watches\\)',
      ),
    ],
    [
      'the security events alert narrowed to one action',
      (t) => (args(t, eventsAt).filters.actions = ['block']),
      eventsAt,
      /filters\.actions is \["block"\]; expected no actions filter \(it narrows the alert/,
    ],
    [
      'the DDoS alert narrowed to one hostname',
      (t) => (args(t, ddosAt).filters = { target_hostname: ['www.example.com'] }),
      ddosAt,
      /expected no target_hostname filter/,
    ],
    [
      'an advanced security events alert without the rate limits',
      (t) =>
        Object.assign(args(t, eventsAt), {
          alert_type: 'clickhouse_alert_fw_ent_anomaly',
          filters: { zones: [ZONE_ID], services: ['firewallManaged', 'firewallCustom'] },
        }),
      eventsAt,
      /filters\.services is .*; expected at least "firewallManaged", "firewallCustom", "ratelimit"/,
    ],
    [
      'a policy of another account',
      (t) => (args(t, ddosAt).account_id = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'),
      ddosAt,
      /account_id "a{32}" is not the account of this stack's resources \("fedcba9876543210fedcba9876543210"\)/,
    ],
    [
      'the pool health alert removed',
      (t) => drop(t, healthAt),
      T,
      new RegExp(
        "the stack's 2 cloudflare_load_balancer_pool have no enabled cloudflare_notification_policy alerting on-call on pool " +
          'and origin health changes',
      ),
    ],
    ['the pool enablement alert removed', (t) => drop(t, enablementAt), T, /alerting on-call on pools being disabled/],
    [
      'the DR pool left out of the health alert',
      (t) => (args(t, healthAt).filters.pool_id = args(t, healthAt).filters.pool_id.slice(0, 1)),
      healthAt,
      new RegExp(`which leaves out ${drPoolAt.replace(/\./g, '\\.')}; expected a reference to every pool of this stack`),
    ],
    [
      'the health alert on recoveries only',
      (t) => (args(t, healthAt).filters.new_health = ['Healthy']),
      healthAt,
      /filters\.new_health is \["Healthy"\]; expected it to include "Unhealthy" \(a pool going down\)/,
    ],
    [
      'the health alert on origins only',
      (t) => (args(t, healthAt).filters.event_source = ['origin']),
      healthAt,
      /expected it to include "pool"/,
    ],
    [
      'the enablement alert on enabling only',
      (t) => (args(t, enablementAt).filters.enabled = ['true']),
      enablementAt,
      /filters\.enabled is \["true"\]; expected it to include "false" \(a pool being switched off\)/,
    ],
  ])('fails with %s', (_what, edit, resource, message) => {
    expectFinding(checkDetectThreats(weakened(edit)), resource, message);
  });
});
