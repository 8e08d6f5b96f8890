import { ApplicationGateway } from '@cdktf/provider-azurerm/lib/application-gateway';
import { PublicIp } from '@cdktf/provider-azurerm/lib/public-ip';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { POLICY_FLOORS } from '../config/floors';
import { checkOriginPullCa } from '../config/origin-pull';

/** Properties of {@link AppGateway}. */
export interface AppGatewayProps {
  /** Resource group the gateway and its public IP live in. */
  readonly resourceGroupName: string;
  /** Azure location (region) of the gateway, such as `westeurope`. */
  readonly location: string;
  /** Gateway name, unique in the resource group (1-80 letters, digits, `_`, `.` and `-`); the public IP is `<name>-pip`. */
  readonly name: string;
  /** Dedicated gateway subnet (Application Gateway v2 needs a subnet of its own). */
  readonly subnetId: string;
  /**
   * Id of the WAF policy enforced on every listener (controls WAF-MANAGED, WAF-RATE-*), such as
   * `BaselineWafPolicy.policyId`. The association is forced, so Terraform cannot swap it silently.
   */
  readonly firewallPolicyId: string;
  /**
   * Key Vault secret id of the TLS certificate (PFX), such as
   * `https://kv-certs.vault.azure.net/secrets/www`. Versionless, so the gateway picks up renewals.
   */
  readonly certificateSecretId: string;
  /**
   * User-assigned managed identity of the gateway; it must be allowed to read the certificate
   * secret (Key Vault Secrets User on the secret or vault).
   */
  readonly identityId: string;
  /**
   * Host names the listeners answer (multi-site listeners, wildcards such as `*.example.com`
   * allowed, at most 5). When set, HTTPS requires SNI, and a catch-all HTTPS listener takes every
   * other name and only redirects to the first name here, so no other Host reaches the app (host
   * binding, control ORIGIN-LOCK; the WAF policy's `allowedHosts` answers them with a 403 first).
   * @default - basic listeners answering any host name
   */
  readonly hostNames?: readonly string[];
  /**
   * CA certificates (PEM) whose client certificates the HTTPS listeners require (mutual TLS,
   * control ORIGIN-LOCK): an SSL profile with these as trusted client certificates, client
   * certificate verification on (issuer DN checked too), attached to every HTTPS listener. With the
   * edge zone's origin-pull CA, only that zone's requests complete the handshake. Never
   * Cloudflare's shared origin-pull CA, which every Cloudflare zone's requests present.
   * @default - no client certificate required
   */
  readonly clientCertificateAuthorities?: readonly string[];
  /**
   * Autoscaling floor, in instances (2-100). At least 2 so an instance or zone can fail
   * (control HA-MULTIZONE).
   * @default 2
   */
  readonly minCapacity?: number;
  /**
   * Autoscaling ceiling, in instances (2-125, at least `minCapacity`).
   * @default 10
   */
  readonly maxCapacity?: number;
  /**
   * Availability zones the gateway and its public IP span (at least two of "1", "2", "3";
   * control HA-MULTIZONE).
   * @default ["1", "2", "3"]
   */
  readonly zones?: readonly string[];
  /**
   * HTTPS port the app listens on; the gateway re-encrypts to it (control ENC-TRANSIT).
   * @default 8443
   */
  readonly appPort?: number;
  /**
   * Path of the app's health check, probed over HTTPS; any 200-399 answer is healthy.
   * @default '/healthz'
   */
  readonly healthCheckPath?: string;
  /**
   * Host header and SNI the gateway sends to the app; the app's certificate must be valid for it.
   * @default - the instance's address (`pick_host_name_from_backend_address`); the app's
   * certificate must then be valid for that address
   */
  readonly backendHostName?: string;
  /**
   * Key Vault secret id of the CA certificate (CER) the app's certificate chains to, when that is
   * a private CA. The gateway trusts only this root for the backend connection.
   * @default - the app's certificate must chain to a CA Application Gateway trusts publicly
   */
  readonly backendTrustedRootCertificateSecretId?: string;
  /**
   * Seconds the gateway waits for the app to answer a request (1-86400).
   * @default 30
   */
  readonly requestTimeoutSeconds?: number;
  /**
   * Tags applied to the gateway and its public IP.
   * @default - none
   */
  readonly tags?: Record<string, string>;
}

