// The acknowledgement register: every policy finding this baseline acknowledges, once, as a
// reviewed decision (id, reason, the rule ids it covers across packs, the resources it applies to,
// the claim it protects or conflicts with). Code applies a decision with
// `acknowledgeDecision(scope, id)` (lib/policy/acknowledge.ts) on the narrowest construct, the
// CloudFormation resource that carries the finding; nothing else acknowledges anything. CI
// (test/stacks/aws-policy.test.ts, lib/evidence/acknowledgement-audit.ts) fails on a decision
// applied where it suppresses no finding (stale), applied to a resource without the finding or of
// a type the entry does not name (wider than the entry says), applied without an entry, or with a
// reason under the floor. The controls report lists the decisions with their rule, resource and
// finding counts.
//
// Adding an entry (docs/policy.md "Acknowledging a policy finding"): pick a kebab-case id; write the
// reason a reviewer accepts (which control compensates, or which claim the rule contradicts; never
// "later"); list every rule id it covers in every pack (`nagRule`, `guardRule`, CloudFormation
// `CloudFormation-Validate::W3010`), with `{name}` for a part the code fills in (a logical id);
// name the resource types it may cover; cite the claim; then call `acknowledgeDecision` on the
// resource itself (`construct.node.defaultChild`), not on the construct around it.
//
// Pure data (no aws-cdk-lib import): the evidence tools read it next to the synthesized output.
import type { ControlId } from '../controls/types';

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

/** The shortest reason an acknowledgement may give: a reviewer must be able to judge it. */
export const ACK_REASON_FLOOR = 40;

const COMPLIANCE_PACKS: readonly NagPack[] = ['HIPAA.Security', 'NIST.800.53.R4', 'NIST.800.53.R5', 'PCI.DSS.321'];

/** One reviewed decision. */
export interface AcknowledgementEntry {
  /** Stable kebab-case id; code applies the decision by it. */
  readonly id: string;
  /** Why the finding is acceptable, as written into the template metadata; at least {@link ACK_REASON_FLOOR} characters. */
  readonly reason: string;
  /**
   * Every rule id the decision covers, across packs, as `Validations.acknowledge` takes them
   * (`<pack>::<pack>-<rule>`, `cdk-validator-cfnguard::<rule>`, `CloudFormation-Validate::<code>`,
   * `Annotation::<warning id>`). `{name}` stands for a part the applying code fills in.
   */
  readonly rules: readonly string[];
  /** The resources it applies to, in words (the report shows it). */
  readonly resources: string;
  /** The CloudFormation resource types it may be applied to: a finding on another type is "wider than the entry says". */
  readonly resourceTypes: readonly string[];
  /** The claim (control) the compensating measure keeps true, or the claim the rule contradicts. */
  readonly claim: { readonly protects?: readonly ControlId[]; readonly conflictsWith?: readonly ControlId[] };
  /** Where code applies it, for reviewers (file paths). */
  readonly appliedIn: readonly string[];
  /**
   * `aws-cdk-lib`: the library acknowledges it itself, inside its own constructs; listed so every
   * acknowledgement of the output has an entry, and exempt from the stale and width gates (its
   * placement is not ours to change). None today: ec2.FlowLog's F3002/F3003 acknowledgement,
   * stale for a flow log without DestinationOptions, was removed by building the flow log from
   * its L1 (lib/aws/baseline-network.ts).
   * @default 'baseline'
   */
  readonly appliedBy?: 'baseline' | 'aws-cdk-lib';
  /**
   * When the decision is applied only under some configs (e.g. without origin lock): an entry not
   * applied in a synth is then not stale.
   * @default - always applied: an unused entry is stale
   */
  readonly appliesWhen?: string;
  /**
   * For annotation warnings (`Annotation::`), which the validation report does not list: the test
   * that proves the warning is raised exactly where the decision is applied.
   */
  readonly verifiedBy?: string;
}

