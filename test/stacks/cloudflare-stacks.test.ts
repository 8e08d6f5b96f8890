import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ConfigError, parseConfig } from '../../lib/config/load';
import { CLOUDFLARE_IPV4_RANGES } from '../../lib/config/cloudflare-ranges';
import { resolveAllCloudflareOrigins } from '../../stacks/cloudflare-stacks';
import { synthAzureApp, synthCloudflareApp, tfOnly, tfResources } from './azure-support';
import { defaultConfig, rawDefaultConfig } from './support';

// The Cloudflare stacks wire config values into the edge constructs; these tests prove each value
// arrives intact, snapshot every stack for review, check determinism, and prove the origins come
// from config or from the deployed stacks' outputs, never from code.
const config = defaultConfig();
const stacks = synthCloudflareApp(config);
const STACKS = ['staging-cloudflare', 'prod-cloudflare'];

function sanitize(stack: any): any {
  const copy = JSON.parse(JSON.stringify(stack));
  if (copy['//']?.metadata) copy['//'].metadata.version = '<cdktf version>';
  return copy;
}
const ruleset = (stack: any, phase: string) => {
  const found = Object.values(tfResources(stack, 'cloudflare_ruleset')).filter((r: any) => r.phase === phase);
  if (found.length !== 1) throw new Error(`expected one ${phase} ruleset, found ${found.length}`);
  return found[0] as any;
};
const setting = (stack: any, id: string) =>
  (Object.values(tfResources(stack, 'cloudflare_zone_setting')) as any[]).find((s) => s.setting_id === id)?.value;

describe('Cloudflare stacks with the default config', () => {
  it('synthesizes one edge stack per environment, offline', () => {
    expect(Object.keys(stacks).sort()).toEqual([...STACKS].sort());
  });

  it.each(STACKS)('matches the reviewed snapshot of %s', (name) => {
    expect(sanitize(stacks[name])).toMatchSnapshot();
  });

  it('is byte-identical across two synths', () => {
    expect(JSON.stringify(synthCloudflareApp(config, { fresh: true }))).toBe(JSON.stringify(stacks));
  });

  it('pins the provider, keeps state local by default, and never holds an API token', () => {
    for (const name of STACKS) {
      expect(stacks[name].terraform.required_providers.cloudflare).toEqual({ source: 'cloudflare/cloudflare', version: '5.14.0' });
      expect(stacks[name].terraform.backend).toEqual({ local: { path: `terraform.${name}.tfstate` } });
      // The provider reads CLOUDFLARE_API_TOKEN; nothing token-like is written.
      expect(stacks[name].provider.cloudflare).toEqual([{}]);
      expect(JSON.stringify(stacks[name])).not.toMatch(/api_token|api_key|api_user_service_key/);
    }
  });
});

