// The CPUs and memory this process may really use: the host's, narrowed by its cgroup's limits.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What a cgroup hierarchy allows; null where it sets no limit. */
export interface CgroupLimits {
  readonly cpu: number | null;
  readonly memoryBytes: number | null;
}

/**
 * cgroup v1 reports "no limit" on memory as a huge page-aligned number (about 2^63); anything beyond
 * what any machine has is treated as unlimited.
 */
const V1_UNLIMITED_BYTES = 2 ** 60;

/** `cpu.max` of cgroup v2: "max 100000" (no limit) or "<quota> <period>" in microseconds. */
export function parseCpuMax(text: string): number | null {
  const [quota, period] = text.trim().split(/\s+/);
  if (quota === undefined || quota === 'max') return null;
  return cpuFromQuota(Number(quota), Number(period ?? 100_000));
}

/** `memory.max` of cgroup v2: "max" or a byte count. */
export function parseMemoryMax(text: string): number | null {
  const value = text.trim();
  if (value === 'max' || value === '') return null;
  const bytes = Number(value);
  return Number.isFinite(bytes) && bytes > 0 ? bytes : null;
}

/** `cpu.cfs_quota_us` and `cpu.cfs_period_us` of cgroup v1; a quota of -1 means no limit. */
export function parseCfsQuota(quotaText: string, periodText: string): number | null {
  const quota = Number(quotaText.trim());
  if (!(quota > 0)) return null;
  return cpuFromQuota(quota, Number(periodText.trim()));
}

/** `memory.limit_in_bytes` of cgroup v1. */
export function parseV1MemoryLimit(text: string): number | null {
  const bytes = Number(text.trim());
  return Number.isFinite(bytes) && bytes > 0 && bytes < V1_UNLIMITED_BYTES ? bytes : null;
}

/** A fractional quota (1.5 CPUs) still lets a task run on two cores part-time: round up, at least 1. */
function cpuFromQuota(quota: number, period: number): number | null {
  if (!(quota > 0) || !(period > 0)) return null;
  return Math.max(1, Math.ceil(quota / period));
}

/** The cgroup path of each hierarchy from `/proc/self/cgroup` lines "id:controllers:path". */
export function parseProcCgroup(text: string): { v2: string | null; v1: Map<string, string> } {
  let v2: string | null = null;
  const v1 = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line.trim());
    if (!m) continue;
    const [, id, controllers = '', path = '/'] = m;
    if (id === '0' && controllers === '') v2 = path;
    else for (const c of controllers.split(',')) if (c !== '') v1.set(c, path);
  }
  return { v2, v1 };
}

const readText = (file: string): Promise<string | null> => readFile(file, 'utf8').catch(() => null);

/** The directory and each ancestor up to the mount root: a parent's limit binds its children too. */
function ancestors(mount: string, path: string): string[] {
  const parts = path.split('/').filter(Boolean);
  const out: string[] = [];
  for (let i = parts.length; i >= 0; i--) out.push(join(mount, ...parts.slice(0, i)));
  return out;
}

const tightest = (values: readonly (number | null)[]): number | null =>
  values.reduce<number | null>((min, v) => (v === null ? min : min === null ? v : Math.min(min, v)), null);

/**
 * Reads the limits of this process's cgroups under `root` (`/` on a real machine, a fixture tree in
 * tests). Inside a container the cgroup path from `/proc/self/cgroup` often names the host's view while
 * the namespace mounts its own cgroup at the mount root, so the mount root is always read as well.
 */
export async function readCgroupLimits(root = '/'): Promise<CgroupLimits> {
  const procText = await readText(join(root, 'proc', 'self', 'cgroup'));
  const { v2, v1 } = parseProcCgroup(procText ?? '');
  const mount = join(root, 'sys', 'fs', 'cgroup');
  const cpus: (number | null)[] = [];
  const memories: (number | null)[] = [];
  if (v2 !== null) {
    for (const dir of ancestors(mount, v2)) {
      const cpu = await readText(join(dir, 'cpu.max'));
      if (cpu !== null) cpus.push(parseCpuMax(cpu));
      const memory = await readText(join(dir, 'memory.max'));
      if (memory !== null) memories.push(parseMemoryMax(memory));
    }
  }
  const cpuPath = v1.get('cpu');
  if (cpuPath !== undefined) {
    const controllerDir =
      (await readText(join(mount, 'cpu,cpuacct', 'cpu.cfs_period_us'))) !== null ? 'cpu,cpuacct' : 'cpu';
    for (const dir of ancestors(join(mount, controllerDir), cpuPath)) {
      const quota = await readText(join(dir, 'cpu.cfs_quota_us'));
      const period = await readText(join(dir, 'cpu.cfs_period_us'));
      if (quota !== null && period !== null) cpus.push(parseCfsQuota(quota, period));
    }
  }
  const memoryPath = v1.get('memory');
  if (memoryPath !== undefined) {
    for (const dir of ancestors(join(mount, 'memory'), memoryPath)) {
      const limit = await readText(join(dir, 'memory.limit_in_bytes'));
      if (limit !== null) memories.push(parseV1MemoryLimit(limit));
    }
  }
  return { cpu: tightest(cpus), memoryBytes: tightest(memories) };
}

/** The host's figures narrowed by the cgroup's: the smaller of each wins. */
export function effectiveResources(
  host: { readonly cpu: number; readonly memoryBytes: number },
  limits: CgroupLimits,
): { cpu: number; memoryBytes: number } {
  return {
    cpu: limits.cpu === null ? host.cpu : Math.min(host.cpu, limits.cpu),
    memoryBytes:
      limits.memoryBytes === null ? host.memoryBytes : Math.min(host.memoryBytes, limits.memoryBytes),
  };
}
