import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** The cdk-nag 3 packs that run on every AWS stack, by the prefix of their rule ids. */
export const NAG_PACKS = ['AwsSolutions', 'HIPAA.Security', 'NIST.800.53.R4', 'NIST.800.53.R5', 'PCI.DSS.321', 'Serverless'] as const;
/** The id a pack's rule is acknowledged by. */
export type NagPack = (typeof NAG_PACKS)[number];

/** Ids of one cdk-nag rule in the given packs (`HIPAA.Security::HIPAA.Security-S3BucketReplicationEnabled`). */
export function nagRule(rule: string, packs: readonly NagPack[]): string[] {
  return packs.map((pack) => `${pack}::${pack}-${rule}`);
}

/** Id of a Control Tower Guard rule (`cdk-validator-cfnguard::s3_bucket_logging_enabled_check`). */
export function guardRule(rule: string): string {
  return `cdk-validator-cfnguard::${rule}`;
}

/**
 * Acknowledges policy findings on one construct, with the reason a reviewer reads in the template
 * metadata. Call it on the narrowest construct that carries the finding; the reason must name the
 * compensating control or the design conflict, never work left undone.
 */
export function acknowledge(scope: IConstruct, reason: string, ids: readonly string[]): void {
  if (reason.trim().length < 40) {
    throw new Error(`acknowledge(${scope.node.path}): the reason "${reason}" is too short; say which control compensates and why the rule does not fit`);
  }
  Validations.of(scope).acknowledge(...ids.map((id) => ({ id, reason })));
}
