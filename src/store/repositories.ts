// The repository interfaces of the store: one per aggregate, and the Store that bundles them.
import type { Kysely } from 'kysely';
import type { GroupStatus, Priority, TaskStatus, WorkflowStatus } from '../core/index.js';
import type { AppRepository } from './app-repository.js';
import type { AccountRepository } from './accounts.js';
import type { CredentialRepository } from './credentials.js';
import type { DatasetRepository } from './dataset-repository.js';
import type { ConfigHistoryRepository } from './config-history.js';
import type { NotificationRepository } from './notifications.js';
import type { ProfileRepository } from './profiles.js';
import type { Database } from './schema.js';
import type { UsageRepository } from './usage.js';
import type { WriteGenerations } from './write-generations.js';
import type {
  AccessToken,
  Group,
  NewAccessToken,
  NewFailedSubmission,
  NewWorkflow,
  Task,
  TokenKind,
  User,
  UserRole,
  Workflow,
  WorkflowSummary,
  WorkflowEvent,
} from './types.js';

export const STORE_KINDS = ['sqlite', 'postgres'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];
export type StoreConfig = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

export const LIST_ORDERS = ['ASC', 'DESC'] as const;
export type ListOrder = (typeof LIST_ORDERS)[number];

export interface Page<T> {
  readonly rows: readonly T[];
  readonly moreEntries: boolean;
}

/** GET /api/workflow filters; the service resolves users and pools first. */
export interface WorkflowListFilters {
  readonly users?: readonly string[];
  /** Substring of the workflow id. */
  readonly name?: string;
  /** When absent or empty, FAILED_SUBMISSION rows are excluded. */
  readonly statuses?: readonly WorkflowStatus[];
  readonly pools?: readonly string[];
  readonly offset?: number;
  readonly limit?: number;
  /** ASC: the oldest `limit` rows, oldest first; DESC: the newest, newest first. */
  readonly order?: ListOrder;
  readonly submittedAfter?: Date;
  readonly submittedBefore?: Date;
  /** Any of these tags. */
  readonly tags?: readonly string[];
  /** `name` or `name:version`. */
  readonly app?: string;
  readonly priorities?: readonly Priority[];
  /** Selectors `key=value` (`*` wildcards, `(a|b)` alternatives, `key=*` presence), ANDed. */
  readonly labels?: readonly string[];
  /** Keys that must be absent. */
  readonly noLabels?: readonly string[];
}

/** Times and facts a status change may record; times only fill columns that are still null. */
export interface WorkflowStatusFields {
  readonly at?: Date;
  readonly failureMessage?: string | null;
  readonly outputs?: string;
}

export interface WorkflowRepository {
  /** Inserts the workflow, its groups, tasks and tags in one transaction; allocates job_id. */
  create(input: NewWorkflow): Promise<Workflow>;
  createFailedSubmission(input: NewFailedSubmission): Promise<Workflow>;
  /** By workflow id (`name-3`) or 32-hex workflow uuid; null when unknown. */
  get(idOrUuid: string): Promise<Workflow | null>;
  list(filters: WorkflowListFilters): Promise<Page<Workflow>>;
  /** The same page as `list`, without the spec columns. */
  listSummaries(filters: WorkflowListFilters): Promise<Page<WorkflowSummary>>;
  /** One workflow by uuid without the spec columns; null when unknown. */
  getSummary(workflowUuid: string): Promise<WorkflowSummary | null>;
  /** Workflows not yet finished, oldest first: what the engine resumes at restart. */
  listAlive(): Promise<Workflow[]>;
  /** Uuids of the alive workflows, oldest first: a cheap read where the rows are fetched one by one. */
  listAliveIds(): Promise<string[]>;
  /**
   * Moves to `to` only if the current status is in `allowedFrom`; sets start_time on RUNNING and
   * end_time on a finished status when still null. Returns whether the row changed.
   */
  setStatus(
    workflowUuid: string,
    to: WorkflowStatus,
    allowedFrom: readonly WorkflowStatus[],
    fields?: WorkflowStatusFields,
  ): Promise<boolean>;
  setCancelledBy(workflowUuid: string, user: string): Promise<boolean>;
  distinctUsers(): Promise<string[]>;
}

