import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as guardduty from 'aws-cdk-lib/aws-guardduty';
import * as securityhub from 'aws-cdk-lib/aws-securityhub';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { acknowledgeAwsCallProvider, acknowledgeDecision } from '../policy/acknowledge';

/** Props of {@link ThreatDetection}. */
export interface ThreatDetectionProps {
  /** Topic receiving high-severity findings. */
  readonly alertTopic: sns.ITopic;
  /**
   * Key encrypting the alert topic: the findings publisher may use it only through SNS.
   * @default - the topic is not encrypted with a customer-managed key
   */
  readonly alertTopicKey?: kms.IKey;
  /**
   * `create` enables GuardDuty in this account and region; `managed` means an organization's
   * delegated administrator already does (a second detector would fail to deploy).
   * @default 'create'
   */
  readonly guardDuty?: 'create' | 'managed';
  /**
   * `create` enables Security Hub with the FSBP and CIS standards; `managed` leaves it to the
   * organization.
   * @default 'create'
   */
  readonly securityHub?: 'create' | 'managed';
  /**
   * `create` enables Amazon Inspector EC2 and ECR scanning in this account and region (there is
   * no CloudFormation resource for it, so a deployment-time API call does it); `managed` leaves
   * it to the organization's delegated administrator.
   * @default 'create'
   */
  readonly inspector?: 'create' | 'managed';
  /**
   * Days the Inspector enabler's own log group keeps events.
   * @default 90
   */
  readonly logRetention?: logs.RetentionDays;
  /** Key encrypting the Inspector enabler's log group. */
  readonly logsKey: kms.IKey;
  /**
   * Lowest GuardDuty severity that pages on-call (GuardDuty's scale: 7 is High).
   * @default 7
   */
  readonly alertSeverity?: number;
}

/** Security Hub standards enabled by this construct. */
export const SECURITY_HUB_STANDARDS = {
  fsbp: 'standards/aws-foundational-security-best-practices/v/1.0.0',
  cis: 'standards/cis-aws-foundations-benchmark/v/3.0.0',
} as const;

/**
 * Threat detection (control DETECT-THREATS; claims A2, A3, A4, A5, B7): GuardDuty with S3 data
 * events and EBS malware scanning, Security Hub with the AWS Foundational Security Best Practices
 * and CIS standards, and EventBridge rules that send high-severity GuardDuty findings and new
 * critical or high Security Hub findings to the alert topic. Findings are raised whether or not this stack created the services, so the
 * alert
 * rule is always present.
 */
export class ThreatDetection extends Construct {
  /** The GuardDuty detector, when created here. */
  readonly detector?: guardduty.CfnDetector;
  /** The Security Hub hub, when created here. */
  readonly hub?: securityhub.CfnHub;
  /** The deployment-time call that enables Inspector, when created here. */
  readonly inspectorEnabler?: cr.AwsCustomResource;

