import { isPersonalLoginName } from '../config/login-names';
import { LOG_CLASS_MARKER } from '../controls/markers';
import { checkSshPublicKey, SSHD_HARDENING } from '../config/ssh-keys';

/** One person allowed to log in to a host. */
export interface HostUser {
  /** OS account name; every login is identified by it. */
  readonly name: string;
  /** That person's OpenSSH public keys. */
  readonly publicKeys: readonly string[];
}

/** What a host is for: the bastion forwards SSH (ProxyJump), app hosts forward nothing. */
export type HostRole = 'bastion' | 'app';

/** Options of {@link linuxHostAccessScript}. */
export interface LinuxHostAccessOptions {
  /** One OS account per person. */
  readonly users: readonly HostUser[];
  /** Name of the CloudWatch log group receiving the SSH authentication log (a token is fine). */
  readonly authLogGroupName: string;
  /** Region of the log group. */
  readonly region: string;
  /** The host's role. */
  readonly role: HostRole;
}

/**
 * sshd settings every AWS host adds to {@link SSHD_HARDENING} (control BASTION-SSH):
 * `AuthorizedKeysCommand none` switches off the key lookup EC2 Instance Connect installs
 * (anyone with `ec2-instance-connect:SendSSHPublicKey` could otherwise push a 60-second key for
 * any OS user, past the per-person keys), and only each user's own authorized_keys counts.
 */
export const AWS_SSHD_EXTRA = ['AuthorizedKeysCommand none', 'AuthorizedKeysFile .ssh/authorized_keys'] as const;
/** Extra sshd settings of app hosts: they are not jump hosts, so they forward nothing. */
export const APP_HOST_SSHD_EXTRA = ['AllowTcpForwarding no', 'AllowStreamLocalForwarding no', 'GatewayPorts no'] as const;

/** The line that removes EC2 Instance Connect at boot (a test and the BASTION-SSH check look for it). */
export const REMOVE_INSTANCE_CONNECT = 'if rpm -q ec2-instance-connect >/dev/null 2>&1; then dnf remove -y ec2-instance-connect; fi';

/**
 * Checks the users of a host: personal Linux names, no duplicates, at least one valid key each.
 * Throws with the prop path (`<where>.users[i]...`) of the first problem.
 */
export function validateHostUsers(users: readonly HostUser[], minRsaBits: number, where: string): void {
  if (users.length === 0) throw new Error(`${where}.users: received an empty list; expected at least one person with a public key`);
  const names = new Set<string>();
  users.forEach((user, u) => {
    if (!isPersonalLoginName(user.name)) {
      throw new Error(
        `${where}.users[${u}].name: received "${user.name}"; expected a personal Linux user name (lower case, not root or a ` +
          `shared account)`,
      );
    }
    if (names.has(user.name)) throw new Error(`${where}.users[${u}].name: received "${user.name}" twice; merge the entries`);
    names.add(user.name);
    if (user.publicKeys.length === 0)
      throw new Error(`${where}.users[${u}].publicKeys: received an empty list; expected at least one public key`);
    user.publicKeys.forEach((key, k) => {
      const checked = checkSshPublicKey(key, minRsaBits);
      if ('error' in checked) throw new Error(`${where}.users[${u}].publicKeys[${k}]: received a key that ${checked.error}`);
    });
  });
}

/**
 * The boot script that makes a host's logins personal (control BASTION-SSH, claims A11, A16):
 * EC2 Instance Connect removed and its key lookup disabled in sshd, one locked-password account
 * per person holding only that person's keys, root and the image's default user locked, sshd
 * hardened (keys only, no root, `AllowUsers` the people), and the authentication log shipped to
 * the central log group by the CloudWatch agent (control LOG-CENTRAL). The sshd drop-in is
 * `00-baseline.conf`: sshd keeps the first value it reads, so it wins over the image's settings.
 */
export function linuxHostAccessScript(options: LinuxHostAccessOptions): string[] {
  const { users } = options;
  const lines = [
    'set -euo pipefail',
    // EC2 Instance Connect: a second, IAM-driven way to install keys; removed before sshd starts
    // serving the hardened configuration (which also ignores it: AuthorizedKeysCommand none).
    REMOVE_INSTANCE_CONNECT,
    'dnf install -y rsyslog amazon-cloudwatch-agent',
    'systemctl enable --now rsyslog',
    "cat > /etc/ssh/sshd_config.d/00-baseline.conf <<'SSHD'",
    ...SSHD_HARDENING,
    ...AWS_SSHD_EXTRA,
    ...(options.role === 'app' ? APP_HOST_SSHD_EXTRA : []),
    `AllowUsers ${users.map((u) => u.name).join(' ')}`,
    'SSHD',
    'passwd -l root',
    // The image's default user has no key (no EC2 key pair); lock it so no shared login exists.
    'if id ec2-user >/dev/null 2>&1; then usermod -L -s /sbin/nologin ec2-user; fi',
  ];
  for (const user of users) {
    const home = `/home/${user.name}`;
    lines.push(
      `id ${user.name} >/dev/null 2>&1 || useradd -m -s /bin/bash ${user.name}`,
      `passwd -l ${user.name}`,
      `install -d -m 700 -o ${user.name} -g ${user.name} ${home}/.ssh`,
      `cat > ${home}/.ssh/authorized_keys <<'KEYS'`,
      ...user.publicKeys.map((k) => k.trim()),
      'KEYS',
      `chown ${user.name}:${user.name} ${home}/.ssh/authorized_keys`,
      `chmod 600 ${home}/.ssh/authorized_keys`,
    );
  }
  const agentConfig = {
    logs: {
      logs_collected: {
        files: {
          collect_list: [
            {
              file_path: '/var/log/secure',
              log_group_name: options.authLogGroupName,
              log_stream_name: '{instance_id}/secure',
              retention_in_days: -1,
            },
          ],
        },
      },
    },
  };
  lines.push(
    'sshd -t',
    'systemctl restart sshd',
    "cat > /opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json <<'AGENT'",
    JSON.stringify(agentConfig),
    'AGENT',
    `AWS_REGION=${options.region} /opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s ` +
      `-c file:/opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json`,
  );
  return lines;
}

/**
 * The tag that marks a log group holding hosts' SSH authentication logs: the LOG-CENTRAL check
 * reads it (lib/controls/aws/logging.ts holds the same pair), and log forwarding can select on it.
 */
export const HOST_AUTH_LOG_TAG = { key: LOG_CLASS_MARKER, value: 'host-auth' } as const;
