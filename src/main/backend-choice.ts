// Which backend the default pool gets when the admin names none: a usable container engine, else processes.
import { request } from 'node:http';
import { join } from 'node:path';

export type BackendKind = 'process' | 'docker' | 'slurm';

export interface BackendChoice {
  readonly backend: BackendKind;
  /** The engine endpoint the docker backend talks to (also set when processes were chosen). */
  readonly dockerHost: string;
  /** One line for the admin: what was chosen and why. */
  readonly reason: string;
}

/** Where Docker and Podman listen by default, most common first. */
export function candidateSockets(env: NodeJS.ProcessEnv): string[] {
  const sockets = ['unix:///var/run/docker.sock'];
  if (env.XDG_RUNTIME_DIR) sockets.push(`unix://${join(env.XDG_RUNTIME_DIR, 'podman', 'podman.sock')}`);
  sockets.push('unix:///run/podman/podman.sock');
  return sockets;
}

/** A probe must not hold up a service start on a hung engine. */
const PROBE_TIMEOUT_MS = 2_000;

interface Answer {
  readonly status: number;
  readonly body: string;
}

function get(host: string, path: string): Promise<Answer> {
  const target = host.startsWith('/')
    ? { socketPath: host }
    : host.startsWith('unix://')
      ? { socketPath: host.slice('unix://'.length) }
      : (() => {
          const url = new URL(host.replace(/^tcp:/, 'http:'));
          return { host: url.hostname, port: Number(url.port || 2375) };
        })();
  return new Promise((resolve, reject) => {
    const req = request({ ...target, path, method: 'GET', timeout: PROBE_TIMEOUT_MS }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${PROBE_TIMEOUT_MS / 1000} s`)));
    req.on('error', reject);
    req.end();
  });
}

const problem = (err: unknown): string => {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return 'no socket';
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'EACCES') return 'permission denied';
  return err instanceof Error ? err.message : String(err);
};

/**
 * Usable means the engine answers `/_ping` and `/info`: a socket file left behind by a stopped engine,
 * or one this user may not open, is not. Returns the engine's name and version, or why not.
 */
export async function probeEngine(
  host: string,
): Promise<{ ok: true; engine: string } | { ok: false; why: string }> {
  try {
    const ping = await get(host, '/_ping');
    if (ping.status !== 200) return { ok: false, why: `/_ping answered ${ping.status}` };
    const info = await get(host, '/info');
    if (info.status !== 200) return { ok: false, why: `/info answered ${info.status}` };
    JSON.parse(info.body);
    // Podman names itself among `/version`'s components; Docker does not. The name is only for the line.
    const version = await get(host, '/version').catch(() => null);
    const parsed = version?.status === 200 ? (JSON.parse(version.body) as { Version?: unknown }) : {};
    const podman = version !== null && /podman/i.test(version.body);
    const number = typeof parsed.Version === 'string' ? ` ${parsed.Version}` : '';
    return { ok: true, engine: `${podman ? 'Podman' : 'Docker'}${number}` };
  } catch (err) {
    return { ok: false, why: problem(err) };
  }
}

/**
 * An explicit backend always wins. Otherwise a usable engine at DOCKER_HOST (when set, only there, as
 * the docker CLI does) or at a default socket runs tasks in their images; without one, tasks run as
 * sandboxed local processes.
 */
export async function chooseBackend(
  explicit: BackendKind | null,
  dockerHost: string | null,
  env: NodeJS.ProcessEnv,
): Promise<BackendChoice> {
  const fallbackHost = dockerHost ?? 'unix:///var/run/docker.sock';
  if (explicit !== null) {
    const where = explicit === 'docker' ? ` at ${fallbackHost}` : '';
    return {
      backend: explicit,
      dockerHost: fallbackHost,
      reason: `${explicit}${where} (chosen with --backend or $OSMO_BACKEND)`,
    };
  }
  const candidates = dockerHost !== null ? [dockerHost] : candidateSockets(env);
  const failures: string[] = [];
  for (const host of candidates) {
    const probe = await probeEngine(host);
    if (probe.ok) {
      return {
        backend: 'docker',
        dockerHost: host,
        reason: `docker: ${probe.engine} answers at ${host}, tasks run in their images (--backend process for local processes)`,
      };
    }
    failures.push(`${host}: ${probe.why}`);
  }
  return {
    backend: 'process',
    dockerHost: fallbackHost,
    reason: `process: no usable container engine (${failures.join('; ')}), tasks run as sandboxed local processes`,
  };
}
