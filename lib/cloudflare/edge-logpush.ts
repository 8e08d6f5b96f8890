import { LogpushJob } from '@cdktf/provider-cloudflare/lib/logpush-job';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { logpushDestinationProblem } from '../config/logpush-destination';
import { checkCloudflareId } from './ids';
import { checkCloudflarePlan, type CloudflarePlan } from '../config/cloudflare-plan-limits';

/**
 * The fields `EdgeLogpush` exports from each dataset (Cloudflare exports only the fields a job
 * names; there is no "all fields"). Chosen to reconstruct an attack and who was behind it: when,
 * which request (Ray ID), from where (client address, port, network, country), what was asked
 * (host, method, URI, user agent, TLS), what the edge decided (security action, rule, source,
 * attack scores, leaked-credential check) and what the origin answered. Field names from
 * Cloudflare's log field reference (developers.cloudflare.com/logs/reference/log-fields/zone/).
 */
export const EDGE_LOGPUSH_FIELDS = {
  http_requests: [
    'EdgeStartTimestamp',
    'EdgeEndTimestamp',
    'RayID',
    'ZoneName',
    'ClientIP',
    'ClientSrcPort',
    'ClientASN',
    'ClientCountry',
    'ClientIPClass',
    'ClientRequestHost',
    'ClientRequestMethod',
    'ClientRequestURI',
    'ClientRequestProtocol',
    'ClientRequestUserAgent',
    'ClientRequestReferer',
    'ClientRequestBytes',
    'ClientSSLProtocol',
    'ClientSSLCipher',
    'EdgeColoCode',
    'EdgeResponseStatus',
    'EdgeResponseBytes',
    'SecurityAction',
    'SecurityActions',
    'SecurityRuleID',
    'SecurityRuleIDs',
    'SecuritySources',
    'SecurityRuleDescription',
    'WAFAttackScore',
    'WAFSQLiAttackScore',
    'WAFXSSAttackScore',
    'WAFRCEAttackScore',
    'LeakedCredentialCheckResult',
    'OriginIP',
    'OriginResponseStatus',
    'OriginSSLProtocol',
    'OriginResponseDurationMs',
  ],
  firewall_events: [
    'Datetime',
    'RayID',
    'Kind',
    'Action',
    'Source',
    'RuleID',
    'Ref',
    'Description',
    'MatchIndex',
    'Metadata',
    'ClientIP',
    'ClientASN',
    'ClientCountry',
    'ClientIPClass',
    'ClientRequestHost',
    'ClientRequestMethod',
    'ClientRequestPath',
    'ClientRequestQuery',
    'ClientRequestProtocol',
    'ClientRequestScheme',
    'ClientRequestUserAgent',
    'EdgeColoCode',
    'EdgeResponseStatus',
    'OriginResponseStatus',
    'LeakedCredentialCheckResult',
  ],
} as const satisfies Record<string, readonly string[]>;

/** The zone datasets `EdgeLogpush` exports: every request, and every security event. */
export type EdgeLogpushDataset = keyof typeof EDGE_LOGPUSH_FIELDS;

/** Properties of {@link EdgeLogpush}. */
export interface EdgeLogpushProps {
  /** Id of the zone whose logs are pushed (32 lowercase hex digits). */
  readonly zoneId: string;
  /**
   * The zone's plan. Logpush of the zone's HTTP requests and firewall events is an Enterprise
   * feature: any other plan is refused here, before Cloudflare refuses the apply.
   */
  readonly plan: CloudflarePlan;
  /**
   * Where Cloudflare writes the logs (`destination_conf`): an Amazon S3 bucket
   * (`s3://<bucket>/<path>?region=<region>`, `{DATE}` in the path for daily folders) or a Google
   * Cloud Storage bucket (`gs://<bucket>/<path>`). Both are written through a grant on the bucket,
   * so the destination carries no credential; destinations that carry a key or token (R2, Azure,
   * HTTP, SIEM endpoints) are refused (control SECRETS).
   */
  readonly destination: string;
  /**
   * The ownership challenge token proving the destination is yours (Cloudflare writes it into the
   * bucket on request; see the class documentation), as a reference resolved at deploy time (a
   * sensitive Terraform variable's value). Whoever holds it can point another Cloudflare zone's
   * logs at the bucket, so it is handled like a secret, never literal text in the synthesized JSON.
   */
  readonly ownershipChallenge: string;
  /**
   * Prefix of the job names (such as `acme-prod`); the dataset is appended.
   * @default 'baseline'
   */
  readonly namePrefix?: string;
}

