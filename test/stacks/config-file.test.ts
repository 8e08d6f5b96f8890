import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ConfigError } from '../../lib/config/load';
import { configFile, DEFAULT_CONFIG_PATH, loadBaselineConfig } from '../../stacks/config-file';
import { BASELINE_PATH, baseline } from '../config/support';

// The reference apps' and scripts' choice of config file (the library has none: lib/config/load.ts).
describe("the reference apps' config file", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'baseline-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('is config/baseline.json of this repository by default', () => {
    expect(path.resolve(DEFAULT_CONFIG_PATH)).toBe(path.resolve(BASELINE_PATH));
    expect(configFile({})).toBe(DEFAULT_CONFIG_PATH);
    expect(configFile({ BASELINE_CONFIG: '' })).toBe(DEFAULT_CONFIG_PATH);
    expect(loadBaselineConfig({}).project).toBe('acme');
  });

  test('is the file named by BASELINE_CONFIG when it is set', () => {
    const config = baseline();
    config.project = 'other';
    const file = path.join(dir, 'other.json');
    writeFileSync(file, JSON.stringify(config));
    expect(configFile({ BASELINE_CONFIG: file })).toBe(file);
    expect(loadBaselineConfig({ BASELINE_CONFIG: file }).project).toBe('other');
  });

  test('fails clearly when the file does not exist, naming it and BASELINE_CONFIG', () => {
    const file = path.join(dir, 'missing.json');
    let error: unknown;
    try {
      loadBaselineConfig({ BASELINE_CONFIG: file });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).file).toBe(file);
    expect((error as ConfigError).problems).toEqual([
      {
        path: '(file)',
        received: JSON.stringify(file),
        message: 'cannot be read (ENOENT); give the path of an existing config file, or set BASELINE_CONFIG to one',
      },
    ]);
  });

  test('reports an invalid file as the library does', () => {
    const config = baseline();
    config.environments.prod.backup.fileRetentionDays = 30;
    const file = path.join(dir, 'short-backups.json');
    writeFileSync(file, JSON.stringify(config));
    expect(() => loadBaselineConfig({ BASELINE_CONFIG: file })).toThrow(
      /environments\.prod\.backup\.fileRetentionDays: received 30: must be at least 90/,
    );
  });
});
