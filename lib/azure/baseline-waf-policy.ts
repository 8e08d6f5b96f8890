import {
  WebApplicationFirewallPolicy,
  type WebApplicationFirewallPolicyCustomRules,
} from '@cdktf/provider-azurerm/lib/web-application-firewall-policy';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { AZURE_PER_EDGE_RATE_LIMIT_KEY, AZURE_RATE_LIMIT_KEY_TAG } from '../config/origin-pull';

/** A per-client-IP request limit, in the config's (AWS WAFv2) terms. */
export interface AzureRateLimit {
  /** Requests one client IP may send within the window (at least 1). */
  readonly limit: number;
  /** Evaluation window in seconds: 60, 120, 300 or 600 (mapped by {@link toAzureRateLimit}). */
  readonly windowSeconds: number;
}

/** A stricter limit on one critical endpoint (login, password reset, sign-up, token). */
export interface AzureCriticalPathLimit extends AzureRateLimit {
  /** Short name of the endpoint (letters, digits, dashes), used in the custom rule name. */
  readonly name: string;
  /** URI path prefix the rule counts (matched case-insensitively, after URL decoding). */
  readonly pathPrefix: string;
}

/** An Application Gateway rate-limit rule's own terms. */
export interface AzureRateLimitTerms {
  /** `OneMin` or `FiveMins`, the only windows Application Gateway WAF v2 offers. */
  readonly duration: 'OneMin' | 'FiveMins';
  /** Requests one client IP may send within `duration`. */
  readonly threshold: number;
}

/** Properties of {@link BaselineWafPolicy}. */
export interface BaselineWafPolicyProps {
  /** Resource group the policy lives in. */
  readonly resourceGroupName: string;
  /** Azure location (region) of the policy; the same as the gateway's. */
  readonly location: string;
  /** Policy name, unique in the resource group (1-128 letters, digits, `_`, `.` and `-`). */
  readonly name: string;
  /** Per-IP limit on all traffic (control WAF-RATE-GLOBAL). */
  readonly globalRateLimit: AzureRateLimit;
  /**
   * Stricter per-IP limits on critical endpoints (control WAF-RATE-CRITICAL); each must allow
   * fewer requests per second than `globalRateLimit`. Evaluated before the global rule.
   */
  readonly criticalPaths: readonly AzureCriticalPathLimit[];
  /**
   * Largest file upload the WAF admits, in MB (1-4000). Larger uploads are blocked.
   * @default 100
   */
  readonly fileUploadLimitMb?: number;
  /**
   * Host names the gateway serves (host binding, control ORIGIN-LOCK): a custom rule blocks, with
   * the WAF's 403, every request whose Host header is none of them, whichever listener took it.
   * @default - every Host is admitted
   */
  readonly allowedHosts?: readonly string[];
  /**
   * The gateway sits behind Cloudflare and can only count the connecting address, which is a
   * Cloudflare edge node shared by many clients (Application Gateway's other key, the
   * X-Forwarded-For address, is written by the client: Cloudflare appends to what it received).
   * With a factor, every rate limit is that many times the per-client limit, counted per edge
   * address: a safety net against a flood through one edge node, while per-client limits are
   * enforced at the edge. The policy is tagged `baseline-rate-limit-key: cloudflare-edge` so the
   * WAF-RATE checks know what its counters mean. Without it, the gateway is reached directly and
   * counts clients at the configured limits (a per-client limit behind a proxy would block every
   * client of a busy edge node at once).
   * @default - per-client limits, for a gateway clients reach directly
   */
  readonly perEdgeFactor?: number;
  /**
   * Tags applied to the policy.
   * @default - none
   */
  readonly tags?: Record<string, string>;
}

/** Tag telling the WAF-RATE checks what the policy's rate counters key on. */
export const RATE_LIMIT_KEY_TAG = AZURE_RATE_LIMIT_KEY_TAG;
/** {@link RATE_LIMIT_KEY_TAG} of a policy behind Cloudflare: counters per edge address. */
export const PER_EDGE_RATE_LIMIT_KEY = AZURE_PER_EDGE_RATE_LIMIT_KEY;

/** Name of the custom rule that refuses requests for hosts the gateway does not serve. */
export const HOST_NOT_SERVED_RULE = 'HostNotServed';
/** Name of the custom rule that refuses paths that are not normalized. */
export const PATH_NOT_NORMALIZED_RULE = 'PathNotNormalized';
/**
 * A request path that is not in normal form, after URL decoding: an empty (`//`), `.` or `..`
 * segment or a backslash before the query string. Application Gateway's custom rules have no path
 * normalization, so `//login` or `/x/../login` would not begin with `/login` yet reach the app's
 * login: such paths are refused outright (Cloudflare forwards normalized paths, so real clients
 * never send them through the edge).
 */
