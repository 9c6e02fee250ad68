// Opens a Docker-Engine-compatible API (Docker or Podman, unix socket or TCP) and wraps the calls the backend needs.
import { Agent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import Docker from 'dockerode';
import { serverError } from '../../core/index.js';

// Each engine gets its own connection pool, so closing one releases exactly its sockets.
const agents = new WeakMap<Docker, Agent>();

// docker-modem honours `agent` (its typings omit it).
type EngineOptions = Docker.DockerOptions & { agent: Agent };

/** `unix:///run/podman/podman.sock`, `tcp://host:2375`, or a bare socket path. */
export function openEngine(host: string): Docker {
  let options: EngineOptions;
  if (host.startsWith('unix://') || host.startsWith('/')) {
    const socketPath = host.startsWith('/') ? host : host.slice('unix://'.length);
    options = { socketPath, agent: new Agent({ keepAlive: true }) };
  } else {
    const url = new URL(host.replace(/^tcp:/, 'http:'));
    const protocol = url.protocol === 'https:' ? 'https' : 'http';
    const agent = protocol === 'https' ? new HttpsAgent({ keepAlive: true }) : new Agent({ keepAlive: true });
    options = { protocol, host: url.hostname, port: Number(url.port || 2375), agent };
  }
  const engine = new Docker(options);
  agents.set(engine, options.agent);
  return engine;
}

/** Drops the engine's pooled connections; requests still in flight fail. */
export function closeEngine(engine: Docker): void {
  agents.get(engine)?.destroy();
}

/** Throws a clear error naming the endpoint when the engine does not answer `/_ping`. */
export async function pingEngine(engine: Docker, host: string): Promise<void> {
  try {
    await engine.ping();
  } catch (err) {
    throw serverError(`The container engine at ${host} is not reachable: ${errorText(err)}`);
  }
}

/** The engine's HTTP status of a failed call, if it has one. */
export const statusOf = (err: unknown): number | null => {
  const code = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : null;
};

export const errorText = (err: unknown): string => {
  const json = (err as { json?: { message?: unknown } } | null)?.json;
  if (json && typeof json.message === 'string') return json.message;
  return err instanceof Error ? err.message : String(err);
};

export interface PullAuth {
  readonly username: string;
  readonly password: string;
  readonly serveraddress: string;
}

/** Pulls an image unless the engine already has it; throws with the engine's reason. */
export async function ensureImage(engine: Docker, image: string, auth: PullAuth | null): Promise<void> {
  try {
    await engine.getImage(image).inspect();
    return;
  } catch (err) {
    if (statusOf(err) !== 404) throw err;
  }
  const stream = await engine.pull(image, auth === null ? {} : { authconfig: auth });
  await new Promise<void>((resolve, reject) => {
    engine.modem.followProgress(
      stream,
      (err: Error | null, events: readonly { error?: string; errorDetail?: { message?: string } }[]) => {
        const failed = events.find((e) => e.error !== undefined || e.errorDetail !== undefined);
        if (err) reject(err);
        else if (failed) reject(new Error(failed.errorDetail?.message ?? failed.error ?? 'pull failed'));
        else resolve();
      },
    );
  });
  // Podman's compat pull may report an error only by not having the image afterwards.
  await engine.getImage(image).inspect();
}

/** Splits the engine's multiplexed log stream (8-byte frame headers when no TTY) into stdout/stderr chunks. */
export class FrameDemuxer {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): { stream: 'STDOUT' | 'STDERR'; data: Buffer }[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: { stream: 'STDOUT' | 'STDERR'; data: Buffer }[] = [];
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) break;
      const kind = this.pending[0];
      frames.push({ stream: kind === 2 ? 'STDERR' : 'STDOUT', data: this.pending.subarray(8, 8 + size) });
      this.pending = this.pending.subarray(8 + size);
    }
    return frames;
  }
}