/** The register, one entry per decision. */
export const ACKNOWLEDGEMENT_REGISTER = [
  {
    id: 'alb-http-redirect-without-certificate',
    reason:
      'Redirect-only listener: it answers every request with a 301 to HTTPS and serves no content, so it has no certificate (EDGE-TLS).',
    rules: nagRule('ELBv2ACMCertificateRequired', ['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321']),
    resources: "The load balancers' HTTP listeners",
    resourceTypes: ['AWS::ElasticLoadBalancingV2::Listener'],
    claim: { protects: ['EDGE-TLS'] },
    appliedIn: ['lib/aws/app-gateway.ts'],
  },
  {
    id: 'alb-open-to-clients',
    reason:
      'Public entry point of a SaaS: clients come from anywhere. Only 80 (redirect) and 443 are open, and the WAF web ACL ' +
      'with rate limits inspects every request (WAF-*).',
    rules: ['AwsSolutions::AwsSolutions-EC23'],
    resources: "The load balancers' security groups, when no origin lock restricts them to the edge",
    resourceTypes: ['AWS::EC2::SecurityGroup'],
    claim: { protects: ['WAF-MANAGED', 'WAF-RATE-GLOBAL'], conflictsWith: ['ORIGIN-LOCK'] },
    appliedIn: ['lib/aws/app-gateway.ts'],
    appliesWhen: 'an environment without cloudflare.originLock (the load balancer is then the public entry point)',
  },
  {
    id: 'admin-role-administrator-access',
    reason:
      'Break-glass administrator role: full access is its purpose. It is assumable only with MFA younger than an hour, for ' +
      'one-hour sessions, and every use is in the audit trail (ADMIN-MFA).',
    rules: ['AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AdministratorAccess]'],
    resources: 'The administrator role',
    resourceTypes: ['AWS::IAM::Role'],
    claim: { protects: ['ADMIN-MFA'] },
    appliedIn: ['lib/aws/admin-role.ts'],
  },
  {
    id: 'app-group-imdsv2-in-launch-template',
    reason:
      "The launch template requires IMDSv2 (HttpTokens required, hop limit 1); this rule reads only the group's own " +
      'LaunchTemplate property, not the mixed-instances launch template. The app-tier tests assert the launch template.',
    rules: nagRule('EC2IMDSv2Enabled', ['HIPAA.Security', 'NIST.800.53.R4', 'NIST.800.53.R5']),
    resources: "The app tier's Auto Scaling groups (primary and warm standby)",
    resourceTypes: ['AWS::AutoScaling::AutoScalingGroup'],
    claim: { protects: ['ADMIN-MFA'] },
    appliedIn: ['lib/aws/app-tier.ts'],
  },
  {
    id: 'app-group-volume-encryption-in-launch-template',
    reason:
      "Root volumes are encrypted under the data key in the launch template (Ebs.Encrypted true, KmsKeyId); cdk-nag's EC26 " +
      'throws on the mixed-instances launch template reference instead of reading it. The ENC-REST control check asserts the ' +
      'launch template.',
    rules: ['AwsSolutions::AwsSolutions-EC26'],
    resources: "The app tier's Auto Scaling groups (primary and warm standby)",
    resourceTypes: ['AWS::AutoScaling::AutoScalingGroup'],
    claim: { protects: ['ENC-REST'] },
    appliedIn: ['lib/aws/app-tier.ts'],
  },
  {
    id: 'pinned-availability-zones',
    reason:
      'Availability zones come from the reviewed config (aws.availabilityZones, aws.dr.availabilityZones), so synth never ' +
      'needs AWS credentials, every environment states where it runs, and Control Tower requires them listed on Auto Scaling ' +
      'groups (CT.AUTOSCALING.PR.1).',
    rules: ['CloudFormation-Validate::W3010'],
    resources: "The VPCs' subnets and the app tier's Auto Scaling groups, whose zones the config pins",
    resourceTypes: ['AWS::EC2::Subnet', 'AWS::AutoScaling::AutoScalingGroup'],
    claim: { protects: ['HA-MULTIZONE', 'DATA-RESIDENCY'] },
    appliedIn: ['lib/aws/serving-tier.ts'],
  },
  {
    id: 'bastion-public-address',
    reason:
      'The bastion is the one host meant to be reached from outside (BASTION-SSH, claim A11): its public IP admits only port ' +
      '22 from the configured allowlist, with per-user keys and no passwords.',
    rules: [...nagRule('EC2InstanceNoPublicIp', COMPLIANCE_PACKS), guardRule('ec2_instance_no_public_ip_check')],
    resources: 'The bastion instance',
    resourceTypes: ['AWS::EC2::Instance'],
    claim: { protects: ['BASTION-SSH'], conflictsWith: ['NET-TIERS'] },
    appliedIn: ['lib/aws/bastion.ts'],
  },
  {
    id: 'bastion-replaced-not-protected',
    reason:
      'The bastion is stateless and is replaced whenever a user or key changes (userDataCausesReplacement), so no stale ' +
      'account survives; termination protection would make that replacement fail.',
    rules: ['AwsSolutions::AwsSolutions-EC29'],
    resources: 'The bastion instance',
    resourceTypes: ['AWS::EC2::Instance'],
    claim: { protects: ['BASTION-SSH'] },
    appliedIn: ['lib/aws/bastion.ts'],
  },
  {
    id: 'bastion-subnet-on-interface',
    reason:
      'The instance is in the VPC: its subnet is set on its network interface (NetworkInterfaces[0].SubnetId), which this ' +
      'rule does not read.',
    rules: nagRule('EC2InstancesInVPC', COMPLIANCE_PACKS),
    resources: 'The bastion instance',
    resourceTypes: ['AWS::EC2::Instance'],
    claim: { protects: ['NET-TIERS'] },
    appliedIn: ['lib/aws/bastion.ts'],
  },
  {
    id: 'postgres-standard-port',
    reason:
      "The standard PostgreSQL port is part of the DB-FROM-APP claim (5432 from the app tier only); the database's security " +
      'group admits only that tier, so a non-standard port would hide nothing.',
    rules: ['AwsSolutions::AwsSolutions-RDS11', guardRule('rds_instance_no_default_ports_check')],
    resources: 'The primary database and its DR read replica',
    resourceTypes: ['AWS::RDS::DBInstance'],
    claim: { protects: ['DB-FROM-APP'] },
    appliedIn: ['lib/aws/database.ts', 'lib/aws/database-replica.ts'],
  },
  {
    id: 'rds-enhanced-monitoring-policy',
    reason:
      'AmazonRDSEnhancedMonitoringRole is the AWS-maintained policy of the RDS monitoring service principal; it only writes ' +
      'OS metrics to RDSOSMetrics.',
    rules: ['AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]'],
    resources: "The databases' enhanced-monitoring roles",
    resourceTypes: ['AWS::IAM::Role'],
    claim: { protects: ['ADMIN-MFA'] },
    appliedIn: ['lib/aws/database.ts', 'lib/aws/database-replica.ts'],
  },
  {
    id: 'replica-standby-single-az',
    reason:
      'Standby read replica in the DR region: it serves no traffic until promoted, and the failover runbook enables Multi-AZ ' +
      'right after promotion; the primary instance is Multi-AZ (HA-MULTIZONE).',
    rules: ['AwsSolutions::AwsSolutions-RDS3', ...nagRule('RDSMultiAZSupport', ['HIPAA.Security', 'NIST.800.53.R4', 'NIST.800.53.R5'])],
    resources: 'The DR read replica',
    resourceTypes: ['AWS::RDS::DBInstance'],
    claim: { protects: ['HA-MULTIZONE', 'DR-REGION'] },
    appliedIn: ['lib/aws/database-replica.ts'],
    appliesWhen: 'a replica without multiAz (the default)',
  },
  {
    id: 'replica-encrypted-through-key-id',
    reason:
      "Encrypted under the DR region's data key through KmsKeyId: CloudFormation forbids StorageEncrypted on a read replica " +
      '(it follows the encrypted source), so the rule cannot see it. The construct test and the DR-REGION control check ' +
      'assert the key.',
    rules: ['AwsSolutions::AwsSolutions-RDS2', ...nagRule('RDSStorageEncrypted', COMPLIANCE_PACKS)],
    resources: 'The DR read replica',
    resourceTypes: ['AWS::RDS::DBInstance'],
    claim: { protects: ['ENC-REST'] },
    appliedIn: ['lib/aws/database-replica.ts'],
  },
  {
    id: 'replica-is-the-backup-copy',
    reason:
      'This instance is itself the cross-region copy of the primary database, which is in the AWS Backup plan (daily copies ' +
      'to the locked DR vault) and replicates its automated backups here; backing up the replica would store the same data a ' +
      'third time. Once promoted it keeps automated backups for the configured days.',
    rules: nagRule('RDSInBackupPlan', ['HIPAA.Security', 'NIST.800.53.R4', 'NIST.800.53.R5']),
    resources: 'The DR read replica',
    resourceTypes: ['AWS::RDS::DBInstance'],
    claim: { protects: ['BACKUP', 'DR-REGION'] },
    appliedIn: ['lib/aws/database-replica.ts'],
  },
  {
    id: 'replica-log-groups-key-from-dr-stack',
    reason:
      "KmsKeyId is the DR region's logs key, which lives in the DR stack and reaches this stack as a Fn::GetStackOutput the " +
      "Guard rule cannot resolve; the ENC-REST check resolves it against the DR stack's outputs and " +
      'test/stacks/aws-controls.test.ts asserts it is that customer-managed key.',
    rules: [guardRule('cloudwatch_log_group_encrypted_check')],
    resources: "The DR read replica's log groups",
    resourceTypes: ['AWS::Logs::LogGroup'],
    claim: { protects: ['ENC-REST'] },
    appliedIn: ['lib/aws/database-replica.ts'],
  },
  {
    id: 'cdk-api-call-handler',
    reason:
      "CDK's deployment-time handler for AWS API calls (enabling Inspector; writing the origin-pull CA bundle; reading the S3 " +
      'prefix-list id): CloudFormation invokes it synchronously on create or update, a failure fails the deployment visibly, ' +
      'and it holds no data; a VPC would only add a NAT dependency, there is no asynchronous event to dead-letter, it runs ' +
      'once per deployment (reserved concurrency protects nothing), CloudTrail records the call, and CDK sizes its memory for ' +
      'the SDK it loads.',
    rules: [
      ...nagRule('LambdaInsideVPC', COMPLIANCE_PACKS),
      ...nagRule('LambdaDLQ', ['HIPAA.Security', 'NIST.800.53.R5', 'Serverless']),
      ...nagRule('LambdaConcurrency', ['HIPAA.Security', 'NIST.800.53.R5']),
      ...nagRule('LambdaTracing', ['Serverless']),
      ...nagRule('LambdaDefaultMemorySize', ['Serverless']),
    ],
    resources:
      "The stack's CDK AWS API call handler function (one per stack: the Inspector enabler, the origin-pull CA bundle writer " +
      'and the S3 prefix-list lookup share it)',
    resourceTypes: ['AWS::Lambda::Function'],
    claim: { protects: ['DETECT-THREATS', 'ORIGIN-LOCK', 'NET-TIERS'] },
    appliedIn: ['lib/policy/acknowledge.ts'],
  },
  {
    id: 'cdk-api-call-handler-logs-policy',
    reason:
      "AWSLambdaBasicExecutionRole only lets the CDK handler write its own logs; each call's permission (Inspector, the CA " +
      'bundle, the prefix-list read) is a separate, narrow statement.',
    rules: ['AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]'],
    resources: "The stack's CDK AWS API call handler's role",
    resourceTypes: ['AWS::IAM::Role'],
    claim: { protects: ['ADMIN-MFA'] },
    appliedIn: ['lib/policy/acknowledge.ts'],
  },
  {
    id: 's3-prefix-list-lookup',
    reason:
      'ec2:DescribeManagedPrefixLists is a read-only call that supports no resource-level permissions, so its statement must ' +
      'name "*"; it reads the id of the S3 prefix list, which the hosts\' egress rules name instead of the Internet.',
    rules: ['AwsSolutions::AwsSolutions-IAM5[Resource::*]'],
    resources: "The S3 prefix-list lookup's policy",
    resourceTypes: ['AWS::IAM::Policy'],
    claim: { protects: ['NET-TIERS'] },
    appliedIn: ['lib/aws/baseline-network.ts'],
  },
  {
    id: 'inspector-enable-account-wide',
    reason:
      'inspector2:Enable acts on the account and supports no resource-level permissions, so its statement must name "*"; the ' +
      'service-linked-role statement is scoped to the Inspector role.',
    rules: ['AwsSolutions::AwsSolutions-IAM5[Resource::*]'],
    resources: "The Inspector enabler's policy",
    resourceTypes: ['AWS::IAM::Policy'],
    claim: { protects: ['DETECT-THREATS', 'ADMIN-MFA'] },
    appliedIn: ['lib/aws/threat-detection.ts'],
  },
  {
    id: 'findings-rule-without-dlq',
    reason:
      'EventBridge retries delivery to the topic for 24 hours, and every finding also stays in GuardDuty and Security Hub, ' +
      'the systems of record; a dead-letter queue would add a queue nobody watches.',
    rules: nagRule('EventBusDLQ', ['Serverless']),
    resources: 'The GuardDuty and Security Hub findings rules',
    resourceTypes: ['AWS::Events::Rule'],
    claim: { protects: ['DETECT-THREATS'] },
    appliedIn: ['lib/aws/threat-detection.ts'],
  },
  {
    id: 'alert-subscriptions-without-dlq',
    reason:
      'E-mail and SMS endpoints: a dead-letter queue would hold undelivered pages nobody reads; failed deliveries show in the ' +
      'NumberOfNotificationsFailed metric and the source findings stay in GuardDuty and Security Hub.',
    rules: nagRule('SNSRedrivePolicy', ['Serverless']),
    resources: "The alert topic's e-mail and SMS subscriptions",
    resourceTypes: ['AWS::SNS::Subscription'],
    claim: { protects: ['DETECT-THREATS'] },
    appliedIn: ['lib/aws/security-alerts.ts'],
  },
  {
    id: 'backup-service-role-policies',
    reason:
      'AWS-maintained service-role policies of AWS Backup, assumable only by backup.amazonaws.com; AWS updates them as the ' +
      'services they back up change, which a hand-copied policy would miss.',
    rules: [
      'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup]',
    ],
    resources: 'The AWS Backup role',
    resourceTypes: ['AWS::IAM::Role'],
    claim: { protects: ['BACKUP'] },
    appliedIn: ['lib/aws/baseline-backup-plan.ts'],
  },
  {
    id: 'cdn-assets-served-worldwide',
    reason:
      'Static assets are public content served worldwide; data residency (DATA-RESIDENCY) concerns customer data, which never ' +
      'reaches this distribution.',
    rules: ['AwsSolutions::AwsSolutions-CFR1'],
    resources: 'The static-assets CloudFront distribution',
    resourceTypes: ['AWS::CloudFront::Distribution'],
    claim: { protects: ['CDN-ASSETS'], conflictsWith: ['DATA-RESIDENCY'] },
    appliedIn: ['lib/aws/static-assets-cdn.ts'],
  },
  {
    id: 'cdn-failover-origin-policy-in-dr-stack',
    reason:
      'The failover origin is the DR-region assets replica of another stack: its bucket and key policies, which admit this ' +
      'distribution by ARN, are set there (ReplicaBucket cloudFrontSourceArn), not by CloudFront here.',
    rules: ['Annotation::@aws-cdk/aws-cloudfront-origins:updateImportedBucketPolicyOac'],
    resources: 'The static-assets CloudFront distribution, whose failover origin is the DR replica bucket of the DR stack',
    resourceTypes: ['AWS::CloudFront::Distribution'],
    claim: { protects: ['CDN-ASSETS', 'DR-REGION'] },
    appliedIn: ['lib/aws/static-assets-cdn.ts'],
    verifiedBy:
      'test/aws/bucket-replication.test.ts (the replica admits the distribution by ARN) and the DR-REGION check (CDN failover ' +
      'to a replica that names one distribution)',
  },
  {
    id: 'oac-key-policy-wildcard',
    reason:
      'CloudFront cannot be named in the key policy before the distribution exists, so the condition matches distributions of ' +
      'this account; this key encrypts only the public static assets.',
    rules: ['Annotation::@aws-cdk/aws-cloudfront-origins:wildcardKeyPolicyForOac'],
    resources:
      "The static-assets key's policy: aws-cdk-lib raises the warning on the construct holding the key (Keys), and no other " +
      "key's policy names CloudFront",
    resourceTypes: ['AWS::KMS::Key'],
    claim: { protects: ['CDN-ASSETS', 'ENC-REST'] },
    appliedIn: ['stacks/aws-primary-stack.ts'],
    verifiedBy: "test/stacks/aws-primary-stack.test.ts (the wildcard CloudFront statement is in the assets key's policy only)",
  },
  {
    id: 'app-data-bucket-grant',
    reason:
      "Object ARNs under the app's prefix (aws.app.dataPrefix) of the one data bucket: S3 names the objects under a prefix " +
      'only with a wildcard. The actions are listed one by one, without version purge, retention or legal-hold changes ' +
      '(STORAGE-PRIVATE).',
    rules: ['AwsSolutions::AwsSolutions-IAM5[Resource::<{dataBucket}.Arn>/{prefix}*]'],
    resources: "The app roles' data-access policies (primary, and the DR standby on the replica)",
    resourceTypes: ['AWS::IAM::Policy'],
    claim: { protects: ['STORAGE-PRIVATE', 'ADMIN-MFA'] },
    appliedIn: ['lib/policy/stack-acknowledgements.ts'],
  },
  {
    id: 'log-sink-sse-s3-only',
    reason:
      'Log sink written by an AWS service that only supports SSE-S3 (AES-256) targets: S3 server access logging and ALB ' +
      'access logs cannot use KMS keys.',
    rules: [
      ...nagRule('S3DefaultEncryptionKMS', ['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321']),
      guardRule('s3_bucket_default_encryption_kms_check'),
    ],
    resources: 'The S3 access-log and ALB-log buckets',
    resourceTypes: ['AWS::S3::Bucket'],
    claim: { protects: ['LOG-CENTRAL'], conflictsWith: ['ENC-REST'] },
    appliedIn: ['lib/policy/stack-acknowledgements.ts'],
  },
  {
    id: 'request-logs-not-replicated',
    reason:
      'Access logs describe requests, not customer data; they are kept in this region under the logging retention and are not ' +
      'part of the recovery-point claim.',
    rules: nagRule('S3BucketReplicationEnabled', COMPLIANCE_PACKS),
    resources: 'The S3 access-log and ALB-log buckets',
    resourceTypes: ['AWS::S3::Bucket'],
    claim: { protects: ['LOG-RETENTION'], conflictsWith: ['DR-REGION'] },
    appliedIn: ['lib/policy/stack-acknowledgements.ts'],
  },
  {
    id: 'access-log-sink-not-logged',
    reason: 'This is the server-access-log sink itself: logging it would log into itself in a loop.',
    rules: [guardRule('s3_bucket_logging_enabled_check')],
    resources: 'The S3 access-log bucket',
    resourceTypes: ['AWS::S3::Bucket'],
    claim: { protects: ['LOG-CENTRAL'] },
    appliedIn: ['lib/policy/stack-acknowledgements.ts'],
  },
  {
    id: 'access-log-sink-without-object-lock',
    reason:
      'S3 server access logging refuses target buckets with an Object Lock default retention; the sink is versioned and its ' +
      'objects expire only after the log retention.',
    rules: [...nagRule('S3BucketDefaultLockEnabled', ['NIST.800.53.R4']), guardRule('s3_bucket_object_lock_enabled_check')],
    resources: 'The S3 access-log bucket',
    resourceTypes: ['AWS::S3::Bucket'],
    claim: { protects: ['LOG-CENTRAL'], conflictsWith: ['LOG-RETENTION'] },
    appliedIn: ['lib/policy/stack-acknowledgements.ts'],
  },
  {
    id: 'trust-store-bundle-not-replicated',
    reason:
      'Holds only the public CA certificates of the origin-pull trust store, rewritten by this stack at every deploy; each ' +
      "region's stack writes its own copy, so a replica would protect nothing.",
    rules: nagRule('S3BucketReplicationEnabled', COMPLIANCE_PACKS),
    resources: "The origin-pull trust store's CA bundle bucket",
    resourceTypes: ['AWS::S3::Bucket'],
    claim: { protects: ['ORIGIN-LOCK'], conflictsWith: ['DR-REGION'] },
    appliedIn: ['lib/aws/origin-trust-store.ts'],
  },
  {
    id: 'locked-logs-not-replicated',
    reason:
      'Log files held under Object Lock (compliance mode) in this region for the log retention, so they cannot be altered or ' +
      'deleted; they are evidence, not customer data, and are outside the recovery-point claim.',
    rules: nagRule('S3BucketReplicationEnabled', COMPLIANCE_PACKS),
    resources: 'The CloudTrail and CloudFront log buckets',
    resourceTypes: ['AWS::S3::Bucket'],
    claim: { protects: ['LOG-RETENTION'], conflictsWith: ['DR-REGION'] },
    appliedIn: ['lib/policy/stack-acknowledgements.ts'],
  },
  {
    id: 'customer-objects-deletable',
    reason:
      'Customer and asset objects, and their DR replicas, must stay deletable (erasure requests under privacy law): ' +
      'versioning keeps every overwritten or deleted version for the backup retention instead, and replicated delete markers ' +
      'remove them from the replica.',
    rules: [...nagRule('S3BucketDefaultLockEnabled', ['NIST.800.53.R4']), guardRule('s3_bucket_object_lock_enabled_check')],
    resources: 'The data and assets buckets and their DR replicas',
    resourceTypes: ['AWS::S3::Bucket'],
    claim: { protects: ['BACKUP', 'STORAGE-PRIVATE'] },
    appliedIn: ['lib/policy/stack-acknowledgements.ts', 'lib/aws/replica-bucket.ts'],
  },
  {
    id: 'replica-not-replicated-again',
    reason:
      'This bucket is the DR-region replica of a primary bucket (DR-REGION); replicating the copy again would add a third ' +
      "region outside the environment's pinned regions (DATA-RESIDENCY).",
    rules: nagRule('S3BucketReplicationEnabled', COMPLIANCE_PACKS),
    resources: 'The DR replica buckets',
    resourceTypes: ['AWS::S3::Bucket'],
    claim: { protects: ['DATA-RESIDENCY', 'DR-REGION'] },
    appliedIn: ['lib/aws/replica-bucket.ts'],
  },
  {
    id: 'replication-object-arns',
    reason:
      'S3 replication reads every object version of the source bucket and writes every replica into the one DR bucket; S3 ' +
      'names objects only as <bucket-arn>/*, and no other bucket is reachable (DR-REGION).',
    rules: ['AwsSolutions::AwsSolutions-IAM5[Resource::{objectArn}]'],
    resources: "The replication roles' policies",
    resourceTypes: ['AWS::IAM::Policy'],
    claim: { protects: ['DR-REGION', 'ADMIN-MFA'] },
    appliedIn: ['lib/aws/bucket-replication.ts'],
  },
  {
    id: 'log-copies-object-arns',
    reason:
      'Firehose writes one object per buffer under the copies prefix of the one Object-Locked log bucket; S3 names objects ' +
      'only by pattern, and Object Lock keeps every written copy from change or deletion (LOG-RETENTION).',
    rules: ['AwsSolutions::AwsSolutions-IAM5[Resource::{objectArn}]'],
    resources: "The immutable log archive's Firehose delivery role policy",
    resourceTypes: ['AWS::IAM::Policy'],
    claim: { protects: ['LOG-RETENTION', 'ADMIN-MFA'] },
    appliedIn: ['lib/aws/immutable-log-archive.ts'],
  },
  {
    id: 'config-history-without-object-lock',
    reason:
      'AWS Config refuses delivery channels to buckets with Object Lock (AWS::Config::DeliveryChannel documentation); the ' +
      'configuration history is versioned and kept for the audit retention, and the Config items themselves stay in ' +
      'the service.',
    rules: [...nagRule('S3BucketDefaultLockEnabled', ['NIST.800.53.R4']), guardRule('s3_bucket_object_lock_enabled_check')],
    resources: 'The AWS Config history bucket of the environment (DR region)',
    resourceTypes: ['AWS::S3::Bucket'],
    claim: { protects: ['DETECT-THREATS'], conflictsWith: ['LOG-RETENTION'] },
    appliedIn: ['stacks/aws-dr-stack.ts'],
  },
  {
    id: 'config-history-not-replicated',
    reason:
      'Configuration history of the environment, already written from both regions into this DR-region bucket; replicating it ' +
      'again would add a third region outside the pinned regions (DATA-RESIDENCY).',
    rules: nagRule('S3BucketReplicationEnabled', COMPLIANCE_PACKS),
    resources: 'The AWS Config history bucket of the environment (DR region)',
    resourceTypes: ['AWS::S3::Bucket'],
    claim: { protects: ['DATA-RESIDENCY', 'DETECT-THREATS'] },
    appliedIn: ['stacks/aws-dr-stack.ts'],
  },
  {
    id: 'log-retention-below-a-year',
    reason:
      'Retention follows the logging claim (B6, LOG-RETENTION: 30-180 days, logging.retentionDays); keeping logs a year would ' +
      'contradict the published retention. CloudTrail files are kept separately under Object Lock.',
    rules: [guardRule('cloudwatch_log_group_retention_period_check')],
    resources: 'Every CloudWatch log group, while logging.retentionDays is under 365',
    resourceTypes: ['AWS::Logs::LogGroup'],
    claim: { conflictsWith: ['LOG-RETENTION'] },
    appliedIn: ['lib/policy/stack-acknowledgements.ts'],
  },
  {
    id: 'cdk-inline-grant-policies',
    reason:
      'CDK grant policy scoped to the named resources of this stack and attached to one role; a customer-managed policy would ' +
      'carry the same statements with no extra control.',
    rules: nagRule('IAMNoInlinePolicy', COMPLIANCE_PACKS),
    resources: 'Every CDK-generated inline IAM policy',
    resourceTypes: ['AWS::IAM::Policy'],
    claim: { protects: ['ADMIN-MFA'] },
    appliedIn: ['lib/policy/stack-acknowledgements.ts'],
  },
  {
    id: 'public-subnet-default-route',
    reason:
      'Default route of a public subnet, which holds only the load balancer and the bastion (NET-TIERS); app and data subnets ' +
      'have no route to the internet gateway.',
    rules: nagRule('VPCNoUnrestrictedRouteToIGW', ['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321']),
    resources: "The public subnets' default routes",
    resourceTypes: ['AWS::EC2::Route'],
    claim: { protects: ['NET-TIERS'] },
    appliedIn: ['lib/policy/stack-acknowledgements.ts'],
  },
  {
    id: 'cdk-deployment-handlers-outside-vpc',
    reason:
      'CDK-provided custom-resource handler that runs only during deployment and calls AWS APIs; it holds no data and serves ' +
      'no traffic, so a VPC attachment would add NAT dependency without protection.',
    rules: [guardRule('lambda_inside_vpc_check')],
    resources: 'Every CDK-provided Lambda handler',
    resourceTypes: ['AWS::Lambda::Function'],
    claim: { protects: ['NET-TIERS'] },
    appliedIn: ['lib/policy/stack-acknowledgements.ts'],
  },
] as const satisfies readonly AcknowledgementEntry[];

/** The id of a decision of the register. */
export type DecisionId = (typeof ACKNOWLEDGEMENT_REGISTER)[number]['id'];

/** The entry of `id`; throws for an id the register does not hold. */
export function registerEntry(id: string): AcknowledgementEntry {
  const entry = (ACKNOWLEDGEMENT_REGISTER as readonly AcknowledgementEntry[]).find((e) => e.id === id);
  if (!entry)
    throw new Error(
      `acknowledgement register: no decision "${id}"; add an entry to lib/policy/acknowledgement-register.ts (docs/policy.md ` +
        `"Acknowledging a policy finding")`,
    );
  return entry;
}

/** The `{name}` placeholders of a rule id. */
export function placeholders(rule: string): string[] {
  return [...rule.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
}

/** A regular expression matching the rule ids a register rule (with `{name}` placeholders) stands for. */
export function rulePattern(rule: string): RegExp {
  const parts = rule.split(/\{\w+\}/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.+?')}$`);
}
