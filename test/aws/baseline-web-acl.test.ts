import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { BASELINE_MANAGED_RULE_GROUPS, BaselineWebAcl, type BaselineWebAclProps } from '../../lib/aws/baseline-web-acl';
import { ENV, getAtt, idSource, logicalId, ref, resourceOf, testStack } from './support';

const ALB_ARN = `arn:aws:elasticloadbalancing:${ENV.region}:${ENV.account}:loadbalancer/app/web/0123456789abcdef`;
const ALB2_ARN = `arn:aws:elasticloadbalancing:${ENV.region}:${ENV.account}:loadbalancer/app/api/fedcba9876543210`;

const stack = testStack();
const logsKey = new kms.Key(stack, 'LogsKey');
const acl = new BaselineWebAcl(stack, 'WebAcl', {
  name: 'acme-prod-app',
  globalRateLimit: { limit: 2000, windowSeconds: 300 },
  criticalPaths: [
    { name: 'login', pathPrefix: '/Account/Login', limit: 100, windowSeconds: 300 },
    { name: 'reset', pathPrefix: '/password/reset', limit: 20, windowSeconds: 600 },
  ],
  extraManagedRuleGroups: ['AWSManagedRulesLinuxRuleSet'],
  logsKey,
  logRetention: logs.RetentionDays.THREE_MONTHS,
});
const association = acl.associate(ALB_ARN);
const association2 = acl.associate(ALB2_ARN);
const cdnAcl = new BaselineWebAcl(stack, 'CdnWebAcl', {
  name: 'acme-prod-cdn',
  scope: 'CLOUDFRONT',
  globalRateLimit: { limit: 3000, windowSeconds: 120 },
  logsKey,
  logRetention: logs.RetentionDays.ONE_MONTH,
});
const template = Template.fromStack(stack);
const acl0 = resourceOf(template, acl.resource).Properties;
const rules: any[] = acl0.Rules;
const cdnRules: any[] = resourceOf(template, cdnAcl.resource).Properties.Rules;

const BLOCK_429 = { Block: { CustomResponse: { ResponseCode: 429 } } };
const visibility = (metricName: string) => ({ CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: metricName });

