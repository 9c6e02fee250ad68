// Which groups of a finished workflow run again in its restart, and the refusals when that choice cannot work.
import type { GroupStatus } from '../core/index.js';
import { userError } from '../core/index.js';
import type { GroupSpec } from '../spec/index.js';

/** What the caller asked to run again; nothing named means upstream's restart (every group that did not complete). */
export interface RestartChoice {
  /** Groups to run again even if they completed; each brings everything downstream of it. */
  readonly groups: readonly string[];
  /** Also every group that did not complete (what a plain restart does). */
  readonly failedOnly: boolean;
}

export const PLAIN_RESTART: RestartChoice = { groups: [], failedOnly: false };

const quoted = (names: readonly string[]): string => names.map((n) => `"${n}"`).join(', ');

/**
 * The groups of the new run, in spec order: the named groups, those that did not complete when
 * failed-only (or nothing named), and everything downstream of either, since a group that reads a
 * re-run group's output must read the new one. Every other group is left out and its completed
 * outputs are read from the old run, so a kept group's upstream must have completed there.
 */
export function groupsToRerun(
  workflowId: string,
  groups: readonly GroupSpec[],
  statusOf: ReadonlyMap<string, GroupStatus>,
  choice: RestartChoice,
): Set<string> {
  const known = new Set(groups.map((g) => g.name));
  const unknown = choice.groups.filter((g) => !known.has(g));
  if (unknown.length > 0) {
    throw userError(
      `Workflow ${workflowId} has no group ${quoted(unknown)}; its groups are ${quoted([...known])}.`,
    );
  }
  const everyFailure = choice.failedOnly || choice.groups.length === 0;
  const seeds = new Set(choice.groups);
  const rerun = new Set<string>();
  // Spec order puts every upstream group before its consumers, so one pass closes over downstream.
  for (const group of groups) {
    const failed = statusOf.get(group.name) !== 'COMPLETED';
    if (seeds.has(group.name) || (everyFailure && failed) || group.upstreamGroups.some((u) => rerun.has(u))) {
      rerun.add(group.name);
    }
  }
  for (const group of groups) {
    if (!rerun.has(group.name)) continue;
    const missing = group.upstreamGroups.filter((u) => !rerun.has(u) && statusOf.get(u) !== 'COMPLETED');
    if (missing.length > 0) {
      throw userError(
        `Group "${group.name}" reads the outputs of ${quoted(missing)}, which did not complete in ` +
          `workflow ${workflowId}; name ${missing.length === 1 ? 'that group' : 'those groups'} with --group ` +
          'too, or restart with --failed-only.',
      );
    }
  }
  if (rerun.size === 0) throw userError(`Workflow ${workflowId} has no group to run again.`);
  return rerun;
}
