// What `osmo workflow rsync status|stop` read: one JSON file per upload daemon under the CLI's state
// directory (`<state dir>/rsync/`), beside that daemon's log.
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cliStateDir } from '../../../config/cli-state-dir.js';

export interface DaemonRecord {
  readonly workflow_id: string;
  readonly task_name: string;
  readonly pid: number;
  readonly local_path: string;
  readonly remote_path: string;
  readonly log_file: string;
  readonly last_synced: string | null;
}

const SAFE = /[^A-Za-z0-9_.-]/g;

export const rsyncStateDir = (): string => join(cliStateDir(), 'rsync');

const stem = (workflowId: string, task: string): string =>
  `rsync_daemon_${workflowId.replace(SAFE, '_')}_${task.replace(SAFE, '_')}`;

export const daemonLogFile = (workflowId: string, task: string): string =>
  join(rsyncStateDir(), `${stem(workflowId, task)}.log`);

const recordFile = (workflowId: string, task: string): string =>
  join(rsyncStateDir(), `${stem(workflowId, task)}.json`);

export async function writeDaemonRecord(record: DaemonRecord): Promise<void> {
  await mkdir(rsyncStateDir(), { recursive: true, mode: 0o700 });
  const file = recordFile(record.workflow_id, record.task_name);
  // Written aside and renamed, so a reader never sees half a record.
  await writeFile(`${file}.tmp`, JSON.stringify(record), { mode: 0o600 });
  await rename(`${file}.tmp`, file);
}

export async function readDaemonRecords(): Promise<DaemonRecord[]> {
  const names = await readdir(rsyncStateDir()).catch(() => [] as string[]);
  const records: DaemonRecord[] = [];
  for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
    try {
      records.push(JSON.parse(await readFile(join(rsyncStateDir(), name), 'utf8')) as DaemonRecord);
    } catch {
      // A record being replaced or damaged is skipped, not fatal to the listing.
    }
  }
  return records;
}

/** Whether the record's daemon still runs: its pid alive and still an osmo process (pids are reused). */
export async function isDaemonRunning(record: DaemonRecord): Promise<boolean> {
  try {
    process.kill(record.pid, 0);
  } catch {
    return false;
  }
  const cmdline = await readFile(`/proc/${record.pid}/cmdline`, 'utf8').catch(() => null);
  return cmdline === null || cmdline.includes('rsync');
}

/** Appends to the daemon's log, starting it afresh (one old copy kept) once it passes `maxBytes`. */
export async function rotateIfLarge(logFile: string, maxBytes: number): Promise<void> {
  const size = await stat(logFile).then(
    (s) => s.size,
    () => 0,
  );
  if (size > maxBytes) await rename(logFile, `${logFile}.1`).catch(() => undefined);
}
