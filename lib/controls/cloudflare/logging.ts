import { Outcome, unchecked } from '../core/outcome';
import { block, isFalse, ofType, show, TEMPLATE, type TfJson, type TfRes } from '../core/terraform';
import type { CheckOptions, CheckResult } from '../types';
import { zoneIds, zoneKey } from './zone';

const JOB = 'cloudflare_logpush_job';

/**
 * The fields a zone Logpush job must export for its dataset to count as collected (control
 * LOG-CENTRAL): when, which request, from where, what was asked and what the edge decided. A job
 * exports only the fields it names, so a job without these leaves the attack unreconstructable.
 * `EdgeLogpush` exports these and more (lib/cloudflare/edge-logpush.ts `EDGE_LOGPUSH_FIELDS`).
 */
export const LOGPUSH_REQUIRED_FIELDS = {
  http_requests: [
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
  ],
  firewall_events: [
    'Datetime',
    'RayID',
    'ClientIP',
    'Action',
    'Source',
    'RuleID',
    'ClientRequestHost',
    'ClientRequestPath',
    'ClientRequestQuery',
  ],
} as const;

type Dataset = keyof typeof LOGPUSH_REQUIRED_FIELDS;
const DATASETS = Object.keys(LOGPUSH_REQUIRED_FIELDS) as Dataset[];

/** Why a zone Logpush job of a required dataset does not collect the dataset whole. */
function problemsOf(job: TfRes, dataset: Dataset): string[] {
  const problems: string[] = [];
  if (isFalse(job.args.enabled)) problems.push('enabled is false; expected true (a disabled job pushes nothing)');
  const destination = job.args.destination_conf;
  if (typeof destination !== 'string' || destination.trim() === '')
    problems.push(`destination_conf is ${show(destination)}; expected the bucket the logs go to`);
  if (typeof job.args.filter === 'string' && job.args.filter.trim() !== '' && job.args.filter.trim() !== '{}') {
    problems.push(`filter is ${show(job.args.filter)}; expected none (a filter drops the events it leaves out)`);
  }
  const output = block(job.args.output_options);
  const rate = output?.sample_rate;
  if (rate !== undefined && rate !== null && Number(rate) !== 1)
    problems.push(`output_options.sample_rate is ${show(rate)}; expected 1 (sampling drops events, the attack's among them)`);
  const fields: unknown = output?.field_names;
  if (!Array.isArray(fields)) {
    problems.push(
      `output_options.field_names is ${show(fields)}; expected the fields to export (Cloudflare exports only the fields a job ` +
        `names), at least ${LOGPUSH_REQUIRED_FIELDS[dataset].join(', ')}`,
    );
  } else {
    const missing = LOGPUSH_REQUIRED_FIELDS[dataset].filter((f) => !fields.includes(f));
    if (missing.length > 0)
      problems.push(
        `output_options.field_names leaves out ${missing.join(', ')}; expected at least ` +
          `${LOGPUSH_REQUIRED_FIELDS[dataset].join(', ')} (when, which request, from where, what was asked, what the ` +
          `edge decided)`,
      );
  }
  return problems;
}

/**
 * Control LOG-CENTRAL (Cloudflare: the edge's logs reach a central store). The attack it stops: an
 * intrusion nobody can reconstruct because the edge's evidence (every request, every WAF, custom
 * rule and rate-limit action) stayed in Cloudflare's dashboard. For every zone of the stack, an
 * enabled zone `cloudflare_logpush_job` for `http_requests` and one for `firewall_events`, each
 * with a destination, no filter, no sampling (`output_options.sample_rate` absent or 1) and the
 * fields of {@link LOGPUSH_REQUIRED_FIELDS}. Logpush of zone datasets needs an Enterprise zone: a
 * zone without any Logpush job is `unchecked` (nothing collects its logs, and below Enterprise
 * nothing can) unless the `cloudflarePlan` option says Enterprise, where it fails. Not applicable
 * to a stack without zones. Not seen here: the destination's retention and immutability
 * (LOG-RETENTION), and whether Cloudflare accepted the job (its ownership challenge).
 */
export function checkLogCentral(tf: TfJson, options: CheckOptions = {}): CheckResult {
  const out = new Outcome('LOG-CENTRAL');
  const zones = zoneIds(tf);
  if (zones.length === 0) return out.result(false);
  const jobs = ofType(tf, JOB).filter((j) => j.args.zone_id !== undefined && j.args.zone_id !== null && DATASETS.includes(j.args.dataset));
  const uncollected: string[] = [];
  for (const zone of zones) {
    const own = jobs.filter((j) => zoneKey(j.args.zone_id) === zone);
    if (own.length === 0) {
      if (options.cloudflarePlan === 'enterprise') {
        out.fail(
          TEMPLATE,
          `zone ${JSON.stringify(zone)} has no cloudflare_logpush_job; expected enabled jobs pushing its ` +
            `${DATASETS.join(' and ')} to a central store (the zone is on Enterprise, where Logpush is offered)`,
        );
      } else {
        uncollected.push(zone);
      }
      continue;
    }
    for (const dataset of DATASETS) {
      const candidates = own.filter((j) => j.args.dataset === dataset);
      // Every job of the dataset is judged: a disabled or sampled twin beside a good job is a
      // reviewer trap, and fails too.
      for (const job of candidates) {
        const problems = problemsOf(job, dataset);
        for (const problem of problems) out.fail(job.address, `${dataset} job: ${problem}`);
        if (problems.length === 0) out.carry(job.address);
      }
      if (candidates.length === 0)
        out.fail(
          TEMPLATE,
          `zone ${JSON.stringify(zone)} has no cloudflare_logpush_job for ${dataset}; expected an enabled job pushing it, ` +
            `unsampled and unfiltered, to the central store`,
        );
    }
  }
  const result = out.result(true);
  if (result.status === 'fail' || uncollected.length === 0) return result;
  const plan = options.cloudflarePlan;
  return unchecked(
    'LOG-CENTRAL',
    `the edge's WAF and HTTP request logs of zone ${uncollected.map((z) => JSON.stringify(z)).join(', ')} stay in ` +
      `Cloudflare's dashboard: no Logpush job exports them, and Logpush of a zone's HTTP requests and firewall events needs an ` +
      `Enterprise zone (${plan ? `cloudflare.plan is ${plan}` : "the zone's plan is unknown"})`,
  );
}
