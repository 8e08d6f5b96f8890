import { Testing } from 'cdktf';
import type { Construct } from 'constructs';

/** The synthesized Terraform JSON of one stack. */
export interface TfJson {
  readonly resource?: Record<string, Record<string, Record<string, any>>>;
  readonly data?: Record<string, Record<string, Record<string, any>>>;
  readonly [key: string]: unknown;
}

/**
 * Synthesizes whatever `build` adds to a fresh test stack and returns the parsed Terraform JSON.
 * Assertions read this JSON (not the TypeScript input), because the prebuilt bindings type
 * several arguments loosely and only the JSON shows what Terraform receives.
 */
export function synthTerraform(build: (scope: Construct) => void): TfJson {
  return JSON.parse(Testing.synthScope(build)) as TfJson;
}

/** All resources of one Terraform type, by their synthesized name. */
export function resourcesOf(json: TfJson, type: string): Record<string, Record<string, any>> {
  return json.resource?.[type] ?? {};
}

/** The only resource of `type` (fails the test when there are none or several). */
export function onlyResource(json: TfJson, type: string): Record<string, any> {
  const all = Object.values(resourcesOf(json, type));
  if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
  return all[0];
}

/** A copy of a value with every null dropped (attribute lists synthesize unset fields as null). */
export function withoutNulls<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (_k, v) => (v === null ? undefined : v)));
}
