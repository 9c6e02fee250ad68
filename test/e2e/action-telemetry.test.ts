// End to end: the action byte counters on /metrics. Known transfers through the real
// `osmo workflow port-forward`, `osmo workflow exec`, `osmo workflow rsync` and a browser session
// into tasks of the real service (process backend), with `plugins_config.rsync.enable_telemetry`
// off, on, and off again.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  apiCall,
  devToken,
  eventually,
  freePort,
  loginAs,
  OSMO_BIN,
  osmo,
  removeDir,
  startServiceProcess,
  tempDir,
  type ServiceProcess,
} from './harness.js';
import { parseExposition, type Sample } from './exposition.js';

/** Sizes no chunk or frame size divides, so a byte lost or counted twice shows. */
const UP_BYTES = 300_001;
const DOWN_BYTES = 1_234_567;
const EXEC_TEXT = 'telemetry-exec-output';
const WEB_PAGE = 'telemetry-web-page';

// The task's server: reads the client's bytes, then answers with its own and ends.
const SERVER = `const net = require('net');
const [port, up, down] = process.argv.slice(1).map(Number);
net.createServer({ allowHalfOpen: true }, (s) => {
  let got = 0;
  s.on('data', (d) => {
    got += d.length;
    if (got === up) s.end(Buffer.alloc(down, 5));
  });
}).listen(port, '127.0.0.1');`;

let service: ServiceProcess;
let alice: string;
let admin: string;
let work: string;
let workflow = '';
let forward: ChildProcess | undefined;
let localPort = 0;
let webKey = '';

/** Sends UP_BYTES through the forwarded port and answers how many bytes came back before the end. */
function transfer(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: localPort });
    let received = 0;
    socket.on('error', reject);
    socket.on('data', (d: Buffer) => (received += d.length));
    socket.on('end', () => {
      socket.end();
      resolve(received);
    });
    socket.on('connect', () => socket.write(Buffer.alloc(UP_BYTES, 9)));
  });
}

async function actionBytes(): Promise<Sample[]> {
  const r = await fetch(`${service.url}/metrics`);
  assert.equal(r.status, 200);
  return parseExposition(await r.text()).filter((s) => s.name === 'osmo_action_bytes_total');
}

const counted = (samples: readonly Sample[], metric: string): number | undefined =>
  samples.find((s) => s.labels['metric'] === metric)?.value;

/** Rsync stays enabled (a workflow takes it at submit) and unthrottled; telemetry as asked. */
async function setTelemetry(on: boolean): Promise<void> {
  const shown = await osmo(admin, ['config', 'show', 'WORKFLOW']);
  assert.equal(shown.code, 0, shown.stdout + shown.stderr);
  const current = JSON.parse(shown.stdout) as { plugins_config: { rsync: Record<string, unknown> } };
  const file = join(work, `workflow-${on}.json`);
  const rsync = {
    ...current.plugins_config.rsync,
    enabled: true,
    read_bandwidth_limit: 0,
    write_bandwidth_limit: 0,
    enable_telemetry: on,
  };
  await writeFile(file, JSON.stringify({ ...current, plugins_config: { ...current.plugins_config, rsync } }));
  const r = await osmo(admin, ['config', 'update', 'WORKFLOW', '-f', file, '-d', `telemetry ${on}`]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
}

/** One GET of the task's page through its browser session; answers the body. */
function webGet(): Promise<string> {
  return new Promise((resolve, reject) => {
    const { port } = new URL(service.url);
    const headers = { host: `${webKey.toLowerCase()}.localhost` };
    const req = get({ host: '127.0.0.1', port, path: '/index.html', headers, agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`${res.statusCode}`))));
    });
    req.on('error', reject);
  });
}

async function execPrint(): Promise<void> {
  const r = await osmo(alice, ['workflow', 'exec', workflow, 'server', '--entry', `printf ${EXEC_TEXT}`]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, new RegExp(EXEC_TEXT));
}

before(async () => {
  service = await startServiceProcess({ args: ['--admin', 'admin'] });
  alice = await loginAs(service.url, 'alice');
  admin = await loginAs(service.url, 'admin');
  work = await tempDir('action-telemetry');
  await setTelemetry(false);
  const taskPort = await freePort();
  const webPort = await freePort();
  localPort = await freePort();
  const spec = join(work, 'server.yaml');
  await writeFile(
    spec,
    `workflow:\n  name: telemetry\n  tasks:\n    - name: server\n      image: ubuntu:24.04\n      command: ['node', '-e', ${JSON.stringify(SERVER)}, '${taskPort}', '${UP_BYTES}', '${DOWN_BYTES}']
    - name: web
      image: ubuntu:24.04
      command: ['sh', '-c', 'printf ${WEB_PAGE} > /osmo/run/workspace/index.html && exec busybox httpd -f -p 127.0.0.1:${webPort} -h /osmo/run/workspace']\n`,
  );
  const submitted = await osmo(alice, ['workflow', 'submit', spec]);
  assert.equal(submitted.code, 0, submitted.stdout + submitted.stderr);
  workflow = /Workflow ID\s+-\s+(\S+)/.exec(submitted.stdout)?.[1] ?? '';
  assert.ok(workflow, submitted.stdout);
  // The CLI's first request is refused (425) until the workflow runs, and it does not ask again.
  await eventually(async () => {
    const q = await osmo(alice, ['workflow', 'query', workflow, '--format-type', 'json']);
    return (JSON.parse(q.stdout) as { status: string }).status === 'RUNNING' ? true : null;
  }, 120_000);
  forward = spawn(
    process.execPath,
    [OSMO_BIN, 'workflow', 'port-forward', workflow, 'server', '--port', `${localPort}:${taskPort}`],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, OSMO_CONFIG_FILE_DIR: alice } },
  );
  let said = '';
  forward.stdout?.on('data', (d: Buffer) => (said += d.toString()));
  forward.stderr?.on('data', (d: Buffer) => (said += d.toString()));
  // The tries made while the task's server starts are not counted: telemetry is off.
  let last: unknown = null;
  await eventually(async () => {
    last = await transfer().catch((err: unknown) => err);
    return last === DOWN_BYTES ? true : null;
  }, 120_000).catch((err: Error) => {
    throw new Error(`${err.message}; last try: ${String(last)}; port-forward said: ${said}`);
  });
  const token = await devToken(service.url, 'alice');
  const opened = await apiCall(
    service.url,
    'POST',
    `/api/workflow/${workflow}/webserver/web?task_port=${webPort}`,
    token,
  );
  assert.equal(opened.status, 200, opened.text);
  webKey = (JSON.parse(opened.text) as { key: string }).key;
  await eventually(async () => ((await webGet().catch(() => '')) === WEB_PAGE ? true : null), 120_000);
});

