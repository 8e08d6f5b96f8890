import { attribute, list, ofType, refTarget, refsIn, type CfnTemplate, type Res } from './template';

/** What a bucket receives when it is a log sink. */
export type LogRole = 'alb-access-logs' | 's3-access-logs' | 'cloudtrail' | 'cloudfront-logs' | 'flow-logs' | 'waf-logs';

/**
 * Buckets that receive logs, with what they receive: the ALB `access_logs.s3.bucket` attribute, S3
 * server access logging destinations, the CloudTrail bucket, CloudFront standard logging, and
 * flow-log or WAF-log destinations. Every other bucket holds data.
 */
export function logBuckets(template: CfnTemplate): Map<string, Set<LogRole>> {
  const roles = new Map<string, Set<LogRole>>();
  const add = (id: string | undefined, role: LogRole) => {
    if (id === undefined || template.Resources?.[id]?.Type !== 'AWS::S3::Bucket') return;
    if (!roles.has(id)) roles.set(id, new Set());
    roles.get(id)!.add(role);
  };
  for (const lb of ofType(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer')) {
    add(refTarget(attribute(lb.props.LoadBalancerAttributes, 'access_logs.s3.bucket')), 'alb-access-logs');
  }
  for (const bucket of ofType(template, 'AWS::S3::Bucket'))
    add(refTarget(bucket.props.LoggingConfiguration?.DestinationBucketName), 's3-access-logs');
  for (const trail of ofType(template, 'AWS::CloudTrail::Trail')) add(refTarget(trail.props.S3BucketName), 'cloudtrail');
  for (const d of ofType(template, 'AWS::CloudFront::Distribution'))
    add(refTarget(d.props.DistributionConfig?.Logging?.Bucket), 'cloudfront-logs');
  for (const f of ofType(template, 'AWS::EC2::FlowLog')) for (const id of refsIn(f.props.LogDestination)) add(id, 'flow-logs');
  for (const l of ofType(template, 'AWS::WAFv2::LoggingConfiguration'))
    for (const id of refsIn(l.props.LogDestinationConfigs)) add(id, 'waf-logs');
  return roles;
}

/** Buckets whose writers cannot use SSE-KMS (ALB access logs, S3 server access logs): SSE-S3 is accepted. */
export function sseS3OnlyBuckets(template: CfnTemplate): Set<string> {
  const result = new Set<string>();
  for (const [id, roles] of logBuckets(template)) if (roles.has('alb-access-logs') || roles.has('s3-access-logs')) result.add(id);
  return result;
}

/** Statements of every bucket policy attached to `bucket`. */
export function bucketPolicyStatements(template: CfnTemplate, bucket: Res): Array<{ policy: string; statement: any }> {
  return ofType(template, 'AWS::S3::BucketPolicy')
    .filter((p) => refTarget(p.props.Bucket) === bucket.id)
    .flatMap((p) => list(p.props.PolicyDocument?.Statement).map((statement) => ({ policy: p.id, statement })));
}
