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