/**
 * The edge's logs collected centrally (control LOG-CENTRAL, claims A4, A11): two zone-level
 * Cloudflare Logpush jobs, `http_requests` (every request the edge served, with the security
 * decision taken on it) and `firewall_events` (every WAF, custom rule, rate limit and other
 * security action), pushed as NDJSON with RFC 3339 timestamps, unsampled and unfiltered, to a
 * bucket you own. The attack it stops: an intrusion nobody can reconstruct because the edge's
 * evidence stayed in Cloudflare's dashboard, kept only as long as the plan's analytics keep it and
 * never reaching the central log store.
 *
 * Requires an Enterprise zone (Logpush of zone datasets is an Enterprise feature). On other plans
 * there is nothing to build, and LOG-CENTRAL on Cloudflare stays unchecked with that reason.
 *
 * Before the first deploy, prove the destination is yours (Cloudflare's ownership challenge):
 * 1. Let Cloudflare write to the bucket (the principals Cloudflare's Logpush destination pages
 *    give; these when this was written). S3: a bucket policy allowing `s3:PutObject` on the path
 *    to `arn:aws:iam::391854517948:user/cloudflare-logpush`, with SSE-S3 default encryption or a
 *    KMS key that grants that user. Cloud Storage: `logpush@cloudflare-data.iam.gserviceaccount.com`
 *    as Storage Object Admin on the bucket.
 * 2. Request a challenge for the zone and destination: `POST /zones/<zone id>/logpush/ownership`
 *    with `{"destination_conf": "<destination>"}` (Cloudflare API, a token with Logs Write).
 *    Cloudflare writes a file into the bucket and answers with its name.
 * 3. Read the token from that file and pass it at deploy time as the sensitive variable the stack
 *    declares (`TF_VAR_<env>_logpush_ownership_challenge`), never in a file of the repository.
 * Changing the destination needs a new challenge.
 *
 * Retention and immutability of the logs are the bucket's (an S3 Object Lock in compliance mode,
 * a locked Cloud Storage retention policy): set them where the bucket is managed; nothing in this
 * stack can show them, so LOG-RETENTION on Cloudflare is not checked here.
 */
export class EdgeLogpush extends Construct {
  /** The `http_requests` job. */
  public readonly resource: LogpushJob;
  /** The `firewall_events` job. */
  public readonly firewallEvents: LogpushJob;

  constructor(scope: Construct, id: string, props: EdgeLogpushProps) {
    super(scope, id);
    const where = `EdgeLogpush ${this.node.path}`;
    checkCloudflareId(where, 'zoneId', props.zoneId);
    checkCloudflarePlan(where, props.plan);
    if (props.plan !== 'enterprise') {
      throw new Error(
        `${where}: plan is "${props.plan}"; Logpush of a zone's HTTP requests and firewall events needs an Enterprise zone: ` +
          `raise the plan, or leave Logpush out (LOG-CENTRAL on Cloudflare then stays unchecked)`,
      );
    }
    if (!Token.isUnresolved(props.destination)) {
      const problem = logpushDestinationProblem(props.destination);
      if (problem) throw new Error(`${where}: destination "${props.destination.replace(/\?.*$/, '?...')}" ${problem}`);
    }
    if (!Token.isUnresolved(props.ownershipChallenge)) {
      throw new Error(
        `${where}: ownershipChallenge is literal text, which would be written into the synthesized JSON (control SECRETS); ` +
          `pass a reference resolved at deploy time, such as a sensitive TerraformVariable's value (TF_VAR_...)`,
      );
    }
    const prefix = props.namePrefix ?? 'baseline';
    if (!Token.isUnresolved(prefix) && !/^[A-Za-z0-9][A-Za-z0-9.-]{0,80}$/.test(prefix)) {
      throw new Error(
        `${where}: namePrefix "${prefix}" is invalid; expected letters, digits, "." and "-" (Cloudflare's rule for job ` +
          `names), such as acme-prod`,
      );
    }

    const job = (jobId: string, dataset: EdgeLogpushDataset): LogpushJob =>
      new LogpushJob(this, jobId, {
        zoneId: props.zoneId,
        dataset,
        name: `${prefix}-${dataset.replace('_', '-')}`,
        destinationConf: props.destination,
        ownershipChallenge: props.ownershipChallenge,
        // Explicit: a job switched off in the dashboard is put back on by the next apply.
        enabled: true,
        // Every event, as NDJSON with sortable timestamps: no filter, no sampling (sample_rate 1).
        outputOptions: {
          outputType: 'ndjson',
          timestampFormat: 'rfc3339',
          sampleRate: 1,
          fieldNames: [...EDGE_LOGPUSH_FIELDS[dataset]],
        },
      });
    this.resource = job('Resource', 'http_requests');
    this.firewallEvents = job('FirewallEvents', 'firewall_events');
  }
}
