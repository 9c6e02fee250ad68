// A service whose storage is an S3 server (s3rver) started on loopback, and the CLI credential to reach it.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { S3Storage } from '../../src/storage/index.js';
import { startTestS3Server, type TestS3Server } from '../../src/storage/testing/s3-test-server.js';
import type { ServiceProcess } from './harness.js';
import { startServiceProcess } from './harness.js';

const KEY = 'S3RVER';

export interface S3Service {
  readonly s3: TestS3Server;
  readonly service: ServiceProcess;
  /** One bucket of the test server, opened directly (to look at what the service stored). */
  bucket(name: string): S3Storage;
  /** Writes the CLI's `config.yaml` DATA credential for `s3://<bucket>` into a config directory. */
  writeDataCredential(configDir: string, bucket: string): Promise<void>;
  stop(): Promise<void>;
}

/** The service keeps its storage under `s3://osmo/deploy`; `buckets` must include `osmo`. */
export async function startS3Service(buckets: readonly string[]): Promise<S3Service> {
  const s3 = await startTestS3Server([...buckets]);
  const service = await startServiceProcess({
    env: {
      OSMO_STORAGE_URL: 's3://osmo/deploy',
      OSMO_S3_ENDPOINT: s3.endpointUrl,
      OSMO_S3_PATH_STYLE: 'true',
      AWS_ACCESS_KEY_ID: KEY,
      AWS_SECRET_ACCESS_KEY: KEY,
    },
  });
  return {
    s3,
    service,
    bucket: (name) =>
      new S3Storage({
        bucket: name,
        rootPrefix: '',
        region: 'us-east-1',
        endpointUrl: s3.endpointUrl,
        pathStyle: true,
        credentials: { accessKeyId: KEY, secretAccessKey: KEY },
      }),
    writeDataCredential: (configDir, bucket) =>
      writeFile(
        join(configDir, 'config.yaml'),
        `auth:\n  data:\n    s3://${bucket}:\n      access_key_id: ${KEY}\n      access_key: ${KEY}\n` +
          `      override_url: ${s3.endpointUrl}\n      addressing_style: path\n`,
        { mode: 0o600 },
      ),
    stop: async () => {
      await service.stop();
      await s3.close();
    },
  };
}
