// Starts a real S3-protocol server (s3rver) on loopback for tests and benchmarks; test-only.
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
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

interface S3rverAccounts {
  readonly DUMMY_ACCOUNT: { createKeyPair(accessKeyId: string, secretAccessKey: string): void };
}

/**
 * Lets one more key pair in, besides s3rver's own, on every test server of this process (s3rver keeps
 * its accounts process-wide): a test can then tell a user's credential from the deployment's.
 */
export function allowTestS3Key(accessKeyId: string, secretAccessKey: string): void {
  const accounts = createRequire(import.meta.url)('s3rver/lib/models/account.js') as S3rverAccounts;
  accounts.DUMMY_ACCOUNT.createKeyPair(accessKeyId, secretAccessKey);
}

/** `host` is where it listens (loopback unless a test needs it reachable from containers). */
export async function startTestS3Server(
  buckets: readonly string[],
  host = '127.0.0.1',
): Promise<TestS3Server> {
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
  await new Promise<void>((resolve) => http.listen(0, host, resolve));
  const endpointUrl = `http://${host}:${(http.address() as AddressInfo).port}`;
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
