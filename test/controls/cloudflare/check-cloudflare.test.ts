import { checkCloudflare, CONTROLS, failures, formatFindings } from '../../../lib/controls';
import { edge, logpushEdge, weakened } from './support';

describe('checkCloudflare', () => {
  it('passes every Cloudflare control on the Enterprise edge stack with Logpush, each applying', () => {
    const results = checkCloudflare(logpushEdge(), { cloudflarePlan: 'enterprise' });
    expect(formatFindings(failures(results))).toBe('');
    expect(results.map((r) => r.control)).toEqual([
      'EDGE-TLS',
      'WAF-MANAGED',
      'WAF-REPUTATION',
      'WAF-RATE-GLOBAL',
      'WAF-RATE-CRITICAL',
      'ORIGIN-LOCK',
      'ENC-TRANSIT',
      'SECRETS',
      'LOG-CENTRAL',
      'DETECT-THREATS',
      'DR-REGION',
    ]);
    expect(results.map((r) => r.control)).toEqual(CONTROLS.filter((c) => c.checks.cloudflare).map((c) => c.id));
    expect(results.every((r) => r.status === 'pass')).toBe(true);
    for (const r of results) expect(r.evidence.length).toBeGreaterThan(0);
  });

  it('passes every Cloudflare control on the Business edge stack but LOG-CENTRAL, unchecked there (Logpush needs Enterprise)', () => {
    const results = checkCloudflare(edge(), { cloudflarePlan: 'business' });
    expect(formatFindings(failures(results))).toBe('');
    expect(results.filter((r) => r.status !== 'pass').map((r) => [r.control, r.status])).toEqual([['LOG-CENTRAL', 'unchecked']]);
  });

  it('is not applicable anywhere on an empty stack', () => {
    for (const tf of [{}, { resource: {} }]) expect(checkCloudflare(tf).every((r) => r.status === 'not-applicable')).toBe(true);
  });

  it('flips exactly the control a weakening breaks', () => {
    const results = checkCloudflare(weakened((t) => (Object.values<any>(t.resource.cloudflare_load_balancer)[0].proxied = false)));
    expect(results.filter((r) => r.status === 'fail').map((r) => r.control)).toEqual(['ORIGIN-LOCK']);
  });
});
