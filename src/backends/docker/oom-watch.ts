// Notices OOM kills of a local engine's containers in their memory cgroup: Podman on cgroup v1 reports none.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EXIT_CODES, type TaskStatus } from '../../core/index.js';

const POLL_MS = 50;

/** Where this host keeps memory cgroups: v1's `memory` hierarchy or v2's unified one. */
export interface CgroupLayout {
  readonly version: 1 | 2;
  /** The directory that cgroup paths (`/libpod_parent/libpod-<id>`) are relative to. */
  readonly root: string;
}

/** The host's layout when the engine runs here (a unix socket) and the cgroup files can be read; else null. */
export function detectCgroupLayout(host: string, root = '/sys/fs/cgroup'): CgroupLayout | null {
  if (!host.startsWith('unix://') && !host.startsWith('/')) return null;
  if (existsSync(join(root, 'cgroup.controllers'))) return { version: 2, root };
  if (existsSync(join(root, 'memory'))) return { version: 1, root: join(root, 'memory') };
  return null;
}

/** The file whose `oom_kill N` line counts the kernel's OOM kills in one cgroup. */
export const oomCountFile = (layout: CgroupLayout, cgroupPath: string): string =>
  join(layout.root, cgroupPath, layout.version === 1 ? 'memory.oom_control' : 'memory.events');

/** The `oom_kill` count in `memory.oom_control` (v1) or `memory.events` (v2) text; 0 when absent. */
export function parseOomKills(text: string): number {
  for (const line of text.split('\n')) {
    const [key, value] = line.trim().split(/\s+/);
    if (key === 'oom_kill' && value !== undefined && /^\d+$/.test(value)) return Number(value);
  }
  return 0;
}

/** The memory cgroup in `/proc/<pid>/cgroup` text: v1's line naming `memory`, v2's `0::` line. */
export function memoryCgroupOf(text: string, version: 1 | 2): string | null {
  for (const line of text.split('\n')) {
    const match = /^\d+:([^:]*):(\/.*)$/.exec(line.trim());
    if (match === null) continue;
    const controllers = match[1] ?? '';
    if (version === 2 ? controllers === '' : controllers.split(',').includes('memory'))
      return match[2] ?? null;
  }
  return null;
}

export const formatMemory = (bytes: number): string => {
  for (const [unit, size] of [
    ['Gi', 1024 ** 3],
    ['Mi', 1024 ** 2],
    ['Ki', 1024],
  ] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return `${bytes} bytes`;
};

export interface OomEnd {
  readonly status: TaskStatus;
  readonly exitCode: number;
  readonly message: string;
}

/** The end of a container that the engine or its cgroup says was OOM-killed (it ends FAILED_EVICTED); null if neither. */
export function oomEnd(engineOomKilled: boolean, cgroupOomKills: number, memoryBytes: number): OomEnd | null {
  if (!engineOomKilled && cgroupOomKills <= 0) return null;
  return {
    status: 'FAILED_EVICTED',
    exitCode: EXIT_CODES.EVICTED,
    message: `OOMKilled: the task exceeded its memory limit of ${formatMemory(memoryBytes)}.`,
  };
}

/**
 * Polls one container's OOM-kill count while it runs. The cgroup is removed soon after the container
 * exits, so the count must be read while it lives; the highest count seen is kept.
 */
export class OomWatcher {
  private file: string;
  private kills = 0;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  /** `guessedPath` lets polling start before the container does, so an instant OOM is not missed. */
  constructor(
    private readonly layout: CgroupLayout,
    guessedPath: string,
    private readonly intervalMs = POLL_MS,
  ) {
    this.file = oomCountFile(layout, guessedPath);
    this.schedule();
  }

  /**
   * A watcher for a memory-limited container on a local engine, else null. It starts on Podman's
   * default cgroupfs path; followPid() then moves it to the cgroup the engine really used.
   */
  static forContainer(
    layout: CgroupLayout | null,
    containerId: string,
    resources: { readonly memoryBytes: number },
  ): OomWatcher | null {
    if (layout === null || resources.memoryBytes <= 0) return null;
    return new OomWatcher(layout, `/libpod_parent/libpod-${containerId}`);
  }

  /** Follows the cgroup the container's process is in (engines and cgroup managers name it differently). */
  async followPid(pid: number): Promise<void> {
    if (pid <= 0) return;
    const text = await readFile(`/proc/${pid}/cgroup`, 'utf8').catch(() => '');
    const path = memoryCgroupOf(text, this.layout.version);
    // A process already gone, or one in the root cgroup (no limit there), leaves the guess in place.
    if (path !== null && path !== '/') this.file = oomCountFile(this.layout, path);
    await this.poll();
  }

  /** Takes a last look, stops polling and returns the OOM kills seen. */
  async stop(): Promise<number> {
    if (this.stopped) return this.kills;
    this.dispose();
    await this.poll();
    return this.kills;
  }

  /** Stops polling without a last look (the attempt ended otherwise or the backend is closing). */
  dispose(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.poll().then(() => this.schedule());
    }, this.intervalMs);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    // Missing before the container starts and after it is cleaned up: nothing to count then.
    const text = await readFile(this.file, 'utf8').catch(() => null);
    if (text !== null) this.kills = Math.max(this.kills, parseOomKills(text));
  }
}
