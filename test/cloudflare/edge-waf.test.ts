import { TerraformVariable } from 'cdktf';
import {
  anonymizerExpression,
  botSignalExpression,
  CLOUDFLARE_MANAGED_IP_LISTS,
  CLOUDFLARE_MANAGED_RULESETS,
  EDGE_WAF_RULE_REFS,
  EdgeWaf,
  type EdgeWafProps,
  OWASP_ANOMALY_SCORE_RULE_ID,
  OWASP_ANOMALY_THRESHOLDS,
  owaspParanoiaOverrides,
  threatIntelligenceExpression,
  unexpectedHostExpression,
} from '../../lib/cloudflare/edge-waf';
import { resourcesOf, synthCloudflare, type TfJson, ZONE_ID } from './support';

const props: EdgeWafProps = { zoneId: ZONE_ID, plan: 'pro', hostnames: ['app.example.com', 'www.example.com'] };

/** Both rulesets of one synthesized EdgeWaf, by phase; fails unless there are exactly these two. */
function rulesets(json: TfJson): { managed: Record<string, any>; custom: Record<string, any>; names: string[] } {
  const all = resourcesOf(json, 'cloudflare_ruleset');
  const names = Object.keys(all).sort();
  const byPhase = (phase: string) => {
    const found = Object.values(all).filter((r) => r.phase === phase);
    if (found.length !== 1) throw new Error(`expected one ruleset in ${phase}, found ${found.length}`);
    return found[0];
  };
  expect(names).toHaveLength(2);
  return { managed: byPhase('http_request_firewall_managed'), custom: byPhase('http_request_firewall_custom'), names };
}

function synth(p: EdgeWafProps) {
  return rulesets(synthCloudflare((s) => new EdgeWaf(s, 'Waf', p)));
}

const CLOUDFLARE_MANAGED_RULE = {
  ref: 'edge_waf_cloudflare_managed',
  description: 'Execute the Cloudflare Managed Ruleset (known attacks and zero-days; WAF-MANAGED)',
  action: 'execute',
  expression: 'true',
  enabled: true,
  action_parameters: { id: 'efb7b8c949ac4650a09736fc376e9aee' },
};

const OWASP_DEFAULT_RULE = {
  ref: 'edge_waf_owasp_core',
  description: 'Execute the Cloudflare OWASP Core Ruleset at paranoia level 1, blocking at anomaly score 40 (medium; WAF-MANAGED)',
  action: 'execute',
  expression: 'true',
  enabled: true,
  action_parameters: {
    id: '4814384a9e5d4991b9815dcfc25d2f1f',
    overrides: {
      categories: [
        { category: 'paranoia-level-2', enabled: false },
        { category: 'paranoia-level-3', enabled: false },
        { category: 'paranoia-level-4', enabled: false },
      ],
      rules: [{ id: '6179ae15870a4bb7b2d480d4843b323c', score_threshold: 40, action: 'block' }],
    },
  },
};

const MANAGED_RULESET_BASE = {
  zone_id: ZONE_ID,
  kind: 'zone',
  phase: 'http_request_firewall_managed',
  name: 'EdgeWaf managed rules',
  description: 'Cloudflare managed WAF rulesets (controls WAF-MANAGED)',
};

const CUSTOM_RULESET_BASE = {
  zone_id: ZONE_ID,
  kind: 'zone',
  phase: 'http_request_firewall_custom',
  name: 'EdgeWaf custom rules',
  description: 'Expected hostnames, threat intelligence and bot signals (controls WAF-REPUTATION)',
};

const HOST_RULE = {
  ref: 'edge_waf_unexpected_host',
  description: 'Block requests for a hostname the zone does not serve (scanners, stale or wildcard names)',
  action: 'block',
  expression: 'not http.host in {"app.example.com" "www.example.com"}',
  enabled: true,
};

const TOR_BLOCK_RULE = {
  ref: 'edge_waf_anonymizers',
  description: 'Block anonymizing sources: Tor exit nodes (WAF-REPUTATION)',
  action: 'block',
  expression: 'ip.src.continent eq "T1"',
  enabled: true,
};

const NO_USER_AGENT_RULE = {
  ref: 'edge_waf_bot_signals',
  description: 'Challenge clients that are not verified bots but look automated: no User-Agent (WAF-REPUTATION)',
  action: 'managed_challenge',
  expression: 'not cf.client.bot and (http.user_agent eq "")',
  enabled: true,
};

