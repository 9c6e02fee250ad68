// The engine's own cost on one wide workflow, without task processes: the real submit path, passes
// and status reports (as a backend sends them) against a real SQLite store, with statements counted.
// Used by bench/wide.ts `--engine-only`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createProcessBackend } from '../src/backends/process/index.js';
import { defaultConfigDocument } from '../src/config/pool-config.js';
import { advanceWorkflow } from '../src/controller/advance.js';
import { BackendSet } from '../src/controller/backend-set.js';
import type { EngineContext } from '../src/controller/context.js';
import { newSchedulingState } from '../src/controller/context.js';
import { LiveConfig } from '../src/controller/live-config.js';
import { LogStore } from '../src/controller/log-store.js';
import { applyBackendReport } from '../src/controller/reports.js';
import { buildSnapshot } from '../src/controller/schedule-snapshot.js';
import { readWorkflow } from '../src/controller/spec-cache.js';
import { SpecPool } from '../src/controller/spec-pool.js';
import { refOf } from '../src/controller/status-writes.js';
import { submitWorkflow } from '../src/controller/submit.js';
import type { TaskStatus } from '../src/core/index.js';
import { planSnapshot } from '../src/scheduler/index.js';
import type { TaskAttempt } from '../src/store/index.js';
import { openObservedStore } from '../src/store/store.js';

export interface EngineCost {
  readonly submitSeconds: number;
  readonly enqueueSeconds: number;
  readonly planSeconds: number;
  readonly reportsSeconds: number;
  readonly reports: number;
  readonly statementsPerReport: number;
  readonly rowsPerReport: number;
  readonly status: string;
}

export async function runEngineOnly(tasks: number, specText: string): Promise<EngineCost> {
  const dir = await mkdtemp(join(tmpdir(), 'osmo-wide-engine-'));
  const counted = { statements: 0, rows: 0 };
  const store = await openObservedStore({ kind: 'sqlite', file: join(dir, 'osmo.db') }, (rows) => {
    counted.statements += 1;
    counted.rows += rows;
  });
  const log = pino({ level: 'silent' });
  const specs = new SpecPool(log, { workers: 1 });
  try {
    const doc = defaultConfigDocument();
    const file = { ...doc, workflow: { ...doc.workflow, max_num_tasks: Math.max(20, tasks) } };
    const ctx: EngineContext = {
      store,
      backends: BackendSet.single(
        createProcessBackend({
          workRoot: join(dir, 'work'),
          launcherEntry: join(dir, 'unused.js'),
          sandbox: 'off',
        }),
        log,
      ),
      logs: new LogStore(join(dir, 'logs')),
      log,
      now: () => new Date(),
      storage: { kind: 'local', root: join(dir, 'storage') },
      // One node that holds every task at once, so the plan places them all in one pass.
      nodes: () => [{ name: 'n0', cpu: tasks, memoryBytes: tasks * 1024 ** 3, gpu: 0, labels: {} }],
      config: await LiveConfig.open(store, file, () => new Date(), log),
      scheduling: newSchedulingState(),
      maxRetryPerTask: 0,
      specs,
    };
    let t0 = performance.now();
    const outcome = await submitWorkflow(ctx, {
      pool: 'default',
      user: 'bench',
      text: specText,
      set: [],
      setString: [],
      envVars: [],
      labels: [],
      priority: 'NORMAL',
      dryRun: false,
      validationOnly: false,
      uploadedTemplatedSpec: null,
      parent: null,
    });
    if (outcome.kind !== 'submitted') throw new Error('not submitted');
    const uuid = outcome.workflow.workflowUuid;
    const submitSeconds = (performance.now() - t0) / 1000;
    const pass = async (): Promise<boolean> => {
      const workflow = await readWorkflow(ctx, uuid);
      return workflow !== null && (await advanceWorkflow(ctx, workflow)).changed;
    };
    t0 = performance.now();
    while (await pass());
    const enqueueSeconds = (performance.now() - t0) / 1000;

    t0 = performance.now();
    const attempts = await store.tasks.listRunningAttempts(['SCHEDULING']);
    const grouped = new Map<string, TaskAttempt[]>();
    for (const a of attempts) {
      const key = `${a.workflowUuid}/${a.groupName}`;
      const list = grouped.get(key);
      if (list === undefined) grouped.set(key, [a]);
      else list.push(a);
    }
    const plan = planSnapshot(buildSnapshot(ctx, attempts, grouped, new Map([[uuid, outcome.workflow]])));
    const planSeconds = (performance.now() - t0) / 1000;
    const placed = plan.launch.reduce((n, l) => n + l.tasks.length, 0);
    if (placed !== tasks) throw new Error(`the plan placed ${placed} of ${tasks} tasks`);

    // Every attempt starts and completes, as a backend reports them; a pass follows every report.
    const workflow = outcome.workflow;
    const groups = new Map((await store.groups.listByWorkflow(uuid)).map((g) => [g.name, g]));
    const before = { ...counted };
    t0 = performance.now();
    let reports = 0;
    for (const status of ['RUNNING', 'COMPLETED'] as TaskStatus[]) {
      for (const a of attempts) {
        const group = groups.get(a.groupName);
        if (!group) continue;
        const ref = refOf(workflow, group, a);
        const at = new Date();
        await applyBackendReport(ctx, {
          kind: 'status',
          ref,
          status,
          exitCode: status === 'COMPLETED' ? 0 : null,
          message: null,
          at,
        });
        reports += 1;
        await pass();
      }
    }
    const reportsSeconds = (performance.now() - t0) / 1000;
    return {
      submitSeconds,
      enqueueSeconds,
      planSeconds,
      reportsSeconds,
      reports,
      statementsPerReport: (counted.statements - before.statements) / reports,
      rowsPerReport: (counted.rows - before.rows) / reports,
      status: (await store.workflows.get(uuid))?.status ?? 'missing',
    };
  } finally {
    await specs.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}
