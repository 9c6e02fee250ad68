// Same-origin calls to the service's API with the session's bearer token; one retry after renewing on 401.
import { accessToken, dropSession, errorText } from './session.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export type QueryValue = string | number | boolean | readonly string[] | undefined | null;
export type Query = Readonly<Record<string, QueryValue>>;

/** Repeated keys for lists (`statuses=A&statuses=B`), as the service and upstream's clients expect. */
export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const v of value as readonly string[]) params.append(key, v);
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text === '' ? path : `${path}${path.includes('?') ? '&' : '?'}${text}`;
}

/** Links the service returns are absolute (its base URL); the UI always asks its own origin. */
export function sameOrigin(url: string): string {
  try {
    const parsed = new URL(url, window.location.origin);
    return `${parsed.pathname}${parsed.search}`;
  } catch {
    return url;
  }
}

interface RequestOptions {
  readonly method?: 'GET' | 'POST' | 'DELETE';
  readonly query?: Query;
  readonly body?: unknown;
  readonly signal?: AbortSignal;
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const attempt = async (force: boolean): Promise<Response> => {
    const token = await accessToken(force);
    if (token === null) throw new ApiError(401, 'You are signed out.');
    return fetch(withQuery(path, options.query), {
      method: options.method ?? 'GET',
      headers: {
        authorization: `Bearer ${token}`,
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  };
  let response = await attempt(false);
  if (response.status === 401) {
    response = await attempt(true);
    if (response.status === 401) dropSession();
  }
  if (!response.ok) {
    const body: unknown = await response.json().catch(() => null);
    throw new ApiError(response.status, errorText(body, response.status));
  }
  return response;
}

export async function apiJson<T>(path: string, options: RequestOptions = {}): Promise<T> {
  return (await (await send(path, options)).json()) as T;
}

export async function apiText(path: string, options: RequestOptions = {}): Promise<string> {
  return (await send(path, options)).text();
}

/** Reads a streamed text answer (logs follow a running workflow) chunk by chunk until it ends. */
export async function apiStream(
  path: string,
  onText: (text: string) => void,
  signal: AbortSignal,
): Promise<void> {
  const response = await send(path, { signal });
  const reader = response.body?.pipeThrough(new TextDecoderStream()).getReader();
  if (!reader) return onText(await response.text());
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    onText(value);
  }
}
