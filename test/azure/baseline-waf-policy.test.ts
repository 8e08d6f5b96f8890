import { TerraformOutput } from 'cdktf';
import {
  BaselineWafPolicy,
  NON_NORMALIZED_PATH_REGEX,
  PER_EDGE_RATE_LIMIT_KEY,
  RATE_LIMIT_KEY_TAG,
  toAzureRateLimit,
  type BaselineWafPolicyProps,
} from '../../lib/azure/baseline-waf-policy';
import { LOCATION, onlyResource, RG, synthAzure } from './support';

const props: BaselineWafPolicyProps = {
  resourceGroupName: RG,
  location: LOCATION,
  name: 'waf-acme-staging',
  globalRateLimit: { limit: 2000, windowSeconds: 300 },
  criticalPaths: [
    { name: 'login', pathPrefix: '/login', limit: 100, windowSeconds: 300 },
    { name: 'password-reset', pathPrefix: '/Password/Reset', limit: 20, windowSeconds: 60 },
  ],
};

function policyOf(p: BaselineWafPolicyProps): Record<string, any> {
  return onlyResource(
    synthAzure((s) => new BaselineWafPolicy(s, 'Waf', p)),
    'azurerm_web_application_firewall_policy',
  );
}

describe('toAzureRateLimit', () => {
  it.each([
    [100, 60, 'OneMin', 100],
    [100, 120, 'OneMin', 50],
    [2000, 300, 'FiveMins', 2000],
    [2000, 600, 'FiveMins', 1000],
    [15, 120, 'OneMin', 7],
    [1, 600, 'FiveMins', 1],
  ])('maps %p requests per %p s to %s with threshold %p (never looser)', (limit, windowSeconds, duration, threshold) => {
    expect(toAzureRateLimit(limit, windowSeconds)).toEqual({ duration, threshold });
  });

  it.each([0, 2.5])('rejects limit %p', (limit) => {
    expect(() => toAzureRateLimit(limit, 60)).toThrow(/limit .* invalid/);
  });

  it('rejects a window Azure cannot express', () => {
    expect(() => toAzureRateLimit(100, 90)).toThrow(/windowSeconds 90 is invalid/);
  });
});

