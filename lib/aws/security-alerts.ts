import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { acknowledgeDecision } from '../policy/acknowledge';

/** Props of {@link SecurityAlerts}. */
export interface SecurityAlertsProps {
  /** Key encrypting the topic (it carries finding details). */
  readonly key: kms.IKey;
  /** On-call e-mail addresses (at least one). */
  readonly emails: readonly string[];
  /**
   * On-call phone numbers in E.164 form, notified by SMS (claim B13).
   * @default - none
   */
  readonly smsNumbers?: readonly string[];
}

/**
 * The on-call alert path (control DETECT-THREATS; claims A4, A5, B7, B13): an encrypted SNS topic
 * that only accepts TLS publishers, with e-mail and SMS subscribers, plus helpers that create
 * alarms wired to it. Every alarm alerts on ALARM and on OK, and treats missing data as not
 * breaching so a quiet system does not page.
 */
export class SecurityAlerts extends Construct {
  /** The alert topic. */
  readonly resource: sns.Topic;
  private readonly action: actions.SnsAction;

  constructor(scope: Construct, id: string, props: SecurityAlertsProps) {
    super(scope, id);
    if (props.emails.length === 0) {
      throw new Error('SecurityAlerts.emails: received an empty list; expected at least one on-call address, or alerts reach nobody');
    }
    this.resource = new sns.Topic(this, 'Resource', { masterKey: props.key, enforceSSL: true, displayName: 'Security alerts' });
    // Alarms of this account and region only: without the source conditions, another account's
    // alarm could publish to this topic and page on-call (confused deputy).
    const stack = Stack.of(this);
    this.resource.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowAlarmsOfThisAccount',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.resource.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:*` },
        },
      }),
    );
    const subs = [
      ...props.emails.map((email) => new subscriptions.EmailSubscription(email)),
      ...(props.smsNumbers ?? []).map((n) => new subscriptions.SmsSubscription(n)),
    ];
    for (const sub of subs) {
      const subscription = this.resource.addSubscription(sub);
      acknowledgeDecision(subscription.node.defaultChild!, 'alert-subscriptions-without-dlq');
    }
    this.action = new actions.SnsAction(this.resource);
  }

  /** Creates an alarm that notifies the topic. */
  alarm(id: string, props: cloudwatch.AlarmProps): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, { treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING, ...props });
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    return alarm;
  }

  /**
   * Alarms on any use of the root account, read from the trail's CloudWatch log group (CIS 1.7):
   * root use bypasses role-based access and MFA-gated roles (claims A6, A16).
   */
  alarmOnRootUse(trailLogGroup: logs.ILogGroup): cloudwatch.Alarm {
    const filter = new logs.MetricFilter(this, 'RootUseFilter', {
      logGroup: trailLogGroup,
      filterPattern: logs.FilterPattern.literal(
        '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
      ),
      metricNamespace: 'SecurityBaseline',
      metricName: 'RootAccountUse',
      metricValue: '1',
    });
    return this.alarm('RootUse', {
      alarmDescription: 'The root account was used. Confirm with the account owner; rotate root credentials if unexpected.',
      metric: filter.metric({ statistic: 'Sum', period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
  }
}
