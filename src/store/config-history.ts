// The configuration history repository: one row per revision of a config type, soft-deleted, tagged.
import { readJson, readTime, readTimeOrNull, writeJson, writeTime } from './codec.js';
import type { StoreContext } from './context.js';

export interface ConfigRevision {
  readonly configType: string;
  readonly name: string | null;
  readonly revision: number;
  readonly username: string;
  readonly createdAt: Date;
  readonly description: string;
  readonly tags: readonly string[];
  readonly data: unknown;
  readonly deletedAt: Date | null;
}

export interface ConfigHistoryFilters {
  readonly configTypes?: readonly string[];
  readonly name?: string;
  readonly revision?: number;
  readonly tags?: readonly string[];
  readonly createdBefore?: Date;
  readonly createdAfter?: Date;
  readonly atTimestamp?: Date;
  readonly offset?: number;
  readonly limit?: number;
  readonly order?: 'ASC' | 'DESC';
}

export interface ConfigHistoryRepository {
  append(input: Omit<ConfigRevision, 'revision' | 'deletedAt'>): Promise<ConfigRevision>;
  /** The newest live revision of a type. */
  latest(configType: string): Promise<ConfigRevision | null>;
  get(configType: string, revision: number): Promise<ConfigRevision | null>;
  list(filters: ConfigHistoryFilters): Promise<ConfigRevision[]>;
  softDelete(configType: string, revision: number, by: string, at: Date): Promise<boolean>;
  setTags(configType: string, revision: number, tags: readonly string[]): Promise<void>;
}

type HistoryRow = {
  config_type: string;
  name: string | null;
  revision: number;
  username: string;
  created_at: Date | string;
  description: string;
  tags: unknown;
  data: unknown;
  deleted_at: Date | string | null;
};

const toRevision = (r: HistoryRow): ConfigRevision => ({
  configType: r.config_type,
  name: r.name,
  revision: Number(r.revision),
  username: r.username,
  createdAt: readTime(r.created_at),
  description: r.description,
  tags: (readJson(r.tags) as string[] | null) ?? [],
  data: readJson(r.data),
  deletedAt: readTimeOrNull(r.deleted_at),
});

export function createConfigHistoryRepository(ctx: StoreContext): ConfigHistoryRepository {
  const base = () =>
    ctx.db
      .selectFrom('config_history')
      .select([
        'config_type',
        'name',
        'revision',
        'username',
        'created_at',
        'description',
        'tags',
        'data',
        'deleted_at',
      ]);
  return {
    async append(input) {
      const top = await ctx.db
        .selectFrom('config_history')
        .select((eb) => eb.fn.max('revision').as('rev'))
        .where('config_type', '=', input.configType)
        .executeTakeFirst();
      const revision = Number(top?.rev ?? 0) + 1;
      await ctx.db
        .insertInto('config_history')
        .values({
          config_type: input.configType,
          name: input.name,
          revision,
          username: input.username,
          created_at: writeTime(input.createdAt),
          description: input.description,
          tags: writeJson(input.tags),
          data: writeJson(input.data),
          deleted_by: null,
          deleted_at: null,
        })
        .execute();
      return { ...input, revision, deletedAt: null };
    },
    async latest(configType) {
      const row = await base()
        .where('config_type', '=', configType)
        .where('deleted_at', 'is', null)
        .orderBy('revision', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row ? toRevision(row) : null;
    },
    async get(configType, revision) {
      const row = await base()
        .where('config_type', '=', configType)
        .where('revision', '=', revision)
        .executeTakeFirst();
      return row ? toRevision(row) : null;
    },
    async list(f) {
      let q = base().where('deleted_at', 'is', null);
      if (f.configTypes && f.configTypes.length > 0) q = q.where('config_type', 'in', f.configTypes);
      if (f.name !== undefined) q = q.where('name', '=', f.name);
      if (f.revision !== undefined) q = q.where('revision', '=', f.revision);
      if (f.createdBefore) q = q.where('created_at', '<', writeTime(f.createdBefore));
      if (f.createdAfter) q = q.where('created_at', '>', writeTime(f.createdAfter));
      if (f.atTimestamp) q = q.where('created_at', '<=', writeTime(f.atTimestamp));
      let rows = (await q.orderBy('created_at', 'desc').orderBy('revision', 'desc').execute()).map(
        toRevision,
      );
      if (f.tags && f.tags.length > 0)
        rows = rows.filter((r) => (f.tags ?? []).every((t) => r.tags.includes(t)));
      // At a timestamp: the latest revision of each type created at or before it.
      if (f.atTimestamp)
        rows = rows.filter((r, i) => rows.findIndex((o) => o.configType === r.configType) === i);
      const page = rows.slice(f.offset ?? 0, (f.offset ?? 0) + (f.limit ?? 20));
      page.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.revision - b.revision);
      return f.order === 'DESC' ? page.reverse() : page;
    },
    async softDelete(configType, revision, by, at) {
      const r = await ctx.db
        .updateTable('config_history')
        .set({ deleted_by: by, deleted_at: writeTime(at) })
        .where('config_type', '=', configType)
        .where('revision', '=', revision)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },
    async setTags(configType, revision, tags) {
      await ctx.db
        .updateTable('config_history')
        .set({ tags: writeJson([...new Set(tags)].sort()) })
        .where('config_type', '=', configType)
        .where('revision', '=', revision)
        .execute();
    },
  };
}