after(async () => {
  forward?.kill('SIGINT');
  if (alice !== undefined && workflow !== '') await osmo(alice, ['workflow', 'cancel', workflow]);
  await service?.stop();
  for (const dir of [service?.dataDir, alice, admin, work]) if (dir) await removeDir(dir);
});

test('with telemetry off, port-forward, exec and browser-session bytes are not counted', async () => {
  assert.equal(await transfer(), DOWN_BYTES);
  await execPrint();
  assert.equal(await webGet(), WEB_PAGE);
  assert.deepEqual(await actionBytes(), []);
});

test('with telemetry on, each direction of a port-forward, an exec and a browser session is counted to the byte', async () => {
  await setTelemetry(true);
  assert.equal(await transfer(), DOWN_BYTES);
  assert.equal(await transfer(), DOWN_BYTES);
  let samples = await actionBytes();
  // INPUT is what went into the task, OUTPUT what came out of it.
  assert.equal(counted(samples, 'PORTFORWARD_INPUT'), 2 * UP_BYTES);
  assert.equal(counted(samples, 'PORTFORWARD_OUTPUT'), 2 * DOWN_BYTES);
  const forwardInput = samples.find((s) => s.labels['metric'] === 'PORTFORWARD_INPUT');
  assert.deepEqual(forwardInput?.labels, {
    action: 'PORTFORWARD',
    direction: 'input',
    metric: 'PORTFORWARD_INPUT',
  });
  assert.equal(counted(samples, 'EXEC_OUTPUT'), undefined);

  await execPrint();
  samples = await actionBytes();
  // The terminal's output is the printed text (no newline is printed, so none is translated).
  assert.equal(counted(samples, 'EXEC_OUTPUT'), EXEC_TEXT.length);
  assert.equal(counted(samples, 'EXEC_INPUT'), 0);

  // A browser session counts bodies: a GET sends none, the page comes back.
  assert.equal(await webGet(), WEB_PAGE);
  samples = await actionBytes();
  assert.equal(counted(samples, 'WEBSERVER_INPUT'), 0);
  assert.equal(counted(samples, 'WEBSERVER_OUTPUT'), WEB_PAGE.length);

  await setTelemetry(false);
  assert.equal(await transfer(), DOWN_BYTES);
  await execPrint();
  assert.equal(await webGet(), WEB_PAGE);
  samples = await actionBytes();
  assert.equal(counted(samples, 'WEBSERVER_OUTPUT'), WEB_PAGE.length);
  assert.equal(counted(samples, 'PORTFORWARD_INPUT'), 2 * UP_BYTES);
  assert.equal(counted(samples, 'PORTFORWARD_OUTPUT'), 2 * DOWN_BYTES);
  assert.equal(counted(samples, 'EXEC_OUTPUT'), EXEC_TEXT.length);
});

test("with telemetry on, rsync's connections count as RSYNC, not as the port-forward carrying them", async () => {
  const FILE_BYTES = 200_000;
  const tree = join(work, 'tree');
  await mkdir(tree, { recursive: true });
  // Random bytes: rsync -av does not compress, so the file crosses about as it is.
  await writeFile(join(tree, 'data.bin'), randomBytes(FILE_BYTES));
  const before = await actionBytes();
  await setTelemetry(true);
  const up = await osmo(alice, [
    'workflow',
    'rsync',
    'upload',
    workflow,
    'server',
    `${tree}/:/osmo/run/workspace/tree/`,
    '--no-progress',
  ]);
  assert.equal(up.code, 0, up.stdout + up.stderr);
  let samples = await actionBytes();
  const upInput = counted(samples, 'RSYNC_INPUT') ?? 0;
  const upOutput = counted(samples, 'RSYNC_OUTPUT') ?? 0;
  assert.ok(upInput >= FILE_BYTES, `RSYNC_INPUT ${upInput}`);
  assert.ok(upOutput > 0 && upOutput < FILE_BYTES, `RSYNC_OUTPUT ${upOutput}`);
  assert.equal(counted(samples, 'PORTFORWARD_INPUT'), counted(before, 'PORTFORWARD_INPUT'));
  assert.equal(counted(samples, 'PORTFORWARD_OUTPUT'), counted(before, 'PORTFORWARD_OUTPUT'));

  const down = await osmo(alice, [
    'workflow',
    'rsync',
    'download',
    workflow,
    'server',
    `/osmo/run/workspace/tree/:${join(work, 'back')}/`,
    '--no-progress',
  ]);
  assert.equal(down.code, 0, down.stdout + down.stderr);
  samples = await actionBytes();
  assert.ok((counted(samples, 'RSYNC_OUTPUT') ?? 0) - upOutput >= FILE_BYTES);
  await setTelemetry(false);
});