export const NON_NORMALIZED_PATH_REGEX = '^[^?]*(//|\\\\|/\\.\\.?(/|\\?|$))';

/** The windows the config accepts (those of AWS WAFv2), in seconds. */
export const AZURE_WAF_WINDOWS = [60, 120, 300, 600] as const;
/** Custom rules an Application Gateway WAF policy holds at most. */
export const AZURE_WAF_MAX_CUSTOM_RULES = 100;
/**
 * Largest request body the WAF admits, in KB. The body-inspection limit is set to the same value,
 * so every byte of an admitted body is inspected (nothing past the limit slips through unread).
 */
export const AZURE_WAF_MAX_BODY_KB = 128;
/** The managed rule sets every policy runs (controls WAF-MANAGED and WAF-REPUTATION). */
export const AZURE_WAF_MANAGED_RULE_SETS = [
  { type: 'Microsoft_DefaultRuleSet', version: '2.1' },
  { type: 'Microsoft_BotManagerRuleSet', version: '1.1' },
] as const;

/**
 * Maps a config rate limit (AWS-style window of 60, 120, 300 or 600 s) onto Application Gateway
 * WAF v2 terms, which offer only one-minute and five-minute windows.
 *
 * The Azure window chosen is the largest one that is not longer than the configured window
 * (60 and 120 s -> `OneMin`; 300 and 600 s -> `FiveMins`), and the threshold is scaled down to it
 * and rounded down: `floor(limit * azureWindow / windowSeconds)`, at least 1. The result is never
 * looser than the configured rate, neither on average nor in bursts: a client admitted `threshold`
 * requests per Azure window sends at most `limit` requests per configured window. For example
 * 100 per 60 s -> 100 per `OneMin`; 100 per 120 s -> 50 per `OneMin`; 2000 per 300 s -> 2000 per
 * `FiveMins`; 2000 per 600 s -> 1000 per `FiveMins`. (Mapping 120 s onto `FiveMins` with
 * 250 requests would keep the average but admit 250 requests within two minutes, 2.5 times the
 * configured burst.) Only a limit below one request per Azure window is rounded up to 1.
 */
export function toAzureRateLimit(limit: number, windowSeconds: number): AzureRateLimitTerms {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new Error(`toAzureRateLimit: limit ${limit} is invalid; expected a whole number of requests of at least 1`);
  }
  if (!(AZURE_WAF_WINDOWS as readonly number[]).includes(windowSeconds)) {
    throw new Error(`toAzureRateLimit: windowSeconds ${windowSeconds} is invalid; expected one of ${AZURE_WAF_WINDOWS.join(', ')}`);
  }
  const azureWindowSeconds = windowSeconds < 300 ? 60 : 300;
  return {
    duration: azureWindowSeconds === 60 ? 'OneMin' : 'FiveMins',
    threshold: Math.max(1, Math.floor((limit * azureWindowSeconds) / windowSeconds)),
  };
}

/**
 * The Application Gateway WAF policy of a region (controls WAF-MANAGED, WAF-REPUTATION,
 * WAF-RATE-GLOBAL, WAF-RATE-CRITICAL; claims A2, A10, A14, B5), in Prevention mode:
 *
 * - custom rules, evaluated first: one per-client-IP rate limit per critical path, then one on
 *   all traffic, each blocking;
 * - Microsoft Default Rule Set 2.1 (OWASP-class attacks, SQL injection, XSS, protocol violations,
 *   plus Microsoft Threat Intelligence rules);
 * - Microsoft Bot Manager 1.1, which blocks requests from bad bots and from IP addresses Microsoft
 *   Threat Intelligence rates as malicious (control WAF-REPUTATION; the Azure counterpart of the
 *   AWS IP-reputation and anonymous-IP lists);
 * - request bodies always inspected and size-limited, and credentials scrubbed from WAF logs.
 */
export class BaselineWafPolicy extends Construct {
  /** The WAF policy. */
  public readonly resource: WebApplicationFirewallPolicy;
  /** The policy's resource id, for the gateway's `firewall_policy_id`. */
  public readonly policyId: string;

