// Object storage on an S3-compatible service through the AWS SDK v3: endpoint override, path-style, multipart.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type * as S3SdkModule from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { credentialError, userError } from '../core/index.js';
import { downloadTree, uploadTree } from './directory-transfer.js';
import type { ObjectStorage, StoredObject, TransferOptions } from './object-storage.js';
import { byteCounter, countBytes, type ByteListener } from './byte-count.js';
import { AbortFanOut } from './abort-fan-out.js';
import { joinKey, normalizeKey, normalizePrefix } from './storage-key.js';

/** An S3 bucket (and optional key prefix inside it) with the client settings to reach it. */
export interface S3Location {
  readonly bucket: string;
  /** Keys of this storage live under this prefix of the bucket. */
  readonly rootPrefix: string;
  readonly region: string;
  readonly endpointUrl: string | null;
  readonly pathStyle: boolean;
  /** Explicit keys; null uses the SDK's ambient chain (environment, instance identity). */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string } | null;
  /** Files at least this big go up in parts (default 64 MiB); parts are this big too. */
  readonly multipartThresholdBytes?: number;
}

const DEFAULT_MULTIPART_BYTES = 64 * 1024 * 1024;
const MIN_PART_BYTES = 5 * 1024 * 1024;
// The SDK's standard retry mode backs off exponentially with jitter between attempts.
const MAX_ATTEMPTS = 5;
const PART_CONCURRENCY = 4;

type S3Sdk = typeof S3SdkModule;

export class S3Storage implements ObjectStorage {
  // The SDK costs about a tenth of a CPU-second to load: a task runtime whose storage is local never
  // pays for it, and one that uses S3 loads it on the first request.
  private api: Promise<{ readonly sdk: S3Sdk; readonly client: S3Client }> | null = null;
  private readonly multipartBytes: number;
  private readonly aborts = new AbortFanOut();

  constructor(readonly location: S3Location) {
    this.multipartBytes = Math.max(
      MIN_PART_BYTES,
      location.multipartThresholdBytes ?? DEFAULT_MULTIPART_BYTES,
    );
  }

  private connect(): Promise<{ readonly sdk: S3Sdk; readonly client: S3Client }> {
    this.api ??= import('@aws-sdk/client-s3').then((sdk) => ({
      sdk,
      client: new sdk.S3Client({
        region: this.location.region,
        forcePathStyle: this.location.pathStyle,
        maxAttempts: MAX_ATTEMPTS,
        retryMode: 'standard',
        // Checksum trailers (aws-chunked bodies) are not understood by many S3-compatible stores; send plain bodies.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
        ...(this.location.endpointUrl === null ? {} : { endpoint: this.location.endpointUrl }),
        ...(this.location.credentials === null ? {} : { credentials: this.location.credentials }),
      }),
    }));
    return this.api;
  }

  async putFile(key: string, localPath: string, signal?: AbortSignal, onBytes?: ByteListener): Promise<void> {
    const { size } = await stat(localPath);
    const read = (): Readable =>
      onBytes === undefined ? createReadStream(localPath) : countBytes(createReadStream(localPath), onBytes);
    if (size >= this.multipartBytes) {
      await this.upload(key, read(), signal);
      return;
    }
    await this.send(
      key,
      ({ sdk, client }, o) =>
        client.send(
          new sdk.PutObjectCommand({
            Bucket: this.location.bucket,
            Key: this.fullKey(key),
            Body: read(),
            ContentLength: size,
          }),
          o,
        ),
      signal,
    );
  }

  async putStream(key: string, body: Readable, signal?: AbortSignal): Promise<void> {
    await this.upload(key, body, signal);
  }

  async putBytes(key: string, body: Uint8Array | string, signal?: AbortSignal): Promise<void> {
    await this.send(
      key,
      ({ sdk, client }, o) =>
        client.send(
          new sdk.PutObjectCommand({ Bucket: this.location.bucket, Key: this.fullKey(key), Body: body }),
          o,
        ),
      signal,
    );
  }

  async getToFile(
    key: string,
    localPath: string,
    signal?: AbortSignal,
    onBytes?: ByteListener,
  ): Promise<void> {
    // The body streams after the request's answer: one child signal covers both.
    const child = signal === undefined ? undefined : this.aborts.child(signal);
    const tmp = `${localPath}.osmo-partial-${randomUUID()}`;
    try {
      const body = await this.getStream(key, child?.signal);
      await mkdir(dirname(localPath), { recursive: true });
      const options = child === undefined ? {} : { signal: child.signal };
      if (onBytes === undefined) await pipeline(body, createWriteStream(tmp), options);
      else await pipeline(body, byteCounter(onBytes), createWriteStream(tmp), options);
      await rename(tmp, localPath);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    } finally {
      child?.release();
    }
  }

  async getStream(key: string, signal?: AbortSignal): Promise<Readable> {
    const out = await this.send(
      key,
      ({ sdk, client }, o) =>
        client.send(new sdk.GetObjectCommand({ Bucket: this.location.bucket, Key: this.fullKey(key) }), o),
      signal,
    );
    if (!(out.Body instanceof Readable)) throw userError(`Object "${key}" has no body`);
    return out.Body;
  }

