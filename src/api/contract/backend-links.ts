// Kubernetes-dashboard and Grafana links of workflows and tasks, built from their backend's
// config: null when the backend has no such URL configured.

/** The backend fields links are built from. */
export interface LinkBackend {
  readonly dashboard_url: string;
  readonly grafana_url: string;
  readonly k8s_namespace: string;
}

const HOUR_MS = 3600_000;
/** Past 30 days of run time a Grafana window starts at the end instead (upstream's cut-off). */
const LONGEST_WINDOW_HOURS = 720;

const base = (url: string): string => url.replace(/\/+$/, '');
const uuid16 = (uuid: string): string => uuid.slice(0, 16);

export function workflowDashboardUrl(b: LinkBackend | undefined, workflowUuid: string): string | null {
  if (b === undefined || b.dashboard_url === '') return null;
  const ns = encodeURIComponent(b.k8s_namespace);
  return `${base(b.dashboard_url)}/#/search?namespace=${ns}&q=${uuid16(workflowUuid)}`;
}

export function taskDashboardUrl(b: LinkBackend | undefined, podName: string): string | null {
  if (b === undefined || b.dashboard_url === '') return null;
  const ns = encodeURIComponent(b.k8s_namespace);
  return `${base(b.dashboard_url)}/#/pod/${ns}/${podName}?namespace=${ns}`;
}

/**
 * A window that covers the workflow's run: from its start (rounded up to whole hours) to now, or to its
 * end when that is more than an hour ago; a workflow not started, or running for over 30 days, gets the
 * hour before its end.
 */
export function grafanaUrl(
  b: LinkBackend | undefined,
  w: { readonly workflowUuid: string; readonly startTime: Date | null; readonly endTime: Date | null },
  now: Date,
): string | null {
  if (b === undefined || b.grafana_url === '') return null;
  const sinceEndMs = w.endTime === null ? 0 : Math.max(0, now.getTime() - w.endTime.getTime());
  const endHours = Math.floor(sinceEndMs / HOUR_MS);
  const to = w.endTime !== null && sinceEndMs > HOUR_MS ? `now-${endHours}h` : 'now';
  const startHours =
    w.startTime === null ? null : Math.ceil(Math.max(0, now.getTime() - w.startTime.getTime()) / HOUR_MS);
  const from = startHours !== null && startHours < LONGEST_WINDOW_HOURS ? startHours : 1 + endHours;
  const joiner = b.grafana_url.includes('?') ? '&' : '?';
  const ns = encodeURIComponent(b.k8s_namespace);
  return `${b.grafana_url}${joiner}var-namespace=${ns}&var-uuid=${uuid16(w.workflowUuid)}&from=now-${from}h&to=${to}`;
}

interface LinkConfig {
  readonly backends: readonly (LinkBackend & { readonly name: string })[];
  readonly pools: Readonly<Record<string, { readonly backend: string }>>;
}

/** Finds a workflow's backend config by the backend it ran on, else by its pool's backend. */
export function backendLookup(
  config: LinkConfig,
): (w: { readonly backend: string | null; readonly pool: string | null }) => LinkBackend | undefined {
  const byName = new Map(config.backends.map((b) => [b.name, b]));
  return (w) =>
    (w.backend === null ? undefined : byName.get(w.backend)) ??
    (w.pool === null ? undefined : byName.get(config.pools[w.pool]?.backend ?? ''));
}
