import { Outcome } from '../core/outcome';
import { blocks, ofType, refTarget, refTo, show, TEMPLATE, type TfJson } from '../core/terraform';
import type { CheckResult } from '../types';
import { LOAD_BALANCER } from './origin-lock';
import { isEnabled } from './zone';

const POOL = 'cloudflare_load_balancer_pool';
const MONITOR = 'cloudflare_load_balancer_monitor';

/** A pool value as a comparable key: the address it references, or the literal id. */
function poolKey(value: unknown): string {
  return refTarget(value)?.address ?? show(value);
}

/**
 * Control DR-REGION (Cloudflare side: traffic fails over to the DR region): every
 * `cloudflare_load_balancer` has `steering_policy` "off" (the order of `default_pools` is the
 * failover order), at least two distinct `default_pools`, each a reference to a pool of this stack,
 * and a `fallback_pool` that is one of them but not the first (the DR pool); every
 * `cloudflare_load_balancer_pool` is enabled (absent is Cloudflare's default, true) and its
 * `monitor` references a `cloudflare_load_balancer_monitor` of this stack with `type` "https".
 * Not applicable to a stack without load balancers, pools or monitors. What happens to the data
 * (replicas, backups) is checked on the AWS and Azure stacks.
 */
export function checkDrRegion(tf: TfJson): CheckResult {
  const out = new Outcome('DR-REGION');
  const balancers = ofType(tf, LOAD_BALANCER);
  const pools = ofType(tf, POOL);
  const monitors = ofType(tf, MONITOR);
  if (balancers.length === 0 && pools.length > 0) {
    out.fail(TEMPLATE, `the stack has ${pools.length} ${POOL} but no ${LOAD_BALANCER}; expected a load balancer failing over between them`);
  }
  for (const lb of balancers) {
    out.within(lb.address, () => {
      if (lb.args.steering_policy !== 'off') {
        out.fail(
          lb.address,
          `steering_policy is ${show(lb.args.steering_policy)}; expected "off" (default_pools in failover order: primary ` +
            `region, then DR region)`,
        );
      }
      const defaults = blocks(lb.args.default_pools);
      const keys = defaults.map(poolKey);
      if (new Set(keys).size < 2) {
        out.fail(
          lb.address,
          `default_pools is ${show(lb.args.default_pools)}; expected at least 2 distinct pools (the primary region's, then ` +
            `the DR region's)`,
        );
      }
      defaults.forEach((value, i) => {
        if (!refTo(tf, value, POOL))
          out.fail(
            lb.address,
            `default_pools[${i}] is ${show(value)}; expected a reference to a ${POOL} of this stack (its health check cannot ` +
              `be verified otherwise)`,
          );
      });
      const fallback = lb.args.fallback_pool;
      if (fallback === undefined || fallback === null) {
        out.fail(lb.address, 'fallback_pool is absent; expected the DR pool, one of default_pools but not the first');
      } else if (!keys.includes(poolKey(fallback))) {
        out.fail(
          lb.address,
          `fallback_pool ${show(fallback)} is not one of default_pools; expected the DR pool, one of default_pools but not the first`,
        );
      } else if (keys[0] === poolKey(fallback)) {
        out.fail(lb.address, `fallback_pool ${show(fallback)} is the first of default_pools (the primary pool); expected the DR pool`);
      }
    });
  }
  for (const pool of pools) {
    out.within(pool.address, () => {
      if (!isEnabled(pool.args.enabled)) out.fail(pool.address, `enabled is ${show(pool.args.enabled)}; expected true`);
      const monitor = refTo(tf, pool.args.monitor, MONITOR);
      if (!monitor) {
        out.fail(
          pool.address,
          `monitor is ${show(pool.args.monitor)}; expected a reference to a ${MONITOR} of this stack with type "https" (an ` +
            `unmonitored pool never fails over)`,
        );
      } else if (monitor.args.type !== 'https') {
        out.fail(pool.address, `monitor ${monitor.address} has type ${show(monitor.args.type)}; expected "https"`);
      } else {
        out.carry(monitor.address);
      }
    });
  }
  return out.result(balancers.length + pools.length + monitors.length > 0);
}
