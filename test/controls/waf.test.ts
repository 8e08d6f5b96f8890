import { checkWafManaged, checkWafRateCritical, checkWafRateGlobal, checkWafReputation } from '../../lib/controls/aws/waf';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { BaselineWebAcl } from '../../lib/aws/baseline-web-acl';
import { CLOUDFLARE_CLIENT_IP_HEADER } from '../../lib/config/origin-pull';
import { testStack } from '../aws/support';
import { edgeTemplate, primaryTemplate } from './fixtures/aws-templates';
import { expectFinding, expectNotApplicable, expectPass, props, weakened } from './support';

const rules = (t: any, acl = 'WebAcl'): any[] => props(t, acl).Rules;
const rule = (t: any, name: string, acl = 'WebAcl') => {
  const found = rules(t, acl).find((r) => r.Name === name);
  if (!found) throw new Error(`no rule ${name}`);
  return found;
};
const dropRule = (t: any, name: string, acl = 'WebAcl') => {
  props(t, acl).Rules = rules(t, acl).filter((r) => r.Name !== name);
};
const loginMatch = (t: any) => rule(t, 'rate-login').Statement.RateBasedStatement.ScopeDownStatement.ByteMatchStatement;
const allowAllFirst = (t: any) =>
  rules(t).unshift({
    Name: 'allow-all',
    Priority: -1,
    Action: { Allow: {} },
    Statement: {
      ByteMatchStatement: {
        FieldToMatch: { UriPath: {} },
        PositionalConstraint: 'STARTS_WITH',
        SearchString: '/',
        TextTransformations: [{ Priority: 0, Type: 'NONE' }],
      },
    },
    VisibilityConfig: { CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: 'allow-all' },
  });
const noAlb = (t: any) => {
  for (const id of Object.keys(t.Resources))
    if (['Gateway', 'WebAcl', 'WebAclAssociation', 'WebAclLogging', 'Cdn'].includes(id)) delete t.Resources[id];
};

