// Wire schemas of resource usage (ours) and of credentials.
import { z } from 'zod';
import { UsageAmounts } from './workflow-wire.js';
import { wire } from './wire-registry.js';

export const USAGE_GROUPINGS = ['user', 'pool', 'workflow', 'task'] as const;

/** One row: the keys of its grouping (user; pool; workflow_id, user, pool; plus task_name), then amounts. */
export const UsageRow = wire(
  'UsageRow',
  UsageAmounts.extend({
    user: z.string().nullable().optional(),
    pool: z.string().nullable().optional(),
    workflow_id: z.string().nullable().optional(),
    task_name: z.string().nullable().optional(),
  }),
);

export const UsageReport = wire(
  'UsageReport',
  z.object({
    group_by: z.enum(USAGE_GROUPINGS),
    since: z.string(),
    until: z.string(),
    usage: z.array(UsageRow),
    total: UsageAmounts,
  }),
);
export type UsageReport = z.infer<typeof UsageReport>;

export const CredentialSummary = wire(
  'CredentialSummary',
  z.object({
    cred_name: z.string(),
    cred_type: z.enum(['DATA', 'REGISTRY', 'GENERIC']),
    profile: z.string().nullable(),
  }),
);

/** Listed, or the one just deleted: names, types and profiles, never payloads. */
export const CredentialList = wire('CredentialList', z.object({ credentials: z.array(CredentialSummary) }));
