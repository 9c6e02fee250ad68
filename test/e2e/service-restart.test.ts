// A service killed with SIGKILL and started again on the same store loses nothing and leaves nothing RUNNING.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openStore, STORE_KINDS, type Store } from '../../src/store/index.js';
import { makeTestStore } from '../../src/store/testing.js';
import { eventually, loginAs, osmo, removeDir, startServiceProcess, tempDir } from './harness.js';

const dirs: string[] = [];
after(async () => {
  for (const dir of dirs) await removeDir(dir);
});

test('after a SIGKILL, a running task is re-attached and finishes', async () => {
  const dataDir = await tempDir('restart');
  const specs = await tempDir('restart-specs');
  dirs.push(dataDir, specs);
  let service = await startServiceProcess({ dataDir });
  const user = await loginAs(service.url, 'dave');
  dirs.push(user);
  const file = join(specs, 'wf.yaml');
  await writeFile(
    file,
    `workflow:
  name: survivor
  tasks:
    - name: steady
      image: ubuntu
      command: ['sh', '-c', 'echo start; sleep 4; echo finished']
`,
  );
  const submitted = await osmo(user, ['workflow', 'submit', file]);
  const id = /Workflow ID\s+-\s+(\S+)/.exec(submitted.stdout)?.[1] ?? '';
  assert.ok(id, submitted.stdout);
  const status = async () =>
    (
      JSON.parse((await osmo(user, ['workflow', 'query', id, '--format-type', 'json'])).stdout) as {
        status: string;
      }
    ).status;
  await eventually(async () => ((await status()) === 'RUNNING' ? true : null));
  await service.kill();

  service = await startServiceProcess({ dataDir });
  // The login survives: the store and the signing key are the service's, not the process's.
  const url = service.url;
  const relogged = await loginAs(url, 'dave');
  dirs.push(relogged);
  const final = await eventually(async () => {
    const r = await osmo(relogged, ['workflow', 'query', id, '--format-type', 'json']);
    const s = (JSON.parse(r.stdout) as { status: string }).status;
    return s === 'RUNNING' || s === 'PENDING' ? null : s;
  }, 30_000);
  assert.equal(final, 'COMPLETED');
  const logs = await osmo(relogged, ['workflow', 'logs', id]);
  assert.equal(logs.stdout.match(/\[steady\] start/g)?.length, 1, logs.stdout);
  assert.match(logs.stdout, /\[steady\] finished/);
  await service.stop();
});

interface QueriedWorkflow {
  readonly status: string;
  readonly groups: readonly { readonly tasks: readonly { readonly status: string }[] }[];
}

const GiB = 1024 ** 3;
// One CPU: while the first workflow runs, the second one's task waits in the queue.
const ONE_CPU_NODE = JSON.stringify([
  { name: 'solo', cpu: 1, memoryBytes: 16 * GiB, storageBytes: 100 * GiB },
]);

