// Schema of one task and its files, credentials, inputs, outputs and checkpoints.

import { OsmoError } from '../../core/errors.js';
import { parseDurationSeconds } from '../duration.js';
import { parseExitActions } from '../exit-actions.js';
import { PyFloat } from '../py-float.js';
import type {
  CheckpointSpec,
  CredentialSpec,
  ExitActions,
  FileSpec,
  InputSpec,
  KpiSpec,
  OutputSpec,
  TaskSpec,
} from '../types.js';
import {
  bool,
  isMapping,
  isValidRegex,
  list,
  mapping,
  name as nameField,
  optionalStr,
  scalarText,
  str,
  strList,
  strMap,
} from './fields.js';
import type { Path, Issues } from './fields.js';

/** A task before its resource profile is resolved. */
export type ParsedTask = Omit<TaskSpec, 'resource'>;

const TASK_KEYS = [
  'name',
  'image',
  'command',
  'args',
  'lead',
  'environment',
  'files',
  'credentials',
  'inputs',
  'outputs',
  'checkpoint',
  'exitActions',
  'resource',
  'privileged',
  'hostNetwork',
  'volumeMounts',
  'downloadType',
  'cacheSize',
  'kpis',
  'resources',
  'backend',
] as const;

const CHECKPOINT_URL = [
  /^s3:\/\/[^/,;*]+(\/[^/,;*]*)*$/,
  /^gs:\/\/[^/,;*]+(\/[^/,;*]*)*$/,
  /^tos:\/\/[^/,;*]+\/[^/,;*]+(\/[^/,;*]*)*$/,
  /^azure:\/\/[^/,;*]+\/[^/,;*]+(\/[^/,;*]*)*$/,
  /^swift:\/\/[^/,;*]+\/[^/,;*]+\/[^/,;*]+(\/[^/,;*]*)*$/,
];

function regexField(value: unknown, path: Path, issues: Issues): string | undefined {
  const regex = optionalStr(value, path, issues, '');
  if (regex !== undefined && !isValidRegex(regex)) return issues.add(path, `Invalid regex: ${regex}`);
  return regex;
}

function file(value: unknown, path: Path, issues: Issues): FileSpec | undefined {
  const f = mapping(value, path, issues, ['path', 'contents', 'base64'], ['path', 'contents']);
  if (f === undefined) return undefined;
  const filePath = str(f['path'], [...path, 'path'], issues);
  const contents = str(f['contents'], [...path, 'contents'], issues);
  const base64 = bool(f['base64'], [...path, 'base64'], issues, false);
  if (filePath === undefined || contents === undefined || base64 === undefined) return undefined;
  const segments = filePath.split('/').filter((s) => s !== '');
  if (
    segments.length === 0 ||
    (segments[0] === 'osmo' && !filePath.replace(/^\/+/, '/').startsWith('/osmo/data/output/'))
  ) {
    return issues.add(
      [...path, 'path'],
      `Empty path or adding file to "/osmo" is forbidden for file: ${filePath}`,
    );
  }
  return { path: filePath, contents, base64 };
}

function credential(value: unknown, path: Path, issues: Issues, key: string): CredentialSpec | undefined {
  if (typeof value === 'string') return value;
  if (!isMapping(value))
    return issues.add(path, `credential value for ${key} must be a str or dict, got ${typeName(value)}`);
  const out: Record<string, string> = {};
  for (const [envName, payloadKey] of Object.entries(value)) {
    const text = scalarText(payloadKey, true);
    if (text === undefined) {
      return issues.add(
        [...path, envName],
        `credential key mapping value for ${key}.${envName} must be a scalar, got ${typeName(payloadKey)}`,
      );
    }
    out[envName] = text;
  }
  return out;
}

function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'boolean') return 'bool';
  if (value instanceof PyFloat) return 'float';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  return isMapping(value) ? 'dict' : typeof value;
}