describe('WAF-MANAGED (AWS)', () => {
  it('passes blocking core, known-bad-input and SQLi groups on an attached, logged ACL', () => {
    const result = checkWafManaged(primaryTemplate());
    expectPass(result);
    expect(result.evidence).toEqual(['WebAclLogging', 'WebAcl']);
  });

  it('passes the CLOUDFRONT ACL of the edge stack, which is attached through the distribution', () => {
    expectPass(checkWafManaged(edgeTemplate()));
  });

  it('is not applicable without web ACLs, load balancers or distributions', () => {
    expectNotApplicable(checkWafManaged(weakened(noAlb)));
  });

  it.each<[string, (t: any) => void, string, RegExp]>([
    ['the core rule set missing', (t) => dropRule(t, 'AWSManagedRulesCommonRuleSet'), 'WebAcl', /AWSManagedRulesCommonRuleSet is missing/],
    [
      'known bad inputs missing',
      (t) => dropRule(t, 'AWSManagedRulesKnownBadInputsRuleSet'),
      'WebAcl',
      /AWSManagedRulesKnownBadInputsRuleSet is missing/,
    ],
    ['SQLi missing', (t) => dropRule(t, 'AWSManagedRulesSQLiRuleSet'), 'WebAcl', /AWSManagedRulesSQLiRuleSet is missing/],
    [
      'SQLi in Count mode',
      (t) => (rule(t, 'AWSManagedRulesSQLiRuleSet').OverrideAction = { Count: {} }),
      'WebAcl',
      /\(AWSManagedRulesSQLiRuleSet\): OverrideAction is \{"Count":\{\}\}; expected \{"None":\{\}\}/,
    ],
    [
      'a vendor other than AWS',
      (t) => (rule(t, 'AWSManagedRulesCommonRuleSet').Statement.ManagedRuleGroupStatement.VendorName = 'Other'),
      'WebAcl',
      /VendorName is "Other"; expected "AWS"/,
    ],
    [
      'rules of the core set overridden to Count',
      (t) =>
        (rule(t, 'AWSManagedRulesCommonRuleSet').Statement.ManagedRuleGroupStatement.RuleActionOverrides = [
          { Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } },
        ]),
      'WebAcl',
      /RuleActionOverrides set "SizeRestrictions_BODY" to Count\/Allow/,
    ],
    [
      'excluded rules',
      (t) => (rule(t, 'AWSManagedRulesSQLiRuleSet').Statement.ManagedRuleGroupStatement.ExcludedRules = [{ Name: 'SQLi_BODY' }]),
      'WebAcl',
      /ExcludedRules .*expected none/,
    ],
    [
      'an Allow rule ahead of the groups',
      allowAllFirst,
      'WebAcl',
      /rule "allow-all" \(Priority -1\) allows requests before it is evaluated/,
    ],
    [
      'a rule without sampled requests',
      (t) => (rule(t, 'AWSManagedRulesSQLiRuleSet').VisibilityConfig.SampledRequestsEnabled = false),
      'WebAcl',
      /rule "AWSManagedRulesSQLiRuleSet": VisibilityConfig .*expected CloudWatchMetricsEnabled and SampledRequestsEnabled true/,
    ],
    [
      'a rule without metrics',
      (t) => (rule(t, 'rate-all').VisibilityConfig.CloudWatchMetricsEnabled = false),
      'WebAcl',
      /rule "rate-all": VisibilityConfig/,
    ],
    [
      'the ACL not attached to the ALB',
      (t) => delete t.Resources.WebAclAssociation,
      'Gateway',
      /no AWS::WAFv2::WebACLAssociation links this load balancer to a REGIONAL web ACL/,
    ],
    [
      'an ALB without any ACL',
      (t) => (t.Resources.Gateway2 = { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Scheme: 'internet-facing' } }),
      'Gateway2',
      /no AWS::WAFv2::WebACLAssociation/,
    ],
    ['a distribution without a web ACL', (t) => delete props(t, 'Cdn').DistributionConfig.WebACLId, 'Cdn', /WebACLId is absent/],
    ['no logging configuration', (t) => delete t.Resources.WebAclLogging, 'WebAcl', /no AWS::WAFv2::LoggingConfiguration/],
    [
      'the cookie header not redacted',
      (t) => (props(t, 'WebAclLogging').RedactedFields = [{ SingleHeader: { Name: 'Authorization' } }]),
      'WebAclLogging',
      /RedactedFields do not include SingleHeader "cookie"/,
    ],
    ['nothing redacted', (t) => delete props(t, 'WebAclLogging').RedactedFields, 'WebAclLogging', /SingleHeader "authorization"/],
    [
      'logs to a log group without the aws-waf-logs- prefix',
      (t) => (props(t, 'WebAclLogs').LogGroupName = 'waf'),
      'WebAclLogging',
      /is not a log group named aws-waf-logs-\*/,
    ],
  ])('fails with %s', (_name, edit, resource, message) => {
    expectFinding(checkWafManaged(weakened(edit)), resource, message);
  });

  it('accepts redacted header names in any case and a literal aws-waf-logs- ARN', () => {
    const t = weakened((t) => {
      props(t, 'WebAclLogging').RedactedFields = [{ SingleHeader: { Name: 'Authorization' } }, { SingleHeader: { Name: 'Cookie' } }];
      props(t, 'WebAclLogging').LogDestinationConfigs = ['arn:aws:logs:eu-west-1:111111111111:log-group:aws-waf-logs-central'];
    });
    expectPass(checkWafManaged(t));
  });

  it('checks the logging configuration of a CLOUDFRONT ACL when there is one', () => {
    const t = weakened((t) => (props(t, 'CdnWebAclLogging').RedactedFields = []), edgeTemplate);
    expectFinding(checkWafManaged(t), 'CdnWebAclLogging', /SingleHeader "authorization"/);
  });
});