describe('EdgeWaf', () => {
  describe.each(['pro', 'business'] as const)('on a %s zone with defaults', (plan) => {
    let built: EdgeWaf;
    const json = synthCloudflare((s) => {
      built = new EdgeWaf(s, 'Waf', { ...props, plan });
    });
    const { managed, custom, names } = rulesets(json);

    it('creates the rulesets under the stable construct ids Managed and Custom', () => {
      expect(built.managed.node.id).toBe('Managed');
      expect(built.custom.node.id).toBe('Custom');
      expect(names).toEqual([expect.stringMatching(/^Waf_Custom_[0-9A-F]{8}$/), expect.stringMatching(/^Waf_Managed_[0-9A-F]{8}$/)]);
    });

    it('executes the Cloudflare Managed Ruleset, then the OWASP Core Ruleset at paranoia level 1 blocking at score 40', () => {
      expect(managed).toEqual({ ...MANAGED_RULESET_BASE, rules: [CLOUDFLARE_MANAGED_RULE, OWASP_DEFAULT_RULE] });
    });

    it('blocks unexpected hosts and Tor, and challenges unverified clients without a User-Agent', () => {
      expect(custom).toEqual({ ...CUSTOM_RULESET_BASE, rules: [HOST_RULE, TOR_BLOCK_RULE, NO_USER_AGENT_RULE] });
    });
  });

  describe('on an enterprise zone', () => {
    const { managed, custom } = synth({ ...props, plan: 'enterprise' });

    it('runs the same managed rulesets as a Pro zone', () => {
      expect(managed).toEqual({ ...MANAGED_RULESET_BASE, rules: [CLOUDFLARE_MANAGED_RULE, OWASP_DEFAULT_RULE] });
    });

    it('blocks malware and botnet sources and anonymizers from the Managed IP Lists, besides Tor', () => {
      expect(custom).toEqual({
        ...CUSTOM_RULESET_BASE,
        rules: [
          HOST_RULE,
          {
            ref: 'edge_waf_threat_intelligence',
            description: 'Block sources of malware and botnet command-and-control servers (Managed IP Lists; WAF-REPUTATION)',
            action: 'block',
            expression: 'ip.src in $cf.malware or ip.src in $cf.botnetcc',
            enabled: true,
          },
          {
            ref: 'edge_waf_anonymizers',
            description: 'Block anonymizing sources: anonymizers, VPNs, open proxies and Tor (WAF-REPUTATION)',
            action: 'block',
            expression: 'ip.src in $cf.anonymizer or ip.src in $cf.open_proxies or ip.src.continent eq "T1"',
            enabled: true,
          },
          NO_USER_AGENT_RULE,
        ],
      });
    });
  });

  describe('on an enterprise zone with Bot Management', () => {
    const { custom } = synth({ ...props, plan: 'enterprise', botManagement: true });

    it('also challenges unverified clients with a bot score below 30', () => {
      expect(custom.rules).toHaveLength(4);
      expect(custom.rules[3]).toEqual({
        ref: 'edge_waf_bot_signals',
        description:
          'Challenge clients that are not verified bots but look automated: no User-Agent or bot score below 30 (WAF-REPUTATION)',
        action: 'managed_challenge',
        expression: 'not cf.client.bot and (http.user_agent eq "" or cf.bot_management.score lt 30)',
        enabled: true,
      });
    });
  });

  describe('on a free zone', () => {
    const { managed, custom } = synth({ ...props, plan: 'free' });

    it('executes only the Cloudflare Free Managed Ruleset (the plan allows neither the Managed nor the OWASP ruleset)', () => {
      expect(managed).toEqual({
        ...MANAGED_RULESET_BASE,
        rules: [
          {
            ref: 'edge_waf_cloudflare_free_managed',
            description: 'Execute the Cloudflare Free Managed Ruleset, the only managed ruleset on a Free plan (WAF-MANAGED)',
            action: 'execute',
            expression: 'true',
            enabled: true,
            action_parameters: { id: '77454fe2d30c4220b5701f6fdfb893ba' },
          },
        ],
      });
    });

    it('uses no Managed IP List and no Bot Management field', () => {
      expect(custom).toEqual({ ...CUSTOM_RULESET_BASE, rules: [HOST_RULE, TOR_BLOCK_RULE, NO_USER_AGENT_RULE] });
    });
  });

  describe('OWASP options', () => {
    const owaspOf = (p: Partial<EdgeWafProps>) => synth({ ...props, ...p }).managed.rules[1];

    it.each([
      [1, ['paranoia-level-2', 'paranoia-level-3', 'paranoia-level-4']],
      [2, ['paranoia-level-3', 'paranoia-level-4']],
      [3, ['paranoia-level-4']],
    ] as const)('paranoia level %p disables the tags of every higher level only', (owaspParanoiaLevel, disabled) => {
      const rule = owaspOf({ owaspParanoiaLevel });
      expect(rule.action_parameters.overrides.categories).toEqual(disabled.map((category) => ({ category, enabled: false })));
      expect(rule.description).toBe(
        `Execute the Cloudflare OWASP Core Ruleset at paranoia level ${owaspParanoiaLevel}, blocking at anomaly score 40 ` +
          `(medium; WAF-MANAGED)`,
      );
    });

    it('paranoia level 4 sends no category override at all (no empty list for Terraform to drift on)', () => {
      const rule = owaspOf({ owaspParanoiaLevel: 4 });
      expect(rule.action_parameters).toEqual({
        id: '4814384a9e5d4991b9815dcfc25d2f1f',
        overrides: { rules: [{ id: '6179ae15870a4bb7b2d480d4843b323c', score_threshold: 40, action: 'block' }] },
      });
    });

    it.each([
      ['low', 60],
      ['medium', 40],
      ['high', 25],
    ] as const)('anomaly threshold %s blocks at score %p on the anomaly rule', (owaspAnomalyThreshold, score) => {
      const rule = owaspOf({ owaspAnomalyThreshold });
      expect(rule.action_parameters.overrides.rules).toEqual([
        { id: '6179ae15870a4bb7b2d480d4843b323c', score_threshold: score, action: 'block' },
      ]);
      expect(rule.description).toBe(
        `Execute the Cloudflare OWASP Core Ruleset at paranoia level 1, blocking at anomaly score ${score} ` +
          `(${owaspAnomalyThreshold}; WAF-MANAGED)`,
      );
    });
  });

  describe('challengeAnonymizers', () => {
    it.each([
      ['pro', 'Challenge anonymizing sources: Tor exit nodes (WAF-REPUTATION)', 'ip.src.continent eq "T1"'],
      [
        'enterprise',
        'Challenge anonymizing sources: anonymizers, VPNs, open proxies and Tor (WAF-REPUTATION)',
        'ip.src in $cf.anonymizer or ip.src in $cf.open_proxies or ip.src.continent eq "T1"',
      ],
    ] as const)('on %s challenges anonymizers instead of blocking them, and nothing else changes', (plan, description, expression) => {
      const weak = synth({ ...props, plan, challengeAnonymizers: true }).custom;
      const strict = synth({ ...props, plan }).custom;
      const at = weak.rules.findIndex((r: any) => r.ref === 'edge_waf_anonymizers');
      expect(weak.rules[at]).toEqual({ ref: 'edge_waf_anonymizers', description, action: 'managed_challenge', expression, enabled: true });
      expect(strict.rules[at].action).toBe('block');
      expect({ ...weak, rules: weak.rules.filter((_: unknown, i: number) => i !== at) }).toEqual({
        ...strict,
        rules: strict.rules.filter((_: unknown, i: number) => i !== at),
      });
    });

    it('set to false keeps the block', () => {
      expect(synth({ ...props, challengeAnonymizers: false }).custom.rules[1].action).toBe('block');
    });
  });

  describe('hostnames', () => {
    it('puts a single hostname alone in the set', () => {
      expect(synth({ ...props, hostnames: ['app.example.com'] }).custom.rules[0].expression).toBe('not http.host in {"app.example.com"}');
    });

    it('accepts punycode names, digits and inner dashes', () => {
      expect(synth({ ...props, hostnames: ['xn--bcher-kva.example', 'api-2.eu.example.io'] }).custom.rules[0].expression).toBe(
        'not http.host in {"xn--bcher-kva.example" "api-2.eu.example.io"}',
      );
    });
  });

  describe('tokens', () => {
    it('skips validation of an unresolved zoneId and hostname element and passes them through', () => {
      const json = synthCloudflare((s) => {
        const zone = new TerraformVariable(s, 'zone', { type: 'string' }).stringValue;
        const host = new TerraformVariable(s, 'host', { type: 'string' }).stringValue;
        new EdgeWaf(s, 'Waf', { ...props, zoneId: zone, hostnames: ['app.example.com', host] });
      });
      const { managed, custom } = rulesets(json);
      expect(managed.zone_id).toBe('${var.zone}');
      expect(custom.zone_id).toBe('${var.zone}');
      expect(custom.rules[0].expression).toBe('not http.host in {"app.example.com" "${var.host}"}');
    });
  });

  describe('rejects', () => {
    const fails = (p: Partial<EdgeWafProps>) => () => synth({ ...props, ...p });

    it.each(['0123456789ABCDEF0123456789ABCDEF', '0123456789abcdef', 'not-a-zone-id-not-a-zone-id-0000', ''])('zoneId %p', (zoneId) => {
      expect(fails({ zoneId })).toThrow(
        new RegExp(`^EdgeWaf stack/Waf: zoneId "${zoneId}" is invalid; expected the zone's id, 32 lowercase hex digits`),
      );
    });

    it.each(['Pro', 'team', 'toString'])('plan %p', (plan) => {
      expect(fails({ plan: plan as any })).toThrow(
        `EdgeWaf stack/Waf: plan "${plan}" is not a Cloudflare plan; expected one of free, pro, business, enterprise (the ` +
          `zone's plan, shown on its Overview page in the Cloudflare dashboard)`,
      );
    });

    it('an empty hostnames list', () => {
      expect(fails({ hostnames: [] })).toThrow(/^EdgeWaf stack\/Waf: hostnames is empty; expected every hostname the zone serves/);
    });

    it.each([
      // Each would change the expression if written into it unchecked.
      ['app.example.com" or true or "', 'app.example.com\\" or true or \\"'],
      ['app.example.com"} or http.host in {"', 'app.example.com\\"} or http.host in {\\"'],
      ['app.example.com\\', 'app.example.com\\\\'],
      ['app.example.com ', 'app.example.com '],
      ['app.example.com\n', 'app.example.com\\n'],
      ['${var.x}.example.com', '${var.x}.example.com'],
      ['App.Example.com', 'App.Example.com'],
      ['*.example.com', '*.example.com'],
      ['app.example.com:443', 'app.example.com:443'],
      ['app.example.com.', 'app.example.com.'],
      ['localhost', 'localhost'],
      ['192.0.2.10', '192.0.2.10'],
      ['-app.example.com', '-app.example.com'],
      ['app-.example.com', 'app-.example.com'],
      ['app..example.com', 'app..example.com'],
      [`${'a'.repeat(64)}.example.com`, `${'a'.repeat(64)}.example.com`],
      [`${'abcdefghi.'.repeat(25)}example.com`, `${'abcdefghi.'.repeat(25)}example.com`],
    ])('hostname %p', (bad, shown) => {
      let message = '';
      try {
        synth({ ...props, hostnames: ['ok.example.com', bad] });
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toBe(
        `EdgeWaf stack/Waf: hostnames[1] "${shown}" is invalid; expected a lowercase DNS name such as app.example.com ` +
          `(letters, digits and '-' in dot-separated labels, no wildcard, IP address, port, quote or space), since it is written ` +
          `into a rule expression`,
      );
    });

    it('a duplicate hostname', () => {
      expect(fails({ hostnames: ['a.example.com', 'b.example.com', 'a.example.com'] })).toThrow(
        'EdgeWaf stack/Waf: hostnames[2] "a.example.com" duplicates hostnames[0]; list each hostname once',
      );
    });

    it('so many hostnames that the expression passes 4096 characters', () => {
      const many = Array.from({ length: 200 }, (_, i) => `host-${i}.example.com`);
      const length = unexpectedHostExpression(many).length;
      expect(length).toBeGreaterThan(4096);
      expect(fails({ hostnames: many })).toThrow(
        `EdgeWaf stack/Waf: hostnames (200 names) give an expression of ${length} characters; Cloudflare accepts at most ` +
          `4096; serve fewer hostnames from this zone`,
      );
    });

    it('accepts hostnames up to the expression limit', () => {
      // 180 names of 19-20 characters stay under 4096 characters.
      const many = Array.from({ length: 180 }, (_, i) => `host-${i}.example.com`);
      expect(unexpectedHostExpression(many).length).toBeLessThanOrEqual(4096);
      expect(synth({ ...props, hostnames: many }).custom.rules[0].expression).toBe(unexpectedHostExpression(many));
    });

    it('a hostnames list token', () => {
      expect(() =>
        synthCloudflare((s) => {
          const list = new TerraformVariable(s, 'hosts', { type: 'list(string)' }).listValue;
          new EdgeWaf(s, 'Waf', { ...props, hostnames: list });
        }),
      ).toThrow(/^EdgeWaf stack\/Waf: hostnames is an unresolved list token; expected a literal list/);
    });

    it.each([0, 5, 1.5, -1])('owaspParanoiaLevel %p', (owaspParanoiaLevel) => {
      expect(fails({ owaspParanoiaLevel: owaspParanoiaLevel as any })).toThrow(
        `EdgeWaf stack/Waf: owaspParanoiaLevel ${owaspParanoiaLevel} is out of range; expected 1, 2, 3 or 4`,
      );
    });

    it.each(['extreme', 'Medium', 'toString', '__proto__'])('owaspAnomalyThreshold %p', (owaspAnomalyThreshold) => {
      expect(fails({ owaspAnomalyThreshold: owaspAnomalyThreshold as any })).toThrow(
        `EdgeWaf stack/Waf: owaspAnomalyThreshold "${owaspAnomalyThreshold}" is invalid; expected low (score 60), medium (40) or high (25)`,
      );
    });

    it('an OWASP paranoia level on a free zone', () => {
      expect(fails({ plan: 'free', owaspParanoiaLevel: 2 })).toThrow(
        'EdgeWaf stack/Waf: owaspParanoiaLevel 2 is set but plan is free, which cannot deploy the OWASP Core Ruleset; remove ' +
          'it, or upgrade the zone to Pro or above and set plan accordingly',
      );
    });

    it('an OWASP anomaly threshold on a free zone', () => {
      expect(fails({ plan: 'free', owaspAnomalyThreshold: 'high' })).toThrow(
        'EdgeWaf stack/Waf: owaspAnomalyThreshold "high" is set but plan is free, which cannot deploy the OWASP Core Ruleset',
      );
    });

    it.each(['free', 'pro', 'business'] as const)('botManagement on a %s zone', (plan) => {
      expect(fails({ plan, botManagement: true })).toThrow(
        `EdgeWaf stack/Waf: botManagement is true but plan is ${plan}; Bot Management is an Enterprise add-on and its fields ` +
          `are rejected on other plans; remove botManagement or set plan to enterprise`,
      );
    });
  });
});

describe('EdgeWaf expression builders and constants', () => {
  it('name the managed rulesets and the OWASP anomaly rule by their published ids', () => {
    expect(CLOUDFLARE_MANAGED_RULESETS).toEqual({
      managed: 'efb7b8c949ac4650a09736fc376e9aee',
      owasp: '4814384a9e5d4991b9815dcfc25d2f1f',
      free: '77454fe2d30c4220b5701f6fdfb893ba',
    });
    expect(OWASP_ANOMALY_SCORE_RULE_ID).toBe('6179ae15870a4bb7b2d480d4843b323c');
    expect(OWASP_ANOMALY_THRESHOLDS).toEqual({ low: 60, medium: 40, high: 25 });
    expect(CLOUDFLARE_MANAGED_IP_LISTS).toEqual({
      threats: ['cf.malware', 'cf.botnetcc'],
      anonymizers: ['cf.anonymizer', 'cf.open_proxies'],
    });
  });

  it('list every rule ref the construct writes', () => {
    expect(EDGE_WAF_RULE_REFS).toEqual({
      cloudflareManaged: 'edge_waf_cloudflare_managed',
      owaspCore: 'edge_waf_owasp_core',
      cloudflareFreeManaged: 'edge_waf_cloudflare_free_managed',
      unexpectedHost: 'edge_waf_unexpected_host',
      threatIntelligence: 'edge_waf_threat_intelligence',
      anonymizers: 'edge_waf_anonymizers',
      botSignals: 'edge_waf_bot_signals',
    });
  });

  it('build the expressions the rules carry', () => {
    expect(unexpectedHostExpression(['a.example.com', 'b.example.com'])).toBe('not http.host in {"a.example.com" "b.example.com"}');
    expect(threatIntelligenceExpression()).toBe('ip.src in $cf.malware or ip.src in $cf.botnetcc');
    expect(anonymizerExpression('free')).toBe('ip.src.continent eq "T1"');
    expect(anonymizerExpression('pro')).toBe('ip.src.continent eq "T1"');
    expect(anonymizerExpression('business')).toBe('ip.src.continent eq "T1"');
    expect(anonymizerExpression('enterprise')).toBe('ip.src in $cf.anonymizer or ip.src in $cf.open_proxies or ip.src.continent eq "T1"');
    expect(botSignalExpression(false)).toBe('not cf.client.bot and (http.user_agent eq "")');
    expect(botSignalExpression(true)).toBe('not cf.client.bot and (http.user_agent eq "" or cf.bot_management.score lt 30)');
    expect(owaspParanoiaOverrides(4)).toEqual([]);
    expect(owaspParanoiaOverrides(2)).toEqual([
      { category: 'paranoia-level-3', enabled: false },
      { category: 'paranoia-level-4', enabled: false },
    ]);
  });
});
