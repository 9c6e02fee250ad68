// Picks the dialect folder for a store configuration.
import type { StoreConfig } from '../repositories.js';
import { postgresStoreDialect } from './postgres/postgres-dialect.js';
import { sqliteStoreDialect } from './sqlite/sqlite-dialect.js';
import type { StoreDialect } from './store-dialect.js';

export type { StoreDialect, ColumnTypes } from './store-dialect.js';

export function storeDialectFor(config: StoreConfig): StoreDialect {
  return config.kind === 'sqlite' ? sqliteStoreDialect(config.file) : postgresStoreDialect(config.url);
}
