// The CLI's `config.yaml` DATA credentials and the AWS environment variables of the ambient chain.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { z } from 'zod';

const DataEntrySchema = z.object({
  access_key_id: z.string(),
  access_key: z.string(),
  region: z.string().nullish(),
  override_url: z.string().nullish(),
  addressing_style: z.enum(['virtual', 'path', 'auto']).nullish(),
});
export type DataConfigEntry = z.infer<typeof DataEntrySchema>;

const ConfigFileSchema = z.object({
  auth: z.object({ data: z.record(z.string(), DataEntrySchema).nullish() }).nullish(),
});

export const dataConfigFilePath = (configDir: string): string => join(configDir, 'config.yaml');

async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** The `auth.data` entries keyed by endpoint (`s3://bucket`); empty when the file is missing. */
export async function readDataConfigFile(path: string): Promise<Readonly<Record<string, DataConfigEntry>>> {
  const text = await readText(path);
  if (text === null) return {};
  const parsed = ConfigFileSchema.safeParse(parse(text) ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid ${path}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}`);
  }
  return parsed.data.auth?.data ?? {};
}

export { readAwsEnvironment, type AwsEnvironment } from './aws-environment.js';

type Document = Record<string, unknown>;
const isMap = (v: unknown): v is Document => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Rewrites config.yaml through `change`, keeping every key this build does not know. The new text goes
 * to a file created 0600 and then replaces the old one, so a secret is never readable by others, not even
 * for a moment through an older file's looser mode.
 */
async function updateConfigFile(path: string, change: (doc: Document) => boolean): Promise<void> {
  const text = await readText(path);
  const parsed: unknown = text === null ? {} : (parse(text) ?? {});
  if (!isMap(parsed)) throw new Error(`Invalid ${path}: the file is not a YAML mapping`);
  if (!change(parsed)) return;
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, stringify(parsed, { lineWidth: 0 }), { mode: 0o600, flag: 'wx' });
  try {
    await rename(temporary, path);
  } catch (err) {
    await rm(temporary, { force: true });
    throw err;
  }
}

function dataSection(doc: Document): Document {
  const auth = isMap(doc['auth']) ? doc['auth'] : (doc['auth'] = {});
  return isMap(auth['data']) ? auth['data'] : (auth['data'] = {});
}

/** Stores (or replaces) the local copy of a DATA credential under its endpoint, as `credential set` does. */
export async function writeDataConfigEntry(
  path: string,
  endpoint: string,
  entry: DataConfigEntry,
): Promise<void> {
  const clean = Object.fromEntries(Object.entries(entry).filter(([, v]) => v !== undefined && v !== null));
  await updateConfigFile(path, (doc) => {
    dataSection(doc)[endpoint] = clean;
    return true;
  });
}

/** Drops the local copy of a DATA credential; a missing entry or file is not an error. */
export async function removeDataConfigEntry(path: string, endpoint: string): Promise<boolean> {
  let removed = false;
  await updateConfigFile(path, (doc) => {
    const auth = doc['auth'];
    if (!isMap(auth) || !isMap(auth['data']) || !(endpoint in auth['data'])) return false;
    delete auth['data'][endpoint];
    removed = true;
    return true;
  });
  return removed;
}
