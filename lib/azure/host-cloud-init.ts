import { isPersonalLoginName } from '../config/login-names';
import { LOG_CLASS_MARKER } from '../controls/markers';
import { SSHD_HARDENING } from '../config/ssh-keys';

/** One person allowed to log in to a Linux host. */
export interface HostLoginUser {
  /** OS account name; every login is identified by it. */
  readonly name: string;
  /** That person's OpenSSH public keys. */
  readonly publicKeys: readonly string[];
}

/** What a host is for: the bastion forwards SSH (ProxyJump), app hosts forward nothing. */
export type HostLoginRole = 'bastion' | 'app';

/** Options of {@link hostCloudConfig}. */
export interface HostCloudConfigOptions {
  /** The host's role. */
  readonly role: HostLoginRole;
  /**
   * Azure's administrator account, holding only the break-glass key. sshd refuses it unless
   * `breakGlassLogin` is set.
   */
  readonly adminUsername: string;
  /**
   * Admits the administrator account (the break-glass key) in sshd: an emergency opt-in that
   * BASTION-SSH reports as failing while it is on.
   * @default false
   */
  readonly breakGlassLogin?: boolean;
  /**
   * Host name of an Ubuntu package mirror the host uses for the archive and security updates
   * (its range must be allowed in the NSGs, `packageMirrorCidrs`).
   * @default - the image's mirrors (unreachable when the NSG denies internet egress)
   */
  readonly aptMirror?: string;
}

/** Extra sshd settings of app hosts: they are not jump hosts, so they forward nothing. */
export const APP_HOST_SSHD_EXTRA = ['AllowTcpForwarding no', 'AllowStreamLocalForwarding no', 'GatewayPorts no'] as const;

/**
 * The cloud-init document of a Linux host (control BASTION-SSH, claims A11, A16): one
 * locked-password account per person with only their keys, and an sshd drop-in that wins over the
 * image's settings (sshd keeps the first value it reads, and `00-` sorts first) and admits only
 * those accounts. Azure's administrator account (cloud-init's default user) holds only the
 * break-glass key and is refused by sshd, so every login is a person's own account.
 */
export function hostCloudConfig(users: readonly HostLoginUser[], options: HostCloudConfigOptions): string {
  const q = (s: string) => JSON.stringify(s); // a JSON string is a valid YAML double-quoted scalar
  const allowed = [...users.map((u) => u.name), ...(options.breakGlassLogin ? [options.adminUsername] : [])];
  const sshd = [...SSHD_HARDENING, ...(options.role === 'app' ? APP_HOST_SSHD_EXTRA : []), `AllowUsers ${allowed.join(' ')}`];
  const lines = [
    '#cloud-config',
    'ssh_pwauth: false',
    'disable_root: true',
    'users:',
    // Azure's admin account is cloud-init's default user; keeping it avoids a failed provisioning,
    // and sshd refuses it anyway (AllowUsers).
    '  - default',
  ];
  for (const user of users) {
    lines.push(
      `  - name: ${q(user.name)}`,
      '    shell: /bin/bash',
      '    lock_passwd: true',
      '    ssh_authorized_keys:',
      ...user.publicKeys.map((key) => `      - ${q(key.trim())}`),
    );
  }
  if (options.aptMirror !== undefined) {
    if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(options.aptMirror)) {
      throw new Error(
        `hostCloudConfig: aptMirror "${options.aptMirror}" is invalid; expected a lower-case host name such as mirror.example.com`,
      );
    }
    const uri = q(`http://${options.aptMirror}/ubuntu/`);
    lines.push(
      'apt:',
      '  primary:',
      '    - arches: [default]',
      `      uri: ${uri}`,
      '  security:',
      '    - arches: [default]',
      `      uri: ${uri}`,
    );
  }
  lines.push(
    'write_files:',
    '  - path: /etc/ssh/sshd_config.d/00-baseline.conf',
    '    owner: root:root',
    "    permissions: '0600'",
    '    content: |',
    ...sshd.map((line) => `      ${line}`),
    // The unit checks the configuration (sshd -t) before starting; an invalid file leaves sshd
    // stopped, closed rather than unhardened.
    'runcmd:',
    '  - [systemctl, restart, ssh]',
    '',
  );
  return lines.join('\n');
}

