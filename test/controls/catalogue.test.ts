import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { CONTROLS, control } from '../../lib/controls';
import { STACK_CONTROL_TESTS } from '../../lib/controls/catalogue';

/**
 * Every control's claim, as the catalogue published it (docs/controls.md): id -> claim. A claim is
 * a promise the trust page and the reports print; rewording one is a decision, made here too.
 */
const CLAIMS_TABLE: ReadonlyArray<readonly [string, string]> = [
  ['EDGE-TLS', 'Public endpoints accept TLS 1.2+ only, redirect HTTP to HTTPS and send HSTS'],
  ['WAF-MANAGED', 'Managed WAF rules block OWASP-class attacks, SQL injection, malformed requests'],
  ['WAF-REPUTATION', 'Bad-reputation and anonymizing sources are blocked; browser integrity checked'],
  ['WAF-RATE-GLOBAL', 'Every client IP is rate limited'],
  ['WAF-RATE-CRITICAL', 'Login, password reset and other critical endpoints have tighter limits'],
  ['ORIGIN-LOCK', 'Origins accept traffic only from the edge'],
  ['NET-TIERS', 'Public, app and data tiers are separate; only gateways and bastion are public'],
  ['APP-FROM-GATEWAY', 'App hosts accept application traffic only from the load balancer/gateway'],
  ['DB-FROM-APP', 'The database is reachable only from the app tier, never publicly, over TLS'],
  ['BASTION-SSH', 'Admin SSH only via the bastion, per-user keys, no passwords, allowlisted IPs'],
  ['ADMIN-MFA', 'Privileged cloud access requires MFA and is least-privilege'],
  ['ENC-REST', 'Data at rest is AES-256 encrypted under customer-managed, rotated keys'],
  ['ENC-TRANSIT', 'All connections, internal ones included, use TLS 1.2+'],
  ['STORAGE-PRIVATE', 'Object storage blocks public access and is versioned'],
  ['SECRETS', 'No secret appears in source or synth output'],
  ['LOG-CENTRAL', 'Audit, network-flow, gateway and WAF logs are collected centrally'],
  ['LOG-RETENTION', 'Logs are kept 30-180 days (configurable) and are tamper-evident'],
  ['DETECT-THREATS', 'Threat detection and vulnerability scanning are on, alerting on-call'],
  ['HA-MULTIZONE', 'Every tier spans >= 2 zones and replaces unhealthy instances'],
  ['BACKUP', 'Daily backups, point-in-time recovery, 30-day DB / 90-day file retention'],
  ['DR-REGION', 'Data replicated to a second region; RPO <= 1 h, RTO <= 4 h, documented failover'],
  ['DATA-RESIDENCY', 'Each environment pins its regions; DR stays in the same jurisdiction'],
  ['ENV-SEPARATION', 'Production and staging are separate stacks and accounts/subscriptions'],
  ['CDN-ASSETS', 'Static assets are served through a CDN with a private origin and TLS 1.2+'],
];

/** The claim ids of docs/claims.md: A1..A16 and B1..B13. */
const CLAIM_ID = /^(A([1-9]|1[0-6])|B([1-9]|1[0-3]))$/;