export interface GroupStatusFields {
  readonly failureMessage?: string | null;
  readonly processingStartTime?: Date;
  readonly schedulingStartTime?: Date;
  readonly initializingStartTime?: Date;
  readonly startTime?: Date;
  readonly endTime?: Date;
}

export interface GroupRepository {
  listByWorkflow(workflowUuid: string): Promise<Group[]>;
  get(groupUuid: string): Promise<Group | null>;
  setStatus(
    groupUuid: string,
    to: GroupStatus,
    allowedFrom: readonly GroupStatus[],
    fields?: GroupStatusFields,
  ): Promise<boolean>;
  setRemainingUpstream(groupUuid: string, remaining: readonly string[]): Promise<void>;
  setCleanedUp(groupUuid: string, cleanedUp: boolean): Promise<void>;
  /** One group of a workflow by its name. */
  getByName(workflowUuid: string, name: string): Promise<Group | null>;
}

/** Facts about an attempt; times only fill columns that are still null, the rest overwrite. */
export interface TaskFields {
  readonly exitCode?: number | null;
  readonly failureMessage?: string | null;
  readonly schedulingStartTime?: Date;
  readonly initializingStartTime?: Date;
  readonly startTime?: Date;
  readonly endTime?: Date;
  readonly inputDownloadStartTime?: Date;
  readonly inputDownloadEndTime?: Date;
  readonly outputUploadStartTime?: Date;
  readonly outputUploadEndTime?: Date;
  readonly lastHeartbeat?: Date;
  readonly nodeName?: string | null;
  readonly podName?: string | null;
  readonly podIp?: string | null;
  readonly gpuIndices?: readonly number[];
}

/** A launched attempt with the workflow facts recovery and GPU accounting need. */
export interface TaskAttempt extends Task {
  readonly pool: string | null;
  readonly backend: string | null;
  readonly submittedBy: string;
  readonly priority: Priority;
}

/** GET /api/task filters. */
export interface TaskListFilters {
  /** Substring of the workflow id. */
  readonly workflowId?: string;
  readonly statuses?: readonly TaskStatus[];
  readonly users?: readonly string[];
  readonly pools?: readonly string[];
  readonly nodes?: readonly string[];
  /** Started at/after this time, or not started. */
  readonly startedAfter?: Date;
  readonly startedBefore?: Date;
  readonly priorities?: readonly Priority[];
  readonly offset?: number;
  readonly limit?: number;
  /** ASC puts the newest rows last. */
  readonly order?: ListOrder;
}

export interface TaskUsageSummary {
  readonly user: string;
  readonly pool: string;
  readonly priority: Priority;
  /** Only in aggregate-by-workflow mode. */
  readonly workflowId: string | null;
  readonly diskGib: number;
  readonly cpuCount: number;
  readonly memoryGib: number;
  readonly gpuCount: number;
}

