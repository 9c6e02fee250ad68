// The Slurm backend: each group one Slurm job, its tasks under the task runtime on the allocated nodes.
export { createSlurmBackend } from './slurm-backend.js';
export type { SlurmBackend, SlurmBackendOptions } from './slurm-backend.js';
export { DEFAULT_NICE, sbatchArguments, stepArguments, batchScript } from './job-request.js';
export type { JobRequest, SlurmPolicy, TaskRequest } from './job-request.js';
export { JobManifestSchema, jobManifestPath, resolveHosts, hostPlaceholder } from './job-manifest.js';
export type { JobManifest } from './job-manifest.js';
export {
  assignTasksToNodes,
  gpuCount,
  nodeInventory,
  parseJobRecord,
  parseNodes,
  parseSacct,
  parseSqueue,
  parseTasksPerNode,
} from './slurm-records.js';
export type { SlurmNode } from './slurm-records.js';
export { endOfLostAttempt, isControllerUnreachable, isJobActive } from './job-states.js';
