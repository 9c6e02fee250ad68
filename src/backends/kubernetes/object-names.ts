// Names and labels of what the backend creates, as upstream forms them, made valid for the API.
import { createHash } from 'node:crypto';
import type { AttemptRef, Priority } from '../../core/index.js';

/** Upstream's system label keys, plus ours that tell this backend's objects apart in a shared namespace. */
export const LABELS = {
  workflowId: 'osmo.workflow_id',
  workflowUuid: 'osmo.workflow_uuid',
  groupName: 'osmo.group_name',
  groupUuid: 'osmo.group_uuid',
  submittedBy: 'osmo.submitted_by',
  taskName: 'osmo.task_name',
  taskUuid: 'osmo.task_uuid',
  retryId: 'osmo.retry_id',
  leadContainer: 'osmo.lead_container',
  pool: 'osmo.pool',
  platform: 'osmo.platform',
  priority: 'osmo.priority',
  kaiQueue: 'kai.scheduler/queue',
  legacyQueue: 'runai/queue',
  /** Ours: which osmo backend made the object (several may share a namespace). */
  backend: 'osmo.backend',
} as const;

export const ANNOTATIONS = {
  podGroup: 'pod-group-name',
  /** Ours: the stop osmo asked for, so a restarted service reports it as asked. */
  stop: 'osmo.nvidia.com/stop',
  /** Ours: the attempt's end as reported, so a restarted service replays it. */
  end: 'osmo.nvidia.com/end',
} as const;

export const CLEANUP_FINALIZER = 'osmo.nvidia.com/cleanup';

const LABEL_VALUE_MAX = 63;

/** A label value: at most 63 characters of `[A-Za-z0-9_.-]`, starting and ending alphanumeric. */
export function labelValue(value: string): string {
  return value
    .replace(/[^A-Za-z0-9_.-]/g, '-')
    .slice(0, LABEL_VALUE_MAX)
    .replace(/^[^A-Za-z0-9]+/, '')
    .replace(/[^A-Za-z0-9]+$/, '');
}

/** A DNS-1123 label (lower case, `-`, at most 63), as pod hostnames, container and service names need. */
export function dnsLabel(value: string, max = 63): string {
  return value
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .slice(0, max)
    .replace(/^-+/, '')
    .replace(/-+$/, '');
}

/** Upstream's pod name: the same for every retry of a task, so an old pod goes before its successor. */
export const podName = (ref: AttemptRef): string =>
  dnsLabel(`${ref.workflowUuid.slice(0, 16)}-${ref.taskUuid.slice(0, 16)}`);

/** The user container: the task's name, lower-cased, `_` as `-`. */
export const userContainerName = (taskName: string): string => dnsLabel(taskName.replace(/_/g, '-'));

/** The headless service (and pod subdomain) of a group of several tasks. */
export const groupServiceName = (groupUuid: string): string => dnsLabel(`osmo-${groupUuid}`);

export const podGroupName = (groupUuid: string): string => dnsLabel(groupUuid, 253);

/** Upstream's secret of one injected file: named by the group and the file's digest. */
export function fileSecretName(groupUuid: string, contents: string): string {
  const digest = createHash('sha256').update(contents).digest('hex').slice(0, 32);
  return dnsLabel(`osmo-${groupUuid.slice(0, 16)}-${digest}`);
}

export const registrySecretName = (groupUuid: string): string => dnsLabel(`${groupUuid}-user`, 253);

/**
 * The pod's hostname in its group's subdomain. Upstream uses the task UUID; a task's own name is used
 * here because `{{host:task}}` is resolved knowing only the name of the task it points at.
 */
export const taskHostname = (taskName: string): string => dnsLabel(taskName.replace(/_/g, '-'));

/** What `{{host:task}}` becomes: the task's pod behind its group's headless service. */
export const taskDnsName = (groupUuid: string, taskName: string, namespace: string): string =>
  `${taskHostname(taskName)}.${groupServiceName(groupUuid)}.${namespace}.svc.cluster.local`;

/** The KAI queue of a pool, as upstream names it. */
export const poolQueueName = (namespace: string, pool: string): string => `osmo-pool-${namespace}-${pool}`;

export const priorityClassName = (priority: Priority): string => `osmo-${priority.toLowerCase()}`;

/** Labels on every object of a group. */
export function groupLabels(ref: AttemptRef, backendName: string, submittedBy: string | null) {
  const labels: Record<string, string> = {
    [LABELS.workflowId]: labelValue(ref.workflowId),
    [LABELS.workflowUuid]: labelValue(ref.workflowUuid),
    [LABELS.groupName]: labelValue(ref.groupName),
    [LABELS.groupUuid]: labelValue(ref.groupUuid),
    [LABELS.backend]: labelValue(backendName),
  };
  const user = submittedBy === null ? '' : submittedByLabel(submittedBy);
  if (user !== '') labels[LABELS.submittedBy] = user;
  return labels;
}

/** The user's name as a label value: as it is when valid, else an e-mail's local part, else none. */
function submittedByLabel(user: string): string {
  const valid = (v: string): boolean => /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/.test(v);
  if (valid(user)) return user;
  const local = user.split('@')[0] ?? '';
  return user.includes('@') && valid(local) ? local : '';
}

/** The label selector of one group's objects of this backend. */
export const groupSelector = (groupUuid: string, backendName: string): string =>
  `${LABELS.groupUuid}=${labelValue(groupUuid)},${LABELS.backend}=${labelValue(backendName)}`;

/** The label selector of every pod of this backend. */
export const backendSelector = (backendName: string): string =>
  `${LABELS.backend}=${labelValue(backendName)},${LABELS.taskUuid}`;
