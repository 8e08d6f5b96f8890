import type { CheckResult } from '../types';
import { Outcome } from '../core/outcome';
import { allowedActions, roleGrants } from './iam';
import {
  allResources,
  conditionValue,
  isTrue,
  list,
  ofType,
  renderText,
  show,
  statements,
  TEMPLATE,
  type CfnTemplate,
  type Res,
} from './template';
import { walk } from '../core/walk';

/**
 * Control ADMIN-MFA: every role that people (an AWS account principal) can assume requires MFA in
 * its trust policy; no role with admin-level permissions (AdministratorAccess, PowerUserAccess,
 * IAMFullAccess, `*` or IAM escalation actions on `*`) is assumable by a service or a federated
 * principal without MFA; and the template creates no IAM users with passwords or access keys.
 */
export function checkAdminMfa(template: CfnTemplate): CheckResult {
  const out = new Outcome('ADMIN-MFA');
  let humanRoles = 0;
  for (const role of ofType(template, 'AWS::IAM::Role')) {
    const assumable = statements(role.props.AssumeRolePolicyDocument).filter(
      (s) => s.Effect === 'Allow' && awsPrincipal(s) !== undefined && (s.NotAction !== undefined || list(s.Action).some(isAssumeAction)),
    );
    if (assumable.length === 0) continue; // service roles: no person assumes them
    humanRoles++;
    out.within(role.id, () => {
      for (const s of assumable) {
        const mfa = conditionValue(s, 'Bool', 'aws:MultiFactorAuthPresent');
        const ifExists = conditionValue(s, 'BoolIfExists', 'aws:MultiFactorAuthPresent');
        if (allTrue(mfa)) {
          // required
        } else if (allTrue(ifExists)) {
          out.fail(
            role.id,
            'trust policy uses BoolIfExists aws:MultiFactorAuthPresent "true", which also admits callers without MFA context ' +
              '(long-term access keys); expected Bool',
          );
        } else {
          out.fail(
            role.id,
            `trust policy lets ${show(awsPrincipal(s))} assume the role without MFA; expected Condition Bool ` +
              `aws:MultiFactorAuthPresent "true"`,
          );
        }
        const principals = list(awsPrincipal(s));
        const scoped = conditionValue(s, 'StringEquals', 'aws:PrincipalAccount') ?? conditionValue(s, 'StringEquals', 'aws:PrincipalOrgID');
        if (principals.includes('*') && scoped === undefined) {
          out.fail(
            role.id,
            'trust policy admits any AWS principal ("*"); expected this account (arn:aws:iam::<account>:root) or named principals',
          );
        }
      }
    });
  }
  // Admin-level roles: whoever or whatever can assume them holds the account. Only people with
  // MFA may (the roles above); a service or an account principal without MFA (a CDK bootstrap
  // execution role with AdministratorAccess, a deploy role trusted by the whole account) is an
  // admin path that skips MFA (claims A6, A16).
  for (const role of ofType(template, 'AWS::IAM::Role')) {
    const why = adminLevel(template, role);
    if (!why) continue;
    humanRoles++;
    out.within(role.id, () => {
      const trust = statements(role.props.AssumeRolePolicyDocument).filter((s) => s.Effect === 'Allow');
      for (const s of trust) {
        const services = list(s.Principal?.Service).map(renderText);
        if (services.length > 0) {
          out.fail(
            role.id,
            `holds admin-level permissions (${why}) and is assumable by ${services.join(', ')}; expected admin rights only on ` +
              `MFA-protected roles for people, and deployments through a role with a scoped execution policy (npm run ` +
              `bootstrap-policy)`,
          );
        }
        const federated = list(s.Principal?.Federated).map(renderText);
        if (federated.length > 0 && !allTrue(conditionValue(s, 'Bool', 'aws:MultiFactorAuthPresent'))) {
          out.fail(
            role.id,
            `holds admin-level permissions (${why}) and is assumable by ${federated.join(', ')} without MFA; expected admin ` +
              `rights only on MFA-protected roles for people`,
          );
        }
      }
    });
  }
  const users = ofType(template, 'AWS::IAM::User').filter((u) => u.props.LoginProfile !== undefined);
  for (const user of users)
    out.fail(user.id, 'IAM user with a console password (LoginProfile); expected people to sign in through an MFA-protected role');
  const keys = ofType(template, 'AWS::IAM::AccessKey');
  for (const key of keys) out.fail(key.id, 'long-term access key; expected roles with MFA and temporary credentials');
  return out.result(humanRoles + users.length + keys.length > 0);
}

