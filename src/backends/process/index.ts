// The process backend: tasks as detached runtime processes on this host.
export { createProcessBackend } from './process-backend.js';
export type { ProcessBackend, ProcessBackendOptions } from './process-backend.js';
export { detectHostNode, detectGpus, parseNvidiaSmi } from './host-inventory.js';
export type { GpuInfo } from './host-inventory.js';
