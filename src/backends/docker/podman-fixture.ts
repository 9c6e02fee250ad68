// Test fixture: a real Podman API socket (runc, explicit ulimits) and locally built busybox images.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, copyFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openEngine } from './engine-client.js';

const run = promisify(execFile);

/** The image every container test uses: busybox-static, no other program, no package manager. */
/** Why tests that need Podman cannot run here, or false when it is installed. */
export function podmanMissingReason(needs: string): string | false {
  try {
    execFileSync('podman', ['--version'], { stdio: 'ignore' });
    return false;
  } catch {
    return `podman is not installed: ${needs} a Docker-compatible engine (.ci/run installs it)`;
  }
}

export const TEST_IMAGE = 'localhost/osmo-test-busybox:latest';
/**
 * A shell snippet for the test image that accepts one TCP connection and prints what it received.
 * Busybox's nc half-closes the connection as soon as its own stdin ends, and a container's stdin is
 * empty: a client that sees that close before sending exits without sending. A FIFO held open on
 * fd 3 keeps the listener's stdin open, so it only reads.
 */
export const listenOnce = (port: number): string =>
  `mkfifo /tmp/hold; exec 3<>/tmp/hold; nc -l -p ${port} <&3`;
/** The contract suite names this image; here it is the same busybox image under that name. */
export const CONTRACT_IMAGE = 'docker.io/library/ubuntu:24.04';
const APPLETS = [
  'sh',
  'echo',
  'cat',
  'ls',
  'sleep',
  'true',
  'mkdir',
  'printf',
  'kill',
  'nc',
  'head',
  'dd',
  'env',
];

// This machine's Podman needs runc and explicit ulimits (crun and the inherited limits fail here).
export const CONTAINERS_CONF = `[containers]
default_ulimits = ["nofile=1024:1024","nproc=1024:1024"]
[engine]
runtime = "runc"
`;

export interface TestEngine {
  readonly host: string;
  readonly env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

/** Starts `podman system service` on a private socket and builds the test images once per machine. */
export async function startTestEngine(extraEnv: NodeJS.ProcessEnv = {}): Promise<TestEngine> {
  const dir = await mkdtemp(join(tmpdir(), 'osmo-podman-'));
  const conf = join(dir, 'containers.conf');
  await writeFile(conf, CONTAINERS_CONF);
  // eslint-disable-next-line no-restricted-properties -- a test fixture: the engine inherits this environment
  const env = { ...process.env, CONTAINERS_CONF: conf, ...extraEnv };
  await buildTestImage(env, dir);
  const socket = join(dir, 'podman.sock');
  const child: ChildProcess = spawn('podman', ['system', 'service', '--time=0', `unix://${socket}`], {
    env,
    stdio: 'ignore',
    // conmon writes an `oom` marker file into its working directory when a container is OOM-killed.
    cwd: dir,
  });
  const host = `unix://${socket}`;
  const engine = openEngine(host);
  for (let i = 0; ; i++) {
    const ok = await engine.ping().then(
      () => true,
      () => false,
    );
    if (ok) break;
    if (i > 100) throw new Error('podman system service did not answer within 10 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    host,
    env,
    stop: async () => {
      child.kill('SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function buildTestImage(env: NodeJS.ProcessEnv, dir: string): Promise<void> {
  const exists = await run('podman', ['image', 'exists', TEST_IMAGE], { env }).then(
    () => true,
    () => false,
  );
  if (!exists) {
    const root = join(dir, 'rootfs');
    await mkdir(join(root, 'bin'), { recursive: true });
    await mkdir(join(root, 'tmp'), { recursive: true });
    await copyFile('/bin/busybox', join(root, 'bin', 'busybox'));
    for (const applet of APPLETS) await symlink('busybox', join(root, 'bin', applet));
    await run('tar', ['-C', root, '-cf', join(dir, 'rootfs.tar'), '.']);
    await run('podman', ['import', join(dir, 'rootfs.tar'), TEST_IMAGE], { env });
  }
  const tagged = await run('podman', ['image', 'exists', CONTRACT_IMAGE], { env }).then(
    () => true,
    () => false,
  );
  if (!tagged) await run('podman', ['tag', TEST_IMAGE, CONTRACT_IMAGE], { env });
}