function input(value: unknown, path: Path, issues: Issues): InputSpec | undefined {
  if (isMapping(value) && 'task' in value) {
    const m = mapping(value, path, issues, ['task', 'regex'], ['task']);
    const task = m && str(m['task'], [...path, 'task'], issues);
    const regex = m && regexField(m['regex'], [...path, 'regex'], issues);
    return task === undefined || regex === undefined ? undefined : { kind: 'task', task, regex };
  }
  if (isMapping(value) && 'url' in value) {
    const m = mapping(value, path, issues, ['url', 'regex'], ['url']);
    const url = m && str(m['url'], [...path, 'url'], issues);
    const regex = m && regexField(m['regex'], [...path, 'regex'], issues);
    return url === undefined || regex === undefined ? undefined : { kind: 'url', url, regex };
  }
  // Dataset inputs were removed upstream; this build keeps them (the seed uses them).
  if (isMapping(value) && 'dataset' in value) {
    const d = datasetMapping(value['dataset'], [...path, 'dataset'], issues, [
      'name',
      'regex',
      'localpath',
      'path',
      'metadata',
      'labels',
    ]);
    return d === undefined ? undefined : { kind: 'dataset', name: d.name, regex: d.regex };
  }
  return issues.add(
    path,
    'Input should be a task input {task, regex?}, a URL input {url, regex?} or a dataset input {dataset: {name}}',
  );
}

const DATASET_NAME = /^([a-zA-Z0-9_{}-]+\/)?[a-zA-Z0-9_{}-]+(:[a-zA-Z0-9_{}-]*)?$/;

function datasetMapping(
  value: unknown,
  path: Path,
  issues: Issues,
  keys: readonly string[],
): { name: string; path: string; regex: string } | undefined {
  const m = mapping(value, path, issues, keys, ['name']);
  const name = m && str(m['name'], [...path, 'name'], issues);
  const regex = m && regexField(m['regex'], [...path, 'regex'], issues);
  const sub = m && m['path'] !== undefined ? str(m['path'], [...path, 'path'], issues) : '';
  if (name === undefined || regex === undefined || sub === undefined) return undefined;
  if (!DATASET_NAME.test(name)) return issues.add([...path, 'name'], `Invalid dataset name: ${name}`);
  return { name, path: sub, regex };
}

function output(value: unknown, path: Path, issues: Issues): OutputSpec | undefined {
  if (isMapping(value) && 'dataset' in value) {
    const d = datasetMapping(value['dataset'], [...path, 'dataset'], issues, [
      'name',
      'path',
      'regex',
      'metadata',
      'labels',
    ]);
    return d === undefined ? undefined : { dataset: d.name, path: d.path, regex: d.regex };
  }
  if (!isMapping(value) || !('url' in value))
    return issues.add(
      path,
      'Output should be a URL output {url, regex?} or a dataset output {dataset: {name}}',
    );
  const m = mapping(value, path, issues, ['url', 'regex'], ['url']);
  const url = m && str(m['url'], [...path, 'url'], issues);
  const regex = m && regexField(m['regex'], [...path, 'regex'], issues);
  return url === undefined || regex === undefined ? undefined : { url, regex };
}

function checkpoint(value: unknown, path: Path, issues: Issues): CheckpointSpec | undefined {
  const m = mapping(value, path, issues, ['path', 'url', 'frequency', 'regex'], ['path', 'url', 'frequency']);
  if (m === undefined) return undefined;
  const local = str(m['path'], [...path, 'path'], issues);
  const url = str(m['url'], [...path, 'url'], issues);
  const regex = regexField(m['regex'], [...path, 'regex'], issues);
  let frequencySeconds: number | undefined;
  const raw = m['frequency'];
  if (typeof raw === 'boolean')
    issues.add([...path, 'frequency'], 'Checkpoint frequency must be a duration, not a boolean');
  else frequencySeconds = duration(raw, [...path, 'frequency'], issues);
  if (url !== undefined && !CHECKPOINT_URL.some((p) => p.test(url))) {
    return issues.add([...path, 'url'], `Invalid checkpoint url: ${url}`);
  }
  if (local === undefined || url === undefined || regex === undefined || frequencySeconds === undefined)
    return undefined;
  return { path: local.startsWith('/') ? local : `/${local}`, url, frequencySeconds, regex };
}

/** A duration field with the parser's message recorded against the path. */
export function duration(value: unknown, path: Path, issues: Issues): number | undefined {
  const raw = value instanceof PyFloat ? value.value : value;
  if (typeof raw !== 'number' && typeof raw !== 'string')
    return issues.add(
      path,
      `Cannot recognize duration: ${String(raw)}. Only support ISO 8601 (e.g. PT10S) or xd, xh, xm, xs, xms, xus`,
    );
  try {
    return parseDurationSeconds(raw);
  } catch (err) {
    if (err instanceof OsmoError) return issues.add(path, err.message);
    throw err;
  }
}

