// `osmo version` (cli.md §5): the client version, and the service's when it answers.
import { Command } from 'commander';
import { readLoginFile } from '../../config/login-file.js';
import { OSMO_VERSION } from '../../core/index.js';
import type { CliDeps } from '../cli-deps.js';
import { loginAuth } from '../client/session.js';
import { OsmoClient } from '../client/osmo-client.js';
import { ServiceError } from '../errors.js';
import { toPythonJson } from '../output/json.js';
import { formatTypeOption, type FormatType } from '../parse/options.js';
import { OsmoError } from '../../core/index.js';

export interface VersionObject {
  readonly major: string;
  readonly minor: string;
  readonly revision: string;
  readonly hash: string;
}

export interface VersionOptions {
  readonly format: FormatType;
}

export function clientVersion(): VersionObject {
  const [major = '0', minor = '0', revision = '0', hash = ''] = OSMO_VERSION.split('.');
  return { major, minor, revision, hash };
}

export const versionText = (v: VersionObject): string =>
  `${v.major}.${v.minor}.${v.revision}${v.hash === '' ? '' : `.${v.hash}`}`;

export function versionCommand(deps: CliDeps): Command {
  return new Command('version')
    .description('Show the client and service versions.')
    .addOption(formatTypeOption())
    .action((flags: { formatType: FormatType }) => runVersion({ format: flags.formatType }, deps));
}

/** The service version, or a reason why there is none (offline, not logged in). */
async function serviceVersion(deps: CliDeps): Promise<VersionObject | string> {
  try {
    const login = await readLoginFile(deps.env.configDir);
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
    return (await client.getJson('api/version')) as VersionObject;
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
    deps.io.out(`OSMO client version:  ${versionText(client)}\n`);
    if (typeof service !== 'string') deps.io.out(`OSMO service version: ${versionText(service)}\n`);
  }
  if (typeof service === 'string') deps.io.err(`OSMO service version unavailable: ${service}\n`);
}
