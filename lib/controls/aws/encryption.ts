import type { CheckResult } from '../types';
import { tlsVersionsFrom } from '../../config/floors';
import { bucketPolicyStatements, sseS3OnlyBuckets } from './buckets';
import { actionsBeyond, resourcesOf, roleGrants, trustsService } from './iam';
import { databaseTlsProblems } from './network';
import { unboundServiceGrant } from './service-principals';
import { Outcome } from '../core/outcome';
import {
  conditionValue,
  isFalse,
  isPublicPrincipal,
  isTrue,
  launchTemplateOf,
  list,
  ofType,
  refTarget,
  refTo,
  show,
  statements,
  type CfnTemplate,
  type Res,
} from './template';

/** The protocols CloudFront offers towards a custom origin (`OriginSSLProtocols`). */
export const CLOUDFRONT_ORIGIN_SSL_PROTOCOLS = ['SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2'] as const;

/**
 * True when a key reference names a customer-managed key: a KMS key or alias of this template, or
 * an ARN/id from elsewhere, but not an AWS-managed alias (`alias/aws/...`) and not absent.
 */
export function isCustomerManagedKey(template: CfnTemplate, value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (refTo(template, value, 'AWS::KMS::Key', 'AWS::KMS::Alias')) return true;
  if (typeof value === 'string') return !/alias\/aws\//.test(value);
  if (refTarget(value) !== undefined) return false; // a reference to something that is not a key
  return true; // Fn::ImportValue and the like: a key from elsewhere
}

/**
 * Control ENC-REST: data at rest is encrypted under customer-managed, rotated, AES-256 KMS keys:
 * buckets, databases, log groups, topics, the trail, volumes and secrets; instance roles may only
 * decrypt and generate data keys, on named keys.
 */
