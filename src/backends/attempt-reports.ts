// What every backend does alike with its attempts: a directory each under its work root, and their
// reports handed to whoever listens.
import { join } from 'node:path';
import { EXIT_CODES, serverError, type AttemptRef, type AttemptReport } from '../core/index.js';
import type { ReportListener } from './backend.js';

const SAFE_SEGMENT = /^[A-Za-z0-9._-]+$/;

/** `<workRoot>/attempts/<workflow>/<task>-<retry>`, refusing a name that could lead out of it. */
export function attemptDirectory(workRoot: string, ref: AttemptRef): string {
  for (const segment of [ref.workflowId, ref.taskName]) {
    if (!SAFE_SEGMENT.test(segment)) throw serverError(`Unsafe name for an attempt directory: "${segment}"`);
  }
  return join(workRoot, 'attempts', ref.workflowId, `${ref.taskName}-${ref.retryId}`);
}

/** A backend's report listeners: one that throws is that attempt's error; the others still hear it. */
export class ReportListeners {
  private readonly listeners = new Set<ReportListener>();

  constructor(private readonly onError: (err: unknown, ref: AttemptRef) => void) {}

  add(listener: ReportListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tells every listener; answers a promise when one of them asked to be waited for. */
  emit(report: AttemptReport): Promise<void> | undefined {
    let waits: Promise<void>[] | undefined;
    for (const listener of this.listeners) {
      try {
        const wait = listener(report);
        if (wait !== undefined)
          (waits ??= []).push(wait.catch((err: unknown) => this.onError(err, report.ref)));
      } catch (err) {
        this.onError(err, report.ref);
      }
    }
    return waits === undefined ? undefined : Promise.all(waits).then(() => undefined);
  }

  clear(): void {
    this.listeners.clear();
  }
}

/** The report that ends an attempt the backend lost: FAILED_BACKEND_ERROR with why, now. */
export const backendLost = (ref: AttemptRef, message: string): AttemptReport => ({
  kind: 'status',
  ref,
  status: 'FAILED_BACKEND_ERROR',
  exitCode: EXIT_CODES.BACKEND_ERROR,
  message,
  at: new Date(),
});
