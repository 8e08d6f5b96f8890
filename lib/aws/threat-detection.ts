import { Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as guardduty from 'aws-cdk-lib/aws-guardduty';
import * as securityhub from 'aws-cdk-lib/aws-securityhub';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { acknowledge, nagRule } from './acknowledge';

/** Props of {@link ThreatDetection}. */
export interface ThreatDetectionProps {
  /** Topic receiving high-severity findings. */
  readonly alertTopic: sns.ITopic;
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
 * critical or high Security Hub findings to the alert topic. Findings are raised whether or not this stack created the services, so the alert
 * rule is always present.
 */
export class ThreatDetection extends Construct {
  /** The GuardDuty detector, when created here. */
  readonly detector?: guardduty.CfnDetector;
  /** The Security Hub hub, when created here. */
  readonly hub?: securityhub.CfnHub;

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
      this.hub = new securityhub.CfnHub(this, 'Hub', { enableDefaultStandards: false, controlFindingGenerator: 'SECURITY_CONTROL', autoEnableControls: true });
      for (const [name, path] of Object.entries(SECURITY_HUB_STANDARDS)) {
        const standard = new securityhub.CfnStandard(this, `Standard-${name}`, {
          standardsArn: `arn:${partition}:securityhub:${region}::${path}`,
        });
        standard.addResourceDependency(this.hub);
      }
    }
    const rule = new events.Rule(this, 'HighSeverityFindings', {
      description: `GuardDuty findings of severity ${severity} or more page on-call`,
      eventPattern: {
        source: ['aws.guardduty'],
        detailType: ['GuardDuty Finding'],
        detail: { severity: [{ numeric: ['>=', severity] }] },
      },
      targets: [new targets.SnsTopic(props.alertTopic)],
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
      targets: [new targets.SnsTopic(props.alertTopic)],
    });
    for (const r of [rule, hubRule]) {
      acknowledge(r, 'EventBridge retries delivery to the topic for 24 hours, and every finding also stays in GuardDuty and Security Hub, the systems of record; a dead-letter queue would add a queue nobody watches.', nagRule('EventBusDLQ', ['Serverless']));
    }
  }
}