  constructor(scope: Construct, id: string, props: BaselineWafPolicyProps) {
    super(scope, id);
    const where = `BaselineWafPolicy ${this.node.path}`;
    if (!Token.isUnresolved(props.name) && !/^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,126}[A-Za-z0-9_])?$/.test(props.name)) {
      throw new Error(
        `${where}: name "${props.name}" is invalid; expected 1-128 letters, digits, '_', '.' and '-', starting with a letter ` +
          `or digit and ending with a letter, digit or '_'`,
      );
    }
    const fileUploadLimitMb = props.fileUploadLimitMb ?? 100;
    if (!Number.isInteger(fileUploadLimitMb) || fileUploadLimitMb < 1 || fileUploadLimitMb > 4000) {
      throw new Error(`${where}: fileUploadLimitMb ${fileUploadLimitMb} is out of range; expected a whole number of MB from 1 to 4000`);
    }
    checkRate(where, 'globalRateLimit', props.globalRateLimit);
    if (props.criticalPaths.length === 0) {
      throw new Error(
        `${where}: criticalPaths is empty; the gateway fronts the login endpoints and needs at least one stricter limit ` +
          `(control WAF-RATE-CRITICAL)`,
      );
    }
    if (props.criticalPaths.length + 1 > AZURE_WAF_MAX_CUSTOM_RULES) {
      throw new Error(
        `${where}: criticalPaths has ${props.criticalPaths.length} entries; a WAF policy holds at most ` +
          `${AZURE_WAF_MAX_CUSTOM_RULES} custom rules, one of them the global limit; merge prefixes`,
      );
    }
    const factor = props.perEdgeFactor ?? 1;
    if (props.perEdgeFactor !== undefined && (!Number.isInteger(factor) || factor < 2 || factor > 1000)) {
      throw new Error(
        `${where}: perEdgeFactor ${props.perEdgeFactor} is out of range; expected a whole number from 2 to 1000 (per-edge ` +
          `limits as a multiple of the per-client ones)`,
      );
    }
    const hosts = props.allowedHosts ? [...props.allowedHosts] : undefined;
    if (hosts) {
      if (hosts.length === 0 || hosts.length > 10)
        throw new Error(`${where}: allowedHosts has ${hosts.length} entries; expected 1 to 10 host names`);
      hosts.forEach((h, i) => {
        if (!Token.isUnresolved(h) && !/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(h)) {
          throw new Error(
            `${where}: allowedHosts[${i}] "${h}" is invalid; expected a lowercase DNS name such as app.example.com (no wildcard)`,
          );
        }
      });
    }
    const global = props.globalRateLimit;
    const ruleNames = new Map<string, number>();
    const prefixes = new Map<string, number>();
    props.criticalPaths.forEach((path, i) => {
      const at = `criticalPaths[${i}]`;
      checkRate(where, at, path);
      if (!/^[A-Za-z][A-Za-z0-9-]{0,30}$/.test(path.name)) {
        throw new Error(`${where}: ${at}.name "${path.name}" is invalid; expected 1-31 letters, digits and dashes, starting with a letter`);
      }
      const ruleName = criticalRuleName(path.name);
      if (ruleNames.has(ruleName)) {
        throw new Error(
          `${where}: ${at}.name "${path.name}" gives the rule name ${ruleName}, like ` +
            `criticalPaths[${ruleNames.get(ruleName)}]; names must differ in more than case and dashes`,
        );
      }
      ruleNames.set(ruleName, i);
      if (!/^\/[A-Za-z0-9._~\-/]*$/.test(path.pathPrefix)) {
        throw new Error(
          `${where}: ${at}.pathPrefix "${path.pathPrefix}" is invalid; expected a URL path starting with "/", such as /login`,
        );
      }
      const prefix = path.pathPrefix.toLowerCase();
      if (prefixes.has(prefix)) {
        throw new Error(
          `${where}: ${at}.pathPrefix "${path.pathPrefix}" duplicates criticalPaths[${prefixes.get(prefix)}] (prefixes match ` +
            `case-insensitively); merge the two`,
        );
      }
      prefixes.set(prefix, i);
      if (path.limit / path.windowSeconds >= global.limit / global.windowSeconds) {
        throw new Error(
          `${where}: ${at}.limit ${path.limit} per ${path.windowSeconds} s is not stricter than globalRateLimit ` +
            `(${global.limit} per ${global.windowSeconds} s); lower it (control WAF-RATE-CRITICAL)`,
        );
      }
    });

    const customRules: WebApplicationFirewallPolicyCustomRules[] = props.criticalPaths.map((path, i) =>
      rateRule(criticalRuleName(path.name), i + 1, path, factor, [
        {
          matchVariables: [{ variableName: 'RequestUri' }],
          operator: 'BeginsWith',
          negationCondition: false,
          // Decoded and lower-cased first, so /LOGIN or /%6Cogin cannot dodge the tighter limit;
          // //login or /x/../login is refused by the PathNotNormalized rule.
          transforms: ['UrlDecode', 'Lowercase'],
          matchValues: [path.pathPrefix.toLowerCase()],
        },
      ]),
    );
    // Every request: "client address not 255.255.255.255/32" is Microsoft's documented way to
    // match all traffic in a rate-limit rule (an IPv6 client is never that address, so it
    // matches too). The global rule comes after the critical ones (higher priority number).
    customRules.push(
      rateRule('RateLimitAllTraffic', props.criticalPaths.length + 1, global, factor, [
        {
          matchVariables: [{ variableName: 'RemoteAddr' }],
          operator: 'IPMatch',
          negationCondition: true,
          matchValues: ['255.255.255.255/32'],
        },
      ]),
    );
    // Path normalization (WAF-RATE-CRITICAL): a path the critical rules could not recognise is
    // refused instead of counted as another path.
    customRules.push({
      name: PATH_NOT_NORMALIZED_RULE,
      priority: props.criticalPaths.length + 2,
      enabled: true,
      ruleType: 'MatchRule',
      action: 'Block',
      matchConditions: [
        {
          matchVariables: [{ variableName: 'RequestUri' }],
          operator: 'Regex',
          negationCondition: false,
          transforms: ['UrlDecode'],
          matchValues: [NON_NORMALIZED_PATH_REGEX],
        },
      ],
    });
    // Host binding (ORIGIN-LOCK): a request for a name this deployment does not serve gets a 403.
    if (hosts) {
      customRules.push({
        name: HOST_NOT_SERVED_RULE,
        priority: props.criticalPaths.length + 3,
        enabled: true,
        ruleType: 'MatchRule',
        action: 'Block',
        matchConditions: [
          {
            matchVariables: [{ variableName: 'RequestHeaders', selector: 'Host' }],
            operator: 'Equal',
            negationCondition: true,
            transforms: ['Lowercase'],
            matchValues: hosts,
          },
        ],
      });
    }

    this.resource = new WebApplicationFirewallPolicy(this, 'Resource', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      policySettings: {
        enabled: true,
        mode: 'Prevention',
        requestBodyCheck: true,
        requestBodyEnforcement: true,
        maxRequestBodySizeInKb: AZURE_WAF_MAX_BODY_KB,
        requestBodyInspectLimitInKb: AZURE_WAF_MAX_BODY_KB,
        fileUploadEnforcement: true,
        fileUploadLimitInMb: fileUploadLimitMb,
        // Control SECRETS: bearer tokens, session cookies and passwords never land in WAF logs.
        logScrubbing: {
          enabled: true,
          rule: [
            { enabled: true, matchVariable: 'RequestHeaderNames', selectorMatchOperator: 'Equals', selector: 'Authorization' },
            { enabled: true, matchVariable: 'RequestCookieNames', selectorMatchOperator: 'EqualsAny' },
            { enabled: true, matchVariable: 'RequestPostArgNames', selectorMatchOperator: 'Equals', selector: 'password' },
            { enabled: true, matchVariable: 'RequestJSONArgNames', selectorMatchOperator: 'Equals', selector: 'password' },
          ],
        },
      },
      customRules,
      managedRules: {
        managedRuleSet: AZURE_WAF_MANAGED_RULE_SETS.map((set) => ({ type: set.type, version: set.version })),
      },
      tags: { ...props.tags, ...(props.perEdgeFactor !== undefined ? { [RATE_LIMIT_KEY_TAG]: PER_EDGE_RATE_LIMIT_KEY } : {}) },
    });
    this.policyId = this.resource.id;
  }
}

