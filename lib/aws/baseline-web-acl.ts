import { ArnFormat, type CfnResource, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { RESIDENCY_EXCEPTION_MARKER } from '../controls/markers';
import { markLogClass } from './immutable-log-archive';

/** A per-client-IP request limit. */
export interface RateLimit {
  /** Requests one client IP may send within the window. WAFv2 accepts 10 to 2,000,000,000. */
  readonly limit: number;
  /** Evaluation window in seconds: 60, 120, 300 or 600. */
  readonly windowSeconds: number;
}

/** A stricter limit on one critical endpoint (login, password reset, sign-up, token). */
export interface CriticalPathLimit extends RateLimit {
  /** Short name used in the rule and metric names. */
  readonly name: string;
  /** URI path prefix the rule counts (matched after URL decoding, path normalization and lower-casing). */
  readonly pathPrefix: string;
}

/** Props of {@link BaselineWebAcl}. */
export interface BaselineWebAclProps {
  /** Name of the web ACL; also names its metrics and its `aws-waf-logs-` log group. */
  readonly name: string;
  /**
   * `REGIONAL` for load balancers, `CLOUDFRONT` for distributions (deploy in us-east-1).
   * @default 'REGIONAL'
   */
  readonly scope?: 'REGIONAL' | 'CLOUDFRONT';
  /** Per-IP limit on all traffic (control WAF-RATE-GLOBAL). */
  readonly globalRateLimit: RateLimit;
  /**
   * Stricter per-IP limits on critical endpoints (control WAF-RATE-CRITICAL); each must allow
   * fewer requests per second than the global limit.
   * @default - none (not allowed for REGIONAL scope, which fronts the login endpoints)
   */
  readonly criticalPaths?: readonly CriticalPathLimit[];
  /**
   * AWS managed rule groups added after the baseline groups.
   * @default - none
   */
  readonly extraManagedRuleGroups?: readonly string[];
  /**
   * Header carrying the real client address, set by a proxy in front of the load balancer, such as
   * Cloudflare's `CF-Connecting-IP` (controls WAF-RATE-GLOBAL, WAF-RATE-CRITICAL). Behind a proxy
   * the connecting address is the proxy's, shared by all its clients: counting it blocks everyone
   * behind one busy edge node. With this header, every rate rule counts the address in the header
   * (`FORWARDED_IP`; a malformed value is counted in one shared bucket, `FallbackBehavior` MATCH),
   * and a twin rule counts requests that lack the header by connecting address, so omitting the
   * header never escapes a limit. Only safe when nothing but the proxy can reach the load balancer
   * (origin lock: its ranges and its client certificate), since anyone else could forge the header.
   * @default - the connecting address (`IP`): for load balancers clients reach directly
   */
  readonly clientIpHeader?: string;
  /** Key encrypting the WAF log group. */
  readonly logsKey: kms.IKey;
  /** Days WAF logs are kept. */
  readonly logRetention: logs.RetentionDays;
}

/** The managed groups every web ACL runs (controls WAF-REPUTATION and WAF-MANAGED). */
export const BASELINE_MANAGED_RULE_GROUPS = [
  'AWSManagedRulesAmazonIpReputationList',
  'AWSManagedRulesAnonymousIpList',
  'AWSManagedRulesKnownBadInputsRuleSet',
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesSQLiRuleSet',
] as const;

const WINDOWS = [60, 120, 300, 600];

/**
 * Transformations of a critical-path match, in order: percent-decoding first, then path
 * normalization (`//`, `/./` and `/../` segments collapsed), then lower-casing, so `/%6Cogin`,
 * `//login`, `/x/../login` and `/LOGIN` all count as `/login` (control WAF-RATE-CRITICAL).
 */
export const CRITICAL_PATH_TRANSFORMATIONS = ['URL_DECODE', 'NORMALIZE_PATH', 'LOWERCASE'] as const;

/** Suffix of the twin of a rate rule that counts requests lacking the client-address header. */
export const MISSING_CLIENT_IP_SUFFIX = '-no-client-ip';

/**
 * A WAFv2 web ACL (claims A2, A10, A14, B5): per-IP rate limits on critical endpoints first,
 * then a per-IP limit on all traffic, then AWS IP-reputation, anonymizer, known-bad-input, core
 * (OWASP) and SQL-injection groups, all blocking. Every rule emits metrics and sampled requests;
 * full logs go to an encrypted `aws-waf-logs-` group with the `authorization` and `cookie`
 * headers redacted, so credentials never land in logs.
 */
export class BaselineWebAcl extends Construct {
  /** The web ACL. */
  readonly resource: wafv2.CfnWebACL;
  /** The log group receiving the full WAF logs. */
  readonly logGroup: logs.LogGroup;
  /** The web ACL's ARN. */
  readonly webAclArn: string;
  /** Name of the web ACL (for metric dimensions). */
  readonly webAclName: string;
  private associations = 0;

  constructor(scope: Construct, id: string, props: BaselineWebAclProps) {
    super(scope, id);
    const aclScope = props.scope ?? 'REGIONAL';
    const critical = props.criticalPaths ?? [];
    checkLimit('globalRateLimit', props.globalRateLimit);
    if (aclScope === 'REGIONAL' && critical.length === 0) {
      throw new Error(
        'BaselineWebAcl.criticalPaths: received none; a REGIONAL web ACL fronts the login endpoints and needs at least one ' +
          'stricter limit (control WAF-RATE-CRITICAL)',
      );
    }
    const globalRate = props.globalRateLimit.limit / props.globalRateLimit.windowSeconds;
    critical.forEach((path, i) => {
      checkLimit(`criticalPaths[${i}]`, path);
      if (path.limit / path.windowSeconds >= globalRate) {
        throw new Error(
          `BaselineWebAcl.criticalPaths[${i}].limit: received ${path.limit} per ${path.windowSeconds} s; expected fewer ` +
            `requests per second than globalRateLimit (${props.globalRateLimit.limit} per ${props.globalRateLimit.windowSeconds} ` +
            `s); lower it`,
        );
      }
    });

    const metric = (name: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName: `${props.name}-${name}`,
    });
    const tooManyRequests = { block: { customResponse: { responseCode: 429 } } };
    const header = props.clientIpHeader;
    if (header !== undefined && !/^[A-Za-z0-9-]{1,64}$/.test(header)) {
      throw new Error(`BaselineWebAcl.clientIpHeader: received "${header}"; expected an HTTP header name such as CF-Connecting-IP`);
    }
    if (header !== undefined && aclScope === 'CLOUDFRONT') {
      throw new Error(
        "BaselineWebAcl.clientIpHeader: a CLOUDFRONT web ACL sees the client's own address; a header there would be set by " +
          'the client, who could forge a fresh address per request',
      );
    }
    // Behind a proxy (header set): requests that carry the header, counted by the address in it...
    const counted = (limit: RateLimit, scope?: wafv2.CfnWebACL.StatementProperty): wafv2.CfnWebACL.RateBasedStatementProperty => ({
      ...(header !== undefined
        ? { aggregateKeyType: 'FORWARDED_IP', forwardedIpConfig: { headerName: header, fallbackBehavior: 'MATCH' } }
        : { aggregateKeyType: 'IP' }),
      limit: limit.limit,
      evaluationWindowSec: limit.windowSeconds,
      ...(scope ? { scopeDownStatement: scope } : {}),
    });
    // ...and requests without it (WAF skips a FORWARDED_IP rule when the header is absent), counted
    // by connecting address against the same limit, so leaving the header out escapes nothing.
    const withoutHeader: wafv2.CfnWebACL.StatementProperty | undefined = header
      ? {
          notStatement: {
            statement: {
              sizeConstraintStatement: {
                fieldToMatch: { singleHeader: { Name: header.toLowerCase() } },
                comparisonOperator: 'GT',
                size: 0,
                textTransformations: [{ priority: 0, type: 'NONE' }],
              },
            },
          },
        }
      : undefined;
    const rules: wafv2.CfnWebACL.RuleProperty[] = [];
    const addRate = (name: string, limit: RateLimit, path?: wafv2.CfnWebACL.StatementProperty) => {
      rules.push({
        name,
        priority: rules.length,
        action: tooManyRequests,
        statement: { rateBasedStatement: counted(limit, path) },
        visibilityConfig: metric(name),
      });
      if (withoutHeader) {
        const twin = `${name}${MISSING_CLIENT_IP_SUFFIX}`;
        const scope = path ? { andStatement: { statements: [withoutHeader, path] } } : withoutHeader;
        rules.push({
          name: twin,
          priority: rules.length,
          action: tooManyRequests,
          statement: {
            rateBasedStatement: {
              aggregateKeyType: 'IP',
              limit: limit.limit,
              evaluationWindowSec: limit.windowSeconds,
              scopeDownStatement: scope,
            },
          },
          visibilityConfig: metric(twin),
        });
      }
    };
    for (const path of critical) {
      addRate(`rate-${path.name}`, path, {
        byteMatchStatement: {
          fieldToMatch: { uriPath: {} },
          positionalConstraint: 'STARTS_WITH',
          searchString: path.pathPrefix.toLowerCase(),
          textTransformations: CRITICAL_PATH_TRANSFORMATIONS.map((type, priority) => ({ priority, type })),
        },
      });
    }
    addRate('rate-all', props.globalRateLimit);
    for (const group of [...BASELINE_MANAGED_RULE_GROUPS, ...(props.extraManagedRuleGroups ?? [])]) {
      rules.push({
        name: group,
        priority: rules.length,
        overrideAction: { none: {} },
        statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: group } },
        visibilityConfig: metric(group),
      });
    }

    this.resource = new wafv2.CfnWebACL(this, 'Resource', {
      name: props.name,
      scope: aclScope,
      defaultAction: { allow: {} },
      rules,
      visibilityConfig: metric('all'),
    });
    this.webAclArn = this.resource.attrArn;
    this.webAclName = props.name;

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      // WAF only delivers to log groups whose name starts with aws-waf-logs-.
      logGroupName: `aws-waf-logs-${props.name}`,
      encryptionKey: props.logsKey,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // LOG-RETENTION: an ImmutableLogArchive of the stack copies these to Object-Locked storage.
    markLogClass(this.logGroup, 'waf');
    const logging = new wafv2.CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.resource.attrArn,
      // WAF wants the log group ARN without the trailing ':*' that logGroupArn carries.
      logDestinationConfigs: [
        Stack.of(this).formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: this.logGroup.logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      redactedFields: [{ singleHeader: { Name: 'authorization' } }, { singleHeader: { Name: 'cookie' } }],
    });
    logging.node.addDependency(this.logGroup);
    if (this.resource.scope === 'CLOUDFRONT') {
      // DATA-RESIDENCY: a CLOUDFRONT web ACL lives in us-east-1 and WAF delivers its logs to a
      // CloudWatch log group there only. They are request logs of the static-asset CDN (client IP,
      // URI, headers with authorization and cookie redacted), not service data. Declared here so
      // the residency check reports it as an exception in every report instead of failing or
      // hiding it; an S3 destination in the residency would remove it (docs/known-gaps.md).
      (this.logGroup.node.defaultChild as CfnResource).addMetadata(
        RESIDENCY_EXCEPTION_MARKER,
        "AWS WAF delivers a CloudFront web ACL's logs to CloudWatch Logs in us-east-1 only; these are request logs of the " +
          'static-asset CDN (client IP, URI, headers without authorization and cookie), not service data',
      );
    }
  }

  /** Associates the web ACL with a regional resource (an ALB) in the same stack. */
  associate(resourceArn: string): wafv2.CfnWebACLAssociation {
    if (this.resource.scope !== 'REGIONAL') {
      throw new Error("BaselineWebAcl.associate: a CLOUDFRONT web ACL is attached through the distribution's webAclId, not an association");
    }
    this.associations += 1;
    return new wafv2.CfnWebACLAssociation(this, this.associations === 1 ? 'Association' : `Association${this.associations}`, {
      resourceArn,
      webAclArn: this.resource.attrArn,
    });
  }
}

function checkLimit(field: string, limit: RateLimit): void {
  if (!Number.isInteger(limit.limit) || limit.limit < 10 || limit.limit > 2_000_000_000) {
    throw new Error(`BaselineWebAcl.${field}.limit: received ${limit.limit}; expected an integer from 10 to 2000000000 (WAFv2 limits)`);
  }
  if (!WINDOWS.includes(limit.windowSeconds)) {
    throw new Error(`BaselineWebAcl.${field}.windowSeconds: received ${limit.windowSeconds}; expected one of ${WINDOWS.join(', ')}`);
  }
}
