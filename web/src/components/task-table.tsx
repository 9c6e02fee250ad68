// Every task attempt of a workflow by group: status, exit code, failure message, times; a row opens the task.
import type { GroupEntry, TaskEntry } from '../api/types.js';
import { formatDuration, formatTime, secondsBetween } from '../format.js';
import { StatusBadge } from './status-badge.js';

export interface TaskRef {
  readonly group: string;
  readonly task: string;
  readonly retry: number;
}

export function TaskTable({
  groups,
  selected,
  onSelect,
}: {
  groups: readonly GroupEntry[];
  selected: TaskRef | null;
  onSelect: (ref: TaskRef) => void;
}) {
  const rows: [GroupEntry, TaskEntry][] = groups.flatMap((g) =>
    [...g.tasks]
      .sort((a, b) => a.name.localeCompare(b.name) || b.retry_id - a.retry_id)
      .map((t): [GroupEntry, TaskEntry] => [g, t]),
  );
  return (
    <table className="table tasks-table" aria-label="Tasks">
      <thead>
        <tr>
          <th>Group</th>
          <th>Task</th>
          <th>Retry</th>
          <th>Status</th>
          <th>Exit code</th>
          <th>Duration</th>
          <th>Started</th>
          <th>Node</th>
          <th>Failure</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([g, t]) => {
          const isSelected =
            selected !== null &&
            selected.task === t.name &&
            selected.retry === t.retry_id &&
            selected.group === g.name;
          return (
            <tr
              key={`${g.name}/${t.name}/${t.retry_id}`}
              className={`clickable${isSelected ? ' selected' : ''}`}
              tabIndex={0}
              data-task={t.name}
              onClick={() => onSelect({ group: g.name, task: t.name, retry: t.retry_id })}
              onKeyDown={(e) => {
                if (e.key === 'Enter') onSelect({ group: g.name, task: t.name, retry: t.retry_id });
              }}
            >
              <td>{g.name}</td>
              <td>
                {t.name}
                {t.lead && g.tasks.length > 1 ? <span className="muted"> (lead)</span> : null}
              </td>
              <td>{t.retry_id}</td>
              <td>
                <StatusBadge status={t.status} />
              </td>
              <td className={t.exit_code !== null && t.exit_code !== 0 ? 'error' : ''}>
                {t.exit_code ?? '—'}
              </td>
              <td>{formatDuration(secondsBetween(t.start_time, t.end_time))}</td>
              <td>{formatTime(t.start_time)}</td>
              <td>{t.node_name ?? '—'}</td>
              <td className="failure">{t.failure_message ?? ''}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
