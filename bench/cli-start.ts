// CLI start-up benchmark: `osmo workflow list` against the real service, next to a bare `node -e 0`
// (the floor of any Node CLI) and curl of the same request (the floor of the request itself), interleaved.
// Usage: node dist/bench/cli-start.js [N=20]
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { encodeQuery } from '../src/cli/client/query.js';
import { readLoginFile } from '../src/config/login-file.js';
import { loginAs, OSMO_BIN } from '../test/e2e/harness.js';
import { startBenchService } from './service-process.js';

const runs = Number(process.argv[2] ?? 20);
const USER = 'bench-user';

/** Wall milliseconds of one child from spawn to exit; a non-zero exit fails the run. */
function timeRun(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      const ms = performance.now() - started;
      if (code === 0) resolve(ms);
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}: ${output}`));
    });
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

async function hasCurl(): Promise<boolean> {
  try {
    await timeRun('curl', ['--version'], process.env);
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const service = await startBenchService({});
  try {
    const configDir = await loginAs(service.url, USER);
    const cliEnv = { ...process.env, OSMO_CONFIG_FILE_DIR: configDir, NO_COLOR: '1' };
    // What `osmo workflow list` sends for a dev login with default flags.
    const url = `${service.url}/api/workflow${encodeQuery({ order: 'DESC', all_pools: true, limit: 20, offset: 0 })}`;
    const login = await readLoginFile(configDir);
    const token = login?.token_login?.id_token;
    if (token === undefined) throw new Error('the dev login stored no token');
    const curlArgs = ['-sf', '-o', '/dev/null', '-H', `Authorization: Bearer ${token}`, url];
    const curl = await hasCurl();
    const cli: number[] = [];
    const bare: number[] = [];
    const peer: number[] = [];
    // One untimed round of each warms the file cache and the service.
    await timeRun(process.execPath, [OSMO_BIN, 'workflow', 'list'], cliEnv);
    if (curl) await timeRun('curl', curlArgs, process.env);
    for (let i = 0; i < runs; i += 1) {
      cli.push(await timeRun(process.execPath, [OSMO_BIN, 'workflow', 'list'], cliEnv));
      bare.push(await timeRun(process.execPath, ['-e', '0'], process.env));
      if (curl) peer.push(await timeRun('curl', curlArgs, process.env));
    }
    const ours = median(cli);
    const floor = median(bare);
    process.stdout.write(`osmo workflow list: median ${ours.toFixed(0)} ms over ${runs} runs\n`);
    process.stdout.write(
      `node -e 0: median ${floor.toFixed(0)} ms; ratio ${(ours / floor).toFixed(2)}x; ` +
        `CLI overhead above node ${(ours - floor).toFixed(0)} ms\n`,
    );
    if (curl) {
      const request = median(peer);
      process.stdout.write(
        `curl of the same request: median ${request.toFixed(0)} ms; ratio ${(ours / request).toFixed(2)}x\n`,
      );
    } else {
      process.stdout.write('curl: not installed, no request figure\n');
    }
  } finally {
    await service.stop();
  }
}

await main();