describe.each(['staging', 'prod'])('%s Cloudflare stack', (env) => {
  const cfg = config.environments[env];
  const cf = cfg.cloudflare!;
  const stack = stacks[`${env}-cloudflare`];

  it('puts every zone-level resource in the configured zone', () => {
    for (const type of [
      'cloudflare_zone_setting',
      'cloudflare_ruleset',
      'cloudflare_load_balancer',
      'cloudflare_authenticated_origin_pulls_settings',
    ]) {
      for (const r of Object.values(tfResources(stack, type)) as any[])
        expect({ type, zone: r.zone_id }).toEqual({ type, zone: cf.zoneId });
    }
    for (const type of ['cloudflare_load_balancer_pool', 'cloudflare_load_balancer_monitor']) {
      for (const r of Object.values(tfResources(stack, type)) as any[])
        expect({ type, account: r.account_id }).toEqual({ type, account: cf.accountId });
    }
  });

  it('hardens TLS and HSTS and sets the configured security level', () => {
    expect(setting(stack, 'ssl')).toBe('strict');
    expect(setting(stack, 'min_tls_version')).toBe('1.2');
    expect(setting(stack, 'always_use_https')).toBe('on');
    expect(setting(stack, 'browser_check')).toBe('on');
    expect(setting(stack, 'security_level')).toBe(cf.securityLevel);
    expect(setting(stack, 'security_header')).toEqual({
      strict_transport_security: { enabled: true, max_age: 31536000, include_subdomains: true, nosniff: true, preload: cf.hstsPreload },
    });
  });

  it('admits only the configured hostname and runs both managed rulesets', () => {
    expect(ruleset(stack, 'http_request_firewall_custom').rules[0]).toMatchObject({
      action: 'block',
      expression: `not http.host in {"${cf.hostname}"}`,
    });
    const managed = ruleset(stack, 'http_request_firewall_managed').rules;
    expect(managed.map((r: any) => [r.action, r.action_parameters.id])).toEqual([
      ['execute', 'efb7b8c949ac4650a09736fc376e9aee'],
      ['execute', '4814384a9e5d4991b9815dcfc25d2f1f'],
    ]);
  });

  it("rate-limits the configured critical paths and all traffic with the config's numbers", () => {
    const rules = ruleset(stack, 'http_ratelimit').rules;
    expect(rules.map((r: any) => [r.expression, r.ratelimit.requests_per_period, r.ratelimit.period])).toEqual([
      ...cfg.waf.criticalPaths.map((p) => [`starts_with(lower(http.request.uri.path), "${p.pathPrefix}")`, p.limit, p.windowSeconds]),
      ['true', cfg.waf.globalRateLimit.limit, cfg.waf.globalRateLimit.windowSeconds],
    ]);
    for (const r of rules)
      expect(r).toMatchObject({
        action: 'block',
        enabled: true,
        ratelimit: { characteristics: ['ip.src', 'cf.colo.id'], mitigation_timeout: 600 },
      });
  });

  it('fails over from the configured primary origin to the DR origin, checking the health path over HTTPS', () => {
    const lb = tfOnly(stack, 'cloudflare_load_balancer');
    const pools = tfResources(stack, 'cloudflare_load_balancer_pool');
    const poolName = (ref: string) => pools[/\.([^.]+)\.id\}$/.exec(ref)![1]].origins[0].address;
    expect(lb).toMatchObject({ name: cf.hostname, steering_policy: 'off', proxied: true });
    expect(lb.default_pools.map(poolName)).toEqual([cf.origins.primary, cf.origins.dr]);
    expect(poolName(lb.fallback_pool)).toBe(cf.origins.dr);
    expect(tfOnly(stack, 'cloudflare_load_balancer_monitor')).toMatchObject({
      type: 'https',
      path: cf.healthCheckPath,
      expected_codes: '200',
      header: { Host: [cf.hostname] },
    });
    // The pools' own e-mail is deprecated by Cloudflare: the pool health alert replaces it.
    for (const pool of Object.values(pools) as any[]) expect(pool.notification_email).toBeUndefined();
  });

  it("pages every on-call address of the config on HTTP DDoS attacks, security event spikes and the pools' health and enablement", () => {
    const policies = Object.values(tfResources(stack, 'cloudflare_notification_policy')) as any[];
    const poolRefs = Object.keys(tfResources(stack, 'cloudflare_load_balancer_pool')).map(
      (name) => `\${cloudflare_load_balancer_pool.${name}.id}`,
    );
    expect(policies.map((p) => [p.alert_type, p.name, p.filters])).toEqual([
      ['dos_attack_l7', `acme-${env}: HTTP DDoS attack on the edge`, undefined],
      [
        'load_balancing_pool_enablement_alert',
        `acme-${env}: origin pool enabled or disabled`,
        { pool_id: expect.arrayContaining(poolRefs), enabled: ['false', 'true'] },
      ],
      [
        'load_balancing_health_alert',
        `acme-${env}: origin pool health changed`,
        { pool_id: expect.arrayContaining(poolRefs), new_health: ['Unhealthy', 'Healthy'], event_source: ['pool', 'origin'] },
      ],
      ['clickhouse_alert_fw_anomaly', `acme-${env}: security events spike on the edge`, { zones: [cf.zoneId] }],
    ]);
    for (const p of policies) {
      expect(p).toMatchObject({ account_id: cf.accountId, enabled: true, mechanisms: { email: cfg.alerts.emails.map((id) => ({ id })) } });
      expect(p.filters?.pool_id ?? poolRefs).toHaveLength(2);
    }
    expect(tfResources(stack, 'cloudflare_notification_policy_webhooks')).toEqual({});
  });

  it('turns on authenticated origin pulls', () => {
    expect(tfOnly(stack, 'cloudflare_authenticated_origin_pulls_settings')).toMatchObject({ zone_id: cf.zoneId, enabled: true });
  });
});

