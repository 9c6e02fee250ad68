// The backend contract against a real cluster, when KUBECONFIG names one (kind or k3s on this host; see
// README). The cluster's node must share this host's /tmp, where the contract keeps its storage.
import { test } from 'node:test';
import { tmpdir } from 'node:os';
import { backendContract } from '../contract.js';
import { createKubernetesBackend } from './kubernetes-backend.js';

const kubeconfig = process.env['KUBECONFIG'];
/** Image pulls and the runtime's copy into each pod take longer than a local process. */
const ATTEMPT_TIMEOUT_MS = 180_000;

if (kubeconfig === undefined || kubeconfig === '') {
  test(
    'kubernetes backend contract on a real cluster',
    {
      skip: 'KUBECONFIG is not set: no cluster to run the contract against',
    },
    () => undefined,
  );
} else {
  backendContract(
    'kubernetes',
    async () =>
      createKubernetesBackend({
        name: 'contract',
        access: { kind: 'kubeconfig', path: kubeconfig },
        namespace: process.env['OSMO_K8S_NAMESPACE'] ?? 'default',
        runtimeImage: process.env['OSMO_K8S_RUNTIME_IMAGE'] ?? 'localhost/osmo:0.1.0',
        scheduler:
          process.env['OSMO_K8S_SCHEDULER'] === 'kai'
            ? { kind: 'kai', name: 'kai-scheduler' }
            : { kind: 'default' },
        stopGraceMs: 5_000,
        sharedHostPaths: [tmpdir()],
        // Finished pods go as soon as the next resync sees them.
        finishedPodTtlMs: 60_000,
      }),
    {},
    { attemptTimeoutMs: ATTEMPT_TIMEOUT_MS },
  );
}
