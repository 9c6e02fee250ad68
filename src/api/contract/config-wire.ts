// Wire schemas of the configuration endpoints: the stored documents' own schemas, as the service
// reads them back (every default filled in), and their revision history.
import { z } from 'zod';
import {
  BackendSchema,
  DeclaredNodeSchema,
  PoolSchema,
  ResourceRuleSchema,
  RoleSchema,
  WorkflowSettingsSchema,
} from '../../config/pool-config.js';
import { LoginInfo } from './auth-wire.js';
import { wire } from './wire-registry.js';

export const PoolConfig = wire('PoolConfig', PoolSchema);
export const PoolConfigs = wire('PoolConfigs', z.object({ pools: z.record(z.string(), PoolConfig) }));

export const BackendInfo = wire(
  'BackendInfo',
  z.object({
    name: BackendSchema.shape.name,
    description: z.string(),
    version: z.string(),
    k8s_uid: z.string(),
    k8s_namespace: z.string(),
    dashboard_url: z.string(),
    grafana_url: z.string(),
    tests: z.array(z.unknown()),
    scheduler_settings: z.object({
      scheduler_type: z.string(),
      scheduler_name: z.string(),
      scheduler_timeout: z.number(),
    }),
    node_conditions: z.object({ rules: z.record(z.string(), z.string()), prefix: z.string() }),
    last_heartbeat: z.string().nullable(),
    created_date: z.string().nullable(),
    router_address: z.string(),
    online: z.boolean(),
    /** Declared nodes of the backend (ours), or null when it reports its own. */
    nodes: z.array(DeclaredNodeSchema).nullable().optional(),
    /** Ours: the kind that runs it, null for the service's start-up backend. */
    kind: BackendSchema.shape.kind.optional(),
    /** Ours: the kind it runs on now (a kindless entry: the start-up backend's). */
    running_kind: z.string().optional(),
    /** Ours: why it is offline, or its last failure while online. */
    last_error: z.string().nullable().optional(),
    /** Ours: the nodes it offers the scheduler now (none while offline). */
    node_count: z.number().int().nonnegative().optional(),
    /** Ours: docker_host, slurm and kubernetes settings as configured. */
    docker_host: BackendSchema.shape.docker_host.optional(),
    slurm: BackendSchema.shape.slurm.optional(),
    kubernetes: BackendSchema.shape.kubernetes.optional(),
  }),
);
export type BackendInfo = z.infer<typeof BackendInfo>;
export const BackendList = wire('BackendList', z.object({ backends: z.array(BackendInfo) }));

export const WorkflowConfig = wire('WorkflowConfig', WorkflowSettingsSchema);
export const ResourceValidationConfig = wire(
  'ResourceValidationConfig',
  z.record(z.string(), z.array(ResourceRuleSchema)),
  'Resource validation rules by name.',
);

/** A PATCHed configuration as merged and stored (fields left at their default may be absent). */
export const MergedConfig = wire('MergedConfig', z.unknown());

export const RoleConfig = wire('RoleConfig', RoleSchema);
export const RoleConfigs = wire('RoleConfigs', z.array(RoleConfig));

export const ConfigRevision = wire(
  'ConfigRevision',
  z.object({
    config_type: z.string(),
    name: z.string(),
    revision: z.number(),
    username: z.string(),
    created_at: z.string(),
    description: z.string(),
    tags: z.array(z.string()).nullable(),
    /** The configuration as of this revision; null with `omit_data`. */
    data: z.unknown(),
  }),
);
export type ConfigRevision = z.infer<typeof ConfigRevision>;
export const ConfigHistory = wire('ConfigHistory', z.object({ configs: z.array(ConfigRevision) }));

export const ConfigDiff = wire('ConfigDiff', z.object({ first_data: z.unknown(), second_data: z.unknown() }));

/** How every secret of a configuration is shown (upstream renders its `SecretStr` fields so). */
export const MASKED_SECRET = '**********';

/**
 * The service configuration as this service has it: set by `osmo service start` flags and the
 * environment. Upstream's `max_pod_restart_limit`, `agent_queue_size` and the in-workflow token roles
 * (`user_roles`, `ctrl_roles`) have no counterpart here and are absent.
 */
export const ServiceConfig = wire(
  'ServiceConfig',
  z.object({
    service_base_url: z.string(),
    service_auth: z.object({
      /** Signing keys by key id: the public key as a JWK JSON string, the private key masked. */
      keys: z.record(z.string(), z.object({ public_key: z.string(), private_key: z.literal(MASKED_SECRET) })),
      active_key: z.string(),
      issuer: z.string(),
      audience: z.string(),
      login_info: LoginInfo,
      /** The longest lifetime of a personal access token, as `<days>d`. */
      max_token_duration: z.string(),
    }),
    cli_config: z.object({
      latest_version: z.string().nullable(),
      min_supported_version: z.string().nullable(),
      client_install_url: z.string().nullable(),
    }),
  }),
);
export type ServiceConfig = z.infer<typeof ServiceConfig>;