/** `login` -> `RateLimitLogin`, `password-reset` -> `RateLimitPasswordReset`. */
function criticalRuleName(name: string): string {
  return `RateLimit${name
    .split('-')
    .filter((part) => part.length > 0)
    .map((part) => part[0].toUpperCase() + part.slice(1).toLowerCase())
    .join('')}`;
}

function rateRule(
  name: string,
  priority: number,
  rate: AzureRateLimit,
  factor: number,
  matchConditions: WebApplicationFirewallPolicyCustomRules['matchConditions'],
): WebApplicationFirewallPolicyCustomRules {
  const terms = toAzureRateLimit(rate.limit * factor, rate.windowSeconds);
  return {
    name,
    priority,
    enabled: true,
    ruleType: 'RateLimitRule',
    action: 'Block',
    groupRateLimitBy: 'ClientAddr',
    rateLimitDuration: terms.duration,
    rateLimitThreshold: terms.threshold,
    matchConditions,
  };
}

function checkRate(where: string, at: string, rate: AzureRateLimit): void {
  if (!Number.isInteger(rate.limit) || rate.limit < 1) {
    throw new Error(`${where}: ${at}.limit ${rate.limit} is invalid; expected a whole number of requests of at least 1`);
  }
  if (!(AZURE_WAF_WINDOWS as readonly number[]).includes(rate.windowSeconds)) {
    throw new Error(
      `${where}: ${at}.windowSeconds ${rate.windowSeconds} is invalid; expected one of ${AZURE_WAF_WINDOWS.join(', ')} ` +
        `(mapped onto Azure's one- and five-minute windows)`,
    );
  }
}
