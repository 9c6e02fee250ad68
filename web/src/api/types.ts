// The wire shapes the UI reads: inferred from the service's own schemas (src/api/contract/), so a
// change there is a type error here. Type-only imports: neither zod nor the schemas reach the bundle.
import type { z } from 'zod';
import type * as App from '../../../src/api/contract/app-wire.js';
import type * as Auth from '../../../src/api/contract/auth-wire.js';
import type * as Dataset from '../../../src/api/contract/dataset-wire.js';
import type * as Pool from '../../../src/api/contract/pool-wire.js';
import type * as Usage from '../../../src/api/contract/usage-wire.js';
import type * as Workflow from '../../../src/api/contract/workflow-wire.js';

/** Timestamps are naive ISO-8601 in UTC, as upstream sends them. */
export type WireTime = string | null;

export type WorkflowListEntry = Workflow.WorkflowListEntry;
export type WorkflowList = Workflow.WorkflowList;
export type TaskEntry = Workflow.WorkflowTask;
export type GroupEntry = Workflow.WorkflowGroup;
export type WorkflowDetail = Workflow.WorkflowQuery;
export type SubmitResult = Workflow.SubmitResponse;
export type TaskOutput = Workflow.TaskOutput;
/** One row per user × pool × priority of the tasks that matched. */
export type TaskUsage = z.infer<typeof Workflow.TaskSummary>;

export type Profile = Auth.ProfileSettings;
export type UserEntry = Auth.UserEntry;
export type UserPage = z.infer<typeof Auth.UserPage>;
export type RoleAssignment = Auth.RoleAssignment;

/** Quota and capacity figures arrive as decimal strings. */
export type ResourceUsage = Pool.ResourceUsage;
export type PoolQuota = Pool.PoolQuota;
export type PoolEntry = PoolQuota['node_sets'][number]['pools'][number];
export type ResourceEntry = Pool.ResourceEntry;

export type CredentialSummary = z.infer<typeof Usage.CredentialSummary>;

export type AppListEntry = App.AppListEntry;
export type AppVersionEntry = App.AppVersionEntry;
export type AppInfo = App.AppInfo;

export type DatasetListEntry = Dataset.DatasetListEntry;
export type DatasetVersionEntry = Dataset.DatasetInfoVersion;
export type DatasetInfo = Dataset.DatasetInfo;
export type ManifestEntry = z.infer<typeof Dataset.ManifestEntry>;

/** Stored roles come back as the service's configuration schema parses them. */
export type { RoleDocument } from '../../../src/config/pool-config.js';
