import { CLOUDFLARE_CLIENT_IP_HEADER } from '../../config/origin-pull';
import { POLICY_FLOORS } from '../../config/floors';
import type { CheckOptions, CheckResult } from '../types';
import { isApplicationLoadBalancer } from './edge-tls';
import { isLockedToEdge } from './origin-lock';
import { Outcome } from '../core/outcome';
import { list, ofType, refTarget, refsIn, refTo, renderText, type CfnTemplate, type Res, show } from './template';

/** Managed groups against OWASP-class attacks, malformed requests and SQL injection (claims A10, A14, B5). */
export const MANAGED_GROUPS = [
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
  'AWSManagedRulesSQLiRuleSet',
] as const;
/** Managed groups against bad-reputation and anonymizing sources (claims A2, A14). */
export const REPUTATION_GROUPS = ['AWSManagedRulesAmazonIpReputationList', 'AWSManagedRulesAnonymousIpList'] as const;
/** Headers that carry credentials and must be redacted from WAF logs. */
export const REDACTED_HEADERS = ['authorization', 'cookie'] as const;

const DEFAULT_WINDOW_SECONDS = 300;

/** Control WAF-MANAGED: the core, known-bad-inputs and SQLi groups block; REGIONAL ACLs are attached and logged. */
export function checkWafManaged(template: CfnTemplate): CheckResult {
  const out = new Outcome('WAF-MANAGED');
  const acls = webAcls(template);
  for (const acl of acls) {
    out.within(acl.id, () => {
      checkGroups(out, acl, MANAGED_GROUPS);
      checkVisibility(out, acl);
      if (acl.props.Scope === 'REGIONAL') checkLogging(out, template, acl);
    });
  }
  // A logging configuration that exists is checked even for CLOUDFRONT ACLs.
  for (const logging of ofType(template, 'AWS::WAFv2::LoggingConfiguration')) {
    const acl = refTo(template, logging.props.ResourceArn, 'AWS::WAFv2::WebACL');
    if (acl && acl.props.Scope !== 'REGIONAL') out.within(logging.id, () => checkLoggingConfiguration(out, template, logging));
  }
  checkCoverage(out, template, 'all');
  return out.result(applicable(template, acls));
}

/** Control WAF-REPUTATION: the IP-reputation and anonymous-IP groups block on every ACL. */
export function checkWafReputation(template: CfnTemplate): CheckResult {
  const out = new Outcome('WAF-REPUTATION');
  const acls = webAcls(template);
  for (const acl of acls) out.within(acl.id, () => checkGroups(out, acl, REPUTATION_GROUPS));
  checkCoverage(out, template, 'all');
  return out.result(applicable(template, acls));
}

/**
 * Control WAF-RATE-GLOBAL: every ACL blocks any client above a per-client rate, on all traffic.
 * A client is the connecting address, except on a REGIONAL ACL of an environment locked to its
 * Cloudflare zone (`originLocked`): there the connecting address is a Cloudflare edge node shared
 * by many clients, so the rule must count `FORWARDED_IP` from CF-Connecting-IP (FallbackBehavior
 * MATCH, so a malformed value is counted, not skipped), and a twin rule must count the requests
 * that lack the header (WAF skips a FORWARDED_IP rule for them) by connecting address at no higher
 * rate. Without origin lock a FORWARDED_IP rule fails: whoever connects writes the header, and a
 * fresh address per request escapes the limit.
 */
