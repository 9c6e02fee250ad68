// The dataset repository: dataset and collection rows, their list, and the composition with versions and members.
import { randomUUID } from 'node:crypto';
import type { Dataset, DatasetRepository } from './dataset-repository.js';
import { createDatasetVersionQueries } from './dataset-versions.js';
import { readBool, readJson, readNumber, readTime, writeBool, writeJson, writeTime } from './codec.js';
import type { Row, StoreContext } from './context.js';

/** Upstream's ids: a UUID as 22 characters of URL-safe base64. */
const newDatasetId = (): string => Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64url');

export const asRecord = (value: unknown): Record<string, unknown> => {
  const parsed = readJson(value);
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : {};
};

const toDataset = (row: Row<'dataset'>): Dataset => ({
  id: row.id,
  name: row.name,
  bucket: row.bucket,
  createdBy: row.created_by,
  createdDate: readTime(row.created_date),
  isCollection: readBool(row.is_collection),
  labels: asRecord(row.labels),
  hashLocation: row.hash_location,
  hashLocationSizeBytes: readNumber(row.hash_location_size),
  lastVersion: row.last_version,
});

export function createDatasetRepository(ctx: StoreContext): DatasetRepository {
  const { db, dialect } = ctx;
  return {
    async create(input) {
      const id = newDatasetId();
      const row = {
        id,
        name: input.name,
        bucket: input.bucket,
        created_by: input.createdBy,
        created_date: writeTime(input.at),
        is_collection: writeBool(input.isCollection),
        labels: writeJson({}),
        hash_location: input.hashLocation(id),
        hash_location_size: 0,
        last_version: 0,
      };
      try {
        await db.insertInto('dataset').values(row).execute();
      } catch (err) {
        if (dialect.isUniqueViolation(err)) return null;
        throw err;
      }
      return toDataset({ ...row, labels: {} });
    },

    async get(bucket, name) {
      const row = await db
        .selectFrom('dataset')
        .selectAll()
        .where('bucket', '=', bucket)
        .where('name', '=', name)
        .executeTakeFirst();
      return row === undefined ? null : toDataset(row);
    },

    async getById(id) {
      const row = await db.selectFrom('dataset').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? null : toDataset(row);
    },

    async list(filters) {
      let query = db.selectFrom('dataset').selectAll();
      if (filters.name !== undefined && filters.name !== '') {
        query = query.where('name', 'like', `%${filters.name.replace(/[%_\\]/g, (c) => `\\${c}`)}%`);
      }
      if (filters.users !== undefined && filters.users.length > 0) {
        query = query.where('created_by', 'in', [...filters.users]);
      }
      if (filters.buckets !== undefined && filters.buckets.length > 0) {
        query = query.where('bucket', 'in', [...filters.buckets]);
      }
      if (filters.isCollection !== undefined) {
        query = query.where('is_collection', '=', writeBool(filters.isCollection));
      }
      const rows = await query
        .orderBy('created_date', 'desc')
        .orderBy('id', 'desc')
        .limit(filters.limit)
        .execute();
      const datasets = rows.map(toDataset);
      return filters.order === 'ASC' ? datasets.reverse() : datasets;
    },

    async rename(id, newName) {
      try {
        await db.updateTable('dataset').set({ name: newName }).where('id', '=', id).execute();
        return true;
      } catch (err) {
        if (dialect.isUniqueViolation(err)) return false;
        throw err;
      }
    },

    async setLabels(id, labels) {
      await db
        .updateTable('dataset')
        .set({ labels: writeJson(labels) })
        .where('id', '=', id)
        .execute();
    },

    async addHashSize(id, bytes) {
      const row = await db
        .selectFrom('dataset')
        .select('hash_location_size')
        .where('id', '=', id)
        .executeTakeFirst();
      if (row === undefined) return;
      await db
        .updateTable('dataset')
        .set({ hash_location_size: readNumber(row.hash_location_size) + bytes })
        .where('id', '=', id)
        .execute();
    },

    async remove(id) {
      await db.deleteFrom('dataset').where('id', '=', id).execute();
    },

    ...createDatasetVersionQueries(ctx),
  };
}
