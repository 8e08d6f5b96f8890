// The zone-bound client certificate of authenticated origin pulls (control ORIGIN-LOCK): the CA
// the origins trust, the certificate Cloudflare presents for this zone, and the optional revocation
// list. Certificates are parsed with node's crypto.X509Certificate (OpenSSL), never by hand; only
// public material is accepted here: the private key is passed at deploy time, never in config.
import { createHash, X509Certificate } from 'node:crypto';

/**
 * Subject of Cloudflare's shared origin-pull CA (`origin-pull-ca.pem`). Every Cloudflare zone's
 * requests present a certificate it issued, so an origin that trusts it admits any Cloudflare
 * customer's zone: it must never be an origin's client CA (control ORIGIN-LOCK).
 */
export const CLOUDFLARE_SHARED_ORIGIN_PULL_CN = 'origin-pull.cloudflare.net';

/** The header Cloudflare sets to the connecting client's address on every proxied request. */
export const CLOUDFLARE_CLIENT_IP_HEADER = 'CF-Connecting-IP';

/**
 * Tag an Azure WAF policy carries to say what its rate counters key on (the WAF-RATE checks read
 * it): {@link AZURE_PER_EDGE_RATE_LIMIT_KEY} behind Cloudflare, where Application Gateway can only
 * count the connecting Cloudflare edge address and the limits are a per-edge safety net.
 */
export const AZURE_RATE_LIMIT_KEY_TAG = 'baseline-rate-limit-key';
/** {@link AZURE_RATE_LIMIT_KEY_TAG} of a policy behind Cloudflare: counters per edge address. */
export const AZURE_PER_EDGE_RATE_LIMIT_KEY = 'cloudflare-edge';

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)\r?\n?-----END \1-----/g;
const PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;

/** One PEM block: its label (`CERTIFICATE`, `X509 CRL`...) and its DER bytes. */
export interface PemBlock {
  readonly label: string;
  readonly der: Buffer;
  /** The block's text, normalised to `\n` line ends. */
  readonly text: string;
}

/** True when the text holds a PEM private key of any kind (PKCS#1, PKCS#8, EC, OpenSSH...). */
export function holdsPrivateKey(text: string): boolean {
  return PRIVATE_KEY.test(text);
}

/** The PEM blocks of a text, in order; a block whose body is not base64 is left out. */
export function pemBlocks(text: string): PemBlock[] {
  const out: PemBlock[] = [];
  for (const match of text.replace(/\r\n/g, '\n').matchAll(BLOCK)) {
    const body = match[2].replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) continue;
    out.push({ label: match[1], der: Buffer.from(body, 'base64'), text: match[0] });
  }
  return out;
}

/** Lower-case hex SHA-256 of a certificate's DER, the same value as `openssl x509 -fingerprint -sha256` without colons. */
export function certificateFingerprint(cert: X509Certificate): string {
  return createHash('sha256').update(cert.raw).digest('hex');
}

/** A certificate parsed from PEM, or why it could not be. */
export type ParsedCertificate = { readonly cert: X509Certificate; readonly pem: string } | { readonly error: string };

/**
 * Parses exactly one PEM certificate. Anything else (a private key, several certificates, a CSR,
 * DER or text that OpenSSL cannot read) is an error saying what was received.
 */
export function parseCertificate(text: string): ParsedCertificate {
  if (typeof text !== 'string') return { error: 'is not text' };
  if (holdsPrivateKey(text)) return { error: 'holds a private key' };
  const blocks = pemBlocks(text);
  if (blocks.length === 0) return { error: 'is not PEM (expected -----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----)' };
  const labels = blocks.map((b) => b.label);
  if (labels.some((l) => l !== 'CERTIFICATE'))
    return { error: `holds a PEM ${labels.find((l) => l !== 'CERTIFICATE')} block, not a certificate` };
  if (blocks.length > 1) return { error: `holds ${blocks.length} certificates; give one certificate per entry` };
  try {
    return { cert: new X509Certificate(blocks[0].der), pem: `${blocks[0].text}\n` };
  } catch (err) {
    return { error: `is not a readable X.509 certificate (${(err as Error).message})` };
  }
}

/** Problems of a certificate's key: RSA below 2048 bits, or a key type the clouds do not accept. */
function keyProblem(cert: X509Certificate): string | undefined {
  const key = cert.publicKey;
  if (key.asymmetricKeyType === 'rsa') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    return bits < 2048 ? `has an RSA key of ${bits} bits; expected at least 2048` : undefined;
  }
  if (key.asymmetricKeyType === 'ec') return undefined;
  return `has a ${key.asymmetricKeyType} key; expected RSA (2048 bits or more) or ECDSA, which Cloudflare, AWS and Azure accept`;
}

