import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fakeJwt, startCannedServer } from '../../test/fixtures/cli/canned-server.js';
import { tempConfigDir } from '../../test/fixtures/cli/harness.js';

const bin = join(process.cwd(), 'bin', 'osmo');

function osmo(
  args: readonly string[],
  configDir: string,
): { status: number | null; stdout: string; stderr: string } {
  const env = { ...process.env, OSMO_CONFIG_FILE_DIR: configDir };
  const r = spawnSync(process.execPath, [bin, ...args], { env, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('bin/osmo with no command prints help and exits 0', () => {
  const r = osmo([], tempConfigDir());
  assert.equal(r.status, 0);
  assert.match(r.stdout, /login.*\n.*logout.*\n.*version.*\n.*workflow.*\n.*task/s);
});

test('bin/osmo usage errors go to stderr with exit 2', () => {
  const r = osmo(['workflow', 'list', '--format-type', 'xml'], tempConfigDir());
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
  assert.equal(
    r.stderr,
    "usage: osmo workflow list [options]\nosmo workflow list: error: argument --format-type/-t: invalid choice: 'xml' (choose from 'json', 'text')\n",
  );
  const group = osmo(['task'], tempConfigDir());
  assert.equal(group.status, 2);
  assert.match(group.stderr, /osmo task: error: the following arguments are required: command/);
});

test('bin/osmo without a login says so with exit 2', () => {
  const r = osmo(['workflow', 'query', 'wf-1'], tempConfigDir());
  assert.equal(r.status, 2);
  assert.equal(r.stdout, 'Error message: Must login first with "login" command\nError code: 2\n');
});

test('bin/osmo logs in with the dev method and lists tasks', async () => {
  const server = await startCannedServer({
    'POST /api/auth/dev/login': () => ({
      json: { token: fakeJwt({ exp: 9999999999 }), expires_at: 9999999999, refresh_token: 'r' },
    }),
    'GET /api/task': () => ({ json: { tasks: [] } }),
  });
  try {
    const config = tempConfigDir();
    const env = { ...process.env, OSMO_CONFIG_FILE_DIR: config };
    const run = (args: string[]): Promise<{ code: number | null; out: string }> =>
      new Promise((resolve) => {
        // Asynchronous spawn: the canned server lives in this process and must keep answering.
        import('node:child_process').then(({ spawn }) => {
          const child = spawn(process.execPath, [bin, ...args], { env });
          let out = '';
          child.stdout.on('data', (d: Buffer) => (out += d.toString()));
          child.on('close', (code) => resolve({ code, out }));
        }, resolve);
      });
    const login = await run(['login', server.url, '--method', 'dev', '--username', 'bob']);
    assert.equal(login.code, 0, login.out);
    const tasks = await run(['task', 'list', '--all-users']);
    assert.equal(tasks.code, 0);
    assert.equal(tasks.out, 'There are no tasks to view.\n');
    const req = server.requests.at(-1);
    assert.equal(req?.query.get('all_users'), 'True');
    assert.deepEqual(req?.query.getAll('statuses'), ['PROCESSING', 'SCHEDULING', 'INITIALIZING', 'RUNNING']);
  } finally {
    await server.close();
  }
});
