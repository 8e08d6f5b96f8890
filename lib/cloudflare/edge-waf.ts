import { Ruleset, type RulesetRules } from '@cdktf/provider-cloudflare/lib/ruleset';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { checkCloudflareId } from './ids';
// The plan decides which managed rulesets, lists and fields a rule may use.
import { checkCloudflarePlan, type CloudflarePlan } from '../config/cloudflare-plan-limits';

export type { CloudflarePlan };

/** OWASP Core Ruleset paranoia level: rules of this level and every lower one run. */
export type OwaspParanoiaLevel = 1 | 2 | 3 | 4;
/** OWASP Core Ruleset anomaly-score threshold, by Cloudflare's name for it. */
export type OwaspAnomalyThreshold = 'low' | 'medium' | 'high';

/**
 * Ids of Cloudflare's WAF managed rulesets (the same in every account). `managed` and `owasp`
 * need a Pro plan or above; `free` is the Cloudflare Free Managed Ruleset, the only one a Free zone
 * can deploy (Cloudflare says it is not needed where `managed` runs, so it is not deployed beside it).
 */
export const CLOUDFLARE_MANAGED_RULESETS = {
  managed: 'efb7b8c949ac4650a09736fc376e9aee',
  owasp: '4814384a9e5d4991b9815dcfc25d2f1f',
  free: '77454fe2d30c4220b5701f6fdfb893ba',
} as const;

/**
 * The last rule of the OWASP Core Ruleset (949110, "Inbound Anomaly Score Exceeded"): it acts
 * once a request's summed score reaches its `score_threshold`, so the threshold and the action
 * are overridden on this rule.
 */
export const OWASP_ANOMALY_SCORE_RULE_ID = '6179ae15870a4bb7b2d480d4843b323c';

/** Cloudflare's OWASP score thresholds: Low 60, Medium 40 (Cloudflare's default), High 25. */
export const OWASP_ANOMALY_THRESHOLDS: Readonly<Record<OwaspAnomalyThreshold, number>> = {
  low: 60,
  medium: 40,
  high: 25,
};

/** The tag (category) of the OWASP rules of each paranoia level. */
export function owaspParanoiaCategory(level: OwaspParanoiaLevel): string {
  return `paranoia-level-${level}`;
}

/**
 * Cloudflare Managed IP Lists used on Enterprise zones (the lists are Enterprise-only).
 * `threats`: sources of malware and botnet command-and-control servers, always blocked.
 * `anonymizers`: anonymizers (open SOCKS proxies, VPNs, Tor nodes) and open HTTP/SOCKS proxies.
 */
export const CLOUDFLARE_MANAGED_IP_LISTS = {
  threats: ['cf.malware', 'cf.botnetcc'],
  anonymizers: ['cf.anonymizer', 'cf.open_proxies'],
} as const;

/** The `ref` of every rule {@link EdgeWaf} writes; stable, so a control check can find them. */
export const EDGE_WAF_RULE_REFS = {
  cloudflareManaged: 'edge_waf_cloudflare_managed',
  owaspCore: 'edge_waf_owasp_core',
  cloudflareFreeManaged: 'edge_waf_cloudflare_free_managed',
  unexpectedHost: 'edge_waf_unexpected_host',
  threatIntelligence: 'edge_waf_threat_intelligence',
  anonymizers: 'edge_waf_anonymizers',
  botSignals: 'edge_waf_bot_signals',
} as const;

/** Cloudflare's limit on the length of one rule expression. */
export const CLOUDFLARE_MAX_EXPRESSION_LENGTH = 4096;

/**
 * A lowercase DNS name of at least two labels whose last label starts with a letter (so no IPv4
 * address), with no wildcard, port, quote, backslash or space: the value is written between
 * double quotes in a rule expression, and anything outside this alphabet could end the string.
 */
const HOSTNAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * `not http.host in {"a.example.com" "b.example.com"}`: requests whose Host header is none of
 * the expected hostnames. The names must already be validated (see {@link EdgeWaf}).
 */
export function unexpectedHostExpression(hostnames: readonly string[]): string {
  return `not http.host in {${hostnames.map((h) => `"${h}"`).join(' ')}}`;
}

/** `ip.src in $cf.malware or ip.src in $cf.botnetcc` (Enterprise: Managed IP Lists). */
export function threatIntelligenceExpression(): string {
  return CLOUDFLARE_MANAGED_IP_LISTS.threats.map((list) => `ip.src in $${list}`).join(' or ');
}

/**
 * Anonymizing sources the zone's plan can see. Every plan: Tor exit nodes, which Cloudflare
 * geolocates to the pseudo-continent `T1`. Enterprise adds the anonymizer and open-proxy Managed
 * IP Lists (VPNs, open SOCKS/HTTP proxies), which no other plan may reference.
 */
