import { readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { meetsTlsFloor, POLICY_FLOORS, tlsVersionsFrom, type PolicyFloors } from '../../lib/config/floors';

// One source for the policy floors (lib/config/floors.ts): the config validation, the constructs
// and the checks all read POLICY_FLOORS. The proof loads the three layers against raised floors (in
// a registry of their own, where lib/config/floors.ts is replaced) and watches each layer move; a
// scan makes sure no literal copy of a floor came back.

const ROOT = path.join(__dirname, '..', '..');

/** Every floor raised: each layer must refuse what the shipped floors accept. */
const RAISED: PolicyFloors = {
  retention: { logDays: 60, databaseBackupDays: 32, databaseBackupMaxDays: 35, fileBackupDays: 120 },
  tls: { minVersion: '1.3', hstsMaxAgeSeconds: 40_000_000 },
  access: { maxAllowlistPrefix: { ipv4: 29, ipv6: 56 }, loosestAllowlistPrefix: { ipv4: 12, ipv6: 24 }, minRsaBits: 4096 },
  availability: { minZones: 3, productionMinZones: 4, minAppInstances: 3 },
  rateLimits: { minRequests: 100, maxRequests: 2_000_000_000, windowsSeconds: [60, 120, 300, 600] },
};

/** The modules of every layer, loaded with `floors` as lib/config/floors.ts. */
function layers(floors: PolicyFloors | undefined) {
  let loaded: any;
  jest.isolateModules(() => {
    if (floors) {
      jest.doMock('../../lib/config/floors', () => {
        const actual = jest.requireActual('../../lib/config/floors');
        return {
          ...actual,
          POLICY_FLOORS: floors,
          tlsVersionsFrom: (floor = floors.tls.minVersion) => actual.tlsVersionsFrom(floor),
          meetsTlsFloor: (version: string, floor = floors.tls.minVersion) => actual.meetsTlsFloor(version, floor),
        };
      });
    }
    loaded = {
      cdk: require('aws-cdk-lib'),
      ec2: require('aws-cdk-lib/aws-ec2'),
      kms: require('aws-cdk-lib/aws-kms'),
      logs: require('aws-cdk-lib/aws-logs'),
      s3: require('aws-cdk-lib/aws-s3'),
      Template: require('aws-cdk-lib/assertions').Template,
      configSupport: require('./support'),
      awsSupport: require('../aws/support'),
      tfSupport: require('../tf-support'),
      fixtures: require('../controls/fixtures/aws-templates'),
      keys: require('../fixtures/ssh-keys').KEYS,
      AuditTrail: require('../../lib/aws/audit-trail').AuditTrail,
      Database: require('../../lib/aws/database').Database,
      Bastion: require('../../lib/aws/bastion').Bastion,
      BaselineNetwork: require('../../lib/aws/baseline-network').BaselineNetwork,
      AppGateway: require('../../lib/aws/app-gateway').AppGateway,
      SecureBucket: require('../../lib/aws/secure-bucket').SecureBucket,
      LogWorkspace: require('../../lib/azure/log-workspace').LogWorkspace,
      SecureStorageAccount: require('../../lib/azure/secure-storage-account').SecureStorageAccount,
      ZoneHardening: require('../../lib/cloudflare/zone-hardening').ZoneHardening,
      aws: {
        logging: require('../../lib/controls/aws/logging'),
        storage: require('../../lib/controls/aws/storage'),
        network: require('../../lib/controls/aws/network'),
        availability: require('../../lib/controls/aws/availability'),
        edgeTls: require('../../lib/controls/aws/edge-tls'),
      },
      cloudflareEdgeTls: require('../../lib/controls/cloudflare/edge-tls'),
      azureEncryption: require('../../lib/controls/azure/encryption'),
    };
  });
  jest.dontMock('../../lib/config/floors');
  return loaded;
}

const shipped = layers(undefined);
const raised = layers(RAISED);

/** The config problems of `edit` applied to the shipped config, as `path: message` lines. */
function configProblems(l: any, edit: (config: any) => void = () => undefined): string {
  const config = l.configSupport.baseline();
  edit(config);
  return l.configSupport
    .problemsOf(config)
    .map((p: any) => `${p.path}: ${p.message}`)
    .join('\n');
}

/** What constructing throws (empty when it does not). */
function thrown(build: () => void): string {
  try {
    build();
    return '';
  } catch (err) {
    return (err as Error).message;
  }
}

const stack = (l: any) => l.awsSupport.testStack();
const findings = (result: any) => result.findings.map((f: any) => `${f.resource}: ${f.message}`).join('\n');

describe('POLICY_FLOORS (lib/config/floors.ts)', () => {
  it('holds the claim floors', () => {
    expect(POLICY_FLOORS.retention).toEqual({ logDays: 30, databaseBackupDays: 30, databaseBackupMaxDays: 35, fileBackupDays: 90 });
    expect(POLICY_FLOORS.tls).toEqual({ minVersion: '1.2', hstsMaxAgeSeconds: 31_536_000 });
    expect(POLICY_FLOORS.access.minRsaBits).toBe(3072);
    expect(POLICY_FLOORS.access.maxAllowlistPrefix).toEqual({ ipv4: 24, ipv6: 48 });
    expect(POLICY_FLOORS.availability.minZones).toBe(2);
  });

  it('is frozen, so no caller can lower a floor at run time', () => {
    expect(() => {
      (POLICY_FLOORS.retention as any).logDays = 1;
    }).toThrow(TypeError);
    expect(() => {
      (POLICY_FLOORS.access.maxAllowlistPrefix as any).ipv4 = 8;
    }).toThrow(TypeError);
    expect(POLICY_FLOORS.retention.logDays).toBe(30);
  });

  it('lists the TLS versions from the floor and judges named policies against it', () => {
    expect(tlsVersionsFrom()).toEqual(['1.2', '1.3']);
    expect(tlsVersionsFrom('1.3')).toEqual(['1.3']);
    expect([meetsTlsFloor('1.1'), meetsTlsFloor('1.2'), meetsTlsFloor('1.3'), meetsTlsFloor('2.0')]).toEqual([false, true, true, false]);
  });
});

describe('raising a floor in lib/config/floors.ts raises it in the config, the constructs and the checks', () => {
  describe('log retention (claim B6)', () => {
    it('config: refuses a log retention under the floor', () => {
      const shorter = (c: any) => (c.environments.staging.logging.auditRetentionDays = 30);
      expect(configProblems(shipped, shorter)).toBe('');
      expect(configProblems(raised, shorter)).toMatch(/auditRetentionDays.*must be at least 60/);
    });

    it('constructs: refuse it too (AuditTrail, LogWorkspace)', () => {
      const trail = (l: any) => () => {
        const s = stack(l);
        new l.AuditTrail(s, 'Trail', {
          logsKey: new l.kms.Key(s, 'Key'),
          retentionDays: 30,
          logGroupRetention: 30,
          serverAccessLogsBucket: new l.s3.Bucket(s, 'Logs'),
        });
      };
      expect(thrown(trail(raised))).toMatch(/AuditTrail\.retentionDays: received 30; expected at least 60 days/);
      const workspace = (l: any) => () =>
        l.tfSupport.synthTerraform(
          (scope: any) =>
            new l.LogWorkspace(scope, 'Ws', { resourceGroupName: 'rg', location: 'westeurope', name: 'ws-test', retentionDays: 30 }),
        );
      expect(thrown(workspace(shipped))).toBe('');
      expect(thrown(workspace(raised))).toMatch(/retentionDays 30 is out of range; expected a whole number of days from 60/);
    });

    it('checks: fail a log group kept under the floor', () => {
      const template = (l: any) => {
        const t = l.fixtures.primaryTemplate();
        for (const r of Object.values<any>(t.Resources)) if (r.Type === 'AWS::Logs::LogGroup') r.Properties.RetentionInDays = 30;
        return t;
      };
      expect(shipped.aws.logging.checkLogRetention(template(shipped)).status).toBe('pass');
      const result = raised.aws.logging.checkLogRetention(template(raised));
      expect(result.status).toBe('fail');
      expect(findings(result)).toMatch(/\b60\b/);
    });
  });

  describe('database and file backup retention (claim B10)', () => {
    it('config: refuses backups kept under the floors', () => {
      expect(configProblems(shipped)).toBe('');
      const problems = configProblems(raised);
      expect(problems).toMatch(/databaseRetentionDays.*must be at least 32/);
      expect(problems).toMatch(/fileRetentionDays.*must be at least 120/);
    });

    it('constructs: Database refuses 30 days of point-in-time recovery; SecureStorageAccount keeps deleted blobs 120 days', () => {
      const database = (l: any) => () => {
        const s = stack(l);
        const vpc = l.awsSupport.testVpc(s);
        new l.Database(s, 'Db', {
          vpc,
          subnets: { subnetGroupName: 'Data' },
          appTier: new l.ec2.SecurityGroup(s, 'Sg', { vpc }),
          dataKey: new l.kms.Key(s, 'D'),
          logsKey: new l.kms.Key(s, 'L'),
          instanceIdentifier: 'db',
          backupRetentionDays: 30,
          logRetention: 30,
        });
      };
      expect(thrown(database(raised))).toMatch(/Database\.backupRetentionDays: received 30; expected 32 to 35/);
      const storage = (l: any) =>
        l.tfSupport.synthTerraform(
          (scope: any) =>
            new l.SecureStorageAccount(scope, 'Sa', {
              resourceGroupName: 'rg',
              location: 'westeurope',
              name: 'sabaseline',
              keyVaultKeyId: 'https://kv.vault.azure.net/keys/k',
              identityId:
                '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ManagedIdentity/use' +
                'rAssignedIdentities/id',
            }),
        );
      const retention = (json: any) =>
        Object.values<any>(json.resource.azurerm_storage_account)[0].blob_properties.delete_retention_policy.days;
      expect(retention(storage(shipped))).toBe(90);
      expect(retention(storage(raised))).toBe(120);
    });

    it('checks: fail the backups the shipped floors accept', () => {
      expect(shipped.aws.storage.checkBackup(shipped.fixtures.primaryTemplate()).status).toBe('pass');
      const result = raised.aws.storage.checkBackup(raised.fixtures.primaryTemplate());
      expect(result.status).toBe('fail');
      expect(findings(result)).toMatch(/\b32\b|\b120\b/);
    });
  });

  describe('TLS version and HSTS (claims A7, A14)', () => {
    it(
      "constructs: the zone's minimum TLS version and HSTS max-age and the buckets' TLS condition follow the floor; AppGateway " +
        'refuses a shorter HSTS',
      () => {
        const zone = (l: any) =>
          l.tfSupport.synthTerraform((scope: any) => new l.ZoneHardening(scope, 'Zone', { zoneId: '0123456789abcdef0123456789abcdef' }));
        const setting = (json: any, id: string) =>
          Object.values<any>(json.resource.cloudflare_zone_setting).find((s) => s.setting_id === id).value;
        expect(setting(zone(shipped), 'min_tls_version')).toBe('1.2');
        expect(setting(zone(raised), 'min_tls_version')).toBe('1.3');
        expect(setting(zone(raised), 'security_header').strict_transport_security.max_age).toBe(40_000_000);
        const gateway = (l: any) => () => {
          const s = stack(l);
          const vpc = l.awsSupport.testVpc(s);
          new l.AppGateway(s, 'Gw', {
            vpc,
            subnets: { subnetGroupName: 'Public' },
            certificateArn: 'arn:aws:acm:eu-west-1:111111111111:certificate/abc',
            accessLogsBucket: new l.s3.Bucket(s, 'Logs'),
            targetPort: 8443,
            healthCheckPath: '/healthz',
            hstsMaxAge: l.cdk.Duration.days(365),
          });
        };
        expect(thrown(gateway(raised))).toMatch(/AppGateway\.hstsMaxAge: received 31536000 s; expected at least 40000000 s/);
        const bucketPolicy = (l: any) => {
          const s = stack(l);
          new l.SecureBucket(s, 'Bucket', { noncurrentVersionRetentionDays: 90 });
          return JSON.stringify(l.Template.fromStack(s).findResources('AWS::S3::BucketPolicy'));
        };
        expect(bucketPolicy(shipped)).toContain('{"NumericLessThan":{"s3:TlsVersion":1.2}}');
        expect(bucketPolicy(raised)).toContain('{"NumericLessThan":{"s3:TlsVersion":1.3}}');
      },
    );

    it('checks: fail TLS 1.2 at the edge and in the database, and a one-year HSTS', () => {
      const zoneStack = (version: string) => ({
        resource: {
          cloudflare_zone_setting: {
            tls: { zone_id: 'z', setting_id: 'min_tls_version', value: version },
          },
        },
      });
      expect(findings(shipped.cloudflareEdgeTls.checkEdgeTls(zoneStack('1.2')))).not.toMatch(/min_tls_version/);
      expect(findings(raised.cloudflareEdgeTls.checkEdgeTls(zoneStack('1.2')))).toMatch(/min_tls_version/);
      // The fixture's load balancer sends HSTS for one year; its TLS policies start at TLS 1.2.
      const oneYear = (l: any) => {
        const t = l.fixtures.primaryTemplate();
        for (const r of Object.values<any>(t.Resources)) {
          for (const a of r.Properties?.ListenerAttributes ?? [])
            if (/strict_transport_security/.test(a.Key)) a.Value = 'max-age=31536000; includeSubDomains';
        }
        return t;
      };
      expect(shipped.aws.edgeTls.checkEdgeTls(oneYear(shipped)).status).toBe('pass');
      const edge = findings(raised.aws.edgeTls.checkEdgeTls(oneYear(raised)));
      expect(edge).toMatch(/expected "max-age=40000000 or more/);
      expect(edge).toMatch(/SslPolicy is "ELBSecurityPolicy-TLS13-1-2-Res-2021-06"; expected one of ELBSecurityPolicy-TLS13-1-3-/);
      expect(edge).toMatch(/MinimumProtocolVersion is "TLSv1.2_2021"; expected one of TLSv1.3_2025/);
    });
  });

  describe('SSH allowlist breadth and RSA size (claim A11)', () => {
    it('config: refuses a /24 allowlist entry and a 3072-bit RSA guardrail', () => {
      const loose = (c: any) => {
        c.environments.staging.bastion.allowedCidrs = ['198.51.100.0/24'];
        c.guardrails = { minRsaBits: 3072 };
      };
      expect(configProblems(shipped, loose)).toBe('');
      const problems = configProblems(raised, loose);
      expect(problems).toMatch(/allowedCidrs\[0\].*IPv4 \/29/);
      expect(problems).toMatch(/minRsaBits.*must be at least 4096/);
    });

    it('constructs: Bastion refuses a /24 and a 3072-bit key by default', () => {
      const bastion = (l: any, cidr: string, key: string) => () => {
        const s = stack(l);
        const vpc = l.awsSupport.testVpc(s);
        new l.Bastion(s, 'Bastion', {
          vpc,
          subnets: { subnetGroupName: 'Public' },
          allowedCidrs: [cidr],
          users: [{ name: 'alice', publicKeys: [key] }],
          volumeKey: new l.kms.Key(s, 'K'),
          authLogGroup: new l.logs.LogGroup(s, 'Auth'),
        });
      };
      expect(thrown(bastion(shipped, '198.51.100.0/24', shipped.keys.ed25519))).toBe('');
      expect(thrown(bastion(raised, '198.51.100.0/24', raised.keys.ed25519))).toMatch(/Bastion\.allowedCidrs\[0\]/);
      expect(thrown(bastion(raised, '198.51.100.0/29', raised.keys.rsa3072 ?? raised.keys.rsa2048))).toMatch(
        /Bastion\.users\[0\]\.publicKeys\[0\].*4096/,
      );
    });

    it('checks: fail a /24 bastion allowlist and a 3072-bit Key Vault key', () => {
      const template = (l: any) => {
        const t = l.fixtures.primaryTemplate();
        for (const r of Object.values<any>(t.Resources)) {
          if (r.Type === 'AWS::EC2::SecurityGroup')
            for (const rule of r.Properties.SecurityGroupIngress ?? [])
              if (rule.FromPort === 22 && rule.CidrIp) rule.CidrIp = '198.51.100.0/24';
        }
        return t;
      };
      expect(shipped.aws.network.checkBastionSsh(template(shipped)).status).toBe('pass');
      expect(findings(raised.aws.network.checkBastionSsh(template(raised)))).toMatch(/\/29 or narrower/);
      const vault = {
        resource: {
          azurerm_key_vault_key: { k: { name: 'k', key_vault_id: 'v', key_type: 'RSA-HSM', key_size: 3072, key_opts: ['wrapKey'] } },
        },
      };
      expect(findings(shipped.azureEncryption.checkEncRest(vault))).not.toMatch(/key_size/);
      expect(findings(raised.azureEncryption.checkEncRest(vault))).toMatch(/key_size is 3072; expected 4096 or more/);
    });
  });

  describe('availability zones (claim B11)', () => {
    it('config, constructs and checks: two zones are no longer enough', () => {
      const twoZones = (c: any) =>
        (c.environments.staging.aws.availabilityZones = c.environments.staging.aws.availabilityZones.slice(0, 2));
      expect(configProblems(shipped, twoZones)).toBe('');
      expect(configProblems(raised, twoZones)).toMatch(/availabilityZones.*must list at least 3/);
      const network = (l: any) => () => {
        const s = stack(l);
        new l.BaselineNetwork(s, 'Net', {
          cidr: '10.0.0.0/16',
          availabilityZones: ['eu-west-1a', 'eu-west-1b'],
          logsKey: new l.kms.Key(s, 'K'),
          flowLogRetention: 30,
        });
      };
      expect(thrown(network(raised))).toMatch(/BaselineNetwork\.availabilityZones: received 2 zone\(s\); expected at least 3/);
      expect(findings(raised.aws.availability.checkHaMultizone(raised.fixtures.primaryTemplate()))).toMatch(/expected at least 3/);
    });
  });
});

describe('no literal copy of a floor is left in lib/', () => {
  // What the floors used to be written as outside lib/config/floors.ts; comments are skipped.
  const COPIES = [
    /31_?536_?000/,
    /\b3072\b/,
    /ipv4: 24\b/,
    /ipv6: 48\b/,
    /\?\? (30|90)\b/,
    /[<>]=? ?(30|35|90)\b/,
    /'TLSv?1[._]2'/,
    /'1\.2'/,
    /TLSVersion: \d/,
  ];
  // Values that are service vocabularies, not floors: Key Vault's RSA-HSM sizes, CloudFront's origin
  // protocols; a KMS key's deletion window (7-30 days); defaults above
  // a floor or unrelated to one (a gateway request timeout, a trust
  // bundle's lock, VM and operational backup tiers).
  const ALLOWED = [
    /RSA_HSM_KEY_SIZES = \[2048, 3072, 4096\]/,
    /CLOUDFRONT_ORIGIN_SSL_PROTOCOLS = /,
    /pendingWindowDays/,
    /requestTimeoutSeconds \?\? 30/,
    /bundleRetentionDays \?\? 30/,
    /dailyRetentionDays \?\? 30/,
    /operationalRetentionDays \?\? 30/,
    /retentionDays \?\? 90;/,
  ];
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const full = path.join(dir, name);
      return statSync(full).isDirectory() ? files(full) : full.endsWith('.ts') ? [full] : [];
    });

  it('finds none in code outside lib/config/floors.ts', () => {
    const hits: string[] = [];
    for (const file of files(path.join(ROOT, 'lib'))) {
      if (file.endsWith(path.join('config', 'floors.ts'))) continue;
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          const code = line.replace(/\/\/.*$/, '');
          if (/^\s*(\*|\/\*)/.test(code)) return;
          if (COPIES.some((c) => c.test(code)) && !ALLOWED.some((a) => a.test(code)))
            hits.push(`${path.relative(ROOT, file)}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(hits).toEqual([]);
  });
});
