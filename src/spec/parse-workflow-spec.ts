// The submit pipeline up to a normalised spec: render, YAML, schema, set-env, normalise, limits.

import { usageError } from '../core/errors.js';
import { resolveLabels } from './labels.js';
import {
  DEFAULT_MAX_NAME_LENGTH,
  checkNameLength,
  checkReservedTaskName,
  checkUniqueNames,
} from './names.js';
import { renderWorkflowText } from './render-template.js';
import type { TemplateValues } from './render-template.js';
import { checkCacheSize, checkVolumeMount, profileForTask, resolveProfile } from './resources.js';
import type { PoolContext } from './resources.js';
import { parseWorkflowDocument } from './schema/workflow-schema.js';
import { parseEnvVars } from './template-values.js';
import { assignLeads, linkGroups, toGroups } from './topology.js';
import type { GroupSpec, ResourceSpec, WorkflowSpec } from './types.js';
import { withLocalFilesStandIn } from './local-files.js';
import { checkNestingDepth, checkRenderedSize, checkTaskCount, checkTaskCountEarly } from './spec-limits.js';
import { dumpYaml, loadYaml } from './yaml-dialect.js';

/** 60 days: upstream's workflow-config default and cap for both timeouts. */
export const DEFAULT_TIMEOUT_SECONDS = 60 * 86400;
export const DEFAULT_MAX_TASKS = 20;

export interface ParseOptions extends TemplateValues {
  /** `--set-env` items (`K=V`), written into every task's environment. */
  readonly envVars: readonly string[];
  /** `--label` items (`K=V`), overriding the spec's labels. */
  readonly labels?: readonly string[];
  /** Workflow config `max_num_tasks` (default 20). */
  readonly maxTasks?: number;
  /** Workflow config `max_name_length` (default 64). */
  readonly maxNameLength?: number;
  /** Pool default, else workflow config default, for unset timeouts. */
  readonly defaultExecTimeoutSeconds?: number;
  readonly defaultQueueTimeoutSeconds?: number;
  /** Pool max, else workflow config max. */
  readonly maxExecTimeoutSeconds?: number;
  readonly maxQueueTimeoutSeconds?: number;
  /** Target pool's platforms; when given, platforms are defaulted and checked. */
  readonly pool?: PoolContext;
}

/**
 * Renders and validates a workflow spec; the result is plain JSON data.
 * Throws OsmoError: USAGE (template, YAML, schema, names, DAG, limits), RESOURCE (quantities, profiles, platforms),
 * SUBMISSION (malformed `--set`/`--set-env` items).
 */
export function parseWorkflowSpec(text: string, options: ParseOptions): WorkflowSpec {
  return validateWorkflowDocument(loadWorkflowDocument(text, options), options);
}

/**
 * For a dry run: the rendered text as `--dry-run` prints it, and the spec every submit check runs on.
 * `localpath` file entries are read from the submitter's disk after the render,
 * so for the checks they stand in as empty contents.
 */
export function dryRunWorkflowSpec(
  text: string,
  options: ParseOptions,
): { readonly rendered: string; readonly spec: WorkflowSpec } {
  const document = loadWorkflowDocument(text, options);
  const rendered = dumpRendered(document);
  return { rendered, spec: validateWorkflowDocument(withLocalFilesStandIn(document), options) };
}

/** Render and YAML, with the cheap limits (size, nesting, task count) before each expensive stage. */
function loadWorkflowDocument(text: string, options: ParseOptions): unknown {
  const rendered = renderWorkflowText(text, options);
  checkRenderedSize(rendered);
  checkNestingDepth(rendered);
  const maxTasks = options.maxTasks ?? DEFAULT_MAX_TASKS;
  checkTaskCountEarly(rendered, maxTasks);
  const document = loadYaml(rendered, 'Workflow spec is not properly formatted: ');
  checkTaskCount(document, maxTasks);
  return document;
}

function validateWorkflowDocument(document: unknown, options: ParseOptions): WorkflowSpec {
  const labels = resolveLabels(
    isRecord(document) && isRecord(document['workflow']) ? document['workflow']['labels'] : undefined,
    options.labels ?? [],
  );
  const parsed = parseWorkflowDocument(document);
  const env = parseEnvVars(options.envVars);

  const profiles: Record<string, ResourceSpec> = {};
  for (const [name, profile] of Object.entries(parsed.resources))
    profiles[name] = resolveProfile(name, profile, options.pool);

  const placed = linkGroups(assignLeads(toGroups(parsed)));
  const groups: GroupSpec[] = placed.map((group) => ({
    name: group.name,
    barrier: group.barrier,
    ignoreNonleadStatus: group.ignoreNonleadStatus,
    upstreamGroups: group.upstreamGroups,
    tasks: group.tasks.map((task) => {
      if (task.cacheSize !== null) checkCacheSize(task.cacheSize);
      task.volumeMounts.forEach(checkVolumeMount);
      return {
        ...task,
        environment: { ...task.environment, ...env },
        resource: profileForTask(task.name, task.resourceName, profiles),
      };
    }),
  }));
  const taskNames = groups.flatMap((g) => g.tasks.map((t) => t.name));
  checkUniqueNames([...taskNames, ...groups.map((g) => g.name)]);
  taskNames.forEach(checkReservedTaskName);

  const maxTasks = options.maxTasks ?? DEFAULT_MAX_TASKS;
  if (taskNames.length > maxTasks) throw usageError(`Workflow cannot have more than ${maxTasks} tasks.`);
  const maxName = options.maxNameLength ?? DEFAULT_MAX_NAME_LENGTH;
  [parsed.name, ...groups.map((g) => g.name), ...taskNames].forEach((n) => checkNameLength(n, maxName));

  const limit = (set: number | null, fallback: number | undefined, cap: number | undefined): number =>
    Math.min(set ?? fallback ?? DEFAULT_TIMEOUT_SECONDS, cap ?? DEFAULT_TIMEOUT_SECONDS);
  return {
    name: parsed.name,
    groups,
    resources: profiles,
    declaredTimeout: parsed.timeout,
    timeout: {
      execTimeoutSeconds: limit(
        parsed.timeout.execTimeoutSeconds,
        options.defaultExecTimeoutSeconds,
        options.maxExecTimeoutSeconds,
      ),
      queueTimeoutSeconds: limit(
        parsed.timeout.queueTimeoutSeconds,
        options.defaultQueueTimeoutSeconds,
        options.maxQueueTimeoutSeconds,
      ),
    },
    labels,
    renderedYaml: dumpRendered(document),
  };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function dumpRendered(document: unknown): string {
  return dumpYaml({ workflow: isRecord(document) ? document['workflow'] : null });
}

/**
 * Section split + default-values + sandboxed Jinja + YAML, dumped as `--dry-run` prints it:
 * only the `workflow` key, keys sorted, block style. Throws OsmoError(USAGE/SUBMISSION).
 */
export function renderWorkflowTemplate(text: string, values: TemplateValues): string {
  const rendered = renderWorkflowText(text, values);
  checkRenderedSize(rendered);
  checkNestingDepth(rendered);
  return dumpRendered(loadYaml(rendered, 'Workflow spec is not properly formatted: '));
}
