// Three services on one PostgreSQL database and data directory: any serves the API, one drives the
// engine; the leader killed with SIGKILL mid-run is replaced within 10 s, and every workflow submitted
// through any of them completes once, each task launched once.
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { sql } from 'kysely';
import { makeTestStore } from '../../src/store/testing.js';
import { eventually, startServiceProcess, tempDir, type ServiceProcess } from './harness.js';

const GiB = 1024 ** 3;
const WORKFLOWS = 200;
const TAKEOVER_LIMIT_MS = 10_000;
const SPEC = `workflow:
  name: replicated
  tasks:
    - name: step
      image: ubuntu
      command: ['sh', '-c', 'echo begin; sleep 1; echo end']
`;

interface ReplicaStatus {
  readonly replicas: boolean;
  readonly leader: boolean;
  readonly term: number | null;
}

const running: ServiceProcess[] = [];
after(async () => {
  for (const service of running) await service.stop().catch(() => undefined);
});

const replicaStatus = async (service: ServiceProcess): Promise<ReplicaStatus> =>
  (await (await fetch(`${service.url}/api/service/replica`)).json()) as ReplicaStatus;

test('replicas on one PostgreSQL: a SIGKILLed leader is replaced within 10 s, every workflow completes once', async (t) => {
  const postgres = await makeTestStore('postgres');
  assert.equal(postgres.config.kind, 'postgres');
  const dataDir = await tempDir('replicas');
  const env = {
    OSMO_POSTGRES_URL: postgres.config.kind === 'postgres' ? postgres.config.url : '',
    OSMO_REPLICAS: '1',
    OSMO_NODES: JSON.stringify([{ name: 'wide', cpu: 64, memoryBytes: 64 * GiB, storageBytes: 100 * GiB }]),
  };
  try {
    // One after the other: the first makes the signing key the others then read from the data dir.
    const first = await startServiceProcess({ dataDir, env });
    running.push(first);
    const replicas = [first, await startServiceProcess({ dataDir, env })];
    running.push(replicas[1] as ServiceProcess);
    replicas.push(await startServiceProcess({ dataDir, env }));
    running.push(replicas[2] as ServiceProcess);
    const statuses = await Promise.all(replicas.map(replicaStatus));
    assert.deepEqual(
      statuses.map((s) => s.leader),
      [true, false, false],
    );
    assert.ok(statuses.every((s) => s.replicas));

    // A token from one replica is good on every one: they share the signing key.
    const login = await fetch(`${first.url}/api/auth/dev/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'erin' }),
    });
    const { token } = (await login.json()) as { token: string };
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const submitTo = async (service: ServiceProcess, spec = SPEC): Promise<string> => {
      const r = await fetch(`${service.url}/api/pool/default/workflow`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ file: spec }),
      });
      assert.equal(r.status, 200, await r.clone().text());
      return ((await r.json()) as { name: string }).name;
    };
    const statusOf = async (service: ServiceProcess, id: string): Promise<string> => {
      const r = await fetch(`${service.url}/api/workflow/${id}`, { headers });
      return ((await r.json()) as { status: string }).status;
    };
    const listed = async (service: ServiceProcess, which: readonly string[]) => {
      const query = which.map((s) => `statuses=${s}`).join('&');
      const r = await fetch(`${service.url}/api/workflow?${query}&limit=1000`, { headers });
      return ((await r.json()) as { workflows: { name: string; status: string }[] }).workflows;
    };

    const ids: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        while (next < WORKFLOWS) {
          const target = replicas[next % replicas.length] as ServiceProcess;
          next += 1;
          ids.push(await submitTo(target));
        }
      }),
    );
    // Killed while many run, others wait and some are done.
    await eventually(async () => ((await listed(first, ['RUNNING'])).length >= 20 ? true : null));
    const killedAt = Date.now();
    await first.kill();
    running.splice(running.indexOf(first), 1);
    const survivors = replicas.slice(1);
    const leader = await eventually(async () => {
      const states = await Promise.all(survivors.map(replicaStatus));
      const leaders = survivors.filter((_, i) => states[i]?.leader === true);
      assert.ok(leaders.length <= 1, 'two replicas lead at once');
      return leaders[0] ?? null;
    }, TAKEOVER_LIMIT_MS + 5000);
    const takeoverMs = Date.now() - killedAt;
    assert.ok(takeoverMs < TAKEOVER_LIMIT_MS, `takeover took ${takeoverMs} ms`);
    t.diagnostic(`takeover after ${takeoverMs} ms`);
    const newTerm = (await replicaStatus(leader)).term;
    assert.ok(newTerm !== null && newTerm >= 2, `term ${String(newTerm)}`);
    const follower = survivors.find((s) => s !== leader) as ServiceProcess;

    // After the takeover, work through either survivor reaches the new leader.
    const late = [await submitTo(follower), await submitTo(leader)];
    ids.push(...late);
    // Heard at once (NOTIFY), not on the leader's minute-long sweep.
    for (const id of late) {
      await eventually(async () => ((await statusOf(follower, id)) === 'COMPLETED' ? true : null), 20_000);
    }
    // A cancel through a follower is carried out by the leader before it answers.
    const long = await submitTo(
      follower,
      SPEC.replace('echo begin; sleep 1; echo end', 'sleep 60').replace('replicated', 'long'),
    );
    await eventually(async () => ((await statusOf(follower, long)) === 'RUNNING' ? true : null));
    const cancel = await fetch(`${follower.url}/api/workflow/${long}/cancel`, { method: 'POST', headers });
    assert.equal(cancel.status, 200, await cancel.text());
    assert.equal(await statusOf(follower, long), 'FAILED_CANCELED');

    await eventually(
      async () => ((await listed(follower, ['PENDING', 'WAITING', 'RUNNING'])).length === 0 ? true : null),
      60_000,
    );
    t.diagnostic(`all ended ${Date.now() - killedAt} ms after the kill`);
    const all = await listed(follower, []);
    assert.equal(all.length, WORKFLOWS + 3);
    assert.deepEqual(
      all.filter((w) => w.name !== long && w.status !== 'COMPLETED').map((w) => `${w.name} ${w.status}`),
      [],
    );
    // Each task was launched once: one attempt, retry 0, one attempt directory, its lines once.
    const attempts = await sql<{ workflow_id: string; retry_id: number }>`
      SELECT workflow_id, retry_id FROM tasks`.execute(postgres.store.db);
    const byWorkflow = new Map<string, number[]>();
    for (const a of attempts.rows)
      byWorkflow.set(a.workflow_id, [...(byWorkflow.get(a.workflow_id) ?? []), a.retry_id]);
    for (const id of ids) {
      assert.deepEqual(byWorkflow.get(id), [0], id);
      assert.deepEqual(await readdir(join(dataDir, 'work', 'attempts', id)), ['step-0'], id);
      const text = await (await fetch(`${follower.url}/api/workflow/${id}/logs`, { headers })).text();
      assert.equal(text.match(/\[step\] begin$/gm)?.length, 1, `${id}: ${text}`);
      assert.equal(text.match(/\[step\] end$/gm)?.length, 1, `${id}: ${text}`);
    }
  } finally {
    for (const service of running.splice(0)) await service.stop().catch(() => undefined);
    await postgres.dispose();
  }
});

test('a leader paused past its lease exits on resuming; the new leader re-attaches its task, which ends once', async (t) => {
  const postgres = await makeTestStore('postgres');
  const dataDir = await tempDir('replicas-paused');
  const env = {
    OSMO_POSTGRES_URL: postgres.config.kind === 'postgres' ? postgres.config.url : '',
    OSMO_REPLICAS: '1',
  };
  const started: ServiceProcess[] = [];
  try {
    const old = await startServiceProcess({ dataDir, env });
    started.push(old);
    const next = await startServiceProcess({ dataDir, env });
    started.push(next);
    const login = await fetch(`${next.url}/api/auth/dev/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'erin' }),
    });
    const { token } = (await login.json()) as { token: string };
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const r = await fetch(`${next.url}/api/pool/default/workflow`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ file: SPEC.replace('sleep 1', 'sleep 12') }),
    });
    assert.equal(r.status, 200, await r.clone().text());
    const id = ((await r.json()) as { name: string }).name;
    const statusOf = async (): Promise<string> =>
      ((await (await fetch(`${next.url}/api/workflow/${id}`, { headers })).json()) as { status: string })
        .status;
    // A page open on the follower hears of what the leader writes.
    const stream = await fetch(`${next.url}/api/workflow/${id}/changes`, { headers });
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    let events = '';
    const heard = setTimeout(() => void reader.cancel(), 10_000);
    while (!events.includes('event: changed')) {
      const chunk = await reader.read();
      if (chunk.done) break;
      events += new TextDecoder().decode(chunk.value);
    }
    clearTimeout(heard);
    await reader.cancel();
    assert.match(events, /event: changed/);
    await eventually(async () => ((await statusOf()) === 'RUNNING' ? true : null));

    const exit = new Promise<number | null>((resolve) => old.process.once('exit', (code) => resolve(code)));
    old.process.kill('SIGSTOP');
    const pausedAt = Date.now();
    await eventually(async () => ((await replicaStatus(next)).leader ? true : null), 15_000);
    t.diagnostic(`takeover of a paused leader after ${Date.now() - pausedAt} ms`);
    old.process.kill('SIGCONT');
    // Resumed, it finds its lease gone: it stops rather than drive a second engine.
    const gone = new Promise<string>((resolve) => setTimeout(() => resolve('still running'), 10_000).unref());
    assert.equal(await Promise.race([exit, gone]), 75);
    started.splice(started.indexOf(old), 1);

    await eventually(async () => ((await statusOf()) === 'COMPLETED' ? true : null), 30_000);
    const text = await (await fetch(`${next.url}/api/workflow/${id}/logs`, { headers })).text();
    assert.equal(text.match(/\[step\] begin$/gm)?.length, 1, text);
    assert.equal(text.match(/\[step\] end$/gm)?.length, 1, text);
    assert.deepEqual(await readdir(join(dataDir, 'work', 'attempts', id)), ['step-0']);
    const terms = await sql<{ term: number }>`SELECT term FROM service_lease`.execute(postgres.store.db);
    assert.deepEqual(
      terms.rows.map((row) => Number(row.term)),
      [2],
    );
  } finally {
    for (const service of started) {
      service.process.kill('SIGCONT');
      await service.stop().catch(() => undefined);
    }
    await postgres.dispose();
  }
});

test('--replicas without PostgreSQL is refused with the reason', async () => {
  await assert.rejects(
    startServiceProcess({ args: ['--replicas'], env: { OSMO_POSTGRES_URL: '' } }),
    /Several replicas \(--replicas\) need a shared PostgreSQL database/,
  );
});
