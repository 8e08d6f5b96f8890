import * as sshpk from 'sshpk';

/** A public key that passed the checks, with what the stacks need from it. */
export interface AcceptedSshKey {
  /** The key type: `ed25519`, `ecdsa` or `rsa`. */
  readonly type: string;
  /** Key size in bits. */
  readonly bits: number;
  /** The SHA-256 fingerprint (`SHA256:...`), used to find duplicates and shown in errors. */
  readonly fingerprint: string;
  /** The key re-serialized in OpenSSH format, without its comment. */
  readonly openssh: string;
}

/**
 * Parses an OpenSSH public key with sshpk (not a regex) and applies the bastion key policy
 * (control BASTION-SSH, claim A11): no DSA, RSA of at least `minRsaBits`, ECDSA of at least 256
 * bits, Ed25519. Private keys are refused outright so one never lands in a template.
 */
export function checkSshPublicKey(text: string, minRsaBits: number): AcceptedSshKey | { readonly error: string } {
  if (/PRIVATE KEY/.test(text)) {
    return { error: 'is a PRIVATE key: paste the public key (the .pub file), never the private one' };
  }
  let key: sshpk.Key;
  try {
    key = sshpk.parseKey(text.trim(), 'ssh');
  } catch (err) {
    return { error: `is not an OpenSSH public key (${(err as Error).message.split('\n')[0]})` };
  }
  const fingerprint = key.fingerprint('sha256').toString();
  switch (key.type) {
    case 'dsa':
      return { error: `is a DSA key (${fingerprint}); DSA is broken and OpenSSH no longer accepts it` };
    case 'rsa':
      if (key.size < minRsaBits) {
        return { error: `is an RSA key of ${key.size} bits (${fingerprint}); at least ${minRsaBits} bits are required` };
      }
      break;
    case 'ecdsa':
      if (key.size < 256) return { error: `is an ECDSA key of ${key.size} bits; at least 256 are required` };
      break;
    case 'ed25519':
      break;
    default:
      return { error: `has the unsupported key type ${key.type}` };
  }
  const openssh = key.toString('ssh').split(' ').slice(0, 2).join(' ');
  return { type: key.type, bits: key.size, fingerprint, openssh };
}

/** The sshd settings every bastion enforces, on AWS and Azure alike (control BASTION-SSH, claim A11). */
export const SSHD_HARDENING = [
  'PasswordAuthentication no',
  'KbdInteractiveAuthentication no',
  'PermitRootLogin no',
  'PubkeyAuthentication yes',
  'AuthenticationMethods publickey',
  'PermitEmptyPasswords no',
  'MaxAuthTries 3',
  'LoginGraceTime 30',
  // VERBOSE logs the fingerprint of the key used, so every login is tied to a person.
  'LogLevel VERBOSE',
  'X11Forwarding no',
  'AllowAgentForwarding no',
  'PermitTunnel no',
] as const;
