// The spec work that runs off the event loop: the jobs, how each runs, and how its errors cross a thread.
import type { ErrorCode } from '../core/index.js';
import { OsmoError } from '../core/index.js';
import type { ParseOptions, WorkflowSpec } from '../spec/index.js';
import { checkAppSpec, dryRunWorkflowSpec, parseWorkflowSpec } from '../spec/index.js';

export interface DryRunResult {
  readonly rendered: string;
  readonly spec: WorkflowSpec;
}

/** What submit, validate, dry runs and app writes ask of the spec engine. */
export interface SpecWork {
  parse(text: string, options: ParseOptions): Promise<WorkflowSpec>;
  dryRun(text: string, options: ParseOptions): Promise<DryRunResult>;
  checkApp(text: string): Promise<void>;
  /** Throws the answer a job of about `chars` characters would get now if there is no room for it. */
  assertRoom(chars: number): void;
}

export type SpecJob =
  | { readonly op: 'parse'; readonly text: string; readonly options: ParseOptions }
  | { readonly op: 'dry-run'; readonly text: string; readonly options: ParseOptions }
  | { readonly op: 'check-app'; readonly text: string };

export function runSpecJob(job: SpecJob): unknown {
  switch (job.op) {
    case 'parse':
      return parseWorkflowSpec(job.text, job.options);
    case 'dry-run':
      return dryRunWorkflowSpec(job.text, job.options);
    case 'check-app':
      checkAppSpec(job.text);
      return null;
  }
}

/** Characters a job carries: what a queued job holds in memory and, roughly, what it costs. */
export function jobChars(job: SpecJob): number {
  if (job.op === 'check-app') return job.text.length;
  const values = [...job.options.set, ...job.options.setString, ...job.options.envVars];
  return values.reduce((sum, v) => sum + v.length, job.text.length);
}

/** Structured clone keeps an Error's message but not its class or fields, so they travel as data. */
export type EncodedError =
  | {
      readonly osmo: true;
      readonly code: ErrorCode;
      readonly message: string;
      readonly httpStatus: number;
      readonly workflowId: string | null;
    }
  | { readonly osmo: false; readonly message: string; readonly stack: string | null };

export function encodeError(err: unknown): EncodedError {
  if (err instanceof OsmoError) {
    const { code, message, httpStatus, workflowId } = err;
    return { osmo: true, code, message, httpStatus, workflowId };
  }
  const e = err instanceof Error ? err : new Error(String(err));
  return { osmo: false, message: e.message, stack: e.stack ?? null };
}

export function decodeError(encoded: EncodedError): Error {
  if (encoded.osmo) {
    return new OsmoError(encoded.code, encoded.message, encoded.httpStatus, encoded.workflowId);
  }
  const err = new Error(encoded.message);
  if (encoded.stack !== null) err.stack = encoded.stack;
  return err;
}

export type JobReply =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly error: EncodedError };

export interface JobRequest {
  readonly id: number;
  readonly job: SpecJob;
}
