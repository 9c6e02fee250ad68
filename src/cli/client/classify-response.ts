// Turns a non-2xx answer into the error upstream's client would raise.
import { ServiceError } from '../errors.js';
import type { HttpHeaders } from './http.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function classifyErrorResponse(status: number, headers: HttpHeaders, body: string): ServiceError {
  if (status >= 500) {
    const lines = [`Status Code: ${status}`, 'Header:'];
    headers.forEach((value, key) => lines.push(`  ${key}: ${value}`));
    lines.push('Body:', body);
    return new ServiceError('server', lines.join('\n'), status);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    // A non-JSON body is shown verbatim, as upstream does.
    return new ServiceError('user', body, status);
  }
  if (!isRecord(parsed) || typeof parsed['error_code'] !== 'string') {
    return new ServiceError('user', body, status);
  }
  const code = parsed['error_code'];
  const message = typeof parsed['message'] === 'string' ? parsed['message'] : body;
  const workflowId = typeof parsed['workflow_id'] === 'string' ? parsed['workflow_id'] : null;
  const kind =
    code === 'USAGE' || code === 'RESOURCE' ? 'submission' : code === 'CREDENTIAL' ? 'credential' : 'user';
  return new ServiceError(kind, message, status, code, workflowId);
}

/** `Cannot connect to OSMO service`. */
export function connectionError(err: unknown): ServiceError {
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new ServiceError('connection', `\nCannot connect to OSMO service, with error:\n${detail}\n`);
}

export function invalidJsonError(err: unknown, body: string): ServiceError {
  const detail = err instanceof Error ? err.message : String(err);
  return new ServiceError('server', `\nError decoding JSON: ${detail}\nOriginal text: ${body}\n...`);
}

/** The service answered JSON of another shape than its contract declares (an incompatible service). */
export function unexpectedAnswerError(method: string, path: string, issues: readonly string[]): ServiceError {
  return new ServiceError(
    'server',
    `\nThe service's answer to ${method} /${path.replace(/^\/+/, '')} is not what this client expects:\n${issues.map((i) => `  ${i}`).join('\n')}\n`,
  );
}