describe('BaselineWafPolicy', () => {
  it('blocks in Prevention mode with bodies inspected, size-limited and credentials scrubbed from logs', () => {
    const policy = policyOf(props);
    expect(policy.name).toBe('waf-acme-staging');
    expect(policy.policy_settings).toEqual({
      enabled: true,
      mode: 'Prevention',
      request_body_check: true,
      request_body_enforcement: true,
      max_request_body_size_in_kb: 128,
      request_body_inspect_limit_in_kb: 128,
      file_upload_enforcement: true,
      file_upload_limit_in_mb: 100,
      log_scrubbing: {
        enabled: true,
        rule: [
          { enabled: true, match_variable: 'RequestHeaderNames', selector_match_operator: 'Equals', selector: 'Authorization' },
          { enabled: true, match_variable: 'RequestCookieNames', selector_match_operator: 'EqualsAny' },
          { enabled: true, match_variable: 'RequestPostArgNames', selector_match_operator: 'Equals', selector: 'password' },
          { enabled: true, match_variable: 'RequestJSONArgNames', selector_match_operator: 'Equals', selector: 'password' },
        ],
      },
    });
  });

  it('runs the Default Rule Set 2.1 and the Bot Manager 1.1 (bad bots and threat-intelligence IPs)', () => {
    expect(policyOf(props).managed_rules).toEqual({
      managed_rule_set: [
        { type: 'Microsoft_DefaultRuleSet', version: '2.1' },
        { type: 'Microsoft_BotManagerRuleSet', version: '1.1' },
      ],
    });
  });

  it('rate limits each critical path per client IP before the global rule', () => {
    const [login, reset, global] = policyOf(props).custom_rules;
    expect(login).toEqual({
      name: 'RateLimitLogin',
      priority: 1,
      enabled: true,
      rule_type: 'RateLimitRule',
      action: 'Block',
      group_rate_limit_by: 'ClientAddr',
      rate_limit_duration: 'FiveMins',
      rate_limit_threshold: 100,
      match_conditions: [
        {
          match_variables: [{ variable_name: 'RequestUri' }],
          operator: 'BeginsWith',
          negation_condition: false,
          transforms: ['UrlDecode', 'Lowercase'],
          match_values: ['/login'],
        },
      ],
    });
    expect(reset).toMatchObject({
      name: 'RateLimitPasswordReset',
      priority: 2,
      action: 'Block',
      group_rate_limit_by: 'ClientAddr',
      rate_limit_duration: 'OneMin',
      rate_limit_threshold: 20,
      match_conditions: [expect.objectContaining({ match_values: ['/password/reset'], transforms: ['UrlDecode', 'Lowercase'] })],
    });
    expect(global.priority).toBeGreaterThan(reset.priority);
  });

  it('rate limits all traffic per client IP with the global limit', () => {
    const rules = policyOf(props).custom_rules;
    expect(rules).toHaveLength(4);
    expect(rules[2]).toEqual({
      name: 'RateLimitAllTraffic',
      priority: 3,
      enabled: true,
      rule_type: 'RateLimitRule',
      action: 'Block',
      group_rate_limit_by: 'ClientAddr',
      rate_limit_duration: 'FiveMins',
      rate_limit_threshold: 2000,
      match_conditions: [
        {
          match_variables: [{ variable_name: 'RemoteAddr' }],
          operator: 'IPMatch',
          negation_condition: true,
          match_values: ['255.255.255.255/32'],
        },
      ],
    });
  });

  it('refuses paths that are not normalized (//, /./, /../, backslash before the query), which no BeginsWith rule would count', () => {
    const rules = policyOf(props).custom_rules;
    expect(rules[3]).toEqual({
      name: 'PathNotNormalized',
      priority: 4,
      enabled: true,
      rule_type: 'MatchRule',
      action: 'Block',
      match_conditions: [
        {
          match_variables: [{ variable_name: 'RequestUri' }],
          operator: 'Regex',
          negation_condition: false,
          transforms: ['UrlDecode'],
          match_values: [NON_NORMALIZED_PATH_REGEX],
        },
      ],
    });
    const re = new RegExp(NON_NORMALIZED_PATH_REGEX);
    for (const path of ['//login', '/./login', '/x/../login', '/login/..', '\\login'])
      expect({ path, refused: re.test(path) }).toEqual({ path, refused: true });
    for (const path of ['/login', '/login?next=//x', '/.well-known/openid-configuration', '/v1.2/token'])
      expect({ path, refused: re.test(path) }).toEqual({ path, refused: false });
  });

  it('keeps per-client limits and no host rule for a gateway clients reach directly', () => {
    const policy = policyOf(props);
    expect(policy.custom_rules.map((r: any) => r.name)).not.toContain('HostNotServed');
    expect(policy.tags ?? {}).toEqual({});
  });

  describe('behind the locked Cloudflare zone', () => {
    const behind = policyOf({ ...props, allowedHosts: ['app.example.com', 'api.example.com'], perEdgeFactor: 25, tags: { env: 'prod' } });

    it('scales every limit to a per-edge safety net and tags the policy so', () => {
      expect(
        behind.custom_rules
          .filter((r: any) => r.rule_type === 'RateLimitRule')
          .map((r: any) => [r.name, r.group_rate_limit_by, r.rate_limit_duration, r.rate_limit_threshold]),
      ).toEqual([
        ['RateLimitLogin', 'ClientAddr', 'FiveMins', 2500],
        ['RateLimitPasswordReset', 'ClientAddr', 'OneMin', 500],
        ['RateLimitAllTraffic', 'ClientAddr', 'FiveMins', 50000],
      ]);
      expect(behind.tags).toEqual({ env: 'prod', [RATE_LIMIT_KEY_TAG]: PER_EDGE_RATE_LIMIT_KEY });
    });

    it("answers every other Host with the WAF's 403", () => {
      expect(behind.custom_rules.find((r: any) => r.name === 'HostNotServed')).toEqual({
        name: 'HostNotServed',
        priority: 5,
        enabled: true,
        rule_type: 'MatchRule',
        action: 'Block',
        match_conditions: [
          {
            match_variables: [{ variable_name: 'RequestHeaders', selector: 'Host' }],
            operator: 'Equal',
            negation_condition: true,
            transforms: ['Lowercase'],
            match_values: ['app.example.com', 'api.example.com'],
          },
        ],
      });
    });

    it.each<[Partial<BaselineWafPolicyProps>, RegExp]>([
      [{ perEdgeFactor: 1 }, /perEdgeFactor 1 is out of range; expected a whole number from 2 to 1000/],
      [{ perEdgeFactor: 2.5 }, /perEdgeFactor 2.5 is out of range/],
      [{ allowedHosts: [] }, /allowedHosts has 0 entries/],
      [{ allowedHosts: ['*.example.com'] }, /allowedHosts\[0\] "\*.example.com" is invalid; expected a lowercase DNS name/],
    ])('rejects %p', (extra, message) => {
      expect(() => policyOf({ ...props, ...extra })).toThrow(message);
    });
  });

  it('takes the configured file upload limit', () => {
    expect(policyOf({ ...props, fileUploadLimitMb: 20 }).policy_settings.file_upload_limit_in_mb).toBe(20);
  });

  it('exposes the policy id', () => {
    const json = synthAzure((s) => {
      new TerraformOutput(s, 'PolicyId', { value: new BaselineWafPolicy(s, 'Waf', props).policyId });
    });
    expect((json.output as any).PolicyId.value).toMatch(/^\$\{azurerm_web_application_firewall_policy\.Waf_[A-Z0-9]+\.id\}$/);
  });

  describe('rejects', () => {
    const fails = (p: Partial<BaselineWafPolicyProps>) => () => policyOf({ ...props, ...p });
    const path = props.criticalPaths[0];

    it('a malformed name', () => {
      expect(fails({ name: '-bad name' })).toThrow(/name "-bad name" is invalid/);
    });
    it.each([0, 4001, 1.5])('fileUploadLimitMb %p', (fileUploadLimitMb) => {
      expect(fails({ fileUploadLimitMb })).toThrow(/fileUploadLimitMb .* out of range/);
    });
    it('a global limit below 1', () => {
      expect(fails({ globalRateLimit: { limit: 0, windowSeconds: 300 } })).toThrow(/globalRateLimit\.limit 0 is invalid/);
    });
    it('a window outside 60, 120, 300, 600', () => {
      expect(fails({ globalRateLimit: { limit: 2000, windowSeconds: 3600 } })).toThrow(/globalRateLimit\.windowSeconds 3600 is invalid/);
    });
    it('no critical path', () => {
      expect(fails({ criticalPaths: [] })).toThrow(/criticalPaths is empty/);
    });
    it('more critical paths than the 100 custom rules a policy holds', () => {
      const many = Array.from({ length: 100 }, (_, i) => ({ ...path, name: `p${i}`, pathPrefix: `/p${i}` }));
      expect(fails({ criticalPaths: many })).toThrow(/criticalPaths has 100 entries; .* at most 100 custom rules/);
    });
    it('a critical path limit below 1', () => {
      expect(fails({ criticalPaths: [{ ...path, limit: 0 }] })).toThrow(/criticalPaths\[0\]\.limit 0 is invalid/);
    });
    it('a critical path window Azure cannot express', () => {
      expect(fails({ criticalPaths: [{ ...path, windowSeconds: 30 }] })).toThrow(/criticalPaths\[0\]\.windowSeconds 30 is invalid/);
    });
    it('a malformed critical path name', () => {
      expect(fails({ criticalPaths: [{ ...path, name: 'log in' }] })).toThrow(/criticalPaths\[0\]\.name "log in" is invalid/);
    });
    it('critical path names that give the same rule name', () => {
      expect(
        fails({ criticalPaths: [path, { ...path, name: 'Log-in', pathPrefix: '/signin' }, { ...path, name: 'log-In', pathPrefix: '/x' }] }),
      ).toThrow(/criticalPaths\[2\]\.name "log-In" gives the rule name RateLimitLogIn/);
    });
    it('a path prefix that is not a URL path', () => {
      expect(fails({ criticalPaths: [{ ...path, pathPrefix: 'login' }] })).toThrow(/criticalPaths\[0\]\.pathPrefix "login" is invalid/);
    });
    it('duplicate path prefixes', () => {
      expect(fails({ criticalPaths: [path, { ...path, name: 'login2', pathPrefix: '/LOGIN' }] })).toThrow(
        /criticalPaths\[1\]\.pathPrefix "\/LOGIN" duplicates criticalPaths\[0\]/,
      );
    });
    it('a critical limit not stricter than the global one', () => {
      expect(fails({ criticalPaths: [{ ...path, limit: 400, windowSeconds: 60 }] })).toThrow(
        /criticalPaths\[0\]\.limit 400 per 60 s is not stricter than globalRateLimit/,
      );
    });
  });
});
