import { checkSecrets } from '../../../lib/controls/cloudflare/secrets';
import { FAKE_PRIVATE_KEY } from '../../fixtures/origin-pull';
import { edge, expectFinding, expectNotApplicable, expectPass, only, weakened } from './support';

const CERT = 'cloudflare_authenticated_origin_pulls_certificate';
const certAt = only(edge(), CERT).address;
const HOOK = 'cloudflare_notification_policy_webhooks';
/** The edge with a notification webhook whose secret is `secret` (absent when undefined), read from a sensitive variable by default. */
const withWebhook =
  (secret: string | undefined = '${var.alert_webhook_secret}') =>
  (t: any) => {
    t.resource[HOOK] = {
      pager: {
        account_id: 'fedcba9876543210fedcba9876543210',
        name: 'pager',
        url: 'https://events.example.com/cf',
        ...(secret !== undefined ? { secret } : {}),
      },
    };
    t.variable.alert_webhook_secret = { type: 'string', sensitive: true, nullable: false };
  };

describe('SECRETS (Cloudflare)', () => {
  it('passes a provider without credentials (they come from CLOUDFLARE_API_TOKEN)', () => {
    const result = checkSecrets(edge());
    expectPass(result);
    expect(result.evidence).toEqual(['provider.cloudflare', certAt]);
  });

  it('passes a backend that authenticates with Entra ID', () => {
    expectPass(
      checkSecrets(
        weakened(
          (t) =>
            (t.terraform.backend = {
              azurerm: {
                storage_account_name: 'sttfstate',
                container_name: 'tfstate',
                key: 'prod-cloudflare.tfstate',
                use_azuread_auth: true,
              },
            }),
        ),
      ),
    );
  });

  it('passes a notification webhook with its secret from a sensitive variable, or without a secret', () => {
    expect(checkSecrets(weakened(withWebhook())).evidence).toContain(`${HOOK}.pager`);
    expectPass(checkSecrets(weakened(withWebhook())));
    expectPass(checkSecrets(weakened(withWebhook(undefined))));
  });

  it('is not applicable to an empty stack', () => {
    expectNotApplicable(checkSecrets({}));
  });

  it.each<[string, (t: any) => void, string, RegExp]>([
    [
      'a literal API token',
      (t) => (t.provider.cloudflare[0].api_token = 'x'.repeat(40)),
      'provider.cloudflare',
      /api_token is set as a literal \(the secret is in the synthesized JSON\); expected none: the provider reads CLOUDFLARE_API_TOKEN/,
    ],
    [
      'a global API key',
      (t) => Object.assign(t.provider.cloudflare[0], { api_key: 'f'.repeat(37), email: 'ops@example.com' }),
      'provider.cloudflare',
      /api_key is set as a literal/,
    ],
    [
      'a user service key',
      (t) => (t.provider.cloudflare[0].api_user_service_key = 'v1.0-abc'),
      'provider.cloudflare',
      /api_user_service_key is set as a literal/,
    ],
    [
      'a token routed through a variable',
      (t) => (t.provider.cloudflare[0].api_token = '${var.cloudflare_api_token}'),
      'provider.cloudflare',
      /api_token is set from "\$\{var.cloudflare_api_token\}"; expected none/,
    ],
    [
      'a second, aliased provider with a token',
      (t) => t.provider.cloudflare.push({ alias: 'other', api_token: 'y'.repeat(40) }),
      'provider.cloudflare[1]',
      /api_token is set as a literal/,
    ],
    [
      'a credential variable with a default',
      (t) => (t.variable = { cloudflare_api_token: { type: 'string', default: 'z'.repeat(40) } }),
      'variable.cloudflare_api_token',
      /has a default value; expected no default for a credential/,
    ],
    [
      'a backend storage access key',
      (t) => (t.terraform.backend = { azurerm: { storage_account_name: 'sttfstate', access_key: 'a2V5' } }),
      'terraform.backend.azurerm',
      /access_key is set in the stack; expected Entra ID or environment credentials/,
    ],
    [
      'the origin-pull private key pasted in as text',
      (t) => (only(t, CERT).args.private_key = FAKE_PRIVATE_KEY),
      certAt,
      new RegExp(
        'private_key is literal text \\(the key is in the synthesized JSON and the repository\\); expected \\$\\{var.<name>\\} ' +
          'of a sensitive variable',
      ),
    ],
    [
      'the origin-pull private key from a variable that is not sensitive',
      (t) => (t.variable.origin_pull_private_key.sensitive = false),
      'variable.origin_pull_private_key',
      /sensitive is false; expected true/,
    ],
    [
      'the origin-pull private key with a default',
      (t) => (t.variable.origin_pull_private_key.default = FAKE_PRIVATE_KEY),
      'variable.origin_pull_private_key',
      /has a default value/,
    ],
    [
      'the origin-pull private key from an undeclared variable',
      (t) => (only(t, CERT).args.private_key = '${var.elsewhere}'),
      certAt,
      /reads var.elsewhere, which the stack does not declare/,
    ],
    [
      'the webhook secret pasted in as text',
      withWebhook('s3cr3t-shared'),
      `${HOOK}.pager`,
      new RegExp(
        'secret is literal text \\(the secret is in the synthesized JSON and the repository\\); expected \\$\\{var.<name>\\} of ' +
          'a sensitive variable',
      ),
    ],
    [
      'the webhook secret from a variable that is not sensitive',
      (t) => {
        withWebhook()(t);
        t.variable.alert_webhook_secret.sensitive = false;
      },
      'variable.alert_webhook_secret',
      new RegExp(
        'holds cloudflare_notification_policy_webhooks\\.pager\\.secret but sensitive is false; expected true, so Terraform ' +
          'never prints the secret',
      ),
    ],
  ])('fails with %s', (_name, edit, resource, message) => {
    expectFinding(checkSecrets(weakened(edit)), resource, message);
  });
});
