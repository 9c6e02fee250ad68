// What every repository is built from: a query handle (pool or open transaction) and the dialect.
import type { Kysely, Selectable } from 'kysely';
import type { StoreDialect } from './dialect/index.js';
import type { Database } from './schema.js';

export interface StoreContext {
  readonly db: Kysely<Database>;
  readonly dialect: StoreDialect;
}

export type Row<T extends keyof Database> = Selectable<Database[T]>;
