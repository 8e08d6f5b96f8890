import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeDecision } from '../policy/acknowledge';

/** Props of {@link AdminRole}. */
export interface AdminRoleProps {
  /**
   * Account whose IAM principals (people signed in with MFA) may assume the role.
   * @default - this stack's account
   */
  readonly trustedAccount?: string;
  /**
   * Oldest MFA sign-in accepted, in seconds.
   * @default 3600
   */
  readonly maxMfaAgeSeconds?: number;
  /**
   * Managed policies granted. Administrator access is the point of a break-glass admin role;
   * narrow it where your organization has finer roles.
   * @default AdministratorAccess
   */
  readonly managedPolicies?: readonly iam.IManagedPolicy[];
  /**
   * Longest session.
   * @default 1 hour
   */
  readonly maxSessionDuration?: Duration;
}

/**
 * The administrator role (control ADMIN-MFA; claims A6, A16): assumable only by principals of
 * the trusted account who signed in with MFA within the last hour, with one-hour sessions. Every
 * assumption is recorded by the audit trail.
 */
export class AdminRole extends Construct {
  /** The role. */
  readonly resource: iam.Role;

  constructor(scope: Construct, id: string, props: AdminRoleProps = {}) {
    super(scope, id);
    const maxAge = props.maxMfaAgeSeconds ?? 3600;
    if (!Number.isInteger(maxAge) || maxAge < 60 || maxAge > 43200) {
      throw new Error(`AdminRole.maxMfaAgeSeconds: received ${maxAge}; expected 60 to 43200 seconds`);
    }
    this.resource = new iam.Role(this, 'Resource', {
      description: 'Administrators; MFA required',
      assumedBy: new iam.AccountPrincipal(props.trustedAccount ?? Stack.of(this).account).withConditions({
        Bool: { 'aws:MultiFactorAuthPresent': 'true' },
        NumericLessThan: { 'aws:MultiFactorAuthAge': String(maxAge) },
      }),
      managedPolicies: [...(props.managedPolicies ?? [iam.ManagedPolicy.fromAwsManagedPolicyName('AdministratorAccess')])],
      maxSessionDuration: props.maxSessionDuration ?? Duration.hours(1),
    });
    if (!props.managedPolicies) {
      acknowledgeDecision(this.resource.node.defaultChild!, 'admin-role-administrator-access');
    }
  }
}
