// Apps and their versions in upstream's wire shapes.
import type { App, AppSummary, AppVersion, Store, Workflow } from '../../store/index.js';
import type { AppInfo, AppListEntry, AppVersionEntry } from './app-wire.js';
import { wireTime } from './query-values.js';

export const appVersionEntry = (v: AppVersion): AppVersionEntry => ({
  version: v.version,
  created_by: v.createdBy,
  created_date: wireTime(v.createdDate),
  status: v.status,
});

export const appInfo = (app: App, versions: readonly AppVersion[]): AppInfo => ({
  uuid: app.uuid,
  name: app.name,
  description: app.description,
  created_date: wireTime(app.createdDate),
  owner: app.owner,
  versions: versions.map(appVersionEntry),
});

export const appListEntry = (app: AppSummary): AppListEntry => ({
  uuid: app.uuid,
  name: app.name,
  description: app.description,
  created_date: wireTime(app.createdDate),
  owner: app.owner,
  latest_version: app.latestVersion,
});

/** The apps the given workflows were launched from, by app uuid, for `app_name`/`app_owner`. */
export async function appsOfWorkflows(
  store: Store,
  workflows: readonly Workflow[],
): Promise<ReadonlyMap<string, App>> {
  const uuids = [...new Set(workflows.flatMap((w) => (w.appUuid === null ? [] : [w.appUuid])))];
  return new Map((await store.apps.getByUuids(uuids)).map((a) => [a.uuid, a]));
}
