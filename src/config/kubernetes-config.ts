// A kubernetes backend's settings: how the service reaches the cluster (a kubeconfig or its own pod's
// service account), the osmo image whose runtime each pod starts, which scheduler places the pods,
// and the request budget and timings of its pod watch. The namespace is the entry's `k8s_namespace`.
import { z } from 'zod';

const ABSOLUTE = z.string().startsWith('/', { message: 'must be an absolute path' });

export const KubernetesConfigSchema = z
  .object({
    /** A kubeconfig file on the service's host; null with `in_cluster`. */
    kubeconfig: ABSOLUTE.nullable().default(null),
    /** The kubeconfig's context; null: its current context. */
    context: z.string().min(1).nullable().default(null),
    /** The service runs in the cluster: its pod's service account reaches the API. */
    in_cluster: z.boolean().default(false),
    /** An image with Node.js and osmo in it (the osmo image): each pod copies the task runtime from it. */
    runtime_image: z.string().trim().min(1, { message: 'must name the osmo image' }),
    /** Where that image keeps osmo, and its Node.js: the osmo image's paths by default. */
    runtime_install_dir: ABSOLUTE.default('/app'),
    runtime_node_path: ABSOLUTE.default('/usr/local/bin/node'),
    /** KAI (upstream's scheduler: PodGroups and queues) or the cluster's default scheduler. */
    scheduler: z.enum(['kai', 'default']).default('kai'),
    /** The KAI scheduler's name, as pods name it in `schedulerName`. */
    kai_scheduler_name: z.string().min(1).default('kai-scheduler'),
    /** Between SIGTERM and SIGKILL of a stopped pod; null: 30 s. */
    stop_grace_seconds: z.number().nonnegative().nullable().default(null),
    /** How often the pod list is read again in full; null: 300 s. */
    resync_seconds: z.number().positive().nullable().default(null),
    /** How long a finished pod (and the end recorded on it) stays; null: 1 h. */
    finished_pod_ttl_seconds: z.number().nonnegative().nullable().default(null),
    /** The API request budget: sustained requests per second and the burst above it; null: 20 and 30. */
    qps: z.number().positive().nullable().default(null),
    burst: z.number().int().positive().nullable().default(null),
  })
  .strict()
  .superRefine((settings, ctx) => {
    if (settings.in_cluster && settings.kubeconfig !== null) {
      ctx.addIssue({
        code: 'custom',
        path: ['in_cluster'],
        message: 'set either kubeconfig or in_cluster, not both',
      });
    } else if (!settings.in_cluster && settings.kubeconfig === null) {
      ctx.addIssue({
        code: 'custom',
        path: ['kubeconfig'],
        message: 'set kubeconfig (a file on the service host) or in_cluster: true',
      });
    }
    if (settings.context !== null && settings.kubeconfig === null) {
      ctx.addIssue({
        code: 'custom',
        path: ['context'],
        message: 'names a context of kubeconfig, which is not set',
      });
    }
  });
export type KubernetesConfig = z.infer<typeof KubernetesConfigSchema>;
