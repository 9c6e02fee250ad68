// One service per SQLite file: a second one would drive the same workflows and launch their tasks
// twice. The first service holds a lock file beside the database naming its host and pid; another
// start finds it and refuses while that process lives. A lock left by a killed service (its pid gone,
// or reused by some other program) is taken over.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';

interface LockRecord {
  readonly host: string;
  readonly pid: number;
  readonly startedAt: string;
}

export interface SqliteServiceLock {
  release(): Promise<void>;
}

const lockPath = (databaseFile: string): string => `${databaseFile}.service-lock`;

/** Whether `pid` on this host is an osmo service still running (not a pid since reused by another program). */
async function isLiveService(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it runs, as another user; only "no such process" frees the lock.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => null);
  // Without /proc there is no telling a reused pid: a running process is taken to be the service.
  return cmdline === null || cmdline.includes('service');
}

async function readLock(path: string): Promise<LockRecord | null> {
  const text = await readFile(path, 'utf8').catch(() => null);
  if (text === null) return null;
  try {
    const value = JSON.parse(text) as Partial<LockRecord>;
    if (typeof value.host === 'string' && Number.isSafeInteger(value.pid)) return value as LockRecord;
  } catch {
    // a lock cut short by a crash while it was written holds nothing
  }
  return null;
}

/** Takes the lock, or throws a message saying which service holds the database and what to do. */
export async function lockSqliteStore(databaseFile: string): Promise<SqliteServiceLock> {
  const path = lockPath(databaseFile);
  const mine: LockRecord = { host: hostname(), pid: process.pid, startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(path, JSON.stringify(mine), { flag: 'wx', mode: 0o600 });
      return {
        release: async () => {
          const held = await readLock(path);
          if (held?.pid === mine.pid && held.host === mine.host) await rm(path, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const held = await readLock(path);
    if (held !== null && (held.host !== mine.host || (await isLiveService(held.pid)))) {
      throw new Error(
        `Another osmo service (pid ${held.pid} on ${held.host}, since ${held.startedAt}) is using the SQLite store ${databaseFile}. ` +
          `SQLite serves one service at a time: stop that one first, or use PostgreSQL (--postgres-url) for several. ` +
          `If that service is gone for good, remove ${path}.`,
      );
    }
    // Stale: its service is gone. Removed and taken on the next turn, unless another start got there first.
    await rm(path, { force: true });
  }
  throw new Error(`Could not take the lock ${path}: other services keep starting on ${databaseFile}`);
}
