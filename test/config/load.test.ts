import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ConfigError, formatPath, loadConfig, parseConfig } from '../../lib/config/load';
import { BASELINE_PATH, baseline, loose, problem } from './support';

/** Runs `fn`, expecting a ConfigError, and returns it. */
function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError, but the config was accepted');
}

describe('parseConfig', () => {
  test('accepts the shipped config and returns it with its values', () => {
    const config = parseConfig(baseline());
    expect(config.project).toBe('acme');
    expect(Object.keys(config.environments)).toEqual(['staging', 'prod']);
    expect(config.environments.prod.aws!.availabilityZones).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
    expect(config.environments.prod.bastion.allowedCidrs).toEqual(['198.51.100.0/28', '203.0.113.10/32', '2001:db8:1234::/48']);
  });

  test('reports every problem of the file in one error, across environments and sections', () => {
    const config = loose(baseline());
    config.environments.staging.bastion.allowedCidrs[0] = '0.0.0.0/0';
    config.environments.staging.logging.retentionDays = 14;
    config.environments.prod.aws!.drRegion = 'us-east-1';
    config.environments.prod.bastion.users[1].name = 'root';
    config.environments.prod.waf.globalRateLimt = { limit: 2000, windowSeconds: 300 };

    const error = configError(() => parseConfig(config, 'config/broken.json'));
    expect(error.file).toBe('config/broken.json');
    expect(error.problems).toEqual([
      problem('environments.prod.aws.drRegion', /is outside residency "eu"/, '"us-east-1"'),
      problem('environments.prod.bastion.users[1].name', /is a reserved system or shared account/, '"root"'),
      problem('environments.prod.waf.globalRateLimt', /is not a known setting/, '{"limit":2000,"windowSeconds":300}'),
      problem('environments.staging.bastion.allowedCidrs[0]', /opens the port to the whole internet/, '"0.0.0.0/0"'),
      problem('environments.staging.logging.retentionDays', /must be one of 30, 60, 90/, '14'),
    ]);
    expect(error.message).toMatch(/^Invalid baseline config config\/broken\.json \(5 problems\); nothing was synthesized:\n/);
    for (const p of error.problems) expect(error.message).toContain(`  - ${p.path}: received ${p.received}: ${p.message}`);
  });

  test('says "1 problem" for a single problem', () => {
    const config = baseline();
    config.environments.prod.aws!.drRegion = 'eu-west-1';
    const error = configError(() => parseConfig(config));
    expect(error.message).toMatch(/^Invalid baseline config \(inline config\) \(1 problem\);/);
    expect(error.name).toBe('ConfigError');
  });

  test('fails on a file that is not an object', () => {
    expect(configError(() => parseConfig([])).problems).toEqual([problem('(root)', /expected object, not array/, '[]')]);
    expect(configError(() => parseConfig(null)).problems).toEqual([problem('(root)', /expected object, not null/, 'null')]);
  });

  test('fails on an empty object, naming each required setting', () => {
    expect(configError(() => parseConfig({})).problems).toEqual([
      problem('environments', /is required: expected record; add it/, '(missing)'),
      problem('project', /is required: expected string; add it/, '(missing)'),
    ]);
  });

  test('shortens a long received value', () => {
    const config = loose(baseline());
    config.environments.prod.alerts.emails[0] = `${'x'.repeat(200)}@`;
    const [found] = configError(() => parseConfig(config)).problems;
    expect(found.received).toHaveLength(120);
    expect(found.received.endsWith('...')).toBe(true);
  });
});

describe('formatPath', () => {
  test('writes paths the way people write them', () => {
    expect(formatPath(['environments', 'prod', 'bastion', 'allowedCidrs', 1])).toBe('environments.prod.bastion.allowedCidrs[1]');
    expect(formatPath(['environments', 'prod', 'bastion', 'users', 0, 'publicKeys', 2])).toBe(
      'environments.prod.bastion.users[0].publicKeys[2]',
    );
    expect(formatPath([])).toBe('(root)');
  });
});

describe('loadConfig', () => {
  const saved = process.env.BASELINE_CONFIG;
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'baseline-config-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    if (saved === undefined) delete process.env.BASELINE_CONFIG;
    else process.env.BASELINE_CONFIG = saved;
  });

  const write = (name: string, content: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, content);
    return file;
  };

  test('reads the file it is given (the library has no default path, and ignores BASELINE_CONFIG)', () => {
    process.env.BASELINE_CONFIG = path.join(dir, 'missing.json');
    expect(loadConfig(BASELINE_PATH).project).toBe('acme');
    expect(loadConfig.length).toBe(1);
  });

  test('fails clearly when the file does not exist, naming it', () => {
    const file = path.join(dir, 'missing.json');
    const error = configError(() => loadConfig(file));
    expect(error.file).toBe(file);
    expect(error.problems).toEqual([
      problem('(file)', /^cannot be read \(ENOENT\); give the path of an existing config file$/, JSON.stringify(file)),
    ]);
    expect(error.message).toContain(file);
  });

  test('fails clearly when the file is not valid JSON', () => {
    const file = write('broken.json', '{ "project": "acme", }');
    const error = configError(() => loadConfig(file));
    expect(error.problems).toEqual([problem('(file)', /is not valid JSON \(.+\); fix the syntax/, '(unparsable text)')]);
  });

  test('fails with a problem, not a crash, when the file holds JSON null', () => {
    const file = write('null.json', 'null');
    expect(configError(() => loadConfig(file)).problems).toEqual([problem('(root)', /expected object, not null/, 'null')]);
  });

  test('reports the problems of a loaded file with the file name', () => {
    const config = baseline();
    config.environments.prod.backup.fileRetentionDays = 30;
    const file = write('short-backups.json', JSON.stringify(config));
    const error = configError(() => loadConfig(file));
    expect(error.message).toContain(`Invalid baseline config ${file} (1 problem)`);
    expect(error.problems).toEqual([problem('environments.prod.backup.fileRetentionDays', /must be at least 90/, '30')]);
  });
});
