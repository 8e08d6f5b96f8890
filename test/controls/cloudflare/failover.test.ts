import { checkDrRegion } from '../../../lib/controls/cloudflare/failover';
import { edge, expectFinding, expectNotApplicable, expectPass, named, only, weakened } from './support';

const LB = 'cloudflare_load_balancer';
const POOL = 'cloudflare_load_balancer_pool';
const MONITOR = 'cloudflare_load_balancer_monitor';
const lbAt = only(edge(), LB).address;
const primaryAt = named(edge(), POOL, 'Failover_PrimaryPool').address;
const drAt = named(edge(), POOL, 'Failover_DrPool').address;
const monitorAt = only(edge(), MONITOR).address;
const lb = (t: any) => only(t, LB).args;
const ref = (address: string) => `\${${address}.id}`;

describe('DR-REGION (Cloudflare)', () => {
  it('passes a load balancer failing over from the primary pool to the DR pool, both monitored over HTTPS', () => {
    const result = checkDrRegion(edge());
    expectPass(result);
    expect(result.evidence).toEqual(expect.arrayContaining([lbAt, primaryAt, drAt, monitorAt]));
  });

  it('is not applicable to a stack without load balancers, pools or monitors', () => {
    expectNotApplicable(checkDrRegion({}));
    expectNotApplicable(
      checkDrRegion({ resource: { cloudflare_zone_setting: { s: { zone_id: 'z', setting_id: 'ssl', value: 'strict' } } } }),
    );
  });

  it.each<[string, (t: any) => void, string, RegExp]>([
    [
      'random steering',
      (t) => (lb(t).steering_policy = 'random'),
      lbAt,
      /steering_policy is "random"; expected "off" \(default_pools in failover order/,
    ],
    ['no steering policy', (t) => delete lb(t).steering_policy, lbAt, /steering_policy is absent; expected "off"/],
    ['a single default pool', (t) => lb(t).default_pools.pop(), lbAt, /default_pools is \[.*\]; expected at least 2 distinct pools/],
    ['the same pool twice', (t) => (lb(t).default_pools[1] = lb(t).default_pools[0]), lbAt, /expected at least 2 distinct pools/],
    [
      'a default pool outside the stack',
      (t) => (lb(t).default_pools[1] = '17b5962d775c646f3f9725cbc7a53df4'),
      lbAt,
      /default_pools\[1\] is "17b5962d775c646f3f9725cbc7a53df4"; expected a reference to a cloudflare_load_balancer_pool of this stack/,
    ],
    ['no fallback pool', (t) => delete lb(t).fallback_pool, lbAt, /fallback_pool is absent; expected the DR pool/],
    [
      'the primary pool as fallback',
      (t) => (lb(t).fallback_pool = ref(primaryAt)),
      lbAt,
      /fallback_pool ".*PrimaryPool.*" is the first of default_pools \(the primary pool\); expected the DR pool/,
    ],
    [
      'a fallback pool outside the failover order',
      (t) => (lb(t).fallback_pool = 'aaaabbbbccccddddeeeeffff00001111'),
      lbAt,
      /fallback_pool "aaaabbbbccccddddeeeeffff00001111" is not one of default_pools/,
    ],
    ['the DR pool disabled', (t) => (t.resource[POOL][drAt.split('.')[1]].enabled = false), drAt, /enabled is false; expected true/],
    [
      'an unmonitored pool',
      (t) => delete t.resource[POOL][drAt.split('.')[1]].monitor,
      drAt,
      /monitor is absent; expected a reference to a cloudflare_load_balancer_monitor of this stack with type "https"/,
    ],
    [
      'a plain-HTTP monitor',
      (t) => (only(t, MONITOR).args.type = 'http'),
      primaryAt,
      /monitor cloudflare_load_balancer_monitor\.\S+ has type "http"; expected "https"/,
    ],
    [
      'pools without a load balancer',
      (t) => delete t.resource[LB],
      '(template)',
      /the stack has 2 cloudflare_load_balancer_pool but no cloudflare_load_balancer/,
    ],
  ])('fails with %s', (_name, edit, resource, message) => {
    expectFinding(checkDrRegion(weakened(edit)), resource, message);
  });
});
