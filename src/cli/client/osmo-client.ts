// The HTTP client every command uses: headers, query encoding, retries, warnings and error interpretation.
import { COMPATIBLE_OSMO_VERSION_TEXT, OSMO_VERSION } from '../../core/index.js';
import type { Io } from '../output/io.js';
import {
  classifyErrorResponse,
  connectionError,
  invalidJsonError,
  unexpectedAnswerError,
} from './classify-response.js';
import type { HttpFetch, HttpRequestInit, HttpResponse } from './http.js';
import { encodeQuery, type Query } from './query.js';
import { conforms, wireIssues, type WireRef } from './wire-check.js';
import { WIRE_JSON } from './wire-schemas.generated.js';

/** Per-request limit for non-streaming calls. */
export const REQUEST_TIMEOUT_MS = 60_000;
const RETRY_BACKOFF_MS = 100;

export interface AuthSource {
  /** Authentication headers, refreshing the stored token first when it is about to expire. */
  headers(signal: AbortSignal): Promise<Record<string, string>>;
}

export interface ClientOptions {
  readonly baseUrl: string;
  readonly auth: AuthSource | null;
  readonly fetch: HttpFetch;
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

  /** The login's headers for a request sent outside this client (`osmo mcp` relays protocol messages). */
  async authHeaders(): Promise<Record<string, string>> {
    return this.options.auth === null ? {} : this.options.auth.headers(this.options.signal);
  }

  async getJson(path: string, query: Query = {}): Promise<unknown> {
    return this.requestJson({ method: 'GET', path, query });
  }

  async postJson(path: string, query: Query = {}, body?: unknown): Promise<unknown> {
    return this.requestJson({ method: 'POST', path, query, body });
  }

  /** GET an answer and check it against its wire schema (src/api/contract). */
  async get<T>(ref: WireRef<T>, path: string, query: Query = {}): Promise<T> {
    return this.request(ref, { method: 'GET', path, query });
  }

  async post<T>(ref: WireRef<T>, path: string, query: Query = {}, body?: unknown): Promise<T> {
    return this.request(ref, { method: 'POST', path, query, body });
  }

  /**
   * Sends a request and checks its JSON answer against the wire schema the service declares for it.
   * The answer is returned as it came: in the service's key order and with any field this client
   * does not know, which `--format-type json` prints as they came.
   */
  async request<T>(ref: WireRef<T>, spec: RequestSpec): Promise<T> {
    const answer = await this.requestJson(spec);
    if (conforms(WIRE_JSON, ref, answer)) return answer;
    throw unexpectedAnswerError(spec.method, spec.path, wireIssues(WIRE_JSON, ref, answer));
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

  private async send(spec: RequestSpec, streaming: boolean): Promise<HttpResponse> {
    const { options } = this;
    const url = `${options.baseUrl}/${spec.path.replace(/^\/+/, '')}${encodeQuery(spec.query ?? {})}`;
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'User-Agent': `osmo-cli/${OSMO_VERSION}`,
      ...(options.sendClientVersion ? { 'x-osmo-client-version': COMPATIBLE_OSMO_VERSION_TEXT } : {}),
      ...(options.auth === null ? {} : await options.auth.headers(options.signal)),
    };
    const init: HttpRequestInit = {
      method: spec.method,
      headers,
      signal: streaming
        ? options.signal
        : AbortSignal.any([options.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
      ...(spec.body === undefined ? {} : { body: JSON.stringify(spec.body) }),
    };
    let response: HttpResponse | undefined;
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