export function checkWafRateGlobal(template: CfnTemplate, options: CheckOptions = {}): CheckResult {
  const out = new Outcome('WAF-RATE-GLOBAL');
  const acls = webAcls(template);
  for (const acl of acls) {
    out.within(acl.id, () => {
      const fronted = isFronted(template, acl, options);
      const candidates = rules(acl).filter((r) => rateStatement(r) && isUnscoped(scopeOf(r)));
      if (candidates.length === 0) {
        out.fail(
          acl.id,
          `no rate-based rule on all traffic (without a path scope); expected one with AggregateKeyType ` +
            `${fronted ? '"FORWARDED_IP" (CF-Connecting-IP)' : '"IP"'}, Action Block, Limit >= 10`,
        );
        return;
      }
      if (validGlobalRules(acl, fronted).length === 0) {
        const mains = candidates.filter((r) => !isFallbackTwin(r, fronted));
        if (mains.length === 0)
          out.fail(
            acl.id,
            `only ${show(candidates.map((r) => r.Name))} counts all traffic, and only requests lacking ` +
              `${CLOUDFLARE_CLIENT_IP_HEADER}; expected a rule counting every client by FORWARDED_IP`,
          );
        for (const rule of mains)
          for (const problem of globalRuleProblems(acl, rule, fronted)) out.fail(acl.id, `rule ${show(rule.Name)}: ${problem}`);
        return;
      }
      if (fronted) {
        for (const main of validGlobalRules(acl, true)) {
          const twin = candidates.find(
            (r) => isFallbackTwin(r, true) && basicRuleProblems(acl, r).length === 0 && perSecond(r) <= perSecond(main),
          );
          if (!twin)
            out.fail(
              acl.id,
              `rule ${show(main.Name)} counts CF-Connecting-IP, and WAF skips it for requests without that header; expected a ` +
                `twin rule (AggregateKeyType "IP", scope-down NOT header present, Block, at most the same rate) so leaving the ` +
                `header out escapes nothing`,
            );
        }
      }
    });
  }
  checkCoverage(out, template, 'all');
  return out.result(applicable(template, acls));
}

/**
 * Control WAF-RATE-CRITICAL: every REGIONAL ACL has path-scoped per-client rate rules that block,
 * at a lower rate per second than the global rule and evaluated before it. Each path match
 * inspects UriPath with STARTS_WITH after URL_DECODE, then NORMALIZE_PATH (or NORMALIZE_PATH_WIN),
 * then LOWERCASE, so `/%6Cogin`, `//login`, `/x/../login` and `/LOGIN` count as `/login`. Clients
 * are counted as in WAF-RATE-GLOBAL: behind the locked Cloudflare zone by CF-Connecting-IP, with a
 * twin per path for requests lacking the header.
 */
