import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { sandboxArgs } from './sandbox.js';

const layout = { osmoHostDir: '/srv/data/work/attempts/wf/t-0/root/osmo', files: [], identity: null };
const targets = (args: readonly string[]): string[] =>
  args.flatMap((a, i) => (a === '--ro-bind' || a === '--bind' ? [args[i + 2] as string] : []));
const sources = (args: readonly string[]): string[] =>
  args.flatMap((a, i) => (a === '--ro-bind' || a === '--bind' ? [args[i + 1] as string] : []));
/** What the sandbox shows at `path`: the host path bound there last, 'tmpfs', or null for nothing. */
const shownAt = (args: readonly string[], path: string): string | null => {
  let shown: string | null = null;
  args.forEach((a, i) => {
    if ((a === '--ro-bind' || a === '--bind') && args[i + 2] === path) shown = args[i + 1] as string;
    if (a === '--tmpfs' && args[i + 1] === path) shown = 'tmpfs';
  });
  return shown;
};

test('the system root is read-only and /etc comes without its secrets', () => {
  const { args } = sandboxArgs(layout);
  const bound = targets(args);
  assert.ok(bound.includes('/usr'));
  assert.ok(!args.includes('/root') && !args.includes('/home') && !args.includes('/var'));
  // /etc is one bind; its secrets are covered after it (a device that cannot be opened, an empty
  // directory), never bound from the host.
  assert.ok(bound.includes('/etc'));
  for (const secret of [
    '/etc/shadow',
    '/etc/gshadow',
    '/etc/sudoers',
    '/etc/sudoers.d',
    '/etc/ssl/private',
  ]) {
    assert.ok(!sources(args).includes(secret), secret);
    if (existsSync(secret)) assert.ok(['/dev/null', 'tmpfs'].includes(shownAt(args, secret) ?? ''), secret);
  }
  assert.ok(!sources(args).some((p) => /^\/etc\/ssh\/ssh_host_.*key$/.test(p)));
  // A handful of mounts, not one per entry of /etc: each costs bwrap time on every task.
  assert.ok(args.length < 120, `${args.length} arguments`);
  // Everything the host lends is read-only; only the attempt's own /osmo is writable.
  assert.deepEqual(
    args.flatMap((a, i) => (a === '--bind' ? [args[i + 2]] : [])),
    ['/osmo'],
  );
});

test('a file at a system path is mounted there without writing the host; a hidden path is left out', () => {
  const { args } = sandboxArgs({
    ...layout,
    files: [
      { hostPath: '/srv/a', taskPath: '/etc/cron.d/evil' },
      { hostPath: '/srv/b', taskPath: '/bin/tool' },
    ],
    hidden: ['/etc/hostname'],
  });
  const at = (target: string): string | undefined => args[args.indexOf(target) - 1];
  assert.equal(at('/etc/cron.d/evil'), '/srv/a');
  // /bin is a symlink to usr/bin on merged-/usr hosts: the file lands where the sandbox resolves it.
  assert.ok(at('/bin/tool') === '/srv/b' || at('/usr/bin/tool') === '/srv/b');
  // Placing a file below /etc lists it entry by entry, and the hidden entry is then left out.
  assert.equal(shownAt(args, '/etc/hostname'), null);
  assert.ok(!sources(args).includes('/etc/hostname'));
  const covered = sandboxArgs({ ...layout, hidden: ['/etc/hostname'] }).args;
  if (existsSync('/etc/hostname')) assert.equal(shownAt(covered, '/etc/hostname'), '/dev/null');
});

test('as root the command switches to the task uid with no capabilities; otherwise a user namespace', () => {
  const asRoot = sandboxArgs({ ...layout, identity: { uid: 100_000, gid: 100_001 } });
  // setpriv runs as root inside the sandbox: by its path on the read-only system root, never by PATH.
  assert.match(asRoot.exec[0] ?? '', /^\/(usr\/)?s?bin\/setpriv$/);
  assert.deepEqual(asRoot.exec.slice(1, 3), ['--reuid=100000', '--regid=100001']);
  assert.ok(asRoot.exec.includes('--bounding-set=-all') && asRoot.exec.includes('--no-new-privs'));
  assert.ok(!asRoot.args.includes('--unshare-user'));
  const asUser = sandboxArgs(layout);
  assert.deepEqual(asUser.exec, []);
  assert.ok(asUser.args.includes('--unshare-user') && asUser.args.includes('--cap-drop'));
  for (const args of [asRoot.args, asUser.args])
    assert.ok(args.includes('--unshare-pid') && args.includes('--new-session'));
});

test('a file below /proc, /dev or /osmo is refused', () => {
  assert.throws(
    () => sandboxArgs({ ...layout, files: [{ hostPath: '/srv/a', taskPath: '/proc/x/y' }] }),
    /under \/proc/,
  );
});
