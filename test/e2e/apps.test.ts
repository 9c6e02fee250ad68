// End to end: apps created, versioned, shared, submitted, deleted and renamed through the real osmo executable.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { OsmoResult, ServiceProcess } from './harness.js';
import { OSMO_BIN, eventually, loginAs, osmo, removeDir, startServiceProcess, tempDir } from './harness.js';

let service: ServiceProcess;
let alice: string;
let bob: string;
let work: string;

const GREETER = `workflow:
  name: greet
  tasks:
    - name: hello
      image: ubuntu
      command: ['sh', '-c', 'echo hello {{who}}']
default-values:
  who: world
`;

/** `osmo` run from a chosen directory, with extra environment and optional stdin text. */
function osmoIn(
  cwd: string,
  configDir: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<OsmoResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [OSMO_BIN, ...args], {
      cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, OSMO_CONFIG_FILE_DIR: configDir, NO_COLOR: '1', ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.end(options.input ?? '');
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`osmo ${args.join(' ')} timed out\n${stdout}\n${stderr}`));
    }, 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** Runs osmo under a pseudo-terminal (util-linux `script`), as a person at a terminal would. */
function osmoInTerminal(configDir: string, editor: string, args: readonly string[]): Promise<OsmoResult> {
  const line = [process.execPath, OSMO_BIN, ...args].map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(' ');
  return new Promise((resolve) => {
    const child = spawn('script', ['-qec', line, '/dev/null'], {
      cwd: work,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, OSMO_CONFIG_FILE_DIR: configDir, NO_COLOR: '1', EDITOR: editor, VISUAL: '' },
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stdin.end();
    child.once('exit', (code) =>
      resolve({ code: code ?? -1, stdout: stdout.replaceAll('\r\n', '\n'), stderr: '' }),
    );
  });
}

async function file(name: string, text: string, mode?: number): Promise<string> {
  const path = join(work, name);
  await writeFile(path, text);
  if (mode !== undefined) await chmod(path, mode);
  return path;
}

function ok(r: OsmoResult): OsmoResult {
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return r;
}

const idOf = (stdout: string): string => {
  const m = /Workflow ID\s+-\s+(\S+)/.exec(stdout);
  assert.ok(m?.[1], `no workflow id in: ${stdout}`);
  return m[1];
};

interface Query {
  status: string;
  app_name: string | null;
  app_owner: string | null;
  app_version: number | null;
}

async function completed(configDir: string, id: string): Promise<Query> {
  return eventually(async () => {
    const r = ok(await osmo(configDir, ['workflow', 'query', id, '--format-type', 'json']));
    const q = JSON.parse(r.stdout) as Query;
    assert.doesNotMatch(q.status, /FAILED/);
    return q.status === 'COMPLETED' ? q : null;
  }, 60_000);
}

async function logsOf(configDir: string, id: string): Promise<string> {
  return ok(await osmo(configDir, ['workflow', 'logs', id])).stdout;
}

before(async () => {
  service = await startServiceProcess();
  alice = await loginAs(service.url, 'alice');
  bob = await loginAs(service.url, 'bob');
  work = await tempDir('apps');
});

after(async () => {
  await service.stop();
  for (const dir of [service.dataDir, alice, bob, work]) await removeDir(dir);
});

describe('an app from create to rename', () => {
  test('create from a templated spec; a broken template is refused and saved locally', async () => {
    const created = ok(
      await osmo(alice, [
        'app',
        'create',
        'greeter',
        '-d',
        'Says hello',
        '-f',
        await file('g.yaml', GREETER),
      ]),
    );
    assert.equal(created.stdout, 'App greeter created successfully\n');

    const broken =
      "workflow:\n  name: broken\n  tasks:\n    - name: t\n      image: ubuntu\n      command: ['{{ oops']\n";
    const refused = await osmoIn(work, alice, [
      'app',
      'create',
      'broken',
      '-d',
      'x',
      '-f',
      await file('b.yaml', broken),
    ]);
    assert.equal(refused.code, 2, refused.stdout + refused.stderr);
    assert.match(refused.stdout, /Error creating app: /);
    assert.match(refused.stdout, /If you wanted to update the app, use the "update" command\./);
    const saved = /Saved content to file: (\S+)/.exec(refused.stdout)?.[1];
    assert.ok(saved);
    assert.equal(await readFile(saved, 'utf8'), broken);
    assert.ok((await readdir(work)).some((f) => /^osmo_[0-9a-f]+\.yaml$/.test(f)));

    const taken = await osmoIn(work, bob, [
      'app',
      'create',
      'greeter',
      '-d',
      'x',
      '-f',
      join(work, 'g.yaml'),
    ]);
    assert.equal(taken.code, 2);
    assert.match(taken.stdout, /App name greeter already exists\./);
  });

  test('submit twice with different --set values; both complete and record the app', async () => {
    const first = idOf(ok(await osmo(alice, ['app', 'submit', 'greeter', '--set', 'who=alice'])).stdout);
    const second = idOf(ok(await osmo(alice, ['app', 'submit', 'greeter', '--set', 'who=bob'])).stdout);
    const q = await completed(alice, first);
    await completed(alice, second);
    assert.deepEqual([q.app_name, q.app_owner, q.app_version], ['greeter', 'alice', 1]);
    assert.match(await logsOf(alice, first), /hello alice/);
    assert.match(await logsOf(alice, second), /hello bob/);
  });

  test('update makes version 2 only when the content changed; version 1 stays submittable', async () => {
    const v2 = await file('g2.yaml', GREETER.replace('echo hello', 'echo hi'));
    assert.equal(
      ok(await osmo(alice, ['app', 'update', 'greeter', '-f', v2])).stdout,
      'App greeter updated successfully\nVersion: 2\n',
    );
    assert.equal(
      ok(await osmo(alice, ['app', 'update', 'greeter', '-f', v2])).stdout,
      'No version was created because no changes were made to the app.\n',
    );
    const one = idOf(ok(await osmo(alice, ['app', 'submit', 'greeter:1'])).stdout);
    assert.equal((await completed(alice, one)).app_version, 1);
    assert.match(await logsOf(alice, one), /hello world/);
    const latest = idOf(ok(await osmo(alice, ['app', 'submit', 'greeter', '--set', 'who=v2'])).stdout);
    assert.equal((await completed(alice, latest)).app_version, 2);
    assert.match(await logsOf(alice, latest), /hi v2/);
  });

  test('list, info, show and spec', async () => {
    const list = ok(await osmo(alice, ['app', 'list', '-t', 'json']));
    const apps = (
      JSON.parse(list.stdout) as { apps: { name: string; owner: string; latest_version: number }[] }
    ).apps;
    assert.deepEqual(
      apps.map((a) => [a.name, a.owner, a.latest_version]),
      [['greeter', 'alice', 2]],
    );
    assert.match(
      ok(await osmo(alice, ['app', 'list'])).stdout,
      /^Owner\s+Name\s+Description\s+Created Date\s+Latest Version\n=+\nalice\s+greeter\s+Says hello\s+.+\s+2 *\n$/,
    );

    const info = JSON.parse(ok(await osmo(alice, ['app', 'info', 'greeter', '-t', 'json'])).stdout) as {
      versions: { version: number; created_by: string; status: string }[];
    };
    assert.deepEqual(
      info.versions.map((v) => [v.version, v.status]),
      [
        [1, 'READY'],
        [2, 'READY'],
      ],
    );
    const text = ok(await osmo(alice, ['app', 'info', 'greeter', '-o', 'desc'])).stdout;
    assert.match(
      text,
      /^-{53}\n\nName: greeter\nUUID: [0-9a-f]{32}\nOwner: alice\nCreate Date: .+\nDescription: Says hello\n\n/,
    );
    assert.match(text, /Version\s+Created By\s+Created Date\s+Status\n=+\n2\s+alice\s+.+READY *\n1\s+alice/);

    assert.equal(
      ok(await osmo(alice, ['app', 'show', 'greeter'])).stdout,
      'DESCRIPTION\n  Says hello\n\nPARAMETERS\n  who: world\n',
    );
    assert.equal(ok(await osmo(alice, ['app', 'spec', 'greeter:1'])).stdout, GREETER);
  });

  test('a second user sees and submits the app but cannot change it', async () => {
    assert.match(ok(await osmo(bob, ['app', 'list'])).stdout, /There are no apps to view\./);
    assert.match(ok(await osmo(bob, ['app', 'list', '--all-users'])).stdout, /greeter/);
    assert.match(ok(await osmo(bob, ['app', 'list', '-u', 'alice'])).stdout, /greeter/);
    const id = idOf(ok(await osmo(bob, ['app', 'submit', 'greeter', '--set', 'who=bob'])).stdout);
    const q = await completed(bob, id);
    assert.deepEqual([q.app_name, q.app_owner, q.app_version], ['greeter', 'alice', 2]);
    // Submitting from an app puts it in bob's default list.
    assert.match(ok(await osmo(bob, ['app', 'list'])).stdout, /greeter/);

    const del = await osmo(bob, ['app', 'delete', 'greeter:1', '--force']);
    assert.equal(del.code, 2);
    assert.match(del.stdout, /Only the owner of app greeter \(alice\) may delete it\./);
    const upd = await osmoIn(work, bob, ['app', 'update', 'greeter', '-f', join(work, 'g.yaml')]);
    assert.equal(upd.code, 2);
    assert.match(upd.stdout, /Error editing app: Only the owner/);
    assert.equal((await osmo(bob, ['app', 'rename', 'greeter', 'mine', '-f'])).code, 2);
  });

  test('delete version 1 after a confirmation, then rename', async () => {
    const none = await osmo(alice, ['app', 'delete', 'greeter']);
    assert.equal(none.code, 2);
    assert.match(none.stdout, /Must specify a version or all_versions/);
    const no = ok(await osmoIn(work, alice, ['app', 'delete', 'greeter:1'], { input: 'n\n' }));
    assert.doesNotMatch(no.stdout, /scheduled/);

    const del = ok(await osmoIn(work, alice, ['app', 'delete', 'greeter:1'], { input: 'maybe\ny\n' }));
    assert.match(
      del.stdout,
      /Are you sure you want to delete app greeter version 1\?\n\[y\/n\]: Invalid input\n/,
    );
    assert.match(del.stdout, /Delete Job for App greeter version 1 has been scheduled\.\n$/);
    const info = JSON.parse(ok(await osmo(alice, ['app', 'info', 'greeter', '-t', 'json'])).stdout) as {
      versions: { version: number; status: string }[];
    };
    assert.deepEqual(
      info.versions.map((v) => [v.version, v.status]),
      [
        [1, 'DELETED'],
        [2, 'READY'],
      ],
    );
    const gone = await osmo(alice, ['app', 'submit', 'greeter:1']);
    assert.equal(gone.code, 2);
    assert.match(gone.stdout, /App version is not available\./);

    const renamed = ok(await osmo(alice, ['app', 'rename', 'greeter', 'hello-app', '--force']));
    assert.equal(renamed.stdout, 'App greeter renamed to hello-app successfully.\n');
    assert.equal((await osmo(alice, ['app', 'info', 'greeter'])).code, 2);
    const list = JSON.parse(ok(await osmo(alice, ['workflow', 'list', '-t', 'json', '-c', '50'])).stdout) as {
      workflows: { app_name: string | null }[];
    };
    assert.ok(list.workflows.length >= 4);
    assert.ok(list.workflows.every((w) => w.app_name === 'hello-app'));
  });
});

describe('the editor flow in a terminal', () => {
  test('create and update through a scripted $EDITOR', async () => {
    const source = await file('edited.yaml', GREETER.replace('name: greet', 'name: edited'));
    const writer = await file('write-editor.sh', `#!/bin/sh\ncat '${source}' > "$1"\n`, 0o755);
    const created = await osmoInTerminal(alice, writer, ['app', 'create', 'edited', '-d', 'From the editor']);
    assert.equal(created.code, 0, created.stdout);
    assert.match(created.stdout, /App edited created successfully/);
    assert.equal(ok(await osmo(alice, ['app', 'spec', 'edited'])).stdout, await readFile(source, 'utf8'));

    const unchanged = await osmoInTerminal(alice, 'true', ['app', 'update', 'edited']);
    assert.match(unchanged.stdout, /No version was created because no changes were made to the app\./);

    const sed = await file('sed-editor.sh', `#!/bin/sh\nsed -i 's/who: world/who: editor/' "$1"\n`, 0o755);
    const updated = await osmoInTerminal(alice, sed, ['app', 'update', 'edited']);
    assert.match(updated.stdout, /App edited updated successfully\nVersion: 2/);
    assert.match(ok(await osmo(alice, ['app', 'show', 'edited'])).stdout, /PARAMETERS\n {2}who: editor\n$/);

    const emptier = await file('empty-editor.sh', '#!/bin/sh\n: > "$1"\n', 0o755);
    const empty = await osmoInTerminal(alice, emptier, ['app', 'create', 'nothing', '-d', 'x']);
    assert.equal(empty.code, 2);
    assert.match(empty.stdout, /App is empty/);
  });
});
