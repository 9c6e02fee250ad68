// Launched attempts are read in pages; every attempt comes back once, in workflow, task, retry order.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { NewGroup } from './index.js';
import { newTestWorkflow, withTestStores } from './testing.js';

const TASKS_PER_WORKFLOW = 450;
const group = (name: string): NewGroup => ({
  name,
  spec: {},
  remainingUpstreamGroups: [],
  downstreamGroups: [],
  tasks: Array.from({ length: TASKS_PER_WORKFLOW }, (_, i) => ({
    name: `t${String(i).padStart(3, '0')}`,
    gpuCount: 0,
    cpuCount: 1,
    diskGib: 1,
    memoryGib: 1,
    lead: i === 0,
  })),
});

withTestStores((store) => {
  before(async () => {
    for (const name of ['pages-a', 'pages-b', 'pages-c']) {
      await store().workflows.create(newTestWorkflow({ workflowName: name, groups: [group('g')] }));
    }
    // A retry just past a page boundary must come right after its first attempt.
    const first = await store().tasks.getLatest(
      (await store().workflows.get('pages-b-1'))?.workflowUuid ?? '',
      't049',
    );
    assert.ok(first);
    await store().tasks.insertRetry(first.taskDbKey, 'WAITING');
  });

  void test('more attempts than a page: all of them, each once, in order', async () => {
    const attempts = await store().tasks.listRunningAttempts(['WAITING']);
    const keys = attempts.map((a) => `${a.workflowId}/${a.name}/${a.retryId}`);
    assert.equal(keys.length, 3 * TASKS_PER_WORKFLOW + 1);
    assert.equal(new Set(keys).size, keys.length);
    const expected = ['pages-a-1', 'pages-b-1', 'pages-c-1'].flatMap((id) =>
      Array.from({ length: TASKS_PER_WORKFLOW }, (_, i) => {
        const name = `t${String(i).padStart(3, '0')}`;
        return id === 'pages-b-1' && name === 't049'
          ? [`${id}/${name}/0`, `${id}/${name}/1`]
          : [`${id}/${name}/0`];
      }).flat(),
    );
    assert.deepEqual(keys, expected);
  });
});