export function checkEncRest(template: CfnTemplate): CheckResult {
  const out = new Outcome('ENC-REST');
  const cmk = (v: unknown) => isCustomerManagedKey(template, v);
  let count = 0;

  for (const key of ofType(template, 'AWS::KMS::Key')) {
    count++;
    out.within(key.id, () => {
      if (!isTrue(key.props.EnableKeyRotation))
        out.fail(key.id, `EnableKeyRotation is ${show(key.props.EnableKeyRotation)}; expected true`);
      statements(key.props.KeyPolicy).forEach((s, i) => {
        const problem = unboundServiceGrant(template, s, 'key');
        if (problem) out.fail(key.id, `KeyPolicy Statement[${i}]${s.Sid ? ` (${s.Sid})` : ''} ${problem}`);
      });
      const spec = key.props.KeySpec;
      if (spec !== undefined && spec !== 'SYMMETRIC_DEFAULT')
        out.fail(key.id, `KeySpec is ${show(spec)}; expected SYMMETRIC_DEFAULT (AES-256)`);
    });
  }

  const sseS3Only = sseS3OnlyBuckets(template);
  for (const bucket of ofType(template, 'AWS::S3::Bucket')) {
    count++;
    out.within(bucket.id, () => {
      const rules = list(bucket.props.BucketEncryption?.ServerSideEncryptionConfiguration);
      if (rules.length === 0)
        out.fail(bucket.id, 'BucketEncryption is absent; expected SSE-KMS (aws:kms) with a customer-managed key and BucketKeyEnabled');
      for (const rule of rules) {
        const sse = rule?.ServerSideEncryptionByDefault ?? {};
        // ALB and S3 access logs cannot be written to SSE-KMS buckets
        if (sse.SSEAlgorithm === 'AES256' && sseS3Only.has(bucket.id)) continue;
        if (sse.SSEAlgorithm !== 'aws:kms' && sse.SSEAlgorithm !== 'aws:kms:dsse') {
          out.fail(
            bucket.id,
            `SSEAlgorithm is ${show(sse.SSEAlgorithm)}; expected "aws:kms"${sseS3Only.has(bucket.id) ? ' or "AES256" (log sink)' : ''}`,
          );
          continue;
        }
        if (!cmk(sse.KMSMasterKeyID))
          out.fail(bucket.id, `KMSMasterKeyID is ${show(sse.KMSMasterKeyID)}; expected a customer-managed KMS key`);
        if (sse.SSEAlgorithm === 'aws:kms' && rule.BucketKeyEnabled !== true)
          out.fail(bucket.id, `BucketKeyEnabled is ${show(rule.BucketKeyEnabled)}; expected true`);
      }
    });
  }

  for (const db of [...ofType(template, 'AWS::RDS::DBCluster'), ...ofType(template, 'AWS::RDS::DBInstance')]) {
    count++;
    if (db.type === 'AWS::RDS::DBInstance' && db.props.DBClusterIdentifier !== undefined) continue; // encrypted by its cluster
    out.within(db.id, () => {
      const p = db.props;
      // A read replica inherits encryption from its source and CloudFormation forbids
      // StorageEncrypted on it; its KmsKeyId (required cross-region) says which key it uses.
      const replica = db.props.SourceDBInstanceIdentifier !== undefined;
      if (replica ? p.StorageEncrypted === false : !isTrue(p.StorageEncrypted))
        out.fail(db.id, `StorageEncrypted is ${show(p.StorageEncrypted)}; expected true`);
      if (!cmk(p.KmsKeyId)) out.fail(db.id, `KmsKeyId is ${show(p.KmsKeyId)}; expected a customer-managed KMS key`);
      if (isTrue(p.EnablePerformanceInsights) && !cmk(p.PerformanceInsightsKMSKeyId)) {
        out.fail(db.id, `PerformanceInsightsKMSKeyId is ${show(p.PerformanceInsightsKMSKeyId)}; expected a customer-managed KMS key`);
      }
      if (isTrue(p.ManageMasterUserPassword) && !cmk(p.MasterUserSecret?.KmsKeyId)) {
        out.fail(db.id, `MasterUserSecret.KmsKeyId is ${show(p.MasterUserSecret?.KmsKeyId)}; expected a customer-managed KMS key`);
      }
    });
  }

  const keyed: Array<[string, string]> = [
    ['AWS::Logs::LogGroup', 'KmsKeyId'],
    ['AWS::SNS::Topic', 'KmsMasterKeyId'],
    ['AWS::CloudTrail::Trail', 'KMSKeyId'],
    ['AWS::SecretsManager::Secret', 'KmsKeyId'],
  ];
  for (const [type, property] of keyed) {
    for (const r of ofType(template, type)) {
      count++;
      out.within(r.id, () => {
        if (!cmk(r.props[property])) out.fail(r.id, `${property} is ${show(r.props[property])}; expected a customer-managed KMS key`);
      });
    }
  }

  for (const volume of ofType(template, 'AWS::EC2::Volume')) {
    count++;
    out.within(volume.id, () => checkEbs(out, template, volume.id, 'volume', volume.props));
  }

  // Launch templates used by an auto scaling group or a non-overriding instance must encrypt the root volume.
  const mustDefine = new Set<string>();
  for (const asg of ofType(template, 'AWS::AutoScaling::AutoScalingGroup')) {
    const lt = launchTemplateOf(template, asg);
    if (lt) mustDefine.add(lt.id);
  }
  for (const instance of ofType(template, 'AWS::EC2::Instance')) {
    count++;
    out.within(instance.id, () => {
      const lt = launchTemplateOf(template, instance);
      const own = list(instance.props.BlockDeviceMappings);
      own.forEach((m, i) => {
        checkMapping(out, template, instance.id, `BlockDeviceMappings[${i}]`, m);
      });
      // The template itself must encrypt too: anyone may launch another instance from it, and
      // an unencrypted template would then take the AMI or account default.
      if (lt) mustDefine.add(lt.id);
      else if (own.length === 0)
        out.fail(
          instance.id,
          'BlockDeviceMappings is absent, so the root volume takes the AMI default; expected an encrypted EBS root volume ' +
            'with a customer-managed key',
        );
    });
  }
  for (const lt of ofType(template, 'AWS::EC2::LaunchTemplate')) {
    count++;
    out.within(lt.id, () => {
      const mappings = list(lt.props.LaunchTemplateData?.BlockDeviceMappings);
      if (mappings.length === 0 && mustDefine.has(lt.id)) {
        out.fail(
          lt.id,
          'LaunchTemplateData.BlockDeviceMappings is absent, so the root volume takes the AMI default; expected an encrypted ' +
            'EBS root volume with a customer-managed key',
        );
      }
      mappings.forEach((m, i) => {
        checkMapping(out, template, lt.id, `LaunchTemplateData.BlockDeviceMappings[${i}]`, m);
      });
    });
  }

  // Instance roles use keys only as S3 does for them: a host credential that can re-encrypt,
  // grant or manage keys, or use every key of the account, reaches data beyond its own.
  for (const role of ofType(template, 'AWS::IAM::Role').filter((r) => trustsService(r, 'ec2.amazonaws.com'))) {
    out.within(role.id, () => {
      for (const { declaredBy, statement } of roleGrants(template, role).grants) {
        const beyond = actionsBeyond(statement, 'kms', INSTANCE_KEY_ACTIONS);
        if (beyond.length > 0)
          out.fail(declaredBy, `grants instance role ${role.id} ${beyond.join(', ')}; expected only ${INSTANCE_KEY_ACTIONS.join(' and ')}`);
        const usesKeys = list(statement.Action).some((a) => typeof a === 'string' && /^kms:/i.test(a));
        if (usesKeys && resourcesOf(statement).includes('*'))
          out.fail(
            declaredBy,
            `grants instance role ${role.id} ${JSON.stringify(statement.Action)} on every key ("*"); expected the ARN of the ` +
              `one key it needs`,
          );
      }
    });
  }

  return out.result(count > 0);
}

/** The only key actions an instance role may hold (SSE-KMS reads and writes through S3). */
export const INSTANCE_KEY_ACTIONS = ['kms:Decrypt', 'kms:GenerateDataKey'] as const;

