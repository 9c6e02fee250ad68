// What one status report costs the store: the same SQL statements, returning the same rows, in a
// workflow of 20 tasks as in one of 2,000, whether its tasks share one group or each has its own.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pino } from 'pino';
import { createProcessBackend } from '../backends/process/index.js';
import type { TaskStatus } from '../core/index.js';
import { parseWorkflowSpec } from '../spec/index.js';
import { openObservedStore } from '../store/store.js';
import type { Store, StoreKind, Workflow } from '../store/index.js';
import { makeTestStore } from '../store/testing.js';
import { advanceWorkflow } from './advance.js';
import { BackendSet } from './backend-set.js';
import type { EngineContext } from './context.js';
import { newSchedulingState } from './context.js';
import { LiveConfig } from './live-config.js';
import { LogStore } from './log-store.js';
import { applyBackendReport } from './reports.js';
import { readWorkflow } from './spec-cache.js';
import { SpecPool } from './spec-pool.js';
import { groupRows } from './submit.js';
import { refOf } from './status-writes.js';

const dirs: string[] = [];
const closers: (() => Promise<void>)[] = [];
after(async () => {
  for (const close of closers) await close();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** `groups`: one group of every task (the first leads), or a group per task. */
function wideSpec(tasks: number, shape: 'one group' | 'a group each'): string {
  const task = (i: number, indent: string): string =>
    `${indent}- name: t${i}\n${indent}  image: ubuntu\n${indent}  command: ['true']\n` +
    (shape === 'one group' && i === 0 ? `${indent}  lead: true\n` : '');
  const lines = Array.from({ length: tasks }, (_, i) => task(i, shape === 'one group' ? '      ' : '    '));
  return shape === 'one group'
    ? `workflow:\n  name: wide\n  groups:\n  - name: g\n    tasks:\n${lines.join('')}`
    : `workflow:\n  name: wide\n  tasks:\n${lines.join('')}`;
}

interface Harness {
  ctx: EngineContext;
  store: Store;
  statements: number;
  rows: number;
}

async function harness(kind: StoreKind): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'osmo-report-cost-'));
  dirs.push(dir);
  const h = { statements: 0, rows: 0 } as Harness & { ctx: EngineContext; store: Store };
  const database = await makeTestStore(kind);
  const store = await openObservedStore(database.config, (rows) => {
    h.statements += 1;
    h.rows += rows;
  });
  closers.push(() => database.dispose());
  const log = pino({ level: 'silent' });
  const specs = new SpecPool(log, { workers: 1 });
  closers.push(
    () => specs.close(),
    () => store.close(),
  );
  h.store = store;
  h.ctx = {
    store,
    backends: BackendSet.single(
      createProcessBackend({
        workRoot: join(dir, 'work'),
        launcherEntry: join(dir, 'none.js'),
        sandbox: 'off',
      }),
      log,
    ),
    logs: new LogStore(join(dir, 'logs')),
    log,
    now: () => new Date(),
    storage: { kind: 'local', root: join(dir, 'storage') },
    nodes: () => [],
    config: await LiveConfig.open(store, null, () => new Date(), log),
    scheduling: newSchedulingState(),
    maxRetryPerTask: 0,
    specs,
  };
  return h;
}

/** A submitted workflow whose groups have all joined the queue. */
async function queuedWorkflow(h: Harness, text: string): Promise<Workflow> {
  const spec = parseWorkflowSpec(text, { set: [], setString: [], envVars: [], maxTasks: 10_000 });
  const created = await h.store.workflows.create({
    workflowName: spec.name,
    submittedBy: 'test',
    submitTime: new Date(),
    execTimeoutSeconds: spec.timeout.execTimeoutSeconds,
    queueTimeoutSeconds: spec.timeout.queueTimeoutSeconds,
    backend: 'process',
    pool: 'default',
    status: 'PENDING',
    priority: 'NORMAL',
    specText: spec.renderedYaml,
    specJson: spec,
    groups: groupRows(spec),
  });
  for (let pass = 0; pass < 10_000; pass++) {
    const workflow = (await h.store.workflows.get(created.workflowUuid)) ?? created;
    if (!(await advanceWorkflow(h.ctx, workflow)).changed) return workflow;
  }
  throw new Error('the workflow never settled');
}

/** Statements one report of `task` costs, and those of the engine's pass over its workflow after it. */
async function reportCost(
  h: Harness,
  workflow: Workflow,
  task: string,
  status: TaskStatus,
): Promise<{ report: number; rows: number; pass: number }> {
  const attempt = await h.store.tasks.getLatest(workflow.workflowUuid, task);
  const group = attempt ? await h.store.groups.getByName(workflow.workflowUuid, attempt.groupName) : null;
  assert.ok(attempt && group);
  const before = h.statements;
  const rowsBefore = h.rows;
  await applyBackendReport(h.ctx, {
    kind: 'status',
    ref: refOf(workflow, group, attempt),
    status,
    exitCode: status === 'COMPLETED' ? 0 : null,
    message: null,
    at: new Date(),
  });
  const report = h.statements - before;
  const rows = h.rows - rowsBefore;
  assert.equal((await h.store.tasks.getLatest(workflow.workflowUuid, task))?.status, status);
  const current = (await readWorkflow(h.ctx, workflow.workflowUuid)) ?? workflow;
  const passStart = h.statements;
  await advanceWorkflow(h.ctx, current);
  return { report, rows, pass: h.statements - passStart };
}

for (const [kind, shape] of [
  ['sqlite', 'one group'],
  ['sqlite', 'a group each'],
  ['postgres', 'a group each'],
] as const) {
  test(`a report costs as many statements in 2,000 tasks as in 20 (${kind}, ${shape})`, async () => {
    const costs = [];
    for (const size of [20, 2000]) {
      const h = await harness(kind);
      const workflow = await queuedWorkflow(h, wideSpec(size, shape));
      // The first report of a workflow reads its counts once; every later one is what is measured.
      await reportCost(h, workflow, 't1', 'RUNNING');
      const running = await reportCost(h, workflow, 't2', 'RUNNING');
      const completed = await reportCost(h, workflow, 't2', 'COMPLETED');
      const lastRunning = await reportCost(h, workflow, `t${size - 1}`, 'RUNNING');
      costs.push({ size, running, completed, lastRunning });
    }
    const [small, large] = costs;
    assert.ok(small && large);
    assert.deepEqual(
      { running: large.running, completed: large.completed, lastRunning: large.lastRunning },
      { running: small.running, completed: small.completed, lastRunning: small.lastRunning },
      JSON.stringify(costs),
    );
    // Read the attempt, its workflow and group; write the attempt, its event, and its group when it
    // moves: a row each, never a listing of the workflow's tasks or groups.
    assert.ok(large.running.report <= 8, JSON.stringify(large));
    assert.ok(large.completed.report <= 8, JSON.stringify(large));
    assert.ok(large.completed.rows <= 8, JSON.stringify(large));
    // The pass after a report looks only at what moved: no statement when nothing is ready or due.
    assert.equal(large.running.pass, 0, JSON.stringify(large));
  });
}
