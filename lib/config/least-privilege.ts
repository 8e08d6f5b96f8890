import { parseCidr } from './cidr';

/*
 * Validation of the least-privilege settings (issue "Least privilege on every access path"),
 * shared by the config schema and the constructs, with no aws-cdk-lib or cdktf import so both
 * apps can load it.
 */

/** The default key prefix of the app's objects in the data bucket. */
export const DEFAULT_APP_OBJECT_PREFIX = 'app/';

/** Why an object key prefix is unusable for a scoped grant, or undefined when it is fine. */
export function objectPrefixProblem(prefix: string): string | undefined {
  if (typeof prefix !== 'string' || !/^([A-Za-z0-9!_.()'-]+\/)+$/.test(prefix) || /(^|\/)\.\.?\//.test(prefix)) {
    return (
      'expected a key prefix of letters, digits and !_.()\'- segments ending in "/", such as app/ (no wildcards, no "." or ".." ' +
      'segments: the grant must not reach other prefixes)'
    );
  }
  return undefined;
}

/**
 * Interface VPC endpoints the AWS hosts may use, by short name (the AWS service's endpoint
 * suffix). Each costs per zone and hour (docs/deploy.md "Egress and its cost").
 */
export const AWS_INTERFACE_ENDPOINTS = ['logs', 'kms', 'secretsmanager', 'sts', 'ssm', 'monitoring', 'ecr.api', 'ecr.dkr'] as const;
/** An interface endpoint short name. */
export type AwsInterfaceEndpoint = (typeof AWS_INTERFACE_ENDPOINTS)[number];
/**
 * The secure default: what the hosts call without the internet. CloudWatch Logs (the agent ships
 * the SSH log), KMS and Secrets Manager (the app's keys and secrets), STS (SDK credentials).
 * S3 (the data bucket and Amazon Linux's package repositories) uses the free gateway endpoint.
 * Systems Manager is not in it: Session Manager and Run Command are shells around SSH.
 */
export const DEFAULT_AWS_INTERFACE_ENDPOINTS: readonly AwsInterfaceEndpoint[] = ['logs', 'kms', 'secretsmanager', 'sts'];

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/**
 * Why a package-mirror entry is unusable, or undefined: a CIDR no broader than IPv4 /16 or IPv6
 * /32 (a mirror is a service, not the internet), or a lower-case DNS name.
 */
export function packageMirrorProblem(entry: string): string | undefined {
  if (typeof entry !== 'string' || entry.trim() !== entry || entry === '')
    return 'expected a CIDR such as 203.0.113.0/24 or a host name such as mirror.example.com';
  if (/^[0-9a-fA-F:.]+\/\d{1,3}$/.test(entry)) {
    const p = parseCidr(entry);
    if ('error' in p) return `${p.error}; expected a CIDR such as 203.0.113.0/24 or a host name such as mirror.example.com`;
    if (p.prefix === 0) return "opens egress to the whole internet (/0 is never accepted); list the package mirror's own range";
    const floor = p.family === 'ipv4' ? 16 : 32;
    if (p.prefix < floor)
      return `is broader than ${p.family === 'ipv4' ? 'IPv4' : 'IPv6'} /${floor}; a package mirror is one service, list its own range`;
    return undefined;
  }
  if (!HOSTNAME.test(entry))
    return (
      'is neither a CIDR nor a host name; expected a CIDR such as 203.0.113.0/24 or a lower-case host name such as ' +
      'mirror.example.com (no scheme, port or path)'
    );
  return undefined;
}
