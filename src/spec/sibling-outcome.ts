// What a finished task does to the rest of its group: lead semantics and ignoreNonleadStatus.

import { isFailed } from '../core/statuses.js';
import type { TaskStatus } from '../core/statuses.js';
import { PLATFORM_MESSAGES } from './platform-messages.js';

export interface FinishedTask {
  readonly name: string;
  /** The status after exit actions. */
  readonly status: TaskStatus;
  readonly lead: boolean;
}

/**
 * `none`: siblings carry on. `finish`: every unfinished sibling is forced to `status` with `message`.
 * `restart`: siblings are restarted in place (the finished task itself gets a new retry).
 */
export type SiblingOutcome =
  | { readonly kind: 'none' }
  | { readonly kind: 'finish'; readonly status: 'COMPLETED' | 'FAILED'; readonly message: string }
  | { readonly kind: 'restart' };

const NONE: SiblingOutcome = { kind: 'none' };

export function siblingOutcome(task: FinishedTask, ignoreNonleadStatus: boolean): SiblingOutcome {
  if (task.status === 'RESCHEDULED') {
    return task.lead || !ignoreNonleadStatus ? { kind: 'restart' } : NONE;
  }
  if (task.lead) {
    // Siblings never inherit the lead's specific failure reason, only FAILED.
    if (task.status === 'COMPLETED') {
      return { kind: 'finish', status: 'COMPLETED', message: PLATFORM_MESSAGES.LEAD_FINISHED };
    }
    return isFailed(task.status)
      ? { kind: 'finish', status: 'FAILED', message: PLATFORM_MESSAGES.LEAD_FINISHED }
      : NONE;
  }
  if (!ignoreNonleadStatus && isFailed(task.status)) {
    return { kind: 'finish', status: 'FAILED', message: `Task ${task.name} Failed.` };
  }
  return NONE;
}
