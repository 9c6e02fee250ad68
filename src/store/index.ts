// The store's public surface: open a store, its repositories, and the records they return.
export { openFencedStore, openStore } from './store.js';
export { FencedOutError, type Fence } from './fencing.js';
export { ReadCache } from './read-cache.js';
export type { WriteGenerations } from './write-generations.js';
export { countTasks, countWorkflows, oldestSchedulingStart, tasksTimedIn } from './status-counts.js';
export type { PoolStatusCount, PoolStatusTasks, TaskTimes } from './status-counts.js';
export { STORE_KINDS, LIST_ORDERS } from './repositories.js';
export type {
  StoreKind,
  StoreConfig,
  ListOrder,
  Page,
  Store,
  WorkflowListFilters,
  WorkflowStatusFields,
  WorkflowRepository,
  GroupStatusFields,
  GroupRepository,
  TaskFields,
  TaskAttempt,
  TaskListFilters,
  TaskUsageSummary,
  TaskRepository,
  UserRepository,
  TokenRepository,
  TagRepository,
  NewWorkflowEvent,
  EventRepository,
} from './repositories.js';
export { TOKEN_KINDS } from './types.js';
export type {
  TokenKind,
  User,
  UserRole,
  AccessToken,
  NewAccessToken,
  Labels,
  Plugins,
  Workflow,
  WorkflowSummary,
  Group,
  Task,
  WorkflowEvent,
  NewTask,
  NewGroup,
  NewWorkflow,
  NewFailedSubmission,
} from './types.js';
export type { Database } from './schema.js';
export type { ConfigRevision, ConfigHistoryFilters, ConfigHistoryRepository } from './config-history.js';
export type { Profile, ProfileRepository } from './profiles.js';
export type {
  DueDelivery,
  NotificationDelivery,
  NotificationEvent,
  NotificationRepository,
} from './notifications.js';
export { APP_VERSION_STATUSES } from './app-repository.js';
export type {
  App,
  AppSummary,
  AppVersion,
  AppVersionStatus,
  AppVersionWithSpec,
  AppListFilters,
  AppRepository,
  NewApp,
} from './app-repository.js';
export { DATASET_VERSION_STATUSES, LATEST_TAG } from './dataset-repository.js';
export type {
  Dataset,
  DatasetVersion,
  DatasetVersionStatus,
  DatasetListFilters,
  DatasetRepository,
  CollectionMember,
  NewDataset,
} from './dataset-repository.js';
export { DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT } from './workflow-queries.js';
export { parseLabelSelectors } from './label-selector.js';
export type { LabelSelector } from './label-selector.js';
export { CREDENTIAL_TYPES } from './credentials.js';
export type { CredentialType, StoredCredential, CredentialRepository } from './credentials.js';
export type { AccountRepository, UserSearch } from './accounts.js';
export { USAGE_GROUPINGS } from './usage.js';
export type { UsageGrouping, UsageQuery, UsageRepository, UsageRow } from './usage.js';
