// The one rule for a Cloudflare Logpush destination (control LOG-CENTRAL, SECRETS), shared by the
// config validator and the EdgeLogpush construct so both give the same message. Plain TypeScript:
// the config layer loads it without the Terraform bindings.

/** S3 bucket names: 3-63 lowercase letters, digits, dots and hyphens, starting and ending alphanumeric. */
const S3_BUCKET = /^[a-z0-9](?:[a-z0-9.-]{1,61}[a-z0-9])$/;
/** Cloud Storage bucket names: 3-63 lowercase letters, digits, dots, hyphens and underscores. */
const GS_BUCKET = /^[a-z0-9](?:[a-z0-9._-]{1,61}[a-z0-9])$/;
/** AWS region names such as eu-central-1 or us-gov-west-1. */
const AWS_REGION = /^[a-z]{2}(?:-[a-z]+)+-\d$/;
/** A path inside the bucket: letters, digits, `/ . _ - {DATE}` (Cloudflare fills in the day). */
const BUCKET_PATH = /^(?:[A-Za-z0-9._-]+|\{DATE\})(?:\/(?:[A-Za-z0-9._-]+|\{DATE\}))*\/?$/;

/**
 * Why a Logpush `destination_conf` is unusable, or undefined when it is one the baseline accepts:
 * an Amazon S3 bucket (`s3://<bucket>[/<path>]?region=<region>`, optionally `&sse=AES256`) or a
 * Google Cloud Storage bucket (`gs://<bucket>[/<path>]`). Cloudflare writes to both through a
 * grant on the bucket (its IAM user in the bucket policy, its service account on the bucket), so
 * the destination carries no credential. Every other destination (R2, Azure Blob Storage, HTTP,
 * Datadog, Splunk...) authenticates with a key or token inside `destination_conf`, which would be
 * written into the config, the synthesized JSON and the repository.
 */
export function logpushDestinationProblem(destination: string): string | undefined {
  const m = /^(s3|gs):\/\/([^/?#]+)(?:\/([^?#]*))?(?:\?([^#]*))?$/.exec(destination);
  if (!m) {
    return (
      'is not an s3:// or gs:// destination; expected an Amazon S3 bucket (s3://<bucket>/<path>?region=<region>) or a Google ' +
      'Cloud Storage bucket (gs://<bucket>/<path>), which Cloudflare writes to through a grant on the bucket: other destinations ' +
      'carry a key or token in destination_conf, which would be written into config and synth'
    );
  }
  const [, scheme, bucket, bucketPath, query] = m;
  if (!(scheme === 's3' ? S3_BUCKET : GS_BUCKET).test(bucket))
    return (
      `names bucket "${bucket}", which is not a valid ${scheme === 's3' ? 'S3' : 'Cloud Storage'} bucket name (3-63 lowercase ` +
      `letters, digits, dots and hyphens)`
    );
  if (
    bucketPath !== undefined &&
    bucketPath !== '' &&
    (!BUCKET_PATH.test(bucketPath) || bucketPath.split('/').some((part) => part === '.' || part === '..'))
  )
    return (
      `has path "${bucketPath}"; expected letters, digits, "/", ".", "_", "-" and the {DATE} placeholder only, and no "." or ` +
      `".." segment`
    );
  const params = new URLSearchParams(query ?? '');
  const keys = [...params.keys()];
  const allowed = scheme === 's3' ? ['region', 'sse'] : [];
  const extra = keys.filter((k) => !allowed.includes(k));
  if (extra.length > 0)
    return (
      `has query parameter ${extra.map((k) => `"${k}"`).join(', ')}; expected ` +
      `${scheme === 's3' ? 'only region (and sse=AES256)' : 'none'}: credentials and tokens never go in config or synth`
    );
  if (keys.length !== new Set(keys).size) return 'repeats a query parameter; give each once';
  if (scheme === 's3') {
    const region = params.get('region');
    if (region === null) return "has no region; expected ?region=<the bucket's AWS region>, such as ?region=eu-central-1";
    if (!AWS_REGION.test(region)) return `has region "${region}"; expected an AWS region such as eu-central-1`;
    const sse = params.get('sse');
    if (sse !== null && sse !== 'AES256') return `has sse "${sse}"; expected AES256, or no sse parameter`;
  }
  return undefined;
}
