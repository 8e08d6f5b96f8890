import { CONTROLS, checkCloudflare, failures, formatFindings, type CheckResult, type ControlId } from '../../lib/controls';
import { parseConfig } from '../../lib/config/load';
import { synthCloudflareApp } from './azure-support';
import { CLIENT_B, FAKE_PRIVATE_KEY } from '../fixtures/origin-pull';
import { defaultConfig, rawDefaultConfig } from './support';

// The control checks of lib/controls run over the real synthesized Cloudflare stacks: every
// control the edge carries must pass, and each weakening below must flip the control it breaks.
const config = defaultConfig();
const stacks = synthCloudflareApp(config);
const CLOUDFLARE_CHECKED = CONTROLS.filter((c) => c.checks.cloudflare).map((c) => c.id);

type Tf = { resource: Record<string, Record<string, any>>; provider?: any };
const copy = (tf: Tf): Tf => JSON.parse(JSON.stringify(tf));
const byControl = (results: CheckResult[]) => Object.fromEntries(results.map((r) => [r.control, r])) as Record<ControlId, CheckResult>;
const all = (tf: Tf, type: string) => Object.values(tf.resource[type] ?? {});
const setting = (tf: Tf, id: string) => all(tf, 'cloudflare_zone_setting').find((s) => s.setting_id === id)!;
const ruleset = (tf: Tf, phase: string) => all(tf, 'cloudflare_ruleset').find((r) => r.phase === phase)!;
const POLICY = 'cloudflare_notification_policy';
/** The notification policy of an alert type (exactly one in the edge stack). */
const policy = (tf: Tf, alertType: string) => all(tf, POLICY).find((p) => p.alert_type === alertType)!;
const dropPolicy = (tf: Tf, alertType: string) => {
  const [name] = Object.entries(tf.resource[POLICY]).find(([, p]) => p.alert_type === alertType)!;
  delete tf.resource[POLICY][name];
};

