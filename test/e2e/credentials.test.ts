// End to end: credentials are stored encrypted, projected into a task, and masked in its logs.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Sqlite from 'better-sqlite3';
import type { ServiceProcess } from './harness.js';
import { eventually, loginAs, osmo, removeDir, startServiceProcess, tempDir } from './harness.js';

const SECRET = 'sup3r-s3cret-value-0123456789';
const FILE_SECRET = 'file-secret-value-abcdef';
let service: ServiceProcess;
let alice: string;
let bob: string;
let specs: string;

before(async () => {
  service = await startServiceProcess();
  alice = await loginAs(service.url, 'alice');
  bob = await loginAs(service.url, 'bob');
  specs = await tempDir('cred-specs');
});

after(async () => {
  await service.stop();
  for (const dir of [service.dataDir, alice, bob, specs]) await removeDir(dir);
});

test('a credential is written encrypted: the raw store holds no plain-text payload', async () => {
  const set = await osmo(alice, [
    'credential',
    'set',
    'apikey',
    '--type',
    'GENERIC',
    '--payload',
    `token=${SECRET}`,
  ]);
  assert.equal(set.code, 0, set.stdout + set.stderr);
  assert.equal(set.stdout, 'Set GENERIC credential apikey.\n');
  const list = await osmo(alice, ['credential', '--format-type', 'json', 'list']);
  assert.equal(list.code, 0, list.stdout + list.stderr);
  assert.deepEqual(JSON.parse(list.stdout), {
    credentials: [{ cred_name: 'apikey', cred_type: 'GENERIC', profile: null }],
  });
  assert.ok(!list.stdout.includes(SECRET));
  const db = new Sqlite(join(service.dataDir, 'osmo.db'), { readonly: true });
  try {
    const rows = db.prepare('SELECT * FROM credential').all() as { payload: string }[];
    assert.equal(rows.length, 1);
    assert.ok(!JSON.stringify(rows).includes(SECRET), JSON.stringify(rows));
    assert.match(rows[0]?.payload ?? '', /"token":"v1\./);
    const keys = db.prepare('SELECT wrapped_key FROM ueks').all() as { wrapped_key: string }[];
    assert.equal(keys.length, 1);
  } finally {
    db.close();
  }
  // Nor anywhere in the database files (WAL included).
  for (const file of ['osmo.db', 'osmo.db-wal']) {
    const bytes = await readFile(join(service.dataDir, file)).catch(() => Buffer.alloc(0));
    assert.ok(!bytes.includes(SECRET), `${file} holds the secret`);
  }
  // Another user neither sees nor deletes it.
  const bobList = await osmo(bob, ['credential', 'list']);
  assert.ok(!bobList.stdout.includes('apikey'), bobList.stdout);
  const bobDelete = await osmo(bob, ['credential', 'delete', 'apikey']);
  assert.notEqual(bobDelete.code, 0);
  assert.match(bobDelete.stdout, /Credential apikey does not exits/);
});

test('a task gets its credential as an env var and a 0600 file, and its logs show [MASKED]', async () => {
  const file = await osmo(alice, ['credential', 'set', 'filecred', '--payload', `key=${FILE_SECRET}`]);
  assert.equal(file.code, 0, file.stdout + file.stderr);
  const spec = join(specs, 'cred.yaml');
  await writeFile(
    spec,
    `workflow:
  name: creds
  tasks:
    - name: show
      image: ubuntu
      command: ['bash', '-c', 'echo "token is $MY_TOKEN"; echo "file is $(cat /tmp/osmo-cred-e2e/key)"; stat -c "mode %a" /tmp/osmo-cred-e2e/key']
      credentials:
        apikey:
          MY_TOKEN: token
        filecred: /tmp/osmo-cred-e2e
`,
  );
  const submitted = await osmo(alice, ['workflow', 'submit', spec]);
  assert.equal(submitted.code, 0, submitted.stdout + submitted.stderr);
  const id = /Workflow ID\s+-\s+(\S+)/.exec(submitted.stdout)?.[1] ?? '';
  await eventually(async () => {
    const q = await osmo(alice, ['workflow', 'query', id, '--format-type', 'json']);
    const status = (JSON.parse(q.stdout) as { status: string }).status;
    if (status.startsWith('FAILED')) throw new Error(`workflow failed: ${q.stdout}`);
    return status === 'COMPLETED' ? status : null;
  });
  const logs = await osmo(alice, ['workflow', 'logs', id]);
  assert.equal(logs.code, 0, logs.stdout + logs.stderr);
  assert.match(logs.stdout, /token is \[MASKED\]/);
  assert.match(logs.stdout, /file is \[MASKED\]/);
  assert.match(logs.stdout, /mode 600/);
  assert.ok(!logs.stdout.includes(SECRET) && !logs.stdout.includes(FILE_SECRET), logs.stdout);
  const events = await osmo(alice, ['workflow', 'events', id]);
  assert.ok(!events.stdout.includes(SECRET));
});

test('a spec naming a missing credential is refused at submission', async () => {
  const spec = join(specs, 'missing.yaml');
  await writeFile(
    spec,
    `workflow:
  name: nocred
  tasks:
    - name: t
      image: ubuntu
      command: ['true']
      credentials:
        apikey:
          MY_TOKEN: token
`,
  );
  // bob has no credential named apikey: alice's is not his.
  const r = await osmo(bob, ['workflow', 'submit', spec]);
  assert.notEqual(r.code, 0);
  assert.match(r.stdout, /Could not find the credential: apikey\./);
});

test('registry pitfalls give clear errors: a URL as registry, docker base64 in auth', async () => {
  const url = await osmo(alice, [
    'credential',
    'set',
    'reg',
    '--type',
    'REGISTRY',
    '--payload',
    'registry=https://nvcr.io',
    'auth=abcdefgh123',
  ]);
  assert.notEqual(url.code, 0);
  assert.match(url.stdout, /registry must be a host such as nvcr\.io, not a URL/);
  const b64 = Buffer.from('me:hunter2hunter2').toString('base64');
  const auth = await osmo(alice, [
    'credential',
    'set',
    'reg',
    '--type',
    'REGISTRY',
    '--payload',
    'registry=nvcr.io',
    `auth=${b64}`,
  ]);
  assert.notEqual(auth.code, 0);
  assert.match(auth.stdout, /auth looks like base64 of "user:password"/);
  assert.ok(!auth.stdout.includes(b64));
});
