// The scheduling configuration: backends, pools, platforms, validation rules.
import { z } from 'zod';
import { BACKEND_KINDS } from '../core/index.js';
import { parseDurationSeconds } from '../spec/duration.js';
import { KubernetesConfigSchema } from './kubernetes-config.js';
import { SlurmConfigSchema } from './slurm-config.js';

const NAME = /^[a-zA-Z]([a-zA-Z0-9_.-]*[a-zA-Z0-9])?$/;
const RULE_OPERATORS = ['GT', 'GE', 'LT', 'LE', 'EQ'] as const;

export const ResourceRuleSchema = z.object({
  operator: z.enum(RULE_OPERATORS),
  left_operand: z.coerce.string(),
  right_operand: z.coerce.string(),
  assert_message: z.string(),
});

export const PlatformSchema = z.object({
  description: z.string().default(''),
  host_network_allowed: z.boolean().default(false),
  privileged_allowed: z.boolean().default(false),
  allowed_mounts: z.array(z.string()).default([]),
  default_mounts: z.array(z.string()).default([]),
  default_variables: z.record(z.string(), z.unknown()).default({}),
  resource_validations: z.array(z.string()).default([]),
  override_pod_template: z.array(z.string()).default([]),
  /** The node selector: a node is of this platform when it carries every label. */
  labels: z.record(z.string(), z.coerce.string()).default({}),
});
export type Platform = z.infer<typeof PlatformSchema>;

export const GpuQuotaSchema = z.object({
  guarantee: z.number().int().min(-1).default(-1),
  maximum: z.number().int().min(-1).default(-1),
  weight: z.number().nonnegative().default(1),
});

export const PoolSchema = z.object({
  name: z.string().default(''),
  description: z.string().default(''),
  backend: z.string().min(1),
  download_type: z.string().nullable().default(null),
  enable_maintenance: z.boolean().default(false),
  default_platform: z.string().nullable().default(null),
  default_exec_timeout: z.string().default(''),
  default_queue_timeout: z.string().default(''),
  max_exec_timeout: z.string().default(''),
  max_queue_timeout: z.string().default(''),
  default_exit_actions: z.record(z.string(), z.string()).default({}),
  resources: z.object({ gpu: GpuQuotaSchema.nullable().default(null) }).default({ gpu: null }),
  topology_keys: z.array(z.object({ key: z.string(), label: z.string() })).default([]),
  common_default_variables: z.record(z.string(), z.unknown()).default({}),
  common_resource_validations: z.array(z.string()).default([]),
  common_pod_template: z.array(z.string()).default([]),
  common_group_templates: z.array(z.string()).default([]),
  /** Our addition: overrides the workflow config's `max_retry_per_task` for this pool. */
  max_retry_per_task: z.number().int().nonnegative().nullable().default(null),
  platforms: z.record(z.string(), PlatformSchema).default({}),
});
export type Pool = z.infer<typeof PoolSchema>;

export const DeclaredNodeSchema = z.object({
  name: z.string().min(1),
  cpu: z.number().positive(),
  memoryBytes: z.number().positive(),
  storageBytes: z.number().nonnegative().default(0),
  gpu: z.number().int().nonnegative().default(0),
  labels: z.record(z.string(), z.coerce.string()).default({}),
});

export const BackendSchema = z.object({
  name: z.string().regex(NAME),
  description: z.string().default(''),
  dashboard_url: z.string().default(''),
  grafana_url: z.string().default(''),
  /** The namespace dashboard and Grafana links name; a kubernetes backend's pods run in it. */
  k8s_namespace: z.string().default('default'),
  router_address: z.string().default(''),
  /** Declared nodes of this backend; absent: what the backend itself detects. */
  nodes: z.array(DeclaredNodeSchema).nullable().default(null),
  /**
   * Ours: what runs this backend's tasks. Null: the backend the service started with (`--backend`, or
   * the automatic choice); a kind: a backend of its own, made from the settings below.
   */
  kind: z.enum(BACKEND_KINDS).nullable().default(null),
  /** Ours, kind docker: the engine endpoint (`unix:///run/podman/podman.sock`, `tcp://host:2375`). */
  docker_host: z.string().min(1).nullable().default(null),
  /** Ours, kind slurm: partition, account, QOS map, sbatch arguments, shared work directory, SLURM_CONF. */
  slurm: SlurmConfigSchema.extend({ conf: z.string().startsWith('/').nullable().default(null) })
    .nullable()
    .default(null),
  /** Ours, kind kubernetes: cluster access, the osmo runtime image, scheduler, request budget. */
  kubernetes: KubernetesConfigSchema.nullable().default(null),
});
export type BackendConfig = z.infer<typeof BackendSchema>;

/** A role document as `osmo config set ROLE` writes it. */
export const RolePolicySchema = z.object({
  effect: z.enum(['Allow', 'Deny']).default('Allow'),
  actions: z.array(z.string()).default([]),
  resources: z.array(z.string()).default([]),
});
export const RoleSchema = z.object({
  name: z.string().min(1),
  description: z.string().default(''),
  policies: z.array(RolePolicySchema).default([]),
  immutable: z.boolean().default(false),
  sync_mode: z.string().default('import'),
});
export type RoleDocument = z.infer<typeof RoleSchema>;

/** A duration as upstream's workflow config writes one (`60d`, `30m`, `PT10S`, or seconds). */
const DurationText = z.union([z.string().min(1), z.number().nonnegative()]).refine(isDuration, {
  message: 'is not a duration (ISO 8601 such as PT10S, or xd, xh, xm, xs)',
});