/**
 * The TLS policy of the listeners (control EDGE-TLS): TLS 1.2 minimum, TLS 1.3 offered, only
 * ECDHE AEAD cipher suites for TLS 1.2.
 */
export const APP_GATEWAY_SSL_POLICY = 'AppGwSslPolicy20220101S';

/** Response headers added to every HTTPS response (control EDGE-TLS, claim A1). */
export const APP_GATEWAY_SECURITY_HEADERS = {
  'Strict-Transport-Security': `max-age=${POLICY_FLOORS.tls.hstsMaxAgeSeconds}; includeSubDomains`,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
} as const;

/** Names of the gateway's child blocks, stable because routing rules refer to them. */
const N = {
  gatewayIp: 'gateway-ip',
  frontendIp: 'public',
  httpsPort: 'https',
  httpPort: 'http',
  certificate: 'frontend',
  httpsListener: 'https',
  httpListener: 'http',
  pool: 'app',
  settings: 'app-https',
  probe: 'app-health',
  trustedRoot: 'app-ca',
  redirect: 'http-to-https',
  headers: 'security-headers',
  httpsRule: 'https-to-app',
  httpRule: 'http-redirect',
  sslProfile: 'origin-pull',
  otherHostsListener: 'https-other-hosts',
  otherHostsRedirect: 'other-hosts-to-served-host',
  otherHostsRule: 'other-hosts-refused',
} as const;

/** Name of the trusted client certificate holding one origin-pull CA (its fingerprint's start). */
function clientCaName(fingerprint256: string): string {
  return `origin-pull-ca-${fingerprint256.replace(/:/g, '').slice(0, 16).toLowerCase()}`;
}

/**
 * The public entry point of a region (controls EDGE-TLS, HA-MULTIZONE; with the WAF policy
 * WAF-MANAGED, WAF-REPUTATION, WAF-RATE-GLOBAL, WAF-RATE-CRITICAL): an Application Gateway
 * WAF_v2 across availability zones behind a zone-redundant static public IP.
 *
 * HTTPS listeners use a Key Vault certificate, read by a user-assigned identity, and the
 * `AppGwSslPolicy20220101S` policy (TLS 1.2+); port 80 only answers with a permanent redirect to
 * HTTPS; every HTTPS response carries HSTS, `nosniff` and `DENY` framing headers. The WAF policy
 * is forced onto the gateway. Traffic is re-encrypted to the app over HTTPS (control
 * ENC-TRANSIT) and health-probed. The backend pool starts empty: the app scale set joins it
 * through `backendPoolId`, so the app tier takes application traffic only from here
 * (control APP-FROM-GATEWAY).
 */
export class AppGateway extends Construct {
  /** The application gateway. */
  public readonly resource: ApplicationGateway;
  /** The gateway's static public IP. */
  public readonly publicIp: PublicIp;
  /** The gateway's resource id. */
  public readonly gatewayId: string;
  /** Id of the backend address pool the app scale set joins. */
  public readonly backendPoolId: string;
  /** The public IP address (for DNS records and the edge's origin). */
  public readonly publicIpAddress: string;

