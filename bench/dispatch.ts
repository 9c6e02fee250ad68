// Dispatch benchmark: (1) N one-task workflows through the service's scheduler on the process backend
// (workflows/s, p50/p99 submit-to-RUNNING); (2) the pure scheduler on a synthetic snapshot (decisions/s).
// Usage: node dist/bench/dispatch.js [N=1000] [nodes=10000] [queued=100000]
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Priority } from '../src/core/index.js';
import type { NodeCapacity, PoolShape, QueuedGroup, RunningAttempt } from '../src/scheduler/index.js';
import { planSnapshot } from '../src/scheduler/index.js';
import { percentile, runSubmitLoad } from './submit-load.js';

const total = Number(process.argv[2] ?? 1000);
const nodeCount = Number(process.argv[3] ?? 10_000);
const queuedCount = Number(process.argv[4] ?? 100_000);
const GIB = 1024 ** 3;

async function serviceRun(): Promise<void> {
  // Four declared 8-GPU nodes in one pool: the scheduler places every workflow.
  const nodes = Array.from({ length: 4 }, (_, i) => ({
    name: `n${i}`,
    cpu: 256,
    memoryBytes: 1024 * GIB,
    gpu: 8,
  }));
  const r = await runSubmitLoad(total, 16, async (dataDir) => {
    const configFile = join(dataDir, 'pools.yaml');
    await writeFile(
      configFile,
      JSON.stringify({
        backends: [{ name: 'local', nodes }],
        pools: { default: { backend: 'local', default_platform: 'gpu', platforms: { gpu: {} } } },
      }),
    );
    return { configFile };
  });
  process.stdout.write(
    `service: ${total} workflows in ${r.allSeconds.toFixed(1)} s = ${(total / r.allSeconds).toFixed(1)} workflows/s; ` +
      `submit-to-RUNNING p50 ${percentile(r.toRunning, 50).toFixed(0)} ms, p99 ${percentile(r.toRunning, 99).toFixed(0)} ms\n`,
  );
}

function syntheticRun(): void {
  const platforms = ['h100', 'a100', 'l40s', 'cpu'];
  const nodes: NodeCapacity[] = Array.from({ length: nodeCount }, (_, i) => ({
    name: `node-${i}`,
    cpu: 128,
    memoryBytes: 1024 * GIB,
    gpu: i % 4 === 3 ? 0 : 8,
    backend: 'b',
    labels: { platform: platforms[i % 4] ?? 'cpu' },
  }));
  const pools: PoolShape[] = Array.from({ length: 8 }, (_, i) => ({
    name: `pool-${i}`,
    backend: 'b',
    platforms: platforms.map((p) => ({ name: p, labels: { platform: p } })),
    gpu: { guarantee: i % 2 === 0 ? -1 : 4000, maximum: -1, weight: 1 + (i % 3) },
  }));
  // A quarter of the GPUs already busy, some of it LOW.
  const running: RunningAttempt[] = [];
  for (let i = 0; i < nodeCount; i += 4) {
    running.push({
      key: `r${i}`,
      node: `node-${i}`,
      cpu: 8,
      memoryBytes: 64 * GIB,
      gpu: 8,
      gpuIndices: [0, 1, 2, 3, 4, 5, 6, 7],
      pool: `pool-${i % 8}`,
      priority: i % 3 === 0 ? 'LOW' : 'NORMAL',
      running: true,
    });
  }
  const priorities: Priority[] = ['HIGH', 'NORMAL', 'NORMAL', 'LOW'];
  const queue: QueuedGroup[] = Array.from({ length: queuedCount }, (_, i) => ({
    key: `g${i}`,
    pool: `pool-${i % 8}`,
    priority: priorities[i % 4] ?? 'NORMAL',
    submitTime: new Date(i),
    tasks: [
      {
        key: `t${i}`,
        cpu: 2,
        memoryBytes: 8 * GIB,
        gpu: i % 5 === 0 ? 0 : 1 + (i % 2),
        platform: platforms[i % 3] ?? 'h100',
        nodesExcluded: [],
      },
    ],
  }));
  const t0 = performance.now();
  const plan = planSnapshot({ pools, nodes, running, queue });
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(
    `scheduler: ${nodeCount} nodes, ${queuedCount} queued tasks: ${seconds.toFixed(2)} s = ` +
      `${Math.round(queuedCount / seconds)} decisions/s (${plan.launch.length} launched, ` +
      `${plan.preempt.length} preempted, ${plan.waiting.length} waiting)\n`,
  );
}

syntheticRun();
if (total > 0) await serviceRun();