describe('origin lock on the clouds', () => {
  const azure = synthAzureApp(config);

  it.each(['staging-azure-primary', 'staging-azure-dr', 'prod-azure-primary', 'prod-azure-dr'])(
    "%s: the gateway NSG admits 80/443 only from Cloudflare's IPv4 ranges",
    (name) => {
      const nsg = (Object.values(tfResources(azure[name], 'azurerm_network_security_group')) as any[]).find((n) =>
        n.security_rule.some((r: any) => r.name === 'allow-https'),
      );
      for (const rule of nsg.security_rule.filter((r: any) => ['allow-https', 'allow-http-redirect'].includes(r.name))) {
        expect(rule.source_address_prefixes).toEqual([...CLOUDFLARE_IPV4_RANGES]);
        expect(rule.source_address_prefix ?? null).toBeNull();
      }
    },
  );

  it('leaves the gateway open to the Internet when originLock is false (the opt-out shows in the synth)', () => {
    const raw = rawDefaultConfig() as any;
    raw.environments.staging.cloudflare.originLock = false;
    const open = synthAzureApp(parseConfig(raw));
    const nsg = (Object.values(tfResources(open['staging-azure-primary'], 'azurerm_network_security_group')) as any[]).find((n) =>
      n.security_rule.some((r: any) => r.name === 'allow-https'),
    );
    expect(nsg.security_rule.find((r: any) => r.name === 'allow-https')).toMatchObject({ source_address_prefix: 'Internet' });
    // Today's behaviour with the named opt-out: no client certificate, any Host, per-client limits.
    const gw = tfOnly(open['staging-azure-primary'], 'azurerm_application_gateway');
    expect(gw.ssl_profile).toBeUndefined();
    expect(gw.http_listener.map((l: any) => l.name)).toEqual(['https', 'http']);
    const waf = tfOnly(open['staging-azure-primary'], 'azurerm_web_application_firewall_policy');
    expect(waf.custom_rules.map((r: any) => r.name)).not.toContain('HostNotServed');
    expect(waf.tags).not.toHaveProperty('baseline-rate-limit-key');
  });

  it.each(['staging-azure-primary', 'staging-azure-dr', 'prod-azure-primary', 'prod-azure-dr'])(
    "%s: every HTTPS listener requires the zone's client certificate and only its hostname reaches the app",
    (name) => {
      const env = config.environments[name.split('-')[0]];
      const gw = tfOnly(azure[name], 'azurerm_application_gateway');
      const pems = gw.trusted_client_certificate.map((c: any) => Buffer.from(c.data, 'base64').toString('utf8'));
      expect(pems).toEqual(env.cloudflare!.originPull!.caCertificates);
      for (const listener of gw.http_listener.filter((l: any) => l.protocol === 'Https'))
        expect(listener.ssl_profile_name).toBe('origin-pull');
      expect(gw.http_listener.find((l: any) => l.name === 'https').host_names).toEqual([env.cloudflare!.hostname]);
    },
  );
});

describe("the edge presents the zone's own origin-pull certificate", () => {
  it.each(['staging', 'prod'])(
    '%s: uploads the configured certificate, its key read from TF_VAR_%s_origin_pull_private_key, and probes through the zone',
    (env) => {
      const cf = config.environments[env].cloudflare!;
      const stack = stacks[`${env}-cloudflare`] as any;
      const cert = tfOnly(stack, 'cloudflare_authenticated_origin_pulls_certificate');
      expect(cert).toMatchObject({
        zone_id: cf.zoneId,
        certificate: cf.originPull!.clientCertificate,
        private_key: `\${var.${env}_origin_pull_private_key}`,
        lifecycle: { create_before_destroy: true },
      });
      expect(stack.variable[`${env}_origin_pull_private_key`]).toMatchObject({ type: 'string', sensitive: true, nullable: false });
      expect(stack.variable[`${env}_origin_pull_private_key`].default).toBeUndefined();
      expect(JSON.stringify(stack)).not.toMatch(/PRIVATE KEY/);
      expect(tfOnly(stack, 'cloudflare_load_balancer_monitor').probe_zone).toBe(cf.zoneName);
    },
  );

  it('uploads no certificate when origin lock is opted out and no origin-pull certificate is given', () => {
    const raw = rawDefaultConfig() as any;
    raw.environments.staging.cloudflare.originLock = false;
    delete raw.environments.staging.cloudflare.originPull;
    const open = synthCloudflareApp(parseConfig(raw))['staging-cloudflare'] as any;
    expect(open.resource.cloudflare_authenticated_origin_pulls_certificate).toBeUndefined();
    expect(open.variable ?? {}).toEqual({});
  });
});

