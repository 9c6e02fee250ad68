// MCP tools call the REST routes in-process with the caller's own Authorization header, so a tool is
// authenticated and authorised by exactly the code that guards the REST API: no second set of checks.
import type { FastifyInstance } from 'fastify';

export type QueryValue = string | number | boolean | undefined | readonly string[];

export interface RestRequest {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly path: string;
  readonly query?: Readonly<Record<string, QueryValue>>;
  readonly body?: unknown;
}

export interface RestCaller {
  json(request: RestRequest): Promise<unknown>;
  text(request: RestRequest): Promise<string>;
}

/** A REST answer of 400 or more, carrying the service's own message for the agent. */
export class RestCallError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'RestCallError';
  }
}

export function encodePath(path: string, query: Readonly<Record<string, QueryValue>> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value as readonly string[]) params.append(key, item);
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}

export function injectingCaller(app: FastifyInstance, authorization: string): RestCaller {
  const send = async (request: RestRequest): Promise<string> => {
    const response = await app.inject({
      method: request.method,
      url: encodePath(request.path, request.query),
      headers: {
        authorization,
        ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(request.body === undefined ? {} : { payload: JSON.stringify(request.body) }),
    });
    if (response.statusCode >= 400) throw new RestCallError(response.statusCode, errorMessage(response.body));
    return response.body;
  };
  return {
    json: async (request) => {
      const body = await send(request);
      return body === '' ? null : (JSON.parse(body) as unknown);
    },
    text: send,
  };
}

function errorMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown; detail?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
    if (parsed.detail !== undefined) return JSON.stringify(parsed.detail);
  } catch {
    // Not JSON: the text itself is the message.
  }
  return body.slice(0, 2000);
}
