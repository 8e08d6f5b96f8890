// Reading a synthesized Cloudflare Terraform JSON stack (provider 5.x, as CDK for Terraform writes
// it): the zones it configures, their settings and their entry-point rulesets. The generic
// Terraform JSON helpers live in ../core/terraform.ts, shared with the Azure checks; no cdktf or
// construct import here, so the checks run on any Terraform JSON, including hand-written stacks.
import type { Outcome } from '../core/outcome';
import { allResources, blocks, isTrue, ofType, show, TEMPLATE, type TfJson, type TfRes } from '../core/terraform';

export const ZONE_SETTING = 'cloudflare_zone_setting';
export const RULESET = 'cloudflare_ruleset';

/** The zone entry-point phases the baseline's rulesets use. */
export const PHASES = {
  managed: 'http_request_firewall_managed',
  custom: 'http_request_firewall_custom',
  rateLimit: 'http_ratelimit',
} as const;

/** The Cloudflare resources of the stack. */
export function cloudflareResources(tf: TfJson): TfRes[] {
  return allResources(tf).filter((r) => r.type.startsWith('cloudflare_'));
}

/** A zone id as a comparable key: the literal id, or a rendering of a reference or other value. */
export function zoneKey(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * The zones the stack configures: every distinct `zone_id` of its Cloudflare resources, in JSON
 * order (literal ids, or references such as `${data.cloudflare_zone.x.zone_id}` as written).
 */
export function zoneIds(tf: TfJson): string[] {
  const found = new Set<string>();
  for (const res of cloudflareResources(tf))
    if (res.args.zone_id !== undefined && res.args.zone_id !== null) found.add(zoneKey(res.args.zone_id));
  return [...found];
}

/** The resources of `type` that belong to `zone`. */
export function inZone(tf: TfJson, zone: string, ...types: string[]): TfRes[] {
  return ofType(tf, ...types).filter((r) => r.args.zone_id !== undefined && zoneKey(r.args.zone_id) === zone);
}

/** The zone's entry-point rulesets (`kind = "zone"`) of one phase. */
export function zoneRulesets(tf: TfJson, zone: string, phase: string): TfRes[] {
  return inZone(tf, zone, RULESET).filter((r) => r.args.kind === 'zone' && r.args.phase === phase);
}

/** The rules of a ruleset, in order. */
export function rulesOf(ruleset: TfRes): any[] {
  return blocks(ruleset.args.rules).filter((r) => typeof r === 'object');
}

/** `rules[2] (ref "x")`: how a rule is named in messages. */
export function ruleName(ruleset: TfRes, rule: any): string {
  const i = rulesOf(ruleset).indexOf(rule);
  return `rules[${i}]${rule?.ref !== undefined ? ` (ref ${show(rule.ref)})` : ''}`;
}

/**
 * Whether a rule (or pool) is enabled: `enabled` true, or absent, which Cloudflare's API reads as
 * true. `false` (or `"false"`) disables it.
 */
export function isEnabled(value: unknown): boolean {
  return value === undefined || value === null || isTrue(value);
}

/** An expression that matches every request (`true`, possibly in parentheses). */
export function matchesEverything(expression: unknown): boolean {
  return typeof expression === 'string' && /^\s*\(*\s*true\s*\)*\s*$/.test(expression);
}

/** `"strict"`, `"1.2" or "1.3"`, `one of "medium", "high", "under_attack"`. */
export function expectedValues(accepted: readonly string[]): string {
  const quoted = accepted.map((v) => JSON.stringify(v));
  if (quoted.length === 1) return quoted[0];
  if (quoted.length === 2) return `${quoted[0]} or ${quoted[1]}`;
  return `one of ${quoted.join(', ')}`;
}

/** One string-valued zone setting a control requires, the values it accepts and why. */
export interface RequiredZoneSetting {
  readonly accepted: readonly string[];
  /** Why, in a few words, for the finding. */
  readonly why: string;
}

/**
 * Findings for the zone's `cloudflare_zone_setting`s named in `required`: each present (a missing
 * setting keeps whatever the dashboard last set) with one of the accepted values.
 */
export function requireZoneSettings(out: Outcome, tf: TfJson, zone: string, required: Readonly<Record<string, RequiredZoneSetting>>): void {
  const settings = inZone(tf, zone, ZONE_SETTING);
  for (const [settingId, { accepted, why }] of Object.entries(required)) {
    const found = settings.filter((s) => s.args.setting_id === settingId);
    if (found.length === 0) {
      out.fail(
        TEMPLATE,
        `zone ${show(zone)} has no cloudflare_zone_setting ${show(settingId)}; expected value ${expectedValues(accepted)} (${why})`,
      );
    }
    for (const setting of found) {
      out.within(setting.address, () => {
        const value = setting.args.value;
        if (typeof value !== 'string' || !accepted.includes(value)) {
          out.fail(setting.address, `${settingId} is ${show(value)}; expected ${expectedValues(accepted)} (${why})`);
        }
      });
    }
  }
}
