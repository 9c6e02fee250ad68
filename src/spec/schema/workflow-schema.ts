// Schema of the workflow body: name, tasks or groups, resources, timeout, labels.

import { PyFloat } from '../py-float.js';
import { TOPOLOGY_REQUIREMENTS } from '../types.js';
import type { TimeoutSpec, TopologySpec } from '../types.js';
import {
  Issues,
  bool,
  int,
  isMapping,
  list,
  mapping,
  name as nameField,
  optionalStr,
  str,
  strList,
} from './fields.js';
import type { Path } from './fields.js';
import { duration, parseTask } from './task-schema.js';
import type { ParsedTask } from './task-schema.js';

export interface ParsedGroup {
  readonly name: string;
  readonly tasks: readonly ParsedTask[];
  readonly barrier: boolean;
  readonly ignoreNonleadStatus: boolean;
}

/** A resource profile as written; quantities are checked later as RESOURCE errors. */
export interface ParsedResource {
  readonly cpu: number | null;
  readonly gpu: number | null;
  readonly memory: string | null;
  readonly storage: string | null;
  readonly platform: string | null;
  readonly nodesExcluded: readonly string[];
  readonly topology: readonly TopologySpec[];
}

export interface ParsedWorkflow {
  readonly name: string;
  /** Exactly one of these is non-empty. */
  readonly tasks: readonly ParsedTask[];
  readonly groups: readonly ParsedGroup[];
  readonly resources: Readonly<Record<string, ParsedResource>>;
  readonly timeout: TimeoutSpec;
  /** Raw `labels` value, checked by the label rules. */
  readonly labels: unknown;
}

const WORKFLOW_KEYS = [
  'name',
  'tasks',
  'groups',
  'resources',
  'timeout',
  'labels',
  'pool',
  'backend',
] as const;
const RESOURCE_KEYS = ['cpu', 'gpu', 'memory', 'storage', 'platform', 'nodesExcluded', 'topology'] as const;

function quantityText(value: unknown, path: Path, issues: Issues): string | null | undefined {
  if (value === undefined || value === null) return null;
  return str(value, path, issues);
}

function optionalInt(value: unknown, path: Path, issues: Issues): number | null | undefined {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return issues.add(path, 'Input should be a valid integer');
  const n = int(value, path, issues);
  // `0` counts as unset.
  return n === 0 ? null : n;
}

function topology(value: unknown, path: Path, issues: Issues): TopologySpec | undefined {
  const m = mapping(value, path, issues, ['key', 'group', 'requirementType'], ['key']);
  if (m === undefined) return undefined;
  const key = str(m['key'], [...path, 'key'], issues);
  const group = optionalStr(m['group'], [...path, 'group'], issues, 'default');
  const requirement = optionalStr(m['requirementType'], [...path, 'requirementType'], issues, 'required');
  if (requirement !== undefined && !(TOPOLOGY_REQUIREMENTS as readonly string[]).includes(requirement)) {
    return issues.add([...path, 'requirementType'], "Input should be 'required' or 'preferred'");
  }
  if (key === undefined || group === undefined || requirement === undefined) return undefined;
  return { key, group, requirementType: requirement as TopologySpec['requirementType'] };
}

function resource(value: unknown, path: Path, issues: Issues): ParsedResource | undefined {
  const r = mapping(value ?? {}, path, issues, RESOURCE_KEYS);
  if (r === undefined) return undefined;
  const topo = list(r['topology'], [...path, 'topology'], issues)?.map((t, i) =>
    topology(t, [...path, 'topology', i], issues),
  );
  const out = {
    cpu: optionalInt(r['cpu'], [...path, 'cpu'], issues),
    gpu: optionalInt(r['gpu'], [...path, 'gpu'], issues),
    memory: quantityText(r['memory'], [...path, 'memory'], issues),
    storage: quantityText(r['storage'], [...path, 'storage'], issues),
    platform:
      r['platform'] === undefined || r['platform'] === null
        ? null
        : str(r['platform'], [...path, 'platform'], issues),
    nodesExcluded: strList(r['nodesExcluded'], [...path, 'nodesExcluded'], issues),
    topology: topo?.every((t): t is TopologySpec => t !== undefined) === true ? topo : undefined,
  };
  if (Object.values(out).some((v) => v === undefined)) return undefined;
  return out as ParsedResource;
}

