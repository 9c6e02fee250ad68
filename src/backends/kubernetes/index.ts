// The Kubernetes backend: each attempt a pod beside its group's secrets, PodGroup and headless service.
export { createKubernetesBackend } from './kubernetes-backend.js';
export type { KubernetesBackend, KubernetesBackendOptions } from './kubernetes-backend.js';
export type { ClusterAccess } from './cluster-client.js';
export { attemptObjects, DEFAULT_PLACEMENT, podLaunchFile } from './attempt-objects.js';
export type {
  AttemptObjects,
  ClusterSettings,
  PodGroupObject,
  PodPlacement,
  SchedulerSettings,
} from './attempt-objects.js';
export { mergeTemplates } from './pod-template.js';
export type { TemplateNode, TemplateObject } from './pod-template.js';
export { podTaskStatus, adjustedExitCode } from './pod-status.js';
export type { PodTaskStatus } from './pod-status.js';
export { nodeInventory, parseQuantity, isNodeAvailable } from './node-inventory.js';
export { RequestBudget, DEFAULT_QPS, DEFAULT_BURST } from './request-budget.js';
export { taskDnsName, podName, poolQueueName, priorityClassName } from './object-names.js';