describe('BaselineWebAcl', () => {
  it('is a REGIONAL web ACL allowing what no rule blocks, with ACL-wide metrics', () => {
    expect(acl0).toMatchObject({
      Name: 'acme-prod-app',
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      VisibilityConfig: visibility('acme-prod-app-all'),
    });
  });

  it('orders the rules: critical paths, then rate-all, then the baseline managed groups, then extras', () => {
    expect(rules.map((r) => r.Name)).toEqual([
      'rate-login',
      'rate-reset',
      'rate-all',
      'AWSManagedRulesAmazonIpReputationList',
      'AWSManagedRulesAnonymousIpList',
      'AWSManagedRulesKnownBadInputsRuleSet',
      'AWSManagedRulesCommonRuleSet',
      'AWSManagedRulesSQLiRuleSet',
      'AWSManagedRulesLinuxRuleSet',
    ]);
    expect(rules.map((r) => r.Priority)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('rate-limits each critical path per client IP on its URL-decoded, path-normalized, lower-cased prefix, blocking with 429', () => {
    expect(rules[0]).toEqual({
      Name: 'rate-login',
      Priority: 0,
      Action: BLOCK_429,
      Statement: {
        RateBasedStatement: {
          AggregateKeyType: 'IP',
          Limit: 100,
          EvaluationWindowSec: 300,
          ScopeDownStatement: {
            ByteMatchStatement: {
              FieldToMatch: { UriPath: {} },
              PositionalConstraint: 'STARTS_WITH',
              SearchString: '/account/login',
              TextTransformations: [
                { Priority: 0, Type: 'URL_DECODE' },
                { Priority: 1, Type: 'NORMALIZE_PATH' },
                { Priority: 2, Type: 'LOWERCASE' },
              ],
            },
          },
        },
      },
      VisibilityConfig: visibility('acme-prod-app-rate-login'),
    });
    expect(rules[1].Statement.RateBasedStatement).toMatchObject({ AggregateKeyType: 'IP', Limit: 20, EvaluationWindowSec: 600 });
    expect(rules[1].Statement.RateBasedStatement.ScopeDownStatement.ByteMatchStatement.SearchString).toBe('/password/reset');
    expect(rules[1].Action).toEqual(BLOCK_429);
  });

  it('rate-limits all traffic per client IP with the global limit, blocking with 429', () => {
    expect(rules[2]).toEqual({
      Name: 'rate-all',
      Priority: 2,
      Action: BLOCK_429,
      Statement: { RateBasedStatement: { AggregateKeyType: 'IP', Limit: 2000, EvaluationWindowSec: 300 } },
      VisibilityConfig: visibility('acme-prod-app-rate-all'),
    });
  });

  it('runs every managed group with its own actions (OverrideAction None)', () => {
    const managed = rules.slice(3);
    expect(managed).toHaveLength(BASELINE_MANAGED_RULE_GROUPS.length + 1);
    for (const rule of managed) {
      expect(rule).toEqual({
        Name: rule.Name,
        Priority: rule.Priority,
        OverrideAction: { None: {} },
        Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: rule.Name } },
        VisibilityConfig: visibility(`acme-prod-app-${rule.Name}`),
      });
    }
  });

  it('emits metrics and sampled requests on every rule', () => {
    for (const rule of [...rules, ...cdnRules]) {
      expect(rule.VisibilityConfig).toMatchObject({ CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true });
    }
  });

  it('logs to an encrypted, retained aws-waf-logs- group', () => {
    const group = resourceOf(template, acl.logGroup);
    expect(group.Properties).toEqual({
      LogGroupName: 'aws-waf-logs-acme-prod-app',
      KmsKeyId: getAtt(logsKey, 'Arn'),
      RetentionInDays: 90,
      Tags: [{ Key: 'baseline:log-class', Value: 'waf' }],
    });
    expect(group.DeletionPolicy).toBe('Retain');
    expect(group.UpdateReplacePolicy).toBe('Retain');
  });

  it('sends full logs to that group with the authorization and cookie headers redacted', () => {
    const logging = resourceOf(template, acl.node.findChild('Logging'));
    expect(logging.Properties).toEqual({
      ResourceArn: getAtt(acl.resource, 'Arn'),
      // The group's ARN without the trailing ':*' (its name is aws-waf-logs-acme-prod-app, asserted above).
      LogDestinationConfigs: [{ 'Fn::Join': ['', [`arn:aws:logs:${ENV.region}:${ENV.account}:log-group:`, ref(acl.logGroup)]] }],
      RedactedFields: [{ SingleHeader: { Name: 'authorization' } }, { SingleHeader: { Name: 'cookie' } }],
    });
    expect(logging.DependsOn).toContain(logicalId(acl.logGroup));
  });

  it('associates the web ACL with each given resource', () => {
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 2);
    expect(resourceOf(template, association).Properties).toEqual({ ResourceArn: ALB_ARN, WebACLArn: getAtt(acl.resource, 'Arn') });
    expect(resourceOf(template, association2).Properties).toEqual({ ResourceArn: ALB2_ARN, WebACLArn: getAtt(acl.resource, 'Arn') });
    expect(association.node.id).toBe('Association');
    expect(association2.node.id).toBe('Association2');
  });

  describe('behind a proxy that sets the client address (clientIpHeader, origin-locked Cloudflare)', () => {
    const proxied = testStack('Proxied');
    const behind = new BaselineWebAcl(proxied, 'WebAcl', {
      name: 'acme-prod-app',
      globalRateLimit: { limit: 2000, windowSeconds: 300 },
      criticalPaths: [{ name: 'login', pathPrefix: '/login', limit: 100, windowSeconds: 300 }],
      clientIpHeader: 'CF-Connecting-IP',
      logsKey: new kms.Key(proxied, 'LogsKey'),
      logRetention: logs.RetentionDays.THREE_MONTHS,
    });
    const proxiedRules: any[] = resourceOf(Template.fromStack(proxied), behind.resource).Properties.Rules;
    const missingHeader = {
      NotStatement: {
        Statement: {
          SizeConstraintStatement: {
            FieldToMatch: { SingleHeader: { Name: 'cf-connecting-ip' } },
            ComparisonOperator: 'GT',
            Size: 0,
            TextTransformations: [{ Priority: 0, Type: 'NONE' }],
          },
        },
      },
    };
    const loginMatch = proxiedRules[0].Statement.RateBasedStatement.ScopeDownStatement;

    it(
      "counts each rate rule by the header's address, a malformed one in one shared bucket, followed by a twin for requests " +
        'without it',
      () => {
        expect(proxiedRules.slice(0, 4).map((r) => [r.Name, r.Priority])).toEqual([
          ['rate-login', 0],
          ['rate-login-no-client-ip', 1],
          ['rate-all', 2],
          ['rate-all-no-client-ip', 3],
        ]);
        expect(proxiedRules[0].Statement.RateBasedStatement).toEqual({
          AggregateKeyType: 'FORWARDED_IP',
          ForwardedIPConfig: { HeaderName: 'CF-Connecting-IP', FallbackBehavior: 'MATCH' },
          Limit: 100,
          EvaluationWindowSec: 300,
          ScopeDownStatement: loginMatch,
        });
        expect(proxiedRules[2].Statement.RateBasedStatement).toEqual({
          AggregateKeyType: 'FORWARDED_IP',
          ForwardedIPConfig: { HeaderName: 'CF-Connecting-IP', FallbackBehavior: 'MATCH' },
          Limit: 2000,
          EvaluationWindowSec: 300,
        });
      },
    );

    it('counts requests that lack the header by connecting address at the same limits, so omitting it escapes nothing', () => {
      expect(proxiedRules[1]).toEqual({
        Name: 'rate-login-no-client-ip',
        Priority: 1,
        Action: BLOCK_429,
        Statement: {
          RateBasedStatement: {
            AggregateKeyType: 'IP',
            Limit: 100,
            EvaluationWindowSec: 300,
            ScopeDownStatement: { AndStatement: { Statements: [missingHeader, loginMatch] } },
          },
        },
        VisibilityConfig: visibility('acme-prod-app-rate-login-no-client-ip'),
      });
      expect(proxiedRules[3].Statement.RateBasedStatement).toEqual({
        AggregateKeyType: 'IP',
        Limit: 2000,
        EvaluationWindowSec: 300,
        ScopeDownStatement: missingHeader,
      });
    });

    it("refuses a header on a CLOUDFRONT web ACL, which sees the client's own address", () => {
      expect(
        () =>
          new BaselineWebAcl(testStack('Cf'), 'WebAcl', {
            name: 'cdn',
            scope: 'CLOUDFRONT',
            globalRateLimit: { limit: 2000, windowSeconds: 300 },
            clientIpHeader: 'CF-Connecting-IP',
            logsKey: new kms.Key(testStack('Cf2'), 'K'),
            logRetention: logs.RetentionDays.ONE_MONTH,
          }),
      ).toThrow(/BaselineWebAcl.clientIpHeader: a CLOUDFRONT web ACL sees the client's own address/);
    });

    it('refuses a header name that is not one', () => {
      const scratch = testStack('Bad');
      expect(
        () =>
          new BaselineWebAcl(scratch, 'WebAcl', {
            name: 'x',
            globalRateLimit: { limit: 2000, windowSeconds: 300 },
            criticalPaths: [{ name: 'login', pathPrefix: '/login', limit: 10, windowSeconds: 300 }],
            clientIpHeader: 'CF Connecting IP',
            logsKey: new kms.Key(scratch, 'K'),
            logRetention: logs.RetentionDays.ONE_MONTH,
          }),
      ).toThrow(/clientIpHeader: received "CF Connecting IP"; expected an HTTP header name/);
    });
  });

  describe('CLOUDFRONT scope', () => {
    it('needs no critical path and runs rate-all first, then the baseline groups', () => {
      expect(resourceOf(template, cdnAcl.resource).Properties.Scope).toBe('CLOUDFRONT');
      expect(cdnRules.map((r) => r.Name)).toEqual(['rate-all', ...BASELINE_MANAGED_RULE_GROUPS]);
      expect(cdnRules[0].Statement.RateBasedStatement).toEqual({ AggregateKeyType: 'IP', Limit: 3000, EvaluationWindowSec: 120 });
      expect(cdnRules[0].Action).toEqual(BLOCK_429);
    });

    it('cannot be associated (CloudFront attaches it by webAclId)', () => {
      expect(() => cdnAcl.associate(ALB_ARN)).toThrow(
        /BaselineWebAcl\.associate: a CLOUDFRONT web ACL is attached through the distribution's webAclId/,
      );
    });
  });

  describe('errors', () => {
    const scratch = testStack('Scratch');
    const key = new kms.Key(scratch, 'Key');
    const id = idSource();
    const base: BaselineWebAclProps = {
      name: 'x',
      globalRateLimit: { limit: 2000, windowSeconds: 300 },
      criticalPaths: [{ name: 'login', pathPrefix: '/login', limit: 100, windowSeconds: 300 }],
      logsKey: key,
      logRetention: logs.RetentionDays.ONE_MONTH,
    };
    const make = (over: Partial<BaselineWebAclProps>) => () => new BaselineWebAcl(scratch, id(), { ...base, ...over });

    it.each([9, 2_000_000_001, 100.5])('fails when the global limit is %p', (limit) => {
      expect(make({ globalRateLimit: { limit, windowSeconds: 300 } })).toThrow(
        new RegExp(`BaselineWebAcl\\.globalRateLimit\\.limit: received ${limit}; expected an integer from 10 to 2000000000`),
      );
    });

    it.each([30, 0, 180])('fails when the global window is %p s', (windowSeconds) => {
      expect(make({ globalRateLimit: { limit: 2000, windowSeconds } })).toThrow(
        new RegExp(`BaselineWebAcl\\.globalRateLimit\\.windowSeconds: received ${windowSeconds}; expected one of 60, 120, 300, 600`),
      );
    });

    it('fails when a critical path limit is 9', () => {
      expect(make({ criticalPaths: [{ name: 'login', pathPrefix: '/login', limit: 9, windowSeconds: 300 }] })).toThrow(
        /BaselineWebAcl\.criticalPaths\[0\]\.limit: received 9; expected an integer from 10/,
      );
    });

    it('fails when a critical path window is 30 s', () => {
      expect(make({ criticalPaths: [{ name: 'login', pathPrefix: '/login', limit: 100, windowSeconds: 30 }] })).toThrow(
        /BaselineWebAcl\.criticalPaths\[0\]\.windowSeconds: received 30; expected one of 60, 120, 300, 600/,
      );
    });

    it('fails when a critical path is not stricter than the global limit', () => {
      expect(
        make({
          criticalPaths: [
            { name: 'login', pathPrefix: '/login', limit: 100, windowSeconds: 300 },
            { name: 'api', pathPrefix: '/api', limit: 2000, windowSeconds: 300 },
          ],
        }),
      ).toThrow(
        new RegExp(
          'BaselineWebAcl\\.criticalPaths\\[1\\]\\.limit: received 2000 per 300 s; expected fewer requests per second than ' +
            'globalRateLimit \\(2000 per 300 s\\)',
        ),
      );
    });

    it('compares limits per second across windows', () => {
      // 500 per 60 s is 8.3/s, looser than 2000 per 300 s (6.7/s) although the count is lower.
      expect(make({ criticalPaths: [{ name: 'login', pathPrefix: '/login', limit: 500, windowSeconds: 60 }] })).toThrow(
        /BaselineWebAcl\.criticalPaths\[0\]\.limit: received 500 per 60 s; expected fewer requests per second/,
      );
    });

    it('fails on a REGIONAL web ACL with no critical path', () => {
      expect(make({ criticalPaths: [] })).toThrow(
        /BaselineWebAcl\.criticalPaths: received none; a REGIONAL web ACL fronts the login endpoints and needs at least one stricter limit/,
      );
      expect(make({ criticalPaths: undefined })).toThrow(/BaselineWebAcl\.criticalPaths: received none/);
    });
  });
});
