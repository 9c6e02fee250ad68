// Makes a kubernetes backend from its configuration entry: the cluster its `kubernetes` block reaches,
// pods in the entry's `k8s_namespace`, each placed by the pool and platform the controller resolved.
import {
  createKubernetesBackend,
  DEFAULT_PLACEMENT,
  RequestBudget,
  type ClusterAccess,
  type PodPlacement,
} from '../backends/kubernetes/index.js';
import type { BackendConfig } from '../config/pool-config.js';
import type { AttemptLaunch } from '../core/index.js';
import type { BackendFactory } from './backend-factories.js';

const seconds = (value: number | null): number | undefined => (value === null ? undefined : value * 1000);

/**
 * The launch's pool, platform labels and user as the pod's placement. Pool and platform pod templates
 * are not stored by this service (no POD_TEMPLATE configuration), so none apply and no tolerations come.
 */
export const placementOf =
  (backendName: string) =>
  (launch: AttemptLaunch): PodPlacement => {
    const p = launch.placement;
    if (p === undefined) return DEFAULT_PLACEMENT;
    // The scheduler names a backend's detected nodes `<backend>:<node>`; the cluster knows `<node>`.
    const prefix = `${backendName}:`;
    return {
      pool: p.pool === '' ? DEFAULT_PLACEMENT.pool : p.pool,
      platform: p.platform === '' ? DEFAULT_PLACEMENT.platform : p.platform,
      podTemplates: [],
      nodeSelector: p.nodeLabels,
      tolerations: [],
      nodesExcluded: p.nodesExcluded.map((n) => (n.startsWith(prefix) ? n.slice(prefix.length) : n)),
      submittedBy: p.submittedBy,
      lead: p.lead,
      workflowLabels: p.workflowLabels,
    };
  };

const accessOf = (settings: NonNullable<BackendConfig['kubernetes']>): ClusterAccess =>
  settings.kubeconfig === null
    ? { kind: 'in-cluster' }
    : {
        kind: 'kubeconfig',
        path: settings.kubeconfig,
        ...(settings.context === null ? {} : { context: settings.context }),
      };

export const makeKubernetesBackend: BackendFactory = async (entry, { onError }) => {
  const settings = entry.kubernetes;
  if (settings === null) {
    throw new Error(
      `Backend ${entry.name}: a kubernetes backend needs a kubernetes block (runtime_image, and kubeconfig or in_cluster); declare it in the backend configuration`,
    );
  }
  const budget = new RequestBudget(settings.qps ?? undefined, settings.burst ?? undefined);
  const stopGraceMs = seconds(settings.stop_grace_seconds);
  const resyncMs = seconds(settings.resync_seconds);
  const finishedPodTtlMs = seconds(settings.finished_pod_ttl_seconds);
  return {
    backend: createKubernetesBackend({
      name: entry.name,
      access: accessOf(settings),
      namespace: entry.k8s_namespace,
      runtimeImage: settings.runtime_image,
      runtimeInstallDir: settings.runtime_install_dir,
      runtimeNodePath: settings.runtime_node_path,
      scheduler:
        settings.scheduler === 'kai'
          ? { kind: 'kai', name: settings.kai_scheduler_name }
          : { kind: 'default' },
      budget,
      placementOf: placementOf(entry.name),
      onError,
      ...(stopGraceMs === undefined ? {} : { stopGraceMs }),
      ...(resyncMs === undefined ? {} : { resyncMs }),
      ...(finishedPodTtlMs === undefined ? {} : { finishedPodTtlMs }),
    }),
    cpuOvercommit: 1,
    unsandboxedBecause: null,
  };
};
