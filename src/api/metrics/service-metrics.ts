// The service's Prometheus metrics. Gauges are computed when scraped, from indexed counts over
// alive rows and from counters the service keeps; counters of started and finished tasks advance
// by the rows whose times fall in the window since the previous scrape. No request path pays.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { TASK_STATUSES, WORKFLOW_STATUSES, isTaskFinished, isWorkflowFinished } from '../../core/index.js';
import { poolShapes } from '../../controller/live-config.js';
import { poolQuotaReport } from '../../scheduler/index.js';
import type { TransferTally } from '../../storage/index.js';
import { countTasks, countWorkflows, oldestSchedulingStart, tasksTimedIn } from '../../store/index.js';
import type { ApiDeps } from '../deps.js';
import type { ActionByteTally } from '../actions/action-bytes.js';

const ALIVE_WORKFLOW = WORKFLOW_STATUSES.filter((s) => !isWorkflowFinished(s));
const ALIVE_TASK = TASK_STATUSES.filter((s) => !isTaskFinished(s));
/** Waiting for a node: the scheduler's queue. */
const QUEUED = 'SCHEDULING';
/** Placed on a node: their GPUs are allocated. */
const PLACED = new Set(['INITIALIZING', 'RUNNING']);
/** Rows are written with the service's clock a moment after the time they carry: read windows that far behind. */
const WINDOW_LAG_MS = 2_000;
const WAIT_BUCKETS_SECONDS = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600];

export interface ServiceMetrics {
  readonly registry: Registry;
  /** The exposition text, gauges refreshed first. */
  scrape(): Promise<string>;
}

