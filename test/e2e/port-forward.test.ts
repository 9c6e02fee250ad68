// End to end through the real `osmo` executable, on the process backend and on Podman: port-forward
// (TCP with many parallel connections, UDP echo), rsync upload and download, the daemon's status and
// stop, the HTTP codes of the session routes, and another user refused.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { WebSocket } from 'ws';
import { LABELS, openEngine } from '../../src/backends/docker/index.js';
import {
  podmanMissingReason,
  startTestEngine,
  TEST_IMAGE,
  type TestEngine,
} from '../../src/backends/docker/podman-fixture.js';
import type { ServiceProcess } from './harness.js';
import {
  apiCall,
  eventually,
  freePort,
  loginAs,
  OSMO_BIN,
  osmo,
  removeDir,
  startServiceProcess,
  tempDir,
} from './harness.js';

const podmanMissing = podmanMissingReason('port-forward on the container backend needs');

/** A port nothing listens on now (the process backend's tasks share this host's ports). */

/** One GET on a connection of its own, so parallel requests are parallel connections. */
function httpGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.setTimeout(30_000, () => req.destroy(new Error('request timed out')));
  });
}

/** A long-running `osmo` command (port-forward), its output collected as it comes. */
interface Running {
  readonly child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

function startOsmo(configDir: string, args: readonly string[]): Running {
  const child = spawn(process.execPath, [OSMO_BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, OSMO_CONFIG_FILE_DIR: configDir, NO_COLOR: '1' },
  });
  let text = '';
  child.stdout?.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (text += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output: () => text,
    stop: async () => {
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

interface Backend {
  readonly name: string;
  readonly skip: string | false;
  /** Starts the service; answers its extra arguments. */
  setUp(): Promise<readonly string[]>;
  tearDown(): Promise<void>;
  /** The image tasks name, and the address a task's server listens on. */
  readonly image: string;
  readonly listen: string;
  /** UDP needs an echo program in the task: the process backend has this host's node. */
  readonly udpEcho: boolean;
}

let engine: TestEngine | undefined;
const BACKENDS: Backend[] = [
  {
    name: 'process',
    skip: false,
    setUp: async () => [],
    tearDown: async () => undefined,
    image: 'ubuntu:24.04',
    listen: '127.0.0.1',
    udpEcho: true,
  },
  {
    name: 'container',
    skip: podmanMissing,
    setUp: async () => {
      engine = await startTestEngine();
      return ['--backend', 'docker', '--docker-host', engine.host];
    },
    tearDown: async () => engine?.stop(),
    image: TEST_IMAGE,
    listen: '0.0.0.0',
    udpEcho: false,
  },
];

const UDP_ECHO = `const d = require('dgram').createSocket('udp4');
d.on('message', (m, r) => d.send(Buffer.concat([Buffer.from('echo:'), m]), r.port, r.address));
d.bind(Number(process.argv[1]), '127.0.0.1');`;

for (const backend of BACKENDS) {
  describe(`port-forward and rsync on the ${backend.name} backend`, { skip: backend.skip }, () => {
    let service: ServiceProcess;
    let alice: string;
    let bob: string;
    let admin: string;
    let work: string;
    let serverWorkflow = '';
    let serverPort = 0;
    let udpPort = 0;

    const submit = async (user: string, name: string, yaml: string): Promise<string> => {
      const file = join(work, `${name}.yaml`);
      await writeFile(file, yaml);
      const r = await osmo(user, ['workflow', 'submit', file]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const id = /Workflow ID\s+-\s+(\S+)/.exec(r.stdout)?.[1];
      assert.ok(id, r.stdout);
      return id;
    };

    const taskStatus = async (id: string, task: string): Promise<string> => {
      const r = await osmo(alice, ['workflow', 'query', id, '--format-type', 'json']);
      const q = JSON.parse(r.stdout) as {
        status: string;
        groups: { tasks: { name: string; status: string }[] }[];
      };
      return q.groups.flatMap((g) => g.tasks).find((t) => t.name === task)?.status ?? q.status;
    };

    const running = (id: string, task: string): Promise<true> =>
      eventually(async () => {
        const status = await taskStatus(id, task);
        if (/^FAILED/.test(status)) {
          const query = await osmo(alice, ['workflow', 'query', id, '--format-type', 'json']);
          throw new Error(`task ${task} of ${id} ended ${status}: ${query.stdout}`);
        }
        return status === 'RUNNING' ? true : null;
      }, 120_000);

    /** The task's web server answers (a container reads RUNNING a moment before it has started). */
    const serverAnswers = async (): Promise<void> => {
      await running(serverWorkflow, 'web');
      const t = await token('alice');
      const opened = await apiCall(
        service.url,
        'POST',
        `/api/workflow/${serverWorkflow}/webserver/web?task_port=${serverPort}`,
        t,
      );
      const { key } = JSON.parse(opened.text) as { key: string };
      const servicePort = Number(new URL(service.url).port);
      await eventually(async () => {
        await running(serverWorkflow, 'web');
        const answer = await new Promise<number>((resolve) => {
          const host = `${key.toLowerCase()}.localhost`;
          const req = get(
            { host: '127.0.0.1', port: servicePort, path: '/index.html', headers: { host }, agent: false },
            (res) => {
              res.resume();
              resolve(res.statusCode ?? 0);
            },
          );
          req.on('error', () => resolve(0));
        });
        return answer === 200 ? true : null;
      }, 120_000);
    };

    const setRsync = async (enabled: boolean): Promise<void> => {
      const shown = await osmo(admin, ['config', 'show', 'WORKFLOW']);
      assert.equal(shown.code, 0, shown.stdout + shown.stderr);
      const current = JSON.parse(shown.stdout) as Record<string, unknown>;
      const file = join(work, `workflow-${enabled}.json`);
      await writeFile(
        file,
        JSON.stringify({
          ...current,
          plugins_config: { rsync: { enabled, read_bandwidth_limit: 0, write_bandwidth_limit: 0 } },
        }),
      );
      const r = await osmo(admin, ['config', 'update', 'WORKFLOW', '-f', file, '-d', `rsync ${enabled}`]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
    };

    const token = async (user: string): Promise<string> => {
      const r = await apiCall(service.url, 'POST', '/api/auth/dev/login', null, { username: user });
      assert.equal(r.status, 200, r.text);
      return (JSON.parse(r.text) as { token: string }).token;
    };

    before(async () => {
      const args = await backend.setUp();
      service = await startServiceProcess({ args: [...args, '--admin', 'admin'] });
      alice = await loginAs(service.url, 'alice');
      bob = await loginAs(service.url, 'bob');
      admin = await loginAs(service.url, 'admin');
      work = await tempDir(`forward-${backend.name}`);
      await setRsync(true);
      serverPort = backend.name === 'process' ? await freePort() : 8080;
      udpPort = await freePort();
      const udp = backend.udpEcho
        ? `        - name: echo
          image: ${backend.image}
          command: ['node', '-e', ${JSON.stringify(UDP_ECHO)}, '${udpPort}']\n`
        : '';
      serverWorkflow = await submit(
        alice,
        'server',
        `workflow:
  name: forward-server
  groups:
    - name: servers
      tasks:
        - name: web
          lead: true
          image: ${backend.image}
          command: ['sh', '-c', 'echo hello-from-task > /osmo/run/workspace/index.html && exec busybox httpd -f -p ${backend.listen}:${serverPort} -h /osmo/run/workspace']
${udp}`,
      );
      await serverAnswers();
    });

    after(async () => {
      await osmo(alice, ['workflow', 'cancel', serverWorkflow]).catch(() => undefined);
      // The engine's storage outlives this service: a container left behind would take the next
      // run's container name.
      if (engine !== undefined && backend.name === 'container') {
        const docker = openEngine(engine.host);
        const label = [`${LABELS.workflowId}=${serverWorkflow}`];
        await eventually(
          async () =>
            (await docker.listContainers({ all: true, filters: { label } })).length === 0 ? true : null,
          60_000,
        ).catch(() => undefined);
      }
      await service?.stop();
      await backend.tearDown();
      for (const dir of [service?.dataDir, alice, bob, admin, work]) if (dir) await removeDir(dir);
    });

    test('an HTTP server in the task answers many parallel requests through port-forward', async () => {
      const local = await freePort();
      const forward = startOsmo(alice, [
        'workflow',
        'port-forward',
        serverWorkflow,
        'web',
        '--port',
        `${local}:${serverPort}`,
      ]);
      try {
        await eventually(async () => (/Starting port forwarding/.test(forward.output()) ? true : null));
        // The task's server may still be starting: the first answer is waited for.
        await eventually(
          async () => ((await httpGet(local, '/index.html').catch(() => null))?.status === 200 ? true : null),
          60_000,
        );
        const answers = await Promise.all(Array.from({ length: 40 }, () => httpGet(local, '/index.html')));
        for (const a of answers) {
          assert.equal(a.status, 200);
          assert.equal(a.body.trim(), 'hello-from-task');
        }
      } finally {
        await forward.stop();
      }
    });

    test("a browser session reaches the task's web server by the session key in the host name", async () => {
      const t = await token('alice');
      const opened = await apiCall(
        service.url,
        'POST',
        `/api/workflow/${serverWorkflow}/webserver/web?task_port=${serverPort}`,
        t,
      );
      assert.equal(opened.status, 200, opened.text);
      const { key } = JSON.parse(opened.text) as { key: string };
      assert.match(key, /^WEBSERVER-[0-9a-f]{32}$/);
      const servicePort = Number(new URL(service.url).port);
      const viaHost = (host: string): Promise<{ status: number; body: string }> =>
        new Promise((resolve, reject) => {
          const req = get(
            { host: '127.0.0.1', port: servicePort, path: '/index.html', headers: { host }, agent: false },
            (res) => {
              let body = '';
              res.setEncoding('utf8');
              res.on('data', (chunk: string) => (body += chunk));
              res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
            },
          );
          req.on('error', reject);
        });
      const page = await viaHost(`${key.toLowerCase()}.localhost:${servicePort}`);
      assert.equal(page.status, 200, page.body);
      assert.equal(page.body.trim(), 'hello-from-task');
      const unknown = await viaHost(`webserver-${'0'.repeat(32)}.localhost:${servicePort}`);
      assert.equal(unknown.status, 404);
      assert.match(unknown.body, /your session may have expired/);
      const open = await apiCall(service.url, 'GET', `/api/router/webserver/${key}`, t);
      assert.equal(open.text, 'true');
    });

    test(
      'UDP datagrams reach the task and its replies come back',
      { skip: !backend.udpEcho && 'no UDP echo program in the test image' },
      async () => {
        await running(serverWorkflow, 'echo');
        const local = await freePort();
        const forward = startOsmo(alice, [
          'workflow',
          'port-forward',
          serverWorkflow,
          'echo',
          '--port',
          `${local}:${udpPort}`,
          '--udp',
        ]);
        const socket = createSocket('udp4');
        try {
          await eventually(async () => (/Starting port forwarding/.test(forward.output()) ? true : null));
          const replies: string[] = [];
          socket.on('message', (m) => replies.push(m.toString()));
          await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
          // UDP may lose a datagram while the session opens: ask again until an answer comes.
          await eventually(async () => {
            socket.send('ping', local, '127.0.0.1');
            await new Promise((r) => setTimeout(r, 300));
            return replies.includes('echo:ping') ? true : null;
          }, 60_000);
          socket.send('second', local, '127.0.0.1');
          await eventually(async () => (replies.includes('echo:second') ? true : null));
        } finally {
          socket.close();
          await forward.stop();
        }
      },
    );

    test('rsync uploads a tree, then a changed file; deletions stay remote; download brings it back', async () => {
      const tree = join(work, 'tree');
      await mkdir(join(tree, 'sub'), { recursive: true });
      await writeFile(join(tree, 'a.txt'), 'first version\n');
      await writeFile(join(tree, 'sub', 'b.txt'), 'nested\n');
      await writeFile(join(tree, 'gone.txt'), 'deleted locally later\n');
      const up = await osmo(alice, [
        'workflow',
        'rsync',
        'upload',
        serverWorkflow,
        'web',
        `${tree}/:/osmo/run/workspace/tree/`,
        '--no-progress',
      ]);
      assert.equal(up.code, 0, up.stdout + up.stderr);
      // The task sees the files: its own web server serves them.
      const local = await freePort();
      const forward = startOsmo(alice, [
        'workflow',
        'port-forward',
        serverWorkflow,
        'web',
        '--port',
        `${local}:${serverPort}`,
      ]);
      try {
        await eventually(async () => (/Starting port forwarding/.test(forward.output()) ? true : null));
        await eventually(async () =>
          (await httpGet(local, '/tree/sub/b.txt').catch(() => null))?.body === 'nested\n' ? true : null,
        );
      } finally {
        await forward.stop();
      }
      await writeFile(join(tree, 'a.txt'), 'second version, longer than the first\n');
      await rm(join(tree, 'gone.txt'));
      // No task named: the lead task of the first group.
      const again = await osmo(alice, [
        'workflow',
        'rsync',
        'upload',
        serverWorkflow,
        `${tree}/:/osmo/run/workspace/tree/`,
        '--no-progress',
      ]);
      assert.equal(again.code, 0, again.stdout + again.stderr);
      const back = join(work, 'back');
      const down = await osmo(alice, [
        'workflow',
        'rsync',
        'download',
        serverWorkflow,
        'web',
        `/osmo/run/workspace/tree/:${back}/`,
        '--no-progress',
      ]);
      assert.equal(down.code, 0, down.stdout + down.stderr);
      assert.equal(await readFile(join(back, 'a.txt'), 'utf8'), 'second version, longer than the first\n');
      assert.equal(await readFile(join(back, 'sub', 'b.txt'), 'utf8'), 'nested\n');
      assert.equal(await readFile(join(back, 'gone.txt'), 'utf8'), 'deleted locally later\n');
    });

    test('rsync refuses paths outside the workspace and bad path syntax', async () => {
      const outside = await osmo(alice, [
        'workflow',
        'rsync',
        'upload',
        serverWorkflow,
        'web',
        `${work}:/etc/x`,
      ]);
      assert.notEqual(outside.code, 0);
      assert.match(outside.stdout + outside.stderr, /not within an allowed path/);
      const relative = await osmo(alice, [
        'workflow',
        'rsync',
        'download',
        serverWorkflow,
        'web',
        'tree:here',
      ]);
      assert.notEqual(relative.code, 0);
      assert.match(
        relative.stdout + relative.stderr,
        /Remote path must be an absolute path on remote host: tree/,
      );
      const colon = await osmo(alice, ['workflow', 'rsync', 'upload', serverWorkflow, 'web', work]);
      assert.notEqual(colon.code, 0);
      assert.match(colon.stdout + colon.stderr, /Invalid rsync path format: missing colon/);
    });

    test('an upload daemon syncs changes, shows in status and stops', async () => {
      const stateDir = join(work, 'state');
      const env = { OSMO_LOG_FILE_DIR: stateDir };
      const watched = join(work, 'watched');
      await mkdir(watched, { recursive: true });
      await writeFile(join(watched, 'one.txt'), 'one\n');
      const withState = (args: string[]) => osmoWithEnv(alice, args, env);
      const none = await withState(['workflow', 'rsync', 'status']);
      assert.equal(none.stdout, 'No rsync daemons found\n');
      const started = await withState([
        'workflow',
        'rsync',
        'upload',
        serverWorkflow,
        'web',
        `${watched}/:/osmo/run/workspace/watched/`,
        '--daemon',
        '--debounce-delay',
        '0.5',
        '--poll-interval',
        '2',
        '--reconcile-interval',
        '2',
      ]);
      assert.equal(started.code, 0, started.stdout + started.stderr);
      assert.match(started.stderr, /Rsync daemon started in detached process: PID \d+/);
      try {
        await daemonSyncs(withState, watched);
      } catch (err) {
        // The daemon's own log says why it did not sync.
        const logs = await readdir(join(stateDir, 'rsync')).catch(() => [] as string[]);
        const text = await Promise.all(logs.map((f) => readFile(join(stateDir, 'rsync', f), 'utf8')));
        throw new Error(`${(err as Error).message}\n${text.join('\n')}`, { cause: err });
      } finally {
        await withState(['workflow', 'rsync', 'stop', serverWorkflow]);
      }
    });

    const daemonSyncs = async (
      withState: (args: string[]) => Promise<{ code: number; stdout: string; stderr: string }>,
      watched: string,
    ): Promise<void> => {
      const back = join(work, 'watched-back');
      const downloaded = async (file: string, text: string): Promise<true | null> => {
        const r = await osmo(alice, [
          'workflow',
          'rsync',
          'download',
          serverWorkflow,
          'web',
          `/osmo/run/workspace/watched/:${back}/`,
          '--no-progress',
        ]);
        if (r.code !== 0) return null;
        return (await readFile(join(back, file), 'utf8').catch(() => '')) === text ? true : null;
      };
      await eventually(() => downloaded('one.txt', 'one\n'), 60_000);
      await writeFile(join(watched, 'two.txt'), 'two\n');
      await eventually(() => downloaded('two.txt', 'two\n'), 60_000);
      const status = await withState(['workflow', 'rsync', 'status']);
      assert.match(status.stdout, new RegExp(`${serverWorkflow}\\s+web\\s+\\d+\\s+RUNNING`));
      const stop = await withState(['workflow', 'rsync', 'stop', serverWorkflow]);
      assert.match(stop.stdout, new RegExp(`Stopping rsync daemon ${serverWorkflow}/web`));
      await eventually(async () =>
        /STOPPED/.test((await withState(['workflow', 'rsync', 'status'])).stdout) ? true : null,
      );
      const nothing = await withState(['workflow', 'rsync', 'stop', serverWorkflow]);
      assert.equal(nothing.stdout, 'No running rsync daemons found\n');
    };

    test('session routes answer 400 past 30 ports, 404 for an unknown task, 403 without rsync, 410 and 425', async () => {
      const t = await token('alice');
      const ports = Array.from({ length: 31 }, (_, i) => `task_ports=${1000 + i}`).join('&');
      const tooMany = await apiCall(
        service.url,
        'POST',
        `/api/workflow/${serverWorkflow}/portforward/web?${ports}`,
        t,
      );
      assert.equal(tooMany.status, 400, tooMany.text);
      const thirty = Array.from({ length: 30 }, (_, i) => `task_ports=${1000 + i}`).join('&');
      const ok = await apiCall(
        service.url,
        'POST',
        `/api/workflow/${serverWorkflow}/portforward/web?${thirty}`,
        t,
      );
      assert.equal(ok.status, 200, ok.text);
      const keys = JSON.parse(ok.text) as { key: string; router_address: string }[];
      assert.equal(keys.length, 30);
      assert.match(keys[0]?.key ?? '', /^PORTFORWARD-[0-9a-f]{32}$/);
      const unknown = await apiCall(
        service.url,
        'POST',
        `/api/workflow/${serverWorkflow}/portforward/nosuch?task_ports=80`,
        t,
      );
      assert.equal(unknown.status, 404, unknown.text);

      await setRsync(false);
      const plain = await submit(
        alice,
        'plain',
        `workflow:
  name: forward-plain
  groups:
    - name: first
      tasks:
        - name: now
          image: ${backend.image}
          command: ['sleep', '600']
    - name: second
      tasks:
        - name: later
          image: ${backend.image}
          inputs:
            - task: now
          command: ['true']
`,
      );
      await setRsync(true);
      await running(plain, 'now');
      const off = await apiCall(service.url, 'POST', `/api/workflow/${plain}/rsync/task/now`, t);
      assert.equal(off.status, 403, off.text);
      assert.match(off.text, /Rsync is not enabled for this workflow!/);
      const cli = await osmo(alice, [
        'workflow',
        'rsync',
        'upload',
        plain,
        'now',
        `${work}:/osmo/run/workspace/`,
      ]);
      assert.notEqual(cli.code, 0);
      assert.match(cli.stdout + cli.stderr, /Rsync is not enabled for this workflow!/);
      const waiting = await apiCall(
        service.url,
        'POST',
        `/api/workflow/${plain}/portforward/later?task_ports=80`,
        t,
      );
      assert.equal(waiting.status, 425, waiting.text);
      const cancelled = await osmo(alice, ['workflow', 'cancel', plain]);
      assert.equal(cancelled.code, 0, cancelled.stdout + cancelled.stderr);
      await eventually(async () => {
        const r = await apiCall(
          service.url,
          'POST',
          `/api/workflow/${plain}/portforward/now?task_ports=80`,
          t,
        );
        return r.status === 410 ? true : null;
      });
    });

    test("another user can neither request a session nor redeem the owner's key", async () => {
      const forBob = await osmo(bob, [
        'workflow',
        'port-forward',
        serverWorkflow,
        'web',
        '--port',
        `${await freePort()}:${serverPort}`,
      ]);
      assert.notEqual(forBob.code, 0);
      assert.match(forBob.stdout + forBob.stderr, /not found/);
      const rsyncBob = await apiCall(
        service.url,
        'POST',
        `/api/workflow/${serverWorkflow}/rsync/task/web`,
        await token('bob'),
      );
      assert.notEqual(rsyncBob.status, 200, rsyncBob.text);
      // Alice's key, presented by Bob on the router, opens nothing.
      const granted = await apiCall(
        service.url,
        'POST',
        `/api/workflow/${serverWorkflow}/portforward/web?task_ports=${serverPort}`,
        await token('alice'),
      );
      const { key, router_address: router } = (
        JSON.parse(granted.text) as { key: string; router_address: string }[]
      )[0] ?? { key: '', router_address: '' };
      const client = `${router}/api/router/portforward/${serverWorkflow}/client/${key}`;
      const status = await upgradeStatus(client, 'x');
      assert.notEqual(status, 101);
      const bobToken = await token('bob');
      const bobStatus = await upgradeStatus(client, bobToken);
      assert.equal(bobStatus, 403);
    });
  });
}

/** `osmo` with extra environment (the daemon state directory). */
function osmoWithEnv(
  configDir: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [OSMO_BIN, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, OSMO_CONFIG_FILE_DIR: configDir, NO_COLOR: '1', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** The HTTP status a router WebSocket upgrade gets with this token: 101 when it opens. */
function upgradeStatus(url: string, token: string): Promise<number> {
  return new Promise<number>((resolve) => {
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('unexpected-response', (_req, res) => {
      // With this listener the refused request is ours to end, or its connection stays open.
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('error', () => resolve(-1));
  });
}
