// Finding apps by name for the app routes, the owner rule, and the app a submission names.
import { userError } from '../../core/index.js';
import type { App, Store } from '../../store/index.js';
import { isAdmin } from '../auth/caller.js';
import type { Caller } from '../auth/caller.js';

/** `name` or `name:version` on the CLI; the service takes bare names. */
export const APP_NAME_PATTERN = /^[a-zA-Z0-9_-]+$/;

export function checkAppName(name: string): void {
  if (!APP_NAME_PATTERN.test(name)) {
    throw userError(
      'Name and Version can only consist of lower and upper case letters, numbers, "-" and "_".',
    );
  }
}

export async function existingApp(store: Store, name: string): Promise<App> {
  checkAppName(name);
  const app = await store.apps.getByName(name);
  if (app === null) throw userError(`App ${name} does not exist.`);
  return app;
}

/** Anyone logged in reads and submits apps; changing one is for its owner or an admin. */
export function assertOwner(app: App, caller: Caller | null, action: string): void {
  if (caller !== null && (caller.user === app.owner || isAdmin(caller))) return;
  throw userError(`Only the owner of app ${app.name} (${app.owner}) may ${action} it.`, 403);
}

/** The app version a submission came from; it must exist and be READY, as `app submit` read it. */
export async function submittedApp(
  store: Store,
  appUuid: string | undefined,
  appVersion: number | undefined,
): Promise<{ uuid: string; version: number } | null> {
  if (appUuid === undefined) {
    if (appVersion !== undefined) throw userError('app_version needs app_uuid.');
    return null;
  }
  const version = await store.apps.getVersion(appUuid, appVersion);
  if (version === null || version.status !== 'READY') throw userError('App version is not available.');
  return { uuid: appUuid, version: version.version };
}