export interface TaskRepository {
  /** Latest retry of each task unless `allRetries`; sorted by name, then retry descending. */
  listByWorkflow(workflowUuid: string, options?: { readonly allRetries?: boolean }): Promise<Task[]>;
  getLatest(workflowUuid: string, taskName: string): Promise<Task | null>;
  get(taskDbKey: string): Promise<Task | null>;
  /** A new attempt of the task behind `previousTaskDbKey`: retry_id + 1, same task_uuid. */
  insertRetry(previousTaskDbKey: string, status: TaskStatus): Promise<Task>;
  setStatus(
    taskDbKey: string,
    to: TaskStatus,
    allowedFrom: readonly TaskStatus[],
    fields?: TaskFields,
  ): Promise<boolean>;
  /** Records facts without changing the status (heartbeats, transfer times, pod identity). */
  update(taskDbKey: string, fields: TaskFields): Promise<void>;
  /** Attempts in `statuses` (default SCHEDULING, INITIALIZING, RUNNING) across all workflows. */
  listRunningAttempts(statuses?: readonly TaskStatus[]): Promise<TaskAttempt[]>;
  listForApi(filters: TaskListFilters): Promise<Page<TaskAttempt>>;
  summarize(
    filters: TaskListFilters,
    options?: { readonly byWorkflow?: boolean },
  ): Promise<TaskUsageSummary[]>;
  /** One attempt of a task: the row of (workflow, name, retry). */
  getAttempt(workflowUuid: string, taskName: string, retryId: number): Promise<Task | null>;
  /** The latest retry of each named task of a workflow (a group's tasks), sorted by name. */
  listLatestByNames(workflowUuid: string, taskNames: readonly string[]): Promise<Task[]>;
}

export interface UserRepository {
  /** Creates the user when missing; returns the stored row either way. */
  upsert(id: string, createdBy: string | null, at?: Date): Promise<User>;
  get(id: string): Promise<User | null>;
  list(): Promise<User[]>;
  /** Replaces the user's roles with `roles`, keeping assignment facts of roles it already had. */
  setRoles(userId: string, roles: readonly string[], assignedBy: string, at?: Date): Promise<void>;
  addRoles(userId: string, roles: readonly string[], assignedBy: string, at?: Date): Promise<void>;
  removeRoles(userId: string, roles: readonly string[]): Promise<void>;
  getRoles(userId: string): Promise<UserRole[]>;
}

export interface TokenRepository {
  create(token: NewAccessToken): Promise<AccessToken>;
  findByHash(tokenHash: string): Promise<AccessToken | null>;
  /** The token by its primary key, only while its user still exists (checked on every request). */
  findGrant(userName: string, tokenName: string): Promise<AccessToken | null>;
  listByUser(userName: string, kind?: TokenKind): Promise<AccessToken[]>;
  deleteByName(userName: string, tokenName: string): Promise<boolean>;
  deleteByHash(tokenHash: string): Promise<boolean>;
  /** Deletes the grants of this name of every user (an attempt's grant, whose name is unique). */
  deleteNamed(tokenName: string, kind: TokenKind): Promise<boolean>;
  touch(tokenHash: string, at: Date): Promise<void>;
}

export interface TagRepository {
  add(workflowUuid: string, tags: readonly string[]): Promise<void>;
  remove(workflowUuid: string, tags: readonly string[]): Promise<void>;
  list(workflowUuid: string): Promise<string[]>;
}

export interface NewWorkflowEvent {
  readonly workflowUuid: string;
  readonly time: Date;
  readonly taskName?: string | null;
  readonly retryId?: number | null;
  readonly text: string;
}

export interface EventRepository {
  append(event: NewWorkflowEvent): Promise<WorkflowEvent>;
  /** Ordered by time, then insertion. */
  list(
    workflowUuid: string,
    filter?: { readonly taskName?: string; readonly retryId?: number },
  ): Promise<WorkflowEvent[]>;
}

export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: StoreKind;
  /** Committed writes counted per table: answers cached until what they read is written again. */
  readonly writes: WriteGenerations;
  /** Runs `fn` in one transaction; inside a transaction it simply runs `fn` on the same one. */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  readonly users: UserRepository;
  readonly tokens: TokenRepository;
  readonly workflows: WorkflowRepository;
  readonly groups: GroupRepository;
  readonly tasks: TaskRepository;
  readonly events: EventRepository;
  readonly tags: TagRepository;
  readonly configHistory: ConfigHistoryRepository;
  readonly profiles: ProfileRepository;
  readonly accounts: AccountRepository;
  readonly credentials: CredentialRepository;
  readonly apps: AppRepository;
  readonly datasets: DatasetRepository;
  readonly usage: UsageRepository;
  readonly notifications: NotificationRepository;
}