  constructor(scope: Construct, id: string, props: ThreatDetectionProps) {
    super(scope, id);
    const severity = props.alertSeverity ?? 7;
    if (!(severity >= 1 && severity <= 8.9)) {
      throw new Error(`ThreatDetection.alertSeverity: received ${severity}; expected a GuardDuty severity from 1 to 8.9`);
    }
    const region = Stack.of(this).region;
    const partition = Stack.of(this).partition;
    if ((props.guardDuty ?? 'create') === 'create') {
      this.detector = new guardduty.CfnDetector(this, 'Detector', {
        enable: true,
        findingPublishingFrequency: 'FIFTEEN_MINUTES',
        // S3 data events and EBS malware scanning of instances with findings.
        dataSources: {
          s3Logs: { enable: true },
          malwareProtection: { scanEc2InstanceWithFindings: { ebsVolumes: true } },
        },
      });
    }
    if ((props.securityHub ?? 'create') === 'create') {
      this.hub = new securityhub.CfnHub(this, 'Hub', {
        enableDefaultStandards: false,
        controlFindingGenerator: 'SECURITY_CONTROL',
        autoEnableControls: true,
      });
      for (const [name, path] of Object.entries(SECURITY_HUB_STANDARDS)) {
        const standard = new securityhub.CfnStandard(this, `Standard-${name}`, {
          standardsArn: `arn:${partition}:securityhub:${region}::${path}`,
        });
        standard.addResourceDependency(this.hub);
      }
    }
    if ((props.inspector ?? 'create') === 'create') {
      this.inspectorEnabler = this.enableInspector(props.logsKey, props.logRetention ?? logs.RetentionDays.THREE_MONTHS);
    }
    // EventBridge publishes as a role of this stack rather than through a topic-policy grant to
    // events.amazonaws.com: that grant (and the key-policy grant an encrypted topic then needs)
    // cannot be bound to this account's rules, so another account's rule could page our on-call
    // with forged findings. The role's trust is bound to this account's rules instead.
    const publisher = new iam.Role(this, 'FindingsPublisher', {
      description: 'EventBridge rules of this account publish findings to the alert topic',
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
        ArnLike: { 'aws:SourceArn': `arn:${partition}:events:${region}:${Stack.of(this).account}:rule/*` },
      }),
    });
    publisher.addToPolicy(
      new iam.PolicyStatement({ sid: 'PublishFindings', actions: ['sns:Publish'], resources: [props.alertTopic.topicArn] }),
    );
    const topicKey = props.alertTopicKey;
    if (topicKey) {
      publisher.addToPolicy(
        new iam.PolicyStatement({
          sid: 'EncryptFindingsThroughSns',
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [topicKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `sns.${region}.amazonaws.com` } },
        }),
      );
    }
    const toTopic: events.IRuleTarget = { bind: () => ({ arn: props.alertTopic.topicArn, role: publisher }) };
    const rule = new events.Rule(this, 'HighSeverityFindings', {
      description: `GuardDuty findings of severity ${severity} or more page on-call`,
      eventPattern: {
        source: ['aws.guardduty'],
        detailType: ['GuardDuty Finding'],
        detail: { severity: [{ numeric: ['>=', severity] }] },
      },
      targets: [toTopic],
    });
    // Security Hub aggregates GuardDuty, Inspector, IAM Access Analyzer and its own standard
    // checks: new critical and high findings page on-call too (claims A4, A5, B7).
    const hubRule = new events.Rule(this, 'CriticalSecurityHubFindings', {
      description: 'New critical and high Security Hub findings page on-call',
      eventPattern: {
        source: ['aws.securityhub'],
        detailType: ['Security Hub Findings - Imported'],
        detail: {
          findings: {
            Severity: { Label: ['CRITICAL', 'HIGH'] },
            Workflow: { Status: ['NEW'] },
            RecordState: ['ACTIVE'],
          },
        },
      },
      targets: [toTopic],
    });
    for (const r of [rule, hubRule]) acknowledgeDecision(r.node.defaultChild!, 'findings-rule-without-dlq');
  }

  /**
   * Enables Inspector scanning of EC2 instances and ECR images (claim A3). The call is idempotent
   * and is not reversed on stack deletion: removing the stack must not silently stop scanning.
   */
  private enableInspector(logsKey: kms.IKey, retention: logs.RetentionDays): cr.AwsCustomResource {
    const stack = Stack.of(this);
    const logGroup = new logs.LogGroup(this, 'InspectorEnablerLogs', {
      encryptionKey: logsKey,
      retention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const call: cr.AwsSdkCall = {
      service: 'Inspector2',
      action: 'enable',
      parameters: { accountIds: [stack.account], resourceTypes: ['EC2', 'ECR'] },
      physicalResourceId: cr.PhysicalResourceId.of(`inspector-${stack.account}-${stack.region}`),
    };
    const enabler = new cr.AwsCustomResource(this, 'InspectorEnabler', {
      onCreate: call,
      onUpdate: call,
      installLatestAwsSdk: false,
      logGroup,
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({ actions: ['inspector2:Enable'], resources: ['*'] }),
        new iam.PolicyStatement({
          actions: ['iam:CreateServiceLinkedRole'],
          resources: [
            `arn:${stack.partition}:iam::${stack.account}:role/aws-service-role/inspector2.amazonaws.com/AWSServiceRoleForAmazonInspector2`,
          ],
          conditions: { StringEquals: { 'iam:AWSServiceName': 'inspector2.amazonaws.com' } },
        }),
      ]),
    });
    // The handler is CDK's provider for AWS API calls: it runs only when CloudFormation creates
    // or updates this resource, makes one call, and holds no data.
    acknowledgeAwsCallProvider((enabler.grantPrincipal as iam.Role).node.scope!);
    acknowledgeDecision(enabler.node.findChild('CustomResourcePolicy').node.defaultChild!, 'inspector-enable-account-wide');
    return enabler;
  }
}
