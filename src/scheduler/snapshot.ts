// What the scheduler decides over: pools, nodes, running attempts and the queue, as plain data.
import type { Priority } from '../core/index.js';

export interface ResourceRequest {
  readonly cpu: number;
  readonly memoryBytes: number;
  readonly gpu: number;
}

export interface NodeCapacity extends ResourceRequest {
  readonly name: string;
  /** The backend that offers this node; a pool only uses nodes of its own backend. */
  readonly backend?: string;
  readonly storageBytes?: number;
  readonly labels?: Readonly<Record<string, string>>;
  /** The machine's real CPU count where `cpu` counts overcommitted scheduling slots; shown in reports. */
  readonly reportedCpu?: number;
}

export interface PlatformShape {
  readonly name: string;
  /** Label selector: a node belongs to the platform when it carries every label with the same value. */
  readonly labels: Readonly<Record<string, string>>;
}

/** -1 means unlimited for guarantee and maximum. */
export interface GpuQuota {
  readonly guarantee: number;
  readonly maximum: number;
  readonly weight: number;
}

export interface PoolShape {
  readonly name: string;
  readonly backend: string;
  readonly platforms: readonly PlatformShape[];
  readonly gpu: GpuQuota;
  /** Why the pool's backend cannot take work now (offline, not configured); absent or null: it can. */
  readonly backendUnavailable?: string | null;
}

export interface RunningAttempt extends ResourceRequest {
  readonly key?: string;
  readonly node: string;
  readonly gpuIndices: readonly number[];
  readonly pool?: string;
  readonly priority?: Priority;
  /** When the backend reported RUNNING; only RUNNING attempts count in quota reports. */
  readonly running?: boolean;
  /** The latest time it may still run (start + exec timeout), when known: for start estimates. */
  readonly deadline?: Date | null;
  /** A stop was already asked for (preemption); its resources are about to be free. */
  readonly stopping?: boolean;
}

export interface QueuedTask extends ResourceRequest {
  readonly key: string;
  /** Null: any node of the pool (a pool without platforms) or the pool's default platform resolved earlier. */
  readonly platform?: string | null;
  readonly nodesExcluded?: readonly string[];
}

export interface QueuedGroup {
  readonly key: string;
  readonly priority: Priority;
  readonly submitTime: Date;
  readonly tasks: readonly QueuedTask[];
  /** Absent: the first pool of the snapshot (single-pool callers). */
  readonly pool?: string;
}

export interface SchedulerSnapshot {
  readonly pools: readonly PoolShape[];
  readonly nodes: readonly NodeCapacity[];
  readonly running: readonly RunningAttempt[];
  readonly queue: readonly QueuedGroup[];
  readonly now?: Date;
}

export const DEFAULT_GPU_QUOTA: GpuQuota = { guarantee: -1, maximum: -1, weight: 1 };

/** A pool that takes every node, for callers that model one pool without platforms. */
export const anyNodePool = (name: string, backend = ''): PoolShape => ({
  name,
  backend,
  platforms: [],
  gpu: DEFAULT_GPU_QUOTA,
});
