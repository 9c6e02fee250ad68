// exitActions: parsing the spec map and turning an exit code into COMPLETE / FAIL / RESCHEDULE.

import { usageError } from '../core/errors.js';
import type { TaskStatus } from '../core/statuses.js';
import { EXIT_ACTIONS } from './types.js';
import type { ExitAction, ExitActionRule, ExitActions } from './types.js';

const CODES_PATTERN = /^(\d+(-\d+)?)+(,\d+(-\d+)?)*$/;

/**
 * Validates one task's `exitActions` entries (keys case-insensitive, values like `0,1-10`), keeping map order.
 * Throws OsmoError(USAGE) with the reference's messages.
 */
export function parseExitActions(
  entries: readonly (readonly [string, string])[],
  taskName: string,
): ExitActions {
  return entries.map(([key, codes]): ExitActionRule => {
    const action = key.toUpperCase();
    if (!(EXIT_ACTIONS as readonly string[]).includes(action)) {
      throw usageError(`Invalid exit action ${key} for task ${taskName}.`);
    }
    if (!CODES_PATTERN.test(codes)) {
      throw usageError(`Invalid exit codes ${codes} for action ${key} for task ${taskName}.`);
    }
    const ranges = codes.split(',').map((part): readonly [number, number] => {
      const [low = '', high] = part.split('-');
      return [Number(low), Number(high ?? low)];
    });
    return { action: action as ExitAction, codes, ranges };
  });
}

/** The first rule (in map order) whose ranges contain the code, then the pool defaults; null if none matches. */
export function exitActionFor(
  exitCode: number,
  actions: ExitActions,
  poolDefaults: ExitActions = [],
): ExitAction | null {
  for (const list of [actions, poolDefaults]) {
    for (const rule of list) {
      if (rule.ranges.some(([low, high]) => exitCode >= low && exitCode <= high)) return rule.action;
    }
  }
  return null;
}

const ACTION_STATUS: Readonly<Record<ExitAction, TaskStatus>> = {
  COMPLETE: 'COMPLETED',
  FAIL: 'FAILED',
  RESCHEDULE: 'RESCHEDULED',
};

export interface ExitResolution {
  readonly status: TaskStatus;
  /** Appended to the task's failure message, or null. */
  readonly message: string | null;
}

export interface ExitActionInput {
  /** The status the backend reported (COMPLETED for exit 0, FAILED or an infra status otherwise). */
  readonly reported: TaskStatus;
  readonly exitCode: number;
  readonly actions: ExitActions;
  readonly poolDefaults?: ExitActions;
  readonly retryId: number;
  /** Workflow config `max_retry_per_task`, default 0. */
  readonly maxRetryPerTask: number;
}

/** Applies exit actions to a finished retry that carries an exit code. */
export function resolveExitStatus(input: ExitActionInput): ExitResolution {
  const action = exitActionFor(input.exitCode, input.actions, input.poolDefaults);
  if (action === null) return { status: input.reported, message: null };
  if (action === 'RESCHEDULE' && input.retryId >= input.maxRetryPerTask) {
    return {
      status: input.reported,
      message: `No exit action applied due to retry limit ${input.maxRetryPerTask}.`,
    };
  }
  return {
    status: ACTION_STATUS[action],
    message: `Exit Action: ${action} the task for exit code ${input.exitCode}.`,
  };
}

/** The status a finished container implies without any exit action: 0 completes, anything else fails. */
export const defaultExitStatus = (exitCode: number): TaskStatus => (exitCode === 0 ? 'COMPLETED' : 'FAILED');