function checkMapping(out: Outcome, template: CfnTemplate, id: string, where: string, mapping: any): void {
  if (mapping?.Ebs === undefined) return; // instance store or NoDevice
  checkEbs(out, template, id, `${where}.Ebs`, mapping.Ebs);
}

function checkEbs(out: Outcome, template: CfnTemplate, id: string, where: string, ebs: any): void {
  if (!isTrue(ebs.Encrypted)) out.fail(id, `${where}.Encrypted is ${show(ebs.Encrypted)}; expected true`);
  if (!isCustomerManagedKey(template, ebs.KmsKeyId))
    out.fail(id, `${where}.KmsKeyId is ${show(ebs.KmsKeyId)}; expected a customer-managed KMS key`);
}

/** True for a statement denying every S3 action to everyone when the request is not over TLS. */
export function deniesInsecureTransport(statement: any): boolean {
  if (statement?.Effect !== 'Deny' || !isPublicPrincipal(statement.Principal)) return false;
  if (!list(statement.Action).some((a) => a === 's3:*' || a === '*')) return false;
  return list(conditionValue(statement, 'Bool', 'aws:SecureTransport')).some(isFalse);
}

/**
 * Control ENC-TRANSIT: buckets refuse plain HTTP, the load balancer reaches targets over HTTPS,
 * databases force TLS, and CloudFront reaches custom origins over TLS 1.2 only.
 */
export function checkEncTransit(template: CfnTemplate): CheckResult {
  const out = new Outcome('ENC-TRANSIT');
  const buckets = ofType(template, 'AWS::S3::Bucket');
  for (const bucket of buckets) {
    out.within(bucket.id, () => {
      const found = bucketPolicyStatements(template, bucket).find((s) => deniesInsecureTransport(s.statement));
      if (found) out.carry(found.policy);
      else
        out.fail(
          bucket.id,
          'no bucket policy denies requests without TLS; expected a Deny of s3:* to "*" with Condition Bool aws:SecureTransport "false"',
        );
    });
  }
  for (const policy of ofType(template, 'AWS::S3::BucketPolicy')) {
    if (!statements(policy.props.PolicyDocument).some(deniesInsecureTransport)) {
      out.fail(
        policy.id,
        'bucket policy has no statement denying requests without TLS; expected Deny s3:* with Condition Bool aws:SecureTransport "false"',
      );
    }
  }

  const tgs = ofType(template, 'AWS::ElasticLoadBalancingV2::TargetGroup').filter((tg) => tg.props.TargetType !== 'lambda');
  for (const tg of tgs) {
    out.within(tg.id, () => {
      if (tg.props.Protocol !== 'HTTPS' && tg.props.Protocol !== 'TLS')
        out.fail(tg.id, `Protocol is ${show(tg.props.Protocol)}; expected "HTTPS"`);
    });
  }

  const dbs: Res[] = [
    ...ofType(template, 'AWS::RDS::DBCluster'),
    ...ofType(template, 'AWS::RDS::DBInstance').filter((d) => d.props.DBClusterIdentifier === undefined),
  ];
  for (const db of dbs) {
    out.within(db.id, () => {
      const tls = databaseTlsProblems(template, db);
      for (const p of tls.problems) out.fail(db.id, p);
      if (tls.group && tls.problems.length === 0) out.carry(tls.group);
    });
  }

  // CloudFront speaks at most TLS 1.2 to a custom origin: the floor and newer, of what it offers.
  const originProtocols = tlsVersionsFrom()
    .map((v) => `TLSv${v}`)
    .filter((p) => (CLOUDFRONT_ORIGIN_SSL_PROTOCOLS as readonly string[]).includes(p));
  const distributions = ofType(template, 'AWS::CloudFront::Distribution');
  for (const d of distributions) {
    out.within(d.id, () => {
      list(d.props.DistributionConfig?.Origins).forEach((origin, i) => {
        const custom = origin?.CustomOriginConfig;
        if (!custom) return;
        if (custom.OriginProtocolPolicy !== 'https-only') {
          out.fail(
            d.id,
            `Origins[${i}] (${show(origin.Id)}) OriginProtocolPolicy is ${show(custom.OriginProtocolPolicy)}; expected "https-only"`,
          );
        }
        const protocols = list(custom.OriginSSLProtocols);
        if (protocols.length === 0 || protocols.some((p) => !originProtocols.includes(p))) {
          out.fail(
            d.id,
            `Origins[${i}] (${show(origin.Id)}) OriginSSLProtocols is ${show(custom.OriginSSLProtocols)}; expected ` +
              `${show(originProtocols)}`,
          );
        }
      });
    });
  }

  // A plus, not required: alert topics that refuse publishing without TLS.
  for (const tp of ofType(template, 'AWS::SNS::TopicPolicy')) {
    const denies = statements(tp.props.PolicyDocument).some(
      (s) => s.Effect === 'Deny' && list(conditionValue(s, 'Bool', 'aws:SecureTransport')).some(isFalse),
    );
    if (denies) out.carry(tp.id);
  }

  return out.result(buckets.length + tgs.length + dbs.length + distributions.length > 0);
}
