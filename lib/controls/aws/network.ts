import type { CheckOptions, CheckResult } from '../types';
import { POLICY_FLOORS, tlsVersionsFrom } from '../../config/floors';
import { isApplicationLoadBalancer } from './edge-tls';
import { Outcome } from '../core/outcome';
import {
  admitsPort,
  asNumber,
  describeRule,
  hasAddressSource,
  ingressRules,
  isBastion,
  isFalse,
  isTrue,
  launchTemplateOf,
  list,
  ofType,
  onlyPort,
  publicSubnets,
  refTarget,
  refTo,
  renderText,
  securityGroupsOf,
  show,
  subnetsOfInstance,
  tagsOf,
  type CfnTemplate,
  type IngressRule,
  type Res,
} from './template';
import { cidrPrefix, DEFAULT_DATABASE_PORT, SSH_PORT } from '../core/network';

/**
 * Control NET-TIERS: a VPC with public and private tiers, the default security group closed,
 * nothing public except internet-facing ALBs and bastions, and no security group sending to the
 * internet (egress to VPC endpoints, tiers and package mirrors of /16 or narrower only).
 */
export function checkNetTiers(template: CfnTemplate): CheckResult {
  const out = new Outcome('NET-TIERS');
  const pub = publicSubnets(template);
  const vpcs = ofType(template, 'AWS::EC2::VPC');
  const subnets = ofType(template, 'AWS::EC2::Subnet');
  const instances = ofType(template, 'AWS::EC2::Instance');
  const asgs = ofType(template, 'AWS::AutoScaling::AutoScalingGroup');
  const dbs = ofType(template, 'AWS::RDS::DBInstance');
  const lbs = ofType(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer');

  for (const vpc of vpcs) {
    out.within(vpc.id, () => {
      const own = subnets.filter((s) => refTarget(s.props.VpcId) === vpc.id);
      if (own.length === 0) out.fail(vpc.id, 'VPC has no subnets in this template; expected public, app and data subnets');
      else if (own.every((s) => pub.has(s.id)))
        out.fail(vpc.id, 'every subnet of the VPC is public; expected private app and data subnets');
      const closer = customResources(template).find((r) => refTarget(r.props.DefaultSecurityGroupId) === vpc.id);
      if (closer) out.carry(closer.id);
      else
        out.fail(
          vpc.id,
          'the default security group is not restricted; expected restrictDefaultSecurityGroup (a Custom::VpcRestrictDefaultSG resource)',
        );
    });
  }

  for (const subnet of subnets) {
    if (isTrue(subnet.props.MapPublicIpOnLaunch) && tagsOf(subnet)['aws-cdk:subnet-type'] !== 'Public') {
      out.fail(
        subnet.id,
        'MapPublicIpOnLaunch is true on a subnet not tagged aws-cdk:subnet-type Public; expected false outside the public tier',
      );
    }
  }

  const eipInstances = new Map<string, string>();
  for (const eip of ofType(template, 'AWS::EC2::EIP', 'AWS::EC2::EIPAssociation')) {
    const target = refTarget(eip.props.InstanceId);
    if (target) eipInstances.set(target, eip.id);
  }
  for (const instance of instances) {
    if (isBastion(instance)) continue;
    out.within(instance.id, () => {
      const inPublic = subnetsOfInstance(instance).filter((s) => pub.has(s));
      if (inPublic.length > 0)
        out.fail(
          instance.id,
          `instance is in public subnet(s) ${inPublic.join(', ')}; expected an app or data subnet (only bastions may be public)`,
        );
      const lt = launchTemplateOf(template, instance);
      const nis = [...list(instance.props.NetworkInterfaces), ...list(lt?.props.LaunchTemplateData?.NetworkInterfaces)];
      if (nis.some((ni) => isTrue(ni?.AssociatePublicIpAddress)))
        out.fail(instance.id, 'AssociatePublicIpAddress is true; expected no public IP (only bastions may be public)');
      const eip = eipInstances.get(instance.id);
      if (eip) out.fail(eip, `Elastic IP attached to non-bastion instance ${instance.id}; expected none`);
    });
  }

  const bastionTemplates = new Set(instances.filter(isBastion).map((i) => launchTemplateOf(template, i)?.id));
  const nonBastionUsers = new Set(
    [...instances.filter((i) => !isBastion(i)), ...asgs].map((r) => launchTemplateOf(template, r)?.id).filter((id) => id !== undefined),
  );
  for (const lt of ofType(template, 'AWS::EC2::LaunchTemplate')) {
    const nis = list(lt.props.LaunchTemplateData?.NetworkInterfaces);
    const bastionOnly = bastionTemplates.has(lt.id) && !nonBastionUsers.has(lt.id);
    if (!bastionOnly && nis.some((ni) => isTrue(ni?.AssociatePublicIpAddress))) {
      out.fail(
        lt.id,
        'LaunchTemplateData.NetworkInterfaces AssociatePublicIpAddress is true; expected false (only bastions may be public)',
      );
    }
  }
  for (const lc of ofType(template, 'AWS::AutoScaling::LaunchConfiguration')) {
    if (isTrue(lc.props.AssociatePublicIpAddress)) out.fail(lc.id, 'AssociatePublicIpAddress is true; expected false');
  }

  for (const asg of asgs) {
    out.within(asg.id, () => {
      const inPublic = list(asg.props.VPCZoneIdentifier)
        .map((s) => refTarget(s) ?? show(s))
        .filter((s) => pub.has(s));
      if (inPublic.length > 0)
        out.fail(asg.id, `VPCZoneIdentifier includes public subnet(s) ${inPublic.join(', ')}; expected app subnets only`);
    });
  }

  for (const db of dbs) {
    out.within(db.id, () => {
      if (!isFalse(db.props.PubliclyAccessible))
        out.fail(db.id, `PubliclyAccessible is ${show(db.props.PubliclyAccessible)}; expected false`);
      for (const s of databaseSubnets(template, db).filter((s) => pub.has(s)))
        out.fail(db.id, `DB subnet group includes public subnet ${s}; expected isolated data subnets`);
    });
  }

  for (const lb of lbs) {
    out.within(lb.id, () => {
      const scheme = lb.props.Scheme ?? 'internet-facing';
      if (scheme === 'internet-facing' && !isApplicationLoadBalancer(lb)) {
        out.fail(
          lb.id,
          `a ${show(lb.props.Type)} load balancer is internet-facing; expected Scheme "internal" (only the ALB, behind the ` +
            `WAF, is a public entry)`,
        );
      }
    });
  }

  // Egress: no security group may send to the whole internet. Hosts reach the AWS services
  // through VPC endpoints and package mirrors by their own ranges; an open egress rule is the
  // exfiltration path of a compromised host (claim A5: intrusion detection at egress points).
  const egress = new Map<string, Array<{ declaredBy: string; rule: any }>>();
  for (const sg of ofType(template, 'AWS::EC2::SecurityGroup'))
    egress.set(
      sg.id,
      list(sg.props.SecurityGroupEgress).map((rule) => ({ declaredBy: sg.id, rule })),
    );
  for (const e of ofType(template, 'AWS::EC2::SecurityGroupEgress')) {
    const group = refTarget(e.props.GroupId);
    if (group && egress.has(group)) egress.get(group)!.push({ declaredBy: e.id, rule: e.props });
  }
  for (const [group, rules] of egress) {
    out.within(group, () => {
      if (rules.length === 0)
        out.fail(
          group,
          'has no egress rule, so AWS allows all outbound traffic; expected egress limited to the VPC endpoints, the tiers it ' +
            'talks to and package mirrors',
        );
      for (const { declaredBy, rule } of rules) {
        const cidr = rule.CidrIp ?? rule.CidrIpv6;
        const parsed = cidrPrefix(cidr);
        if (
          cidr !== undefined &&
          (parsed === undefined
            ? typeof cidr !== 'string' || cidr.trim() === ''
            : parsed.prefix < (parsed.family === 'ipv4' ? MIN_EGRESS_PREFIX.ipv4 : MIN_EGRESS_PREFIX.ipv6))
        ) {
          out.fail(
            declaredBy,
            `${group} sends ` +
              (String(rule.IpProtocol) === '-1' ? 'all traffic' : `${rule.IpProtocol} ${rule.FromPort}-${rule.ToPort}`) +
              ` to ${show(cidr)}; expected egress to VPC endpoints, tiers and package mirrors no broader than IPv4 ` +
              `/${MIN_EGRESS_PREFIX.ipv4} or IPv6 /${MIN_EGRESS_PREFIX.ipv6}`,
          );
        }
      }
    });
  }

  return out.result(vpcs.length + instances.length + asgs.length + dbs.length + lbs.length > 0);
}

/** Broadest egress destination accepted (a package mirror is one service, not the internet). */
export const MIN_EGRESS_PREFIX = { ipv4: 16, ipv6: 32 } as const;

function customResources(template: CfnTemplate): Res[] {
  const resources = template?.Resources ?? {};
  return Object.keys(resources)
    .filter((id) => resources[id].Type.startsWith('Custom::') || resources[id].Type === 'AWS::CloudFormation::CustomResource')
    .map((id) => ({ id, type: resources[id].Type, props: resources[id].Properties ?? {}, resource: resources[id] }));
}

/** Subnets of a database's subnet group (literal subnet ids rendered), or `[]` without a group. */
export function databaseSubnets(template: CfnTemplate, db: Res): string[] {
  const group = refTo(template, db.props.DBSubnetGroupName, 'AWS::RDS::DBSubnetGroup');
  return list(group?.props.SubnetIds).map((s) => refTarget(s) ?? show(s));
}

/** Security groups of the app tier: those of every auto scaling group and non-bastion instance. */
export function appSecurityGroups(template: CfnTemplate): Set<string> {
  const hosts = [
    ...ofType(template, 'AWS::AutoScaling::AutoScalingGroup'),
    ...ofType(template, 'AWS::EC2::Instance').filter((i) => !isBastion(i)),
  ];
  return new Set(hosts.flatMap((h) => securityGroupsOf(template, h)));
}

function bastionSecurityGroups(template: CfnTemplate): Set<string> {
  return new Set(
    ofType(template, 'AWS::EC2::Instance')
      .filter(isBastion)
      .flatMap((b) => securityGroupsOf(template, b)),
  );
}

/**
 * Control APP-FROM-GATEWAY: the app hosts' security groups admit only the load balancer's group
 * on the target port, and SSH only from the bastion's group; targets are reached over HTTPS.
 */
export function checkAppFromGateway(template: CfnTemplate): CheckResult {
  const out = new Outcome('APP-FROM-GATEWAY');
  const asgs = ofType(template, 'AWS::AutoScaling::AutoScalingGroup');
  const gatewaySgs = new Set(
    ofType(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer').flatMap((lb) =>
      list(lb.props.SecurityGroups).map((s) => refTarget(s) ?? show(s)),
    ),
  );
  const bastionSgs = bastionSecurityGroups(template);
  const rules = ingressRules(template);

  for (const asg of asgs) {
    out.within(asg.id, () => {
      const appSgs = securityGroupsOf(template, asg);
      if (appSgs.length === 0) out.fail(asg.id, 'launch template names no security group; expected the app security group');
      const targetGroups = list(asg.props.TargetGroupARNs).map((arn) => refTo(template, arn, 'AWS::ElasticLoadBalancingV2::TargetGroup'));
      if (targetGroups.length === 0) out.fail(asg.id, 'TargetGroupARNs is empty; expected the load balancer target group');
      const ports: number[] = [];
      targetGroups.forEach((tg, i) => {
        if (!tg) {
          out.fail(asg.id, `TargetGroupARNs[${i}] is ${show(asg.props.TargetGroupARNs[i])}; expected a target group of this template`);
          return;
        }
        out.within(tg.id, () => {
          if (tg.props.Protocol !== 'HTTPS')
            out.fail(tg.id, `Protocol is ${show(tg.props.Protocol)}; expected "HTTPS" (TLS from the load balancer to the app)`);
        });
        const port = asNumber(tg.props.Port);
        if (port !== undefined) ports.push(port);
      });
      for (const sg of appSgs) {
        out.within(sg, () => {
          for (const rule of rules.filter((r) => r.group === sg)) checkAppRule(out, rule, gatewaySgs, bastionSgs, ports);
        });
      }
    });
  }
  return out.result(asgs.length > 0);
}

function checkAppRule(out: Outcome, rule: IngressRule, gatewaySgs: Set<string>, bastionSgs: Set<string>, ports: number[]): void {
  const expected =
    `expected only the load balancer's security group on port ${ports.join('/') || '(target port)'} and the bastion's on ` + `${SSH_PORT}`;
  if (hasAddressSource(rule)) {
    out.fail(rule.declaredBy, `${rule.group} admits ${describeRule(rule)}; ${expected}`);
  } else if (rule.sourceGroup !== undefined && gatewaySgs.has(rule.sourceGroup)) {
    if (!ports.some((p) => onlyPort(rule, p))) out.fail(rule.declaredBy, `${rule.group} admits ${describeRule(rule)}; ${expected}`);
    else out.carry(rule.declaredBy);
  } else if (rule.sourceGroup !== undefined && bastionSgs.has(rule.sourceGroup)) {
    if (!onlyPort(rule, SSH_PORT)) out.fail(rule.declaredBy, `${rule.group} admits ${describeRule(rule)}; ${expected}`);
    else out.carry(rule.declaredBy);
  } else {
    out.fail(rule.declaredBy, `${rule.group} admits ${describeRule(rule)}; ${expected}`);
  }
}

/**
 * The TLS enforcement of a database, for DB-FROM-APP and ENC-TRANSIT: its parameter group in this
 * template forces TLS (`rds.force_ssl` 1 for PostgreSQL, `require_secure_transport` for MySQL)
 * and does not lower the TLS floor. Returns problems; records the parameter group as evidence.
 */
export function databaseTlsProblems(template: CfnTemplate, db: Res): { group?: string; problems: string[] } {
  const cluster = db.type === 'AWS::RDS::DBCluster';
  const groupRef = cluster ? db.props.DBClusterParameterGroupName : db.props.DBParameterGroupName;
  const groupType = cluster ? 'AWS::RDS::DBClusterParameterGroup' : 'AWS::RDS::DBParameterGroup';
  const property = cluster ? 'DBClusterParameterGroupName' : 'DBParameterGroupName';
  const group = refTo(template, groupRef, groupType);
  if (!group) return { problems: [`${property} is ${show(groupRef)}; expected a ${groupType} of this template that forces TLS`] };
  const params = group.props.Parameters ?? {};
  const engine = String(db.props.Engine ?? '').toLowerCase();
  const problems: string[] = [];
  if (/mysql|mariadb/.test(engine)) {
    const v = String(params.require_secure_transport ?? '').toUpperCase();
    if (v !== '1' && v !== 'ON')
      problems.push(`${group.id}: require_secure_transport is ${show(params.require_secure_transport)}; expected "1"`);
  } else {
    const v = params['rds.force_ssl'];
    if (!(v === 1 || v === '1')) problems.push(`${group.id}: rds.force_ssl is ${show(v)}; expected "1"`);
    const floor = params.ssl_min_protocol_version;
    const accepted = tlsVersionsFrom().map((v) => `TLSv${v}`);
    if (floor !== undefined && !accepted.includes(floor))
      problems.push(`${group.id}: ssl_min_protocol_version is ${show(floor)}; expected ${accepted.map((v) => `"${v}"`).join(' or ')}`);
  }
  return { group: group.id, problems };
}

/**
 * Control DB-FROM-APP: the database is private, admits only the app tier's security group on its
 * port, forces TLS and IAM authentication, and lives in non-public subnets.
 */
export function checkDbFromApp(template: CfnTemplate): CheckResult {
  const out = new Outcome('DB-FROM-APP');
  const instances = ofType(template, 'AWS::RDS::DBInstance');
  const clusters = ofType(template, 'AWS::RDS::DBCluster');
  const appSgs = appSecurityGroups(template);
  const rules = ingressRules(template);
  const pub = publicSubnets(template);

  for (const db of [...clusters, ...instances]) {
    const member = db.type === 'AWS::RDS::DBInstance' && db.props.DBClusterIdentifier !== undefined;
    out.within(db.id, () => {
      if (db.type === 'AWS::RDS::DBInstance' && !isFalse(db.props.PubliclyAccessible)) {
        out.fail(db.id, `PubliclyAccessible is ${show(db.props.PubliclyAccessible)}; expected false`);
      }
      if (member) return; // the cluster carries network, TLS and authentication settings
      const sgs = list(db.type === 'AWS::RDS::DBCluster' ? db.props.VpcSecurityGroupIds : db.props.VPCSecurityGroups).map(
        (s) => refTarget(s) ?? show(s),
      );
      if (sgs.length === 0) out.fail(db.id, 'no VPC security group; expected one admitting only the app tier');
      const port = asNumber(db.props.Port) ?? DEFAULT_DATABASE_PORT;
      if (appSgs.size === 0)
        out.fail(
          db.id,
          'no app tier (auto scaling group or instance) in this template to admit; expected the database to admit only the ' +
            'app security group',
        );
      for (const sg of sgs) {
        out.within(sg, () => {
          for (const rule of rules.filter((r) => r.group === sg)) {
            const fromApp = !hasAddressSource(rule) && rule.sourceGroup !== undefined && appSgs.has(rule.sourceGroup);
            if (!fromApp || !onlyPort(rule, port)) {
              out.fail(
                rule.declaredBy,
                `${sg} admits ${describeRule(rule)}; expected only the app security group ` +
                  `(${[...appSgs].join(', ') || 'none found'}) on tcp ${port}`,
              );
            } else out.carry(rule.declaredBy);
          }
        });
      }
      const tls = databaseTlsProblems(template, db);
      for (const p of tls.problems) out.fail(db.id, p);
      if (tls.group && tls.problems.length === 0) out.carry(tls.group);
      if (!isTrue(db.props.EnableIAMDatabaseAuthentication)) {
        out.fail(db.id, `EnableIAMDatabaseAuthentication is ${show(db.props.EnableIAMDatabaseAuthentication)}; expected true`);
      }
      const subnets = databaseSubnets(template, db);
      if (subnets.length === 0)
        out.fail(
          db.id,
          `DBSubnetGroupName is ${show(db.props.DBSubnetGroupName)}; expected a DB subnet group of this template over data subnets`,
        );
      for (const s of subnets.filter((s) => pub.has(s)))
        out.fail(db.id, `DB subnet group includes public subnet ${s}; expected isolated data subnets`);
    });
  }
  return out.result(instances.length + clusters.length > 0);
}

/**
 * Control BASTION-SSH: the bastion has no shared key pair, IMDSv2, sshd without passwords or root
 * login, and admits only SSH from narrow allowlisted ranges; every host (bastion, app instances
 * and launch templates) admits only named people, ignores AuthorizedKeysCommand and removes EC2
 * Instance Connect; nothing else admits SSH except from the bastion.
 */
export function checkBastionSsh(template: CfnTemplate, options: CheckOptions = {}): CheckResult {
  const out = new Outcome('BASTION-SSH');
  const maxPrefix = options.maxAllowlistPrefix ?? POLICY_FLOORS.access.maxAllowlistPrefix;
  const instances = ofType(template, 'AWS::EC2::Instance');
  const bastions = instances.filter(isBastion);
  const bastionSgs = bastionSecurityGroups(template);
  const rules = ingressRules(template);
  const launchTemplates = ofType(template, 'AWS::EC2::LaunchTemplate');
  const keyPairs = ofType(template, 'AWS::EC2::KeyPair');

  for (const kp of keyPairs)
    out.fail(kp.id, 'an AWS::EC2::KeyPair is a key shared by everyone who logs in; expected per-user keys installed on the bastion');
  for (const r of [...instances, ...ofType(template, 'AWS::AutoScaling::LaunchConfiguration')]) {
    if (r.props.KeyName !== undefined)
      out.fail(r.id, `KeyName is ${show(r.props.KeyName)}; expected no shared key pair (per-user keys only)`);
  }
  for (const lt of launchTemplates) {
    const key = lt.props.LaunchTemplateData?.KeyName;
    if (key !== undefined) out.fail(lt.id, `LaunchTemplateData.KeyName is ${show(key)}; expected no shared key pair (per-user keys only)`);
  }

  for (const bastion of bastions) {
    out.within(bastion.id, () => {
      const lt = launchTemplateOf(template, bastion);
      const data = lt?.props.LaunchTemplateData ?? {};
      const tokens = bastion.props.MetadataOptions?.HttpTokens ?? data.MetadataOptions?.HttpTokens;
      if (tokens !== 'required') out.fail(bastion.id, `MetadataOptions.HttpTokens is ${show(tokens)}; expected "required" (IMDSv2)`);
      checkHostLogin(out, bastion.id, renderText(bastion.props.UserData ?? data.UserData));
      const sgs = securityGroupsOf(template, bastion);
      if (sgs.length === 0) out.fail(bastion.id, 'no security group; expected one admitting SSH from the allowlist only');
      for (const sg of sgs) {
        out.within(sg, () => {
          for (const rule of rules.filter((r) => r.group === sg)) checkBastionRule(out, rule, maxPrefix);
        });
      }
    });
  }

  // Every other host (app instances, auto scaling launch templates) gets the same per-person
  // logins: an app host with a shared account or EC2 Instance Connect is a door around the bastion.
  const hostTemplates = new Map<string, Res>();
  for (const asg of ofType(template, 'AWS::AutoScaling::AutoScalingGroup')) {
    const lt = launchTemplateOf(template, asg);
    if (lt) hostTemplates.set(lt.id, lt);
    else out.fail(asg.id, 'launches from no launch template of this template; expected one whose user data sets up per-person logins');
  }
  for (const instance of instances.filter((i) => !isBastion(i))) {
    const lt = launchTemplateOf(template, instance);
    out.within(instance.id, () =>
      checkHostLogin(out, instance.id, renderText(instance.props.UserData ?? lt?.props.LaunchTemplateData?.UserData)),
    );
  }
  for (const lt of hostTemplates.values())
    out.within(lt.id, () => checkHostLogin(out, lt.id, renderText(lt.props.LaunchTemplateData?.UserData)));

  // Everything else admits SSH only from the bastion.
  for (const rule of rules.filter((r) => !bastionSgs.has(r.group) && admitsPort(r, SSH_PORT))) {
    if (hasAddressSource(rule)) {
      out.fail(rule.declaredBy, `${rule.group} admits SSH: ${describeRule(rule)}; expected SSH only from the bastion's security group`);
    } else if (rule.sourceGroup === undefined || !bastionSgs.has(rule.sourceGroup)) {
      out.fail(
        rule.declaredBy,
        `${rule.group} admits SSH: ${describeRule(rule)}; expected SSH only from the bastion's security group ` +
          `(${[...bastionSgs].join(', ') || 'none'})`,
      );
    }
  }

  const applicable = bastions.length + keyPairs.length + instances.length + launchTemplates.length + rules.length > 0;
  return out.result(applicable);
}

/** A boot script line that removes EC2 Instance Connect (dnf, yum or apt). */
const REMOVES_INSTANCE_CONNECT = new RegExp(
  '\\b(dnf|yum)\\s+(-y\\s+)?(remove|erase)\\s+(-y\\s+)?ec2-instance-connect\\b|\\bapt(-get)?\\s+(-y\\s+)?(remove|purge)\\s+(-y' +
    '\\s+)?ec2-instance-connect\\b',
);

/**
 * The login rules of one host's boot script (control BASTION-SSH): sshd refuses passwords and
 * root, admits only named people (`AllowUsers`), ignores `AuthorizedKeysCommand` (the hook EC2
 * Instance Connect uses to push keys for any OS user), and the script removes EC2 Instance Connect.
 */
function checkHostLogin(out: Outcome, id: string, userData: string): void {
  if (userData.trim() === '') {
    out.fail(
      id,
      'has no user data; expected a boot script creating one account per person, hardening sshd and removing EC2 Instance Connect',
    );
    return;
  }
  for (const [setting, bad] of [
    ['PasswordAuthentication no', /^\s*PasswordAuthentication\s+yes\b/im],
    ['PermitRootLogin no', /^\s*PermitRootLogin\s+(?!no\b)\S+/im],
    ['AuthorizedKeysCommand none', /^\s*AuthorizedKeysCommand\s+(?!none\b)\S+/im],
  ] as const) {
    const [key, value] = setting.split(' ');
    if (!new RegExp(`^\\s*${key}\\s+${value}\\b`, 'im').test(userData)) {
      out.fail(id, `UserData does not set "${setting}" for sshd; expected it, so only per-user keys log in`);
    } else if (bad.test(userData)) {
      out.fail(id, `UserData also sets ${key} to something other than "${value}"; expected only "${setting}"`);
    }
  }
  if (!/^\s*AllowUsers\s+\S+/im.test(userData))
    out.fail(id, "UserData sets no sshd AllowUsers; expected only the named people's accounts admitted");
  if (!REMOVES_INSTANCE_CONNECT.test(userData)) {
    out.fail(
      id,
      'UserData does not remove EC2 Instance Connect (ec2-instance-connect); expected it removed at boot, or anyone with ' +
        'ec2-instance-connect:SendSSHPublicKey can push a key for any OS user',
    );
  }
}

function checkBastionRule(out: Outcome, rule: IngressRule, maxPrefix: { ipv4: number; ipv6: number }): void {
  if (!onlyPort(rule, SSH_PORT)) {
    out.fail(rule.declaredBy, `bastion group ${rule.group} admits ${describeRule(rule)}; expected only tcp ${SSH_PORT}`);
    return;
  }
  const cidr = rule.cidrIp ?? rule.cidrIpv6;
  if (cidr === undefined) {
    out.fail(
      rule.declaredBy,
      `bastion group ${rule.group} admits ${describeRule(rule)}; expected only allowlisted CIDRs (IPv4 /${maxPrefix.ipv4} or ` +
        `narrower, IPv6 /${maxPrefix.ipv6} or narrower)`,
    );
    return;
  }
  const parsed = cidrPrefix(cidr);
  if (!parsed) {
    out.fail(rule.declaredBy, `bastion group ${rule.group} admits SSH from ${show(cidr)}; expected a literal CIDR that can be verified`);
    return;
  }
  const limit = maxPrefix[parsed.family];
  if (parsed.prefix === 0 || parsed.prefix < limit) {
    out.fail(
      rule.declaredBy,
      `bastion group ${rule.group} admits SSH from ${show(cidr)}; expected ${parsed.family} prefixes of /${limit} or ` +
        `narrower, never the whole internet`,
    );
  }
}
