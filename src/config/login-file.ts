// Reads and writes the CLI's login.yaml: sorted keys, mode 0600, fully rewritten.
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { userError } from '../core/index.js';
import { loginFilePath } from './cli-paths.js';

export interface TokenLogin {
  readonly id_token: string;
  readonly refresh_token: string | null;
  readonly refresh_url: string | null;
  readonly client_id: string | null;
  readonly username: string | null;
}

export interface LoginFile {
  readonly url: string;
  readonly token_login: TokenLogin | null;
  readonly dev_login: { readonly username: string } | null;
  readonly osmo_token: boolean;
  readonly name: string;
}

/** Returns null when nobody has logged in; a malformed file is a user error naming the field. */
export async function readLoginFile(configDir: string): Promise<LoginFile | null> {
  const path = loginFilePath(configDir);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const [{ parse }, { LoginFileSchema }] = await Promise.all([
    import('yaml'),
    import('./login-file-schema.js'),
  ]);
  const parsed = LoginFileSchema.safeParse(parse(text));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue === undefined ? '' : issue.path.join('.');
    throw userError(`Invalid login file ${path}: ${field} ${issue?.message ?? ''}`.trimEnd());
  }
  const value = parsed.data;
  if ((value.token_login === null) === (value.dev_login === null)) {
    throw userError(`Invalid login file ${path}: exactly one of token_login and dev_login must be set`);
  }
  return value;
}

/** Writes the file with keys sorted alphabetically, owner read/write only. */
export async function writeLoginFile(configDir: string, login: LoginFile): Promise<void> {
  const path = loginFilePath(configDir);
  await mkdir(dirname(path), { recursive: true });
  const { stringify } = await import('yaml');
  const text = stringify(login, { sortMapEntries: true, lineWidth: 0 });
  await writeFile(path, text, { mode: 0o600 });
  // writeFile keeps the mode of an existing file; force it.
  await chmod(path, 0o600);
}

/** Deletes login.yaml; returns whether it existed. */
export async function deleteLoginFile(configDir: string): Promise<boolean> {
  const path = loginFilePath(configDir);
  try {
    await rm(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}
