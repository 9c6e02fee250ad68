// Starts the real service as its own process and runs the real `osmo` executable against it.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const OSMO_BIN = join(REPO_ROOT, 'bin', 'osmo');

export interface ServiceProcess {
  readonly url: string;
  readonly dataDir: string;
  readonly process: ChildProcess;
  /** SIGTERM and wait. */
  stop(): Promise<void>;
  /** SIGKILL and wait: the service gets no chance to clean up. */
  kill(): Promise<void>;
}

// Every directory a test file made is removed when its process ends, whatever the test did.
const madeDirs: string[] = [];
process.once('exit', () => {
  for (const dir of madeDirs) rmSync(dir, { recursive: true, force: true });
});

export async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `osmo-${prefix}-`));
  madeDirs.push(dir);
  return dir;
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export async function startServiceProcess(
  options: {
    dataDir?: string;
    args?: readonly string[];
    env?: NodeJS.ProcessEnv;
    dev?: boolean;
    /** A service that first queues thousands of prefilled workflows takes longer to listen. */
    startTimeoutMs?: number;
  } = {},
): Promise<ServiceProcess> {
  const dataDir = options.dataDir ?? (await tempDir('svc'));
  const child = spawn(
    process.execPath,
    [
      OSMO_BIN,
      'service',
      'start',
      '--port',
      '0',
      '--data-dir',
      dataDir,
      ...(options.dev === false ? [] : ['--dev']),
      '--log-level',
      'warn',
      // Tests name the backend they exercise: a Docker socket on the test machine must not switch them.
      ...(options.args?.includes('--backend') ? [] : ['--backend', 'process']),
      ...(options.args ?? []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`service did not start: ${stderr}`)),
      options.startTimeoutMs ?? 30_000,
    );
    let listening = false;
    child.stdout?.on('data', (d: Buffer) => {
      // Once it listens, what it prints is only drained: kept and searched again per chunk, a service
      // that logs every request would cost this process more CPU than the service spends answering.
      if (listening) return;
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m?.[1]) {
        listening = true;
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`service exited with ${code}: ${out}${stderr}`));
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    dataDir,
    process: child,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

export interface OsmoResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `osmo <args>` with its own config directory, as a user would. */
export function osmo(configDir: string, args: readonly string[], timeoutMs = 60_000): Promise<OsmoResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [OSMO_BIN, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, OSMO_CONFIG_FILE_DIR: configDir, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`osmo ${args.join(' ')} timed out\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** Logs in with the dev method in a fresh config directory and returns it. */
export async function loginAs(url: string, user: string): Promise<string> {
  const configDir = await tempDir(`cli-${user}`);
  const result = await osmo(configDir, ['login', url, '--method', 'dev', '--username', user]);
  if (result.code !== 0) throw new Error(`login failed: ${result.stdout}${result.stderr}`);
  return configDir;
}

/** A dev-mode access token for `user`, for calling the API directly. */
export async function devToken(url: string, user: string): Promise<string> {
  const r = await apiCall(url, 'POST', '/api/auth/dev/login', null, { username: user });
  if (r.status !== 200) throw new Error(`dev login of ${user} failed: ${r.status} ${r.text}`);
  return (JSON.parse(r.text) as { token: string }).token;
}

/** Polls until `check` returns a value or the time is up. */
export async function eventually<T>(check: () => Promise<T | null>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** One HTTP request to the service with an optional bearer token: its status and body text. */
export async function apiCall(
  baseUrl: string,
  method: string,
  path: string,
  token: string | null,
  body?: unknown,
): Promise<{ status: number; text: string }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, text: await response.text() };
}

/** A loopback TCP port free a moment ago: for a listener the test starts itself. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}
