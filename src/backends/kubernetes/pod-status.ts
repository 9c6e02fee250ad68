// A pod's state as the task status it means, exit code and message: pure, time passed in as a value.
import type { V1ContainerStatus, V1Pod, V1PodCondition } from '@kubernetes/client-node';
import { EXIT_CODES, type TaskStatus } from '../../core/index.js';

export interface PodTaskStatus {
  readonly status: TaskStatus;
  readonly exitCode: number | null;
  readonly message: string | null;
}

/** Container names with a meaning of their own; any other container is a user container. */
export const CONTAINER_NAMES = { init: 'osmo-init', ctrl: 'osmo-ctrl', preflight: 'preflight-test' } as const;

const DISPLAY_NAMES: Readonly<Record<string, string>> = {
  [CONTAINER_NAMES.init]: 'OSMO Init',
  [CONTAINER_NAMES.ctrl]: 'OSMO Control',
  [CONTAINER_NAMES.preflight]: 'Preflight Test',
};

/** Waiting reasons that end (or may end) a pod, matched as substrings, and the exit code of each. */
const WAITING_ERROR_MARKS = [
  'Failed',
  'BackOff',
  'Error',
  'ErrImagePull',
  'ImagePullBackOff',
  'ContainerStatusUnknown',
];
const WAITING_REASON_CODES: Readonly<Record<string, number>> = {
  ImagePullBackOff: EXIT_CODES.IMAGE_PULL_BACKOFF,
  ErrImagePull: EXIT_CODES.ERR_IMAGE_PULL,
  CreateContainerConfigError: 303,
  CrashLoopBackOff: EXIT_CODES.CRASH_LOOP_BACKOFF,
  ContainerStatusUnknown: EXIT_CODES.CONTAINER_STATUS_UNKNOWN,
};
/** How long a pod may sit not Ready on a config error, or with a container of unknown state, before it fails. */
const CONFIG_ERROR_LIMIT_MS = 10 * 60_000;
const STATUS_UNKNOWN_LIMIT_MS = 30 * 60_000;

/** The container's code as the task's exit code: init, preflight and ctrl codes are offset apart from the user's. */
export function adjustedExitCode(
  container: string,
  code: number,
  message: string | null | undefined,
): number {
  switch (container) {
    case CONTAINER_NAMES.init:
      return EXIT_CODES.INIT_OFFSET + code;
    case CONTAINER_NAMES.preflight:
      return EXIT_CODES.PREFLIGHT_OFFSET + code;
    case CONTAINER_NAMES.ctrl:
      return EXIT_CODES.SIDECAR_OFFSET + (ctrlCode(message) ?? code);
    default:
      return code;
  }
}

/** The control container writes `{"code": N}` as its termination message when it knows why it failed. */
function ctrlCode(message: string | null | undefined): number | null {
  if (message === null || message === undefined) return null;
  try {
    const parsed: unknown = JSON.parse(message);
    if (typeof parsed === 'object' && parsed !== null && 'code' in parsed) {
      const code = (parsed as { code: unknown }).code;
      if (typeof code === 'number' && Number.isInteger(code)) return code;
    }
  } catch {
    return null; // a free-text message carries no code: the raw exit code stands
  }
  return null;
}

interface Failure {
  readonly line: string;
  readonly exitCode: number;
  readonly oomKilled: boolean;
}

/** Every container that terminated other than `Completed`, init containers first. */
function failures(statuses: readonly V1ContainerStatus[]): Failure[] {
  const found: Failure[] = [];
  for (const s of statuses) {
    const t = s.state?.terminated;
    if (t === undefined || t.reason === 'Completed') continue;
    const exitCode = adjustedExitCode(s.name, t.exitCode, t.message);
    const name = DISPLAY_NAMES[s.name] ?? s.name;
    const said = t.message ? `: ${t.message}` : '';
    found.push({
      line: `- ${name}: Exit code ${t.exitCode} (${t.reason ?? 'Unknown'})${said}`,
      exitCode,
      oomKilled: t.reason === 'OOMKilled',
    });
  }
  return found;
}

const maxCode = (list: readonly Failure[]): number | null =>
  list.length === 0 ? null : Math.max(...list.map((f) => f.exitCode));

/** Milliseconds the pod's `Ready` condition has been False at `now`; 0 when it is not False. */
function notReadyForMs(conditions: readonly V1PodCondition[], now: Date): number {
  const ready = conditions.find((c) => c.type === 'Ready');
  if (ready === undefined || ready.status !== 'False' || ready.lastTransitionTime === undefined) return 0;
  return now.getTime() - new Date(ready.lastTransitionTime).getTime();
}

/**
 * What a pod's state means for its task: preemption first, then the phase, refined by the containers'
 * states, waiting errors, and finally the pod-level reason (eviction, start or admission errors).
 */
