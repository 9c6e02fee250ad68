// What the user typed is never lost: the editor round trip, and saving content when the service refuses it.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { userError } from '../../../core/index.js';

/** The editor when neither `$EDITOR` nor `$VISUAL` is set. */
const DEFAULT_EDITOR = 'vi';

const shellQuote = (text: string): string => `'${text.replaceAll("'", `'\\''`)}'`;

/** Opens the editor on a `.tmp` file holding `initial` and returns what the user saved. */
export async function editInEditor(initial: string, editor: string | undefined): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'osmo-app-'));
  const file = join(dir, 'app.tmp');
  try {
    await writeFile(file, initial);
    const command = editor ?? DEFAULT_EDITOR;
    // The editor variable may carry arguments (`code -w`), so it runs through the shell like git does.
    const result = spawnSync(`${command} ${shellQuote(file)}`, { shell: true, stdio: 'inherit' });
    if (result.error !== undefined)
      throw userError(`Could not start the editor ${command}: ${result.error.message}`);
    if (result.status !== 0)
      throw userError(`The editor ${command} exited with status ${result.status ?? 'unknown'}.`);
    return await readFile(file, 'utf8');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Writes `./osmo_<random>.yaml` in the current directory and returns its path. */
export async function saveContent(content: string, directory: string = process.cwd()): Promise<string> {
  const path = resolve(directory, `osmo_${randomBytes(4).toString('hex')}.yaml`);
  await writeFile(path, content, { flag: 'wx' });
  return path;
}

export async function readContentFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw userError(`Could not read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

export const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));
