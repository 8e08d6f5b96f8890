import { SecurityCenterContact } from '@cdktf/provider-azurerm/lib/security-center-contact';
import { SecurityCenterSubscriptionPricing } from '@cdktf/provider-azurerm/lib/security-center-subscription-pricing';
import { Construct } from 'constructs';

/** Defender for Cloud plans the baseline knows, with the sub-plan it enables. */
export const DEFENDER_PLANS = {
  // P2: vulnerability assessment, file integrity monitoring and just-in-time access on top of P1.
  VirtualMachines: 'P2',
  // Per-storage-account plan with activity monitoring (the classic per-transaction plan is retired).
  StorageAccounts: 'DefenderForStorageV2',
  KeyVaults: undefined,
  OpenSourceRelationalDatabases: undefined,
  Arm: undefined,
} as const;

/** A Defender plan name. */
export type DefenderPlan = keyof typeof DEFENDER_PLANS;

/** Properties of {@link DefenderPlans}. */
export interface DefenderPlansProps {
  /** Address Defender for Cloud sends security alerts to (the on-call list). */
  readonly securityContactEmail: string;
  /**
   * Phone number of the security contact.
   * @default - none
   */
  readonly phone?: string;
  /**
   * Plans set to the Standard tier.
   * @default every plan of {@link DEFENDER_PLANS}: servers, storage, Key Vault, open-source databases, Resource Manager
   */
  readonly plans?: readonly DefenderPlan[];
}

/**
 * Microsoft Defender for Cloud on the subscription (control DETECT-THREATS, claims A2-A5):
 * threat detection and vulnerability assessment for servers, storage, Key Vault, PostgreSQL and
 * Resource Manager operations, with alerts e-mailed to the security contact and the
 * subscription owners. Subscription-wide: one per environment (subscription).
 */
export class DefenderPlans extends Construct {
  /** The pricing resource of each plan. */
  public readonly plans: Record<string, SecurityCenterSubscriptionPricing> = {};
  /** The security contact. */
  public readonly contact: SecurityCenterContact;

  constructor(scope: Construct, id: string, props: DefenderPlansProps) {
    super(scope, id);
    const plans = props.plans ?? (Object.keys(DEFENDER_PLANS) as DefenderPlan[]);
    for (const plan of plans) {
      if (!Object.hasOwn(DEFENDER_PLANS, plan)) {
        throw new Error(
          `DefenderPlans ${this.node.path}: plan "${plan}" is unknown; expected one of ${Object.keys(DEFENDER_PLANS).join(', ')}`,
        );
      }
    }
    if (plans.length === 0)
      throw new Error(`DefenderPlans ${this.node.path}: plans is empty; expected at least one plan (control DETECT-THREATS)`);
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(props.securityContactEmail)) {
      throw new Error(`DefenderPlans ${this.node.path}: securityContactEmail "${props.securityContactEmail}" is not an e-mail address`);
    }
    for (const plan of plans) {
      this.plans[plan] = new SecurityCenterSubscriptionPricing(this, plan, {
        resourceType: plan,
        tier: 'Standard',
        subplan: DEFENDER_PLANS[plan],
      });
    }
    this.contact = new SecurityCenterContact(this, 'Contact', {
      name: 'default',
      email: props.securityContactEmail,
      phone: props.phone,
      alertNotifications: true,
      alertsToAdmins: true,
    });
  }
}
