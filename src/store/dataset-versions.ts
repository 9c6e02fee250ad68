// Dataset versions, their tags and collection members: the version half of the dataset repository.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { DatasetRepository, DatasetVersion, DatasetVersionStatus } from './dataset-repository.js';
import { DATASET_VERSION_STATUSES, LATEST_TAG } from './dataset-repository.js';
import { readJson, readNumber, readTime, writeJson, writeTime } from './codec.js';
import type { Row, StoreContext } from './context.js';
import type { Database } from './schema.js';

type VersionQueries = Pick<
  DatasetRepository,
  | 'startVersion'
  | 'finishVersion'
  | 'listVersions'
  | 'findVersion'
  | 'setVersionStatus'
  | 'setMetadata'
  | 'touchVersion'
  | 'tagVersion'
  | 'setMembers'
  | 'members'
  | 'collectionsOf'
>;

function toStatus(value: string): DatasetVersionStatus {
  const status = DATASET_VERSION_STATUSES.find((s) => s === value);
  if (status === undefined) throw new Error(`unknown dataset version status ${value}`);
  return status;
}

function toVersion(row: Row<'dataset_version'>, tags: readonly string[]): DatasetVersion {
  const metadata = readJson(row.metadata);
  return {
    datasetId: row.dataset_id,
    versionId: row.version_id,
    location: row.location,
    status: toStatus(row.status),
    createdBy: row.created_by,
    createdDate: readTime(row.created_date),
    lastUsed: readTime(row.last_used),
    sizeBytes: readNumber(row.size),
    checksum: row.checksum,
    metadata: metadata !== null && typeof metadata === 'object' ? (metadata as Record<string, unknown>) : {},
    tags,
  };
}

/** One tag names one version: setting it elsewhere moves it. */
async function putTag(
  db: Kysely<Database>,
  datasetId: string,
  versionId: string,
  tag: string,
): Promise<void> {
  await db.deleteFrom('dataset_tag').where('dataset_id', '=', datasetId).where('tag', '=', tag).execute();
  await db.insertInto('dataset_tag').values({ dataset_id: datasetId, tag, version_id: versionId }).execute();
}

