// Browser access to a task's web server: `POST .../webserver/{task}` opens a session whose key, as
// the first label of the Host (`webserver-<hex>.<service host>`), routes any request to the task's
// port. The session key is the capability, as upstream's router treats it; a session lives an hour
// at first and ends after 30 minutes without a request.
import { request as httpRequest } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { backendOfAttempt } from '../../controller/attempt-backend.js';
import type { AttemptRef } from '../../core/index.js';
import type { ApiDeps } from '../deps.js';
import { sessionMeter, type ActionByteTally } from './action-bytes.js';
import { telemetryOn } from './router.js';

/** Upstream's router settings `webserver_initial_timeout` and `webserver_nonactive_timeout`. */
export const WEB_SESSION_INITIAL_MS = 3600_000;
export const WEB_SESSION_IDLE_MS = 1800_000;
const MAX_SESSIONS = 1000;
const SESSION_HOST = /^(webserver-[0-9a-f]{32})\./;

interface WebSession {
  readonly ref: AttemptRef;
  readonly port: number;
  readonly createdAtMs: number;
  lastActiveMs: number;
}

/** Open browser sessions by their (lower-cased) key. */
export class WebSessions {
  private readonly sessions = new Map<string, WebSession>();

  constructor(private readonly nowMs: () => number = Date.now) {}

  open(key: string, ref: AttemptRef, port: number): void {
    this.sweep();
    if (this.sessions.size >= MAX_SESSIONS) {
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
    const now = this.nowMs();
    this.sessions.set(key.toLowerCase(), { ref, port, createdAtMs: now, lastActiveMs: now });
  }

  /** The live session of a key, its activity refreshed; null when unknown or expired. */
  touch(key: string): WebSession | null {
    this.sweep();
    const session = this.sessions.get(key.toLowerCase());
    if (session === undefined) return null;
    session.lastActiveMs = this.nowMs();
    return session;
  }

  private sweep(): void {
    const now = this.nowMs();
    for (const [key, s] of this.sessions) {
      // The first hour counts as active; after it, 30 idle minutes end the session.
      const idleLimit = Math.max(
        s.createdAtMs + WEB_SESSION_INITIAL_MS,
        s.lastActiveMs + WEB_SESSION_IDLE_MS,
      );
      if (now >= idleLimit) this.sessions.delete(key);
    }
  }
}

/**
 * Proxies requests whose Host names a session to the task, before authentication and routing (a
 * web app's own paths, `/api/...` included, belong to it). Must be installed before the other hooks.
 */
export function installWebserverProxy(
  app: FastifyInstance,
  deps: ApiDeps,
  sessions: WebSessions,
  bytes: ActionByteTally,
): void {
  app.addHook('onRequest', (request, reply, done) => {
    const host = (request.headers['x-forwarded-host'] ?? request.headers.host ?? '').toString().toLowerCase();
    const match = SESSION_HOST.exec(host);
    if (match === null) return done();
    const session = sessions.touch(match[1] as string);
    if (session === null) {
      void reply
        .code(404)
        .send({ message: 'No active backend connection found, your session may have expired.' });
      return;
    }
    void reply.hijack();
    const out = reply.raw;
    // Bodies are counted, each way; the headers are the proxy's own rewrite of them.
    const meter = sessionMeter(bytes, telemetryOn(deps), 'WEBSERVER');
    const fail = (status: number, text: string): void => {
      if (!out.headersSent) out.writeHead(status, { 'content-type': 'text/plain' });
      out.end(text);
    };
    backendOfAttempt(deps.ctx, session.ref)
      .then((backend) =>
        backend?.taskAddress
          ? backend.taskAddress(session.ref)
          : Promise.reject(new Error('no port-forward')),
      )
      .then((address) => {
        const upstream = httpRequest(
          {
            host: address,
            port: session.port,
            method: request.method,
            path: request.url,
            headers: request.headers,
          },
          (answer) => {
            out.writeHead(answer.statusCode ?? 502, answer.headers);
            if (meter !== null) answer.on('data', (chunk: Buffer) => meter.output(chunk.length));
            answer.pipe(out);
          },
        );
        upstream.on('error', (err) => fail(502, `The task's web server did not answer: ${err.message}`));
        if (meter !== null) request.raw.on('data', (chunk: Buffer) => meter.input(chunk.length));
        request.raw.pipe(upstream);
      })
      .catch((err: unknown) => fail(502, (err as Error).message));
  });
}
