import { TerraformVariable } from 'cdktf';
import { OriginFailover, type OriginFailoverProps } from '../../lib/cloudflare/origin-failover';
import { ACCOUNT_ID, onlyResource, resourcesOf, synthCloudflare, type TfJson, withoutNulls, ZONE_ID } from './support';

const props: OriginFailoverProps = {
  accountId: ACCOUNT_ID,
  zoneId: ZONE_ID,
  hostname: 'www.example.com',
  primary: { name: 'acme-prod-eu', address: 'agw-eu.example.net' },
  dr: { name: 'acme-prod-us', address: '203.0.113.10' },
};

interface Synth {
  readonly json: TfJson;
  readonly failover: OriginFailover;
}

function synth(p: OriginFailoverProps): Synth {
  let failover: OriginFailover | undefined;
  const json = synthCloudflare((s) => {
    failover = new OriginFailover(s, 'Failover', p);
  });
  return { json, failover: failover! };
}

/** The synthesized name (key) and body of the pool whose `name` argument is `name`. */
function poolNamed(json: TfJson, name: string): { key: string; body: Record<string, any> } {
  const found = Object.entries(resourcesOf(json, 'cloudflare_load_balancer_pool')).filter(([, body]) => body.name === name);
  if (found.length !== 1) throw new Error(`expected one pool named ${name}, found ${found.length}`);
  return { key: found[0][0], body: withoutNulls(found[0][1]) };
}
const monitorKey = (json: TfJson) => {
  const keys = Object.keys(resourcesOf(json, 'cloudflare_load_balancer_monitor'));
  if (keys.length !== 1) throw new Error(`expected one monitor, found ${keys.length}`);
  return keys[0];
};
const poolRef = (key: string) => `\${cloudflare_load_balancer_pool.${key}.id}`;

