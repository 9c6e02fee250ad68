// Starts a real S3-protocol server (s3rver) on loopback for tests and benchmarks; test-only.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import type { DataCredential } from '../data-credential.js';

/** s3rver's built-in account; any other key pair is refused with InvalidAccessKeyId. */
export const S3RVER_KEYS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface TestS3Server {
  readonly endpointUrl: string;
  readonly credential: DataCredential;
  /** `<METHOD> <path?query>` of every request served, so tests can see how a transfer was made. */
  readonly requests: string[];
  close(): Promise<void>;
}

export async function startTestS3Server(buckets: readonly string[]): Promise<TestS3Server> {
  const directory = await mkdtemp(join(tmpdir(), 'osmo-s3rver-'));
  const s3 = new S3rver({
    silent: true,
    directory,
    vhostBuckets: false,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  await s3.configureBuckets();
  const handle = s3.callback();
  const requests: string[] = [];
  const http = createServer((req, res) => {
    requests.push(`${req.method ?? ''} ${req.url ?? ''}`);
    handle(req, res);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const endpointUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return {
    endpointUrl,
    credential: { ...S3RVER_KEYS, region: 'us-east-1', endpointUrl, addressingStyle: 'path' },
    requests,
    close: async () => {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await rm(directory, { recursive: true, force: true });
    },
  };
}
