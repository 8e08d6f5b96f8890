// Reading a synthesized CloudFormation template (plain JSON, as written to cdk.out): resources by
// type, intrinsic references resolved to logical ids, and text assembled from Fn::Join, Fn::Sub
// and Fn::Base64 so checks can search user data and ARNs. No aws-cdk-lib import on purpose: the
// checks must run on any template, including ones not synthesized here.
import { remembered } from '../core/check-run';
import { ROLE_MARKER } from '../markers';
import { walk } from '../core/walk';
import { asNumber, isFalse, isTrue } from '../core/values';

export { asNumber, isFalse, isTrue };

/** One resource of a template. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: any;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
  readonly Metadata?: any;
  readonly DependsOn?: string | readonly string[];
}

/** A CloudFormation template; only `Resources` matters to the checks. */
export interface CfnTemplate {
  readonly Resources?: Record<string, CfnResource>;
  readonly Outputs?: Record<string, any>;
  readonly Parameters?: Record<string, any>;
}

/** A resource with its logical id and (never undefined) properties. */
export interface Res {
  readonly id: string;
  readonly type: string;
  readonly props: any;
  readonly resource: CfnResource;
}

/** Placeholder for the logical id of a missing resource (see {@link Finding}). */
export const TEMPLATE = '(template)';

/** Every resource of the template, in template order. */
export function allResources(template: CfnTemplate): Res[] {
  const resources = (template && typeof template === 'object' && template.Resources) || {};
  const all = () =>
    Object.entries(resources).map(([id, resource]): Res => ({ id, type: resource?.Type, props: resource?.Properties ?? {}, resource }));
  return typeof resources === 'object' ? [...remembered(resources, '*', all)] : all();
}

/** The resources of the given type(s), in template order. */
export function ofType(template: CfnTemplate, ...types: string[]): Res[] {
  const resources = (template && typeof template === 'object' && template.Resources) || {};
  // Filtered before the entries are built, and kept for the rest of a run of checks
  // (core/check-run.ts): the checks ask for one or two types of a few hundred resources, many
  // times per template.
  const some = () => {
    const found: Res[] = [];
    for (const [id, resource] of Object.entries<any>(resources)) {
      if (types.includes(resource?.Type)) found.push({ id, type: resource.Type, props: resource.Properties ?? {}, resource });
    }
    return found;
  };
  return typeof resources === 'object' ? [...remembered(resources, `type:${types.join(' ')}`, some)] : some();
}

/** The resource with this logical id, if any. */
export function byId(template: CfnTemplate, id: string | undefined): Res | undefined {
  if (id === undefined) return undefined;
  const resource = template?.Resources?.[id];
  return resource ? { id, type: resource.Type, props: resource.Properties ?? {}, resource } : undefined;
}

/**
 * The logical id a value points at: `{Ref: X}`, `{'Fn::GetAtt': [X, attr]}`, `{'Fn::GetAtt': 'X.attr'}`.
 * Pseudo parameters (`AWS::Region`) and plain values give undefined.
 */
export function refTarget(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  const ref = (value as any).Ref;
  if (typeof ref === 'string') return ref.startsWith('AWS::') ? undefined : ref;
  const getAtt = (value as any)['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  if (typeof getAtt === 'string') return getAtt.split('.')[0];
  return undefined;
}

/** The resource a value points at when it exists and has one of `types` (any type if none given). */
export function refTo(template: CfnTemplate, value: unknown, ...types: string[]): Res | undefined {
  const target = byId(template, refTarget(value));
  if (!target) return undefined;
  return types.length === 0 || types.includes(target.type) ? target : undefined;
}

/** Every logical id referenced anywhere inside a value (Ref, GetAtt, and `${X}` in Fn::Sub). */
export function refsIn(value: unknown): string[] {
  const found: string[] = [];
  walk(value, (node) => {
    const target = refTarget(node);
    if (target) found.push(target);
    const sub = isObject(node) ? (node as any)['Fn::Sub'] : undefined;
    const text = typeof sub === 'string' ? sub : Array.isArray(sub) && typeof sub[0] === 'string' ? sub[0] : undefined;
    if (text) {
      for (const m of text.matchAll(/\$\{([^}!][^}]*)\}/g)) {
        const name = m[1].split('.')[0];
        if (!name.startsWith('AWS::')) found.push(name);
      }
    }
  });
  return [...new Set(found)];
}