describe("the edge's alerts go to a webhook as well when the config names one", () => {
  const withWebhook = (webhook: Record<string, unknown>) => {
    const raw = rawDefaultConfig() as any;
    raw.environments.staging.cloudflare.alertWebhook = webhook;
    return raw;
  };

  it(
    'creates the destination with its secret read from TF_VAR_staging_alert_webhook_secret, and sends every alert there and to ' +
      'the addresses',
    () => {
      const stack = synthCloudflareApp(parseConfig(withWebhook({ name: 'oncall-pager', url: 'https://events.example.dev/cloudflare' })))[
        'staging-cloudflare'
      ] as any;
      const [[name, webhook]] = Object.entries<any>(tfResources(stack, 'cloudflare_notification_policy_webhooks'));
      expect(webhook).toMatchObject({
        account_id: config.environments.staging.cloudflare!.accountId,
        name: 'oncall-pager',
        url: 'https://events.example.dev/cloudflare',
        secret: '${var.staging_alert_webhook_secret}',
      });
      expect(stack.variable.staging_alert_webhook_secret).toEqual({
        type: 'string',
        sensitive: true,
        nullable: false,
        description:
          'Shared secret Cloudflare sends in the cf-webhook-auth header to the staging alert webhook (cloudflare.alertWebhook); ' +
          'set TF_VAR_staging_alert_webhook_secret at deploy time, never in a file of the repository',
      });
      for (const p of Object.values<any>(tfResources(stack, 'cloudflare_notification_policy'))) {
        expect(p.mechanisms).toEqual({
          email: config.environments.staging.alerts.emails.map((id) => ({ id })),
          webhooks: [{ id: `\${cloudflare_notification_policy_webhooks.${name}.id}` }],
        });
      }
    },
  );

  it('declares no secret when the config opts out (secret: false shows in the config)', () => {
    const stack = synthCloudflareApp(
      parseConfig(withWebhook({ name: 'oncall-pager', url: 'https://events.example.dev/cloudflare', secret: false })),
    )['staging-cloudflare'] as any;
    expect(Object.values<any>(tfResources(stack, 'cloudflare_notification_policy_webhooks'))[0].secret).toBeUndefined();
    expect(stack.variable.staging_alert_webhook_secret).toBeUndefined();
  });

  it.each<[string, string, RegExp]>([
    [
      'plain HTTP',
      'http://events.example.dev/cloudflare',
      /cloudflare\.alertWebhook\.url: received "http:\/\/events\.example\.dev\/\.\.\.": uses http; expected https/,
    ],
    [
      'a Slack incoming webhook, never echoing its token',
      'https://hooks.slack.com/services/T000/B000/t0k3nT0k3n',
      new RegExp(
        'cloudflare\\.alertWebhook\\.url: received "https:\\/\\/hooks\\.slack\\.com\\/\\.\\.\\.": is an incoming-webhook URL of ' +
          'hooks\\.slack\\.com, which is itself the credential',
      ),
    ],
    [
      'a token in the query string',
      'https://events.example.dev/cf?token=t0k3nT0k3n',
      /has a query string or fragment, where tokens usually travel/,
    ],
  ])('rejects a webhook URL with %s, naming the field, and synthesizes nothing', (_what, url, message) => {
    expect(() => parseConfig(withWebhook({ name: 'oncall-pager', url }))).toThrow(ConfigError);
    expect(() => parseConfig(withWebhook({ name: 'oncall-pager', url }))).toThrow(message);
    expect(() => parseConfig(withWebhook({ name: 'oncall-pager', url }))).not.toThrow(/t0k3nT0k3n/);
  });

  it('rejects an unknown key of the webhook, such as a secret pasted in', () => {
    expect(() => parseConfig(withWebhook({ name: 'oncall-pager', url: 'https://events.example.dev/cloudflare', token: 'abc' }))).toThrow(
      /cloudflare\.alertWebhook\.token: .*is not a known setting/,
    );
  });
});

