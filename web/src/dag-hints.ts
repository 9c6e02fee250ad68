// What a group's box on the graph says: which attempts it counts, the status it shows and a one-line hint.
import type { GroupEntry } from './api/types.js';
import { statusCategory, statusLabel } from './status.js';

type Task = GroupEntry['tasks'][number];

/** The latest attempt of each task, lead first: what a group box counts and lists. */
export function latestTasks(group: GroupEntry): Task[] {
  const latest = new Map<string, Task>();
  for (const t of group.tasks) {
    const seen = latest.get(t.name);
    if (!seen || t.retry_id > seen.retry_id) latest.set(t.name, t);
  }
  return [...latest.values()].sort((a, b) => Number(b.lead) - Number(a.lead) || a.name.localeCompare(b.name));
}

/** A one-task group is drawn as its task: its name and status are the task's. */
export function groupFace(group: GroupEntry): { title: string; status: string; count: number } {
  const tasks = latestTasks(group);
  const only = tasks.length === 1 ? tasks[0] : undefined;
  return { title: only?.name ?? group.name, status: only?.status ?? group.status, count: tasks.length };
}

export function groupHint(group: GroupEntry): string {
  const tasks = latestTasks(group);
  const failed = tasks.filter((t) => statusCategory(t.status) === 'failed').length;
  const waitingFor = group.remaining_upstream_groups ?? [];
  if (group.status === 'WAITING' && waitingFor.length > 0) return `Waiting for: ${waitingFor.join(', ')}`;
  if (failed > 0 && tasks.length > 1) return `${failed} of ${tasks.length} failed`;
  const retry = Math.max(0, ...group.tasks.map((t) => t.retry_id));
  if (retry > 0 && statusCategory(group.status) !== 'completed') return `Retry #${retry}`;
  return tasks.length > 1
    ? `${tasks.length} tasks · ${statusLabel(group.status)}`
    : statusLabel(group.status);
}
