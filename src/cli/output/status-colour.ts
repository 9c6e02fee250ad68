// Which colour a status is shown in on a terminal: green done, red failed, cyan running, yellow waiting.
import { isTaskStatus, isWorkflowStatus } from '../../core/index.js';
import type { ColourName } from './io.js';

const RUNNING = new Set(['RUNNING', 'INITIALIZING']);
const WAITING = new Set(['PENDING', 'WAITING', 'SUBMITTING', 'PROCESSING', 'SCHEDULING', 'RESCHEDULED']);

/** The colour of a task, group or workflow status; undefined for text that is not one. */
export function statusColour(text: string): ColourName | undefined {
  const status = text.trim();
  if (!isTaskStatus(status) && !isWorkflowStatus(status)) return undefined;
  if (status === 'COMPLETED') return 'green';
  if (status.startsWith('FAILED')) return 'red';
  if (RUNNING.has(status)) return 'cyan';
  return WAITING.has(status) ? 'yellow' : undefined;
}
