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

const acknowledgedProviders = new WeakSet<IConstruct>();

/**
 * Acknowledges, once per stack, the findings on CDK's singleton provider of AwsCustomResource
 * calls (`AWS679f53fac002430cb0da5b7982bd2287`): a Lambda function CloudFormation invokes
 * synchronously during deployment to make one read or enable call; it holds no data and serves
 * no traffic.
 */
export function acknowledgeAwsCallProvider(handler: IConstruct): void {
  if (acknowledgedProviders.has(handler)) return;
  acknowledgedProviders.add(handler);
  const once = 'CDK\'s deployment-time handler for single AWS API calls (Inspector enable, the S3 prefix-list lookup): CloudFormation invokes it synchronously on create or update, a failure fails the deployment visibly, and it holds no data';
  acknowledge(handler, `${once}; a VPC attachment would only add a NAT dependency.`, nagRule('LambdaInsideVPC', ['HIPAA.Security', 'NIST.800.53.R4', 'NIST.800.53.R5', 'PCI.DSS.321']));
  acknowledge(handler, `${once}; there is no asynchronous event to dead-letter.`, [...nagRule('LambdaDLQ', ['HIPAA.Security', 'NIST.800.53.R5', 'Serverless'])]);
  acknowledge(handler, `${once}; it runs once per deployment, so reserved concurrency would protect nothing.`, nagRule('LambdaConcurrency', ['HIPAA.Security', 'NIST.800.53.R5']));
  acknowledge(handler, `${once}; the call itself is recorded by CloudTrail, which is the trace that matters.`, nagRule('LambdaTracing', ['Serverless']));
  acknowledge(handler, `${once}; its memory size is set by CDK for the SDK it loads.`, nagRule('LambdaDefaultMemorySize', ['Serverless']));
  acknowledge(handler, 'AWSLambdaBasicExecutionRole only lets the CDK handler write its own logs; each call\'s permission is a separate, narrow statement.', [
    'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
  ]);
}
