import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CA_A, CA_B, CLIENT_A, CLIENT_B, EXPIRED_CLIENT, FAKE_PRIVATE_KEY, SHARED_CA, WEAK_CA } from '../fixtures/origin-pull';
import { configSchema, LOG_RETENTION_DAYS, WAF_RATE_WINDOWS } from '../../lib/config/schema';
import { parseConfig } from '../../lib/config/load';
import { KEYS } from '../fixtures/ssh-keys';
import { baseline, cloneEnvironment, loose, moveAccount, moveRegion, problem, problemsOf } from './support';

const json = (value: unknown) => JSON.stringify(value);
const UNKNOWN = /is not a known setting .*remove it or correct its spelling/;

describe('configSchema', () => {
  test('accepts the shipped config', () => {
    expect(problemsOf(baseline())).toEqual([]);
  });

  describe('unknown keys', () => {
    test.each([
      ['the root', (c: any) => (c.projct = 'acme'), 'projct'],
      ['guardrails', (c: any) => (c.guardrails.maxAllowlistPrefix.ipv5 = 24), 'guardrails.maxAllowlistPrefix.ipv5'],
      ['an environment', (c: any) => (c.environments.prod.prodution = true), 'environments.prod.prodution'],
      ['aws', (c: any) => (c.environments.prod.aws.acount = '222222222222'), 'environments.prod.aws.acount'],
      ['aws.app', (c: any) => (c.environments.prod.aws.app.minCapcity = 3), 'environments.prod.aws.app.minCapcity'],
      [
        'a critical path',
        (c: any) => (c.environments.prod.waf.criticalPaths[2].method = 'POST'),
        'environments.prod.waf.criticalPaths[2].method',
      ],
      [
        'the bastion',
        (c: any) => (c.environments.staging.bastion.allowedCidr = ['203.0.113.10/32']),
        'environments.staging.bastion.allowedCidr',
      ],
      [
        'a bastion user',
        (c: any) => (c.environments.prod.bastion.users[1].publicKey = KEYS.otherEd25519),
        'environments.prod.bastion.users[1].publicKey',
      ],
      ['logging', (c: any) => (c.environments.prod.logging.retention = 30), 'environments.prod.logging.retention'],
    ])('fails on an unknown key in %s, naming its full path', (_where, mutate, at) => {
      const config = baseline();
      mutate(config);
      expect(problemsOf(config)).toEqual([problem(at, UNKNOWN)]);
    });

    test('reports each unknown key of one object separately', () => {
      const config = loose(baseline());
      config.environments.prod.aws.acount = '1';
      config.environments.prod.aws.regoin = 'eu-west-1';
      expect(problemsOf(config)).toEqual([
        problem('environments.prod.aws.acount', UNKNOWN, '"1"'),
        problem('environments.prod.aws.regoin', UNKNOWN, '"eu-west-1"'),
      ]);
    });

    test('fails when an environment name is not lower-case letters and digits, saying what names are accepted', () => {
      const config = loose(baseline());
      config.environments.Prod = config.environments.prod;
      delete config.environments.prod;
      expect(problemsOf(config)).toEqual([
        problem('environments.Prod', /is not an accepted key: environment names must be 2-12 lower-case letters and digits/, '"Prod"'),
      ]);
    });

    test('fails on a tag key with characters AWS does not accept, showing the key', () => {
      const config = loose(baseline());
      config.environments.prod.tags['cost center!'] = 'finance';
      expect(problemsOf(config)).toEqual([
        problem('environments.prod.tags.cost center!', /is not an accepted key: tag keys: letters, digits/, '"cost center!"'),
      ]);
    });

    test('fails on a tag key that would forge a marker the checks read (a bastion, a warm standby)', () => {
      // Config tags go on every resource: baseline:role=bastion would make every VM a bastion.
      const config = loose(baseline());
      config.environments.prod.tags['baseline:role'] = 'bastion';
      config.environments.prod.tags['Baseline:Standby'] = 'warm-standby';
      expect(problemsOf(config)).toEqual([
        problem(
          'environments.prod.tags.Baseline:Standby',
          /is not an accepted key: tag keys starting with "baseline:" are reserved/,
          '"Baseline:Standby"',
        ),
        problem(
          'environments.prod.tags.baseline:role',
          /is not an accepted key: tag keys starting with "baseline:" are reserved for the markers the checks read/,
          '"baseline:role"',
        ),
      ]);
    });

    test('fails when no environment is defined', () => {
      const config = loose(baseline());
      config.environments = {};
      expect(problemsOf(config)).toEqual([problem('environments', /must define at least one environment/, '{}')]);
    });
  });

  describe('required fields and types', () => {
    test('fails when a required field is missing, saying it is required', () => {
      const config = loose(baseline());
      delete config.environments.prod.aws.account;
      // Only the missing field is reported: the certificate rules that need the account are skipped.
      expect(problemsOf(config)).toEqual([problem('environments.prod.aws.account', /is required: expected string; add it/, '(missing)')]);
    });

    test('fails when a value has the wrong type, naming both types', () => {
      const config = loose(baseline());
      config.environments.prod.production = 'yes';
      expect(problemsOf(config)).toEqual([problem('environments.prod.production', /expected boolean, not string/, '"yes"')]);
    });

    test('calls null null, not object', () => {
      const config = loose(baseline());
      config.environments.prod.aws = null;
      expect(problemsOf(config)).toEqual([problem('environments.prod.aws', /expected object, not null/, 'null')]);
    });

    test('fails on an unknown residency, listing the jurisdictions', () => {
      const config = loose(baseline());
      config.environments.staging.residency = 'mars';
      expect(problemsOf(config)).toEqual([
        problem('environments.staging.residency', /must be one of eu, europe, us, ca, au, jp, in/, '"mars"'),
      ]);
    });

    test('a missing section does not hide the cross-environment rules', () => {
      const config = loose(baseline());
      delete config.environments.prod.aws.cdn;
      moveAccount(config.environments.staging, '222222222222');
      expect(problemsOf(config)).toEqual([
        problem('environments.prod.aws.account', /is also used by environment "staging" in eu-west-1/),
        problem('environments.prod.aws.cdn', /is required: expected object/, '(missing)'),
      ]);
    });
  });

  describe('bastion allowlist', () => {
    const at = (i: number) => `environments.prod.bastion.allowedCidrs[${i}]`;
    const withCidr = (cidr: string, i = 1) => {
      const config = baseline();
      config.environments.prod.bastion.allowedCidrs[i] = cidr;
      return config;
    };

    test('fails when an entry is not a CIDR block', () => {
      expect(problemsOf(withCidr('203.0.113.300/32'))).toEqual([
        problem(at(1), /is not a valid IPv4 or IPv6 CIDR block; expected a single office or VPN egress range/, '"203.0.113.300/32"'),
      ]);
    });

    test('fails when an entry has no prefix length', () => {
      expect(problemsOf(withCidr('203.0.113.10'))).toEqual([problem(at(1), /is not in CIDR notation/, '"203.0.113.10"')]);
    });

    test('fails when an entry has host bits set, naming the network it probably meant', () => {
      expect(problemsOf(withCidr('203.0.113.10/24'))).toEqual([
        problem(at(1), /has host bits set \(the network of this prefix is 203\.0\.113\.0\/24\)/, '"203.0.113.10/24"'),
      ]);
    });

    test('fails when an IPv4 entry is broader than /24', () => {
      expect(problemsOf(withCidr('203.0.0.0/16'))).toEqual([
        problem(at(1), /is broader than the allowed maximum \/24 for IPv4 \(guardrails\.maxAllowlistPrefix\.ipv4\)/, '"203.0.0.0/16"'),
      ]);
    });

    test('fails when an IPv6 entry is broader than /48', () => {
      expect(problemsOf(withCidr('2001:db8::/32', 2))).toEqual([
        problem(at(2), /is broader than the allowed maximum \/48 for IPv6 \(guardrails\.maxAllowlistPrefix\.ipv6\)/, '"2001:db8::/32"'),
      ]);
    });

    test('fails when the allowlist contains 0.0.0.0/0', () => {
      expect(problemsOf(withCidr('0.0.0.0/0'))).toEqual([
        problem(at(1), /opens the port to the whole internet \(\/0 is never accepted\)/, '"0.0.0.0/0"'),
      ]);
    });

    test('fails when the allowlist contains ::/0', () => {
      expect(problemsOf(withCidr('::/0', 2))).toEqual([problem(at(2), /opens the port to the whole internet/, '"::/0"')]);
    });

    test('fails on /0 even with the loosest guardrails', () => {
      const config = withCidr('0.0.0.0/0');
      config.environments.prod.bastion.allowedCidrs[2] = '::/0';
      config.guardrails.maxAllowlistPrefix = { ipv4: 8, ipv6: 16 };
      expect(problemsOf(config)).toEqual([
        problem(at(1), /opens the port to the whole internet/, '"0.0.0.0/0"'),
        problem(at(2), /opens the port to the whole internet/, '"::/0"'),
      ]);
    });

    test('fails on /0 even when the schema is built with no breadth limit at all', () => {
      const config = withCidr('0.0.0.0/0');
      config.environments.prod.bastion.allowedCidrs[2] = '::/0';
      const result = configSchema({ ipv4: 0, ipv6: 0 }).safeParse(config);
      expect(result.success).toBe(false);
      expect(result.error?.issues.map((i) => [i.path.join('.'), i.message.split(';')[0]])).toEqual([
        ['environments.prod.bastion.allowedCidrs.1', 'opens the port to the whole internet (/0 is never accepted)'],
        ['environments.prod.bastion.allowedCidrs.2', 'opens the port to the whole internet (/0 is never accepted)'],
      ]);
    });

    test('fails when all of IPv4 is written as an IPv4-mapped IPv6 block', () => {
      expect(problemsOf(withCidr('::ffff:0:0/96', 2))).toEqual([problem(at(2), /is an IPv4-mapped IPv6 block/, '"::ffff:0:0/96"')]);
    });

    test('fails when an entry is listed twice, pointing at the first', () => {
      expect(problemsOf(withCidr('203.0.113.10/32', 2))).toEqual([
        problem(at(2), /duplicates entry \[1\]; remove one of them/, '"203.0.113.10/32"'),
      ]);
    });

    test('recognizes a duplicate written differently (IPv6 zero padding)', () => {
      const config = baseline();
      config.environments.prod.bastion.allowedCidrs.push('2001:0db8:1234:0000::/48');
      expect(problemsOf(config)).toEqual([problem(at(3), /duplicates entry \[2\]/)]);
    });

    test('fails when the allowlist is empty', () => {
      const config = baseline();
      config.environments.prod.bastion.allowedCidrs = [];
      expect(problemsOf(config)).toEqual([problem('environments.prod.bastion.allowedCidrs', /must list at least one source range/, '[]')]);
    });
  });

  describe('guardrails', () => {
    test('raising guardrails.maxAllowlistPrefix.ipv4 to 16 admits a /16', () => {
      const config = baseline();
      config.environments.prod.bastion.allowedCidrs[1] = '203.0.0.0/16';
      expect(problemsOf(config)).toHaveLength(1);
      config.guardrails.maxAllowlistPrefix.ipv4 = 16;
      expect(problemsOf(config)).toEqual([]);
    });

    test('raising guardrails.maxAllowlistPrefix.ipv6 to 32 admits a /32', () => {
      const config = baseline();
      config.environments.prod.bastion.allowedCidrs[2] = '2001:db8::/32';
      expect(problemsOf(config)).toHaveLength(1);
      config.guardrails.maxAllowlistPrefix.ipv6 = 32;
      expect(problemsOf(config)).toEqual([]);
    });

    test('lowering the maximum to single addresses rejects the shipped ranges in every environment', () => {
      const config = baseline();
      config.guardrails.maxAllowlistPrefix = { ipv4: 32, ipv6: 128 };
      const broader = (env: string, i: number, max: string) =>
        problem(`environments.${env}.bastion.allowedCidrs[${i}]`, new RegExp(`is broader than the allowed maximum ${max}`));
      expect(problemsOf(config)).toEqual([
        broader('prod', 0, '/32 for IPv4'),
        broader('prod', 2, '/128 for IPv6'),
        broader('staging', 0, '/32 for IPv4'),
        broader('staging', 2, '/128 for IPv6'),
      ]);
    });

    test('fails when a guardrail would allow /0, and checks the allowlist against the defaults meanwhile', () => {
      const config = baseline();
      config.guardrails.maxAllowlistPrefix.ipv4 = 0;
      config.environments.prod.bastion.allowedCidrs[1] = '203.0.0.0/16';
      expect(problemsOf(config)).toEqual([
        problem('environments.prod.bastion.allowedCidrs[1]', /broader than the allowed maximum \/24/),
        problem('guardrails.maxAllowlistPrefix.ipv4', /must be between 8 and 32 \(\/0 is never accepted\)/, '0'),
      ]);
    });

    test('raising guardrails.minRsaBits to 8192 rejects the 4096-bit key in every environment', () => {
      const config = baseline();
      config.guardrails.minRsaBits = 8192;
      const weak = (env: string) =>
        problem(
          `environments.${env}.bastion.users[1].publicKeys[0]`,
          /is an RSA key of 4096 bits \(SHA256:[^)]+\); at least 8192 bits are required/,
          json(KEYS.rsa4096).slice(0, 117) + '...',
        );
      expect(problemsOf(config)).toEqual([weak('prod'), weak('staging')]);
    });

    test('refuses to lower guardrails.minRsaBits below 3072', () => {
      const config = baseline();
      config.guardrails.minRsaBits = 2048;
      config.environments.prod.bastion.users[0].publicKeys = [KEYS.rsa2048];
      expect(problemsOf(config)).toEqual([
        problem('environments.prod.bastion.users[0].publicKeys[0]', /is an RSA key of 2048 bits .*at least 3072 bits are required/),
        problem('guardrails.minRsaBits', /must be at least 3072/, '2048'),
      ]);
    });
  });

  describe('bastion users and keys', () => {
    const key = (u: number, k = 0) => `environments.prod.bastion.users[${u}].publicKeys[${k}]`;
    const withKey = (text: string) => {
      const config = baseline();
      config.environments.prod.bastion.users[0].publicKeys[0] = text;
      return config;
    };

    test('fails when a key is not an OpenSSH public key', () => {
      expect(problemsOf(withKey('ssh-ed25519 notbase64'))).toEqual([
        problem(
          key(0),
          /is not an OpenSSH public key .*expected an ssh-ed25519, ecdsa-sha2-nistp256\/384\/521 or ssh-rsa \(>= 3072 bits\) public key/,
          '"ssh-ed25519 notbase64"',
        ),
      ]);
    });

    test('fails when a private key is pasted, without echoing more than a prefix of it', () => {
      const pasted =
        '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZWQyNTUxOQAA' +
        'ACCzKOaeEacv5xgMRSCD7zWHH25ybuiNosgNxOOmuVr68gAAAJgAAAAA\n-----END OPENSSH PRIVATE KEY-----';
      const found = problemsOf(withKey(pasted));
      expect(found).toEqual([problem(key(0), /is a PRIVATE key: paste the public key \(the \.pub file\), never the private one/)]);
      expect(found[0].received.length).toBeLessThanOrEqual(120);
    });

    test('fails on a DSA key', () => {
      expect(problemsOf(withKey(KEYS.dsa))).toEqual([problem(key(0), /is a DSA key \(SHA256:[^)]+\); DSA is broken/)]);
    });

    test('fails on an RSA key of 2048 bits', () => {
      expect(problemsOf(withKey(KEYS.rsa2048))).toEqual([problem(key(0), /is an RSA key of 2048 bits .*at least 3072 bits are required/)]);
    });

    test('fails when a user has no key', () => {
      const config = baseline();
      config.environments.prod.bastion.users[0].publicKeys = [];
      expect(problemsOf(config)).toEqual([
        problem('environments.prod.bastion.users[0].publicKeys', /must hold at least one public key/, '[]'),
      ]);
    });

    test('fails when there are no users', () => {
      const config = baseline();
      config.environments.prod.bastion.users = [];
      expect(problemsOf(config)).toEqual([problem('environments.prod.bastion.users', /must list at least one person/, '[]')]);
    });

    test('fails when two entries have the same user name', () => {
      const config = baseline();
      config.environments.prod.bastion.users[1].name = 'alice';
      expect(problemsOf(config)).toEqual([
        problem('environments.prod.bastion.users[1].name', /duplicates users\[0\]; merge their publicKeys into one entry/, '"alice"'),
      ]);
    });

    test('fails when two users share a key, even with different comments', () => {
      const config = baseline();
      config.environments.prod.bastion.users[1].publicKeys = [KEYS.otherEd25519, KEYS.ed25519.replace('alice@', 'bob@')];
      expect(problemsOf(config)).toEqual([
        problem(key(1, 1), /is the same key \(SHA256:[^)]+\) as users\[0\]\.publicKeys\[0\]; keys are personal/),
      ]);
    });

    test('still finds a shared key when an earlier user is malformed', () => {
      const config = loose(baseline());
      config.environments.prod.bastion.users.unshift({ name: 'carol' });
      config.environments.prod.bastion.users[2].publicKeys = [KEYS.ed25519];
      expect(problemsOf(config)).toEqual([
        problem('environments.prod.bastion.users[0].publicKeys', /is required/, '(missing)'),
        problem(key(2), /is the same key .* as users\[1\]\.publicKeys\[0\]/),
      ]);
    });

    // The Azure image's default user and generic names too: the config refused only the AWS ones,
    // so `azureuser` passed validation and failed later in the Azure construct, by construct path.
    test.each(['root', 'ec2-user', 'admin', 'ubuntu', 'azureuser', 'administrator', 'ec2-instance-connect', 'guest', 'user', 'test'])(
      'fails on the reserved user name %s',
      (name) => {
        const config = baseline();
        config.environments.prod.bastion.users[1].name = name;
        expect(problemsOf(config)).toEqual([
          problem(
            'environments.prod.bastion.users[1].name',
            /is a reserved system or shared account; .*use the person's own name/,
            json(name),
          ),
        ]);
      },
    );

    test('refuses the same names in config and in every construct that creates host accounts (one list)', () => {
      const { RESERVED_LOGIN_NAMES, isPersonalLoginName } = require('../../lib/config/login-names');
      for (const name of RESERVED_LOGIN_NAMES) expect(isPersonalLoginName(name)).toBe(false);
      for (const file of [
        'lib/config/schema.ts',
        'lib/aws/linux-host-access.ts',
        'lib/azure/host-cloud-init.ts',
        'lib/azure/bastion-vm.ts',
      ]) {
        const text = require('node:fs').readFileSync(require('node:path').join(__dirname, '..', '..', file), 'utf8');
        expect({ file, ownList: /RESERVED_USERS|new Set\(\[\s*'root'/.test(text) }).toEqual({ file, ownList: false });
      }
    });

    test('fails on a user name that is not a Linux user name', () => {
      const config = baseline();
      config.environments.prod.bastion.users[1].name = 'Bob Smith';
      expect(problemsOf(config)).toEqual([problem('environments.prod.bastion.users[1].name', /must be a Linux user name/, '"Bob Smith"')]);
    });

    test('accepts the same person with the same key in two environments', () => {
      // The shipped config does exactly this (alice and bob in staging and prod).
      const config = baseline();
      expect(config.environments.staging.bastion.users[0].publicKeys).toEqual(config.environments.prod.bastion.users[0].publicKeys);
      expect(problemsOf(config)).toEqual([]);
    });
  });

  describe('regions and data residency', () => {
    test('fails when the DR region equals the primary region', () => {
      const config = baseline();
      config.environments.prod.aws.drRegion = 'eu-west-1';
      expect(problemsOf(config)).toEqual([
        problem(
          'environments.prod.aws.drRegion',
          /equals aws\.region; a region outage would take both copies\. Pick another region of residency "eu"/,
          '"eu-west-1"',
        ),
      ]);
    });

    test('fails when an eu environment fails over to us-east-1', () => {
      const config = baseline();
      config.environments.prod.aws.drRegion = 'us-east-1';
      expect(problemsOf(config)).toEqual([
        problem(
          'environments.prod.aws.drRegion',
          /is outside residency "eu" \(data must stay in the jurisdiction\); pick one of eu-central-1, /,
          '"us-east-1"',
        ),
      ]);
    });

    test('fails when the primary region lies outside the residency', () => {
      const config = baseline();
      moveRegion(config.environments.prod, 'us-east-1');
      expect(problemsOf(config)).toEqual([
        problem('environments.prod.aws.region', /is outside residency "eu"; pick one of .* or change residency/, '"us-east-1"'),
      ]);
    });

    test('London is in residency "europe" but not in "eu"', () => {
      const config = baseline();
      moveRegion(config.environments.prod, 'eu-west-2');
      expect(problemsOf(config)).toEqual([problem('environments.prod.aws.region', /is outside residency "eu"/, '"eu-west-2"')]);
      config.environments.prod.residency = 'europe';
      expect(problemsOf(config)).toEqual([]);
    });

    test('fails when a region is not an AWS region name', () => {
      const config = baseline();
      config.environments.prod.aws.drRegion = 'Frankfurt';
      expect(problemsOf(config)).toEqual([
        problem('environments.prod.aws.drRegion', /must be an AWS region name/, '"Frankfurt"'),
        problem('environments.prod.aws.drRegion', /is outside residency "eu"/, '"Frankfurt"'),
      ]);
    });
  });

  describe('availability zones', () => {
    test('fails on a zone of another region', () => {
      const config = baseline();
      config.environments.prod.aws.availabilityZones[2] = 'eu-central-1c';
      expect(problemsOf(config)).toEqual([
        problem(
          'environments.prod.aws.availabilityZones[2]',
          /is not a zone of aws\.region eu-west-1; use eu-west-1a, eu-west-1b/,
          '"eu-central-1c"',
        ),
      ]);
    });

    test('fails on a zone listed twice', () => {
      const config = baseline();
      config.environments.prod.aws.availabilityZones[2] = 'eu-west-1a';
      expect(problemsOf(config)).toEqual([problem('environments.prod.aws.availabilityZones[2]', /is listed twice/, '"eu-west-1a"')]);
    });

    test('fails when a production environment has only 2 zones', () => {
      const config = baseline();
      config.environments.prod.aws.availabilityZones.pop();
      expect(problemsOf(config)).toEqual([
        problem(
          'environments.prod.aws.availabilityZones',
          /lists fewer than 3 zones for a production environment/,
          '["eu-west-1a","eu-west-1b"]',
        ),
      ]);
    });

    test('accepts 2 zones outside production', () => {
      const config = baseline();
      expect(config.environments.staging.aws!.availabilityZones).toHaveLength(2);
      expect(problemsOf(config)).toEqual([]);
    });

    test('fails with a single zone in any environment', () => {
      const config = baseline();
      config.environments.staging.aws!.availabilityZones.pop();
      expect(problemsOf(config)).toEqual([
        problem('environments.staging.aws.availabilityZones', /must list at least 2 availability zones/, '["eu-west-1a"]'),
      ]);
    });
  });

  describe('certificates', () => {
    test('fails when the load balancer certificate is in another region', () => {
      const config = baseline();
      config.environments.prod.aws.certificateArn =
        'arn:aws:acm:eu-central-1:222222222222:certificate/00000000-0000-4000-8000-000000000003';
      expect(problemsOf(config)).toEqual([
        problem(
          'environments.prod.aws.certificateArn',
          /must be a certificate in aws\.account 222222222222 and aws\.region eu-west-1/,
          json(config.environments.prod.aws.certificateArn),
        ),
      ]);
    });

    test('fails when the load balancer certificate is in another account', () => {
      const config = baseline();
      config.environments.prod.aws.certificateArn = 'arn:aws:acm:eu-west-1:111111111111:certificate/00000000-0000-4000-8000-000000000003';
      expect(problemsOf(config)).toEqual([
        problem('environments.prod.aws.certificateArn', /must be a certificate in aws\.account 222222222222 and aws\.region eu-west-1/),
      ]);
    });

    test('fails when the certificate is not an ACM ARN', () => {
      const config = baseline();
      config.environments.prod.aws.certificateArn = 'arn:aws:iam::222222222222:server-certificate/web';
      expect(problemsOf(config)).toContainEqual(problem('environments.prod.aws.certificateArn', /must be an ACM certificate ARN/));
    });

    test('fails when the CDN certificate is not in us-east-1', () => {
      const config = baseline();
      config.environments.prod.aws.cdn.certificateArn =
        'arn:aws:acm:eu-west-1:222222222222:certificate/00000000-0000-4000-8000-000000000004';
      expect(problemsOf(config)).toEqual([
        problem(
          'environments.prod.aws.cdn.certificateArn',
          /must be an ACM certificate ARN in us-east-1 \(CloudFront only reads certificates there\)/,
        ),
      ]);
    });

    test('fails when the CDN certificate is in another account', () => {
      const config = baseline();
      config.environments.prod.aws.cdn.certificateArn =
        'arn:aws:acm:us-east-1:111111111111:certificate/00000000-0000-4000-8000-000000000004';
      expect(problemsOf(config)).toEqual([
        problem('environments.prod.aws.cdn.certificateArn', /must be a certificate in aws\.account 222222222222/),
      ]);
    });

    test('fails on a CDN domain name that is not a DNS name', () => {
      const config = baseline();
      config.environments.prod.aws.cdn.domainNames[0] = 'https://static.example.com';
      expect(problemsOf(config)).toEqual([problem('environments.prod.aws.cdn.domainNames[0]', /must be a lower-case DNS name/)]);
    });
  });

  describe('WAF rate limits', () => {
    test('fails when a critical path limit is below 10', () => {
      const config = baseline();
      config.environments.prod.waf.criticalPaths[1].limit = 5;
      expect(problemsOf(config)).toEqual([
        problem('environments.prod.waf.criticalPaths[1].limit', /WAFv2 accepts rate limits of at least 10 requests/, '5'),
      ]);
    });

    test('fails when the global limit is below 10', () => {
      const config = baseline();
      config.environments.prod.waf.globalRateLimit.limit = 9;
      // Only the limit itself: the critical paths are not compared against an invalid global rule.
      expect(problemsOf(config)).toEqual([problem('environments.prod.waf.globalRateLimit.limit', /at least 10 requests/, '9')]);
    });

    test('fails when a limit is above the WAFv2 maximum', () => {
      const config = baseline();
      config.environments.prod.waf.globalRateLimit.limit = 3_000_000_000;
      expect(problemsOf(config)).toEqual([problem('environments.prod.waf.globalRateLimit.limit', /at most 2000000000/)]);
    });

    test.each([30, 180, 3600])('fails on the window %i s, which WAFv2 does not accept', (window) => {
      const config = loose(baseline());
      config.environments.prod.waf.globalRateLimit.windowSeconds = window;
      expect(problemsOf(config)).toEqual([
        problem('environments.prod.waf.globalRateLimit.windowSeconds', /must be one of 60, 120, 300, 600/, String(window)),
      ]);
    });

    test.each([...WAF_RATE_WINDOWS])('accepts the window %i s', (window) => {
      const config = baseline();
      config.environments.prod.waf.criticalPaths[0].windowSeconds = window;
      config.environments.prod.waf.criticalPaths[0].limit = 10;
      expect(problemsOf(config)).toEqual([]);
    });

    test('fails when a critical path allows more per second than the global rule, even with a lower limit', () => {
      // 500 per 60 s is 8.3/s; the global 2000 per 300 s is 6.7/s.
      const config = baseline();
      config.environments.prod.waf.criticalPaths[0] = { name: 'login', pathPrefix: '/login', limit: 500, windowSeconds: 60 };
      expect(problemsOf(config)).toEqual([
        problem(
          'environments.prod.waf.criticalPaths[0].limit',
          /allows 500 requests per 60 s, not stricter than globalRateLimit \(2000 per 300 s\); lower it below 400/,
          '500',
        ),
      ]);
    });

    test('fails when a critical path is exactly as strict as the global rule', () => {
      const config = baseline();
      config.environments.prod.waf.criticalPaths[3].limit = 2000;
      expect(problemsOf(config)).toEqual([
        problem('environments.prod.waf.criticalPaths[3].limit', /not stricter than globalRateLimit/, '2000'),
      ]);
    });

    test('accepts a critical path with a higher limit over a longer window when it is stricter per second', () => {
      // Global 100 per 60 s is 1.7/s; 200 per 600 s is 0.3/s.
      const config = baseline();
      config.environments.prod.waf.globalRateLimit = { limit: 100, windowSeconds: 60 };
      config.environments.prod.waf.criticalPaths[0] = { name: 'login', pathPrefix: '/login', limit: 200, windowSeconds: 600 };
      expect(problemsOf(config)).toEqual([]);
    });

    test('fails on two critical paths with the same name', () => {
      const config = baseline();
      config.environments.prod.waf.criticalPaths[3].name = 'login';
      expect(problemsOf(config)).toEqual([
        problem('environments.prod.waf.criticalPaths[3].name', /duplicates criticalPaths\[0\]\.name; names must be unique/, '"login"'),
      ]);
    });

    test('fails on two critical paths with the same prefix', () => {
      const config = baseline();
      config.environments.prod.waf.criticalPaths[3].pathPrefix = '/login';
      expect(problemsOf(config)).toEqual([
        problem(
          'environments.prod.waf.criticalPaths[3].pathPrefix',
          /duplicates criticalPaths\[0\]\.pathPrefix; merge the two rules/,
          '"/login"',
        ),
      ]);
    });

    test('fails on more than 8 critical paths', () => {
      const config = baseline();
      for (let i = 0; i < 5; i++)
        config.environments.prod.waf.criticalPaths.push({ name: `p${i}`, pathPrefix: `/p${i}`, limit: 10, windowSeconds: 300 });
      expect(problemsOf(config)).toEqual([problem('environments.prod.waf.criticalPaths', /lists more than 8 endpoints/)]);
    });

    test('fails on a path prefix that is not a URL path', () => {
      const config = baseline();
      config.environments.prod.waf.criticalPaths[0].pathPrefix = 'login';
      expect(problemsOf(config)).toEqual([
        problem('environments.prod.waf.criticalPaths[0].pathPrefix', /must be a URL path starting with "\/"/, '"login"'),
      ]);
    });

    test.each([
      ['/', /must be a URL path starting with "\/"/],
      ['/login"; true', /must be a URL path starting with "\/"/],
      ['/a//login', /must not hold "\/\/", "." or ".." segments/],
      ['/a/../login', /must not hold "\/\/", "." or ".." segments/],
      [`/${'x'.repeat(200)}`, /at most 200 characters/],
    ])("fails on the path prefix %s, which no cloud's rule could match as written", (prefix, message) => {
      const config = baseline();
      config.environments.prod.waf.criticalPaths[0].pathPrefix = prefix;
      expect(problemsOf(config)).toEqual([problem('environments.prod.waf.criticalPaths[0].pathPrefix', message)]);
    });

    test.each(['Login', 'log--in', 'login-', '1login'])('fails on the critical path name %s (kebab-case only)', (name) => {
      const config = baseline();
      config.environments.prod.waf.criticalPaths[0].name = name;
      expect(problemsOf(config)).toEqual([
        problem(
          'environments.prod.waf.criticalPaths[0].name',
          /must be a short kebab-case name such as password-reset/,
          JSON.stringify(name),
        ),
      ]);
    });

    test('fails on a managed rule group that is not offered', () => {
      const config = baseline();
      config.environments.prod.waf.extraManagedRuleGroups = ['AWSManagedRulesSQLiRuleSet'];
      expect(problemsOf(config)).toEqual([
        problem('environments.prod.waf.extraManagedRuleGroups[0]', /AWSManagedRulesAdminProtectionRuleSet/, '"AWSManagedRulesSQLiRuleSet"'),
      ]);
    });
  });

  describe('log and backup retention', () => {
    test.each([14, 29, 0])('fails on a log retention of %i days, below the 30-day claim', (days) => {
      const config = loose(baseline());
      config.environments.prod.logging.retentionDays = days;
      expect(problemsOf(config)).toEqual([
        problem(
          'environments.prod.logging.retentionDays',
          /must be one of 30, 60, 90, .*CloudWatch Logs accepts only these, and the claim \(B6\) keeps logs at least 30 days/,
          String(days),
        ),
      ]);
    });

    test('fails on a log retention CloudWatch does not offer (100 days)', () => {
      const config = loose(baseline());
      config.environments.prod.logging.retentionDays = 100;
      expect(problemsOf(config)).toEqual([problem('environments.prod.logging.retentionDays', /must be one of 30, 60, 90, 120/, '100')]);
    });

    test('accepts every CloudWatch retention from 30 days up', () => {
      const config = baseline();
      for (const days of LOG_RETENTION_DAYS) {
        config.environments.prod.logging.retentionDays = days;
        expect(problemsOf(config)).toEqual([]);
      }
    });

    test('fails when audit logs are kept less than 30 days', () => {
      const config = baseline();
      config.environments.prod.logging.auditRetentionDays = 29;
      expect(problemsOf(config)).toEqual([problem('environments.prod.logging.auditRetentionDays', /must be at least 30 \(claim B6/, '29')]);
    });

    test('fails when database backups are kept less than 30 days', () => {
      const config = baseline();
      config.environments.prod.backup.databaseRetentionDays = 29;
      expect(problemsOf(config)).toEqual([
        problem('environments.prod.backup.databaseRetentionDays', /must be at least 30 \(claim B10: database PITR kept 30 days\)/, '29'),
      ]);
    });

    test('fails when database backups are kept more than the RDS maximum of 35 days', () => {
      const config = baseline();
      config.environments.prod.backup.databaseRetentionDays = 36;
      expect(problemsOf(config)).toEqual([
        problem('environments.prod.backup.databaseRetentionDays', /must be at most 35 \(the RDS maximum/, '36'),
      ]);
    });

    test('fails when file backups are kept less than 90 days', () => {
      const config = baseline();
      config.environments.prod.backup.fileRetentionDays = 89;
      expect(problemsOf(config)).toEqual([
        problem(
          'environments.prod.backup.fileRetentionDays',
          /must be at least 90 \(claim B10: file backups kept at least 90 days\)/,
          '89',
        ),
      ]);
    });

    test('fails on a fractional retention', () => {
      const config = baseline();
      config.environments.prod.backup.databaseRetentionDays = 30.5;
      expect(problemsOf(config)).toEqual([problem('environments.prod.backup.databaseRetentionDays', /expected int/, '30.5')]);
    });
  });

  describe('environment separation', () => {
    test('fails when two environments share an account and region', () => {
      const config = baseline();
      moveAccount(config.environments.staging, '222222222222');
      expect(problemsOf(config)).toEqual([
        problem(
          'environments.prod.aws.account',
          /is also used by environment "staging" in eu-west-1; give each environment its own account/,
          '"222222222222"',
        ),
      ]);
    });

    test('fails when two non-production environments share an account and region', () => {
      const config = loose(baseline());
      config.environments.qa = cloneEnvironment(config.environments.staging, '00000000-0000-4000-8000-00000000a0aa');
      expect(problemsOf(config)).toEqual([
        problem('environments.qa.aws.account', /is also used by environment "staging" in eu-west-1/, '"111111111111"'),
      ]);
    });

    test('fails when production shares its account with staging in another region', () => {
      const config = baseline();
      moveAccount(config.environments.staging, '222222222222');
      moveRegion(config.environments.staging, 'eu-north-1');
      expect(problemsOf(config)).toEqual([
        problem(
          'environments.prod.aws.account',
          /is also the account of environment "staging"; a production environment must have an account of its own/,
          '"222222222222"',
        ),
      ]);
    });

    test('fails when two production environments share an account in different regions', () => {
      const config = loose(baseline());
      config.environments.prod2 = cloneEnvironment(config.environments.prod, '00000000-0000-4000-8000-00000000a0bb');
      moveRegion(config.environments.prod2, 'eu-north-1');
      expect(problemsOf(config)).toEqual([problem('environments.prod2.aws.account', /is also the account of environment "prod"/)]);
    });

    test('accepts two non-production environments in one account in different regions', () => {
      const config = loose(baseline());
      config.environments.qa = cloneEnvironment(config.environments.staging, '00000000-0000-4000-8000-00000000a0aa');
      moveRegion(config.environments.qa, 'eu-north-1');
      expect(problemsOf(config)).toEqual([]);
    });

    test('fails on an account id that is not 12 digits', () => {
      const config = loose(baseline());
      config.environments.prod.aws.account = 222222222222;
      expect(problemsOf(config)).toEqual([problem('environments.prod.aws.account', /expected string, not number/, '222222222222')]);
    });
  });

  describe('alerts', () => {
    test('fails on an invalid e-mail address', () => {
      const config = baseline();
      config.environments.prod.alerts.emails[1] = 'security.example.com';
      expect(problemsOf(config)).toEqual([
        problem('environments.prod.alerts.emails[1]', /must be an e-mail address/, '"security.example.com"'),
      ]);
    });

    test('fails without any e-mail address', () => {
      const config = baseline();
      config.environments.prod.alerts.emails = [];
      expect(problemsOf(config)).toEqual([problem('environments.prod.alerts.emails', /must list at least one on-call address/, '[]')]);
    });

    test.each(['555-0100', '15555550100', '+0555550100'])('fails on the SMS number %s, which is not E.164', (number) => {
      const config = baseline();
      config.environments.prod.alerts.smsNumbers[0] = number;
      expect(problemsOf(config)).toEqual([
        problem('environments.prod.alerts.smsNumbers[0]', /must be an E\.164 phone number such as \+15555550100/, json(number)),
      ]);
    });
  });

  describe('app tier, database and VPC', () => {
    test('fails when the app tier may shrink below 2 instances', () => {
      const config = baseline();
      config.environments.prod.aws.app.minCapacity = 1;
      expect(problemsOf(config)).toEqual([
        problem(
          'environments.prod.aws.app.minCapacity',
          /must be at least 2 so the app tier survives the loss of one instance or zone/,
          '1',
        ),
      ]);
    });

    test('fails when minCapacity exceeds maxCapacity', () => {
      const config = baseline();
      config.environments.prod.aws.app.minCapacity = 20;
      expect(problemsOf(config)).toEqual([
        problem('environments.prod.aws.app.maxCapacity', /minCapacity must not exceed maxCapacity; raise maxCapacity/, '12'),
      ]);
    });

    test('fails on a privileged app port', () => {
      const config = baseline();
      config.environments.prod.aws.app.port = 443;
      expect(problemsOf(config)).toEqual([problem('environments.prod.aws.app.port', /must be an unprivileged port/, '443')]);
    });

    test.each(['*', 'app/*', 'app', '../data/', ''])(
      'fails on the app data prefix %p, which would widen the grant beyond one prefix',
      (prefix) => {
        const config = baseline();
        (config.environments.prod.aws.app as any).dataPrefix = prefix;
        expect(problemsOf(config)).toEqual([
          problem('environments.prod.aws.app.dataPrefix', /expected a key prefix .* ending in "\/", such as app\//, json(prefix)),
        ]);
      },
    );

    test('defaults the app data prefix to app/ and accepts nested prefixes', () => {
      expect(parseConfig(baseline(), 'test').environments.prod.aws!.app.dataPrefix).toBe('app/');
      const config = baseline();
      (config.environments.prod.aws.app as any).dataPrefix = 'tenants/eu/';
      expect(problemsOf(config)).toEqual([]);
    });

    test('fails when the storage ceiling is below the allocated storage', () => {
      const config = baseline();
      config.environments.prod.aws.database.maxAllocatedStorageGiB = 50;
      expect(problemsOf(config)).toEqual([
        problem('environments.prod.aws.database.maxAllocatedStorageGiB', /must be at least allocatedStorageGiB/, '50'),
      ]);
    });

    test.each([
      ['public', '8.8.0.0/16'],
      ['too small', '10.20.0.0/24'],
      ['too large', '10.0.0.0/8'],
      ['shared address space, not RFC 1918', '100.64.0.0/16'],
      ['IPv6', 'fd00::/48'],
    ])('fails on a VPC block that is %s', (_why, cidr) => {
      const config = baseline();
      config.environments.prod.aws.vpcCidr = cidr;
      expect(problemsOf(config)).toEqual([
        problem('environments.prod.aws.vpcCidr', /must be an RFC 1918 IPv4 block between \/16 and \/20/, json(cidr)),
      ]);
    });

    test('fails on a VPC block with host bits set', () => {
      const config = baseline();
      config.environments.prod.aws.vpcCidr = '10.20.1.0/16';
      expect(problemsOf(config)).toEqual([
        problem('environments.prod.aws.vpcCidr', /has host bits set .*expected a private IPv4 block/, '"10.20.1.0/16"'),
      ]);
    });

    test.each(['10.20.0.0/16', '172.16.0.0/20', '192.168.0.0/18'])('accepts the private VPC block %s', (cidr) => {
      const config = baseline();
      config.environments.prod.aws.vpcCidr = cidr;
      expect(problemsOf(config)).toEqual([]);
    });
  });

  describe('defaults', () => {
    test('applies the secure defaults when the optional sections are omitted', () => {
      const config = loose(baseline());
      delete config.guardrails;
      const env = config.environments.staging;
      for (const key of ['tags', 'waf', 'logging', 'backup']) delete env[key];
      for (const key of ['vpcCidr', 'accountServices', 'app', 'database']) delete env.aws[key];
      delete env.bastion.instanceType;
      delete env.alerts.smsNumbers;

      const parsed = parseConfig(config);
      expect(parsed.guardrails).toEqual({ maxAllowlistPrefix: { ipv4: 24, ipv6: 48 }, minRsaBits: 3072 });
      const staging = parsed.environments.staging;
      expect(staging.tags).toEqual({});
      expect(staging.aws!.vpcCidr).toBe('10.0.0.0/16');
      expect(staging.aws!.accountServices).toEqual({
        cloudTrail: 'create',
        guardDuty: 'create',
        securityHub: 'create',
        inspector: 'create',
        config: 'create',
      });
      // Instance types are sizing, not security: only their presence is asserted here.
      expect(staging.aws!.app).toMatchObject({ port: 8443, healthCheckPath: '/healthz', minCapacity: 2, maxCapacity: 6 });
      expect(staging.aws!.database).toMatchObject({ allocatedStorageGiB: 50, maxAllocatedStorageGiB: 200 });
      expect(staging.waf).toEqual({
        globalRateLimit: { limit: 2000, windowSeconds: 300 },
        criticalPaths: [
          { name: 'login', pathPrefix: '/login', limit: 100, windowSeconds: 300 },
          { name: 'password-reset', pathPrefix: '/password/reset', limit: 20, windowSeconds: 300 },
          { name: 'signup', pathPrefix: '/signup', limit: 50, windowSeconds: 300 },
          { name: 'token', pathPrefix: '/oauth/token', limit: 300, windowSeconds: 300 },
        ],
        extraManagedRuleGroups: [],
      });
      expect(staging.bastion.instanceType).toEqual(expect.any(String));
      expect(staging.logging).toEqual({ retentionDays: 90, auditRetentionDays: 180 });
      expect(staging.backup).toEqual({ databaseRetentionDays: 30, fileRetentionDays: 90 });
      expect(staging.alerts.smsNumbers).toEqual([]);
    });

    test('fills the omitted fields of a partly given section', () => {
      const config = loose(baseline());
      config.environments.staging.aws!.app = { minCapacity: 3 };
      config.environments.staging.logging = { retentionDays: 365 };
      const staging = parseConfig(config).environments.staging;
      expect(staging.aws!.app).toMatchObject({ port: 8443, healthCheckPath: '/healthz', minCapacity: 3, maxCapacity: 6 });
      expect(staging.logging).toEqual({ retentionDays: 365, auditRetentionDays: 180 });
    });

    test('the default critical paths are stricter than the default global limit', () => {
      const config = loose(baseline());
      delete config.environments.prod.waf;
      expect(problemsOf(config)).toEqual([]);
    });
  });

  describe('AWS warm standby (aws.dr)', () => {
    test('fails when a DR zone is not in aws.drRegion', () => {
      const config = baseline();
      config.environments.prod.aws.dr.availabilityZones[1] = 'eu-west-1b';
      expect(problemsOf(config)).toEqual([
        problem('environments.prod.aws.dr.availabilityZones[1]', /is not a zone of aws.drRegion eu-central-1/, '"eu-west-1b"'),
      ]);
    });

    test('fails with a single DR zone', () => {
      const config = baseline();
      config.environments.staging.aws.dr.availabilityZones.pop();
      expect(problemsOf(config)).toEqual([
        problem('environments.staging.aws.dr.availabilityZones', /must list at least 2 availability zones of aws.drRegion/),
      ]);
    });

    test('fails when the standby certificate is in the primary region', () => {
      const config = baseline();
      config.environments.prod.aws.dr.certificateArn = config.environments.prod.aws.certificateArn;
      expect(problemsOf(config)).toEqual([
        problem(
          'environments.prod.aws.dr.certificateArn',
          /must be a certificate in aws.account 222222222222 and aws.drRegion eu-central-1/,
        ),
      ]);
    });

    test('fails when the DR VPC overlaps the primary VPC', () => {
      const config = baseline();
      config.environments.prod.aws.dr.vpcCidr = '10.20.0.0/17';
      expect(problemsOf(config)).toEqual([
        problem('environments.prod.aws.dr.vpcCidr', /overlaps aws.vpcCidr 10.20.0.0\/16; pick a disjoint block/, '"10.20.0.0/17"'),
      ]);
    });

    test('fails when the standby minimum exceeds its maximum', () => {
      const config = baseline();
      config.environments.prod.aws.dr.app.minCapacity = 20;
      expect(problemsOf(config)).toEqual([problem('environments.prod.aws.dr.app.maxCapacity', /minCapacity must not exceed maxCapacity/)]);
    });

    test('defaults to a replica and a standby of 0 to 6 instances', () => {
      const config = loose(baseline());
      delete config.environments.prod.aws.dr.app;
      delete config.environments.prod.aws.dr.databaseReplica;
      const dr = parseConfig(config, 'test.json').environments.prod.aws!.dr;
      expect(dr.databaseReplica).toBe(true);
      expect(dr.app).toEqual({ minCapacity: 0, maxCapacity: 6 });
    });
  });

  describe('recovery objectives', () => {
    test('default to RPO 60 minutes and RTO 240 minutes', () => {
      const config = loose(baseline());
      delete config.environments.prod.recovery;
      expect(parseConfig(config, 'test.json').environments.prod.recovery).toEqual({ rpoMinutes: 60, rtoMinutes: 240 });
    });

    test('fails on an RPO below the 15-minute object replication guarantee', () => {
      const config = baseline();
      config.environments.prod.recovery.rpoMinutes = 5;
      expect(problemsOf(config)).toEqual([
        problem('environments.prod.recovery.rpoMinutes', /must be at least 15: object replication guarantees 15 minutes/, '5'),
      ]);
    });

    test('fails on an RTO below the planned failover time', () => {
      const config = baseline();
      config.environments.prod.recovery.rtoMinutes = 30;
      expect(problemsOf(config)).toEqual([problem('environments.prod.recovery.rtoMinutes', /must be at least 60/, '30')]);
    });

    test('fails when no replica is kept but the RPO and RTO need one', () => {
      const config = baseline();
      config.environments.prod.aws.dr.databaseReplica = false;
      expect(problemsOf(config)).toEqual([
        problem(
          'environments.prod.recovery.rpoMinutes',
          /cannot be met with aws.dr.databaseReplica false: the newest database copy .* daily backup copy \(1440 minutes\)/,
          '60',
        ),
        problem(
          'environments.prod.recovery.rtoMinutes',
          /cannot be met with aws.dr.databaseReplica false: restoring the database from a backup copy is planned at 480 minutes/,
          '240',
        ),
      ]);
    });

    test('accepts no replica with objectives a daily copy and a restore can meet', () => {
      const config = baseline();
      config.environments.prod.aws.dr.databaseReplica = false;
      config.environments.prod.recovery = { rpoMinutes: 1440, rtoMinutes: 480 };
      expect(problemsOf(config)).toEqual([]);
    });
  });

  describe('egress (NET-TIERS)', () => {
    test.each<[string, RegExp]>([
      ['0.0.0.0/0', /opens egress to the whole internet \(\/0 is never accepted\)/],
      ['::/0', /opens egress to the whole internet/],
      ['10.0.0.0/8', /is broader than IPv4 \/16; a package mirror is one service/],
      ['2000::/16', /is broader than IPv6 \/32/],
      ['203.0.113.10/24', /has host bits set/],
      ['https://mirror.example.com', /is neither a CIDR nor a host name/],
      ['mirror.example.com:8080', /is neither a CIDR nor a host name/],
      ['Mirror.Example.com', /is neither a CIDR nor a host name/],
      ['', /expected a CIDR such as 203.0.113.0\/24 or a host name/],
    ])('fails on the package mirror %p, naming the entry', (entry, message) => {
      const config = baseline();
      (config.environments.prod as any).egress = { packageMirrors: ['203.0.113.0/24', entry] };
      expect(problemsOf(config)).toEqual([problem('environments.prod.egress.packageMirrors[1]', message, json(entry))]);
    });

    test('accepts mirror ranges and host names, and defaults to no mirror at all', () => {
      const config = baseline();
      (config.environments.prod as any).egress = { packageMirrors: ['203.0.113.0/24', '2001:db8:10::/48', 'mirror.example.com'] };
      expect(problemsOf(config)).toEqual([]);
      expect(parseConfig(baseline(), 'test').environments.prod.egress.packageMirrors).toEqual([]);
    });

    test('defaults the AWS interface endpoints to the secure set and rejects unknown or repeated ones', () => {
      expect(parseConfig(baseline(), 'test').environments.prod.aws!.endpoints).toEqual(['logs', 'kms', 'secretsmanager', 'sts']);
      const config = baseline();
      (config.environments.prod.aws as any).endpoints = ['logs', 'ec2messages'];
      expect(problemsOf(config)).toEqual([
        problem('environments.prod.aws.endpoints[1]', /must be one of logs, kms, secretsmanager, sts, ssm/, '"ec2messages"'),
      ]);
      (config.environments.prod.aws as any).endpoints = ['logs', 'kms', 'logs'];
      expect(problemsOf(config)).toEqual([problem('environments.prod.aws.endpoints[2]', /is listed twice/)]);
    });
  });

  describe('azure break-glass account (BASTION-SSH)', () => {
    test("fails when the break-glass key is a person's key, naming the field and the person", () => {
      const config = baseline();
      config.environments.prod.azure.breakGlass.publicKey = config.environments.prod.bastion.users[1].publicKeys[0];
      expect(problemsOf(config)).toEqual([
        problem('environments.prod.azure.breakGlass.publicKey', /is the key of bastion.users\[1\].publicKeys\[0\] .*no person uses/),
      ]);
    });

    test('fails when the break-glass key is missing', () => {
      const config = baseline();
      delete (config.environments.prod.azure as any).breakGlass;
      expect(problemsOf(config)).toEqual([problem('environments.prod.azure.breakGlass', /./)]);
    });

    test('fails on a break-glass key Azure refuses (ECDSA) or a private key', () => {
      const config = baseline();
      config.environments.prod.azure.breakGlass.publicKey =
        'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBLjAI7G2jZ4/NmgI6Ax9/OWF2HqZhu8nuW6A+Jur9o6uN' +
        'J7UONeykIx9pQ57UgFquoz6Geij/crteO7x2jz/n2w= dave@example.com';
      expect(problemsOf(config)).toEqual([
        problem('environments.prod.azure.breakGlass.publicKey', /is an ECDSA key; Azure accepts only ssh-ed25519 and ssh-rsa/),
      ]);
    });

    test('keeps break-glass logins off by default', () => {
      expect(parseConfig(baseline(), 'test').environments.prod.azure!.breakGlass.loginEnabled).toBe(false);
    });
  });

  describe('aws.cdn.distributionId', () => {
    test('is optional (the distribution does not exist before the first deploy)', () => {
      const config = loose(baseline());
      delete config.environments.prod.aws.cdn.distributionId;
      expect(problemsOf(config)).toEqual([]);
    });

    test.each(['e2qwruhapomqzl', 'arn:aws:cloudfront::222222222222:distribution/E2QWRUHAPOMQZL', 'E*'])('fails on %p', (id) => {
      const config = loose(baseline());
      config.environments.prod.aws.cdn.distributionId = id;
      expect(problemsOf(config)).toEqual([
        problem('environments.prod.aws.cdn.distributionId', /must be a CloudFront distribution id .*CdnDistributionId/, JSON.stringify(id)),
      ]);
    });
  });

  describe('azure', () => {
    test('fails when drLocation is not the region pair of location', () => {
      const config = baseline();
      config.environments.prod.azure.drLocation = 'germanywestcentral';
      expect(problemsOf(config)).toEqual([
        problem(
          'environments.prod.azure.drLocation',
          /must be northeurope, the region pair of azure.location westeurope/,
          '"germanywestcentral"',
        ),
      ]);
    });

    test('fails when location is outside the residency', () => {
      const config = baseline();
      config.environments.prod.azure.location = 'eastus';
      config.environments.prod.azure.drLocation = 'westus';
      expect(problemsOf(config)).toEqual([
        problem('environments.prod.azure.location', /is outside residency "eu" or has no region pair in it/, '"eastus"'),
      ]);
    });

    test('fails when the DR VNet overlaps the primary VNet', () => {
      const config = baseline();
      config.environments.prod.azure.drVnetCidr = config.environments.prod.azure.vnetCidr;
      expect(problemsOf(config)).toEqual([problem('environments.prod.azure.drVnetCidr', /overlaps azure.vnetCidr 10.40.0.0\/16/)]);
    });

    test('fails when two environments share a subscription', () => {
      const config = baseline();
      config.environments.prod.azure.subscriptionId = config.environments.staging.azure.subscriptionId;
      expect(problemsOf(config)).toEqual([
        problem(
          'environments.prod.azure.subscriptionId',
          /is also the subscription of environment "staging"; give each environment its own subscription/,
        ),
      ]);
    });

    test.each([
      ['subscriptionId', 'not-a-guid', /must be a subscription id/],
      ['tenantId', '00000000-0000-4000-8000-00000000F001', /must be a tenant id/],
      ['certificateSecretId', 'https://kv.example.com/secrets/www', /must be a versionless Key Vault secret id/],
    ])('fails on a malformed %s', (field, value, message) => {
      const config = loose(baseline());
      config.environments.prod.azure[field] = value;
      expect(problemsOf(config)).toEqual([problem(`environments.prod.azure.${field}`, message, JSON.stringify(value))]);
    });

    test('fails on a deployer range broader than /24 or in IPv6', () => {
      const config = baseline();
      config.environments.prod.azure.deployerCidrs = ['203.0.0.0/16', '2001:db8::/48'];
      expect(problemsOf(config)).toEqual([
        problem('environments.prod.azure.deployerCidrs[0]', /must be an IPv4 block of \/24 or narrower/),
        problem('environments.prod.azure.deployerCidrs[1]', /must be an IPv4 block of \/24 or narrower/),
      ]);
    });

    test('fails on a primary app tier of fewer than 2 instances, but lets the standby go to 0', () => {
      const config = baseline();
      config.environments.prod.azure.app.capacity.minCapacity = 1;
      config.environments.prod.azure.app.drCapacity.minCapacity = 0;
      expect(problemsOf(config)).toEqual([
        problem('environments.prod.azure.app.capacity.minCapacity', /must be at least 2 so the app tier survives/, '1'),
      ]);
    });

    test('defaults to one backed-up container and delete locks created by the stacks', () => {
      const azure = parseConfig(baseline()).environments.prod.azure!;
      expect(azure.dataContainers).toEqual(['files']);
      expect(azure.deleteLocks).toBe('create');
      expect(azure.promoteReplica).toBe(false);
      expect(azure.entraLogs).toBe(false);
    });

    test.each<[string, unknown, string, RegExp]>([
      [
        'dataContainers',
        [],
        'environments.prod.azure.dataContainers',
        /must list at least one container; the Backup vault copies only the containers it names/,
      ],
      ['dataContainers', ['Files'], 'environments.prod.azure.dataContainers[0]', /must be a blob container name/],
      ['dataContainers', ['files', 'files'], 'environments.prod.azure.dataContainers[1]', /is listed twice/],
      ['deleteLocks', 'none', 'environments.prod.azure.deleteLocks', /must be "create" .* or "managed"/],
      ['promoteReplica', 'yes', 'environments.prod.azure.promoteReplica', /expected boolean/],
      ['entraLogs', 1, 'environments.prod.azure.entraLogs', /expected boolean/],
    ])('fails on azure.%s %j', (field, value, path, message) => {
      const config = loose(baseline());
      config.environments.prod.azure[field] = value;
      expect(problemsOf(config)).toEqual([problem(path, message, expect.any(String))]);
    });

    test('fails on an azurerm backend without its storage account', () => {
      const config = loose(baseline());
      config.environments.prod.azure.backend = { type: 'azurerm', resourceGroupName: 'rg-tfstate', containerName: 'tfstate' };
      expect(problemsOf(config)).toEqual([problem('environments.prod.azure.backend.storageAccountName', /expected string/, '(missing)')]);
    });

    test('fails on an environment that hosts nothing', () => {
      const config = loose(baseline());
      delete config.environments.staging.aws;
      delete config.environments.staging.azure;
      expect(problemsOf(config)).toEqual([
        problem('environments.staging', /hosts nothing; add an "aws" section, an "azure" section, or both/),
      ]);
    });

    test('accepts an Azure-only environment', () => {
      const config = loose(baseline());
      delete config.environments.staging.aws;
      expect(problemsOf(config)).toEqual([]);
    });
  });
  describe('cloudflare', () => {
    test('applies the secure defaults', () => {
      const cf = parseConfig(baseline()).environments.staging.cloudflare!;
      expect(cf).toMatchObject({
        securityLevel: 'medium',
        hstsPreload: false,
        owasp: { paranoiaLevel: 1, anomalyThreshold: 'medium' },
        healthCheckPath: '/healthz',
        originLock: true,
      });
      expect(cf.mitigationTimeoutSeconds).toBeUndefined();
    });

    test.each([
      ['accountId', 'ABCDEF', /must be a Cloudflare account id \(32 lower-case hex digits\)/],
      ['zoneId', '0123456789ABCDEF0123456789ABCDEF', /must be a Cloudflare zone id/],
      ['zoneName', 'Example.com', /must be a lower-case DNS name such as example.com/],
      ['hostname', 'https://app.example.com', /must be a lower-case DNS name such as app.example.com/],
      ['plan', 'premium', /must be one of free, pro, business, enterprise/],
      ['securityLevel', 'low', /must be medium, high or under_attack \(lower levels stop challenging/],
      ['healthCheckPath', '/health"; drop', /must be a path starting with "\/"/],
      ['mitigationTimeoutSeconds', -1, /must be a positive number of seconds/],
    ])('fails on a malformed %s', (field, value, message) => {
      const config = loose(baseline());
      config.environments.prod.cloudflare[field] = value;
      expect(problemsOf(config)).toEqual([problem(`environments.prod.cloudflare.${field}`, message, JSON.stringify(value))]);
    });

    test.each([
      ['paranoiaLevel', 5, /must be 1-4/],
      ['anomalyThreshold', 'extreme', /must be low, medium or high/],
    ])('fails on an out-of-range owasp.%s', (field, value, message) => {
      const config = loose(baseline());
      config.environments.prod.cloudflare.owasp = { [field]: value };
      expect(problemsOf(config)).toEqual([problem(`environments.prod.cloudflare.owasp.${field}`, message, JSON.stringify(value))]);
    });

    test('fails when the hostname is outside the zone', () => {
      const config = baseline();
      config.environments.prod.cloudflare.hostname = 'app.example.org';
      expect(problemsOf(config)).toEqual([
        problem(
          'environments.prod.cloudflare.hostname',
          /is not in the zone example.com; use example.com or a name ending in .example.com/,
          '"app.example.org"',
        ),
      ]);
    });

    test('fails when the load balancer fronts a cloud the environment is not hosted on', () => {
      const config = loose(baseline());
      delete config.environments.prod.aws;
      expect(problemsOf(config)).toEqual([
        problem(
          'environments.prod.cloudflare.origins.cloud',
          /is aws, but this environment has no aws section; front a cloud the environment is hosted on/,
          '"aws"',
        ),
      ]);
    });

    test.each([
      ['a URL', 'https://lb.example.com'],
      ['a port', 'lb.example.com:443'],
      ['a path', 'lb.example.com/health'],
      ['a CIDR', '203.0.113.0/24'],
    ])('fails on an origin given as %s', (_what, value) => {
      const config = baseline();
      config.environments.prod.cloudflare.origins.primary = value;
      expect(problemsOf(config)).toEqual([
        problem(
          'environments.prod.cloudflare.origins.primary',
          /must be the DNS name or IP address of the region's gateway, without scheme, port or path/,
          JSON.stringify(value),
        ),
      ]);
    });

    test('accepts IP addresses as origins', () => {
      const config = baseline();
      config.environments.prod.cloudflare.origins.primary = '203.0.113.10';
      config.environments.prod.cloudflare.origins.dr = '2001:db8::10';
      expect(problemsOf(config)).toEqual([]);
    });

    test.each<[string, (o: any) => void, string, RegExp]>([
      [
        'no origins at all',
        (o) => {
          delete o.primary;
          delete o.dr;
        },
        'primary',
        /is missing; give primary and dr addresses, or outputsFile/,
      ],
      ['only a primary', (o) => delete o.dr, 'dr', /is missing; give both primary and dr/],
      [
        'addresses and an outputs file',
        (o) => (o.outputsFile = 'cdk-outputs.json'),
        'outputsFile',
        /give the addresses or the outputs file, not both/,
      ],
      [
        'the same address twice',
        (o) => (o.dr = o.primary),
        'dr',
        /is the same address as primary; the DR pool must be the DR region's gateway/,
      ],
    ])('fails on %s', (_what, mutate, field, message) => {
      const config = loose(baseline());
      mutate(config.environments.prod.cloudflare.origins);
      expect(problemsOf(config)).toEqual([problem(`environments.prod.cloudflare.origins.${field}`, message)]);
    });

    test('accepts origins read from an outputs file', () => {
      const config = loose(baseline());
      config.environments.prod.cloudflare.origins = { cloud: 'aws', outputsFile: 'cdk-outputs.json' };
      expect(problemsOf(config)).toEqual([]);
    });

    test('fails when the rate limits need more rules than the plan allows, naming the plan', () => {
      const config = baseline();
      config.environments.prod.cloudflare.plan = 'pro';
      config.environments.prod.waf.globalRateLimit.windowSeconds = 60;
      for (const p of config.environments.prod.waf.criticalPaths) p.windowSeconds = 60;
      config.environments.prod.waf.criticalPaths = config.environments.prod.waf.criticalPaths.slice(0, 1);
      config.environments.prod.waf.criticalPaths[0].limit = 10;
      expect(problemsOf(config)).toEqual([]);
      config.environments.prod.waf.criticalPaths.push({ name: 'signup', pathPrefix: '/signup', limit: 10, windowSeconds: 60 });
      expect(problemsOf(config)).toEqual([
        problem(
          'environments.prod.waf.criticalPaths',
          /3 rate limiting rules are more than the pro plan allows \(at most 2\); merge rules or raise the plan \(cloudflare.plan is pro\)/,
        ),
      ]);
    });

    test('fails when a window is longer than the plan allows, naming the window and the plan', () => {
      const config = baseline();
      config.environments.prod.cloudflare.plan = 'pro';
      config.environments.prod.waf.criticalPaths = config.environments.prod.waf.criticalPaths.slice(0, 1);
      config.environments.prod.waf.globalRateLimit.windowSeconds = 60;
      config.environments.prod.waf.globalRateLimit.limit = 400;
      expect(problemsOf(config)).toEqual([
        problem(
          'environments.prod.waf.criticalPaths[0].windowSeconds',
          new RegExp(
            'period 300 s is longer than the pro plan allows \\(at most 60 s\\); shorten the window or raise the plan ' +
              '\\(cloudflare.plan is pro\\)',
          ),
        ),
      ]);
    });

    test('fails when the mitigation timeout is longer than the plan allows', () => {
      const config = loose(baseline());
      config.environments.prod.cloudflare.mitigationTimeoutSeconds = 100000;
      const problems = problemsOf(config);
      expect(problems.length).toBeGreaterThan(0);
      expect(
        problems.every(
          (p) =>
            p.path === 'environments.prod.cloudflare.mitigationTimeoutSeconds' && /mitigation timeout 100000 s.*business/.test(p.message),
        ),
      ).toBe(true);
      expect(new Set(problems.map((p) => p.message)).size).toBe(problems.length);
    });

    test('accepts an environment without Cloudflare', () => {
      const config = loose(baseline());
      delete config.environments.prod.cloudflare;
      expect(problemsOf(config)).toEqual([]);
    });
  });

  describe('cloudflare.originPull and host binding (ORIGIN-LOCK)', () => {
    const at = (field: string) => `environments.prod.cloudflare.${field}`;
    const pull = (config: any) => config.environments.prod.cloudflare.originPull;

    test("reads the zone's CA, client certificate and revocation list, and defaults the rest", () => {
      const cf = parseConfig(baseline()).environments.prod.cloudflare!;
      expect(cf.originPull!.caCertificates).toHaveLength(1);
      expect(cf.originPull!.clientCertificate).toMatch(/^-----BEGIN CERTIFICATE-----/);
      expect(cf.originPull!.revocationList).toMatch(/^-----BEGIN X509 CRL-----/);
      expect(cf).toMatchObject({ additionalHostnames: [], azurePerEdgeRateFactor: 25 });
    });

    test('fails when a locked environment has no origin-pull CA, and accepts it with the named opt-out', () => {
      const config = loose(baseline());
      delete config.environments.prod.cloudflare.originPull;
      expect(problemsOf(config)).toEqual([
        problem(
          at('originPull'),
          new RegExp(
            'is required while originLock is true: give caCertificates \\(the CA the origins trust\\) and clientCertificate ' +
              '.*or set originLock to false to opt out',
          ),
        ),
      ]);
      config.environments.prod.cloudflare.originLock = false;
      expect(problemsOf(config)).toEqual([]);
    });

    test('accepts two CAs while rotating, the client certificate issued by either', () => {
      const config = loose(baseline());
      pull(config).caCertificates = [CA_B, CA_A];
      pull(config).clientCertificate = CLIENT_A;
      delete pull(config).revocationList;
      expect(problemsOf(config)).toEqual([]);
    });

    test('reads PEM files named relative to the config file', () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'origin-pull-'));
      writeFileSync(path.join(dir, 'ca.pem'), CA_A);
      writeFileSync(path.join(dir, 'client.pem'), CLIENT_A);
      const config = loose(baseline());
      config.environments.prod.cloudflare.originPull = { caCertificates: ['ca.pem'], clientCertificate: 'client.pem' };
      const parsed = parseConfig(config, path.join(dir, 'baseline.json'));
      expect(parsed.environments.prod.cloudflare!.originPull).toEqual({ caCertificates: [CA_A], clientCertificate: CLIENT_A });
      expect(problemsOf(config)).toEqual([
        problem(at('originPull.caCertificates[0]'), /is neither PEM text \(-----BEGIN \.\.\.\) nor a readable file \(ENOENT/),
        problem(at('originPull.clientCertificate'), /is neither PEM text/),
      ]);
    });

    test.each<[string, (p: any) => void, string, RegExp]>([
      [
        'a CA that is not PEM',
        (p) => (p.caCertificates = ['-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n']),
        'originPull.caCertificates[0]',
        /is not PEM \(expected -----BEGIN CERTIFICATE-----/,
      ],
      [
        'a CA that OpenSSL cannot read',
        (p) => (p.caCertificates = ['-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n']),
        'originPull.caCertificates[0]',
        /is not a readable X.509 certificate/,
      ],
      [
        "Cloudflare's shared origin-pull CA",
        (p) => (p.caCertificates = [SHARED_CA]),
        'originPull.caCertificates[0]',
        /is Cloudflare's shared origin-pull CA .*an origin trusting it admits any Cloudflare customer's zone/,
      ],
      ['a leaf certificate as CA', (p) => (p.caCertificates = [CLIENT_A]), 'originPull.caCertificates[0]', /is not a CA certificate/],
      [
        'a 1024-bit RSA CA',
        (p) => (p.caCertificates = [WEAK_CA]),
        'originPull.caCertificates[0]',
        /has an RSA key of 1024 bits; expected at least 2048/,
      ],
      [
        'three CAs',
        (p) => (p.caCertificates = [CA_A, CA_B, CA_A]),
        'originPull.caCertificates',
        /must list at most 2 CAs: the current one and, while rotating, the next one/,
      ],
      [
        'the same CA twice',
        (p) => (p.caCertificates = [p.caCertificates[0], p.caCertificates[0]]),
        'originPull.caCertificates[1]',
        /is the same CA as caCertificates\[0\]/,
      ],
      [
        'two certificates in one entry',
        (p) => (p.caCertificates = [CA_A + CA_B]),
        'originPull.caCertificates[0]',
        /holds 2 certificates; give one certificate per entry/,
      ],
      [
        'a client certificate from another CA',
        (p) => (p.clientCertificate = CLIENT_B),
        'originPull.clientCertificate',
        /is not issued and signed by any of caCertificates/,
      ],
      [
        'a CA as client certificate',
        (p) => (p.clientCertificate = p.caCertificates[0]),
        'originPull.clientCertificate',
        /is a CA certificate; expected the leaf/,
      ],
      [
        'an expired client certificate',
        (p) => {
          p.caCertificates = [CA_A];
          p.clientCertificate = EXPIRED_CLIENT;
          delete p.revocationList;
        },
        'originPull.clientCertificate',
        /expired on 2021-01-01/,
      ],
      [
        'a certificate as revocation list',
        (p) => (p.revocationList = CA_A),
        'originPull.revocationList',
        /is not one PEM certificate revocation list/,
      ],
      ['an unknown key', (p) => (p.privateKey = 'x'), 'originPull.privateKey', /is not a known setting/],
    ])('fails on %s', (_what, mutate, field, message) => {
      const config = loose(baseline());
      mutate(pull(config));
      expect(problemsOf(config)).toEqual([problem(at(field), message)]);
    });

    test.each<[string, (p: any) => void, string]>([
      ['the client certificate', (p) => (p.clientCertificate = p.clientCertificate + FAKE_PRIVATE_KEY), 'originPull.clientCertificate'],
      ['a CA entry', (p) => (p.caCertificates[0] = FAKE_PRIVATE_KEY), 'originPull.caCertificates[0]'],
      ['the revocation list', (p) => (p.revocationList = FAKE_PRIVATE_KEY), 'originPull.revocationList'],
    ])('refuses a private key pasted into %s, saying where it goes instead', (_what, mutate, field) => {
      const config = loose(baseline());
      mutate(pull(config));
      // The key is never echoed back, not even its first characters.
      expect(problemsOf(config)).toEqual([
        problem(
          at(field),
          /holds a private key; a private key never goes in config .*TF_VAR_<environment>_origin_pull_private_key/,
          '"(a private key, not shown)"',
        ),
      ]);
    });

    test('refuses a private key pasted anywhere else, such as a tag', () => {
      const config = loose(baseline());
      config.environments.prod.tags.key = FAKE_PRIVATE_KEY;
      expect(problemsOf(config)).toEqual([
        problem('environments.prod.tags.key', /holds a private key; a private key never goes in config/, '"(a private key, not shown)"'),
      ]);
    });

    test('accepts other names of the zone and refuses one outside it, the hostname again, or a duplicate', () => {
      const config = loose(baseline());
      config.environments.prod.cloudflare.additionalHostnames = ['api.example.com'];
      expect(problemsOf(config)).toEqual([]);
      config.environments.prod.cloudflare.additionalHostnames = [
        'api.example.org',
        'app.example.com',
        'api.example.com',
        'api.example.com',
      ];
      expect(problemsOf(config)).toEqual([
        problem(
          at('additionalHostnames[0]'),
          /is not in the zone example.com; use example.com or a name ending in .example.com/,
          '"api.example.org"',
        ),
        problem(at('additionalHostnames[1]'), /duplicates hostname; list each name once/),
        problem(at('additionalHostnames[3]'), /duplicates additionalHostnames\[2\]/),
      ]);
    });

    test('bounds the Azure per-edge rate factor', () => {
      const config = loose(baseline());
      config.environments.prod.cloudflare.azurePerEdgeRateFactor = 1;
      expect(problemsOf(config)).toEqual([
        problem(at('azurePerEdgeRateFactor'), /must be at least 2: behind Cloudflare the Azure gateway counts per edge address/, '1'),
      ]);
    });
  });
});