export function podTaskStatus(pod: V1Pod, now: Date): PodTaskStatus {
  const status = pod.status ?? {};
  const conditions = status.conditions ?? [];
  const containers = status.containerStatuses ?? [];
  const inits = status.initContainerStatuses ?? [];
  const podName = pod.metadata?.name ?? '';

  const preempted = conditions.find((c) => c.status === 'True' && c.reason === 'PreemptionByScheduler');
  if (preempted !== undefined) {
    const at = preempted.lastTransitionTime === undefined ? now : new Date(preempted.lastTransitionTime);
    return {
      status: 'FAILED_PREEMPTED',
      exitCode: EXIT_CODES.PREEMPTED,
      message: `Pod was preempted at ${at.toISOString()}.`,
    };
  }

  let result: PodTaskStatus = baseline(status.phase);
  if (inits.some((s) => ['ContainerCreating', 'PodInitializing'].includes(s.state?.waiting?.reason ?? ''))) {
    result = { status: 'INITIALIZING', exitCode: null, message: null };
  }

  if (status.phase === 'Running') {
    const ending = containers.some(
      (s) =>
        (s.name === CONTAINER_NAMES.ctrl && s.state?.terminated !== undefined) ||
        s.state?.terminated?.reason === 'StartError',
    );
    const failed = ending ? failures(containers) : [];
    if (failed.length > 0) {
      result = {
        status: 'FAILED',
        exitCode: maxCode(failed),
        message: failureMessage(failed, null, podName),
      };
    }
  } else if (status.phase === 'Failed') {
    const failed = [...failures(inits), ...failures(containers)];
    result = failed.some((f) => f.oomKilled)
      ? {
          status: 'FAILED_EVICTED',
          exitCode: EXIT_CODES.EVICTED,
          message: failureMessage(failed, status.message, podName),
        }
      : {
          status: 'FAILED',
          exitCode: maxCode(failed) ?? EXIT_CODES.UNKNOWN,
          message: failureMessage(failed, status.message, podName),
        };
  }

  const waiting = [...containers, ...inits].find((s) => {
    const reason = s.state?.waiting?.reason ?? '';
    return WAITING_ERROR_MARKS.some((mark) => reason.includes(mark));
  });
  if (waiting !== undefined) result = waitingError(waiting, conditions, now, result);

  return podReason(status.reason, status.message, conditions) ?? result;
}

function baseline(phase: string | undefined): PodTaskStatus {
  switch (phase) {
    case 'Running':
      return { status: 'RUNNING', exitCode: null, message: null };
    case 'Succeeded':
      return { status: 'COMPLETED', exitCode: 0, message: null };
    case 'Failed':
      return { status: 'FAILED', exitCode: EXIT_CODES.UNKNOWN, message: null };
    default:
      return { status: 'SCHEDULING', exitCode: null, message: null };
  }
}

function failureMessage(failed: readonly Failure[], podMessage: string | undefined | null, podName: string) {
  const lines = ['Failure reason:', ...failed.map((f) => f.line)];
  if (podMessage) lines.unshift(`Pod ${podName}: ${podMessage}`);
  return lines.join('\n');
}

function waitingError(
  container: V1ContainerStatus,
  conditions: readonly V1PodCondition[],
  now: Date,
  current: PodTaskStatus,
): PodTaskStatus {
  const reason = container.state?.waiting?.reason ?? '';
  const said = container.state?.waiting?.message;
  const message = `Container ${container.name} is waiting: ${reason}${said ? ` (${said})` : ''}.`;
  const code = adjustedExitCode(
    container.name,
    WAITING_REASON_CODES[reason] ?? EXIT_CODES.OTHER_WAITING_ERROR,
    null,
  );
  if (reason.includes('ErrImagePull') || reason.includes('ImagePullBackOff')) {
    return { status: 'FAILED_IMAGE_PULL', exitCode: code, message };
  }
  const stuck = (limitMs: number): PodTaskStatus =>
    notReadyForMs(conditions, now) > limitMs
      ? { status: 'FAILED_BACKEND_ERROR', exitCode: EXIT_CODES.BACKEND_ERROR, message }
      : { status: 'SCHEDULING', exitCode: null, message: current.message };
  if (reason === 'CreateContainerConfigError') return stuck(CONFIG_ERROR_LIMIT_MS);
  if (reason === 'ContainerStatusUnknown') return stuck(STATUS_UNKNOWN_LIMIT_MS);
  return { status: 'FAILED', exitCode: code, message };
}

function podReason(
  reason: string | undefined,
  message: string | undefined,
  conditions: readonly V1PodCondition[],
): PodTaskStatus | null {
  const said = message ? `: ${message}` : '';
  switch (reason) {
    case 'Evicted':
      return { status: 'FAILED_EVICTED', exitCode: EXIT_CODES.EVICTED, message: `Pod was evicted${said}.` };
    case 'StartError':
      return {
        status: 'FAILED_START_ERROR',
        exitCode: EXIT_CODES.START_ERROR,
        message: `Pod failed to start${said}.`,
      };
    case 'UnexpectedAdmissionError':
      return {
        status: 'FAILED_BACKEND_ERROR',
        exitCode: EXIT_CODES.BACKEND_ERROR,
        message: `The node refused the pod (UnexpectedAdmissionError)${said}.`,
      };
    default:
      break;
  }
  const disruption = conditions.find((c) => c.type === 'DisruptionTarget' && c.status === 'True');
  if (disruption === undefined) return null;
  return {
    status: 'FAILED_BACKEND_ERROR',
    exitCode: EXIT_CODES.BACKEND_ERROR,
    message: `Pod is being disrupted (${disruption.reason ?? 'DisruptionTarget'})${disruption.message ? `: ${disruption.message}` : ''}.`,
  };
}