function exitActions(value: unknown, path: Path, issues: Issues, taskName: string): ExitActions | undefined {
  const codes = strMap(value, path, issues);
  if (codes === undefined) return undefined;
  try {
    return parseExitActions(Object.entries(codes), taskName);
  } catch (err) {
    if (err instanceof OsmoError) return issues.add(path, err.message);
    throw err;
  }
}

function kpi(value: unknown, path: Path, issues: Issues): KpiSpec | undefined {
  const m = mapping(value, path, issues, ['index', 'path'], ['index', 'path']);
  const index = m && str(m['index'], [...path, 'index'], issues);
  const kpiPath = m && str(m['path'], [...path, 'path'], issues);
  return index === undefined || kpiPath === undefined ? undefined : { index, path: kpiPath };
}

function each<T>(
  value: unknown,
  path: Path,
  issues: Issues,
  one: (item: unknown, p: Path) => T | undefined,
): T[] | undefined {
  const items = list(value, path, issues);
  if (items === undefined) return undefined;
  const out = items.map((item, i) => one(item, [...path, i]));
  return out.every((x): x is T => x !== undefined) ? out : undefined;
}

function credentials(value: unknown, path: Path, issues: Issues): Record<string, CredentialSpec> | undefined {
  if (value === undefined || value === null) return {};
  if (!isMapping(value)) return issues.add(path, 'Input should be a valid dictionary');
  const out: Record<string, CredentialSpec> = {};
  for (const [key, item] of Object.entries(value)) {
    const c = credential(item, [...path, key], issues, key);
    if (c === undefined) return undefined;
    out[key] = c;
  }
  return out;
}

/** Validates one task mapping; undefined when any issue was recorded. */
export function parseTask(value: unknown, path: Path, issues: Issues): ParsedTask | undefined {
  const t = mapping(value, path, issues, TASK_KEYS, ['name', 'image', 'command']);
  if (t === undefined) return undefined;
  const at = (key: string): Path => [...path, key];
  const name = nameField(t['name'], at('name'), issues) ?? '';
  const command = strList(t['command'], at('command'), issues);
  if (command !== undefined && command.length === 0)
    issues.add(at('command'), `Container ${name} should have at least one command.`);
  const downloadType = t['downloadType'];
  if (downloadType !== undefined && typeof downloadType !== 'string') {
    issues.add(
      at('downloadType'),
      `Task "${name}" has unsupported downloadType type: ${typeName(downloadType)}`,
    );
  } else if (downloadType !== undefined && downloadType !== 'download') {
    issues.add(
      at('downloadType'),
      `Task "${name}" uses invalid downloadType "${downloadType}". Valid types are: ['download']`,
    );
  }
  const files = each(t['files'], at('files'), issues, (f, p) => file(f, p, issues));
  const seen = new Set<string>();
  for (const f of files ?? []) {
    if (seen.has(f.path))
      issues.add(
        at('files'),
        `Task "${name}" has multiple files at the same path "${f.path}". Each file path must be unique.`,
      );
    seen.add(f.path);
  }
  const task = {
    name,
    image: str(t['image'], at('image'), issues),
    command,
    args: strList(t['args'], at('args'), issues),
    lead: bool(t['lead'], at('lead'), issues, false),
    environment: strMap(t['environment'], at('environment'), issues),
    files,
    credentials: credentials(t['credentials'], at('credentials'), issues),
    inputs: each(t['inputs'], at('inputs'), issues, (v, p) => input(v, p, issues)),
    outputs: each(t['outputs'], at('outputs'), issues, (v, p) => output(v, p, issues)),
    checkpoint: each(t['checkpoint'], at('checkpoint'), issues, (v, p) => checkpoint(v, p, issues)),
    exitActions: exitActions(t['exitActions'], at('exitActions'), issues, name),
    resourceName: optionalStr(t['resource'], at('resource'), issues, 'default'),
    privileged: bool(t['privileged'], at('privileged'), issues, false),
    hostNetwork: bool(t['hostNetwork'], at('hostNetwork'), issues, false),
    volumeMounts: strList(t['volumeMounts'], at('volumeMounts'), issues),
    downloadType: typeof downloadType === 'string' ? downloadType : null,
    cacheSize:
      t['cacheSize'] === undefined || t['cacheSize'] === null
        ? null
        : (str(t['cacheSize'], at('cacheSize'), issues) ?? null),
    kpis: each(t['kpis'], at('kpis'), issues, (v, p) => kpi(v, p, issues)),
  };
  if (Object.values(task).some((v) => v === undefined)) return undefined;
  return task as ParsedTask;
}
