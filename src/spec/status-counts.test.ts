// The count-based aggregations agree with the list-based ones on generated inputs of every shape.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GROUP_STATUSES, TASK_STATUSES } from '../core/statuses.js';
import type { GroupStatus, TaskStatus } from '../core/statuses.js';
import type { TaskStatusView } from './index.js';
import {
  aggregateGroupStatus,
  aggregateGroupStatusFromCounts,
  aggregateWorkflowStatus,
  aggregateWorkflowStatusFromCounts,
} from './index.js';

/** A small deterministic generator (mulberry32), so a failure names a seed that reproduces it. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Picks from a few statuses more often than the rest, so finished-only inputs occur regularly. */
function pick<T>(next: () => number, all: readonly T[]): T {
  const narrow = next() < 0.5 ? all.slice(0, Math.max(1, Math.floor(next() * all.length) + 1)) : all;
  return narrow[Math.floor(next() * narrow.length)] as T;
}

function countTasks(tasks: readonly TaskStatusView[]) {
  const lead = new Map<TaskStatus, number>();
  const other = new Map<TaskStatus, number>();
  for (const t of tasks) {
    const into = t.lead ? lead : other;
    into.set(t.status, (into.get(t.status) ?? 0) + 1);
  }
  return { lead, other };
}

const FINISHED_TASK: readonly TaskStatus[] = TASK_STATUSES.filter(
  (s) => s === 'COMPLETED' || s.startsWith('FAILED'),
);

test('group status from counts agrees with the list on 20,000 generated groups', () => {
  for (let seed = 1; seed <= 20_000; seed++) {
    const next = random(seed);
    const size = Math.floor(next() * 7);
    const pool = next() < 0.6 ? FINISHED_TASK : TASK_STATUSES;
    const tasks: TaskStatusView[] = Array.from({ length: size }, (_, i) => ({
      name: `t${i}`,
      status: pick(next, pool),
      lead: next() < 0.3,
    }));
    const counts = countTasks(tasks);
    // Zero counts left behind by tallies that moved on must not count as present.
    const absent = pick(next, TASK_STATUSES);
    if (next() < 0.3 && !counts.other.has(absent)) counts.other.set(absent, 0);
    for (const ignore of [false, true]) {
      assert.equal(
        aggregateGroupStatusFromCounts(counts, ignore),
        aggregateGroupStatus(tasks, ignore),
        `seed ${seed}, ignoreNonleadStatus ${ignore}: ${JSON.stringify(tasks)}`,
      );
    }
  }
});

test('workflow status from counts agrees with the list on 20,000 generated workflows', () => {
  const finished = GROUP_STATUSES.filter((s) => s === 'COMPLETED' || s.startsWith('FAILED'));
  for (let seed = 1; seed <= 20_000; seed++) {
    const next = random(seed);
    const pool = next() < 0.6 ? finished : GROUP_STATUSES;
    const groups: GroupStatus[] = Array.from({ length: Math.floor(next() * 8) }, () => pick(next, pool));
    const counts = new Map<GroupStatus, number>();
    for (const g of groups) counts.set(g, (counts.get(g) ?? 0) + 1);
    const absent = pick(next, GROUP_STATUSES);
    if (next() < 0.3 && !counts.has(absent)) counts.set(absent, 0);
    assert.equal(
      aggregateWorkflowStatusFromCounts(counts),
      aggregateWorkflowStatus(groups),
      `seed ${seed}: ${groups.join(',')}`,
    );
  }
});

test('a count of several stands for every task of that status', () => {
  const counts = {
    lead: new Map<TaskStatus, number>([['COMPLETED', 1]]),
    other: new Map<TaskStatus, number>([['FAILED', 500]]),
  };
  assert.equal(aggregateGroupStatusFromCounts(counts, true), 'COMPLETED');
  assert.equal(aggregateGroupStatusFromCounts(counts, false), 'FAILED');
});