for (const kind of STORE_KINDS) {
  test(`[${kind}] an attempt placed but not yet started at a SIGKILL is launched after the restart, not failed`, async () => {
    const dataDir = await tempDir('unstarted');
    const specs = await tempDir('unstarted-specs');
    dirs.push(dataDir, specs);
    const postgres = kind === 'postgres' ? await makeTestStore('postgres') : null;
    const env = {
      OSMO_NODES: ONE_CPU_NODE,
      ...(postgres?.config.kind === 'postgres' ? { OSMO_POSTGRES_URL: postgres.config.url } : {}),
    };
    try {
      let service = await startServiceProcess({ dataDir, env });
      const user = await loginAs(service.url, 'erin');
      dirs.push(user);
      const submit = async (name: string, script: string): Promise<string> => {
        const file = join(specs, `${name}.yaml`);
        await writeFile(
          file,
          `workflow:\n  name: ${name}\n  tasks:\n    - name: only\n      image: ubuntu\n      command: ['sh', '-c', '${script}']\n`,
        );
        const out = await osmo(user, ['workflow', 'submit', file]);
        const id = /Workflow ID\s+-\s+(\S+)/.exec(out.stdout)?.[1] ?? '';
        assert.ok(id, out.stdout + out.stderr);
        return id;
      };
      const query = async (id: string): Promise<QueriedWorkflow> =>
        JSON.parse(
          (await osmo(user, ['workflow', 'query', id, '--format-type', 'json'])).stdout,
        ) as QueriedWorkflow;
      const first = await submit('holder', 'echo holding; sleep 4');
      await eventually(async () => ((await query(first)).status === 'RUNNING' ? true : null));
      const second = await submit('queued', 'echo ran-once');
      await eventually(async () =>
        (await query(second)).groups[0]?.tasks[0]?.status === 'SCHEDULING' ? true : null,
      );
      await service.kill();

      // The dispatcher's first write for the queued task, as a service killed right after it leaves
      // the store: the attempt has its node, and nothing was launched for it.
      const store: Store =
        postgres?.store ?? (await openStore({ kind: 'sqlite', file: join(dataDir, 'osmo.db') }));
      try {
        const [queued, ...others] = (await store.tasks.listRunningAttempts(['SCHEDULING'])).filter(
          (a) => a.nodeName === null,
        );
        assert.ok(queued !== undefined && others.length === 0);
        await store.tasks.update(queued.taskDbKey, { nodeName: 'solo', gpuIndices: [] });
      } finally {
        if (postgres === null) await store.close();
      }
      // The holder ends while the service is down, so the node is free again when it comes back.
      const holderReports = join(dataDir, 'work', 'attempts', first, 'only-0', 'reports.jsonl');
      await eventually(async () =>
        (await readFile(holderReports, 'utf8').catch(() => '')).includes('"COMPLETED"') ? true : null,
      );

      service = await startServiceProcess({ dataDir, env });
      const relogged = await loginAs(service.url, 'erin');
      dirs.push(relogged);
      const ended = async (id: string) =>
        eventually(async () => {
          const r = await osmo(relogged, ['workflow', 'query', id, '--format-type', 'json']);
          const s = (JSON.parse(r.stdout) as QueriedWorkflow).status;
          return s === 'RUNNING' || s === 'PENDING' ? null : s;
        }, 30_000);
      assert.equal(await ended(first), 'COMPLETED');
      assert.equal(await ended(second), 'COMPLETED');
      const logs = await osmo(relogged, ['workflow', 'logs', second]);
      assert.equal(logs.stdout.match(/\[only\] ran-once/g)?.length, 1, logs.stdout);
      await service.stop();
    } finally {
      await postgres?.dispose();
    }
  });
}

test('a SIGKILL with 200 workflows in flight loses none: each completes once, with all its lines', async () => {
  const dataDir = await tempDir('restart-many');
  dirs.push(dataDir);
  const env = {
    OSMO_NODES: JSON.stringify([{ name: 'wide', cpu: 64, memoryBytes: 64 * GiB, storageBytes: 100 * GiB }]),
  };
  let service = await startServiceProcess({ dataDir, env });
  // A failed check must not leave a service behind to hold the test process open.
  after(() => service.stop());
  const login = async (): Promise<Record<string, string>> => {
    const r = await fetch(`${service.url}/api/auth/dev/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'erin' }),
    });
    const { token } = (await r.json()) as { token: string };
    return { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  };
  let headers = await login();
  const spec = `workflow:
  name: many
  tasks:
    - name: step
      image: ubuntu
      command: ['sh', '-c', 'echo begin; sleep 1; echo end']
`;
  const ids: string[] = [];
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (ids.length < 200) {
        ids.push('');
        const r = await fetch(`${service.url}/api/pool/default/workflow`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ file: spec }),
        });
        assert.equal(r.status, 200, await r.clone().text());
        ids[ids.indexOf('')] = ((await r.json()) as { name: string }).name;
      }
    }),
  );
  const listed = async (statuses: readonly string[]): Promise<{ name: string; status: string }[]> => {
    const query = statuses.map((s) => `statuses=${s}`).join('&');
    const r = await fetch(`${service.url}/api/workflow?${query}&limit=1000`, { headers });
    return ((await r.json()) as { workflows: { name: string; status: string }[] }).workflows;
  };
  // Killed while many run, others wait and some are done.
  await eventually(async () => ((await listed(['RUNNING'])).length >= 20 ? true : null));
  await service.kill();

  service = await startServiceProcess({ dataDir, env });
  headers = await login();
  await eventually(
    async () => ((await listed(['PENDING', 'WAITING', 'RUNNING'])).length === 0 ? true : null),
    120_000,
  );
  const all = await listed([]);
  assert.equal(all.length, 200);
  assert.deepEqual(
    all.filter((w) => w.status !== 'COMPLETED').map((w) => `${w.name} ${w.status}`),
    [],
  );
  for (const id of ids) {
    const r = await fetch(`${service.url}/api/workflow/${id}/logs`, { headers });
    const text = await r.text();
    assert.equal(text.match(/\[step\] begin$/gm)?.length, 1, `${id}: ${text}`);
    assert.equal(text.match(/\[step\] end$/gm)?.length, 1, `${id}: ${text}`);
  }
});