  constructor(scope: Construct, id: string, props: AppGatewayProps) {
    super(scope, id);
    const where = `AppGateway ${this.node.path}`;
    const known = (v: string | undefined): v is string => v !== undefined && !Token.isUnresolved(v);

    if (known(props.name) && !/^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,78}[A-Za-z0-9_])?$/.test(props.name)) {
      throw new Error(
        `${where}: name "${props.name}" is invalid; expected 1-80 letters, digits, '_', '.' and '-', starting with a letter ` +
          `or digit and ending with a letter, digit or '_'`,
      );
    }
    const minCapacity = props.minCapacity ?? 2;
    const maxCapacity = props.maxCapacity ?? 10;
    if (!Number.isInteger(minCapacity) || minCapacity < 2 || minCapacity > 100) {
      throw new Error(
        `${where}: minCapacity ${minCapacity} is out of range; expected a whole number from 2 (so an instance or zone can ` +
          `fail, control HA-MULTIZONE) to 100`,
      );
    }
    if (!Number.isInteger(maxCapacity) || maxCapacity < minCapacity || maxCapacity > 125) {
      throw new Error(
        `${where}: maxCapacity ${maxCapacity} is out of range; expected a whole number from minCapacity (${minCapacity}) to 125`,
      );
    }
    const zones = [...(props.zones ?? ['1', '2', '3'])];
    if (zones.some((z) => !['1', '2', '3'].includes(z)) || new Set(zones).size !== zones.length || zones.length < 2) {
      throw new Error(
        `${where}: zones ${JSON.stringify(zones)} is invalid; expected at least two distinct zones of "1", "2", "3" (control HA-MULTIZONE)`,
      );
    }
    const appPort = props.appPort ?? 8443;
    if (!Number.isInteger(appPort) || appPort < 1 || appPort > 65535) {
      throw new Error(`${where}: appPort ${appPort} is out of range; expected a TCP port from 1 to 65535`);
    }
    const healthCheckPath = props.healthCheckPath ?? '/healthz';
    if (!/^\/[^\s]*$/.test(healthCheckPath)) {
      throw new Error(`${where}: healthCheckPath "${healthCheckPath}" is invalid; expected a path starting with "/", such as /healthz`);
    }
    const requestTimeoutSeconds = props.requestTimeoutSeconds ?? 30;
    if (!Number.isInteger(requestTimeoutSeconds) || requestTimeoutSeconds < 1 || requestTimeoutSeconds > 86400) {
      throw new Error(
        `${where}: requestTimeoutSeconds ${requestTimeoutSeconds} is out of range; expected a whole number of seconds from 1 to 86400`,
      );
    }
    const hostNames = props.hostNames ? [...props.hostNames] : undefined;
    if (hostNames) {
      if (hostNames.length === 0 || hostNames.length > 5) {
        throw new Error(
          `${where}: hostNames has ${hostNames.length} entries; expected 1 to 5 (a listener's limit), or leave it unset for a ` +
            `basic listener`,
        );
      }
      hostNames.forEach((host, i) => {
        if (known(host) && !isHostName(host, true)) {
          throw new Error(`${where}: hostNames[${i}] "${host}" is invalid; expected a DNS name such as www.example.com or *.example.com`);
        }
      });
    }
    const clientCas = (props.clientCertificateAuthorities ?? []).map((text, i) => {
      const checked = checkOriginPullCa(text);
      if ('error' in checked) throw new Error(`${where}: clientCertificateAuthorities[${i}] ${checked.error}`);
      return { name: clientCaName(checked.cert.fingerprint256), pem: checked.pem };
    });
    if (props.clientCertificateAuthorities && (clientCas.length === 0 || clientCas.length > 2)) {
      throw new Error(
        `${where}: clientCertificateAuthorities has ${clientCas.length} entries; expected the zone's CA and, while rotating, ` +
          `the next one (1 or 2)`,
      );
    }
    if (new Set(clientCas.map((c) => c.name)).size !== clientCas.length) {
      throw new Error(`${where}: clientCertificateAuthorities lists the same CA twice; list each once`);
    }
    const servedHost = hostNames?.find((h) => !h.startsWith('*.'));
    if (hostNames && known(servedHost) === false && hostNames.every((h) => known(h))) {
      throw new Error(`${where}: hostNames are all wildcards; expected at least one exact name, which other hosts are redirected to`);
    }
    if (known(props.backendHostName) && !isHostName(props.backendHostName, false)) {
      throw new Error(
        `${where}: backendHostName "${props.backendHostName}" is invalid; expected a DNS name such as app.internal.example.com`,
      );
    }
    for (const [prop, value] of [
      ['certificateSecretId', props.certificateSecretId],
      ['backendTrustedRootCertificateSecretId', props.backendTrustedRootCertificateSecretId],
    ] as const) {
      if (known(value) && !/^https:\/\/[a-z0-9-]{3,24}\.vault\.[a-z0-9.]+\/secrets\/[A-Za-z0-9-]{1,127}(\/[0-9a-f]{32})?\/?$/.test(value)) {
        throw new Error(
          `${where}: ${prop} "${value}" is invalid; expected a Key Vault secret id such as ` +
            `https://kv-certs.vault.azure.net/secrets/www (versionless, so renewals are picked up)`,
        );
      }
    }
    if (known(props.identityId) && !/\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/[^/]+$/i.test(props.identityId)) {
      throw new Error(
        `${where}: identityId "${props.identityId}" is invalid; expected the resource id of a user-assigned managed identity ` +
          `(.../providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>)`,
      );
    }

    this.publicIp = new PublicIp(this, 'PublicIp', {
      name: `${props.name}-pip`,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      sku: 'Standard',
      skuTier: 'Regional',
      allocationMethod: 'Static',
      ipVersion: 'IPv4',
      // Zone-redundant, like the gateway it fronts (control HA-MULTIZONE).
      zones,
      tags: props.tags,
    });

    const listenerHosts = hostNames ? { hostNames, requireSni: true } : { requireSni: false };
    // Mutual TLS (ORIGIN-LOCK): every HTTPS listener, the catch-all included, requires a client
    // certificate issued by one of the CAs.
    const mtls = clientCas.length > 0 ? { sslProfileName: N.sslProfile } : {};
    this.resource = new ApplicationGateway(this, 'Resource', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      sku: { name: 'WAF_v2', tier: 'WAF_v2' },
      autoscaleConfiguration: { minCapacity, maxCapacity },
      zones,
      firewallPolicyId: props.firewallPolicyId,
      forceFirewallPolicyAssociation: true,
      enableHttp2: true,
      identity: { type: 'UserAssigned', identityIds: [props.identityId] },
      gatewayIpConfiguration: [{ name: N.gatewayIp, subnetId: props.subnetId }],
      frontendIpConfiguration: [{ name: N.frontendIp, publicIpAddressId: this.publicIp.id }],
      frontendPort: [
        { name: N.httpsPort, port: 443 },
        { name: N.httpPort, port: 80 },
      ],
      sslCertificate: [{ name: N.certificate, keyVaultSecretId: props.certificateSecretId }],
      // Control EDGE-TLS: no TLS 1.0/1.1, no CBC or non-forward-secret suites.
      sslPolicy: { policyType: 'Predefined', policyName: APP_GATEWAY_SSL_POLICY },
      httpListener: [
        {
          name: N.httpsListener,
          frontendIpConfigurationName: N.frontendIp,
          frontendPortName: N.httpsPort,
          protocol: 'Https',
          sslCertificateName: N.certificate,
          ...listenerHosts,
          ...mtls,
        },
        // Host binding (ORIGIN-LOCK): every other name lands here and never reaches the app.
        ...(hostNames
          ? [
              {
                name: N.otherHostsListener,
                frontendIpConfigurationName: N.frontendIp,
                frontendPortName: N.httpsPort,
                protocol: 'Https',
                sslCertificateName: N.certificate,
                requireSni: false,
                ...mtls,
              },
            ]
          : []),
        {
          name: N.httpListener,
          frontendIpConfigurationName: N.frontendIp,
          frontendPortName: N.httpPort,
          protocol: 'Http',
          ...(hostNames ? { hostNames } : {}),
        },
      ],
      // Port 80 never reaches the app: it only redirects to the HTTPS listener (control EDGE-TLS).
      redirectConfiguration: [
        {
          name: N.redirect,
          redirectType: 'Permanent',
          targetListenerName: N.httpsListener,
          includePath: true,
          includeQueryString: true,
        },
        ...(hostNames && servedHost !== undefined
          ? [
              {
                name: N.otherHostsRedirect,
                redirectType: 'Found',
                targetUrl: `https://${servedHost}/`,
                includePath: false,
                includeQueryString: false,
              },
            ]
          : []),
      ],
      ...(clientCas.length > 0
        ? {
            // Azure takes the CA as base64 of the PEM file's bytes (filebase64 of a .cer/.pem).
            trustedClientCertificate: clientCas.map((ca) => ({ name: ca.name, data: Buffer.from(ca.pem, 'utf8').toString('base64') })),
            sslProfile: [
              {
                name: N.sslProfile,
                trustedClientCertificateNames: clientCas.map((ca) => ca.name),
                verifyClientCertIssuerDn: true,
                // The listener's TLS floor stays the gateway's (control EDGE-TLS).
                sslPolicy: { policyType: 'Predefined', policyName: APP_GATEWAY_SSL_POLICY },
              },
            ],
          }
        : {}),
      backendAddressPool: [{ name: N.pool }],
      backendHttpSettings: [
        {
          name: N.settings,
          // Re-encrypted to the app (control ENC-TRANSIT): the gateway is not a TLS end point.
          protocol: 'Https',
          port: appPort,
          cookieBasedAffinity: 'Disabled',
          requestTimeout: requestTimeoutSeconds,
          probeName: N.probe,
          ...(props.backendHostName !== undefined
            ? { hostName: props.backendHostName, pickHostNameFromBackendAddress: false }
            : { pickHostNameFromBackendAddress: true }),
          ...(props.backendTrustedRootCertificateSecretId !== undefined ? { trustedRootCertificateNames: [N.trustedRoot] } : {}),
          // In-flight requests finish when autoscale removes an instance.
          connectionDraining: { enabled: true, drainTimeoutSec: 60 },
        },
      ],
      ...(props.backendTrustedRootCertificateSecretId !== undefined
        ? { trustedRootCertificate: [{ name: N.trustedRoot, keyVaultSecretId: props.backendTrustedRootCertificateSecretId }] }
        : {}),
      // Control HA-MULTIZONE: unhealthy instances leave the rotation until they answer again.
      probe: [
        {
          name: N.probe,
          protocol: 'Https',
          path: healthCheckPath,
          pickHostNameFromBackendHttpSettings: true,
          interval: 30,
          timeout: 30,
          unhealthyThreshold: 3,
          match: { statusCode: ['200-399'] },
        },
      ],
      rewriteRuleSet: [
        {
          name: N.headers,
          rewriteRule: [
            {
              name: 'add-security-headers',
              ruleSequence: 100,
              responseHeaderConfiguration: Object.entries(APP_GATEWAY_SECURITY_HEADERS).map(([headerName, headerValue]) => ({
                headerName,
                headerValue,
              })),
            },
          ],
        },
      ],
      requestRoutingRule: [
        {
          name: N.httpsRule,
          priority: 10,
          ruleType: 'Basic',
          httpListenerName: N.httpsListener,
          backendAddressPoolName: N.pool,
          backendHttpSettingsName: N.settings,
          rewriteRuleSetName: N.headers,
        },
        {
          name: N.httpRule,
          priority: 20,
          ruleType: 'Basic',
          httpListenerName: N.httpListener,
          redirectConfigurationName: N.redirect,
        },
        // Evaluated after the host-bound rule: only requests for other names reach it.
        ...(hostNames
          ? [
              {
                name: N.otherHostsRule,
                priority: 30,
                ruleType: 'Basic',
                httpListenerName: N.otherHostsListener,
                redirectConfigurationName: N.otherHostsRedirect,
              },
            ]
          : []),
      ],
      tags: props.tags,
    });
    this.gatewayId = this.resource.id;
    // backend_address_pool is a set in the provider schema, so it cannot be indexed directly; with
    // a single pool, `tolist(...)[0]` is that pool: "${tolist(<gateway>.backend_address_pool).0.id}".
    this.backendPoolId = this.resource.backendAddressPool.get(0).id;
    this.publicIpAddress = this.publicIp.ipAddress;
  }
}

/** A DNS name of letter-digit-dash labels; `*.` may lead when `wildcard` is allowed. */
function isHostName(host: string, wildcard: boolean): boolean {
  const name = wildcard && host.startsWith('*.') ? host.slice(2) : host;
  const label = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;
  const labels = name.split('.');
  return name.length <= 253 && labels.length >= 2 && labels.every((l) => label.test(l)) && !/^\d+$/.test(labels[labels.length - 1]);
}
