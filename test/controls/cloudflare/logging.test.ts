import { EDGE_LOGPUSH_FIELDS } from '../../../lib/cloudflare/edge-logpush';
import { checkLogCentral, LOGPUSH_REQUIRED_FIELDS } from '../../../lib/controls/cloudflare/logging';
import { checkSecrets } from '../../../lib/controls/cloudflare/secrets';
import { edge, every, expectFinding, expectNotApplicable, expectPass, logpushEdge, weakened, ZONE_ID } from './support';

const JOB = 'cloudflare_logpush_job';
const at = (dataset: string) => every(logpushEdge(), JOB).find((j) => j.args.dataset === dataset)!.address;
const httpAt = at('http_requests');
const firewallAt = at('firewall_events');
const job = (t: any, address: string) => t.resource[JOB][address.split('.')[1]];
const T = '(template)';

describe('LOG-CENTRAL (Cloudflare)', () => {
  it(
    'passes a zone pushing its HTTP requests and firewall events, unsampled and unfiltered, with the fields that ' +
      'reconstruct an attack',
    () => {
      for (const plan of [undefined, 'enterprise'] as const) {
        const result = checkLogCentral(logpushEdge(), { cloudflarePlan: plan });
        expectPass(result);
        expect([...result.evidence].sort()).toEqual([firewallAt, httpAt].sort());
      }
    },
  );

  it('requires no more fields than EdgeLogpush exports', () => {
    for (const [dataset, fields] of Object.entries(LOGPUSH_REQUIRED_FIELDS))
      expect(EDGE_LOGPUSH_FIELDS[dataset as keyof typeof EDGE_LOGPUSH_FIELDS]).toEqual(expect.arrayContaining([...fields]));
  });

  it('is unchecked, with the reason, for a zone without Logpush below Enterprise or on an unknown plan', () => {
    expect(checkLogCentral(edge(), { cloudflarePlan: 'business' })).toEqual({
      control: 'LOG-CENTRAL',
      status: 'unchecked',
      reason:
        `the edge's WAF and HTTP request logs of zone "${ZONE_ID}" stay in Cloudflare's dashboard: no Logpush job exports them, ` +
        `and Logpush of a zone's HTTP requests and firewall events needs an Enterprise zone (cloudflare.plan is business)`,
      findings: [],
      evidence: [],
    });
    expect(checkLogCentral(edge()).reason).toMatch(/needs an Enterprise zone \(the zone's plan is unknown\)$/);
  });

  it('is not applicable to a stack without zones', () => {
    expectNotApplicable(checkLogCentral({}));
    expectNotApplicable(checkLogCentral({ resource: { cloudflare_load_balancer_monitor: { m: { account_id: 'a', type: 'https' } } } }));
  });

  // Rows carry the plan option as a fifth value (undefined: unknown); every row has all five so jest
  // never takes the fifth parameter for a done callback.
  it.each<[string, (t: any) => void, string, RegExp, 'enterprise' | undefined]>([
    [
      'no Logpush on an Enterprise zone',
      (t) => delete t.resource[JOB],
      T,
      new RegExp(
        `^zone "${ZONE_ID}" has no cloudflare_logpush_job; expected enabled jobs pushing its http_requests and ` +
          `firewall_events to a central store \\(the zone is on Enterprise, where Logpush is offered\\)$`,
      ),
      'enterprise',
    ],
    [
      'the firewall events job removed',
      (t) => delete t.resource[JOB][firewallAt.split('.')[1]],
      T,
      /has no cloudflare_logpush_job for firewall_events; expected an enabled job pushing it, unsampled and unfiltered/,
      undefined,
    ],
    [
      'the HTTP requests job disabled',
      (t) => (job(t, httpAt).enabled = false),
      httpAt,
      /^http_requests job: enabled is false; expected true \(a disabled job pushes nothing\)$/,
      undefined,
    ],
    [
      'the firewall events job filtered to blocks only',
      (t) => (job(t, firewallAt).filter = '{"where":{"key":"Action","operator":"eq","value":"block"}}'),
      firewallAt,
      /^firewall_events job: filter is .*; expected none \(a filter drops the events it leaves out\)$/,
      undefined,
    ],
    [
      'the HTTP requests sampled at 10 %',
      (t) => (job(t, httpAt).output_options.sample_rate = 0.1),
      httpAt,
      /output_options\.sample_rate is 0\.1; expected 1 \(sampling drops events/,
      undefined,
    ],
    [
      'the client address dropped from the fields',
      (t) =>
        (job(t, httpAt).output_options.field_names = job(t, httpAt).output_options.field_names.filter((f: string) => f !== 'ClientIP')),
      httpAt,
      /output_options\.field_names leaves out ClientIP; expected at least EdgeStartTimestamp, RayID, ClientIP/,
      undefined,
    ],
    [
      'no fields named',
      (t) => delete job(t, firewallAt).output_options,
      firewallAt,
      /output_options\.field_names is absent; expected the fields to export \(Cloudflare exports only the fields a job names\)/,
      undefined,
    ],
    [
      'no destination',
      (t) => (job(t, httpAt).destination_conf = ''),
      httpAt,
      /destination_conf is ""; expected the bucket the logs go to/,
      undefined,
    ],
  ])('fails with %s', (_what, edit, resource, message, plan) => {
    expectFinding(checkLogCentral(weakened(edit, logpushEdge), plan ? { cloudflarePlan: plan } : {}), resource, message);
  });
});

describe('SECRETS (Cloudflare) on Logpush jobs', () => {
  it('passes the ownership challenge from a sensitive variable', () => {
    const result = checkSecrets(logpushEdge());
    expectPass(result);
    expect(result.evidence).toEqual(expect.arrayContaining([httpAt, firewallAt]));
  });

  it.each<[string, (t: any) => void, string, RegExp]>([
    [
      'the ownership challenge pasted in as text',
      (t) => (job(t, httpAt).ownership_challenge = 'a1b2c3'),
      httpAt,
      /ownership_challenge is literal text \(the ownership challenge token is in the synthesized JSON and the repository\)/,
    ],
    [
      'an R2 destination carrying its keys',
      (t) => (job(t, firewallAt).destination_conf = 'r2://logs/edge?account-id=x&access-key-id=AKIA&secret-access-key=s3cr3t'),
      firewallAt,
      /destination_conf carries "access-key-id", "secret-access-key" \(a credential in the synthesized JSON and the repository\)/,
    ],
    [
      'an Azure SAS signature',
      (t) => (job(t, httpAt).destination_conf = 'azure://logs/edge?sv=2020-08-04&sig=abc'),
      httpAt,
      /destination_conf carries "sv", "sig"/,
    ],
  ])('fails with %s', (_what, edit, resource, message) => {
    expectFinding(checkSecrets(weakened(edit, logpushEdge)), resource, message);
  });
});
