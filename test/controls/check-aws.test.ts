import { CONTROLS, checkAws, failures, formatFindings } from '../../lib/controls';
import { edgeTemplate, primaryTemplate } from './fixtures/aws-templates';
import { props, weakened } from './support';

describe('checkAws', () => {
  it('passes every AWS control on the compliant primary-region template; ORIGIN-LOCK applies only to origin-locked environments', () => {
    const results = checkAws(primaryTemplate());
    expect(formatFindings(failures(results))).toBe('');
    expect(results.map((r) => r.control)).toEqual(CONTROLS.filter((c) => c.checks.aws).map((c) => c.id));
    expect(results.filter((r) => r.status !== 'pass').map((r) => [r.control, r.status])).toEqual([['ORIGIN-LOCK', 'not-applicable']]);
    for (const r of results.filter((r) => r.status === 'pass')) expect(r.evidence.length).toBeGreaterThan(0);
  });

  it(
    'fails ORIGIN-LOCK on the primary template when the environment is origin-locked, its gateway admitting the whole internet, ' +
      'and the rate controls, which count the connecting (edge) address',
    () => {
      const found = failures(checkAws(primaryTemplate(), { originLocked: true }));
      expect(new Set(found.map((f) => f.control))).toEqual(new Set(['ORIGIN-LOCK', 'WAF-RATE-GLOBAL', 'WAF-RATE-CRITICAL']));
      expect(formatFindings(found)).toMatch(
        /^WAF-RATE-GLOBAL WebAcl: rule "rate-all": AggregateKeyType is "IP"; expected "FORWARDED_IP" from CF-Connecting-IP/m,
      );
      expect(formatFindings(found)).toMatch(
        /^ORIGIN-LOCK GatewaySg: GatewaySg \(of internet-facing Gateway\) admits tcp 443-443 from CidrIp "0.0.0.0\/0"/m,
      );
    },
  );

  it('passes the edge template, where only WAF, key, log-archive bucket, log and secret controls apply', () => {
    const results = checkAws(edgeTemplate());
    expect(formatFindings(failures(results))).toBe('');
    const applicable = results.filter((r) => r.status === 'pass').map((r) => r.control);
    expect(applicable).toEqual([
      'WAF-MANAGED',
      'WAF-REPUTATION',
      'WAF-RATE-GLOBAL',
      'ENC-REST',
      'ENC-TRANSIT',
      'STORAGE-PRIVATE',
      'SECRETS',
      'LOG-CENTRAL',
      'LOG-RETENTION',
      'BACKUP',
    ]);
  });

  it('is not applicable anywhere on an empty template', () => {
    for (const t of [{}, { Resources: {} }]) {
      expect(checkAws(t).every((r) => r.status === 'not-applicable')).toBe(true);
    }
  });

  it('reports findings of failed controls only, each naming its control', () => {
    const t = weakened((t) => {
      props(t, 'Database').PubliclyAccessible = true;
    });
    const results = checkAws(t);
    const found = failures(results);
    expect(new Set(found.map((f) => f.control))).toEqual(new Set(['NET-TIERS', 'DB-FROM-APP']));
    expect(found.every((f) => f.resource === 'Database')).toBe(true);
    expect(formatFindings(found)).toMatch(/^NET-TIERS Database: PubliclyAccessible is true; expected false$/m);
  });

  it('passes options through to the checks', () => {
    const found = failures(checkAws(primaryTemplate(), { minLogRetentionDays: 120 }));
    expect(found.map((f) => f.resource)).toEqual(expect.arrayContaining(['FlowLogs', 'WebAclLogs']));
    expect(found.every((f) => f.control === 'LOG-RETENTION')).toBe(true);
  });
});
