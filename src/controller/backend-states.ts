// Pure rules of the backend set: when a backend must be made again, the nodes it offers the scheduler,
// and the words for a backend that cannot take work.
import type { BackendConfig } from '../config/pool-config.js';
import type { NodeInventory } from '../backends/index.js';
import type { NodeCapacity } from '../scheduler/index.js';

/** Fields read where they are used (descriptions, links, declared nodes): changing them remakes nothing. */
const PRESENTATION = new Set([
  'name',
  'description',
  'dashboard_url',
  'grafana_url',
  'router_address',
  'nodes',
]);

/**
 * What a backend is made from: every other field of its entry (kind and its settings, those a kind
 * added later brings included). A change to any of them makes the backend again.
 */
export const makeSettings = (entry: BackendConfig): string =>
  JSON.stringify(
    Object.entries(entry)
      .filter(([key]) => !PRESENTATION.has(key))
      .sort(([a], [b]) => a.localeCompare(b)),
  );

/**
 * A backend's nodes as the scheduler sees them: its declared nodes, else what it detected (CPUs
 * multiplied by its overcommit, the real count kept for reports). Detected nodes of a backend of its
 * own are named `<backend>:<node>`: two backends on one machine detect the same host name, and the
 * scheduler tells nodes apart by name.
 */
export function backendNodes(
  entry: BackendConfig,
  detected: readonly NodeInventory[],
  cpuOvercommit: number,
  qualify: boolean,
): NodeCapacity[] {
  if (entry.nodes !== null) return entry.nodes.map((n) => ({ ...n, backend: entry.name }));
  return detected.map((n) => ({
    name: qualify ? `${entry.name}:${n.name}` : n.name,
    backend: entry.name,
    cpu: n.cpu * cpuOvercommit,
    reportedCpu: n.cpu,
    memoryBytes: n.memoryBytes,
    gpu: n.gpu,
    storageBytes: n.storageBytes,
    labels: n.labels,
  }));
}

/** Why a backend cannot take work, in words for a pending workflow; null when it can. */
export function offlineReason(
  name: string,
  member: { readonly built: unknown; readonly online: boolean; readonly lastError: string | null } | null,
): string | null {
  if (member === null) return `backend ${name} is not configured`;
  if (member.online) return null;
  const why = member.lastError ?? (member.built === null ? 'it could not be made' : 'no heartbeat yet');
  return `backend ${name} is offline: ${why}`;
}