function isDuration(value: string | number): boolean {
  try {
    parseDurationSeconds(value);
    return true;
  } catch {
    return false;
  }
}

/** `plugins_config.rsync`: whether workflows get an rsync endpoint, what it serves and how fast. */
export const RsyncPluginSchema = z.object({
  enabled: z.boolean().default(false),
  enable_telemetry: z.boolean().default(false),
  /** Bytes per second the task side sends (downloads) and receives (uploads); 0 = unlimited. */
  read_bandwidth_limit: z.number().int().nonnegative().default(2621440),
  write_bandwidth_limit: z.number().int().nonnegative().default(2621440),
  /** Module name -> a directory the task sees, served beside `osmo` (the workspace). */
  allowed_paths: z
    .record(z.string(), z.object({ path: z.string().min(1), writable: z.boolean().default(false) }))
    .default({}),
  daemon_debounce_delay: z.number().positive().default(30),
  daemon_poll_interval: z.number().positive().default(120),
  daemon_reconcile_interval: z.number().positive().default(60),
  client_upload_rate_limit: z.number().int().nonnegative().default(2097152),
});

/** Workflow config: the limits a submit is held to, with upstream's defaults. */
export const WorkflowSettingsSchema = z.object({
  max_retry_per_task: z.number().int().nonnegative().default(0),
  /** Tasks per workflow; the spec is refused above it. */
  max_num_tasks: z.number().int().positive().default(20),
  /** Timeouts for groups that set none, and the most any may set; pools may override each. */
  default_exec_timeout: DurationText.default('60d'),
  default_queue_timeout: DurationText.default('60d'),
  max_exec_timeout: DurationText.default('60d'),
  max_queue_timeout: DurationText.default('60d'),
  workflow_info: z
    .object({
      max_name_length: z.number().int().positive().default(64),
      /** The tags users may add to workflows (`GET /api/tag`); none allowed by default, as upstream. */
      tags: z.array(z.string()).default([]),
    })
    .prefault({}),
  /** Ports one `osmo workflow port-forward` call may forward. */
  max_num_ports_per_task: z.number().int().positive().default(30),
  plugins_config: z
    .object({
      /** Frozen into each workflow at submit: a later change leaves running workflows as they were. */
      rsync: RsyncPluginSchema.prefault({}),
    })
    .prefault({}),
});
export type WorkflowSettings = z.infer<typeof WorkflowSettingsSchema>;
export type RsyncPluginConfig = z.infer<typeof RsyncPluginSchema>;

export const ConfigDocumentSchema = z.object({
  backends: z.array(BackendSchema).default([]),
  pools: z.record(z.string(), PoolSchema).default({}),
  resource_validations: z.record(z.string(), z.array(ResourceRuleSchema)).default({}),
  workflow: WorkflowSettingsSchema.prefault({}),
  /** Stored roles (ROLE config); written through the API only, never from the config file. */
  roles: z.array(RoleSchema).default([]),
});
export type ConfigDocument = z.infer<typeof ConfigDocumentSchema>;

/** Parses a configuration document; every error names the field; names follow upstream's pattern. */
export function parseConfigDocument(raw: unknown): ConfigDocument {
  const result = ConfigDocumentSchema.safeParse(raw ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`Invalid configuration: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}`);
  }
  const doc = result.data;
  const backendNames = new Set<string>();
  for (const backend of doc.backends) {
    if (backendNames.has(backend.name))
      throw new Error(`Invalid configuration: backend ${backend.name} is declared twice`);
    backendNames.add(backend.name);
    if (backend.kind === 'kubernetes' && backend.kubernetes === null) {
      throw new Error(
        `Invalid configuration: backend ${backend.name}: kind kubernetes needs a kubernetes block (runtime_image, and kubeconfig or in_cluster)`,
      );
    }
  }
  for (const [name, pool] of Object.entries(doc.pools)) {
    if (!NAME.test(name)) throw new Error(`Invalid configuration: pool name ${name} is not valid!`);
    for (const platform of Object.keys(pool.platforms)) {
      if (!NAME.test(platform))
        throw new Error(`Invalid configuration: platform name ${platform} is not valid!`);
    }
    if (pool.default_platform !== null && !(pool.default_platform in pool.platforms)) {
      throw new Error(
        `Invalid configuration: default platform ${pool.default_platform} is not a platform of pool ${name}`,
      );
    }
    pool.name = name;
  }
  return doc;
}

/** What a fresh service runs with: one `default` pool on the `default` backend, stock validation rules. */
export function defaultConfigDocument(): ConfigDocument {
  return parseConfigDocument({
    backends: [{ name: 'default', description: 'Default backend' }],
    pools: {
      default: {
        description: 'Default pool',
        backend: 'default',
        default_platform: 'default',
        common_resource_validations: ['default_cpu', 'default_memory', 'default_storage', 'default_gpu'],
        platforms: { default: {} },
      },
    },
  });
}

export const CONFIG_TYPES = [
  'BACKEND',
  'BACKEND_TEST',
  'DATASET',
  'GROUP_TEMPLATE',
  'POD_TEMPLATE',
  'POOL',
  'RESOURCE_VALIDATION',
  'ROLE',
  'SERVICE',
  'WORKFLOW',
] as const;
export type ConfigType = (typeof CONFIG_TYPES)[number];
/** The types this service interprets and keeps history for. */
export const MANAGED_CONFIG_TYPES = ['BACKEND', 'POOL', 'RESOURCE_VALIDATION', 'ROLE', 'WORKFLOW'] as const;
export type ManagedConfigType = (typeof MANAGED_CONFIG_TYPES)[number];
