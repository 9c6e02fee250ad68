// The event repository: the append-only event log of a workflow and its task attempts.
import { readTime, writeTime } from './codec.js';
import type { Row, StoreContext } from './context.js';
import type { EventRepository } from './repositories.js';
import type { WorkflowEvent } from './types.js';

function toEvent(row: Row<'workflow_events'>): WorkflowEvent {
  return {
    id: Number(row.id),
    workflowUuid: row.workflow_uuid,
    time: readTime(row.time),
    taskName: row.task_name,
    retryId: row.retry_id,
    text: row.text,
  };
}

export function createEventRepository(ctx: StoreContext): EventRepository {
  return {
    async append(event) {
      const row = await ctx.db
        .insertInto('workflow_events')
        .values({
          workflow_uuid: event.workflowUuid,
          time: writeTime(event.time),
          task_name: event.taskName ?? null,
          retry_id: event.retryId ?? null,
          text: event.text,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toEvent(row);
    },
    async list(workflowUuid, filter = {}) {
      let query = ctx.db.selectFrom('workflow_events').selectAll().where('workflow_uuid', '=', workflowUuid);
      if (filter.taskName !== undefined) query = query.where('task_name', '=', filter.taskName);
      if (filter.retryId !== undefined) query = query.where('retry_id', '=', filter.retryId);
      const rows = await query.orderBy('time').orderBy('id').execute();
      return rows.map(toEvent);
    },
  };
}
