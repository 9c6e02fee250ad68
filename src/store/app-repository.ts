// The app aggregate: named, versioned workflow specs, as the store hands them out.
import type { ListOrder, Page } from './repositories.js';

export const APP_VERSION_STATUSES = ['PENDING', 'READY', 'PENDING_DELETE', 'DELETED'] as const;
export type AppVersionStatus = (typeof APP_VERSION_STATUSES)[number];

export interface App {
  readonly uuid: string;
  readonly name: string;
  readonly owner: string;
  readonly createdDate: Date;
  readonly description: string;
}

export interface AppSummary extends App {
  /** Highest READY version. */
  readonly latestVersion: number;
}

export interface AppVersion {
  readonly appUuid: string;
  readonly version: number;
  readonly createdBy: string;
  readonly createdDate: Date;
  readonly status: AppVersionStatus;
}

export interface AppVersionWithSpec extends AppVersion {
  readonly specText: string;
}

export interface NewApp {
  readonly name: string;
  readonly owner: string;
  readonly description: string;
  readonly specText: string;
  readonly at: Date;
}

/** GET /api/app filters; without `owners`, `involving` narrows to apps that user worked with. */
export interface AppListFilters {
  readonly name?: string;
  readonly owners?: readonly string[];
  /** Apps this user owns, created a version of, or submitted a workflow from. */
  readonly involving?: string;
  readonly offset: number;
  readonly limit: number;
}

export interface AppRepository {
  /** Creates the app with version 1 (READY); null when the name is taken. */
  create(input: NewApp): Promise<{ readonly app: App; readonly version: AppVersion } | null>;
  getByName(name: string): Promise<App | null>;
  getByUuids(uuids: readonly string[]): Promise<App[]>;
  /** The newest `limit` versions (only `version` when given), sorted by `order`. */
  listVersions(
    appUuid: string,
    options: { readonly version?: number; readonly limit: number; readonly order: ListOrder },
  ): Promise<AppVersion[]>;
  /** A new version numbered after the highest one ever stored (numbers are never reused). */
  addVersion(appUuid: string, createdBy: string, specText: string, at: Date): Promise<AppVersion>;
  /** One version with its spec, or the newest READY one when `version` is undefined. */
  getVersion(appUuid: string, version: number | undefined): Promise<AppVersionWithSpec | null>;
  /** Marks versions DELETED and drops their text; returns the versions that were still live. */
  deleteVersions(appUuid: string, versions: readonly number[] | 'all'): Promise<number[]>;
  /** False when `newName` is already taken. */
  rename(appUuid: string, newName: string): Promise<boolean>;
  /** Apps with a READY version, newest app first (the caller re-sorts a page). */
  list(filters: AppListFilters): Promise<Page<AppSummary>>;
}
