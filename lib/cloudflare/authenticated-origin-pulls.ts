import { AuthenticatedOriginPullsCertificate } from '@cdktf/provider-cloudflare/lib/authenticated-origin-pulls-certificate';
import { AuthenticatedOriginPullsSettings } from '@cdktf/provider-cloudflare/lib/authenticated-origin-pulls-settings';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { holdsPrivateKey, parseCertificate } from '../config/origin-pull';
import { checkCloudflareId } from './ids';

/** Properties of {@link AuthenticatedOriginPulls}. */
export interface AuthenticatedOriginPullsProps {
  /** Id of the zone whose origin pulls are authenticated (32 lowercase hex digits), or a token. */
  readonly zoneId: string;
  /**
   * The zone's own client certificate (PEM, a leaf issued by a CA the origins trust and nothing
   * else), uploaded as a zone-level authenticated-origin-pulls certificate: Cloudflare presents it,
   * instead of its shared certificate, on every connection to the zone's origins.
   * @default - Cloudflare's shared certificate, which every Cloudflare zone presents: the origins
   *   cannot tell this zone from an attacker's (weakens ORIGIN-LOCK)
   */
  readonly certificate?: string;
  /**
   * The certificate's private key, as a reference resolved at deploy time: the value of a
   * sensitive Terraform variable (`TF_VAR_...`), never literal text, which would be written into
   * the synthesized JSON (control SECRETS). Required with `certificate`. Terraform keeps it in the
   * state file, so the state must be access-controlled and encrypted.
   * @default - none (only with the shared certificate)
   */
  readonly privateKey?: string;
}

/**
 * Zone-level authenticated origin pulls (control ORIGIN-LOCK): Cloudflare presents a client
 * certificate on every TLS connection it opens to the zone's origins
 * (`cloudflare_authenticated_origin_pulls_settings`, `enabled = true`).
 *
 * This switches the edge side on. The lock holds once the origin does its part: it trusts only the
 * CA of the zone's own certificate as client CA and requires a client certificate on every
 * connection, refusing the handshake otherwise (the baseline's AWS load balancers: mutual TLS in
 * verify mode against `OriginTrustStore`; Azure gateways: an SSL profile with the CA; nginx:
 * `ssl_client_certificate` with `ssl_verify_client on`). It needs the zone's SSL mode at Full or
 * stricter (`ZoneHardening` sets Full (strict)).
 *
 * Without `certificate` the zone presents Cloudflare's shared client certificate, which every
 * Cloudflare customer's zone presents too: an attacker who points a zone of their own at the
 * origins passes both the IP allowlist of Cloudflare's ranges and a check of that certificate, and
 * skips this zone's WAF and rate limits. With `certificate`, the certificate is uploaded for this
 * zone only (`cloudflare_authenticated_origin_pulls_certificate`, created before the setting is
 * switched on, and replaced create-before-destroy so a rotation never leaves the zone without
 * it); only its CA is trusted at the origins. Its private key is a deploy-time reference, never
 * in code, config or the synthesized JSON.
 *
 * Removing this construct leaves the setting as last applied (the provider's delete is a no-op).
 */
export class AuthenticatedOriginPulls extends Construct {
  /** The zone's authenticated-origin-pulls setting. */
  public readonly resource: AuthenticatedOriginPullsSettings;
  /** The zone's own client certificate, when one is given. */
  public readonly certificate?: AuthenticatedOriginPullsCertificate;

  constructor(scope: Construct, id: string, props: AuthenticatedOriginPullsProps) {
    super(scope, id);
    const where = `AuthenticatedOriginPulls ${this.node.path}`;
    checkCloudflareId(where, 'zoneId', props.zoneId);
    if ((props.certificate === undefined) !== (props.privateKey === undefined)) {
      throw new Error(
        `${where}: ` +
          (props.certificate === undefined ? 'privateKey is set without certificate' : 'certificate is set without privateKey') +
          "; give both (the zone's client certificate and a deploy-time reference to its key) or neither",
      );
    }
    if (props.privateKey !== undefined && !Token.isUnresolved(props.privateKey)) {
      const what = holdsPrivateKey(props.privateKey) ? 'a literal private key' : 'literal text';
      throw new Error(
        `${where}: privateKey is ${what}, which would be written into the synthesized JSON (control SECRETS); pass a ` +
          `reference resolved at deploy time, such as a sensitive TerraformVariable's value (TF_VAR_...)`,
      );
    }
    if (props.certificate !== undefined && !Token.isUnresolved(props.certificate)) {
      const parsed = parseCertificate(props.certificate);
      if ('error' in parsed)
        throw new Error(`${where}: certificate ${parsed.error}; expected the zone's client certificate as one PEM certificate`);
      if (parsed.cert.ca)
        throw new Error(
          `${where}: certificate is a CA certificate; expected the leaf certificate the CA issued for this zone (the origins trust the CA)`,
        );
    }
    if (props.certificate !== undefined && props.privateKey !== undefined) {
      this.certificate = new AuthenticatedOriginPullsCertificate(this, 'Certificate', {
        zoneId: props.zoneId,
        certificate: props.certificate,
        privateKey: props.privateKey,
        // A rotation uploads the new certificate before the old one is deleted: the zone is never
        // left without its own certificate (the origins trust both CAs during the change).
        lifecycle: { createBeforeDestroy: true },
      });
    }
    this.resource = new AuthenticatedOriginPullsSettings(this, 'Resource', {
      zoneId: props.zoneId,
      enabled: true,
      // Switched on only once the zone's certificate exists, so the shared one is never used.
      ...(this.certificate ? { dependsOn: [this.certificate] } : {}),
    });
  }
}
