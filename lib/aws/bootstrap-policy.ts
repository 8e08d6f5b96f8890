// The CloudFormation execution policy of a hardened CDK bootstrap (control ADMIN-MFA): instead
// of AdministratorAccess, the execution role gets the services the synthesized templates use and
// nothing else, and may never create IAM users, access keys or console passwords, or touch the
// organization and the account settings. Plain JSON in, plain JSON out: no aws-cdk-lib import.

/** IAM service prefixes whose CloudFormation namespace is spelled differently. */
const SERVICE_PREFIXES: Record<string, string> = {
  ElasticLoadBalancingV2: 'elasticloadbalancing',
  ElasticLoadBalancing: 'elasticloadbalancing',
  WAFv2: 'wafv2',
  CloudWatch: 'cloudwatch',
  CertificateManager: 'acm',
  ApplicationAutoScaling: 'application-autoscaling',
  Events: 'events',
  Logs: 'logs',
};

/** Actions no deployment needs and an attacker with the execution role would want (ADMIN-MFA). */
export const EXECUTION_ROLE_DENIED_ACTIONS = [
  'iam:CreateUser',
  'iam:CreateAccessKey',
  'iam:CreateLoginProfile',
  'iam:UpdateLoginProfile',
  'iam:AttachUserPolicy',
  'iam:PutUserPolicy',
  'iam:AddUserToGroup',
  'iam:CreateSAMLProvider',
  'iam:CreateOpenIDConnectProvider',
  'iam:UpdateAccountPasswordPolicy',
  'organizations:*',
  'account:*',
  'sso:*',
  'cloudtrail:StopLogging',
  'kms:ScheduleKeyDeletion',
  'backup:DeleteBackupVault',
] as const;

/** The IAM service prefix of a CloudFormation resource type, or undefined for custom resources. */
export function servicePrefixOf(resourceType: string): string | undefined {
  const [vendor, service] = resourceType.split('::');
  if (vendor !== 'AWS' || !service) return undefined;
  return SERVICE_PREFIXES[service] ?? service.toLowerCase();
}

/**
 * The execution policy document for the given templates: `<service>:*` for every service whose
 * resources they declare (plus Lambda for custom resources and SSM for public parameters), and
 * an explicit deny of {@link EXECUTION_ROLE_DENIED_ACTIONS}. Deterministic: services sorted.
 */
export function executionPolicyFor(templates: readonly any[]): { Version: string; Statement: any[] } {
  const services = new Set<string>(['ssm']);
  for (const template of templates) {
    for (const resource of Object.values<any>(template?.Resources ?? {})) {
      const type = String(resource?.Type ?? '');
      if (type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource') services.add('lambda');
      const prefix = servicePrefixOf(type);
      if (prefix) services.add(prefix);
    }
  }
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'DeployTheBaselineServices', Effect: 'Allow', Action: [...services].sort().map((s) => `${s}:*`), Resource: '*' },
      { Sid: 'NeverCreatePeopleOrTouchTheOrganization', Effect: 'Deny', Action: [...EXECUTION_ROLE_DENIED_ACTIONS], Resource: '*' },
    ],
  };
}
