import type { AwsEnvironmentTemplates, CheckOptions, CheckResult } from '../types';
import { STANDBY_TAG } from './availability';
import { bucketPolicyStatements, logBuckets } from './buckets';
import { Outcome } from '../core/outcome';
import { allowedActions, conditionText, crossStackResolver, instanceRoles, normalizeArn, resourcesOf, roleGrants, type Grant } from './iam';
import {
  asNumber,
  isBastion,
  isFalse,
  launchTemplateOf,
  list,
  ofType,
  refTarget,
  renderText,
  show,
  statements,
  tagsOf,
  TEMPLATE,
  type CfnTemplate,
  type Res,
} from './template';

/** Primary-origin responses that must send CloudFront to the failover origin (a regional S3 outage). */
export const CDN_FAILOVER_CODES = [500, 502, 503, 504] as const;

/** The longest replication SLA the claim accepts (S3 Replication Time Control), in minutes. */
export const MAX_REPLICATION_MINUTES = 15;

const PRIMARY = 'primary';
const DR = 'dr';
const DR_DATABASE = 'dr-database';

/** `<stack>/<logical id>`, so a finding names the template it is in. */
const at = (stack: string, id: string) => `${stack}/${id}`;

/**
 * Control DR-REGION across one environment's stacks: every data bucket of the primary replicates
 * (15-minute Replication Time Control, delete markers, under a DR-region key) to a versioned,
 * KMS-encrypted bucket of the DR stack; the primary database replicates its automated backups
 * to the DR region and has an encrypted cross-region read replica with a lag alarm; the backup
 * plan copies into a locked vault of the DR stack; and the DR stack holds a warm standby
 * (tagged app group behind a load balancer with a web ACL). "Can serve": every replication rule
 * has a ReplicationLatency alarm with an action at no more than the RPO; every CloudFront
 * distribution fails over (origin group, 5xx) to a DR replica with origin access control whose
 * policy admits one named distribution; and a primary with a bastion has one in the DR stack.
 *
 * A check over several templates: the single-template checks cannot see where a replica lives.
 */