export function anonymizerExpression(plan: CloudflarePlan): string {
  const tor = 'ip.src.continent eq "T1"';
  if (plan !== 'enterprise') return tor;
  return [...CLOUDFLARE_MANAGED_IP_LISTS.anonymizers.map((list) => `ip.src in $${list}`), tor].join(' or ');
}

/**
 * Clients that are not verified bots (`cf.client.bot`, every plan) but look automated:
 * - every plan: no User-Agent at all (`http.user_agent eq ""`), which no browser sends;
 * - Enterprise with the Bot Management add-on (`botManagement`): a bot score below 30, Cloudflare's
 *   "likely automated" band. `cf.bot_management.*` fields exist only with that add-on.
 * Pro and Business have no further bot field in rule expressions (their Super Bot Fight Mode is a
 * zone setting, not a rule field), and `cf.threat_score` is always 0 now, so it is not used.
 */
export function botSignalExpression(botManagement: boolean): string {
  const signals = ['http.user_agent eq ""'];
  if (botManagement) signals.push('cf.bot_management.score lt 30');
  return `not cf.client.bot and (${signals.join(' or ')})`;
}

/**
 * The category overrides that set the OWASP paranoia level, as Cloudflare documents it: disable
 * the tags of every level above the chosen one (none for level 4). Lower levels are left as the
 * ruleset ships them rather than force-enabled, so rules Cloudflare disables by default stay off.
 */
export function owaspParanoiaOverrides(level: OwaspParanoiaLevel): { category: string; enabled: false }[] {
  const out: { category: string; enabled: false }[] = [];
  for (let above = level + 1; above <= 4; above++) {
    out.push({ category: owaspParanoiaCategory(above as OwaspParanoiaLevel), enabled: false });
  }
  return out;
}

/** Properties of {@link EdgeWaf}. */
export interface EdgeWafProps {
  /** Id of the zone (32 lowercase hexadecimal digits). */
  readonly zoneId: string;
  /**
   * The zone's Cloudflare plan. It decides what can be deployed: the Cloudflare Managed Ruleset
   * and the OWASP Core Ruleset need Pro or above (a Free zone gets the Cloudflare Free Managed
   * Ruleset instead and no OWASP ruleset); the malware, botnet, anonymizer and open-proxy Managed
   * IP Lists are Enterprise-only (other plans see Tor exit nodes only).
   */
  readonly plan: CloudflarePlan;
  /**
   * Every hostname the zone serves (lowercase DNS names such as `app.example.com`). Requests whose
   * Host header is any other value are blocked at the edge, so scanners that reach the zone under a
   * stale, wildcard or made-up name never reach the origin. Names are compared exactly (the
   * Rules language compares strings case-sensitively): a name left out here is blocked.
   */
  readonly hostnames: readonly string[];
  /**
   * OWASP Core Ruleset paranoia level (1-4): rules of this level and every lower one run. Higher
   * levels catch more evasions and raise false positives; 2 and above need per-application
   * tuning, which a baseline cannot do. Not accepted on a Free zone (no OWASP ruleset there).
   * @default 1 (Cloudflare's default)
   */
  readonly owaspParanoiaLevel?: OwaspParanoiaLevel;
  /**
   * OWASP anomaly-score threshold at which requests are blocked: `low` (score 60 and higher),
   * `medium` (40) or `high` (25, blocks soonest). Not accepted on a Free zone.
   * @default 'medium' (score 40, Cloudflare's default)
   */
  readonly owaspAnomalyThreshold?: OwaspAnomalyThreshold;
  /**
   * Weakens control WAF-REPUTATION: anonymizing sources (Tor; on Enterprise also VPNs and open
   * proxies) get a managed challenge instead of a block. For products whose legitimate users
   * browse through VPNs or Tor; a human passes the challenge, a script does not.
   * @default false - anonymizing sources are blocked
   */
  readonly challengeAnonymizers?: boolean;
  /**
   * Whether the zone has the Enterprise Bot Management add-on. When true, the bot rule also
   * challenges requests with a bot score below 30. Only valid with plan `enterprise`: without the
   * add-on Cloudflare rejects rules that use `cf.bot_management.*` fields.
   * @default false - only signals every plan has are used
   */
  readonly botManagement?: boolean;
}