/** AWS managed policies that give a role the account (or the means to take it). */
export const ADMIN_MANAGED_POLICIES = ['AdministratorAccess', 'PowerUserAccess', 'IAMFullAccess', 'AWSCloudFormationFullAccess'];
/** IAM actions that let a holder grant itself anything, on `*`. */
const ESCALATION_ACTIONS = [
  'iam:CreateRole',
  'iam:AttachRolePolicy',
  'iam:PutRolePolicy',
  'iam:CreatePolicyVersion',
  'iam:UpdateAssumeRolePolicy',
  'iam:PassRole',
  'iam:CreateAccessKey',
  'iam:CreateLoginProfile',
  'iam:AttachUserPolicy',
  'iam:PutUserPolicy',
];

/** Why a role holds admin-level permissions, or undefined when it does not. */
export function adminLevel(template: CfnTemplate, role: Res): string | undefined {
  for (const arn of list(role.props.ManagedPolicyArns)) {
    const text = renderText(arn);
    const name = ADMIN_MANAGED_POLICIES.find((p) => text.endsWith(`:policy/${p}`));
    if (name) return name;
    if (/\$\{\?\}|\$\{[A-Za-z0-9]+\}$/.test(text) && !/:policy\//.test(text))
      return `a managed policy given as ${text} (a parameter or condition; AdministratorAccess by default in the CDK bootstrap)`;
  }
  for (const { statement } of roleGrants(template, role).grants) {
    const onAll = statement.NotResource !== undefined || list(statement.Resource).some((r) => renderText(r) === '*');
    if (!onAll) continue;
    const actions = statement.NotAction !== undefined ? ['NotAction'] : list(statement.Action).map(String);
    if (actions.some((a) => a === '*' || a === 'NotAction' || /^iam:\*$/i.test(a))) return `${actions.join(', ')} on "*"`;
    const escalation = allowedActions(statement, ESCALATION_ACTIONS);
    if (escalation.length > 0) return `${escalation.join(', ')} on "*"`;
  }
  return undefined;
}

/** The AWS principal(s) of a statement; `"*"` for `Principal: "*"` (everyone). */
function awsPrincipal(statement: any): unknown {
  return statement.Principal === '*' ? '*' : statement.Principal?.AWS;
}

function isAssumeAction(action: unknown): boolean {
  return typeof action === 'string' && /^(\*|sts:\*|sts:assumerole\*?)$/i.test(action);
}

function allTrue(value: unknown): boolean {
  const values = list(value);
  return values.length > 0 && values.every(isTrue);
}

/** Access key ids (long-term `AKIA`, temporary `ASIA`). */
export const ACCESS_KEY_PATTERN = /(?<![A-Za-z0-9])(AKIA|ASIA)[0-9A-Z]{16}(?![A-Za-z0-9])/;
/** PEM private keys of any kind. */
export const PRIVATE_KEY_PATTERN = /-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----/;
/** Property names whose string value is a secret. */
export const SECRET_PROPERTY =
  /(password|passwd|secretstring|authtoken|secretaccesskey|apikey|api_key|privatekey|private_key)$|(^|_)(secret|token)$/i;
/** Dynamic references resolved at deploy time; the template holds only the reference. */
export const DYNAMIC_SECRET_REFERENCE = /^\{\{resolve:(secretsmanager|ssm-secure):/;

/**
 * Control SECRETS: no access key, private key or literal password anywhere in the template; RDS
 * master passwords are managed by Secrets Manager; no EC2 key pairs.
 */
export function checkSecrets(template: CfnTemplate): CheckResult {
  const out = new Outcome('SECRETS');
  if (!template || typeof template !== 'object') return out.result(false);
  const parameters = (template as any).Parameters ?? {};

  // Literal secrets anywhere: resources (by logical id), outputs, parameters, metadata.
  for (const [section, body] of Object.entries(template as Record<string, unknown>)) {
    const entries: Array<[string, unknown]> =
      section === 'Resources' || section === 'Outputs' || section === 'Parameters' ? Object.entries(body ?? {}) : [[TEMPLATE, body]];
    for (const [id, value] of entries) {
      const where = section === 'Resources' ? id : id === TEMPLATE ? TEMPLATE : `${section}.${id}`;
      const reported = new Set<string>();
      walk(value, (node) => {
        if (typeof node !== 'string') return;
        if (ACCESS_KEY_PATTERN.test(node) && !reported.has('akia')) {
          reported.add('akia');
          out.fail(where, 'contains an AWS access key id (AKIA.../ASIA...); expected no credentials in the template');
        }
        if (PRIVATE_KEY_PATTERN.test(node) && !reported.has('pem')) {
          reported.add('pem');
          out.fail(where, 'contains a PEM private key; expected keys in Secrets Manager or on the user side only');
        }
      });
    }
  }

  for (const res of allResources(template)) {
    walk(res.props, (node, key) => {
      if (key === undefined || !SECRET_PROPERTY.test(key) || /^manage/i.test(key)) return;
      const problem = literalSecret(node, parameters);
      if (problem) out.fail(res.id, `${key} ${problem}; expected a {{resolve:secretsmanager:...}} reference or a managed secret`);
    });
  }

  for (const db of [...ofType(template, 'AWS::RDS::DBInstance'), ...ofType(template, 'AWS::RDS::DBCluster')]) {
    const p = db.props;
    if (p.DBClusterIdentifier !== undefined || p.SourceDBInstanceIdentifier !== undefined || p.SourceDBClusterIdentifier !== undefined)
      continue;
    if (p.DBSnapshotIdentifier !== undefined || p.SnapshotIdentifier !== undefined) continue;
    out.within(db.id, () => {
      const managed = isTrue(p.ManageMasterUserPassword);
      const resolved = typeof p.MasterUserPassword === 'string' && DYNAMIC_SECRET_REFERENCE.test(p.MasterUserPassword);
      const dynamic = !managed && !resolved && /\{\{resolve:secretsmanager:/.test(renderText(p.MasterUserPassword));
      if (!managed && !resolved && !dynamic) {
        out.fail(
          db.id,
          `ManageMasterUserPassword is ${show(p.ManageMasterUserPassword)} and MasterUserPassword is not a Secrets Manager ` +
            `reference; expected ManageMasterUserPassword true`,
        );
      }
    });
  }
  for (const secret of ofType(template, 'AWS::SecretsManager::Secret')) {
    if (secret.props.SecretString === undefined) out.carry(secret.id);
  }
  for (const kp of ofType(template, 'AWS::EC2::KeyPair')) {
    out.fail(kp.id, 'AWS::EC2::KeyPair puts a shared private key in Parameter Store; expected per-user SSH keys');
  }
  return out.result(allResources(template).length > 0);
}

/** Why a property value is a literal secret, or undefined when it is not. */
function literalSecret(value: unknown, parameters: Record<string, any>): string | undefined {
  if (typeof value === 'string') {
    if (value === '' || DYNAMIC_SECRET_REFERENCE.test(value)) return undefined;
    return 'is a literal string';
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1 || !(keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) return undefined; // a structure, not a value
  const ref = (value as any).Ref;
  if (typeof ref === 'string' && parameters[ref] !== undefined) {
    const param = parameters[ref];
    if (param.NoEcho !== true && param.NoEcho !== 'true') return `comes from parameter ${ref} without NoEcho`;
    if (param.Default !== undefined) return `comes from parameter ${ref} whose Default is in the template`;
    return undefined;
  }
  const text = renderText(value);
  if (/\{\{resolve:(secretsmanager|ssm-secure):/.test(text) || text.includes('${')) return undefined;
  return text === '' ? undefined : 'is assembled from literal strings';
}
