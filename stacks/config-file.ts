import * as path from 'node:path';
import { ConfigError, loadConfig } from '../lib/config/load';
import type { BaselineConfig } from '../lib/config/schema';

/**
 * The config file the reference apps and scripts of this repository read when `BASELINE_CONFIG`
 * is not set: the example config. The library has no default; it reads the file it is given.
 */
export const DEFAULT_CONFIG_PATH = path.join(__dirname, '..', 'config', 'baseline.json');

/** Where a reference app writes its messages, and the environment it reads (the tests run the apps in-process). */
export interface AppIo {
  readonly stderr: { write(text: string): unknown };
  readonly env: NodeJS.ProcessEnv;
}

/** The config file of the reference apps and scripts: `BASELINE_CONFIG`, else {@link DEFAULT_CONFIG_PATH}. */
export function configFile(env: NodeJS.ProcessEnv = process.env): string {
  return env.BASELINE_CONFIG || DEFAULT_CONFIG_PATH;
}

/**
 * Reads and validates {@link configFile}; a file that cannot be read is reported with how to name
 * another (`BASELINE_CONFIG`).
 * @throws ConfigError when the file cannot be read, is not JSON, or is invalid.
 */
export function loadBaselineConfig(env: NodeJS.ProcessEnv = process.env): BaselineConfig {
  const file = configFile(env);
  try {
    return loadConfig(file);
  } catch (err) {
    if (
      err instanceof ConfigError &&
      err.problems.length === 1 &&
      err.problems[0].path === '(file)' &&
      err.problems[0].message.startsWith('cannot be read')
    ) {
      throw new ConfigError(err.file, [{ ...err.problems[0], message: `${err.problems[0].message}, or set BASELINE_CONFIG to one` }]);
    }
    throw err;
  }
}