/**
 * VM extensions the baseline installs, each with the reason extension operations stay on for it
 * (control BASTION-SSH): any other extension (VMAccess resets keys, CustomScript and RunCommand
 * run code as root) is a way onto the host around SSH. The BASTION-SSH check fails on a host
 * with extension operations on and an extension outside this list.
 */
export const APPROVED_VM_EXTENSIONS: ReadonlyArray<{ readonly publisher: string; readonly type: string; readonly why: string }> = [
  {
    publisher: 'Microsoft.Azure.Monitor',
    type: 'AzureMonitorLinuxAgent',
    why: 'ships the SSH authentication log (auth, authpriv) to the central workspace (LOG-CENTRAL); it runs no operator-supplied code',
  },
  {
    publisher: 'Microsoft.ManagedServices',
    type: 'ApplicationHealthLinux',
    why: 'reports the app health probe for automatic instance repairs (HA-MULTIZONE, opt-in); it runs no operator-supplied code',
  },
];

/** Syslog facilities of SSH and sudo logins, shipped to the workspace. */
export const AUTH_LOG_FACILITIES = ['auth', 'authpriv'] as const;

/** Tag marking the data collection rules that ship hosts' authentication logs. */
export const AZURE_HOST_AUTH_LOG_TAG = { key: LOG_CLASS_MARKER, value: 'host-auth' } as const;

/**
 * Checks the people of a host: personal Linux names (not the admin account), no duplicates, at
 * least one valid key each and no key shared between people. Throws naming `<where>: users[i]`;
 * returns each key's fingerprint with where it was given.
 */
export function checkLoginUsers(
  users: readonly HostLoginUser[],
  minRsaBits: number,
  adminUsername: string,
  where: string,
  check: (key: string, minRsaBits: number) => { error: string } | { fingerprint: string },
): Map<string, string> {
  if (users.length === 0) throw new Error(`${where}: users is empty; expected at least one person with a public key`);
  const names = new Map<string, number>();
  const fingerprints = new Map<string, string>();
  users.forEach((user, u) => {
    if (!isPersonalLoginName(user.name)) {
      throw new Error(
        `${where}: users[${u}].name "${user.name}" is invalid; expected a personal Linux user name (lower case letters, ` +
          `digits, _ and -, at most 32), not root, admin or another shared account`,
      );
    }
    if (user.name === adminUsername)
      throw new Error(
        `${where}: users[${u}].name "${user.name}" is the adminUsername; sshd refuses the admin account, so pick another ` +
          `adminUsername or user name`,
      );
    if (names.has(user.name))
      throw new Error(
        `${where}: users[${u}].name "${user.name}" duplicates users[${names.get(user.name)}]; merge their publicKeys into one entry`,
      );
    names.set(user.name, u);
    if (user.publicKeys.length === 0) throw new Error(`${where}: users[${u}].publicKeys is empty; expected at least one public key`);
    user.publicKeys.forEach((key, k) => {
      const checked = check(key, minRsaBits);
      if ('error' in checked)
        throw new Error(
          `${where}: users[${u}].publicKeys[${k}] ${checked.error}; expected an ssh-ed25519, ecdsa-sha2-nistp256/384/521 or ` +
            `ssh-rsa (>= ${minRsaBits} bits) public key`,
        );
      const at = `users[${u}].publicKeys[${k}]`;
      const first = fingerprints.get(checked.fingerprint);
      if (first)
        throw new Error(`${where}: ${at} is the same key as ${first} (${checked.fingerprint}); every person needs a key of their own`);
      fingerprints.set(checked.fingerprint, at);
    });
  });
  return fingerprints;
}
