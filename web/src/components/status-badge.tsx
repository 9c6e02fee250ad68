// A status as a coloured badge; the colour is its category, the text the exact status.
import { statusCategory, statusLabel } from '../status.js';

export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`badge status-${statusCategory(status)}`} data-status={status}>
      {statusLabel(status)}
    </span>
  );
}

export function PriorityBadge({ priority }: { priority: string }) {
  return <span className={`badge priority-${priority.toLowerCase()}`}>{priority}</span>;
}
