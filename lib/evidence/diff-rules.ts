// Helpers shared by the weakening rules of both template kinds (lib/evidence/diff-rules-aws.ts,
// lib/evidence/diff-rules-terraform.ts): the wording of a hit, HSTS and rate parsing, and rank
// comparisons. A rule reads one resource's before and after configuration (plus, for network
// reach and public subnets, maps built once per template), so the rules stay linear in the
// resources that changed.
import { CLOUDFLARE_SHARED_ORIGIN_PULL_CN, parseCertificate } from '../config/origin-pull';
import { show, type RuleHit, type WeakeningRule } from './diff-model';

/** A resource as a rule sees it: its address, type, and configuration on each side. */
export interface ResourcePair {
  readonly address: string;
  readonly type: string;
  /** CloudFormation: the whole resource (`Type`, `Properties`, policies); Terraform: the resource's configuration. Undefined: added. */
  readonly before?: any;
  /** Undefined: removed. */
  readonly after?: any;
  /** Removed or added as one half of a probable rename (a construct id change): not a removal or addition of the protection it carries. */
  readonly renamed: boolean;
  /** The stack exists on the base (additions to a new stack are not weakenings of anything). */
  readonly stackExisted: boolean;
}

/** `what: before → after — meaning`. */
export function hit(rule: WeakeningRule, what: string, before: unknown, after: unknown, meaning: string): RuleHit {
  const word = (v: unknown) => (v === undefined ? '(none)' : typeof v === 'string' ? v : show(v, 60));
  return { rule, text: `${what}: ${word(before)} → ${word(after)} — ${meaning}` };
}

/** Whether a value is a plain object. */
export function isObj(v: unknown): v is Record<string, any> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A list from a value that may be one element, a list, or absent. */
export function list<T = any>(v: unknown): T[] {
  return Array.isArray(v) ? (v as T[]) : v === undefined || v === null ? [] : [v as T];
}

/** The position of `v` in `order` (weakest first), or undefined when it is not listed. */
export function rank(order: readonly string[], v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const i = order.findIndex((o) => o.toLowerCase() === v.toLowerCase());
  return i < 0 ? undefined : i;
}

/** True when both values are ranked and `after` ranks lower. */
export function lower(order: readonly string[], before: unknown, after: unknown): boolean {
  const [b, a] = [rank(order, before), rank(order, after)];
  return b !== undefined && a !== undefined && a < b;
}

/** An HSTS policy: off, or max-age with its flags. */
export interface Hsts {
  readonly enabled: boolean;
  readonly maxAge: number;
  readonly includeSubdomains: boolean;
  readonly preload: boolean;
}

/** Reads a `Strict-Transport-Security` header value (`max-age=63072000; includeSubDomains`). */
export function parseHstsHeader(value: unknown): Hsts | undefined {
  if (typeof value !== 'string') return undefined;
  const age = /max-age\s*=\s*"?(\d+)/i.exec(value);
  if (!age) return undefined;
  return {
    enabled: Number(age[1]) > 0,
    maxAge: Number(age[1]),
    includeSubdomains: /includesubdomains/i.test(value),
    preload: /preload/i.test(value),
  };
}

/** What an HSTS change weakens, or undefined when it does not: off, shorter, subdomains or preload dropped. */
export function hstsWeakening(before: Hsts | undefined, after: Hsts | undefined): string | undefined {
  if (!before?.enabled) return undefined;
  if (!after?.enabled) return 'browsers no longer refuse plain HTTP to this host: a first request can be downgraded and intercepted';
  const out: string[] = [];
  if (after.maxAge < before.maxAge)
    out.push(`browsers forget the HTTPS-only rule after ${days(after.maxAge)} instead of ${days(before.maxAge)}`);
  if (before.includeSubdomains && !after.includeSubdomains) out.push('subdomains are no longer covered');
  if (before.preload && !after.preload) out.push('no longer eligible for browser preload lists');
  return out.length ? out.join('; ') : undefined;
}

/** An HSTS policy as text: "max-age 2 years, includeSubDomains". */
export function hstsText(h: Hsts | undefined): string {
  if (!h?.enabled) return 'off';
  return [`max-age ${days(h.maxAge)}`, h.includeSubdomains && 'includeSubDomains', h.preload && 'preload'].filter(Boolean).join(', ');
}

function days(seconds: number): string {
  const d = seconds / 86400;
  if (d >= 365 && Number.isInteger(d / 365)) return `${d / 365} year${d / 365 === 1 ? '' : 's'}`;
  return d >= 1 ? `${Math.round(d * 10) / 10} days` : `${seconds} s`;
}

/** A rate limit: requests per window (seconds). */
export interface Rate {
  readonly requests: number;
  readonly seconds: number;
}

/** "100 requests / 5 min". */
export function rateText(r: Rate): string {
  const w = r.seconds % 60 === 0 ? `${r.seconds / 60} min` : `${r.seconds} s`;
  return `${r.requests} requests / ${w}`;
}

/** How much looser `after` is than `before` (requests per second ratio), or undefined when it is not looser. */
export function looserBy(before: Rate, after: Rate): number | undefined {
  const ratio = after.requests / after.seconds / (before.requests / before.seconds);
  return ratio > 1 + 1e-9 ? Math.round(ratio * 10) / 10 : undefined;
}

/**
 * The logical id a CloudFormation value refers to (`{Ref: X}`, `{Fn::GetAtt: [X, ...]}`), or the
 * Terraform address in `${type.name.attr}`.
 */
export function refName(v: unknown): string | undefined {
  if (isObj(v)) {
    if (typeof v.Ref === 'string') return v.Ref;
    const att = v['Fn::GetAtt'];
    if (Array.isArray(att) && typeof att[0] === 'string') return att[0];
    if (typeof att === 'string') return att.split('.')[0];
    return undefined;
  }
  if (typeof v === 'string') {
    const m = /^\$\{(?:tolist\()?([a-z0-9_]+\.[A-Za-z0-9_-]+)[.)]/.exec(v);
    if (m) return m[1];
  }
  return undefined;
}

/** A short, stable text of a value for a peer or key: a string as is, a reference by name, else JSON. */
export function label(v: unknown): string {
  if (typeof v === 'string') return /^\$\{[^{}]+\}$/.test(v) ? (refName(v) ?? v) : v;
  return refName(v) ?? JSON.stringify(v);
}

/**
 * Whether a certificate (PEM, or base64 of PEM as Application Gateway takes it) is Cloudflare's
 * shared origin-pull CA or issued by it: every Cloudflare zone presents such a certificate, so an
 * origin trusting it admits any Cloudflare customer's zone (control ORIGIN-LOCK).
 */
export function isSharedOriginPullCertificate(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const text = value.includes('-----BEGIN') ? value : Buffer.from(value, 'base64').toString('utf8');
  const parsed = parseCertificate(text);
  if ('error' in parsed) return false;
  return [parsed.cert.subject, parsed.cert.issuer].some((dn) => dn.split('\n').includes(`CN=${CLOUDFLARE_SHARED_ORIGIN_PULL_CN}`));
}