/** True when `value` references the logical id `id` anywhere inside it. */
export function references(value: unknown, id: string): boolean {
  return refsIn(value).includes(id);
}

/**
 * Text a value renders to, for searching: Fn::Join, Fn::Sub and Fn::Base64 are assembled, and a
 * reference renders as `${LogicalId}` or `${LogicalId.Attr}`. Other intrinsics render as `${?}`.
 */
export function renderText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(renderText).join('');
  if (!isObject(value)) return '';
  const v = value as any;
  if ('Fn::Base64' in v) return renderText(v['Fn::Base64']);
  if ('Fn::Join' in v && Array.isArray(v['Fn::Join'])) {
    const [sep, parts] = v['Fn::Join'];
    return (Array.isArray(parts) ? parts : [parts]).map(renderText).join(typeof sep === 'string' ? sep : '');
  }
  if ('Fn::Sub' in v) {
    const sub = v['Fn::Sub'];
    if (typeof sub === 'string') return sub;
    if (Array.isArray(sub)) {
      const vars = isObject(sub[1]) ? sub[1] : {};
      return renderText(sub[0]).replace(/\$\{([^}!][^}]*)\}/g, (m, name: string) => (name in vars ? renderText(vars[name]) : m));
    }
  }
  if (typeof v.Ref === 'string') return `\${${v.Ref}}`;
  const getAtt = v['Fn::GetAtt'];
  if (Array.isArray(getAtt)) return `\${${getAtt.join('.')}}`;
  if (typeof getAtt === 'string') return `\${${getAtt}}`;
  return '${?}';
}

/** Every literal string inside a value (object keys excluded), depth-first. */
export function stringsIn(value: unknown): string[] {
  const found: string[] = [];
  walk(value, (node) => {
    if (typeof node === 'string') found.push(node);
  });
  return found;
}

