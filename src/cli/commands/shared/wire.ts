// The JSON shapes the CLI reads from the service (service-api.md §3.7); snake_case as on the wire.

export interface SubmitResponse {
  readonly name: string;
  readonly overview: string | null;
  readonly logs: string | null;
  readonly spec: string | null;
  readonly dashboard_url: string | null;
  readonly warnings: readonly string[] | null;
  /** Ours, on dry runs: whether the spec would start now, wait, or never fit. */
  readonly scheduling?: string | null;
}

export interface TaskQuery {
  readonly name: string;
  readonly retry_id: number;
  readonly status: string;
  readonly start_time: string | null;
  readonly [field: string]: unknown;
}

export interface GroupQuery {
  readonly name: string;
  readonly status: string;
  readonly tasks: readonly TaskQuery[];
  readonly [field: string]: unknown;
}

export interface WorkflowQuery {
  readonly name: string;
  readonly status: string;
  readonly submitted_by: string | null;
  readonly submit_time: string | null;
  readonly overview: string | null;
  readonly pool: string | null;
  readonly labels?: Readonly<Record<string, string>> | null;
  readonly groups: readonly GroupQuery[];
  readonly [field: string]: unknown;
}

export interface WorkflowListEntry {
  readonly user: string;
  readonly name: string;
  readonly submit_time: string | null;
  readonly status: string;
  readonly priority: string | null;
  readonly overview: string | null;
  readonly labels?: Readonly<Record<string, string>> | null;
  readonly [field: string]: unknown;
}

export interface WorkflowListResponse {
  readonly workflows: readonly WorkflowListEntry[];
  readonly more_entries: boolean;
}

/** `k=v` pairs sorted by key joined by `, `, or `-` (cli.md §6.4). */
export function labelsText(labels: Readonly<Record<string, string>> | null | undefined): string {
  const entries = Object.entries(labels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length === 0 ? '-' : entries.map(([k, v]) => `${k}=${v}`).join(', ');
}
