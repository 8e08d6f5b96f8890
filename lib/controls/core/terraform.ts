// Reading a synthesized Terraform JSON stack (cdk.tf.json, as CDK for Terraform writes it):
// resources by type, `${type.name.attr}` references resolved to the resources they name (through
// `tolist(...)` and indexing too), and the nested-block shapes every provider writes. Shared by the
// Azure and Cloudflare checks (azurerm shapes are in ../azure/azurerm.ts). No cdktf import on
// purpose: the checks must run on any Terraform JSON, including stacks not synthesized here.
import { remembered } from './check-run';
import { walk } from './walk';
import { asNumber, isFalse, isTrue } from './values';

export { asNumber, isFalse, isTrue };

/** A synthesized Terraform JSON stack; only `resource` matters to the checks. */
export interface TfJson {
  readonly resource?: Record<string, Record<string, any>>;
  readonly data?: Record<string, Record<string, any>>;
  readonly output?: Record<string, any>;
  readonly [key: string]: unknown;
}

/** One resource of a stack with its address (`<type>.<name>`) and (never undefined) arguments. */
export interface TfRes {
  readonly type: string;
  readonly name: string;
  /** `<type>.<name>`: what findings and evidence name. */
  readonly address: string;
  readonly args: any;
}

/** Placeholder for the address of a missing resource (see Finding). */
export const TEMPLATE = '(template)';

/** Every resource of the stack, in JSON order. */
export function allResources(tf: TfJson): TfRes[] {
  const byType = tf && typeof tf === 'object' && isObject(tf.resource) ? tf.resource : {};
  return [...remembered(byType, '*', () => resourcesOf(Object.entries(byType)))];
}

/** The resources of the given type(s), in JSON order. */
export function ofType(tf: TfJson, ...types: string[]): TfRes[] {
  const byType = tf && typeof tf === 'object' && isObject(tf.resource) ? tf.resource : {};
  // Only the asked types' entries are built, and kept for the rest of a run of checks
  // (core/check-run.ts): the checks ask for one or two types many times per stack.
  return [
    ...remembered(byType, `type:${types.join(' ')}`, () => resourcesOf(Object.entries(byType).filter(([type]) => types.includes(type)))),
  ];
}

function resourcesOf(byType: [string, unknown][]): TfRes[] {
  return byType.flatMap(([type, named]) =>
    Object.entries(isObject(named) ? named : {}).map(([name, args]) => ({
      type,
      name,
      address: `${type}.${name}`,
      args: isObject(args) ? args : {},
    })),
  );
}

/** The resource at `<type>.<name>`, if the stack has it. */
export function byAddress(tf: TfJson, address: string | undefined): TfRes | undefined {
  if (address === undefined) return undefined;
  const dot = address.indexOf('.');
  const type = address.slice(0, dot);
  const name = address.slice(dot + 1);
  const args = (tf?.resource as any)?.[type]?.[name];
  return isObject(args) ? { type, name, address, args } : undefined;
}

/** A reference's target: type, name and the attribute read (`id`, `name`, `versionless_id`, ...). */
export interface RefTarget {
  readonly type: string;
  readonly name: string;
  readonly address: string;
  readonly attribute?: string;
}

const REFERENCE = /^\$\{\s*(?:tolist\(\s*|toset\(\s*)?([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)(?:\.([A-Za-z0-9_]+))?/;

/**
 * The resource a value refers to: `"${azurerm_subnet.App_1234.id}"` gives
 * `{ type: 'azurerm_subnet', name: 'App_1234', attribute: 'id' }`; so does
 * `"${tolist(azurerm_application_gateway.Gw_1.backend_address_pool).0.id}"` (attribute
 * `backend_address_pool`). Data sources, variables, locals and literal ids give undefined.
 */
export function refTarget(value: unknown): RefTarget | undefined {
  if (typeof value !== 'string') return undefined;
  const m = REFERENCE.exec(value.trim());
  if (!m || ['data', 'var', 'local', 'module', 'each', 'count', 'path', 'terraform', 'self'].includes(m[1])) return undefined;
  return { type: m[1], name: m[2], address: `${m[1]}.${m[2]}`, attribute: m[3] };
}

/** The resource a value refers to when the stack has it and it has one of `types` (any type if none). */
export function refTo(tf: TfJson, value: unknown, ...types: string[]): TfRes | undefined {
  const target = refTarget(value);
  if (!target || (types.length > 0 && !types.includes(target.type))) return undefined;
  return byAddress(tf, target.address);
}

/** True when `value` is a reference to the resource `res` (any attribute). */
export function refersTo(value: unknown, res: TfRes): boolean {
  return refTarget(value)?.address === res.address;
}

/** Addresses of every resource referenced anywhere inside a value (`${...}` interpolations). */
export function refsIn(value: unknown): string[] {
  const found = new Set<string>();
  walk(value, (node) => {
    if (typeof node !== 'string') return;
    for (const m of node.matchAll(/\$\{([^}]*)\}/g)) {
      for (const part of m[1].matchAll(/(?:^|[^A-Za-z0-9_.])([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)/g)) {
        if (!['data', 'var', 'local', 'module', 'each', 'count', 'path', 'terraform', 'self'].includes(part[1]))
          found.add(`${part[1]}.${part[2]}`);
      }
    }
  });
  return [...found];
}

/**
 * A nested block that holds at most one item: cdktf writes it as an object, hand-written or
 * older JSON as a one-element array. Undefined when absent.
 */
export function block(value: unknown): any {
  if (Array.isArray(value)) return isObject(value[0]) ? value[0] : undefined;
  return isObject(value) ? value : undefined;
}

/** A repeatable nested block (or any value) as an array: absent or null as empty. */
export function blocks(value: unknown): any[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).filter((v) => v !== undefined && v !== null);
}

/** The tags of a resource as strings. */
export function tagsOf(res: TfRes): Record<string, string> {
  const tags = res.args.tags;
  if (!isObject(tags)) return {};
  return Object.fromEntries(Object.entries(tags).map(([k, v]) => [k, String(v)]));
}

/** True when the resource's `lifecycle.prevent_destroy` is true. */
export function preventsDestroy(res: TfRes): boolean {
  return isTrue(block(res.args.lifecycle)?.prevent_destroy);
}

/** A short rendering of a value for messages. */
export function show(value: unknown): string {
  if (value === undefined) return 'absent';
  if (typeof value === 'string') return JSON.stringify(value);
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** Literal text of a `custom_data`/`user_data` value: base64 decoded when it is base64, else as is. */
export function decodedText(value: unknown): string {
  if (typeof value !== 'string') return '';
  const trimmed = value.trim();
  if (trimmed.length > 0 && trimmed.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) {
    const text = Buffer.from(trimmed, 'base64').toString('utf8');
    if (!text.includes('\uFFFD')) return text;
  }
  return value;
}

/**
 * Days of an ISO 8601 duration such as `P90D`, `P12W` or `P1Y` (a month counts 28 days, the
 * shortest, so a floor is never met by rounding up); undefined for anything else.
 */
export function isoDurationDays(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/.exec(value.trim());
  if (!m || value.trim() === 'P') return undefined;
  const [, y, mo, w, d] = m.map((x) => (x === undefined ? 0 : Number(x)));
  return y * 365 + mo * 28 + w * 7 + d;
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
