import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { lockSqliteStore } from './sqlite-service-lock.js';

let dir: string;
before(async () => (dir = await mkdtemp(join(tmpdir(), 'osmo-lock-'))));
after(() => rm(dir, { recursive: true, force: true }));

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

test('a second service on the same file is refused while the first lives, and takes over once it is killed', async () => {
  const db = join(dir, 'a.db');
  const lock = `${db}.service-lock`;
  // A live process whose command line names a service holds the file.
  const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)', 'service']);
  await new Promise((resolve) => holder.once('spawn', resolve));
  await writeFile(lock, JSON.stringify({ host: hostname(), pid: holder.pid, startedAt: 'then' }));
  try {
    await assert.rejects(lockSqliteStore(db), (err: Error) => {
      assert.match(err.message, new RegExp(`pid ${holder.pid} on ${hostname()}`));
      assert.match(err.message, /SQLite serves one service at a time/);
      assert.match(err.message, /PostgreSQL/);
      return true;
    });
  } finally {
    holder.kill('SIGKILL');
  }
  await new Promise((resolve) => holder.once('exit', resolve));
  const taken = await lockSqliteStore(db);
  assert.ok(await exists(lock));
  await taken.release();
  assert.equal(await exists(lock), false);
});

test('a lock another host holds is never taken over; one cut short by a crash is', async () => {
  const db = join(dir, 'b.db');
  await writeFile(`${db}.service-lock`, JSON.stringify({ host: 'elsewhere', pid: 1, startedAt: 'then' }));
  await assert.rejects(lockSqliteStore(db), /pid 1 on elsewhere/);
  await writeFile(`${db}.service-lock`, '{"host": "half');
  await (await lockSqliteStore(db)).release();
});

test('releasing a lock some other service took over leaves it alone', async () => {
  const db = join(dir, 'c.db');
  const mine = await lockSqliteStore(db);
  await writeFile(`${db}.service-lock`, JSON.stringify({ host: 'elsewhere', pid: 2, startedAt: 'later' }));
  await mine.release();
  assert.ok(await exists(`${db}.service-lock`));
});
