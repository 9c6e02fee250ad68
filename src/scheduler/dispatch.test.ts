import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { QueuedGroup } from './dispatch.js';
import { planDispatch, taskNeverFits } from './dispatch.js';

const GiB = 1024 ** 3;
const node = (name: string, gpu = 0) => ({ name, cpu: 8, memoryBytes: 32 * GiB, gpu });
const group = (
  key: string,
  gpus: number[],
  priority: QueuedGroup['priority'] = 'NORMAL',
  at = 0,
): QueuedGroup => ({
  key,
  priority,
  submitTime: new Date(at),
  tasks: gpus.map((gpu, i) => ({ key: `${key}/${i}`, cpu: 1, memoryBytes: GiB, gpu })),
});

test('priority order: HIGH before NORMAL before LOW, FIFO within a class', () => {
  const plan = planDispatch(
    [
      group('low', [4], 'LOW', 0),
      group('n2', [4], 'NORMAL', 2),
      group('n1', [4], 'NORMAL', 1),
      group('hi', [4], 'HIGH', 3),
    ],
    [node('a', 8)],
    [],
  );
  assert.deepEqual(
    plan.launch.map((l) => l.groupKey),
    ['hi', 'n1'],
  );
  assert.deepEqual(
    plan.waiting.map((w) => w.groupKey),
    ['n2', 'low'],
  );
});

test('gang admission: a group starts with all its tasks or not at all', () => {
  const plan = planDispatch([group('g', [4, 4, 4])], [node('a', 8)], []);
  assert.equal(plan.launch.length, 0);
  assert.match(plan.waiting[0]?.reason ?? '', /12 free GPUs/);
});

test('GPUs are never shared between running attempts', () => {
  const plan = planDispatch(
    [group('g', [2, 1])],
    [node('a', 4)],
    [{ node: 'a', cpu: 1, memoryBytes: GiB, gpu: 1, gpuIndices: [1] }],
  );
  const indices = plan.launch[0]?.tasks.flatMap((t) => t.gpuIndices);
  assert.deepEqual(indices, [0, 2, 3]);
});

test('tasks of a group may spread over several nodes', () => {
  const plan = planDispatch([group('g', [8, 8])], [node('a', 8), node('b', 8)], []);
  assert.deepEqual(
    plan.launch[0]?.tasks.map((t) => t.node),
    ['a', 'b'],
  );
});

test('a task larger than every node never fits', () => {
  assert.equal(taskNeverFits({ cpu: 1, memoryBytes: GiB, gpu: 9 }, [node('a', 8)]), true);
  assert.equal(taskNeverFits({ cpu: 1, memoryBytes: GiB, gpu: 8 }, [node('a', 8)]), false);
});
