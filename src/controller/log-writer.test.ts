import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { AttemptLogBatch, AttemptLogRecord, AttemptRef, LogIoType } from '../core/index.js';
import { LogStore, WORKFLOW_LOG_FILE, taskLogFile } from './log-store.js';
import { LogWriter } from './log-writer.js';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

const WF = 'wf-1';
const at = new Date('2026-01-02T03:04:05Z');
const attemptOf = (taskName: string): AttemptRef => ({
  workflowId: WF,
  workflowUuid: 'u',
  groupName: taskName,
  groupUuid: 'g',
  taskName,
  taskUuid: 't',
  retryId: 0,
});
const record = (seq: number, text: string, ioType: LogIoType = 'STDOUT'): AttemptLogRecord => ({
  seq,
  time: at,
  ioType,
  text,
});
const batch = (records: AttemptLogRecord[], task = 'step'): AttemptLogBatch => ({
  kind: 'log',
  ref: attemptOf(task),
  records,
});

async function root(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'log-writer-'));
  dirs.push(dir);
  return dir;
}

/** A service start: a new store and writer over the same directory, as after a SIGKILL. */
function start(dir: string): { store: LogStore; writer: LogWriter } {
  const store = new LogStore(dir);
  return { store, writer: new LogWriter(store) };
}

const read = (dir: string, name: string): Promise<string> => readFile(join(dir, WF, name), 'utf8');
/** Each line without its time stamp (a continuation line has none). */
const texts = (log: string): string[] =>
  log
    .split('\n')
    .filter(Boolean)
    .map((l) => (l.startsWith('2026/01/02 03:04:05 ') ? l.slice(20) : l));

// The whole attempt, as a backend replays it after a restart: seq 0 to 4, one empty runtime line
// (which stores nothing) and one runtime message over two lines (one record).
const attempt = [
  record(0, 'pulling', 'OSMO_CTRL'),
  record(1, '', 'OSMO_CTRL'),
  record(2, 'begin'),
  record(3, 'failed:\ndetail', 'OSMO_CTRL'),
  record(4, 'end'),
];

test('a replay after a restart stores each record once, however many lines it printed as', async () => {
  const dir = await root();
  const first = start(dir);
  await first.writer.write(batch(attempt.slice(0, 4)));
  const second = start(dir);
  await second.writer.write(batch(attempt));
  const want = ['[step][osmo] pulling', '[step] begin', '[step][osmo] failed:', 'detail', '[step] end'];
  assert.deepEqual(texts(await read(dir, WORKFLOW_LOG_FILE)), want);
  assert.deepEqual(texts(await read(dir, taskLogFile('step', 0))), want);
});

test("a batch the attempt's file got and the workflow's file did not is copied over, not lost", async () => {
  const dir = await root();
  const first = start(dir);
  await first.writer.write(batch(attempt.slice(0, 3)));
  await first.writer.write(batch(attempt.slice(3, 4)));
  // Another task of the workflow wrote after it, then the service died between this batch's two writes.
  const other = new LogWriter(first.store);
  await other.write(batch([record(0, 'other')], 'other'));
  const workflowLog = await read(dir, WORKFLOW_LOG_FILE);
  const from = workflowLog.lastIndexOf('\n', workflowLog.indexOf('failed:')) + 1;
  const to = workflowLog.indexOf('detail\n') + 'detail\n'.length;
  await writeFile(join(dir, WF, WORKFLOW_LOG_FILE), workflowLog.slice(0, from) + workflowLog.slice(to));
  assert.doesNotMatch(await read(dir, WORKFLOW_LOG_FILE), /failed/);

  const second = start(dir);
  await second.writer.write(batch(attempt));
  const log = texts(await read(dir, WORKFLOW_LOG_FILE));
  assert.deepEqual(
    log.filter((l) => !l.startsWith('[other]')),
    ['[step][osmo] pulling', '[step] begin', '[step][osmo] failed:', 'detail', '[step] end'],
  );
  assert.deepEqual(
    log.filter((l) => l.startsWith('[other]')),
    ['[other] other'],
  );
});

test('a line cut inside its write is dropped and written whole by the replay', async () => {
  const dir = await root();
  const first = start(dir);
  await first.writer.write(batch(attempt.slice(0, 3)));
  for (const name of [WORKFLOW_LOG_FILE, taskLogFile('step', 0)]) {
    const path = join(dir, WF, name);
    await truncate(path, (await readFile(path)).length - 4); // `[step] begin\n` lost its end
  }
  const second = start(dir);
  await second.writer.write(batch(attempt));
  const want = ['[step][osmo] pulling', '[step] begin', '[step][osmo] failed:', 'detail', '[step] end'];
  assert.deepEqual(texts(await read(dir, WORKFLOW_LOG_FILE)), want);
  assert.deepEqual(texts(await read(dir, taskLogFile('step', 0))), want);
});

test('a re-attached container replays from its first line: earlier lines count as stored', async () => {
  const dir = await root();
  const first = start(dir);
  await first.writer.write(batch([record(0, 'pulling', 'OSMO_CTRL'), record(1, 'begin')]));
  const second = start(dir);
  await second.writer.write(batch([record(1, 'begin'), record(2, 'end')]));
  assert.deepEqual(texts(await read(dir, WORKFLOW_LOG_FILE)), [
    '[step][osmo] pulling',
    '[step] begin',
    '[step] end',
  ]);
});
