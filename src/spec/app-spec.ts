// Checks an app's spec when it is stored, so a broken template is refused at create/update, not at submit.
import { usageError } from '../core/errors.js';
import { dryRunWorkflowSpec } from './parse-workflow-spec.js';

/**
 * Renders the spec with its own `default-values` and validates the result as a workflow, with
 * `localpath` file entries standing in as empty contents (they are read at `app submit` time).
 * Throws OsmoError (USAGE/RESOURCE/SUBMISSION).
 */
export function checkAppSpec(text: string): void {
  if (text.trim() === '') throw usageError('App is empty');
  dryRunWorkflowSpec(text, { set: [], setString: [], envVars: [] });
}