describe('OriginFailover', () => {
  describe('by default', () => {
    const { json, failover } = synth(props);
    const primary = poolNamed(json, 'acme-prod-eu');
    const dr = poolNamed(json, 'acme-prod-us');

    it('creates exactly one monitor, two pools and one load balancer', () => {
      expect(Object.keys(resourcesOf(json, 'cloudflare_load_balancer_monitor'))).toHaveLength(1);
      expect(Object.keys(resourcesOf(json, 'cloudflare_load_balancer_pool'))).toHaveLength(2);
      expect(Object.keys(resourcesOf(json, 'cloudflare_load_balancer'))).toHaveLength(1);
    });

    it('checks health over HTTPS with GET /healthz, Host = the public name, no redirects and a valid certificate', () => {
      expect(withoutNulls(onlyResource(json, 'cloudflare_load_balancer_monitor'))).toEqual({
        account_id: ACCOUNT_ID,
        description: 'HTTPS health of www.example.com/healthz for regional failover (DR-REGION)',
        type: 'https',
        method: 'GET',
        path: '/healthz',
        expected_codes: '200',
        header: { Host: ['www.example.com'] },
        follow_redirects: false,
        allow_insecure: false,
        interval: 60,
        retries: 2,
        timeout: 5,
      });
    });

    it('puts the primary gateway alone in the primary pool, monitored from all regions', () => {
      expect(primary.body).toEqual({
        account_id: ACCOUNT_ID,
        name: 'acme-prod-eu',
        description: 'Primary region of www.example.com',
        enabled: true,
        minimum_origins: 1,
        monitor: `\${cloudflare_load_balancer_monitor.${monitorKey(json)}.id}`,
        check_regions: ['ALL_REGIONS'],
        origins: [{ name: 'acme-prod-eu', address: 'agw-eu.example.net', enabled: true, weight: 1, header: { host: ['www.example.com'] } }],
      });
    });

    it('puts the DR gateway alone in the DR pool, with the same monitor', () => {
      expect(dr.body).toEqual({
        account_id: ACCOUNT_ID,
        name: 'acme-prod-us',
        description: 'DR region of www.example.com',
        enabled: true,
        minimum_origins: 1,
        monitor: `\${cloudflare_load_balancer_monitor.${monitorKey(json)}.id}`,
        check_regions: ['ALL_REGIONS'],
        origins: [{ name: 'acme-prod-us', address: '203.0.113.10', enabled: true, weight: 1, header: { host: ['www.example.com'] } }],
      });
    });

    it('fails over in order primary then DR (steering off), falls back to DR, proxied, without affinity', () => {
      expect(withoutNulls(onlyResource(json, 'cloudflare_load_balancer'))).toEqual({
        zone_id: ZONE_ID,
        name: 'www.example.com',
        description: 'Failover: acme-prod-eu first, then acme-prod-us (DR-REGION)',
        enabled: true,
        proxied: true,
        steering_policy: 'off',
        default_pools: [poolRef(primary.key), poolRef(dr.key)],
        fallback_pool: poolRef(dr.key),
        session_affinity: 'none',
      });
    });

    it('sends no notification mail unless asked', () => {
      expect(primary.body.notification_email).toBeUndefined();
      expect(dr.body.notification_email).toBeUndefined();
    });

    it('exposes its children, with the load balancer as the default child "Resource"', () => {
      expect(failover.node.defaultChild).toBe(failover.resource);
      expect(failover.resource.node.id).toBe('Resource');
      expect(failover.monitor.node.id).toBe('Monitor');
      expect(failover.primaryPool.node.id).toBe('PrimaryPool');
      expect(failover.drPool.node.id).toBe('DrPool');
      expect(primary.key).toMatch(/^Failover_PrimaryPool_/);
      expect(dr.key).toMatch(/^Failover_DrPool_/);
    });
  });

  describe('with every option set', () => {
    const { json } = synth({
      ...props,
      primary: { name: 'acme_prod_eu', address: '2001:db8::10' },
      dr: { name: 'acme-prod-us', address: 'AGW-US.example.net' },
      healthCheckPath: '/ready?deep=1',
      expectedCodes: '2xx',
      monitorIntervalSeconds: 15,
      monitorRetries: 1,
      monitorTimeoutSeconds: 7,
      notificationEmail: 'ops@example.com, oncall@example.com',
      proxied: false,
      probeZone: 'example.com',
    });
    const primary = poolNamed(json, 'acme_prod_eu');
    const dr = poolNamed(json, 'acme-prod-us');

    it('takes the path, codes and timing', () => {
      expect(withoutNulls(onlyResource(json, 'cloudflare_load_balancer_monitor'))).toMatchObject({
        description: 'HTTPS health of www.example.com/ready?deep=1 for regional failover (DR-REGION)',
        path: '/ready?deep=1',
        expected_codes: '2xx',
        interval: 15,
        retries: 1,
        timeout: 7,
        type: 'https',
        follow_redirects: false,
        allow_insecure: false,
      });
    });

    it('probes through the zone, so health checks present its origin-pull certificate (ORIGIN-LOCK origins require it)', () => {
      expect(onlyResource(json, 'cloudflare_load_balancer_monitor').probe_zone).toBe('example.com');
    });

    it('mails health changes from both pools', () => {
      expect(primary.body.notification_email).toBe('ops@example.com, oncall@example.com');
      expect(dr.body.notification_email).toBe('ops@example.com, oncall@example.com');
    });

    it('accepts an IPv6 address and a DNS name as origins', () => {
      expect(primary.body.origins).toEqual([
        { name: 'acme_prod_eu', address: '2001:db8::10', enabled: true, weight: 1, header: { host: ['www.example.com'] } },
      ]);
      expect(dr.body.origins[0].address).toBe('AGW-US.example.net');
    });

    it('writes proxied = false when opted out', () => {
      const lb = onlyResource(json, 'cloudflare_load_balancer');
      expect(lb.proxied).toBe(false);
      expect(lb.default_pools).toEqual([poolRef(primary.key), poolRef(dr.key)]);
      expect(lb.fallback_pool).toBe(poolRef(dr.key));
    });
  });

  describe('with unresolved tokens', () => {
    const json = synthCloudflare((s) => {
      const v = (name: string) => new TerraformVariable(s, name, { type: 'string' }).stringValue;
      new OriginFailover(s, 'Failover', {
        accountId: v('account'),
        zoneId: v('zone'),
        hostname: v('hostname'),
        primary: { name: v('primary_name'), address: v('primary_address') },
        dr: { name: v('dr_name'), address: v('dr_address') },
        healthCheckPath: v('path'),
        expectedCodes: v('codes'),
        notificationEmail: v('email'),
      });
    });

    it('skips validation and passes the references through', () => {
      const lb = onlyResource(json, 'cloudflare_load_balancer');
      expect(lb.zone_id).toBe('${var.zone}');
      expect(lb.name).toBe('${var.hostname}');
      const monitor = onlyResource(json, 'cloudflare_load_balancer_monitor');
      expect(monitor).toMatchObject({
        account_id: '${var.account}',
        path: '${var.path}',
        expected_codes: '${var.codes}',
        header: { Host: ['${var.hostname}'] },
      });
      const pools = resourcesOf(json, 'cloudflare_load_balancer_pool');
      const pool = (prefix: string) => Object.entries(pools).find(([key]) => key.startsWith(prefix))![1];
      const summary = (p: Record<string, any>) => [p.name, p.origins[0].address, p.origins[0].header, p.notification_email];
      expect(summary(pool('Failover_PrimaryPool_'))).toEqual([
        '${var.primary_name}',
        '${var.primary_address}',
        { host: ['${var.hostname}'] },
        '${var.email}',
      ]);
      expect(summary(pool('Failover_DrPool_'))).toEqual([
        '${var.dr_name}',
        '${var.dr_address}',
        { host: ['${var.hostname}'] },
        '${var.email}',
      ]);
    });
  });

  describe('accepts boundary timing', () => {
    it.each([
      [10, 1, 4],
      [3600, 5, 10],
      [16, 2, 5],
    ])('interval %p with retries %p and timeout %p', (monitorIntervalSeconds, monitorRetries, monitorTimeoutSeconds) => {
      const monitor = onlyResource(
        synth({ ...props, monitorIntervalSeconds, monitorRetries, monitorTimeoutSeconds }).json,
        'cloudflare_load_balancer_monitor',
      );
      expect([monitor.interval, monitor.retries, monitor.timeout]).toEqual([monitorIntervalSeconds, monitorRetries, monitorTimeoutSeconds]);
    });
  });

  describe('rejects', () => {
    const fails = (p: Partial<OriginFailoverProps>) => () => synth({ ...props, ...p });

    it.each(['FEDCBA9876543210FEDCBA9876543210', 'fedcba98', 'my-account'])('accountId %p', (accountId) => {
      expect(fails({ accountId })).toThrow(
        new RegExp(`accountId "${accountId}" is invalid; expected the account's id, 32 lowercase hex digits`),
      );
    });
    it('a probeZone that is not the zone of the hostname, or not a zone name', () => {
      expect(fails({ probeZone: 'example.org' })).toThrow(/probeZone "example.org" is not the zone of hostname "www.example.com"/);
      expect(fails({ probeZone: 'https://example.com' })).toThrow(/probeZone "https:\/\/example.com" is invalid; expected the zone's name/);
    });
    it('a zoneId that is not 32 lowercase hex digits', () => {
      expect(fails({ zoneId: 'example.com' })).toThrow(/zoneId "example\.com" is invalid; expected the zone's id, 32 lowercase hex digits/);
    });
    it.each([
      'WWW.example.com',
      '*.example.com',
      'https://www.example.com',
      'www.example.com/',
      'example',
      'www..example.com',
      '-www.example.com',
      '192.0.2.1',
    ])('hostname %p', (hostname) => {
      expect(fails({ hostname })).toThrow(new RegExp(`hostname "${escapeRegExp(hostname)}" is invalid; expected a lowercase DNS name`));
    });
    it.each([['eu west'], ['eu.west'], ['']])('primary.name %p', (name) => {
      expect(fails({ primary: { ...props.primary, name } })).toThrow(
        new RegExp(`primary\\.name "${escapeRegExp(name)}" is invalid; expected letters, digits, '-' and '_' only`),
      );
    });
    it('a malformed dr.name', () => {
      expect(fails({ dr: { ...props.dr, name: 'us/east' } })).toThrow(/dr\.name "us\/east" is invalid/);
    });
    it.each([
      ['https://agw-eu.example.net', /is a URL; give only the gateway's DNS name or IP address/],
      ['agw-eu.example.net/healthz', /has a path; give only/],
      ['agw-eu.example.net:8443', /has a port; give only/],
      ['203.0.113.10:443', /has a port; give only/],
      ['[2001:db8::1]:443', /has a port; give only/],
      ['10.0.0.5', /is a private address Cloudflare cannot reach/],
      ['192.168.1.1', /is a private address Cloudflare cannot reach/],
      ['127.0.0.1', /is a loopback address Cloudflare cannot reach/],
      ['100.64.1.1', /is a carrierGradeNat address Cloudflare cannot reach/],
      ['::1', /is a loopback address Cloudflare cannot reach/],
      ['fd00::1', /is a uniqueLocal address Cloudflare cannot reach/],
      ['fe80::1', /is a linkLocal address Cloudflare cannot reach/],
      ['::ffff:10.0.0.1', /is a private address Cloudflare cannot reach/],
      ['999.1.1.1', /is not a valid IPv4 address/],
      ['010.0.0.1', /is not a valid IPv4 address/],
      ['agw_eu.example.net', /is not a DNS name, IPv4 or IPv6 address/],
      ['fe80::1%eth0', /is not a DNS name, IPv4 or IPv6 address/],
      ['gateway', /is not a DNS name, IPv4 or IPv6 address/],
    ])('primary.address %p', (address, why) => {
      const thrown = fails({ primary: { ...props.primary, address } });
      expect(thrown).toThrow(new RegExp(`primary\\.address "${escapeRegExp(address)}" `));
      expect(thrown).toThrow(why);
    });
    it('a URL as dr.address', () => {
      expect(fails({ dr: { ...props.dr, address: 'http://203.0.113.10/' } })).toThrow(/dr\.address "http:\/\/203\.0\.113\.10\/" is a URL/);
    });
    it('an origin that is the load balancer itself', () => {
      expect(fails({ dr: { ...props.dr, address: 'WWW.example.com' } })).toThrow(
        /dr\.address "WWW\.example\.com" is the load balancer's own hostname/,
      );
    });
    it('the same name for both pools', () => {
      expect(fails({ dr: { ...props.dr, name: 'acme-prod-eu' } })).toThrow(
        /primary\.name and dr\.name are both "acme-prod-eu"; expected distinct names/,
      );
    });
    it('the same gateway for both regions', () => {
      expect(fails({ dr: { ...props.dr, address: 'AGW-EU.example.net' } })).toThrow(
        /primary\.address and dr\.address are both "agw-eu\.example\.net"; expected the DR region's own gateway/,
      );
    });
    it.each(['healthz', '/health check', '/healthz#top', ''])('healthCheckPath %p', (healthCheckPath) => {
      expect(fails({ healthCheckPath })).toThrow(
        new RegExp(`healthCheckPath "${escapeRegExp(healthCheckPath)}" is invalid; expected a path starting with "/"`),
      );
    });
    it.each(['500', '404', '4xx', '5xx', '2XX', '200,302', '199', '2xx3', 'ok'])('expectedCodes %p', (expectedCodes) => {
      expect(fails({ expectedCodes })).toThrow(
        new RegExp(`expectedCodes "${expectedCodes}" is invalid; expected one status code from 200 to 399`),
      );
    });
    it.each([9, 3601, 30.5])('monitorIntervalSeconds %p', (monitorIntervalSeconds) => {
      expect(fails({ monitorIntervalSeconds })).toThrow(
        new RegExp(
          `monitorIntervalSeconds ${monitorIntervalSeconds} is out of range; expected a whole number of seconds from 10 to ` +
            `3600 \\(the plan minimum is 60 on Pro`,
        ),
      );
    });
    it.each([0, 6, 1.5])('monitorRetries %p', (monitorRetries) => {
      expect(fails({ monitorRetries })).toThrow(
        new RegExp(`monitorRetries ${monitorRetries} is out of range; expected a whole number from 1 to 5`),
      );
    });
    it.each([0, 11, 2.5])('monitorTimeoutSeconds %p', (monitorTimeoutSeconds) => {
      expect(fails({ monitorTimeoutSeconds })).toThrow(
        new RegExp(`monitorTimeoutSeconds ${monitorTimeoutSeconds} is out of range; expected a whole number of seconds from 1 to 10`),
      );
    });
    it('an interval no longer than (retries + 1) * timeout', () => {
      expect(fails({ monitorIntervalSeconds: 15 })).toThrow(
        new RegExp(
          'monitorIntervalSeconds 15 is too short for monitorRetries 2 and monitorTimeoutSeconds 5; expected more than ' +
            '\\(retries \\+ 1\\) \\* timeout = 15 seconds',
        ),
      );
      expect(fails({ monitorIntervalSeconds: 60, monitorRetries: 5, monitorTimeoutSeconds: 10 })).toThrow(
        /monitorIntervalSeconds 60 is too short .* = 60 seconds/,
      );
    });
    it.each(['ops', 'ops@example', 'ops@example.com, nope', 'ops @example.com'])('notificationEmail %p', (notificationEmail) => {
      expect(fails({ notificationEmail })).toThrow(
        new RegExp(`notificationEmail "${escapeRegExp(notificationEmail)}" is invalid; expected an email address`),
      );
    });
  });
});

/** `text` with regular-expression metacharacters escaped. */
function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
