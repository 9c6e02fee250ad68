// The tag repository: the tags a workflow carries.
import type { StoreContext } from './context.js';
import type { TagRepository } from './repositories.js';

export function createTagRepository(ctx: StoreContext): TagRepository {
  return {
    async add(workflowUuid, tags) {
      const unique = [...new Set(tags)];
      if (unique.length === 0) return;
      await ctx.db
        .insertInto('workflow_tags')
        .values(unique.map((tag) => ({ workflow_uuid: workflowUuid, tag })))
        .onConflict((oc) => oc.columns(['workflow_uuid', 'tag']).doNothing())
        .execute();
    },
    async remove(workflowUuid, tags) {
      if (tags.length === 0) return;
      await ctx.db
        .deleteFrom('workflow_tags')
        .where('workflow_uuid', '=', workflowUuid)
        .where('tag', 'in', tags)
        .execute();
    },
    async list(workflowUuid) {
      const rows = await ctx.db
        .selectFrom('workflow_tags')
        .select('tag')
        .where('workflow_uuid', '=', workflowUuid)
        .orderBy('tag')
        .execute();
      return rows.map((r) => r.tag);
    },
  };
}