  async getBytes(key: string, signal?: AbortSignal): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.getStream(key, signal)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async exists(key: string): Promise<boolean> {
    const { sdk, client } = await this.connect();
    try {
      await client.send(new sdk.HeadObjectCommand({ Bucket: this.location.bucket, Key: this.fullKey(key) }));
      return true;
    } catch (err) {
      if (isServiceError(err) && err.$metadata.httpStatusCode === 404) return false;
      throw translate(err, key, this.location.bucket);
    }
  }

  async list(prefix: string, signal?: AbortSignal): Promise<readonly StoredObject[]> {
    const normalized = normalizePrefix(prefix);
    const wanted = normalized !== '' && prefix.endsWith('/') ? `${normalized}/` : normalized;
    const full = this.fullKey(wanted, true);
    const strip = this.location.rootPrefix === '' ? 0 : normalizePrefix(this.location.rootPrefix).length + 1;
    const out: StoredObject[] = [];
    let token: string | undefined;
    do {
      const page = await this.send(
        prefix,
        ({ sdk, client }, o) =>
          client.send(
            new sdk.ListObjectsV2Command({
              Bucket: this.location.bucket,
              Prefix: full,
              ...(token === undefined ? {} : { ContinuationToken: token }),
            }),
            o,
          ),
        signal,
      );
      for (const item of page.Contents ?? []) {
        if (item.Key === undefined || item.Key.endsWith('/')) continue;
        out.push({ key: item.Key.slice(strip), sizeBytes: item.Size ?? 0 });
      }
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async delete(key: string): Promise<void> {
    await this.send(key, ({ sdk, client }, o) =>
      client.send(new sdk.DeleteObjectCommand({ Bucket: this.location.bucket, Key: this.fullKey(key) }), o),
    );
  }

  async uploadDirectory(
    localDir: string,
    prefix: string,
    options?: TransferOptions,
  ): Promise<readonly StoredObject[]> {
    return uploadTree(this, localDir, prefix, options);
  }

  async downloadPrefix(
    prefix: string,
    localDir: string,
    options?: TransferOptions,
  ): Promise<readonly StoredObject[]> {
    return downloadTree(this, prefix, localDir, options);
  }

  close(): void {
    void this.api?.then(({ client }) => client.destroy());
  }

  /** Multipart upload: parts of the threshold size, a few at a time; the SDK aborts the upload on failure. */
  private async upload(key: string, body: Readable, signal?: AbortSignal): Promise<void> {
    const [{ client }, { Upload }] = await Promise.all([this.connect(), import('@aws-sdk/lib-storage')]);
    const upload = new Upload({
      client,
      params: { Bucket: this.location.bucket, Key: this.fullKey(key), Body: body },
      partSize: this.multipartBytes,
      queueSize: PART_CONCURRENCY,
      leavePartsOnError: false,
    });
    const child = signal === undefined ? undefined : this.aborts.child(signal);
    const abort = (): void => void upload.abort();
    child?.signal.addEventListener('abort', abort, { once: true });
    try {
      await upload.done();
    } catch (err) {
      throw translate(err, key, this.location.bucket);
    } finally {
      child?.release();
    }
  }

  private async send<T>(
    key: string,
    run: (
      api: { readonly sdk: S3Sdk; readonly client: S3Client },
      options: { abortSignal?: AbortSignal },
    ) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    const api = await this.connect();
    const child = signal === undefined ? undefined : this.aborts.child(signal);
    try {
      return await run(api, child === undefined ? {} : { abortSignal: child.signal });
    } catch (err) {
      throw translate(err, key, this.location.bucket);
    } finally {
      child?.release();
    }
  }

  private fullKey(key: string, allowEmpty = false): string {
    const rel = allowEmpty ? key : normalizeKey(key);
    const root = normalizePrefix(this.location.rootPrefix);
    return root === '' ? rel : rel === '' ? `${root}/` : joinKey(root, rel) + (rel.endsWith('/') ? '/' : '');
  }
}

/** SDK errors become OsmoErrors that name the object and say what the store answered. */
interface ServiceError extends Error {
  readonly $metadata: { readonly httpStatusCode?: number };
}

/** The SDK's service exceptions, recognised by shape so the SDK need not be loaded to check. */
function isServiceError(err: unknown): err is ServiceError {
  return err instanceof Error && typeof (err as Partial<ServiceError>).$metadata === 'object';
}

function translate(err: unknown, key: string, bucket: string): Error {
  if (!isServiceError(err)) return err instanceof Error ? err : new Error(String(err));
  const status = err.$metadata.httpStatusCode ?? 0;
  if (err.name === 'NoSuchBucket') return userError(`NoSuchBucket: bucket "${bucket}" does not exist`, 404);
  if (status === 404 || err.name === 'NoSuchKey') return userError(`Object "${key}" does not exist`, 404);
  if (status === 401 || status === 403) {
    return credentialError(`Access denied for "${key}": ${err.name}: ${err.message}`);
  }
  return userError(`Storage request for "${key}" failed: ${err.name}: ${err.message}`, status || 500);
}
