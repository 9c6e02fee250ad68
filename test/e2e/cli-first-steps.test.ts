// The first commands an agent following the OSMO skill types: version, a plain `osmo login <url>`,
// token login, and the messages and exit codes of its first mistakes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ServiceProcess } from './harness.js';
import { OSMO_BIN, apiCall, loginAs, osmo, startServiceProcess, tempDir } from './harness.js';

let service: ServiceProcess;

before(async () => {
  service = await startServiceProcess();
});

after(async () => {
  await service.stop();
});

test('osmo version reports the upstream release it is compatible with, and its own build beside it', async () => {
  const offline = await osmo(await tempDir('cli-version'), ['version']);
  assert.equal(offline.code, 0, offline.stdout + offline.stderr);
  assert.match(offline.stdout, /^OSMO client version: {2}6\.4\.\d+ \(osmo \d+\.\d+\.\d+\)\n$/);

  const cli = await loginAs(service.url, 'vera');
  const online = await osmo(cli, ['version']);
  assert.match(
    online.stdout,
    /^OSMO client version: {2}6\.4\.\d+ \(osmo [^)]+\)\nOSMO service version: 6\.4\.\d+ \(osmo [^)]+\)\n$/,
  );
  const json = await osmo(cli, ['version', '-t', 'json']);
  const parsed = JSON.parse(json.stdout) as Record<
    string,
    { major: string; minor: string; osmo_version: string }
  >;
  assert.equal(parsed['client']?.major, '6');
  assert.equal(parsed['service']?.minor, '4');
  assert.equal(parsed['service']?.osmo_version, parsed['client']?.osmo_version);
  assert.equal((await osmo(cli, ['--version'])).stdout, online.stdout);

  const api = JSON.parse((await apiCall(service.url, 'GET', '/api/version', null)).text) as Record<
    string,
    string
  >;
  assert.deepEqual([api['major'], api['minor']], ['6', '4']);
});

