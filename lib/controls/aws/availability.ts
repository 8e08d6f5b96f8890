import type { CheckResult } from '../types';
import { POLICY_FLOORS } from '../../config/floors';
import { Outcome } from '../core/outcome';
import { asNumber, isTrue, list, ofType, publicSubnets, refTarget, show, tagsOf, zoneOf, type CfnTemplate } from './template';

/**
 * Tag of a warm-standby app tier in a DR region (set by `AppTier` with `standby: true`): it may
 * idle at 0-1 instances but must be able to scale out over two zones at failover.
 */
export const STANDBY_TAG = { key: 'baseline:standby', value: 'warm-standby' } as const;

/**
 * Control HA-MULTIZONE: the app group spans two or more zones with at least two healthy
 * instances replaced on ELB health checks; the database is Multi-AZ; load balancers and every
 * subnet tier span two or more zones.
 */
export function checkHaMultizone(template: CfnTemplate): CheckResult {
  const out = new Outcome('HA-MULTIZONE');
  const asgs = ofType(template, 'AWS::AutoScaling::AutoScalingGroup');
  const instances = ofType(template, 'AWS::RDS::DBInstance');
  const clusters = ofType(template, 'AWS::RDS::DBCluster');
  const lbs = ofType(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
  const vpcs = ofType(template, 'AWS::EC2::VPC');

  const zonesOf = (subnetRefs: unknown[]): Set<string> | undefined => {
    const zones = subnetRefs.map((s) => zoneOf(template, s));
    return zones.every((z) => z !== undefined) ? new Set(zones as string[]) : undefined;
  };

  for (const asg of asgs) {
    out.within(asg.id, () => {
      const p = asg.props;
      const subnets = list(p.VPCZoneIdentifier);
      const zones = zonesOf(subnets) ?? (subnets.length === 0 ? new Set(list(p.AvailabilityZones).map(String)) : undefined);
      if (zones === undefined)
        out.fail(
          asg.id,
          `VPCZoneIdentifier ${show(p.VPCZoneIdentifier)} names subnets outside this template; expected subnets whose zones ` +
            `can be verified`,
        );
      else if (zones.size < POLICY_FLOORS.availability.minZones)
        out.fail(
          asg.id,
          `instances span ${zones.size} zone(s) (${[...zones].join(', ') || 'none'}); expected at least ` +
            `${POLICY_FLOORS.availability.minZones}`,
        );
      const min = asNumber(p.MinSize);
      if (tagsOf(asg)[STANDBY_TAG.key] === STANDBY_TAG.value) {
        const max = asNumber(p.MaxSize);
        if (max === undefined || max < 2)
          out.fail(
            asg.id,
            `warm standby MaxSize is ${show(p.MaxSize)}; expected at least 2, so failover can run an instance in each of two zones`,
          );
      } else if (min === undefined || min < 2)
        out.fail(asg.id, `MinSize is ${show(p.MinSize)}; expected at least 2 (an instance per zone survives a zone loss)`);
      if (p.HealthCheckType !== 'ELB')
        out.fail(
          asg.id,
          `HealthCheckType is ${show(p.HealthCheckType)}; expected "ELB" (replace instances the load balancer sees failing)`,
        );
    });
  }

  // A cross-region read replica is the DR copy (control DR-REGION), not a serving tier: it
  // becomes Multi-AZ when promoted, as the failover runbook says.
  for (const db of instances.filter((d) => d.props.DBClusterIdentifier === undefined && d.props.SourceDBInstanceIdentifier === undefined)) {
    out.within(db.id, () => {
      if (!isTrue(db.props.MultiAZ)) out.fail(db.id, `MultiAZ is ${show(db.props.MultiAZ)}; expected true`);
    });
  }
  for (const cluster of clusters) {
    out.within(cluster.id, () => {
      const members = instances.filter((i) => refTarget(i.props.DBClusterIdentifier) === cluster.id);
      if (members.length < 2 && cluster.props.EngineMode !== 'serverless') {
        out.fail(
          cluster.id,
          `cluster has ${members.length} instance(s) in this template; expected at least 2 (a writer and a reader in another zone)`,
        );
      }
    });
  }

  for (const lb of lbs) {
    out.within(lb.id, () => {
      const subnets = [...list(lb.props.Subnets), ...list(lb.props.SubnetMappings).map((m) => m?.SubnetId)];
      const zones = zonesOf(subnets);
      const count = zones?.size ?? subnets.length;
      if (count < POLICY_FLOORS.availability.minZones)
        out.fail(lb.id, `load balancer spans ${count} zone(s); expected at least ${POLICY_FLOORS.availability.minZones}`);
    });
  }

  const pub = publicSubnets(template);
  for (const vpc of vpcs) {
    out.within(vpc.id, () => {
      const tiers = new Map<string, Set<string>>();
      for (const subnet of ofType(template, 'AWS::EC2::Subnet').filter((s) => refTarget(s.props.VpcId) === vpc.id)) {
        const tags = tagsOf(subnet);
        const tier = tags['aws-cdk:subnet-name'] ?? tags['aws-cdk:subnet-type'] ?? (pub.has(subnet.id) ? 'public' : 'private');
        const zone = zoneOf(template, { Ref: subnet.id });
        if (zone === undefined) {
          out.fail(subnet.id, 'AvailabilityZone is absent; expected an explicit zone, so the spread of the tier can be verified');
          continue;
        }
        if (!tiers.has(tier)) tiers.set(tier, new Set());
        tiers.get(tier)!.add(zone);
      }
      if (tiers.size === 0) out.fail(vpc.id, 'VPC has no subnets in this template; expected every tier in at least two zones');
      for (const [tier, zones] of tiers) {
        if (zones.size < POLICY_FLOORS.availability.minZones)
          out.fail(
            vpc.id,
            `subnet tier ${show(tier)} spans ${zones.size} zone(s); expected at least ${POLICY_FLOORS.availability.minZones}`,
          );
      }
    });
  }

  return out.result(asgs.length + instances.length + clusters.length + lbs.length + vpcs.length > 0);
}