export function checkDrRegion(templates: AwsEnvironmentTemplates, options: CheckOptions = {}): CheckResult {
  const out = new Outcome('DR-REGION');
  const primary = templates.primary as CfnTemplate;
  const dr = templates.dr as CfnTemplate | undefined;
  if (!dr) {
    out.fail(TEMPLATE, "no DR-region template; expected the environment's DR stack next to its primary stack");
    return out.result();
  }

  // Objects: every primary data bucket replicates into a hardened bucket of the DR stack.
  const replicaOf = new Map<string, Res>();
  const drBuckets = new Map<string, Res>();
  for (const b of ofType(dr, 'AWS::S3::Bucket')) if (typeof b.props.BucketName === 'string') drBuckets.set(b.props.BucketName, b);
  const logs = logBuckets(primary);
  for (const bucket of ofType(primary, 'AWS::S3::Bucket').filter((b) => !logs.has(b.id) && b.props.ObjectLockEnabled !== true)) {
    out.within(at(PRIMARY, bucket.id), () => {
      const where = at(PRIMARY, bucket.id);
      const rules = list(bucket.props.ReplicationConfiguration?.Rules).filter((r) => r?.Status === 'Enabled');
      if (rules.length === 0) {
        out.fail(where, 'has no enabled replication rule; expected every data bucket to replicate to the DR region');
        return;
      }
      for (const rule of rules) {
        const dest = rule.Destination ?? {};
        const minutes = asNumber(dest.ReplicationTime?.Time?.Minutes);
        if (dest.ReplicationTime?.Status !== 'Enabled' || minutes === undefined || minutes > MAX_REPLICATION_MINUTES) {
          out.fail(
            where,
            `replication rule ${show(rule.Id)} has ReplicationTime ${show(dest.ReplicationTime)}; expected Replication Time ` +
              `Control enabled at ${MAX_REPLICATION_MINUTES} minutes`,
          );
        }
        if (dest.Metrics?.Status !== 'Enabled')
          out.fail(
            where,
            `replication rule ${show(rule.Id)} has Metrics ${show(dest.Metrics)}; expected replication metrics enabled (RTC ` +
              `needs them, and they feed the lag alarm)`,
          );
        if (rule.DeleteMarkerReplication?.Status !== 'Enabled')
          out.fail(
            where,
            `replication rule ${show(rule.Id)} has DeleteMarkerReplication ${show(rule.DeleteMarkerReplication)}; expected "Enabled"`,
          );
        if (!renderText(dest.EncryptionConfiguration?.ReplicaKmsKeyID))
          out.fail(
            where,
            `replication rule ${show(rule.Id)} has no EncryptionConfiguration.ReplicaKmsKeyID; expected replicas encrypted ` +
              `under a DR-region key`,
          );
        const name = renderText(dest.Bucket).replace(/^arn:[^:]*:s3:::/, '');
        const replica = drBuckets.get(name);
        if (!replica) {
          out.fail(where, `replicates to ${show(dest.Bucket)}, which the DR template does not hold; expected a bucket of the DR stack`);
          continue;
        }
        replicaOf.set(bucket.id, replica);
        // Lag must page on-call before it exceeds the RPO: unseen, a region loss loses those writes.
        const lagAlarm = ofType(primary, 'AWS::CloudWatch::Alarm').find(
          (a) =>
            a.props.Namespace === 'AWS/S3' &&
            a.props.MetricName === 'ReplicationLatency' &&
            list(a.props.AlarmActions).length > 0 &&
            list(a.props.Dimensions).some((d) => d?.Name === 'SourceBucket' && refTarget(d.Value) === bucket.id) &&
            list(a.props.Dimensions).some((d) => d?.Name === 'RuleId' && d.Value === rule.Id),
        );
        if (!lagAlarm)
          out.fail(
            where,
            `replication rule ${show(rule.Id)} has no ReplicationLatency alarm with an action (AWS/S3, SourceBucket and ` +
              `RuleId dimensions); expected on-call to learn when the DR copy falls behind`,
          );
        else if (options.rpoMinutes !== undefined && !((asNumber(lagAlarm.props.Threshold) ?? Infinity) <= options.rpoMinutes * 60)) {
          out.fail(
            at(PRIMARY, lagAlarm.id),
            `alarms at a ReplicationLatency of ${show(lagAlarm.props.Threshold)} s; expected at most the RPO ` +
              `(${options.rpoMinutes * 60} s)`,
          );
        } else out.carry(at(PRIMARY, lagAlarm.id));
        out.within(at(DR, replica.id), () => {
          if (replica.props.VersioningConfiguration?.Status !== 'Enabled')
            out.fail(
              at(DR, replica.id),
              `replica ${name} has VersioningConfiguration ${show(replica.props.VersioningConfiguration)}; expected "Enabled" ` +
                `(replication requires it)`,
            );
          const sse = list(replica.props.BucketEncryption?.ServerSideEncryptionConfiguration)[0]?.ServerSideEncryptionByDefault;
          if (sse?.SSEAlgorithm !== 'aws:kms' || !renderText(sse?.KMSMasterKeyID))
            out.fail(at(DR, replica.id), `replica ${name} is encrypted with ${show(sse)}; expected SSE-KMS under a DR-region key`);
          if (replica.resource.DeletionPolicy !== 'Retain')
            out.fail(at(DR, replica.id), `replica ${name} has DeletionPolicy ${show(replica.resource.DeletionPolicy)}; expected "Retain"`);
        });
      }
    });
  }

  // Database: automated backups replicated to the DR region, and a cross-region read replica.
  const replicaDbOf = new Map<string, Res>();
  const sources = ofType(primary, 'AWS::RDS::DBInstance').filter(
    (d) => d.props.SourceDBInstanceIdentifier === undefined && d.props.DBClusterIdentifier === undefined,
  );
  for (const db of sources) {
    out.within(at(PRIMARY, db.id), () => {
      const where = at(PRIMARY, db.id);
      const region = renderText(db.props.AutomaticBackupReplicationRegion);
      if (!region)
        out.fail(
          where,
          'has no AutomaticBackupReplicationRegion; expected automated backups replicated to the DR region (point-in-time ' +
            'recovery after a region loss)',
        );
      else if (options.drRegion && region !== options.drRegion)
        out.fail(where, `replicates automated backups to ${region}; expected the DR region ${options.drRegion}`);
      if (region && !renderText(db.props.AutomaticBackupReplicationKmsKeyId))
        out.fail(where, 'has no AutomaticBackupReplicationKmsKeyId; expected the replicated backups encrypted under a DR-region key');
    });
    const identifier = renderText(db.props.DBInstanceIdentifier);
    const replicaTemplate = templates.drDatabase as CfnTemplate | undefined;
    const replicas = replicaTemplate
      ? ofType(replicaTemplate, 'AWS::RDS::DBInstance').filter((r) =>
          renderText(r.props.SourceDBInstanceIdentifier).endsWith(`:db:${identifier}`),
        )
      : [];
    if (replicas.length === 0) {
      if (options.databaseReplica !== false)
        out.fail(
          at(PRIMARY, db.id),
          `has no cross-region read replica (SourceDBInstanceIdentifier ending ":db:${identifier}") in the DR database ` +
            `template; expected one, or options.databaseReplica false when the recovery objectives allow a restore from backup`,
        );
      continue;
    }
    for (const replica of replicas) {
      replicaDbOf.set(db.id, replica);
      const where = at(DR_DATABASE, replica.id);
      out.within(where, () => {
        // A replica's encryption follows KmsKeyId (CloudFormation forbids StorageEncrypted on it).
        if (replica.props.StorageEncrypted === false || !renderText(replica.props.KmsKeyId))
          out.fail(
            where,
            `has StorageEncrypted ${show(replica.props.StorageEncrypted)} and KmsKeyId ${show(replica.props.KmsKeyId)}; ` +
              `expected encryption under a DR-region key`,
          );
        if (!isFalse(replica.props.PubliclyAccessible))
          out.fail(where, `has PubliclyAccessible ${show(replica.props.PubliclyAccessible)}; expected false`);
        if (replica.props.DeletionProtection !== true)
          out.fail(where, `has DeletionProtection ${show(replica.props.DeletionProtection)}; expected true`);
        const lagAlarm = ofType(replicaTemplate!, 'AWS::CloudWatch::Alarm').find(
          (a) => a.props.MetricName === 'ReplicaLag' && list(a.props.AlarmActions).length > 0,
        );
        if (!lagAlarm)
          out.fail(where, 'has no ReplicaLag alarm with an action; expected the on-call to learn when the replica falls behind the RPO');
        else if (options.rpoMinutes !== undefined) {
          const threshold = asNumber(lagAlarm.props.Threshold);
          if (threshold === undefined || threshold > options.rpoMinutes * 60)
            out.fail(
              at(DR_DATABASE, lagAlarm.id),
              `alarms at a ReplicaLag of ${show(lagAlarm.props.Threshold)} s; expected at most the RPO (${options.rpoMinutes * 60} s)`,
            );
        }
      });
    }
  }

  // Backups: copies into a locked vault of the DR stack.
  const drVaults = new Map<string, Res>();
  for (const v of ofType(dr, 'AWS::Backup::BackupVault')) drVaults.set(renderText(v.props.BackupVaultName), v);
  // Continuous-backup (PITR) plans stay in the region by design; the daily plan carries copies.
  const plans = ofType(primary, 'AWS::Backup::BackupPlan');
  const copies = plans.flatMap((plan) =>
    list(plan.props.BackupPlan?.BackupPlanRule).flatMap((r) => list(r?.CopyActions).map((copy) => ({ plan, copy }))),
  );
  if (plans.length > 0 && copies.length === 0)
    out.fail(at(PRIMARY, TEMPLATE), "no backup plan rule has a copy action; expected daily backups copied to the DR region's locked vault");
  for (const { plan, copy } of copies) {
    const arn = renderText(copy.DestinationBackupVaultArn);
    const vaultName = arn.split(':backup-vault:')[1] ?? '';
    const vault = drVaults.get(vaultName);
    if (!vault)
      out.fail(
        at(PRIMARY, plan.id),
        `copies to ${show(copy.DestinationBackupVaultArn)}, which the DR template does not hold; expected the DR stack's vault`,
      );
    else if (!vault.props.LockConfiguration)
      out.fail(at(DR, vault.id), `DR vault ${vaultName} has no LockConfiguration; expected a vault lock so copies cannot be deleted early`);
    else out.carry(at(PRIMARY, plan.id), at(DR, vault.id));
  }

  // The CDN fails over to the DR replica of its assets, which admits that distribution only.
  for (const d of ofType(primary, 'AWS::CloudFront::Distribution')) {
    out.within(at(PRIMARY, d.id), () => cdnFailoverProblems(out, d, dr, drBuckets));
  }

  // Admins reach the standby hosts after a failover without widening access in a hurry.
  if (ofType(primary, 'AWS::EC2::Instance').some(isBastion)) {
    const bastions = ofType(dr, 'AWS::EC2::Instance').filter(isBastion);
    if (bastions.length === 0)
      out.fail(
        at(DR, TEMPLATE),
        'has no bastion; expected one behind the same allowlist, or after a failover admins reach the standby hosts only by ' +
          'opening new paths',
      );
    else out.carry(...bastions.map((b) => at(DR, b.id)));
  }

  // Warm standby: a tagged app group behind a load balancer protected by a web ACL.
  const standby = ofType(dr, 'AWS::AutoScaling::AutoScalingGroup').filter((g) => tagsOf(g)[STANDBY_TAG.key] === STANDBY_TAG.value);
  if (standby.length === 0)
    out.fail(
      at(DR, TEMPLATE),
      `has no warm-standby app group (tag ${STANDBY_TAG.key}=${STANDBY_TAG.value}); expected failover to scale out existing infrastructure`,
    );
  else out.carry(...standby.map((g) => at(DR, g.id)));
  const lbs = ofType(dr, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
  if (lbs.length === 0) out.fail(at(DR, TEMPLATE), 'has no load balancer; expected the standby gateway in place before a failover');
  if (ofType(dr, 'AWS::WAFv2::WebACLAssociation').length < lbs.length)
    out.fail(at(DR, TEMPLATE), 'has a load balancer without a web ACL association; expected the same WAF rules as the primary');

  checkStandbyDataAccess(out, templates, standby, replicaOf, replicaDbOf, options);
  return out.result();
}

/**
 * The standby app role must reach the DR copies of whatever the primary app role reaches: the same
 * object actions on the replica of each bucket, the same key actions on the replica's DR key (whose
 * policy lets IAM grant it), and IAM authentication to the replica database. A standby that
 * cannot read its data turns a failover into an outage (the RTO is lost).
 */
function checkStandbyDataAccess(
  out: Outcome,
  templates: AwsEnvironmentTemplates,
  standby: Res[],
  replicaOf: Map<string, Res>,
  replicaDbOf: Map<string, Res>,
  options: CheckOptions,
): void {
  const primary = templates.primary as CfnTemplate;
  const dr = templates.dr as CfnTemplate;
  const drDatabase = templates.drDatabase as CfnTemplate | undefined;
  const primaryGroups = ofType(primary, 'AWS::AutoScaling::AutoScalingGroup').filter(
    (g) => tagsOf(g)[STANDBY_TAG.key] !== STANDBY_TAG.value,
  );
  const primaryGrants = primaryGroups
    .flatMap((g) => instanceRoles(primary, g, launchTemplateOf))
    .flatMap((role) => roleGrants(primary, role).grants);
  const others = drDatabase ? [{ template: drDatabase, resolve: crossStackResolver([dr]) }] : [];
  const drRoles = standby.flatMap((g) => instanceRoles(dr, g, launchTemplateOf));
  if (primaryGrants.length === 0) return; // the primary app reaches no data: nothing to carry over
  if (drRoles.length === 0) {
    out.fail(
      at(DR, TEMPLATE),
      'the warm-standby app group has no instance role; expected the standby to reach the DR data as the primary app reaches ' +
        'the primary data',
    );
    return;
  }
  for (const role of drRoles) {
    const where = at(DR, role.id);
    out.within(where, () => {
      const drGrants = roleGrants(dr, role, others).grants;
      for (const [sourceId, replica] of replicaOf) {
        const sourceArn = `\${${sourceId}.Arn}`;
        const replicaArn = `\${${replica.id}.Arn}`;
        // Object and bucket actions: the primary's (action, path under the bucket) pairs.
        for (const { statement } of primaryGrants) {
          for (const resource of resourcesOf(statement)) {
            if (!resource.startsWith(sourceArn)) continue;
            const suffix = resource.slice(sourceArn.length);
            const actions = allowedActions(
              statement,
              list(statement.Action).filter((a): a is string => typeof a === 'string'),
            );
            const missing = actions.filter(
              (action) =>
                !drGrants.some(
                  (g) =>
                    allowedActions(g.statement, [action]).length > 0 &&
                    resourcesOf(g.statement).some((r) => covers(r, replicaArn + suffix)),
                ),
            );
            if (missing.length > 0)
              out.fail(
                where,
                `cannot ${missing.join(', ')} on ${replica.props.BucketName ?? replica.id}${suffix}, which the primary app ` +
                  `role may do on its source ${sourceId}; expected the standby app role to reach the replica after failover`,
              );
          }
        }
        // Keys: the same key actions on the key encrypting the replica.
        const source = ofType(primary, 'AWS::S3::Bucket').find((b) => b.id === sourceId);
        const sourceKey = refTarget(
          list(source?.props.BucketEncryption?.ServerSideEncryptionConfiguration)[0]?.ServerSideEncryptionByDefault?.KMSMasterKeyID,
        );
        const keyActions =
          sourceKey === undefined
            ? []
            : [
                ...new Set(
                  primaryGrants
                    .filter((g) => resourcesOf(g.statement).some((r) => covers(r, `\${${sourceKey}.Arn}`)))
                    .flatMap((g) => list(g.statement.Action).filter((a) => typeof a === 'string' && /^kms:/i.test(a))),
                ),
              ];
        const replicaKey = refTarget(
          list(replica.props.BucketEncryption?.ServerSideEncryptionConfiguration)[0]?.ServerSideEncryptionByDefault?.KMSMasterKeyID,
        );
        if (keyActions.length === 0) continue;
        if (!replicaKey) {
          out.fail(
            at(DR, replica.id),
            `has no KMS key of the DR stack; expected the replica encrypted under a DR-region key the standby app role may use`,
          );
          continue;
        }
        const keyArn = `\${${replicaKey}.Arn}`;
        const keyGrants = drGrants.filter((g) => resourcesOf(g.statement).some((r) => covers(r, keyArn)));
        const missingKey = keyActions.filter(
          (action) =>
            !keyGrants.some((g) => allowedActions(g.statement, [action]).length > 0 && keyConditionsFit(g, replicaArn, options.drRegion)),
        );
        if (missingKey.length > 0)
          out.fail(
            where,
            `cannot ${missingKey.join(', ')} with ${replicaKey}, the DR key of ` +
              `${replica.props.BucketName ?? replica.id}${options.drRegion ? ` through s3.${options.drRegion}` : ''}; expected ` +
              `the same key use as the primary app role on its source`,
          );
        else if (!keyPolicyDelegates(dr, replicaKey, role.id))
          out.fail(
            at(DR, replicaKey),
            `key policy neither lets IAM policies of the account grant it nor names ${role.id}; expected the standby app role ` +
              `to be able to use the replica's key`,
          );
      }
      // Database: IAM authentication to the replica as the same user.
      for (const [sourceDb, replicaDb] of replicaDbOf) {
        const users = primaryGrants
          .filter((g) => allowedActions(g.statement, ['rds-db:connect']).length > 0)
          .flatMap((g) => resourcesOf(g.statement))
          .filter((r) => r.includes(`\${${sourceDb}.DbiResourceId}`))
          .map((r) => r.split(`\${${sourceDb}.DbiResourceId}`)[1]);
        for (const user of users) {
          const ok = drGrants.some(
            (g) =>
              g.declaredBy.startsWith('other:') &&
              allowedActions(g.statement, ['rds-db:connect']).length > 0 &&
              resourcesOf(g.statement).some((r) => r.includes(`\${${replicaDb.id}.DbiResourceId}${user}`)),
          );
          if (!ok)
            out.fail(
              where,
              `cannot rds-db:connect to the replica ${replicaDb.id} as ${user.replace(/^\//, '')}, as the primary app role ` +
                `can to ${sourceDb}; expected a grant beside the replica (DR database stack)`,
            );
        }
      }
    });
  }
}

/** True when the resource pattern `pattern` (with `*` wildcards) covers the resource `resource`. */
function covers(pattern: string, resource: string): boolean {
  if (pattern === '*') return true;
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return re.test(resource);
}

/** The key statement's conditions, if any, point at the replica through S3 of the DR region. */
function keyConditionsFit(grant: Grant, replicaArn: string, drRegion: string | undefined): boolean {
  const via = conditionText(grant.statement, 'kms:ViaService');
  if (via.length > 0 && drRegion && !via.includes(`s3.${drRegion}.amazonaws.com`)) return false;
  const context = conditionText(grant.statement, 'kms:EncryptionContext:aws:s3:arn');
  return context.length === 0 || context.some((c) => c.startsWith(replicaArn));
}

/** The key policy lets the account's IAM policies grant use (root principal with kms:*) or names the role. */
function keyPolicyDelegates(template: CfnTemplate, keyId: string, roleId: string): boolean {
  const key = ofType(template, 'AWS::KMS::Key').find((k) => k.id === keyId);
  return statements(key?.props.KeyPolicy).some((s) => {
    if (s.Effect !== 'Allow' || allowedActions(s, ['kms:Decrypt']).length === 0) return false;
    const principals = list(s.Principal?.AWS).map((p) => normalizeArn(renderText(p)));
    return principals.some((p) => /^arn:aws:iam::(\d{12}|\$\{AWS::AccountId\}):root$/.test(p) || p.includes(`\${${roleId}.Arn}`));
  });
}

/** A distribution whose S3 origin fails over to a DR replica readable by that distribution only. */
function cdnFailoverProblems(out: Outcome, d: Res, dr: CfnTemplate, drBuckets: Map<string, Res>): void {
  const where = at(PRIMARY, d.id);
  const config = d.props.DistributionConfig ?? {};
  const origins = list(config.Origins);
  const groups = list(config.OriginGroups?.Items);
  const failover = groups.find(
    (g) =>
      list(g?.Members?.Items).length === 2 && CDN_FAILOVER_CODES.every((c) => list(g?.FailoverCriteria?.StatusCodes?.Items).includes(c)),
  );
  if (!failover) {
    out.fail(
      where,
      `has no origin group of two members failing over on ${CDN_FAILOVER_CODES.join(', ')} (OriginGroups ` +
        `${show(config.OriginGroups)}); expected the DR replica of the assets as failover origin, or a regional S3 outage takes ` +
        `the static assets down`,
    );
    return;
  }
  const secondaryId = list(failover.Members.Items)[1]?.OriginId;
  const secondary = origins.find((o) => o?.Id === secondaryId);
  const host = renderText(secondary?.DomainName);
  const name = /^([a-z0-9][a-z0-9.-]+)\.s3[.-]/.exec(host)?.[1];
  const replica = name ? drBuckets.get(name) : undefined;
  if (!replica) {
    out.fail(where, `failover origin ${show(secondaryId)} is ${show(secondary?.DomainName)}; expected a bucket of the DR stack`);
    return;
  }
  if (!secondary.OriginAccessControlId)
    out.fail(
      where,
      `failover origin ${show(secondaryId)} has no OriginAccessControlId; expected origin access control (signed requests to ` +
        `a private bucket)`,
    );
  const grants = bucketPolicyStatements(dr, replica)
    .map((p) => p.statement)
    .filter(
      (st) =>
        st.Effect === 'Allow' &&
        list(st.Principal?.Service).some((svc) => renderText(svc) === 'cloudfront.amazonaws.com') &&
        list(st.Action).includes('s3:GetObject'),
    );
  if (grants.length === 0) {
    out.fail(
      at(DR, replica.id),
      `replica ${name} admits no CloudFront read (s3:GetObject for cloudfront.amazonaws.com); expected the failover origin ` +
        `readable by the distribution, or failover serves errors`,
    );
    return;
  }
  const loose = grants.filter((st) => {
    const arn = renderText(st.Condition?.StringEquals?.['aws:SourceArn'] ?? st.Condition?.StringEquals?.['AWS:SourceArn']);
    return arn === '' || arn.includes('*');
  });
  if (loose.length > 0) {
    out.fail(
      at(DR, replica.id),
      `replica ${name} admits CloudFront reads without naming one distribution (${show(loose.map((st) => st.Condition))}); ` +
        `any distribution of the account could serve its objects. Expected StringEquals aws:SourceArn of the distribution ` +
        `(config aws.cdn.distributionId after the first deploy)`,
    );
    return;
  }
  out.carry(at(DR, replica.id));
}
