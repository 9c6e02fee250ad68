// Workflow writes on every dialect: migrations, atomic inserts, job ids, guarded status, tags, events.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openStore } from './store.js';
import { newTestWorkflow, withTestStores } from './testing.js';

withTestStores((store, _kind, testStore) => {
  void test('migrations are idempotent: opening the same database again keeps its rows', async () => {
    const created = await store().workflows.create(newTestWorkflow({ workflowName: 'reopen' }));
    const again = await openStore(testStore().config);
    try {
      assert.equal((await again.workflows.get(created.workflowId))?.workflowUuid, created.workflowUuid);
    } finally {
      await again.close();
    }
  });

  void test('create stores the workflow, its groups, tasks and tags, and reads them back typed', async () => {
    const submitTime = new Date('2025-02-03T04:05:06.789Z');
    const w = await store().workflows.create(
      newTestWorkflow({
        workflowName: 'typed',
        submitTime,
        labels: { team: 'ml' },
        plugins: { rsync: true },
        priority: 'HIGH',
        tags: ['nightly', 'nightly', 'gpu'],
        templateSpecText: '{{ x }}',
      }),
    );
    assert.equal(w.workflowId, 'typed-1');
    assert.equal(w.jobId, 1);
    assert.match(w.workflowUuid, /^[0-9a-f]{32}$/);
    assert.deepEqual(w.submitTime, submitTime);
    assert.equal(w.status, 'PENDING');
    assert.deepEqual(w.labels, { team: 'ml' });
    assert.deepEqual(w.plugins, { rsync: true });
    assert.deepEqual(w.specJson, { name: 'test-wf' });
    assert.equal(w.templateSpecText, '{{ x }}');
    assert.equal(w.startTime, null);
    const byUuid = await store().workflows.get(w.workflowUuid);
    assert.deepEqual(byUuid, w);
    const groups = await store().groups.listByWorkflow(w.workflowUuid);
    assert.equal(groups.length, 1);
    assert.equal(groups[0]?.status, 'SUBMITTING');
    assert.equal(groups[0]?.cleanedUp, false);
    const tasks = await store().tasks.listByWorkflow(w.workflowUuid);
    assert.equal(tasks.length, 1);
    assert.equal(tasks[0]?.status, 'WAITING');
    assert.equal(tasks[0]?.lead, true);
    assert.equal(tasks[0]?.diskGib, 10);
    assert.deepEqual(await store().tags.list(w.workflowUuid), ['gpu', 'nightly']);
  });

  void test('a failure midway through create leaves nothing behind', async () => {
    const broken = newTestWorkflow({
      workflowName: 'half',
      groups: [
        {
          name: 'g',
          spec: {},
          remainingUpstreamGroups: [],
          downstreamGroups: [],
          tasks: [
            { name: 'same', gpuCount: 0, cpuCount: 1, diskGib: 1, memoryGib: 1, lead: true },
            { name: 'same', gpuCount: 0, cpuCount: 1, diskGib: 1, memoryGib: 1, lead: false },
          ],
        },
      ],
    });
    await assert.rejects(store().workflows.create(broken));
    assert.equal(await store().workflows.get('half-1'), null);
    const groups = await store()
      .db.selectFrom('groups')
      .select('name')
      .where('workflow_id', '=', 'half-1')
      .execute();
    assert.deepEqual(groups, []);
    const next = await store().workflows.create(newTestWorkflow({ workflowName: 'half' }));
    assert.equal(next.workflowId, 'half-1');
  });

  void test('20 concurrent creates of one name get job ids 1..20', async () => {
    const created = await Promise.all(
      Array.from({ length: 20 }, () => store().workflows.create(newTestWorkflow({ workflowName: 'race' }))),
    );
    const jobIds = created.map((w) => w.jobId).sort((a, b) => a - b);
    assert.deepEqual(
      jobIds,
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
  });

  void test('a failed submission is a row without groups that allocates the next job id', async () => {
    await store().workflows.create(newTestWorkflow({ workflowName: 'bad' }));
    const failed = await store().workflows.createFailedSubmission({
      workflowName: 'bad',
      submittedBy: 'bob@example.com',
      submitTime: new Date('2025-01-02T00:00:00.000Z'),
      pool: 'default',
      failureMessage: 'Task names must be unique.',
    });
    assert.equal(failed.workflowId, 'bad-2');
    assert.equal(failed.status, 'FAILED_SUBMISSION');
    assert.equal(failed.failureMessage, 'Task names must be unique.');
    assert.equal(failed.specJson, null);
    assert.deepEqual(await store().groups.listByWorkflow(failed.workflowUuid), []);
  });

  void test('status writes are guarded and fill start and end times only once', async () => {
    const w = await store().workflows.create(newTestWorkflow({ workflowName: 'guard' }));
    const t1 = new Date('2025-03-01T00:00:00.000Z');
    const t2 = new Date('2025-03-01T00:10:00.000Z');
    assert.equal(await store().workflows.setStatus(w.workflowUuid, 'RUNNING', ['PENDING'], { at: t1 }), true);
    // A stale writer still believing the workflow is PENDING changes nothing.
    assert.equal(
      await store().workflows.setStatus(w.workflowUuid, 'RUNNING', ['PENDING'], { at: t2 }),
      false,
    );
    assert.equal(await store().workflows.setStatus(w.workflowUuid, 'FAILED_CANCELED', [], { at: t2 }), false);
    assert.equal(
      await store().workflows.setStatus(w.workflowUuid, 'FAILED_CANCELED', ['PENDING', 'RUNNING'], {
        at: t2,
        failureMessage: 'canceled by bob',
      }),
      true,
    );
    assert.equal(await store().workflows.setCancelledBy(w.workflowUuid, 'bob@example.com'), true);
    const after = await store().workflows.get(w.workflowId);
    assert.equal(after?.status, 'FAILED_CANCELED');
    assert.deepEqual(after?.startTime, t1);
    assert.deepEqual(after?.endTime, t2);
    assert.equal(after?.failureMessage, 'canceled by bob');
    assert.equal(after?.cancelledBy, 'bob@example.com');
    assert.equal(await store().workflows.setCancelledBy('0'.repeat(32), 'x'), false);
  });

  void test('listAlive returns unfinished workflows; distinctUsers lists submitters', async () => {
    const done = await store().workflows.create(
      newTestWorkflow({ workflowName: 'alive', submittedBy: 'zed@x' }),
    );
    await store().workflows.setStatus(done.workflowUuid, 'COMPLETED', ['PENDING']);
    const alive = await store().workflows.create(newTestWorkflow({ workflowName: 'alive' }));
    const ids = (await store().workflows.listAlive()).map((w) => w.workflowId);
    assert.ok(ids.includes(alive.workflowId));
    assert.ok(!ids.includes(done.workflowId));
    const users = await store().workflows.distinctUsers();
    assert.ok(users.includes('zed@x') && users.includes('alice@example.com'));
    assert.deepEqual(users, [...users].sort());
  });

  void test('tags can be added twice, removed and listed', async () => {
    const w = await store().workflows.create(newTestWorkflow({ workflowName: 'tags' }));
    await store().tags.add(w.workflowUuid, ['b', 'a']);
    await store().tags.add(w.workflowUuid, ['a', 'c']);
    await store().tags.remove(w.workflowUuid, ['b']);
    assert.deepEqual(await store().tags.list(w.workflowUuid), ['a', 'c']);
  });

  void test('events append in order and filter by task and retry', async () => {
    const w = await store().workflows.create(newTestWorkflow({ workflowName: 'events' }));
    const at = (s: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, s));
    await store().events.append({ workflowUuid: w.workflowUuid, time: at(2), text: 'second' });
    await store().events.append({
      workflowUuid: w.workflowUuid,
      time: at(1),
      text: 'first',
      taskName: 't',
      retryId: 0,
    });
    await store().events.append({
      workflowUuid: w.workflowUuid,
      time: at(3),
      text: 'retry',
      taskName: 't',
      retryId: 1,
    });
    const all = await store().events.list(w.workflowUuid);
    assert.deepEqual(
      all.map((e) => e.text),
      ['first', 'second', 'retry'],
    );
    assert.deepEqual(all[0]?.time, at(1));
    const retry = await store().events.list(w.workflowUuid, { taskName: 't', retryId: 1 });
    assert.deepEqual(
      retry.map((e) => e.text),
      ['retry'],
    );
  });

  void test('a transaction commits together or not at all', async () => {
    await assert.rejects(
      store().transaction(async (tx) => {
        const w = await tx.workflows.create(newTestWorkflow({ workflowName: 'tx' }));
        await tx.tags.add(w.workflowUuid, ['kept?']);
        throw new Error('abort');
      }),
      /abort/,
    );
    assert.equal(await store().workflows.get('tx-1'), null);
    const w = await store().transaction(async (tx) => {
      const created = await tx.workflows.create(newTestWorkflow({ workflowName: 'tx' }));
      await tx.transaction((inner) => inner.tags.add(created.workflowUuid, ['kept']));
      return created;
    });
    assert.deepEqual(await store().tags.list(w.workflowUuid), ['kept']);
  });
});
