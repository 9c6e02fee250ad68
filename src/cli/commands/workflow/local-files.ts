// Inlines `files[].localpath` into `files[].contents` before submission.
import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { submissionError } from '../../../core/index.js';

type Mapping = Record<string, unknown>;

const isMapping = (value: unknown): value is Mapping =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

function tasksOf(workflow: Mapping): Mapping[] {
  const direct = asList(workflow['tasks']);
  const grouped = asList(workflow['groups']).flatMap((g) => (isMapping(g) ? asList(g['tasks']) : []));
  return [...direct, ...grouped].filter(isMapping);
}

/** True when the spec text declares any `localpath` (cheap check before parsing). */
export const mentionsLocalPath = (text: string): boolean => /\blocalpath\s*:/.test(text);

/**
 * Returns the spec with every `localpath` file replaced by its contents, re-serialised as YAML;
 * relative paths are resolved against the directory of the spec path as typed.
 */
export async function inlineLocalFiles(specText: string, specPath: string): Promise<string> {
  if (!mentionsLocalPath(specText)) return specText;
  const { parse, stringify } = await import('yaml');
  const spec: unknown = parse(specText);
  const workflow = isMapping(spec) ? spec['workflow'] : null;
  if (!isMapping(workflow)) return specText;
  const baseDir = dirname(specPath);
  for (const task of tasksOf(workflow)) {
    for (const file of asList(task['files']).filter(isMapping)) {
      const local = file['localpath'];
      if (local === undefined || local === null) continue;
      if (file['contents'] !== undefined && file['contents'] !== null) {
        throw submissionError('Files tag dont support contents and localpath together');
      }
      const path = isAbsolute(String(local)) ? String(local) : resolve(baseDir, String(local));
      const exists = await stat(path).then(
        (s) => s.isFile(),
        () => false,
      );
      if (!exists) throw submissionError(`The file/path ${path} does not exist!`);
      file['contents'] = await readFile(path, 'utf8');
      delete file['localpath'];
    }
  }
  return stringify(spec, { lineWidth: 0 });
}