function resources(
  value: unknown,
  present: boolean,
  path: Path,
  issues: Issues,
): Record<string, ParsedResource> | undefined {
  // The implicit `default` profile exists only when the key is absent.
  if (!present) return { default: resource({}, [...path, 'default'], issues) as ParsedResource };
  if (value === null) return {};
  if (!isMapping(value)) return issues.add(path, 'Input should be a valid dictionary');
  const out: Record<string, ParsedResource> = {};
  for (const [name, spec] of Object.entries(value)) {
    const r = resource(spec, [...path, name], issues);
    if (r !== undefined) out[name] = r;
  }
  return out;
}

function timeout(value: unknown, path: Path, issues: Issues): TimeoutSpec | undefined {
  if (value === undefined || value === null) return { execTimeoutSeconds: null, queueTimeoutSeconds: null };
  const m = mapping(value, path, issues, ['exec_timeout', 'queue_timeout']);
  if (m === undefined) return undefined;
  const one = (key: string): number | null | undefined => {
    const raw = m[key];
    if (raw === undefined || raw === null) return null;
    const seconds = duration(raw instanceof PyFloat ? raw.value : raw, [...path, key], issues);
    return seconds === 0 ? null : seconds;
  };
  const exec = one('exec_timeout');
  const queue = one('queue_timeout');
  return exec === undefined || queue === undefined
    ? undefined
    : { execTimeoutSeconds: exec, queueTimeoutSeconds: queue };
}

function taskList(value: unknown, path: Path, issues: Issues): ParsedTask[] | undefined {
  const items = list(value, path, issues);
  const out = items?.map((t, i) => parseTask(t, [...path, i], issues));
  return out?.every((t): t is ParsedTask => t !== undefined) === true ? out : undefined;
}

function group(value: unknown, path: Path, issues: Issues): ParsedGroup | undefined {
  const g = mapping(
    value,
    path,
    issues,
    ['name', 'tasks', 'barrier', 'ignoreNonleadStatus'],
    ['name', 'tasks'],
  );
  if (g === undefined) return undefined;
  const name = nameField(g['name'], [...path, 'name'], issues);
  const tasks = taskList(g['tasks'], [...path, 'tasks'], issues);
  if (tasks !== undefined && tasks.length === 0)
    return issues.add([...path, 'tasks'], `Group "${name ?? ''}" needs to have at least one task.`);
  const barrier = bool(g['barrier'], [...path, 'barrier'], issues, true);
  const ignore = bool(g['ignoreNonleadStatus'], [...path, 'ignoreNonleadStatus'], issues, true);
  if (name === undefined || tasks === undefined || barrier === undefined || ignore === undefined)
    return undefined;
  return { name, tasks, barrier, ignoreNonleadStatus: ignore };
}

/** Validates `{workflow: …}`; throws OsmoError(USAGE) listing every failing field path. */
export function parseWorkflowDocument(document: unknown): ParsedWorkflow {
  const issues = new Issues();
  const root = mapping(document, [], issues, ['workflow', 'version'], ['workflow']);
  const w = root && mapping(root['workflow'], ['workflow'], issues, WORKFLOW_KEYS, ['name']);
  if (w === undefined) throw issues.toError();
  const name = nameField(w['name'], ['workflow', 'name'], issues);
  const tasks = taskList(w['tasks'], ['workflow', 'tasks'], issues);
  const groupItems = list(w['groups'], ['workflow', 'groups'], issues);
  const groups = groupItems?.map((g, i) => group(g, ['workflow', 'groups', i], issues));
  const res = resources(w['resources'], 'resources' in w, ['workflow', 'resources'], issues);
  const time = timeout(w['timeout'], ['workflow', 'timeout'], issues);
  for (const key of ['pool', 'backend'] as const)
    if (w[key] !== undefined) str(w[key], ['workflow', key], issues);
  if (tasks !== undefined && groupItems !== undefined) {
    if (tasks.length > 0 && groupItems.length > 0)
      issues.add(['workflow'], 'Cannot use both groups and tasks in the same workflow.');
    if (tasks.length === 0 && groupItems.length === 0)
      issues.add(['workflow'], 'Workflows need to have at least one group or one task.');
  }
  if (!issues.isEmpty || name === undefined || tasks === undefined || res === undefined || time === undefined)
    throw issues.toError();
  return {
    name,
    tasks,
    groups: (groups ?? []).filter((g): g is ParsedGroup => g !== undefined),
    resources: res,
    timeout: time,
    labels: w['labels'],
  };
}
