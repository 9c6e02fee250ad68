// What a Slurm job's state means for the attempts it runs: still coming or running, or ended, and then
// which task status an attempt gets when its job ended without the runtime recording an end itself
// (the runtime's own reports are the source of truth whenever it got to write them).
import { EXIT_CODES, type TaskStatus } from '../../core/index.js';
import type { JobEnd } from './slurm-records.js';

/** Job states (squeue's %T, scontrol's JobState) in which the job may still run or is running. */
const ACTIVE_STATES: ReadonlySet<string> = new Set([
  'PENDING',
  'CONFIGURING',
  'RUNNING',
  'COMPLETING',
  'SUSPENDED',
  'REQUEUED',
  'REQUEUE_FED',
  'REQUEUE_HOLD',
  'RESIZING',
  'RESV_DEL_HOLD',
  'SIGNALING',
  'STAGE_OUT',
  'STOPPED',
]);

/** A state Slurm prints with a suffix (`CANCELLED+`, `CANCELLED by 0`) reads as its first word. */
const baseState = (state: string): string => state.trim().split(/[\s+]/)[0] ?? '';

export const isJobActive = (state: string): boolean => ACTIVE_STATES.has(baseState(state));

export interface EndReport {
  readonly status: TaskStatus;
  readonly exitCode: number | null;
  readonly message: string;
}

/**
 * The end of an attempt whose job ended (or vanished) while its runtime recorded none: the runtime
 * never started (the job was cancelled or failed before it), or was killed with its node. `end` null:
 * Slurm no longer knows the job at all.
 */
export function endOfLostAttempt(jobId: string, end: JobEnd | null): EndReport {
  const backend = (why: string): EndReport => ({
    status: 'FAILED_BACKEND_ERROR',
    exitCode: EXIT_CODES.BACKEND_ERROR,
    message: `Slurm job ${jobId} ${why} before the task runtime recorded an end.`,
  });
  if (end === null) return backend('is no longer known to Slurm');
  const state = baseState(end.state);
  const reason = end.reason !== '' && end.reason !== 'None' ? ` (${end.reason})` : '';
  switch (state) {
    case 'CANCELLED':
      // osmo's own stops record their status before cancelling: this one came from outside.
      return {
        status: 'FAILED_CANCELED',
        exitCode: null,
        message: `Slurm job ${jobId} was cancelled outside osmo${reason}.`,
      };
    case 'PREEMPTED':
      return {
        status: 'FAILED_PREEMPTED',
        exitCode: null,
        message: `Slurm job ${jobId} was preempted${reason}.`,
      };
    case 'TIMEOUT':
    case 'DEADLINE':
      return {
        status: 'FAILED_EXEC_TIMEOUT',
        exitCode: null,
        message: `Slurm job ${jobId} reached its time limit${reason}.`,
      };
    case 'NODE_FAIL':
    case 'BOOT_FAIL':
      return {
        status: 'FAILED_EVICTED',
        exitCode: null,
        message: `Slurm job ${jobId} lost its node (${state})${reason}.`,
      };
    case 'OUT_OF_MEMORY':
      return {
        status: 'FAILED',
        exitCode: 137,
        message: `Slurm job ${jobId} ran out of memory${reason}.`,
      };
    default: {
      const code = end.exitCode === null ? '' : `, exit ${end.exitCode}`;
      const signal = end.signal ? `, signal ${end.signal}` : '';
      return backend(`ended ${state || 'UNKNOWN'}${code}${signal}${reason}`);
    }
  }
}

// What sbatch says when slurmctld cannot be reached (down, restarting, overloaded), as opposed to a
// refusal of the job itself (a bad partition, a request no node can meet).
const UNREACHABLE =
  /Unable to contact slurm controller|Socket timed out|Connection refused|Zero Bytes were transmitted|Slurm backup controller in standby|Communication connection failure|Resource temporarily unavailable|timed out/i;

/** True when a failed sbatch is worth asking again: the controller did not answer, nothing was refused. */
export const isControllerUnreachable = (message: string): boolean => UNREACHABLE.test(message);
