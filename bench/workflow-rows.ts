// Workflow rows written straight into a store for the list benchmarks, a minute apart from `startMs`:
// only lists read them, so the spec columns hold a stub.
import { randomBytes } from 'node:crypto';
import type { Store } from '../src/store/index.js';

const BATCH_ROWS = 500;

/** What differs between the benchmarks' rows, by the row's index. */
export interface BenchRows {
  readonly submittedBy: (i: number) => string;
  readonly pool: (i: number) => string;
  readonly status: (i: number) => string;
  /** A fixed uuid per index; random when absent. */
  readonly uuid?: (i: number) => string;
  /** Start and end times 5 s and 50 s after the submit; none when false. */
  readonly timed: boolean;
}

export async function insertBenchWorkflows(
  store: Store,
  count: number,
  startMs: number,
  shape: BenchRows,
): Promise<void> {
  for (let first = 0; first < count; first += BATCH_ROWS) {
    const rows = [];
    for (let i = first; i < Math.min(count, first + BATCH_ROWS); i++) {
      const name = `bench-${i % 1000}`;
      const jobId = Math.floor(i / 1000) + 1;
      const submit = startMs + i * 60_000;
      rows.push({
        workflow_uuid: shape.uuid?.(i) ?? randomBytes(16).toString('hex'),
        workflow_name: name,
        job_id: jobId,
        workflow_id: `${name}-${jobId}`,
        submitted_by: shape.submittedBy(i),
        cancelled_by: null,
        submit_time: new Date(submit).toISOString(),
        start_time: shape.timed ? new Date(submit + 5_000).toISOString() : null,
        end_time: shape.timed ? new Date(submit + 50_000).toISOString() : null,
        exec_timeout: 3600,
        queue_timeout: 600,
        backend: 'default',
        pool: shape.pool(i),
        version: 2,
        outputs: '',
        status: shape.status(i),
        failure_message: null,
        parent_name: null,
        parent_job_id: null,
        app_uuid: null,
        app_version: null,
        plugins: JSON.stringify({ rsync: false }),
        labels: JSON.stringify(i % 10 === 0 ? { team: `team-${i % 7}` } : {}),
        priority: i % 3 === 0 ? 'HIGH' : 'NORMAL',
        spec_text: `workflow:\n  name: ${name}\n`,
        template_spec_text: null,
        spec_json: JSON.stringify({ name }),
      });
    }
    await store.db.insertInto('workflows').values(rows).execute();
  }
}
