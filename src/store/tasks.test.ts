// Groups and task attempts on every dialect: guarded writes, retries, recovery reads, GET /api/task.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { NewGroup, Store, Workflow } from './index.js';
import { newTestWorkflow, withTestStores } from './testing.js';

const at = (minute: number): Date => new Date(Date.UTC(2025, 5, 1, 8, minute, 0));
const task = (name: string, gpuCount: number) => ({
  name,
  gpuCount,
  cpuCount: 2,
  diskGib: 1.5,
  memoryGib: 4,
  lead: false,
});
const twoGroups: NewGroup[] = [
  {
    name: 'prep',
    spec: {},
    remainingUpstreamGroups: [],
    downstreamGroups: ['train'],
    tasks: [task('prep-0', 0)],
  },
  {
    name: 'train',
    spec: {},
    remainingUpstreamGroups: ['prep'],
    downstreamGroups: [],
    tasks: [task('train-0', 2), task('train-1', 2)],
  },
];

withTestStores((store) => {
  let wf: Workflow;
  let other: Workflow;
  before(async () => {
    wf = await store().workflows.create(
      newTestWorkflow({ workflowName: 'tasks', groups: twoGroups, pool: 'p1' }),
    );
    other = await store().workflows.create(
      newTestWorkflow({ workflowName: 'other', submittedBy: 'bob@x', pool: 'p2', priority: 'LOW' }),
    );
  });
  const latest = async (s: Store, name: string) => {
    const t = await s.tasks.getLatest(wf.workflowUuid, name);
    assert.ok(t, `task ${name} exists`);
    return t;
  };

  void test('group status writes are guarded and remaining upstream can be updated', async () => {
    const [prep, train] = await store().groups.listByWorkflow(wf.workflowUuid);
    assert.ok(prep && train);
    assert.deepEqual(train.remainingUpstreamGroups, ['prep']);
    assert.equal(
      await store().groups.setStatus(prep.groupUuid, 'PROCESSING', ['SUBMITTING'], {
        processingStartTime: at(1),
      }),
      true,
    );
    assert.equal(await store().groups.setStatus(prep.groupUuid, 'PROCESSING', ['SUBMITTING']), false);
    await store().groups.setRemainingUpstream(train.groupUuid, []);
    await store().groups.setCleanedUp(prep.groupUuid, true);
    const prepAfter = await store().groups.get(prep.groupUuid);
    assert.equal(prepAfter?.status, 'PROCESSING');
    assert.deepEqual(prepAfter?.processingStartTime, at(1));
    assert.equal(prepAfter?.cleanedUp, true);
    assert.deepEqual((await store().groups.get(train.groupUuid))?.remainingUpstreamGroups, []);
  });

  void test('task status writes are guarded; times fill once, facts overwrite', async () => {
    const t = await latest(store(), 'prep-0');
    const ok = await store().tasks.setStatus(t.taskDbKey, 'RUNNING', ['WAITING'], {
      startTime: at(2),
      nodeName: 'node-1',
      gpuIndices: [0, 1],
      podIp: '10.0.0.1',
    });
    assert.equal(ok, true);
    const stale = await store().tasks.setStatus(t.taskDbKey, 'FAILED', ['WAITING'], { exitCode: 9 });
    assert.equal(stale, false);
    await store().tasks.update(t.taskDbKey, { startTime: at(9), lastHeartbeat: at(3) });
    await store().tasks.update(t.taskDbKey, { lastHeartbeat: at(4) });
    const after = await store().tasks.get(t.taskDbKey);
    assert.equal(after?.status, 'RUNNING');
    assert.equal(after?.exitCode, null);
    assert.deepEqual(after?.startTime, at(2));
    assert.deepEqual(after?.lastHeartbeat, at(4));
    assert.deepEqual(after?.gpuIndices, [0, 1]);
    assert.equal(after?.nodeName, 'node-1');
  });

  void test('a retry is a new attempt with the same task uuid; lists show the latest or all', async () => {
    const first = await latest(store(), 'train-0');
    await store().transaction(async (tx) => {
      assert.equal(
        await tx.tasks.setStatus(first.taskDbKey, 'RESCHEDULED', ['WAITING'], { exitCode: 1 }),
        true,
      );
      await tx.tasks.insertRetry(first.taskDbKey, 'WAITING');
    });
    const second = await latest(store(), 'train-0');
    assert.equal(second.retryId, 1);
    assert.equal(second.taskUuid, first.taskUuid);
    assert.notEqual(second.taskDbKey, first.taskDbKey);
    assert.equal(second.gpuCount, 2);
    assert.equal(second.exitCode, null);
    const third = await store().tasks.insertRetry(first.taskDbKey, 'WAITING');
    assert.equal(third.retryId, 2);
    const latestOnly = await store().tasks.listByWorkflow(wf.workflowUuid);
    assert.deepEqual(
      latestOnly.map((x) => `${x.name}/${x.retryId}`),
      ['prep-0/0', 'train-0/2', 'train-1/0'],
    );
    const all = await store().tasks.listByWorkflow(wf.workflowUuid, { allRetries: true });
    assert.deepEqual(
      all.map((x) => `${x.name}/${x.retryId}`),
      ['prep-0/0', 'train-0/2', 'train-0/1', 'train-0/0', 'train-1/0'],
    );
    await assert.rejects(store().tasks.insertRetry('f'.repeat(32), 'WAITING'), /not found/);
  });

  void test('running attempts across workflows carry pool and priority', async () => {
    const t1 = await latest(store(), 'train-1');
    await store().tasks.setStatus(t1.taskDbKey, 'SCHEDULING', ['WAITING']);
    const running = await store().tasks.listRunningAttempts();
    assert.deepEqual(
      running.map((r) => `${r.workflowId}/${r.name}/${r.status}/${r.pool}`),
      ['tasks-1/prep-0/RUNNING/p1', 'tasks-1/train-1/SCHEDULING/p1'],
    );
    const waiting = await store().tasks.listRunningAttempts(['WAITING']);
    assert.ok(waiting.some((r) => r.workflowId === other.workflowId && r.priority === 'LOW'));
  });

  void test('task list puts launched attempts first, then orders by start time', async () => {
    const o = await store().tasks.getLatest(other.workflowUuid, 'task-a');
    assert.ok(o);
    await store().tasks.setStatus(o.taskDbKey, 'COMPLETED', ['WAITING'], {
      startTime: at(0),
      endTime: at(5),
    });
    const t1 = await latest(store(), 'train-1');
    await store().tasks.setStatus(t1.taskDbKey, 'RUNNING', ['SCHEDULING'], {
      startTime: at(3),
      nodeName: 'node-2',
    });
    const key = (r: { workflowId: string; name: string; retryId: number }) =>
      `${r.workflowId}/${r.name}/${r.retryId}`;
    const asc = await store().tasks.listForApi({});
    assert.deepEqual(asc.rows.map(key), [
      'tasks-1/prep-0/0',
      'tasks-1/train-1/0',
      'other-1/task-a/0',
      'tasks-1/train-0/0',
      'tasks-1/train-0/1',
      'tasks-1/train-0/2',
    ]);
    const desc = await store().tasks.listForApi({ order: 'DESC', limit: 3 });
    assert.deepEqual(desc.rows.map(key), ['tasks-1/train-1/0', 'tasks-1/prep-0/0', 'tasks-1/train-0/2']);
    assert.equal(desc.moreEntries, true);
    const page = await store().tasks.listForApi({ offset: 5, limit: 3 });
    assert.deepEqual(page.rows.map(key), ['tasks-1/train-0/2']);
    assert.equal(page.moreEntries, false);
  });

  void test('task list filters', async () => {
    const names = async (f: Parameters<Store['tasks']['listForApi']>[0]) =>
      (await store().tasks.listForApi(f)).rows.map((r) => `${r.workflowId}/${r.name}/${r.retryId}`);
    assert.deepEqual(await names({ workflowId: 'othe' }), ['other-1/task-a/0']);
    assert.deepEqual(await names({ users: ['bob@x'] }), ['other-1/task-a/0']);
    assert.deepEqual(await names({ pools: ['p2'] }), ['other-1/task-a/0']);
    assert.deepEqual(await names({ priorities: ['LOW'] }), ['other-1/task-a/0']);
    assert.deepEqual(await names({ nodes: ['node-2'] }), ['tasks-1/train-1/0']);
    assert.deepEqual(await names({ statuses: ['RUNNING'] }), ['tasks-1/prep-0/0', 'tasks-1/train-1/0']);
    assert.deepEqual(await names({ startedBefore: at(2) }), ['other-1/task-a/0']);
    // Started at/after, or not started at all.
    assert.deepEqual(await names({ startedAfter: at(3) }), [
      'tasks-1/train-1/0',
      'tasks-1/train-0/0',
      'tasks-1/train-0/1',
      'tasks-1/train-0/2',
    ]);
  });

  void test('usage summaries group by user, pool and priority, optionally by workflow', async () => {
    const running = await store().tasks.summarize({ statuses: ['RUNNING', 'COMPLETED'] });
    assert.deepEqual(
      running.map((s) => [
        s.user,
        s.pool,
        s.priority,
        s.gpuCount,
        s.cpuCount,
        s.memoryGib,
        s.diskGib,
        s.workflowId,
      ]),
      [
        ['alice@example.com', 'p1', 'NORMAL', 2, 4, 8, 3, null],
        ['bob@x', 'p2', 'LOW', 1, 2, 4, 10, null],
      ],
    );
    const byWorkflow = await store().tasks.summarize({ users: ['bob@x'] }, { byWorkflow: true });
    assert.deepEqual(
      byWorkflow.map((s) => [s.user, s.workflowId, s.gpuCount]),
      [['bob@x', 'other-1', 1]],
    );
  });
});
