import { Outcome } from '../core/outcome';
import { blocks, show, type TfJson } from '../core/terraform';
import type { CheckResult } from '../types';
import { cloudflareResources } from './zone';

/** Provider arguments that carry a Cloudflare credential. */
export const CLOUDFLARE_CREDENTIAL_ARGS = ['api_token', 'api_key', 'api_user_service_key'] as const;
/** Backend arguments that carry a credential (azurerm, s3, http, remote...). */
const BACKEND_SECRET_ARGS = new Set([
  'access_key',
  'sas_token',
  'client_secret',
  'client_certificate_password',
  'secret_key',
  'password',
  'token',
]);
/** Variable names that say they hold a credential. */
const SECRET_NAME = /token|secret|password|api_?key|access_?key|private_?key/i;
/**
 * Resource arguments that carry a secret: the private key of the zone's origin-pull certificate
 * (required), the shared secret Cloudflare sends to a notification webhook (optional), and a
 * Logpush job's ownership challenge token (optional; whoever holds it can point another zone's
 * logs at the bucket).
 */
const SECRET_ARGS: Readonly<Record<string, { readonly arg: string; readonly what: string; readonly optional: boolean }>> = {
  cloudflare_authenticated_origin_pulls_certificate: { arg: 'private_key', what: 'private key', optional: false },
  cloudflare_notification_policy_webhooks: { arg: 'secret', what: 'secret', optional: true },
  cloudflare_logpush_job: { arg: 'ownership_challenge', what: 'ownership challenge token', optional: true },
};
/** Query parameters of a Logpush destination that carry a credential (R2 keys, SAS signatures, HTTP headers, tokens). */
const DESTINATION_CREDENTIAL = /secret|access-key|key-id|sig$|^sv$|token|password|auth|api[-_]?key|^header_/i;

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A whole-value reference such as `${var.token}`, as opposed to literal text. */
function isReference(value: unknown): boolean {
  return typeof value === 'string' && /^\$\{[^}]*\}$/.test(value.trim());
}

/**
 * Control SECRETS (Cloudflare): no `cloudflare` provider block sets `api_token`, `api_key` or
 * `api_user_service_key` (the provider reads CLOUDFLARE_API_TOKEN from the environment, so the
 * token is never in code, config or the synthesized JSON; a variable reference is refused too, as
 * it routes the token through tfvars); no `variable` whose name says token, secret, password or
 * key has a default; no backend block sets an access key, SAS token, client secret or password;
 * the private key of an origin-pull certificate, the secret of a notification webhook and the
 * ownership challenge of a Logpush job, when they have one, are `${var.x}` of a `sensitive` variable
 * without default (supplied as TF_VAR_x at deploy time), never literal text; and no Logpush
 * destination carries a key, signature or token in its query string.
 * Not applicable to a stack without a cloudflare provider or Cloudflare resources.
 */
export function checkSecrets(tf: TfJson): CheckResult {
  const out = new Outcome('SECRETS');
  const providers = blocks((tf?.provider as any)?.cloudflare);
  providers.forEach((config, i) => {
    const address = providers.length === 1 ? 'provider.cloudflare' : `provider.cloudflare[${i}]`;
    out.within(address, () => {
      for (const arg of CLOUDFLARE_CREDENTIAL_ARGS) {
        const value = config?.[arg];
        if (value === undefined || value === null) continue;
        const how = isReference(value) ? `from ${show(value)}` : 'as a literal (the secret is in the synthesized JSON)';
        out.fail(address, `${arg} is set ${how}; expected none: the provider reads CLOUDFLARE_API_TOKEN from the environment`);
      }
    });
  });
  const variables = isObject(tf?.variable) ? tf.variable : {};
  for (const [name, variable] of Object.entries(variables)) {
    if (
      SECRET_NAME.test(name) &&
      isObject(variable) &&
      variable.default !== undefined &&
      variable.default !== null &&
      variable.default !== ''
    ) {
      out.fail(`variable.${name}`, 'has a default value; expected no default for a credential (it would be in the synthesized JSON)');
    }
  }
  for (const res of cloudflareResources(tf)) {
    const secret = SECRET_ARGS[res.type];
    if (!secret) continue;
    const { arg, what } = secret;
    out.within(res.address, () => {
      const value = res.args[arg];
      if (secret.optional && (value === undefined || value === null)) return;
      const variable = typeof value === 'string' ? /^\$\{\s*var\.([A-Za-z0-9_-]+)\s*\}$/.exec(value.trim())?.[1] : undefined;
      const declared = variable !== undefined && isObject(variables[variable]) ? variables[variable] : undefined;
      if (variable === undefined) {
        out.fail(
          res.address,
          `${arg} is ` +
            (isReference(value)
              ? show(value)
              : `literal text (the ${what === 'private key' ? 'key' : what} is in the synthesized JSON and the repository)`) +
            `; expected \${var.<name>} of a sensitive variable set from TF_VAR_<name> at deploy time`,
        );
      } else if (!declared) {
        out.fail(
          res.address,
          `${arg} reads var.${variable}, which the stack does not declare; expected a sensitive variable without default`,
        );
      } else {
        if (declared.sensitive !== true)
          out.fail(
            `variable.${variable}`,
            `holds ${res.address}.${arg} but sensitive is ${show(declared.sensitive)}; expected true, so Terraform never ` +
              `prints the ${what === 'private key' ? 'key' : what}`,
          );
        if (declared.default !== undefined && declared.default !== null)
          out.fail(`variable.${variable}`, `has a default value; expected none for a ${what} (it would be in the synthesized JSON)`);
      }
    });
  }
  // A Logpush destination authenticated by a key or token in its URL puts that credential in the JSON.
  for (const job of cloudflareResources(tf).filter((r) => r.type === 'cloudflare_logpush_job')) {
    const destination = job.args.destination_conf;
    if (typeof destination !== 'string' || isReference(destination)) continue;
    const query = destination.includes('?') ? destination.slice(destination.indexOf('?') + 1) : '';
    const credentials = [...new URLSearchParams(query).keys()].filter((k) => DESTINATION_CREDENTIAL.test(k));
    if (credentials.length > 0) {
      out.fail(
        job.address,
        `destination_conf carries ${credentials.map((k) => JSON.stringify(k)).join(', ')} (a credential in the synthesized ` +
          `JSON and the repository); expected a destination Cloudflare writes to through a grant on the bucket (s3://, gs://), ` +
          `or the whole destination from a sensitive variable`,
      );
    }
  }
  const backends = isObject((tf?.terraform as any)?.backend) ? (tf.terraform as any).backend : {};
  for (const [type, config] of Object.entries<any>(backends)) {
    for (const [arg, value] of Object.entries(isObject(config) ? config : {})) {
      // Terraform refuses references in a backend block: any value here is literal.
      if (BACKEND_SECRET_ARGS.has(arg) && value !== undefined && value !== null && value !== '') {
        out.fail(
          `terraform.backend.${type}`,
          `${arg} is set in the stack; expected Entra ID or environment credentials (use_azuread_auth, ARM_* variables)`,
        );
      }
    }
  }
  return out.result(providers.length + cloudflareResources(tf).length > 0);
}