describe('control catalogue', () => {
  it('lists every control once, in order, with its claim', () => {
    expect(CONTROLS.map((c) => [c.id, c.claim])).toEqual(CLAIMS_TABLE);
    expect(new Set(CONTROLS.map((c) => c.id)).size).toBe(CONTROLS.length);
  });

  it('cites at least one claim id per control, each valid and listed once', () => {
    for (const c of CONTROLS) {
      expect(c.sources.length).toBeGreaterThan(0);
      for (const s of c.sources) expect(s).toMatch(CLAIM_ID);
      expect(new Set(c.sources).size).toBe(c.sources.length);
    }
  });

  it('makes every claim that infrastructure can carry true by some control', () => {
    const cited = new Set(CONTROLS.flatMap((c) => c.sources));
    // A1 (hosting choice) and A13 (application password policy) are not infrastructure controls.
    const expected = [...Array.from({ length: 16 }, (_, i) => `A${i + 1}`), ...Array.from({ length: 13 }, (_, i) => `B${i + 1}`)].filter(
      (id) => id !== 'A1' && id !== 'A13',
    );
    expect(expected.filter((id) => !cited.has(id))).toEqual([]);
  });

  it(
    'checks every control on the AWS output: per template, or across stacks where a template cannot show it (with a note ' + 'saying why)',
    () => {
      const withoutAws = CONTROLS.filter((c) => !c.checks.aws).map((c) => c.id);
      expect(withoutAws).toEqual(['DR-REGION', 'DATA-RESIDENCY', 'ENV-SEPARATION']);
      expect(control('DR-REGION').environmentChecks?.aws).toBeDefined();
      for (const id of ['DATA-RESIDENCY', 'ENV-SEPARATION'] as const) expect(control(id).deploymentChecks?.aws).toBeDefined();
      for (const id of withoutAws) expect(control(id).note).toMatch(/\S/);
    },
  );

  it('has a Cloudflare check for every control the edge carries', () => {
    expect(CONTROLS.filter((c) => c.checks.cloudflare).map((c) => c.id)).toEqual([
      'EDGE-TLS',
      'WAF-MANAGED',
      'WAF-REPUTATION',
      'WAF-RATE-GLOBAL',
      'WAF-RATE-CRITICAL',
      'ORIGIN-LOCK',
      'ENC-TRANSIT',
      'SECRETS',
      'LOG-CENTRAL',
      'DETECT-THREATS',
      'DR-REGION',
    ]);
  });

  it('states, for every cloud a control has no check on, whether it is not applicable, config-enforced or unchecked, and why', () => {
    // Without a statement the report could not tell a reader why a cell is not proven.
    const silent = CONTROLS.flatMap((c) =>
      (['aws', 'azure', 'cloudflare'] as const)
        .filter((cloud) => !c.checks[cloud] && !c.environmentChecks?.[cloud] && !c.deploymentChecks?.[cloud] && !c.coverage?.[cloud])
        .map((cloud) => `${c.id} ${cloud}`),
    );
    expect(silent).toEqual([]);
    for (const c of CONTROLS) {
      for (const [cloud, coverage] of Object.entries(c.coverage ?? {})) {
        expect({
          id: c.id,
          cloud,
          checked: Boolean(c.checks[cloud as 'aws'] || c.environmentChecks?.[cloud as 'aws'] || c.deploymentChecks?.[cloud as 'aws']),
        }).toEqual({ id: c.id, cloud, checked: false });
        expect(coverage.reason.length).toBeGreaterThanOrEqual(40);
        if (coverage.verdict === 'config-enforced') expect(coverage.rule).toMatch(/^lib\/config\/\S+\.ts: /);
      }
    }
  });

  it('checks ORIGIN-LOCK on every cloud, explaining what a template cannot show', () => {
    expect(Object.keys(control('ORIGIN-LOCK').checks).sort()).toEqual(['aws', 'azure', 'cloudflare']);
    expect(control('ORIGIN-LOCK').note).toMatch(/originLocked/);
  });

  it('lists test files that exist for every control, per cloud, each once', () => {
    // The evidence report cites these files as the proof of each control: a renamed or deleted
    // test would leave a reviewer a dead reference.
    const root = path.join(__dirname, '..', '..');
    const listed = [...CONTROLS.flatMap((c) => Object.values(c.tests ?? {}).flat()), ...Object.values(STACK_CONTROL_TESTS).flat()];
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.filter((file) => !/^test\/.+\.test\.ts$/.test(file) || !existsSync(path.join(root, file)))).toEqual([]);
    for (const c of CONTROLS) for (const files of Object.values(c.tests ?? {})) expect(new Set(files).size).toBe(files.length);
  });

  it('names at least one proving test for every cloud a control is checked on', () => {
    const untested = CONTROLS.flatMap((c) =>
      (['aws', 'azure', 'cloudflare'] as const)
        .filter((cloud) => (c.checks[cloud] || c.environmentChecks?.[cloud] || c.deploymentChecks?.[cloud]) && !c.tests?.[cloud]?.length)
        .map((cloud) => `${c.id} ${cloud}`),
    );
    expect(untested).toEqual([]);
  });

  it('finds a control by id and rejects unknown ids', () => {
    expect(control('BACKUP').sources).toContain('B10');
    expect(() => control('NOPE' as never)).toThrow(/received "NOPE"; expected one of EDGE-TLS/);
  });
});
