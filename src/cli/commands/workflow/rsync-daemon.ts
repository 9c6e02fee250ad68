// The background upload daemon of `osmo workflow rsync upload --daemon` (and `submit --rsync`): it
// watches the local path, uploads after a quiet spell, uploads again what changed during an upload,
// and exits once the task no longer runs.
import { watch, type FSWatcher } from 'node:fs';
import { appendFile, open } from 'node:fs/promises';
import type { OsmoClient } from '../../client/osmo-client.js';
import { rotateIfLarge, writeDaemonRecord, type DaemonRecord } from './rsync-daemon-state.js';
import { pluginSettings, runTransfer, type TransferRequest } from './rsync-transfer.js';

export interface DaemonOptions {
  readonly request: Omit<TransferRequest, 'stdio' | 'progress'>;
  readonly record: DaemonRecord;
  /** Seconds; null takes the admin's default from the plugin settings. */
  readonly pollIntervalS: number | null;
  readonly debounceDelayS: number | null;
  readonly reconcileIntervalS: number | null;
  readonly maxLogBytes: number;
  readonly verbose: boolean;
}

/** Polls in a row that may fail before the daemon gives up on the task. */
const MAX_FAILED_POLLS = 30;
const TASK_ALIVE = new Set([
  'SUBMITTING',
  'WAITING',
  'PROCESSING',
  'SCHEDULING',
  'INITIALIZING',
  'RUNNING',
  'RESCHEDULED',
]);

export async function runUploadDaemon(
  client: OsmoClient,
  opts: DaemonOptions,
  signal: AbortSignal,
): Promise<void> {
  const settings = await pluginSettings(client);
  const pollMs = (opts.pollIntervalS ?? settings.daemon_poll_interval) * 1000;
  const debounceMs = (opts.debounceDelayS ?? settings.daemon_debounce_delay) * 1000;
  const reconcileMs = (opts.reconcileIntervalS ?? settings.daemon_reconcile_interval) * 1000;
  const logFile = opts.record.log_file;
  const log = async (text: string): Promise<void> => {
    await rotateIfLarge(logFile, opts.maxLogBytes);
    await appendFile(logFile, `${new Date().toISOString()} ${text}\n`);
  };
  let record = opts.record;
  let dirty = true;
  let uploading = false;
  let debounce: NodeJS.Timeout | null = null;

  const upload = async (): Promise<void> => {
    if (uploading || signal.aborted) return;
    uploading = true;
    dirty = false;
    await log(`Uploading ${opts.request.local}`);
    const out = await open(logFile, 'a');
    try {
      await runTransfer(client, { ...opts.request, progress: false, stdio: out.fd }, settings);
      record = { ...record, last_synced: new Date().toISOString() };
      await writeDaemonRecord(record);
      await log(
        `Synced ${opts.request.local} to ${opts.request.workflowId}/${opts.request.task}:${opts.request.remote}`,
      );
    } catch (err) {
      // A failed upload is tried again at the next reconcile.
      dirty = true;
      await log(`Upload failed: ${(err as Error).message}`);
    } finally {
      await out.close();
      uploading = false;
    }
  };

  let watcher: FSWatcher | null = null;
  try {
    watcher = watch(opts.request.local, { recursive: true }, () => {
      dirty = true;
      if (debounce !== null) clearTimeout(debounce);
      debounce = setTimeout(() => void upload(), debounceMs);
    });
  } catch (err) {
    await log(
      `Cannot watch ${opts.request.local} (${(err as Error).message}); uploading at each reconcile only`,
    );
  }
  if (opts.verbose)
    await log(
      `Watching ${opts.request.local}; debounce ${debounceMs} ms, poll ${pollMs} ms, reconcile ${reconcileMs} ms`,
    );
  await upload();
  const reconcile = setInterval(() => {
    if (dirty) void upload();
  }, reconcileMs);

  const taskPath = `api/workflow/${encodeURIComponent(opts.request.workflowId)}/task/${encodeURIComponent(opts.request.task)}`;
  let failedPolls = 0;
  try {
    while (!signal.aborted) {
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          signal.removeEventListener('abort', wake);
          resolve();
        };
        const timer = setTimeout(wake, pollMs);
        signal.addEventListener('abort', wake, { once: true });
      });
      if (signal.aborted) break;
      const status = await client.getJson(taskPath).then(
        (t) => (t as { status?: string }).status ?? null,
        () => null,
      );
      // A service that stays out of reach (or a workflow gone from it) ends the daemon too.
      failedPolls = status === null ? failedPolls + 1 : 0;
      if (failedPolls >= MAX_FAILED_POLLS) {
        await log(`The task's status could not be read ${failedPolls} times in a row; the daemon exits`);
        break;
      }
      if (opts.verbose) await log(`Task status: ${status ?? 'unknown'}`);
      if (status !== null && !TASK_ALIVE.has(status)) {
        await log(`Task ${opts.request.task} is ${status}; the daemon exits`);
        break;
      }
    }
  } finally {
    clearInterval(reconcile);
    if (debounce !== null) clearTimeout(debounce);
    watcher?.close();
  }
}
