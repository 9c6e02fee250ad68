// The CLI's `config.yaml` DATA credentials (cli.md §1.9) and the AWS environment variables of the ambient chain.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
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

/** The `auth.data` entries keyed by endpoint (`s3://bucket`); empty when the file is missing. */
export async function readDataConfigFile(path: string): Promise<Readonly<Record<string, DataConfigEntry>>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
  const parsed = ConfigFileSchema.safeParse(parse(text) ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid ${path}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}`);
  }
  return parsed.data.auth?.data ?? {};
}

/** The provider's ambient credential chain as far as this build follows it: the AWS environment variables. */
export interface AwsEnvironment {
  readonly accessKeyId: string | null;
  readonly secretAccessKey: string | null;
  readonly region: string | null;
  /** `AWS_ENDPOINT_URL_S3`, else `AWS_ENDPOINT_URL` (S3-compatible stores). */
  readonly endpointUrl: string | null;
}

export function readAwsEnvironment(env: Readonly<Record<string, string | undefined>>): AwsEnvironment {
  const value = (name: string): string | null => {
    const v = env[name];
    return v === undefined || v === '' ? null : v;
  };
  return {
    accessKeyId: value('AWS_ACCESS_KEY_ID'),
    secretAccessKey: value('AWS_SECRET_ACCESS_KEY'),
    region: value('AWS_REGION') ?? value('AWS_DEFAULT_REGION'),
    endpointUrl: value('AWS_ENDPOINT_URL_S3') ?? value('AWS_ENDPOINT_URL'),
  };
}
