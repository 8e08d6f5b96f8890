// The one rule for a notification webhook URL (control SECRETS, DETECT-THREATS), shared by the
// config validator and the EdgeAlerts construct so both give the same message. Plain TypeScript:
// the config layer loads it without the Terraform bindings.

/** Hosts whose incoming-webhook URLs carry their own credential in the path. */
const CREDENTIAL_URL_HOSTS =
  /^(?:hooks\.slack\.com|(?:[a-z0-9-]+\.)*discord(?:app)?\.com|(?:[a-z0-9-]+\.)*webhook\.office\.com|outlook\.office\.com)$/;

/**
 * Why a notification webhook URL is unusable, or undefined when it is an HTTPS URL without
 * credentials: no user info, no query string or fragment (where tokens usually travel), and not an
 * incoming-webhook URL of Slack, Discord or Teams, which is itself the credential and would be
 * written into the config, the synthesized JSON and the repository. Authenticate with the webhook
 * secret instead (a deploy-time variable).
 */
export function webhookUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a URL; expected an HTTPS URL such as https://events.example.com/cloudflare';
  }
  if (parsed.protocol !== 'https:')
    return (
      `uses ${parsed.protocol.replace(':', '')}; expected https (alerts and the secret header must not cross the internet in ` +
      `clear text)`
    );
  if (parsed.username !== '' || parsed.password !== '')
    return (
      'holds user credentials; a credential never goes in config or synth: authenticate with the webhook secret (a deploy-time ' +
      'variable) instead'
    );
  if (parsed.search !== '' || parsed.hash !== '')
    return (
      'has a query string or fragment, where tokens usually travel; expected a URL without one, authenticated with the webhook ' +
      'secret (a deploy-time variable)'
    );
  if (CREDENTIAL_URL_HOSTS.test(parsed.hostname))
    return (
      `is an incoming-webhook URL of ${parsed.hostname}, which is itself the credential and would be written into the ` +
      `synthesized JSON; post to a relay or paging service with a fixed URL and authenticate with the webhook secret`
    );
  return undefined;
}

/** A URL with only its scheme and host, for messages (its path, query or user info may hold a token). */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}/...`;
  } catch {
    return url.length > 40 ? `${url.slice(0, 37)}...` : url;
  }
}
