// The CLI's error types: service answers, parser failures, and deliberate early exits.
import type { ErrorCode } from '../core/index.js';

export const SERVICE_ERROR_KINDS = ['submission', 'user', 'credential', 'server', 'connection'] as const;
export type ServiceErrorKind = (typeof SERVICE_ERROR_KINDS)[number];

/** A failed exchange with the service, classified as upstream's client does. */
export class ServiceError extends Error {
  constructor(
    readonly kind: ServiceErrorKind,
    message: string,
    readonly httpStatus: number | null = null,
    readonly serverCode: ErrorCode | string | null = null,
    readonly workflowId: string | null = null,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

/** An argparse-style usage error: printed on stderr after the usage line. */
export class ArgparseError extends Error {
  constructor(
    readonly usage: string,
    readonly prog: string,
    message: string,
  ) {
    super(message);
    this.name = 'ArgparseError';
  }
}

/** The command already printed what it had to say and ends with this exit status. */
export class EarlyExit extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
    this.name = 'EarlyExit';
  }
}

/** Ctrl-C. */
export class Interrupted extends Error {
  constructor() {
    super('interrupted');
    this.name = 'Interrupted';
  }
}
