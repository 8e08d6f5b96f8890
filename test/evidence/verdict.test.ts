import type { Cloud, ControlId } from '../../lib/controls/types';
import type { CellStatus, MatrixCell } from '../../lib/evidence/evaluate';
import { describeCells, parseAllowance, verdictOf } from '../../lib/evidence/verdict';

const cell = (control: string, environment: string, cloud: Cloud, status: CellStatus): MatrixCell => ({
  control: control as ControlId,
  environment,
  cloud,
  status,
  evidence: [],
  findings: [],
  stacks: [],
});

describe('verdict (headline and exit policy)', () => {
  const satisfied = [
    cell('EDGE-TLS', 'prod', 'aws', 'pass'),
    cell('NET-TIERS', 'prod', 'cloudflare', 'not-applicable'),
    cell('ENV-SEPARATION', 'prod', 'aws', 'config-enforced'),
  ];

  it('says PASS only when every cell is pass, config-enforced or not applicable', () => {
    expect(verdictOf(satisfied)).toMatchObject({ result: 'pass', headline: 'PASS', problems: [], exitCode: 0 });
  });

  it('names every unchecked cell in the headline, grouped by control and cloud, and still exits 0 by default', () => {
    const matrix = [
      ...satisfied,
      cell('ADMIN-MFA', 'staging', 'azure', 'unchecked'),
      cell('ADMIN-MFA', 'prod', 'azure', 'unchecked'),
      cell('LOG-CENTRAL', 'prod', 'cloudflare', 'unchecked'),
    ];
    expect(verdictOf(matrix)).toMatchObject({
      result: 'pass-with-unchecked',
      headline: 'PASS with 3 unchecked cells: ADMIN-MFA on Azure (prod, staging), LOG-CENTRAL on Cloudflare (prod)',
      require: 'passing',
      exitCode: 0,
    });
  });

  it('fails under --require checked on an unchecked cell, unless an allowance names its control and cloud', () => {
    const matrix = [...satisfied, cell('ADMIN-MFA', 'prod', 'azure', 'unchecked'), cell('LOG-CENTRAL', 'prod', 'cloudflare', 'unchecked')];
    expect(verdictOf(matrix, { require: 'checked' })).toMatchObject({
      exitCode: 1,
      problems: [
        '--require checked: 2 cells unchecked: ADMIN-MFA on Azure (prod), LOG-CENTRAL on Cloudflare (prod); add a check, or ' +
          'accept each with --allow-unchecked CONTROL:cloud',
      ],
    });
    expect(verdictOf(matrix, { require: 'checked', allowUnchecked: [{ control: 'ADMIN-MFA', cloud: 'azure' }] }).problems).toEqual([
      '--require checked: 1 cell unchecked: LOG-CENTRAL on Cloudflare (prod); add a check, or accept each with ' +
        '--allow-unchecked CONTROL:cloud',
    ]);
    const all = verdictOf(matrix, {
      require: 'checked',
      allowUnchecked: [
        { control: 'ADMIN-MFA', cloud: 'azure' },
        { control: 'LOG-CENTRAL', cloud: 'cloudflare' },
      ],
    });
    expect(all).toMatchObject({ result: 'pass-with-unchecked', exitCode: 0, problems: [] });
  });

  it('fails on an allowance that matches no unchecked cell, so it is removed the day the check lands', () => {
    expect(verdictOf(satisfied, { require: 'checked', allowUnchecked: [{ control: 'ADMIN-MFA', cloud: 'azure' }] })).toMatchObject({
      exitCode: 1,
      problems: [
        '--allow-unchecked ADMIN-MFA:azure matches no unchecked cell (the control is checked there now, or the name is wrong); remove it',
      ],
    });
  });

  it('fails on a failing cell under either requirement, and the headline says FAIL with what fails and what is unchecked', () => {
    const matrix = [...satisfied, cell('BASTION-SSH', 'prod', 'aws', 'fail'), cell('ADMIN-MFA', 'prod', 'azure', 'unchecked')];
    for (const require of ['passing', 'checked'] as const)
      expect(
        verdictOf(matrix, { require, allowUnchecked: require === 'checked' ? [{ control: 'ADMIN-MFA', cloud: 'azure' }] : [] }).exitCode,
      ).toBe(1);
    expect(verdictOf(matrix).headline).toBe('FAIL: 1 failing cell: BASTION-SSH on AWS (prod); 1 unchecked cell: ADMIN-MFA on Azure (prod)');
  });

  it('parses CONTROL:cloud allowances against the catalogue', () => {
    expect(parseAllowance('ADMIN-MFA:azure', ['ADMIN-MFA'])).toEqual({ control: 'ADMIN-MFA', cloud: 'azure' });
    expect(() => parseAllowance('ADMIN-MFA:gcp', ['ADMIN-MFA'])).toThrow(/expected CONTROL:cloud/);
    expect(() => parseAllowance('NOPE:aws', ['ADMIN-MFA'])).toThrow(/NOPE is not a control of the catalogue/);
    expect(describeCells([])).toBe('');
  });
});
