import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ConfigError, parseConfig, type ConfigProblem } from '../../lib/config/load';

/** The shipped config file, which every test starts from. */
export const BASELINE_PATH = path.join(__dirname, '..', '..', 'config', 'baseline.json');

/** The shape of config/baseline.json, so mutations in tests are type-checked. */
export type BaselineJson = typeof import('../../config/baseline.json');

const text = readFileSync(BASELINE_PATH, 'utf8');

/** A fresh deep copy of config/baseline.json; each test mutates its own copy. */
export function baseline(): BaselineJson {
  return JSON.parse(text) as BaselineJson;
}

/**
 * A view of a config without its static type, for mutations the file's type forbids (wrong
 * types, deletions, unknown keys): the point of those tests is the value the loader receives.
 */
export function loose(value: unknown): any {
  return value;
}

/** The problems parseConfig reports for `input`, or [] when it is accepted. */
export function problemsOf(input: unknown): ConfigProblem[] {
  try {
    parseConfig(input, 'test.json');
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
}

/** Expected problem: exact path, optionally the exact received text, and the key part of the message. */
export function problem(at: string, message: RegExp, received?: string): ConfigProblem {
  return {
    path: at,
    received: received === undefined ? expect.any(String) : received,
    message: expect.stringMatching(message),
  } as ConfigProblem;
}

/** Moves an environment to another primary region, keeping its zones and certificate consistent. */
export function moveRegion(
  env: BaselineJson['environments']['prod' | 'staging'],
  region: string,
  zoneCount = env.aws.availabilityZones.length,
): void {
  env.aws.region = region;
  env.aws.availabilityZones = ['a', 'b', 'c'].slice(0, zoneCount).map((z) => `${region}${z}`);
  env.aws.certificateArn = `arn:aws:acm:${region}:${env.aws.account}:certificate/00000000-0000-4000-8000-0000000000ff`;
}

/** Moves an environment to another account, keeping both certificates in it. */
export function moveAccount(env: BaselineJson['environments']['prod' | 'staging'], account: string): void {
  env.aws.account = account;
  env.aws.certificateArn = env.aws.certificateArn.replace(/:\d{12}:/, `:${account}:`);
  env.aws.cdn.certificateArn = env.aws.cdn.certificateArn.replace(/:\d{12}:/, `:${account}:`);
  env.aws.dr.certificateArn = env.aws.dr.certificateArn.replace(/:\d{12}:/, `:${account}:`);
}

/** A copy of `env` as a new environment: same settings, its own Azure subscription. */
export function cloneEnvironment(
  env: BaselineJson['environments']['prod' | 'staging'],
  subscriptionId: string,
): BaselineJson['environments']['prod' | 'staging'] {
  const copy = structuredClone(env);
  copy.azure.subscriptionId = subscriptionId;
  return copy;
}
