// The group repository: groups of a workflow and their guarded status writes.
import { writeBool, writeJson } from './codec.js';
import type { StoreContext } from './context.js';
import { fillTimes } from './fill-once.js';
import { toGroup } from './group-mapper.js';
import type { GroupRepository } from './repositories.js';

export function createGroupRepository(ctx: StoreContext): GroupRepository {
  return {
    async listByWorkflow(workflowUuid) {
      const rows = await ctx.db
        .selectFrom('groups')
        .selectAll()
        .where('workflow_uuid', '=', workflowUuid)
        .orderBy('name')
        .execute();
      return rows.map(toGroup);
    },
    async get(groupUuid) {
      const row = await ctx.db
        .selectFrom('groups')
        .selectAll()
        .where('group_uuid', '=', groupUuid)
        .executeTakeFirst();
      return row ? toGroup(row) : null;
    },
    async setStatus(groupUuid, to, allowedFrom, fields = {}) {
      if (allowedFrom.length === 0) return false;
      const result = await ctx.db
        .updateTable('groups')
        .set({
          status: to,
          ...(fields.failureMessage !== undefined ? { failure_message: fields.failureMessage } : {}),
          ...fillTimes([
            ['processing_start_time', fields.processingStartTime],
            ['scheduling_start_time', fields.schedulingStartTime],
            ['initializing_start_time', fields.initializingStartTime],
            ['start_time', fields.startTime],
            ['end_time', fields.endTime],
          ]),
        })
        .where('group_uuid', '=', groupUuid)
        .where('status', 'in', allowedFrom)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
    async setRemainingUpstream(groupUuid, remaining) {
      await ctx.db
        .updateTable('groups')
        .set({ remaining_upstream_groups: writeJson([...remaining]) })
        .where('group_uuid', '=', groupUuid)
        .execute();
    },
    async setCleanedUp(groupUuid, cleanedUp) {
      await ctx.db
        .updateTable('groups')
        .set({ cleaned_up: writeBool(cleanedUp) })
        .where('group_uuid', '=', groupUuid)
        .execute();
    },
    async getByName(workflowUuid, name) {
      const row = await ctx.db
        .selectFrom('groups')
        .selectAll()
        .where('workflow_uuid', '=', workflowUuid)
        .where('name', '=', name)
        .executeTakeFirst();
      return row ? toGroup(row) : null;
    },
  };
}
