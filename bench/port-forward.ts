// Port-forward throughput: one TCP stream from a server inside a task, read through
// `osmo workflow port-forward` (CLI -> service WebSocket -> task port), against the same stream read
// straight from the task's port on loopback (the process backend's tasks share this host's network).
// Both directions: the task sending (a download) and the task receiving (an upload). A third path,
// the same stream through two plain Node TCP relays in processes of their own (`socket.pipe`, no
// WebSocket, no service), is the floor of any forwarder with this many hops: the CLI's listener
// and the service's dial to the task are two relays too.
// Usage: node dist/bench/port-forward.js [MiB=256] [rounds=3]
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { eventually, freePort, loginAs, OSMO_BIN, osmo, tempDir } from '../test/e2e/harness.js';
import { startBenchService } from './service-process.js';

const MIB = 1 << 20;
const sizeMiB = Number(process.argv[2] ?? 256);
const rounds = Number(process.argv[3] ?? 3);
const bytes = sizeMiB * MIB;

// The task's server: `D` sends the requested bytes, `U` reads them and answers `ok`.
const SERVER = `const net = require('net');
const [port, size] = process.argv.slice(1).map(Number);
const chunk = Buffer.alloc(1 << 20, 7);
net.createServer((s) => {
  s.once('data', (first) => {
    if (first[0] === 68) {
      let left = size;
      const pump = () => { while (left > 0) { const n = Math.min(left, chunk.length); left -= n; if (!s.write(chunk.subarray(0, n))) return s.once('drain', pump); } s.end(); };
      pump();
    } else {
      let got = first.length - 1;
      const done = () => { if (got >= size) s.end('ok'); };
      s.on('data', (d) => { got += d.length; done(); });
      done();
    }
  });
}).listen(port, '127.0.0.1');`;

// A plain relay: each connection to the first port is piped to the second, both ways.
const RELAY = `const net = require('net');
const [listen, target] = process.argv.slice(1).map(Number);
net.createServer({ allowHalfOpen: true }, (c) => {
  const t = net.connect({ port: target, host: '127.0.0.1', allowHalfOpen: true });
  c.pipe(t); t.pipe(c);
  c.on('error', () => t.destroy()); t.on('error', () => c.destroy());
}).listen(listen, '127.0.0.1');`;

/** MiB/s of one transfer of `bytes` in the given direction through the port. */
function transfer(port: number, direction: 'download' | 'upload'): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = connect({ host: '127.0.0.1', port });
    let received = 0;
    socket.on('error', reject);
    socket.on('data', (d: Buffer) => (received += d.length));
    socket.on('end', () => {
      const seconds = (performance.now() - started) / 1000;
      if (direction === 'download' && received !== bytes)
        reject(new Error(`got ${received} of ${bytes} bytes`));
      else resolve(sizeMiB / seconds);
    });
    socket.on('connect', () => {
      if (direction === 'download') return void socket.write('D');
      socket.write('U');
      const chunk = Buffer.alloc(MIB, 9);
      let left = bytes;
      const pump = (): void => {
        while (left > 0) {
          const n = Math.min(left, chunk.length);
          left -= n;
          if (!socket.write(chunk.subarray(0, n))) return void socket.once('drain', pump);
        }
      };
      pump();
    });
  });
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

async function main(): Promise<void> {
  const service = await startBenchService({});
  const configDir = await loginAs(service.url, 'bench-user');
  const work = await tempDir('bench-forward');
  const taskPort = await freePort();
  const localPort = await freePort();
  const relayPorts = [await freePort(), await freePort()] as const;
  const spec = join(work, 'server.yaml');
  await writeFile(
    spec,
    `workflow:\n  name: forward-bench\n  tasks:\n    - name: server\n      image: ubuntu:24.04\n      command: ['node', '-e', ${JSON.stringify(SERVER)}, '${taskPort}', '${bytes}']\n`,
  );
  const submitted = await osmo(configDir, ['workflow', 'submit', spec]);
  const id = /Workflow ID\s+-\s+(\S+)/.exec(submitted.stdout)?.[1] ?? '';
  if (id === '') throw new Error(submitted.stdout + submitted.stderr);
  const forward = spawn(
    process.execPath,
    [OSMO_BIN, 'workflow', 'port-forward', id, 'server', '--port', `${localPort}:${taskPort}`],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, OSMO_CONFIG_FILE_DIR: configDir },
    },
  );
  const relays = [
    spawn(process.execPath, ['-e', RELAY, String(relayPorts[0]), String(taskPort)], { stdio: 'ignore' }),
    spawn(process.execPath, ['-e', RELAY, String(relayPorts[1]), String(relayPorts[0])], { stdio: 'ignore' }),
  ];
  try {
    process.stderr.write(`workflow ${id}: waiting for its server on port ${taskPort}\n`);
    // Both paths answer once the task's server listens and the forward is up.
    await eventually(
      async () => ((await transfer(taskPort, 'download').catch(() => 0)) > 0 ? true : null),
      300_000,
    );
    await eventually(
      async () => ((await transfer(localPort, 'download').catch(() => 0)) > 0 ? true : null),
      300_000,
    );
    await eventually(
      async () => ((await transfer(relayPorts[1], 'download').catch(() => 0)) > 0 ? true : null),
      30_000,
    );
    for (const direction of ['download', 'upload'] as const) {
      const direct: number[] = [];
      const forwarded: number[] = [];
      const relayed: number[] = [];
      // Interleaved, so a noisy neighbour on the machine weighs on all alike.
      for (let i = 0; i < rounds; i++) {
        direct.push(await transfer(taskPort, direction));
        forwarded.push(await transfer(localPort, direction));
        relayed.push(await transfer(relayPorts[1], direction));
      }
      const d = median(direct);
      const f = median(forwarded);
      const r = median(relayed);
      const pct = (a: number, b: number): string => `${((a / b) * 100).toFixed(0)}%`;
      process.stdout.write(
        `${direction.padEnd(8)} ${sizeMiB} MiB x ${rounds}: direct loopback ${d.toFixed(0)} MiB/s, through the service ${f.toFixed(0)} MiB/s, ratio ${pct(f, d)} (goal >= 50%); two plain relays ${r.toFixed(0)} MiB/s (${pct(r, d)} of direct; the service path is ${pct(f, r)} of it)\n`,
      );
    }
  } finally {
    for (const relay of relays) relay.kill();
    forward.kill('SIGINT');
    await osmo(configDir, ['workflow', 'cancel', id]);
    await service.stop();
  }
}

await main();
