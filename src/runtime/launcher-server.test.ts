import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { makeAttempt } from '../backends/contract.js';
import type { LaunchFile } from './attempt-files.js';
import { launcherSocketPath, onLines, parseLauncherEvent, type LauncherEvent } from './launcher-protocol.js';
import { startLauncherServer, type LauncherServer } from './launcher-server.js';

const root = await mkdtemp(join(tmpdir(), 'osmo-launcher-'));
after(() => rm(root, { recursive: true, force: true }));

const start = (workRoot: string): Promise<LauncherServer | null> =>
  startLauncherServer({
    socketPath: launcherSocketPath(workRoot),
    hostEnvironment: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
    idleExitMs: 60_000,
    onIdle: () => undefined,
    log: () => undefined,
  });

function connect(workRoot: string): Promise<{ socket: Socket; events: LauncherEvent[] }> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(launcherSocketPath(workRoot));
    const events: LauncherEvent[] = [];
    onLines(socket, (line) => {
      const event = parseLauncherEvent(line);
      if (event) events.push(event);
    });
    socket.once('connect', () => resolve({ socket, events }));
    socket.once('error', reject);
  });
}

const launchFile = (command: string[]): LaunchFile => ({
  launch: makeAttempt(join(root, 'storage'), { command }),
  sandboxed: false,
  notices: [],
});

async function until<T>(fn: () => T | undefined, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const finalOf = (dir: string): { status: string; exitCode: number | null } | undefined =>
  readFileSync(join(dir, 'reports.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { status: string; exitCode: number | null })
    .find((r) => r.status === 'COMPLETED' || r.status.startsWith('FAILED'));

test('runs launched attempts in its own process and says when each started and ended', async () => {
  const workRoot = join(root, 'runs');
  const server = await start(workRoot);
  assert.ok(server);
  const { socket, events } = await connect(workRoot);
  socket.write('not json\n{"op":"launch"}\n'); // ignored, and the connection still serves
  const dirs = [0, 1, 2].map((i) => join(workRoot, 'attempts', 'wf', `t${i}-0`));
  for (const [i, dir] of dirs.entries()) {
    mkdirSync(dir, { recursive: true });
    socket.write(
      `${JSON.stringify({ op: 'launch', dir, launch: launchFile(['sh', '-c', `echo line-${i}`]) })}\n`,
    );
  }
  for (const dir of dirs) {
    await until(() => events.find((e) => e.op === 'ended' && e.dir === dir));
    assert.ok(events.some((e) => e.op === 'started' && e.dir === dir));
    assert.equal(finalOf(dir)?.status, 'COMPLETED');
    // The pid file names the launcher: one process for every attempt.
    assert.equal(readFileSync(join(dir, 'pid'), 'utf8').trim(), String(process.pid));
  }
  assert.match(readFileSync(join(dirs[1] ?? '', 'logs.jsonl'), 'utf8'), /line-1/);
  // The same attempt twice at once is refused, not run twice.
  const busy = join(workRoot, 'attempts', 'wf', 'busy-0');
  mkdirSync(busy, { recursive: true });
  const sleeper = JSON.stringify({ op: 'launch', dir: busy, launch: launchFile(['sleep', '30']) });
  socket.write(`${sleeper}\n${sleeper}\n`);
  const refused = await until(() => events.find((e) => e.op === 'failed' && e.dir === busy));
  assert.match(refused.op === 'failed' ? refused.message : '', /already running/);
  // A stop request reads the reason from stop.json, as the backend writes it first.
  writeFileSync(
    join(busy, 'stop.json'),
    JSON.stringify({ status: 'FAILED_CANCELED', message: 'canceled by alice', graceMs: 1000 }),
  );
  socket.write(`${JSON.stringify({ op: 'stop', dir: busy })}\n`);
  await until(() => events.find((e) => e.op === 'ended' && e.dir === busy));
  assert.equal(finalOf(busy)?.status, 'FAILED_CANCELED');
  socket.destroy();
  server.close();
});

test("a second launcher leaves a live one serving; a dead one's socket file is taken over", async () => {
  const workRoot = join(root, 'single');
  const first = await start(workRoot);
  assert.ok(first);
  assert.equal(await start(workRoot), null);
  first.close();
  // Left behind by a launcher that was killed: nothing answers on it.
  writeFileSync(launcherSocketPath(workRoot), '');
  const second = await start(workRoot);
  assert.ok(second);
  const { socket } = await connect(workRoot);
  socket.destroy();
  second.close();
});

test("only the service's user may reach the socket: whoever connects can run commands", async (t) => {
  const workRoot = join(root, 'private');
  const server = await start(workRoot);
  assert.ok(server);
  const socketPath = launcherSocketPath(workRoot);
  assert.equal(statSync(dirname(socketPath)).mode & 0o777, 0o700);
  assert.equal(statSync(socketPath).mode & 0o777, 0o600);
  if (process.getuid?.() !== 0) {
    server.close();
    t.skip('needs root to try another uid');
    return;
  }
  // The uid sandboxed tasks run as, outside any sandbox: still refused by the permissions alone.
  const probe = `require('net').createConnection(${JSON.stringify(socketPath)}).on('connect',()=>{console.log('CONNECTED');process.exit(0)}).on('error',e=>{console.log(e.code);process.exit(0)})`;
  const run = spawnSync(
    'setpriv',
    ['--reuid=100000', '--regid=100000', '--clear-groups', process.execPath, '-e', probe],
    { encoding: 'utf8' },
  );
  server.close();
  assert.equal(run.stdout.trim(), 'EACCES', run.stderr);
});

test('a terminated launcher stops every attempt it runs, each recording why', async () => {
  const workRoot = join(root, 'terminated');
  const server = await start(workRoot);
  assert.ok(server);
  const { socket, events } = await connect(workRoot);
  const dir = join(workRoot, 'attempts', 'wf', 'long-0');
  mkdirSync(dir, { recursive: true });
  socket.write(`${JSON.stringify({ op: 'launch', dir, launch: launchFile(['sleep', '30']) })}\n`);
  await until(() => events.find((e) => e.op === 'started'));
  await until(() =>
    readFileSync(join(dir, 'reports.jsonl'), 'utf8').includes('RUNNING') ? true : undefined,
  );
  await server.stopAll();
  assert.equal(finalOf(dir)?.status, 'FAILED_BACKEND_ERROR');
  socket.destroy();
  server.close();
});