test('osmo login <url> with no method takes the device-code flow and greets the user', async () => {
  const cli = await tempDir('cli-plain-login');
  const child = spawn(process.execPath, [OSMO_BIN, 'login', service.url], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, OSMO_CONFIG_FILE_DIR: cli, NO_COLOR: '1' },
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? -1)));
  const deadline = Date.now() + 20_000;
  let code: string | undefined;
  while (code === undefined) {
    code = /Visit \S+user_code=(\S+) and complete authentication\./.exec(out)?.[1];
    if (Date.now() > deadline) throw new Error(`no device link in: ${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  // The dev service's approval page takes a user name without a password.
  const approved = await fetch(`${service.url}/api/auth/device`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ user_code: decodeURIComponent(code), username: 'walt', action: 'approve' }),
  });
  assert.equal(approved.status, 200, await approved.text());
  assert.equal(await exited, 0, out);
  assert.match(out, /^Logging in to \S+\n/);
  assert.match(out, /Successfully logged in\. Welcome walt\.\n$/);
  const whoami = await osmo(cli, ['profile', 'list', '-t', 'json']);
  assert.equal(whoami.code, 0, whoami.stdout);
  assert.equal((JSON.parse(whoami.stdout) as { profile: { username: string } }).profile.username, 'walt');
});

test('a token login greets the token owner by name', async () => {
  const cli = await loginAs(service.url, 'tess');
  const created = await osmo(cli, ['token', 'set', 'ci', '-t', 'json']);
  assert.equal(created.code, 0, created.stdout);
  const { token } = JSON.parse(created.stdout) as { token: string };
  const login = await osmo(await tempDir('cli-token'), [
    'login',
    service.url,
    '--method',
    'token',
    '--token',
    token,
  ]);
  assert.equal(login.code, 0, login.stdout);
  assert.match(login.stdout, /Successfully logged in\. Welcome tess\.\n$/);
});

test('first mistakes: plain messages, and the error code agrees with the exit status', async () => {
  const anonymous = await osmo(await tempDir('cli-anon'), ['workflow', 'list']);
  assert.equal(anonymous.code, 2);
  assert.equal(anonymous.stdout, 'Error message: Must login first with "login" command\nError code: 2\n');

  const cli = await loginAs(service.url, 'uma');
  const missing = await osmo(cli, ['workflow', 'submit', 'no-such-spec.yaml']);
  assert.equal(missing.code, 1);
  assert.doesNotMatch(missing.stdout, /Errno/);
  assert.match(missing.stdout, /^Error message: Workflow file no-such-spec\.yaml does not exist\. /);

  const dir = await tempDir('cli-spec');
  const spec = join(dir, 'bad.yaml');
  await writeFile(
    spec,
    'workflow:\n  name: bad\n  tasks:\n  - name: a\n    image: ubuntu\n    command: [x]\n    colour: red\n',
  );
  const invalid = await osmo(cli, ['workflow', 'validate', spec]);
  assert.equal(invalid.code, 1, invalid.stdout);
  assert.doesNotMatch(invalid.stdout, /validation error for WorkflowSpec/);
  assert.match(
    invalid.stdout,
    /The workflow spec has 1 error \(field path, then the problem\):\nworkflow\.tasks\.0\.colour\n {2}Extra inputs are not permitted/,
  );
});

test('osmo profile set notifications true|false sets both channels; a bad channel exits 1', async () => {
  const cli = await loginAs(service.url, 'nina');
  const on = await osmo(cli, ['profile', 'set', 'notifications', 'true']);
  assert.equal(on.code, 0, on.stdout);
  assert.equal(on.stdout, 'Profile Set\n');
  const profile = async (): Promise<{ email_notification: boolean; slack_notification: boolean }> =>
    (
      JSON.parse((await osmo(cli, ['profile', 'list', '-t', 'json'])).stdout) as {
        profile: { email_notification: boolean; slack_notification: boolean };
      }
    ).profile;
  assert.deepEqual(
    [(await profile()).email_notification, (await profile()).slack_notification],
    [true, true],
  );
  const off = await osmo(cli, ['profile', 'set', 'notifications', 'False']);
  assert.equal(off.stdout, 'Disabling email and slack notifications\nProfile Set\n');
  const now = await profile();
  assert.deepEqual([now.email_notification, now.slack_notification], [false, false]);
  const bad = await osmo(cli, ['profile', 'set', 'notifications', 'pager']);
  assert.equal(bad.code, 1);
  assert.equal(bad.stdout, 'Invalid type of notification: pager. Must be slack or email.\n');
});

test('submit --dry-run refuses through the CLI what submit refuses, and renders what it accepts', async () => {
  const cli = await loginAs(service.url, 'dora');
  const dir = await tempDir('cli-dry');
  const units = join(dir, 'units.yaml');
  await writeFile(
    units,
    'workflow:\n  name: units\n  resources:\n    default:\n      memory: 16GB\n  tasks:\n  - {name: a, image: ubuntu, command: [x]}\n',
  );
  const dry = await osmo(cli, ['workflow', 'submit', units, '--dry-run']);
  const real = await osmo(cli, ['workflow', 'submit', units]);
  assert.notEqual(dry.code, 0, dry.stdout);
  assert.equal(dry.code, real.code);
  assert.match(dry.stdout, /Resource memory field has invalid unit: GB/);
  assert.match(real.stdout, /Resource memory field has invalid unit: GB/);
  const good = join(dir, 'good.yaml');
  await writeFile(good, 'workflow:\n  name: good\n  tasks:\n  - {name: a, image: ubuntu, command: [x]}\n');
  const rendered = await osmo(cli, ['workflow', 'submit', good, '--dry-run']);
  assert.equal(rendered.code, 0, rendered.stdout);
  assert.match(rendered.stdout, /^workflow:\n/);
  assert.match(rendered.stdout, /\n# Would start now\.\n$/);
});
