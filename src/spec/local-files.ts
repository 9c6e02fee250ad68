// `files[].localpath` entries: the CLI inlines them from the submitter's disk after the render.

import { usageError } from '../core/errors.js';

type Mapping = Record<string, unknown>;

const isMapping = (value: unknown): value is Mapping =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/**
 * A copy of the loaded document where every `localpath` file entry stands in as empty `contents`, so
 * a spec checked before the CLI has read those files passes the schema as the inlined one will.
 * Throws OsmoError(USAGE) when an entry has both.
 */
export function withLocalFilesStandIn(document: unknown): unknown {
  if (!isMapping(document) || !isMapping(document['workflow'])) return document;
  const standIn = (task: unknown): unknown => {
    if (!isMapping(task) || !Array.isArray(task['files'])) return task;
    const files = task['files'].map((file: unknown) => {
      if (!isMapping(file) || file['localpath'] === undefined || file['localpath'] === null) return file;
      if (file['contents'] !== undefined && file['contents'] !== null) {
        throw usageError('Files tag dont support contents and localpath together');
      }
      const { localpath: _read, ...rest } = file;
      return { ...rest, contents: '' };
    });
    return { ...task, files };
  };
  const workflow = document['workflow'];
  const copy: Mapping = { ...workflow };
  if (Array.isArray(workflow['tasks'])) copy['tasks'] = workflow['tasks'].map(standIn);
  if (Array.isArray(workflow['groups'])) {
    copy['groups'] = workflow['groups'].map((group: unknown) =>
      isMapping(group) && Array.isArray(group['tasks'])
        ? { ...group, tasks: asList(group['tasks']).map(standIn) }
        : group,
    );
  }
  return { ...document, workflow: copy };
}
