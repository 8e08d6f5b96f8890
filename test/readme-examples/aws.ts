import { App, Stack } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AuditTrail, BaselineKeys, BaselineNetwork, BaselineWebAcl, SecureBucket, markAwsStack } from '../../lib/aws/index';
import { acknowledgeGeneratedResources, acknowledgeLockedLogBucket, acknowledgeLogSink, applyBaselinePolicy } from '../../lib/policy/index';

// Server access logs through a bucket policy, not ACLs (a `cdk init` app sets this flag in cdk.json).
const app = new App({ context: { '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true } });
const stack = new Stack(app, 'prod-storefront', { env: { account: '111111111111', region: 'eu-west-1' } });
markAwsStack(stack, { environment: 'prod', role: 'primary', production: true, residency: 'eu' });

// Customer-managed keys that rotate yearly and survive stack deletion (ENC-REST).
const keys = new BaselineKeys(stack, 'Keys', { aliasPrefix: 'storefront' });
// Public, app and isolated data subnets over three zones, flow logs to an encrypted log group (NET-TIERS).
new BaselineNetwork(stack, 'Network', {
  cidr: '10.0.0.0/16',
  availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
  logsKey: keys.logs,
  flowLogRetention: RetentionDays.THREE_MONTHS,
});
// The S3 access-log sink, and a multi-region CloudTrail into an Object-Locked bucket (LOG-CENTRAL, LOG-RETENTION).
const accessLogs = new SecureBucket(stack, 'AccessLogs', { noncurrentVersionRetentionDays: 90, expirationDays: 90 });
const trail = new AuditTrail(stack, 'Trail', {
  logsKey: keys.logs,
  retentionDays: 90,
  logGroupRetention: RetentionDays.THREE_MONTHS,
  serverAccessLogsBucket: accessLogs.resource,
});
// Managed rules, IP reputation, a per-client limit and a tighter one on login (WAF-*); attach it to your load balancer.
new BaselineWebAcl(stack, 'WebAcl', {
  name: 'prod-storefront',
  globalRateLimit: { limit: 2000, windowSeconds: 300 },
  criticalPaths: [{ name: 'login', pathPrefix: '/login', limit: 100, windowSeconds: 300 }],
  logsKey: keys.logs,
  logRetention: RetentionDays.THREE_MONTHS,
});

// The register's reviewed decisions for what these constructs always raise (reasons land in the
// template metadata); every cdk-nag pack and the Control Tower rules: anything else fails the synth.
acknowledgeLogSink(accessLogs.resource);
acknowledgeLockedLogBucket(trail.bucket);
acknowledgeGeneratedResources(stack, 90);
applyBaselinePolicy(app);
app.synth();