describe('WAF-REPUTATION (AWS)', () => {
  it('passes the IP-reputation and anonymous-IP groups on both ACLs', () => {
    expectPass(checkWafReputation(primaryTemplate()));
    expectPass(checkWafReputation(edgeTemplate()));
  });

  it.each<[string, (t: any) => void, string, RegExp]>([
    [
      'IP reputation missing',
      (t) => dropRule(t, 'AWSManagedRulesAmazonIpReputationList'),
      'WebAcl',
      /AWSManagedRulesAmazonIpReputationList is missing/,
    ],
    ['anonymous IPs missing', (t) => dropRule(t, 'AWSManagedRulesAnonymousIpList'), 'WebAcl', /AWSManagedRulesAnonymousIpList is missing/],
    [
      'anonymous IPs only counted',
      (t) => (rule(t, 'AWSManagedRulesAnonymousIpList').OverrideAction = { Count: {} }),
      'WebAcl',
      /OverrideAction is \{"Count":\{\}\}/,
    ],
    ['an Allow rule ahead of them', allowAllFirst, 'WebAcl', /allows requests before it is evaluated/],
    ['the ACL detached', (t) => delete t.Resources.WebAclAssociation, 'Gateway', /WebACLAssociation/],
  ])('fails with %s', (_name, edit, resource, message) => {
    expectFinding(checkWafReputation(weakened(edit)), resource, message);
  });

  it('fails on the edge ACL too', () => {
    expectFinding(
      checkWafReputation(weakened((t) => dropRule(t, 'AWSManagedRulesAnonymousIpList', 'CdnWebAcl'), edgeTemplate)),
      'CdnWebAcl',
      /AnonymousIpList is missing/,
    );
  });
});

describe('WAF-RATE-GLOBAL (AWS)', () => {
  it('passes an unconditional per-IP rate rule that blocks, on both ACLs', () => {
    expectPass(checkWafRateGlobal(primaryTemplate()));
    expectPass(checkWafRateGlobal(edgeTemplate()));
  });

  it('accepts the default window (300 s) when EvaluationWindowSec is absent', () => {
    expectPass(checkWafRateGlobal(weakened((t) => delete rule(t, 'rate-all').Statement.RateBasedStatement.EvaluationWindowSec)));
  });

  it.each<[string, (t: any) => void, RegExp]>([
    [
      'no global rule',
      (t) => dropRule(t, 'rate-all'),
      /no rate-based rule on all traffic \(without a path scope\); expected one with AggregateKeyType "IP"/,
    ],
    [
      'the global rule only counting',
      (t) => (rule(t, 'rate-all').Action = { Count: {} }),
      /rule "rate-all": Action is \{"Count":\{\}\}; expected Block/,
    ],
    // Clients reach this load balancer directly: a header-keyed limit is one they write themselves.
    [
      'aggregation by forwarded IP',
      (t) => (rule(t, 'rate-all').Statement.RateBasedStatement.AggregateKeyType = 'FORWARDED_IP'),
      new RegExp(
        'AggregateKeyType is "FORWARDED_IP" on a load balancer clients reach directly; expected "IP": the header is written by ' +
          'whoever connects',
      ),
    ],
    [
      'a limit below the WAF minimum',
      (t) => (rule(t, 'rate-all').Statement.RateBasedStatement.Limit = 5),
      /Limit is 5; expected at least 10/,
    ],
    [
      'an unsupported window',
      (t) => (rule(t, 'rate-all').Statement.RateBasedStatement.EvaluationWindowSec = 30),
      /EvaluationWindowSec is 30; expected one of 60, 120, 300, 600/,
    ],
    [
      'a scope-down making it not global',
      (t) => (rule(t, 'rate-all').Statement.RateBasedStatement.ScopeDownStatement = { ByteMatchStatement: loginMatch(t) }),
      /no rate-based rule on all traffic/,
    ],
    ['an Allow rule ahead of it', allowAllFirst, /rule "allow-all" \(Priority -1\) allows requests before it is evaluated/],
  ])('fails with %s', (_name, edit, message) => {
    expectFinding(checkWafRateGlobal(weakened(edit)), 'WebAcl', message);
  });

  it('fails on the edge ACL when its global rule counts', () => {
    expectFinding(
      checkWafRateGlobal(weakened((t) => (rule(t, 'rate-all', 'CdnWebAcl').Action = { Count: {} }), edgeTemplate)),
      'CdnWebAcl',
      /expected Block/,
    );
  });
});

