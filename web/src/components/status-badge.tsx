// A status as a coloured badge; the colour is its category, the text the exact status.
import type { GroupStatus, TaskStatus, WorkflowStatus } from '../../../src/core/statuses.js';
import { statusCategory, statusLabel } from '../status.js';

export function StatusBadge({ status }: { status: TaskStatus | GroupStatus | WorkflowStatus }) {
  return (
    <span className={`badge status-${statusCategory(status)}`} data-status={status}>
      {statusLabel(status)}
    </span>
  );
}

export function PriorityBadge({ priority }: { priority: string }) {
  return <span className={`badge priority-${priority.toLowerCase()}`}>{priority}</span>;
}
