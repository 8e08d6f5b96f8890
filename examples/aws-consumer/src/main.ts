// A consumer of the package: a CDK app of its own that uses a few of the baseline's constructs
// and adds every policy gate with one call. Synthesized offline from the packed tarball in CI
// (scripts/check-package.js); `npm run synth` here after `npm install`.
import { App, Stack, type StackProps } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { AuditTrail, BaselineKeys, BaselineNetwork, markAwsStack, SecureBucket } from 'saas-security-baseline/aws';
import {
  applyBaselinePolicy,
  acknowledgeGeneratedResources,
  acknowledgeLockedLogBucket,
  acknowledgeLogSink,
} from 'saas-security-baseline/policy';

const LOG_RETENTION_DAYS = 365;
const ZONES = ['eu-west-1a', 'eu-west-1b'];

/** Keys, a VPC with flow logs, the S3 access-log sink and the CloudTrail trail of one account. */
class AuditStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps) {
    super(scope, id, props);
    const keys = new BaselineKeys(this, 'Keys', { aliasPrefix: 'example-prod' });
    new BaselineNetwork(this, 'Network', {
      cidr: '10.40.0.0/16',
      availabilityZones: ZONES,
      logsKey: keys.logs,
      flowLogRetention: logs.RetentionDays.ONE_YEAR,
    });
    const accessLogs = new SecureBucket(this, 'AccessLogs', { noncurrentVersionRetentionDays: 30, expirationDays: LOG_RETENTION_DAYS });
    const trail = new AuditTrail(this, 'Trail', {
      logsKey: keys.logs,
      retentionDays: LOG_RETENTION_DAYS,
      logGroupRetention: logs.RetentionDays.ONE_YEAR,
      serverAccessLogsBucket: accessLogs.resource,
    });
    // The register's decisions for what these constructs always raise (reasons in the template metadata).
    acknowledgeLogSink(accessLogs.resource);
    acknowledgeLockedLogBucket(trail.bucket);
    acknowledgeGeneratedResources(this, LOG_RETENTION_DAYS);
    // For baseline-check: which environment this stack belongs to, never guessed from its name.
    markAwsStack(this, { environment: 'prod', role: 'primary', production: true, residency: 'eu' });
  }

  // The zones are named, not looked up: the synth needs no AWS account or credentials.
  override get availabilityZones(): string[] {
    return [...ZONES];
  }
}

const app = new App();
new AuditStack(app, 'example-audit', { env: { account: '111111111111', region: 'eu-west-1' } });
// Every cdk-nag pack and the Control Tower rules: an unacknowledged finding fails the synth.
applyBaselinePolicy(app);
app.synth();
