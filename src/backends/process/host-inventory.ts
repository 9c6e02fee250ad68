// Detects this host as the process backend's one node: CPUs, memory, disk of the work root, GPUs.
import { execFile } from 'node:child_process';
import { statfs } from 'node:fs/promises';
import { availableParallelism, hostname, totalmem } from 'node:os';
import type { NodeInventory } from '../backend.js';
import { effectiveResources, readCgroupLimits } from './host-limits.js';

const NVIDIA_SMI_TIMEOUT_MS = 10_000;

export async function detectHostNode(
  workRoot: string,
  labels: Readonly<Record<string, string>>,
): Promise<NodeInventory> {
  const disk = await statfs(workRoot);
  // A container or systemd slice may grant fewer CPUs and less memory than the machine has.
  const { cpu, memoryBytes } = effectiveResources(
    { cpu: availableParallelism(), memoryBytes: totalmem() },
    await readCgroupLimits(),
  );
  return {
    name: hostname(),
    cpu,
    memoryBytes,
    storageBytes: disk.blocks * disk.bsize,
    gpu: (await detectGpus()).length,
    labels: { ...labels },
  };
}

export interface GpuInfo {
  readonly index: number;
  readonly name: string;
  readonly memoryMiB: number;
}

/** GPUs from `nvidia-smi`; none when the tool is absent or fails (a host without NVIDIA GPUs). */
export function detectGpus(): Promise<readonly GpuInfo[]> {
  return new Promise((resolve) => {
    execFile(
      'nvidia-smi',
      ['--query-gpu=index,name,memory.total', '--format=csv,noheader,nounits'],
      { timeout: NVIDIA_SMI_TIMEOUT_MS },
      (err, stdout) => resolve(err === null ? parseNvidiaSmi(stdout) : []),
    );
  });
}

/** Parses `index, name, memory` CSV lines (memory in MiB, with or without the unit). */
export function parseNvidiaSmi(csv: string): GpuInfo[] {
  const gpus: GpuInfo[] = [];
  for (const line of csv.split('\n')) {
    const parts = line.split(',').map((p) => p.trim());
    const [index, name, memory] = parts;
    if (index === undefined || name === undefined || memory === undefined || !/^\d+$/.test(index)) continue;
    gpus.push({ index: Number(index), name, memoryMiB: Number.parseInt(memory, 10) || 0 });
  }
  return gpus;
}
