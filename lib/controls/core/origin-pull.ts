// What the ORIGIN-LOCK checks of every cloud ask of the origin-pull certificates they find in
// synthesized output: the CAs an origin trusts for client certificates, and the certificate the
// zone presents. Parsing is node's crypto.X509Certificate (lib/config/origin-pull.ts).
import { X509Certificate } from 'node:crypto';
import { CLOUDFLARE_SHARED_ORIGIN_PULL_CN, pemBlocks } from '../../config/origin-pull';

/** The certificates of a PEM text, and how many of its blocks are not readable certificates. */
function certificatesOf(text: string): { readonly certs: readonly X509Certificate[]; readonly unreadable: number } {
  // Every evaluation reads the same CA bundles again (one per load balancer and gateway): parsed
  // once per text (X509Certificate is immutable; the answer is frozen).
  let answer = parsedBundles.get(text);
  if (answer === undefined) {
    const { certs, unreadable } = parseBundle(text);
    answer = Object.freeze({ certs: Object.freeze(certs), unreadable });
    if (parsedBundles.size >= 256) parsedBundles.clear();
    parsedBundles.set(text, answer);
  }
  return answer;
}
const parsedBundles = new Map<string, { readonly certs: readonly X509Certificate[]; readonly unreadable: number }>();

function parseBundle(text: string): { certs: X509Certificate[]; unreadable: number } {
  const certs: X509Certificate[] = [];
  let unreadable = 0;
  for (const block of pemBlocks(text)) {
    if (block.label !== 'CERTIFICATE') {
      unreadable += 1;
      continue;
    }
    try {
      certs.push(new X509Certificate(block.der));
    } catch {
      unreadable += 1;
    }
  }
  return { certs, unreadable };
}

const subjectOf = (cert: X509Certificate) => cert.subject.replace(/\n/g, ', ');
const isShared = (cert: X509Certificate) =>
  cert.subject.includes(`CN=${CLOUDFLARE_SHARED_ORIGIN_PULL_CN}`) || cert.issuer.includes(`CN=${CLOUDFLARE_SHARED_ORIGIN_PULL_CN}`);

/**
 * Problems of the set of CAs an origin trusts for client certificates (each text may hold several
 * PEM certificates): none at all, a non-CA or unreadable entry, Cloudflare's shared origin-pull
 * CA (any Cloudflare zone's requests would pass), or, given `expected`, any CA not in it or any
 * expected CA missing.
 */
export function trustedCaProblems(texts: readonly string[], expected?: readonly string[]): string[] {
  const problems: string[] = [];
  const found = new Map<string, X509Certificate>();
  for (const text of texts) {
    const { certs, unreadable } = certificatesOf(text);
    if (unreadable > 0 || certs.length === 0)
      problems.push(`holds ${unreadable > 0 ? 'an unreadable PEM block' : 'no certificate'}; expected PEM CA certificates`);
    for (const cert of certs) {
      if (isShared(cert)) {
        problems.push(
          `trusts Cloudflare's shared origin-pull CA (${subjectOf(cert)}): every Cloudflare zone presents a certificate it ` +
            `issued, so an attacker's zone passes; expected only the CA of this zone's own client certificate`,
        );
      } else if (!cert.ca) {
        problems.push(
          `trusts ${subjectOf(cert)}, which is not a CA certificate; expected the CA that issued the zone's client certificate`,
        );
      }
      found.set(cert.fingerprint256, cert);
    }
  }
  if (texts.length === 0) problems.push("trusts no CA; expected the CA of this zone's client certificate");
  if (expected) {
    const wanted = new Map<string, string>();
    for (const text of expected) for (const cert of certificatesOf(text).certs) wanted.set(cert.fingerprint256, subjectOf(cert));
    for (const [fingerprint, cert] of found) {
      if (!wanted.has(fingerprint) && !isShared(cert))
        problems.push(
          `trusts ${subjectOf(cert)} (SHA-256 ${fingerprint}), which is not a CA of cloudflare.originPull.caCertificates; ` +
            `expected only those`,
        );
    }
    for (const [fingerprint, subject] of wanted) {
      if (!found.has(fingerprint))
        problems.push(
          `does not trust ${subject} (SHA-256 ${fingerprint}) of cloudflare.originPull.caCertificates; the zone's certificate ` +
            `would be refused`,
        );
    }
  }
  return problems;
}

/**
 * Problems of the client certificate a zone uploads: unreadable, a CA, issued by Cloudflare's
 * shared CA, or, given `cas` (PEM), not issued and signed by one of them.
 */
export function clientCertificateProblems(text: unknown, cas?: readonly string[]): string[] {
  if (typeof text !== 'string') return [`certificate is ${JSON.stringify(text)}; expected the zone's client certificate as literal PEM`];
  const { certs } = certificatesOf(text);
  if (certs.length !== 1)
    return [`certificate holds ${certs.length} readable certificates; expected exactly the zone's client certificate`];
  const cert = certs[0];
  if (isShared(cert))
    return [
      `certificate is issued by Cloudflare's shared origin-pull CA (${cert.issuer.replace(/\n/g, ', ')}), which every zone ` +
        `presents; expected one issued by the zone's own CA`,
    ];
  if (cert.ca)
    return [`certificate ${subjectOf(cert)} is a CA certificate; expected the leaf certificate Cloudflare presents for this zone`];
  if (cas) {
    const issuers = cas.flatMap((pem) => certificatesOf(pem).certs);
    if (!issuers.some((ca) => cert.checkIssued(ca) && cert.verify(ca.publicKey))) {
      return [
        `certificate ${subjectOf(cert)} is not issued by any CA of cloudflare.originPull.caCertificates (issuer ` +
          `${cert.issuer.replace(/\n/g, ', ')}); the origins would refuse it`,
      ];
    }
  }
  return [];
}