/**
 * The zone's WAF (controls WAF-MANAGED and WAF-REPUTATION; claims A2, A10, A14), as two zone
 * entry-point rulesets. Each zone has one entry point per phase, so this construct owns the
 * zone's managed-rules and custom-rules phases.
 *
 * `Managed` (phase `http_request_firewall_managed`):
 * - executes the Cloudflare Managed Ruleset, then the Cloudflare OWASP Core Ruleset at
 *   `owaspParanoiaLevel` with the anomaly rule blocking at `owaspAnomalyThreshold`;
 * - on a Free zone, executes the Cloudflare Free Managed Ruleset instead (the only one the plan
 *   allows), so WAF-MANAGED holds only in that reduced form.
 *
 * `Custom` (phase `http_request_firewall_custom`), in order:
 * 1. blocks requests whose Host is not one of `hostnames`;
 * 2. Enterprise only: blocks sources on the malware and botnet-C&C Managed IP Lists;
 * 3. blocks (or, with `challengeAnonymizers`, challenges) anonymizing sources the plan can see;
 * 4. managed-challenges unverified clients with bot signals the plan can see (no User-Agent;
 *    with Enterprise Bot Management, a bot score below 30).
 *
 * Not covered here: Browser Integrity Check (a zone setting, also part of WAF-REPUTATION) and
 * Super Bot Fight Mode; and a request sent straight to the origin's IP address never meets these
 * rules (control ORIGIN-LOCK handles that).
 */
export class EdgeWaf extends Construct {
  /** The zone's `http_request_firewall_managed` entry-point ruleset. */
  public readonly managed: Ruleset;
  /** The zone's `http_request_firewall_custom` entry-point ruleset. */
  public readonly custom: Ruleset;

  constructor(scope: Construct, id: string, props: EdgeWafProps) {
    super(scope, id);
    const where = `EdgeWaf ${this.node.path}`;

    checkCloudflareId(where, 'zoneId', props.zoneId);
    checkCloudflarePlan(where, props.plan);
    const plan = props.plan;
    const hostnames = checkHostnames(where, props.hostnames);

    if (plan === 'free' && (props.owaspParanoiaLevel !== undefined || props.owaspAnomalyThreshold !== undefined)) {
      const set =
        props.owaspParanoiaLevel !== undefined
          ? `owaspParanoiaLevel ${props.owaspParanoiaLevel}`
          : `owaspAnomalyThreshold ${JSON.stringify(props.owaspAnomalyThreshold)}`;
      throw new Error(
        `${where}: ${set} is set but plan is free, which cannot deploy the OWASP Core Ruleset; remove it, or upgrade the zone ` +
          `to Pro or above and set plan accordingly`,
      );
    }
    const paranoia = props.owaspParanoiaLevel ?? 1;
    if (!Number.isInteger(paranoia) || paranoia < 1 || paranoia > 4) {
      throw new Error(`${where}: owaspParanoiaLevel ${paranoia} is out of range; expected 1, 2, 3 or 4`);
    }
    const threshold = props.owaspAnomalyThreshold ?? 'medium';
    if (!Object.hasOwn(OWASP_ANOMALY_THRESHOLDS, threshold)) {
      throw new Error(
        `${where}: owaspAnomalyThreshold ${JSON.stringify(threshold)} is invalid; expected low (score 60), medium (40) or high (25)`,
      );
    }
    const botManagement = props.botManagement ?? false;
    if (botManagement && plan !== 'enterprise') {
      throw new Error(
        `${where}: botManagement is true but plan is ${plan}; Bot Management is an Enterprise add-on and its fields are ` +
          `rejected on other plans; remove botManagement or set plan to enterprise`,
      );
    }

    this.managed = new Ruleset(this, 'Managed', {
      zoneId: props.zoneId,
      kind: 'zone',
      phase: 'http_request_firewall_managed',
      name: 'EdgeWaf managed rules',
      description: 'Cloudflare managed WAF rulesets (controls WAF-MANAGED)',
      rules: plan === 'free' ? [freeManagedRule()] : [cloudflareManagedRule(), owaspRule(paranoia as OwaspParanoiaLevel, threshold)],
    });

    const anonymizerAction = props.challengeAnonymizers ? 'managed_challenge' : 'block';
    const customRules: RulesetRules[] = [
      {
        ref: EDGE_WAF_RULE_REFS.unexpectedHost,
        description: 'Block requests for a hostname the zone does not serve (scanners, stale or wildcard names)',
        action: 'block',
        expression: unexpectedHostExpression(hostnames),
        enabled: true,
      },
    ];
    if (plan === 'enterprise') {
      customRules.push({
        ref: EDGE_WAF_RULE_REFS.threatIntelligence,
        description: 'Block sources of malware and botnet command-and-control servers (Managed IP Lists; WAF-REPUTATION)',
        action: 'block',
        expression: threatIntelligenceExpression(),
        enabled: true,
      });
    }
    customRules.push(
      {
        ref: EDGE_WAF_RULE_REFS.anonymizers,
        description:
          `${anonymizerAction === 'block' ? 'Block' : 'Challenge'} anonymizing sources: ` +
          `${plan === 'enterprise' ? 'anonymizers, VPNs, open proxies and Tor' : 'Tor exit nodes'} (WAF-REPUTATION)`,
        action: anonymizerAction,
        expression: anonymizerExpression(plan),
        enabled: true,
      },
      {
        ref: EDGE_WAF_RULE_REFS.botSignals,
        description:
          `Challenge clients that are not verified bots but look automated: ` +
          `${botManagement ? 'no User-Agent or bot score below 30' : 'no User-Agent'} (WAF-REPUTATION)`,
        action: 'managed_challenge',
        expression: botSignalExpression(botManagement),
        enabled: true,
      },
    );
    this.custom = new Ruleset(this, 'Custom', {
      zoneId: props.zoneId,
      kind: 'zone',
      phase: 'http_request_firewall_custom',
      name: 'EdgeWaf custom rules',
      description: 'Expected hostnames, threat intelligence and bot signals (controls WAF-REPUTATION)',
      rules: customRules,
    });
  }
}

