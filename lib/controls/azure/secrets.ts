import { Outcome } from '../core/outcome';
import type { CheckResult } from '../types';
import { allResources, block, decodedText, isFalse, isTrue, ofType, show, type TfJson } from '../core/terraform';
import { walk } from '../core/walk';
import { postgresServers } from './azurerm';

/** Arguments that hold a password in azurerm resources. */
const PASSWORD_ARGS = new Set(['admin_password', 'administrator_password', 'administrator_password_wo', 'administrator_login_password']);
/** cloud-init or shell lines that set a password. */
const SETS_PASSWORD = /(?<![A-Za-z])(?<!lock_)(password|passwd|hashed_passwd|plain_text_passwd|chpasswd)\s*[:=]/i;

/**
 * Control SECRETS (Azure): no resource sets admin_password, administrator_password(_wo) or
 * administrator_login_password (nested blocks included); PostgreSQL servers have
 * authentication.password_auth_enabled false (Entra only); no custom_data or user_data sets a
 * password (`password:`, `DB_PASSWORD=`, `passwd:`, `chpasswd:` and the like, but not cloud-init's
 * `lock_passwd:`, after base64 decoding); no
 * azurerm_key_vault_secret carries its value in the stack; key vaults have
 * rbac_authorization_enabled true (no access policies).
 */
export function checkSecrets(tf: TfJson): CheckResult {
  const out = new Outcome('SECRETS');
  const resources = allResources(tf);
  for (const res of resources) {
    const found = new Set<string>();
    walk(res.args, (node, key) => {
      if (key !== undefined && PASSWORD_ARGS.has(key) && node !== undefined && node !== null && typeof node !== 'object') found.add(key);
    });
    for (const key of found) out.fail(res.address, `${key} is set; expected no password in the stack (SSH keys, Entra authentication)`);
    for (const arg of ['custom_data', 'user_data']) {
      if (res.args[arg] !== undefined && SETS_PASSWORD.test(decodedText(res.args[arg]))) {
        out.fail(res.address, `${arg} sets a password (matches ${SETS_PASSWORD}); expected none (per-user SSH keys)`);
      }
    }
  }
  for (const server of postgresServers(tf)) {
    out.within(server.address, () => {
      const auth = block(server.args.authentication);
      if (!isFalse(auth?.password_auth_enabled))
        out.fail(
          server.address,
          `authentication.password_auth_enabled is ${show(auth?.password_auth_enabled)}; expected false (Entra tokens only, ` +
            `no administrator password)`,
        );
    });
  }
  for (const secret of ofType(tf, 'azurerm_key_vault_secret')) {
    if (secret.args.value !== undefined)
      out.fail(secret.address, 'value is set in the stack; expected secrets written outside Terraform (value_wo or a pipeline)');
  }
  for (const vault of ofType(tf, 'azurerm_key_vault')) {
    out.within(vault.address, () => {
      if (!isTrue(vault.args.rbac_authorization_enabled))
        out.fail(
          vault.address,
          `rbac_authorization_enabled is ${show(vault.args.rbac_authorization_enabled)}; expected true (Azure RBAC, not access policies)`,
        );
    });
  }
  return out.result(resources.length > 0);
}
