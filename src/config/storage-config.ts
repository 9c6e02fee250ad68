// The service's object storage: the local directory by default, or an S3 bucket configured from the environment.
import { z } from 'zod';

export const S3StorageConfigSchema = z.object({
  bucket: z.string().min(1),
  /** Keys of this deployment live under this prefix of the bucket. */
  prefix: z.string().default(''),
  region: z.string().default('us-east-1'),
  /** An HTTP(S) endpoint for S3-compatible stores; null is AWS. */
  endpointUrl: z.string().url().nullable().default(null),
  pathStyle: z.boolean().default(false),
  /** Null: the ambient chain of the service and its tasks. */
  accessKeyId: z.string().nullable().default(null),
  secretAccessKey: z.string().nullable().default(null),
});
export type S3StorageConfig = z.infer<typeof S3StorageConfigSchema>;

/**
 * `OSMO_STORAGE_URL=s3://bucket[/prefix]` switches the service to S3, with `OSMO_S3_ENDPOINT`,
 * `OSMO_S3_REGION`, `OSMO_S3_PATH_STYLE` and the AWS key variables; null keeps the local directory.
 */
export function s3StorageFromEnv(env: Readonly<Record<string, string | undefined>>): S3StorageConfig | null {
  const url = env['OSMO_STORAGE_URL'];
  if (url === undefined || url === '') return null;
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (match === null)
    throw new Error(`Invalid service configuration: OSMO_STORAGE_URL: expected s3://bucket[/prefix]`);
  return S3StorageConfigSchema.parse({
    bucket: match[1],
    prefix: (match[2] ?? '').replace(/\/+$/, ''),
    region: env['OSMO_S3_REGION'] || env['AWS_REGION'] || undefined,
    endpointUrl: env['OSMO_S3_ENDPOINT'] || env['AWS_ENDPOINT_URL'] || null,
    pathStyle: /^(1|true|yes)$/i.test(env['OSMO_S3_PATH_STYLE'] ?? ''),
    accessKeyId: env['AWS_ACCESS_KEY_ID'] || null,
    secretAccessKey: env['AWS_SECRET_ACCESS_KEY'] || null,
  });
}
