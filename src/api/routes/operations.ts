// What operators and their tools ask of a running service: Prometheus metrics, liveness, readiness.
import { createHash, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import { OsmoError } from '../../core/index.js';
import type { ObjectStorage } from '../../storage/index.js';
import type { ApiDeps } from '../deps.js';
import type { ServiceMetrics } from '../metrics/service-metrics.js';
import { Health, Readiness, ReplicaStatus } from '../contract/system-wire.js';
import { Text } from '../contract/wire-registry.js';
import type { RouteList } from '../route-table.js';
import { defineRoute } from '../route-table.js';

/** A dependency that does not answer in this long counts as unreachable. */
const READINESS_TIMEOUT_MS = 2_000;

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/**
 * `/metrics` answers Prometheus presenting the configured bearer token (compared in constant
 * time); a dev-mode service without one answers anyone, any other service no one.
 */
function checkScraper(deps: ApiDeps, authorization: string | undefined): void {
  const token = deps.config.metricsToken;
  if (token === null) {
    if (deps.config.devMode) return;
    throw new OsmoError('USER', 'metrics are off: start the service with OSMO_METRICS_TOKEN set', 403);
  }
  const sent = authorization?.startsWith('Bearer ') === true ? authorization.slice(7).trim() : '';
  if (!timingSafeEqual(digest(sent), digest(token))) {
    throw new OsmoError('USER', 'metrics need the bearer token the service was started with', 401);
  }
}

async function withinDeadline(what: string, check: () => Promise<unknown>): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer in ${READINESS_TIMEOUT_MS} ms`)),
      READINESS_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([check(), deadline]);
    return null;
  } catch (err) {
    return `${what}: ${err instanceof Error ? err.message : String(err)}`;
  } finally {
    clearTimeout(timer);
  }
}

export function operationRoutes(deps: ApiDeps, metrics: ServiceMetrics, storage: ObjectStorage): RouteList {
  return [
    defineRoute({
      method: 'GET',
      url: '/metrics',
      summary: 'Prometheus metrics (bearer token of OSMO_METRICS_TOKEN)',
      operationId: 'getMetrics',
      access: 'public',
      produces: 'text/plain',
      response: Text,
      handler: async ({ request, reply }) => {
        checkScraper(deps, request.headers.authorization);
        const text = await metrics.scrape();
        return reply.header('content-type', metrics.registry.contentType).send(text);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/healthz',
      summary: 'Liveness: the process answers',
      operationId: 'getLiveness',
      access: 'public',
      response: Health,
      handler: async () => ({ status: 'OK' }) as const,
    }),
    defineRoute({
      method: 'GET',
      url: '/api/service/replica',
      summary: 'Whether this replica leads the engine',
      operationId: 'getReplicaStatus',
      access: 'public',
      response: ReplicaStatus,
      handler: async () => {
        const state = deps.replica?.() ?? null;
        return state === null
          ? { replicas: false, leader: true, term: null }
          : { replicas: true, leader: state.leader, term: state.term };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/readyz',
      summary: 'Readiness: the store and the object storage answer',
      operationId: 'getReadiness',
      access: 'public',
      response: Readiness,
      handler: async ({ reply }) => {
        const problems = (
          await Promise.all([
            withinDeadline('store', () => sql`select 1`.execute(deps.store.db)),
            withinDeadline('storage', () => storage.list('.osmo-readiness/')),
          ])
        ).filter((p): p is string => p !== null);
        if (problems.length === 0) return { status: 'OK' } as const;
        return reply.status(503).send({ status: 'UNAVAILABLE', problems });
      },
    }),
  ];
}
