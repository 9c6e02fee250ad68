// The one error type for every user-visible failure, carrying upstream's error_code.

export const ERROR_CODES = [
  'USER',
  'USAGE',
  'RESOURCE',
  'CREDENTIAL',
  'DATABASE',
  'SUBMISSION',
  'SERVER',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class OsmoError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly httpStatus: number = code === 'SERVER' ? 500 : 400,
    readonly workflowId: string | null = null,
  ) {
    super(message);
    this.name = 'OsmoError';
  }
}

export const userError = (message: string, httpStatus = 400): OsmoError =>
  new OsmoError('USER', message, httpStatus);
export const usageError = (message: string): OsmoError => new OsmoError('USAGE', message);
export const resourceError = (message: string): OsmoError => new OsmoError('RESOURCE', message);
export const credentialError = (message: string): OsmoError => new OsmoError('CREDENTIAL', message);
export const databaseError = (message: string): OsmoError => new OsmoError('DATABASE', message);
export const submissionError = (message: string): OsmoError => new OsmoError('SUBMISSION', message);
export const serverError = (message: string): OsmoError => new OsmoError('SERVER', message, 500);

/** Makes a switch exhaustive: the compiler rejects a missing case. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${String(value)}`);
}