/** Each weakening a reviewer must never miss, and the control that must then fail. */
const WEAKENINGS: [string, ControlId, (t: Tf) => void][] = [
  ['SSL mode flexible (plain HTTP to the origin)', 'EDGE-TLS', (t) => (setting(t, 'ssl').value = 'flexible')],
  ['TLS 1.0 accepted', 'EDGE-TLS', (t) => (setting(t, 'min_tls_version').value = '1.0')],
  ['HSTS for one day', 'EDGE-TLS', (t) => (setting(t, 'security_header').value.strict_transport_security.max_age = 86400)],
  [
    'the OWASP ruleset removed',
    'WAF-MANAGED',
    (t) => {
      const managed = ruleset(t, 'http_request_firewall_managed');
      managed.rules = managed.rules.filter((r: any) => r.action_parameters?.id !== '4814384a9e5d4991b9815dcfc25d2f1f');
    },
  ],
  ['the browser integrity check off', 'WAF-REPUTATION', (t) => (setting(t, 'browser_check').value = 'off')],
  ['the unexpected-host rule disabled', 'WAF-REPUTATION', (t) => (ruleset(t, 'http_request_firewall_custom').rules[0].enabled = false)],
  [
    'the all-traffic rate rule removed',
    'WAF-RATE-GLOBAL',
    (t) => {
      const rl = ruleset(t, 'http_ratelimit');
      rl.rules = rl.rules.filter((r: any) => r.expression !== 'true');
    },
  ],
  [
    'the login limit loosened above the global one',
    'WAF-RATE-CRITICAL',
    (t) => (ruleset(t, 'http_ratelimit').rules[0].ratelimit.requests_per_period = 100000),
  ],
  ['authenticated origin pulls off', 'ORIGIN-LOCK', (t) => (all(t, 'cloudflare_authenticated_origin_pulls_settings')[0].enabled = false)],
  // The bypass this control exists for: Cloudflare's shared certificate, presented by every zone.
  [
    "the zone's own certificate removed (the shared one presented)",
    'ORIGIN-LOCK',
    (t) => delete t.resource.cloudflare_authenticated_origin_pulls_certificate,
  ],
  [
    'a certificate of another CA uploaded (the origins would refuse it, or trust another zone)',
    'ORIGIN-LOCK',
    (t) => (all(t, 'cloudflare_authenticated_origin_pulls_certificate')[0].certificate = CLIENT_B),
  ],
  [
    'the origin-pull private key pasted into the stack',
    'SECRETS',
    (t) => (all(t, 'cloudflare_authenticated_origin_pulls_certificate')[0].private_key = FAKE_PRIVATE_KEY),
  ],
  [
    'URL normalization off (//login counted as another path)',
    'WAF-RATE-CRITICAL',
    (t) => (all(t, 'cloudflare_url_normalization_settings')[0].scope = 'none'),
  ],
  [
    'the login path compared as sent (/Login escapes)',
    'WAF-RATE-CRITICAL',
    (t) => {
      const rule = ruleset(t, 'http_ratelimit').rules[0];
      rule.expression = rule.expression.replace('lower(http.request.uri.path)', 'http.request.uri.path');
    },
  ],
  ['the load balancer DNS-only (origins exposed)', 'ORIGIN-LOCK', (t) => (all(t, 'cloudflare_load_balancer')[0].proxied = false)],
  ['SSL mode flexible: the edge speaks plain HTTP to the origin', 'ENC-TRANSIT', (t) => (setting(t, 'ssl').value = 'flexible')],
  ['a plain-HTTP health monitor', 'ENC-TRANSIT', (t) => (all(t, 'cloudflare_load_balancer_monitor')[0].type = 'http')],
  ['random steering instead of failover order', 'DR-REGION', (t) => (all(t, 'cloudflare_load_balancer')[0].steering_policy = 'random')],
  [
    'only the primary pool',
    'DR-REGION',
    (t) => {
      const lb = all(t, 'cloudflare_load_balancer')[0];
      lb.default_pools = lb.default_pools.slice(0, 1);
    },
  ],
  [
    'an API token written into the provider block',
    'SECRETS',
    (t) => (t.provider = { cloudflare: [{ api_token: 'abcdefghijklmnopqrstuvwxyz0123456789ABCD' }] }),
  ],
  // An attack on the edge that nobody is paged for.
  ['the HTTP DDoS alert removed', 'DETECT-THREATS', (t) => dropPolicy(t, 'dos_attack_l7')],
  ['the security events alert removed', 'DETECT-THREATS', (t) => dropPolicy(t, 'clickhouse_alert_fw_anomaly')],
  ['the security events alert disabled', 'DETECT-THREATS', (t) => (policy(t, 'clickhouse_alert_fw_anomaly').enabled = false)],
  ['the HTTP DDoS alert sent nowhere', 'DETECT-THREATS', (t) => (policy(t, 'dos_attack_l7').mechanisms = {})],
  [
    'the security events alert filtered to another zone',
    'DETECT-THREATS',
    (t) => (policy(t, 'clickhouse_alert_fw_anomaly').filters.zones = ['99999999999999999999999999999999']),
  ],
  [
    'the DR pool left out of the health alert',
    'DETECT-THREATS',
    (t) =>
      (policy(t, 'load_balancing_health_alert').filters.pool_id = policy(t, 'load_balancing_health_alert').filters.pool_id.slice(0, 1)),
  ],
  ['the pool enablement alert removed', 'DETECT-THREATS', (t) => dropPolicy(t, 'load_balancing_pool_enablement_alert')],
];

const JOB = 'cloudflare_logpush_job';
const logpushJob = (tf: Tf, dataset: string) => all(tf, JOB).find((j) => j.dataset === dataset)!;