async function inTransaction<T>(db: Kysely<Database>, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

export function createDatasetVersionQueries(ctx: StoreContext): VersionQueries {
  const { db } = ctx;

  const tagsOf = async (datasetId: string): Promise<Map<string, string[]>> => {
    const rows = await db
      .selectFrom('dataset_tag')
      .select(['tag', 'version_id'])
      .where('dataset_id', '=', datasetId)
      .orderBy('tag')
      .execute();
    const byVersion = new Map<string, string[]>();
    for (const r of rows) byVersion.set(r.version_id, [...(byVersion.get(r.version_id) ?? []), r.tag]);
    return byVersion;
  };

  return {
    async startVersion(datasetId, input) {
      return inTransaction(db, async (trx) => {
        // The row lock of this update serialises concurrent starts: numbers are never handed out twice.
        await trx
          .updateTable('dataset')
          .set({ last_version: sql<number>`last_version + 1` })
          .where('id', '=', datasetId)
          .execute();
        const top = await trx
          .selectFrom('dataset')
          .select('last_version')
          .where('id', '=', datasetId)
          .executeTakeFirstOrThrow();
        const versionId = String(top.last_version);
        const at = writeTime(input.at);
        const row = {
          dataset_id: datasetId,
          version_id: versionId,
          location: input.location(versionId),
          status: 'PENDING',
          created_by: input.createdBy,
          created_date: at,
          last_used: at,
          last_updated: at,
          size: 0,
          checksum: '',
          metadata: writeJson(input.metadata),
        };
        await trx.insertInto('dataset_version').values(row).execute();
        return toVersion({ ...row, metadata: input.metadata }, []);
      });
    },

    async finishVersion(datasetId, versionId, fields) {
      return inTransaction(db, async (trx) => {
        const result = await trx
          .updateTable('dataset_version')
          .set({
            status: 'READY',
            size: fields.sizeBytes,
            checksum: fields.checksum,
            last_updated: writeTime(fields.at),
          })
          .where('dataset_id', '=', datasetId)
          .where('version_id', '=', versionId)
          .where('status', '=', 'PENDING')
          .executeTakeFirst();
        if (result.numUpdatedRows === 0n) return false;
        await putTag(trx, datasetId, versionId, LATEST_TAG);
        if (fields.tag !== undefined && fields.tag !== '')
          await putTag(trx, datasetId, versionId, fields.tag);
        return true;
      });
    },

    async listVersions(datasetId, options) {
      let query = db.selectFrom('dataset_version').selectAll().where('dataset_id', '=', datasetId);
      if (!options.all) query = query.where('status', '=', 'READY');
      const rows = await query.orderBy('created_date', 'desc').execute();
      // Version ids are numbers stored as text: sort them as numbers.
      rows.sort((a, b) => Number(b.version_id) - Number(a.version_id));
      const tags = await tagsOf(datasetId);
      const versions = rows.slice(0, options.limit).map((r) => toVersion(r, tags.get(r.version_id) ?? []));
      return options.order === 'ASC' ? versions.reverse() : versions;
    },

    async findVersion(datasetId, tagOrVersion, anyStatus = false) {
      let versionId = tagOrVersion;
      if (!/^\d+$/.test(tagOrVersion)) {
        const tag = await db
          .selectFrom('dataset_tag')
          .select('version_id')
          .where('dataset_id', '=', datasetId)
          .where('tag', '=', tagOrVersion)
          .executeTakeFirst();
        if (tag === undefined) return null;
        versionId = tag.version_id;
      }
      const row = await db
        .selectFrom('dataset_version')
        .selectAll()
        .where('dataset_id', '=', datasetId)
        .where('version_id', '=', versionId)
        .executeTakeFirst();
      if (row === undefined || (!anyStatus && row.status !== 'READY')) return null;
      return toVersion(row, (await tagsOf(datasetId)).get(row.version_id) ?? []);
    },

    async setVersionStatus(datasetId, versionIds, status) {
      if (versionIds.length === 0) return;
      await inTransaction(db, async (trx) => {
        await trx
          .updateTable('dataset_version')
          .set({ status })
          .where('dataset_id', '=', datasetId)
          .where('version_id', 'in', [...versionIds])
          .execute();
        if (status === 'READY') return;
        // A version leaving READY loses its tags; `latest` moves to the newest READY version left.
        await trx
          .deleteFrom('dataset_tag')
          .where('dataset_id', '=', datasetId)
          .where('version_id', 'in', [...versionIds])
          .execute();
        const ready = await trx
          .selectFrom('dataset_version')
          .select('version_id')
          .where('dataset_id', '=', datasetId)
          .where('status', '=', 'READY')
          .execute();
        const newest = ready.map((r) => r.version_id).sort((a, b) => Number(b) - Number(a))[0];
        if (newest !== undefined) await putTag(trx, datasetId, newest, LATEST_TAG);
      });
    },

    async setMetadata(datasetId, versionId, metadata) {
      await db
        .updateTable('dataset_version')
        .set({ metadata: writeJson(metadata) })
        .where('dataset_id', '=', datasetId)
        .where('version_id', '=', versionId)
        .execute();
    },

    async touchVersion(datasetId, versionId, at) {
      await db
        .updateTable('dataset_version')
        .set({ last_used: writeTime(at) })
        .where('dataset_id', '=', datasetId)
        .where('version_id', '=', versionId)
        .execute();
    },

    async tagVersion(datasetId, versionId, set, remove) {
      await inTransaction(db, async (trx) => {
        for (const tag of remove) {
          await trx
            .deleteFrom('dataset_tag')
            .where('dataset_id', '=', datasetId)
            .where('version_id', '=', versionId)
            .where('tag', '=', tag)
            .execute();
        }
        for (const tag of set) await putTag(trx, datasetId, versionId, tag);
      });
    },

    async setMembers(collectionId, members) {
      await inTransaction(db, async (trx) => {
        await trx.deleteFrom('collection').where('id', '=', collectionId).execute();
        for (const m of members) {
          await trx
            .insertInto('collection')
            .values({ id: collectionId, dataset_id: m.datasetId, version_id: m.versionId })
            .execute();
        }
      });
    },

    async members(collectionId) {
      const rows = await db
        .selectFrom('collection')
        .select(['dataset_id', 'version_id'])
        .where('id', '=', collectionId)
        .orderBy('dataset_id')
        .execute();
      return rows.map((r) => ({ datasetId: r.dataset_id, versionId: r.version_id }));
    },

    async collectionsOf(datasetId) {
      const rows = await db
        .selectFrom('collection')
        .innerJoin('dataset', 'dataset.id', 'collection.id')
        .select(['collection.version_id as version_id', 'dataset.name as name'])
        .where('collection.dataset_id', '=', datasetId)
        .execute();
      const byVersion = new Map<string, string[]>();
      for (const r of rows) byVersion.set(r.version_id, [...(byVersion.get(r.version_id) ?? []), r.name]);
      return byVersion;
    },
  };
}
