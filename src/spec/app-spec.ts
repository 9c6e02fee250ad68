// Checks an app's spec when it is stored, so a broken template is refused at create/update, not at submit.
import { usageError } from '../core/errors.js';
import { parseWorkflowSpec, renderWorkflowTemplate } from './parse-workflow-spec.js';
import { dumpYaml, loadYaml } from './yaml-dialect.js';

type Mapping = Record<string, unknown>;

const isMapping = (value: unknown): value is Mapping =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/**
 * Renders the spec with its own `default-values` and validates the result as a workflow.
 * `localpath` file entries are read from the submitter's disk at `app submit` time (cli.md §3 step 4),
 * so here they stand in as empty contents. Throws OsmoError (USAGE/RESOURCE/SUBMISSION).
 */
export function checkAppSpec(text: string): void {
  if (text.trim() === '') throw usageError('App is empty');
  const options = { set: [], setString: [], envVars: [] };
  if (!/\blocalpath\s*:/.test(text)) {
    parseWorkflowSpec(text, options);
    return;
  }
  const document = loadYaml(
    renderWorkflowTemplate(text, options),
    'Workflow spec is not properly formatted: ',
  );
  const workflow = isMapping(document) ? document['workflow'] : null;
  if (isMapping(workflow)) {
    const grouped = asList(workflow['groups']).flatMap((g) => (isMapping(g) ? asList(g['tasks']) : []));
    for (const task of [...asList(workflow['tasks']), ...grouped].filter(isMapping)) {
      for (const file of asList(task['files']).filter(isMapping)) {
        if (file['localpath'] === undefined || file['localpath'] === null) continue;
        if (file['contents'] !== undefined && file['contents'] !== null) {
          throw usageError('Files tag dont support contents and localpath together');
        }
        delete file['localpath'];
        file['contents'] = '';
      }
    }
  }
  parseWorkflowSpec(dumpYaml(document), options);
}