/** Weakenings of the Enterprise variant's Logpush: the edge's evidence no longer leaves Cloudflare whole. */
const LOGPUSH_WEAKENINGS: [string, ControlId, (t: Tf) => void][] = [
  ['every Logpush job removed', 'LOG-CENTRAL', (t) => delete t.resource[JOB]],
  [
    'the firewall events job removed',
    'LOG-CENTRAL',
    (t) => {
      const [name] = Object.entries(t.resource[JOB]).find(([, j]) => j.dataset === 'firewall_events')!;
      delete t.resource[JOB][name];
    },
  ],
  ['the HTTP requests job disabled', 'LOG-CENTRAL', (t) => (logpushJob(t, 'http_requests').enabled = false)],
  [
    'the firewall events filtered to blocks only',
    'LOG-CENTRAL',
    (t) => (logpushJob(t, 'firewall_events').filter = '{"where":{"key":"Action","operator":"eq","value":"block"}}'),
  ],
  ['the HTTP requests sampled at 1 %', 'LOG-CENTRAL', (t) => (logpushJob(t, 'http_requests').output_options.sample_rate = 0.01)],
  [
    'the client address dropped from the firewall events',
    'LOG-CENTRAL',
    (t) => {
      const options = logpushJob(t, 'firewall_events').output_options;
      options.field_names = options.field_names.filter((f: string) => f !== 'ClientIP');
    },
  ],
  ['the ownership challenge pasted into the stack', 'SECRETS', (t) => (logpushJob(t, 'http_requests').ownership_challenge = 'a1b2c3d4')],
];

describe('the Enterprise variant (prod on Enterprise with cloudflare.logpush)', () => {
  const raw = rawDefaultConfig() as any;
  raw.environments.prod.cloudflare.plan = 'enterprise';
  raw.environments.prod.cloudflare.logpush = { destination: 's3://acme-prod-edge-logs/{DATE}?region=eu-central-1' };
  const enterprise = parseConfig(raw);
  const stack = synthCloudflareApp(enterprise)['prod-cloudflare'] as Tf;
  const cf = enterprise.environments.prod.cloudflare!;
  const options = { originPullCaCertificates: cf.originPull!.caCertificates, cloudflarePlan: cf.plan };

  it('passes every Cloudflare-checked control, LOG-CENTRAL included', () => {
    const results = checkCloudflare(stack, options);
    expect(formatFindings(failures(results))).toBe('');
    const status = byControl(results);
    for (const id of CLOUDFLARE_CHECKED) expect({ id, status: status[id].status }).toEqual({ id, status: 'pass' });
  });

  it.each(LOGPUSH_WEAKENINGS)('fails with %s (%s)', (_what, control, weaken) => {
    const weakened = copy(stack);
    weaken(weakened);
    const result = byControl(checkCloudflare(weakened, options))[control];
    expect(result.status).toBe('fail');
    expect(result.findings.every((f) => f.control === control)).toBe(true);
  });
});

describe.each(['staging', 'prod'])('Cloudflare control checks on %s', (env) => {
  const stack = stacks[`${env}-cloudflare`] as Tf;
  const options = {
    originPullCaCertificates: config.environments[env].cloudflare!.originPull!.caCertificates,
    cloudflarePlan: config.environments[env].cloudflare!.plan,
  };

  it(
    'pass on the edge stack, every Cloudflare-checked control applying but LOG-CENTRAL, unchecked with the reason (Logpush ' +
      'needs Enterprise)',
    () => {
      const results = checkCloudflare(stack, options);
      expect(formatFindings(failures(results))).toBe('');
      const status = byControl(results);
      for (const id of CLOUDFLARE_CHECKED.filter((c) => c !== 'LOG-CENTRAL'))
        expect({ id, status: status[id].status }).toEqual({ id, status: 'pass' });
      expect(status['LOG-CENTRAL']).toMatchObject({
        status: 'unchecked',
        reason: expect.stringMatching(
          new RegExp(
            "stay in Cloudflare's dashboard: no Logpush job exports them, and Logpush of a zone's HTTP requests and firewall " +
              'events needs an Enterprise zone \\(cloudflare\\.plan is business\\)$',
          ),
        ),
      });
    },
  );

  it('covers every Cloudflare-checked control with a weakening of the real stack (LOG-CENTRAL on the Enterprise variant below)', () => {
    const covered = new Set([...WEAKENINGS, ...LOGPUSH_WEAKENINGS].map(([, id]) => id));
    expect(CLOUDFLARE_CHECKED.filter((id) => !covered.has(id))).toEqual([]);
  });

  it.each(WEAKENINGS)('fail with %s (%s)', (_what, control, weaken) => {
    const weakened = copy(stack);
    weaken(weakened);
    const result = byControl(checkCloudflare(weakened, options))[control];
    expect(result.status).toBe('fail');
    expect(result.findings.every((f) => f.control === control)).toBe(true);
  });
});