export function checkWafRateCritical(template: CfnTemplate, options: CheckOptions = {}): CheckResult {
  const out = new Outcome('WAF-RATE-CRITICAL');
  const acls = webAcls(template).filter((a) => a.props.Scope === 'REGIONAL');
  for (const acl of acls) {
    out.within(acl.id, () => {
      const fronted = isFronted(template, acl, options);
      const scoped = rules(acl).filter((r) => rateStatement(r) && !isUnscoped(scopeOf(r)));
      if (scoped.length === 0) {
        out.fail(acl.id, 'no rate-based rule with a path scope-down; expected per-client limits on critical paths (login, password reset)');
        return;
      }
      const globals = validGlobalRules(acl, fronted);
      if (globals.length === 0)
        out.fail(acl.id, 'no valid global rate-based rule to compare the critical-path limits with (see WAF-RATE-GLOBAL)');
      const globalRate = Math.min(...globals.map(perSecond));
      const globalPriority = Math.min(...globals.map((r) => Number(r.Priority)));
      for (const rule of scoped) {
        const name = `rule ${show(rule.Name)}`;
        const s = rateStatement(rule);
        const scope = scopeOf(rule);
        const twin = isFallbackTwin(rule, fronted);
        if (!twin) for (const problem of keyProblems(s, fronted)) out.fail(acl.id, `${name}: ${problem}`);
        for (const problem of basicRuleProblems(acl, rule)) out.fail(acl.id, `${name}: ${problem}`);
        if (scope.other)
          out.fail(
            acl.id,
            `${name}: ScopeDownStatement is ${show(scope.other)}; expected a ByteMatchStatement on UriPath (or an OrStatement ` +
              `of them), alone or AND the missing-${CLOUDFLARE_CLIENT_IP_HEADER} condition`,
          );
        else for (const problem of pathMatchProblems(scope.path)) out.fail(acl.id, `${name}: ScopeDownStatement ${problem}`);
        if (fronted && !twin) {
          const prefixes = prefixesOf(scope.path);
          const hasTwin = scoped.some(
            (r) =>
              isFallbackTwin(r, true) &&
              sameStrings(prefixesOf(scopeOf(r).path), prefixes) &&
              perSecond(r) <= perSecond(rule) &&
              basicRuleProblems(acl, r).length === 0,
          );
          if (!hasTwin)
            out.fail(
              acl.id,
              `${name} counts CF-Connecting-IP, and WAF skips it for requests without that header; expected a twin rule on ` +
                `the same path (AggregateKeyType "IP", scope-down NOT header present AND the path) at most as loose`,
            );
        }
        if (globals.length > 0) {
          if (!(perSecond(rule) < globalRate)) {
            out.fail(
              acl.id,
              `${name}: allows ${s.Limit} per ${s.EvaluationWindowSec ?? DEFAULT_WINDOW_SECONDS} s ` +
                `(${perSecond(rule).toFixed(3)}/s); expected fewer requests per second than the global rule ` +
                `(${globalRate.toFixed(3)}/s)`,
            );
          }
          if (!(Number(rule.Priority) < globalPriority)) {
            out.fail(
              acl.id,
              `${name}: Priority is ${show(rule.Priority)}; expected lower than the global rate rule's (${globalPriority}), ` +
                `so it is evaluated first`,
            );
          }
        }
      }
    });
  }
  checkCoverage(out, template, 'regional');
  const albs = ofType(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer').filter(isApplicationLoadBalancer);
  return out.result(acls.length + albs.length > 0);
}

// ---- shared ----

function webAcls(template: CfnTemplate): Res[] {
  return ofType(template, 'AWS::WAFv2::WebACL');
}

function applicable(template: CfnTemplate, acls: Res[]): boolean {
  const albs = ofType(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer').filter(isApplicationLoadBalancer);
  const distributions = ofType(template, 'AWS::CloudFront::Distribution');
  return acls.length + albs.length + distributions.length > 0;
}

function rules(acl: Res): any[] {
  return list(acl.props.Rules).filter((r) => r && typeof r === 'object');
}

function rateStatement(rule: any): any {
  return rule?.Statement?.RateBasedStatement;
}

function isBlock(rule: any): boolean {
  return rule?.Action !== undefined && rule.Action.Block !== undefined && Object.keys(rule.Action).length === 1;
}

function perSecond(rule: any): number {
  const s = rateStatement(rule);
  return Number(s.Limit) / Number(s.EvaluationWindowSec ?? DEFAULT_WINDOW_SECONDS);
}

/** The first rule with an Allow action evaluated before `rule`, if any: it would bypass `rule`. */
function allowBefore(acl: Res, rule: any): any | undefined {
  return rules(acl).find((r) => r.Action?.Allow !== undefined && Number(r.Priority) < Number(rule.Priority));
}

/**
 * A REGIONAL ACL in front of an origin locked to its Cloudflare zone, so clients come through the
 * edge: the config says so (`originLocked`), or the template shows it (every load balancer the ACL
 * is associated with admits only Cloudflare's ranges and verifies client certificates).
 */
function isFronted(template: CfnTemplate, acl: Res, options: CheckOptions): boolean {
  if (acl.props.Scope !== 'REGIONAL') return false;
  if (options.originLocked === true) return true;
  const lbs = ofType(template, 'AWS::WAFv2::WebACLAssociation')
    .filter((a) => refTarget(a.props.WebACLArn) === acl.id)
    .map((a) => refTarget(a.props.ResourceArn));
  return lbs.length > 0 && lbs.every((id) => id !== undefined && isLockedToEdge(template, id));
}

/** What a rate rule's scope-down holds: a path match, the missing-header condition, or else. */
interface RateScope {
  readonly path?: any;
  /** Lower-cased name of the header whose absence the scope requires. */
  readonly missingHeader?: string;
  readonly other?: any;
}

/** `NOT (SingleHeader h size > 0)`: the request lacks header h (AWS's documented form). */
function missingHeaderOf(statement: any): string | undefined {
  const size = statement?.NotStatement?.Statement?.SizeConstraintStatement;
  const name = size?.FieldToMatch?.SingleHeader?.Name;
  return size && typeof name === 'string' && size.ComparisonOperator === 'GT' && Number(size.Size) === 0 ? name.toLowerCase() : undefined;
}

/** A scope that still counts all traffic of a client key: none, or only the missing-header twin's. */
const isUnscoped = (scope: RateScope) => scope.path === undefined && scope.other === undefined;

const isPathMatch = (statement: any) => statement?.ByteMatchStatement !== undefined || statement?.OrStatement !== undefined;

function scopeOf(rule: any): RateScope {
  const scope = rateStatement(rule)?.ScopeDownStatement;
  if (scope === undefined) return {};
  const header = missingHeaderOf(scope);
  if (header) return { missingHeader: header };
  if (isPathMatch(scope)) return { path: scope };
  const parts = list(scope?.AndStatement?.Statements);
  if (parts.length === 2) {
    const h = parts.map(missingHeaderOf);
    const i = h.findIndex((x) => x !== undefined);
    if (i >= 0 && isPathMatch(parts[1 - i])) return { missingHeader: h[i], path: parts[1 - i] };
  }
  return { other: scope };
}

/**
 * The twin of a forwarded-IP rule: counts by connecting address the requests that lack
 * CF-Connecting-IP. Only behind the locked edge; elsewhere an IP rule is a plain rule.
 */
function isFallbackTwin(rule: any, fronted: boolean): boolean {
  return (
    fronted && rateStatement(rule)?.AggregateKeyType === 'IP' && scopeOf(rule).missingHeader === CLOUDFLARE_CLIENT_IP_HEADER.toLowerCase()
  );
}

/** Problems of the client key of a (non-twin) rate rule. */
function keyProblems(s: any, fronted: boolean): string[] {
  if (fronted) {
    const header = s.ForwardedIPConfig?.HeaderName;
    if (s.AggregateKeyType !== 'FORWARDED_IP') {
      return [
        `AggregateKeyType is ${show(s.AggregateKeyType)}; expected "FORWARDED_IP" from ${CLOUDFLARE_CLIENT_IP_HEADER}: behind ` +
          `Cloudflare the connecting address is an edge node shared by many clients, so one busy node trips the limit for ` +
          `all of them`,
      ];
    }
    const problems: string[] = [];
    if (typeof header !== 'string' || header.toLowerCase() !== CLOUDFLARE_CLIENT_IP_HEADER.toLowerCase())
      problems.push(
        `ForwardedIPConfig.HeaderName is ${show(header)}; expected "${CLOUDFLARE_CLIENT_IP_HEADER}" (the address Cloudflare ` +
          `saw; X-Forwarded-For starts with whatever the client sent)`,
      );
    if (s.ForwardedIPConfig?.FallbackBehavior !== 'MATCH')
      problems.push(
        `ForwardedIPConfig.FallbackBehavior is ${show(s.ForwardedIPConfig?.FallbackBehavior)}; expected "MATCH", so a ` +
          `malformed address is counted instead of skipped`,
      );
    return problems;
  }
  if (s.AggregateKeyType === 'FORWARDED_IP') {
    return [
      `AggregateKeyType is "FORWARDED_IP" on a load balancer clients reach directly; expected "IP": the header is written by ` +
        `whoever connects, so a fresh value per request escapes the limit`,
    ];
  }
  return s.AggregateKeyType === 'IP' ? [] : [`AggregateKeyType is ${show(s.AggregateKeyType)}; expected "IP"`];
}

/** Problems every blocking rate rule shares: action, limit, window, no Allow ahead of it. */
function basicRuleProblems(acl: Res, rule: any): string[] {
  const s = rateStatement(rule);
  const problems: string[] = [];
  if (!isBlock(rule)) problems.push(`Action is ${show(rule.Action)}; expected Block`);
  if (!(Number(s.Limit) >= POLICY_FLOORS.rateLimits.minRequests))
    problems.push(`Limit is ${show(s.Limit)}; expected at least ${POLICY_FLOORS.rateLimits.minRequests}`);
  const window = s.EvaluationWindowSec ?? DEFAULT_WINDOW_SECONDS;
  if (!POLICY_FLOORS.rateLimits.windowsSeconds.includes(Number(window)))
    problems.push(`EvaluationWindowSec is ${show(window)}; expected one of ${POLICY_FLOORS.rateLimits.windowsSeconds.join(', ')}`);
  const bypass = allowBefore(acl, rule);
  if (bypass)
    problems.push(
      `rule ${show(bypass.Name)} (Priority ${bypass.Priority}) allows requests before it is evaluated; expected no Allow rule ahead of it`,
    );
  return problems;
}

function globalRuleProblems(acl: Res, rule: any, fronted: boolean): string[] {
  const scope = scopeOf(rule);
  const problems = [...keyProblems(rateStatement(rule), fronted), ...basicRuleProblems(acl, rule)];
  if (scope.missingHeader !== undefined)
    problems.push(`ScopeDownStatement ${show(rateStatement(rule).ScopeDownStatement)} limits it to some requests; expected all traffic`);
  return problems;
}

/** The valid global rules (not the twins): all traffic, the right client key, blocking. */
function validGlobalRules(acl: Res, fronted: boolean): any[] {
  return rules(acl).filter(
    (r) => rateStatement(r) && isUnscoped(scopeOf(r)) && !isFallbackTwin(r, fronted) && globalRuleProblems(acl, r, fronted).length === 0,
  );
}

/** The literal prefixes a path match counts. */
function prefixesOf(statement: any): string[] {
  if (statement?.OrStatement) return list(statement.OrStatement.Statements).flatMap(prefixesOf);
  const m = statement?.ByteMatchStatement;
  return typeof m?.SearchString === 'string' ? [m.SearchString] : [];
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().every((v, i) => v === [...b].sort()[i]);
}

/** Problems of a scope-down statement that should match critical paths by prefix. */
function pathMatchProblems(statement: any): string[] {
  if (statement?.OrStatement) {
    const inner = list(statement.OrStatement.Statements);
    if (inner.length === 0) return ['is an empty OrStatement; expected path matches'];
    return inner.flatMap(pathMatchProblems);
  }
  const m = statement?.ByteMatchStatement;
  if (!m) return [`is ${show(statement)}; expected a ByteMatchStatement on UriPath (or an OrStatement of them)`];
  const problems: string[] = [];
  if (m.FieldToMatch?.UriPath === undefined) problems.push(`matches ${show(m.FieldToMatch)}; expected FieldToMatch UriPath`);
  if (m.PositionalConstraint !== 'STARTS_WITH')
    problems.push(`PositionalConstraint is ${show(m.PositionalConstraint)}; expected "STARTS_WITH" (a path prefix)`);
  const transforms = list(m.TextTransformations).filter((t) => t && typeof t === 'object');
  const priorityOf = (...types: string[]) => {
    const found = transforms.filter((t) => types.includes(t.Type)).map((t) => Number(t.Priority));
    return found.length > 0 ? Math.min(...found) : undefined;
  };
  const decode = priorityOf('URL_DECODE', 'URL_DECODE_UNI');
  const normalize = priorityOf('NORMALIZE_PATH', 'NORMALIZE_PATH_WIN');
  const types = transforms.map((t) => t.Type);
  if (priorityOf('LOWERCASE') === undefined)
    problems.push(`TextTransformations are ${show(types)}; expected LOWERCASE among them, or "/Login" escapes the limit`);
  if (decode === undefined) problems.push(`TextTransformations are ${show(types)}; expected URL_DECODE, or "/%6Cogin" escapes the limit`);
  if (normalize === undefined)
    problems.push(`TextTransformations are ${show(types)}; expected NORMALIZE_PATH, or "//login" and "/x/../login" escape the limit`);
  else if (decode !== undefined && !(decode < normalize))
    problems.push(
      `TextTransformations decode after normalizing the path (${show(types)}); expected URL_DECODE first, or "/%2F/login" ` +
        `escapes the limit`,
    );
  if (typeof m.SearchString === 'string' && m.SearchString !== m.SearchString.toLowerCase()) {
    problems.push(`SearchString ${show(m.SearchString)} has upper case; expected lower case (it is compared after LOWERCASE)`);
  }
  return problems;
}

function checkGroups(out: Outcome, acl: Res, groups: readonly string[]): void {
  for (const name of groups) {
    const rule = rules(acl).find((r) => r.Statement?.ManagedRuleGroupStatement?.Name === name);
    if (!rule) {
      out.fail(
        acl.id,
        `managed rule group ${name} is missing; expected a rule with ManagedRuleGroupStatement VendorName "AWS", Name "${name}"`,
      );
      continue;
    }
    const g = rule.Statement.ManagedRuleGroupStatement;
    const label = `rule ${show(rule.Name)} (${name})`;
    if (g.VendorName !== 'AWS') out.fail(acl.id, `${label}: VendorName is ${show(g.VendorName)}; expected "AWS"`);
    const override = rule.OverrideAction;
    if (!override || override.None === undefined || Object.keys(override).length !== 1) {
      out.fail(acl.id, `${label}: OverrideAction is ${show(override)}; expected {"None":{}} (Count only observes)`);
    }
    const weakened = list(g.RuleActionOverrides).filter((o) => o?.ActionToUse?.Count !== undefined || o?.ActionToUse?.Allow !== undefined);
    if (weakened.length > 0) {
      out.fail(
        acl.id,
        `${label}: RuleActionOverrides set ${weakened.map((o) => show(o.Name)).join(', ')} to Count/Allow; expected every ` +
          `rule of the group to keep its blocking action`,
      );
    }
    if (list(g.ExcludedRules).length > 0) out.fail(acl.id, `${label}: ExcludedRules ${show(g.ExcludedRules)}; expected none`);
    if (g.ScopeDownStatement !== undefined)
      out.fail(acl.id, `${label}: ScopeDownStatement limits the group to some requests; expected it to inspect all requests`);
    const bypass = allowBefore(acl, rule);
    if (bypass)
      out.fail(
        acl.id,
        `${label}: rule ${show(bypass.Name)} (Priority ${bypass.Priority}) allows requests before it is evaluated; expected ` +
          `no Allow rule ahead of it`,
      );
  }
}

function checkVisibility(out: Outcome, acl: Res): void {
  const ok = (v: any) => v?.CloudWatchMetricsEnabled === true && v?.SampledRequestsEnabled === true;
  if (!ok(acl.props.VisibilityConfig)) {
    out.fail(
      acl.id,
      `VisibilityConfig is ${show(acl.props.VisibilityConfig)}; expected CloudWatchMetricsEnabled and SampledRequestsEnabled true`,
    );
  }
  for (const rule of rules(acl)) {
    if (!ok(rule.VisibilityConfig)) {
      out.fail(
        acl.id,
        `rule ${show(rule.Name)}: VisibilityConfig is ${show(rule.VisibilityConfig)}; expected CloudWatchMetricsEnabled and ` +
          `SampledRequestsEnabled true`,
      );
    }
  }
}

function checkLogging(out: Outcome, template: CfnTemplate, acl: Res): void {
  const configs = ofType(template, 'AWS::WAFv2::LoggingConfiguration').filter((l) => refTarget(l.props.ResourceArn) === acl.id);
  if (configs.length === 0) {
    out.fail(
      acl.id,
      'no AWS::WAFv2::LoggingConfiguration has ResourceArn pointing at this web ACL; expected one logging to an aws-waf-logs- log group',
    );
  }
  for (const logging of configs) out.within(logging.id, () => checkLoggingConfiguration(out, template, logging));
}

function checkLoggingConfiguration(out: Outcome, template: CfnTemplate, logging: Res): void {
  const redacted = list(logging.props.RedactedFields).map((f) => String(f?.SingleHeader?.Name ?? '').toLowerCase());
  for (const header of REDACTED_HEADERS) {
    if (!redacted.includes(header)) {
      out.fail(
        logging.id,
        `RedactedFields do not include SingleHeader "${header}"; expected ${REDACTED_HEADERS.join(' and ')} redacted so ` +
          `credentials never reach the logs`,
      );
    }
  }
  const destinations = list(logging.props.LogDestinationConfigs);
  if (destinations.length === 0) out.fail(logging.id, 'LogDestinationConfigs is empty; expected an aws-waf-logs- log group');
  for (const destination of destinations) {
    if (!isWafLogDestination(template, destination)) {
      out.fail(logging.id, `LogDestinationConfigs entry ${show(destination)} is not a log group named aws-waf-logs-*; expected one`);
    }
  }
}

function isWafLogDestination(template: CfnTemplate, destination: unknown): boolean {
  if (/:log-group:aws-waf-logs-/.test(renderText(destination))) return true;
  return refsIn(destination).some((id) => {
    const group = template.Resources?.[id];
    const name = group?.Properties?.LogGroupName;
    return group?.Type === 'AWS::Logs::LogGroup' && typeof name === 'string' && name.startsWith('aws-waf-logs-');
  });
}

/**
 * Every ALB is associated with a REGIONAL web ACL of this template, and (`all`) every CloudFront
 * distribution names a web ACL: a rule set protects nothing unless it sits in front of the entry.
 */
function checkCoverage(out: Outcome, template: CfnTemplate, which: 'all' | 'regional'): void {
  const regional = new Set(
    webAcls(template)
      .filter((a) => a.props.Scope === 'REGIONAL')
      .map((a) => a.id),
  );
  const associations = ofType(template, 'AWS::WAFv2::WebACLAssociation');
  for (const lb of ofType(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer').filter(isApplicationLoadBalancer)) {
    const linked = associations.some((a) => refTarget(a.props.ResourceArn) === lb.id && regional.has(refTarget(a.props.WebACLArn) ?? ''));
    if (!linked)
      out.fail(lb.id, 'no AWS::WAFv2::WebACLAssociation links this load balancer to a REGIONAL web ACL of this template; expected one');
  }
  if (which === 'all') {
    for (const d of ofType(template, 'AWS::CloudFront::Distribution')) {
      const id = d.props.DistributionConfig?.WebACLId;
      if (id === undefined || id === '') out.fail(d.id, 'DistributionConfig.WebACLId is absent; expected a CLOUDFRONT web ACL');
    }
  }
}
