// Flat tasks → groups, lead rules, group dependencies and the list-order rule.

import { usageError } from '../core/errors.js';
import { TASK_REFERENCE_PATTERN } from './names.js';
import type { ParsedGroup, ParsedWorkflow } from './schema/workflow-schema.js';

export interface PlacedGroup extends ParsedGroup {
  readonly upstreamGroups: readonly string[];
}

/** Each flat task `T` becomes group `T-group` holding only `T`, in list order. */
export function toGroups(workflow: ParsedWorkflow): ParsedGroup[] {
  if (workflow.groups.length > 0) return [...workflow.groups];
  return workflow.tasks.map((task) => ({
    name: `${task.name}-group`,
    tasks: [task],
    barrier: true,
    ignoreNonleadStatus: true,
  }));
}

/** A one-task group's task is always lead; otherwise exactly one lead. */
export function assignLeads(groups: readonly ParsedGroup[]): ParsedGroup[] {
  return groups.map((group) => {
    const [only] = group.tasks;
    if (group.tasks.length === 1 && only !== undefined) return { ...group, tasks: [{ ...only, lead: true }] };
    const leads = group.tasks.filter((t) => t.lead).length;
    if (leads !== 1)
      throw usageError(`Group "${group.name}" has ${leads} leader(s) but must have exactly one.`);
    return group;
  });
}

/**
 * Derives group dependencies from same-workflow `task:` inputs; every upstream group must come strictly earlier,
 * which also rejects self-dependency, intra-group inputs and cycles.
 */
export function linkGroups(groups: readonly ParsedGroup[]): PlacedGroup[] {
  const groupOfTask = new Map<string, number>();
  groups.forEach((group, index) => group.tasks.forEach((task) => groupOfTask.set(task.name, index)));
  return groups.map((group, index) => {
    const upstream: string[] = [];
    for (const task of group.tasks) {
      for (const input of task.inputs) {
        if (input.kind !== 'task') continue;
        if (!TASK_REFERENCE_PATTERN.test(input.task))
          throw usageError(`Task input ${input.task} is not a valid task reference.`);
        if (input.task.includes(':')) continue;
        const producer = groupOfTask.get(input.task);
        if (producer === undefined) throw usageError(`Task input ${input.task} does not exist.`);
        const producerName = groups[producer]?.name ?? '';
        if (producer >= index)
          throw usageError(
            `Group "${group.name}" requires input group "${producerName}" exists before itself.`,
          );
        if (!upstream.includes(producerName)) upstream.push(producerName);
      }
    }
    return { ...group, upstreamGroups: upstream };
  });
}