describe('WAF-RATE-CRITICAL (AWS)', () => {
  it('passes path-scoped rules that block, stricter and earlier than the global rule', () => {
    const result = checkWafRateCritical(primaryTemplate());
    expectPass(result);
    expect(result.evidence).toEqual(['WebAcl']);
  });

  it('is not applicable to a CLOUDFRONT-only stack', () => {
    expectNotApplicable(checkWafRateCritical(edgeTemplate()));
  });

  it('accepts an OrStatement of path prefixes', () => {
    const t = weakened((t) => {
      const m = loginMatch(t);
      rule(t, 'rate-login').Statement.RateBasedStatement.ScopeDownStatement = {
        OrStatement: { Statements: [{ ByteMatchStatement: m }, { ByteMatchStatement: { ...m, SearchString: '/signin' } }] },
      };
    });
    expectPass(checkWafRateCritical(t));
  });

  it.each<[string, (t: any) => void, RegExp]>([
    [
      'no critical-path rule',
      (t) => (props(t, 'WebAcl').Rules = rules(t).filter((r) => !r.Statement.RateBasedStatement?.ScopeDownStatement)),
      /no rate-based rule with a path scope-down/,
    ],
    [
      'the login rule only counting',
      (t) => (rule(t, 'rate-login').Action = { Count: {} }),
      /rule "rate-login": Action is \{"Count":\{\}\}; expected Block/,
    ],
    [
      'a critical limit as loose as the global one',
      (t) => (rule(t, 'rate-login').Statement.RateBasedStatement.Limit = 2000),
      /rule "rate-login": allows 2000 per 300 s \(6.667\/s\); expected fewer requests per second than the global rule \(6.667\/s\)/,
    ],
    [
      'a critical limit looser per second through a shorter window',
      (t) => Object.assign(rule(t, 'rate-login').Statement.RateBasedStatement, { Limit: 500, EvaluationWindowSec: 60 }),
      /allows 500 per 60 s \(8.333\/s\); expected fewer/,
    ],
    [
      'the critical rule evaluated after the global one',
      (t) => (rule(t, 'rate-login').Priority = 50),
      /rule "rate-login": Priority is 50; expected lower than the global rate rule's \(2\)/,
    ],
    [
      'an exact match instead of a prefix',
      (t) => (loginMatch(t).PositionalConstraint = 'EXACTLY'),
      /PositionalConstraint is "EXACTLY"; expected "STARTS_WITH"/,
    ],
    ['a match on the query string', (t) => (loginMatch(t).FieldToMatch = { QueryString: {} }), /expected FieldToMatch UriPath/],
    [
      'no LOWERCASE transformation',
      (t) => (loginMatch(t).TextTransformations = [{ Priority: 0, Type: 'NONE' }]),
      /expected LOWERCASE among them/,
    ],
    ['an upper-case search string', (t) => (loginMatch(t).SearchString = '/Login'), /SearchString "\/Login" has upper case/],
    [
      'a scope-down on something other than the path',
      (t) => (rule(t, 'rate-login').Statement.RateBasedStatement.ScopeDownStatement = { GeoMatchStatement: { CountryCodes: ['US'] } }),
      /expected a ByteMatchStatement on UriPath/,
    ],
    [
      'aggregation by forwarded IP',
      (t) => (rule(t, 'rate-login').Statement.RateBasedStatement.AggregateKeyType = 'FORWARDED_IP'),
      /AggregateKeyType is "FORWARDED_IP" on a load balancer clients reach directly; expected "IP"/,
    ],
    // Path normalisation: each transformation missing lets one spelling of /login escape.
    [
      'no NORMALIZE_PATH transformation',
      (t) =>
        (loginMatch(t).TextTransformations = [
          { Priority: 0, Type: 'URL_DECODE' },
          { Priority: 1, Type: 'LOWERCASE' },
        ]),
      /expected NORMALIZE_PATH, or "\/\/login" and "\/x\/..\/login" escape the limit/,
    ],
    [
      'no URL_DECODE transformation',
      (t) =>
        (loginMatch(t).TextTransformations = [
          { Priority: 0, Type: 'NORMALIZE_PATH' },
          { Priority: 1, Type: 'LOWERCASE' },
        ]),
      /expected URL_DECODE, or "\/%6Cogin" escapes the limit/,
    ],
    [
      'the path normalized before it is decoded',
      (t) =>
        (loginMatch(t).TextTransformations = [
          { Priority: 0, Type: 'NORMALIZE_PATH' },
          { Priority: 1, Type: 'URL_DECODE' },
          { Priority: 2, Type: 'LOWERCASE' },
        ]),
      /decode after normalizing the path/,
    ],
    ['no valid global rule to compare with', (t) => dropRule(t, 'rate-all'), /no valid global rate-based rule/],
    ['an Allow rule ahead of it', allowAllFirst, /rule "rate-login": rule "allow-all" \(Priority -1\) allows requests/],
  ])('fails with %s', (_name, edit, message) => {
    expectFinding(checkWafRateCritical(weakened(edit)), 'WebAcl', message);
  });

  it('fails when the ALB has no REGIONAL ACL', () => {
    const t = weakened((t) => {
      delete t.Resources.WebAcl;
      delete t.Resources.WebAclAssociation;
    });
    expectFinding(checkWafRateCritical(t), 'Gateway', /REGIONAL web ACL/);
  });
});

