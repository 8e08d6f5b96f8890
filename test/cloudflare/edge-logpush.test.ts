import { TerraformVariable } from 'cdktf';
import { EDGE_LOGPUSH_FIELDS, EdgeLogpush, type EdgeLogpushProps } from '../../lib/cloudflare/edge-logpush';
import { logpushDestinationProblem } from '../../lib/config/logpush-destination';
import { resourcesOf, synthCloudflare, ZONE_ID } from './support';

const JOB = 'cloudflare_logpush_job';
const DESTINATION = 's3://acme-edge-logs/prod/{DATE}?region=eu-central-1';

describe('EdgeLogpush', () => {
  let logs!: EdgeLogpush;
  const json = synthCloudflare((s) => {
    const challenge = new TerraformVariable(s, 'logpush_ownership_challenge', { type: 'string', sensitive: true });
    logs = new EdgeLogpush(s, 'Logs', {
      zoneId: ZONE_ID,
      plan: 'enterprise',
      destination: DESTINATION,
      ownershipChallenge: challenge.stringValue,
      namePrefix: 'acme-prod',
    });
  });
  const jobs = Object.values<any>(resourcesOf(json, JOB));

  it('pushes every HTTP request and every firewall event of the zone, unsampled and unfiltered, to the destination', () => {
    expect(jobs).toEqual([
      {
        zone_id: ZONE_ID,
        dataset: 'http_requests',
        name: 'acme-prod-http-requests',
        destination_conf: DESTINATION,
        ownership_challenge: '${var.logpush_ownership_challenge}',
        enabled: true,
        output_options: {
          output_type: 'ndjson',
          timestamp_format: 'rfc3339',
          sample_rate: 1,
          field_names: [...EDGE_LOGPUSH_FIELDS.http_requests],
        },
      },
      {
        zone_id: ZONE_ID,
        dataset: 'firewall_events',
        name: 'acme-prod-firewall-events',
        destination_conf: DESTINATION,
        ownership_challenge: '${var.logpush_ownership_challenge}',
        enabled: true,
        output_options: {
          output_type: 'ndjson',
          timestamp_format: 'rfc3339',
          sample_rate: 1,
          field_names: [...EDGE_LOGPUSH_FIELDS.firewall_events],
        },
      },
    ]);
    expect(Object.keys(json.resource ?? {})).toEqual([JOB]);
    for (const job of jobs) expect(job.filter).toBeUndefined();
  });

  it('exports who, when, what was asked and what the edge decided', () => {
    expect(EDGE_LOGPUSH_FIELDS.http_requests).toEqual(
      expect.arrayContaining([
        'EdgeStartTimestamp',
        'RayID',
        'ClientIP',
        'ClientRequestHost',
        'ClientRequestMethod',
        'ClientRequestURI',
        'ClientRequestUserAgent',
        'EdgeResponseStatus',
        'SecurityAction',
        'SecurityRuleID',
        'SecuritySources',
      ]),
    );
    expect(EDGE_LOGPUSH_FIELDS.firewall_events).toEqual(
      expect.arrayContaining([
        'Datetime',
        'RayID',
        'ClientIP',
        'Action',
        'Source',
        'RuleID',
        'ClientRequestHost',
        'ClientRequestPath',
        'ClientRequestQuery',
      ]),
    );
    for (const fields of Object.values(EDGE_LOGPUSH_FIELDS)) expect(new Set(fields).size).toBe(fields.length);
  });

  it('exposes the http_requests job as its Resource child', () => {
    expect(logs.resource.node.id).toBe('Resource');
    expect(logs.firewallEvents.node.id).toBe('FirewallEvents');
  });
});

describe('EdgeLogpush validation', () => {
  const build = (props: Partial<EdgeLogpushProps>) => () =>
    synthCloudflare((s) => {
      const challenge = new TerraformVariable(s, 'c', { type: 'string', sensitive: true });
      new EdgeLogpush(s, 'Logs', {
        zoneId: ZONE_ID,
        plan: 'enterprise',
        destination: DESTINATION,
        ownershipChallenge: challenge.stringValue,
        ...props,
      });
    });

  it.each<[string, Partial<EdgeLogpushProps>, RegExp]>([
    [
      'a Business zone',
      { plan: 'business' },
      /^EdgeLogpush \S*Logs: plan is "business"; Logpush of a zone's HTTP requests and firewall events needs an Enterprise zone/,
    ],
    ['a Free zone', { plan: 'free' }, /plan is "free"; Logpush .* needs an Enterprise zone/],
    ['an invalid zone id', { zoneId: 'example.com' }, /zoneId "example\.com" is invalid/],
    [
      'an R2 destination carrying its keys',
      { destination: 'r2://logs/edge?account-id=abc&access-key-id=AKIA&secret-access-key=s3cr3t' },
      /destination "r2:\/\/logs\/edge\?\.\.\." is not an s3:\/\/ or gs:\/\/ destination/,
    ],
    [
      'an S3 destination with keys in the query',
      { destination: 's3://acme-edge-logs?region=eu-central-1&secret-access-key=s3cr3t' },
      new RegExp(
        'has query parameter "secret-access-key"; expected only region \\(and sse=AES256\\): credentials and tokens never go in ' +
          'config or synth',
      ),
    ],
    [
      'a literal ownership challenge',
      { ownershipChallenge: 'abc123' },
      /ownershipChallenge is literal text, which would be written into the synthesized JSON \(control SECRETS\)/,
    ],
    ['a job name prefix with spaces', { namePrefix: 'acme prod' }, /namePrefix "acme prod" is invalid/],
  ])('rejects %s', (_what, props, message) => {
    expect(build(props)).toThrow(message);
    expect(build(props)).not.toThrow(/s3cr3t/);
  });
});

describe('logpushDestinationProblem', () => {
  it.each([
    's3://acme-edge-logs?region=eu-central-1',
    's3://acme-edge-logs/prod/{DATE}?region=us-gov-west-1&sse=AES256',
    'gs://acme-edge-logs/prod/{DATE}',
    'gs://acme_edge_logs',
  ])('accepts %s', (destination) => {
    expect(logpushDestinationProblem(destination)).toBeUndefined();
  });

  it.each<[string, RegExp]>([
    ['https://logs.example.com/cloudflare?header_Authorization=Bearer%20x', /is not an s3:\/\/ or gs:\/\/ destination/],
    ['azure://logs/edge?sv=2020&sig=abc', /is not an s3:\/\/ or gs:\/\/ destination/],
    ['s3://acme-edge-logs', /has no region; expected \?region=/],
    ['s3://acme-edge-logs?region=europe', /has region "europe"; expected an AWS region/],
    ['s3://acme-edge-logs?region=eu-central-1&sse=aws:kms', /has sse "aws:kms"; expected AES256/],
    ['s3://acme-edge-logs?region=eu-central-1&region=eu-west-1', /repeats a query parameter/],
    ['s3://Acme_Logs?region=eu-central-1', /names bucket "Acme_Logs", which is not a valid S3 bucket name/],
    ['s3://acme-edge-logs/../x?region=eu-central-1', /^has path/],
    ['gs://acme-edge-logs?token=abc', /has query parameter "token"; expected none/],
  ])('rejects %s', (destination, message) => {
    expect(logpushDestinationProblem(destination)).toMatch(message);
  });
});
