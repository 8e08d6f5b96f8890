import * as sshpk from 'sshpk';
import { checkSshPublicKey } from '../../lib/config/ssh-keys';
import { KEYS } from '../fixtures/ssh-keys';

const MIN_RSA = 3072;
const fingerprintOf = (text: string) => sshpk.parseKey(text, 'ssh').fingerprint('sha256').toString();

describe('checkSshPublicKey', () => {
  test('accepts an Ed25519 key and re-serializes it without its comment', () => {
    expect(checkSshPublicKey(KEYS.ed25519, MIN_RSA)).toEqual({
      type: 'ed25519',
      bits: 256,
      fingerprint: fingerprintOf(KEYS.ed25519),
      openssh: KEYS.ed25519.split(' ').slice(0, 2).join(' '),
    });
  });

  test('accepts an RSA key of 4096 bits', () => {
    expect(checkSshPublicKey(KEYS.rsa4096, MIN_RSA)).toMatchObject({
      type: 'rsa',
      bits: 4096,
      fingerprint: expect.stringMatching(/^SHA256:/),
    });
  });

  test.each(['nistp256', 'nistp384', 'nistp521'] as const)('accepts an ECDSA %s key', (curve) => {
    const text = sshpk.generatePrivateKey('ecdsa', { curve }).toPublic().toString('ssh');
    expect(checkSshPublicKey(text, MIN_RSA)).toMatchObject({ type: 'ecdsa' });
  });

  test('accepts surrounding whitespace and a missing comment', () => {
    const bare = KEYS.otherEd25519.split(' ').slice(0, 2).join(' ');
    expect(checkSshPublicKey(`  ${bare}\n`, MIN_RSA)).toMatchObject({ type: 'ed25519', openssh: bare });
  });

  test('gives the same fingerprint whatever the comment, so shared keys are found', () => {
    const renamed = KEYS.ed25519.replace('alice@example.com', 'bob@laptop');
    expect(checkSshPublicKey(renamed, MIN_RSA)).toMatchObject({ fingerprint: fingerprintOf(KEYS.ed25519) });
  });

  test('fails on an RSA key of 2048 bits, naming its size and fingerprint', () => {
    expect(checkSshPublicKey(KEYS.rsa2048, MIN_RSA)).toEqual({
      error: `is an RSA key of 2048 bits (${fingerprintOf(KEYS.rsa2048)}); at least 3072 bits are required`,
    });
  });

  test('applies the minRsaBits it is given', () => {
    expect(checkSshPublicKey(KEYS.rsa4096, 8192)).toEqual({
      error: expect.stringMatching(/is an RSA key of 4096 bits .*at least 8192 bits are required/),
    });
    expect(checkSshPublicKey(KEYS.rsa4096, 4096)).toMatchObject({ type: 'rsa' });
  });

  test('fails on a DSA key whatever the RSA minimum', () => {
    expect(checkSshPublicKey(KEYS.dsa, 1024)).toEqual({
      error: `is a DSA key (${fingerprintOf(KEYS.dsa)}); DSA is broken and OpenSSH no longer accepts it`,
    });
  });

  test.each([
    ['OpenSSH', sshpk.generatePrivateKey('ed25519').toString('ssh')],
    ['PKCS#8', sshpk.generatePrivateKey('ecdsa', { curve: 'nistp256' }).toString('pkcs8')],
    ['PKCS#1 RSA header', '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----'],
    ['encrypted PKCS#8 header', '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHzBJBgkqhkiG\n-----END ENCRYPTED PRIVATE KEY-----'],
  ])('refuses a pasted %s private key', (_format, text) => {
    expect(checkSshPublicKey(text, MIN_RSA)).toEqual({
      error: 'is a PRIVATE key: paste the public key (the .pub file), never the private one',
    });
  });

  test.each([
    ['an empty string', ''],
    ['a truncated key', KEYS.rsa4096.slice(0, 200)],
    ['garbage after the type', 'ssh-ed25519 notbase64'],
    ['two keys in one entry', `${KEYS.ed25519}\n${KEYS.otherEd25519}`],
    ['authorized_keys options', `no-pty ${KEYS.ed25519}`],
    ['a PEM public key', sshpk.parseKey(KEYS.ed25519, 'ssh').toString('pkcs8')],
  ])('fails on %s, saying it is not an OpenSSH public key', (_what, text) => {
    expect(checkSshPublicKey(text, MIN_RSA)).toEqual({ error: expect.stringMatching(/^is not an OpenSSH public key \(.+\)$/) });
  });
});
