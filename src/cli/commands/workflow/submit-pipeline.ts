// The submission pipeline shared by submit and validate: render, inline files, submit.
import { readFile } from 'node:fs/promises';
import { submissionError } from '../../../core/index.js';
import type { OsmoClient } from '../../client/osmo-client.js';
import { ServiceError } from '../../errors.js';
import type { SubmitResponse } from '../shared/wire.js';
import { inlineLocalFiles } from './local-files.js';
import { WIRE } from '../../client/wire-schemas.generated.js';

export interface SpecSubmission {
  readonly pool: string;
  readonly filePath: string;
  readonly set: readonly string[];
  readonly setString: readonly string[];
  readonly setEnv: readonly string[];
  readonly labels: readonly string[];
  readonly priority: string | undefined;
  readonly dryRun: boolean;
  readonly validationOnly: boolean;
  /** Submit wraps USAGE/RESOURCE/CREDENTIAL errors of the final request; validate does not. */
  readonly wrapErrors: boolean;
}

export type PipelineResult =
  | { readonly kind: 'rendered'; readonly spec: string; readonly scheduling?: string | null }
  | { readonly kind: 'submitted'; readonly response: SubmitResponse };

/** Client-side template detection: any Jinja marker or a `default-values` section. */
export const isTemplated = (text: string): boolean => /\{%|\{\{|\{#|default-values/.test(text);

export const workflowPath = (pool: string): string => `api/pool/${encodeURIComponent(pool)}/workflow`;

/** `Workflow [<id> ]submit failed:\n<message>` as a submission error. */
export function wrapSubmitError(err: unknown): unknown {
  if (!(err instanceof ServiceError) || (err.kind !== 'submission' && err.kind !== 'credential')) return err;
  const subject = err.workflowId === null ? 'Workflow' : `Workflow ${err.workflowId}`;
  return new ServiceError(
    'submission',
    `${subject} submit failed:\n${err.message}`,
    null,
    err.serverCode,
    err.workflowId,
  );
}

/** What went wrong and what to do, in words (upstream shows Python's `[Errno 2] ...` text here). */
function unreadableSpecMessage(path: string, err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOENT':
      return `Workflow file ${path} does not exist. Give the path of a workflow YAML file, or the ID of a workflow to resubmit.`;
    case 'EISDIR':
      return `${path} is a directory. Give the path of a workflow YAML file.`;
    case 'EACCES':
    case 'EPERM':
      return `Workflow file ${path} cannot be read: permission denied.`;
    default:
      return `Workflow file ${path} cannot be read: ${err.message}`;
  }
}

export async function readSpecFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw submissionError(unreadableSpecMessage(path, err as NodeJS.ErrnoException));
  }
}

export async function runSubmission(client: OsmoClient, req: SpecSubmission): Promise<PipelineResult> {
  return submitSpecText(client, req, await readSpecFile(req.filePath));
}

/**
 * Steps 3–6 for spec text already in hand; relative `localpath` entries resolve against the directory
 * of `req.filePath`. `extraQuery` carries `app_uuid`/`app_version` for `app submit`.
 */
export async function submitSpecText(
  client: OsmoClient,
  req: SpecSubmission,
  original: string,
  extraQuery: Readonly<Record<string, string | number>> = {},
): Promise<PipelineResult> {
  const templated = isTemplated(original);
  const path = workflowPath(req.pool);
  const common = {
    ...extraQuery,
    validation_only: req.validationOnly ? true : undefined,
    priority: req.priority,
    label: req.labels,
  };
  const body = (file: string, uploaded: string | null): Record<string, unknown> => ({
    file,
    set_variables: req.set,
    set_string_variables: req.setString,
    uploaded_templated_spec: uploaded,
  });
  let finalSpec = original;
  const rendered = templated || req.dryRun;
  if (rendered) {
    let answer: SubmitResponse;
    try {
      answer = await client.post(
        WIRE.SubmitResponse,
        path,
        { ...common, dry_run: true },
        body(original, null),
      );
    } catch (err) {
      // The render runs every submit check, so a submit can fail here as well as at the final request.
      throw req.wrapErrors && !req.dryRun ? wrapSubmitError(err) : err;
    }
    if (req.dryRun)
      return { kind: 'rendered', spec: answer.spec ?? '', scheduling: answer.scheduling ?? null };
    finalSpec = answer.spec ?? original;
  }
  finalSpec = await inlineLocalFiles(finalSpec, req.filePath);
  try {
    const response = await client.post(
      WIRE.SubmitResponse,
      path,
      { ...common, dry_run: rendered ? false : undefined, env_vars: req.setEnv },
      body(finalSpec, templated ? original : null),
    );
    return { kind: 'submitted', response };
  } catch (err) {
    throw req.wrapErrors ? wrapSubmitError(err) : err;
  }
}
