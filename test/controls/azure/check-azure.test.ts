import { checkAzure, CONTROLS, formatFindings, failures } from '../../../lib/controls';
import { dr, primary } from './support';

describe('checkAzure', () => {
  it('passes every Azure control on the primary region stack', () => {
    const results = checkAzure(primary());
    expect(formatFindings(failures(results))).toBe('');
    expect(results.map((r) => r.control)).toEqual(CONTROLS.filter((c) => c.checks.azure).map((c) => c.id));
    expect(results.filter((r) => r.status === 'not-applicable').map((r) => r.control)).toEqual([]);
  });

  it('passes the DR region stack, where subscription-wide detection is not applicable', () => {
    const results = checkAzure(dr());
    expect(formatFindings(failures(results))).toBe('');
    expect(results.filter((r) => r.status === 'not-applicable').map((r) => r.control)).toEqual(['DETECT-THREATS']);
  });

  it('is not applicable to an empty stack', () => {
    expect(checkAzure({}).every((r) => r.status === 'not-applicable')).toBe(true);
  });
});
