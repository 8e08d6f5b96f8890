import { checkAzure, CONTROLS, formatFindings, failures } from '../../../lib/controls';
import { dr, primary } from './support';

describe('checkAzure', () => {
  it('passes every Azure control on the primary region stack; ORIGIN-LOCK applies only to origin-locked environments', () => {
    const results = checkAzure(primary());
    expect(formatFindings(failures(results))).toBe('');
    expect(results.map((r) => r.control)).toEqual(CONTROLS.filter((c) => c.checks.azure).map((c) => c.id));
    expect(results.filter((r) => r.status === 'not-applicable').map((r) => r.control)).toEqual(['ORIGIN-LOCK']);
  });

  it(
    'fails ORIGIN-LOCK on the primary stack when the environment is origin-locked but the gateway admits Internet, and the rate ' +
      'controls, whose per-client thresholds would count the edge address',
    () => {
      const found = failures(checkAzure(primary(), { originLocked: true }));
      expect(new Set(found.map((f) => f.control))).toEqual(new Set(['ORIGIN-LOCK', 'WAF-RATE-GLOBAL', 'WAF-RATE-CRITICAL']));
      expect(formatFindings(found)).toMatch(/admits "allow-https" \(Tcp 443\) from Internet/);
    },
  );

  it('passes the DR region stack, where subscription-wide detection (and ORIGIN-LOCK, not locked) is not applicable', () => {
    const results = checkAzure(dr());
    expect(formatFindings(failures(results))).toBe('');
    expect(results.filter((r) => r.status === 'not-applicable').map((r) => r.control)).toEqual(['ORIGIN-LOCK', 'DETECT-THREATS']);
  });

  it('is not applicable to an empty stack', () => {
    expect(checkAzure({}).every((r) => r.status === 'not-applicable')).toBe(true);
  });
});
