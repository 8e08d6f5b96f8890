/**
 * Login names of a person on a host (bastion or app host, AWS or Azure), control BASTION-SSH /
 * claim "SSH keys of named people": a login under a system or shared account (root, the image's
 * default user, a generic "admin" or "test") identifies nobody in the auth log, so config
 * validation and every construct that creates host accounts refuse the same names.
 */

/** A Linux user name: lower case letters, digits, `_` and `-`, starting with a letter or `_`, at most 32 characters. */
export const LOGIN_NAME_PATTERN = /^[a-z_][a-z0-9_-]{0,31}$/;

/**
 * System accounts, the default users of the AWS and Azure images, and generic names: never a
 * person's login. One list for the config schema and the constructs (they had drifted apart: the
 * config admitted `azureuser` and `test`, which only the Azure constructs refused, by construct path).
 */
export const RESERVED_LOGIN_NAMES: ReadonlySet<string> = new Set([
  'root',
  'admin',
  'administrator',
  'ec2-user',
  'ec2-instance-connect',
  'ssm-user',
  'azureuser',
  'ubuntu',
  'nobody',
  'sshd',
  'bin',
  'daemon',
  'sys',
  'guest',
  'user',
  'test',
]);

/** Whether `name` can be a person's own login: a Linux user name that is not reserved. */
export function isPersonalLoginName(name: string): boolean {
  return LOGIN_NAME_PATTERN.test(name) && !RESERVED_LOGIN_NAMES.has(name);
}
