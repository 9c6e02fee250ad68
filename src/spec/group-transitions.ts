// Group status transition guards.

import { GROUP_STATUSES, isCancelClass, isGroupFinished } from '../core/statuses.js';
import type { GroupStatus } from '../core/statuses.js';

const ALIVE: readonly GroupStatus[] = [
  'SUBMITTING',
  'WAITING',
  'PROCESSING',
  'SCHEDULING',
  'INITIALIZING',
  'RUNNING',
];

function sources(to: GroupStatus, force: boolean): readonly GroupStatus[] {
  switch (to) {
    case 'SUBMITTING':
      return [];
    case 'WAITING':
      return ['SUBMITTING'];
    case 'PROCESSING':
      return ['SUBMITTING', 'WAITING'];
    case 'SCHEDULING':
      return ['SUBMITTING', 'WAITING', 'PROCESSING'];
    case 'INITIALIZING':
      return ['SUBMITTING', 'WAITING', 'PROCESSING', 'SCHEDULING'];
    case 'RUNNING':
      return ['SUBMITTING', 'WAITING', 'PROCESSING', 'SCHEDULING', 'INITIALIZING'];
    default:
      if (!isGroupFinished(to)) return [];
      // A cancel cannot land while the backend is still creating the group, unless forced.
      return isCancelClass(to) && !force ? ALIVE.filter((s) => s !== 'PROCESSING') : ALIVE;
  }
}

const TABLE = new Map(
  GROUP_STATUSES.map((to) => [to, { normal: sources(to, false), forced: sources(to, true) }] as const),
);

/** The statuses a group may move to `to` from; `force` lets a cancel-class status hit a PROCESSING group. */
export function groupTransitionSources(to: GroupStatus, force = false): readonly GroupStatus[] {
  const entry = TABLE.get(to);
  if (entry === undefined) return [];
  return force ? entry.forced : entry.normal;
}

export function canTransitionGroup(from: GroupStatus, to: GroupStatus, force = false): boolean {
  return groupTransitionSources(to, force).includes(from);
}
