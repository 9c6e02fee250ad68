// Test fixture: Debian's docker-registry on loopback with htpasswd auth, and an image pushed to it.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TEST_IMAGE } from './podman-fixture.js';

const run = promisify(execFile);

export const REGISTRY_USER = 'osmo-user';
export const REGISTRY_PASSWORD = 'registry-secret-42';

export interface TestRegistry {
  /** `127.0.0.1:PORT`. */
  readonly host: string;
  /** Pass to `startTestEngine`: the engine must be told this plain-HTTP registry needs no TLS. */
  readonly engineEnv: NodeJS.ProcessEnv;
  /** Pushes the busybox test image as `<host>/<name>` through the engine's podman; returns that reference. */
  push(engineEnv: NodeJS.ProcessEnv, name: string): Promise<string>;
  stop(): Promise<void>;
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });

/** Starts the registry; start the engine after it, with `engineEnv`. */
export async function startTestRegistry(): Promise<TestRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'osmo-registry-'));
  const port = await freePort();
  const { stdout: htpasswd } = await run('htpasswd', ['-Bbn', REGISTRY_USER, REGISTRY_PASSWORD]);
  await writeFile(join(dir, 'htpasswd'), htpasswd);
  await writeFile(
    join(dir, 'config.yml'),
    [
      'version: 0.1',
      'storage:',
      `  filesystem: {rootdirectory: ${join(dir, 'data')}}`,
      'http:',
      `  addr: 127.0.0.1:${port}`,
      'auth:',
      '  htpasswd:',
      '    realm: osmo-test',
      `    path: ${join(dir, 'htpasswd')}`,
      '',
    ].join('\n'),
  );
  const registry: ChildProcess = spawn('docker-registry', ['serve', join(dir, 'config.yml')], {
    stdio: 'ignore',
  });
  const host = `127.0.0.1:${port}`;
  await writeFile(join(dir, 'registries.conf'), `[[registry]]\nlocation = "${host}"\ninsecure = true\n`);
  return {
    host,
    engineEnv: { CONTAINERS_REGISTRIES_CONF: join(dir, 'registries.conf') },
    async push(engineEnv, name) {
      const image = `${host}/${name}`;
      // The registry may still be starting: retry for about ten seconds.
      for (let i = 0; ; i++) {
        const args = ['push', '--tls-verify=false', '--creds', `${REGISTRY_USER}:${REGISTRY_PASSWORD}`];
        const pushed = await run('podman', [...args, TEST_IMAGE, `docker://${image}`], {
          env: engineEnv,
        }).then(
          () => true,
          (err: unknown) => (i > 50 ? Promise.reject(err) : false),
        );
        if (pushed) return image;
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    async stop() {
      registry.kill('SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
  };
}
