import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '../lib/config/load';
import type { EnvironmentConfig } from '../lib/config/schema';
import { DR_OUTPUTS } from './aws-dr-stack';
import { PRIMARY_OUTPUTS } from './aws-primary-stack';
import { AZURE_OUTPUTS } from './azure-region-stack';

/** The two origins of an environment's Cloudflare load balancer, and where they came from. */
export interface CloudflareOrigins {
  readonly primary: string;
  readonly dr: string;
  /** `config` or the outputs file they were read from (shown in the load balancer's description). */
  readonly source: string;
}

/**
 * The primary and DR gateway addresses of one environment (control DR-REGION at the edge): from
 * `cloudflare.origins.primary`/`dr`, or from the outputs file the cloud's deploy wrote
 * (`cdk deploy --outputs-file` for AWS: `LoadBalancerDnsName` of `<project>-<env>-aws-primary`
 * and `StandbyLoadBalancerDnsName` of `<project>-<env>-aws-dr`; `cdktf deploy --outputs-file`
 * for Azure: `gateway_public_ip` of `<env>-azure-primary` and `<env>-azure-dr`). Never from
 * hand-edited code. A missing file or output fails with a ConfigError naming the config field,
 * before anything is synthesized.
 */
export function resolveCloudflareOrigins(
  project: string,
  envName: string,
  env: EnvironmentConfig,
  configFile = 'config',
): CloudflareOrigins {
  const cf = env.cloudflare;
  const field = `environments.${envName}.cloudflare.origins.outputsFile`;
  if (!cf) throw new Error(`environment ${envName} has no cloudflare section`);
  if (cf.origins.primary !== undefined && cf.origins.dr !== undefined)
    return { primary: cf.origins.primary, dr: cf.origins.dr, source: 'config' };
  const file = cf.origins.outputsFile!;
  const deploy = cf.origins.cloud === 'aws' ? 'cdk deploy --all --outputs-file' : 'cdktf deploy --outputs-file';
  const fail = (message: string): never => {
    throw new ConfigError(configFile, [{ path: field, received: JSON.stringify(file), message }]);
  };
  let outputs: Record<string, Record<string, unknown>>;
  try {
    outputs = JSON.parse(readFileSync(path.resolve(file), 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return fail(
      code
        ? `cannot be read (${code}); deploy the ${cf.origins.cloud} stacks first with \`${deploy} ${file}\`, or give ` +
            `origins.primary and origins.dr`
        : `is not valid JSON (${(err as Error).message}); write it again with \`${deploy} ${file}\``,
    );
  }
  const read = (stacks: string[], key: string): string => {
    for (const stack of stacks) {
      const value = outputs?.[stack]?.[key];
      if (typeof value === 'string' && value !== '') return value;
    }
    return fail(
      `has no output ${key} of stack ${stacks.join(' or ')}; deploy that stack with \`${deploy} ${file}\`, or give ` +
        `origins.primary and origins.dr`,
    );
  };
  const prefix = `${project}-${envName}`;
  const primary =
    cf.origins.cloud === 'aws'
      ? read([`${prefix}-aws-primary`, `${envName}-aws-primary`], PRIMARY_OUTPUTS.loadBalancer)
      : read([`${envName}-azure-primary`], AZURE_OUTPUTS.gatewayPublicIp);
  const dr =
    cf.origins.cloud === 'aws'
      ? read([`${prefix}-aws-dr`, `${envName}-aws-dr`], DR_OUTPUTS.standbyLoadBalancer)
      : read([`${envName}-azure-dr`], AZURE_OUTPUTS.gatewayPublicIp);
  if (primary === dr) fail(`gives the same address ${primary} for the primary and the DR gateway; check the outputs of both stacks`);
  return { primary, dr, source: file };
}
