// `osmo version`: the client version, and the service's when it answers.
import { Command } from 'commander';
import { COMPATIBLE_OSMO_VERSION, OSMO_VERSION, OsmoError, versionText } from '../../core/index.js';
import type { CliDeps } from '../cli-deps.js';
import { readLogin } from '../client/login-read.js';
import { loginAuth } from '../client/session.js';
import { OsmoClient } from '../client/osmo-client.js';
import { ServiceError } from '../errors.js';
import { toPythonJson } from '../output/json.js';
import { formatTypeOption, type FormatType } from '../parse/options.js';
import type { VersionObject } from '../../api/contract/system-wire.js';
import { WIRE } from '../client/wire-schemas.generated.js';

export type { VersionObject } from '../../api/contract/system-wire.js';

export interface VersionOptions {
  readonly format: FormatType;
}

export const clientVersion = (): VersionObject => ({
  ...COMPATIBLE_OSMO_VERSION,
  osmo_version: OSMO_VERSION,
});

/** `6.4.0 (osmo 0.1.0)`: the upstream release first, where tools that parse upstream's line look for it. */
const displayText = (v: VersionObject): string =>
  `${versionText(v)}${typeof v.osmo_version === 'string' ? ` (osmo ${v.osmo_version})` : ''}`;

export function versionCommand(deps: CliDeps): Command {
  return new Command('version')
    .description('Show the client and service versions.')
    .addOption(formatTypeOption())
    .action((flags: { formatType: FormatType }) => runVersion({ format: flags.formatType }, deps));
}

/** The service version, or a reason why there is none (offline, not logged in). */
async function serviceVersion(deps: CliDeps): Promise<VersionObject | string> {
  try {
    const login = await readLogin(deps.env.configDir);
    if (login === null) return 'not logged in';
    const client = new OsmoClient({
      baseUrl: login.url.replace(/\/+$/, ''),
      auth: loginAuth(login, deps),
      fetch: deps.fetch,
      io: deps.io,
      connectRetries: 0,
      sendClientVersion: false,
      signal: deps.signal,
    });
    return await client.get(WIRE.VersionObject, 'api/version');
  } catch (err) {
    // Upstream swallows connection and user errors so the command works offline; 5xx still fails.
    if (err instanceof ServiceError && err.kind === 'server') throw err;
    if (err instanceof ServiceError || err instanceof OsmoError) return err.message.trim();
    throw err;
  }
}

export async function runVersion(opts: VersionOptions, deps: CliDeps): Promise<void> {
  const client = clientVersion();
  const service = await serviceVersion(deps);
  if (opts.format === 'json') {
    deps.io.out(`${toPythonJson(typeof service === 'string' ? { client } : { client, service }, 4)}\n`);
  } else {
    deps.io.out(`OSMO client version:  ${displayText(client)}\n`);
    if (typeof service !== 'string') deps.io.out(`OSMO service version: ${displayText(service)}\n`);
  }
  if (typeof service === 'string') deps.io.err(`OSMO service version unavailable: ${service}\n`);
}