describe('WAF-RATE-* behind the origin-locked Cloudflare zone (AWS)', () => {
  // The web ACL BaselineWebAcl writes with clientIpHeader, as the locked stacks use it.
  const fronted = (): any => {
    const stack = testStack('Fronted');
    new BaselineWebAcl(stack, 'WebAcl', {
      name: 'acme-prod-app',
      globalRateLimit: { limit: 2000, windowSeconds: 300 },
      criticalPaths: [{ name: 'login', pathPrefix: '/login', limit: 100, windowSeconds: 300 }],
      clientIpHeader: CLOUDFLARE_CLIENT_IP_HEADER,
      logsKey: new kms.Key(stack, 'LogsKey'),
      logRetention: logs.RetentionDays.THREE_MONTHS,
    });
    return Template.fromStack(stack).toJSON();
  };
  const cached = JSON.stringify(fronted());
  const locked = { originLocked: true };
  const aclOf = (t: any) => Object.values<any>(t.Resources).find((r) => r.Type === 'AWS::WAFv2::WebACL').Properties;
  const named = (t: any, name: string) => aclOf(t).Rules.find((r: any) => r.Name === name);
  const edit = (fn: (t: any) => void) => {
    const t = JSON.parse(cached);
    fn(t);
    return t;
  };
  const aclId = Object.entries<any>(JSON.parse(cached).Resources).find(([, r]) => r.Type === 'AWS::WAFv2::WebACL')![0];

  it('passes rules keyed on CF-Connecting-IP with their header-less twins', () => {
    expectPass(checkWafRateGlobal(JSON.parse(cached), locked));
    expectPass(checkWafRateCritical(JSON.parse(cached), locked));
  });

  it('fails the same rules on a load balancer clients reach directly (the header is theirs to forge)', () => {
    expectFinding(
      checkWafRateGlobal(JSON.parse(cached)),
      aclId,
      /AggregateKeyType is "FORWARDED_IP" on a load balancer clients reach directly/,
    );
  });

  it.each<[string, (t: any) => void, 'WAF-RATE-GLOBAL' | 'WAF-RATE-CRITICAL', RegExp]>([
    // The outage: the edge node's address, shared by thousands of clients, trips the limit for all.
    [
      'the global rule counting the proxy address',
      (t) => {
        const s = named(t, 'rate-all').Statement.RateBasedStatement;
        s.AggregateKeyType = 'IP';
        delete s.ForwardedIPConfig;
      },
      'WAF-RATE-GLOBAL',
      new RegExp(
        'rule "rate-all": AggregateKeyType is "IP"; expected "FORWARDED_IP" from CF-Connecting-IP: behind Cloudflare the ' +
          'connecting address is an edge node shared by many clients',
      ),
    ],
    [
      'the login rule counting the proxy address',
      (t) => {
        const s = named(t, 'rate-login').Statement.RateBasedStatement;
        s.AggregateKeyType = 'IP';
        delete s.ForwardedIPConfig;
      },
      'WAF-RATE-CRITICAL',
      /rule "rate-login": AggregateKeyType is "IP"; expected "FORWARDED_IP"/,
    ],
    // The bypass: WAF skips a FORWARDED_IP rule for requests without the header.
    [
      'no twin for requests without the header (global)',
      (t) => (aclOf(t).Rules = aclOf(t).Rules.filter((r: any) => r.Name !== 'rate-all-no-client-ip')),
      'WAF-RATE-GLOBAL',
      /rule "rate-all" counts CF-Connecting-IP, and WAF skips it for requests without that header; expected a twin rule/,
    ],
    [
      'no twin for requests without the header (login)',
      (t) => (aclOf(t).Rules = aclOf(t).Rules.filter((r: any) => r.Name !== 'rate-login-no-client-ip')),
      'WAF-RATE-CRITICAL',
      /rule "rate-login" counts CF-Connecting-IP, and WAF skips it .*expected a twin rule on the same path/,
    ],
    [
      'a twin looser than its rule',
      (t) => (named(t, 'rate-login-no-client-ip').Statement.RateBasedStatement.Limit = 1000),
      'WAF-RATE-CRITICAL',
      /expected a twin rule on the same path/,
    ],
    [
      'a malformed header skipped (FallbackBehavior NO_MATCH)',
      (t) => (named(t, 'rate-all').Statement.RateBasedStatement.ForwardedIPConfig.FallbackBehavior = 'NO_MATCH'),
      'WAF-RATE-GLOBAL',
      /FallbackBehavior is "NO_MATCH"; expected "MATCH"/,
    ],
    [
      'X-Forwarded-For, whose first address the client writes',
      (t) => (named(t, 'rate-all').Statement.RateBasedStatement.ForwardedIPConfig.HeaderName = 'X-Forwarded-For'),
      'WAF-RATE-GLOBAL',
      /HeaderName is "X-Forwarded-For"; expected "CF-Connecting-IP"/,
    ],
    [
      'only the twin left on all traffic',
      (t) => (aclOf(t).Rules = aclOf(t).Rules.filter((r: any) => r.Name !== 'rate-all')),
      'WAF-RATE-GLOBAL',
      /only \["rate-all-no-client-ip"\] counts all traffic, and only requests lacking CF-Connecting-IP/,
    ],
  ])('fails with %s', (_what, weaken, control, message) => {
    const check = control === 'WAF-RATE-GLOBAL' ? checkWafRateGlobal : checkWafRateCritical;
    expectFinding(check(edit(weaken), locked), aclId, message);
  });
});
