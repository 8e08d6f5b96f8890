import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { ServingTierProps } from '../lib/aws/serving-tier';
import type { AwsEnvironmentConfig, BaselineConfig } from '../lib/config/schema';

/** The props of a region's ServingTier that do not depend on the region. */
export type SharedServingTierProps = Omit<
  ServingTierProps,
  | 'logsKey'
  | 'dataKey'
  | 'serverAccessLogsBucket'
  | 'vpcCidr'
  | 'availabilityZones'
  | 'certificateArn'
  | 'minCapacity'
  | 'maxCapacity'
  | 'standby'
  | 'configDelivery'
>;

/**
 * What the primary region and the DR region's warm standby share from the environment's config:
 * the same web ACL, app, host logins, logging, alerts, egress, origin lock and account services,
 * so failover runs on identical controls. Each stack adds its region's network, certificate,
 * capacity and keys.
 */
export function servingTierProps(
  prefix: string,
  config: AwsEnvironmentConfig,
  guardrails: BaselineConfig['guardrails'],
): SharedServingTierProps {
  const cf = config.cloudflare;
  return {
    namePrefix: prefix,
    logRetentionDays: config.logging.retentionDays,
    alertEmails: config.alerts.emails,
    alertSmsNumbers: config.alerts.smsNumbers,
    interfaceEndpoints: config.aws.endpoints,
    globalRateLimit: config.waf.globalRateLimit,
    criticalPaths: config.waf.criticalPaths,
    extraManagedRuleGroups: config.waf.extraManagedRuleGroups,
    appPort: config.aws.app.port,
    healthCheckPath: config.aws.app.healthCheckPath,
    instanceTypes: config.aws.app.instanceTypes.map((t) => new ec2.InstanceType(t)),
    hostUsers: config.bastion.users,
    minRsaBits: guardrails.minRsaBits,
    packageMirrors: config.egress.packageMirrors,
    originLock: cf?.originLock ? { hostnames: [cf.hostname, ...cf.additionalHostnames], originPull: cf.originPull } : undefined,
    fileRetentionDays: config.backup.fileRetentionDays,
    guardDuty: config.aws.accountServices.guardDuty,
    securityHub: config.aws.accountServices.securityHub,
    inspector: config.aws.accountServices.inspector,
  };
}
