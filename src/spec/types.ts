// The normalised, JSON-serialisable workflow spec the service stores and the controller runs.

/** One injected file; `contents` is text unless `base64` says it is already encoded. */
export interface FileSpec {
  readonly path: string;
  readonly contents: string;
  readonly base64: boolean;
}

/** A credential is mounted as a directory (string) or mapped into env vars (env var → payload key). */
export type CredentialSpec = string | Readonly<Record<string, string>>;

/** A task input: another task's output (`task` may be `<workflow_id>:<task>`) or an object-storage URL. */
export type InputSpec =
  | { readonly kind: 'task'; readonly task: string; readonly regex: string }
  | { readonly kind: 'url'; readonly url: string; readonly regex: string }
  /** The removed dataset form, kept here: `[bucket/]name[:tag]`, fetched like a URL input. */
  | { readonly kind: 'dataset'; readonly name: string; readonly regex: string };

/** The URL form of outputs. */
export interface UrlOutputSpec {
  readonly url: string;
  readonly regex: string;
}

/** The removed dataset output, kept here: `{{output}}/<path>` becomes a new version of `dataset`. */
export interface DatasetOutputSpec {
  readonly dataset: string;
  readonly path: string;
  readonly regex: string;
}

export type OutputSpec = UrlOutputSpec | DatasetOutputSpec;

/** Periodic checkpoint upload; `path` is already made absolute. */
export interface CheckpointSpec {
  readonly path: string;
  readonly url: string;
  readonly frequencySeconds: number;
  readonly regex: string;
}

export const EXIT_ACTIONS = ['COMPLETE', 'FAIL', 'RESCHEDULE'] as const;
export type ExitAction = (typeof EXIT_ACTIONS)[number];

/** One exitActions entry: inclusive code ranges, kept in map order because the first match wins. */
export interface ExitActionRule {
  readonly action: ExitAction;
  /** The text as written, e.g. `0,1-10`. */
  readonly codes: string;
  readonly ranges: readonly (readonly [number, number])[];
}
export type ExitActions = readonly ExitActionRule[];

export const TOPOLOGY_REQUIREMENTS = ['required', 'preferred'] as const;
export type TopologyRequirement = (typeof TOPOLOGY_REQUIREMENTS)[number];

export interface TopologySpec {
  readonly key: string;
  readonly group: string;
  readonly requirementType: TopologyRequirement;
}

/** A resource profile with quantities converted to bytes; null = unset (pool defaults apply). */
export interface ResourceSpec {
  readonly cpu: number | null;
  readonly gpu: number | null;
  /** Memory as written (e.g. `16Gi`), for pod templates; null when unset. */
  readonly memory: string | null;
  readonly memoryBytes: number | null;
  readonly storage: string | null;
  readonly storageBytes: number | null;
  readonly platform: string | null;
  readonly nodesExcluded: readonly string[];
  readonly topology: readonly TopologySpec[];
}

/** One kpi artefact request. */
export interface KpiSpec {
  readonly index: string;
  readonly path: string;
}

export interface TaskSpec {
  readonly name: string;
  readonly image: string;
  readonly command: readonly string[];
  readonly args: readonly string[];
  readonly lead: boolean;
  readonly environment: Readonly<Record<string, string>>;
  readonly files: readonly FileSpec[];
  readonly credentials: Readonly<Record<string, CredentialSpec>>;
  readonly inputs: readonly InputSpec[];
  readonly outputs: readonly OutputSpec[];
  readonly checkpoint: readonly CheckpointSpec[];
  readonly exitActions: ExitActions;
  /** Name of the profile in `workflow.resources`. */
  readonly resourceName: string;
  /** The resolved profile. */
  readonly resource: ResourceSpec;
  readonly privileged: boolean;
  readonly hostNetwork: boolean;
  readonly volumeMounts: readonly string[];
  readonly downloadType: string | null;
  readonly cacheSize: string | null;
  readonly kpis: readonly KpiSpec[];
}

export interface GroupSpec {
  readonly name: string;
  readonly tasks: readonly TaskSpec[];
  readonly barrier: boolean;
  readonly ignoreNonleadStatus: boolean;
  /** Groups this one waits for (from same-workflow task inputs), in list order. */
  readonly upstreamGroups: readonly string[];
}

/** Timeouts in seconds; null where the user wrote nothing (or zero). */
export interface TimeoutSpec {
  readonly execTimeoutSeconds: number | null;
  readonly queueTimeoutSeconds: number | null;
}

export interface WorkflowSpec {
  readonly name: string;
  /** Groups in list order; flat `tasks:` are wrapped into `<task>-group`. */
  readonly groups: readonly GroupSpec[];
  readonly resources: Readonly<Record<string, ResourceSpec>>;
  /** What the user wrote: unset stays null. */
  readonly declaredTimeout: TimeoutSpec;
  /** Effective limits after defaults and caps. */
  readonly timeout: { readonly execTimeoutSeconds: number; readonly queueTimeoutSeconds: number };
  readonly labels: Readonly<Record<string, string>>;
  /** The rendered workflow as YAML (`workflow:` only, keys sorted), as `--dry-run` prints it. */
  readonly renderedYaml: string;
}
