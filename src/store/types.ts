// Domain records the store returns and the inputs it accepts: camelCase, Dates, parsed JSON.
import type { GroupStatus, Priority, TaskStatus, WorkflowStatus } from '../core/index.js';

/** `task`: the grant of one running attempt's `osmo` CLI, deleted when the attempt ends. */
export const TOKEN_KINDS = ['personal', 'session', 'task'] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];

export interface User {
  readonly id: string;
  readonly createdAt: Date;
  readonly createdBy: string | null;
}

export interface UserRole {
  readonly roleName: string;
  readonly assignedBy: string;
  readonly assignedAt: Date;
}

export interface AccessToken {
  readonly userName: string;
  readonly tokenName: string;
  /** SHA-256 hex of the secret; the service hashes, the store only keeps what it is given. */
  readonly tokenHash: string;
  readonly expiresAt: Date | null;
  readonly description: string | null;
  readonly kind: TokenKind;
  readonly createdAt: Date;
  readonly lastSeenAt: Date | null;
}

export interface NewAccessToken {
  readonly userName: string;
  readonly tokenName: string;
  readonly tokenHash: string;
  readonly expiresAt: Date | null;
  readonly description?: string | null;
  readonly kind: TokenKind;
  readonly createdAt?: Date;
}

export type Labels = Readonly<Record<string, string>>;
export interface Plugins {
  readonly rsync: boolean;
}

export interface Workflow {
  readonly workflowUuid: string;
  readonly workflowName: string;
  readonly jobId: number;
  readonly workflowId: string;
  readonly submittedBy: string;
  readonly cancelledBy: string | null;
  readonly submitTime: Date;
  readonly startTime: Date | null;
  readonly endTime: Date | null;
  readonly execTimeoutSeconds: number | null;
  readonly queueTimeoutSeconds: number | null;
  readonly backend: string | null;
  readonly pool: string | null;
  readonly version: number;
  readonly outputs: string;
  readonly status: WorkflowStatus;
  readonly failureMessage: string | null;
  readonly parentName: string | null;
  readonly parentJobId: number | null;
  readonly appUuid: string | null;
  readonly appVersion: number | null;
  readonly plugins: Plugins;
  readonly labels: Labels;
  readonly priority: Priority;
  readonly specText: string;
  readonly templateSpecText: string | null;
  /** The parsed spec for the engine; null for FAILED_SUBMISSION records. */
  readonly specJson: unknown;
}

/** A workflow without its spec texts: what lists show, without reading specs of up to megabytes per row. */
export type WorkflowSummary = Omit<Workflow, 'specText' | 'templateSpecText' | 'specJson'>;

export interface Group {
  readonly groupUuid: string;
  readonly workflowUuid: string;
  readonly workflowId: string;
  readonly name: string;
  readonly spec: unknown;
  readonly status: GroupStatus;
  readonly failureMessage: string | null;
  readonly processingStartTime: Date | null;
  readonly schedulingStartTime: Date | null;
  readonly initializingStartTime: Date | null;
  readonly startTime: Date | null;
  readonly endTime: Date | null;
  readonly remainingUpstreamGroups: readonly string[];
  readonly downstreamGroups: readonly string[];
  readonly cleanedUp: boolean;
}

export interface Task {
  readonly taskDbKey: string;
  readonly workflowUuid: string;
  readonly workflowId: string;
  readonly name: string;
  readonly retryId: number;
  readonly taskUuid: string;
  readonly groupName: string;
  readonly status: TaskStatus;
  readonly failureMessage: string | null;
  readonly exitCode: number | null;
  readonly schedulingStartTime: Date | null;
  readonly initializingStartTime: Date | null;
  readonly startTime: Date | null;
  readonly endTime: Date | null;
  readonly inputDownloadStartTime: Date | null;
  readonly inputDownloadEndTime: Date | null;
  readonly outputUploadStartTime: Date | null;
  readonly outputUploadEndTime: Date | null;
  readonly lastHeartbeat: Date | null;
  readonly nodeName: string | null;
  readonly gpuCount: number;
  readonly cpuCount: number;
  readonly diskGib: number;
  readonly memoryGib: number;
  readonly exitActions: unknown;
  readonly lead: boolean;
  readonly podName: string | null;
  readonly podIp: string | null;
  readonly gpuIndices: readonly number[];
}

export interface WorkflowEvent {
  readonly id: number;
  readonly workflowUuid: string;
  readonly time: Date;
  readonly taskName: string | null;
  readonly retryId: number | null;
  readonly text: string;
}

export interface NewTask {
  readonly name: string;
  readonly taskUuid?: string;
  readonly status?: TaskStatus;
  readonly gpuCount: number;
  readonly cpuCount: number;
  readonly diskGib: number;
  readonly memoryGib: number;
  readonly exitActions?: unknown;
  readonly lead: boolean;
  readonly podName?: string | null;
}

export interface NewGroup {
  readonly name: string;
  readonly groupUuid?: string;
  readonly spec: unknown;
  readonly status?: GroupStatus;
  readonly remainingUpstreamGroups: readonly string[];
  readonly downstreamGroups: readonly string[];
  readonly tasks: readonly NewTask[];
}

export interface NewWorkflow {
  readonly workflowName: string;
  readonly workflowUuid?: string;
  readonly submittedBy: string;
  readonly submitTime: Date;
  readonly execTimeoutSeconds: number | null;
  readonly queueTimeoutSeconds: number | null;
  readonly backend: string | null;
  readonly pool: string | null;
  readonly version?: number;
  readonly status?: WorkflowStatus;
  readonly parentName?: string | null;
  readonly parentJobId?: number | null;
  readonly appUuid?: string | null;
  readonly appVersion?: number | null;
  readonly plugins?: Plugins;
  readonly labels?: Labels;
  readonly priority?: Priority;
  readonly specText: string;
  readonly templateSpecText?: string | null;
  readonly specJson: unknown;
  readonly tags?: readonly string[];
  readonly groups: readonly NewGroup[];
}

/** A submission that failed validation: a row with no groups, status FAILED_SUBMISSION. */
export interface NewFailedSubmission {
  readonly workflowName: string;
  readonly workflowUuid?: string;
  readonly submittedBy: string;
  readonly submitTime: Date;
  readonly backend?: string | null;
  readonly pool: string | null;
  readonly failureMessage: string;
  readonly specText?: string;
  readonly templateSpecText?: string | null;
  readonly labels?: Labels;
  readonly priority?: Priority;
  readonly appUuid?: string | null;
  readonly appVersion?: number | null;
}