function cloudflareManagedRule(): RulesetRules {
  return {
    ref: EDGE_WAF_RULE_REFS.cloudflareManaged,
    description: 'Execute the Cloudflare Managed Ruleset (known attacks and zero-days; WAF-MANAGED)',
    action: 'execute',
    expression: 'true',
    enabled: true,
    actionParameters: { id: CLOUDFLARE_MANAGED_RULESETS.managed },
  };
}

function freeManagedRule(): RulesetRules {
  return {
    ref: EDGE_WAF_RULE_REFS.cloudflareFreeManaged,
    description: 'Execute the Cloudflare Free Managed Ruleset, the only managed ruleset on a Free plan (WAF-MANAGED)',
    action: 'execute',
    expression: 'true',
    enabled: true,
    actionParameters: { id: CLOUDFLARE_MANAGED_RULESETS.free },
  };
}

function owaspRule(paranoia: OwaspParanoiaLevel, threshold: OwaspAnomalyThreshold): RulesetRules {
  const categories = owaspParanoiaOverrides(paranoia);
  const score = OWASP_ANOMALY_THRESHOLDS[threshold];
  return {
    ref: EDGE_WAF_RULE_REFS.owaspCore,
    description:
      `Execute the Cloudflare OWASP Core Ruleset at paranoia level ${paranoia}, blocking at anomaly score ${score} ` +
      `(${threshold}; WAF-MANAGED)`,
    action: 'execute',
    expression: 'true',
    enabled: true,
    actionParameters: {
      id: CLOUDFLARE_MANAGED_RULESETS.owasp,
      overrides: {
        // An empty list is left out (level 4) rather than sent, so Terraform sees no drift.
        ...(categories.length > 0 ? { categories } : {}),
        // The OWASP rules only add to a score; this last rule blocks. Its action is set
        // explicitly so the ruleset blocks even if Cloudflare changes the shipped default.
        rules: [{ id: OWASP_ANOMALY_SCORE_RULE_ID, scoreThreshold: score, action: 'block' }],
      },
    },
  };
}

function checkHostnames(where: string, hostnames: readonly string[]): readonly string[] {
  if (Token.isUnresolved(hostnames)) {
    throw new Error(
      `${where}: hostnames is an unresolved list token; expected a literal list (its elements may be tokens), because the ` +
        `names are written into a rule expression at synthesis`,
    );
  }
  if (hostnames.length === 0) {
    throw new Error(
      `${where}: hostnames is empty; expected every hostname the zone serves, such as ["app.example.com"] (all other Host ` +
        `values are blocked)`,
    );
  }
  const seen = new Map<string, number>();
  hostnames.forEach((name, i) => {
    if (Token.isUnresolved(name)) return;
    if (!HOSTNAME.test(name)) {
      throw new Error(
        `${where}: hostnames[${i}] ${JSON.stringify(name)} is invalid; expected a lowercase DNS name such as app.example.com ` +
          `(letters, digits and '-' in dot-separated labels, no wildcard, IP address, port, quote or space), since it is written ` +
          `into a rule expression`,
      );
    }
    const first = seen.get(name);
    if (first !== undefined) {
      throw new Error(`${where}: hostnames[${i}] ${JSON.stringify(name)} duplicates hostnames[${first}]; list each hostname once`);
    }
    seen.set(name, i);
  });
  const expression = unexpectedHostExpression(hostnames);
  if (!Token.isUnresolved(expression) && expression.length > CLOUDFLARE_MAX_EXPRESSION_LENGTH) {
    throw new Error(
      `${where}: hostnames (${hostnames.length} names) give an expression of ${expression.length} characters; Cloudflare ` +
        `accepts at most ${CLOUDFLARE_MAX_EXPRESSION_LENGTH}; serve fewer hostnames from this zone`,
    );
  }
  return hostnames;
}
