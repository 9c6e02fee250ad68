// The README quickstart: start the embedded service, log in, submit the two-task example, watch it, show its log.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const home = join(root, '.osmo-quickstart');
const dataDir = join(home, 'data');
const env = { ...process.env, OSMO_CONFIG_FILE_DIR: join(home, 'cli') };
const osmoBin = join(root, 'bin', 'osmo');
mkdirSync(home, { recursive: true });

function osmo(args, capture = false) {
  const result = spawnSync(process.execPath, [osmoBin, ...args], {
    env,
    encoding: 'utf8',
    stdio: capture ? ['ignore', 'pipe', 'inherit'] : 'inherit',
  });
  if (capture) process.stdout.write(result.stdout);
  return result;
}

// Port 0: any free port, so a second run (or a service already on 8000) never clashes.
const service = spawn(
  process.execPath,
  [osmoBin, 'service', 'start', '--port', '0', '--dev', '--data-dir', dataDir, '--log-level', 'warn'],
  { env, stdio: ['ignore', 'pipe', 'inherit'] },
);
const url = await new Promise((resolveUrl, reject) => {
  let out = '';
  service.stdout.on('data', (chunk) => {
    out += chunk;
    const match = /listening on (\S+)/.exec(out);
    if (match) resolveUrl(match[1]);
  });
  service.once('exit', (code) => reject(new Error(`the service exited with code ${code}`)));
});
console.log(`osmo service running at ${url} (data in ${dataDir})\n`);

let exitCode;
try {
  if (osmo(['login', url, '--method', 'dev', '--username', 'quickstart']).status !== 0)
    throw new Error('login failed');
  console.log();
  const submitted = osmo(['workflow', 'submit', join(root, 'examples', 'quickstart.yaml'), '--watch'], true);
  exitCode = submitted.status ?? 1;
  const id = /Workflow ID\s+-\s+(\S+)/.exec(submitted.stdout)?.[1];
  if (id) {
    console.log(`\nThe log of task consume:`);
    osmo(['workflow', 'logs', id, '--task', 'consume']);
    console.log(`\nOutputs of ${id} are in ${join(dataDir, 'storage', 'workflows', id, 'outputs')}`);
    console.log(`\nWeb UI: ${url}/workflows/${id} (sign in with "Dev mode" as quickstart)`);
  }
  // At a terminal the service stays up so the UI can be opened; scripts and CI get it stopped at once.
  if (process.stdin.isTTY && process.stdout.isTTY) {
    console.log('The service keeps running for the web UI: press Ctrl-C to stop it.');
    await new Promise((resolveStop) => process.once('SIGINT', resolveStop));
  }
} finally {
  service.kill('SIGTERM');
}
process.exitCode = exitCode ?? 1;