describe("Logpush of the edge's logs on an Enterprise zone (cloudflare.logpush)", () => {
  const DESTINATION = 's3://acme-prod-edge-logs/{DATE}?region=eu-central-1';
  const withLogpush = (plan: string, destination = DESTINATION) => {
    const raw = rawDefaultConfig() as any;
    raw.environments.prod.cloudflare.plan = plan;
    raw.environments.prod.cloudflare.logpush = { destination };
    return raw;
  };

  it(
    "pushes the zone's HTTP requests and firewall events to the configured bucket, the ownership challenge read from " +
      'TF_VAR_prod_logpush_ownership_challenge',
    () => {
      const stack = synthCloudflareApp(parseConfig(withLogpush('enterprise')))['prod-cloudflare'] as any;
      const cf = config.environments.prod.cloudflare!;
      const jobs = Object.values<any>(tfResources(stack, 'cloudflare_logpush_job'));
      expect(
        jobs.map((j) => [j.dataset, j.name, j.zone_id, j.destination_conf, j.ownership_challenge, j.enabled, j.output_options.sample_rate]),
      ).toEqual([
        ['http_requests', 'acme-prod-http-requests', cf.zoneId, DESTINATION, '${var.prod_logpush_ownership_challenge}', true, 1],
        ['firewall_events', 'acme-prod-firewall-events', cf.zoneId, DESTINATION, '${var.prod_logpush_ownership_challenge}', true, 1],
      ]);
      expect(stack.variable.prod_logpush_ownership_challenge).toEqual({
        type: 'string',
        sensitive: true,
        nullable: false,
        description:
          'Ownership challenge token Cloudflare wrote into the prod Logpush destination (cloudflare.logpush.destination); set ' +
          'TF_VAR_prod_logpush_ownership_challenge at deploy time, never in a file of the repository',
      });
      // The other environment is untouched.
      expect(tfResources(stacks['staging-cloudflare'], 'cloudflare_logpush_job')).toEqual({});
    },
  );

  it('builds no Logpush without the config field (the default config, on Business)', () => {
    for (const name of STACKS) expect(tfResources(stacks[name], 'cloudflare_logpush_job')).toEqual({});
  });

  it('rejects Logpush on a zone below Enterprise, naming the field, and synthesizes nothing', () => {
    expect(() => parseConfig(withLogpush('business'))).toThrow(ConfigError);
    expect(() => parseConfig(withLogpush('business'))).toThrow(
      new RegExp(
        "environments\\.prod\\.cloudflare\\.logpush: .*needs an Enterprise zone \\(Logpush of a zone's HTTP requests and " +
          'firewall events is an Enterprise feature\\), and cloudflare\\.plan is business; remove logpush or raise the plan',
      ),
    );
  });

  it.each<[string, string, RegExp]>([
    [
      'an R2 destination carrying its keys',
      'r2://logs/edge?account-id=x&access-key-id=AKIA&secret-access-key=s3cr3t',
      /cloudflare\.logpush\.destination: .*is not an s3:\/\/ or gs:\/\/ destination/,
    ],
    ['an S3 destination without a region', 's3://acme-prod-edge-logs', /cloudflare\.logpush\.destination: .*has no region/],
  ])('rejects %s', (_what, destination, message) => {
    expect(() => parseConfig(withLogpush('enterprise', destination))).toThrow(message);
    expect(() => parseConfig(withLogpush('enterprise', destination))).not.toThrow(/s3cr3t|AKIA/);
  });
});

