// The app repository: apps, their immutable versions, and the app list with its scopes.
import { sql } from 'kysely';
import type { ExpressionBuilder } from 'kysely';
import type { App, AppRepository, AppVersion, AppVersionStatus } from './app-repository.js';
import { APP_VERSION_STATUSES } from './app-repository.js';
import { newUuidHex, readNumber, readTime, writeTime } from './codec.js';
import type { Row, StoreContext } from './context.js';
import type { Database } from './schema.js';

// Two writers adding a version at once collide on the primary key; the loser takes the next number.
const VERSION_ATTEMPTS = 20;

const toApp = (row: Row<'apps'>): App => ({
  uuid: row.uuid,
  name: row.name,
  owner: row.owner,
  createdDate: readTime(row.created_date),
  description: row.description,
});

function toStatus(value: string): AppVersionStatus {
  const status = APP_VERSION_STATUSES.find((s) => s === value);
  if (status === undefined) throw new Error(`unknown app version status ${value}`);
  return status;
}

const toVersion = (row: Omit<Row<'app_versions'>, 'spec_text'>): AppVersion => ({
  appUuid: row.app_uuid,
  version: row.version,
  createdBy: row.created_by,
  createdDate: readTime(row.created_date),
  status: toStatus(row.status),
});

const VERSION_COLUMNS = ['app_uuid', 'version', 'created_by', 'created_date', 'status'] as const;

export function createAppRepository(ctx: StoreContext): AppRepository {
  const { db, dialect } = ctx;
  return {
    async create(input) {
      const uuid = newUuidHex();
      const app = { uuid, name: input.name, owner: input.owner, description: input.description };
      const version = {
        app_uuid: uuid,
        version: 1,
        created_by: input.owner,
        created_date: writeTime(input.at),
        status: 'READY',
        spec_text: input.specText,
      };
      try {
        const write = async (trx: typeof db): Promise<void> => {
          await trx
            .insertInto('apps')
            .values({ ...app, created_date: writeTime(input.at) })
            .execute();
          await trx.insertInto('app_versions').values(version).execute();
        };
        if (db.isTransaction) await write(db);
        else await db.transaction().execute(write);
      } catch (err) {
        if (dialect.isUniqueViolation(err)) return null;
        throw err;
      }
      return { app: { ...app, createdDate: input.at }, version: toVersion(version) };
    },

    async getByName(name) {
      const row = await db.selectFrom('apps').selectAll().where('name', '=', name).executeTakeFirst();
      return row === undefined ? null : toApp(row);
    },

    async getByUuids(uuids) {
      if (uuids.length === 0) return [];
      const rows = await db
        .selectFrom('apps')
        .selectAll()
        .where('uuid', 'in', [...uuids])
        .execute();
      return rows.map(toApp);
    },

    async listVersions(appUuid, options) {
      let query = db
        .selectFrom('app_versions')
        .select(VERSION_COLUMNS)
        .where('app_uuid', '=', appUuid)
        .orderBy('version', 'desc')
        .limit(options.limit);
      if (options.version !== undefined) query = query.where('version', '=', options.version);
      const rows = (await query.execute()).map(toVersion);
      return options.order === 'ASC' ? rows.reverse() : rows;
    },

    async addVersion(appUuid, createdBy, specText, at) {
      for (let attempt = 0; ; attempt += 1) {
        const top = await db
          .selectFrom('app_versions')
          .select((eb) => eb.fn.max('version').as('top'))
          .where('app_uuid', '=', appUuid)
          .executeTakeFirst();
        const row = {
          app_uuid: appUuid,
          version: readNumber(top?.top ?? null) + 1,
          created_by: createdBy,
          created_date: writeTime(at),
          status: 'READY',
          spec_text: specText,
        };
        try {
          await db.insertInto('app_versions').values(row).execute();
          return toVersion(row);
        } catch (err) {
          if (!dialect.isUniqueViolation(err) || attempt >= VERSION_ATTEMPTS) throw err;
        }
      }
    },

    async getVersion(appUuid, version) {
      let query = db.selectFrom('app_versions').selectAll().where('app_uuid', '=', appUuid);
      query =
        version === undefined
          ? query.where('status', '=', 'READY').orderBy('version', 'desc').limit(1)
          : query.where('version', '=', version);
      const row = await query.executeTakeFirst();
      if (row === undefined) return null;
      return { ...toVersion(row), specText: row.spec_text ?? '' };
    },

    async deleteVersions(appUuid, versions) {
      if (versions !== 'all' && versions.length === 0) return [];
      let query = db
        .updateTable('app_versions')
        .set({ status: 'DELETED', spec_text: null })
        .where('app_uuid', '=', appUuid)
        .where('status', '!=', 'DELETED');
      if (versions !== 'all') query = query.where('version', 'in', [...versions]);
      const rows = await query.returning('version').execute();
      return rows.map((r) => r.version).sort((a, b) => a - b);
    },

    async rename(appUuid, newName) {
      try {
        await db.updateTable('apps').set({ name: newName }).where('uuid', '=', appUuid).execute();
        return true;
      } catch (err) {
        if (dialect.isUniqueViolation(err)) return false;
        throw err;
      }
    },

    async list(filters) {
      const ready = (eb: ExpressionBuilder<Database, 'apps'>) =>
        eb
          .selectFrom('app_versions as v')
          .whereRef('v.app_uuid', '=', 'apps.uuid')
          .where('v.status', '=', 'READY');
      let query = db
        .selectFrom('apps')
        .selectAll('apps')
        .select((eb) =>
          ready(eb)
            .select((v) => v.fn.max('v.version').as('latest'))
            .as('latest_version'),
        )
        .where((eb) => eb.exists(ready(eb).select('v.version')))
        .orderBy('apps.created_date', 'desc')
        .orderBy('apps.uuid', 'desc')
        .offset(filters.offset)
        .limit(filters.limit + 1);
      if (filters.name !== undefined && filters.name !== '') {
        query = query.where(dialect.wildcardMatch(sql.ref('apps.name'), ['', filters.name, '']));
      }
      if (filters.owners !== undefined && filters.owners.length > 0) {
        query = query.where('apps.owner', 'in', [...filters.owners]);
      } else if (filters.involving !== undefined) {
        const user = filters.involving;
        query = query.where((eb) =>
          eb.or([
            eb('apps.owner', '=', user),
            eb.exists(
              eb
                .selectFrom('app_versions as mine')
                .select('mine.version')
                .whereRef('mine.app_uuid', '=', 'apps.uuid')
                .where('mine.created_by', '=', user),
            ),
            eb.exists(
              eb
                .selectFrom('workflows')
                .select('workflows.workflow_uuid')
                .whereRef('workflows.app_uuid', '=', 'apps.uuid')
                .where('workflows.submitted_by', '=', user),
            ),
          ]),
        );
      }
      const rows = await query.execute();
      return {
        rows: rows
          .slice(0, filters.limit)
          .map((row) => ({ ...toApp(row), latestVersion: readNumber(row.latest_version) })),
        moreEntries: rows.length > filters.limit,
      };
    },
  };
}
