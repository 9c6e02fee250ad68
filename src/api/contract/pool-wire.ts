// Wire schemas of pools, their GPU quota and the resources (nodes) they run on.
import { z } from 'zod';
import { wire } from './wire-registry.js';

/** The reference's service leaves some of these out; this service sends every one. */
export const PoolPlatform = wire(
  'PoolPlatform',
  z.object({
    description: z.string(),
    host_network_allowed: z.boolean().optional(),
    privileged_allowed: z.boolean().optional(),
    allowed_mounts: z.array(z.string()).optional(),
    default_mounts: z.array(z.string()).optional(),
  }),
);

export const GpuQuota = wire(
  'GpuQuota',
  z.object({ guarantee: z.number(), maximum: z.number(), weight: z.number() }),
);

export const PoolStatus = wire('PoolStatus', z.enum(['ONLINE', 'OFFLINE', 'MAINTENANCE']));

export const PoolMinimal = wire(
  'PoolMinimal',
  z.object({
    name: z.string(),
    description: z.string(),
    status: PoolStatus,
    download_type: z.string().nullable().optional(),
    enable_maintenance: z.boolean().optional(),
    backend: z.string(),
    default_platform: z.string().nullable(),
    default_exec_timeout: z.string().optional(),
    default_queue_timeout: z.string().optional(),
    max_exec_timeout: z.string().optional(),
    max_queue_timeout: z.string().optional(),
    default_exit_actions: z.record(z.string(), z.string()).optional(),
    resources: z.object({ gpu: GpuQuota }),
    topology_keys: z.array(z.object({ key: z.string(), label: z.string() })),
    platforms: z.record(z.string(), PoolPlatform),
  }),
);
export type PoolMinimal = z.infer<typeof PoolMinimal>;

export const PoolList = wire('PoolList', z.object({ pools: z.record(z.string(), PoolMinimal) }));

/** GPU counts as strings, as upstream sends them. */
export const ResourceUsage = wire(
  'ResourceUsage',
  z.object({
    quota_used: z.string(),
    quota_free: z.string(),
    quota_limit: z.string(),
    total_usage: z.string(),
    total_capacity: z.string(),
    total_free: z.string(),
  }),
);
export type ResourceUsage = z.infer<typeof ResourceUsage>;

export const PoolQuota = wire(
  'PoolQuota',
  z.object({
    node_sets: z.array(z.object({ pools: z.array(PoolMinimal.extend({ resource_usage: ResourceUsage })) })),
    resource_sum: ResourceUsage,
  }),
);
export type PoolQuota = z.infer<typeof PoolQuota>;

const fields = z.record(z.string(), z.union([z.string(), z.number()]));
const byPoolPlatform = <S extends z.ZodType>(value: S) => z.record(z.string(), z.record(z.string(), value));

export const PlatformConfigFields = wire(
  'PlatformConfigFields',
  z.object({
    host_network: z.boolean(),
    privileged: z.boolean(),
    default_mounts: z.array(z.string()),
    allowed_mounts: z.array(z.string()),
  }),
);
export type PlatformConfigFields = z.infer<typeof PlatformConfigFields>;

export const ResourceEntry = wire(
  'ResourceEntry',
  z.object({
    hostname: z.string(),
    /** Amounts as strings, beside the node's name and its pool/platform pairs. */
    exposed_fields: z.looseObject({ node: z.string(), 'pool/platform': z.array(z.string()) }),
    taints: z.array(z.unknown()),
    usage_fields: fields.nullable(),
    conditions: z.array(z.unknown()).nullable(),
    non_workflow_usage_fields: fields.nullable(),
    allocatable_fields: fields.nullable(),
    platform_allocatable_fields: byPoolPlatform(fields).nullable(),
    platform_available_fields: byPoolPlatform(fields).nullable(),
    platform_workflow_allocatable_fields: byPoolPlatform(fields).nullable(),
    config_fields: byPoolPlatform(PlatformConfigFields).nullable(),
    backend: z.string(),
    label_fields: z.record(z.string(), z.string()).nullable(),
    pool_platform_labels: z.record(z.string(), z.array(z.string())).nullable(),
    resource_type: z.enum(['SHARED', 'RESERVED', 'UNUSED']),
  }),
);
export type ResourceEntry = z.infer<typeof ResourceEntry>;

export const Resources = wire('Resources', z.object({ resources: z.array(ResourceEntry) }));
export type Resources = z.infer<typeof Resources>;

const amounts = z.object({ storage: z.number(), cpu: z.number(), memory: z.number(), gpu: z.number() });

/** With `concise`: totals per pool and platform (storage and memory in GiB). */
export const ConciseResources = wire(
  'ConciseResources',
  z.object({
    pools: z.array(
      z.object({
        pool: z.string(),
        platform: z.string(),
        status: PoolStatus,
        usage_fields: amounts,
        allocatable_fields: amounts,
        backend: z.string(),
      }),
    ),
  }),
);
export type ConciseResources = z.infer<typeof ConciseResources>;

export const ResourceListing = wire('ResourceListing', z.union([Resources, ConciseResources]));