describe("origins from the deployed stacks' outputs", () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'baseline-outputs-'));
  const withOutputsFile = (cloud: 'aws' | 'azure', file: string) => {
    const raw = rawDefaultConfig() as any;
    raw.environments.prod.cloudflare.origins = { cloud, outputsFile: file };
    return parseConfig(raw);
  };

  it('reads the AWS load balancers from a `cdk deploy --outputs-file` file', () => {
    const file = path.join(dir, 'cdk-outputs.json');
    writeFileSync(
      file,
      JSON.stringify({
        'acme-prod-aws-primary': { LoadBalancerDnsName: 'acme-primary-123.eu-west-1.elb.amazonaws.com' },
        'acme-prod-aws-dr': { StandbyLoadBalancerDnsName: 'acme-dr-456.eu-central-1.elb.amazonaws.com' },
      }),
    );
    const origins = resolveAllCloudflareOrigins(withOutputsFile('aws', file));
    expect(origins.prod).toEqual({
      primary: 'acme-primary-123.eu-west-1.elb.amazonaws.com',
      dr: 'acme-dr-456.eu-central-1.elb.amazonaws.com',
      source: file,
    });
    const synthesized = synthCloudflareApp(withOutputsFile('aws', file))['prod-cloudflare'];
    expect(tfOnly(synthesized, 'cloudflare_load_balancer').description).toBe(
      'Failover: acme-prod-aws-primary first, then acme-prod-aws-dr (DR-REGION)',
    );
    const pools = tfResources(synthesized, 'cloudflare_load_balancer_pool');
    expect(Object.fromEntries(Object.values(pools).map((p: any) => [p.name, p.origins[0].address]))).toEqual({
      'acme-prod-aws-primary': 'acme-primary-123.eu-west-1.elb.amazonaws.com',
      'acme-prod-aws-dr': 'acme-dr-456.eu-central-1.elb.amazonaws.com',
    });
  });

  it('reads the Azure gateways from a `cdktf deploy --outputs-file` file', () => {
    const file = path.join(dir, 'cdktf-outputs.json');
    writeFileSync(
      file,
      JSON.stringify({ 'prod-azure-primary': { gateway_public_ip: '20.1.2.3' }, 'prod-azure-dr': { gateway_public_ip: '20.4.5.6' } }),
    );
    const synthesized = synthCloudflareApp(withOutputsFile('azure', file))['prod-cloudflare'];
    const addresses = (Object.values(tfResources(synthesized, 'cloudflare_load_balancer_pool')) as any[])
      .map((p) => p.origins[0].address)
      .sort();
    expect(addresses).toEqual(['20.1.2.3', '20.4.5.6']);
  });

  it.each<[string, string | undefined, RegExp]>([
    [
      'is missing',
      undefined,
      new RegExp(
        'environments\\.prod\\.cloudflare\\.origins\\.outputsFile: received ".*missing\\.json": cannot be read \\(ENOENT\\); ' +
          'deploy the aws stacks first with `cdk deploy --all --outputs-file .*missing\\.json`',
      ),
    ],
    ['is not JSON', '{', /outputsFile: received .*: is not valid JSON .*; write it again with `cdk deploy --all --outputs-file/],
    [
      'lacks the DR output',
      JSON.stringify({ 'acme-prod-aws-primary': { LoadBalancerDnsName: 'a.example.com' } }),
      /has no output StandbyLoadBalancerDnsName of stack acme-prod-aws-dr or prod-aws-dr/,
    ],
    [
      'names one address twice',
      JSON.stringify({
        'acme-prod-aws-primary': { LoadBalancerDnsName: 'a.example.com' },
        'acme-prod-aws-dr': { StandbyLoadBalancerDnsName: 'a.example.com' },
      }),
      /gives the same address a.example.com for the primary and the DR gateway/,
    ],
  ])('fails with a config error naming the field when the outputs file %s', (what, content, message) => {
    const file = path.join(dir, content === undefined ? 'missing.json' : `${what.replace(/\W+/g, '-')}.json`);
    if (content !== undefined) writeFileSync(file, content);
    let error: unknown;
    try {
      resolveAllCloudflareOrigins(withOutputsFile('aws', file));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/nothing was synthesized/);
    expect((error as Error).message).toMatch(message);
  });
});