function isCloudflareShared(cert: X509Certificate): boolean {
  return cert.subject.includes(`CN=${CLOUDFLARE_SHARED_ORIGIN_PULL_CN}`) || cert.issuer.includes(`CN=${CLOUDFLARE_SHARED_ORIGIN_PULL_CN}`);
}

function expiryProblem(cert: X509Certificate, now: Date): string | undefined {
  const end = new Date(cert.validTo);
  return end.getTime() <= now.getTime()
    ? `expired on ${end.toISOString().slice(0, 10)}; issue a new one (docs/deploy.md: rotating the origin-pull certificate)`
    : undefined;
}

/** Why a PEM text cannot be an origin's client CA, or the parsed CA. */
export function checkOriginPullCa(
  text: string,
  now = new Date(),
): { readonly cert: X509Certificate; readonly pem: string } | { readonly error: string } {
  const parsed = parseCertificate(text);
  if ('error' in parsed) return parsed;
  const { cert } = parsed;
  if (isCloudflareShared(cert)) {
    return {
      error:
        `is Cloudflare's shared origin-pull CA (${cert.subject.replace(/\n/g, ', ')}), which every Cloudflare zone presents; an ` +
        `origin trusting it admits any Cloudflare customer's zone. Create a CA of your own (docs/deploy.md: the origin-pull ` +
        `certificate)`,
    };
  }
  if (!cert.ca)
    return {
      error:
        `is not a CA certificate (basicConstraints CA:FALSE, subject ${cert.subject.replace(/\n/g, ', ')}); expected the CA ` +
        `that issued the zone's client certificate`,
    };
  const problem = keyProblem(cert) ?? expiryProblem(cert, now);
  return problem ? { error: problem } : parsed;
}

/**
 * Why a PEM text cannot be the zone's client certificate (a leaf, not a CA, issued and signed by
 * one of `cas`), or the parsed certificate.
 */
export function checkOriginPullClientCertificate(
  text: string,
  cas: readonly X509Certificate[],
  now = new Date(),
): { readonly cert: X509Certificate; readonly pem: string } | { readonly error: string } {
  const parsed = parseCertificate(text);
  if ('error' in parsed) return parsed;
  const { cert } = parsed;
  if (isCloudflareShared(cert))
    return {
      error:
        "is issued by Cloudflare's shared origin-pull CA, which every Cloudflare zone presents; issue the zone's own " +
        'certificate from your CA (docs/deploy.md: the origin-pull certificate)',
    };
  if (cert.ca) return { error: 'is a CA certificate; expected the leaf (client) certificate the CA issued for the zone' };
  const problem = keyProblem(cert) ?? expiryProblem(cert, now);
  if (problem) return { error: problem };
  if (cas.length > 0 && !cas.some((ca) => cert.checkIssued(ca) && cert.verify(ca.publicKey))) {
    return {
      error:
        `is not issued and signed by any of caCertificates (issuer ${cert.issuer.replace(/\n/g, ', ')}); the origins would ` +
        `refuse it. Sign it with one of those CAs or add its CA`,
    };
  }
  return parsed;
}

/** Why a PEM text cannot be a certificate revocation list, or its normalised PEM. */
export function checkRevocationList(text: string): { readonly pem: string } | { readonly error: string } {
  if (typeof text !== 'string') return { error: 'is not text' };
  if (holdsPrivateKey(text)) return { error: 'holds a private key' };
  const blocks = pemBlocks(text);
  if (blocks.length !== 1 || blocks[0].label !== 'X509 CRL') {
    return {
      error:
        'is not one PEM certificate revocation list (expected -----BEGIN X509 CRL----- ... -----END X509 CRL-----, as written ' +
        'by openssl ca -gencrl)',
    };
  }
  // A DER SEQUENCE whose length covers the whole block: node has no CRL parser, so the signature
  // is verified by the load balancer when the trust store reads the list.
  const der = blocks[0].der;
  if (der.length < 2 || der[0] !== 0x30 || derLength(der) !== der.length)
    return { error: 'is not a DER-encoded CRL inside its PEM armour' };
  return { pem: `${blocks[0].text}\n` };
}

/** Total length of the DER element starting at 0 (header and content), or -1. */
function derLength(der: Buffer): number {
  const first = der[1];
  if (first < 0x80) return 2 + first;
  const count = first & 0x7f;
  if (count === 0 || count > 4 || der.length < 2 + count) return -1;
  let length = 0;
  for (let i = 0; i < count; i++) length = length * 256 + der[2 + i];
  return 2 + count + length;
}
