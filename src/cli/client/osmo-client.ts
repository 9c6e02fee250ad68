// The HTTP client every command uses: headers, query encoding, retries, warnings and error interpretation.
import { OSMO_VERSION } from '../../core/index.js';
import type { Io } from '../output/io.js';
import { classifyErrorResponse, connectionError, invalidJsonError } from './classify-response.js';
import { encodeQuery, type Query } from './query.js';

/** Per-request limit for non-streaming calls (cli.md §1.7). */
export const REQUEST_TIMEOUT_MS = 60_000;
const RETRY_BACKOFF_MS = 100;

export interface AuthSource {
  /** Authentication headers, refreshing the stored token first when it is about to expire. */
  headers(signal: AbortSignal): Promise<Record<string, string>>;
}

export interface ClientOptions {
  readonly baseUrl: string;
  readonly auth: AuthSource | null;
  readonly fetch: typeof fetch;
  readonly io: Io;
  /** Connection-level retries (5 upstream; `osmo version` uses 0). */
  readonly connectRetries: number;
  /** `osmo version` omits x-osmo-client-version. */
  readonly sendClientVersion: boolean;
  readonly signal: AbortSignal;
}

export interface RequestSpec {
  readonly method: 'GET' | 'POST' | 'DELETE' | 'PUT' | 'PATCH';
  readonly path: string;
  readonly query?: Query;
  readonly body?: unknown;
}

export class OsmoClient {
  constructor(private readonly options: ClientOptions) {}

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  async getJson(path: string, query: Query = {}): Promise<unknown> {
    return this.requestJson({ method: 'GET', path, query });
  }

  async postJson(path: string, query: Query = {}, body?: unknown): Promise<unknown> {
    return this.requestJson({ method: 'POST', path, query, body });
  }

  async requestJson(spec: RequestSpec): Promise<unknown> {
    const response = await this.send(spec, false);
    const text = await response.text();
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      throw invalidJsonError(err, text);
    }
  }

  /** Streams a text/plain body to `onText` as it arrives (logs, events, spec). */
  async stream(path: string, query: Query, onText: (text: string) => void): Promise<void> {
    const response = await this.send({ method: 'GET', path, query }, true);
    if (response.body === null) return;
    const decoder = new TextDecoder();
    for await (const chunk of response.body) {
      const text = decoder.decode(chunk as Uint8Array, { stream: true });
      if (text !== '') onText(text);
    }
    const rest = decoder.decode();
    if (rest !== '') onText(rest);
  }

  private async send(spec: RequestSpec, streaming: boolean): Promise<Response> {
    const { options } = this;
    const url = `${options.baseUrl}/${spec.path.replace(/^\/+/, '')}${encodeQuery(spec.query ?? {})}`;
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'User-Agent': `osmo-cli/${OSMO_VERSION}`,
      ...(options.sendClientVersion ? { 'x-osmo-client-version': OSMO_VERSION } : {}),
      ...(options.auth === null ? {} : await options.auth.headers(options.signal)),
    };
    const init: RequestInit = {
      method: spec.method,
      headers,
      signal: streaming
        ? options.signal
        : AbortSignal.any([options.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
      ...(spec.body === undefined ? {} : { body: JSON.stringify(spec.body) }),
    };
    let response: Response | undefined;
    for (let attempt = 0; response === undefined; attempt += 1) {
      try {
        response = await options.fetch(url, init);
      } catch (err) {
        if (options.signal.aborted) throw err;
        if (attempt >= options.connectRetries) throw connectionError(err);
        await new Promise((resolve) => setTimeout(resolve, RETRY_BACKOFF_MS * (attempt + 1)));
      }
    }
    const warning = response.headers.get('x-osmo-warning');
    if (warning !== null) options.io.err(`${Buffer.from(warning, 'base64').toString('utf8')}\n`);
    if (response.status >= 300) {
      throw classifyErrorResponse(response.status, response.headers, await response.text());
    }
    return response;
  }
}