export function createServiceMetrics(
  deps: ApiDeps,
  transfers: TransferTally | null,
  actionBytes: ActionByteTally | null = null,
): ServiceMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const opts = { registers: [registry] };
  const workflows = new Gauge({
    name: 'osmo_workflows',
    help: 'Workflows not yet finished, by pool and status.',
    labelNames: ['pool', 'status'] as const,
    ...opts,
  });
  const tasks = new Gauge({
    name: 'osmo_tasks',
    help: 'Task attempts not yet finished, by pool and status.',
    labelNames: ['pool', 'status'] as const,
    ...opts,
  });
  const queueDepth = new Gauge({
    name: 'osmo_queue_depth',
    help: 'Task attempts waiting for a node (SCHEDULING), by pool.',
    labelNames: ['pool'] as const,
    ...opts,
  });
  const oldestWait = new Gauge({
    name: 'osmo_queue_oldest_wait_seconds',
    help: 'How long the longest-waiting queued task has waited, by pool (0 when none waits).',
    labelNames: ['pool'] as const,
    ...opts,
  });
  const queueWait = new Histogram({
    name: 'osmo_queue_wait_seconds',
    help: 'Time from entering the queue to being placed on a node, for tasks that started running.',
    labelNames: ['pool'] as const,
    buckets: WAIT_BUCKETS_SECONDS,
    ...opts,
  });
  const started = new Counter({
    name: 'osmo_tasks_started_total',
    help: 'Task attempts that started running (the dispatch rate is its rate()), by pool.',
    labelNames: ['pool'] as const,
    ...opts,
  });
  const finished = new Counter({
    name: 'osmo_tasks_finished_total',
    help: 'Task attempts that ended, by pool and final status.',
    labelNames: ['pool', 'status'] as const,
    ...opts,
  });
  const gpus = new Gauge({
    name: 'osmo_pool_gpus',
    help: 'GPUs per pool: allocated to placed tasks, the quota limit, and the capacity of its nodes.',
    labelNames: ['pool', 'kind'] as const,
    ...opts,
  });
  const logBytes = new Counter({
    name: 'osmo_log_bytes_total',
    help: 'Bytes of task log lines written.',
    ...opts,
  });
  const transferBytes = new Counter({
    name: 'osmo_storage_transfer_bytes_total',
    help: 'Bytes the service moved to and from object storage (log archives), by direction.',
    labelNames: ['direction'] as const,
    ...opts,
  });
  const actionBytesTotal = new Counter({
    name: 'osmo_action_bytes_total',
    help: "Bytes relayed by exec, port-forward, webserver and rsync sessions while plugins_config.rsync.enable_telemetry is on, by action and direction (input: into the task); metric is upstream's name.",
    labelNames: ['action', 'direction', 'metric'] as const,
    ...opts,
  });
  const resourceHours = new Counter({
    name: 'osmo_resource_hours_total',
    help: 'Resource-hours held by placed task attempts (GPU, CPU, memory GiB), by pool, as osmo usage sums them.',
    labelNames: ['pool', 'resource'] as const,
    ...opts,
  });
  // Counters follow the service's own tallies: each scrape adds what grew since the last.
  const reported = { logBytes: 0, uploaded: 0, downloaded: 0 };
  const reportedActionBytes = new Map<string, number>();
  let windowEnd = new Date(deps.ctx.now().getTime() - WINDOW_LAG_MS);

  const refresh = async (): Promise<void> => {
    const db = deps.store.db;
    const doc = deps.ctx.config.current();
    const pools = Object.keys(doc.pools).sort();
    const [workflowCounts, taskCounts, oldest] = await Promise.all([
      countWorkflows(db, ALIVE_WORKFLOW),
      countTasks(db, ALIVE_TASK),
      oldestSchedulingStart(db, QUEUED),
    ]);
    const now = deps.ctx.now();
    workflows.reset();
    tasks.reset();
    queueDepth.reset();
    oldestWait.reset();
    gpus.reset();
    // Every pool shows every alive status, zero included, so a series never vanishes when it empties.
    for (const pool of pools) {
      for (const status of ALIVE_WORKFLOW) workflows.set({ pool, status }, 0);
      for (const status of ALIVE_TASK) tasks.set({ pool, status }, 0);
      queueDepth.set({ pool }, 0);
      oldestWait.set({ pool }, 0);
    }
    for (const c of workflowCounts) workflows.set({ pool: c.pool, status: c.status }, c.count);
    const allocated = new Map<string, number>();
    for (const c of taskCounts) {
      tasks.set({ pool: c.pool, status: c.status }, c.count);
      if (c.status === QUEUED) queueDepth.set({ pool: c.pool }, c.count);
      if (PLACED.has(c.status)) allocated.set(c.pool, (allocated.get(c.pool) ?? 0) + c.gpus);
    }
    for (const o of oldest)
      oldestWait.set({ pool: o.pool }, Math.max(0, (now.getTime() - o.since.getTime()) / 1000));
    const report = poolQuotaReport(poolShapes(doc), deps.ctx.nodes(), []);
    for (const set of report.nodeSets) {
      for (const p of set.pools) {
        gpus.set({ pool: p.name, kind: 'allocated' }, allocated.get(p.name) ?? 0);
        gpus.set({ pool: p.name, kind: 'quota_limit' }, p.usage.quotaLimit);
        gpus.set({ pool: p.name, kind: 'capacity' }, p.usage.totalCapacity);
      }
    }
    const end = new Date(now.getTime() - WINDOW_LAG_MS);
    if (end > windowEnd) {
      const [startedRows, endedRows] = await Promise.all([
        tasksTimedIn(db, 'start_time', windowEnd, end, TASK_STATUSES),
        tasksTimedIn(db, 'end_time', windowEnd, end, TASK_STATUSES),
      ]);
      for (const t of startedRows) {
        started.inc({ pool: t.pool });
        const placedAt = t.initializingStart ?? t.start;
        if (t.schedulingStart !== null && placedAt !== null) {
          queueWait.observe(
            { pool: t.pool },
            Math.max(0, (placedAt.getTime() - t.schedulingStart.getTime()) / 1000),
          );
        }
      }
      for (const t of endedRows) finished.inc({ pool: t.pool, status: t.status });
      // Usage clipped to consecutive windows adds up to the hours held since the service started.
      const held = await deps.store.usage.summarize({
        groupBy: 'pool',
        since: windowEnd,
        until: end,
        now: end,
      });
      for (const u of held) {
        const pool = u.pool ?? '';
        resourceHours.inc({ pool, resource: 'gpu' }, u.gpuHours);
        resourceHours.inc({ pool, resource: 'cpu' }, u.cpuHours);
        resourceHours.inc({ pool, resource: 'memory_gib' }, u.memoryGibHours);
      }
      windowEnd = end;
    }
    const logs = deps.ctx.logs.appendedBytes;
    if (logs > reported.logBytes) logBytes.inc(logs - reported.logBytes);
    reported.logBytes = logs;
    if (transfers !== null) {
      if (transfers.uploadedBytes > reported.uploaded)
        transferBytes.inc({ direction: 'upload' }, transfers.uploadedBytes - reported.uploaded);
      if (transfers.downloadedBytes > reported.downloaded)
        transferBytes.inc({ direction: 'download' }, transfers.downloadedBytes - reported.downloaded);
      reported.uploaded = transfers.uploadedBytes;
      reported.downloaded = transfers.downloadedBytes;
    }
    for (const total of actionBytes?.entries() ?? []) {
      const grown = total.bytes - (reportedActionBytes.get(total.metric) ?? 0);
      // A series appears with the first metered session, zero included, and grows from there.
      actionBytesTotal.inc({ action: total.action, direction: total.direction, metric: total.metric }, grown);
      reportedActionBytes.set(total.metric, total.bytes);
    }
  };

  // Scrapes that overlap share one refresh, so two Prometheus replicas never double-count a window.
  let inFlight: Promise<void> | null = null;
  return {
    registry,
    scrape: async () => {
      inFlight ??= refresh().finally(() => {
        inFlight = null;
      });
      await inFlight;
      return registry.metrics();
    },
  };
}
