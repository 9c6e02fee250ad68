// `NAME[:VERSION]` arguments of the app commands and the service paths they map to.
import { userError } from '../../../core/index.js';
import type { OsmoClient } from '../../client/osmo-client.js';

export interface AppRef {
  readonly name: string;
  readonly version: number | undefined;
}

const NAME = /^[a-zA-Z0-9_-]+$/;
export const BAD_APP_NAME =
  'Name and Version can only consist of lower and upper case letters, numbers, "-" and "_".';

/** Upstream crashes on a non-integer version; we report it as a user error naming the value. */
export function parseAppRef(text: string): AppRef {
  const colon = text.indexOf(':');
  const name = colon < 0 ? text : text.slice(0, colon);
  const versionText = colon < 0 ? undefined : text.slice(colon + 1);
  if (!NAME.test(name) || (versionText !== undefined && !NAME.test(versionText))) {
    throw userError(BAD_APP_NAME);
  }
  if (versionText === undefined) return { name, version: undefined };
  if (!/^\d+$/.test(versionText) || Number(versionText) < 1) {
    throw userError(`App version must be a positive integer, got "${versionText}".`);
  }
  return { name, version: Number(versionText) };
}

export const appPath = (name: string): string => `api/app/user/${encodeURIComponent(name)}`;

/** The stored spec text of a version (default: the newest READY one). */
export async function fetchAppSpec(client: OsmoClient, ref: AppRef): Promise<string> {
  let text = '';
  await client.stream(`${appPath(ref.name)}/spec`, { version: ref.version }, (chunk) => {
    text += chunk;
  });
  return text;
}
