// The one place where failures become exit statuses (style.md R6).
import { OsmoError } from '../core/index.js';
import { ArgparseError, EarlyExit, Interrupted, ServiceError } from './errors.js';

export const EXIT_OK = 0;
export const EXIT_SUBMISSION = 1;
export const EXIT_USER = 2;
export const EXIT_INTERRUPTED = 3;
export const EXIT_SERVER = 10;
export const EXIT_RETRYABLE = 75;

export function exitCodeFor(err: unknown): number {
  if (err instanceof EarlyExit) return err.exitCode;
  if (err instanceof Interrupted) return EXIT_INTERRUPTED;
  if (err instanceof ArgparseError) return EXIT_USER;
  if (err instanceof ServiceError) {
    switch (err.kind) {
      case 'submission':
        return EXIT_SUBMISSION;
      case 'server':
      case 'connection':
        return EXIT_SERVER;
      case 'user':
      case 'credential':
        return err.httpStatus === 429 ? EXIT_RETRYABLE : EXIT_USER;
    }
  }
  if (err instanceof OsmoError) {
    if (err.code === 'SUBMISSION') return EXIT_SUBMISSION;
    if (err.code === 'SERVER') return EXIT_SERVER;
    return EXIT_USER;
  }
  return EXIT_USER;
}

/**
 * The number after `Error code:`: the HTTP status, or else the exit status. Upstream prints 1 for every
 * failure without a status, even those that exit 2, so the two numbers disagreed (docs/compatibility.md).
 */
export function errorCodeFor(err: unknown): number {
  if (err instanceof ServiceError && err.httpStatus !== null) return err.httpStatus;
  return exitCodeFor(err);
}
