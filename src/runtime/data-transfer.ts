// Moves data around the command: inputs in before it starts, the output directory out after it ends.
import { readdir } from 'node:fs/promises';
import {
  assertNever,
  type AttemptLaunch,
  EXIT_CODES,
  type InputSource,
  type TaskPaths,
} from '../core/index.js';
import { openStorage, openStorageUrl, type StoredObject } from '../storage/index.js';
import { downloadDatasetObjects } from './dataset-transfer.js';
import { NO_FILE_URLS, isFileUrl, transferFileUrl, type FileUrlAccess } from './file-urls.js';
import { launchCredentialResolver } from './launch-credentials.js';

export type TransferLog = (ioType: 'DOWNLOAD' | 'UPLOAD', text: string) => void;

/** A failed transfer, carrying upstream's data-sidecar exit code (2010 download, 2012 upload). */
export class TransferError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'TransferError';
  }
}

// The directory listing logged after each transfer: first lines plus the last one.
const LISTED_OBJECTS = 20;

const describeInput = (input: InputSource): string =>
  input.kind === 'task' ? input.storagePrefix : input.kind === 'url' ? input.url : `dataset ${input.name}`;

function regexFilter(regex: string | null): ((key: string) => boolean) | undefined {
  if (regex === null || regex === '') return undefined;
  const compiled = new RegExp(regex);
  return (key) => compiled.test(key);
}

/** Downloads every input, in order, into its input directory; throws TransferError(2010). */
export async function downloadInputs(
  launch: AttemptLaunch,
  host: TaskPaths,
  shown: TaskPaths,
  log: TransferLog,
  signal: AbortSignal,
  files: FileUrlAccess = NO_FILE_URLS,
): Promise<void> {
  for (const [index, input] of launch.inputs.entries()) {
    const source = describeInput(input);
    log('DOWNLOAD', `Downloading ${source} to ${shown.input(index)}`);
    try {
      const filter = regexFilter(input.regex);
      const options = filter === undefined ? { signal } : { signal, filter };
      let objects: readonly StoredObject[];
      switch (input.kind) {
        case 'task':
          objects = await openStorage(launch.storage).downloadPrefix(
            input.storagePrefix,
            host.input(index),
            options,
          );
          break;
        case 'url': {
          if (isFileUrl(input.url)) {
            objects = await transferFileUrl('download', input.url, host.input(index), input.regex, files);
            break;
          }
          const target = openStorageUrl(input.url, launchCredentialResolver(launch));
          objects = await target.storage.downloadPrefix(target.prefix, host.input(index), options);
          break;
        }
        case 'dataset':
          objects = await downloadDatasetObjects(launch, input, host.input(index), filter, signal);
          break;
        default:
          return assertNever(input);
      }
      log('DOWNLOAD', `Downloaded ${source} to ${shown.input(index)} (${summary(objects)})`);
      for (const line of listing(objects)) log('DOWNLOAD', line);
    } catch (err) {
      if (signal.aborted) throw err;
      const message = `Failed to download ${source}: ${errorText(err)}`;
      log('DOWNLOAD', message);
      throw new TransferError(EXIT_CODES.SIDECAR_DOWNLOAD, message);
    }
  }
}

/**
 * Uploads the output directory's contents to the attempt's storage prefix and then to every output
 * URL; nothing when the directory is empty. Throws TransferError(2012).
 */
export async function uploadOutputs(
  launch: AttemptLaunch,
  host: TaskPaths,
  shown: TaskPaths,
  log: TransferLog,
  signal: AbortSignal,
  files: FileUrlAccess = NO_FILE_URLS,
): Promise<void> {
  if ((await readdir(host.output).catch(() => [])).length === 0) return;
  const targets = [
    {
      name: launch.outputPrefix,
      open: () => ({ storage: openStorage(launch.storage), prefix: launch.outputPrefix }),
      regex: null,
    },
    ...launch.outputs.map((o) => ({
      name: o.url,
      open: () => openStorageUrl(o.url, launchCredentialResolver(launch)),
      regex: o.regex,
    })),
  ];
  for (const target of targets) {
    log('UPLOAD', `Uploading ${shown.output} to ${target.name}`);
    try {
      if (isFileUrl(target.name)) {
        const objects = await transferFileUrl('upload', target.name, host.output, target.regex, files);
        log('UPLOAD', `Uploaded ${shown.output} to ${target.name} (${summary(objects)})`);
        continue;
      }
      const { storage, prefix } = target.open();
      const filter = regexFilter(target.regex);
      // The task wrote this directory: read it as a stranger's, never through a link out of it.
      const objects = await storage.uploadDirectory(
        host.output,
        prefix,
        filter === undefined ? { signal, confined: true } : { signal, filter, confined: true },
      );
      log('UPLOAD', `Uploaded ${shown.output} to ${target.name} (${summary(objects)})`);
    } catch (err) {
      if (signal.aborted) throw err;
      const message = `Failed to upload ${shown.output} to ${target.name}: ${errorText(err)}`;
      log('UPLOAD', message);
      throw new TransferError(EXIT_CODES.SIDECAR_UPLOAD, message);
    }
  }
}

function summary(objects: readonly StoredObject[]): string {
  const bytes = objects.reduce((sum, o) => sum + o.sizeBytes, 0);
  return `${objects.length} ${objects.length === 1 ? 'file' : 'files'}, ${bytes} bytes`;
}

function listing(objects: readonly StoredObject[]): string[] {
  const keys = objects.map((o) => `  ${o.key}`);
  if (keys.length <= LISTED_OBJECTS + 1) return keys;
  return [...keys.slice(0, LISTED_OBJECTS), '  ...', keys[keys.length - 1] ?? ''];
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));
