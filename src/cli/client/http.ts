// The CLI's HTTP transport: the part of fetch the commands use, on node:http. Node's fetch compiles its
// bundled HTTP stack on first use (about a sixth of a second), which a short command pays on every run.
import type { IncomingHttpHeaders, IncomingMessage, RequestOptions, ClientRequest } from 'node:http';

export interface HttpHeaders {
  get(name: string): string | null;
  forEach(callback: (value: string, key: string) => void): void;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: HttpHeaders;
  /** The body as it arrives; consume it or call text(), not both. */
  readonly body: AsyncIterable<Uint8Array> | null;
  text(): Promise<string>;
}

export interface HttpRequestInit {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | URLSearchParams;
  readonly signal?: AbortSignal;
  /** `follow` (the default) follows up to 20 redirects as fetch does; `manual` returns them. */
  readonly redirect?: 'follow' | 'manual';
}

/** fetch's shape, restricted to what the CLI sends. */
export type HttpFetch = (url: string, init?: HttpRequestInit) => Promise<HttpResponse>;

const MAX_REDIRECTS = 20;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Headers in fetch's iteration order: lower-case names, sorted, repeated values joined. */
class NodeHeaders implements HttpHeaders {
  private readonly values = new Map<string, string>();

  constructor(raw: IncomingHttpHeaders) {
    for (const name of Object.keys(raw).sort()) {
      const value = raw[name];
      if (value !== undefined) this.values.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
  }

  get(name: string): string | null {
    return this.values.get(name.toLowerCase()) ?? null;
  }

  forEach(callback: (value: string, key: string) => void): void {
    for (const [key, value] of this.values) callback(value, key);
  }
}

/** Wraps a response; the body stream fails with the signal's reason when the request is aborted. */
function toResponse(message: IncomingMessage, signal: AbortSignal | undefined): HttpResponse {
  const body = (async function* (): AsyncGenerator<Uint8Array> {
    for await (const chunk of message) {
      signal?.throwIfAborted();
      yield chunk as Buffer;
    }
    signal?.throwIfAborted();
  })();
  return {
    status: message.statusCode ?? 0,
    headers: new NodeHeaders(message.headers),
    body,
    async text() {
      const chunks: Buffer[] = [];
      for await (const chunk of body) chunks.push(Buffer.from(chunk));
      return new TextDecoder().decode(Buffer.concat(chunks));
    },
  };
}

interface Prepared {
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
}

function prepare(init: HttpRequestInit): Prepared {
  const headers: Record<string, string> = { accept: '*/*' };
  for (const [name, value] of Object.entries(init.headers ?? {})) headers[name.toLowerCase()] = value;
  let body: string | undefined;
  if (init.body instanceof URLSearchParams) {
    body = init.body.toString();
    headers['content-type'] ??= 'application/x-www-form-urlencoded;charset=UTF-8';
  } else if (init.body !== undefined) {
    body = init.body;
    headers['content-type'] ??= 'text/plain;charset=UTF-8';
  }
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  return { method: (init.method ?? 'GET').toUpperCase(), headers, body };
}

/** The request fetch makes after a redirect: 303 (and 301/302 after a POST) become a body-less GET. */
function redirected(request: Prepared, status: number, from: URL, to: URL): Prepared {
  const headers = { ...request.headers };
  if (to.origin !== from.origin) delete headers['authorization'];
  const toGet = status === 303 ? request.method !== 'HEAD' : request.method === 'POST' && status <= 302;
  if (!toGet) return { ...request, headers };
  for (const name of ['content-type', 'content-length', 'content-encoding', 'content-language']) {
    delete headers[name];
  }
  return { method: 'GET', headers, body: undefined };
}

async function sendOnce(
  url: URL,
  request: Prepared,
  signal: AbortSignal | undefined,
  socketPath: string | undefined,
): Promise<IncomingMessage> {
  const http = url.protocol === 'https:' ? await import('node:https') : await import('node:http');
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`fetch failed: unsupported protocol ${url.protocol}`);
  }
  signal?.throwIfAborted();
  return new Promise((resolve, reject) => {
    const options: RequestOptions = {
      method: request.method,
      headers: request.headers,
      agent: false,
      ...(socketPath === undefined ? {} : { socketPath }),
    };
    const req: ClientRequest = http.request(url, options, (message) => {
      signal?.removeEventListener('abort', onAbort);
      if (signal !== undefined) {
        const onBodyAbort = (): void => void message.destroy(signal.reason as Error);
        signal.addEventListener('abort', onBodyAbort, { once: true });
        message.once('close', () => signal.removeEventListener('abort', onBodyAbort));
      }
      resolve(message);
    });
    const onAbort = (): void => {
      req.destroy();
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    req.once('error', (err) => {
      signal?.removeEventListener('abort', onAbort);
      // fetch's shape: a TypeError whose cause says what the connection did.
      reject(new TypeError('fetch failed', { cause: err }));
    });
    req.end(request.body);
  });
}

/** fetch on node:http, for the requests the CLI makes (no compression, no cookies, no caching). */
export const nodeFetch: HttpFetch = (url, init = {}) => fetchOver(undefined, url, init);

/**
 * fetch whose every plain-HTTP request goes over one Unix socket, whatever host the URL names: how a
 * task's CLI reaches the service from a container (`OSMO_SERVICE_SOCKET`) without a network path to it.
 */
export const unixSocketFetch =
  (socketPath: string): HttpFetch =>
  async (url, init = {}) => {
    if (new URL(url).protocol !== 'http:') {
      throw new TypeError(`fetch failed: only http URLs go over the service socket (${url})`);
    }
    return fetchOver(socketPath, url, init);
  };

async function fetchOver(
  socketPath: string | undefined,
  url: string,
  init: HttpRequestInit,
): Promise<HttpResponse> {
  let target = new URL(url);
  let request = prepare(init);
  for (let hops = 0; ; hops += 1) {
    const message = await sendOnce(target, request, init.signal, socketPath);
    const location = message.headers.location;
    const follow = init.redirect !== 'manual' && REDIRECTS.has(message.statusCode ?? 0);
    if (!follow || location === undefined) return toResponse(message, init.signal);
    message.resume();
    if (hops >= MAX_REDIRECTS)
      throw new TypeError('fetch failed', { cause: new Error('redirect count exceeded') });
    const next = new URL(location, target);
    request = redirected(request, message.statusCode ?? 0, target, next);
    target = next;
  }
}
