// `osmo login`: device-code, password, access-token and dev logins, writing login.yaml.
import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { readLoginFile, writeLoginFile, type LoginFile } from '../../config/login-file.js';
import { userError } from '../../core/index.js';
import type { CliDeps } from '../cli-deps.js';
import { classifyErrorResponse, connectionError } from '../client/classify-response.js';
import type { HttpHeaders, HttpResponse } from '../client/http.js';
import { jwtClaims } from '../client/jwt.js';
import { ServiceError } from '../errors.js';
import { choiceOption, intOption } from '../parse/options.js';
import { deviceCodeLogin, fetchLoginInfo, passwordLogin } from './login-oauth.js';
import { conforms } from '../client/wire-check.js';
import { WIRE, WIRE_JSON } from '../client/wire-schemas.generated.js';

export const LOGIN_METHODS = ['pkce', 'code', 'password', 'token', 'dev'] as const;
export type LoginMethod = (typeof LOGIN_METHODS)[number];

export interface LoginOptions {
  readonly url: string | undefined;
  readonly method: LoginMethod;
  readonly username: string | undefined;
  readonly token: string | undefined;
  readonly tokenFile: string | undefined;
  readonly password?: string | undefined;
  readonly passwordFile?: string | undefined;
  readonly deviceEndpoint?: string | undefined;
}

interface LoginFlags {
  method?: LoginMethod;
  username?: string;
  token?: string;
  tokenFile?: string;
  password?: string;
  passwordFile?: string;
  deviceEndpoint?: string;
}

export function loginCommand(deps: CliDeps): Command {
  return new Command('login')
    .description('Log in to an OSMO service.')
    .argument('[url]', 'The OSMO service URL (default: the last one logged in to).')
    .addOption(
      choiceOption('--method <method>', 'Login method (default: code, the device-code flow).', LOGIN_METHODS),
    )
    .option('--device-endpoint <url>', 'Device-authorization endpoint override (code).')
    .option('--browser-endpoint <url>', 'Authorization endpoint override (pkce).')
    .addOption(intOption('--callback-port <port>', 'Loopback port for the pkce redirect.', 0))
    .option('--username <username>', 'User name (password and dev methods).')
    .addOption(new Option('--password <password>', 'Password (password method).').conflicts('passwordFile'))
    .option('--password-file <path>', 'File holding the password (password method).')
    .addOption(new Option('--token <token>', 'OSMO access token (token method).').conflicts('tokenFile'))
    .option('--token-file <path>', 'File holding the access token (token method).')
    .action((url: string | undefined, flags: LoginFlags) =>
      runLogin(
        {
          url,
          // This CLI has no browser (PKCE) flow, so a plain `osmo login <url>` takes the device-code flow
          // the service offers (upstream defaults to pkce).
          method: flags.method ?? 'code',
          username: flags.username,
          token: flags.token,
          tokenFile: flags.tokenFile,
          password: flags.password,
          passwordFile: flags.passwordFile,
          deviceEndpoint: flags.deviceEndpoint,
        },
        deps,
      ),
    );
}

function checkUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (err) {
    throw userError(`Bad url ${url}: ${(err as Error).message}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw userError(`Bad url ${url}: the scheme must be http or https`);
  }
  return url.replace(/\/+$/, '');
}

async function postJson(
  deps: CliDeps,
  url: string,
  body: unknown,
): Promise<{ status: number; text: string; headers: HttpHeaders }> {
  let response: HttpResponse;
  try {
    response = await deps.fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      signal: deps.signal,
    });
  } catch (err) {
    throw connectionError(err);
  }
  return { status: response.status, text: await response.text(), headers: response.headers };
}

async function devLogin(url: string, username: string, deps: CliDeps): Promise<LoginFile> {
  const answer = await postJson(deps, `${url}/api/auth/dev/login`, { username });
  if (answer.status >= 300) throw classifyErrorResponse(answer.status, answer.headers, answer.text);
  const session: unknown = JSON.parse(answer.text);
  if (!conforms(WIRE_JSON, WIRE.IssuedSession, session)) {
    throw new ServiceError('server', `Dev login returned no token: ${answer.text}`);
  }
  const idToken = session.token;
  return {
    url,
    dev_login: null,
    name: username,
    osmo_token: true,
    token_login: {
      id_token: idToken,
      refresh_token: session.refresh_token,
      refresh_url: `${url}/api/auth/jwt/access_token`,
      client_id: null,
      username,
    },
  };
}

/** The `name` claim, else the user name the token carries: an access token's JWT has no display name. */
function displayName(claims: Readonly<Record<string, unknown>>): string {
  for (const key of ['name', 'preferred_username', 'unique_name', 'sub']) {
    const value = claims[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return '';
}

async function tokenLogin(url: string, accessToken: string, deps: CliDeps): Promise<LoginFile> {
  const refreshUrl = `${url}/api/auth/jwt/access_token`;
  const answer = await postJson(deps, refreshUrl, { token: accessToken });
  const issued: unknown = answer.status >= 300 ? null : JSON.parse(answer.text);
  const idToken = conforms(WIRE_JSON, WIRE.IssuedAccess, issued) ? issued.token : null;
  if (idToken === null) {
    throw new ServiceError(
      'server',
      `Unable to refresh login token (status code ${answer.status}): ${answer.text}\nPlease re-login with "osmo login"`,
      answer.status,
    );
  }
  const name = displayName(jwtClaims(idToken));
  return {
    url,
    dev_login: null,
    name,
    osmo_token: true,
    token_login: {
      id_token: idToken,
      refresh_token: accessToken,
      refresh_url: refreshUrl,
      client_id: null,
      username: null,
    },
  };
}

async function checkPasswordFlags(opts: LoginOptions): Promise<void> {
  if (opts.username === undefined) throw userError('Must provide username');
  if (opts.password === undefined && opts.passwordFile === undefined)
    throw userError('Must provide password');
}

async function readPassword(opts: LoginOptions): Promise<string> {
  if (opts.passwordFile === undefined) return opts.password ?? '';
  return (await readFile(opts.passwordFile, 'utf8')).replace(/[\r\n]+$/, '');
}

export async function runLogin(opts: LoginOptions, deps: CliDeps): Promise<void> {
  let url = opts.url;
  if (url === undefined) {
    const previous = await readLoginFile(deps.env.configDir);
    if (previous === null) {
      throw userError('No url provided and no previous login found. Please provide a url: osmo login <url>');
    }
    url = previous.url;
  }
  url = checkUrl(url);
  if (opts.method === 'pkce') {
    throw userError(
      'The OSMO service does not provide a browser endpoint for PKCE login. ' +
        'Use "osmo login <url> --method code" (the device login this service serves).',
    );
  }
  if (opts.method === 'code' || opts.method === 'password') {
    if (opts.method === 'password') await checkPasswordFlags(opts);
    deps.io.out(`Logging in to ${url}\n`);
    const info = await fetchLoginInfo(deps, url);
    const oauth =
      opts.method === 'code'
        ? await deviceCodeLogin(deps, url, info, opts.deviceEndpoint)
        : await passwordLogin(deps, url, info, opts.username ?? '', await readPassword(opts));
    await writeLoginFile(deps.env.configDir, oauth);
    deps.io.out(`Successfully logged in. Welcome ${oauth.name}.\n`);
    return;
  }
  let accessToken: string | undefined;
  if (opts.method === 'dev' && opts.username === undefined) throw userError('Must provide username');
  if (opts.method === 'token') {
    accessToken = opts.tokenFile === undefined ? opts.token : (await readFile(opts.tokenFile, 'utf8')).trim();
    if (accessToken === undefined) throw userError('Must provide token file with --token_file or --token');
  }
  deps.io.out(`Logging in to ${url}\n`);
  const login =
    accessToken === undefined
      ? await devLogin(url, opts.username ?? '', deps)
      : await tokenLogin(url, accessToken, deps);
  await writeLoginFile(deps.env.configDir, login);
  deps.io.out(`Successfully logged in. Welcome ${login.name}.\n`);
}
