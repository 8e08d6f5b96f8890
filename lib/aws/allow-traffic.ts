import type * as ec2 from 'aws-cdk-lib/aws-ec2';

/** The descriptions of the two rules {@link allowTraffic} writes, one per side. */
export interface TrafficDescriptions {
  /** Description of the ingress rule on the target's security groups. */
  readonly ingress: string;
  /**
   * Description of the egress rule on the source's security groups.
   * @default - no egress rule: the source's groups are not this construct's to change (another stack's)
   */
  readonly egress?: string;
}

/**
 * Admits `port` from `source` to `target` through their security groups (aws-cdk-lib's
 * IConnectable): ingress on each of the target's groups from each of the source's, and egress on
 * each of the source's groups to each of the target's, since the baseline's groups send nothing
 * by default (control NET-TIERS). What `Connections.allowFrom` does, with a description per side,
 * so a reviewer reading either group sees what the rule is for from there.
 */
export function allowTraffic(source: ec2.IConnectable, target: ec2.IConnectable, port: ec2.Port, descriptions: TrafficDescriptions): void {
  for (const to of target.connections.securityGroups) {
    for (const from of source.connections.securityGroups) to.addIngressRule(from, port, descriptions.ingress);
  }
  if (descriptions.egress === undefined) return;
  for (const from of source.connections.securityGroups) {
    for (const to of target.connections.securityGroups) from.addEgressRule(to, port, descriptions.egress);
  }
}
