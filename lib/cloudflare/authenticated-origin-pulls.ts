import { AuthenticatedOriginPullsSettings } from '@cdktf/provider-cloudflare/lib/authenticated-origin-pulls-settings';
import { Construct } from 'constructs';
import { checkCloudflareId } from './ids';

/** Properties of {@link AuthenticatedOriginPulls}. */
export interface AuthenticatedOriginPullsProps {
  /** Id of the zone whose origin pulls are authenticated (32 lowercase hex digits), or a token. */
  readonly zoneId: string;
}

/**
 * Zone-level authenticated origin pulls (control ORIGIN-LOCK): Cloudflare presents a client
 * certificate on every TLS connection it opens to the zone's origins
 * (`cloudflare_authenticated_origin_pulls_settings`, `enabled = true`).
 *
 * This only switches the edge side on. The lock holds once the origin does its part: it must trust
 * Cloudflare's origin-pull CA (`origin-pull-ca.pem`, or the CA of a certificate uploaded for the
 * zone) as the only client CA and require a client certificate on every connection (nginx
 * `ssl_client_certificate` with `ssl_verify_client on`; Apache `SSLCACertificateFile` with
 * `SSLVerifyClient require`), refusing the handshake otherwise. Until it does, connections without
 * a certificate are still accepted. It needs the zone's SSL mode at Full or stricter
 * (`ZoneHardening` sets Full (strict)).
 *
 * It is defence in depth next to the origin's IP allowlists of Cloudflare's ranges: a second,
 * cryptographic check that keeps refusing direct connections if an allowlist is widened by
 * mistake or bypassed. Neither check alone ties a request to this zone: the allowlist passes
 * anything leaving Cloudflare's network, and Cloudflare's default client certificate is shared by
 * all Cloudflare customers, so a request an attacker routes through a zone of their own passes
 * both. A certificate uploaded for this zone (`cloudflare_authenticated_origin_pulls_certificate`,
 * trusted at the origin instead of the shared CA) closes that gap.
 *
 * Removing this construct leaves the setting as last applied (the provider's delete is a no-op).
 */
export class AuthenticatedOriginPulls extends Construct {
  /** The zone's authenticated-origin-pulls setting. */
  public readonly resource: AuthenticatedOriginPullsSettings;

  constructor(scope: Construct, id: string, props: AuthenticatedOriginPullsProps) {
    super(scope, id);
    checkCloudflareId(`AuthenticatedOriginPulls ${this.node.path}`, 'zoneId', props.zoneId);
    this.resource = new AuthenticatedOriginPullsSettings(this, 'Resource', {
      zoneId: props.zoneId,
      enabled: true,
    });
  }
}
