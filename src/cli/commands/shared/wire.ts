// The workflow shapes the CLI reads from the service, by the names its commands use: the service's
// wire schemas (src/api/contract/workflow-wire.ts), not declared again here.

import type { WorkflowGroup, WorkflowTask } from '../../../api/contract/workflow-wire.js';

export type { WorkflowList as WorkflowListResponse } from '../../../api/contract/workflow-wire.js';
export type {
  SubmitResponse,
  WorkflowListEntry,
  WorkflowQuery,
} from '../../../api/contract/workflow-wire.js';
export type TaskQuery = WorkflowTask;
export type GroupQuery = WorkflowGroup;

/** `k=v` pairs sorted by key joined by `, `, or `-`. */
export function labelsText(labels: Readonly<Record<string, string>> | null | undefined): string {
  const entries = Object.entries(labels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length === 0 ? '-' : entries.map(([k, v]) => `${k}=${v}`).join(', ');
}
