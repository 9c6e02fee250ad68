// Resource usage on every dialect: the overlap of each attempt's holding with the window, summed per key.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { NewGroup, UsageRow, Workflow } from './index.js';
import { newTestWorkflow, withTestStores } from './testing.js';

const at = (hour: number): Date => new Date(Date.UTC(2025, 5, 1, hour, 0, 0));
const group = (tasks: readonly [string, number, number, number][]): NewGroup[] => [
  {
    name: 'g',
    spec: {},
    remainingUpstreamGroups: [],
    downstreamGroups: [],
    tasks: tasks.map(([name, gpuCount, cpuCount, memoryGib]) => ({
      name,
      gpuCount,
      cpuCount,
      memoryGib,
      diskGib: 1,
      lead: false,
    })),
  },
];

const round = (rows: readonly UsageRow[]) =>
  rows.map((r) => ({
    ...r,
    gpuHours: Math.round(r.gpuHours * 1000) / 1000,
    cpuHours: Math.round(r.cpuHours * 1000) / 1000,
    memoryGibHours: Math.round(r.memoryGibHours * 1000) / 1000,
  }));

withTestStores((store) => {
  let train: Workflow;
  let other: Workflow;
  before(async () => {
    train = await store().workflows.create(
      newTestWorkflow({
        workflowName: 'train',
        pool: 'p1',
        groups: group([
          ['a', 2, 4, 16],
          ['b', 1, 2, 8],
          ['never', 8, 8, 8],
        ]),
      }),
    );
    other = await store().workflows.create(
      newTestWorkflow({
        workflowName: 'eval',
        submittedBy: 'bob@x',
        pool: 'p2',
        groups: group([['c', 4, 1, 2]]),
      }),
    );
    const key = async (w: Workflow, name: string) => {
      const t = await store().tasks.getLatest(w.workflowUuid, name);
      assert.ok(t);
      return t.taskDbKey;
    };
    // a: placed at 1h, started 2h, ended 5h -> held 1h..5h.
    await store().tasks.update(await key(train, 'a'), {
      initializingStartTime: at(1),
      startTime: at(2),
      endTime: at(5),
    });
    // b: started 3h, still running.
    await store().tasks.update(await key(train, 'b'), { startTime: at(3) });
    // c: 0h..10h.
    await store().tasks.update(await key(other, 'c'), { startTime: at(0), endTime: at(10) });
  });

  void test('per user over a window: only the overlap counts, running attempts up to now', async () => {
    const rows = await store().usage.summarize({ groupBy: 'user', since: at(2), until: at(6), now: at(4) });
    assert.deepEqual(round(rows), [
      // bob: c holds 4 GPUs 2h..6h = 16 GPU-hours.
      {
        user: 'bob@x',
        pool: null,
        workflowId: null,
        taskName: null,
        attempts: 1,
        gpuHours: 16,
        cpuHours: 4,
        memoryGibHours: 8,
      },
      // alice: a 2h..5h (3h x 2 GPUs) + b 3h..now=4h (1h x 1 GPU); never-started attempts hold nothing.
      {
        user: 'alice@example.com',
        pool: null,
        workflowId: null,
        taskName: null,
        attempts: 2,
        gpuHours: 7,
        cpuHours: 14,
        memoryGibHours: 56,
      },
    ]);
  });

  void test('per task, filtered by user and pool, and one workflow', async () => {
    const rows = await store().usage.summarize({
      groupBy: 'task',
      since: at(0),
      until: at(24),
      now: at(6),
      users: ['alice@example.com'],
      pools: ['p1'],
    });
    assert.deepEqual(
      round(rows).map((r) => [r.workflowId, r.taskName, r.user, r.pool, r.gpuHours]),
      [
        [train.workflowId, 'a', 'alice@example.com', 'p1', 8],
        [train.workflowId, 'b', 'alice@example.com', 'p1', 3],
      ],
    );
    const one = await store().usage.summarize({
      groupBy: 'workflow',
      since: at(0),
      until: at(24),
      now: at(6),
      workflowUuid: other.workflowUuid,
    });
    assert.deepEqual(
      round(one).map((r) => [r.workflowId, r.gpuHours, r.cpuHours]),
      [[other.workflowId, 40, 10]],
    );
  });

  void test('a window before every attempt, and one pool nobody used, are empty', async () => {
    assert.deepEqual(
      await store().usage.summarize({ groupBy: 'pool', since: at(-5), until: at(-1), now: at(6) }),
      [],
    );
    assert.deepEqual(
      await store().usage.summarize({
        groupBy: 'pool',
        since: at(0),
        until: at(24),
        now: at(6),
        pools: ['none'],
      }),
      [],
    );
    const pools = await store().usage.summarize({ groupBy: 'pool', since: at(0), until: at(24), now: at(6) });
    assert.deepEqual(
      round(pools).map((r) => [r.pool, r.gpuHours]),
      [
        ['p2', 40],
        ['p1', 11],
      ],
    );
  });
});
