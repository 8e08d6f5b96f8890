import { Validations } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  ACKNOWLEDGED_WARNING_METADATA,
  NAG_PACKS,
  acknowledge,
  acknowledgeDecision,
  guardRule,
  nagRule,
} from '../../lib/policy/acknowledge';
import { registerEntry } from '../../lib/policy/acknowledgement-register';
import { acknowledgements, idSource, testStack } from '../aws/support';

const REASON = 'Compensated by the allowlisted security group and per-user keys (BASTION-SSH).';

describe('nagRule and guardRule', () => {
  it('names one cdk-nag rule in each given pack', () => {
    expect(nagRule('EC2InstanceNoPublicIp', ['HIPAA.Security', 'NIST.800.53.R5'])).toEqual([
      'HIPAA.Security::HIPAA.Security-EC2InstanceNoPublicIp',
      'NIST.800.53.R5::NIST.800.53.R5-EC2InstanceNoPublicIp',
    ]);
    expect(nagRule('X', [])).toEqual([]);
  });

  it('names a Control Tower Guard rule', () => {
    expect(guardRule('s3_bucket_logging_enabled_check')).toBe('cdk-validator-cfnguard::s3_bucket_logging_enabled_check');
  });

  it('lists the six packs every stack runs', () => {
    expect(NAG_PACKS).toEqual(['AwsSolutions', 'HIPAA.Security', 'NIST.800.53.R4', 'NIST.800.53.R5', 'PCI.DSS.321', 'Serverless']);
  });
});

describe('acknowledge', () => {
  const stack = testStack();
  const id = idSource();

  it('records every rule with its reason in the construct metadata', () => {
    const target = new Construct(stack, id());
    acknowledge(target, REASON, ['AwsSolutions::AwsSolutions-EC23', guardRule('ec2_instance_no_public_ip_check')]);
    const entries = target.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY);
    expect(entries.map((e) => e.data)).toEqual([
      { 'AwsSolutions::AwsSolutions-EC23': REASON },
      { 'cdk-validator-cfnguard::ec2_instance_no_public_ip_check': REASON },
    ]);
    expect(Validations.ACKNOWLEDGED_RULES_METADATA_KEY).toBe('aws:cdk:acknowledged-rules');
  });

  it('records nothing on other constructs', () => {
    const parent = new Construct(stack, id());
    const child = new Construct(parent, 'Child');
    acknowledge(child, REASON, ['AwsSolutions::AwsSolutions-EC23']);
    expect(acknowledgements(parent)).toEqual({});
    expect(acknowledgements(child)).toEqual({ 'AwsSolutions::AwsSolutions-EC23': REASON });
  });

  it.each(['', 'because', '   short reason padded with spaces         ', 'x'.repeat(39)])(
    'fails when the reason is too short: %p',
    (reason) => {
      const target = new Construct(stack, id());
      expect(() => acknowledge(target, reason, ['AwsSolutions::AwsSolutions-EC23'])).toThrow(
        new RegExp(
          `acknowledge\\(Test/${target.node.id}\\): the reason ".*" is too short; say which control compensates and why the ` +
            `rule does not fit`,
        ),
      );
      expect(acknowledgements(target)).toEqual({});
    },
  );

  it('accepts a reason of 40 characters', () => {
    const target = new Construct(stack, id());
    expect(() => acknowledge(target, 'x'.repeat(40), ['AwsSolutions::AwsSolutions-EC23'])).not.toThrow();
  });
});

describe('acknowledgeDecision', () => {
  const stack = testStack();
  const id = idSource();

  it('applies a register decision: its reason, every rule of it', () => {
    const target = new Construct(stack, id());
    acknowledgeDecision(target, 'bastion-replaced-not-protected');
    expect(acknowledgements(target)).toEqual({ 'AwsSolutions::AwsSolutions-EC29': registerEntry('bastion-replaced-not-protected').reason });
  });

  it('fills the placeholders a finding id names (one rule id per value), and applies a subset when asked', () => {
    const policy = new Construct(stack, id());
    acknowledgeDecision(policy, 'replication-object-arns', { params: { objectArn: ['<A.Arn>/*', '<B.Arn>/*'] } });
    expect(Object.keys(acknowledgements(policy))).toEqual([
      'AwsSolutions::AwsSolutions-IAM5[Resource::<A.Arn>/*]',
      'AwsSolutions::AwsSolutions-IAM5[Resource::<B.Arn>/*]',
    ]);
    const replica = new Construct(stack, id());
    acknowledgeDecision(replica, 'postgres-standard-port', { rules: ['AwsSolutions::AwsSolutions-RDS11'] });
    expect(Object.keys(acknowledgements(replica))).toEqual(['AwsSolutions::AwsSolutions-RDS11']);
  });

  it('acknowledges a construct warning without the metadata cdk-nag copies onto every resource below', () => {
    const keys = new Construct(stack, id());
    acknowledgeDecision(keys, 'oac-key-policy-wildcard');
    expect(acknowledgements(keys)).toEqual({});
    expect(keys.node.metadata.filter((m) => m.type === ACKNOWLEDGED_WARNING_METADATA).map((m) => m.data)).toEqual([
      { 'Annotation::@aws-cdk/aws-cloudfront-origins:wildcardKeyPolicyForOac': registerEntry('oac-key-policy-wildcard').reason },
    ]);
  });

  it("refuses an unknown decision, a missing placeholder value and a rule that is not the decision's", () => {
    const target = new Construct(stack, id());
    expect(() => acknowledgeDecision(target, 'nope' as never)).toThrow(
      /acknowledgement register: no decision "nope"; add an entry to lib\/policy\/acknowledgement-register\.ts/,
    );
    expect(() => acknowledgeDecision(target, 'app-data-bucket-grant')).toThrow(
      /rule AwsSolutions::AwsSolutions-IAM5\[Resource::<\{dataBucket\}\.Arn>\/\{prefix\}\*\] needs params\.dataBucket/,
    );
    expect(() => acknowledgeDecision(target, 'postgres-standard-port', { rules: ['AwsSolutions::AwsSolutions-EC23'] })).toThrow(
      /rule AwsSolutions::AwsSolutions-EC23 is not one of the decision's rules/,
    );
    expect(acknowledgements(target)).toEqual({});
  });
});
