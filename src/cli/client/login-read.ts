// Reads login.yaml on every command without loading a YAML parser and a schema library (a fifth of a
// second): the plain two-level mapping that `osmo login` writes is read here, anything else by the full reader.
import { readFile } from 'node:fs/promises';
import { loginFilePath } from '../../config/cli-paths.js';
import { readLoginFile, type LoginFile, type TokenLogin } from '../../config/login-file.js';

type Scalar = string | boolean | null;
type Mapping = Map<string, Scalar | Map<string, Scalar>>;

const KEY_LINE = /^( *)([A-Za-z_][A-Za-z0-9_]*):(?: (.*))?$/;
// Plain scalars that YAML's core schema reads as numbers; the full reader reports them.
const NUMBER =
  /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const INDICATOR = /^(?:[,[\]{}#&*!|>'"%@`]|[-?:](?:\s|$))/;

/** A scalar as YAML reads it, or undefined when only a full parser can say. */
function scalar(text: string): Scalar | undefined {
  const value = text.trim();
  if (value === '' || value === '~' || value === 'null' || value === 'Null' || value === 'NULL') return null;
  if (value === 'true' || value === 'True' || value === 'TRUE') return true;
  if (value === 'false' || value === 'False' || value === 'FALSE') return false;
  if (value.startsWith('"')) {
    const inner = value.slice(1, -1);
    return value.length >= 2 && value.endsWith('"') && !/["\\]/.test(inner) ? inner : undefined;
  }
  if (value.startsWith("'")) {
    const inner = value.slice(1, -1);
    if (value.length < 2 || !value.endsWith("'") || inner.replace(/''/g, '').includes("'")) return undefined;
    return inner.replace(/''/g, "'");
  }
  if (INDICATOR.test(value) || NUMBER.test(value) || /: |\s#|\t|:$/.test(value)) return undefined;
  return value;
}

/** The mapping of a block-style document at most two levels deep, or undefined for any other YAML. */
export function parsePlainMapping(text: string): Mapping | undefined {
  const root: Mapping = new Map();
  let open: { key: string; map: Map<string, Scalar>; indent: number | null } | null = null;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const match = KEY_LINE.exec(line);
    if (match === null) return undefined;
    const indent = (match[1] ?? '').length;
    const key = match[2] ?? '';
    const rest = match[3];
    if (indent > 0) {
      if (open === null || (open.indent !== null && open.indent !== indent)) return undefined;
      open.indent = indent;
      const value = rest === undefined ? null : scalar(rest);
      if (value === undefined || open.map.has(key)) return undefined;
      open.map.set(key, value);
      continue;
    }
    if (root.has(key)) return undefined;
    if (rest === undefined || rest.trim() === '') {
      open = { key, map: new Map(), indent: null };
      root.set(key, open.map);
      continue;
    }
    open = null;
    const value = scalar(rest);
    if (value === undefined) return undefined;
    root.set(key, value);
  }
  // A key with nothing nested under it is null, as YAML reads `key:`.
  for (const [key, value] of root) if (value instanceof Map && value.size === 0) root.set(key, null);
  return root;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const stringOrNull = (v: unknown): v is string | null | undefined =>
  v === undefined || v === null || isString(v);

function tokenLogin(value: unknown): TokenLogin | null | undefined {
  if (value === undefined || value === null) return null;
  if (!(value instanceof Map)) return undefined;
  const field = (name: string): unknown => value.get(name);
  const idToken = field('id_token');
  const rest = ['refresh_token', 'refresh_url', 'client_id', 'username'].map(field);
  if (!isString(idToken) || !rest.every(stringOrNull)) return undefined;
  const [refreshToken, refreshUrl, clientId, username] = rest as (string | null | undefined)[];
  return {
    id_token: idToken,
    refresh_token: refreshToken ?? null,
    refresh_url: refreshUrl ?? null,
    client_id: clientId ?? null,
    username: username ?? null,
  };
}

/** The login the mapping holds, with the defaults the login-file schema applies; undefined when not plainly valid. */
export function loginFromMapping(map: Mapping): LoginFile | undefined {
  const url = map.get('url');
  const token = tokenLogin(map.get('token_login'));
  const dev = map.get('dev_login');
  const osmoToken = map.get('osmo_token') ?? false;
  const name = map.get('name');
  if (!isString(url) || token === undefined || typeof osmoToken !== 'boolean' || !stringOrNull(name)) {
    return undefined;
  }
  let devLogin: { username: string } | null = null;
  if (dev instanceof Map) {
    const username = dev.get('username');
    if (!isString(username)) return undefined;
    devLogin = { username };
  } else if (dev !== undefined && dev !== null) {
    return undefined;
  }
  // Exactly one login kind; the full reader words the error otherwise.
  if ((token === null) === (devLogin === null)) return undefined;
  return { url, token_login: token, dev_login: devLogin, osmo_token: osmoToken, name: name ?? '' };
}

/** readLoginFile's answer; the full reader runs only for files the plain reading does not cover. */
export async function readLogin(configDir: string): Promise<LoginFile | null> {
  let text: string;
  try {
    text = await readFile(loginFilePath(configDir), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const map = parsePlainMapping(text);
  const login = map === undefined ? undefined : loginFromMapping(map);
  return login ?? readLoginFile(configDir);
}