/** A value as an array: arrays unchanged, undefined/null as empty, anything else as one element. */
export function list(value: unknown): any[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** Tags of a resource as key -> rendered value (list form `[{Key, Value}]` or map form). */
export function tagsOf(res: Res): Record<string, string> {
  const tags = res.props.Tags;
  const out: Record<string, string> = {};
  if (Array.isArray(tags)) {
    for (const t of tags) if (t && typeof t.Key === 'string') out[t.Key] = renderText(t.Value);
  } else if (isObject(tags)) {
    for (const [k, v] of Object.entries(tags)) out[k] = renderText(v);
  }
  return out;
}

/** A short rendering of a value for messages. */
export function show(value: unknown): string {
  if (value === undefined) return 'absent';
  if (typeof value === 'string') return JSON.stringify(value);
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** A value from a list of `{Key, Value}` pairs (LoadBalancerAttributes, TargetGroupAttributes). */
export function attribute(pairs: unknown, key: string): unknown {
  const pair = list(pairs).find((p) => p && p.Key === key);
  return pair?.Value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---- EC2 and networking helpers shared by several checks ----

/**
 * A bastion: an EC2 instance the Bastion construct marks so (`baseline:role` "bastion" in its
 * template metadata, lib/controls/markers.ts). Bastions are the one kind of instance allowed a
 * public address (NET-TIERS); BASTION-SSH checks them strictly. Never by name: an instance whose
 * logical id or Name tag says "bastion" gets no exemption without the marker.
 */
export function isBastion(res: Res): boolean {
  return res.type === 'AWS::EC2::Instance' && res.resource?.Metadata?.[ROLE_MARKER] === 'bastion';
}

/** The launch template an instance, auto scaling group or spec refers to. */
export function launchTemplateOf(template: CfnTemplate, res: Res): Res | undefined {
  const p = res.props;
  const spec = p.LaunchTemplate ?? p.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
  if (!spec) return undefined;
  return (
    refTo(template, spec.LaunchTemplateId, 'AWS::EC2::LaunchTemplate') ??
    refTo(template, spec.LaunchTemplateName, 'AWS::EC2::LaunchTemplate')
  );
}

/** Logical ids of the security groups an instance (with its launch template) or a launch template uses. */
export function securityGroupsOf(template: CfnTemplate, res: Res): string[] {
  const ids: unknown[] = [];
  const collect = (p: any) => {
    ids.push(...list(p?.SecurityGroupIds), ...list(p?.SecurityGroups));
    for (const ni of list(p?.NetworkInterfaces)) ids.push(...list(ni?.GroupSet), ...list(ni?.Groups));
  };
  if (res.type === 'AWS::EC2::LaunchTemplate') collect(res.props.LaunchTemplateData);
  else if (res.type === 'AWS::AutoScaling::LaunchConfiguration') collect(res.props);
  else {
    collect(res.props);
    const lt = launchTemplateOf(template, res);
    if (lt) collect(lt.props.LaunchTemplateData);
    const lc = refTo(template, res.props.LaunchConfigurationName, 'AWS::AutoScaling::LaunchConfiguration');
    if (lc) collect(lc.props);
  }
  return [...new Set(ids.map((v) => refTarget(v) ?? (typeof v === 'string' ? v : show(v))))];
}

/** Logical ids (or literal ids) of the subnets an instance is launched into. */
export function subnetsOfInstance(res: Res): string[] {
  const ids = [res.props.SubnetId, ...list(res.props.NetworkInterfaces).map((ni) => ni?.SubnetId)].filter((v) => v !== undefined);
  return ids.map((v) => refTarget(v) ?? show(v));
}

/**
 * Public subnets: tagged `aws-cdk:subnet-type` Public, launching with public IPs, or routed to an
 * internet gateway through their route table.
 */
export function publicSubnets(template: CfnTemplate): Set<string> {
  const igws = new Set(ofType(template, 'AWS::EC2::InternetGateway').map((r) => r.id));
  const toIgw = (gatewayId: unknown) => {
    const target = refTarget(gatewayId);
    return (target !== undefined && igws.has(target)) || (typeof gatewayId === 'string' && gatewayId.startsWith('igw-'));
  };
  const publicTables = new Set(
    ofType(template, 'AWS::EC2::Route')
      .filter((r) => toIgw(r.props.GatewayId))
      .map((r) => refTarget(r.props.RouteTableId))
      .filter((id): id is string => id !== undefined),
  );
  const result = new Set<string>();
  for (const subnet of ofType(template, 'AWS::EC2::Subnet')) {
    if (tagsOf(subnet)['aws-cdk:subnet-type'] === 'Public' || isTrue(subnet.props.MapPublicIpOnLaunch)) result.add(subnet.id);
  }
  for (const assoc of ofType(template, 'AWS::EC2::SubnetRouteTableAssociation')) {
    const table = refTarget(assoc.props.RouteTableId);
    const subnet = refTarget(assoc.props.SubnetId);
    if (table && subnet && publicTables.has(table)) result.add(subnet);
  }
  return result;
}

/** An availability zone of a subnet as a comparable key (literal, or the Fn::Select index). */
export function zoneOf(template: CfnTemplate, subnetRef: unknown): string | undefined {
  const subnet = refTo(template, subnetRef, 'AWS::EC2::Subnet');
  if (!subnet) return undefined;
  const az = subnet.props.AvailabilityZone ?? subnet.props.AvailabilityZoneId;
  if (typeof az === 'string') return az;
  const select = az?.['Fn::Select'];
  if (Array.isArray(select)) return `az-index-${JSON.stringify(select[0])}`;
  return az === undefined ? undefined : JSON.stringify(az);
}

// ---- Security group rules ----

/** One ingress rule, inline in a security group or a separate AWS::EC2::SecurityGroupIngress. */
export interface IngressRule {
  /** The resource that declares the rule (the group, or the ingress resource). */
  readonly declaredBy: string;
  /** Logical id of the group the rule opens (or a rendering of a literal group id). */
  readonly group: string;
  readonly protocol: string;
  readonly fromPort?: number;
  readonly toPort?: number;
  readonly cidrIp?: unknown;
  readonly cidrIpv6?: unknown;
  readonly prefixList?: unknown;
  /** Logical id (or literal) of the source security group. */
  readonly sourceGroup?: string;
}

/** Every ingress rule of the template. */
export function ingressRules(template: CfnTemplate): IngressRule[] {
  const rules: IngressRule[] = [];
  const make = (declaredBy: string, group: string, r: any): IngressRule => {
    const sg = r.SourceSecurityGroupId ?? r.SourceSecurityGroupName;
    return {
      declaredBy,
      group,
      protocol: String(r.IpProtocol ?? '-1').toLowerCase(),
      fromPort: asNumber(r.FromPort),
      toPort: asNumber(r.ToPort),
      cidrIp: r.CidrIp,
      cidrIpv6: r.CidrIpv6,
      prefixList: r.SourcePrefixListId,
      sourceGroup: sg === undefined ? undefined : (refTarget(sg) ?? show(sg)),
    };
  };
  for (const sg of ofType(template, 'AWS::EC2::SecurityGroup')) {
    for (const r of list(sg.props.SecurityGroupIngress)) rules.push(make(sg.id, sg.id, r ?? {}));
  }
  for (const ing of ofType(template, 'AWS::EC2::SecurityGroupIngress')) {
    const group = ing.props.GroupId ?? ing.props.GroupName;
    rules.push(make(ing.id, refTarget(group) ?? show(group), ing.props));
  }
  return rules;
}

/** True when the rule admits TCP traffic to `port`. */
export function admitsPort(rule: IngressRule, port: number): boolean {
  if (rule.protocol === '-1' || rule.protocol === 'all') return true;
  if (rule.protocol !== 'tcp' && rule.protocol !== '6') return false;
  if (rule.fromPort === undefined || rule.toPort === undefined || rule.fromPort === -1) return true;
  return rule.fromPort <= port && port <= rule.toPort;
}

/** True when the rule admits exactly TCP `port` and nothing else. */
export function onlyPort(rule: IngressRule, port: number): boolean {
  return (rule.protocol === 'tcp' || rule.protocol === '6') && rule.fromPort === port && rule.toPort === port;
}

/** True when the rule's source is an address range or prefix list rather than a security group. */
export function hasAddressSource(rule: IngressRule): boolean {
  return rule.cidrIp !== undefined || rule.cidrIpv6 !== undefined || rule.prefixList !== undefined;
}

/** A readable description of a rule for messages. */
export function describeRule(rule: IngressRule): string {
  const ports = rule.protocol === '-1' ? 'all traffic' : `${rule.protocol} ${rule.fromPort ?? '?'}-${rule.toPort ?? '?'}`;
  const source =
    rule.cidrIp !== undefined
      ? `CidrIp ${show(rule.cidrIp)}`
      : rule.cidrIpv6 !== undefined
        ? `CidrIpv6 ${show(rule.cidrIpv6)}`
        : rule.prefixList !== undefined
          ? `prefix list ${show(rule.prefixList)}`
          : rule.sourceGroup !== undefined
            ? `security group ${rule.sourceGroup}`
            : 'no source';
  return `${ports} from ${source}`;
}

// ---- IAM policy documents ----

/** Statements of a policy document. */
export function statements(document: any): any[] {
  return list(document?.Statement).filter((s) => s && typeof s === 'object');
}

/** A condition's value for an operator and key, matching the key case-insensitively. */
export function conditionValue(statement: any, operator: string, key: string): unknown {
  const block = statement?.Condition?.[operator];
  if (!block || typeof block !== 'object') return undefined;
  const entry = Object.entries(block).find(([k]) => k.toLowerCase() === key.toLowerCase());
  return entry?.[1];
}

/** True when the statement's principal is everyone (`"*"` or `{AWS: "*"}`). */
export function isPublicPrincipal(principal: unknown): boolean {
  if (principal === '*') return true;
  if (principal && typeof principal === 'object') return list((principal as any).AWS).some((p) => p === '*');
  return false;
}
