import { isCloudflareRange } from '../../config/cloudflare-ranges';
import type { CheckOptions, CheckResult } from '../types';
import { Outcome, notApplicable } from './result';
import { describeRule, ingressRules, list, ofType, refTarget, show, type CfnTemplate, type IngressRule } from './template';

/** True when the rule's source is a literal range inside Cloudflare's published ranges. */
function fromCloudflare(rule: IngressRule): boolean {
  if (rule.prefixList !== undefined || rule.sourceGroup !== undefined) return false;
  if (rule.cidrIp !== undefined) return typeof rule.cidrIp === 'string' && isCloudflareRange(rule.cidrIp);
  return typeof rule.cidrIpv6 === 'string' && isCloudflareRange(rule.cidrIpv6);
}

/**
 * Control ORIGIN-LOCK (AWS), when the environment is fronted by Cloudflare with origin lock
 * (`originLocked`; otherwise not applicable): every security group of every internet-facing
 * `AWS::ElasticLoadBalancingV2::LoadBalancer` (Scheme absent or "internet-facing") admits traffic,
 * on any port, only from literal CidrIp/CidrIpv6 ranges inside Cloudflare's published ranges
 * (lib/config/cloudflare-ranges.ts): never 0.0.0.0/0, ::/0, another CIDR, a prefix list or a
 * security group. An internet-facing load balancer without security groups fails.
 */
export function checkOriginLock(template: CfnTemplate, options: CheckOptions = {}): CheckResult {
  if (!options.originLocked) return notApplicable('ORIGIN-LOCK');
  const out = new Outcome('ORIGIN-LOCK');
  const lbs = ofType(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer').filter((lb) => (lb.props.Scheme ?? 'internet-facing') === 'internet-facing');
  const rules = ingressRules(template);
  for (const lb of lbs) {
    out.within(lb.id, () => {
      const groups = list(lb.props.SecurityGroups).map((s) => refTarget(s) ?? show(s));
      if (groups.length === 0) out.fail(lb.id, 'an internet-facing load balancer has no SecurityGroups; expected a group admitting only Cloudflare\'s ranges');
      for (const group of groups) {
        out.within(group, () => {
          for (const rule of rules.filter((r) => r.group === group)) {
            if (fromCloudflare(rule)) out.carry(rule.declaredBy);
            else out.fail(rule.declaredBy, `${group} (of internet-facing ${lb.id}) admits ${describeRule(rule)}; expected only Cloudflare's published ranges (lib/config/cloudflare-ranges.ts), so nobody bypasses the edge's WAF and rate limits`);
          }
        });
      }
    });
  }
  return out.result(lbs.length > 0);
}
